//! DNS and mDNS in tcpdump's words (print-domain.c `domain_print`): the header line, the
//! questions, the records at `-v`/`-vv`/`-vvv`, EDNS options, and `[|domain]` where
//! tcpdump's walk runs off the captured bytes.
//!
//! This is a byte walker on purpose: tcpdump's output for a cut or malformed message
//! depends on which of its checks fails first, and whether a failure ends the packet (a
//! read with no check, which longjmps) or only the record. Names and their loop protection
//! are `decode::dns`'s ([`dns::write_name`]), shared with the JSON writer.

use std::{
    fmt::Write as _,
    net::{Ipv4Addr, Ipv6Addr},
};

use super::Dissector;
use crate::decode::{
    be16, be32,
    dns::{self, Dns, Flavor, NameError, C_IN, C_MDNS_BIT, HEADER_LEN, T_OPT},
};

/// How a walk ended early: both print `[|domain]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cut {
    /// A check failed: tcpdump's `goto trunc`.
    Trunc,
    /// A read with no check ran off the captured bytes: tcpdump longjmps out of the whole
    /// packet (and `-x` then dumps from the frame's start).
    Jump,
}

impl From<NameError> for Cut {
    fn from(e: NameError) -> Cut {
        match e {
            NameError::Cut => Cut::Trunc,
            NameError::Overrun => Cut::Jump,
        }
    }
}

type Walked<T> = Result<T, Cut>;

const OPCODES: [&str; 16] = [
    "",
    " inv_q",
    " stat",
    " op3",
    " notify",
    " update",
    " op6",
    " op7",
    " op8",
    " updateA",
    " updateD",
    " updateDA",
    " updateM",
    " updateMA",
    " zoneInit",
    " zoneRef",
];

/// tcpdump's rcode words (two of them lack their space there, and so here).
const RCODES: [&str; 24] = [
    "",
    " FormErr",
    " ServFail",
    " NXDomain",
    " NotImp",
    " Refused",
    " YXDomain",
    " YXRRSet",
    " NXRRSet",
    " NotAuth",
    " NotZone",
    " Resp11",
    " Resp12",
    " Resp13",
    " Resp14",
    " NoChange",
    " BadVers",
    "Resp17",
    " Resp18",
    " Resp19",
    " Resp20",
    "Resp21",
    " Resp22",
    " BadCookie",
];

const IQUERY: u16 = 1;

impl Dissector {
    /// A DNS message carried by UDP or TCP; `length` is the payload's length on the wire
    /// (tcpdump's `length` argument to `domain_print`).
    pub(super) fn dns(&mut self, out: &mut String, d: &Dns<'_>, length: u32) {
        let mut w = Walk {
            msg: d.message(),
            out,
            verbose: self.opts.verbose,
            mdns: d.flavor == Flavor::Mdns,
        };
        match w.domain(d, length) {
            Ok(()) => {}
            Err(cut) => {
                w.out.push_str(" [|domain]");
                if cut == Cut::Jump {
                    self.early_end = true;
                }
            }
        }
    }
}

/// One message's walk: positions are offsets in `msg`, whose end is tcpdump's snapend.
struct Walk<'m, 'o> {
    msg: &'m [u8],
    out: &'o mut String,
    verbose: u8,
    mdns: bool,
}

impl Walk<'_, '_> {
    fn end(&self) -> usize {
        self.msg.len()
    }

    /// ND_TTEST_LEN: `n` bytes at `at` were captured.
    fn has(&self, at: usize, n: usize) -> bool {
        at.checked_add(n).is_some_and(|e| e <= self.msg.len())
    }

    /// GET_BE_U_2: tcpdump reads without checking first (where this runs off the captured
    /// bytes, tcpdump's printer longjmps).
    fn u16(&self, at: usize) -> Walked<u16> {
        be16(self.msg, at).ok_or(Cut::Jump)
    }

    /// GET_BE_U_4.
    fn u32(&self, at: usize) -> Walked<u32> {
        be32(self.msg, at).ok_or(Cut::Jump)
    }

    fn name(&mut self, at: usize) -> Walked<usize> {
        Ok(dns::write_name(self.msg, at, 0, self.out)?)
    }

