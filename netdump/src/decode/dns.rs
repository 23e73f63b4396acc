//! DNS messages (RFC 1035) on UDP 53, TCP 53 (behind RFC 1035 4.2.2's two-byte length
//! prefix), mDNS (UDP 5353, RFC 6762) and LLMNR (UDP 5355, RFC 4795): the header, and the
//! walks over names and records that both the text printer and the JSON writer use.
//!
//! The walks follow tcpdump's print-domain.c step for step (`ns_nskip`, `fqdn_print`),
//! because what tcpdump prints for a cut or hostile message depends on exactly which
//! check fails first: a compression pointer must point strictly backwards (so loops end,
//! `<BAD PTR>` otherwise), a name stops printing at 255 characters, and a read past the
//! captured bytes ends the walk. Nothing here indexes without a check.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{array, be16, be32, Context, Layer, Next};

pub const PORT: u16 = 53;
pub const MDNS_PORT: u16 = 5353;
pub const LLMNR_PORT: u16 = 5355;
pub const HEADER_LEN: usize = 12;

/// The longest name tcpdump prints before `<DOMAIN NAME TOO LONG>` (MAXCDNAME).
pub const MAX_NAME: u32 = 255;

pub const T_A: u16 = 1;
pub const T_NS: u16 = 2;
pub const T_CNAME: u16 = 5;
pub const T_SOA: u16 = 6;
pub const T_PTR: u16 = 12;
pub const T_MX: u16 = 15;
pub const T_TXT: u16 = 16;
pub const T_AAAA: u16 = 28;
pub const T_SRV: u16 = 33;
pub const T_A6: u16 = 38;
pub const T_DNAME: u16 = 39;
pub const T_OPT: u16 = 41;
pub const T_UNSPECA: u16 = 104;
pub const T_TSIG: u16 = 250;
pub const T_URI: u16 = 256;
pub const C_IN: u16 = 1;
/// mDNS: the question's "unicast response wanted" bit, the record's "cache flush" bit.
pub const C_MDNS_BIT: u16 = 0x8000;

/// Which protocol the message travels in: the same format, read slightly differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Dns,
    /// Multicast DNS: the top bit of a class is a flag, not part of the class.
    Mdns,
    /// Link-local multicast name resolution: tcpdump 4.99 does not decode it (its text is
    /// "UDP, length N"), only the JSON output reads it.
    Llmnr,
}

/// A DNS message as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dns<'a> {
    /// The UDP or TCP payload as captured (over TCP, with its length prefix), up to the
    /// IP header's length.
    pub payload: &'a [u8],
    pub over_tcp: bool,
    pub flavor: Flavor,
}

/// The fixed twelve bytes at the start of every message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub id: u16,
    pub flags: u16,
    pub qdcount: u16,
    pub ancount: u16,
    pub nscount: u16,
    pub arcount: u16,
}

impl Header {
    pub fn response(&self) -> bool {
        self.flags & 0x8000 != 0
    }

    pub fn opcode(&self) -> u16 {
        (self.flags >> 11) & 0xf
    }

    /// The four rcode bits of the header (an OPT record may add eight more).
    pub fn rcode(&self) -> u16 {
        self.flags & 0xf
    }
}

impl<'a> Dns<'a> {
    /// Over TCP: the length prefix, if captured.
    pub fn prefix(&self) -> Option<u16> {
        if self.over_tcp {
            be16(self.payload, 0)
        } else {
            None
        }
    }

    /// The message's captured bytes (after the TCP length prefix).
    pub fn message(&self) -> &'a [u8] {
        if self.over_tcp {
            self.payload.get(2..).unwrap_or_default()
        } else {
            self.payload
        }
    }

    pub fn header(&self) -> Option<Header> {
        let m = self.message();
        Some(Header {
            id: be16(m, 0)?,
            flags: be16(m, 2)?,
            qdcount: be16(m, 4)?,
            ancount: be16(m, 6)?,
            nscount: be16(m, 8)?,
            arcount: be16(m, 10)?,
        })
    }

    /// The questions and records, as far as they were captured.
    pub fn sections(&self) -> Sections<'a> {
        sections(self.message())
    }
}

/// Why a name walk stopped before the name's end. tcpdump tells the two apart: a failed
/// check makes `fqdn_print` return NULL (its caller decides what follows), a read with no
/// check first longjmps out of the whole packet's printer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameError {
    /// A check failed (cut short, a bad pointer or label type: the reason is in the text).
    Cut,
    /// A read past the captured bytes with no check first.
    Overrun,
}

