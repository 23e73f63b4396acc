//! PIM (IP protocol 103) as tcpdump's print-pim.c says it: the type at default verbosity,
//! the whole PIMv2 message from `-v` on. (PIMv1 travels in IGMP, whose printer is not here.)

use std::fmt::Write as _;

use super::message::{relts, tok, unknown_data, Bytes, Trunc, Walk};
use super::{Dissector, Ip};
use crate::decode::{self, checksum, message::Message, Addrs};
use crate::packet::LinkType;

const TYPES: &[(u32, &str)] = &[
    (0, "Hello"),
    (1, "Register"),
    (2, "Register Stop"),
    (3, "Join / Prune"),
    (4, "Bootstrap"),
    (5, "Assert"),
    (6, "Graft"),
    (7, "Graft Acknowledgement"),
    (8, "Candidate RP Advertisement"),
    (9, "Prune Refresh"),
    (10, "DF Election"),
    (11, "ECMP Redirect"),
];

const HELLO_OPTIONS: &[(u32, &str)] = &[
    (1, "Hold Time"),
    (2, "LAN Prune Delay"),
    (18, "DR Priority (Old)"),
    (19, "DR Priority"),
    (20, "Generation ID"),
    (21, "State Refresh Capability"),
    (22, "Bi-Directional Capability"),
    (24, "Address List"),
    (65001, "Address List (Old)"),
];

const DF_ELECTION: &[(u32, &str)] = &[(1, "Offer"), (2, "Winner"), (3, "Backoff"), (4, "Pass")];

#[derive(Clone, Copy, PartialEq, Eq)]
enum AddrType {
    Unicast,
    Group,
    Source,
}

impl Dissector {
    pub(super) fn pim(&mut self, out: &mut String, m: &Message<'_>, ip: Option<&Ip>) -> Walk {
        let b = Bytes::new(m.raw, "pim");
        let typever = b.u8(0)?;
        let (version, ty) = (typever >> 4, u32::from(typever & 0x0f));
        let name = tok(TYPES, ty).unwrap_or("Unknown Type");
        if version != 2 {
            let _ = write!(out, "PIMv{version}, length {}", m.length);
            return Ok(());
        }
        if self.opts.verbose == 0 {
            let _ = write!(out, "PIMv2, {name}, length {}", m.length);
            return Ok(());
        }
        let _ = write!(out, "PIMv2, length {}\n\t{name}", m.length);
        self.pimv2(out, b.named("pimv2"), m.length as usize, ip)
    }

