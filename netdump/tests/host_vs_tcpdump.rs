//! The host protocols (ARP/RARP/InARP/AARP, TCP options and MPTCP, ICMP, ICMPv6, IGMP,
//! DCCP, IPv4/IPv6 edge cases) against tcpdump: frames built here byte by byte, written to
//! a pcap file, read by `netdump -r` and `tcpdump -r` at every verbosity and with `-e`.
//! The text must be the same, packet by packet.
//!
//! Needs the `tcpdump` binary (`cargo xtask test` installs it); no root, no network.

use std::{path::Path, process::Command, time::Duration};

use pcap_file::pcap::{PcapPacket, PcapWriter};

mod corpus;

use corpus::{fix_ipv4_checksum, raw_eth};

/// An IPv4 packet 198.18.0.1 > 198.18.0.2 of protocol `proto` carrying `payload`.
fn ipv4(proto: u8, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut ip = vec![0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, proto, 0, 0];
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    ip.extend_from_slice(&[198, 18, 0, 1, 198, 18, 0, 2]);
    ip.extend_from_slice(payload);
    let mut f = raw_eth(0x0800, &ip);
    fix_ipv4_checksum(&mut f, 14);
    f
}

/// An IPv6 packet 2001:2::1 > 2001:2::2 of next header `nh` carrying `payload`.
fn ipv6(nh: u8, payload: &[u8]) -> Vec<u8> {
    let mut ip = vec![0x60, 0, 0, 0];
    ip.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    ip.extend_from_slice(&[nh, 255]);
    ip.extend_from_slice(&A6);
    ip.extend_from_slice(&B6);
    ip.extend_from_slice(payload);
    raw_eth(0x86dd, &ip)
}

