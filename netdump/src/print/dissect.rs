//! The protocol text of one Ethernet frame, in tcpdump's words (`tcpdump -n` as 4.99 prints).
//!
//! etherparse slices the frame; this module decides what tcpdump would say about each layer.
//! It never panics on any input: every field is read through a slice whose length was checked
//! by etherparse or by [`be16`]/[`be32`], and anything cut short ends in tcpdump's `[|proto]`.

use std::{
    collections::HashMap,
    fmt::Write as _,
    net::{Ipv4Addr, Ipv6Addr},
};

use etherparse::{IpNumber, LaxIpPayloadSlice, LaxIpv4Slice, LaxIpv6Slice, UdpSlice};

/// How much to say: the printing flags that change protocol text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// `-e`: print the link-level header.
    pub link_header: bool,
    /// `-v` count.
    pub verbose: u8,
    /// `-q`: less protocol information.
    pub quiet: bool,
    /// `-S`: absolute TCP sequence numbers.
    pub absolute_seq: bool,
    /// A `-x`/`-X`/`-A` dump follows: do not hex-dump unknown protocols in the line itself.
    pub suppress_default_print: bool,
}

const ETH_HLEN: usize = 14;

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

fn mac(out: &mut String, m: &[u8]) {
    for (i, b) in m.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        let _ = write!(out, "{b:02x}");
    }
}

/// tcpdump's names for ethertypes (ethertype.c `ethertype_values`, the ones seen in practice).
fn ethertype_name(t: u16) -> &'static str {
    match t {
        0x0800 => "IPv4",
        0x0806 => "ARP",
        0x86dd => "IPv6",
        0x8100 => "802.1Q",
        0x88a8 => "802.1Q-QinQ",
        0x9100 => "802.1Q-9100",
        0x8035 => "Reverse ARP",
        0x8847 => "MPLS unicast",
        0x8848 => "MPLS multicast",
        0x8863 => "PPPoE D",
        0x8864 => "PPPoE S",
        0x888e => "EAPOL",
        0x88cc => "LLDP",
        0x8809 => "Slow Protocols",
        0x88f7 => "PTP",
        0x8906 => "FCoE",
        0x22f0 => "AVB",
        0x88e5 => "802.1AE MACsec",
        0x9000 => "Loopback",
        0x6558 => "Transparent Ethernet bridging",
        _ => "Unknown",
    }
}

/// tcpdump's names for IP protocols (`ipproto_values`).
fn ipproto_name(p: u8) -> &'static str {
    match p {
        0 => "Options",
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        8 => "EGP",
        17 => "UDP",
        41 => "IPv6",
        43 => "Routing",
        44 => "Fragment",
        46 => "RSVP",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        59 => "NONE",
        89 => "OSPF",
        103 => "PIM",
        112 => "VRRP",
        132 => "SCTP",
        _ => "unknown",
    }
}

/// A TCP connection as tcpdump keys it: addresses and ports in a canonical order.
type ConnKey = ([u8; 16], [u8; 16], u32);

/// Relative TCP sequence numbers, kept as tcpdump keeps them (print-tcp.c `tcp_seq_hash`):
/// the first packet with ACK set in a connection, or any SYN, sets the base; later packets
/// print offsets from it.
#[derive(Debug, Default)]
struct TcpSeqTable {
    bases: HashMap<ConnKey, (u32, u32)>,
}

/// The protocol printer. Keeps TCP sequence state between packets.
#[derive(Debug, Default)]
pub struct Dissector {
    opts: Options,
    tcp: TcpSeqTable,
    /// Set when a printer ran off the captured bytes where tcpdump's GET_ macros would
    /// longjmp out: tcpdump then dumps (-x) from the frame's start, not past the link header.
    early_end: bool,
}

/// What [`Dissector::frame`] learnt about the frame, for the hex dumps.
pub struct FrameInfo {
    /// Length of the link-level header (Ethernet plus VLAN tags) within the captured bytes.
    pub link_len: usize,
}

enum Addrs {
    V4([u8; 4], [u8; 4]),
    V6([u8; 16], [u8; 16]),
}

impl Addrs {
    fn write(&self, out: &mut String, sport: Option<(u16, u16)>) {
        let (s, d) = match self {
            Addrs::V4(s, d) => (
                Ipv4Addr::from(*s).to_string(),
                Ipv4Addr::from(*d).to_string(),
            ),
            Addrs::V6(s, d) => (
                Ipv6Addr::from(*s).to_string(),
                Ipv6Addr::from(*d).to_string(),
            ),
        };
        match sport {
            Some((sp, dp)) => {
                let _ = write!(out, "{s}.{sp} > {d}.{dp}: ");
            }
            None => {
                let _ = write!(out, "{s} > {d}: ");
            }
        }
    }

    fn key(&self) -> ([u8; 16], [u8; 16]) {
        let mut s = [0u8; 16];
        let mut d = [0u8; 16];
        match self {
            Addrs::V4(a, b) => {
                s[..4].copy_from_slice(a);
                d[..4].copy_from_slice(b);
            }
            Addrs::V6(a, b) => {
                s = *a;
                d = *b;
            }
        }
        (s, d)
    }
}