    /// tcpdump's `pimv2_print`.
    fn pimv2(&mut self, out: &mut String, b: Bytes<'_>, len: usize, ip: Option<&Ip>) -> Walk {
        if len < 2 {
            let _ = write!(out, "[length {len} < 2] (invalid)");
            return Ok(());
        }
        let typever = b.u8(0)?;
        let ty = typever & 0x0f;
        let rsv = b.u8(1)?;
        let addr_len = usize::from(rsv & 0x0f);
        if addr_len != 0 {
            out.push_str(", RFC2117-encoding");
        }
        if len < 4 {
            let _ = write!(out, "[length {len} < 4] (invalid)");
            return Ok(());
        }
        let sum = b.be16(2)?;
        let _ = write!(out, ", cksum 0x{sum:04x} ");
        if sum == 0 {
            out.push_str("(unverified)");
        } else {
            let mut status = check(b, ip, if ty == 1 { 8 } else { len });
            if ty == 1 && status == Some(false) {
                status = check(b, ip, len);
            }
            out.push_str(match status {
                Some(true) => "(correct)",
                Some(false) => "(incorrect)",
                None => "(unverified)",
            });
        }
        let mut at = 4;
        let mut len = len - 4;
        let verbose = self.opts.verbose;
        // Advances past one encoded address, printing it.
        let addr = |out: &mut String, at: &mut usize, len: &mut usize, kind| -> Walk {
            let n = addr_print(out, b.from(*at), *len, kind, addr_len)?;
            *at += n;
            *len -= n;
            Ok(())
        };
        match ty {
            0 => {
                while len > 0 {
                    if len < 4 {
                        return Err(b.trunc());
                    }
                    let otype = b.be16(at)?;
                    let olen = usize::from(b.be16(at + 2)?);
                    let name = tok(HELLO_OPTIONS, u32::from(otype)).unwrap_or("Unknown");
                    let _ = write!(out, "\n\t  {name} Option ({otype}), length {olen}, Value: ");
                    at += 4;
                    len -= 4;
                    if len < olen {
                        return Err(b.trunc());
                    }
                    let v = b.get(at, olen)?;
                    let vb = b.from(at);
                    let bad = |out: &mut String, want| -> Walk {
                        let _ = write!(out, "[option length {olen} != {want}] (invalid)");
                        Ok(())
                    };
                    match otype {
                        1 if olen != 2 => return bad(out, 2),
                        1 => relts(out, u32::from(vb.be16(0)?)),
                        2 if olen != 4 => return bad(out, 4),
                        2 => {
                            let delay = vb.be16(0)?;
                            let _ = write!(
                                out,
                                "\n\t    T-bit={}, LAN delay {}ms, Override interval {}ms",
                                delay >> 15,
                                delay & 0x7fff,
                                vb.be16(2)?
                            );
                        }
                        18 | 19 => match olen {
                            0 => out.push_str("Bi-Directional Capability (Old)"),
                            4 => {
                                let _ = write!(out, "{}", vb.be32(0)?);
                            }
                            _ => return bad(out, 4),
                        },
                        20 if olen != 4 => return bad(out, 4),
                        20 => {
                            let _ = write!(out, "0x{:08x}", vb.be32(0)?);
                        }
                        21 if olen != 4 => return bad(out, 4),
                        21 => {
                            let _ = write!(out, "v{}", v[0]);
                            if v[1] != 0 {
                                out.push_str(", interval ");
                                relts(out, u32::from(v[1]));
                            }
                            let rest = vb.be16(2)?;
                            if rest != 0 {
                                let _ = write!(out, " ?0x{rest:04x}?");
                            }
                        }
                        22 => {}
                        24 | 65001 => {
                            if verbose > 1 {
                                let mut p = 0;
                                let mut plen = len;
                                while p < olen {
                                    out.push_str("\n\t    ");
                                    let n = addr_print(
                                        out,
                                        vb.from(p),
                                        plen,
                                        AddrType::Unicast,
                                        addr_len,
                                    )?;
                                    p += n;
                                    plen = plen.saturating_sub(n);
                                }
                            }
                        }
                        _ => {
                            if verbose <= 1 {
                                unknown_data(out, "\n\t    ", vb, olen);
                            }
                        }
                    }
                    if verbose > 1 {
                        unknown_data(out, "\n\t    ", vb, olen);
                    }
                    at += olen;
                    len -= olen;
                }
            }
            1 => {
                if len < 4 {
                    return Err(b.trunc());
                }
                let flags = b.be32(at)?;
                let name = match flags {
                    0x4000_0000 => "Null",
                    0x8000_0000 => "Border",
                    _ => "none",
                };
                let _ = write!(out, ", Flags [ {name} ]\n\t");
                at += 4;
                len -= 4;
                if len == 0 {
                    return Err(b.trunc());
                }
                let inner = b.from(at);
                let v = inner.u8(0)?;
                match v >> 4 {
                    0 => {
                        let _ = write!(
                            out,
                            "IP-Null-header {} > {}",
                            inner.ipv4(12)?,
                            inner.ipv4(16)?
                        );
                    }
                    4 | 6 => {
                        let bytes = inner.take(len).b;
                        let d = decode::decode(LinkType::RAW, bytes, len as u32);
                        self.network(out, &d.layers);
                    }
                    n => {
                        let _ = write!(out, "IP ver {n}");
                    }
                }
            }
            2 => {
                out.push_str(" group=");
                addr(out, &mut at, &mut len, AddrType::Group)?;
                out.push_str(" source=");
                addr(out, &mut at, &mut len, AddrType::Unicast)?;
            }
            3 | 6 | 7 => {
                if ty != 7 {
                    out.push_str(", upstream-neighbor: ");
                    addr(out, &mut at, &mut len, AddrType::Unicast)?;
                }
                if len < 4 {
                    return Err(b.trunc());
                }
                let ngroup = b.u8(at + 1)?;
                let holdtime = b.be16(at + 2)?;
                let _ = write!(out, "\n\t  {ngroup} group(s)");
                if ty != 7 {
                    out.push_str(", holdtime: ");
                    if holdtime == 0xffff {
                        out.push_str("infinite");
                    } else {
                        relts(out, u32::from(holdtime));
                    }
                }
                at += 4;
                len -= 4;
                for i in 0..ngroup {
                    let _ = write!(out, "\n\t    group #{}: ", i + 1);
                    addr(out, &mut at, &mut len, AddrType::Group)?;
                    if len < 4 {
                        return Err(b.trunc());
                    }
                    let njoin = b.be16(at)?;
                    let nprune = b.be16(at + 2)?;
                    let _ = write!(out, ", joined sources: {njoin}, pruned sources: {nprune}");
                    at += 4;
                    len -= 4;
                    for j in 0..njoin {
                        let _ = write!(out, "\n\t      joined source #{}: ", j + 1);
                        addr(out, &mut at, &mut len, AddrType::Source)?;
                    }
                    for j in 0..nprune {
                        let _ = write!(out, "\n\t      pruned source #{}: ", j + 1);
                        addr(out, &mut at, &mut len, AddrType::Source)?;
                    }
                }
            }
            4 => {
                if len < 2 {
                    return Err(b.trunc());
                }
                let _ = write!(out, " tag={:x}", b.be16(at)?);
                at += 2;
                len -= 2;
                if len < 1 {
                    return Err(b.trunc());
                }
                let _ = write!(out, " hashmlen={}", b.u8(at)?);
                if len < 2 {
                    return Err(b.trunc());
                }
                b.u8(at + 2)?;
                let _ = write!(out, " BSRprio={}", b.u8(at + 1)?);
                at += 2;
                len -= 2;
                out.push_str(" BSR=");
                addr(out, &mut at, &mut len, AddrType::Unicast)?;
                let mut i = 0u32;
                while len > 0 {
                    let _ = write!(out, " (group{i}: ");
                    addr(out, &mut at, &mut len, AddrType::Group)?;
                    if len < 1 {
                        return Err(b.trunc());
                    }
                    let _ = write!(out, " RPcnt={}", b.u8(at)?);
                    if len < 2 {
                        return Err(b.trunc());
                    }
                    let frpcnt = b.u8(at + 1)?;
                    let _ = write!(out, " FRPcnt={frpcnt}");
                    if len < 4 {
                        return Err(b.trunc());
                    }
                    at += 4;
                    len -= 4;
                    let mut j = 0;
                    while j < frpcnt && len > 0 {
                        let _ = write!(out, " RP{j}=");
                        addr(out, &mut at, &mut len, AddrType::Unicast)?;
                        if len < 2 {
                            return Err(b.trunc());
                        }
                        out.push_str(",holdtime=");
                        relts(out, u32::from(b.be16(at)?));
                        if len < 3 {
                            return Err(b.trunc());
                        }
                        let _ = write!(out, ",prio={}", b.u8(at + 2)?);
                        if len < 4 {
                            return Err(b.trunc());
                        }
                        at += 4;
                        len -= 4;
                        j += 1;
                    }
                    out.push(')');
                    i += 1;
                }
            }
            5 => {
                out.push_str(" group=");
                addr(out, &mut at, &mut len, AddrType::Group)?;
                out.push_str(" src=");
                addr(out, &mut at, &mut len, AddrType::Unicast)?;
                if len < 8 {
                    return Err(b.trunc());
                }
                b.get(at, 8)?;
                if b.u8(at)? & 0x80 != 0 {
                    out.push_str(" RPT");
                }
                let _ = write!(out, " pref={}", b.be32(at)? & 0x7fff_ffff);
                let _ = write!(out, " metric={}", b.be32(at + 4)?);
            }
            8 => {
                if len < 1 {
                    return Err(b.trunc());
                }
                let pfxcnt = b.u8(at)?;
                let _ = write!(out, " prefix-cnt={pfxcnt}");
                if len < 2 {
                    return Err(b.trunc());
                }
                let _ = write!(out, " prio={}", b.u8(at + 1)?);
                if len < 4 {
                    return Err(b.trunc());
                }
                out.push_str(" holdtime=");
                relts(out, u32::from(b.be16(at + 2)?));
                at += 4;
                len -= 4;
                out.push_str(" RP=");
                addr(out, &mut at, &mut len, AddrType::Unicast)?;
                let mut i = 0;
                while i < pfxcnt && len > 0 {
                    let _ = write!(out, " Group{i}=");
                    addr(out, &mut at, &mut len, AddrType::Group)?;
                    i += 1;
                }
            }
            9 => {
                out.push_str(" src=");
                addr(out, &mut at, &mut len, AddrType::Unicast)?;
                out.push_str(" grp=");
                addr(out, &mut at, &mut len, AddrType::Group)?;
                out.push_str(" forwarder=");
                addr(out, &mut at, &mut len, AddrType::Unicast)?;
                if len < 2 {
                    return Err(b.trunc());
                }
                out.push_str(" TUNR ");
                relts(out, u32::from(b.be16(at)?));
            }
            10 => {
                let subtype = u32::from(rsv >> 4);
                let _ = write!(
                    out,
                    "\n\t  {},",
                    tok(DF_ELECTION, subtype).unwrap_or("Unknown")
                );
                out.push_str(" rpa=");
                addr(out, &mut at, &mut len, AddrType::Unicast)?;
                let _ = write!(out, " sender pref={}", b.be32(at)?);
                let _ = write!(out, " sender metric={}", b.be32(at + 4)?);
                at += 8;
                len = len.saturating_sub(8);
                if subtype == 3 || subtype == 4 {
                    let what = if subtype == 3 { "offer" } else { "new winner" };
                    let _ = write!(out, "\n\t  {what} addr=");
                    addr(out, &mut at, &mut len, AddrType::Unicast)?;
                    let _ = write!(out, " {what} pref={}", b.be32(at)?);
                    let _ = write!(out, " {what} metric={}", b.be32(at + 4)?);
                    at += 8;
                    if subtype == 3 {
                        let _ = write!(out, " interval {}ms", b.be16(at)?);
                    }
                }
            }
            _ => {
                let _ = write!(out, " [type {ty}]");
            }
        }
        Ok(())
    }
}

