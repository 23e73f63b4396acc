//! Cisco EIGRP (IP protocol 88) as tcpdump's print-eigrp.c says it: the opcode at default
//! verbosity, the header and every TLV from `-v` on.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use super::message::{bits, tok, unknown_data, Bytes, Walk};
use super::Dissector;
use crate::decode::message::Message;

const OPCODES: &[(u32, &str)] = &[
    (1, "Update"),
    (3, "Query"),
    (4, "Reply"),
    (5, "Hello"),
    (6, "IPX SAP"),
    (7, "Probe"),
];
const FLAGS: &[(u32, &str)] = &[
    (1, "Init"),
    (2, "Conditionally Received"),
    (4, "Restart"),
    (8, "End-of-Table"),
];
const TLVS: &[(u32, &str)] = &[
    (0x0001, "General Parameters"),
    (0x0002, "Authentication"),
    (0x0003, "Sequence"),
    (0x0004, "Software Version"),
    (0x0005, "Next Multicast Sequence"),
    (0x0102, "IP Internal routes"),
    (0x0103, "IP External routes"),
    (0x0202, "AppleTalk Internal routes"),
    (0x0203, "AppleTalk External routes"),
    (0x0204, "AppleTalk Cable setup"),
    (0x0302, "IPX Internal routes"),
    (0x0303, "IPX External routes"),
];
const EXT_PROTOS: &[(u32, &str)] = &[
    (1, "IGRP"),
    (2, "EIGRP"),
    (3, "Static"),
    (4, "RIP"),
    (5, "Hello"),
    (6, "OSPF"),
    (7, "IS-IS"),
    (8, "EGP"),
    (9, "BGP"),
    (10, "IDRP"),
    (11, "Connected"),
];
const HEADER_LEN: usize = 20;

impl Dissector {
    pub(super) fn eigrp(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "eigrp");
        let len = m.length as usize;
        b.get(0, HEADER_LEN)?;
        let version = b.u8(0)?;
        if version != 2 {
            let _ = write!(out, "EIGRP version {version} packet not supported");
            return Ok(());
        }
        let opcode = b.u8(1)?;
        let op_name = tok(OPCODES, u32::from(opcode));
        if self.opts.verbose == 0 {
            let name = op_name.map_or_else(|| format!("unknown ({opcode})"), str::to_string);
            let _ = write!(out, "EIGRP {name}, length: {len}");
            return Ok(());
        }
        if len < HEADER_LEN {
            let name = op_name.map_or_else(|| format!("unknown ({opcode})"), str::to_string);
            let _ = write!(
                out,
                "EIGRP {name}, length: {len} (too short, < {HEADER_LEN})"
            );
            return Ok(());
        }
        let mut tlen = len - HEADER_LEN;
        let name = op_name.map_or_else(|| format!("unknown, type: {opcode}"), str::to_string);
        let _ = write!(
            out,
            "\n\tEIGRP v{version}, opcode: {name} ({opcode}), chksum: 0x{:04x}, Flags: [{}]\
             \n\tseq: 0x{:08x}, ack: 0x{:08x}, VRID: {}, AS: {}, length: {tlen}",
            b.be16(2)?,
            bits(FLAGS, "none", b.be32(4)?),
            b.be32(8)?,
            b.be32(12)?,
            b.be16(16)?,
            b.be16(18)?,
        );
        let mut at = HEADER_LEN;
        while tlen > 0 {
            b.get(at, 4)?;
            let tlv_type = b.be16(at)?;
            let tlv_len = usize::from(b.be16(at + 2)?);
            if tlv_len < 4 || tlv_len > tlen {
                unknown_data(out, "\n\t    ", b.from(at + 4), tlen);
                return Ok(());
            }
            let name = tok(TLVS, u32::from(tlv_type)).unwrap_or("Unknown");
            let _ = write!(
                out,
                "\n\t  {name} TLV (0x{tlv_type:04x}), length: {tlv_len}"
            );
            let v = b.from(at + 4);
            let vlen = tlv_len - 4;
            b.get(at, tlv_len)?;
            let short = |out: &mut String, need: usize| -> bool {
                if vlen < need {
                    let _ = write!(out, " (too short, < {})", need + 4);
                }
                vlen < need
            };
            match tlv_type {
                0x0001 if !short(out, 8) => {
                    let _ = write!(
                        out,
                        "\n\t    holdtime: {}s, k1 {}, k2 {}, k3 {}, k4 {}, k5 {}",
                        v.be16(6)?,
                        v.u8(0)?,
                        v.u8(1)?,
                        v.u8(2)?,
                        v.u8(3)?,
                        v.u8(4)?
                    );
                }
                0x0004 if !short(out, 4) => {
                    let _ = write!(
                        out,
                        "\n\t    IOS version: {}.{}, EIGRP version {}.{}",
                        v.u8(0)?,
                        v.u8(1)?,
                        v.u8(2)?,
                        v.u8(3)?
                    );
                }
                0x0102 if !short(out, 22) => {
                    if prefix(out, v, 20)? {
                        metrics(out, v, 4)?;
                    }
                }
                0x0103 if !short(out, 42) => {
                    if prefix(out, v, 40)? {
                        let _ = write!(
                            out,
                            "\n\t      origin-router {}, origin-as {}, origin-proto {}, flags [0x{:02x}], tag 0x{:08x}, metric {}",
                            v.ipv4(4)?,
                            v.be32(8)?,
                            tok(EXT_PROTOS, u32::from(v.u8(22)?)).unwrap_or("unknown"),
                            v.u8(23)?,
                            v.be32(12)?,
                            v.be32(16)?
                        );
                        metrics(out, v, 24)?;
                    }
                }
                0x0204 if !short(out, 8) => {
                    let _ = write!(
                        out,
                        "\n\t    Cable-range: {}-{}, Router-ID {}",
                        v.be16(0)?,
                        v.be16(2)?,
                        v.be32(4)?
                    );
                }
                0x0202 if !short(out, 24) => {
                    appletalk_range(out, v, 20)?;
                    metrics(out, v, 4)?;
                }
                0x0203 if !short(out, 40) => {
                    appletalk_range(out, v, 36)?;
                    let _ = write!(
                        out,
                        "\n\t      origin-router {}, origin-as {}, origin-proto {}, flags [0x{:02x}], tag 0x{:08x}, metric {}",
                        v.be32(4)?,
                        v.be32(8)?,
                        tok(EXT_PROTOS, u32::from(v.u8(16)?)).unwrap_or("unknown"),
                        v.u8(17)?,
                        v.be32(12)?,
                        v.be16(18)?
                    );
                    metrics(out, v, 20)?;
                }
                0x0001 | 0x0004 | 0x0102 | 0x0103 | 0x0204 | 0x0202 | 0x0203 => {}
                _ => {
                    if self.opts.verbose <= 1 {
                        unknown_data(out, "\n\t    ", v, vlen);
                    }
                }
            }
            if self.opts.verbose > 1 {
                unknown_data(out, "\n\t    ", v, vlen);
            }
            at += tlv_len;
            tlen -= tlv_len;
        }
        Ok(())
    }
}

