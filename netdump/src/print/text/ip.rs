//! IPv4 and IPv6 wording (`-v` header details, options, extension headers, fragments), and
//! the hand-over to the transport printers.

use std::fmt::Write as _;

use super::{ip_proto_word, names::ipproto_name, write_addrs, Dissector, Ip};
use crate::decode::{
    be16,
    ipv4::{self, Ipv4},
    ipv6::{self, Ipv6},
    IpInfo, Layer, Unknown, Upper,
};

impl Dissector {
    /// An IPv4 datagram and what it carries (`above`: the layers after it).
    pub(super) fn ipv4(&mut self, out: &mut String, ip: &Ipv4<'_>, above: &[Layer<'_>]) {
        let h = match (ip.header, ip.problem) {
            (Some(h), _) => h,
            (None, Some(ipv4::Problem::Empty)) | (None, None) => {
                out.push_str(" [|ip]");
                self.early_end = true;
                return;
            }
            (None, Some(ipv4::Problem::Version(version))) => {
                let _ = write!(out, "IP{version}");
                if version == 6 {
                    out.push_str(", wrong link-layer encapsulation");
                }
                out.push_str(" (invalid)");
                return;
            }
            (None, Some(problem)) => {
                self.proto_prefix(out, "IP");
                match problem {
                    ipv4::Problem::BadHeaderLen(hlen) => {
                        let _ = write!(out, "bad-hlen {hlen}");
                    }
                    ipv4::Problem::HeaderCut => {
                        self.truncated_ip(out, ip);
                        out.push_str(" [|ip]");
                    }
                    _ => out.push_str(" [|ip]"),
                }
                return;
            }
        };
        self.proto_prefix(out, "IP");
        self.truncated_ip(out, ip);
        let total = u32::from(h.total_len());
        let proto = h.protocol();
        if self.opts.verbose > 0 {
            let tos = h.tos();
            let _ = write!(out, "(tos 0x{tos:x}");
            match tos & 3 {
                1 => out.push_str(",ECT(1)"),
                2 => out.push_str(",ECT(0)"),
                3 => out.push_str(",CE"),
                _ => {}
            }
            if h.ttl() != 0 {
                let _ = write!(out, ", ttl {}", h.ttl());
            }
            // tcpdump's bittok2str: the names joined by ", ".
            let flags = [
                (h.more_fragments(), "+"),
                (h.dont_fragment(), "DF"),
                (h.reserved_flag(), "rsvd"),
            ]
            .iter()
            .filter(|(set, _)| *set)
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join(", ");
            let flags = if flags.is_empty() {
                "none".into()
            } else {
                flags
            };
            let _ = write!(
                out,
                ", id {}, offset {}, flags [{flags}], proto {} ({proto}), length {total}",
                h.id(),
                u32::from(h.frag_offset()) * 8,
                ipproto_name(proto),
            );
            if !h.options.is_empty() {
                out.push_str(", options (");
                ipv4_options(out, h.options);
                out.push(')');
            }
            if let Some(want) = h.bad_checksum() {
                let _ = write!(out, ", bad cksum {:x} (->{want:x})!", h.checksum());
            }
            out.push_str(")\n    ");
        }
        let info = Ip {
            info: IpInfo {
                addrs: crate::decode::Addrs::V4(h.src(), h.dst()),
                length: total.saturating_sub(h.header_len()),
                fragmented: h.fragmented(),
            },
            addrs_printed: false,
        };
        if h.frag_offset() != 0 {
            info.write_addrs(out, None);
            // "IP a > b: ip-proto-17" without the trailing ": " space: tcpdump prints
            // "a > b:" then " ip-proto-N".
            out.pop();
            out.push(' ');
            ip_proto_word(out, proto);
            return;
        }
        self.transport(out, &info, above);
    }

    fn truncated_ip(&self, out: &mut String, ip: &Ipv4<'_>) {
        if let Some(missing) = ip.missing() {
            let _ = write!(out, "truncated-ip - {missing} bytes missing! ");
        }
    }

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
        self.proto_prefix(out, "IP6");
        let plen = u32::from(h.payload_len());
        if let Some(missing) = ip.missing() {
            let _ = write!(out, "truncated-ip6 - {missing} bytes missing!");
        }
        if self.opts.verbose > 0 {
            out.push('(');
            if h.traffic_class() != 0 {
                let _ = write!(out, "class 0x{:02x}, ", h.traffic_class());
            }
            if h.flow_label() != 0 {
                let _ = write!(out, "flowlabel 0x{:05x}, ", h.flow_label());
            }
            let nh = h.next_header();
            let _ = write!(
                out,
                "hlim {}, next-header {} ({nh}) payload length: {plen}) ",
                h.hop_limit(),
                ipproto_name(nh)
            );
        }
        let addrs = crate::decode::Addrs::V6(h.src(), h.dst());
        let mut ext_len = 0u32;
        for (i, ext) in ip.exts.iter().enumerate() {
            ext_len += ext.bytes.len() as u32;
            if i == 0 {
                write_addrs(out, &addrs, None);
            }
            match ext.kind {
                ipv6::HOP_BY_HOP => {
                    out.push_str("HBH ");
                    self.ip6_options(out, ext.bytes);
                }
                ipv6::DEST_OPTIONS => {
                    out.push_str("DSTOPT ");
                    self.ip6_options(out, ext.bytes);
                }
                ipv6::ROUTING => {
                    let (len, ty, left) = ext.routing().unwrap_or_default();
                    let _ = write!(out, "srcrt (len={len}, type={ty}, segleft={left}) ");
                }
                ipv6::FRAGMENT => {
                    let offset = ext.frag_offset();
                    let flen = plen.saturating_sub(ext_len);
                    if self.opts.verbose > 0 {
                        let _ = write!(out, "frag (0x{:08x}:{offset}|{flen})", ext.frag_id());
                    } else {
                        let _ = write!(out, "frag ({offset}|{flen})");
                    }
                    if offset == 0 {
                        out.push(' ');
                    }
                }
                _ => out.push_str("AH "),
            }
        }
        if ip.ext_cut {
            if ip.exts.is_empty() {
                write_addrs(out, &addrs, None);
            }
            out.push_str(" [|ip6]");
            return;
        }
        if ip.later_fragment {
            return;
        }
        let info = Ip {
            info: IpInfo {
                addrs,
                length: ip.upper_len(),
                fragmented: ip.fragmented(),
            },
            addrs_printed: !ip.exts.is_empty(),
        };
        self.transport(out, &info, above);
    }

    /// The transport layer after an IP header (`above` starts with it).
    pub(super) fn transport(&mut self, out: &mut String, ip: &Ip, above: &[Layer<'_>]) {
        match above.first() {
            Some(Layer::Tcp(t)) => self.tcp(out, ip, t, &above[1..]),
            Some(Layer::Udp(u)) => self.udp(out, ip, u, &above[1..]),
            Some(Layer::Icmp(i)) => {
                ip.write_addrs(out, None);
                self.icmp(out, ip, i)
            }
            Some(Layer::Icmpv6(i)) => {
                ip.write_addrs(out, None);
                self.icmp6(out, ip, i)
            }
            Some(Layer::Ah(a)) => {
                ip.write_addrs(out, None);
                self.ah(out, ip, a, &above[1..])
            }
            Some(Layer::Esp(e)) => {
                ip.write_addrs(out, None);
                self.esp(out, e.raw, ip.info.length)
            }
            Some(Layer::Unknown(Unknown {
                what: Upper::IpProtocol(ipv6::NO_NEXT_HEADER),
                ..
            })) => {
                ip.write_addrs(out, None);
                out.pop();
                out.push_str(" no next header");
            }
            Some(Layer::Unknown(Unknown {
                what: Upper::IpProtocol(proto),
                ..
            })) => {
                ip.write_addrs(out, None);
                out.push(' ');
                ip_proto_word(out, *proto);
                let _ = write!(out, " {}", ip.info.length);
            }
            _ => {}
        }
    }

    /// Hop-by-hop and destination options, at -v (ip6_opt_print).
    fn ip6_options(&self, out: &mut String, ext: &[u8]) {
        if self.opts.verbose == 0 {
            return;
        }
        let mut i = 2;
        while let Some(&ty) = ext.get(i) {
            if ty == 0 {
                out.push_str("(pad1)");
                i += 1;
                continue;
            }
            let Some(&len) = ext.get(i + 1) else {
                break;
            };
            let len = usize::from(len);
            match ty {
                1 => out.push_str("(padn)"),
                5 => {
                    let _ = write!(out, "(rtalert: 0x{:04x}) ", be16(ext, i + 2).unwrap_or(0));
                }
                _ => {
                    let _ = write!(out, "(opt_type 0x{ty:02x}: len={len})");
                }
            }
            i += 2 + len;
        }
        out.push(' ');
    }
}

fn ipv4_options(out: &mut String, opts: &[u8]) {
    let mut i = 0;
    let mut first = true;
    while let Some(&opt) = opts.get(i) {
        if !first {
            out.push(',');
        }
        first = false;
        match opt {
            0 => {
                out.push_str("EOL");
                if opts.len() > i + 1 {
                    let _ = write!(out, " [{} bytes]", opts.len() - i - 1);
                }
                return;
            }
            1 => {
                out.push_str("NOP");
                i += 1;
            }
            _ => {
                let len = opts.get(i + 1).copied().unwrap_or(0) as usize;
                let name = match opt {
                    7 => "RR",
                    68 => "TS",
                    130 => "security",
                    131 => "LSRR",
                    137 => "SSRR",
                    148 => "RA",
                    _ => "unknown",
                };
                if name == "unknown" {
                    let _ = write!(out, "unknown {opt}");
                } else {
                    out.push_str(name);
                }
                // A length under 2, or past the options' end (ip_optprint).
                if len < 2 || len > opts.len() - i {
                    let _ = write!(out, " [bad length {len}]");
                    return;
                }
                i += len;
            }
        }
    }
}
