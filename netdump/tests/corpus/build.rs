//! How one corpus frame is described and built: link, IP and transport layers for
//! etherparse, then the bytes changed afterwards; and raw frames etherparse does not build.

use etherparse::{PacketBuilder, PacketBuilderStep, VlanId};

pub const A: [u8; 4] = [198, 18, 0, 1];
pub const B: [u8; 4] = [198, 18, 0, 2];
pub const A6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
pub const B6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
pub const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
pub const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];

/// The link layer.
#[derive(Clone, Copy)]
pub enum Link {
    /// Ethernet from the first MAC to the second.
    Eth([u8; 6], [u8; 6]),
    /// Ethernet A -> B with one 802.1Q tag of this VLAN id.
    Vlan(u16),
    /// None: the frame starts at the IP header.
    Bare,
}

/// Ethernet MAC_A -> MAC_B.
pub const AB: Link = Link::Eth(MAC_A, MAC_B);
/// Ethernet MAC_B -> MAC_A.
pub const BA: Link = Link::Eth(MAC_B, MAC_A);

/// The IP layer: source, destination, TTL or hop limit.
#[derive(Clone, Copy)]
pub enum Ip {
    V4([u8; 4], [u8; 4], u8),
    V6([u8; 16], [u8; 16], u8),
}

/// A TCP header. `flags` in tcpdump's letters: S F R P U (urgent pointer `urp`), . (ACK of
/// `ack`), E (ECE), W (CWR).
#[derive(Clone, Copy)]
pub struct Tcp {
    pub ports: (u16, u16),
    pub seq: u32,
    pub ack: u32,
    pub win: u16,
    pub flags: &'static str,
    pub urp: u16,
    pub opts: &'static [u8],
}

/// The transport layer; ICMP is ICMPv4 or ICMPv6 after the IP version.
#[derive(Clone, Copy)]
pub enum L4 {
    Udp(u16, u16),
    Tcp(Tcp),
    /// Echo request: id, sequence.
    EchoRequest(u16, u16),
    /// Echo reply: id, sequence.
    EchoReply(u16, u16),
    /// Any ICMP message: type, code, header bytes 5 to 8.
    Icmp(u8, u8, [u8; 4]),
}

/// The frame etherparse builds from these layers and `payload`.
pub fn build(link: Link, ip: Ip, l4: L4, payload: &[u8]) -> Vec<u8> {
    let vlan =
        |vid| PacketBuilder::ethernet2(MAC_A, MAC_B).single_vlan(VlanId::try_new(vid).unwrap());
    let step = match (link, ip) {
        (Link::Eth(s, d), Ip::V4(src, dst, ttl)) => {
            PacketBuilder::ethernet2(s, d).ipv4(src, dst, ttl)
        }
        (Link::Eth(s, d), Ip::V6(src, dst, hops)) => {
            PacketBuilder::ethernet2(s, d).ipv6(src, dst, hops)
        }
        (Link::Vlan(vid), Ip::V4(src, dst, ttl)) => vlan(vid).ipv4(src, dst, ttl),
        (Link::Vlan(vid), Ip::V6(src, dst, hops)) => vlan(vid).ipv6(src, dst, hops),
        (Link::Bare, Ip::V4(src, dst, ttl)) => PacketBuilder::ipv4(src, dst, ttl),
        (Link::Bare, Ip::V6(src, dst, hops)) => PacketBuilder::ipv6(src, dst, hops),
    };
    let v6 = matches!(ip, Ip::V6(..));
    let mut f = Vec::new();
    match l4 {
        L4::Udp(sp, dp) => step.udp(sp, dp).write(&mut f, payload),
        L4::Tcp(t) => {
            let mut tcp = step.tcp(t.ports.0, t.ports.1, t.seq, t.win);
            for flag in t.flags.chars() {
                tcp = match flag {
                    'S' => tcp.syn(),
                    'F' => tcp.fin(),
                    'R' => tcp.rst(),
                    'P' => tcp.psh(),
                    'U' => tcp.urg(t.urp),
                    '.' => tcp.ack(t.ack),
                    'E' => tcp.ece(),
                    'W' => tcp.cwr(),
                    _ => panic!("TCP flag {flag}?"),
                };
            }
            tcp.options_raw(t.opts).unwrap().write(&mut f, payload)
        }
        L4::EchoRequest(id, seq) if v6 => step.icmpv6_echo_request(id, seq).write(&mut f, payload),
        L4::EchoRequest(id, seq) => step.icmpv4_echo_request(id, seq).write(&mut f, payload),
        L4::EchoReply(id, seq) if v6 => step.icmpv6_echo_reply(id, seq).write(&mut f, payload),
        L4::EchoReply(id, seq) => step.icmpv4_echo_reply(id, seq).write(&mut f, payload),
        L4::Icmp(ty, code, rest) if v6 => step.icmpv6_raw(ty, code, rest).write(&mut f, payload),
        L4::Icmp(ty, code, rest) => step.icmpv4_raw(ty, code, rest).write(&mut f, payload),
    }
    .unwrap();
    f
}

