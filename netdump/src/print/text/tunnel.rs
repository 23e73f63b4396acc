//! Tunnel and overlay wording (print-gre.c, print-vxlan.c, print-vxlan-gpe.c, print-otv.c,
//! print-geneve.c, print-nsh.c, print-mpls.c): each header's words, then the packet it
//! carries through the same printers as an outer one, as tcpdump nests them.

use std::fmt::Write as _;

use super::{names::ethertype_name, payload::bittok2str, Dissector};
use crate::decode::{
    be16, be32,
    geneve::Geneve,
    gre::{self, Gre},
    mpls::{Mpls, Payload},
    nsh::Nsh,
    vxlan::{self, Kind, Vxlan},
    Layer,
};
use crate::print::hexdump;

const GRE_FLAGS: &[(u32, &str)] = &[
    (gre::FLAG_CHECKSUM as u32, "checksum present"),
    (gre::FLAG_ROUTING as u32, "routing present"),
    (gre::FLAG_KEY as u32, "key present"),
    (gre::FLAG_SEQUENCE as u32, "sequence# present"),
    (gre::FLAG_STRICT_ROUTE as u32, "source routing present"),
    (gre::FLAG_ACK as u32, "ack present"),
];

const GENEVE_FLAGS: &[(u32, &str)] = &[
    (0x80, "O"),
    (0x40, "C"),
    (0x20, "R1"),
    (0x10, "R2"),
    (0x08, "R3"),
    (0x04, "R4"),
    (0x02, "R5"),
    (0x01, "R6"),
];

const GPE_FLAGS: &[(u32, &str)] = &[(0x08, "I"), (0x04, "P"), (0x02, "B"), (0x01, "O")];

const MPLS_LABEL_NAMES: [&str; 16] = [
    "IPv4 explicit NULL",
    "router alert",
    "IPv6 explicit NULL",
    "implicit NULL",
    "rsvd",
    "rsvd",
    "rsvd",
    "rsvd",
    "rsvd",
    "rsvd",
    "rsvd",
    "rsvd",
    "rsvd",
    "rsvd",
    "rsvd",
    "rsvd",
];

/// tcpdump's `tok2str(ethertype_values, "unknown", ...)` (lower case, unlike `-e`'s).
fn ethertype_or_unknown(t: u16) -> &'static str {
    match ethertype_name(t) {
        "Unknown" => "unknown",
        name => name,
    }
}

impl Dissector {
    /// "\n\t" at -v and up, else `quiet_sep`: how tcpdump's tunnel printers lead into the
    /// inner packet.
    fn demarc(&self, out: &mut String, quiet_sep: &str) {
        out.push_str(if self.opts.verbose > 0 {
            "\n\t"
        } else {
            quiet_sep
        });
    }