/// The network-layer facts the transport printers need.
struct Ip<'p> {
    addrs: Addrs,
    /// The transport payload's length according to the IP header(s).
    length: u32,
    /// Captured bytes of the transport payload.
    payload: &'p [u8],
    /// A fragment (first or later) of a larger datagram.
    fragmented: bool,
    /// For IPv4 only: the pseudo-header sum is IPv4's.
    v4: bool,
    /// The addresses were already printed (before IPv6 extension headers).
    addrs_printed: bool,
}

impl Ip<'_> {
    /// "src > dst: " or, with ports, "src.sport > dst.dport: "; after IPv6 extension headers
    /// only what has not been said yet.
    fn write_addrs(&self, out: &mut String, ports: Option<(u16, u16)>) {
        match (self.addrs_printed, ports) {
            (false, _) => self.addrs.write(out, ports),
            (true, Some((sp, dp))) => {
                let _ = write!(out, "{sp} > {dp}: ");
            }
            (true, None) => {}
        }
    }
}

impl Dissector {
    pub fn new(opts: Options) -> Dissector {
        Dissector {
            opts,
            tcp: TcpSeqTable::default(),
            early_end: false,
        }
    }

    /// Appends the text for one Ethernet frame of `orig_len` bytes on the wire, of which `data`
    /// were captured.
    pub fn frame(&mut self, out: &mut String, data: &[u8], orig_len: u32) -> FrameInfo {
        self.early_end = false;
        let mut info = self.link(out, data, orig_len);
        if self.early_end {
            info.link_len = 0;
        }
        info
    }

    fn link(&mut self, out: &mut String, data: &[u8], orig_len: u32) -> FrameInfo {
        if data.len() < ETH_HLEN {
            out.push_str(" [|ether]");
            return FrameInfo {
                link_len: data.len(),
            };
        }
        let mut length = orig_len.saturating_sub(ETH_HLEN as u32);
        let mut at = 12;
        let mut ethertype = be16(data, at).unwrap_or(0);
        at += 2;
        if self.opts.link_header {
            mac(out, &data[6..12]);
            out.push_str(" > ");
            mac(out, &data[0..6]);
            out.push_str(", ");
        }
        if ethertype <= 1500 {
            // An 802.3 length field: tcpdump hands these to its LLC printer.
            if self.opts.link_header {
                let _ = write!(out, "802.3, length {orig_len}: ");
            }
            let _ = write!(out, "LLC, length {length}");
            return FrameInfo { link_len: at };
        }
        let mut first = true;
        while matches!(ethertype, 0x8100 | 0x88a8 | 0x9100) {
            if self.opts.link_header && first {
                let _ = write!(
                    out,
                    "ethertype {} (0x{ethertype:04x}), length {orig_len}: ",
                    ethertype_name(ethertype)
                );
            }
            first = false;
            let (Some(tci), Some(next)) = (be16(data, at), be16(data, at + 2)) else {
                out.push_str(" [|vlan]");
                return FrameInfo { link_len: at };
            };
            // Without -e tcpdump says nothing of the tag.
            if self.opts.link_header {
                let _ = write!(out, "vlan {}, p {}", tci & 0x0fff, tci >> 13);
                if tci & 0x1000 != 0 {
                    out.push_str(", DEI");
                }
                out.push_str(", ");
            }
            ethertype = next;
            at += 4;
            length = length.saturating_sub(4);
            if self.opts.link_header && !matches!(ethertype, 0x8100 | 0x88a8 | 0x9100) {
                let _ = write!(
                    out,
                    "ethertype {} (0x{ethertype:04x}), ",
                    ethertype_name(ethertype)
                );
            }
        }
        if self.opts.link_header && first {
            let _ = write!(
                out,
                "ethertype {} (0x{ethertype:04x}), length {orig_len}: ",
                ethertype_name(ethertype)
            );
        }
        let payload = &data[at..];
        let vlan = !first;
        match ethertype {
            0x0800 => self.ipv4(out, payload, Some(length)),
            0x86dd => self.ipv6(out, payload, Some(length)),
            0x0806 => self.arp(out, payload, length),
            _ => {
                if !self.opts.link_header && !vlan {
                    mac(out, &data[6..12]);
                    out.push_str(" > ");
                    mac(out, &data[0..6]);
                    if self.opts.quiet {
                        let _ = write!(
                            out,
                            ", {} Ethertype (0x{ethertype:04x}), length {orig_len}: ",
                            ethertype_name(ethertype)
                        );
                    } else {
                        let _ = write!(
                            out,
                            ", ethertype {} (0x{ethertype:04x}), length {orig_len}: ",
                            ethertype_name(ethertype)
                        );
                    }
                }
                if !self.opts.quiet && !self.opts.suppress_default_print {
                    super::hexdump::hex_ascii(out, payload);
                }
            }
        }
        FrameInfo { link_len: at }
    }

    /// "IP ", "IP6 ": tcpdump leaves it out when -e already named the ethertype.
    fn proto_prefix(&self, out: &mut String, name: &str) {
        if !self.opts.link_header {
            let _ = write!(out, "{name} ");
        }
    }