/// A change made to a built frame.
#[derive(Clone, Copy)]
pub enum Poke {
    /// Byte `at` becomes `v`.
    Set(usize, u8),
    /// Byte `at` is XORed with `v`.
    Xor(usize, u8),
    /// The frame is cut or zero-padded to this length.
    Len(usize),
    /// The IPv4 header checksum (of the header after Ethernet) is recomputed.
    Checksum,
}

/// `f` with `pokes` applied in order.
pub fn poke(mut f: Vec<u8>, pokes: &[Poke]) -> Vec<u8> {
    for p in pokes {
        match *p {
            Poke::Set(at, v) => f[at] = v,
            Poke::Xor(at, v) => f[at] ^= v,
            Poke::Len(n) => f.resize(n, 0),
            Poke::Checksum => fix_ipv4_checksum(&mut f, 14),
        }
    }
    f
}

pub fn eth() -> PacketBuilderStep<etherparse::Ethernet2Header> {
    PacketBuilder::ethernet2(MAC_A, MAC_B)
}

pub fn eth_rev() -> PacketBuilderStep<etherparse::Ethernet2Header> {
    PacketBuilder::ethernet2(MAC_B, MAC_A)
}

/// The IPv4 header checksum over the header at `at`.
pub fn fix_ipv4_checksum(f: &mut [u8], at: usize) {
    let ihl = usize::from(f[at] & 0x0f) * 4;
    f[at + 10] = 0;
    f[at + 11] = 0;
    let mut sum = 0u32;
    for i in (0..ihl).step_by(2) {
        sum += u32::from(u16::from_be_bytes([f[at + i], f[at + i + 1]]));
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    let c = !(sum as u16);
    f[at + 10..at + 12].copy_from_slice(&c.to_be_bytes());
}

/// An Ethernet frame MAC_A -> MAC_B of any ethertype.
pub fn raw_eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&MAC_B);
    f.extend_from_slice(&MAC_A);
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

pub fn arp(op: u16, sha: [u8; 6], spa: [u8; 4], tha: [u8; 6], tpa: [u8; 4]) -> Vec<u8> {
    let mut p = vec![0, 1, 8, 0, 6, 4];
    p.extend_from_slice(&op.to_be_bytes());
    p.extend_from_slice(&sha);
    p.extend_from_slice(&spa);
    p.extend_from_slice(&tha);
    p.extend_from_slice(&tpa);
    raw_eth(0x0806, &p)
}

/// An IPv6 packet with raw extension headers: `exts` is (next header, bytes) per header.
pub fn ipv6_raw(
    first_nh: u8,
    exts: &[&[u8]],
    payload: &[u8],
    src: [u8; 16],
    dst: [u8; 16],
) -> Vec<u8> {
    let mut body = Vec::new();
    for e in exts {
        body.extend_from_slice(e);
    }
    body.extend_from_slice(payload);
    let mut ip = vec![0x60, 0, 0, 0];
    ip.extend_from_slice(&(body.len() as u16).to_be_bytes());
    ip.push(first_nh);
    ip.push(1);
    ip.extend_from_slice(&src);
    ip.extend_from_slice(&dst);
    ip.extend_from_slice(&body);
    raw_eth(0x86dd, &ip)
}
