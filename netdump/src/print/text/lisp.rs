//! LISP control messages (UDP 4342) as tcpdump's print-lisp.c says them: Map-Register and
//! Map-Notify records and locators; other types by name only.

use std::fmt::Write as _;

use super::message::{bits, hex_print, tok, Bytes, Walk};
use super::Dissector;
use crate::decode::message::Message;

const TYPES: &[(u32, &str)] = &[
    (0, "LISP-Reserved"),
    (1, "LISP-Map-Request"),
    (2, "LISP-Map-Reply"),
    (3, "LISP-Map-Register"),
    (4, "LISP-Map-Notify"),
    (8, "LISP-Encapsulated-Contol-Message"),
];
const REGISTER_FLAGS: &[(u32, &str)] = &[
    (0x0800_0000, "P-Proxy-Map-Reply"),
    (0x0400_0000, "S-LISP-SEC-Capable"),
    (0x0200_0000, "I-xTR-ID-Present"),
    (0x0100_0000, "R-Build-For-RTR"),
    (0x0000_0100, "M-Want-Map-Notify"),
];
const NOTIFY_FLAGS: &[(u32, &str)] = &[
    (0x0800_0000, "I-xTR-ID-Present"),
    (0x0400_0000, "R-Build-For-RTR"),
];
const LOC_FLAGS: &[(u32, &str)] = &[(4, "Local-Locator"), (2, "RLoc-Probed"), (1, "Reachable")];
const AUTH: &[(u32, &str)] = &[(0, "None"), (1, "SHA1"), (2, "SHA256")];
const ACTIONS: &[(u32, &str)] = &[
    (0, "No-Action"),
    (1, "Natively-Forward"),
    (2, "Send-Map-Request"),
    (3, "Drop"),
];

const HEADER_LEN: usize = 16;
const EID_LEN: usize = 12;
const LOC_LEN: usize = 8;
const REGISTER: u8 = 3;
const NOTIFY: u8 = 4;

impl Dissector {
    pub(super) fn lisp(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "lisp");
        let length = m.length as usize;
        let verbose = self.opts.verbose > 0;
        b.get(0, HEADER_LEN)?;
        let type_and_flag = b.u8(0)?;
        let ty = type_and_flag >> 4;
        match tok(TYPES, u32::from(ty)) {
            Some(name) => {
                let _ = write!(out, "{name},");
            }
            None => {
                let _ = write!(out, "unknown-type-{ty},");
            }
        }
        if verbose {
            let flags = b.be32(0)?;
            if ty == REGISTER {
                let _ = write!(out, " flags [{}],", bits(REGISTER_FLAGS, "none", flags));
            } else if ty == NOTIFY {
                let _ = write!(out, " flags [{}],", bits(NOTIFY_FLAGS, "none", flags));
            }
        }
        if ty != REGISTER && ty != NOTIFY {
            return Ok(());
        }
        let xtr_present = match ty {
            REGISTER => type_and_flag & 2 != 0,
            _ => type_and_flag & 8 != 0,
        };
        let auth_len = usize::from(b.be16(14)?);
        let mut record_count = b.u8(3)?;
        let mut at = HEADER_LEN;
        if verbose {
            let key_id = b.be16(12)?;
            let _ = write!(
                out,
                "\n    {record_count} record(s), Authentication {},",
                tok(AUTH, u32::from(key_id)).unwrap_or("unknown-type")
            );
            hex_print(out, "\n    Authentication-Data: ", b.from(at), auth_len)?;
        } else {
            let _ = write!(out, " {record_count} record(s),");
        }
        at += auth_len;
        if record_count == 0 {
            out.push_str(" (invalid)");
            return Ok(());
        }
        while length > at && record_count != 0 {
            record_count -= 1;
            b.get(at, EID_LEN)?;
            out.push('\n');
            let eid = at;
            at += EID_LEN;
            let mask_len = b.u8(eid + 5)?;
            let eid_afi = b.be16(eid + 10)?;
            let mut loc_count = b.u8(eid + 4)?;
            if verbose {
                let _ = write!(out, "      Record TTL {},", b.be32(eid)?);
                let act = b.u8(eid + 6)?;
                out.push_str(if (act >> 4) & 1 != 0 {
                    " Authoritative,"
                } else {
                    " Non-Authoritative,"
                });
                let _ = write!(
                    out,
                    " {},",
                    tok(ACTIONS, u32::from(act >> 5)).unwrap_or("unknown")
                );
                let _ = write!(out, " Map Version: {},", b.be16(eid + 8)? & 0x0fff);
            }
            match eid_afi {
                1 => {
                    let _ = write!(out, " EID {}/{mask_len},", b.ipv4(at)?);
                    at += 4;
                }
                2 => {
                    let _ = write!(out, " EID {}/{mask_len},", b.ipv6(at)?);
                    at += 16;
                }
                _ => return Ok(()),
            }
            let _ = write!(out, " {loc_count} locator(s)");
            while loc_count != 0 {
                loc_count -= 1;
                b.get(at, LOC_LEN)?;
                let loc = at;
                at += LOC_LEN;
                let loc_afi = b.be16(loc + 6)?;
                if verbose {
                    out.push_str("\n       ");
                }
                match loc_afi {
                    1 => {
                        b.get(at, 4)?;
                        let _ = write!(out, " LOC {}", b.ipv4(loc + LOC_LEN)?);
                        at += 4;
                    }
                    2 => {
                        b.get(at, 16)?;
                        let _ = write!(out, " LOC {}", b.ipv6(loc + LOC_LEN)?);
                        at += 16;
                    }
                    _ => {}
                }
                if verbose {
                    let _ = write!(
                        out,
                        "\n          Priority/Weight {}/{}, Multicast Priority/Weight {}/{},",
                        b.u8(loc)?,
                        b.u8(loc + 1)?,
                        b.u8(loc + 2)?,
                        b.u8(loc + 3)?
                    );
                    let _ = write!(
                        out,
                        " flags [{}],",
                        bits(LOC_FLAGS, "none", u32::from(b.be16(loc + 4)?))
                    );
                }
            }
        }
        if xtr_present {
            if !b.has(at, 24) {
                out.push_str(" (invalid)");
                return Ok(());
            }
            hex_print(out, "\n    xTR-ID: ", b.from(at), 16)?;
            let site = b.get(at + 16, 8)?;
            let mut a = [0u8; 8];
            a.copy_from_slice(site);
            let _ = write!(out, "\n    SITE-ID: {}", u64::from_be_bytes(a));
        } else if at < b.len() {
            hex_print(out, "\n    Data: ", b.from(at), b.len() - at)?;
        }
        Ok(())
    }
}