    fn arp(&mut self, out: &mut String, b: &[u8], length: u32) {
        if !self.opts.link_header {
            out.push_str("ARP, ");
        }
        let (Some(hrd), Some(pro)) = (be16(b, 0), be16(b, 2)) else {
            out.push_str(" [|ARP]");
            return;
        };
        let (hln, pln) = (b.get(4).copied(), b.get(5).copied());
        let op = be16(b, 6);
        if hrd != 1 || pro != 0x0800 || hln != Some(6) || pln != Some(4) {
            let _ = write!(
                out,
                "{}, length {length}",
                match (hrd, pro) {
                    (1, _) => "Ethernet (len 6)",
                    _ => "Unknown Hardware",
                }
            );
            return;
        }
        if b.len() < 28 {
            out.push_str(" [|ARP]");
            return;
        }
        if self.opts.verbose > 0 {
            out.push_str("Ethernet (len 6), IPv4 (len 4), ");
        }
        let sha = &b[8..14];
        let spa = Ipv4Addr::new(b[14], b[15], b[16], b[17]);
        let tha = &b[18..24];
        let tpa = Ipv4Addr::new(b[24], b[25], b[26], b[27]);
        match op {
            Some(1) => {
                out.push_str("Request who-has ");
                let _ = write!(out, "{tpa}");
                if tha.iter().any(|&x| x != 0) {
                    out.push_str(" (");
                    mac(out, tha);
                    out.push(')');
                }
                let _ = write!(out, " tell {spa}");
            }
            Some(2) => {
                let _ = write!(out, "Reply {spa} is-at ");
                mac(out, sha);
            }
            Some(op) => {
                let _ = write!(out, "Unknown ({op})");
            }
            None => {}
        }
        let _ = write!(out, ", length {length}");
    }

    /// `wire_len`: the bytes this layer had on the wire (from the frame's original length);
    /// None for a datagram quoted inside an ICMP error.
    fn ipv4(&mut self, out: &mut String, b: &[u8], wire_len: Option<u32>) {
        let Some(&first) = b.first() else {
            out.push_str(" [|ip]");
            self.early_end = true;
            return;
        };
        let version = first >> 4;
        if version != 4 {
            let _ = write!(out, "IP{version}");
            if version == 6 {
                out.push_str(", wrong link-layer encapsulation");
            }
            out.push_str(" (invalid)");
            return;
        }
        self.proto_prefix(out, "IP");
        if b.len() < 20 {
            out.push_str(" [|ip]");
            return;
        }
        let hlen = u32::from(first & 0x0f) * 4;
        if hlen < 20 {
            let _ = write!(out, "bad-hlen {hlen}");
            return;
        }
        if let (Some(wire), Some(total)) = (wire_len, be16(b, 2)) {
            if u32::from(total) > wire {
                let _ = write!(
                    out,
                    "truncated-ip - {} bytes missing! ",
                    u32::from(total) - wire
                );
            }
        }
        let ip = match LaxIpv4Slice::from_slice(b) {
            Ok((ip, _)) => ip,
            Err(_) => {
                out.push_str(" [|ip]");
                return;
            }
        };
        let h = ip.header();
        let total = u32::from(h.total_len());
        let hlen = u32::from(h.ihl()) * 4;
        let frag_off = u32::from(h.fragments_offset().value());
        let proto = h.protocol().0;
        if self.opts.verbose > 0 {
            let tos = b[1];
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
            let raw_off = be16(b, 6).unwrap_or(0);
            let mut flags = String::new();
            if raw_off & 0x2000 != 0 {
                flags.push('+');
            }
            if raw_off & 0x4000 != 0 {
                flags.push_str("DF");
            }
            if raw_off & 0x8000 != 0 {
                flags.push_str("rsvd");
            }
            if flags.is_empty() {
                flags.push_str("none");
            }
            let _ = write!(
                out,
                ", id {}, offset {}, flags [{flags}], proto {} ({proto}), length {total}",
                h.identification(),
                frag_off * 8,
                ipproto_name(proto),
            );
            if !h.options().is_empty() {
                out.push_str(", options (");
                ipv4_options(out, h.options());
                out.push(')');
            }
            if b.len() >= hlen as usize {
                let sum = internet_checksum(&b[..hlen as usize], 0);
                if sum != 0 {
                    let mut copy = b[..hlen as usize].to_vec();
                    copy[10] = 0;
                    copy[11] = 0;
                    let want = internet_checksum(&copy, 0);
                    let _ = write!(out, ", bad cksum {:x} (->{want:x})!", h.header_checksum());
                }
            }
            out.push_str(")\n    ");
        }
        let fragmented = h.more_fragments() || frag_off != 0;
        let payload: &LaxIpPayloadSlice<'_> = ip.payload();
        let info = Ip {
            addrs: Addrs::V4(h.source(), h.destination()),
            length: total.saturating_sub(hlen),
            payload: payload.payload,
            fragmented,
            v4: true,
            addrs_printed: false,
        };
        if frag_off != 0 {
            info.write_addrs(out, None);
            // "IP a > b: ip-proto-17" without the trailing ": " space: tcpdump prints
            // "a > b:" then " ip-proto-N".
            out.pop();
            let _ = write!(out, " ip-proto-{proto}");
            return;
        }
        self.transport(out, proto, &info);
    }