/// "IPv4 prefix: ADDR/LEN, nexthop: ..." (`plen_at`: offset of the prefix length, the
/// address bytes after it); false when the length is illegal (tcpdump stops the TLV).
fn prefix(out: &mut String, v: Bytes<'_>, plen_at: usize) -> Result<bool, super::message::Trunc> {
    let bit_length = v.u8(plen_at)?;
    if bit_length > 32 {
        let _ = write!(out, "\n\t    illegal prefix length {bit_length}");
        return Ok(false);
    }
    let n = usize::from(bit_length).div_ceil(8);
    let mut p = [0u8; 4];
    p[..n].copy_from_slice(v.get(plen_at + 1, n)?);
    let _ = write!(
        out,
        "\n\t    IPv4 prefix: {:>15}/{bit_length}, nexthop: ",
        super::Host::from(Ipv4Addr::from(p)).to_string()
    );
    let hop = v.ipv4(0)?;
    if hop.is_unspecified() {
        out.push_str("self");
    } else {
        let _ = write!(out, "{hop}");
    }
    Ok(true)
}

fn appletalk_range(out: &mut String, v: Bytes<'_>, at: usize) -> Walk {
    let _ = write!(
        out,
        "\n\t     Cable-Range: {}-{}, nexthop: ",
        v.be16(at)?,
        v.be16(at + 2)?
    );
    if v.be32(0)? == 0 {
        out.push_str("self");
    } else {
        let _ = write!(out, "{}.{}", v.be16(0)?, v.be16(2)?);
    }
    Ok(())
}

/// "delay ... load N" from the delay field at `at`.
fn metrics(out: &mut String, v: Bytes<'_>, at: usize) -> Walk {
    let _ = write!(
        out,
        "\n\t      delay {} ms, bandwidth {} Kbps, mtu {}, hop {}, reliability {}, load {}",
        v.be32(at)? / 100,
        v.be32(at + 4)?,
        v.be24(at + 8)?,
        v.u8(at + 11)?,
        v.u8(at + 12)?,
        v.u8(at + 13)?
    );
    Ok(())
}