/// Where the name at `at` ends (tcpdump's `ns_nskip`): None when it runs off the captured
/// bytes or has a label type nobody knows. A pointer ends the name without being followed.
pub fn skip_name(msg: &[u8], at: usize) -> Option<usize> {
    let mut cp = at;
    let mut i = *msg.get(cp)?;
    cp += 1;
    while i != 0 {
        match i & 0xc0 {
            0xc0 => return Some(cp + 1),
            0x40 => {
                if i & 0x3f != 1 {
                    return None;
                }
                let bitlen = match *msg.get(cp)? {
                    0 => 256,
                    b => usize::from(b),
                };
                cp += 1 + bitlen.div_ceil(8);
            }
            0x80 => return None,
            _ => cp += usize::from(i),
        }
        i = *msg.get(cp)?;
        cp += 1;
    }
    Some(cp)
}

/// tcpdump's `labellen`: the length of the label at `at` (a pointer's first byte as is),
/// or an error after printing what is wrong with it.
fn label_len(msg: &[u8], at: usize, out: &mut String) -> Result<usize, NameError> {
    let i = *msg.get(at).ok_or(NameError::Cut)?;
    match i & 0xc0 {
        0x40 => {
            let elt = i & 0x3f;
            if elt != 1 {
                out.push_str(&format!("<ELT {elt}>"));
                return Err(NameError::Cut);
            }
            let bitlen = match *msg.get(at + 1).ok_or(NameError::Cut)? {
                0 => 256,
                b => usize::from(b),
            };
            Ok(bitlen.div_ceil(8) + 1)
        }
        0x80 => {
            out.push_str("<BAD LABEL TYPE>");
            Err(NameError::Cut)
        }
        _ => Ok(usize::from(i)),
    }
}

/// Appends a byte as tcpdump prints packet text (`fn_print_char`): `M-` for the high bit,
/// `^X` for control characters.
pub fn push_char(out: &mut String, c: u8) {
    let mut c = c;
    if !c.is_ascii() {
        c &= 0x7f;
        out.push_str("M-");
    }
    if !(0x20..0x7f).contains(&c) {
        c ^= 0x40;
        out.push('^');
    }
    out.push(char::from(c));
}

/// Appends up to `n` bytes from `at` (tcpdump's `nd_printn` up to the captured end):
/// false when the captured bytes ended first.
pub fn push_chars(out: &mut String, msg: &[u8], at: usize, n: usize) -> bool {
    let avail = msg.get(at..).unwrap_or_default();
    for &c in avail.iter().take(n) {
        push_char(out, c);
    }
    avail.len() >= n
}

/// An RFC 2673 bit-string label (`\[x.../bits]`), `at` on its count byte.
fn bit_label(msg: &[u8], at: usize, out: &mut String) -> Result<(), NameError> {
    let bitlen = match *msg.get(at).ok_or(NameError::Cut)? {
        0 => 256u32,
        b => u32::from(b),
    };
    let get = |p: usize| msg.get(p).copied().ok_or(NameError::Overrun);
    out.push_str("\\[x");
    let lim = at + 1 + bitlen.div_ceil(4) as usize;
    let (mut p, mut b) = (at + 1, bitlen);
    while p < lim && b > 7 {
        out.push_str(&format!("{:02x}", get(p)?));
        b -= 8;
        p += 1;
    }
    if b > 4 {
        let tc = u32::from(get(p)?);
        out.push_str(&format!("{:02x}", tc & (0xff << (8 - b))));
    } else if b > 0 {
        let tc = u32::from(get(p)?);
        out.push_str(&format!("{:1x}", ((tc >> 4) & 0x0f) & (0x0f << (4 - b))));
    }
    out.push_str(&format!("/{bitlen}]"));
    Ok(())
}

