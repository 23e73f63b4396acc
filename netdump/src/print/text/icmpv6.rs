//! ICMPv6 wording, as print-icmp6.c (tcpdump 4.99) prints it: errors, echo, MLD and MLDv2
//! (sources at -vv), neighbor discovery with every option it knows at -v (and a hex dump
//! of each at -vv), router renumbering, node information, mobile IPv6 messages and RPL.
//!
//! The printer walks the message's bytes as tcpdump does: a read past the captured bytes
//! ends it with ` [|icmp6]` (tcpdump's GET_ macros longjmp; its ND_TCHECKs jump to the
//! printer's `trunc:`), so every branch reads through [`Msg`].

use std::{fmt::Write as _, net::Ipv6Addr};

use super::{chars::print_char, Dissector, Host, Ip};
use crate::{
    decode::{checksum, icmpv6::Icmpv6},
    print::hexdump::unknown_data,
};

/// Why the printer stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cut {
    /// A GET_ macro ran off the bytes: tcpdump longjmps out of the whole packet.
    Get,
    /// An ND_TCHECK or an explicit `goto trunc`: the printer prints ` [|icmp6]` and returns.
    Check,
}

type R<T> = Result<T, Cut>;

/// The message's captured bytes (no further than the IP header's length), read as tcpdump
/// reads them.
#[derive(Clone, Copy)]
struct Msg<'a>(&'a [u8]);

impl<'a> Msg<'a> {
    fn u8(&self, at: usize) -> R<u8> {
        self.0.get(at).copied().ok_or(Cut::Get)
    }
    fn u16(&self, at: usize) -> R<u16> {
        Ok(u16::from_be_bytes([self.u8(at)?, self.u8(at + 1)?]))
    }
    fn u32(&self, at: usize) -> R<u32> {
        Ok(u32::from_be_bytes([
            self.u8(at)?,
            self.u8(at + 1)?,
            self.u8(at + 2)?,
            self.u8(at + 3)?,
        ]))
    }
    fn bytes(&self, at: usize, n: usize) -> R<&'a [u8]> {
        self.0
            .get(at..at.checked_add(n).ok_or(Cut::Get)?)
            .ok_or(Cut::Get)
    }
    /// An IPv6 address, printed as tcpdump's `GET_IP6ADDR_STRING` (a name without -n).
    fn ip6(&self, at: usize) -> R<Host> {
        let b: [u8; 16] = self.bytes(at, 16)?.try_into().map_err(|_| Cut::Get)?;
        Ok(Ipv6Addr::from(b).into())
    }
    fn ip4(&self, at: usize) -> R<Host> {
        let b = self.bytes(at, 4)?;
        Ok(std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).into())
    }
    /// ND_TTEST_LEN: are `n` bytes from `at` captured?
    fn has(&self, at: usize, n: usize) -> bool {
        at.checked_add(n).is_some_and(|e| e <= self.0.len())
    }
    /// ND_TCHECK_LEN: as [`Msg::has`], else to the printer's `trunc:`.
    fn check(&self, at: usize, n: usize) -> R<()> {
        if self.has(at, n) {
            Ok(())
        } else {
            Err(Cut::Check)
        }
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    /// The bytes from `at` to the end of the capture (print_unknown_data's clamp).
    fn from(&self, at: usize) -> &'a [u8] {
        self.0.get(at..).unwrap_or_default()
    }
}

/// tcpdump's `icmp6_type_values` (first match wins: 139 and 140 are "who-are-you").
fn type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        1 => "destination unreachable",
        2 => "packet too big",
        3 => "time exceeded in-transit",
        4 => "parameter problem",
        128 => "echo request",
        129 => "echo reply",
        130 => "multicast listener query",
        131 => "multicast listener report",
        132 => "multicast listener done",
        133 => "router solicitation",
        134 => "router advertisement",
        135 => "neighbor solicitation",
        136 => "neighbor advertisement",
        137 => "redirect",
        138 => "router renumbering",
        141 => "inverse neighbor solicitation",
        142 => "inverse neighbor advertisement",
        143 => "multicast listener report v2",
        144 => "ha discovery request",
        145 => "ha discovery reply",
        146 => "mobile router solicitation",
        147 => "mobile router advertisement",
        139 => "who-are-you request",
        140 => "who-are-you reply",
        200 => "mtrace response",
        201 => "mtrace message",
        155 => "RPL",
        _ => return None,
    })
}

/// `bittok2str`: the names of the set bits, joined by ", ", or "none".
fn bits(out: &mut String, v: u32, names: &[(u32, &str)]) {
    let mut first = true;
    for (bit, name) in names {
        if v & bit != 0 {
            if !first {
                out.push_str(", ");
            }
            out.push_str(name);
            first = false;
        }
    }
    if first {
        out.push_str("none");
    }
}

fn rtpref(v: u8) -> &'static str {
    ["medium", "high", "rsv", "low"][usize::from((v & 0x18) >> 3)]
}

