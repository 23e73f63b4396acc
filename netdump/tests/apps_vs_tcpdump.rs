//! Application protocols over UDP and TCP (NTP, BOOTP/DHCP, DHCPv6, syslog, TFTP, RADIUS,
//! HTTP): `netdump -r` against `tcpdump -r` on frames built here, whole and cut short at
//! every byte of their payload, at every verbosity, with `-q` and with `-T`. Both must print
//! the same text.
//!
//! Needs `tcpdump` (`cargo xtask test` installs it); no root, no network.

use std::{
    net::Ipv6Addr,
    path::{Path, PathBuf},
    process::Command,
};

use etherparse::PacketBuilder;

const MAC_A: [u8; 6] = [2, 0, 0, 0, 0, 1];
const MAC_B: [u8; 6] = [2, 0, 0, 0, 0, 2];
const V4_A: [u8; 4] = [198, 18, 0, 1];
const V4_B: [u8; 4] = [198, 18, 0, 2];

fn v6(last: u16) -> [u8; 16] {
    Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, last).octets()
}

fn udp4(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4(V4_A, V4_B, 64)
        .udp(sport, dport)
        .write(&mut f, payload)
        .unwrap();
    f
}

fn udp6(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv6(v6(1), v6(2), 64)
        .udp(sport, dport)
        .write(&mut f, payload)
        .unwrap();
    f
}

fn tcp4(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4(V4_A, V4_B, 64)
        .tcp(sport, dport, 1000, 65535)
        .ack(2000)
        .psh()
        .write(&mut f, payload)
        .unwrap();
    f
}

/// An option or attribute: type, length, value (one-byte type and length).
fn tlv(t: u8, v: &[u8]) -> Vec<u8> {
    let mut o = vec![t, v.len() as u8];
    o.extend_from_slice(v);
    o
}

/// A DHCPv6 option (two-byte code and length).
fn opt6(code: u16, v: &[u8]) -> Vec<u8> {
    let mut o = code.to_be_bytes().to_vec();
    o.extend((v.len() as u16).to_be_bytes());
    o.extend_from_slice(v);
    o
}

fn ntp() -> Vec<(&'static str, Vec<u8>)> {
    let mut client = vec![0u8; 48];
    client[0] = 0x23; // v4, client
    client[2] = 6;
    client[3] = 0xe9;
    client[40..48].copy_from_slice(&[0xe8, 0x3b, 0x2b, 0x1c, 0x40, 0, 0, 0]);
    let mut server = vec![0u8; 68];
    server[..4].copy_from_slice(&[0x24, 2, 6, 0xe7]);
    server[4..12].copy_from_slice(&[0, 0, 0x0a, 0, 0, 0, 0x12, 0x34]);
    server[12..16].copy_from_slice(&[198, 18, 0, 9]);
    for (i, at) in [16usize, 24, 32, 40].into_iter().enumerate() {
        server[at..at + 8].copy_from_slice(&[0xe8, 0x3b, 0x2b, 0x1c + i as u8, 0x40, 0x10, 0, 0]);
    }
    server[48..52].copy_from_slice(&7u32.to_be_bytes());
    server[52..68].fill(0xab);
    let control = [
        0x16, 0x82, 0, 1, 0x06, 0x15, 0, 0, 0, 0, 0, 4, b'a', b'=', b'1', 0,
    ];
    vec![
        ("ntp client", udp4(40000, 123, &client)),
        ("ntp server", udp4(123, 40000, &server)),
        ("ntp control", udp4(40001, 123, &control)),
    ]
}

fn bootp(op: u8, options: &[u8]) -> Vec<u8> {
    let mut m = vec![0u8; 236];
    m[..4].copy_from_slice(&[op, 1, 6, 0]);
    m[4..8].copy_from_slice(&0x3903_f326u32.to_be_bytes());
    m[8..10].copy_from_slice(&3u16.to_be_bytes());
    m[10..12].copy_from_slice(&0x8000u16.to_be_bytes());
    if op == 2 {
        m[16..20].copy_from_slice(&[198, 18, 0, 50]);
        m[20..24].copy_from_slice(&V4_A);
        m[44..48].copy_from_slice(b"srv\0");
        m[108..116].copy_from_slice(b"pxe.bin\0");
    }
    m[28..34].copy_from_slice(&[0, 0x0b, 0x82, 1, 0xfc, 0x42]);
    m.extend_from_slice(&[99, 130, 83, 99]);
    m.extend_from_slice(options);
    m
}

