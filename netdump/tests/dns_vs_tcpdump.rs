//! DNS against tcpdump: messages built here byte by byte (every record type tcpdump's
//! print-domain.c prints, EDNS options, mDNS, DNS over TCP, compression loops, over-long
//! names, odd label types), each also cut at every byte and mutated at random (a fixed
//! seed), carried in UDP over IPv4 and IPv6 and in TCP, written to a pcap file and read by
//! `netdump -r` and `tcpdump -r` at every verbosity, with `-q`, `-x` and `-T domain`. The
//! text must be the same, packet by packet.
//!
//! Needs the `tcpdump` binary (`cargo xtask test` installs it); no root, no network.

use std::{path::Path, process::Command, time::Duration};

use pcap_file::pcap::{PcapPacket, PcapWriter};

mod common;

use common::tmp::TmpDir;

const SRC: [u8; 4] = [198, 18, 0, 1];
const DST: [u8; 4] = [198, 18, 0, 2];
const SRC6: [u8; 16] = [0x20, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const DST6: [u8; 16] = [0x20, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

fn eth() -> etherparse::PacketBuilderStep<etherparse::Ethernet2Header> {
    etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
}

fn udp4(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    eth()
        .ipv4(SRC, DST, 64)
        .udp(sport, dport)
        .write(&mut f, payload)
        .unwrap();
    f
}

fn udp6(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    eth()
        .ipv6(SRC6, DST6, 64)
        .udp(sport, dport)
        .write(&mut f, payload)
        .unwrap();
    f
}

fn tcp4(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    eth()
        .ipv4(SRC, DST, 64)
        .tcp(sport, dport, 1000, 64240)
        .ack(2000)
        .psh()
        .write(&mut f, payload)
        .unwrap();
    f
}

/// A message over TCP: its two-byte length prefix, then the message.
fn prefixed(msg: &[u8]) -> Vec<u8> {
    let mut p = (msg.len() as u16).to_be_bytes().to_vec();
    p.extend_from_slice(msg);
    p
}

/// A name as labels (no compression): "www.example.com" -> 3www7example3com0.
fn name(n: &str) -> Vec<u8> {
    let mut v = Vec::new();
    for l in n.split('.').filter(|l| !l.is_empty()) {
        v.push(l.len() as u8);
        v.extend_from_slice(l.as_bytes());
    }
    v.push(0);
    v
}

fn header(id: u16, flags: u16, counts: [u16; 4]) -> Vec<u8> {
    let mut v = id.to_be_bytes().to_vec();
    v.extend_from_slice(&flags.to_be_bytes());
    for c in counts {
        v.extend_from_slice(&c.to_be_bytes());
    }
    v
}

fn question(n: &[u8], qtype: u16, class: u16) -> Vec<u8> {
    [n, &qtype.to_be_bytes(), &class.to_be_bytes()].concat()
}

fn rr(n: &[u8], rtype: u16, class: u16, ttl: u32, data: &[u8]) -> Vec<u8> {
    [
        n,
        &rtype.to_be_bytes(),
        &class.to_be_bytes(),
        &ttl.to_be_bytes(),
        &(data.len() as u16).to_be_bytes(),
        data,
    ]
    .concat()
}

/// An OPT pseudo-record: UDP size, extended rcode, flags (DO = 0x8000), options.
fn opt(size: u16, ext_rcode: u8, flags: u16, options: &[u8]) -> Vec<u8> {
    let ttl = (u32::from(ext_rcode) << 24) | u32::from(flags);
    rr(&[0], 41, size, ttl, options)
}

fn eopt(code: u16, data: &[u8]) -> Vec<u8> {
    [
        &code.to_be_bytes(),
        &(data.len() as u16).to_be_bytes(),
        data,
    ]
    .concat()
}

/// Pointer to the first question's name (offset 12).
const PTR: [u8; 2] = [0xc0, 12];

/// The messages: name, bytes.
fn messages() -> Vec<(&'static str, Vec<u8>)> {
    let www = name("www.example.com");
    let q_a = question(&www, 1, 1);
    let mut v: Vec<(&'static str, Vec<u8>)> = Vec::new();
    v.push((
        "query A",
        [header(0x1234, 0x0100, [1, 0, 0, 0]), q_a.clone()].concat(),
    ));
    v.push((
        "query AAAA, EDNS DO and cookie",
        [
            header(7, 0x0120, [1, 0, 0, 1]),
            question(&www, 28, 1),
            opt(4096, 0, 0x8000, &eopt(10, &[1, 2, 3, 4, 5, 6, 7, 8])),
        ]
        .concat(),
    ));
    let soa = [
        name("ns1.example.com"),
        name("hostmaster.example.com"),
        [
            0, 0, 0, 1, 0, 0, 0x0e, 0x10, 0, 0, 2, 0x58, 0, 9, 0x3a, 0x80, 0, 0, 0, 60,
        ]
        .to_vec(),
    ]
    .concat();
    let txt = [&[5][..], b"hello", &[0], &[3], b"a\"\x01"].concat();
    let srv = [&[0, 10, 0, 5, 0x13, 0xc4][..], &name("sip.example.com")].concat();
    let mx = [&[0, 10][..], &[2, b'm', b'x'], &PTR].concat();
    v.push((
        "response with many types",
        [
            header(0x1234, 0x8580, [1, 8, 1, 2]),
            q_a.clone(),
            rr(&PTR, 1, 1, 3600, &[198, 18, 0, 7]),
            rr(
                &PTR,
                28,
                1,
                90061,
                &[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            ),
            rr(&PTR, 5, 1, 0, &name("alias.example.com")),
            rr(&PTR, 15, 1, 31_536_000 + 604_800 + 1, &mx),
            rr(&PTR, 16, 1, 60, &txt),
            rr(&PTR, 33, 1, 60, &srv),
            rr(&PTR, 12, 1, 60, &name("ptr.example.com")),
            rr(&PTR, 39, 1, 60, &name("example.net")),
            rr(&[0xc0, 16], 6, 1, 60, &soa),
            rr(&PTR, 2, 1, 60, &name("ns1.example.com")),
            opt(1232, 0, 0, &[]),
        ]
        .concat(),
    ));
    v.push((
        "nxdomain with soa, no recursion",
        [
            header(9, 0x8403, [1, 0, 1, 0]),
            q_a.clone(),
            rr(&[0xc0, 16], 6, 1, 300, &soa),
        ]
        .concat(),
    ));
    v.push((
        "badvers (extended rcode)",
        [
            header(10, 0x8180, [1, 0, 0, 1]),
            q_a.clone(),
            opt(512, 1, 0, &[]),
        ]
        .concat(),
    ));
    v.push((
        "badcookie and unknown extended rcode",
        [
            header(11, 0x8187, [1, 0, 0, 2]),
            q_a.clone(),
            rr(&PTR, 1, 1, 5, &[1, 2, 3, 4]),
            opt(512, 0xff, 0, &[]),
        ]
        .concat(),
    ));
    let options = [
        eopt(8, &[0, 1, 24, 0, 198, 51, 100]),
        eopt(8, &[0, 2, 56, 0, 0x20, 1, 0xd, 0xb8, 0, 0, 0]),
        eopt(8, &[0, 2, 16, 0]),
        eopt(8, &[0, 1, 24, 0, 1]),
        eopt(8, &[0, 3, 0, 0]),
        eopt(8, &[0, 1]),
        eopt(10, &[9; 24]),
        eopt(10, &[9; 12]),
        eopt(11, &[0, 25]),
        eopt(11, &[0]),
        eopt(9, &[0, 1, 0x51, 0x80]),
        eopt(9, &[1]),
        eopt(12, &[0; 7]),
        eopt(14, &[0x4f, 0x66, 0, 20]),
        eopt(14, &[1, 2, 3]),
        eopt(5, &[8, 13, 99, 253]),
        eopt(6, &[1, 2, 3, 4, 9]),
        eopt(7, &[1, 2]),
        eopt(13, &name("example.com")),
        eopt(13, &[0xc0, 0]),
        eopt(3, b"ns-7"),
        eopt(1, &[]),
        eopt(2, &[0, 0, 0, 60]),
        eopt(16, &[1]),
        eopt(17, &[2]),
        eopt(99, &[0xab, 0xcd]),
    ]
    .concat();
    v.push((
        "every edns option",
        [
            header(12, 0x0100, [1, 0, 0, 1]),
            q_a.clone(),
            opt(4096, 0, 0x8000, &options),
        ]
        .concat(),
    ));
    v.push((
        "edns option longer than the record",
        [
            header(13, 0x0100, [1, 0, 0, 1]),
            q_a.clone(),
            opt(4096, 0, 0, &[0, 10, 0, 40, 1, 2]),
            vec![0; 8],
        ]
        .concat(),
    ));
    let sig = [
        &[0, 1, 8, 2, 0, 0, 0x0e, 0x10][..],
        &[0x60; 8],
        &[0, 7],
        &name("example.com"),
        &[0xaa; 16],
    ]
    .concat();
    v.push((
        "dnssec records",
        [
            header(14, 0x81a0, [1, 5, 0, 0]),
            question(&www, 48, 1),
            rr(&PTR, 48, 1, 3600, &[1, 1, 3, 8, 0xaa, 0xbb]),
            rr(&PTR, 46, 1, 3600, &sig),
            rr(&PTR, 43, 1, 3600, &[0x30, 0x39, 8, 2, 0xcc, 0xdd]),
            rr(
                &PTR,
                47,
                1,
                3600,
                &[&name("z.example.com")[..], &[0, 6, 0x40, 0, 0, 3]].concat(),
            ),
            rr(&PTR, 50, 1, 3600, &[1, 0, 0, 10, 4, 1, 2, 3, 4]),
        ]
        .concat(),
    ));
    v.push((
        "uri, a6, tsig, unspeca, hinfo",
        [
            header(15, 0x8180, [1, 9, 0, 1]),
            q_a.clone(),
            rr(
                &PTR,
                256,
                1,
                60,
                &[&[0, 10, 0, 1][..], b"ftp://ftp.example.com/"].concat(),
            ),
            rr(
                &PTR,
                38,
                1,
                60,
                &[
                    &[0][..],
                    &[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9],
                ]
                .concat(),
            ),
            rr(
                &PTR,
                38,
                1,
                60,
                &[
                    &[64][..],
                    &[0, 0, 0, 0, 0, 0, 0, 5],
                    &name("a6.example.com"),
                ]
                .concat(),
            ),
            rr(
                &PTR,
                38,
                1,
                60,
                &[&[128][..], &name("a6.example.com")].concat(),
            ),
            rr(&PTR, 38, 1, 60, &[200, 1, 2]),
            rr(&PTR, 104, 1, 60, b"unspec\x7f text"),
            rr(
                &PTR,
                13,
                1,
                60,
                &[3, b'x', b'8', b'6', 5, b'l', b'i', b'n', b'u', b'x'],
            ),
            rr(&PTR, 1, 3, 60, &[1, 2, 3, 4]),
            rr(&PTR, 1, 77, 60, &[1, 2, 3, 4]),
            rr(
                &name("key.example.com"),
                250,
                255,
                0,
                &[
                    &name("hmac-sha256")[..],
                    &[
                        0, 0, 0x60, 0, 0, 0, 1, 0x2c, 0, 4, 1, 2, 3, 4, 0, 15, 0, 0, 0, 0,
                    ],
                ]
                .concat(),
            ),
        ]
        .concat(),
    ));
    v.push((
        "uri shorter than its fixed part",
        [
            header(16, 0x8180, [1, 1, 0, 0]),
            q_a.clone(),
            rr(&PTR, 256, 1, 60, &[0, 10]),
        ]
        .concat(),
    ));
    v.push((
        "forward pointer",
        [
            header(17, 0x8180, [1, 1, 0, 0]),
            q_a.clone(),
            rr(&[0xc0, 60], 1, 1, 60, &[1, 2, 3, 4]),
        ]
        .concat(),
    ));
    v.push((
        "pointer to itself in the question",
        [header(18, 0x0100, [1, 0, 0, 0]), vec![0xc0, 12, 0, 1, 0, 1]].concat(),
    ));
    v.push((
        "pointer loop of two",
        [
            header(19, 0x0100, [1, 0, 0, 0]),
            vec![1, b'a', 0xc0, 16, 1, b'b', 0xc0, 12, 0, 1, 0, 1],
        ]
        .concat(),
    ));
    let long = [vec![63; 1], vec![b'x'; 63]].concat().repeat(5);
    v.push((
        "name longer than 255",
        [header(20, 0x0100, [1, 0, 0, 0]), long, vec![0, 0, 1, 0, 1]].concat(),
    ));
    v.push((
        "bit-string label",
        [
            header(21, 0x0100, [1, 0, 0, 0]),
            vec![0x41, 12, 0xab, 0xcd, 0x41, 0, 0xff, 0xff, 0, 0, 12, 0, 1],
        ]
        .concat(),
    ));
    v.push((
        "unknown extended label",
        [header(22, 0x0100, [1, 0, 0, 0]), vec![0x42, 0, 0, 1, 0, 1]].concat(),
    ));
    v.push((
        "reserved label type",
        [
            header(23, 0x0100, [1, 0, 0, 0]),
            vec![1, b'a', 0x80, 0, 0, 1, 0, 1],
        ]
        .concat(),
    ));
    v.push((
        "unprintable label bytes",
        [
            header(24, 0x0100, [1, 0, 0, 0]),
            vec![4, 0, 0x1f, 0x7f, 0xe9, 0, 0, 1, 0, 1],
        ]
        .concat(),
    ));
    v.push((
        "three questions, odd flags",
        [
            header(25, 0x07d1, [3, 2, 1, 1]),
            q_a.clone(),
            question(&PTR, 28, 3),
            question(&PTR, 255, 254),
            rr(&PTR, 1, 1, 5, &[1, 2, 3, 4]),
            rr(&PTR, 1, 1, 5, &[1, 2, 3, 5]),
            rr(&PTR, 2, 1, 5, &PTR),
            opt(512, 0, 0, &[]),
        ]
        .concat(),
    ));
    v.push((
        "response with three questions",
        [
            header(26, 0x8180, [3, 0, 0, 0]),
            q_a.clone(),
            question(&PTR, 28, 1),
            question(&PTR, 15, 1),
        ]
        .concat(),
    ));
    v.push((
        "inverse query",
        [
            header(27, 0x0800, [0, 1, 0, 0]),
            rr(&[0], 1, 1, 0, &[1, 2, 3, 4]),
        ]
        .concat(),
    ));
    v.push((
        "update",
        [
            header(28, 0x2800, [1, 0, 2, 0]),
            question(&name("example.com"), 6, 1),
        ]
        .concat(),
    ));
    v.push((
        "every opcode and rcode",
        [header(29, 0xf98f, [0, 0, 0, 0])].concat(),
    ));
    v.push(("no questions", header(30, 0x8180, [0, 0, 0, 0])));
    v.push((
        "counts beyond the message",
        [header(31, 0x8180, [1, 3, 2, 1]), q_a.clone()].concat(),
    ));
    v.push((
        "root name",
        [header(32, 0x0100, [1, 0, 0, 0]), question(&[0], 2, 1)].concat(),
    ));
    v
}

/// mDNS messages (UDP 5353).
fn mdns() -> Vec<(&'static str, Vec<u8>)> {
    let local = name("printer._ipp._tcp.local");
    vec![
        (
            "mdns query QU and QM",
            [
                header(0, 0, [2, 0, 0, 0]),
                question(&local, 12, 0x8001),
                question(&PTR, 16, 1),
            ]
            .concat(),
        ),
        (
            "mdns response with cache flush",
            [
                header(0, 0x8400, [0, 3, 0, 1]),
                rr(&local, 12, 0x8001, 4500, &name("lp.local")),
                rr(&name("lp.local"), 1, 0x8001, 120, &[198, 18, 0, 9]),
                rr(
                    &name("lp2.local"),
                    33,
                    1,
                    120,
                    &[0, 0, 0, 0, 2, 0x77, 0xc0, 12],
                ),
                opt(1440, 0, 0, &eopt(4, &[0, 1, 2, 3, 4, 5, 6, 7])),
            ]
            .concat(),
        ),
    ]
}

/// Frames and how many of their bytes are captured (None: all).
fn frames() -> Vec<(String, Vec<u8>, Option<usize>)> {
    let mut v = Vec::new();
    let msgs = messages();
    for (n, m) in &msgs {
        v.push((format!("udp4 {n}"), udp4(40000, 53, m), None));
        v.push((format!("udp6 {n}"), udp6(53, 40001, m), None));
        v.push((format!("tcp {n}"), tcp4(53, 40002, &prefixed(m)), None));
    }
    for (n, m) in mdns() {
        v.push((format!("mdns {n}"), udp4(5353, 5353, &m), None));
        v.push((format!("mdns6 {n}"), udp6(5353, 5353, &m), None));
    }
    let (_, resp) = &msgs[2];
    v.push(("llmnr".into(), udp4(5355, 40003, resp), None));
    v.push((
        "port 8053 (-T domain only)".into(),
        udp4(8053, 40004, resp),
        None,
    ));
    v.push((
        "tcp port 8053 (-T domain only)".into(),
        tcp4(40005, 8053, &prefixed(resp)),
        None,
    ));
    // ICMP port unreachable quoting a query: whole, and only its first eight bytes (with a
    // UDP checksum and without).
    let query = udp4(40000, 53, &msgs[0].1);
    let mut unsummed = query.clone();
    unsummed[40..42].copy_from_slice(&[0, 0]);
    for quoted in [&query[14..], &query[14..42], &unsummed[14..42]] {
        let icmp = [&[3u8, 3, 0, 0, 0, 0, 0, 0][..], quoted].concat();
        let mut f = Vec::new();
        eth()
            .ipv4(DST, SRC, 64)
            .write(&mut f, etherparse::IpNumber::ICMP, &icmp)
            .unwrap();
        v.push((format!("icmp quoting {} bytes", quoted.len()), f, None));
    }
    v.push((
        "short udp message".into(),
        udp4(53, 40006, &[1, 2, 3, 4, 5]),
        None,
    ));
    v.push(("empty udp message".into(), udp4(53, 40006, &[]), None));
    v.push((
        "tcp prefix mismatch".into(),
        tcp4(53, 40007, &[0, 99, 1, 2, 3]),
        None,
    ));
    v.push(("tcp one byte".into(), tcp4(53, 40007, &[0]), None));
    v.push(("tcp prefix only".into(), tcp4(53, 40007, &[0, 0]), None));
    v.push((
        "tcp short message".into(),
        tcp4(53, 40007, &prefixed(&[1, 2, 3])),
        None,
    ));
    // Cut by the snap length at every byte of a few messages.
    for &k in &[2usize, 3, 6, 8, 9] {
        let (n, m) = &msgs[k];
        let f = udp4(40000, 53, m);
        for keep in 42..f.len() {
            v.push((format!("udp4 {n} cut at {keep}"), f.clone(), Some(keep)));
        }
    }
    let (n, m) = &msgs[2];
    let f = tcp4(53, 40002, &prefixed(m));
    for keep in 54..f.len() {
        v.push((format!("tcp {n} cut at {keep}"), f.clone(), Some(keep)));
    }
    // Random bytes changed in every message: a fixed xorshift stream, the same on every run.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for round in 0..60 {
        for (n, m) in msgs.iter().chain(mdns().iter()) {
            let mut m = m.clone();
            for _ in 0..1 + round % 9 {
                let at = (next() % m.len() as u64) as usize;
                m[at] = next() as u8;
            }
            let port = if round % 3 == 2 { 5353 } else { 53 };
            let f = if round % 2 == 0 {
                udp4(port, 40008, &m)
            } else {
                tcp4(40009, 53, &prefixed(&m))
            };
            // Some also cut short, after their UDP or TCP header.
            let hdr = if round % 2 == 0 { 42 } else { 54 };
            let keep = (round % 5 == 4).then(|| hdr + (next() as usize) % (f.len() - hdr + 1));
            v.push((format!("mutated {round} {n}"), f, keep));
        }
    }
    v
}

fn write_pcap(path: &Path, frames: &[(String, Vec<u8>, Option<usize>)]) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = PcapWriter::new(file).unwrap();
    for (i, (_, data, keep)) in frames.iter().enumerate() {
        let cut = &data[..keep.unwrap_or(data.len())];
        let ts = Duration::from_micros(1_700_000_000_000_000 + i as u64);
        w.write_packet(&PcapPacket::new(ts, data.len() as u32, cut))
            .unwrap();
    }
}

fn run(program: &str, file: &Path, flags: &[&str]) -> String {
    let out = Command::new(program)
        .args(["-n", "-t", "-r"])
        .arg(file)
        .args(flags)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed for this test: {e}"));
    assert!(
        out.status.success(),
        "{program} {flags:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One string per packet: its line and the indented lines after it.
fn packets(text: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for line in text.lines() {
        match v.last_mut() {
            Some(last) if line.starts_with([' ', '\t']) => {
                last.push('\n');
                last.push_str(line);
            }
            _ => v.push(line.to_string()),
        }
    }
    v
}

#[test]
fn dns_prints_as_tcpdump_prints_it() {
    let dir = TmpDir::new("dns-vs-tcpdump");
    let frames = frames();
    let file = dir.join("dns.pcap");
    write_pcap(&file, &frames);
    let netdump = env!("CARGO_BIN_EXE_netdump");
    let flag_sets: &[&[&str]] = &[
        &[],
        &["-v"],
        &["-vv"],
        &["-vvv"],
        &["-q"],
        &["-x"],
        &["-T", "domain"],
        &["-vv", "-T", "domain"],
        &["-q", "-T", "domain"],
    ];
    let mut bad = 0;
    let mut domain_lines = 0;
    for flags in flag_sets {
        let theirs = packets(&run("tcpdump", &file, flags));
        let ours = packets(&run(netdump, &file, flags));
        assert_eq!(ours.len(), theirs.len(), "{flags:?}: packet counts differ");
        for ((name, ..), (a, b)) in frames.iter().zip(ours.iter().zip(&theirs)) {
            if a != b {
                bad += 1;
                eprintln!("{flags:?} {name}:\n  netdump: {a}\n  tcpdump: {b}");
            }
            // The test proves something only if tcpdump printed DNS for most frames.
            domain_lines +=
                usize::from(b.contains("? ") || b.contains("/") || b.contains("[|domain]"));
        }
    }
    assert_eq!(bad, 0, "{bad} packets print differently from tcpdump");
    assert!(
        domain_lines > frames.len() * 4,
        "too few DNS lines ({domain_lines}) for {} frames",
        frames.len()
    );
    eprintln!(
        "{} frames at {} flag sets print as tcpdump prints them",
        frames.len(),
        flag_sets.len()
    );
}
