//! PPP and PPPoE wording (print-ppp.c `ppp_print`/`handle_ppp`/`handle_ctrl_proto` with
//! LCP's options; print-pppoe.c): the frame's protocol, a control protocol's code and (-v)
//! options, or the IP packet inside through the IP printers.

use std::fmt::Write as _;

use super::{chars::print_char, Dissector, Host};
use crate::decode::{
    be16, be32,
    ppp::{self, Ppp},
    pppoe::{self, Pppoe},
    Layer,
};
use crate::print::hexdump;

/// tcpdump's `ppptype2str`.
fn ppp_type(proto: u16) -> Option<&'static str> {
    Some(match proto {
        0x0021 => "IP",
        0x0023 => "OSI",
        0x0025 => "NS",
        0x0027 => "DECNET",
        0x0029 => "APPLE",
        0x002b => "IPX",
        0x002d => "VJC IP",
        0x002f => "VJNC IP",
        0x0031 => "BRPDU",
        0x0033 => "STII",
        0x0035 => "VINES",
        0x0281 | 0x0283 => "MPLS",
        0x00fd => "Compressed",
        0x003d => "MLPPP",
        0x0057 => "IP6",
        0x0201 => "HELLO",
        0x0231 => "LUXCOM",
        0x0233 => "SNS",
        0x8021 => "IPCP",
        0x8023 => "OSICP",
        0x8025 => "NSCP",
        0x8027 => "DECNETCP",
        0x8029 => "APPLECP",
        0x802b => "IPXCP",
        0x8033 => "STIICP",
        0x8035 => "VINESCP",
        0x8057 => "IP6CP",
        0x8281 => "MPLSCP",
        0xc021 => "LCP",
        0xc023 => "PAP",
        0xc025 => "LQM",
        0xc223 => "CHAP",
        0xc227 => "EAP",
        0xc027 => "SPAP",
        0xc123 => "Old-SPAP",
        0xc02b => "BACP",
        0xc02d => "BAP",
        0xc03d => "MLPPP-CP",
        0x80fd => "CCP",
        _ => return None,
    })
}

/// tcpdump's `cpcodes`.
fn cp_code(code: u8) -> &'static str {
    match code {
        0 => "Vendor-Extension",
        1 => "Conf-Request",
        2 => "Conf-Ack",
        3 => "Conf-Nack",
        4 => "Conf-Reject",
        5 => "Term-Request",
        6 => "Term-Ack",
        7 => "Code-Reject",
        8 => "Prot-Reject",
        9 => "Echo-Request",
        10 => "Echo-Reply",
        11 => "Disc-Req",
        12 => "Ident",
        13 => "Time-Rem",
        14 => "Reset-Req",
        15 => "Reset-Ack",
        _ => "Unknown Opcode",
    }
}

/// LCP option names (`lcpconfopts`), by option number.
const LCP_OPTIONS: [&str; 31] = [
    "Vend-Ext",
    "MRU",
    "ACCM",
    "Auth-Prot",
    "Qual-Prot",
    "Magic-Num",
    "deprecated(6)",
    "PFC",
    "ACFC",
    "FCS-Alt",
    "SDP",
    "Num-Mode",
    "deprecated(12)",
    "Call-Back",
    "deprecated(14)",
    "deprecated(15)",
    "deprecated(16)",
    "MRRU",
    "12-Bit seq #",
    "End-Disc",
    "Proprietary",
    "DCE-Id",
    "MP+",
    "Link-Disc",
    "LCP-Auth-Opt",
    "COBS",
    "Prefix-elision",
    "Multilink-header-Form",
    "I18N",
    "SDL-over-SONET/SDH",
    "PPP-Muxing",
];

/// PPPoE codes (`pppoecode2str`).
fn pppoe_code(code: u8) -> Option<&'static str> {
    Some(match code {
        0x09 => "PADI",
        0x07 => "PADO",
        0x19 => "PADR",
        0x65 => "PADS",
        0xa7 => "PADT",
        0x00 => "",
        _ => return None,
    })
}

/// PPPoE tags (`pppoetag2str`).
fn pppoe_tag(tag: u16) -> Option<&'static str> {
    Some(match tag {
        0 => "EOL",
        0x0101 => "Service-Name",
        0x0102 => "AC-Name",
        0x0103 => "Host-Uniq",
        0x0104 => "AC-Cookie",
        0x0105 => "Vendor-Specific",
        0x0110 => "Relay-Session-ID",
        0x0120 => "PPP-Max-Payload",
        0x0201 => "Service-Name-Error",
        0x0202 => "AC-System-Error",
        0x0203 => "Generic-Error",
        _ => return None,
    })
}