/// Appends the name at `at` as tcpdump prints it (`fqdn_print`) and returns where the name
/// ends in the message (after its first pointer, if any). `base` is where compression
/// pointers count from (the message's start; an EDNS CHAIN option passes its end, as
/// tcpdump does). A pointer must point before every position the walk has been at, which
/// ends every loop; a name longer than [`MAX_NAME`] characters is printed up to there.
pub fn write_name(
    msg: &[u8],
    at: usize,
    base: usize,
    out: &mut String,
) -> Result<usize, NameError> {
    let mut cp = at;
    let mut l = label_len(msg, cp, out)?;
    // Offsets and their limit are C `u_int`s, a base past `at` wrapping as tcpdump's does.
    let mut max_offset = (cp as u32).wrapping_sub(base as u32);
    let mut i = *msg.get(cp).ok_or(NameError::Cut)?;
    cp += 1;
    // Where the name ends in place; unknown (tcpdump's NULL) until the walk meets a
    // pointer, when the name starts with one.
    let mut rp = (i & 0xc0 != 0xc0).then_some(cp + l);
    let mut compress = false;
    if i == 0 {
        out.push('.');
        return rp.ok_or(NameError::Cut);
    }
    let mut name_chars = 0u32;
    while i != 0 && cp < msg.len() {
        match i & 0xc0 {
            0xc0 => {
                if !compress {
                    rp = Some(cp + 1);
                    compress = true;
                }
                let lo = *msg.get(cp).ok_or(NameError::Cut)?;
                let offset = ((u32::from(i) << 8) | u32::from(lo)) & 0x3fff;
                if offset >= max_offset {
                    out.push_str("<BAD PTR>");
                    return Err(NameError::Cut);
                }
                max_offset = offset;
                cp = base.saturating_add(offset as usize);
                i = *msg.get(cp).ok_or(NameError::Cut)?;
                l = label_len(msg, cp, out)?;
                cp += 1;
                continue;
            }
            0x40 => {
                let elt = i & 0x3f;
                if elt != 1 {
                    out.push_str(&format!("<ELT {elt}>"));
                    return Err(NameError::Cut);
                }
                bit_label(msg, cp, out)?;
            }
            0x80 => {
                out.push_str("<BAD LABEL TYPE>");
                return Err(NameError::Cut);
            }
            _ => {
                let len = l as u32;
                let shown = if name_chars.saturating_add(len) <= MAX_NAME {
                    Some(l)
                } else if name_chars < MAX_NAME {
                    Some((MAX_NAME - name_chars) as usize)
                } else {
                    None
                };
                if let Some(n) = shown {
                    if !push_chars(out, msg, cp, n) {
                        return Err(NameError::Cut);
                    }
                }
                name_chars = name_chars.saturating_add(len);
            }
        }
        cp += l;
        if name_chars <= MAX_NAME {
            out.push('.');
        }
        name_chars = name_chars.saturating_add(1);
        i = *msg.get(cp).ok_or(NameError::Cut)?;
        l = label_len(msg, cp, out)?;
        cp += 1;
        if !compress {
            rp = rp.map(|r| r + l + 1);
        }
    }
    if name_chars > MAX_NAME {
        out.push_str("<DOMAIN NAME TOO LONG>");
    }
    rp.ok_or(NameError::Cut)
}

/// The name at `at` as text (tcpdump's spelling), and where it ends; None when the walk
/// failed (what it printed up to there is dropped).
pub fn name(msg: &[u8], at: usize) -> Option<(String, usize)> {
    let mut s = String::new();
    let end = write_name(msg, at, 0, &mut s).ok()?;
    Some((s, end))
}

/// One question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub name: String,
    pub qtype: u16,
    pub qclass: u16,
}

/// One resource record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    pub name: String,
    pub rtype: u16,
    pub class: u16,
    pub ttl: u32,
    pub data: Rdata<'a>,
}

/// What a record holds, for the types whose data is worth naming.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rdata<'a> {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    /// NS, CNAME, PTR, DNAME.
    Name(String),
    Mx {
        preference: u16,
        exchange: String,
    },
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
    Txt(Vec<String>),
    Soa {
        mname: String,
        rname: String,
        serial: u32,
    },
    /// Anything else, or data that does not parse: the bytes as captured.
    Other(&'a [u8]),
}

/// The four sections of a message, as far as they were captured and could be read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sections<'a> {
    pub questions: Vec<Question>,
    pub answers: Vec<Record<'a>>,
    pub authority: Vec<Record<'a>>,
    pub additional: Vec<Record<'a>>,
    /// Every record the header announces was read.
    pub complete: bool,
}