    /// An Ethernet frame a tunnel carries (`len`: its length on the wire).
    fn inner_frame(&mut self, out: &mut String, layers: &[Layer<'_>], len: u32) {
        match layers.split_first() {
            Some((Layer::Ethernet(e), rest)) => self.ethernet(out, e, rest, len),
            _ => out.push_str(" [|ether]"),
        }
    }

    /// A network-layer packet a tunnel carries.
    fn inner_packet(&mut self, out: &mut String, layers: &[Layer<'_>]) {
        if let Some(u) = self.network(out, layers) {
            self.default_print(out, u.bytes);
        }
    }

    /// GRE (gre_print): version, then tcpdump's `gre_print_0` or `gre_print_1`.
    pub(super) fn gre(&mut self, out: &mut String, g: &Gre<'_>, above: &[Layer<'_>]) {
        let Some(flags) = g.flags else {
            out.push_str(" [|gre]");
            return;
        };
        let version = flags & gre::VERSION_MASK;
        let _ = write!(out, "GREv{version}");
        if version > 1 {
            out.push_str(" ERROR: unknown-version");
            return;
        }
        if self.opts.verbose > 0 {
            out.push_str(", Flags [");
            out.push_str(&bittok2str(GRE_FLAGS, "none", u32::from(flags), ", "));
            out.push(']');
        }
        let Some(proto) = g.proto else {
            out.push_str(" [|gre]");
            return;
        };
        if version == 1 {
            return self.gre1(out, g, flags, proto, above);
        }
        if let Some(sum) = g.checksum {
            if self.opts.verbose > 0 {
                let _ = write!(out, ", sum 0x{sum:x}");
            }
        }
        if let Some(off) = g.offset {
            let _ = write!(out, ", off 0x{off:x}");
        }
        if let Some(key) = g.key {
            let _ = write!(out, ", key=0x{key:x}");
        }
        if let Some(seq) = g.seq {
            let _ = write!(out, ", seq {seq}");
        }
        for r in &g.routes {
            source_route(out, r);
        }
        if g.cut {
            out.push_str(" [|gre]");
            return;
        }
        if self.opts.link_header {
            let _ = write!(
                out,
                ", proto {} (0x{proto:04x})",
                ethertype_or_unknown(proto)
            );
        }
        let _ = write!(out, ", length {}", g.length);
        self.demarc(out, ": ");
        match proto {
            gre::PROTO_TEB => self.inner_frame(out, above, g.payload_len),
            0x0800 | 0x86dd | 0x8847 => self.inner_packet(out, above),
            _ => {
                let _ = write!(out, "gre-proto-0x{proto:x}");
            }
        }
    }

    /// PPTP's enhanced GRE (gre_print_1).
    fn gre1(&mut self, out: &mut String, g: &Gre<'_>, flags: u16, proto: u16, above: &[Layer<'_>]) {
        if let Some(key) = g.key {
            let _ = write!(out, ", call {}", key & 0xffff);
        }
        if let Some(seq) = g.seq {
            let _ = write!(out, ", seq {seq}");
        }
        if let Some(ack) = g.ack {
            let _ = write!(out, ", ack {ack}");
        }
        if g.cut {
            out.push_str(" [|gre]");
            return;
        }
        let sequenced = flags & gre::FLAG_SEQUENCE != 0;
        if !sequenced {
            out.push_str(", no-payload");
        }
        if self.opts.link_header {
            let _ = write!(
                out,
                ", proto {} (0x{proto:04x})",
                ethertype_or_unknown(proto)
            );
        }
        let _ = write!(out, ", length {}", g.length);
        if !sequenced {
            return;
        }
        self.demarc(out, ": ");
        match (proto, above.first()) {
            (gre::PROTO_PPP, Some(Layer::Ppp(p))) => self.ppp(out, p, &above[1..]),
            _ => {
                let _ = write!(out, "gre-proto-0x{proto:x}");
            }
        }
    }

