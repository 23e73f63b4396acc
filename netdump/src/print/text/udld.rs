//! Cisco UDLD (SNAP, OUI Cisco, PID 0x0111) as tcpdump's print-udld.c says it.

use std::fmt::Write as _;

use super::message::{bits, printn, tok, Bytes, Walk};
use super::openflow::printjnp;
use super::Dissector;
use crate::decode::message::Message;

const TLVS: &[(u32, &str)] = &[
    (1, "Device-ID TLV"),
    (2, "Port-ID TLV"),
    (3, "Echo TLV"),
    (4, "Message Interval TLV"),
    (5, "Timeout Interval TLV"),
    (6, "Device Name TLV"),
    (7, "Sequence Number TLV"),
];

const CODES: &[(u32, &str)] = &[
    (0, "Reserved"),
    (1, "Probe message"),
    (2, "Echo message"),
    (3, "Flush message"),
];

const FLAGS: &[(u32, &str)] = &[
    (1 << 0, "RT"),
    (1 << 1, "RSY"),
    (1 << 2, "MBZ-2"),
    (1 << 3, "MBZ-3"),
    (1 << 4, "MBZ-4"),
    (1 << 5, "MBZ-5"),
    (1 << 6, "MBZ-6"),
    (1 << 7, "MBZ-7"),
];

impl Dissector {
    pub(super) fn udld(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "udld");
        let length = m.length as usize;
        if length < 4 {
            return invalid(out, b, 0, length);
        }
        let first = b.u8(0)?;
        let (ver, code) = (first >> 5, first & 0x1f);
        let flags = b.u8(1)?;
        let _ = write!(
            out,
            "UDLDv{ver}, Code {} ({code:x}), Flags [{}] (0x{flags:02x}), length {length}",
            tok(CODES, u32::from(code)).unwrap_or("Reserved"),
            bits(FLAGS, "none", u32::from(flags)),
        );
        if self.opts.verbose < 1 {
            return b.get(2, length - 2).map(|_| ());
        }
        let _ = write!(out, "\n\tChecksum 0x{:04x} (unverified)", b.be16(2)?);
        let (mut cp, mut len) = (4, length - 4);
        while len > 0 {
            if len < 4 {
                return invalid(out, b, cp, len);
            }
            let ty = b.be16(cp)?;
            let tlen = usize::from(b.be16(cp + 2)?);
            cp += 4;
            len -= 4;
            let _ = write!(
                out,
                "\n\t{} (0x{ty:04x}) TLV, length {tlen}",
                tok(TLVS, u32::from(ty)).unwrap_or("Unknown")
            );
            if tlen <= 4 {
                return invalid(out, b, cp, len);
            }
            let tlen = tlen - 4;
            if len < tlen {
                return invalid(out, b, cp, len);
            }
            match ty {
                1 | 2 | 6 => {
                    out.push_str(", ");
                    printjnp(out, b, cp, tlen)?;
                }
                3 => {
                    out.push_str(", ");
                    printn(out, b, cp, tlen)?;
                }
                4 | 5 => {
                    if tlen != 1 {
                        return invalid(out, b, cp, len);
                    }
                    let _ = write!(out, ", {}s", b.u8(cp)?);
                }
                7 => {
                    if tlen != 4 {
                        return invalid(out, b, cp, len);
                    }
                    let _ = write!(out, ", {}", b.be32(cp)?);
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
