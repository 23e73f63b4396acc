//! IPv4 wording (`-v` header details, options, fragments), and the hand-over from IPv4 and
//! IPv6 (print/text/ipv6.rs) to the transport printers.

use std::fmt::Write as _;

use super::{ip_proto_word, names::ipproto_name, Dissector, Ip};
use crate::decode::{
    ipv4::{self, Ipv4},
    ipv6, IpInfo, Layer, Unknown, Upper,
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
        if total < h.header_len() {
            let _ = write!(out, "bad-len {total}");
            return;
        }
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
            // tcpdump's bittok2str: the names of the bits set, joined by ", ".
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
            let mut option_cut = false;
            if !h.options.is_empty() {
                out.push_str(", options (");
                // The walkers may read past an option, up to the datagram's end.
                let end = ip.raw.len().min(total as usize);
                let from = ip.raw.get(ipv4::MIN_HEADER_LEN..end).unwrap_or_default();
                if super::ipopt::print(out, from, h.options.len()).is_err() {
                    out.push_str(" [truncated-option]");
                    option_cut = true;
                }
                out.push(')');
            }
            if let Some(want) = h.bad_checksum() {
                let _ = write!(out, ", bad cksum {:x} (->{want:x})!", h.checksum());
            }
            out.push_str(")\n    ");
            if option_cut {
                let addrs = crate::decode::Addrs::V4(h.src(), h.dst());
                super::write_addrs(out, &addrs, None);
                out.push_str(" [|ip]");
                return;
            }
        }
        let info = Ip {
            info: IpInfo {
                addrs: crate::decode::Addrs::V4(h.src(), h.dst()),
                length: total.saturating_sub(h.header_len()),
                fragmented: h.fragmented(),
            },
            addrs_printed: false,
            final_dst: None,
            ttl: h.ttl(),
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

    /// The transport layer after an IP header (`above` starts with it).
    pub(super) fn transport(&mut self, out: &mut String, ip: &Ip, above: &[Layer<'_>]) {
        match above.first() {
            Some(Layer::Tcp(t)) => self.tcp(out, ip, t, &above[1..]),
            Some(Layer::Udp(u)) => self.udp(out, ip, u, &above[1..]),
            Some(Layer::Icmp(i)) => {
                ip.write_addrs(out, None);
                self.icmp(out, ip, i)
            }
            Some(Layer::Igmp(g)) => {
                ip.write_addrs(out, None);
                self.igmp(out, ip, g)
            }
            Some(Layer::Icmpv6(i)) => {
                ip.write_addrs(out, None);
                self.icmp6(out, ip, i)
            }
            Some(Layer::Ipv4(inner)) => {
                ip.write_addrs(out, None);
                self.ipv4(out, inner, &above[1..]);
            }
            Some(Layer::Ipv6(inner)) => {
                ip.write_addrs(out, None);
                self.ipv6(out, inner, &above[1..]);
            }
            Some(Layer::Gre(g)) => {
                ip.write_addrs(out, None);
                self.gre(out, g, &above[1..]);
            }
            Some(Layer::Vrrp(v)) => {
                ip.write_addrs(out, None);
                self.vrrp(out, ip, v)
            }
            Some(Layer::Message(m)) => {
                ip.write_addrs(out, None);
                self.message(out, m, Some(ip))
            }
            Some(Layer::Ah(a)) => {
                ip.write_addrs(out, None);
                self.ah(out, ip, a, &above[1..])
            }
            Some(Layer::Dccp(d)) => self.dccp(out, ip, d),
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
}