    fn domain(&mut self, d: &Dns<'_>, length: u32) -> Walked<()> {
        let mut length = length;
        if d.over_tcp {
            if length < 2 {
                let _ = write!(self.out, " [DNS over TCP: length {length} < 2] (invalid)");
                return Ok(());
            }
            length -= 2;
            let prefix = d.prefix().ok_or(Cut::Jump)?;
            if u32::from(prefix) != length {
                let _ = write!(
                    self.out,
                    " [prefix length({prefix}) != length({length})] (invalid)"
                );
                return Ok(());
            }
            self.out.push(' ');
        }
        if length < HEADER_LEN as u32 {
            let _ = write!(
                self.out,
                "domain [length {length} < {HEADER_LEN}] (invalid)"
            );
            return Ok(());
        }
        let h = d.header().ok_or(Cut::Trunc)?;
        let rcode = self.rcode(h.rcode(), h.qdcount, h.ancount, h.nscount, h.arcount);
        let (mut qd, mut an, mut ns, mut ar) = (h.qdcount, h.ancount, h.nscount, h.arcount);
        let f = h.flags;
        let mut cp = HEADER_LEN;
        if h.response() {
            let _ = write!(
                self.out,
                "{}{}{}{}{}{}{}",
                h.id,
                opcode_name(h.opcode()),
                rcode_name(rcode),
                if f & 0x0400 != 0 { "*" } else { "" },
                if f & 0x0080 != 0 { "" } else { "-" },
                if f & 0x0200 != 0 { "|" } else { "" },
                if f & 0x0020 != 0 { "$" } else { "" },
            );
            if qd != 1 {
                let _ = write!(self.out, " [{qd}q]");
            }
            for i in 0..qd {
                if i != 0 {
                    self.out.push(',');
                }
                if self.verbose > 1 {
                    self.out.push_str(" q:");
                    cp = self.question(cp)?;
                } else {
                    cp = dns::skip_name(self.msg, cp).ok_or(Cut::Trunc)? + 4;
                }
            }
            let _ = write!(self.out, " {an}/{ns}/{ar}");
            cp = self.records(cp, "", &mut an, true)?;
            if self.verbose > 1 {
                cp = self.records(cp, " ns:", &mut ns, false)?;
                self.records(cp, " ar:", &mut ar, false)?;
            }
        } else {
            let _ = write!(
                self.out,
                "{}{}{}{}",
                h.id,
                opcode_name(h.opcode()),
                if f & 0x0100 != 0 { "+" } else { "" },
                if f & 0x0010 != 0 { "%" } else { "" },
            );
            if f & 0x6cf != 0 {
                let _ = write!(self.out, " [b2&3=0x{f:x}]");
            }
            if h.opcode() == IQUERY {
                if qd != 0 {
                    let _ = write!(self.out, " [{qd}q]");
                }
                if an != 1 {
                    let _ = write!(self.out, " [{an}a]");
                }
            } else {
                if an != 0 {
                    let _ = write!(self.out, " [{an}a]");
                }
                if qd != 1 {
                    let _ = write!(self.out, " [{qd}q]");
                }
            }
            if ns != 0 {
                let _ = write!(self.out, " [{ns}n]");
            }
            if ar != 0 {
                let _ = write!(self.out, " [{ar}au]");
            }
            if qd != 0 {
                cp = self.question(cp)?;
                qd -= 1;
                while cp < self.end() && qd != 0 {
                    cp = self.question(cp)?;
                    qd -= 1;
                }
            }
            if qd != 0 {
                return Err(Cut::Trunc);
            }
            if self.verbose > 1 {
                cp = self.records(cp, "", &mut an, true)?;
                cp = self.records(cp, " ns:", &mut ns, false)?;
                self.records(cp, " ar:", &mut ar, false)?;
            }
        }
        let _ = write!(self.out, " ({length})");
        Ok(())
    }

