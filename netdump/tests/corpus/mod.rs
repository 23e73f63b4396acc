//! Crafted Ethernet frames shared by the printer and filter tests, built from tables: each
//! row is a name, the layers etherparse builds ([`build`]) and the bytes changed afterwards
//! ([`poke`]), or a frame built by hand ([`arp`], [`raw_eth`], [`ipv6_raw`]).
#![allow(dead_code, reason = "each test binary uses a different subset")]

mod build;

pub use build::*;
use build::{
    Ip::{V4, V6},
    Poke::{Checksum, Len, Set, Xor},
    L4::{EchoReply, EchoRequest, Icmp, Udp},
};

/// TCP options of a SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
const SYN_OPTS: &[u8] = &[
    2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
];
/// NOP, NOP, timestamps.
const TS_OPTS: &[u8] = &[1, 1, 8, 10, 0, 0, 0, 2, 0, 0, 0, 3];
/// NOP, NOP, SACK of one block.
const SACK_OPTS: &[u8] = &[1, 1, 5, 10, 0, 0x1e, 0x84, 0xa1, 0, 0x1e, 0x84, 0xc1];

/// A TCP header: ports, sequence, acknowledgment, window, flags, options.
fn t(
    ports: (u16, u16),
    seq: u32,
    ack: u32,
    win: u16,
    flags: &'static str,
    opts: &'static [u8],
) -> Tcp {
    Tcp {
        ports,
        seq,
        ack,
        win,
        flags,
        opts,
        urp: 0,
    }
}

fn tcp(
    ports: (u16, u16),
    seq: u32,
    ack: u32,
    win: u16,
    flags: &'static str,
    opts: &'static [u8],
) -> L4 {
    L4::Tcp(t(ports, seq, ack, win, flags, opts))
}