    fn ipv6(&mut self, out: &mut String, b: &[u8], wire_len: Option<u32>) {
        if b.is_empty() {
            out.push_str(" [|ip6]");
            return;
        }
        self.proto_prefix(out, "IP6");
        let ip = match LaxIpv6Slice::from_slice(b) {
            Ok((ip, _)) => ip,
            Err(_) => {
                out.push_str(" [|ip6]");
                return;
            }
        };
        let h = ip.header();
        let plen = u32::from(h.payload_length());
        if let Some(wire) = wire_len {
            if plen + 40 > wire {
                let _ = write!(out, "truncated-ip6 - {} bytes missing!", plen + 40 - wire);
            }
        }
        if self.opts.verbose > 0 {
            let flow = be32(b, 0).unwrap_or(0);
            out.push('(');
            if flow & 0x0ff0_0000 != 0 {
                let _ = write!(out, "class 0x{:02x}, ", (flow & 0x0ff0_0000) >> 20);
            }
            if flow & 0x000f_ffff != 0 {
                let _ = write!(out, "flowlabel 0x{:05x}, ", flow & 0x000f_ffff);
            }
            let nh = h.next_header().0;
            let _ = write!(
                out,
                "hlim {}, next-header {} ({nh}) payload length: {plen}) ",
                h.hop_limit(),
                ipproto_name(nh)
            );
        }
        let addrs = Addrs::V6(h.source(), h.destination());
        let mut ext_len = 0u32;
        let mut fragmented = false;
        let mut later_fragment = false;
        let mut addrs_written = false;
        // Walk the extension headers over the raw bytes: every length is checked here
        // (etherparse's iterator trusts lengths a lax parse may not have checked).
        let mut nh = h.next_header().0;
        let mut at = 40usize;
        loop {
            let hdr_len = match nh {
                0 | 43 | 60 => b.get(at + 1).map(|l| (usize::from(*l) + 1) * 8),
                44 => Some(8),
                51 => b.get(at + 1).map(|l| (usize::from(*l) + 2) * 4),
                _ => break,
            };
            let Some(s) = hdr_len.and_then(|n| b.get(at..at + n)) else {
                if !addrs_written {
                    addrs.write(out, None);
                }
                out.push_str(" [|ip6]");
                return;
            };
            ext_len += s.len() as u32;
            if !addrs_written {
                addrs.write(out, None);
                addrs_written = true;
            }
            match nh {
                0 => {
                    out.push_str("HBH ");
                    self.ip6_options(out, s);
                }
                60 => {
                    out.push_str("DSTOPT ");
                    self.ip6_options(out, s);
                }
                43 => {
                    let _ = write!(
                        out,
                        "srcrt (len={}, type={}, segleft={}) ",
                        s[1], s[2], s[3]
                    );
                }
                44 => {
                    let off = be16(s, 2).unwrap_or(0);
                    let id = be32(s, 4).unwrap_or(0);
                    let offset = u32::from(off & 0xfff8);
                    let flen = plen.saturating_sub(ext_len);
                    if self.opts.verbose > 0 {
                        let _ = write!(out, "frag (0x{id:08x}:{offset}|{flen})");
                    } else {
                        let _ = write!(out, "frag ({offset}|{flen})");
                    }
                    fragmented = true;
                    if offset != 0 {
                        later_fragment = true;
                    } else {
                        out.push(' ');
                    }
                }
                _ => out.push_str("AH "),
            }
            nh = s[0];
            at += s.len();
            if later_fragment {
                break;
            }
        }
        if later_fragment {
            return;
        }
        let end = (40 + plen as usize).min(b.len());
        let payload = b.get(at..end).unwrap_or(&[]);
        let proto = nh;
        let info = Ip {
            addrs,
            length: plen.saturating_sub(ext_len),
            payload,
            fragmented,
            v4: false,
            addrs_printed: addrs_written,
        };
        self.transport(out, proto, &info);
    }

    fn transport(&mut self, out: &mut String, proto: u8, ip: &Ip<'_>) {
        match IpNumber(proto) {
            IpNumber::TCP => self.tcp(out, ip),
            IpNumber::UDP => self.udp(out, ip),
            IpNumber::ICMP => {
                ip.write_addrs(out, None);
                self.icmp(out, ip)
            }
            IpNumber::IPV6_ICMP => {
                ip.write_addrs(out, None);
                self.icmp6(out, ip)
            }
            IpNumber::IPV6_NO_NEXT_HEADER => {
                ip.write_addrs(out, None);
                out.pop();
                out.push_str(" no next header");
            }
            _ => {
                ip.write_addrs(out, None);
                let _ = write!(out, " ip-proto-{proto} {}", ip.length);
            }
        }
    }