/// Reads the sections; stops at the first question or record that was not captured whole.
fn sections(msg: &[u8]) -> Sections<'_> {
    let mut s = Sections::default();
    let counts = [4, 6, 8, 10].map(|at| be16(msg, at).unwrap_or(0));
    let mut cp = HEADER_LEN;
    if msg.len() < HEADER_LEN {
        return s;
    }
    for _ in 0..counts[0] {
        let Some((name, end)) = name(msg, cp) else {
            return s;
        };
        let (Some(qtype), Some(qclass)) = (be16(msg, end), be16(msg, end + 2)) else {
            return s;
        };
        s.questions.push(Question {
            name,
            qtype,
            qclass,
        });
        cp = end + 4;
    }
    for (k, &count) in counts[1..].iter().enumerate() {
        for _ in 0..count {
            let Some((rec, end)) = record(msg, cp) else {
                return s;
            };
            match k {
                0 => s.answers.push(rec),
                1 => s.authority.push(rec),
                _ => s.additional.push(rec),
            }
            cp = end;
        }
    }
    s.complete = true;
    s
}

/// One record at `at`, and where the next one starts.
fn record(msg: &[u8], at: usize) -> Option<(Record<'_>, usize)> {
    let (name, cp) = name(msg, at)?;
    let rtype = be16(msg, cp)?;
    let class = be16(msg, cp + 2)?;
    let ttl = be32(msg, cp + 4)?;
    let rdlen = usize::from(be16(msg, cp + 8)?);
    let start = cp + 10;
    let bytes = msg.get(start..start + rdlen)?;
    let data = rdata(msg, rtype, start, bytes).unwrap_or(Rdata::Other(bytes));
    Some((
        Record {
            name,
            rtype,
            class,
            ttl,
            data,
        },
        start + rdlen,
    ))
}

/// A record's data of type `rtype` (at `start` in the message, `bytes` long).
fn rdata<'a>(msg: &[u8], rtype: u16, start: usize, bytes: &'a [u8]) -> Option<Rdata<'a>> {
    Some(match rtype {
        T_A if bytes.len() == 4 => Rdata::A(Ipv4Addr::from(array::<4>(bytes, 0)?)),
        T_AAAA if bytes.len() == 16 => Rdata::Aaaa(Ipv6Addr::from(array::<16>(bytes, 0)?)),
        T_NS | T_CNAME | T_PTR | T_DNAME => Rdata::Name(name(msg, start)?.0),
        T_MX => Rdata::Mx {
            preference: be16(bytes, 0)?,
            exchange: name(msg, start + 2)?.0,
        },
        T_SRV => Rdata::Srv {
            priority: be16(bytes, 0)?,
            weight: be16(bytes, 2)?,
            port: be16(bytes, 4)?,
            target: name(msg, start + 6)?.0,
        },
        T_TXT => {
            let mut strings = Vec::new();
            let mut p = 0;
            while let Some(&n) = bytes.get(p) {
                let s = bytes.get(p + 1..p + 1 + usize::from(n))?;
                let mut text = String::new();
                for &c in s {
                    push_char(&mut text, c);
                }
                strings.push(text);
                p += 1 + usize::from(n);
            }
            Rdata::Txt(strings)
        }
        T_SOA => {
            let (mname, at) = name(msg, start)?;
            let (rname, at) = name(msg, at)?;
            Rdata::Soa {
                mname,
                rname,
                serial: be32(msg, at)?,
            }
        }
        _ => return None,
    })
}

/// IANA's mnemonic for a record type, as tcpdump spells it (`ns_type2str`).
pub fn type_name(t: u16) -> Option<&'static str> {
    Some(match t {
        1 => "A",
        2 => "NS",
        3 => "MD",
        4 => "MF",
        5 => "CNAME",
        6 => "SOA",
        7 => "MB",
        8 => "MG",
        9 => "MR",
        10 => "NULL",
        11 => "WKS",
        12 => "PTR",
        13 => "HINFO",
        14 => "MINFO",
        15 => "MX",
        16 => "TXT",
        17 => "RP",
        18 => "AFSDB",
        19 => "X25",
        20 => "ISDN",
        21 => "RT",
        22 => "NSAP",
        23 => "NSAP_PTR",
        24 => "SIG",
        25 => "KEY",
        26 => "PX",
        27 => "GPOS",
        28 => "AAAA",
        29 => "LOC",
        30 => "NXT",
        31 => "EID",
        32 => "NIMLOC",
        33 => "SRV",
        34 => "ATMA",
        35 => "NAPTR",
        36 => "KX",
        37 => "CERT",
        38 => "A6",
        39 => "DNAME",
        40 => "SINK",
        41 => "OPT",
        42 => "APL",
        43 => "DS",
        44 => "SSHFP",
        45 => "IPSECKEY",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        99 => "SPF",
        100 => "UINFO",
        101 => "UID",
        102 => "GID",
        103 => "UNSPEC",
        104 => "UNSPECA",
        249 => "TKEY",
        250 => "TSIG",
        251 => "IXFR",
        252 => "AXFR",
        253 => "MAILB",
        254 => "MAILA",
        255 => "ANY",
        256 => "URI",
        _ => return None,
    })
}

