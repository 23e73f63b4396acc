//! OSI network-layer PDUs after LLC SAP 0xfe, as tcpdump's print-isoclns.c says them:
//! `isoclns_print`'s NLPID dispatch, IS-IS's and ES-IS's header checks and first lines
//! (and their `-v` header lines). The IS-IS TLVs, ES-IS options and CLNP are not decoded
//! yet: past the header a `-v` walk ends, and CLNP is dumped as tcpdump dumps unknown
//! NLPIDs.

use std::fmt::Write as _;

use super::message::{tok, unknown_data, Bytes, Walk};
use super::Dissector;
use crate::decode::message::Message;

const NLPID_NULLNS: u8 = 0x00;
const NLPID_CLNP: u8 = 0x81;
const NLPID_ESIS: u8 = 0x82;
const NLPID_ISIS: u8 = 0x83;

/// tcpdump's `nlpid_values`.
const NLPIDS: &[(u32, &str)] = &[
    (0x00, "NULL"),
    (0x08, "Q.933"),
    (0x09, "LMI"),
    (0x80, "SNAP"),
    (0x81, "CLNP"),
    (0x82, "ES-IS"),
    (0x83, "IS-IS"),
    (0x84, "CONS"),
    (0x85, "IDRP"),
    (0xc1, "ISIS_SPB"),
    (0xb1, "FRF.15"),
    (0xcc, "IPv4"),
    (0xcf, "PPP"),
    (0x8a, "X25 ES-IS"),
    (0x8e, "IPv6"),
];

const ISIS_PDUS: &[(u32, &str)] = &[
    (15, "L1 Lan IIH"),
    (16, "L2 Lan IIH"),
    (17, "p2p IIH"),
    (18, "L1 LSP"),
    (20, "L2 LSP"),
    (24, "L1 CSNP"),
    (25, "L2 CSNP"),
    (26, "L1 PSNP"),
    (27, "L2 PSNP"),
];

const ESIS_PDUS: &[(u32, &str)] = &[(6, "redirect"), (2, "ESH"), (4, "ISH")];

const SYSTEM_ID_LEN: usize = 6;
const NODE_ID_LEN: usize = 7;
const LSP_ID_LEN: usize = 8;
const COMMON_HEADER: usize = 8;

/// tcpdump's `isis_print_id`: "xxxx.xxxx.xxxx", then ".nn" for a node id and "-nn" for
/// an LSP id.
fn print_id(b: Bytes<'_>, at: usize, id_len: usize) -> Result<String, super::message::Trunc> {
    let mut s = String::new();
    for i in 0..id_len.min(SYSTEM_ID_LEN) {
        let _ = write!(s, "{:02x}", b.u8(at + i)?);
        if i == 1 || i == 3 {
            s.push('.');
        }
    }
    if id_len >= NODE_ID_LEN {
        let _ = write!(s, ".{:02x}", b.u8(at + SYSTEM_ID_LEN)?);
    }
    if id_len == LSP_ID_LEN {
        let _ = write!(s, "-{:02x}", b.u8(at + NODE_ID_LEN)?);
    }
    Ok(s)
}

