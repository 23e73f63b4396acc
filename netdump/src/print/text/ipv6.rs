//! IPv6 wording, as print-ip6.c's `ip6_print` walks a packet: the fixed header (at -v),
//! hop-by-hop and destination options (print-ip6opts.c, with the Jumbo Payload option),
//! routing headers (print-rt6.c: type 0/2 addresses, segment routing), fragments
//! (print-frag6.c), then the transport printers with tcpdump's idea of the payload length.
//!
//! The walk reads the captured bytes again, as tcpdump does, rather than the decoder's list
//! of extension headers: its checks, and the words it prints when they fail, are the
//! printer's. The decoder (decode/ipv6.rs) finds the same transport layer.

use std::{fmt::Write as _, net::Ipv6Addr};

use super::{names::ipproto_name, write_addrs, Dissector, Ip};
use crate::decode::{
    ipv6::{self, Ipv6},
    Addrs, IpInfo, Layer,
};

/// Why the walk stopped early, as tcpdump stops.
enum Cut {
    /// A GET_ macro ran off the bytes: ` [|proto]` and a longjmp out of the packet.
    Get(&'static str),
    /// A printer's `trunc:` label: ` [|proto]`, then ip6_print returns.
    Trunc(&'static str),
    /// The printer already said why; ip6_print returns.
    Done,
}

type R<T> = Result<T, Cut>;

/// The packet's bytes up to tcpdump's snapshot end for it, read as the GET_ macros read.
struct Pkt<'a> {
    b: &'a [u8],
}

impl Pkt<'_> {
    fn u8(&self, at: usize, proto: &'static str) -> R<u8> {
        self.b.get(at).copied().ok_or(Cut::Get(proto))
    }
    fn u16(&self, at: usize, proto: &'static str) -> R<u16> {
        Ok(u16::from_be_bytes([
            self.u8(at, proto)?,
            self.u8(at + 1, proto)?,
        ]))
    }
    fn u32(&self, at: usize, proto: &'static str) -> R<u32> {
        Ok(u32::from_be_bytes([
            self.u8(at, proto)?,
            self.u8(at + 1, proto)?,
            self.u8(at + 2, proto)?,
            self.u8(at + 3, proto)?,
        ]))
    }
    fn ip6(&self, at: usize, proto: &'static str) -> R<Ipv6Addr> {
        let s = self
            .b
            .get(at..at.saturating_add(16))
            .ok_or(Cut::Get(proto))?;
        let a: [u8; 16] = s.try_into().map_err(|_| Cut::Get(proto))?;
        Ok(Ipv6Addr::from(a))
    }
    fn has(&self, at: usize, n: usize) -> bool {
        at.checked_add(n).is_some_and(|e| e <= self.b.len())
    }
}

/// What the options walk found (ip6_opt_process's out-parameters).
struct Jumbo {
    found: bool,
    payload_len: u32,
}