fn dhcp() -> Vec<(&'static str, Vec<u8>)> {
    let mut discover = Vec::new();
    discover.extend(tlv(53, &[1]));
    discover.extend(tlv(61, &[1, 0, 0x0b, 0x82, 1, 0xfc, 0x42]));
    discover.extend(tlv(50, &[198, 18, 0, 50]));
    discover.extend(tlv(55, &[1, 3, 6, 42, 15, 121, 249, 200, 44]));
    discover.extend(tlv(12, b"host-one"));
    discover.extend(tlv(81, &[0x05, 0, 0, b'h', b'.', b'o']));
    discover.extend(tlv(60, b"MSFT 5.0"));
    discover.extend(tlv(77, &[3, b'a', b'b', b'c', 2, b'x', b'y']));
    discover.extend(tlv(
        82,
        &[1, 4, b'e', b't', b'h', b'0', 2, 2, 0xab, 0xcd, 9, 2, 1, 2],
    ));
    discover.extend([0, 0, 0]);
    discover.extend(tlv(200, &[1, 2, 3]));
    discover.push(255);
    discover.extend([0, 0]);
    let mut ack = Vec::new();
    ack.extend(tlv(53, &[5]));
    ack.extend(tlv(54, &V4_A));
    ack.extend(tlv(51, &3600u32.to_be_bytes()));
    ack.extend(tlv(58, &1800u32.to_be_bytes()));
    ack.extend(tlv(1, &[255, 255, 255, 0]));
    ack.extend(tlv(3, &V4_A));
    ack.extend(tlv(6, &[198, 18, 0, 1, 198, 18, 0, 3]));
    ack.extend(tlv(2, &(-3600i32).to_be_bytes()));
    ack.extend(tlv(15, b"example.org"));
    ack.extend(tlv(46, &[8]));
    ack.extend(tlv(121, &[24, 198, 18, 5, 198, 18, 0, 1, 0, 198, 18, 0, 1]));
    ack.extend(tlv(19, &[1]));
    ack.extend(tlv(26, &[5, 220]));
    ack.extend(tlv(33, &[198, 18, 1, 0, 198, 18, 0, 1]));
    ack.push(255);
    let mut cmu = vec![0u8; 236];
    cmu[..4].copy_from_slice(&[2, 1, 6, 0]);
    cmu.extend_from_slice(b"CMU\0");
    cmu.extend_from_slice(&[0, 0, 0, 1, 255, 255, 255, 0, 198, 18, 0, 1]);
    cmu.extend_from_slice(&[0; 24]);
    vec![
        ("dhcp discover", udp4(68, 67, &bootp(1, &discover))),
        ("dhcp ack", udp4(67, 68, &bootp(2, &ack))),
        ("bootp cmu", udp4(67, 68, &cmu)),
    ]
}