    /// The rcode with the eight bits an OPT record adds: tcpdump skips to the first OPT
    /// record in the additional section before printing anything.
    fn rcode(&self, rcode: u16, qd: u16, an: u16, ns: u16, ar: u16) -> u16 {
        let m = self.msg;
        let end = m.len();
        let mut cp = HEADER_LEN;
        for _ in 0..qd {
            let Some(c) = dns::skip_name(m, cp) else {
                return rcode;
            };
            cp = c + 4;
            if cp >= end {
                return rcode;
            }
        }
        for _ in 0..u32::from(an) + u32::from(ns) {
            let Some(c) = dns::skip_name(m, cp) else {
                return rcode;
            };
            cp = c + 8;
            let Some(rdlen) = be16(m, cp) else {
                return rcode;
            };
            cp += 2 + usize::from(rdlen);
            if cp >= end {
                return rcode;
            }
        }
        for _ in 0..ar {
            let Some(c) = dns::skip_name(m, cp) else {
                return rcode;
            };
            let Some(typ) = be16(m, c) else {
                return rcode;
            };
            cp = c + 4;
            let Some(&ext) = m.get(cp) else {
                return rcode;
            };
            if typ == T_OPT {
                return rcode | (u16::from(ext) << 4);
            }
            cp += 4;
            let Some(rdlen) = be16(m, cp) else {
                return rcode;
            };
            cp += 2 + usize::from(rdlen);
            if cp >= end {
                return rcode;
            }
        }
        rcode
    }

    /// A section's records after `label` (tcpdump prints the answers of a response
    /// whatever is left to read, the other sections only while bytes remain).
    fn records(&mut self, cp: usize, label: &str, n: &mut u16, always: bool) -> Walked<usize> {
        let mut cp = cp;
        if *n != 0 && (always || cp < self.end()) {
            self.out.push_str(label);
            cp = self.record(cp)?;
            *n -= 1;
            while cp < self.end() && *n != 0 {
                self.out.push(',');
                cp = self.record(cp)?;
                *n -= 1;
            }
        }
        if *n != 0 {
            return Err(Cut::Trunc);
        }
        Ok(cp)
    }

    /// `ns_qprint`: " TYPE CLASS? name".
    fn question(&mut self, cp: usize) -> Walked<usize> {
        let np = cp;
        let cp = match dns::skip_name(self.msg, cp) {
            Some(c) if self.has(c, 4) => c,
            _ => return Err(Cut::Trunc),
        };
        let qtype = self.u16(cp)?;
        push_type(self.out, qtype);
        let i = self.u16(cp + 2)?;
        let class = if self.mdns { i & !C_MDNS_BIT } else { i };
        if class != C_IN {
            push_class(self.out, class);
        }
        if self.mdns {
            self.out.push_str(if i & C_MDNS_BIT != 0 {
                " (QU)"
            } else {
                " (QM)"
            });
        }
        self.out.push_str("? ");
        Ok(self.name(np)? + 4)
    }

    /// `ns_rprint`: one resource record.
    fn record(&mut self, cp: usize) -> Walked<usize> {
        let cp = if self.verbose > 0 {
            self.out.push(' ');
            Some(self.name(cp)?)
        } else {
            dns::skip_name(self.msg, cp)
        };
        let Some(mut cp) = cp.filter(|&c| self.has(c, 10)) else {
            return Ok(self.end());
        };
        let typ = self.u16(cp)?;
        let i = self.u16(cp + 2)?;
        cp += 4;
        let class = if self.mdns { i & !C_MDNS_BIT } else { i };
        if class != C_IN && typ != T_OPT {
            push_class(self.out, class);
        }
        if self.mdns && i & C_MDNS_BIT != 0 {
            self.out.push_str(" (Cache flush)");
        }
        let mut opt_flags = 0;
        if typ == T_OPT {
            opt_flags = self.u16(cp + 2)?;
        } else if self.verbose > 2 {
            self.out.push_str(" [");
            relts(self.out, self.u32(cp)?);
            self.out.push(']');
        }
        cp += 4;
        let len = usize::from(self.u16(cp)?);
        cp += 2;
        let rp = cp + len;
        push_type(self.out, typ);
        if rp > self.end() {
            return Err(Cut::Trunc);
        }
        self.rdata(typ, class, opt_flags, cp, len)?;
        Ok(rp)
    }

