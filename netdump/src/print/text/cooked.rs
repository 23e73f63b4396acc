//! Linux cooked capture wording (v1 and v2, as tcpdump's `sll_if_print`/`sll2_if_print`):
//! the interface and direction, the `-e` header, VLAN tags.

use std::fmt::Write as _;

use super::{mac, names::ethertype_name, Dissector};
use crate::decode::{
    ethernet,
    sll::{self, pkt_type_name},
    Decoded, Layer,
};

/// What v1 and v2 headers have in common, for printing.
struct Cooked {
    /// v2 only.
    ifindex: Option<u32>,
    pkt_type: u16,
    hatype: u16,
    halen: u16,
    addr: [u8; 8],
    protocol: u16,
    header_len: u32,
}

impl Dissector {
    pub(super) fn cooked(&mut self, out: &mut String, d: &Decoded<'_>, orig_len: u32) {
        let (c, rest) = match d.layers.split_first() {
            Some((Layer::Sll(h), rest)) => (
                Cooked {
                    ifindex: None,
                    pkt_type: h.pkt_type,
                    hatype: h.hatype,
                    halen: h.halen,
                    addr: h.addr,
                    protocol: h.protocol,
                    header_len: sll::V1_HEADER_LEN as u32,
                },
                rest,
            ),
            Some((Layer::Sll2(h), rest)) => (
                Cooked {
                    ifindex: Some(h.ifindex),
                    pkt_type: u16::from(h.pkt_type),
                    hatype: h.hatype,
                    halen: u16::from(h.halen),
                    addr: h.addr,
                    protocol: h.protocol,
                    header_len: sll::V2_HEADER_LEN as u32,
                },
                rest,
            ),
            _ => {
                let v2 = d.link_type == crate::packet::LinkType::LINUX_SLL2;
                out.push_str(if v2 { " [|sll2]" } else { " [|sll]" });
                // tcpdump's header check longjmps: -x dumps from the frame's start.
                self.early_end = true;
                return;
            }
        };
        if let Some(index) = c.ifindex {
            // As tcpdump: the name this host gives the index (the capture's may differ).
            let name = crate::iface::name_of(index).unwrap_or_else(|| "?".into());
            let _ = write!(out, "{name:<5} {:<3} ", pkt_type_name(c.pkt_type));
        }
        let link_header = self.opts.link_header;
        if link_header {
            self.cooked_header(out, &c, orig_len);
        }
        if c.hatype == sll::HATYPE_IEEE80211_RADIOTAP {
            return;
        }
        let mut length = orig_len.saturating_sub(c.header_len);
        let mut protocol = c.protocol;
        let mut rest = rest;
        while let Some((Layer::Vlan(v), after)) = rest.split_first() {
            if link_header {
                let _ = write!(out, "vlan {}, p {}", v.id(), v.pcp());
                if v.dei() {
                    out.push_str(", DEI");
                }
                out.push_str(", ");
            }
            if !self.opts.quiet {
                let _ = write!(out, "ethertype {}, ", ethertype_name(v.ethertype));
            }
            protocol = v.ethertype;
            length = length.saturating_sub(4);
            rest = after;
        }
        if protocol == ethernet::VLAN {
            // The decoder stopped inside a tag.
            out.push_str(" [|vlan]");
            return;
        }
        let unknown = if protocol <= sll::MAX_NON_ETHERTYPE {
            match rest.first() {
                Some(Layer::Unknown(u)) => Some(u),
                _ => None,
            }
        } else {
            self.network(out, rest)
        };
        if let Some(u) = unknown {
            if !link_header {
                self.cooked_header(out, &c, length + c.header_len);
            }
            self.default_print(out, u.bytes);
        }
    }

    /// tcpdump's `sll_print` / `sll2_print`.
    fn cooked_header(&self, out: &mut String, c: &Cooked, length: u32) {
        match c.ifindex {
            None => {
                let _ = write!(out, "{:>3} ", pkt_type_name(c.pkt_type));
            }
            Some(index) => {
                let _ = write!(out, "ifindex {index} ");
            }
        }
        if c.halen == 6 {
            mac(out, &c.addr[..6]);
            out.push(' ');
        }
        if self.opts.quiet {
            return;
        }
        let p = c.protocol;
        let _ = match p {
            sll::P_802_3 => write!(out, "802.3"),
            sll::P_802_2 => write!(out, "802.2"),
            _ if p <= sll::MAX_NON_ETHERTYPE => write!(out, "ethertype Unknown (0x{p:04x})"),
            _ => write!(out, "ethertype {} (0x{p:04x})", ethertype_name(p)),
        };
        let _ = write!(out, ", length {length}: ");
    }
}