    /// VXLAN, VXLAN-GPE and OTV.
    pub(super) fn vxlan(&mut self, out: &mut String, v: &Vxlan<'_>, above: &[Layer<'_>]) {
        match v.kind {
            Kind::Vxlan => {
                out.push_str("VXLAN");
                if v.too_short() {
                    out.push_str(" (invalid)");
                    return;
                }
                let Some(flags) = v.flags() else {
                    out.push_str(" [|vxlan]");
                    return;
                };
                let _ = write!(
                    out,
                    ", flags [{}] (0x{flags:02x}), ",
                    if flags & 0x08 != 0 { "I" } else { "invalid" }
                );
                let Some(vni) = v.vni() else {
                    out.push_str(" [|vxlan]");
                    return;
                };
                let _ = writeln!(out, "vni {vni}");
                if !v.complete() {
                    out.push_str(" [|vxlan]");
                    return;
                }
                self.inner_frame(out, above, v.payload_len());
            }
            Kind::Otv => {
                out.push_str("OTV, ");
                if v.too_short() {
                    let _ = write!(
                        out,
                        "[length {} < {}] (invalid)",
                        v.length,
                        vxlan::HEADER_LEN
                    );
                    return;
                }
                let Some(flags) = v.flags() else {
                    out.push_str(" [|otv]");
                    return;
                };
                let _ = write!(
                    out,
                    "flags [{}] (0x{flags:02x}), ",
                    if flags & 0x08 != 0 { "I" } else { "." }
                );
                let Some(overlay) = v.overlay() else {
                    out.push_str(" [|otv]");
                    return;
                };
                let _ = write!(out, "overlay {overlay}, ");
                let Some(instance) = v.vni() else {
                    out.push_str(" [|otv]");
                    return;
                };
                let _ = writeln!(out, "instance {instance}");
                if !v.complete() {
                    out.push_str(" [|otv]");
                    return;
                }
                self.inner_frame(out, above, v.payload_len());
            }
            Kind::Gpe => self.vxlan_gpe(out, v, above),
        }
    }

    fn vxlan_gpe(&mut self, out: &mut String, v: &Vxlan<'_>, above: &[Layer<'_>]) {
        out.push_str("VXLAN-GPE, ");
        if v.too_short() {
            let _ = write!(out, " (len {} < {}) (invalid)", v.length, vxlan::HEADER_LEN);
            return;
        }
        let Some(flags) = v.flags() else {
            out.push_str(" [|vxlan_gpe]");
            return;
        };
        out.push_str("flags [");
        out.push_str(&bittok2str(GPE_FLAGS, "none", u32::from(flags), ""));
        out.push_str("], ");
        let (Some(np), Some(vni), true) = (v.next_protocol(), v.vni(), v.complete()) else {
            out.push_str(" [|vxlan_gpe]");
            return;
        };
        let _ = write!(out, "vni {vni}");
        out.push_str(if self.opts.verbose > 0 {
            "\n    "
        } else {
            ": "
        });
        match np {
            vxlan::GPE_IPV4 | vxlan::GPE_IPV6 | vxlan::GPE_NSH => self.inner_packet(out, above),
            vxlan::GPE_ETHERNET => self.inner_frame(out, above, v.payload_len()),
            _ => out.push_str("ERROR: unknown-next-protocol (invalid)"),
        }
    }

    /// Geneve (geneve_print).
    pub(super) fn geneve(&mut self, out: &mut String, g: &Geneve<'_>, above: &[Layer<'_>]) {
        out.push_str("Geneve");
        if g.length < 8 {
            let _ = write!(out, " [length {} < 8] (invalid)", g.length);
            return;
        }
        let (Some(version), Some(flags), Some(proto), Some(vni), Some(rsvd), Some(opts_len)) = (
            g.version(),
            g.flags(),
            g.protocol(),
            g.vni(),
            g.reserved(),
            g.options_len(),
        ) else {
            out.push_str(" [|geneve]");
            return;
        };
        if version != 0 {
            let _ = write!(out, " ERROR: unknown-version {version}");
            return;
        }
        out.push_str(", Flags [");
        out.push_str(&bittok2str(GENEVE_FLAGS, "none", u32::from(flags), ""));
        let _ = write!(out, "], vni 0x{vni:x}");
        if rsvd != 0 {
            let _ = write!(out, ", rsvd 0x{rsvd:x}");
        }
        if self.opts.link_header {
            let _ = write!(
                out,
                ", proto {} (0x{proto:04x})",
                ethertype_or_unknown(proto)
            );
        }
        let left = g.length - 8;
        if left < opts_len {
            let _ = write!(out, " truncated-geneve - {} bytes missing", opts_len - left);
            return;
        }
        if g.options().is_none() {
            out.push_str(" [|geneve]");
            return;
        }
        if opts_len > 0 {
            out.push_str(", options [");
            if self.opts.verbose > 0 {
                self.geneve_options(out, g, opts_len);
            } else {
                let _ = write!(out, "{opts_len} bytes");
            }
            out.push(']');
        }
        self.demarc(out, ": ");
        match above.first() {
            Some(Layer::Ethernet(_)) if proto == gre::PROTO_TEB => {
                self.inner_frame(out, above, left - opts_len)
            }
            Some(Layer::Unknown(_)) | None if proto != gre::PROTO_TEB => {
                let _ = write!(out, "geneve-proto-0x{proto:x}");
            }
            None => out.push_str(" [|ether]"),
            Some(_) => self.inner_packet(out, above),
        }
    }

    fn geneve_options(&self, out: &mut String, g: &Geneve<'_>, opts_len: u32) {
        let mut left = opts_len;
        for (i, o) in g.option_list().iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let class = match o.class {
                0x0100 => "Linux",
                0x0101 => "Open vSwitch",
                0x0102 => "Open Virtual Networking (OVN)",
                0x0103 => "In-band Network Telemetry (INT)",
                0x0104 => "VMware",
                c if c <= 0x00ff => "Standard",
                c if c >= 0xfff0 => "Experimental",
                _ => "Unknown",
            };
            let _ = write!(
                out,
                "class {class} (0x{:x}) type 0x{:x}{} len {}",
                o.class,
                o.kind,
                if o.kind & 0x80 != 0 { "(C)" } else { "" },
                o.len
            );
            if o.len > left {
                out.push_str(" [bad length]");
                return;
            }
            if self.opts.verbose > 1 && o.len > 4 {
                out.push_str(" data");
                for w in o.data.chunks_exact(4) {
                    let _ = write!(out, " {:08x}", u32::from_be_bytes([w[0], w[1], w[2], w[3]]));
                }
            }
            left -= o.len;
        }
    }

    /// NSH (nsh_print).
    pub(super) fn nsh(&mut self, out: &mut String, n: &Nsh<'_>, above: &[Layer<'_>]) {
        if n.length < 8 {
            let _ = write!(out, " (packet length {} < 8) (invalid)", n.length);
            return;
        }
        let (Some(version), Some(flags), Some(ttl), Some(words), Some(md), Some(np)) = (
            n.version(),
            n.flags(),
            n.ttl(),
            n.words(),
            n.md_type(),
            n.next_protocol(),
        ) else {
            out.push_str(" [|nsh]");
            return;
        };
        let v = self.opts.verbose;
        out.push_str("NSH, ");
        if v > 1 {
            let _ = write!(out, "ver {version}, ");
        }
        if version != 0 {
            return;
        }
        let _ = write!(
            out,
            "flags [{}], ",
            if flags & 2 != 0 { "O" } else { "none" }
        );
        if v > 2 {
            let _ = write!(out, "TTL {ttl}, length {words}, md type ");
            let _ = match md {
                0 => write!(out, "reserved, "),
                1 => write!(out, "1, "),
                2 => write!(out, "2, "),
                0xf => write!(out, "experimental, "),
                _ => write!(out, "unknown (0x{md:02x}), "),
            };
        }
        if v > 1 {
            let _ = match np {
                1 => write!(out, "next-protocol IPv4, "),
                2 => write!(out, "next-protocol IPv6, "),
                3 => write!(out, "next-protocol Ethernet, "),
                4 => write!(out, "next-protocol NSH, "),
                5 => write!(out, "next-protocol MPLS, "),
                0xfe => write!(out, "next-protocol Experiment 1, "),
                0xff => write!(out, "next-protocol Experiment 2, "),
                _ => write!(out, "next-protocol unknown (0x{np:02x}), "),
            };
        }
        if n.length < words * 4 {
            let _ = write!(
                out,
                " (too many headers for packet length {}) (invalid)",
                n.length
            );
            return;
        }
        let Some(spi) = n.spi() else {
            out.push_str(" [|nsh]");
            return;
        };
        let _ = write!(out, "service-path-id 0x{spi:06x}, ");
        let Some(si) = n.si() else {
            out.push_str(" [|nsh]");
            return;
        };
        let _ = write!(out, "service-index 0x{si:x}");
        if words < 2 {
            out.push_str(" (less than two headers) (invalid)");
            return;
        }
        let ctx = n.context();
        let ctx_len = (words as usize - 2) * 4;
        if v > 2 && md == 1 {
            if words != 6 {
                out.push_str(" (invalid length for the MD type) (invalid)");
                return;
            }
            for i in 0..4 {
                let Some(w) = be32(ctx, i * 4) else {
                    out.push_str(" [|nsh]");
                    return;
                };
                let _ = write!(out, "\n        Context[{i:02}]: 0x{w:08x}");
            }
        } else if v > 2 && md == 2 {
            let words = words as usize - 2;
            let (mut i, mut at) = (0usize, 0usize);
            while i < words {
                let (Some(class), Some(&ty), Some(&len)) =
                    (be16(ctx, at), ctx.get(at + 2), ctx.get(at + 3))
                else {
                    out.push_str(" [|nsh]");
                    return;
                };
                let len = usize::from(len & 0x7f);
                let padded = len.div_ceil(4) * 4;
                at += 4;
                let _ = write!(out, "\n        TLV Class {class}, Type {ty}, Len {len}");
                i += 1;
                if words < i + padded / 4 {
                    out.push_str(" (length too big) (invalid)");
                    return;
                }
                if len > 0 {
                    out.push_str("\n            Value: ");
                    for k in 0..len {
                        let Some(b) = ctx.get(at + k) else {
                            out.push_str(" [|nsh]");
                            return;
                        };
                        let _ = write!(out, "{}{b:02x}", if k == 0 { "0x" } else { ":" });
                    }
                    if ctx.len() < at + padded {
                        out.push_str(" [|nsh]");
                        return;
                    }
                    at += padded;
                    i += padded / 4;
                }
            }
        } else if ctx.len() < ctx_len {
            out.push_str(" [|nsh]");
            return;
        }
        out.push_str(if v > 0 { "\n    " } else { ": " });
        match np {
            1 | 2 => self.inner_packet(out, above),
            3 => self.inner_frame(out, above, n.length - words * 4),
            _ => out.push_str("ERROR: unknown-next-protocol"),
        }
    }

    /// An MPLS label stack (mpls_print) and what tcpdump guesses it carries.
    pub(super) fn mpls(&mut self, out: &mut String, m: &Mpls<'_>, above: &[Layer<'_>]) {
        out.push_str("MPLS");
        let v = self.opts.verbose > 0;
        for (i, e) in m.entries.iter().enumerate() {
            let label = e.label();
            let _ = write!(
                out,
                "{}(label {label}",
                if i > 0 && v { "\n\t" } else { " " }
            );
            if v {
                if let Some(name) = MPLS_LABEL_NAMES.get(label as usize) {
                    let _ = write!(out, " ({name})");
                }
            }
            let _ = write!(out, ", tc {}", e.tc());
            if e.bottom() {
                out.push_str(", [S]");
            }
            let _ = write!(out, ", ttl {})", e.ttl());
        }
        if m.invalid {
            out.push_str(" (invalid)");
            return;
        }
        if m.cut {
            out.push_str(" [|mpls]");
            return;
        }
        let last = m.entries.last().map_or(0, |e| e.label());
        if last > 3 && m.payload_len > 0 && m.payload.is_empty() {
            out.push_str(" [|mpls]");
            return;
        }
        match m.payload_kind {
            Payload::Empty => {}
            Payload::Unknown => {
                if !self.opts.suppress_default_print && !self.opts.quiet {
                    hexdump::hex_ascii(out, m.payload);
                    if (m.payload.len() as u32) < m.payload_len {
                        out.push_str(" [|mpls]");
                    }
                }
            }
            Payload::Osi => self.demarc(out, " "),
            Payload::Ipv4 | Payload::Ipv6 => {
                self.demarc(out, " ");
                self.inner_packet(out, above);
            }
        }
    }
}

/// One GRE source route entry (gre_sre_print).
fn source_route(out: &mut String, r: &gre::Sre<'_>) {
    let (unit, name) = match r.family {
        gre::SRE_IP => (4usize, "ip"),
        gre::SRE_ASN => (2, "asn"),
        af => {
            let _ = write!(out, ", (rtaf=0x{af:x})");
            return;
        }
    };
    let _ = write!(out, ", (rtaf={name}");
    let (off, len) = (usize::from(r.offset), usize::from(r.len));
    if off % unit != 0 {
        let _ = write!(out, ", badoffset={off}");
    } else if len % unit != 0 {
        let _ = write!(out, ", badlength={len}");
    } else if off >= len {
        let _ = write!(out, ", badoff/len={off}/{len}");
    } else {
        for (i, c) in r.data.chunks_exact(unit).enumerate() {
            let star = if i * unit == off { "*" } else { "" };
            if unit == 4 {
                let _ = write!(out, " {star}{}.{}.{}.{}", c[0], c[1], c[2], c[3]);
            } else {
                let _ = write!(out, " {star}{:x}", u16::from_be_bytes([c[0], c[1]]));
            }
        }
    }
    out.push(')');
}
