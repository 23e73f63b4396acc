//! Link-level wording: Ethernet, VLAN tags (`-e`), 802.3/LLC, ARP, and unknown ethertypes.

use std::fmt::Write as _;

use super::{mac, names::ethertype_name, Dissector};
use crate::decode::{
    ethernet::{self, Ethernet},
    Decoded, Layer, Unknown, Upper,
};
use crate::packet::LinkType;

/// "src > dst, " (tcpdump's `ether_addresses_print`).
fn addresses(out: &mut String, e: &Ethernet) {
    mac(out, &e.src);
    out.push_str(" > ");
    mac(out, &e.dst);
    out.push_str(", ");
}

impl Dissector {
    /// The link layer and everything above it.
    pub(super) fn link(&mut self, out: &mut String, d: &Decoded<'_>, orig_len: u32) {
        match d.link_type {
            LinkType::ETHERNET => match d.layers.split_first() {
                Some((Layer::Ethernet(e), rest)) => self.ethernet(out, e, rest, orig_len),
                _ => out.push_str(" [|ether]"),
            },
            LinkType::LINUX_SLL | LinkType::LINUX_SLL2 => self.cooked(out, d, orig_len),
            LinkType::NULL | LinkType::LOOP => self.null(out, d, orig_len),
            LinkType::RAW | LinkType::IPV4 | LinkType::IPV6 => self.raw(out, d),
            LinkType::PPP => match d.layers.split_first() {
                Some((Layer::Ppp(p), rest)) => self.ppp(out, p, rest),
                _ => {
                    out.push_str(" [|ppp]");
                    self.early_end = true;
                }
            },
            _ => {}
        }
    }

    /// The network layer at the head of `layers`; the bytes no decoder took, if so.
    pub(super) fn network<'l, 'a>(
        &mut self,
        out: &mut String,
        layers: &'l [Layer<'a>],
    ) -> Option<&'l Unknown<'a>> {
        match layers.split_first() {
            Some((Layer::Ipv4(ip), above)) => self.ipv4(out, ip, above),
            Some((Layer::Ipv6(ip), above)) => self.ipv6(out, ip, above),
            Some((Layer::Arp(a), _)) => self.arp(out, a),
            Some((Layer::Mpls(m), above)) => self.mpls(out, m, above),
            Some((Layer::Pppoe(p), above)) => self.pppoe(out, p, above),
            Some((Layer::Nsh(n), above)) => self.nsh(out, n, above),
            // PPP over Ethernet without PPPoE (ETHERTYPE_PPP): nothing for an empty frame.
            Some((Layer::Ppp(p), above)) if p.length > 0 => {
                out.push_str(": ");
                self.ppp(out, p, above);
            }
            Some((Layer::Ppp(_), _)) => {}
            Some((Layer::Slow(s), _)) => self.slow(out, s),
            Some((Layer::Lldp(l), _)) => self.lldp(out, l),
            Some((Layer::Ptp(p), _)) => self.ptp(out, p, p.length.unwrap_or(p.raw.len() as u32)),
            Some((Layer::Message(m), _)) => self.message(out, m, None),
            Some((Layer::Unknown(u), _)) => return Some(u),
            _ => {}
        }
        None
    }

    /// What tcpdump prints for bytes it has no printer for: a hex and ASCII dump, unless
    /// -q or a -x/-X/-A dump follows.
    pub(super) fn default_print(&self, out: &mut String, bytes: &[u8]) {
        if !self.opts.quiet && !self.opts.suppress_default_print {
            crate::print::hexdump::hex_ascii(out, bytes);
        }
    }

    /// As tcpdump's `ether_common_print`.
    pub(super) fn ethernet(
        &mut self,
        out: &mut String,
        e: &Ethernet,
        layers: &[Layer<'_>],
        orig_len: u32,
    ) {
        let length = orig_len.saturating_sub(ethernet::HEADER_LEN as u32);
        let link_header = self.opts.link_header;
        if link_header {
            addresses(out, e);
        }
        let mut printed_length = false;
        let mut ethertype = e.ethertype;
        let mut rest = layers;
        if let Some((Layer::Macsec(m), after)) = rest.split_first() {
            if link_header {
                self.ether_type(out, e.ethertype);
                let _ = write!(out, ", length {orig_len}: ");
                printed_length = true;
            }
            if self.macsec(out, m, &e.src, &e.dst) {
                return;
            }
            let Some(inner) = crate::decode::be16(m.payload, 0) else {
                out.push_str(" [|ether]");
                self.early_end = true;
                return;
            };
            ethertype = inner;
            rest = after;
        }
        while let Some((Layer::Vlan(v), after)) = rest.split_first() {
            if link_header {
                self.ether_type(out, v.tpid);
                if printed_length {
                    out.push_str(", ");
                } else {
                    let _ = write!(out, ", length {orig_len}: ");
                    printed_length = true;
                }
                let _ = write!(out, "vlan {}, p {}", v.id(), v.pcp());
                if v.dei() {
                    out.push_str(", DEI");
                }
                out.push_str(", ");
            }
            ethertype = v.ethertype;
            rest = after;
        }
        if ethernet::is_vlan(ethertype) {
            // The decoder stopped inside a tag.
            out.push_str(" [|vlan]");
            return;
        }
        if ethertype <= ethernet::MAX_8023_LENGTH {
            // An 802.3 length field: an LLC header follows (`-e` says "802.3" and the
            // length the field gives, unless a VLAN tag already printed the frame's).
            if link_header {
                out.push_str("802.3");
                if !printed_length {
                    let llc_len = match rest.first() {
                        Some(Layer::Llc(l)) => l.length,
                        _ => length,
                    };
                    let _ = write!(out, ", length {llc_len}: ");
                }
            }
            self.llc(out, Some((&e.src, &e.dst)), rest);
            return;
        }
        if link_header {
            self.ether_type(out, ethertype);
            if printed_length {
                out.push_str(", ");
            } else {
                let _ = write!(out, ", length {orig_len}: ");
            }
        }
        if let Some(u) = self.network(out, rest) {
            self.unknown_ethertype(out, e, u, orig_len);
        }
    }

    /// tcpdump's `ether_type_print`: the name and number, or with -q the name alone.
    fn ether_type(&self, out: &mut String, ethertype: u16) {
        let name = ethertype_name(ethertype);
        let _ = match (self.opts.quiet, name) {
            (false, _) => write!(out, "ethertype {name} (0x{ethertype:04x})"),
            (true, "Unknown") => write!(out, "Unknown Ethertype (0x{ethertype:04x})"),
            (true, _) => write!(out, "{name}"),
        };
    }

    fn unknown_ethertype(
        &mut self,
        out: &mut String,
        e: &Ethernet,
        u: &Unknown<'_>,
        orig_len: u32,
    ) {
        let Upper::Ethertype(ethertype) = u.what else {
            return;
        };
        if !self.opts.link_header {
            // The link-level header was not printed: say what could not be decoded.
            addresses(out, e);
            self.ether_type(out, ethertype);
            let _ = write!(out, ", length {orig_len}: ");
        }
        self.default_print(out, u.bytes);
    }
}