/// The printer corpus: every frame tcpdump and netdump must print alike.
pub fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let p32: Vec<u8> = (0..32u8).map(|i| b'a' + (i % 26)).collect();
    let v4ab = V4(A, B, 64);
    let v4ba = V4(B, A, 64);
    let v6ab = V6(A6, B6, 64);
    let udp = build(AB, v4ab, Udp(40001, 40002), &p32);
    let udp6 = build(AB, v6ab, Udp(40001, 40002), &p32);
    // The start of that UDP datagram, as an ICMP error quotes it.
    let quoted = build(Link::Bare, v4ab, Udp(40001, 40002), &p32)[..28].to_vec();
    let ns = [&B6[..], &[1, 1], &MAC_A].concat();
    let na = [&B6[..], &[2, 1], &MAC_B].concat();
    // MLDv2 report behind a hop-by-hop header with router alert (as Linux sends it).
    let hbh: &[u8] = &[58, 0, 5, 2, 0, 0, 1, 0];
    let mld: &[u8] = &[
        143, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 2,
    ];
    let ff02_16 = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16];
    let dst_opts: &[u8] = &[17, 0, 1, 4, 0, 0, 0, 0];
    let udp_abcd: &[u8] = &[0x9c, 0x41, 0x9c, 0x42, 0, 12, 0, 0, b'a', b'b', b'c', b'd'];
    let frag_first: &[u8] = &[17, 0, 0, 1, 0x12, 0x34, 0x56, 0x78];
    let frag_later: &[u8] = &[17, 0, 0, 0x10, 0x12, 0x34, 0x56, 0x78];
    // One row per frame: name, then link, IP, transport and payload, or the raw frame.
    #[rustfmt::skip]
    let rows = vec![
        ("udp", udp.clone()),
        ("udp empty", build(AB, v4ab, Udp(40001, 40002), &[])),
        ("tcp syn", build(AB, v4ab, tcp((40100, 40080), 1_000_000, 0, 64240, "S", SYN_OPTS), &[])),
        ("tcp syn-ack", build(BA, v4ba, tcp((40080, 40100), 2_000_000, 1_000_001, 65160, "S.", SYN_OPTS), &[])),
        ("tcp ack", build(AB, v4ab, tcp((40100, 40080), 1_000_001, 2_000_001, 502, ".", TS_OPTS), &[])),
        ("tcp data", build(AB, v4ab, tcp((40100, 40080), 1_000_001, 2_000_001, 502, "P.", TS_OPTS), &p32)),
        ("tcp ack with sack", build(BA, v4ba, tcp((40080, 40100), 2_000_001, 1_000_033, 509, ".", SACK_OPTS), &[])),
        ("tcp fin", build(AB, v4ab, tcp((40100, 40080), 1_000_033, 2_000_001, 502, "F.", &[]), &[])),
        ("tcp rst", build(BA, v4ba, tcp((40080, 40100), 2_000_001, 0, 0, "R", &[]), &[])),
        ("tcp urg ece cwr", build(AB, v4ab, L4::Tcp(Tcp { urp: 5, ..t((40200, 40080), 77, 1, 1024, "U.EW", &[]) }), &p32)),
        ("icmp echo request", build(AB, v4ab, EchoRequest(4242, 1), &[7; 56])),
        ("icmp echo reply", build(BA, v4ba, EchoReply(4242, 1), &[7; 56])),
        // Port unreachable and time exceeded, quoting the UDP datagram above.
        ("icmp port unreachable", build(BA, v4ba, Icmp(3, 3, [0; 4]), &quoted)),
        ("icmp time exceeded", build(BA, v4ba, Icmp(11, 0, [0; 4]), &quoted)),
        ("udp6", udp6.clone()),
        ("tcp6 syn", build(AB, v6ab, tcp((40100, 40080), 5, 0, 64800, "S", SYN_OPTS), &[])),
        ("icmp6 echo request", build(AB, v6ab, EchoRequest(7, 3), &[1; 56])),
        ("icmp6 echo reply", build(BA, V6(B6, A6, 64), EchoReply(7, 3), &[1; 56])),
        ("icmp6 neighbor solicitation", build(AB, V6(A6, B6, 255), Icmp(135, 0, [0; 4]), &ns)),
        ("icmp6 neighbor advertisement", build(BA, V6(B6, A6, 255), Icmp(136, 0, [0x60, 0, 0, 0]), &na)),
        ("icmp6 router solicitation", build(AB, V6(A6, B6, 255), Icmp(133, 0, [0; 4]), &[])),
        ("mldv2 report behind hbh", ipv6_raw(0, &[hbh], mld, A6, ff02_16)),
        ("udp6 behind destination options", ipv6_raw(60, &[dst_opts], udp_abcd, A6, B6)),
        ("udp6 first fragment", ipv6_raw(44, &[frag_first], udp_abcd, A6, B6)),
        ("udp6 later fragment", ipv6_raw(44, &[frag_later], b"12345678", A6, B6)),
        ("vlan 20 udp", build(Link::Vlan(20), v4ab, Udp(40001, 40002), &p32)),
        ("vlan 7 icmp6", build(Link::Vlan(7), v6ab, EchoRequest(1, 1), &[0; 8])),
        ("arp request", arp(1, MAC_A, A, [0; 6], B)),
        ("arp reply", arp(2, MAC_B, B, MAC_A, A)),
        ("arp request padded to 60", poke(arp(1, MAC_A, A, [0; 6], B), &[Len(60)])),
        ("unknown ethertype", raw_eth(0x88b5, &[0xde, 0xad, 0xbe, 0xef, 1, 2, 3])),
        // Offset 185 (1480 bytes), no transport header.
        ("ipv4 later fragment", poke(udp.clone(), &[Set(20, 0), Set(21, 185), Checksum])),
        ("ipv4 first fragment", poke(udp.clone(), &[Set(20, 0x20), Checksum])),
        ("ipv4 protocol 253", poke(udp.clone(), &[Set(23, 253), Checksum])),
        // Don't-fragment and a TOS with ECN.
        ("ipv4 df tos ecn", poke(udp.clone(), &[Set(15, 0xb8 | 2), Set(20, 0x40), Checksum])),
        // -v says so.
        ("ipv4 bad checksum", poke(udp.clone(), &[Xor(24, 0xff)])),
        ("udp bad checksum", poke(udp.clone(), &[Xor(40, 0x55)])),
        // Short on the wire (not cut by a snap length): the IP header claims more.
        ("udp frame shorter than its ip length", poke(udp.clone(), &[Len(44)])),
        ("udp6 frame shorter than its payload length", poke(udp6, &[Len(70)])),
        ("ipv4 ihl 3", poke(udp.clone(), &[Set(14, 0x43)])),
        ("ip version 5", poke(udp.clone(), &[Set(14, 0x55)])),
        ("ip version 6 in ipv4", poke(udp, &[Set(14, 0x65)])),
    ];
    rows
}

