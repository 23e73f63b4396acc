//! netdump's tier-2 protocol printers (PIM, EIGRP, OSPF, AoE, DECnet, Babel, GeoNetworking,
//! CALM FAST, Broadcom LI, OpenFlow, RESP, sFlow, LISP) against tcpdump's: frames built here (no
//! third-party captures), whole and cut short at several snap lengths, written to a pcap and
//! read by `tcpdump -n -t -r` and `netdump -n -t -r` at each verbosity; the text must be the
//! same.
//!
//! Needs the `tcpdump` binary (`cargo xtask test` installs it); no root, no network.

use std::{path::Path, process::Command};

use etherparse::PacketBuilder;

#[path = "common/offline.rs"]
mod offline;
use offline::write_pcap;

const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];
const A: [u8; 4] = [198, 18, 0, 1];
const B: [u8; 4] = [198, 18, 0, 2];
const A6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const B6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

fn internet_checksum(data: &[u8]) -> u16 {
    let mut sum = 0u32;
    for pair in data.chunks(2) {
        let w = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
        sum += u32::from(w);
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn ethernet(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&MAC_B);
    f.extend_from_slice(&MAC_A);
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// An 802.3 frame (length field, then `llc`) to the IS-IS multicast address.
fn llc_frame(llc: &[u8]) -> Vec<u8> {
    let mut f = vec![0x01, 0x80, 0xc2, 0x00, 0x00, 0x14];
    f.extend_from_slice(&MAC_A);
    f.extend_from_slice(&(llc.len() as u16).to_be_bytes());
    f.extend_from_slice(llc);
    f
}

/// An IPv4 datagram of protocol `proto` in an Ethernet frame.
fn ipv4(proto: u8, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut h = vec![0x45, 0xc0];
    h.extend_from_slice(&total.to_be_bytes());
    h.extend_from_slice(&[0, 1, 0, 0, 1, proto, 0, 0]);
    h.extend_from_slice(&A);
    h.extend_from_slice(&[224, 0, 0, 13]);
    let sum = internet_checksum(&h);
    h[10..12].copy_from_slice(&sum.to_be_bytes());
    h.extend_from_slice(payload);
    ethernet(0x0800, &h)
}

/// An IPv6 packet with next header `next` in an Ethernet frame.
fn ipv6(next: u8, payload: &[u8]) -> Vec<u8> {
    let mut h = vec![0x60, 0, 0, 0];
    h.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    h.extend_from_slice(&[next, 1]);
    h.extend_from_slice(&A6);
    h.extend_from_slice(&B6);
    h.extend_from_slice(payload);
    ethernet(0x86dd, &h)
}

fn udp4(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4(A, B, 64)
        .udp(sport, dport)
        .write(&mut f, payload)
        .unwrap();
    f
}

fn udp6(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv6(A6, B6, 1)
        .udp(sport, dport)
        .write(&mut f, payload)
        .unwrap();
    f
}

fn tcp4(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4(A, B, 64)
        .tcp(sport, dport, 1000, 512)
        .psh()
        .ack(2000)
        .write(&mut f, payload)
        .unwrap();
    f
}

/// A PIMv2 message of `ty` with its checksum set over `body`.
fn pim(ty: u8, rsv: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![0x20 | ty, rsv, 0, 0];
    m.extend_from_slice(body);
    let sum = internet_checksum(&m);
    m[2..4].copy_from_slice(&sum.to_be_bytes());
    m
}

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Frames printed identically by both programs at every verbosity.
fn frames() -> Vec<(&'static str, Vec<u8>)> {
    let group = hex("0100 0020 e1000001");
    let source = hex("0100 0720 0a000000");
    let mut join = hex("0100 c6120002 0001 00d2");
    join.extend_from_slice(&group);
    join.extend_from_slice(&hex("0001 0001"));
    join.extend_from_slice(&source);
    join.extend_from_slice(&source);
    let mut assert_msg = group.clone();
    assert_msg.extend_from_slice(&hex("0100 c6120001 80000064 0000000a"));
    let mut bootstrap = hex("1234 1e 64 0100 c6120001");
    bootstrap.extend_from_slice(&hex(
        "0100 0004 e0000000 01 01 0000 0100 c6120002 0096 c0 00",
    ));
    let mut crp = hex("01 c0 0096 0100 c6120001");
    crp.extend_from_slice(&hex("0100 0004 e0000000"));
    vec![
        (
            "pim hello",
            ipv4(
                103,
                &pim(
                    0,
                    0,
                    &hex("0001 0002 0069 0002 0004 000a 0064 0013 0004 00000001 0014 0004 1234abcd 0015 0004 01000000 0063 0002 abcd"),
                ),
            ),
        ),
        ("pim join/prune", ipv4(103, &pim(3, 0, &join))),
        ("pim join/prune v6", ipv6(103, &pim(3, 0, &join))),
        ("pim assert", ipv4(103, &pim(5, 0, &assert_msg))),
        ("pim bootstrap", ipv4(103, &pim(4, 0, &bootstrap))),
        ("pim c-rp-adv", ipv4(103, &pim(8, 0, &crp))),
        (
            "pim register-stop",
            ipv4(103, &pim(2, 0, &[group.clone(), hex("0100 c6120001")].concat())),
        ),
        (
            "pim register null",
            ipv4(103, &pim(1, 0, &hex("40000000 0000000000000000000000000000 0a000001 e1000001"))),
        ),
        ("pim unknown type", ipv4(103, &pim(15, 0, &[]))),
        (
            "eigrp hello",
            ipv4(
                88,
                &hex("0205 ee68 00000000 00000000 00000000 0000 0064 0001 000c 0100010000000f 00 0004 0008 0c04 0102"),
            ),
        ),
        (
            "eigrp update",
            ipv4(
                88,
                &hex("0201 0000 00000008 00000003 00000000 0000 0064 0102 001a 00000000 0000 0a00 00004e20 0005dc 01 ff 01 0000 18 0a0101"),
            ),
        ),
        (
            "eigrp bad tlv",
            ipv4(88, &hex("0205 0000 00000000 00000000 00000000 0000 0064 0001 0002 00")),
        ),
        (
            "aoe query",
            ethernet(0x88a2, &hex("1800 0001 00 01 00000005 0010 0001 02 11 0004 74657374")),
        ),
        (
            "aoe ata",
            ethernet(
                0x88a2,
                &hex("1000 0001 02 00 00000007 40 00 01 ec 00 00 00 00 00 00 0000"),
            ),
        ),
        ("aoe mac list", ethernet(0x88a2, &hex("1000 0002 00 02 00000009 00 00 00 01 00 01 020000000001"))),
        ("aoe short", ethernet(0x88a2, &hex("1000 00"))),
        (
            "decnet endnode hello",
            ethernet(
                0x6003,
                &hex("2200 0d 02 00 00 aa000400 0104 03 0240 00 0000000000000000 aa000400 0000 0a00 00 02"),
            ),
        ),
        (
            "decnet data",
            ethernet(
                0x6003,
                &hex("1e00 26 00 00 aa000400 0104 00 00 aa000400 0204 00 00 00 00 60 0520 0320 0180 0100"),
            ),
        ),
        (
            "decnet conn-initiate",
            ethernet(0x6003, &hex("0f00 22 0104 0204 00 18 0000 0320 01 03 1340")),
        ),
        ("decnet router hello", ethernet(0x6003, &hex("1400 0b 02 00 00 aa000400 0104 02 4005 40 00 0f00 00"))),
        (
            "babel hello ihu update",
            udp6(
                6696,
                6696,
                &hex("2a02 0038 0406 0000 1234 0190 050e 0300 0100 0190 0000000000000001 060a 0000 0102030405060708 0812 0280 4000 0190 0001 0100 2001000200000000"),
            ),
        ),
        (
            "babel v4 and trailer",
            udp4(6696, 6696, &hex("2a02 0010 080e 0180 2000 0fa0 0005 0003 c6120000 00 0102 0000")),
        ),
        (
            "geonet beacon",
            ethernet(0x8947, &hex("0110 0000 0000 0001 000000000000000a 00000064 000000c8 0000 0000 00000000 00000000")),
        ),
        (
            "geonet topo-bcast btp",
            ethernet(0x8947, &[hex("1151 0000 0010 0002 c000000000000000 00000001 00000002 0000 0000 00000000"), vec![0; 32], hex("07d1 0000 0102 0304")].concat()),
        ),
        ("calm fast", ethernet(0x1111, &hex("0102 0304"))),
        (
            "bcm-li ipv4",
            udp4(
                49152,
                49153,
                &[hex("0a800001"), {
                    let f = udp4(1000, 2000, b"x");
                    f[14..].to_vec()
                }]
                .concat(),
            ),
        ),
        (
            "lisp map-register",
            udp4(
                4342,
                4342,
                &hex("32000101 0102030405060708 0001 0004 aabbccdd 0000003c 01 20 10 00 0001 0001 c6120001 01 64 ff 00 0005 0001 c6120002 00112233445566778899aabbccddeeff 0000000000000007"),
            ),
        ),
        ("lisp map-notify v6", udp4(4342, 4342, &hex("40000001 0102030405060708 0000 0000 0000003c 01 50 00 00 0000 0002 20010db8000000000000000000000001 01 64 ff 00 0004 0002 20010db8000000000000000000000002"))),
        ("lisp no record", udp4(4342, 4342, &hex("40000000 0102030405060708 0000 0000"))),
        ("resp", tcp4(40000, 6379, b"*2\r\n$4\r\nINCR\r\n$1\r\nz\r\n+OK\r\n:12\r\n$-1\r\n")),
        ("resp inline", tcp4(6379, 40000, b"PING\r\nPING\r\n")),
        (
            "openflow 1.3",
            tcp4(
                6653,
                40000,
                &hex("0402 000c 00000001 61626364 0405 0008 00000002 0401 0004 00000003"),
            ),
        ),
        ("openflow 1.3 hello", tcp4(6653, 40000, &hex("0400 0010 00000001 0001 0008 00000012 0400 0010 00000001 0001 000c 00000012"))),
        ("openflow 1.3 features", tcp4(6653, 40000, &hex("0406 0020 00000002 000026a2b46fd9ba 00000100 40 00 0000 0000014f 00000000"))),
        ("openflow 1.3 config", tcp4(6653, 40000, &hex("0408 000c 00000003 0002 00c8 0409 000c 00000003 0007 ffff"))),
        ("openflow 1.3 port status", tcp4(6653, 40000, &hex("040c 0050 00000004 00 00000000000000 00000002 00000000 ca029fafe91c 0000 76657468300000000000000000000000 00000041 00000004 0000080a 0001280f 00000000 00000000 00989680 00989680"))),
        ("openflow 1.3 port mod", tcp4(6653, 40000, &hex("0410 0028 00000005 fffffffe 00000000 0aea8310db09 0000 00000040 00000041 0000080a 00000000"))),
        ("openflow 1.3 table mod", tcp4(6653, 40000, &hex("0411 0010 00000006 ff000000 00000003 0416 0010 00000007 fffffffd 00000000"))),
        ("openflow 1.3 role", tcp4(6653, 40000, &hex("0418 0018 00000008 00000002 00000000 00000000012e248a 0419 0018 00000008 00000009 00000000 00000000012e248a"))),
        ("openflow 1.3 async", tcp4(6653, 40000, &hex("041c 0020 00000009 00000003 00000002 00000007 00000002 00000007 00000014"))),
        ("openflow 1.3 error", tcp4(6653, 40000, &hex("0401 0014 0000000a 0001 0006 0102030405060708 0401 000c 0000000a ffff 0001"))),
        ("openflow 1.3 experimenter", tcp4(6653, 40000, &hex("0404 0013 0000000b 00d0f0db 00000065 616263 0404 0010 0000000b ff000002 00000001"))),
        ("udld", llc_frame(&hex("aaaa03 00000c 0111 2103 1234 0001 0007 535731 0002 0009 4769302f31 0003 0008 00000000 0004 0005 07 0005 0005 05 0006 0006 7377 0007 0008 00000001"))),
        ("udld bad tlv", llc_frame(&hex("aaaa03 00000c 0111 4101 0000 0001 0004 0004 0005 07"))),
        ("dtp", llc_frame(&hex("aaaa03 00000c 2004 01 0001 000d 646f6d61696e000000 0002 0005 03 0003 0005 a5 0004 000a 001f6d96ec04 0000 0000"))),
        ("vtp summary", llc_frame(&[hex("aaaa03 00000c 2003 01 01 00 04 74657374"), vec![0; 28], hex("00000005 c6120001 393330333031303030303030 00112233445566778899aabbccddeeff")].concat())),
        ("vtp subset", llc_frame(&[hex("aaaa03 00000c 2003 01 02 01 04 74657374"), vec![0; 28], hex("00000005 14 00 01 07 0001 05dc 000186a1 64656661756c7400 14 00 01 04 0002 05dc 000186a2 76326e7a 0601 0001")].concat())),
        ("vtp request", llc_frame(&[hex("aaaa03 00000c 2003 01 03 00 04 74657374"), vec![0; 28], hex("00000001")].concat())),
    ]
}

/// Frames whose `-v` body netdump does not print yet: compared at default verbosity only.
fn default_only_frames() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "ospf hello",
            ipv4(89, &hex("0201 002c c6120001 00000000 0000 0000 0000000000000000 ffffff00 000a 02 01 00000028 00000000 00000000")),
        ),
        (
            "ospf3 lsack",
            ipv6(89, &hex("0305 0010 01010101 00000000 0000 0000")),
        ),
        ("isis csnp", llc_frame(&hex("fefe03 83 21 01 00 18 01 00 00 0021 33333333333300 0000000000000000 ffffffffffffffff"))),
        ("isis lan iih", llc_frame(&hex("fefe03 83 1b 01 00 0f 01 00 00 01 222222222222 001e 001b 40 33333333333302"))),
        ("isis lsp", llc_frame(&hex("fefe03 83 1b 01 00 12 01 00 00 001b 04af 2222222222220000 0000000f 1234 03"))),
        ("isis psnp", llc_frame(&hex("fefe03 83 11 01 00 1a 01 00 00 0011 33333333333300"))),
        ("isis p2p iih", llc_frame(&hex("fefe03 83 14 01 00 11 01 00 00 03 111111111111 001e 0014 00"))),
        ("isis bad version", llc_frame(&hex("fefe03 83 14 02 00 11 01 00 00 03"))),
        ("isis unknown pdu", llc_frame(&hex("fefe03 83 08 01 00 05 01 00 00 0102"))),
        ("esis ish", llc_frame(&hex("fefe03 82 0f 01 00 04 0028 0000 05 4900010000"))),
        ("osi unknown nlpid", llc_frame(&hex("fefe03 99 01 02 03"))),
        (
            "sflow v5",
            udp4(40000, 6343, &hex("00000005 00000001 c6120001 00000002 00000010 00001000 00000000")),
        ),
    ]
}

