//! Protocol decoders: a packet's bytes to a typed, lax, layered description ([`Decoded`]).
//!
//! One module per protocol family; each turns the bytes handed to it into one [`Layer`] (or
//! a few, for VLAN tags after a link header) and says what comes next ([`Upper`]). Which decoder reads
//! what comes next is decided in ONE place, the registry below ([`LINK_TYPES`],
//! [`ETHERTYPES`], [`ADDRESS_FAMILIES`], [`IP_VERSIONS`], [`IP_PROTOCOLS`], [`UDP_PORTS`],
//! [`TCP_PORTS`]).
//!
//! Decoding never fails: a decoder records as much as the captured bytes hold, and
//! [`Decoded::stop`] says where and why the walk ended (cut short by the snap length, a
//! malformed header, a protocol nobody registered, a later fragment). Every field is read
//! through a checked length; no accessor panics.
//!
//! Printers (`print/`) and the JSON writer read the same [`Decoded`]: one parse per packet.
//!
//! Adding a protocol: a module `decode/<proto>.rs` with a [`Decoder`] (read the bytes, push
//! a [`Layer`], return the rest and what it is), a [`Layer`] variant for it, and one line in
//! one table of the registry (say `(4789, vxlan::decode)` in [`UDP_PORTS`]). The printers
//! and the JSON writer then say what they want of the new variant.

pub mod arp;
pub mod bfd;
pub mod bootp;
pub mod cdp;
pub mod checksum;
pub mod dccp;
pub mod dhcp6;
pub mod dns;
pub mod ethernet;
pub mod geneve;
pub mod gre;
pub mod hsrp;
pub mod http;
pub mod icmp;
pub mod icmpv6;
pub mod igmp;
pub mod ipsec;
pub mod ipv4;
pub mod ipv6;
pub mod isakmp;
pub mod l2tp;
pub mod llc;
pub mod lldp;
pub mod macsec;
pub mod message;
pub mod mpls;
pub mod nsh;
pub mod ntp;
pub mod null;
pub mod ppp;
pub mod pppoe;
pub mod pptp;
pub mod ptp;
pub mod quic;
pub mod radius;
pub mod raw;
pub mod sll;
pub mod slow;
pub mod snmp;
pub mod stp;
pub mod syslog;
pub mod tcp;
pub mod tftp;
pub mod tls;
pub mod udp;
pub mod vrrp;
pub mod vxlan;

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::packet::LinkType;