fn lifetime(out: &mut String, v: u32) {
    if v == u32::MAX {
        out.push_str("infinity");
    } else {
        let _ = write!(out, "{v}s");
    }
}

impl Dissector {
    /// An ICMPv6 message (tcpdump's `icmp6_print`).
    pub(super) fn icmp6(&mut self, out: &mut String, ip: &Ip, m: &Icmpv6<'_>) {
        let length = ip.info.length;
        if length == 0 {
            out.push_str("ICMP6, length 0 (invalid)");
            return;
        }
        let msg = Msg(m.captured());
        match self.icmp6_body(out, ip, m, msg, length) {
            Ok(()) => {}
            Err(cut) => {
                out.push_str(" [|icmp6]");
                if cut == Cut::Get {
                    self.early_end = true;
                }
            }
        }
    }

    fn icmp6_body(
        &self,
        out: &mut String,
        ip: &Ip,
        m: &Icmpv6<'_>,
        msg: Msg<'_>,
        length: u32,
    ) -> R<()> {
        let v = self.opts.verbose;
        if v > 0 && !ip.info.fragmented {
            if let Some(whole) = m.whole() {
                let sum = msg.u16(2)?;
                let addrs = &ip.cksum_addrs();
                if checksum::transport(addrs, 58, whole) == 0 {
                    out.push_str("[icmp6 sum ok] ");
                } else {
                    let want = checksum::transport_expected(addrs, 58, whole, 2);
                    let _ = write!(out, "[bad icmp6 cksum 0x{sum:04x} -> 0x{want:04x}!] ");
                }
            }
        }
        let ty = msg.u8(0)?;
        out.push_str("ICMP6, ");
        match type_name(ty) {
            Some(n) => out.push_str(n),
            None => {
                let _ = write!(out, "unknown icmp6 type ({ty})");
            }
        }
        if v > 0 && matches!(ty, 133 | 134 | 135 | 136 | 137 | 145 | 147) {
            let _ = write!(out, ", length {length}");
        }
        let code = msg.u8(1)?;
        // The quoted packet of an error starts after the 8-byte header.
        let oip = 8usize;
        match ty {
            1 => {
                out.push_str(", ");
                match code {
                    0 => out.push_str("unreachable route"),
                    1 => out.push_str(" unreachable prohibited"),
                    2 => out.push_str("beyond scope"),
                    3 => out.push_str("unreachable address"),
                    4 => out.push_str("unreachable port"),
                    c => {
                        let _ = write!(out, "unknown unreach code ({c})");
                    }
                }
                match code {
                    0 | 1 | 3 => {
                        let _ = write!(out, " {}", msg.ip6(oip + 24)?);
                    }
                    2 => {
                        let _ = write!(
                            out,
                            " {}, source address {}",
                            msg.ip6(oip + 24)?,
                            msg.ip6(oip + 8)?
                        );
                    }
                    4 => {
                        let Some((prot, dport_at)) = upper_layer(&msg, oip) else {
                            return Err(Cut::Check);
                        };
                        let dport = msg.u16(dport_at)?;
                        let dst = msg.ip6(oip + 24)?;
                        let _ = match prot {
                            6 => write!(out, ", {dst} tcp port {dport}"),
                            17 => write!(out, ", {dst} udp port {dport}"),
                            _ => write!(out, ", {dst} protocol {prot} port {dport} unreachable"),
                        };
                    }
                    _ => {
                        if v <= 1 {
                            unknown_data(out, "\n\t", clamp(msg.0, length));
                            return Ok(());
                        }
                    }
                }
            }
            2 => {
                let _ = write!(out, ", mtu {}", msg.u32(4)?);
            }
            3 => match code {
                0 => {
                    let _ = write!(out, " for {}", msg.ip6(oip + 24)?);
                }
                1 => out.push_str(" (reassembly)"),
                c => {
                    let _ = write!(out, ", unknown code ({c})");
                }
            },
            4 => {
                msg.check(oip + 24, 16)?;
                let what = match code {
                    0 => "erroneous",
                    1 => "next header",
                    2 => "option",
                    3 => "incomplete header chain",
                    c => {
                        let _ = write!(out, ", code-#{c}");
                        ""
                    }
                };
                if !what.is_empty() {
                    let _ = write!(out, ", {what} - octet {}", msg.u32(4)?);
                }
            }
            128 | 129 => {
                let _ = write!(out, ", id {}, seq {}", msg.u16(4)?, msg.u16(6)?);
            }
            130 => {
                if length == 24 {
                    mld6(out, &msg)?;
                } else if length >= 28 {
                    out.push_str(" v2");
                    self.mldv2_query(out, &msg, length)?;
                } else {
                    let _ = write!(out, " unknown-version (len {length}) ");
                }
            }
            131 | 132 => mld6(out, &msg)?,
            133 => {
                if v > 0 {
                    self.nd_options(out, &msg, 8, length as i64 - 8)?;
                }
            }
            134 => {
                if v > 0 {
                    let flags = msg.u8(5)?;
                    let _ = write!(out, "\n\thop limit {}, Flags [", msg.u8(4)?);
                    bits(
                        out,
                        u32::from(flags),
                        &[
                            (0x80, "managed"),
                            (0x40, "other stateful"),
                            (0x20, "home agent"),
                            (0x02, "ipv6 only"),
                        ],
                    );
                    let _ = write!(
                        out,
                        "], pref {}, router lifetime {}s, reachable time {}ms, retrans timer {}ms",
                        rtpref(flags),
                        msg.u16(6)?,
                        msg.u32(8)?,
                        msg.u32(12)?
                    );
                    self.nd_options(out, &msg, 16, length as i64 - 16)?;
                }
            }
            135 => {
                let _ = write!(out, ", who has {}", msg.ip6(8)?);
                if v > 0 {
                    self.nd_options(out, &msg, 24, length as i64 - 24)?;
                }
            }
            136 => {
                let _ = write!(out, ", tgt is {}", msg.ip6(8)?);
                if v > 0 {
                    out.push_str(", Flags [");
                    bits(
                        out,
                        msg.u32(4)?,
                        &[
                            (0x8000_0000, "router"),
                            (0x4000_0000, "solicited"),
                            (0x2000_0000, "override"),
                        ],
                    );
                    out.push(']');
                    self.nd_options(out, &msg, 24, length as i64 - 24)?;
                }
            }
            137 => {
                // nd_redirect: the target at 8, the destination at 24.
                let _ = write!(out, ", {}", msg.ip6(24)?);
                let _ = write!(out, " to {}", msg.ip6(8)?);
                if v > 0 {
                    self.nd_options(out, &msg, 40, length as i64 - 40)?;
                }
            }
            138 => own_trunc(self.rrenum(out, &msg), out)?,
            139 | 140 => own_trunc(self.nodeinfo(out, &msg, length), out)?,
            141 | 142 => {}
            143 => self.mldv2_report(out, &msg, length)?,
            144 | 146 => {
                let _ = write!(out, ", id 0x{:04x}", msg.u16(4)?);
            }
            145 => {
                if v > 0 {
                    let _ = write!(out, ", id 0x{:04x}", msg.u16(4)?);
                    let mut p = 8usize;
                    while p < length as usize {
                        let _ = write!(out, ", {}", msg.ip6(p)?);
                        p += 16;
                    }
                }
            }
            147 => {
                if v > 0 {
                    let _ = write!(out, ", id 0x{:04x}", msg.u16(4)?);
                    let flags = msg.u16(6)?;
                    if flags & 0xc000 != 0 {
                        out.push(' ');
                    }
                    if flags & 0x8000 != 0 {
                        out.push('M');
                    }
                    if flags & 0x4000 != 0 {
                        out.push('O');
                    }
                    self.nd_options(out, &msg, 8, length as i64 - 8)?;
                }
            }
            155 => own_trunc(self.rpl(out, &msg, code, length.saturating_sub(4)), out)?,
            _ => {
                let _ = write!(out, ", length {length}");
                if v <= 1 {
                    unknown_data(out, "\n\t", clamp(msg.0, length));
                }
                return Ok(());
            }
        }
        if v == 0 {
            let _ = write!(out, ", length {length}");
        }
        Ok(())
    }

