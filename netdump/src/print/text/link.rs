//! Link-level wording: Ethernet, VLAN tags (`-e`), 802.3/LLC, ARP, and unknown ethertypes.

use std::fmt::Write as _;

use super::{mac, names::ethertype_name, Dissector};
use crate::decode::{
    arp::{Arp, OP_REPLY, OP_REQUEST},
    ethernet::{self, Ethernet},
    Decoded, Layer, Unknown, Upper,
};

impl Dissector {
    /// The link layer and everything above it.
    pub(super) fn link(&mut self, out: &mut String, d: &Decoded<'_>, orig_len: u32) {
        match d.layers.split_first() {
            Some((Layer::Ethernet(e), rest)) => self.ethernet(out, e, rest, orig_len),
            _ => out.push_str(" [|ether]"),
        }
    }

    fn ethernet(&mut self, out: &mut String, e: &Ethernet, layers: &[Layer<'_>], orig_len: u32) {
        let mut length = orig_len.saturating_sub(ethernet::HEADER_LEN as u32);
        let link_header = self.opts.link_header;
        if link_header {
            mac(out, &e.src);
            out.push_str(" > ");
            mac(out, &e.dst);
            out.push_str(", ");
        }
        if e.is_8023() {
            // An 802.3 length field: tcpdump hands these to its LLC printer.
            if link_header {
                let _ = write!(out, "802.3, length {orig_len}: ");
            }
            let _ = write!(out, "LLC, length {length}");
            return;
        }
        let header = |out: &mut String, ethertype: u16| {
            let _ = write!(
                out,
                "ethertype {} (0x{ethertype:04x}), length {orig_len}: ",
                ethertype_name(ethertype)
            );
        };
        let mut ethertype = e.ethertype;
        let mut tags = 0;
        let mut rest = layers;
        while let Some((Layer::Vlan(v), after)) = rest.split_first() {
            if link_header {
                if tags == 0 {
                    header(out, v.tpid);
                }
                // Without -e tcpdump says nothing of the tag.
                let _ = write!(out, "vlan {}, p {}", v.id(), v.pcp());
                if v.dei() {
                    out.push_str(", DEI");
                }
                out.push_str(", ");
                if !ethernet::is_vlan(v.ethertype) {
                    let _ = write!(
                        out,
                        "ethertype {} (0x{:04x}), ",
                        ethertype_name(v.ethertype),
                        v.ethertype
                    );
                }
            }
            tags += 1;
            ethertype = v.ethertype;
            length = length.saturating_sub(4);
            rest = after;
        }
        if ethernet::is_vlan(ethertype) {
            // The decoder stopped inside a tag.
            if link_header && tags == 0 {
                header(out, ethertype);
            }
            out.push_str(" [|vlan]");
            return;
        }
        if link_header && tags == 0 {
            header(out, ethertype);
        }
        match rest.split_first() {
            Some((Layer::Ipv4(ip), above)) => self.ipv4(out, ip, above),
            Some((Layer::Ipv6(ip), above)) => self.ipv6(out, ip, above),
            Some((Layer::Arp(a), _)) => self.arp(out, a),
            Some((Layer::Unknown(u), _)) => self.unknown_ethertype(out, e, tags > 0, u, orig_len),
            _ => {}
        }
    }

    fn unknown_ethertype(
        &mut self,
        out: &mut String,
        e: &Ethernet,
        vlan: bool,
        u: &Unknown<'_>,
        orig_len: u32,
    ) {
        let Upper::Ethertype(ethertype) = u.what else {
            return;
        };
        if !self.opts.link_header && !vlan {
            mac(out, &e.src);
            out.push_str(" > ");
            mac(out, &e.dst);
            let word = if self.opts.quiet {
                format!(", {} Ethertype", ethertype_name(ethertype))
            } else {
                format!(", ethertype {}", ethertype_name(ethertype))
            };
            let _ = write!(out, "{word} (0x{ethertype:04x}), length {orig_len}: ");
        }
        if !self.opts.quiet && !self.opts.suppress_default_print {
            crate::print::hexdump::hex_ascii(out, u.bytes);
        }
    }

    fn arp(&mut self, out: &mut String, a: &Arp<'_>) {
        if !self.opts.link_header {
            out.push_str("ARP, ");
        }
        let length = a.wire_len;
        let (Some(hrd), Some(_)) = (a.hrd(), a.pro()) else {
            out.push_str(" [|ARP]");
            return;
        };
        if !a.is_eth_ipv4() {
            let what = if hrd == 1 {
                "Ethernet (len 6)"
            } else {
                "Unknown Hardware"
            };
            let _ = write!(out, "{what}, length {length}");
            return;
        }
        let Some(x) = a.eth_ipv4() else {
            out.push_str(" [|ARP]");
            return;
        };
        if self.opts.verbose > 0 {
            out.push_str("Ethernet (len 6), IPv4 (len 4), ");
        }
        match a.op() {
            Some(OP_REQUEST) => {
                let _ = write!(out, "Request who-has {}", x.tpa);
                if x.tha.iter().any(|&b| b != 0) {
                    out.push_str(" (");
                    mac(out, &x.tha);
                    out.push(')');
                }
                let _ = write!(out, " tell {}", x.spa);
            }
            Some(OP_REPLY) => {
                let _ = write!(out, "Reply {} is-at ", x.spa);
                mac(out, &x.sha);
            }
            Some(op) => {
                let _ = write!(out, "Unknown ({op})");
            }
            None => {}
        }
        let _ = write!(out, ", length {length}");
    }
}