/// One decoded header (or a header's worth of facts), outermost first in [`Decoded::layers`].
#[derive(Clone, Debug)]
pub enum Layer<'a> {
    Ethernet(ethernet::Ethernet),
    /// Linux cooked capture v1.
    Sll(sll::Sll),
    /// Linux cooked capture v2.
    Sll2(sll::Sll2),
    /// BSD loopback (LINKTYPE_NULL and LINKTYPE_LOOP).
    Null(null::Null),
    Vlan(ethernet::Vlan),
    Arp(arp::Arp<'a>),
    Ipv4(ipv4::Ipv4<'a>),
    Ipv6(ipv6::Ipv6<'a>),
    Tcp(tcp::Tcp<'a>),
    Udp(udp::Udp<'a>),
    Icmp(icmp::Icmp<'a>),
    Icmpv6(icmpv6::Icmpv6<'a>),
    Gre(gre::Gre<'a>),
    /// VXLAN, VXLAN-GPE or OTV.
    Vxlan(vxlan::Vxlan<'a>),
    Geneve(geneve::Geneve<'a>),
    Mpls(mpls::Mpls<'a>),
    Nsh(nsh::Nsh<'a>),
    Pppoe(pppoe::Pppoe<'a>),
    Ppp(ppp::Ppp<'a>),
    L2tp(l2tp::L2tp<'a>),
    /// A PPTP control message.
    Pptp(pptp::Pptp<'a>),
    Ntp(ntp::Ntp<'a>),
    Bootp(bootp::Bootp<'a>),
    Dhcp6(dhcp6::Dhcp6<'a>),
    Syslog(syslog::Syslog<'a>),
    Tftp(tftp::Tftp<'a>),
    Http(http::Http<'a>),
    Radius(radius::Radius<'a>),
    Igmp(igmp::Igmp<'a>),
    /// 802.2 LLC (and SNAP) after an 802.3 length field.
    Llc(llc::Llc<'a>),
    /// A spanning-tree BPDU.
    Stp(stp::Stp<'a>),
    /// VRRP, or CARP with `-T carp`.
    Vrrp(vrrp::Vrrp<'a>),
    /// Cisco HSRP.
    Hsrp(hsrp::Hsrp<'a>),
    /// BFD control or echo.
    Bfd(bfd::Bfd<'a>),
    /// IEEE 1588 PTP.
    Ptp(ptp::Ptp<'a>),
    /// Slow protocols: LACP, marker, OAM.
    Slow(slow::Slow<'a>),
    /// Cisco Discovery Protocol.
    Cdp(cdp::Cdp<'a>),
    /// Link Layer Discovery Protocol.
    Lldp(lldp::Lldp<'a>),
    /// An 802.1AE MACsec SecTAG.
    Macsec(macsec::Macsec<'a>),
    /// A DNS, mDNS or LLMNR message (UDP or TCP).
    Dns(dns::Dns<'a>),
    /// A message whose printer walks its bytes (PIM, OSPF, AoE, ...: `message::Proto`).
    Message(message::Message<'a>),
    /// IPsec authentication header.
    Ah(ipsec::Ah<'a>),
    /// IPsec ESP header (payload encrypted).
    Esp(ipsec::Esp<'a>),
    /// A DCCP packet (RFC 4340).
    Dccp(dccp::Dccp<'a>),
    Isakmp(isakmp::Isakmp<'a>),
    /// What UDP 4500 carries (RFC 3948).
    NatT(isakmp::NatT<'a>),
    Snmp(snmp::Snmp<'a>),
    /// Bytes after a header whose protocol no registered decoder reads.
    Unknown(Unknown<'a>),
}

/// Bytes nobody decodes, and what the layer before called them.
#[derive(Clone, Copy, Debug)]
pub struct Unknown<'a> {
    pub what: Upper,
    pub bytes: &'a [u8],
}

/// What the bytes after a header are, as that header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upper {
    Ethertype(u16),
    /// A BSD address family (loopback headers).
    AddressFamily(u32),
    /// An IP version nibble (raw IP link types).
    IpVersion(u8),
    IpProtocol(u8),
    /// A UDP datagram's payload (source and destination port).
    UdpPorts(u16, u16),
    /// A TCP segment's payload (source and destination port).
    TcpPorts(u16, u16),
    /// An Ethernet frame (inside a tunnel: GRE's transparent bridging, VXLAN, Geneve).
    Ethernet,
    /// A PPP frame (PPPoE sessions, PPTP's GRE).
    Ppp,
    /// An 802.2 LLC header (after an 802.3 length field).
    Llc,
    /// The SAP of a UI frame whose DSAP and SSAP are equal.
    LlcSap(u8),
    /// A SNAP header's OUI and protocol id (other than encapsulated ethertypes).
    Snap(u32, u16),
    /// Nothing more to decode (the end of the packet, or a protocol with no payload).
    Nothing,
    /// The walk ends here, for this reason.
    Stop(StopReason),
}

/// Why decoding ended before the packet's last byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The captured bytes end inside a header (snap length, or a short frame).
    Truncated,
    /// A header's fields contradict themselves (a bad length, a wrong version).
    Malformed,
    /// No decoder is registered for what comes next.
    Unsupported,
    /// A fragment other than the first: its bytes are not a transport header.
    Fragment,
}

/// Where and why decoding stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop {
    /// The protocol whose decoder stopped (tcpdump's name for it: "ether", "ip", "tcp").
    pub protocol: &'static str,
    pub reason: StopReason,
    /// Offset of that protocol's first byte in the captured data.
    pub offset: usize,
}

/// A packet's layered description.
#[derive(Clone, Debug)]
pub struct Decoded<'a> {
    pub link_type: LinkType,
    /// Headers in order, outermost first.
    pub layers: Vec<Layer<'a>>,
    /// Bytes of link-level headers at the start of the captured data (what `-x` skips).
    pub link_len: usize,
    /// Where decoding stopped early; None when every layer was decoded to its end.
    pub stop: Option<Stop>,
}

impl Decoded<'_> {
    /// True when the decoders ran off the captured bytes or met a malformed header.
    pub fn cut_short(&self) -> bool {
        matches!(
            self.stop,
            Some(Stop {
                reason: StopReason::Truncated | StopReason::Malformed,
                ..
            })
        )
    }
}

/// What a decoder learnt that the decoders after it need.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context {
    /// The bytes the rest of the packet had on the wire, by the outer headers; None inside a
    /// datagram quoted by an ICMP error (its length on the wire is unknown).
    pub wire_len: Option<u32>,
    /// The innermost IP header's facts, for transport decoders.
    pub ip: Option<IpInfo>,
    /// What the user forced (`-T`).
    pub opts: Options,
}

/// Decoding choices the user makes: tcpdump's `-T TYPE`, which reads every UDP (or TCP)
/// payload as one protocol whatever its ports.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// `-T`: the decoder for every UDP payload.
    pub udp_as: Option<Decoder>,
    /// `-T`: the decoder for every TCP payload.
    pub tcp_as: Option<Decoder>,
    /// `-T carp`: IP protocol 112 is CARP, not VRRP.
    pub carp: bool,
    /// `-T pgm_zmtp1`: PGM data (native too, not only in UDP) carries ZMTP/1.0.
    pub pgm_zmtp1: bool,
}

impl Options {
    /// The options for `-T name`, or None when the name is not one of [`PACKET_TYPES`].
    pub fn packet_type(name: &str) -> Option<Options> {
        if name == "carp" {
            return Some(Options {
                carp: true,
                ..Options::default()
            });
        }
        PACKET_TYPES
            .iter()
            .find(|(n, ..)| *n == name)
            .map(|&(_, udp_as, tcp_as)| Options {
                udp_as,
                tcp_as,
                pgm_zmtp1: name == "pgm_zmtp1",
                ..Options::default()
            })
    }
}

/// Source and destination addresses of an IP header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addrs {
    V4(Ipv4Addr, Ipv4Addr),
    V6(Ipv6Addr, Ipv6Addr),
}

impl Addrs {
    /// Both addresses as 16 bytes (IPv4 in the first four), for keys.
    pub fn key(&self) -> ([u8; 16], [u8; 16]) {
        let mut s = [0u8; 16];
        let mut d = [0u8; 16];
        match self {
            Addrs::V4(a, b) => {
                s[..4].copy_from_slice(&a.octets());
                d[..4].copy_from_slice(&b.octets());
            }
            Addrs::V6(a, b) => {
                s = a.octets();
                d = b.octets();
            }
        }
        (s, d)
    }
}

/// The network-layer facts a transport decoder needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpInfo {
    pub addrs: Addrs,
    /// The transport payload's length according to the IP header(s).
    pub length: u32,
    /// A fragment (first or later) of a larger datagram.
    pub fragmented: bool,
}

/// What a decoder hands back: the bytes after its header(s) and what they are.
#[derive(Clone, Copy, Debug)]
pub struct Next<'a> {
    pub rest: &'a [u8],
    pub upper: Upper,
}

impl<'a> Next<'a> {
    /// The decoder read all of `b`: nothing is left, and `upper` says why the walk goes no
    /// further (or what the layer said comes next).
    pub fn consumed(b: &'a [u8], upper: Upper) -> Next<'a> {
        Next {
            rest: &b[b.len()..],
            upper,
        }
    }

    /// The walk ends with this layer: cleanly if its header was `complete`, else cut short.
    pub fn end(b: &'a [u8], complete: bool) -> Next<'a> {
        Next::consumed(
            b,
            if complete {
                Upper::Nothing
            } else {
                Upper::Stop(StopReason::Truncated)
            },
        )
    }
}

/// A decoder: reads `bytes`, pushes its layer(s), says what follows. It never fails.
pub type Decoder = for<'a> fn(&'a [u8], &mut Context, &mut Vec<Layer<'a>>) -> Next<'a>;

// ---- The registry: the one place that says which decoder reads what. ----

/// Link-layer decoders by pcap link type.
pub const LINK_TYPES: &[(LinkType, Decoder)] = &[
    (LinkType::ETHERNET, ethernet::decode),
    (LinkType::LINUX_SLL, sll::decode_v1),
    (LinkType::LINUX_SLL2, sll::decode_v2),
    (LinkType::NULL, null::decode_null),
    (LinkType::LOOP, null::decode_loop),
    (LinkType::RAW, raw::decode),
    (LinkType::IPV4, raw::decode),
    (LinkType::IPV6, raw::decode),
    (LinkType::PPP, ppp::decode_link),
];

/// Network-layer decoders by ethertype (VLAN tags are the Ethernet decoder's).
pub const ETHERTYPES: &[(u16, Decoder)] = &[
    (ethernet::IPV4, ipv4::decode),
    (ethernet::IPV6, ipv6::decode),
    (ethernet::ARP, arp::decode),
    (ethernet::RARP, arp::decode),
    (ethernet::AARP, arp::decode_aarp),
    (ptp::ETHERTYPE, ptp::decode),
    (slow::ETHERTYPE, slow::decode),
    (lldp::ETHERTYPE, lldp::decode),
    (message::ETHERTYPE_AOE, message::aoe),
    (message::ETHERTYPE_DECNET, message::decnet),
    (message::ETHERTYPE_GEONET_OLD, message::geonet),
    (message::ETHERTYPE_GEONET, message::geonet),
    (message::ETHERTYPE_CALM_FAST, message::calm_fast),
    (message::ETHERTYPE_LOOPBACK, message::loopback),
    (mpls::UNICAST, mpls::decode),
    (mpls::MULTICAST, mpls::decode),
    (pppoe::DISCOVERY, pppoe::decode),
    (pppoe::SESSION, pppoe::decode),
    (nsh::ETHERTYPE, nsh::decode),
    (ppp::ETHERTYPE, ppp::decode),
];

/// Network-layer decoders by BSD address family (loopback headers).
pub const ADDRESS_FAMILIES: &[(u32, Decoder)] = &[
    (null::AF_INET, ipv4::decode),
    (null::AF_INET6_BSD, ipv6::decode),
    (null::AF_INET6_FREEBSD, ipv6::decode),
    (null::AF_INET6_DARWIN, ipv6::decode),
];

/// Network-layer decoders by IP version nibble (raw IP link types).
pub const IP_VERSIONS: &[(u8, Decoder)] = &[(4, ipv4::decode), (6, ipv6::decode)];

/// IPv4 in IP (RFC 2003).
pub const PROTO_IPIP: u8 = 4;
/// IPv6 in IP (RFC 4213's 6in4, and IPv6 in IPv6).
pub const PROTO_IPV6: u8 = 41;

/// Transport decoders by IP protocol number (IPv6: the last extension header's next header).
pub const IP_PROTOCOLS: &[(u8, Decoder)] = &[
    (ipv4::PROTO_TCP, tcp::decode),
    (ipv4::PROTO_UDP, udp::decode),
    (ipv4::PROTO_ICMP, icmp::decode),
    (ipv6::PROTO_ICMPV6, icmpv6::decode),
    (PROTO_IPIP, ipv4::decode),
    (PROTO_IPV6, ipv6::decode),
    (gre::IP_PROTOCOL, gre::decode),
    (ipv4::PROTO_IGMP, igmp::decode),
    (vrrp::PROTO_VRRP, vrrp::decode),
    (message::PROTO_EIGRP, message::eigrp),
    (message::PROTO_OSPF, message::ospf),
    (message::PROTO_PIM, message::pim),
    (ipsec::PROTO_AH, ipsec::decode_ah),
    (ipsec::PROTO_ESP, ipsec::decode_esp),
    (dccp::PROTO_DCCP, dccp::decode),
    (message::PROTO_PGM, message::pgm),
];

/// Decoders after an LLC header by SAP (UI frames whose two SAPs are equal), as
/// tcpdump's `llc_print` tests them.
pub const LLC_SAPS: &[(u8, Decoder)] = &[
    (llc::SAP_STP, stp::decode),
    (llc::SAP_ISONS, message::isoclns),
];

/// Decoders after a SNAP header by OUI and protocol id (`snap_print`); OUIs that carry an
/// ethertype go through [`ETHERTYPES`].
pub const SNAP_PIDS: &[((u32, u16), Decoder)] = &[
    ((llc::OUI_CISCO, cdp::PID), cdp::decode),
    ((llc::OUI_CISCO, 0x010b), stp::decode),
    ((llc::OUI_CISCO, 0x010c), stp::decode),
    ((llc::OUI_RFC2684, 0x000e), stp::decode),
    ((llc::OUI_CISCO, 0x0111), message::udld),
    ((llc::OUI_CISCO, 0x2003), message::vtp),
    ((llc::OUI_CISCO, 0x2004), message::dtp),
];

/// Application decoders by UDP port. The first entry naming either port wins, so the
/// order is tcpdump's (`udp_print`'s chain of `IS_SRC_OR_DST_PORT` tests).
pub const UDP_PORTS: &[(u16, Decoder)] = &[
    (dns::PORT, dns::decode_udp),
    (dns::MDNS_PORT, dns::decode_mdns),
    (69, tftp::decode),
    (68, bootp::decode),
    (67, bootp::decode),
    (message::UDP_RIP, message::rip),
    (500, isakmp::decode),
    (4500, isakmp::decode_natt),
    (7500, isakmp::decode),
    (8500, isakmp::decode),
    (161, snmp::decode),
    (162, snmp::decode),
    (123, ntp::decode),
    // ... after Kerberos in tcpdump's chain:
    (l2tp::PORT, l2tp::decode),
    // AFS RX: tcpdump's RX_PORT_LOW..=RX_PORT_HIGH.
    (message::UDP_RX_LOW, message::rx),
    (message::UDP_RX_LOW + 1, message::rx),
    (message::UDP_RX_LOW + 2, message::rx),
    (message::UDP_RX_LOW + 3, message::rx),
    (message::UDP_RX_LOW + 4, message::rx),
    (message::UDP_RX_LOW + 5, message::rx),
    (message::UDP_RX_LOW + 6, message::rx),
    (message::UDP_RX_LOW + 7, message::rx),
    (message::UDP_RX_LOW + 8, message::rx),
    (message::UDP_RX_LOW + 9, message::rx),
    (547, dhcp6::decode),
    (546, dhcp6::decode),
    (message::UDP_BABEL, message::babel),
    (message::UDP_BABEL_OLD, message::babel),
    (message::UDP_HNCP, message::hncp),
    (1645, radius::decode),
    (1812, radius::decode),
    (1646, radius::decode),
    (1813, radius::decode),
    (1700, radius::decode),
    (3799, radius::decode),
    // tcpdump tests HSRP and BFD by destination port only: their decoders check it.
    (hsrp::PORT, hsrp::decode),
    // Source port only, as tcpdump: the decoder checks it.
    (message::UDP_BCM_LI, message::bcm_li),
    (bfd::CONTROL_PORT, bfd::decode),
    (bfd::MULTIHOP_PORT, bfd::decode),
    (bfd::LAG_PORT, bfd::decode),
    (bfd::ECHO_PORT, bfd::decode),
    (message::UDP_LMP, message::lmp),
    (message::UDP_SFLOW, message::sflow),
    (514, syslog::decode),
    // ... after syslog in tcpdump's chain:
    (vxlan::OTV_PORT, vxlan::decode_otv),
    (vxlan::PORT, vxlan::decode),
    (geneve::PORT, geneve::decode),
    (message::UDP_LISP_CONTROL, message::lisp),
    (vxlan::GPE_PORT, vxlan::decode_gpe),
    // ... after ZEP:
    (mpls::UDP_PORT, mpls::decode),
    (ptp::EVENT_PORT, ptp::decode),
    (ptp::GENERAL_PORT, ptp::decode),
    // Not in tcpdump's chain (its text stays "UDP, length N"); last, so it takes nothing
    // from a port tcpdump prints; JSON reads it.
    (dns::LLMNR_PORT, dns::decode_llmnr),
];

/// Application decoders by TCP port, in tcpdump's order (`tcp_print`'s chain).
pub const TCP_PORTS: &[(u16, Decoder)] = &[
    (message::TCP_BGP, message::bgp),
    (pptp::PORT, pptp::decode),
    (message::TCP_RESP, message::resp),
    (message::TCP_SSH, message::ssh),
    (message::TCP_OPENFLOW_OLD, message::openflow),
    (message::TCP_OPENFLOW, message::openflow),
    (80, http::decode),
    (8080, http::decode),
    // After telnet, smtp, whois, bgp, pptp, redis, ssh, netbios, smb, beep, openflow,
    // ftp, http and rtsp in tcpdump's chain.
    (dns::PORT, dns::decode_tcp),
];

/// `-T TYPE`: tcpdump's name, then the decoder for UDP payloads and for TCP payloads.
pub const PACKET_TYPES: &[(&str, Option<Decoder>, Option<Decoder>)] = &[
    ("domain", Some(dns::decode_udp), Some(dns::decode_tcp)),
    ("tftp", Some(tftp::decode), None),
    ("radius", Some(radius::decode), None),
    ("vxlan", Some(vxlan::decode), None),
    ("resp", None, Some(message::resp)),
    ("snmp", Some(snmp::decode), None),
    ("rtp", Some(message::rtp), None),
    ("rtcp", Some(message::rtcp), None),
    ("zmtp1", None, Some(message::zmtp1)),
    ("pgm", Some(message::pgm), None),
    ("pgm_zmtp1", Some(message::pgm), None),
    ("lmp", Some(message::lmp), None),
];

fn lookup<K: PartialEq + Copy>(table: &[(K, Decoder)], key: K) -> Option<Decoder> {
    table.iter().find(|(k, _)| *k == key).map(|(_, d)| *d)
}

fn by_ports(table: &[(u16, Decoder)], sport: u16, dport: u16) -> Option<Decoder> {
    // tcpdump asks "is either port X?" for each protocol in turn: table order decides.
    table
        .iter()
        .find(|(p, _)| *p == sport || *p == dport)
        .map(|(_, d)| *d)
}

/// The decoder for what follows, from the registry (or the user's `-T`).
fn decoder_for(upper: Upper, opts: &Options) -> Option<Decoder> {
    match upper {
        Upper::Ethertype(t) => lookup(ETHERTYPES, t),
        Upper::AddressFamily(f) => lookup(ADDRESS_FAMILIES, f),
        Upper::IpVersion(v) => lookup(IP_VERSIONS, v),
        Upper::IpProtocol(p) => lookup(IP_PROTOCOLS, p),
        Upper::Llc => Some(llc::decode),
        Upper::LlcSap(s) => lookup(LLC_SAPS, s),
        Upper::Snap(oui, pid) => lookup(SNAP_PIDS, (oui, pid)),
        Upper::UdpPorts(s, d) => opts.udp_as.or_else(|| by_ports(UDP_PORTS, s, d)),
        // With any -T, tcp_print hands payloads only to -T's printer, never by port.
        Upper::TcpPorts(..) if opts.udp_as.is_some() || opts.tcp_as.is_some() || opts.carp => {
            opts.tcp_as
        }
        Upper::TcpPorts(s, d) => by_ports(TCP_PORTS, s, d),
        Upper::Ethernet => Some(ethernet::decode),
        Upper::Ppp => Some(ppp::decode),
        Upper::Nothing | Upper::Stop(_) => None,
    }
}

/// Decodes one packet of link type `link_type`: `data` captured of `orig_len` on the wire.
pub fn decode(link_type: LinkType, data: &[u8], orig_len: u32) -> Decoded<'_> {
    decode_with(link_type, data, orig_len, Options::default())
}

/// [`decode`] with the user's decoding choices (`-T`).
pub fn decode_with(link_type: LinkType, data: &[u8], orig_len: u32, opts: Options) -> Decoded<'_> {
    let mut d = Decoded {
        link_type,
        // Room for a frame with two VLAN tags and a transport header: one allocation.
        layers: Vec::with_capacity(6),
        link_len: 0,
        stop: None,
    };
    let Some(link) = lookup(LINK_TYPES, link_type) else {
        d.stop = Some(Stop {
            protocol: "link",
            reason: StopReason::Unsupported,
            offset: 0,
        });
        return d;
    };
    let mut cx = Context {
        wire_len: Some(orig_len),
        ip: None,
        opts,
    };
    let next = link(data, &mut cx, &mut d.layers);
    // Where the rest starts (a link decoder may also cut the rest's end: an 802.3 length
    // field's padding, a MACsec ICV).
    d.link_len = offset_in(data, next.rest).unwrap_or(data.len() - next.rest.len());
    let protocol = d.layers.last().map_or(link_name(link_type), Layer::name);
    d.stop = walk(data, next, protocol, &mut cx, &mut d.layers);
    d.link_len += llc_header_len(&d.layers);
    d
}

/// The offset of `part` in `whole`, when it lies there.
fn offset_in(whole: &[u8], part: &[u8]) -> Option<usize> {
    let (base, start) = (whole.as_ptr() as usize, part.as_ptr() as usize);
    (start >= base && start + part.len() <= base + whole.len()).then(|| start - base)
}

/// tcpdump counts an 802.2 LLC header after an Ethernet length field as link-level (its
/// `ether_print` returns it with the Ethernet header's length, where -x starts): 3 or 4
/// bytes, and a SNAP header's 5 more.
fn llc_header_len(layers: &[Layer<'_>]) -> usize {
    let llc = layers
        .iter()
        .find(|l| !matches!(l, Layer::Ethernet(_) | Layer::Vlan(_)));
    match (layers.first(), llc) {
        (Some(Layer::Ethernet(_)), Some(Layer::Llc(l))) if !l.is_raw_ipx() => l
            .header()
            .filter(|h| h.header_len() <= l.raw.len())
            .map_or(0, |h| h.header_len() + if h.is_snap() { 5 } else { 0 }),
        _ => 0,
    }
}

/// Decodes an IPv4 datagram quoted inside an ICMP error (its length on the wire unknown).
pub fn decode_quoted_ipv4(bytes: &[u8]) -> Decoded<'_> {
    let mut d = Decoded {
        link_type: LinkType::IPV4,
        layers: Vec::new(),
        link_len: 0,
        stop: None,
    };
    let next = Next {
        rest: bytes,
        upper: Upper::Ethertype(ethernet::IPV4),
    };
    let mut cx = Context::default();
    d.stop = walk(bytes, next, "ip", &mut cx, &mut d.layers);
    d
}

/// Hands what follows to its registered decoder until one says nothing follows.
fn walk<'a>(
    data: &'a [u8],
    mut next: Next<'a>,
    mut protocol: &'static str,
    cx: &mut Context,
    layers: &mut Vec<Layer<'a>>,
) -> Option<Stop> {
    loop {
        let offset = data.len() - next.rest.len();
        match next.upper {
            Upper::Nothing => return None,
            Upper::Stop(reason) => {
                return Some(Stop {
                    protocol,
                    reason,
                    offset: layer_start(data, layers).unwrap_or(offset),
                })
            }
            upper => match decoder_for(upper, &cx.opts) {
                Some(dec) => {
                    next = dec(next.rest, cx, layers);
                    protocol = layers.last().map_or("unknown", Layer::name);
                }
                // Payload of TCP or UDP with no decoder for its ports: the segment's own
                // layer already holds it, and nothing stopped early.
                None if matches!(upper, Upper::UdpPorts(..) | Upper::TcpPorts(..)) => return None,
                None => {
                    layers.push(Layer::Unknown(Unknown {
                        what: upper,
                        bytes: next.rest,
                    }));
                    return Some(Stop {
                        protocol,
                        reason: StopReason::Unsupported,
                        offset,
                    });
                }
            },
        }
    }
}

/// Offset of the last layer's first byte, where a layer knows its bytes.
fn layer_start(data: &[u8], layers: &[Layer<'_>]) -> Option<usize> {
    let bytes = match layers.last()? {
        Layer::Arp(a) => a.raw,
        Layer::Ipv4(i) => i.raw,
        Layer::Ipv6(i) => i.raw,
        Layer::Tcp(t) => t.raw,
        Layer::Udp(u) => u.raw,
        Layer::Icmp(i) => i.raw,
        Layer::Icmpv6(i) => i.raw,
        Layer::Ntp(n) => n.raw,
        Layer::Bootp(b) => b.raw,
        Layer::Dhcp6(d) => d.raw,
        Layer::Syslog(s) => s.raw,
        Layer::Tftp(t) => t.raw,
        Layer::Http(h) => h.raw,
        Layer::Radius(r) => r.raw,
        Layer::Igmp(g) => g.raw,
        Layer::Llc(l) => l.raw,
        Layer::Stp(s) => s.raw,
        Layer::Vrrp(v) => v.raw,
        Layer::Hsrp(h) => h.raw,
        Layer::Bfd(b) => b.raw,
        Layer::Ptp(p) => p.raw,
        Layer::Slow(s) => s.raw,
        Layer::Cdp(c) => c.raw,
        Layer::Lldp(l) => l.raw,
        Layer::Macsec(m) => m.raw,
        Layer::Dns(d) => d.payload,
        Layer::Message(m) => m.raw,
        Layer::Ah(a) => a.raw,
        Layer::Esp(e) => e.raw,
        Layer::Dccp(d) => d.raw,
        Layer::Isakmp(i) => i.raw,
        Layer::Snmp(s) => s.raw,
        Layer::Ethernet(_)
        | Layer::Sll(_)
        | Layer::Sll2(_)
        | Layer::Null(_)
        | Layer::Vlan(_)
        | Layer::Mpls(_)
        | Layer::Ppp(_)
        | Layer::L2tp(_)
        | Layer::NatT(_)
        | Layer::Unknown(_) => return None,
        Layer::Gre(g) => g.raw,
        Layer::Vxlan(v) => v.raw,
        Layer::Geneve(g) => g.raw,
        Layer::Nsh(n) => n.raw,
        Layer::Pppoe(p) => p.raw,
        Layer::Pptp(p) => p.raw,
    };
    let start = bytes.as_ptr() as usize;
    let base = data.as_ptr() as usize;
    (start >= base && start <= base + data.len()).then(|| start - base)
}

/// tcpdump's short name for a link type's header.
fn link_name(link_type: LinkType) -> &'static str {
    match link_type {
        LinkType::ETHERNET => "ether",
        LinkType::LINUX_SLL => "sll",
        LinkType::LINUX_SLL2 => "sll2",
        LinkType::NULL | LinkType::LOOP => "null",
        LinkType::RAW | LinkType::IPV4 | LinkType::IPV6 => "ipn",
        LinkType::PPP => "ppp",
        _ => "link",
    }
}

impl Layer<'_> {
    /// tcpdump's short name for the layer's protocol.
    pub fn name(&self) -> &'static str {
        match self {
            Layer::Ethernet(_) => "ether",
            Layer::Sll(_) => "sll",
            Layer::Sll2(_) => "sll2",
            Layer::Null(_) => "null",
            Layer::Vlan(_) => "vlan",
            Layer::Arp(_) => "arp",
            Layer::Ipv4(_) => "ip",
            Layer::Ipv6(_) => "ip6",
            Layer::Tcp(_) => "tcp",
            Layer::Udp(_) => "udp",
            Layer::Icmp(_) => "icmp",
            Layer::Icmpv6(_) => "icmp6",
            Layer::Gre(_) => "gre",
            Layer::Vxlan(v) => match v.kind {
                vxlan::Kind::Vxlan => "vxlan",
                vxlan::Kind::Gpe => "vxlan_gpe",
                vxlan::Kind::Otv => "otv",
            },
            Layer::Geneve(_) => "geneve",
            Layer::Mpls(_) => "mpls",
            Layer::Nsh(_) => "nsh",
            Layer::Pppoe(_) => "pppoe",
            Layer::Ppp(_) => "ppp",
            Layer::L2tp(_) => "l2tp",
            Layer::Pptp(_) => "pptp",
            Layer::Ntp(_) => "ntp",
            Layer::Bootp(_) => "bootp",
            Layer::Dhcp6(_) => "dhcp6",
            Layer::Syslog(_) => "syslog",
            Layer::Tftp(_) => "tftp",
            Layer::Http(_) => "http",
            Layer::Radius(_) => "radius",
            Layer::Igmp(_) => "igmp",
            Layer::Llc(_) => "llc",
            Layer::Stp(_) => "stp",
            Layer::Vrrp(v) if v.carp => "carp",
            Layer::Vrrp(_) => "vrrp",
            Layer::Hsrp(_) => "hsrp",
            Layer::Bfd(_) => "bfd",
            Layer::Ptp(_) => "ptp",
            Layer::Slow(_) => "slow",
            Layer::Cdp(_) => "cdp",
            Layer::Lldp(_) => "lldp",
            Layer::Macsec(_) => "macsec",
            Layer::Dns(_) => "domain",
            Layer::Message(m) => m.proto.name(),
            Layer::Ah(_) => "ah",
            Layer::Esp(_) => "esp",
            Layer::Dccp(_) => "dccp",
            Layer::Isakmp(_) => "isakmp",
            Layer::NatT(_) => "isakmp_rfc3948",
            Layer::Snmp(_) => "snmp",
            Layer::Unknown(_) => "unknown",
        }
    }
}

/// The destination port of the UDP datagram whose payload is being decoded (the last layer),
/// for protocols tcpdump recognises by destination port only.
pub(crate) fn udp_dport(layers: &[Layer<'_>]) -> Option<u16> {
    match layers.last()? {
        Layer::Udp(u) => u.ports().map(|(_, d)| d),
        _ => None,
    }
}

/// A big-endian u16 at `at`, if captured.
pub(crate) fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at.checked_add(1)?)?,
    ]))
}

/// A big-endian u32 at `at`, if captured.
pub(crate) fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// `N` bytes at `at`, if captured.
pub(crate) fn array<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

#[cfg(test)]
mod tests;