impl Dissector {
    /// `isoclns_print`: the PDU after an LLC header with both SAPs 0xfe.
    pub(super) fn isoclns(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "isoclns");
        let length = m.length as usize;
        let nlpid = b.u8(0)?;
        if self.opts.link_header {
            let _ = write!(
                out,
                "OSI NLPID {} (0x{nlpid:02x}): ",
                tok(NLPIDS, u32::from(nlpid)).unwrap_or("Unknown")
            );
        }
        let sep = if self.opts.link_header { "" } else { ", " };
        match nlpid {
            NLPID_ISIS => {
                if !self.isis(out, b.named("isis"), length)? {
                    unknown_data(out, "\n\t", b, length);
                }
            }
            NLPID_ESIS => self.esis(out, b.named("esis"), length)?,
            NLPID_NULLNS => {
                let _ = write!(out, "{sep}length: {length}");
            }
            NLPID_CLNP => {
                // Not decoded yet: what tcpdump prints for a CLNP PDU it cannot parse.
                if !self.opts.link_header {
                    out.push_str("CLNP");
                }
                unknown_data(out, "\n\t", b, length);
            }
            _ => {
                if !self.opts.link_header {
                    let _ = write!(out, "OSI NLPID 0x{nlpid:02x} unknown");
                }
                let _ = write!(out, "{sep}length: {length}");
                if length > 1 {
                    unknown_data(out, "\n\t", b, length);
                }
            }
        }
        Ok(())
    }

    /// `isis_print`'s header checks and its first line; false where tcpdump returns 0
    /// (its caller then dumps the PDU).
    fn isis(
        &mut self,
        out: &mut String,
        b: Bytes<'_>,
        length: usize,
    ) -> Result<bool, super::message::Trunc> {
        b.get(0, COMMON_HEADER)?;
        if length < COMMON_HEADER {
            return Err(b.trunc());
        }
        let e = self.opts.link_header;
        if !e {
            out.push_str("IS-IS");
        }
        let version = b.u8(2)?;
        if version != 1 {
            let _ = write!(out, "version {version} packet not supported");
            return Ok(false);
        }
        let pdu_id_length = b.u8(3)?;
        if pdu_id_length != 6 && pdu_id_length != 0 {
            let _ = write!(out, "system ID length of {pdu_id_length} is not supported");
            return Ok(false);
        }
        let pdu_version = b.u8(5)?;
        if pdu_version != 1 {
            let _ = write!(out, "version {pdu_version} packet not supported");
            return Ok(false);
        }
        let fixed_len = usize::from(b.u8(1)?);
        if length < fixed_len {
            let _ = write!(
                out,
                "fixed header length {fixed_len} > packet length {length}"
            );
            return Ok(false);
        }
        if fixed_len < COMMON_HEADER {
            let _ = write!(
                out,
                "fixed header length {fixed_len} < minimum header size {COMMON_HEADER}"
            );
            return Ok(false);
        }
        let pdu_max_area = b.u8(7)?;
        let max_area = match pdu_max_area {
            0 => 3,
            255 => {
                out.push_str("bad packet -- 255 areas");
                return Ok(false);
            }
            n => n,
        };
        let id_length = 6;
        let pdu_type = b.u8(4)?;
        let sep = if e { "" } else { ", " };
        let verbose = self.opts.verbose;
        if verbose == 0 {
            let _ = match tok(ISIS_PDUS, u32::from(pdu_type)) {
                Some(n) => write!(out, "{sep}{n}"),
                None => write!(out, "{sep}unknown PDU-Type {pdu_type}"),
            };
        } else {
            let _ = write!(out, "{sep}length {length}");
            let _ = match tok(ISIS_PDUS, u32::from(pdu_type)) {
                Some(n) => write!(out, "\n\t{n}"),
                None => write!(out, "\n\tunknown, type {pdu_type}"),
            };
            let _ = write!(
                out,
                ", hlen: {fixed_len}, v: {version}, pdu-v: {pdu_version}, sys-id-len: {id_length} ({pdu_id_length}), max-area: {max_area} ({pdu_max_area})"
            );
            if verbose > 1 {
                super::message::hex_print(out, "\n\t", b, COMMON_HEADER)?;
            }
        }
        let h = COMMON_HEADER;
        // The PDU type's fixed header: its size, and what the first line shows of it.
        let (size, bogus_sep) = match pdu_type {
            15 | 16 => (27, ", "),
            17 => (20, ", "),
            18 | 20 => (27, ", "),
            24 | 25 => (33, ", "),
            26 | 27 => (17, "- "),
            _ => {
                if verbose == 0 {
                    let _ = write!(out, ", length {length}");
                    return Ok(true);
                }
                unknown_data(out, "\n\t  ", b.from(h), length);
                return Ok(false);
            }
        };
        if fixed_len != size {
            // tcpdump's LSP message gives the LSP header's size alone.
            let should = if matches!(pdu_type, 18 | 20) {
                size - h
            } else {
                size
            };
            let _ = write!(
                out,
                "{bogus_sep}bogus fixed header length {fixed_len} should be {should}"
            );
            return Ok(false);
        }
        b.get(h, size - h)?;
        if length < size {
            return Err(b.trunc());
        }
        if verbose == 0 {
            match pdu_type {
                15 | 16 => {
                    let _ = write!(
                        out,
                        ", src-id {}, lan-id {}, prio {}",
                        print_id(b, h + 1, SYSTEM_ID_LEN)?,
                        print_id(b, h + 12, NODE_ID_LEN)?,
                        b.u8(h + 11)?
                    );
                }
                17 => {
                    let _ = write!(out, ", src-id {}", print_id(b, h + 1, SYSTEM_ID_LEN)?);
                }
                18 | 20 => {
                    let _ = write!(
                        out,
                        ", lsp-id {}, seq 0x{:08x}, lifetime {:5}s",
                        print_id(b, h + 4, LSP_ID_LEN)?,
                        b.be32(h + 12)?,
                        b.be16(h + 2)?
                    );
                }
                _ => {
                    let _ = write!(out, ", src-id {}", print_id(b, h + 2, NODE_ID_LEN)?);
                }
            }
            let _ = write!(out, ", length {length}");
            return Ok(true);
        }
        // The fixed header's -v lines and the TLVs are not decoded yet.
        Ok(true)
    }

    /// `esis_print`'s header checks and first line.
    fn esis(&mut self, out: &mut String, b: Bytes<'_>, length: usize) -> Walk {
        let e = self.opts.link_header;
        if !e {
            out.push_str("ES-IS");
        }
        if length <= 2 {
            out.push_str(if self.opts.quiet {
                "bad pkt!"
            } else {
                "no header at all!"
            });
            return Ok(());
        }
        b.get(0, 9)?;
        let li = usize::from(b.u8(1)?);
        let version = b.u8(2)?;
        if version != 1 {
            let _ = write!(out, " version {version} packet not supported");
            return Ok(());
        }
        if li > length {
            let _ = write!(out, " length indicator({li}) > PDU size ({length})!");
            return Ok(());
        }
        if li < 11 {
            let _ = write!(out, " length indicator {li} < min PDU size:");
            for c in b.b {
                let _ = write!(out, "{c:02X}");
            }
            return Ok(());
        }
        let ty = b.u8(4)? & 0x1f;
        let sep = if e { "" } else { ", " };
        if self.opts.verbose < 1 {
            let _ = match tok(ESIS_PDUS, u32::from(ty)) {
                Some(n) => write!(out, "{sep}{n}, length {length}"),
                None => write!(out, "{sep}unknown type ({ty}), length {length}"),
            };
            return Ok(());
        }
        let _ = match tok(ESIS_PDUS, u32::from(ty)) {
            Some(n) => write!(out, "{sep}length {length}\n\t{n} ({ty})"),
            None => write!(out, "{sep}length {length}\n\tunknown type: {ty} ({ty})"),
        };
        // The header's -v fields and the PDU's options are not decoded yet.
        Ok(())
    }
}
