//! OSPFv2 and OSPFv3 (IP protocol 89) as tcpdump's print-ospf.c and print-ospf6.c say them.
//! The packet type line is tcpdump's; at `-v` OSPFv2's header, authentication, Hello,
//! Database Description, LS-Request, LS-Update and LS-Ack bodies and LLS blocks (but not the
//! traffic-engineering and graceful-restart opaque LSAs' TLVs); OSPFv3 its type line only.

use std::fmt::Write as _;

use super::message::{bits, tok, Bytes, Walk};
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
        let mut b = b;
        if !v6 && b.be16(14)? == AUTH_MD5 {
            // tcpdump strips the digest from the length and from the captured bytes.
            length = length.wrapping_sub(16);
            b = b.take(b.len().saturating_sub(16));
        }
        let ty = b.u8(1)?;
        let version = b.u8(0)?;
        match tok(TYPES, u32::from(ty)) {
            Some(name) => {
                let _ = write!(out, "OSPFv{version}, {name}, length {length}");
                if !v6 && self.opts.verbose > 0 {
                    return ospf2_verbose(out, b, length, self.opts.verbose);
                }
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

const OPTIONS: &[(u32, &str)] = &[
    (0x01, "MultiTopology"),
    (0x02, "External"),
    (0x04, "Multicast"),
    (0x08, "NSSA"),
    (0x10, "LLS"),
    (0x20, "Demand Circuit"),
    (0x40, "Opaque"),
    (0x80, "Up/Down"),
];

const AUTH_TYPES: &[(u32, &str)] = &[(0, "none"), (1, "simple"), (2, "MD5")];

const DD_FLAGS: &[(u32, &str)] = &[
    (0x04, "Init"),
    (0x02, "More"),
    (0x01, "Master"),
    (0x08, "OOBResync"),
];

const LSA_TYPES: &[(u32, &str)] = &[
    (1, "Router"),
    (2, "Network"),
    (3, "Summary"),
    (4, "ASBR Summary"),
    (5, "External"),
    (6, "Multicast Group"),
    (7, "NSSA"),
    (9, "Link Local Opaque"),
    (10, "Area Local Opaque"),
    (11, "Domain Wide Opaque"),
];

const OPAQUE_TYPES: &[(u32, &str)] = &[
    (1, "Traffic Engineering"),
    (3, "Graceful restart"),
    (4, "Router Information"),
];

const LLS_TLVS: &[(u32, &str)] = &[(1, "Extended Options"), (2, "MD5 Authentication")];

const LLS_EO_OPTIONS: &[(u32, &str)] = &[(0x01, "LSDB resync"), (0x02, "Restart")];

const HEADER: usize = 24;

fn opts(v: u8) -> String {
    bits(OPTIONS, "none", u32::from(v))
}

/// The rest of tcpdump's `ospf_print` at `-v` for OSPFv2 (`length` without an MD5 digest).
fn ospf2_verbose(out: &mut String, b: Bytes<'_>, length: u32, verbose: u8) -> Walk {
    let ospf_len = u32::from(b.be16(2)?);
    if length != ospf_len {
        let _ = write!(out, " [len {ospf_len}]");
    }
    let dataend = length.min(ospf_len) as usize;
    let _ = write!(out, "\n\tRouter-ID {}", b.ipv4(4)?);
    if b.be32(8)? != 0 {
        let _ = write!(out, ", Area {}", b.ipv4(8)?);
    } else {
        out.push_str(", Backbone Area");
    }
    b.get(16, 8)?;
    let auth = b.be16(14)?;
    let _ = write!(
        out,
        ", Authentication Type: {} ({auth})",
        tok(AUTH_TYPES, u32::from(auth)).unwrap_or("unknown")
    );
    match auth {
        0 => {}
        1 => {
            out.push_str("\n\tSimple text password: ");
            for i in 0..8 {
                let c = b.u8(16 + i)?;
                if c == 0 {
                    break;
                }
                super::message::print_char(out, c);
            }
        }
        2 => {
            let _ = write!(
                out,
                "\n\tKey-ID: {}, Auth-Length: {}, Crypto Sequence Number: 0x{:08x}",
                b.u8(18)?,
                b.u8(19)?,
                b.be32(20)?
            );
        }
        _ => return Ok(()),
    }
    if b.u8(0)? != 2 {
        let _ = write!(out, " ospf [version {}]", b.u8(0)?);
        return Ok(());
    }
    decode_v2(out, b, dataend, verbose)?;
    if length > ospf_len {
        lls(out, b, length)?;
    }
    Ok(())
}

/// tcpdump's `ospf_decode_v2`: the body of each packet type.
fn decode_v2(out: &mut String, b: Bytes<'_>, dataend: usize, verbose: u8) -> Walk {
    match b.u8(1)? {
        1 => {
            let _ = write!(out, "\n\tOptions [{}]", opts(b.u8(HEADER + 6)?));
            let _ = write!(
                out,
                "\n\t  Hello Timer {}s, Dead Timer {}s, Mask {}, Priority {}",
                b.be16(HEADER + 4)?,
                b.be32(HEADER + 8)?,
                b.ipv4(HEADER)?,
                b.u8(HEADER + 7)?
            );
            if b.be32(HEADER + 12)? != 0 {
                let _ = write!(out, "\n\t  Designated Router {}", b.ipv4(HEADER + 12)?);
            }
            if b.be32(HEADER + 16)? != 0 {
                let _ = write!(out, ", Backup Designated Router {}", b.ipv4(HEADER + 16)?);
            }
            let mut ap = HEADER + 20;
            if ap < dataend {
                out.push_str("\n\t  Neighbor List:");
            }
            while ap < dataend {
                let _ = write!(out, "\n\t    {}", b.ipv4(ap)?);
                ap += 4;
            }
        }
        2 => {
            let _ = write!(out, "\n\tOptions [{}]", opts(b.u8(HEADER + 2)?));
            let _ = write!(
                out,
                ", DD Flags [{}]",
                bits(DD_FLAGS, "none", u32::from(b.u8(HEADER + 3)?))
            );
            let mtu = b.be16(HEADER)?;
            if mtu != 0 {
                let _ = write!(out, ", MTU: {mtu}");
            }
            let _ = write!(out, ", Sequence: 0x{:08x}", b.be32(HEADER + 4)?);
            let mut lshp = HEADER + 8;
            while lshp < dataend && lshdr(out, b, lshp)?.is_some() {
                lshp += 20;
            }
        }
        3 => {
            let mut lsrp = HEADER;
            while lsrp < dataend {
                b.get(lsrp, 12)?;
                let ls_type = b.be32(lsrp)?;
                let _ = write!(
                    out,
                    "\n\t  Advertising Router: {}, {} LSA ({ls_type})",
                    b.ipv4(lsrp + 8)?,
                    tok(LSA_TYPES, ls_type).unwrap_or("unknown")
                );
                match ls_type {
                    9..=11 => {
                        let ot = u32::from(b.u8(lsrp + 4)?);
                        let _ = write!(
                            out,
                            ", Opaque-Type: {} LSA ({ot}), Opaque-ID: {}",
                            tok(OPAQUE_TYPES, ot).unwrap_or("unknown"),
                            b.be24(lsrp + 5)?
                        );
                    }
                    _ => {
                        let _ = write!(out, ", LSA-ID: {}", b.ipv4(lsrp + 4)?);
                    }
                }
                lsrp += 12;
            }
        }
        4 => {
            let count = b.be32(HEADER)?;
            let _ = write!(out, ", {count} LSA{}", if count == 1 { "" } else { "s" });
            let mut lsap = HEADER + 4;
            for n in 1..=count {
                let _ = write!(out, "\n\t  LSA #{n}");
                match lsa(out, b, lsap, verbose)? {
                    Some(end) => lsap = end,
                    None => return Err(b.trunc()),
                }
            }
        }
        5 => {
            // tcpdump walks the headers until one is bad or the capture ends.
            let mut lshp = HEADER;
            while lshdr(out, b, lshp)?.is_some() {
                lshp += 20;
            }
        }
        _ => {}
    }
    Ok(())
}

/// tcpdump's `ospf_print_lshdr`: the LSA's length, or None for a bogus one.
fn lshdr(out: &mut String, b: Bytes<'_>, at: usize) -> Result<Option<u32>, super::message::Trunc> {
    let ls_length = u32::from(b.be16(at + 18)?);
    if ls_length < 20 {
        let _ = write!(out, "\n\t    Bogus length {ls_length} < header (20)");
        return Ok(None);
    }
    let _ = write!(
        out,
        "\n\t  Advertising Router {}, seq 0x{:08x}, age {}s, length {}",
        b.ipv4(at + 8)?,
        b.be32(at + 12)?,
        b.be16(at)?,
        ls_length - 20
    );
    let ls_type = u32::from(b.u8(at + 3)?);
    let name = tok(LSA_TYPES, ls_type).unwrap_or("unknown");
    match ls_type {
        9..=11 => {
            let ot = u32::from(b.u8(at + 4)?);
            let _ = write!(
                out,
                "\n\t    {name} LSA ({ls_type}), Opaque-Type {} LSA ({ot}), Opaque-ID {}",
                tok(OPAQUE_TYPES, ot).unwrap_or("unknown"),
                b.be24(at + 5)?
            );
        }
        _ => {
            let _ = write!(
                out,
                "\n\t    {name} LSA ({ls_type}), LSA-ID: {}",
                b.ipv4(at + 4)?
            );
        }
    }
    let _ = write!(out, "\n\t    Options: [{}]", opts(b.u8(at + 2)?));
    Ok(Some(ls_length))
}

/// tcpdump's `ospf_decode_lls`: the link-local signalling block after the packet (RFC 4813).
fn lls(out: &mut String, b: Bytes<'_>, length: u32) -> Walk {
    let options = match b.u8(1)? {
        1 => b.u8(HEADER + 6)?,
        2 => b.u8(HEADER + 2)?,
        _ => return Ok(()),
    };
    if options & 0x10 == 0 {
        return Ok(());
    }
    let mut length2 = u32::from(b.be16(2)?);
    let mut dptr = length2 as usize;
    let dataend = length as usize;
    if b.be16(14)? == AUTH_MD5 {
        let n = b.u8(19)?;
        dptr += usize::from(n);
        length2 += u32::from(n);
    }
    if length2 >= length {
        out.push_str("\n\t[LLS truncated]");
        return Ok(());
    }
    let _ = write!(out, "\n\t  LLS: checksum: 0x{:04x}", b.be16(dptr)?);
    dptr += 2;
    let _ = write!(out, ", length: {}", b.be16(dptr)?);
    dptr += 2;
    while dptr < dataend {
        let t = b.be16(dptr)?;
        let _ = write!(
            out,
            "\n\t    {} ({t})",
            tok(LLS_TLVS, u32::from(t)).unwrap_or("Unknown TLV")
        );
        dptr += 2;
        let mut len = b.be16(dptr)?;
        let _ = write!(out, ", length: {len}");
        dptr += 2;
        match t {
            1 => {
                if len != 4 {
                    out.push_str(" [should be 4]");
                    len = 4;
                }
                let f = b.be32(dptr)?;
                let _ = write!(
                    out,
                    "\n\t      Options: 0x{f:08x} [{}]",
                    bits(LLS_EO_OPTIONS, "?", f)
                );
            }
            2 => {
                if len != 20 {
                    out.push_str(" [should be 20]");
                    len = 20;
                }
                let _ = write!(out, "\n\t      Sequence number: 0x{:08x}", b.be32(dptr)?);
            }
            _ => {}
        }
        dptr += usize::from(len);
    }
    Ok(())
}

const RLA_FLAGS: &[(u32, &str)] = &[
    (0x01, "ABR"),
    (0x02, "ASBR"),
    (0x04, "Virtual"),
    (0x08, "Wildcard"),
    (0x10, "Nt"),
    (0x80, "Host"),
];

const TOPOLOGIES: &[(u32, &str)] = &[(0, "default"), (1, "multicast"), (2, "management")];

const RI_CAPS: &[(u32, &str)] = &[
    (1, "Reserved"),
    (2, "Reserved"),
    (4, "Reserved"),
    (8, "Reserved"),
    (16, "graceful restart capable"),
    (32, "graceful restart helper"),
    (64, "Stub router support"),
    (128, "Traffic engineering"),
    (256, "p2p over LAN"),
    (512, "path computation server"),
];

fn topology(t: u32) -> &'static str {
    tok(TOPOLOGIES, t).unwrap_or("Unknown")
}

/// tcpdump's `ospf_print_lsa`: the LSA at `at`; where the next starts, or None where
/// tcpdump returns NULL (a bogus header, or its TCHECKs failing).
fn lsa(
    out: &mut String,
    b: Bytes<'_>,
    at: usize,
    verbose: u8,
) -> Result<Option<usize>, super::message::Trunc> {
    let Some(ls_length) = lshdr(out, b, at)? else {
        return Ok(None);
    };
    let ls_end = at + ls_length as usize;
    let body = at + 20;
    let body_len = ls_length as usize - 20;
    let ls_type = b.u8(at + 3)?;
    match ls_type {
        1 => {
            let _ = write!(
                out,
                "\n\t    Router LSA Options: [{}]",
                bits(RLA_FLAGS, "none", u32::from(b.u8(body)?))
            );
            let count = b.be16(body + 2)?;
            if !b.has(body + 4, 12) {
                return Ok(None);
            }
            let mut rlp = body + 4;
            for _ in 0..count {
                if !b.has(rlp, 12) {
                    return Ok(None);
                }
                let (id, data) = (b.ipv4(rlp)?, b.ipv4(rlp + 4)?);
                let _ = match b.u8(rlp + 8)? {
                    4 => write!(out, "\n\t      Virtual Link: Neighbor Router-ID: {id}, Interface Address: {data}"),
                    1 => write!(out, "\n\t      Neighbor Router-ID: {id}, Interface Address: {data}"),
                    2 => write!(out, "\n\t      Neighbor Network-ID: {id}, Interface Address: {data}"),
                    3 => write!(out, "\n\t      Stub Network: {id}, Mask: {data}"),
                    t => {
                        let _ = write!(out, "\n\t      Unknown Router Link Type ({t})");
                        return Ok(Some(ls_end));
                    }
                };
                // tcpdump's ospf_print_tos_metrics: the first metric is the default topology's.
                let tos_count = usize::from(b.u8(rlp + 9)?);
                for k in 0..=tos_count {
                    let tos = rlp + 8 + 4 * k;
                    let t = if k == 0 { 0 } else { u32::from(b.u8(tos)?) };
                    let _ = write!(
                        out,
                        "\n\t\ttopology {} ({t}), metric {}",
                        topology(t),
                        b.be16(tos + 2)?
                    );
                }
                rlp += 12 + tos_count * 4;
            }
        }
        2 => {
            let _ = write!(
                out,
                "\n\t    Mask {}\n\t    Connected Routers:",
                b.ipv4(body)?
            );
            let mut ap = body + 4;
            while ap < ls_end {
                let _ = write!(out, "\n\t      {}", b.ipv4(ap)?);
                ap += 4;
            }
        }
        3 | 4 => {
            if ls_type == 3 {
                if !b.has(body, 4) {
                    return Ok(None);
                }
                let _ = write!(out, "\n\t    Mask {}", b.ipv4(body)?);
            }
            if !b.has(body + 4, 4) {
                return Ok(None);
            }
            let mut lp = body + 4;
            while lp < ls_end {
                let ul = b.be32(lp)?;
                let t = (ul & 0x7f00_0000) >> 24;
                let _ = write!(
                    out,
                    "\n\t\ttopology {} ({t}) metric {}",
                    topology(t),
                    ul & 0x00ff_ffff
                );
                lp += 4;
            }
        }
        5 | 7 => {
            if !b.has(body, 4) {
                return Ok(None);
            }
            let _ = write!(out, "\n\t    Mask {}", b.ipv4(body)?);
            if !b.has(body + 4, 4) {
                return Ok(None);
            }
            let mut almp = body + 4;
            while almp < ls_end {
                let ul = b.be32(almp)?;
                let t = (ul & 0x7f00_0000) >> 24;
                let _ = write!(
                    out,
                    "\n\t\ttopology {} ({t}), type {}, metric",
                    topology(t),
                    if ul & 0x8000_0000 != 0 { 2 } else { 1 }
                );
                if ul & 0x00ff_ffff == 0x00ff_ffff {
                    out.push_str(" infinite");
                } else {
                    let _ = write!(out, " {}", ul & 0x00ff_ffff);
                }
                if b.be32(almp + 4)? != 0 {
                    let _ = write!(out, ", forward {}", b.ipv4(almp + 4)?);
                }
                if b.be32(almp + 8)? != 0 {
                    let _ = write!(out, ", tag {}", b.ipv4(almp + 8)?);
                }
                almp += 12;
            }
        }
        6 => {
            let mut mcp = body;
            while mcp < ls_end {
                let _ = match b.be32(mcp)? {
                    1 => write!(out, "\n\t    Router Router-ID {}", b.ipv4(mcp + 4)?),
                    2 => write!(
                        out,
                        "\n\t    Network Designated Router {}",
                        b.ipv4(mcp + 4)?
                    ),
                    v => write!(out, "\n\t    unknown VertexType ({v})"),
                };
                mcp += 8;
            }
        }
        9..=11 => match b.u8(at + 4)? {
            4 => {
                let mut tptr = body;
                let mut remaining = body_len;
                while remaining != 0 {
                    if !b.has(tptr, 4) {
                        return Ok(None);
                    }
                    if remaining < 4 {
                        let _ = write!(out, "\n\t    Remaining LS length {remaining} < 4");
                        return Ok(Some(ls_end));
                    }
                    let tlv_type = b.be16(tptr)?;
                    let tlv_length = usize::from(b.be16(tptr + 2)?);
                    tptr += 4;
                    remaining -= 4;
                    let _ = write!(
                        out,
                        "\n\t    {} TLV ({tlv_type}), length: {tlv_length}, value: ",
                        if tlv_type == 1 {
                            "Router Capabilities"
                        } else {
                            "unknown"
                        }
                    );
                    if tlv_length > remaining {
                        let _ = write!(
                            out,
                            "\n\t    Bogus length {tlv_length} > remaining LS length {remaining}"
                        );
                        return Ok(Some(ls_end));
                    }
                    if !b.has(tptr, tlv_length) {
                        return Ok(None);
                    }
                    if tlv_type == 1 {
                        if tlv_length != 4 {
                            let _ = write!(out, "\n\t    Bogus length {tlv_length} != 4");
                            return Ok(Some(ls_end));
                        }
                        let _ = write!(
                            out,
                            "Capabilities: {}",
                            bits(RI_CAPS, "Unknown", b.be32(tptr)?)
                        );
                    } else if verbose <= 1 {
                        super::message::unknown_data(out, "\n\t      ", b.from(tptr), tlv_length);
                    }
                    tptr += tlv_length;
                    remaining -= tlv_length;
                }
            }
            // Traffic engineering and graceful restart TLVs: not ported.
            1 | 3 => {}
            _ => {
                if verbose <= 1 {
                    super::message::unknown_data(out, "\n\t    ", b.from(body), body_len);
                }
            }
        },
        _ => {}
    }
    if verbose > 1 {
        super::message::unknown_data(out, "\n\t    ", b.from(body), body_len);
    }
    Ok(Some(ls_end))
}