    /// Neighbor discovery options from `at`, `resid` bytes of them by the IP length
    /// (tcpdump's `icmp6_opt_print`).
    fn nd_options(&self, out: &mut String, msg: &Msg<'_>, at: usize, resid: i64) -> R<()> {
        let mut cp = at;
        let mut resid = resid;
        let ep = msg.len();
        while cp < ep {
            msg.check(cp + 1, 1)?;
            if resid <= 0 {
                return Ok(());
            }
            let ty = msg.u8(cp)?;
            let len8 = usize::from(msg.u8(cp + 1)?);
            if len8 == 0 || cp + (len8 << 3) > ep {
                return Err(Cut::Check);
            }
            let olen = len8 << 3;
            let name = match ty {
                1 => "source link-address",
                2 => "destination link-address",
                3 => "prefix info",
                4 => "redirected header",
                5 => "mtu",
                25 => "rdnss",
                31 => "dnssl",
                7 => "advertisement interval",
                8 => "homeagent information",
                24 => "route info",
                _ => "unknown",
            };
            let _ = write!(out, "\n\t  {name} option ({ty}), length {olen} ({len8}): ");
            match ty {
                1 | 2 => {
                    for (i, b) in msg.bytes(cp + 2, olen - 2)?.iter().enumerate() {
                        if i > 0 {
                            out.push(':');
                        }
                        let _ = write!(out, "{b:02x}");
                    }
                }
                3 => {
                    let _ = write!(
                        out,
                        "{}/{}{}, Flags [",
                        msg.ip6(cp + 16)?,
                        msg.u8(cp + 2)?,
                        if len8 != 4 { "badlen" } else { "" }
                    );
                    bits(
                        out,
                        u32::from(msg.u8(cp + 3)?),
                        &[(0x80, "onlink"), (0x40, "auto"), (0x20, "router")],
                    );
                    out.push_str("], valid time ");
                    lifetime(out, msg.u32(cp + 4)?);
                    out.push_str(", pref. time ");
                    lifetime(out, msg.u32(cp + 8)?);
                }
                4 => {
                    // tcpdump dumps from the options' start here, not the option's.
                    let n = olen.min(msg.len().saturating_sub(at));
                    unknown_data(out, "\n\t    ", &msg.from(at)[..n]);
                }
                5 => {
                    let _ = write!(
                        out,
                        " {}{}",
                        msg.u32(cp + 4)?,
                        if len8 != 1 { "bad option length" } else { "" }
                    );
                }
                25 => {
                    let _ = write!(out, " lifetime {}s,", msg.u32(cp + 4)?);
                    for i in 0..(len8 - 1) / 2 {
                        let _ = write!(out, " addr: {}", msg.ip6(cp + 8 + 16 * i)?);
                    }
                }
                31 => {
                    let _ = write!(out, " lifetime {}s, domain(s):", msg.u32(cp + 4)?);
                    let mut domp = cp + 8;
                    while domp < cp + olen && msg.u8(domp)? != 0 {
                        out.push(' ');
                        domp = fqdn(out, msg, domp).ok_or(Cut::Check)?;
                    }
                }
                7 => {
                    let _ = write!(out, " {}ms", msg.u32(cp + 4)?);
                }
                8 => {
                    let _ = write!(
                        out,
                        " preference {}, lifetime {}",
                        msg.u16(cp + 4)?,
                        msg.u16(cp + 6)?
                    );
                }
                24 => {
                    msg.check(cp + 4, 4)?;
                    let mut a = [0u8; 16];
                    match len8 {
                        1 => {}
                        2 => a[..8].copy_from_slice(msg.bytes(cp + 8, 8)?),
                        3 => a.copy_from_slice(msg.bytes(cp + 8, 16)?),
                        _ => return Err(Cut::Check),
                    }
                    let _ = write!(
                        out,
                        " {}/{}",
                        Host::from(Ipv6Addr::from(a)),
                        msg.u8(cp + 2)?
                    );
                    let _ = write!(out, ", pref={}", rtpref(msg.u8(cp + 3)?));
                    out.push_str(", lifetime=");
                    lifetime(out, msg.u32(cp + 4)?);
                }
                _ => {
                    if self.opts.verbose <= 1 {
                        let n = (olen - 2).min(msg.from(cp + 2).len());
                        unknown_data(out, "\n\t  ", &msg.from(cp + 2)[..n]);
                        return Ok(());
                    }
                }
            }
            if self.opts.verbose > 1 {
                let n = (olen - 2).min(msg.from(cp + 2).len());
                unknown_data(out, "\n\t    ", &msg.from(cp + 2)[..n]);
            }
            cp += olen;
            resid -= olen as i64;
        }
        Ok(())
    }

