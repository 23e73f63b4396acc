//! Broadcom's lawful-intercept shim (UDP from port 49152) as tcpdump's print-bcm-li.c says
//! it: the shim, then from `-v` on the intercepted packet.

use std::fmt::Write as _;

use super::message::{tok, Bytes, Walk};
use super::Dissector;
use crate::decode::{self, message::Message};
use crate::packet::LinkType;

const DIRECTIONS: &[(u32, &str)] = &[(1, "unused"), (2, "egress"), (3, "ingress")];
const TYPES: &[(u32, &str)] = &[(4, "undecided"), (5, "ipv4"), (6, "ipv6"), (7, "ethernet")];
const SUBTYPES: &[(u32, &str)] = &[
    (1, "single VLAN tag"),
    (2, "double VLAN tag"),
    (3, "untagged"),
];

impl Dissector {
    pub(super) fn bcm_li(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "bcm_li");
        let length = m.length as usize;
        if length < 4 {
            let _ = write!(out, " (length {length} < 4) (invalid)");
            return Ok(());
        }
        let shim = b.be32(0)?;
        let pkt_type = (shim >> 25) & 0xf;
        let sep = if self.opts.verbose > 0 { "\n    " } else { "" };
        let _ = write!(
            out,
            "{sep}BCM-LI-SHIM: direction {}, pkt-type {}, pkt-subtype {}, li-id {}{sep}",
            tok(DIRECTIONS, shim >> 29).unwrap_or("unknown"),
            tok(TYPES, pkt_type).unwrap_or("unknown"),
            tok(SUBTYPES, (shim >> 22) & 7).unwrap_or("unknown"),
            shim & 0x3f_ffff
        );
        let (inner, length) = (b.from(4), length - 4);
        if self.opts.verbose == 0 {
            return inner.get(0, length).map(|_| ());
        }
        let link = match pkt_type {
            7 => LinkType::ETHERNET,
            5 | 6 => LinkType::RAW,
            4 => match inner.u8(0)? >> 4 {
                4 | 6 => LinkType::RAW,
                _ => {
                    out.push_str("unknown payload");
                    return Ok(());
                }
            },
            _ => {
                out.push_str(" (invalid)");
                return Ok(());
            }
        };
        let d = decode::decode(link, inner.take(length).b, length as u32);
        self.link(out, &d, length as u32);
        Ok(())
    }
}
