//! HSRP wording (tcpdump's `hsrp_print`).

use std::fmt::Write as _;

use super::{
    walk::{printjnp, relts, tok, trunc, Bytes, Walk},
    Dissector,
};
use crate::decode::hsrp::Hsrp;

const STATES: &[(u32, &str)] = &[
    (0, "initial"),
    (1, "learn"),
    (2, "listen"),
    (4, "speak"),
    (8, "standby"),
    (16, "active"),
];

impl Dissector {
    /// An HSRP message of `len` bytes (by the UDP header).
    pub(super) fn hsrp(&mut self, out: &mut String, h: &Hsrp<'_>, len: u32) {
        if self.hsrp_walk(out, h, len).is_err() {
            trunc(out, "hsrp");
        }
    }

    fn hsrp_walk(&self, out: &mut String, h: &Hsrp<'_>, len: u32) -> Walk {
        let b = Bytes(h.raw);
        let version = b.u8(0)?;
        let _ = write!(out, "HSRPv{version}");
        if version != 0 {
            return Ok(());
        }
        out.push('-');
        let op = b.u8(1)?;
        let _ = match op {
            0 => write!(out, "hello "),
            1 => write!(out, "coup "),
            2 => write!(out, "resign "),
            _ => write!(out, "unknown ({op}) "),
        };
        let _ = write!(out, "{len}: ");
        let state = b.u8(2)?;
        let _ = match tok(STATES, state.into()) {
            Some(s) => write!(out, "state={s} "),
            None => write!(out, "state=Unknown ({state}) "),
        };
        let _ = write!(out, "group={} ", b.u8(6)?);
        let reserved = b.u8(7)?;
        if reserved != 0 {
            let _ = write!(out, "[reserved={reserved}!] ");
        }
        let _ = write!(out, "addr={}", b.ipv4(16)?);
        if self.opts.verbose > 0 {
            out.push_str(" hellotime=");
            relts(out, b.u8(3)?.into());
            out.push_str(" holdtime=");
            relts(out, b.u8(4)?.into());
            let _ = write!(out, " priority={}", b.u8(5)?);
            out.push_str(" auth=\"");
            printjnp(out, b, 8, 8)?;
            out.push('"');
        }
        Ok(())
    }
}