impl Dissector {
    /// An IPv6 packet, its extension headers, and what it carries.
    pub(super) fn ipv6(&mut self, out: &mut String, ip: &Ipv6<'_>, above: &[Layer<'_>]) {
        let Some(h) = ip.header else {
            // tcpdump checks the length before it names the protocol, the version after.
            match ip.raw.first() {
                Some(v) if ip.raw.len() >= ipv6::HEADER_LEN => {
                    self.proto_prefix(out, "IP6");
                    let _ = write!(out, "version error: {} != 6", v >> 4);
                }
                _ => out.push_str(" [|ip6]"),
            }
            return;
        };
        match self.ip6_walk(out, ip, h, above) {
            Ok(()) | Err(Cut::Done) => {}
            Err(Cut::Trunc(p)) => {
                let _ = write!(out, " [|{p}]");
            }
            Err(Cut::Get(p)) => {
                let _ = write!(out, " [|{p}]");
                self.early_end = true;
            }
        }
    }

    fn ip6_walk(
        &mut self,
        out: &mut String,
        ip: &Ipv6<'_>,
        h: ipv6::Header,
        above: &[Layer<'_>],
    ) -> R<()> {
        // The length the link layer gave (a quoted packet: what was captured).
        let length = ip.wire_len.unwrap_or(ip.raw.len() as u32);
        if length < ipv6::HEADER_LEN as u32 {
            let _ = write!(out, "truncated-ip6 {length}");
            return Ok(());
        }
        self.proto_prefix(out, "IP6");
        let mut payload_len = u32::from(h.payload_len());
        let mut len: u64 = if payload_len != 0 {
            let l = u64::from(payload_len) + 40;
            if u64::from(length) < l {
                let _ = write!(
                    out,
                    "truncated-ip6 - {} bytes missing!",
                    l - u64::from(length)
                );
            }
            l
        } else {
            u64::from(length) + 40
        };
        let mut nh = h.next_header();
        if self.opts.verbose > 0 {
            out.push('(');
            if h.traffic_class() != 0 {
                let _ = write!(out, "class 0x{:02x}, ", h.traffic_class());
            }
            if h.flow_label() != 0 {
                let _ = write!(out, "flowlabel 0x{:05x}, ", h.flow_label());
            }
            let _ = write!(
                out,
                "hlim {}, next-header {} ({nh}) payload length: {payload_len}) ",
                h.hop_limit(),
                ipproto_name(nh)
            );
        }
        // nd_push_snaplen: nothing past the IPv6 length is read.
        let snap = (ip.raw.len() as u64).min(len) as usize;
        let pkt = Pkt { b: &ip.raw[..snap] };
        let addrs = Addrs::V6(h.src(), h.dst());
        let mut cp = 0usize;
        let mut advance = ipv6::HEADER_LEN;
        let mut total_advance = 0usize;
        let (mut found_ext, mut found_hbh, mut fragmented) = (false, false, false);
        let mut jumbo = Jumbo {
            found: false,
            payload_len,
        };
        let mut ph = 255u8;
        let mut addrs_printed = false;
        while cp < pkt.b.len() && advance > 0 {
            if len < advance as u64 {
                return Err(Cut::Trunc("ip6"));
            }
            cp += advance;
            len -= advance as u64;
            total_advance += advance;
            if cp == ipv6::HEADER_LEN && !matches!(nh, 6 | 17 | 33 | 132) {
                write_addrs(out, &addrs, None);
                addrs_printed = true;
            }
            match nh {
                ipv6::HOP_BY_HOP => {
                    if found_hbh {
                        out.push_str("[The Hop-by-Hop Options header was already found] (invalid)");
                        return Ok(());
                    }
                    if ph != 255 {
                        out.push_str(
                            "[The Hop-by-Hop Options header don't follow the IPv6 header] (invalid)",
                        );
                        return Ok(());
                    }
                    let r = self.opt_header(out, &pkt, cp, "hbhopt", "HBH ", Some(&mut jumbo));
                    match r {
                        Err(Cut::Get(_)) => return r.map(|_| ()),
                        // hbhopt_process says so before ip6_print looks at the jumbo option.
                        Err(Cut::Trunc(p)) => {
                            let _ = write!(out, " [|{p}]");
                        }
                        _ => {}
                    }
                    if jumbo.payload_len == 0 && !jumbo.found {
                        out.push_str("[No valid Jumbo Payload Hop-by-Hop option found] (invalid)");
                        return Ok(());
                    }
                    advance = r.map_err(|_| Cut::Done)?;
                    payload_len = jumbo.payload_len;
                    found_ext = true;
                    found_hbh = true;
                    nh = pkt.u8(cp, "ip6")?;
                }
                ipv6::DEST_OPTIONS => {
                    advance = self.opt_header(out, &pkt, cp, "dstopt", "DSTOPT ", None)?;
                    found_ext = true;
                    nh = pkt.u8(cp, "ip6")?;
                }
                ipv6::FRAGMENT => {
                    let offlg = pkt.u16(cp + 2, "frag6")?;
                    let flen = (40u64 + u64::from(h.payload_len()))
                        .wrapping_sub(cp as u64)
                        .wrapping_sub(8);
                    if self.opts.verbose > 0 {
                        let id = pkt.u32(cp + 4, "frag6")?;
                        let _ = write!(out, "frag (0x{id:08x}:{}|{flen})", offlg & 0xfff8);
                    } else {
                        let _ = write!(out, "frag ({}|{flen})", offlg & 0xfff8);
                    }
                    if offlg & 0xfff8 != 0 {
                        return Ok(());
                    }
                    out.push(' ');
                    advance = 8;
                    if pkt.b.len() <= cp + advance {
                        return Ok(());
                    }
                    found_ext = true;
                    nh = pkt.u8(cp, "ip6")?;
                    fragmented = true;
                }
                ipv6::ROUTING => {
                    pkt.u8(cp, "ip6").map_err(|_| Cut::Trunc("ip6"))?;
                    advance = self.rt6(out, &pkt, cp)?;
                    found_ext = true;
                    nh = pkt.u8(cp, "ip6")?;
                }
                _ => {
                    if jumbo.found {
                        let l = u64::from(payload_len) + 40;
                        if l < total_advance as u64 {
                            return Err(Cut::Trunc("ip6"));
                        }
                        if u64::from(length) < l {
                            let _ = write!(
                                out,
                                "truncated-ip6 - {} bytes missing!",
                                l - u64::from(length)
                            );
                        }
                        len = l - total_advance as u64;
                    } else if payload_len == 0 {
                        if found_ext {
                            return Err(Cut::Trunc("ip6"));
                        }
                        len = 0;
                    }
                    let info = Ip {
                        info: IpInfo {
                            addrs,
                            length: len.min(u64::from(u32::MAX)) as u32,
                            fragmented,
                        },
                        addrs_printed,
                        final_dst: final_dst(&pkt, h.next_header()),
                        ttl: h.hop_limit(),
                    };
                    self.transport(out, &info, above);
                    return Ok(());
                }
            }
            ph = nh;
        }
        Ok(())
    }

    /// A hop-by-hop or destination options header at `at` (hbhopt_process,
    /// dstopt_process): its length, or why the walk ends.
    fn opt_header(
        &self,
        out: &mut String,
        pkt: &Pkt<'_>,
        at: usize,
        proto: &'static str,
        name: &str,
        jumbo: Option<&mut Jumbo>,
    ) -> R<usize> {
        let hlen = (usize::from(pkt.u8(at + 1, proto)?) + 1) << 3;
        if !pkt.has(at, hlen) {
            return Err(Cut::Trunc(proto));
        }
        out.push_str(name);
        let hbh = jumbo.is_some();
        if (hbh || self.opts.verbose > 0)
            && self.opt_process(out, pkt, at + 2, hlen - 2, jumbo).is_err()
        {
            return Err(Cut::Trunc(proto));
        }
        Ok(hlen)
    }

    /// The options of a hop-by-hop or destination header (print-ip6opts.c
    /// `ip6_opt_process`); Err where tcpdump's walk goes to `trunc`.
    fn opt_process(
        &self,
        out: &mut String,
        pkt: &Pkt<'_>,
        bp: usize,
        len: usize,
        jumbo: Option<&mut Jumbo>,
    ) -> Result<(), ()> {
        let v = self.opts.verbose > 0;
        if len == 0 {
            return Ok(());
        }
        let mut found_jumbo = false;
        let mut jumbo = jumbo;
        let get = |at: usize| pkt.u8(at, "").map_err(|_| ());
        let mut i = 0usize;
        while i < len {
            let ty = get(bp + i)?;
            let optlen = if ty == 0 {
                1
            } else if i + 1 < len {
                usize::from(get(bp + i + 1)?) + 2
            } else {
                return Err(());
            };
            if i + optlen > len {
                return Err(());
            }
            match ty {
                0 => {
                    if v {
                        out.push_str("(pad1)");
                    }
                }
                1 => {
                    if len - i < 2 {
                        out.push_str("(padn: trunc)");
                        return Err(());
                    }
                    if v {
                        out.push_str("(padn)");
                    }
                }
                5 => {
                    if len - i < 4 {
                        out.push_str("(rtalert: trunc)");
                        return Err(());
                    }
                    let l = get(bp + i + 1)?;
                    if l != 2 {
                        let _ = write!(out, "(rtalert: invalid len {l})");
                        return Err(());
                    }
                    if v {
                        let val = pkt.u16(bp + i + 2, "").map_err(|_| ())?;
                        let _ = write!(out, "(rtalert: 0x{val:04x}) ");
                    }
                }
                0xc2 => {
                    if len - i < 6 {
                        out.push_str("(jumbo: trunc)");
                        return Err(());
                    }
                    let l = get(bp + i + 1)?;
                    if l != 4 {
                        let _ = write!(out, "(jumbo: invalid len {l})");
                        return Err(());
                    }
                    let jl = pkt.u32(bp + i + 2, "").map_err(|_| ())?;
                    if found_jumbo {
                        if v {
                            let _ = write!(out, "(jumbo: {jl} - already seen) ");
                        }
                    } else {
                        found_jumbo = true;
                        match jumbo.as_deref_mut() {
                            None => {
                                if v {
                                    let _ = write!(out, "(jumbo: {jl} - not a hop-by-hop option) ");
                                }
                            }
                            Some(j) if j.payload_len != 0 => {
                                if v {
                                    let _ = write!(out, "(jumbo: {jl} - payload len != 0) ");
                                }
                            }
                            Some(j) => {
                                if jl < 65536 {
                                    if v {
                                        let _ = write!(out, "(jumbo: {jl} - < 65536) ");
                                    }
                                } else {
                                    j.found = true;
                                    j.payload_len = jl;
                                    if v {
                                        let _ = write!(out, "(jumbo: {jl}) ");
                                    }
                                }
                            }
                        }
                    }
                }
                0xc9 => {
                    if len - i < 18 {
                        out.push_str("(homeaddr: trunc)");
                        return Err(());
                    }
                    let l = get(bp + i + 1)?;
                    if l < 16 {
                        let _ = write!(out, "(homeaddr: invalid len {l})");
                        return Err(());
                    }
                    if v {
                        let a = pkt.ip6(bp + i + 2, "").map_err(|_| ())?;
                        let _ = write!(out, "(homeaddr: {a}");
                        if l > 16 {
                            sub_options(out, pkt, bp + i + 18, optlen - 18)?;
                        }
                        out.push(')');
                    }
                }
                _ => {
                    if len - i < 2 {
                        let _ = write!(out, "(type {ty}: trunc)");
                        return Err(());
                    }
                    if v {
                        let _ = write!(out, "(opt_type 0x{ty:02x}: len={})", get(bp + i + 1)?);
                    }
                }
            }
            i += optlen;
        }
        if v {
            out.push(' ');
        }
        Ok(())
    }

    /// A routing header at `at` (print-rt6.c `rt6_print`): its length.
    fn rt6(&self, out: &mut String, pkt: &Pkt<'_>, at: usize) -> R<usize> {
        const P: &str = "rt6";
        out.push_str("RT6");
        let len = pkt.u8(at + 1, P)?;
        let _ = write!(out, " (len={len}");
        let ty = pkt.u8(at + 2, P)?;
        let _ = write!(out, ", type={ty}");
        if ty == 0 {
            out.push_str(" [Deprecated]");
        }
        let _ = write!(out, ", segleft={}", pkt.u8(at + 3, P)?);
        match ty {
            0 | 2 => {
                let rsv = pkt.u32(at + 4, P)?;
                if rsv != 0 || self.opts.verbose > 0 {
                    let _ = write!(out, ", rsv=0x{rsv:x}");
                }
            }
            4 => {
                let _ = write!(out, ", last-entry={}", pkt.u8(at + 4, P)?);
                let flags = pkt.u8(at + 5, P)?;
                if flags != 0 || self.opts.verbose > 0 {
                    let _ = write!(out, ", flags=0x{flags:x}");
                }
                let _ = write!(out, ", tag={:x}", pkt.u16(at + 6, P)?);
            }
            _ => {
                out.push_str(" (unknown type) (invalid)");
                return Err(Cut::Done);
            }
        }
        if len % 2 == 1 {
            let _ = write!(out, " (invalid length {len}) (invalid)");
            return Err(Cut::Done);
        }
        for i in 0..usize::from(len >> 1) {
            let _ = write!(out, ", [{i}]{}", pkt.ip6(at + 8 + 16 * i, P)?);
        }
        out.push_str(") ");
        Ok((usize::from(len) + 1) << 3)
    }
}