    fn mldv2_report(&self, out: &mut String, msg: &Msg<'_>, len: u32) -> R<()> {
        if len < 8 {
            let _ = write!(out, " [invalid len {len}]");
            return Ok(());
        }
        let len = len as usize;
        let ngroups = msg.u16(6)?;
        let _ = write!(out, ", {ngroups} group record(s)");
        if self.opts.verbose == 0 {
            return Ok(());
        }
        let mut group = 8usize;
        for _ in 0..ngroups {
            if len < group + 20 {
                out.push_str(" [invalid number of groups]");
                return Ok(());
            }
            let _ = write!(out, " [gaddr {}", msg.ip6(group + 4)?);
            let kind = msg.u8(group)?;
            let _ = match kind {
                1..=6 => write!(
                    out,
                    " {}",
                    ["is_in", "is_ex", "to_in", "to_ex", "allow", "block"][usize::from(kind - 1)]
                ),
                k => write!(out, "  [v2-report-#{k}]"),
            };
            let nsrcs = usize::from(msg.u16(group + 2)?);
            if len < group + 20 + nsrcs * 16 {
                let _ = write!(out, " [invalid number of sources {nsrcs}]");
                return Ok(());
            }
            if self.opts.verbose == 1 {
                let _ = write!(out, ", {nsrcs} source(s)");
            } else {
                out.push_str(" {");
                for j in 0..nsrcs {
                    let _ = write!(out, " {}", msg.ip6(group + 20 + j * 16)?);
                }
                out.push_str(" }");
            }
            group += 20 + nsrcs * 16;
            out.push(']');
        }
        Ok(())
    }