    fn udp(&mut self, out: &mut String, ip: &Ip<'_>) {
        let b = ip.payload;
        let (Some(sport), Some(dport)) = (be16(b, 0), be16(b, 2)) else {
            ip.write_addrs(out, None);
            out.push_str(" [|udp]");
            return;
        };
        ip.write_addrs(out, Some((sport, dport)));
        let Some(ulen) = be16(b, 4) else {
            out.push_str(" [|udp]");
            return;
        };
        let ulen = u32::from(ulen);
        if ulen < 8 {
            let _ = write!(out, "truncated-udplength {ulen}");
            return;
        }
        let ulen = ulen - 8;
        let length = ip.length.saturating_sub(8);
        if ulen > length {
            let _ = write!(out, "UDP, bad length {ulen} > {length}");
            return;
        }
        if self.opts.verbose > 0 && !ip.fragmented {
            if let Ok(udp) = UdpSlice::from_slice(b) {
                let sum = udp.checksum();
                let full = b.len() as u32 >= ulen + 8;
                if ip.v4 && self.opts.verbose < 2 {
                    // tcpdump checks IPv4 UDP sums only from -vv on.
                } else if sum == 0 && ip.v4 {
                    out.push_str("[no cksum] ");
                } else if full {
                    let computed = transport_checksum(ip, 17, &b[..(ulen + 8) as usize]);
                    if computed == 0 {
                        out.push_str("[udp sum ok] ");
                    } else {
                        let want = expected_sum(ip, 17, &b[..(ulen + 8) as usize], 6);
                        let _ = write!(out, "[bad udp cksum 0x{sum:04x} -> 0x{want:04x}!] ");
                    }
                }
            }
        }
        let _ = write!(out, "UDP, length {ulen}");
    }

    fn tcp(&mut self, out: &mut String, ip: &Ip<'_>) {
        let b = ip.payload;
        let (Some(sport), Some(dport)) = (be16(b, 0), be16(b, 2)) else {
            ip.write_addrs(out, None);
            out.push_str(" [|tcp]");
            return;
        };
        ip.write_addrs(out, Some((sport, dport)));
        let Some(off) = b.get(12) else {
            out.push_str(" [|tcp]");
            return;
        };
        let hlen = u32::from(off >> 4) * 4;
        if hlen < 20 {
            let _ = write!(
                out,
                " tcp {} [bad hdr length {hlen} - too short, < 20]",
                ip.length.saturating_sub(hlen)
            );
            return;
        }
        if self.opts.quiet {
            let _ = write!(out, "tcp {}", ip.length.saturating_sub(hlen));
            if hlen > ip.length {
                let _ = write!(out, " [bad hdr length {hlen} - too long, > {}]", ip.length);
            }
            return;
        }
        let (Some(mut seq), Some(mut ack), Some(flags), Some(win)) =
            (be32(b, 4), be32(b, 8), b.get(13).copied(), be16(b, 14))
        else {
            out.push_str(" [|tcp]");
            return;
        };
        out.push_str("Flags [");
        let names = [
            (0x01, 'F'),
            (0x02, 'S'),
            (0x04, 'R'),
            (0x08, 'P'),
            (0x10, '.'),
            (0x20, 'U'),
            (0x40, 'E'),
            (0x80, 'W'),
        ];
        let mut any = false;
        for (bit, c) in names {
            if flags & bit != 0 {
                out.push(c);
                any = true;
            }
        }
        if !any {
            out.push_str("none");
        }
        out.push(']');

        let (syn, fin, rst, ackf, urg) = (
            flags & 0x02 != 0,
            flags & 0x01 != 0,
            flags & 0x04 != 0,
            flags & 0x10 != 0,
            flags & 0x20 != 0,
        );
        let (mut thseq, mut thack) = (0u32, 0u32);
        let mut rev = false;
        if !self.opts.absolute_seq && ackf {
            let (s, d) = ip.addrs.key();
            rev = sport > dport || (sport == dport && s > d);
            let key = if rev {
                (d, s, (u32::from(dport) << 16) | u32::from(sport))
            } else {
                (s, d, (u32::from(sport) << 16) | u32::from(dport))
            };
            match self.tcp.bases.get(&key).copied() {
                Some((bseq, back)) if !syn => {
                    if rev {
                        seq = seq.wrapping_sub(back);
                        ack = ack.wrapping_sub(bseq);
                    } else {
                        seq = seq.wrapping_sub(bseq);
                        ack = ack.wrapping_sub(back);
                    }
                    thseq = bseq;
                    thack = back;
                }
                _ => {
                    let entry = if rev {
                        (ack.wrapping_sub(1), seq)
                    } else {
                        (seq, ack.wrapping_sub(1))
                    };
                    self.tcp.bases.insert(key, entry);
                    thseq = entry.0;
                    thack = entry.1;
                }
            }
        }

        if self.opts.verbose > 0 && !ip.fragmented {
            let tlen = ip.length as usize;
            if let Some(seg) = b.get(..tlen) {
                if let Some(sum) = be16(b, 16) {
                    if transport_checksum(ip, 6, seg) == 0 {
                        let _ = write!(out, ", cksum 0x{sum:04x} (correct)");
                    } else {
                        let want = expected_sum(ip, 6, seg, 16);
                        let _ = write!(out, ", cksum 0x{sum:04x} (incorrect -> 0x{want:04x})");
                    }
                }
            }
        }

        if hlen > ip.length {
            let _ = write!(out, " [bad hdr length {hlen} - too long, > {}]", ip.length);
            return;
        }
        let length = ip.length - hlen;
        if self.opts.verbose > 1 || length > 0 || syn || fin || rst {
            let _ = write!(out, ", seq {seq}");
            if length > 0 {
                let _ = write!(out, ":{}", seq.wrapping_add(length));
            }
        }
        if ackf {
            let _ = write!(out, ", ack {ack}");
        }
        let _ = write!(out, ", win {win}");
        if urg {
            let _ = write!(out, ", urg {}", be16(b, 18).unwrap_or(0));
        }
        if hlen > 20 {
            out.push_str(", options [");
            let Some(opts) = b.get(20..hlen as usize) else {
                // Cut short by the snap length.
                let avail = b.get(20..).unwrap_or(&[]);
                if tcp_options(out, avail, rev, thseq, thack, hlen as usize - 20).is_err() {
                    out.push_str(" [|tcp]");
                    self.early_end = true;
                }
                return;
            };
            if tcp_options(out, opts, rev, thseq, thack, opts.len()).is_err() {
                out.push_str(" [|tcp]");
                return;
            }
            out.push(']');
        }
        let _ = write!(out, ", length {length}");
    }