    /// A record's data, from `cp` (`len` bytes by the record; tcpdump reads some types
    /// past that).
    fn rdata(&mut self, typ: u16, class: u16, opt_flags: u16, cp: usize, len: usize) -> Walked<()> {
        let rp = cp + len;
        match typ {
            dns::T_A => {
                if !self.has(cp, 4) {
                    return Err(Cut::Trunc);
                }
                let _ = write!(
                    self.out,
                    " {}",
                    super::Host::from(Ipv4Addr::from(self.u32(cp)?))
                );
            }
            dns::T_NS | dns::T_CNAME | dns::T_PTR | dns::T_DNAME => {
                self.out.push(' ');
                self.name(cp)?;
            }
            dns::T_SOA => {
                if self.verbose == 0 {
                    return Ok(());
                }
                self.out.push(' ');
                let c = self.name(cp)?;
                self.out.push(' ');
                let c = self.name(c)?;
                if !self.has(c, 20) {
                    return Err(Cut::Trunc);
                }
                for k in 0..5 {
                    let _ = write!(self.out, " {}", self.u32(c + 4 * k)?);
                }
            }
            dns::T_MX => {
                self.out.push(' ');
                if !self.has(cp, 2) {
                    return Err(Cut::Trunc);
                }
                self.name(cp + 2)?;
                let _ = write!(self.out, " {}", self.u16(cp)?);
            }
            dns::T_TXT => {
                let mut c = cp;
                while c < rp {
                    self.out.push_str(" \"");
                    let n = usize::from(*self.msg.get(c).ok_or(Cut::Trunc)?);
                    if !dns::push_chars(self.out, self.msg, c + 1, n) {
                        return Err(Cut::Trunc);
                    }
                    c += 1 + n;
                    self.out.push('"');
                }
            }
            dns::T_SRV => {
                self.out.push(' ');
                if !self.has(cp, 6) {
                    return Err(Cut::Trunc);
                }
                self.name(cp + 6)?;
                let _ = write!(
                    self.out,
                    ":{} {} {}",
                    self.u16(cp + 4)?,
                    self.u16(cp)?,
                    self.u16(cp + 2)?
                );
            }
            dns::T_AAAA => {
                if !self.has(cp, 16) {
                    return Err(Cut::Trunc);
                }
                let a = self.msg.get(cp..cp + 16).ok_or(Cut::Trunc)?;
                self.out.push(' ');
                push_ipv6(self.out, a);
            }
            dns::T_A6 => {
                let pbit = usize::from(*self.msg.get(cp).ok_or(Cut::Trunc)?);
                let pbyte = (pbit & !7) / 8;
                if pbit > 128 {
                    let _ = write!(self.out, " {pbit}(bad plen)");
                    return Ok(());
                }
                if pbit < 128 {
                    let mut a = [0u8; 16];
                    let from = self.msg.get(cp + 1..cp + 1 + 16 - pbyte).ok_or(Cut::Jump)?;
                    a[pbyte..].copy_from_slice(from);
                    let _ = write!(self.out, " {pbit} ");
                    push_ipv6(self.out, &a);
                }
                if pbit > 0 {
                    self.out.push(' ');
                    self.name(cp + 1 + 16 - pbyte)?;
                }
            }
            dns::T_URI => {
                if !self.has(cp, len) {
                    return Err(Cut::Trunc);
                }
                let (prio, weight) = (self.u16(cp)?, self.u16(cp + 2)?);
                let _ = write!(self.out, " {prio} {weight} ");
                // A length under four wraps around in tcpdump: it prints to the end.
                let n = len.checked_sub(4).unwrap_or(usize::MAX);
                if !dns::push_chars(self.out, self.msg, cp + 4, n) {
                    return Err(Cut::Trunc);
                }
            }
            T_OPT => {
                let _ = write!(self.out, " UDPsize={class}");
                if opt_flags & 0x8000 != 0 {
                    self.out.push_str(" DO");
                }
                let mut c = cp;
                if c < rp {
                    self.out.push_str(" [");
                    while c < rp {
                        c = self.edns_option(c)?;
                        if c < rp {
                            self.out.push(',');
                        }
                    }
                    self.out.push(']');
                }
            }
            // One long string (captured whole: checked first).
            dns::T_UNSPECA if !self.has(cp, len) => return Err(Cut::Trunc),
            dns::T_UNSPECA => {
                dns::push_chars(self.out, self.msg, cp, len);
            }
            dns::T_TSIG => {
                if self.verbose == 0 {
                    return Ok(());
                }
                self.out.push(' ');
                let mut c = self.name(cp)? + 6;
                for (i, what) in ["fudge", "maclen", "origid", "error", "otherlen"]
                    .into_iter()
                    .enumerate()
                {
                    if !self.has(c, 2) {
                        return Err(Cut::Trunc);
                    }
                    let v = self.u16(c)?;
                    let _ = write!(self.out, " {what}={v}");
                    c += 2;
                    if i == 1 {
                        c += usize::from(v);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// `eopt_print`: one EDNS option, "NAME data".
    fn edns_option(&mut self, cp: usize) -> Walked<usize> {
        if !self.has(cp, 2) {
            return Err(Cut::Trunc);
        }
        let opt = self.u16(cp)?;
        match edns_option_name(opt) {
            Some(n) => self.out.push_str(n),
            None => {
                let _ = write!(self.out, "Opt{opt}");
            }
        }
        if !self.has(cp + 2, 2) {
            return Err(Cut::Trunc);
        }
        let len = usize::from(self.u16(cp + 2)?);
        let cp = cp + 4;
        let data = self.msg.get(cp..cp + len).ok_or(Cut::Trunc)?;
        if len > 0 {
            self.out.push(' ');
            let out = &mut *self.out;
            match opt {
                8 => ecs(out, data),
                10 => {
                    if len < 8 || (len > 8 && len < 16) || len > 40 {
                        out.push_str(" (invalid)");
                    } else {
                        for (i, b) in data.iter().enumerate() {
                            if i == 8 {
                                out.push(' ');
                            }
                            let _ = write!(out, "{b:02x}");
                        }
                    }
                }
                11 => match be16(data, 0) {
                    Some(v) if len == 2 => {
                        let _ = write!(out, "{:.1} sec", f64::from(v) / 10.0);
                    }
                    _ => out.push_str(" (invalid)"),
                },
                9 => match be32(data, 0) {
                    Some(v) if len == 4 => {
                        let _ = write!(out, "{v} sec");
                    }
                    _ => out.push_str(" (invalid)"),
                },
                12 => {
                    let _ = write!(out, "({len})");
                }
                14 => {
                    if len % 2 != 0 {
                        out.push_str(" (invalid)");
                    } else {
                        for (i, tag) in data.chunks_exact(2).enumerate() {
                            if i > 0 {
                                out.push(' ');
                            }
                            let _ = write!(out, "{}", u16::from_be_bytes([tag[0], tag[1]]));
                        }
                    }
                }
                5..=7 => {
                    for (i, &alg) in data.iter().enumerate() {
                        if i > 0 {
                            out.push(' ');
                        }
                        match algorithm_name(opt, alg) {
                            Some(n) => out.push_str(n),
                            None => {
                                let _ = write!(out, "Alg_{alg}");
                            }
                        }
                    }
                }
                13 => {
                    // tcpdump counts CHAIN's pointers from the option's end and ignores
                    // whether the name printed whole; only a longjmp ends the packet.
                    if let Err(NameError::Overrun) =
                        dns::write_name(self.msg, cp, cp + len, self.out)
                    {
                        return Err(Cut::Jump);
                    }
                }
                _ => {
                    for b in data {
                        let _ = write!(out, "{b:02x}");
                    }
                }
            }
        }
        Ok(cp + len)
    }
}

/// " TYPE" (tcpdump's `Type%u` for a number it has no name for).
fn push_type(out: &mut String, t: u16) {
    match dns::type_name(t) {
        Some(n) => {
            let _ = write!(out, " {n}");
        }
        None => {
            let _ = write!(out, " Type{t}");
        }
    }
}

/// " CLASS" (tcpdump's `(Class %u)` for a number it has no name for).
fn push_class(out: &mut String, c: u16) {
    match dns::class_name(c) {
        Some(n) => {
            let _ = write!(out, " {n}");
        }
        None => {
            let _ = write!(out, " (Class {c})");
        }
    }
}

fn opcode_name(op: u16) -> &'static str {
    OPCODES.get(usize::from(op)).copied().unwrap_or_default()
}

fn rcode_name(rcode: u16) -> String {
    match RCODES.get(usize::from(rcode)) {
        Some(s) => (*s).to_owned(),
        None => format!(" Resp{}", rcode & 0xfff),
    }
}

/// A TTL as tcpdump's `unsigned_relts_print` writes it: `1h2m3s`, `0s`.
fn relts(out: &mut String, secs: u32) {
    if secs == 0 {
        out.push('0');
        out.push('s');
        return;
    }
    let mut secs = secs;
    for (unit, len) in [
        ("y", 31_536_000),
        ("w", 604_800),
        ("d", 86_400),
        ("h", 3_600),
        ("m", 60),
        ("s", 1),
    ] {
        if secs >= len {
            let _ = write!(out, "{}{unit}", secs / len);
            secs %= len;
        }
    }
}

/// An IPv6 address as tcpdump's `addrtostr6` writes it: RFC 5952 as Rust's, except that
/// an address whose first six words are zero ends in dotted IPv4 (`::1.2.3.4`).
fn push_ipv6(out: &mut String, a: &[u8]) {
    if let Ok(b) = <[u8; 16]>::try_from(a) {
        crate::names::write_addr(out, Ipv6Addr::from(b).into());
    }
}

/// EDNS client subnet (RFC 7871): "address/source/scope", or " (invalid)".
fn ecs(out: &mut String, data: &[u8]) {
    let (Some(family), Some(&src), Some(&scope)) = (be16(data, 0), data.get(2), data.get(3)) else {
        out.push_str(" (invalid)");
        return;
    };
    let addr_bits: usize = match family {
        1 => 32,
        2 => 128,
        _ => {
            out.push_str(" (invalid)");
            return;
        }
    };
    let (src, scope) = (usize::from(src), usize::from(scope));
    let bytes = data.get(4..).unwrap_or_default();
    if bytes.len() > addr_bits / 8
        || src > addr_bits
        || scope > addr_bits
        || src.div_ceil(8) != bytes.len()
    {
        out.push_str(" (invalid)");
        return;
    }
    let mut padded = [0u8; 16];
    padded[..bytes.len()].copy_from_slice(bytes);
    if family == 1 {
        let _ = write!(
            out,
            "{}",
            Ipv4Addr::new(padded[0], padded[1], padded[2], padded[3])
        );
    } else {
        push_ipv6(out, &padded);
    }
    let _ = write!(out, "/{src}/{scope}");
}

fn edns_option_name(opt: u16) -> Option<&'static str> {
    Some(match opt {
        1 => "LLQ",
        2 => "UL",
        3 => "NSID",
        5 => "DAU",
        6 => "DHU",
        7 => "N3U",
        8 => "ECS",
        9 => "EXPIRE",
        10 => "COOKIE",
        11 => "KEEPALIVE",
        12 => "PADDING",
        13 => "CHAIN",
        14 => "KEY-TAG",
        16 => "CLIENT-TAG",
        17 => "SERVER-TAG",
        _ => return None,
    })
}

/// Algorithm names in the DAU (DNSSEC), DHU (DS hash) and N3U (NSEC3 hash) options.
fn algorithm_name(opt: u16, alg: u8) -> Option<&'static str> {
    Some(match (opt, alg) {
        (5, 0) => "DELETE",
        (5, 1) => "RSAMD5",
        (5, 2) => "DH",
        (5, 3) => "DS",
        (5, 5) => "RSASHA1",
        (5, 6) => "DSA-NSEC3-SHA1",
        (5, 7) => "RSASHA1-NSEC3-SHA1",
        (5, 8) => "RSASHA256",
        (5, 10) => "RSASHA512",
        (5, 12) => "ECC-GOST",
        (5, 13) => "ECDSAP256SHA256",
        (5, 14) => "ECDSAP384SHA384",
        (5, 15) => "ED25519",
        (5, 16) => "ED448",
        (5, 252) => "INDIRECT",
        (5, 253) => "PRIVATEDNS",
        (5, 254) => "PRIVATEOID",
        (6, 1) => "SHA-1",
        (6, 2) => "SHA-256",
        (6, 3) => "GOST_R_34.11-94",
        (6, 4) => "SHA-384",
        (7, 1) => "SHA-1",
        _ => return None,
    })
}
