//! ICMPv6 wording: echo, neighbor discovery (with options at `-v`), MLDv2 reports, checksums.

use std::fmt::Write as _;

use super::{link_addr, Dissector, Host, Ip};
use crate::decode::{
    be16, checksum,
    icmpv6::{self, Icmpv6},
};

impl Dissector {
    pub(super) fn icmp6(&mut self, out: &mut String, ip: &Ip, m: &Icmpv6<'_>) {
        let Some(ty) = m.icmp_type() else {
            out.push_str(" [|icmp6]");
            return;
        };
        let name = match ty {
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
            143 => "multicast listener report v2",
            _ => "",
        };
        let v = self.opts.verbose > 0;
        if v && !ip.info.fragmented {
            let whole = m.whole();
            // The checksum field counts only within the length the IP header gives.
            if let (Some(seg), Some(sum)) = (whole, whole.and_then(|s| be16(s, 2))) {
                let addrs = &ip.info.addrs;
                if checksum::transport(addrs, 58, seg) == 0 {
                    out.push_str("[icmp6 sum ok] ");
                } else {
                    let want = checksum::transport_expected(addrs, 58, seg, 2);
                    let _ = write!(out, "[bad icmp6 cksum 0x{sum:04x} -> 0x{want:04x}!] ");
                }
            }
        }
        out.push_str("ICMP6, ");
        if name.is_empty() {
            let _ = write!(out, "unknown icmp6 type ({ty})");
        } else {
            out.push_str(name);
        }
        if v && matches!(ty, 133..=137) {
            let _ = write!(out, ", length {}", ip.info.length);
        }
        match ty {
            icmpv6::ECHO_REQUEST | icmpv6::ECHO_REPLY => {
                let Some((id, seq)) = m.id_seq() else {
                    out.push_str(" [|icmp6]");
                    return;
                };
                let _ = write!(out, ", id {id}, seq {seq}");
            }
            icmpv6::ROUTER_SOLICITATION if v => nd_options(out, m, 8),
            icmpv6::NEIGHBOR_SOLICITATION => {
                let Some(t) = m.target() else {
                    out.push_str(" [|icmp6]");
                    return;
                };
                let _ = write!(out, ", who has {}", Host::from(t));
                if v {
                    nd_options(out, m, 24);
                }
            }
            icmpv6::NEIGHBOR_ADVERTISEMENT => {
                let Some(t) = m.target() else {
                    out.push_str(" [|icmp6]");
                    return;
                };
                let _ = write!(out, ", tgt is {}", Host::from(t));
                if v {
                    let flags = m.na_flags().unwrap_or(0);
                    let names: Vec<&str> = [
                        (0x8000_0000u32, "router"),
                        (0x4000_0000, "solicited"),
                        (0x2000_0000, "override"),
                    ]
                    .iter()
                    .filter(|(bit, _)| flags & bit != 0)
                    .map(|(_, n)| *n)
                    .collect();
                    let names = if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    };
                    let _ = write!(out, ", Flags [{names}]");
                    nd_options(out, m, 24);
                }
            }
            icmpv6::MLDV2_REPORT => {
                let Some(n) = m.mld_records() else {
                    out.push_str(" [|icmp6]");
                    return;
                };
                let _ = write!(out, ", {n} group record(s)");
                if v {
                    mldv2_groups(out, m, n);
                }
            }
            _ => {}
        }
        if !v {
            let _ = write!(out, ", length {}", ip.info.length);
        }
    }
}

/// Neighbor-discovery options at -v (icmp6_opt_print), starting `at` bytes in.
fn nd_options(out: &mut String, m: &Icmpv6<'_>, at: usize) {
    for o in m.nd_options(at) {
        let name = match o.kind {
            1 => "source link-address",
            2 => "destination link-address",
            3 => "prefix info",
            4 => "redirected header",
            5 => "mtu",
            7 => "advertisement interval",
            _ => "unknown",
        };
        let (ty, len8) = (o.kind, o.len8);
        let len = usize::from(len8) * 8;
        let _ = write!(out, "\n\t  {name} option ({ty}), length {len} ({len8}): ");
        match ty {
            1 | 2 => link_addr(out, o.data),
            _ => crate::print::hexdump::hex(out, o.data),
        }
    }
}

/// MLDv2 report group records at -v.
fn mldv2_groups(out: &mut String, m: &Icmpv6<'_>, n: u16) {
    for rec in icmpv6::group_records(m.captured(), n) {
        let Some(r) = rec else {
            out.push_str(" [invalid number of groups]");
            return;
        };
        let kind = match r.kind {
            1 => "is_in".to_string(),
            2 => "is_ex".to_string(),
            3 => "to_in".to_string(),
            4 => "to_ex".to_string(),
            5 => "allow".to_string(),
            6 => "block".to_string(),
            k => format!(" [v2-report-#{k}]"),
        };
        let _ = write!(out, " [gaddr {} {kind}", Host::from(r.group));
        if !r.sources_captured {
            let _ = write!(out, " [invalid number of sources {}]", r.sources);
            return;
        }
        let _ = write!(out, ", {} source(s)]", r.sources);
    }
}
