//! The Ethernet configuration testing protocol (ethertype 0x9000) as tcpdump's
//! print-loopback.c says it: the skip count, then the first message's function.

use std::fmt::Write as _;

use super::message::{Bytes, Walk};
use super::{mac, Dissector};
use crate::decode::message::Message;

impl Dissector {
    pub(super) fn loopback(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "loopback");
        let mut len = m.length as usize;
        out.push_str("Loopback");
        if len < 2 {
            return invalid(out, b, 0, len);
        }
        let skip = usize::from(b.le16(0)?);
        len -= 2;
        let _ = write!(out, ", skipCount {skip}");
        if skip % 8 != 0 {
            out.push_str(" (bogus)");
        }
        if skip > len {
            return invalid(out, b, 2, len);
        }
        b.get(2, skip)?;
        let cp = 2 + skip;
        len -= skip;
        // The first message.
        if len < 2 {
            return invalid(out, b, cp, len);
        }
        let function = b.le16(cp)?;
        let cp = cp + 2;
        len -= 2;
        match function {
            1 => out.push_str(", Reply"),
            2 => out.push_str(", Forward Data"),
            f => {
                let _ = write!(out, ",  invalid ({f})");
            }
        }
        match function {
            1 => {
                if len < 2 {
                    return invalid(out, b, cp, len);
                }
                let _ = write!(out, ", receipt number {}", b.le16(cp)?);
                let _ = write!(out, ", data ({} octets)", len - 2);
                b.get(cp + 2, len - 2)?;
            }
            2 => {
                if len < 6 {
                    return invalid(out, b, cp, len);
                }
                out.push_str(", forwarding address ");
                mac(out, b.get(cp, 6)?);
                let _ = write!(out, ", data ({} octets)", len - 6);
                b.get(cp + 6, len - 6)?;
            }
            _ => {
                b.get(cp, len)?;
            }
        }
        Ok(())
    }
}

/// tcpdump's `invalid:` label: " (invalid)", then the rest must have been captured.
fn invalid(out: &mut String, b: Bytes<'_>, at: usize, len: usize) -> Walk {
    out.push_str(" (invalid)");
    b.get(at, len)?;
    Ok(())
}