    fn icmp(&mut self, out: &mut String, ip: &Ip<'_>) {
        let b = ip.payload;
        let (Some(&ty), Some(&code), Some(_)) = (b.first(), b.get(1), b.get(3)) else {
            out.push_str(" [|icmp]");
            self.early_end = true;
            return;
        };
        let length = ip.length;
        out.push_str("ICMP ");
        match ty {
            0 | 8 => {
                let (Some(id), Some(seq)) = (be16(b, 4), be16(b, 6)) else {
                    out.push_str(" [|icmp]");
                    return;
                };
                let what = if ty == 8 {
                    "echo request"
                } else {
                    "echo reply"
                };
                let _ = write!(out, "{what}, id {id}, seq {seq}");
            }
            3 => {
                // The quoted datagram: its destination and, for ports, its transport header.
                let inner = b.get(8..).unwrap_or(&[]);
                let dst = inner
                    .get(16..20)
                    .map(|a| Ipv4Addr::new(a[0], a[1], a[2], a[3]));
                let ihl = inner
                    .first()
                    .map(|v| usize::from(v & 0x0f) * 4)
                    .unwrap_or(0);
                let iproto = inner.get(9).copied();
                let Some(dst) = dst else {
                    out.push_str(" [|icmp]");
                    return;
                };
                match code {
                    0 => {
                        let _ = write!(out, "net {dst} unreachable");
                    }
                    1 => {
                        let _ = write!(out, "host {dst} unreachable");
                    }
                    2 => {
                        let _ = write!(out, "{dst} protocol {} unreachable", iproto.unwrap_or(0));
                    }
                    3 => {
                        let dport = be16(inner, ihl + 2);
                        let pname = match iproto {
                            Some(6) => "tcp",
                            Some(17) => "udp",
                            _ => "",
                        };
                        match (pname, dport) {
                            ("", _) | (_, None) => {
                                let _ = write!(
                                    out,
                                    "{dst} protocol {} port {} unreachable",
                                    iproto.unwrap_or(0),
                                    dport.unwrap_or(0)
                                );
                            }
                            (p, Some(port)) => {
                                let _ = write!(out, "{dst} {p} port {port} unreachable");
                            }
                        }
                    }
                    4 => {
                        let mtu = be16(b, 6).unwrap_or(0);
                        if mtu != 0 {
                            let _ = write!(out, "{dst} unreachable - need to frag (mtu {mtu})");
                        } else {
                            let _ = write!(out, "{dst} unreachable - need to frag");
                        }
                    }
                    9 => {
                        let _ = write!(out, "net {dst} unreachable - admin prohibited");
                    }
                    10 => {
                        let _ = write!(out, "host {dst} unreachable - admin prohibited");
                    }
                    13 => {
                        let _ = write!(out, "{dst} unreachable - admin prohibited filter");
                    }
                    c => {
                        let _ = write!(out, "{dst} unreachable - #{c}");
                    }
                }
            }
            5 => {
                let gw = b.get(4..8).map(|a| Ipv4Addr::new(a[0], a[1], a[2], a[3]));
                let dst = b.get(24..28).map(|a| Ipv4Addr::new(a[0], a[1], a[2], a[3]));
                let (Some(gw), Some(dst)) = (gw, dst) else {
                    out.push_str(" [|icmp]");
                    self.early_end = true;
                    return;
                };
                let _ = match code {
                    0 => write!(out, "redirect {dst} to net {gw}"),
                    1 => write!(out, "redirect {dst} to host {gw}"),
                    2 => write!(out, "redirect-tos {dst} to net {gw}"),
                    3 => write!(out, "redirect-tos {dst} to host {gw}"),
                    c => write!(out, "redirect-#{c} {dst} to {gw}"),
                };
            }
            13 => {
                let (Some(id), Some(seq)) = (be16(b, 4), be16(b, 6)) else {
                    out.push_str(" [|icmp]");
                    self.early_end = true;
                    return;
                };
                let _ = write!(out, "time stamp query id {id} seq {seq}");
            }
            11 => out.push_str(if code == 1 {
                "ip reassembly time exceeded"
            } else {
                "time exceeded in-transit"
            }),
            _ => {
                let name = match ty {
                    4 => "source quench",
                    5 => "redirect",
                    9 => "router advertisement",
                    10 => "router solicitation",
                    12 => "parameter problem",
                    13 => "time stamp request",
                    14 => "time stamp reply",
                    15 => "information request",
                    16 => "information reply",
                    17 => "address mask request",
                    18 => "address mask reply",
                    _ => "",
                };
                if name.is_empty() {
                    let _ = write!(out, "type-#{ty}");
                } else {
                    out.push_str(name);
                }
            }
        }
        let _ = write!(out, ", length {length}");
        // -v: the quoted datagram of an error message, printed as its own IP packet.
        if self.opts.verbose > 0 && matches!(ty, 3 | 4 | 5 | 11 | 12) {
            if let Some(inner) = b.get(8..).filter(|i| !i.is_empty()) {
                out.push_str("\n\t");
                self.ipv4(out, inner, None);
            }
        }
    }