fn dhcp6() -> Vec<(&'static str, Vec<u8>)> {
    let duid = [
        0, 1, 0, 1, 0x1c, 0x39, 0xcf, 0x88, 8, 0, 0x27, 0xfe, 0x8f, 0x95,
    ];
    let mut addr = v6(0x100).to_vec();
    addr.extend(3600u32.to_be_bytes());
    addr.extend(7200u32.to_be_bytes());
    let mut ia = vec![0, 0, 0, 1, 0, 0, 0x0e, 0x10, 0, 0, 0x15, 0x18];
    ia.extend(opt6(5, &addr));
    let mut prefix = 3600u32.to_be_bytes().to_vec();
    prefix.extend(7200u32.to_be_bytes());
    prefix.push(56);
    prefix.extend(v6(0));
    let mut pd = vec![0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0];
    pd.extend(opt6(26, &prefix));
    let mut solicit = vec![1, 0x10, 0x08, 0x74];
    solicit.extend(opt6(1, &duid));
    solicit.extend(opt6(3, &ia));
    solicit.extend(opt6(25, &pd));
    solicit.extend(opt6(6, &[0, 23, 0, 24, 0, 56, 0, 64]));
    solicit.extend(opt6(8, &[0, 0]));
    solicit.extend(opt6(14, &[]));
    solicit.extend(opt6(20, &[]));
    let mut reply = vec![7, 0x10, 0x08, 0x74];
    reply.extend(opt6(2, &[0, 3, 0, 1, 8, 0, 0x27, 0xfe, 0x8f, 0x95]));
    reply.extend(opt6(23, &[v6(0x53), v6(0x54)].concat()));
    reply.extend(opt6(24, b"\x07example\x03org\x00\x03lab\xc0\x00"));
    reply.extend(opt6(13, &[0, 2, b'n', b'o']));
    reply.extend(opt6(7, &[255]));
    reply.extend(opt6(64, b"\x04aftr\x07example\x03org\x00"));
    reply.extend(opt6(112, b"https://mud.example/x"));
    let mut relay = vec![12, 0];
    relay.extend(v6(0x10));
    relay.extend(v6(0x11));
    relay.extend(opt6(18, b"eth0/1/2/3/4"));
    relay.extend(opt6(9, &solicit[..40]));
    vec![
        ("dhcp6 solicit", udp6(546, 547, &solicit)),
        ("dhcp6 reply", udp6(547, 546, &reply)),
        ("dhcp6 relay", udp6(547, 547, &relay)),
    ]
}

fn small() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "syslog",
            udp4(
                40002,
                514,
                b"<134>Oct 11 22:14:15 host app: hello\tworld\x01\n",
            ),
        ),
        ("syslog invalid", udp4(40002, 514, b"134 no priority")),
        (
            "tftp rrq",
            udp4(
                40003,
                69,
                b"\x00\x01boot/pxe.img\x00octet\x00blksize\x001428\x00",
            ),
        ),
        ("tftp data", udp4(40004, 40003, b"\x00\x03\x00\x07abcdef")),
        (
            "tftp error",
            udp4(69, 40003, b"\x00\x05\x00\x01File not found\x00"),
        ),
        ("tftp oack", udp4(69, 40003, b"\x00\x06blksize\x001428\x00")),
    ]
}

fn radius() -> Vec<(&'static str, Vec<u8>)> {
    let mut attrs = Vec::new();
    attrs.extend(tlv(1, b"alice"));
    attrs.extend(tlv(2, &[0x55; 16]));
    attrs.extend(tlv(4, &V4_A));
    attrs.extend(tlv(5, &7u32.to_be_bytes()));
    attrs.extend(tlv(6, &2u32.to_be_bytes()));
    attrs.extend(tlv(27, &3725u32.to_be_bytes()));
    attrs.extend(tlv(30, b"00-11-22-33-44-55:ssid"));
    attrs.extend(tlv(61, &19u32.to_be_bytes()));
    attrs.extend(tlv(64, &[1, 0, 0, 13]));
    attrs.extend(tlv(81, b"\x01vlan10"));
    attrs.extend(tlv(79, b"\x02\x00\x00\x0a\x01alice"));
    attrs.extend(tlv(
        26,
        &[
            0, 0, 0, 9, 1, 10, b'a', b'v', b'=', b'1', b'2', b'3', b'4', b'5',
        ],
    ));
    attrs.extend(tlv(97, &[0, 64, 0x20, 1, 0, 2, 0, 0, 0, 7]));
    attrs.extend(tlv(101, &404u32.to_be_bytes()));
    attrs.extend(tlv(80, &[0x11; 16]));
    let mut m = vec![1, 0x2a, 0, 0];
    m.extend([0xa5; 16]);
    m.extend(attrs);
    let len = m.len() as u16;
    m[2..4].copy_from_slice(&len.to_be_bytes());
    let mut accept = vec![2, 0x2a, 0, 20];
    accept.extend([0x5a; 16]);
    vec![
        ("radius request", udp4(40005, 1812, &m)),
        ("radius accept", udp4(1812, 40005, &accept)),
        ("radius on another port", udp4(40005, 40006, &accept)),
    ]
}