const A6: [u8; 16] = [0x20, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const B6: [u8; 16] = [0x20, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

/// ICMPv6 messages: type, code, then the rest after the checksum.
fn icmp6_messages() -> Vec<(&'static str, Vec<u8>)> {
    let m = |t: u8, c: u8, rest: &[u8]| [&[t, c, 0, 0][..], rest].concat();
    // A quoted IPv6/UDP header for errors.
    let quoted: Vec<u8> = [
        &[0x60, 0, 0, 0, 0, 8, 17, 64][..],
        &B6,
        &A6,
        &[0x9c, 0x40, 0x00, 0x35, 0, 8, 0, 0],
    ]
    .concat();
    let q = |t: u8, c: u8, word: [u8; 4]| [&[t, c, 0, 0][..], &word, &quoted].concat();
    let lladdr = [1u8, 1, 2, 0, 0, 0, 0, 1];
    let prefix: Vec<u8> = [
        &[
            3u8, 4, 64, 0xc0, 0, 0, 0x0e, 0x10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,
        ][..],
        &A6,
    ]
    .concat();
    let mtu = [5u8, 1, 0, 0, 0, 0, 5, 0xdc];
    let rdnss: Vec<u8> = [&[25u8, 3, 0, 0, 0, 0, 0x0e, 0x10][..], &B6].concat();
    let dnssl = [
        31u8, 3, 0, 0, 0, 0, 0x0e, 0x10, 7, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 3, b'c',
        b'o', b'm', 0, 0, 0, 0,
    ];
    let route = [24u8, 2, 48, 0x08, 0, 0, 1, 0, 0x20, 1, 0, 2, 0, 9, 0, 0];
    let unknown_opt = [99u8, 1, 1, 2, 3, 4, 5, 6];
    let ra: Vec<u8> = [
        &[64u8, 0xc8, 0x07, 0x08, 0, 0, 0x75, 0x30, 0, 0, 0x03, 0xe8][..],
        &lladdr,
        &prefix,
        &mtu,
        &rdnss,
        &dnssl,
        &route,
        &unknown_opt,
    ]
    .concat();
    let na: Vec<u8> = [&[0xe0u8, 0, 0, 0][..], &A6, &[2u8, 1, 2, 0, 0, 0, 0, 2]].concat();
    let redirect: Vec<u8> = [
        &[0u8; 4][..],
        &A6,
        &B6,
        &[4u8, 2, 0, 0, 0, 0, 0, 0],
        &[0x60, 0, 0, 0, 0, 0, 59, 1],
    ]
    .concat();
    let mldv2: Vec<u8> = [
        &[0u8, 0, 0, 2][..],
        &[4, 0, 0, 2],
        &[0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb],
        &A6,
        &B6,
        &[9, 0, 0, 0],
        &[0xff, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 3],
    ]
    .concat();
    let mldv2_query: Vec<u8> = [
        &[0x80u8, 0x10, 0, 0][..],
        &[0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb],
        &[0x0a, 0x7d, 0, 1],
        &A6,
    ]
    .concat();
    let mld1: Vec<u8> = [
        &[0x27u8, 0x10, 0, 0][..],
        &[0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb],
    ]
    .concat();
    let ni_query: Vec<u8> = [&[0u8, 3, 0, 0x3e][..], &[1, 2, 3, 4, 5, 6, 7, 8], &B6].concat();
    let ni_reply: Vec<u8> = [
        &[0u8, 3, 0, 0x3e][..],
        &[1, 2, 3, 4, 5, 6, 7, 8],
        &[0, 0, 0, 30],
        &A6,
    ]
    .concat();
    let ni_name: Vec<u8> = [
        &[0u8, 2, 0, 1][..],
        &[1, 2, 3, 4, 5, 6, 7, 8],
        &[0, 0, 0, 30],
        &[4, b'h', b'o', b's', b't', 0, 0],
    ]
    .concat();
    let rr: Vec<u8> = [
        &[0u8, 0, 0, 1][..],
        &[0, 0x10, 0, 0, 0, 0, 0, 0],
        &[1, 7, 0, 48, 0, 128, 0, 0],
        &[0xfe, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        &[
            48, 16, 0, 0, 0, 0x27, 0x8d, 0, 0xff, 0xff, 0xff, 0xff, 0x80, 0, 0, 0,
        ],
        &A6,
    ]
    .concat();
    let dio: Vec<u8> = [
        &[0u8, 0, 1, 0, 0, 0x80, 0x88, 7, 0, 0][..],
        &A6,
        &[2, 2, 1, 2, 0, 0],
    ]
    .concat();
    let dao: Vec<u8> = [&[1u8, 0xc0, 0, 9][..], &A6, &[5, 2, 0, 0]].concat();
    vec![
        (
            "icmp6 echo request",
            m(128, 0, &[0x12, 0x34, 0, 1, 1, 2, 3, 4]),
        ),
        ("icmp6 echo reply", m(129, 0, &[0x12, 0x34, 0, 1])),
        ("icmp6 unreach route", q(1, 0, [0; 4])),
        ("icmp6 unreach beyond scope", q(1, 2, [0; 4])),
        ("icmp6 unreach port", q(1, 4, [0; 4])),
        ("icmp6 unreach unknown code", q(1, 9, [0; 4])),
        ("icmp6 packet too big", q(2, 0, [0, 0, 5, 0])),
        ("icmp6 time exceeded", q(3, 0, [0; 4])),
        ("icmp6 reassembly time exceeded", q(3, 1, [0; 4])),
        ("icmp6 parameter problem", q(4, 1, [0, 0, 0, 40])),
        (
            "icmp6 parameter problem unknown code",
            q(4, 7, [0, 0, 0, 40]),
        ),
        ("mld query", m(130, 0, &mld1)),
        ("mldv2 query", m(130, 0, &mldv2_query)),
        ("mld query odd length", m(130, 0, &mld1[..16])),
        ("mld report", m(131, 0, &mld1)),
        ("mld done", m(132, 0, &mld1)),
        ("mldv2 report", m(143, 0, &mldv2)),
        (
            "router solicitation",
            m(133, 0, &[&[0u8; 4][..], &lladdr].concat()),
        ),
        ("router advertisement", m(134, 0, &ra)),
        (
            "neighbor solicitation",
            m(135, 0, &[&[0u8; 4][..], &B6, &lladdr].concat()),
        ),
        ("neighbor advertisement", m(136, 0, &na)),
        ("redirect", m(137, 0, &redirect)),
        ("router renumbering", m(138, 0, &rr)),
        ("node information query", m(139, 0, &ni_query)),
        ("who-are-you", m(139, 0, &[0, 0, 0, 0, 1, 2, 3, 4])),
        ("node information reply", m(140, 0, &ni_reply)),
        ("node information name", m(140, 0, &ni_name)),
        ("ha discovery request", m(144, 0, &[0x12, 0x34, 0, 0])),
        (
            "ha discovery reply",
            m(145, 0, &[&[0x12u8, 0x34, 0, 0][..], &A6].concat()),
        ),
        (
            "mobile prefix advert",
            m(147, 0, &[&[0x12u8, 0x34, 0xc0, 0][..], &prefix].concat()),
        ),
        ("rpl dio", m(155, 1, &dio)),
        ("rpl dao", m(155, 2, &dao)),
        ("rpl dis", m(155, 0, &[0, 0])),
        ("rpl secured", m(155, 0x81, &[0, 0])),
        ("icmp6 unknown type", m(99, 0, &[1, 2, 3, 4, 5, 6])),
    ]
}

/// A TCP segment 40000 > 8000 (no application printer) with these flags and options.
fn tcp_segment(flags: u8, opts: &[u8], payload: &[u8]) -> Vec<u8> {
    let off = (20 + opts.len()) / 4;
    let mut t = vec![
        0x9c,
        0x40,
        0x1f,
        0x40,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        2,
        (off as u8) << 4,
        flags,
    ];
    t.extend_from_slice(&[0x20, 0, 0, 0, 0, 0]);
    t.extend_from_slice(opts);
    t.extend_from_slice(payload);
    t
}

/// An ARP-layout packet: hardware type, protocol type, lengths, op, then `addrs`.
fn arp_any(ethertype: u16, hrd: u16, pro: u16, hln: u8, pln: u8, op: u16, addrs: &[u8]) -> Vec<u8> {
    let mut p = Vec::new();
    p.extend_from_slice(&hrd.to_be_bytes());
    p.extend_from_slice(&pro.to_be_bytes());
    p.extend_from_slice(&[hln, pln]);
    p.extend_from_slice(&op.to_be_bytes());
    p.extend_from_slice(addrs);
    raw_eth(ethertype, &p)
}

/// Frames and how many of their bytes are captured (None: all).
fn frames() -> Vec<(&'static str, Vec<u8>, Option<usize>)> {
    let eth_ip: Vec<u8> = [
        &[2, 0, 0, 0, 0, 1][..],
        &[198, 18, 0, 1],
        &[0, 0, 0, 0, 0, 0],
        &[198, 18, 0, 2],
    ]
    .concat();
    let with_tha: Vec<u8> = [&eth_ip[..10], &[2, 0, 0, 0, 0, 2], &eth_ip[16..]].concat();
    let long_hw: Vec<u8> = (0..36u8).collect();
    let mut atm = vec![0u8; 48];
    atm[..20].copy_from_slice(&[0x47; 20]);
    atm[20..24].copy_from_slice(&[198, 18, 0, 1]);
    atm[24..44].copy_from_slice(&[0x39; 20]);
    atm[44..].copy_from_slice(&[198, 18, 0, 2]);
    let atm_frame = |op: u16| {
        let mut p = vec![0, 19, 8, 0, 20, 0];
        p.extend_from_slice(&op.to_be_bytes());
        p.extend_from_slice(&[4, 20, 0, 4]);
        p.extend_from_slice(&atm);
        raw_eth(0x0806, &p)
    };
    let aarp: Vec<u8> = [
        &[0, 1, 0x80, 0x9b, 6, 4, 0, 1][..],
        &[2, 0, 0, 0, 0, 1, 0, 0, 0x2a, 7],
        &[0, 0, 0, 0, 0, 0, 0, 0, 0x2a, 9],
    ]
    .concat();
    let mut v = vec![
        (
            "arp request",
            arp_any(0x0806, 1, 0x800, 6, 4, 1, &eth_ip),
            None,
        ),
        (
            "arp request with target mac",
            arp_any(0x0806, 1, 0x800, 6, 4, 1, &with_tha),
            None,
        ),
        (
            "arp reply",
            arp_any(0x0806, 1, 0x800, 6, 4, 2, &eth_ip),
            None,
        ),
        (
            "rarp request",
            arp_any(0x8035, 1, 0x800, 6, 4, 3, &eth_ip),
            None,
        ),
        (
            "rarp reply",
            arp_any(0x8035, 1, 0x800, 6, 4, 4, &eth_ip),
            None,
        ),
        (
            "inarp request",
            arp_any(0x0806, 1, 0x800, 6, 4, 8, &eth_ip),
            None,
        ),
        (
            "inarp reply",
            arp_any(0x0806, 1, 0x800, 6, 4, 9, &eth_ip),
            None,
        ),
        (
            "arp unknown op: hex dump",
            arp_any(0x0806, 1, 0x800, 6, 4, 0x7501, &eth_ip),
            None,
        ),
        (
            "arp token ring",
            arp_any(0x0806, 6, 0x800, 6, 4, 1, &eth_ip),
            None,
        ),
        (
            "arp unknown hardware",
            arp_any(0x0806, 37, 0x800, 6, 4, 1, &eth_ip),
            None,
        ),
        (
            "arp unknown protocol",
            arp_any(0x0806, 1, 0x1234, 6, 4, 1, &eth_ip),
            None,
        ),
        (
            "arp ipx protocol",
            arp_any(0x0806, 1, 0x8137, 6, 4, 2, &eth_ip),
            None,
        ),
        (
            "arp long hardware address",
            arp_any(0x0806, 1, 0x800, 14, 4, 1, &long_hw),
            None,
        ),
        (
            "arp zero hardware length",
            arp_any(0x0806, 1, 0x800, 0, 4, 2, &eth_ip[..8]),
            None,
        ),
        (
            "arp frame relay",
            arp_any(
                0x0806,
                15,
                0x800,
                2,
                4,
                8,
                &[0x18, 0x41, 198, 18, 0, 1, 0x18, 0x61, 198, 18, 0, 2],
            ),
            None,
        ),
        (
            "arp cut in target address",
            arp_any(0x0806, 1, 0x800, 6, 4, 1, &eth_ip),
            Some(14 + 26),
        ),
        (
            "arp cut in header",
            arp_any(0x0806, 1, 0x800, 6, 4, 1, &eth_ip),
            Some(14 + 5),
        ),
        ("atm arp request", atm_frame(1), None),
        ("atm arp reply", atm_frame(2), None),
        ("atm arp inverse request", atm_frame(8), None),
        ("atm arp nak", atm_frame(10), None),
        ("atm arp unknown op", atm_frame(77), None),
        ("aarp request", raw_eth(0x80f3, &aarp), None),
        ("aarp cut", raw_eth(0x80f3, &aarp), Some(20)),
    ];
    let tcp_opts: &[(&str, u8, &[u8])] = &[
        ("tfo cookie request", 0x02, &[34, 2, 1, 1]),
        ("tfo cookie", 0x02, &[34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1]),
        ("tfo odd cookie", 0x02, &[34, 5, 1, 2, 3, 1]),
        ("exp tfo cookiereq", 0x02, &[254, 4, 0xf9, 0x89]),
        (
            "exp tfo cookie",
            0x12,
            &[254, 10, 0xf9, 0x89, 9, 9, 9, 9, 0, 0, 1, 1],
        ),
        ("exp other magic", 0x02, &[254, 6, 0x12, 0x34, 1, 2, 1, 1]),
        (
            "md5",
            0x02,
            &[
                19, 18, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 1, 1,
            ],
        ),
        ("uto minutes", 0x10, &[28, 4, 0x80, 0x03, 1, 1, 1, 1]),
        ("uto seconds", 0x10, &[28, 4, 0x00, 0x3c, 1, 1, 1, 1]),
        ("tcp-ao", 0x10, &[29, 8, 3, 4, 0xaa, 0xbb, 0xcc, 0xdd]),
        ("tcp-ao too short", 0x10, &[29, 3, 3, 1]),
        ("echo and cc", 0x10, &[6, 6, 0, 0, 0, 9, 11, 6, 0, 0, 1, 0]),
        ("scps", 0x10, &[20, 4, 0xab, 7]),
        ("unknown option", 0x10, &[99, 6, 1, 2, 3, 4]),
        ("unknown option no data", 0x10, &[99, 2, 1, 1]),
        (
            "mptcp capable syn",
            0x02,
            &[30, 12, 0x00, 0x81, 1, 2, 3, 4, 5, 6, 7, 8],
        ),
        (
            "mptcp capable ack",
            0x10,
            &[
                30, 20, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 8, 7, 6, 5, 4, 3, 2, 1,
            ],
        ),
        (
            "mptcp join syn",
            0x02,
            &[30, 12, 0x11, 2, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 7],
        ),
        (
            "mptcp join ack",
            0x10,
            &[
                30, 24, 0x10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
                20,
            ],
        ),
        (
            "mptcp dss",
            0x10,
            &[
                30, 20, 0x20, 0x05, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 9, 0xab, 0xcd,
            ],
        ),
        (
            "mptcp dss 64-bit",
            0x10,
            &[30, 16, 0x20, 0x1b, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
        ),
        (
            "mptcp add-addr v6 port",
            0x10,
            &[
                30, 22, 0x30, 3, 0x20, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x1f, 0x90,
            ],
        ),
        ("mptcp rem-addr", 0x10, &[30, 5, 0x40, 1, 2, 1, 1, 1]),
        ("mptcp prio", 0x10, &[30, 4, 0x51, 3]),
        (
            "mptcp fail",
            0x10,
            &[30, 12, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 42],
        ),
        (
            "mptcp fast-close",
            0x10,
            &[30, 12, 0x70, 0, 1, 2, 3, 4, 5, 6, 7, 8],
        ),
        (
            "mptcp bad for flags",
            0x02,
            &[30, 8, 0x20, 0x01, 0, 0, 0, 1],
        ),
        (
            "mptcp then cut",
            0x10,
            &[30, 4, 0x51, 3, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2],
        ),
    ];
    for (name, flags, opts) in tcp_opts {
        v.push((name, ipv4(6, &tcp_segment(*flags, opts, b"")), None));
    }
    let last = ipv4(6, &tcp_segment(0x10, tcp_opts.last().unwrap().2, b""));
    let cut = last.len() - 6;
    v.push(("mptcp then cut in timestamps", last, Some(cut)));
    v.push((
        "rst with text",
        ipv4(6, &tcp_segment(0x14, &[], b"no such\x01 listener\xff")),
        None,
    ));
    v.push((
        "rst with long text",
        ipv4(6, &tcp_segment(0x04, &[], &[b'x'; 40])),
        None,
    ));
    let rst = ipv4(6, &tcp_segment(0x14, &[], b"cut short"));
    let cut = rst.len() - 4;
    v.push(("rst text cut", rst, Some(cut)));
    let igmp: &[(&str, &[u8])] = &[
        ("igmp v1 query", &[0x11, 0, 0xee, 0xff, 0, 0, 0, 0]),
        ("igmp v2 query", &[0x11, 0x64, 0xee, 0x9b, 0, 0, 0, 0]),
        ("igmp v2 group query", &[0x11, 0x0a, 0, 0, 239, 1, 2, 3]),
        ("igmp v1 report", &[0x12, 0, 0, 0, 224, 0, 0, 252]),
        ("igmp v2 report", &[0x16, 0, 0, 0, 239, 255, 255, 250]),
        ("igmp leave", &[0x17, 0, 0, 0, 239, 255, 255, 250]),
        (
            "igmp v3 query",
            &[0x11, 0x64, 0, 0, 0, 0, 0, 0, 2, 125, 0, 0],
        ),
        (
            "igmp v3 group query sources",
            &[
                0x11, 0x8a, 0, 0, 239, 1, 2, 3, 2, 125, 0, 2, 10, 0, 0, 1, 10, 0, 0, 2,
            ],
        ),
        (
            "igmp v3 query bad sources",
            &[0x11, 0xff, 0, 0, 239, 1, 2, 3, 2, 125, 0, 9, 10, 0, 0, 1],
        ),
        (
            "igmp v3 report",
            &[
                0x22, 0, 0, 0, 0, 0, 0, 3, 1, 0, 0, 1, 239, 1, 1, 1, 10, 0, 0, 1, 4, 0, 0, 0, 239,
                2, 2, 2, 9, 0, 0, 0, 239, 3, 3, 3,
            ],
        ),
        (
            "igmp v3 report bad groups",
            &[
                0x22, 0, 0, 0, 0, 0, 0, 5, 1, 0, 0, 1, 239, 1, 1, 1, 10, 0, 0, 1,
            ],
        ),
        (
            "igmp mtrace",
            &[
                0x1f, 0, 0, 0, 239, 1, 1, 1, 10, 0, 0, 1, 10, 0, 0, 2, 224, 0, 1, 32, 9, 0, 0, 7,
            ],
        ),
        (
            "igmp mresp short",
            &[0x1e, 0, 0, 0, 239, 1, 1, 1, 10, 0, 0, 1],
        ),
        ("igmp unknown type", &[0x99, 0, 0, 0, 0, 0, 0, 0]),
        (
            "igmp v1 report long",
            &[0x12, 0, 0, 0, 224, 0, 0, 252, 0, 0, 0, 0, 0, 0],
        ),
    ];
    for (name, m) in igmp {
        v.push((name, ipv4(2, m), None));
    }
    let rep = ipv4(2, igmp[9].1);
    let cut = rep.len() - 9;
    v.push(("igmp v3 report cut", rep, Some(cut)));
    v.push(("igmp cut in group", ipv4(2, igmp[4].1), Some(14 + 20 + 6)));
    let icmp6 = icmp6_messages();
    for (name, m) in &icmp6 {
        v.push((name, ipv6(58, m), None));
    }
    for (name, keep) in [
        ("router advertisement", 40),
        ("neighbor advertisement", 20),
        ("mldv2 report", 30),
        ("router renumbering", 50),
        ("node information reply", 20),
        ("rpl dio", 20),
    ] {
        let (_, m) = icmp6.iter().find(|(n, _)| *n == name).unwrap();
        v.push((name, ipv6(58, m), Some(14 + 40 + keep)));
    }
    v.push(("icmp6 length zero", ipv6(58, &[]), None));
    // IPv6 extension headers: options, jumbo payload, routing, fragments.
    let echo = icmp6[0].1.clone();
    let ext = |nh: u8, exts: &[&[u8]], payload: &[u8], plen: Option<u16>| {
        let mut body: Vec<u8> = exts.concat();
        body.extend_from_slice(payload);
        let mut f = ipv6(nh, &body);
        if let Some(p) = plen {
            f[18..20].copy_from_slice(&p.to_be_bytes());
        }
        f
    };
    let hbh_ra: &[u8] = &[58, 0, 5, 2, 0, 0, 1, 0];
    let hbh_pads: &[u8] = &[
        60, 1, 0, 1, 2, 0, 0, 0xc9, 16, 0x20, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9,
    ];
    let dst_unknown: &[u8] = &[58, 0, 0x3e, 4, 1, 2, 3, 4];
    let jumbo: &[u8] = &[58, 0, 0xc2, 4, 0, 1, 0, 0];
    let small_jumbo: &[u8] = &[58, 0, 0xc2, 4, 0, 0, 0x10, 0];
    let rt0: Vec<u8> = [&[58u8, 4, 0, 1, 0, 0, 0, 0][..], &A6, &B6].concat();
    let srh: Vec<u8> = [&[58u8, 4, 4, 1, 1, 0, 0, 7][..], &B6, &A6].concat();
    let rt_bad: &[u8] = &[58, 0, 9, 0, 0, 0, 0, 0];
    let frag: &[u8] = &[58, 0, 0, 1, 0, 0, 0x12, 0x34];
    let later_frag: &[u8] = &[58, 0, 0x05, 0x28, 0, 0, 0x12, 0x34];
    let hbh_twice: &[u8] = &[0, 0, 1, 4, 0, 0, 0, 0];
    v.extend([
        ("ipv6 router alert", ext(0, &[hbh_ra], &echo, None), None),
        (
            "ipv6 hbh pads homeaddr then dstopt",
            ext(0, &[&hbh_pads[..24], dst_unknown], &echo, None),
            None,
        ),
        ("ipv6 jumbo payload", ext(0, &[jumbo], &echo, Some(0)), None),
        (
            "ipv6 jumbo too small",
            ext(0, &[small_jumbo], &echo, Some(0)),
            None,
        ),
        (
            "ipv6 jumbo with payload length",
            ext(0, &[jumbo], &echo, None),
            None,
        ),
        (
            "ipv6 payload length zero",
            ext(58, &[], &echo, Some(0)),
            None,
        ),
        (
            "ipv6 hbh twice",
            ext(0, &[hbh_twice, hbh_ra], &echo, None),
            None,
        ),
        ("ipv6 routing type 0", ext(43, &[&rt0], &echo, None), None),
        ("ipv6 segment routing", ext(43, &[&srh], &echo, None), None),
        (
            "ipv6 routing unknown type",
            ext(43, &[rt_bad], &echo, None),
            None,
        ),
        ("ipv6 first fragment", ext(44, &[frag], &echo, None), None),
        (
            "ipv6 later fragment",
            ext(44, &[later_frag], &echo, None),
            None,
        ),
        (
            "ipv6 no next header",
            ext(59, &[], &[1, 2, 3, 4], None),
            None,
        ),
        (
            "ipv6 unknown protocol",
            ext(253, &[], &[1, 2, 3, 4], None),
            None,
        ),
        ("ipv6 tcp no bytes", ext(6, &[], &[], None), None),
    ]);
    let cut = ext(43, &[&rt0], &echo, None);
    v.push(("ipv6 routing cut", cut, Some(14 + 40 + 20)));
    let cut = ext(0, &[hbh_ra], &echo, None);
    v.push(("ipv6 hop-by-hop cut", cut, Some(14 + 40 + 5)));
    // ICMP time exceeded with RFC 4884/4950 extensions: 128 bytes of the original datagram,
    // then an extension header and one MPLS label stack object.
    let mut quoted = vec![
        0x45, 0, 0, 128, 0, 1, 0, 0, 1, 17, 0, 0, 198, 18, 0, 2, 198, 18, 0, 9,
    ];
    quoted.extend_from_slice(&[0x9c, 0x40, 0x82, 0x9b, 0, 108, 0, 0]);
    quoted.resize(128, 0);
    let mut ext = vec![0x20, 0, 0, 0, 0, 8, 1, 1, 0x01, 0x86, 0xa1, 0x01];
    let sum = {
        let mut s = 0u32;
        for p in ext.chunks(2) {
            s += u32::from(u16::from_be_bytes([p[0], p[1]]));
        }
        while s >> 16 != 0 {
            s = (s & 0xffff) + (s >> 16);
        }
        !(s as u16)
    };
    ext[2..4].copy_from_slice(&sum.to_be_bytes());
    let te: Vec<u8> = [&[11u8, 0, 0, 0, 0, 32, 0, 0][..], &quoted, &ext].concat();
    v.push(("icmp time exceeded with mpls extension", ipv4(1, &te), None));
    let mut te_v1 = te.clone();
    te_v1[136] = 0x10;
    v.push(("icmp extension version 1", ipv4(1, &te_v1), None));
    let mut bad_len = ipv4(6, &tcp_segment(0x10, &[], b""));
    bad_len[16..18].copy_from_slice(&19u16.to_be_bytes());
    fix_ipv4_checksum(&mut bad_len, 14);
    v.push(("ip total length below header", bad_len, None));
    // ICMP messages shorter than their header, whole in the capture: tcpdump reads the
    // type and code, then runs off the end where it next reads.
    for (name, m) in [
        ("icmp unknown type, 3 bytes", &[49u8, 0x80, 0xbc][..]),
        ("icmp unknown type, 2 bytes", &[49, 0x80]),
        ("icmp time exceeded, 3 bytes", &[11, 0, 0xbc]),
        ("icmp echo, 6 bytes", &[8, 0, 0xbc, 0, 0, 1]),
        (
            "icmp unreachable, 12 bytes",
            &[3, 1, 0, 0, 0, 0, 0, 0, 0x45, 0, 0, 20],
        ),
    ] {
        v.push((name, ipv4(1, m), None));
    }
    v.extend(dccp_frames());
    v.extend(ip_option_frames());
    v
}

/// IPv4 options as tcpdump 4.99 words them at -v: record and source routes, timestamps of
/// each flag, router alert, unknown and malformed ones, and a walker running past the
/// datagram's end ("[truncated-option]", then "[|ip]").
fn ip_option_frames() -> Vec<(&'static str, Vec<u8>, Option<usize>)> {
    let with_opts = |opts: &[u8], payload: &[u8]| {
        let hlen = 20 + opts.len();
        let total = (hlen + payload.len()) as u16;
        let mut ip = vec![
            0x40 | (hlen / 4) as u8,
            0,
            0,
            0,
            0x12,
            0x34,
            0,
            0,
            64,
            17,
            0,
            0,
        ];
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&[198, 18, 0, 1, 198, 18, 0, 2]);
        ip.extend_from_slice(opts);
        ip.extend_from_slice(payload);
        let mut f = raw_eth(0x0800, &ip);
        fix_ipv4_checksum(&mut f, 14);
        f
    };
    let udp = [0x9c, 0x40, 0x9c, 0x41, 0, 8, 0, 0];
    let opts: &[(&str, &[u8])] = &[
        ("ip option eol", &[0, 0, 0, 0]),
        ("ip option nop eol", &[1, 0, 7, 7]),
        ("ip option ra", &[148, 4, 0, 0]),
        ("ip option ra value", &[148, 4, 1, 2]),
        ("ip option ra short", &[148, 2, 1, 1]),
        ("ip option unknown bad length", &[1, 69, 83, 0]),
        ("ip option length 1", &[1, 1, 7, 1]),
        ("ip option security", &[130, 4, 0, 0]),
        ("ip option traceroute", &[82, 4, 0, 0]),
        ("ip option rr", &[7, 11, 8, 198, 18, 0, 1, 0, 0, 0, 0, 0]),
        ("ip option rr bad ptr", &[7, 7, 0, 198, 18, 0, 1, 0]),
        (
            "ip option ssrr",
            &[137, 11, 4, 198, 18, 0, 1, 198, 18, 0, 9, 0],
        ),
        ("ip option lsrr short", &[131, 2, 0, 0]),
        (
            "ip option ts only",
            &[68, 12, 9, 0x00, 0, 0, 0, 1, 0, 0, 0, 2],
        ),
        ("ip option ts overflow", &[68, 8, 9, 0x30, 0, 0, 0, 1]),
        (
            "ip option ts addr",
            &[68, 12, 5, 0x01, 198, 18, 0, 1, 0, 0, 0, 9],
        ),
        (
            "ip option ts prespec",
            &[68, 12, 13, 0x03, 198, 18, 0, 1, 0, 0, 0, 9],
        ),
        ("ip option ts bad type", &[68, 8, 5, 0x02, 0, 0, 0, 1]),
        ("ip option ts bad length", &[68, 3, 0, 0]),
        (
            "ip option ts bad ptr",
            &[68, 10, 0, 0x01, 1, 2, 3, 4, 5, 6, 0, 0],
        ),
    ];
    let mut v: Vec<_> = opts
        .iter()
        .map(|(n, o)| (*n, with_opts(o, &udp), None))
        .collect();
    // The route walker reads four bytes past a 9-byte option at the header's end.
    v.push((
        "ip option lsrr past the end",
        with_opts(&[1, 1, 1, 131, 9, 4, 198, 18, 0, 1, 7, 7], &[]),
        None,
    ));
    v.push((
        "ip option ts past the end",
        with_opts(&[1, 1, 68, 10, 0, 1, 1, 2, 3, 4, 5, 6], &[]),
        None,
    ));
    v
}

/// The ones'-complement sum of `data` with `init`, folded and inverted.
fn inet_sum(data: &[u8], init: u32) -> u16 {
    let mut s = init;
    for p in data.chunks(2) {
        s += u32::from(u16::from_be_bytes([p[0], p.get(1).copied().unwrap_or(0)]));
    }
    while s >> 16 != 0 {
        s = (s & 0xffff) + (s >> 16);
    }
    !(s as u16)
}

/// A DCCP packet 40000 > 5001: the generic header (`x`: 48-bit sequence numbers) with
/// `ccval`/`cscov`, `ty`'s fields, then `opts` (padded to words) and `data`; the checksum
/// set right for IPv4 198.18.0.1 > 198.18.0.2 (over what CsCov covers) when `good`.
fn dccp(
    ty: u8,
    x: bool,
    cscov: u8,
    fields: &[u8],
    opts: &[u8],
    data: &[u8],
    good: bool,
) -> Vec<u8> {
    let mut h = vec![0x9c, 0x40, 0x13, 0x89, 0, 0x30 | cscov, 0, 0];
    h.push(ty << 1 | u8::from(x));
    if x {
        h.extend_from_slice(&[0, 0, 0, 0x01, 0x02, 0x03, 0x04]);
    } else {
        h.extend_from_slice(&[0x0a, 0x0b, 0x0c]);
    }
    h.extend_from_slice(fields);
    h.extend_from_slice(opts);
    while h.len() % 4 != 0 {
        h.push(0);
    }
    h[4] = (h.len() / 4) as u8;
    h.extend_from_slice(data);
    let len = h.len();
    let cover = match cscov {
        0 => len,
        c => ((usize::from(h[4]) + usize::from(c) - 1) * 4).min(len),
    };
    let pseudo: u32 = [198u32 << 8 | 18, 1, 198 << 8 | 18, 2, 33, len as u32]
        .iter()
        .sum();
    let sum = if good {
        inet_sum(&h[..cover], pseudo)
    } else {
        0x1234
    };
    h[6..8].copy_from_slice(&sum.to_be_bytes());
    h
}

/// DCCP (IP protocol 33): every packet type, both sequence number lengths, partial checksum
/// coverage, every option tcpdump names (and lengths it refuses), short and cut packets.
fn dccp_frames() -> Vec<(&'static str, Vec<u8>, Option<usize>)> {
    let ack24 = [0u8, 0, 0x11, 0x22, 0, 0, 0, 0];
    let ack48 = [0u8, 0, 0, 0, 0x11, 0x22, 0x33, 0x44];
    let opts: &[u8] = &[
        0, 0, 32, 4, 5, 2, 34, 4, 1, 2, 33, 5, 1, 2, 3, 35, 3, 9, 32, 3, 12, 36, 6, 1, 2, 3, 4, 37,
        3, 7, 38, 3, 0x40, 39, 2, 40, 4, 0xaa, 0xbb, 41, 6, 0, 0, 1, 0, 42, 6, 0, 0, 0, 9, 42, 8,
        0, 0, 0, 9, 0, 3, 42, 10, 0, 0, 0, 9, 0, 0, 0, 4, 43, 4, 0, 70, 43, 6, 0, 1, 0, 0, 44, 6,
        1, 2, 3, 4, 1, 2, 3, 20, 2, 128, 4, 0, 5, 129, 6, 0, 0, 0, 6, 130, 3, 1,
    ];
    let odd_opts: &[u8] = &[41, 5, 1, 2, 3, 42, 7, 1, 2, 3, 4, 5, 43, 3, 1, 35, 2];
    let request: Vec<u8> = [&[0u8, 0, 0, 42][..]].concat();
    let response: Vec<u8> = [&ack48[..], &[0, 0, 0x13, 0x89]].concat();
    let reset = |code: u8| [&ack48[..], &[code, 1, 2, 3]].concat();
    let mut v = vec![
        (
            "dccp request",
            dccp(0, true, 0, &request, &[32, 4, 1, 2], b"", true),
        ),
        (
            "dccp request 24-bit",
            dccp(0, false, 0, &request, &[], b"", true),
        ),
        (
            "dccp response",
            dccp(1, true, 0, &response, &[0, 0], b"", true),
        ),
        ("dccp data", dccp(2, true, 0, &[], &[], b"hello", true)),
        (
            "dccp data 24-bit",
            dccp(2, false, 1, &[], &[37, 3, 1], b"hello", true),
        ),
        ("dccp ack", dccp(3, true, 0, &ack48, opts, b"", true)),
        (
            "dccp ack 24-bit",
            dccp(3, false, 0, &ack24, &[0], b"", true),
        ),
        (
            "dccp dataack partial",
            dccp(4, true, 1, &ack48, &[0, 0, 38, 3, 0], &[7; 40], true),
        ),
        (
            "dccp dataack cscov 3",
            dccp(4, true, 3, &ack48, &[], &[7; 40], true),
        ),
        (
            "dccp dataack cscov past end",
            dccp(4, true, 15, &ack48, &[], &[7; 10], true),
        ),
        (
            "dccp bad checksum",
            dccp(4, true, 2, &ack48, &[], &[7; 40], false),
        ),
        ("dccp closereq", dccp(5, true, 0, &ack48, &[], b"", true)),
        ("dccp close", dccp(6, true, 0, &ack48, &[], b"", true)),
        ("dccp reset", dccp(7, true, 0, &reset(2), &[], b"", true)),
        (
            "dccp reset invalid code",
            dccp(7, true, 0, &reset(99), &[], b"", true),
        ),
        ("dccp sync", dccp(8, true, 0, &ack48, &[], b"", true)),
        ("dccp syncack", dccp(9, true, 0, &ack48, &[], b"", true)),
        (
            "dccp unknown type",
            dccp(12, true, 0, &ack48, &[], b"", true),
        ),
        (
            "dccp odd option lengths",
            dccp(3, true, 0, &ack48, odd_opts, b"", true),
        ),
        (
            "dccp option too short",
            dccp(3, true, 0, &ack48, &[0, 44, 1], b"", true),
        ),
        (
            "dccp ccid option too short",
            dccp(3, true, 0, &ack48, &[200, 0], b"", true),
        ),
        (
            "dccp unknown option too short",
            dccp(3, true, 0, &ack48, &[99, 1], b"", true),
        ),
    ]
    .into_iter()
    .map(|(n, d)| (n, ipv4(33, &d), None))
    .collect::<Vec<_>>();
    // Options past the header length: Data Offset says less than the options take.
    let mut past = dccp(
        3,
        true,
        0,
        &ack48,
        &[0, 0, 0, 44, 8, 1, 2, 3, 4, 5, 6],
        b"",
        true,
    );
    past[4] = 7;
    v.push(("dccp option past header length", ipv4(33, &past), None));
    let mut past = dccp(
        3,
        true,
        0,
        &ack48,
        &[0, 0, 0, 0, 130, 8, 1, 2, 3, 4, 5, 6],
        b"",
        true,
    );
    past[4] = 7;
    v.push(("dccp ccid option past header length", ipv4(33, &past), None));
    // Data Offset beyond the packet (-q says so).
    let mut long = dccp(2, true, 0, &[], &[], b"", true);
    long[4] = 20;
    v.push(("dccp header longer than packet", ipv4(33, &long), None));
    // The IP length leaves less than the headers need (the rest of the bytes follow as
    // link-layer padding).
    for (name, d, keep) in [
        (
            "dccp shorter than 12",
            dccp(2, true, 0, &[], &[], b"", true),
            10,
        ),
        (
            "dccp x set, 12 bytes",
            dccp(2, true, 0, &[], &[], b"", true),
            12,
        ),
        (
            "dccp ack shorter than its ack",
            dccp(3, true, 0, &ack48, &[], b"", true),
            20,
        ),
        (
            "dccp request without service",
            dccp(0, false, 0, &request, &[], b"", true),
            14,
        ),
    ] {
        let mut f = ipv4(33, &d);
        f[16..18].copy_from_slice(&(20 + keep as u16).to_be_bytes());
        fix_ipv4_checksum(&mut f, 14);
        v.push((name, f, None));
    }
    // Captures cut short inside the header, the ack, the options.
    let ack = ipv4(33, &dccp(3, true, 0, &ack48, opts, b"", true));
    for keep in [5, 12, 15, 18, 24, 26, 30, 31, 50] {
        v.push(("dccp ack cut", ack.clone(), Some(14 + 20 + keep)));
    }
    let req = ipv4(33, &dccp(0, true, 0, &request, &[], b"", true));
    v.push(("dccp request cut", req, Some(14 + 20 + 18)));
    let rst = ipv4(33, &dccp(7, true, 0, &reset(1), &[], b"", true));
    v.push(("dccp reset cut", rst, Some(14 + 20 + 26)));
    // IPv6, whose checksum netdump and tcpdump compute (here: wrong), and after a
    // hop-by-hop header, where tcpdump prints the addresses twice.
    let d = dccp(4, true, 1, &ack48, &[0, 38, 3, 0], &[7; 12], true);
    v.push(("dccp over ipv6", ipv6(33, &d), None));
    let hbh: Vec<u8> = [&[33u8, 0, 5, 2, 0, 0, 1, 0][..], &d].concat();
    v.push(("dccp after hop-by-hop", ipv6(0, &hbh), None));
    v
}

fn write_pcap(path: &Path, frames: &[(&str, Vec<u8>, Option<usize>)]) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = PcapWriter::new(file).unwrap();
    for (i, (_, data, keep)) in frames.iter().enumerate() {
        let keep = keep.unwrap_or(data.len()).min(data.len());
        let pkt = PcapPacket::new(
            Duration::from_micros(1_700_000_000_000_000 + i as u64),
            data.len() as u32,
            &data[..keep],
        );
        w.write_packet(&pkt).unwrap();
    }
}

fn run(program: &str, file: &Path, flags: &[&str]) -> String {
    let out = Command::new(program)
        .args(["-n", "-#", "-t", "-r"])
        .arg(file)
        .args(flags)
        .env("TZ", "GMT0")
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed for this test ({e})"));
    assert!(out.status.success(), "{program} {flags:?} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Output split per packet: `-#` starts each packet's first line with its number.
fn packets(text: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for line in text.lines() {
        let first = line.trim_start().split(' ').next().unwrap_or("");
        if !line.starts_with('\t') && first.parse::<usize>().is_ok() && line.starts_with(' ') {
            v.push(line.to_string());
        } else if let Some(last) = v.last_mut() {
            last.push('\n');
            last.push_str(line);
        }
    }
    v
}

#[test]
fn host_protocols_print_as_tcpdump_prints_them() {
    let frames = frames();
    let dir = std::env::temp_dir().join(format!("netdump-host-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("host.pcap");
    write_pcap(&path, &frames);
    let mut bad = 0;
    let flag_sets: &[&[&str]] = &[
        &[],
        &["-q"],
        &["-v"],
        &["-vv"],
        &["-vvv"],
        &["-e"],
        &["-e", "-v"],
        &["-x"],
    ];
    for flags in flag_sets {
        let theirs = packets(&run("tcpdump", &path, flags));
        let ours = packets(&run(env!("CARGO_BIN_EXE_netdump"), &path, flags));
        assert_eq!(ours.len(), theirs.len(), "{flags:?}: packet count");
        for ((a, b), (name, ..)) in ours.iter().zip(&theirs).zip(&frames) {
            if a != b {
                bad += 1;
                eprintln!("{flags:?} {name}:\n  netdump: {a}\n  tcpdump: {b}");
            }
        }
    }
    if std::env::var_os("NETDUMP_KEEP_PCAP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert_eq!(bad, 0, "{bad} packet texts differ from tcpdump's");
    eprintln!(
        "{} frames x {} flag sets print as tcpdump prints them",
        frames.len(),
        flag_sets.len()
    );
}