impl Dissector {
    /// A PPPoE packet (pppoe_print); a session's PPP frame follows in `above`.
    pub(super) fn pppoe(&mut self, out: &mut String, p: &Pppoe<'_>, above: &[Layer<'_>]) {
        if p.length < pppoe::HEADER_LEN as u32 {
            let _ = write!(
                out,
                " (length {} < {}) (invalid)",
                p.length,
                pppoe::HEADER_LEN
            );
            return;
        }
        let (Some(ver), Some(kind), Some(code), Some(ses), Some(plen)) = (
            p.version(),
            p.kind(),
            p.code(),
            p.session(),
            p.payload_len_field(),
        ) else {
            out.push_str(" [|pppoe]");
            return;
        };
        if ver != 1 {
            let _ = write!(out, " [ver {ver}]");
        }
        if kind != 1 {
            let _ = write!(out, " [type {kind}]");
        }
        out.push_str("PPPoE ");
        match pppoe_code(code) {
            Some(name) => out.push_str(name),
            None => {
                let _ = write!(out, "PAD-{code:x}");
            }
        }
        let left = p.length - pppoe::HEADER_LEN as u32;
        if code == 0x09 && u32::from(plen) > 1484 - pppoe::HEADER_LEN as u32 {
            let _ = write!(out, " [len {plen}!]");
        }
        if u32::from(plen) > left {
            let _ = write!(out, " [len {plen} > {left}!]");
        }
        if ses != 0 {
            let _ = write!(out, " [ses 0x{ses:x}]");
        }
        if code == 0 {
            out.push(' ');
            match above.first() {
                Some(Layer::Ppp(f)) => self.ppp(out, f, &above[1..]),
                _ => out.push_str(" [|ppp]"),
            }
            return;
        }
        // Discovery tags, up to the payload's length or an end-of-list tag.
        let tags = p.raw.get(pppoe::HEADER_LEN..).unwrap_or_default();
        let end = p.payload_len() as usize;
        let mut at = 0usize;
        let mut tag = 0xffff;
        while tag != 0 && at < end {
            let (Some(t), Some(len)) = (be16(tags, at), be16(tags, at + 2)) else {
                out.push_str(" [|pppoe]");
                return;
            };
            tag = t;
            at += 4;
            let name = pppoe_tag(tag).map_or_else(|| format!("TAG-0x{tag:x}"), str::to_owned);
            let len = usize::from(len);
            if len == 0 {
                let _ = write!(out, " [{name}]");
                continue;
            }
            let Some(v) = tags.get(at..at + len) else {
                out.push_str(" [|pppoe]");
                return;
            };
            // tcpdump keeps at most 79 characters of the value for its text form.
            let shown = &v[..v.len().min(79)];
            let ascii = shown.iter().filter(|b| (0x20..0x7f).contains(*b)).count();
            if ascii > shown.len() - ascii {
                let s: String = shown
                    .iter()
                    .map(|&b| {
                        if (0x20..0x7f).contains(&b) {
                            b as char
                        } else {
                            '.'
                        }
                    })
                    .collect();
                let _ = write!(out, " [{name} \"{s}\"]");
            } else {
                let _ = write!(out, " [{name} 0x");
                for b in v {
                    let _ = write!(out, "{b:02X}");
                }
                out.push(']');
            }
            at += len;
        }
    }

    /// A PPP frame (ppp_print, handle_ppp).
    pub(super) fn ppp(&mut self, out: &mut String, p: &Ppp<'_>, above: &[Layer<'_>]) {
        let Some(proto) = p.protocol else {
            out.push_str(" [|ppp]");
            // Too short by its length: tcpdump returns; not captured: its GET longjmps.
            self.early_end |= p.length >= 2;
            return;
        };
        if self.opts.link_header {
            match p.address_control {
                Some(0x0003) => out.push_str("In  "),
                Some(0x0103) => out.push_str("Out "),
                _ => {}
            }
            let name = ppp_type(proto);
            let _ = write!(
                out,
                "{} (0x{proto:04x}), length {}",
                name.unwrap_or("unknown"),
                p.length
            );
            if name.is_none() {
                return;
            }
            out.push_str(": ");
        }
        match proto {
            ppp::LCP
            | ppp::IPCP
            | ppp::OSICP
            | ppp::MPLSCP
            | ppp::IPV6CP
            | ppp::CCP
            | ppp::BACP => self.ppp_control(out, proto, p.payload, p.payload_len),
            ppp::IP
            | ppp::VJNC
            | 0x0800
            | ppp::IPV6
            | 0x86dd
            | ppp::MPLS_UNICAST
            | ppp::MPLS_MULTICAST => {
                if let Some(u) = self.network(out, above) {
                    self.default_print(out, u.bytes);
                }
            }
            0x00fd => out.push_str("compressed PPP data"),
            0x003d => mlppp(out, p, !self.opts.link_header),
            0xc023 => pap(out, p.payload, p.payload_len),
            _ => {
                match ppp_type(proto) {
                    Some(name) => {
                        let _ = write!(out, "{name} ");
                    }
                    None => {
                        let _ = write!(out, "unknown PPP protocol (0x{proto:04x}) ");
                    }
                }
                hexdump::unknown_data(out, "\n\t", p.payload);
            }
        }
    }

    /// A control protocol packet (handle_ctrl_proto); LCP's options at -v.
    fn ppp_control(&mut self, out: &mut String, proto: u16, b: &[u8], length: u32) {
        let typestr = ppp_type(proto).unwrap_or("unknown ctrl-proto");
        let _ = write!(out, "{typestr}, ");
        if length < 4 || b.len() < 2 {
            let _ = write!(out, "[|{typestr}]");
            return;
        }
        if self.ctrl_body(out, proto, b, length).is_none() {
            out.push_str(" [|ppp]");
            self.early_end = true;
        }
    }

    /// The body of [`Self::ppp_control`]; None where tcpdump's GET macros would give up.
    fn ctrl_body(&self, out: &mut String, proto: u16, b: &[u8], length: u32) -> Option<()> {
        let code = *b.first()?;
        let _ = write!(
            out,
            "{} (0x{code:02x}), id {}, length {}",
            cp_code(code),
            b.get(1)?,
            length + 2
        );
        let v = self.opts.verbose;
        if v == 0 {
            return Some(());
        }
        let len = u32::from(be16(b, 2)?);
        if len < 4 {
            let _ = write!(out, "\n\tencoded length {len} (< 4))");
            return Some(());
        }
        if len > length {
            let _ = write!(out, "\n\tencoded length {len} (> packet length {length}))");
            return Some(());
        }
        let _ = write!(
            out,
            "\n\tencoded length {len} (=Option(s) length {})",
            len - 4
        );
        if len == 4 {
            return Some(());
        }
        if v > 1 {
            // tcpdump dumps from two bytes before the control packet (its PPP protocol).
            let [hi, lo] = proto.to_be_bytes();
            let mut head = vec![hi, lo];
            head.extend_from_slice(b.get(..4).unwrap_or(b));
            hexdump::unknown_data(out, "\n\t", &head);
        }
        let body = b.get(4..).unwrap_or_default();
        match code {
            1..=4 if matches!(proto, ppp::LCP | ppp::CCP | ppp::IPCP | ppp::IPV6CP) => {
                let mut tlen = len - 4;
                let mut at = 0usize;
                loop {
                    let opt = body.get(at..).unwrap_or_default();
                    let advance = match proto {
                        ppp::LCP => self.lcp_option(out, opt, len)?,
                        ppp::IPCP => self.ipcp_option(out, opt, len)?,
                        ppp::IPV6CP => self.ip6cp_option(out, opt, len)?,
                        _ => self.ccp_option(out, opt, len)?,
                    };
                    if advance == 0 {
                        break;
                    }
                    if tlen < advance {
                        let _ = write!(
                            out,
                            " [remaining options length {tlen} < {advance}] (invalid)"
                        );
                        break;
                    }
                    tlen -= advance;
                    at += advance as usize;
                    if tlen == 0 {
                        break;
                    }
                }
            }
            9..=11 => {
                if len < 8 {
                    return Some(());
                }
                let _ = write!(out, "\n\t  Magic-Num 0x{:08x}", be32(body, 0)?);
                if len > 8 {
                    out.push_str("\n\t  -----trailing data-----");
                    let Some(data) = body.get(4..4 + (len as usize - 8)) else {
                        // handle_ctrl_proto's own check: "[|LCP]", no space.
                        let _ = write!(out, "[|{}]", ppp_type(proto).unwrap_or("unknown"));
                        return Some(());
                    };
                    hexdump::unknown_data(out, "\n\t  ", data);
                }
            }
            _ => {}
        }
        Some(())
    }

    /// One IPCP option (print_ipcp_config_options): its length, or 0 to stop.
    fn ipcp_option(&self, out: &mut String, p: &[u8], length: u32) -> Option<u32> {
        if length < 2 {
            return Some(0);
        }
        let (Some(&opt), Some(&len)) = (p.first(), p.get(1)) else {
            out.push_str("[|ipcp]");
            return Some(0);
        };
        let len = u32::from(len);
        if length < len {
            return Some(0);
        }
        let name = match opt {
            1 => "IP-Addrs",
            2 => "IP-Comp",
            3 => "IP-Addr",
            4 => "Home-Addr",
            129 => "Pri-DNS",
            130 => "Pri-NBNS",
            131 => "Sec-DNS",
            132 => "Sec-NBNS",
            _ => "unknown",
        };
        let _ = write!(out, "\n\t  {name} Option (0x{opt:02x}), length {len}");
        if len < 2 {
            out.push_str(" (length bogus, should be >= 2)");
            return Some(0);
        }
        // tcpdump's cursor: header compression's suboption walk moves it, and the -vv dump
        // after the switch starts from wherever it was left.
        let mut shift = 0usize;
        let addr = |at: usize| -> Option<Host> {
            let a: [u8; 4] = p.get(at..at + 4)?.try_into().ok()?;
            Some(Host::from(std::net::Ipv4Addr::from(a)))
        };
        match opt {
            1 => {
                if len != 10 {
                    out.push_str(" (length bogus, should be = 10)");
                    return Some(len);
                }
                let (src, dst) = (addr(2)?, addr(6)?);
                let _ = write!(out, ": src {src}, dst {dst}");
            }
            2 => {
                if len < 4 {
                    out.push_str(" (length bogus, should be >= 4)");
                    return Some(0);
                }
                let comp = be16(p, 2)?;
                let cname = match comp {
                    0x002d => "VJ-Comp",
                    0x0061 => "IP Header Compression",
                    _ => "Unknown",
                };
                let _ = write!(out, ": {cname} (0x{comp:02x}):");
                if comp == 0x0061 {
                    if len < 14 {
                        out.push_str(" (length bogus, should be >= 14)");
                        return Some(0);
                    }
                    if p.len() < 16 {
                        out.push_str("[|ipcp]");
                        return Some(0);
                    }
                    let w = |at| be16(p, at).unwrap_or(0);
                    let _ = write!(
                        out,
                        "\n\t    TCP Space {}, non-TCP Space {}, maxPeriod {}, maxTime {}, maxHdr {}",
                        w(4),
                        w(6),
                        w(8),
                        w(10),
                        w(12)
                    );
                    if len > 14 {
                        let mut total = len - 14;
                        let mut at = 14usize;
                        shift = at;
                        let _ = write!(out, "\n\t      Suboptions, length {total}");
                        while total >= 2 {
                            let (Some(&sub), Some(&sublen)) = (p.get(at), p.get(at + 1)) else {
                                out.push_str("[|ipcp]");
                                return Some(0);
                            };
                            if sub == 0 || sublen == 0 {
                                break;
                            }
                            let sname = match sub {
                                1 => "RTP-Compression",
                                2 => "Enhanced RTP-Compression",
                                _ => "Unknown",
                            };
                            let _ = write!(out, "\n\t\t{sname} Suboption #{sub}, length {sublen}");
                            let sublen = u32::from(sublen);
                            if total < sublen {
                                let _ = write!(
                                    out,
                                    " [remaining suboptions length {total} < {sublen}] (invalid)"
                                );
                                break;
                            }
                            total -= sublen;
                            at += sublen as usize;
                            shift = at;
                        }
                    }
                }
            }
            3 | 4 | 129..=132 => {
                if len != 6 {
                    out.push_str(" (length bogus, should be = 6)");
                    return Some(0);
                }
                let a = addr(2)?;
                let _ = write!(out, ": {a}");
            }
            _ => {
                if self.opts.verbose < 2 {
                    print_unknown_data(out, "\n\t    ", p, 2, len.saturating_sub(2));
                }
            }
        }
        if self.opts.verbose > 1 {
            let from = p.get(shift..).unwrap_or_default();
            print_unknown_data(out, "\n\t    ", from, 2, len.saturating_sub(2));
        }
        Some(len)
    }

    /// One IP6CP option (print_ip6cp_config_options): its length, or 0 to stop.
    fn ip6cp_option(&self, out: &mut String, p: &[u8], length: u32) -> Option<u32> {
        if length < 2 {
            return Some(0);
        }
        let (Some(&opt), Some(&len)) = (p.first(), p.get(1)) else {
            out.push_str("[|ip6cp]");
            return Some(0);
        };
        let len = u32::from(len);
        if length < len {
            return Some(0);
        }
        let name = if opt == 1 { "Interface-ID" } else { "unknown" };
        let _ = write!(out, "\n\t  {name} Option (0x{opt:02x}), length {len}");
        if len < 2 {
            out.push_str(" (length bogus, should be >= 2)");
            return Some(0);
        }
        if opt == 1 {
            if len != 10 {
                out.push_str(" (length bogus, should be = 10)");
                return Some(len);
            }
            if p.len() < 10 {
                out.push_str("[|ip6cp]");
                return Some(0);
            }
            let w = |at| be16(p, at).unwrap_or(0);
            let _ = write!(out, ": {:04x}:{:04x}:{:04x}:{:04x}", w(2), w(4), w(6), w(8));
        } else if self.opts.verbose < 2 {
            print_unknown_data(out, "\n\t    ", p, 2, len.saturating_sub(2));
        }
        if self.opts.verbose > 1 {
            print_unknown_data(out, "\n\t    ", p, 2, len.saturating_sub(2));
        }
        Some(len)
    }

    /// One CCP option (print_ccp_config_options): its length, or 0 to stop.
    fn ccp_option(&self, out: &mut String, p: &[u8], length: u32) -> Option<u32> {
        if length < 2 {
            return Some(0);
        }
        let (Some(&opt), Some(&len)) = (p.first(), p.get(1)) else {
            out.push_str("[|ccp]");
            return Some(0);
        };
        let len = u32::from(len);
        if length < len {
            return Some(0);
        }
        let name = match opt {
            0 => "OUI",
            1 => "Pred-1",
            2 => "Pred-2",
            3 => "Puddle",
            16 => "HP-PPC",
            17 => "Stac-LZS",
            18 => "MPPC",
            19 => "Gand-FZA",
            20 => "V.42bis",
            21 => "BSD-Comp",
            23 => "LZS-DCP",
            24 => "MVRCA",
            25 => "DEC",
            26 => "Deflate",
            255 => "Reserved",
            _ => "Unknown",
        };
        let _ = write!(out, "\n\t  {name} Option (0x{opt:02x}), length {len}");
        if len < 2 {
            out.push_str(" (length bogus, should be >= 2)");
            return Some(0);
        }
        let bogus = |out: &mut String, want: u32| {
            let _ = write!(out, " (length bogus, should be >= {want})");
        };
        match opt {
            21 => {
                if len < 3 {
                    bogus(out, 3);
                    return Some(len);
                }
                let x = *p.get(2)?;
                let _ = write!(out, ": Version: {}, Dictionary Bits: {}", x >> 5, x & 0x1f);
            }
            24 => {
                if len < 4 {
                    bogus(out, 4);
                    return Some(len);
                }
                let (x, y) = (*p.get(2)?, *p.get(3)?);
                let _ = write!(
                    out,
                    ": Features: {}, PxP: {}, History: {}, #CTX-ID: {y}",
                    (x & 0xc0) >> 6,
                    if x & 0x20 != 0 { "Enabled" } else { "Disabled" },
                    x & 0x1f
                );
            }
            26 => {
                if len < 4 {
                    bogus(out, 4);
                    return Some(len);
                }
                let (x, y) = (*p.get(2)?, *p.get(3)?);
                let _ = write!(
                    out,
                    ": Window: {}K, Method: {} (0x{:x}), MBZ: {}, CHK: {}",
                    (x & 0xf0) >> 4,
                    if x & 0x0f == 8 { "zlib" } else { "unknown" },
                    x & 0x0f,
                    (y & 0xfc) >> 2,
                    y & 0x03
                );
            }
            _ => {
                if self.opts.verbose < 2 {
                    print_unknown_data(out, "\n\t    ", p, 2, len.saturating_sub(2));
                }
            }
        }
        if self.opts.verbose > 1 {
            print_unknown_data(out, "\n\t    ", p, 2, len.saturating_sub(2));
        }
        Some(len)
    }

    /// One LCP option (print_lcp_config_options): its length, or 0 to stop.
    fn lcp_option(&self, out: &mut String, p: &[u8], length: u32) -> Option<u32> {
        if length < 2 {
            return Some(0);
        }
        let (Some(&opt), Some(&len)) = (p.first(), p.get(1)) else {
            out.push_str("[|lcp]");
            return Some(0);
        };
        let len = u32::from(len);
        if length < len {
            return Some(0);
        }
        let name = LCP_OPTIONS.get(usize::from(opt));
        if len < 2 {
            match name {
                Some(n) => {
                    let _ = write!(
                        out,
                        "\n\t  {n} Option (0x{opt:02x}), length {len} (length bogus, should be >= 2)"
                    );
                }
                None => {
                    let _ = write!(out, "\n\tunknown LCP option 0x{opt:02x}");
                }
            }
            return Some(0);
        }
        let Some(n) = name else {
            let _ = write!(out, "\n\tunknown LCP option 0x{opt:02x}");
            return Some(len);
        };
        let _ = write!(out, "\n\t  {n} Option (0x{opt:02x}), length {len}");
        let bogus = |out: &mut String, want: &str| {
            let _ = write!(out, " (length bogus, should be {want})");
        };
        let v = self.opts.verbose;
        match opt {
            1 | 17 => {
                if len != 4 {
                    bogus(out, "= 4");
                    return Some(if opt == 1 { len } else { 0 });
                }
                let _ = write!(out, ": {}", be16(p, 2)?);
            }
            2 | 5 => {
                if len != 6 {
                    bogus(out, "= 6");
                    return Some(if opt == 2 { len } else { 0 });
                }
                let _ = write!(out, ": 0x{:08x}", be32(p, 2)?);
            }
            7 | 8 => {}
            3 => {
                if len < 4 {
                    bogus(out, ">= 4");
                    return Some(len);
                }
                let auth = be16(p, 2)?;
                // "0x04x" is tcpdump's own misprint, kept byte for byte.
                let _ = write!(
                    out,
                    ": {}",
                    ppp_type(auth).unwrap_or("Unknown Auth Proto (0x04x)")
                );
                match auth {
                    0xc223 => {
                        let alg = *p.get(4)?;
                        let _ = match alg {
                            5 => write!(out, ", MD5"),
                            0x80 => write!(out, ", MS-CHAPv1"),
                            0x81 => write!(out, ", MS-CHAPv2"),
                            _ => write!(out, ", Unknown Auth Alg {alg}"),
                        };
                    }
                    0xc023 | 0xc227 | 0xc027 | 0xc123 => {}
                    _ => print_unknown_data(out, "\n\t", p, 0, len),
                }
            }
            4 => {
                if len < 4 {
                    bogus(out, ">= 4");
                    return Some(0);
                }
                let lqr = be16(p, 2)? == 0xc025;
                out.push_str(if lqr { ": LQR" } else { ": unknown" });
            }
            13 => {
                if len < 3 {
                    bogus(out, ">= 3");
                    return Some(0);
                }
                // tcpdump prints ": " before it reads the operation byte.
                out.push_str(": ");
                let op = *p.get(2)?;
                let name = match op {
                    0 => "UserAuth",
                    1 => "DialString",
                    2 => "LocalID",
                    3 => "E.164",
                    4 => "X.500",
                    6 => "CBCP",
                    _ => "Unknown",
                };
                let _ = write!(out, ": Callback Operation {name} ({op})");
            }
            19 => {
                if len < 3 {
                    bogus(out, ">= 3");
                    return Some(0);
                }
                let class = *p.get(2)?;
                match class {
                    0 => out.push_str(": Null"),
                    1 => out.push_str(": Local"),
                    2 => {
                        if len != 7 {
                            bogus(out, "= 7");
                            return Some(0);
                        }
                        let a: [u8; 4] = p.get(3..7)?.try_into().ok()?;
                        let _ = write!(out, ": IPv4 {}", Host::from(std::net::Ipv4Addr::from(a)));
                    }
                    3 => {
                        if len != 9 {
                            bogus(out, "= 9");
                            return Some(0);
                        }
                        out.push_str(": MAC ");
                        super::mac(out, p.get(3..9)?);
                    }
                    4 => out.push_str(": Magic-Num-Block"),
                    5 => out.push_str(": PSNDN"),
                    c => {
                        let _ = write!(out, ": Unknown class {c}");
                    }
                }
            }
            23 => {
                if len != 4 {
                    bogus(out, "= 4");
                    return Some(0);
                }
                let _ = write!(out, ": 0x{:04x}", be16(p, 2)?);
            }
            _ => {
                if v < 2 {
                    print_unknown_data(out, "\n\t    ", p, 2, len.saturating_sub(2));
                }
            }
        }
        if v > 1 {
            print_unknown_data(out, "\n\t    ", p, 2, len.saturating_sub(2));
        }
        Some(len)
    }
}