fn http() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "http request",
            tcp4(
                40007,
                80,
                b"GET /index.html HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n",
            ),
        ),
        (
            "http response",
            tcp4(
                8080,
                40007,
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
            ),
        ),
        (
            "http body",
            tcp4(80, 40007, b"<html><body>hello</body></html>\n"),
        ),
        (
            "http binary",
            tcp4(80, 40007, b"GET /\x01\x02 HTTP/1.0\r\n"),
        ),
    ]
}

fn frames() -> Vec<(&'static str, Vec<u8>)> {
    [ntp(), dhcp(), dhcp6(), small(), radius(), http()].concat()
}

/// Where a frame's payload starts: Ethernet, then an IPv4 (20) or IPv6 (40) header, then
/// UDP (8) or TCP (20).
fn payload_start(f: &[u8]) -> usize {
    let ip = if f[12..14] == [0x86, 0xdd] { 40 } else { 20 };
    let proto = if ip == 40 { f[20] } else { f[23] };
    14 + ip + if proto == 6 { 20 } else { 8 }
}

/// A little-endian microsecond pcap of `records` (captured bytes, length on the wire).
fn pcap(records: &[(Vec<u8>, u32)]) -> Vec<u8> {
    let mut f = 0xa1b2_c3d4u32.to_le_bytes().to_vec();
    f.extend(2u16.to_le_bytes());
    f.extend(4u16.to_le_bytes());
    for x in [0u32, 0, 65535, 1] {
        f.extend(x.to_le_bytes());
    }
    for (i, (data, len)) in records.iter().enumerate() {
        for x in [1_700_000_000u32, i as u32, data.len() as u32, *len] {
            f.extend(x.to_le_bytes());
        }
        f.extend(data);
    }
    f
}

fn tmpdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("netdump-apps-vs-tcpdump-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn output(program: &str, file: &Path, flags: &[&str]) -> String {
    let out = Command::new(program)
        .args(["-n", "-r"])
        .arg(file)
        .args(flags)
        .env("TZ", "UTC")
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed for this test ({e})"));
    assert!(out.status.success(), "{program} {flags:?} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Splits a listing into packets: a packet's text starts on a line that is not indented.
fn packets(s: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for line in s.lines() {
        match v.last_mut() {
            Some(last) if line.starts_with('\t') || line.starts_with(' ') => {
                last.push('\n');
                last.push_str(line);
            }
            _ => v.push(line.to_string()),
        }
    }
    v
}

/// Whole frames and every cut of their payloads, through both programs with `flags`.
fn compare(dir: &Path, flags: &[&str]) {
    let mut names = Vec::new();
    let mut records = Vec::new();
    for (name, f) in frames() {
        let len = f.len() as u32;
        names.push(format!("{name} (whole)"));
        records.push((f.clone(), len));
        for keep in payload_start(&f)..f.len() {
            names.push(format!("{name} cut at {keep}"));
            records.push((f[..keep].to_vec(), len));
        }
    }
    let file = dir.join(format!("apps{}.pcap", flags.join("")));
    std::fs::write(&file, pcap(&records)).unwrap();
    let theirs = packets(&output("tcpdump", &file, flags));
    let ours = packets(&output(env!("CARGO_BIN_EXE_netdump"), &file, flags));
    assert_eq!(
        ours.len(),
        theirs.len(),
        "packet count differs for {flags:?}"
    );
    let bad: Vec<String> = ours
        .iter()
        .zip(&theirs)
        .zip(&names)
        .filter(|((a, b), _)| a != b)
        .map(|((a, b), n)| format!("{n}:\n  netdump: {a}\n  tcpdump: {b}"))
        .collect();
    assert!(
        bad.is_empty(),
        "{} of {} packets differ from tcpdump {flags:?}:\n{}",
        bad.len(),
        names.len(),
        bad.iter().take(6).cloned().collect::<Vec<_>>().join("\n")
    );
    eprintln!("{flags:?}: {} packets as tcpdump prints them", names.len());
}

#[test]
fn application_protocols_print_as_tcpdump_prints_them() {
    let dir = tmpdir();
    for flags in [
        &[][..],
        &["-v"],
        &["-vv"],
        &["-vvv"],
        &["-q"],
        &["-T", "tftp"],
        &["-T", "radius"],
    ] {
        compare(&dir, flags);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
