//! Cisco DTP (SNAP, OUI Cisco, PID 0x2004) as tcpdump's print-dtp.c says it.

use std::fmt::Write as _;

use super::message::{tok, Bytes, Walk};
use super::openflow::printjnp;
use super::Dissector;
use crate::decode::message::Message;

const TLVS: &[(u32, &str)] = &[
    (1, "Domain"),
    (2, "Status"),
    (3, "DTP type"),
    (4, "Neighbor"),
];

impl Dissector {
    pub(super) fn dtp(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "dtp");
        let length = m.length as usize;
        if length < 1 {
            out.push_str("[zero packet length]");
            return invalid(out, b, 0, length);
        }
        let _ = write!(out, "DTPv{}, length {length}", b.u8(0)?);
        if self.opts.verbose < 1 {
            return Ok(());
        }
        let (mut cp, mut len) = (1, length - 1);
        while len > 0 {
            if len < 4 {
                let _ = write!(out, "[{len} bytes remaining]");
                return invalid(out, b, cp, len);
            }
            let ty = b.be16(cp)?;
            let tlen = usize::from(b.be16(cp + 2)?);
            // tcpdump: "should not be but sometimes it is".
            if ty == 0 {
                return Ok(());
            }
            let _ = write!(
                out,
                "\n\t{} (0x{ty:04x}) TLV, length {tlen}",
                tok(TLVS, u32::from(ty)).unwrap_or("Unknown")
            );
            if tlen < 4 || tlen > len {
                let _ = write!(out, "[invalid TLV length {tlen}]");
                return invalid(out, b, cp, len);
            }
            match ty {
                1 => {
                    out.push_str(", ");
                    printjnp(out, b, cp + 4, tlen - 4)?;
                }
                2 | 3 => {
                    if tlen != 5 {
                        return invalid(out, b, cp, len);
                    }
                    let _ = write!(out, ", 0x{:x}", b.u8(cp + 4)?);
                }
                4 => {
                    if tlen != 10 {
                        return invalid(out, b, cp, len);
                    }
                    out.push_str(", ");
                    super::mac(out, b.get(cp + 4, 6)?);
                }
                _ => {
                    b.get(cp, tlen)?;
                }
            }
            cp += tlen;
            len -= tlen;
        }
        Ok(())
    }
}

/// `nd_print_invalid` and the check of what is left.
fn invalid(out: &mut String, b: Bytes<'_>, cp: usize, len: usize) -> Walk {
    out.push_str(" (invalid)");
    b.get(cp, len).map(|_| ())
}
