//! Crafted Ethernet frames shared by the printer and filter tests.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use etherparse::PacketBuilder;

pub const A: [u8; 4] = [198, 18, 0, 1];
pub const B: [u8; 4] = [198, 18, 0, 2];
pub const A6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
pub const B6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
pub const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
pub const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];

pub fn eth() -> etherparse::PacketBuilderStep<etherparse::Ethernet2Header> {
    PacketBuilder::ethernet2(MAC_A, MAC_B)
}

pub fn eth_rev() -> etherparse::PacketBuilderStep<etherparse::Ethernet2Header> {
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

pub fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let mut c: Vec<(&'static str, Vec<u8>)> = Vec::new();
    let mut push = |name: &'static str, f: Vec<u8>| c.push((name, f));
    let payload32: Vec<u8> = (0..32u8).map(|i| b'a' + (i % 26)).collect();

    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .udp(40001, 40002)
        .write(&mut f, &payload32)
        .unwrap();
    push("udp", f);
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .udp(40001, 40002)
        .write(&mut f, &[])
        .unwrap();
    push("udp empty", f);

    let syn_opts = [
        2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
    ];
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .tcp(40100, 40080, 1_000_000, 64240)
        .syn()
        .options_raw(&syn_opts)
        .unwrap()
        .write(&mut f, &[])
        .unwrap();
    push("tcp syn", f);
    let mut f = Vec::new();
    eth_rev()
        .ipv4(B, A, 64)
        .tcp(40080, 40100, 2_000_000, 65160)
        .syn()
        .ack(1_000_001)
        .options_raw(&syn_opts)
        .unwrap()
        .write(&mut f, &[])
        .unwrap();
    push("tcp syn-ack", f);
    let ts = [1, 1, 8, 10, 0, 0, 0, 2, 0, 0, 0, 3];
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .tcp(40100, 40080, 1_000_001, 502)
        .ack(2_000_001)
        .options_raw(&ts)
        .unwrap()
        .write(&mut f, &[])
        .unwrap();
    push("tcp ack", f);
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .tcp(40100, 40080, 1_000_001, 502)
        .ack(2_000_001)
        .psh()
        .options_raw(&ts)
        .unwrap()
        .write(&mut f, &payload32)
        .unwrap();
    push("tcp data", f);
    let sack = [1, 1, 5, 10, 0, 0x1e, 0x84, 0xa1, 0, 0x1e, 0x84, 0xc1];
    let mut f = Vec::new();
    eth_rev()
        .ipv4(B, A, 64)
        .tcp(40080, 40100, 2_000_001, 509)
        .ack(1_000_033)
        .options_raw(&sack)
        .unwrap()
        .write(&mut f, &[])
        .unwrap();
    push("tcp ack with sack", f);
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .tcp(40100, 40080, 1_000_033, 502)
        .ack(2_000_001)
        .fin()
        .write(&mut f, &[])
        .unwrap();
    push("tcp fin", f);
    let mut f = Vec::new();
    eth_rev()
        .ipv4(B, A, 64)
        .tcp(40080, 40100, 2_000_001, 0)
        .rst()
        .write(&mut f, &[])
        .unwrap();
    push("tcp rst", f);
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .tcp(40200, 40080, 77, 1024)
        .urg(5)
        .ack(1)
        .ece()
        .cwr()
        .write(&mut f, &payload32)
        .unwrap();
    push("tcp urg ece cwr", f);

    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .icmpv4_echo_request(4242, 1)
        .write(&mut f, &[7u8; 56])
        .unwrap();
    push("icmp echo request", f);
    let mut f = Vec::new();
    eth_rev()
        .ipv4(B, A, 64)
        .icmpv4_echo_reply(4242, 1)
        .write(&mut f, &[7u8; 56])
        .unwrap();
    push("icmp echo reply", f);
    // Port unreachable quoting the UDP datagram above.
    let mut quoted = Vec::new();
    PacketBuilder::ipv4(A, B, 64)
        .udp(40001, 40002)
        .write(&mut quoted, &payload32)
        .unwrap();
    let mut f = Vec::new();
    eth_rev()
        .ipv4(B, A, 64)
        .icmpv4_raw(3, 3, [0; 4])
        .write(&mut f, &quoted[..28])
        .unwrap();
    push("icmp port unreachable", f);
    let mut f = Vec::new();
    eth_rev()
        .ipv4(B, A, 64)
        .icmpv4_raw(11, 0, [0; 4])
        .write(&mut f, &quoted[..28])
        .unwrap();
    push("icmp time exceeded", f);

    let mut f = Vec::new();
    eth()
        .ipv6(A6, B6, 64)
        .udp(40001, 40002)
        .write(&mut f, &payload32)
        .unwrap();
    push("udp6", f);
    let mut f = Vec::new();
    eth()
        .ipv6(A6, B6, 64)
        .tcp(40100, 40080, 5, 64800)
        .syn()
        .options_raw(&syn_opts)
        .unwrap()
        .write(&mut f, &[])
        .unwrap();
    push("tcp6 syn", f);
    let mut f = Vec::new();
    eth()
        .ipv6(A6, B6, 64)
        .icmpv6_echo_request(7, 3)
        .write(&mut f, &[1u8; 56])
        .unwrap();
    push("icmp6 echo request", f);
    let mut f = Vec::new();
    eth_rev()
        .ipv6(B6, A6, 64)
        .icmpv6_echo_reply(7, 3)
        .write(&mut f, &[1u8; 56])
        .unwrap();
    push("icmp6 echo reply", f);
    let mut ns = B6.to_vec();
    ns.extend_from_slice(&[1, 1]);
    ns.extend_from_slice(&MAC_A);
    let mut f = Vec::new();
    eth()
        .ipv6(A6, B6, 255)
        .icmpv6_raw(135, 0, [0; 4])
        .write(&mut f, &ns)
        .unwrap();
    push("icmp6 neighbor solicitation", f);
    let mut na = B6.to_vec();
    na.extend_from_slice(&[2, 1]);
    na.extend_from_slice(&MAC_B);
    let mut f = Vec::new();
    eth_rev()
        .ipv6(B6, A6, 255)
        .icmpv6_raw(136, 0, [0x60, 0, 0, 0])
        .write(&mut f, &na)
        .unwrap();
    push("icmp6 neighbor advertisement", f);
    let mut f = Vec::new();
    eth()
        .ipv6(A6, B6, 255)
        .icmpv6_raw(133, 0, [0; 4])
        .write(&mut f, &[])
        .unwrap();
    push("icmp6 router solicitation", f);
    // MLDv2 report behind a hop-by-hop header with router alert (as Linux sends it).
    let hbh: &[u8] = &[58, 0, 5, 2, 0, 0, 1, 0];
    let mut mld = vec![143, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0];
    mld.extend_from_slice(&[0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 2]);
    push(
        "mldv2 report behind hbh",
        ipv6_raw(
            0,
            &[hbh],
            &mld,
            A6,
            [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16],
        ),
    );
    let dst: &[u8] = &[17, 0, 1, 4, 0, 0, 0, 0];
    let mut udp = vec![0x9c, 0x41, 0x9c, 0x42, 0, 12, 0, 0];
    udp.extend_from_slice(b"abcd");
    push(
        "udp6 behind destination options",
        ipv6_raw(60, &[dst], &udp, A6, B6),
    );
    let frag_first: &[u8] = &[17, 0, 0, 1, 0x12, 0x34, 0x56, 0x78];
    push(
        "udp6 first fragment",
        ipv6_raw(44, &[frag_first], &udp, A6, B6),
    );
    let frag_later: &[u8] = &[17, 0, 0, 0x10, 0x12, 0x34, 0x56, 0x78];
    push(
        "udp6 later fragment",
        ipv6_raw(44, &[frag_later], b"12345678", A6, B6),
    );

    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .single_vlan(etherparse::VlanId::try_new(20).unwrap())
        .ipv4(A, B, 64)
        .udp(40001, 40002)
        .write(&mut f, &payload32)
        .unwrap();
    push("vlan 20 udp", f);
    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .single_vlan(etherparse::VlanId::try_new(7).unwrap())
        .ipv6(A6, B6, 64)
        .icmpv6_echo_request(1, 1)
        .write(&mut f, &[0u8; 8])
        .unwrap();
    push("vlan 7 icmp6", f);

    push("arp request", arp(1, MAC_A, A, [0; 6], B));
    push("arp reply", arp(2, MAC_B, B, MAC_A, A));
    let mut padded = arp(1, MAC_A, A, [0; 6], B);
    padded.resize(60, 0);
    push("arp request padded to 60", padded);
    push(
        "unknown ethertype",
        raw_eth(0x88b5, &[0xde, 0xad, 0xbe, 0xef, 1, 2, 3]),
    );

    // A later IPv4 fragment: offset 185 (1480 bytes), no transport header.
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .udp(40001, 40002)
        .write(&mut f, &payload32)
        .unwrap();
    f[20] = 0x00;
    f[21] = 185;
    fix_ipv4_checksum(&mut f, 14);
    push("ipv4 later fragment", f);
    // A first fragment: MF set.
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .udp(40001, 40002)
        .write(&mut f, &payload32)
        .unwrap();
    f[20] = 0x20;
    fix_ipv4_checksum(&mut f, 14);
    push("ipv4 first fragment", f);
    // Unknown IP protocol 253.
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .udp(40001, 40002)
        .write(&mut f, &payload32)
        .unwrap();
    f[23] = 253;
    fix_ipv4_checksum(&mut f, 14);
    push("ipv4 protocol 253", f);
    // Don't-fragment and a TOS with ECN.
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .udp(40001, 40002)
        .write(&mut f, &payload32)
        .unwrap();
    f[15] = 0xb8 | 2;
    f[20] = 0x40;
    fix_ipv4_checksum(&mut f, 14);
    push("ipv4 df tos ecn", f);
    // A bad IPv4 header checksum (-v says so).
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .udp(40001, 40002)
        .write(&mut f, &payload32)
        .unwrap();
    f[24] ^= 0xff;
    push("ipv4 bad checksum", f);
    // A bad UDP checksum.
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .udp(40001, 40002)
        .write(&mut f, &payload32)
        .unwrap();
    f[40] ^= 0x55;
    push("udp bad checksum", f);
    // Frames that are short on the wire (not cut by a snap length): the IP header claims more.
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .udp(40001, 40002)
        .write(&mut f, &payload32)
        .unwrap();
    f.truncate(44);
    push("udp frame shorter than its ip length", f);
    let mut f = Vec::new();
    eth()
        .ipv6(A6, B6, 64)
        .udp(40001, 40002)
        .write(&mut f, &payload32)
        .unwrap();
    f.truncate(70);
    push("udp6 frame shorter than its payload length", f);
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .udp(40001, 40002)
        .write(&mut f, &payload32)
        .unwrap();
    f[14] = 0x43;
    push("ipv4 ihl 3", f.clone());
    f[14] = 0x55;
    push("ip version 5", f.clone());
    f[14] = 0x65;
    push("ip version 6 in ipv4", f);
    c
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
    let payload: Vec<u8> = b"netdump filter corpus payload..".to_vec();
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
                let mut f = Vec::new();
                eth()
                    .ipv4(*s, *d, 64)
                    .udp(30000 + k as u16, *p)
                    .write(&mut f, &payload)
                    .unwrap();
                out.push((format!("udp {s:?}->{d:?}:{p}"), f));
            }
        }
    }
    // TCP with every flag combination that matters, on a few ports.
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
            let mut f = Vec::new();
            let opts: &[u8] = if bits & 0x02 != 0 {
                &[2, 4, 5, 180, 1, 1, 4, 2]
            } else {
                &[]
            };
            eth()
                .ipv4(src, dst, 64)
                .tcp(40000 + pi as u16, *p, 1000, 512)
                .options_raw(opts)
                .unwrap()
                .write(&mut f, if bits & 0x08 != 0 { &payload } else { &[] })
                .unwrap();
            // Set the flag byte directly: offset 14 + 20 + 13.
            f[14 + 20 + 13] = *bits;
            out.push((format!("tcp [{fname}] :{p}"), f));
        }
    }
    // ICMP types.
    for (ty, code) in [(0u8, 0u8), (3, 1), (3, 3), (5, 1), (8, 0), (11, 0), (13, 0)] {
        let mut f = Vec::new();
        eth()
            .ipv4(A, hosts[1], 64)
            .icmpv4_raw(ty, code, [0, 1, 0, 2])
            .write(&mut f, &[0u8; 28])
            .unwrap();
        out.push((format!("icmp {ty}/{code}"), f));
    }
    // IPv6 TCP/UDP/ICMPv6 with a second address pair.
    let c6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
    for p in [53u16, 443] {
        let mut f = Vec::new();
        eth()
            .ipv6(A6, c6, 64)
            .udp(5353, p)
            .write(&mut f, &payload)
            .unwrap();
        out.push((format!("udp6 :{p}"), f));
        let mut f = Vec::new();
        eth()
            .ipv6(c6, B6, 64)
            .tcp(p, 40000, 9, 100)
            .syn()
            .write(&mut f, &[])
            .unwrap();
        out.push((format!("tcp6 syn from :{p}"), f));
    }
    // VLAN-tagged variants, single and stacked (QinQ with an 802.1ad outer tag).
    for vid in [10u16, 20, 4094] {
        for p in [80u16, 53] {
            let mut f = Vec::new();
            PacketBuilder::ethernet2(MAC_A, MAC_B)
                .single_vlan(etherparse::VlanId::try_new(vid).unwrap())
                .ipv4(A, B, 64)
                .tcp(40000, p, 1, 100)
                .syn()
                .write(&mut f, &[])
                .unwrap();
            out.push((format!("vlan {vid} tcp :{p}"), f));
        }
        let mut f = Vec::new();
        PacketBuilder::ethernet2(MAC_A, MAC_B)
            .single_vlan(etherparse::VlanId::try_new(vid).unwrap())
            .ipv6(A6, B6, 64)
            .udp(1, 53)
            .write(&mut f, &payload)
            .unwrap();
        out.push((format!("vlan {vid} udp6"), f));
    }
    let mut qinq = Vec::new();
    qinq.extend_from_slice(&MAC_B);
    qinq.extend_from_slice(&MAC_A);
    qinq.extend_from_slice(&[0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x14, 0x08, 0x00]);
    let mut inner = Vec::new();
    PacketBuilder::ipv4(A, B, 64)
        .udp(1, 53)
        .write(&mut inner, &payload)
        .unwrap();
    qinq.extend_from_slice(&inner);
    out.push(("qinq 100/20 udp".to_string(), qinq));
    // IPv4 options (router alert) on a UDP datagram: IHL 6.
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 1)
        .udp(1, 40002)
        .write(&mut f, &payload)
        .unwrap();
    let mut opt = f[..14].to_vec();
    opt.extend_from_slice(&f[14..34]);
    opt.extend_from_slice(&[148, 4, 0, 0]);
    opt.extend_from_slice(&f[34..]);
    opt[14] = 0x46;
    let tl = u16::from_be_bytes([opt[16], opt[17]]) + 4;
    opt[16..18].copy_from_slice(&tl.to_be_bytes());
    fix_ipv4_checksum(&mut opt, 14);
    out.push(("ipv4 options udp".to_string(), opt));
    // GRE carrying IPv4.
    let mut gre_payload = vec![0x00, 0x00, 0x08, 0x00];
    gre_payload.extend_from_slice(&inner);
    let mut f = Vec::new();
    eth()
        .ipv4(A, hosts[2], 64)
        .udp(1, 1)
        .write(&mut f, &gre_payload)
        .unwrap();
    let mut gre = f[..34].to_vec();
    gre.extend_from_slice(&gre_payload);
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
        for proto in [6u8, 17] {
            let mut f = Vec::new();
            eth()
                .ipv4(A, B, 64)
                .udp(40001, 80)
                .write(&mut f, &payload)
                .unwrap();
            f[20..22].copy_from_slice(&frag.to_be_bytes());
            f[23] = proto;
            fix_ipv4_checksum(&mut f, 14);
            out.push((format!("fragment {name} proto {proto}"), f));
        }
    }
    // Multicast and broadcast, at both layers.
    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, [0x01, 0, 0x5e, 0, 0, 1])
        .ipv4(A, [224, 0, 0, 1], 1)
        .udp(1, 5353)
        .write(&mut f, &payload)
        .unwrap();
    out.push(("ipv4 multicast".to_string(), f));
    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, [0xff; 6])
        .ipv4(A, [255, 255, 255, 255], 64)
        .udp(68, 67)
        .write(&mut f, &payload)
        .unwrap();
    out.push(("ipv4 broadcast".to_string(), f));
    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, [0x33, 0x33, 0, 0, 0, 1])
        .ipv6(A6, [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 1)
        .icmpv6_echo_request(1, 1)
        .write(&mut f, &[])
        .unwrap();
    out.push(("ipv6 multicast".to_string(), f));
    // Malformed: IHL below 5, version 5, a UDP length past the end, a TCP offset below 5.
    let base = {
        let mut f = Vec::new();
        eth()
            .ipv4(A, B, 64)
            .udp(1, 53)
            .write(&mut f, &payload)
            .unwrap();
        f
    };
    for (name, at, v) in [
        ("ihl 3", 14usize, 0x43u8),
        ("version 5", 14, 0x55),
        ("udp len huge", 38, 0xff),
    ] {
        let mut f = base.clone();
        f[at] = v;
        out.push((format!("malformed {name}"), f));
    }
    let mut f = Vec::new();
    eth()
        .ipv4(A, B, 64)
        .tcp(1, 80, 1, 1)
        .syn()
        .write(&mut f, &[])
        .unwrap();
    f[14 + 20 + 12] = 0x20;
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