/// A class's name as tcpdump spells it (`ns_class2str`).
pub fn class_name(c: u16) -> Option<&'static str> {
    Some(match c {
        1 => "IN",
        3 => "CHAOS",
        4 => "HS",
        255 => "ANY",
        _ => return None,
    })
}

/// DNS on UDP 53, and every UDP payload with `-T domain`.
pub fn decode_udp<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    decode_as(b, layers, false, Flavor::Dns)
}

/// DNS on TCP 53 (behind its length prefix), and every TCP payload with `-T domain`.
pub fn decode_tcp<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    decode_as(b, layers, true, Flavor::Dns)
}

/// Multicast DNS on UDP 5353.
pub fn decode_mdns<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    decode_as(b, layers, false, Flavor::Mdns)
}

/// LLMNR on UDP 5355.
pub fn decode_llmnr<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    decode_as(b, layers, false, Flavor::Llmnr)
}

fn decode_as<'a>(
    b: &'a [u8],
    layers: &mut Vec<Layer<'a>>,
    over_tcp: bool,
    flavor: Flavor,
) -> Next<'a> {
    let dns = Dns {
        payload: b,
        over_tcp,
        flavor,
    };
    layers.push(Layer::Dns(dns));
    // Nothing follows a message; it is whole when every record it announces was captured.
    Next::end(b, dns.header().is_some() && fits(dns.message()))
}