fn run(program: &str, file: &Path, flags: &[&str]) -> String {
    let out = Command::new(program)
        .args(["-n", "-t", "-r"])
        .arg(file)
        .args(flags)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed for this test ({e}): apt-get install tcpdump")
        });
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Both programs on the frames at each flag set (whole, then cut at each snap length):
/// every packet's text must be the same.
fn compare(
    name: &str,
    frames: &[(&str, Vec<u8>)],
    flag_sets: &[&[&str]],
    snaplens: &[Option<usize>],
) {
    let dir = std::env::temp_dir().join(format!("netdump-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    for snap in snaplens {
        let path = dir.join(format!("tier2-{}.pcap", snap.unwrap_or(0)));
        write_pcap(&path, frames, *snap);
        for flags in flag_sets {
            let theirs = run("tcpdump", &path, flags);
            let ours = run(env!("CARGO_BIN_EXE_netdump"), &path, flags);
            if theirs != ours {
                let t: Vec<&str> = theirs.lines().collect();
                let o: Vec<&str> = ours.lines().collect();
                let first = t
                    .iter()
                    .zip(&o)
                    .position(|(a, b)| a != b)
                    .unwrap_or(t.len().min(o.len()));
                failures.push(format!(
                    "snaplen {snap:?} {flags:?}: first difference at line {first}\n  tcpdump: {:?}\n  netdump: {:?}",
                    t.get(first),
                    o.get(first)
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tier2_protocols_at_every_verbosity() {
    compare(
        "tier2-all",
        &frames(),
        &[&[], &["-q"], &["-v"], &["-vv"], &["-vvv"], &["-e"]],
        &[None, Some(44), Some(64), Some(74), Some(90)],
    );
}

#[test]
fn tier2_header_lines() {
    compare(
        "tier2-default",
        &default_only_frames(),
        &[&[], &["-q"], &["-e"]],
        &[None, Some(44), Some(70)],
    );
}