/// The destination a routing header says is final (print-ip6.c `ip6_finddst`): the last
/// address of a type 0 or 2 header, the first segment of a segment routing header.
fn final_dst(pkt: &Pkt<'_>, nh: u8) -> Option<Ipv6Addr> {
    let (mut cp, mut advance, mut nh) = (0usize, 40usize, nh);
    while cp < pkt.b.len() {
        cp += advance;
        match nh {
            0 | 60 | 62 | 135 => {
                advance = (usize::from(pkt.u8(cp + 1, "").ok()?) + 1) << 3;
                nh = pkt.u8(cp, "").ok()?;
            }
            44 => {
                advance = 8;
                nh = pkt.u8(cp, "").ok()?;
            }
            ipv6::ROUTING => {
                let len = usize::from(pkt.u8(cp + 1, "").ok()?);
                if len % 2 == 1 {
                    return None;
                }
                return match pkt.u8(cp + 2, "").ok()? {
                    0 | 2 if len > 0 => pkt.ip6(cp + 8 + 16 * (len / 2 - 1), "").ok(),
                    4 => pkt.ip6(cp + 8, "").ok(),
                    _ => None,
                };
            }
            _ => return None,
        }
    }
    None
}

/// Sub-options of a home address option (print-ip6opts.c `ip6_sopt_print`).
fn sub_options(out: &mut String, pkt: &Pkt<'_>, bp: usize, len: usize) -> Result<(), ()> {
    let get = |at: usize| pkt.u8(at, "").map_err(|_| ());
    let mut i = 0usize;
    while i < len {
        let ty = get(bp + i)?;
        let optlen = if ty == 0 {
            1
        } else if i + 1 < len {
            usize::from(get(bp + i + 1)?) + 2
        } else {
            return Err(());
        };
        if i + optlen > len {
            return Err(());
        }
        match ty {
            0 => out.push_str(", pad1"),
            1 => {
                if len - i < 2 {
                    out.push_str(", padn: trunc");
                    return Err(());
                }
                out.push_str(", padn");
            }
            _ => {
                if len - i < 2 {
                    let _ = write!(out, ", sopt_type {ty}: trunc)");
                    return Err(());
                }
                let _ = write!(out, ", sopt_type 0x{ty:02x}: len={}", get(bp + i + 1)?);
            }
        }
        i += optlen;
    }
    Ok(())
}