/// Whether every question and record the header announces lies within the captured bytes
/// (a walk that builds nothing: the text printer does not need the typed sections).
fn fits(msg: &[u8]) -> bool {
    let count = |at| usize::from(be16(msg, at).unwrap_or(0));
    let mut cp = HEADER_LEN;
    for _ in 0..count(4) {
        match skip_name(msg, cp) {
            Some(end) if end + 4 <= msg.len() => cp = end + 4,
            _ => return false,
        }
    }
    for _ in 0..count(6) + count(8) + count(10) {
        let Some(rdlen) = skip_name(msg, cp).and_then(|end| {
            cp = end + 10;
            be16(msg, end + 8)
        }) else {
            return false;
        };
        cp += usize::from(rdlen);
        if cp > msg.len() {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{StopReason, Upper};

    /// A response: www.example.com. A 198.18.0.1 (compressed), MX 10 mx.example.com.
    pub(crate) const RESPONSE: &[u8] = &[
        0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0, // header
        3, b'w', b'w', b'w', 7, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 3, b'c', b'o', b'm', 0,
        0, 1, 0, 1, // question at 12
        0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 198, 18, 0, 1, // A
        0xc0, 16, 0, 15, 0, 1, 0, 0, 0, 60, 0, 7, 0, 10, 2, b'm', b'x', 0xc0, 16, // MX
    ];

    fn decode_one(b: &[u8], tcp: bool) -> (Dns<'_>, Next<'_>) {
        let mut layers = Vec::new();
        let mut cx = Context::default();
        let next = if tcp {
            decode_tcp(b, &mut cx, &mut layers)
        } else {
            decode_udp(b, &mut cx, &mut layers)
        };
        let [Layer::Dns(d)] = layers[..] else {
            panic!("{layers:?}")
        };
        (d, next)
    }

    #[test]
    fn response_sections() {
        let (d, next) = decode_one(RESPONSE, false);
        assert_eq!(next.upper, Upper::Nothing);
        let h = d.header().unwrap();
        assert_eq!(
            (h.id, h.response(), h.opcode(), h.rcode()),
            (0x1234, true, 0, 0)
        );
        let s = d.sections();
        assert!(s.complete);
        assert_eq!(
            s.questions,
            [Question {
                name: "www.example.com.".into(),
                qtype: T_A,
                qclass: C_IN
            }]
        );
        assert_eq!(s.answers[0].name, "www.example.com.");
        assert_eq!(s.answers[0].ttl, 3600);
        assert_eq!(s.answers[0].data, Rdata::A(Ipv4Addr::new(198, 18, 0, 1)));
        assert_eq!(
            s.answers[1].data,
            Rdata::Mx {
                preference: 10,
                exchange: "mx.example.com.".into()
            }
        );
    }

    #[test]
    fn over_tcp_the_prefix_comes_first() {
        let mut b = (RESPONSE.len() as u16).to_be_bytes().to_vec();
        b.extend_from_slice(RESPONSE);
        let (d, _) = decode_one(&b, true);
        assert_eq!(d.prefix(), Some(RESPONSE.len() as u16));
        assert_eq!(d.message(), RESPONSE);
        assert_eq!(d.sections().answers.len(), 2);
    }

    #[test]
    fn cut_at_every_byte() {
        for k in 0..RESPONSE.len() {
            let (d, next) = decode_one(&RESPONSE[..k], false);
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated), "{k}");
            assert!(d.sections().answers.len() < 2);
            let _ = d.header();
            let mut s = String::new();
            let _ = write_name(d.message(), HEADER_LEN, 0, &mut s);
            let _ = skip_name(d.message(), HEADER_LEN);
            let (t, _) = decode_one(&RESPONSE[..k], true);
            let _ = t.sections();
        }
    }

    #[test]
    fn pointer_loops_end_in_bad_ptr() {
        // A name that points at itself, then one that points forwards.
        let mut m = RESPONSE[..HEADER_LEN].to_vec();
        m.extend_from_slice(&[0xc0, 12]);
        let mut s = String::new();
        assert_eq!(write_name(&m, 12, 0, &mut s), Err(NameError::Cut));
        assert_eq!(s, "<BAD PTR>");
        let mut m = RESPONSE[..HEADER_LEN].to_vec();
        m.extend_from_slice(&[1, b'a', 0xc0, 12]);
        let mut s = String::new();
        assert_eq!(write_name(&m, 12, 0, &mut s), Err(NameError::Cut));
        assert_eq!(s, "a.<BAD PTR>");
        assert_eq!(skip_name(&m, 12), Some(16));
    }

    #[test]
    fn names_longer_than_255_characters_are_cut() {
        let mut m = vec![0u8; HEADER_LEN];
        for _ in 0..5 {
            m.push(63);
            m.extend_from_slice(&[b'x'; 63]);
        }
        m.push(0);
        let mut s = String::new();
        assert_eq!(write_name(&m, 12, 0, &mut s), Ok(m.len()));
        assert!(s.ends_with("<DOMAIN NAME TOO LONG>"), "{s}");
        // Four labels and their dots (256 characters), then the complaint.
        assert_eq!(s.len(), 256 + "<DOMAIN NAME TOO LONG>".len());
    }

    #[test]
    fn labels_print_as_tcpdump_does() {
        let m = [3, b'a', 0x01, 0xe9, 0];
        let mut s = String::new();
        assert_eq!(write_name(&m, 0, 0, &mut s), Ok(5));
        assert_eq!(s, "a^AM-i.");
        let mut s = String::new();
        assert_eq!(write_name(&[0x80], 0, 0, &mut s), Err(NameError::Cut));
        assert_eq!(s, "<BAD LABEL TYPE>");
        let mut s = String::new();
        assert_eq!(write_name(&[0x42, 0], 0, 0, &mut s), Err(NameError::Cut));
        assert_eq!(s, "<ELT 2>");
        // A bit-string label of 12 bits: \[xabc/12].
        let mut s = String::new();
        assert_eq!(write_name(&[0x41, 12, 0xab, 0xcf, 0], 0, 0, &mut s), Ok(5));
        assert_eq!(s, "\\[xabc/12].");
        let mut s = String::new();
        assert_eq!(
            write_name(&[0x41, 12, 0xab], 0, 0, &mut s),
            Err(NameError::Overrun)
        );
    }

    #[test]
    fn type_and_class_names() {
        assert_eq!(type_name(T_AAAA), Some("AAAA"));
        assert_eq!(type_name(T_URI), Some("URI"));
        assert_eq!(type_name(1000), None);
        assert_eq!(class_name(3), Some("CHAOS"));
        assert_eq!(class_name(2), None);
    }
}
