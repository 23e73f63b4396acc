//! OSPFv2 and OSPFv3 (IP protocol 89) as tcpdump's print-ospf.c and print-ospf6.c say them.
//! The packet type line is tcpdump's; the `-v` body (router ID, area, LSAs) is not printed
//! yet.

use std::fmt::Write as _;

use super::message::{tok, Bytes, Walk};
use super::{Dissector, Ip};
use crate::decode::message::Message;

const TYPES: &[(u32, &str)] = &[
    (1, "Hello"),
    (2, "Database Description"),
    (3, "LS-Request"),
    (4, "LS-Update"),
    (5, "LS-Ack"),
];

/// Authentication type 2 (cryptographic): a 16-byte digest follows the packet.
const AUTH_MD5: u16 = 2;

impl Dissector {
    pub(super) fn ospf(&mut self, out: &mut String, m: &Message<'_>, ip: Option<&Ip>) -> Walk {
        let v6 = ip.is_some_and(|ip| !ip.v4());
        let b = Bytes::new(m.raw, if v6 { "ospf3" } else { "ospf2" });
        let mut length = m.length;
        if !v6 && b.be16(14)? == AUTH_MD5 {
            length = length.wrapping_sub(16);
        }
        let ty = b.u8(1)?;
        let version = b.u8(0)?;
        match tok(TYPES, u32::from(ty)) {
            Some(name) => {
                let _ = write!(out, "OSPFv{version}, {name}, length {length}");
            }
            None if v6 => {
                let _ = write!(
                    out,
                    "OSPFv{version}, unknown packet type ({ty}), length {length}"
                );
            }
            None => {
                let _ = write!(out, "OSPFv{version}, unknown LS-type {ty}, length {length}");
            }
        }
        Ok(())
    }
}