/// The checksum over `len` bytes: Some(true) when it verifies, None when not all of them
/// were captured.
fn check(b: Bytes<'_>, ip: Option<&Ip>, len: usize) -> Option<bool> {
    let data = b.b.get(..len)?;
    let ip = ip?;
    Some(match ip.info.addrs {
        Addrs::V4(..) => checksum::internet_checksum(data, 0) == 0,
        addrs @ Addrs::V6(..) => checksum::transport(&addrs, 103, data) == 0,
    })
}

/// tcpdump's `pimv2_addr_print`: one encoded address; the bytes it took. An unknown family
/// or too few bytes end the message as truncated, as tcpdump's -1 does.
fn addr_print(
    out: &mut String,
    b: Bytes<'_>,
    len: usize,
    at: AddrType,
    addr_len: usize,
) -> Result<usize, Trunc> {
    let trunc = b.trunc();
    let (v6, addr_len, hdr) = if addr_len == 0 {
        if len < 2 {
            return Err(trunc);
        }
        let v6 = match b.u8(0)? {
            1 => false,
            2 => true,
            _ => return Err(trunc),
        };
        if b.u8(1)? != 0 {
            return Err(trunc);
        }
        (v6, if v6 { 16 } else { 4 }, 2)
    } else {
        match addr_len {
            4 => (false, 4, 0),
            16 => (true, 16, 0),
            _ => return Err(trunc),
        }
    };
    let b = b.from(hdr);
    let len = len - hdr;
    let show = |out: &mut String, at: usize| -> Walk {
        if v6 {
            let _ = write!(out, "{}", b.ipv6(at)?);
        } else {
            let _ = write!(out, "{}", b.ipv4(at)?);
        }
        Ok(())
    };
    if at == AddrType::Unicast {
        if len < addr_len {
            return Err(trunc);
        }
        show(out, 0)?;
        return Ok(hdr + addr_len);
    }
    if len < addr_len + 2 {
        return Err(trunc);
    }
    b.get(0, addr_len + 2)?;
    show(out, 2)?;
    let mask = b.u8(1)?;
    if usize::from(mask) != addr_len * 8 {
        let _ = write!(out, "/{mask}");
    }
    let flags = b.u8(0)?;
    if flags != 0 {
        if at == AddrType::Group {
            let _ = write!(out, "(0x{flags:02x})");
        } else {
            out.push('(');
            for (bit, c) in [(4, 'S'), (2, 'W'), (1, 'R')] {
                if flags & bit != 0 {
                    out.push(c);
                }
            }
            if flags & 0xf8 != 0 {
                let _ = write!(out, "+0x{:02x}", flags & 0xf8);
            }
            out.push(')');
        }
    }
    Ok(hdr + 2 + addr_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_their_encodings() {
        let mut s = String::new();
        let b = [1, 0, 10, 0, 0, 2];
        assert_eq!(
            addr_print(&mut s, Bytes::new(&b, "pimv2"), 6, AddrType::Unicast, 0),
            Ok(6)
        );
        assert_eq!(s, "10.0.0.2");
        s.clear();
        let b = [1, 0, 5, 24, 10, 0, 0, 0];
        assert_eq!(
            addr_print(&mut s, Bytes::new(&b, "pimv2"), 8, AddrType::Source, 0),
            Ok(8)
        );
        assert_eq!(s, "10.0.0.0/24(SR)");
        for k in 0..b.len() {
            let r = addr_print(&mut s, Bytes::new(&b[..k], "pimv2"), k, AddrType::Source, 0);
            assert_eq!(r, Err(Trunc("pimv2")));
        }
    }
}