/// Multilink PPP's fragment header (handle_mlppp).
fn mlppp(out: &mut String, p: &Ppp<'_>, named: bool) {
    if named {
        out.push_str("MLPPP, ");
    }
    let Some(w) = be16(p.payload, 0).filter(|_| p.payload_len >= 2) else {
        out.push_str("[|mlppp]");
        return;
    };
    let flags = match w >> 8 & 0xc0 {
        0xc0 => "begin, end",
        0x80 => "begin",
        0x40 => "end",
        _ => "none",
    };
    let _ = write!(
        out,
        "seq 0x{:03x}, Flags [{flags}], length {}",
        w & 0x0fff,
        p.payload_len
    );
}

/// PAP (handle_pap): the code, id and, for requests and answers, the names and message.
fn pap(out: &mut String, b: &[u8], length: u32) {
    if pap_body(out, b, length).is_none() {
        out.push_str(" [|ppp]");
    }
}

fn pap_body(out: &mut String, b: &[u8], length: u32) -> Option<()> {
    if length < 1 {
        out.push_str("[|pap]");
        return Some(());
    }
    if length < 4 {
        let _ = write!(out, "[|pap 0x{:02x}]", b.first()?);
        return Some(());
    }
    let code = *b.first()?;
    let name = match code {
        1 => "Auth-Req",
        2 => "Auth-ACK",
        3 => "Auth-NACK",
        _ => "unknown",
    };
    let _ = write!(out, "PAP, {name} (0x{code:02x})");
    let _ = write!(out, ", id {}", b.get(1)?);
    let len = u32::from(be16(b, 2)?);
    if len > length {
        let _ = write!(out, ", length {len} > packet size");
        return Some(());
    }
    if len < 4 {
        let _ = write!(out, ", length {len} < PAP header length");
        return Some(());
    }
    // Each counted string: its length byte, then its characters, within `len`.
    let field = |out: &mut String, at: &mut usize, label: &str| -> Option<bool> {
        if (len as usize) < *at + 1 {
            return Some(false);
        }
        let n = usize::from(*b.get(*at)?);
        *at += 1;
        if (len as usize) - *at < n {
            return Some(false);
        }
        out.push_str(label);
        for i in 0..n {
            print_char(out, *b.get(*at + i)?);
        }
        *at += n;
        Some(true)
    };
    let mut at = 4usize;
    match code {
        1 => {
            if len < 6 {
                out.push_str("[|pap]");
                return Some(());
            }
            if field(out, &mut at, ", Peer ")? {
                field(out, &mut at, ", Name ")?;
            }
        }
        2 | 3 => {
            if len < 5 {
                out.push_str("[|pap]");
                return Some(());
            }
            field(out, &mut at, ", Msg ")?;
        }
        _ => {}
    }
    Some(())
}

/// tcpdump's `print_unknown_data`: a hex dump of `len` bytes from `at` (of `p`), or of what
/// was captured of them; a start past the capture is a "Dissector error" line.
fn print_unknown_data(out: &mut String, ident: &str, p: &[u8], at: usize, len: u32) {
    if at > p.len() {
        let _ = write!(
            out,
            "{ident}Dissector error: print_unknown_data called with pointer past end of packet"
        );
        return;
    }
    let end = at.saturating_add(len as usize).min(p.len());
    hexdump::unknown_data(out, ident, p.get(at..end).unwrap_or_default());
}