    /// Hop-by-hop and destination options, at -v (ip6_opt_print).
    fn ip6_options(&self, out: &mut String, ext: &[u8]) {
        if self.opts.verbose == 0 {
            return;
        }
        let mut i = 2;
        while i < ext.len() {
            let ty = ext[i];
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

    fn icmp6(&mut self, out: &mut String, ip: &Ip<'_>) {
        let b = ip.payload;
        let Some(&ty) = b.first() else {
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
        if v && !ip.fragmented && b.len() as u32 >= ip.length {
            let seg = &b[..ip.length as usize];
            if let Some(sum) = be16(seg, 2) {
                if transport_checksum(ip, 58, seg) == 0 {
                    out.push_str("[icmp6 sum ok] ");
                } else {
                    let want = expected_sum(ip, 58, seg, 2);
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
            let _ = write!(out, ", length {}", ip.length);
        }
        let addr16 = |at: usize| -> Option<Ipv6Addr> {
            let s: [u8; 16] = b.get(at..at + 16)?.try_into().ok()?;
            Some(Ipv6Addr::from(s))
        };
        let end = (ip.length as usize).min(b.len());
        match ty {
            128 | 129 => match (be16(b, 4), be16(b, 6)) {
                (Some(id), Some(seq)) => {
                    let _ = write!(out, ", id {id}, seq {seq}");
                }
                _ => {
                    out.push_str(" [|icmp6]");
                    return;
                }
            },
            133 if v => nd_options(out, b.get(8..end).unwrap_or(&[])),
            135 => match addr16(8) {
                Some(t) => {
                    let _ = write!(out, ", who has {t}");
                    if v {
                        nd_options(out, b.get(24..end).unwrap_or(&[]));
                    }
                }
                None => {
                    out.push_str(" [|icmp6]");
                    return;
                }
            },
            136 => match addr16(8) {
                Some(t) => {
                    let _ = write!(out, ", tgt is {t}");
                    if v {
                        let flags = be32(b, 4).unwrap_or(0);
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
                        nd_options(out, b.get(24..end).unwrap_or(&[]));
                    }
                }
                None => {
                    out.push_str(" [|icmp6]");
                    return;
                }
            },
            143 => match be16(b, 6) {
                Some(n) => {
                    let _ = write!(out, ", {n} group record(s)");
                    if v {
                        mldv2_groups(out, &b[..end], n);
                    }
                }
                None => {
                    out.push_str(" [|icmp6]");
                    return;
                }
            },
            _ => {}
        }
        if !v {
            let _ = write!(out, ", length {}", ip.length);
        }
    }
}

/// Neighbor-discovery options at -v (icmp6_opt_print).
fn nd_options(out: &mut String, mut opts: &[u8]) {
    while opts.len() >= 2 {
        let ty = opts[0];
        let len8 = usize::from(opts[1]);
        let len = len8 * 8;
        if len == 0 || len > opts.len() {
            break;
        }
        let name = match ty {
            1 => "source link-address",
            2 => "destination link-address",
            3 => "prefix info",
            4 => "redirected header",
            5 => "mtu",
            7 => "advertisement interval",
            _ => "unknown",
        };
        let _ = write!(out, "\n\t  {name} option ({ty}), length {len} ({len8}): ");
        match ty {
            1 | 2 => mac(out, &opts[2..len]),
            _ => {
                super::hexdump::hex(out, &opts[2..len]);
            }
        }
        opts = &opts[len..];
    }
}

/// MLDv2 report group records at -v.
fn mldv2_groups(out: &mut String, b: &[u8], n: u16) {
    let mut at = 8;
    for _ in 0..n {
        if b.len() < at + 20 {
            out.push_str(" [invalid number of groups]");
            return;
        }
        let mut g = [0u8; 16];
        g.copy_from_slice(&b[at + 4..at + 20]);
        let kind = match b[at] {
            1 => "is_in".to_string(),
            2 => "is_ex".to_string(),
            3 => "to_in".to_string(),
            4 => "to_ex".to_string(),
            5 => "allow".to_string(),
            6 => "block".to_string(),
            k => format!(" [v2-report-#{k}]"),
        };
        let nsrcs = usize::from(be16(b, at + 2).unwrap_or(0));
        let _ = write!(out, " [gaddr {} {kind}", Ipv6Addr::from(g));
        if b.len() < at + 20 + nsrcs * 16 {
            let _ = write!(out, " [invalid number of sources {nsrcs}]");
            return;
        }
        let _ = write!(out, ", {nsrcs} source(s)]");
        at += 20 + nsrcs * 16;
    }
}

/// Appends TCP options as tcpdump does; Err when the captured bytes end first.
fn tcp_options(
    out: &mut String,
    opts: &[u8],
    rev: bool,
    thseq: u32,
    thack: u32,
    declared: usize,
) -> Result<(), ()> {
    let mut i = 0usize;
    let mut hlen = declared;
    let mut first = true;
    while hlen > 0 {
        if !first {
            out.push(',');
        }
        first = false;
        let opt = *opts.get(i).ok_or(())?;
        i += 1;
        let len;
        if opt == 0 || opt == 1 {
            len = 1usize;
        } else {
            len = usize::from(*opts.get(i).ok_or(())?);
            i += 1;
            if len < 2 || len > hlen {
                out.push_str("[bad opt]");
                return Ok(());
            }
            hlen -= 1;
        }
        hlen -= 1;
        let name = match opt {
            0 => "eol".to_string(),
            1 => "nop".to_string(),
            2 => "mss".to_string(),
            3 => "wscale".to_string(),
            4 => "sackOK".to_string(),
            5 => "sack".to_string(),
            6 => "echo".to_string(),
            7 => "echoreply".to_string(),
            8 => "TS".to_string(),
            19 => "md5".to_string(),
            28 => "uto".to_string(),
            29 => "tcp-ao".to_string(),
            30 => "mptcp".to_string(),
            34 => "tfo".to_string(),
            253 | 254 => "exp".to_string(),
            n => format!("unknown-{n}"),
        };
        out.push_str(&name);
        let datalen;
        match opt {
            2 => {
                datalen = 2;
                if datalen > hlen {
                    out.push_str("[bad opt]");
                    return Ok(());
                }
                let _ = write!(out, " {}", be16(opts, i).ok_or(())?);
            }
            3 => {
                datalen = 1;
                if datalen > hlen {
                    out.push_str("[bad opt]");
                    return Ok(());
                }
                let _ = write!(out, " {}", opts.get(i).ok_or(())?);
            }
            5 => {
                datalen = len - 2;
                if datalen % 8 != 0 {
                    out.push_str(" invalid sack");
                } else {
                    let _ = write!(out, " {} ", datalen / 8);
                    let mut k = 0;
                    while k < datalen {
                        let mut s = be32(opts, i + k).ok_or(())?;
                        let mut e = be32(opts, i + k + 4).ok_or(())?;
                        if rev {
                            s = s.wrapping_sub(thseq);
                            e = e.wrapping_sub(thseq);
                        } else {
                            s = s.wrapping_sub(thack);
                            e = e.wrapping_sub(thack);
                        }
                        let _ = write!(out, "{{{s}:{e}}}");
                        k += 8;
                    }
                }
            }
            8 => {
                datalen = 8;
                if datalen > hlen {
                    out.push_str("[bad opt]");
                    return Ok(());
                }
                let _ = write!(
                    out,
                    " val {} ecr {}",
                    be32(opts, i).ok_or(())?,
                    be32(opts, i + 4).ok_or(())?
                );
            }
            0 | 1 | 4 => datalen = 0,
            _ => {
                datalen = len - 2;
                for k in 0..datalen {
                    if k + 1 > hlen {
                        out.push_str("[bad opt]");
                        return Ok(());
                    }
                    let _ = write!(out, "{:02x}", opts.get(i + k).ok_or(())?);
                }
            }
        }
        i += datalen;
        hlen = hlen.saturating_sub(datalen);
        let mut spec = datalen + 1;
        if opt != 0 && opt != 1 {
            spec += 1;
        }
        if spec != len {
            let _ = write!(out, "[len {len}]");
        }
        if opt == 0 {
            break;
        }
    }
    Ok(())
}

fn ipv4_options(out: &mut String, opts: &[u8]) {
    let mut i = 0;
    let mut first = true;
    while i < opts.len() {
        if !first {
            out.push(',');
        }
        first = false;
        let opt = opts[i];
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
                if len < 2 {
                    let _ = write!(out, " [bad length {len}]");
                    return;
                }
                i += len;
            }
        }
    }
}

/// The ones'-complement sum of `data` plus `init`, folded and inverted.
fn internet_checksum(data: &[u8], init: u32) -> u16 {
    let mut sum = u64::from(init);
    for pair in data.chunks(2) {
        let w = match pair {
            [a, b] => u16::from_be_bytes([*a, *b]),
            [a] => u16::from_be_bytes([*a, 0]),
            _ => 0,
        };
        sum += u64::from(w);
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn pseudo_sum(ip: &Ip<'_>, proto: u8, len: usize) -> u32 {
    let mut sum = 0u32;
    let mut add = |b: &[u8]| {
        for p in b.chunks(2) {
            sum += u32::from(u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)]));
        }
    };
    match &ip.addrs {
        Addrs::V4(s, d) => {
            add(s);
            add(d);
        }
        Addrs::V6(s, d) => {
            add(s);
            add(d);
        }
    }
    sum + u32::from(proto) + (len as u32 & 0xffff) + ((len as u32) >> 16)
}

/// Zero when the segment's checksum is right.
fn transport_checksum(ip: &Ip<'_>, proto: u8, seg: &[u8]) -> u16 {
    internet_checksum(seg, pseudo_sum(ip, proto, seg.len()))
}

/// The checksum the segment should carry (the field at `at` taken as zero).
fn expected_sum(ip: &Ip<'_>, proto: u8, seg: &[u8], at: usize) -> u16 {
    let mut copy = seg.to_vec();
    if copy.len() >= at + 2 {
        copy[at] = 0;
        copy[at + 1] = 0;
    }
    internet_checksum(&copy, pseudo_sum(ip, proto, copy.len()))
}