/// Frames cut short, as a small snap length would leave them: (name, frame, bytes kept).
pub fn truncated() -> Vec<(&'static str, Vec<u8>, usize)> {
    let all = corpus();
    let get = |n: &str| all.iter().find(|(name, _)| *name == n).unwrap().1.clone();
    vec![
        ("udp cut in ports", get("udp"), 14 + 20 + 2),
        ("udp cut after header", get("udp"), 14 + 20 + 8),
        ("tcp syn cut in options", get("tcp syn"), 14 + 20 + 24),
        ("tcp cut in header", get("tcp data"), 14 + 20 + 10),
        ("icmp cut after type", get("icmp echo request"), 14 + 20 + 2),
        ("ipv4 cut in header", get("udp"), 14 + 12),
        ("ethernet only", get("udp"), 14),
        ("shorter than ethernet", get("udp"), 10),
    ]
}

/// A larger corpus for filter verdicts: the printer corpus, its truncations, and generated
/// variations over addresses, ports, TCP flags, ICMP types, VLANs (single and QinQ),
/// fragments, IPv4 options, GRE, multicast and broadcast, and malformed headers.
pub fn filter_corpus() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, f) in corpus() {
        out.push((name.to_string(), f));
    }
    for (name, f, keep) in truncated() {
        out.push((name.to_string(), f[..keep].to_vec()));
    }
    let hosts: [[u8; 4]; 4] = [
        [198, 18, 0, 1],
        [198, 18, 0, 7],
        [198, 19, 1, 1],
        [10, 1, 2, 3],
    ];
    let ports = [53u16, 80, 443, 8080, 8443, 40002];
    let payload: &[u8] = b"netdump filter corpus payload..";
    // UDP over every host pair and port.
    for (i, s) in hosts.iter().enumerate() {
        for (j, d) in hosts.iter().enumerate() {
            if i == j {
                continue;
            }
            for (k, p) in ports.iter().enumerate() {
                if (i + j + k) % 3 != 0 {
                    continue;
                }
                let f = build(AB, V4(*s, *d, 64), Udp(30000 + k as u16, *p), payload);
                out.push((format!("udp {s:?}->{d:?}:{p}"), f));
            }
        }
    }
    // TCP with every flag combination that matters, on a few ports; the flag byte (offset
    // 14 + 20 + 13) is set directly.
    let flags: [(&str, u8); 7] = [
        ("S", 0x02),
        ("S.", 0x12),
        (".", 0x10),
        ("P.", 0x18),
        ("F.", 0x11),
        ("R", 0x04),
        ("R.", 0x14),
    ];
    for (fi, (fname, bits)) in flags.iter().enumerate() {
        for (pi, p) in [80u16, 443, 8080, 22].iter().enumerate() {
            let src = hosts[(fi + pi) % hosts.len()];
            let dst = hosts[(fi + pi + 1) % hosts.len()];
            let opts: &[u8] = if bits & 0x02 != 0 {
                &[2, 4, 5, 180, 1, 1, 4, 2]
            } else {
                &[]
            };
            let tcp = tcp((40000 + pi as u16, *p), 1000, 0, 512, "", opts);
            let data = if bits & 0x08 != 0 { payload } else { &[] };
            let f = build(AB, V4(src, dst, 64), tcp, data);
            out.push((
                format!("tcp [{fname}] :{p}"),
                poke(f, &[Set(14 + 20 + 13, *bits)]),
            ));
        }
    }
    // ICMP types.
    for (ty, code) in [(0u8, 0u8), (3, 1), (3, 3), (5, 1), (8, 0), (11, 0), (13, 0)] {
        let f = build(
            AB,
            V4(A, hosts[1], 64),
            Icmp(ty, code, [0, 1, 0, 2]),
            &[0; 28],
        );
        out.push((format!("icmp {ty}/{code}"), f));
    }
    // IPv6 TCP/UDP/ICMPv6 with a second address pair.
    let c6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
    for p in [53u16, 443] {
        let f = build(AB, V6(A6, c6, 64), Udp(5353, p), payload);
        out.push((format!("udp6 :{p}"), f));
        let syn = tcp((p, 40000), 9, 0, 100, "S", &[]);
        out.push((
            format!("tcp6 syn from :{p}"),
            build(AB, V6(c6, B6, 64), syn, &[]),
        ));
    }
    // VLAN-tagged variants, single and stacked (QinQ with an 802.1ad outer tag).
    for vid in [10u16, 20, 4094] {
        for p in [80u16, 53] {
            let f = build(
                Link::Vlan(vid),
                V4(A, B, 64),
                tcp((40000, p), 1, 0, 100, "S", &[]),
                &[],
            );
            out.push((format!("vlan {vid} tcp :{p}"), f));
        }
        let f = build(Link::Vlan(vid), V6(A6, B6, 64), Udp(1, 53), payload);
        out.push((format!("vlan {vid} udp6"), f));
    }
    let inner = build(Link::Bare, V4(A, B, 64), Udp(1, 53), payload);
    let qinq = [
        &MAC_B[..],
        &MAC_A,
        &[0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x14, 0x08, 0x00],
        &inner,
    ]
    .concat();
    out.push(("qinq 100/20 udp".to_string(), qinq));
    // IPv4 options (router alert) on a UDP datagram: IHL 6.
    let f = build(AB, V4(A, B, 1), Udp(1, 40002), payload);
    let mut opt = [&f[..34], &[148, 4, 0, 0], &f[34..]].concat();
    opt[14] = 0x46;
    let tl = u16::from_be_bytes([opt[16], opt[17]]) + 4;
    opt[16..18].copy_from_slice(&tl.to_be_bytes());
    fix_ipv4_checksum(&mut opt, 14);
    out.push(("ipv4 options udp".to_string(), opt));
    // GRE carrying IPv4.
    let gre_payload = [&[0x00, 0x00, 0x08, 0x00][..], &inner].concat();
    let f = build(AB, V4(A, hosts[2], 64), Udp(1, 1), &gre_payload);
    let mut gre = [&f[..34], &gre_payload].concat();
    gre[23] = 47;
    let tl = (20 + gre_payload.len()) as u16;
    gre[16..18].copy_from_slice(&tl.to_be_bytes());
    fix_ipv4_checksum(&mut gre, 14);
    out.push(("gre ipv4".to_string(), gre));
    // Fragments: first (MF) and later (offset) for TCP and UDP.
    for (name, frag) in [
        ("first", 0x2000u16),
        ("later", 0x00b9),
        ("later+mf", 0x20b9),
    ] {
        let [hi, lo] = frag.to_be_bytes();
        for proto in [6u8, 17] {
            let f = build(AB, V4(A, B, 64), Udp(40001, 80), payload);
            let f = poke(f, &[Set(20, hi), Set(21, lo), Set(23, proto), Checksum]);
            out.push((format!("fragment {name} proto {proto}"), f));
        }
    }
    // Multicast and broadcast, at both layers.
    let to = |mac| Link::Eth(MAC_A, mac);
    let all_nodes = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    for (name, f) in [
        (
            "ipv4 multicast",
            build(
                to([1, 0, 0x5e, 0, 0, 1]),
                V4(A, [224, 0, 0, 1], 1),
                Udp(1, 5353),
                payload,
            ),
        ),
        (
            "ipv4 broadcast",
            build(to([0xff; 6]), V4(A, [255; 4], 64), Udp(68, 67), payload),
        ),
        (
            "ipv6 multicast",
            build(
                to([0x33, 0x33, 0, 0, 0, 1]),
                V6(A6, all_nodes, 1),
                EchoRequest(1, 1),
                &[],
            ),
        ),
    ] {
        out.push((name.to_string(), f));
    }
    // Malformed: IHL below 5, version 5, a UDP length past the end, a TCP offset below 5.
    let base = build(AB, V4(A, B, 64), Udp(1, 53), payload);
    for (name, at, v) in [
        ("ihl 3", 14usize, 0x43u8),
        ("version 5", 14, 0x55),
        ("udp len huge", 38, 0xff),
    ] {
        out.push((
            format!("malformed {name}"),
            poke(base.clone(), &[Set(at, v)]),
        ));
    }
    let f = build(AB, V4(A, B, 64), tcp((1, 80), 1, 0, 1, "S", &[]), &[]);
    let f = poke(f, &[Set(14 + 20 + 12, 0x20)]);
    out.push(("malformed tcp offset 2".to_string(), f));
    // Each of the generated frames again, cut short at the transport header.
    let cut: Vec<(String, Vec<u8>)> = out
        .iter()
        .filter(|(n, f)| f.len() > 40 && (n.starts_with("tcp [") || n.starts_with("udp ")))
        .step_by(3)
        .map(|(n, f)| (format!("{n} cut at 38"), f[..38].to_vec()))
        .collect();
    out.extend(cut);
    out
}