    fn mldv2_query(&self, out: &mut String, msg: &Msg<'_>, len: u32) -> R<()> {
        if len < 28 {
            let _ = write!(out, " [invalid len {len}]");
            return Ok(());
        }
        let v = self.opts.verbose;
        let mrc = u32::from(msg.u16(4)?);
        let mrt = if mrc < 32768 {
            mrc
        } else {
            ((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3)
        };
        if v > 0 {
            let _ = write!(out, " [max resp delay={mrt}]");
        }
        let _ = write!(out, " [gaddr {}", msg.ip6(8)?);
        if v > 0 {
            let b24 = msg.u8(24)?;
            if b24 & 0x08 != 0 {
                out.push_str(" sflag");
            }
            if b24 & 0x07 != 0 {
                let _ = write!(out, " robustness={}", b24 & 0x07);
            }
            let b25 = u32::from(msg.u8(25)?);
            let qqi = if b25 < 128 {
                b25
            } else {
                ((b25 & 0x0f) | 0x10) << (((b25 & 0x70) >> 4) + 3)
            };
            let _ = write!(out, " qqi={qqi}");
        }
        let nsrcs = usize::from(msg.u16(26)?);
        if nsrcs > 0 {
            if (len as usize) < 28 + nsrcs * 16 {
                out.push_str(" [invalid number of sources]");
            } else if v > 1 {
                out.push_str(" {");
                for i in 0..nsrcs {
                    let _ = write!(out, " {}", msg.ip6(28 + i * 16)?);
                }
                out.push_str(" }");
            } else {
                let _ = write!(out, ", {nsrcs} source(s)");
            }
        }
        out.push(']');
        Ok(())
    }

    /// Node information queries and replies (RFC 4620; tcpdump's `icmp6_nodeinfo_print`).
    fn nodeinfo(&self, out: &mut String, msg: &Msg<'_>, icmp6len: u32) -> R<()> {
        let v = self.opts.verbose > 0;
        let siz = msg.len();
        const NI: usize = 16;
        let node_flags = |out: &mut String, i: u16, with_t: bool| {
            let f = |bit: u16, c: &'static str| if i & bit != 0 { c } else { "" };
            let _ = write!(
                out,
                " [{}{}{}{}{}{}{}]",
                f(0x40, "a"),
                f(0x20, "G"),
                f(0x10, "S"),
                f(0x08, "L"),
                f(0x04, "C"),
                f(0x02, "A"),
                if with_t { f(0x01, "T") } else { "" }
            );
        };
        match msg.u8(0)? {
            139 => {
                if siz == 8 + 4 {
                    out.push_str(" who-are-you request");
                    return Ok(());
                }
                out.push_str(" node information query");
                msg.check(0, NI)?;
                out.push_str(" (");
                let qtype = msg.u16(4)?;
                match qtype {
                    0 => out.push_str("noop"),
                    1 => {
                        out.push_str("supported qtypes");
                        let i = msg.u16(6)?;
                        if i != 0 {
                            let _ = write!(out, " [{}]", if i & 1 != 0 { "C" } else { "" });
                        }
                    }
                    2 => out.push_str("DNS name"),
                    3 => {
                        out.push_str("node addresses");
                        let i = msg.u16(6)?;
                        if i != 0 {
                            node_flags(out, i, false);
                        }
                    }
                    _ => out.push_str("unknown"),
                }
                if qtype == 0 || qtype == 1 {
                    if siz != NI && v {
                        out.push_str(", invalid len");
                    }
                    out.push(')');
                    return Ok(());
                }
                if siz == NI {
                    out.push_str(", 03 draft)");
                    return Ok(());
                }
                let cp = NI;
                match msg.u8(1)? {
                    0 => {
                        if msg.has(0, NI + 16) {
                            if siz != NI + 16 {
                                if v {
                                    out.push_str(", invalid subject len");
                                }
                            } else {
                                let _ = write!(out, ", subject={}", msg.ip6(cp)?);
                            }
                        }
                    }
                    1 => {
                        out.push_str(", subject=DNS name");
                        self.ni_name(out, msg, cp)?;
                    }
                    2 => {
                        if msg.has(0, NI + 4) {
                            if siz != NI + 4 {
                                if v {
                                    out.push_str(", invalid subject len");
                                }
                            } else {
                                let _ = write!(out, ", subject={}", msg.ip4(cp)?);
                            }
                        }
                    }
                    _ => out.push_str(", unknown subject"),
                }
                out.push(')');
            }
            140 => {
                if icmp6len as usize > siz {
                    return Err(Cut::Check);
                }
                let mut needcomma = false;
                msg.check(0, NI)?;
                out.push_str(" node information reply (");
                let code = msg.u8(1)?;
                match code {
                    0 if v => {
                        out.push_str("success");
                        needcomma = true;
                    }
                    1 | 2 => {
                        out.push_str(if code == 1 { "refused" } else { "unknown" });
                        needcomma = true;
                        if siz != NI && v {
                            out.push_str(", invalid length");
                        }
                    }
                    _ => {}
                }
                if code != 0 {
                    out.push(')');
                    return Ok(());
                }
                if needcomma {
                    out.push_str(", ");
                }
                match msg.u16(4)? {
                    0 => {
                        out.push_str("noop");
                        if siz != NI && v {
                            out.push_str(", invalid length");
                        }
                    }
                    1 => {
                        out.push_str("supported qtypes");
                        let i = msg.u16(6)?;
                        if i != 0 {
                            let _ = write!(out, " [{}]", if i & 1 != 0 { "C" } else { "" });
                        }
                    }
                    2 => {
                        out.push_str("DNS name");
                        self.ni_name(out, msg, NI + 4)?;
                        if msg.u16(6)? & 1 != 0 {
                            let _ = write!(out, " [TTL={}]", msg.u32(NI)?);
                        }
                    }
                    3 => {
                        out.push_str("node addresses");
                        let mut i = NI;
                        while i < siz && i + 4 + 16 <= siz {
                            let _ = write!(out, " {}({})", msg.ip6(i + 4)?, msg.u32(i)?);
                            i += 20;
                        }
                        let f = msg.u16(6)?;
                        if f != 0 {
                            node_flags(out, f, true);
                        }
                    }
                    _ => out.push_str("unknown"),
                }
                out.push(')');
            }
            _ => {}
        }
        Ok(())
    }

    /// A node information name: a Pascal string (draft 03) or DNS labels.
    fn ni_name(&self, out: &mut String, msg: &Msg<'_>, cp: usize) -> R<()> {
        let ep = msg.len();
        if usize::from(msg.u8(cp)?) + cp + 1 == ep {
            if self.opts.verbose > 0 {
                out.push_str(", 03 draft");
            }
            out.push_str(", \"");
            for p in cp + 1..ep {
                print_char(out, msg.u8(p)?);
            }
            out.push('"');
            return Ok(());
        }
        // tcpdump's dnsname_print: no decompression.
        out.push_str(", \"");
        let mut cp = cp;
        while cp < ep {
            let i = usize::from(msg.u8(cp)?);
            cp += 1;
            if i != 0 {
                if i > ep - cp {
                    out.push_str("???");
                    break;
                }
                for _ in 0..i {
                    if cp >= ep {
                        break;
                    }
                    print_char(out, msg.u8(cp)?);
                    cp += 1;
                }
                if cp + 1 < ep && msg.u8(cp)? != 0 {
                    out.push('.');
                }
            } else {
                if cp == ep {
                    out.push('.');
                } else if !(cp + 1 == ep && msg.u8(cp)? == 0) {
                    out.push_str("???");
                }
                break;
            }
        }
        out.push('"');
        Ok(())
    }

    /// Router renumbering (RFC 2894; tcpdump's `icmp6_rrenum_print`).
    fn rrenum(&self, out: &mut String, msg: &Msg<'_>) -> R<()> {
        let v = self.opts.verbose;
        msg.check(12, 4)?;
        let code = msg.u8(1)?;
        let _ = match code {
            0 => write!(out, ", command"),
            1 => write!(out, ", result"),
            255 => write!(out, ", sequence number reset"),
            c => write!(out, ", code-#{c}"),
        };
        let _ = write!(out, ", seq={}", msg.u32(4)?);
        if v > 0 {
            let f = msg.u8(9)?;
            out.push('[');
            if f != 0 {
                let b = |bit: u8, c: &'static str| if f & bit != 0 { c } else { "" };
                let _ = write!(
                    out,
                    "{}{}{}{}{},",
                    b(0x80, "T"),
                    b(0x40, "R"),
                    b(0x20, "A"),
                    b(0x10, "S"),
                    b(0x08, "P")
                );
            }
            let _ = write!(out, "seg={},", msg.u8(8)?);
            let _ = write!(out, "maxdelay={}", msg.u16(10)?);
            let rsvd = msg.u32(12)?;
            if rsvd != 0 {
                let _ = write!(out, "rsvd=0x{rsvd:x}");
            }
            out.push(']');
        }
        if code != 0 {
            return Ok(());
        }
        let m = 16usize;
        msg.check(m + 8, 16)?;
        out.push_str(if v > 1 { "\n\t" } else { " " });
        out.push_str("match(");
        let _ = match msg.u8(m)? {
            1 => write!(out, "add"),
            2 => write!(out, "change"),
            3 => write!(out, "setglobal"),
            c => write!(out, "#{c}"),
        };
        if v > 0 {
            let _ = write!(
                out,
                ",ord={},min={},max={}",
                msg.u8(m + 2)?,
                msg.u8(m + 4)?,
                msg.u8(m + 5)?
            );
        }
        // rr_pco_match: code, len, ordinal, matchlen, minlen, maxlen, reserved, prefix.
        let _ = write!(out, ",{}/{})", msg.ip6(m + 8)?, msg.u8(m + 3)?);
        let n = i32::from(msg.u8(m + 1)?) - 3;
        if n % 4 != 0 {
            return Err(Cut::Check);
        }
        let mut u = m + 24;
        for _ in 0..n / 4 {
            msg.check(u + 16, 16)?;
            out.push_str(if v > 1 { "\n\t" } else { " " });
            out.push_str("use(");
            // rr_pco_use: uselen, keeplen, ramask, raflags, vltime, pltime, flags, prefix.
            let flags = msg.u8(u + 12)?;
            if flags != 0 {
                let _ = write!(
                    out,
                    "{}{},",
                    if flags & 0x80 != 0 { "V" } else { "" },
                    if flags & 0x40 != 0 { "P" } else { "" }
                );
            }
            if v > 0 {
                let _ = write!(out, "mask=0x{:x},", msg.u8(u + 2)?);
                let _ = write!(out, "raflags=0x{:x},", msg.u8(u + 3)?);
                for (name, at) in [("vltime", u + 4), ("pltime", u + 8)] {
                    let t = msg.u32(at)?;
                    if t == u32::MAX {
                        let _ = write!(out, "{name}=infty,");
                    } else {
                        let _ = write!(out, "{name}={t},");
                    }
                }
            }
            let _ = write!(
                out,
                "{}/{}/{})",
                msg.ip6(u + 16)?,
                msg.u8(u)?,
                msg.u8(u + 1)?
            );
            u += 32;
        }
        Ok(())
    }

    /// RPL control messages (RFC 6550; tcpdump's `rpl_print`): `length` bytes from offset 4.
    fn rpl(&self, out: &mut String, msg: &Msg<'_>, code: u8, length: u32) -> R<()> {
        if code & 0x80 != 0 {
            out.push_str(", (SEC) [worktodo]");
            return Ok(());
        }
        out.push_str(", (CLR)");
        let v = self.opts.verbose;
        let bp = 4usize;
        match code & 0x7f {
            0 => out.push_str("DODAG Information Solicitation"),
            1 => {
                out.push_str("DODAG Information Object");
                if v > 0 {
                    if (length as usize) < 24 {
                        out.push_str(" (invalid)");
                        return Ok(());
                    }
                    let mopprf = msg.u8(bp + 4)?;
                    let mop = (mopprf >> 3) & 7;
                    let _ = write!(
                        out,
                        " [dagid:{},seq:{},instance:{},rank:{},{}mop:",
                        msg.ip6(bp + 8)?,
                        msg.u8(bp + 5)?,
                        msg.u8(bp)?,
                        msg.u16(bp + 2)?,
                        if mopprf & 0x80 != 0 { "grounded," } else { "" }
                    );
                    let _ = match mop {
                        0 => write!(out, "nonstoring"),
                        1 => write!(out, "storing"),
                        2 => write!(out, "nonstoring-multicast"),
                        3 => write!(out, "storing-multicast"),
                        m => write!(out, "mop{m}"),
                    };
                    let _ = write!(out, ",prf:{}]", mopprf & 7);
                    if v > 1 {
                        self.rpl_opts(out, msg, bp + 24, length as usize - 24)?;
                    }
                }
            }
            2 | 3 => {
                let ack = code & 0x7f == 3;
                out.push_str(if ack {
                    "Destination Advertisement Object Ack"
                } else {
                    "Destination Advertisement Object"
                });
                if v == 0 {
                    return Ok(());
                }
                let too_short = if ack {
                    " [|dao-length too short]"
                } else {
                    " [|length too short]"
                };
                msg.check(bp, 4)?;
                if length < 4 {
                    out.push_str(too_short);
                    return Ok(());
                }
                let mut at = bp + 4;
                let mut left = length as usize - 4;
                let flags = msg.u8(bp + 1)?;
                let d = if ack {
                    flags & 0x80 != 0
                } else {
                    flags & 0x40 != 0
                };
                let mut dagid = "<elided>".to_string();
                if d {
                    msg.check(bp + 4, 16)?;
                    if left < 16 {
                        out.push_str(too_short);
                        return Ok(());
                    }
                    dagid = msg.ip6(bp + 4)?.to_string();
                    at += 16;
                    left -= 16;
                }
                if ack {
                    let _ = write!(
                        out,
                        " [dagid:{dagid},seq:{},instance:{},status:{}]",
                        msg.u8(bp + 2)?,
                        msg.u8(bp)?,
                        msg.u8(bp + 3)?
                    );
                } else {
                    let _ = write!(
                        out,
                        " [dagid:{dagid},seq:{},instance:{}{}{},{flags:02x}]",
                        msg.u8(bp + 3)?,
                        msg.u8(bp)?,
                        if flags & 0x80 != 0 { ",acK" } else { "" },
                        if d { ",Dagid" } else { "" }
                    );
                }
                if v > 1 {
                    self.rpl_opts(out, msg, at, left)?;
                }
            }
            _ => {
                let _ = write!(out, "RPL message, unknown code {code}");
            }
        }
        Ok(())
    }

    fn rpl_opts(&self, out: &mut String, msg: &Msg<'_>, at: usize, length: usize) -> R<()> {
        let (mut at, mut length) = (at, length);
        while length != 0 {
            let ty = msg.u8(at)?;
            let optlen;
            if ty == 0 {
                optlen = 1;
                out.push_str(" opt:pad1");
            } else {
                if length < 2 {
                    return Err(Cut::Check);
                }
                optlen = usize::from(msg.u8(at + 1)?) + 2;
                out.push_str(" opt:");
                let _ = match ty {
                    1 => write!(out, "padN"),
                    2 => write!(out, "metrics"),
                    3 => write!(out, "routinginfo"),
                    4 => write!(out, "config"),
                    5 => write!(out, "rpltarget"),
                    6 => write!(out, "transitinfo"),
                    8 => write!(out, "destprefix"),
                    9 => write!(out, "rpltargetdesc"),
                    t => write!(out, "subopt:{t}"),
                };
                let _ = write!(out, " len:{optlen} ");
                msg.check(at, optlen)?;
                if length < optlen {
                    return Err(Cut::Check);
                }
                if self.opts.verbose > 2 {
                    unknown_data(out, " ", msg.bytes(at + 2, optlen - 2)?);
                }
            }
            at += optlen;
            length -= optlen;
        }
        Ok(())
    }
}

/// A sub-printer with its own `trunc:` label: it says ` [|icmp6]` and icmp6_print goes on.
fn own_trunc(r: R<()>, out: &mut String) -> R<()> {
    match r {
        Err(Cut::Check) => {
            out.push_str(" [|icmp6]");
            Ok(())
        }
        other => other,
    }
}

/// The message's bytes, no more than `length` (print_unknown_data clamps to the capture).
fn clamp(b: &[u8], length: u32) -> &[u8] {
    &b[..b.len().min(length as usize)]
}

/// MLDv1 (tcpdump's `mld6_print`): nothing when the 24 bytes were not all captured.
fn mld6(out: &mut String, msg: &Msg<'_>) -> R<()> {
    if !msg.has(0, 24) {
        return Ok(());
    }
    let _ = write!(out, "max resp delay: {} ", msg.u16(4)?);
    let _ = write!(out, "addr: {}", msg.ip6(8)?);
    Ok(())
}

/// The transport protocol of the packet an error quotes and where its destination port is
/// (tcpdump's `get_upperlayer`, which walks the quoted extension headers).
fn upper_layer(msg: &Msg<'_>, ip6: usize) -> Option<(u8, usize)> {
    let ep = msg.len();
    let mut nh = msg.u8(ip6 + 6).ok()?;
    let mut bp = ip6;
    let mut hlen = 40usize;
    while bp < ep {
        bp += hlen;
        match nh {
            6 | 17 => {
                return msg.has(bp + 2, 2).then_some((nh, bp + 2));
            }
            0 | 60 | 43 => {
                nh = msg.u8(bp).ok()?;
                hlen = (usize::from(msg.u8(bp + 1).ok()?) + 1) << 3;
            }
            44 => {
                if msg.u16(bp + 2).ok()? & 0xfff8 != 0 {
                    return None;
                }
                nh = msg.u8(bp).ok()?;
                hlen = 8;
            }
            51 => {
                nh = msg.u8(bp).ok()?;
                hlen = (usize::from(msg.u8(bp + 1).ok()?) + 2) << 2;
            }
            _ => return None,
        }
    }
    None
}

/// A domain name in DNS labels (RFC 1035, as in the DNSSL option), each label followed by
/// a dot; compression pointers are not followed. The offset after the name, or None when
/// the bytes end first.
fn fqdn(out: &mut String, msg: &Msg<'_>, at: usize) -> Option<usize> {
    let mut at = at;
    loop {
        let l = msg.u8(at).ok()?;
        at += 1;
        if l == 0 {
            return Some(at);
        }
        if l & 0xc0 != 0 {
            return None;
        }
        for b in msg.bytes(at, usize::from(l)).ok()? {
            print_char(out, *b);
        }
        at += usize::from(l);
        out.push('.');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_capture() {
        let m = Msg(&[1, 2, 3]);
        assert_eq!(m.u16(1), Ok(0x0203));
        assert_eq!(m.u16(2), Err(Cut::Get));
        assert_eq!(m.check(0, 4), Err(Cut::Check));
        assert_eq!(m.bytes(usize::MAX, 2), Err(Cut::Get));
        assert!(upper_layer(&m, 0).is_none());
    }

    #[test]
    fn names_and_lifetimes() {
        assert_eq!(type_name(139), Some("who-are-you request"));
        let mut s = String::new();
        lifetime(&mut s, u32::MAX);
        lifetime(&mut s, 30);
        bits(&mut s, 0, &[(1, "x")]);
        assert_eq!(s, "infinity30snone");
        let mut s = String::new();
        let name = [3, b'a', b'b', b'c', 2, b'd', b'e', 0];
        assert_eq!(fqdn(&mut s, &Msg(&name), 0), Some(8));
        assert_eq!(s, "abc.de.");
        assert_eq!(fqdn(&mut s, &Msg(&name[..5]), 0), None);
    }
}
