//! netdump's printer against tcpdump's: the same frames written to a pcap file, printed by
//! `tcpdump -n -t -r` and by netdump's printer, must give the same text, flag set by flag set.
//!
//! Needs the `tcpdump` binary (`cargo xtask test` installs it); no root.

use std::{path::Path, process::Command, time::Duration};

use etherparse::PacketBuilder;
use netdump::{
    packet::{Direction, Hook, Packet},
    print::{DissectOptions, Dump, PrintOptions, Printer, TimeFormat, Timestamp},
};
use pcap_file::pcap::{PcapPacket, PcapWriter};

const A: [u8; 4] = [198, 18, 0, 1];
const B: [u8; 4] = [198, 18, 0, 2];
const A6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const B6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];

fn eth() -> etherparse::PacketBuilderStep<etherparse::Ethernet2Header> {
    PacketBuilder::ethernet2(MAC_A, MAC_B)
}

fn eth_rev() -> etherparse::PacketBuilderStep<etherparse::Ethernet2Header> {
    PacketBuilder::ethernet2(MAC_B, MAC_A)
}

/// The IPv4 header checksum over the header at `at`.
fn fix_ipv4_checksum(f: &mut [u8], at: usize) {
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

fn raw_eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&MAC_B);
    f.extend_from_slice(&MAC_A);
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn arp(op: u16, sha: [u8; 6], spa: [u8; 4], tha: [u8; 6], tpa: [u8; 4]) -> Vec<u8> {
    let mut p = vec![0, 1, 8, 0, 6, 4];
    p.extend_from_slice(&op.to_be_bytes());
    p.extend_from_slice(&sha);
    p.extend_from_slice(&spa);
    p.extend_from_slice(&tha);
    p.extend_from_slice(&tpa);
    raw_eth(0x0806, &p)
}

/// An IPv6 packet with raw extension headers: `exts` is (next header, bytes) per header.
fn ipv6_raw(first_nh: u8, exts: &[&[u8]], payload: &[u8], src: [u8; 16], dst: [u8; 16]) -> Vec<u8> {
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

fn corpus() -> Vec<(&'static str, Vec<u8>)> {
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
    c
}

/// Frames cut short, as a small snap length would leave them: (name, frame, bytes kept).
fn truncated() -> Vec<(&'static str, Vec<u8>, usize)> {
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

fn write_pcap(path: &Path, frames: &[(Vec<u8>, u32)]) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = PcapWriter::new(file).unwrap();
    for (i, (data, orig)) in frames.iter().enumerate() {
        let pkt = PcapPacket::new(
            Duration::from_micros(1_700_000_000_000_000 + i as u64),
            *orig,
            data,
        );
        w.write_packet(&pkt).unwrap();
    }
}

fn tcpdump(path: &Path, flags: &[&str]) -> String {
    let out = Command::new("tcpdump")
        .args(["-n", "-t", "-r"])
        .arg(path)
        .args(flags)
        .output()
        .expect("tcpdump is needed for this test: apt-get install tcpdump (cargo xtask test does)");
    assert!(
        out.status.success(),
        "tcpdump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn netdump(frames: &[(Vec<u8>, u32)], dissect: DissectOptions, dump: Dump) -> String {
    let mut printer = Printer::new(PrintOptions {
        dissect,
        time: TimeFormat::None,
        dump,
        iface_prefix: false,
        hook_tag: false,
    });
    let mut out = Vec::new();
    for (data, orig) in frames {
        let pkt = Packet {
            ts: Timestamp::default(),
            ifname: "veth0",
            direction: Direction::Unknown,
            pkt_type: 0,
            hook: Hook::Tc,
            orig_len: *orig,
            data,
        };
        printer.print(&mut out, &pkt).unwrap();
    }
    String::from_utf8(out).unwrap()
}

/// Splits both outputs per packet and reports every packet that differs.
fn compare(names: &[&str], ours: &str, theirs: &str, flags: &[&str]) -> usize {
    let split = |s: &str| -> Vec<String> {
        // A packet starts on a line that is not indented.
        let mut v: Vec<String> = Vec::new();
        for line in s.lines() {
            if line.starts_with('\t') || line.starts_with("    ") || v.is_empty() {
                if v.is_empty() {
                    v.push(line.to_string());
                } else {
                    let last = v.last_mut().unwrap();
                    last.push('\n');
                    last.push_str(line);
                }
            } else {
                v.push(line.to_string());
            }
        }
        v
    };
    let (o, t) = (split(ours), split(theirs));
    assert_eq!(
        o.len(),
        t.len(),
        "packet count differs for {flags:?}:\nnetdump:\n{ours}\ntcpdump:\n{theirs}"
    );
    let mut bad = 0;
    for (i, (a, b)) in o.iter().zip(&t).enumerate() {
        if a != b {
            bad += 1;
            eprintln!("{flags:?} {}:\n  netdump: {a}\n  tcpdump: {b}", names[i]);
        }
    }
    bad
}

fn run(flags: &[&str], dissect: DissectOptions, dump: Dump) {
    let dir = std::env::temp_dir().join(format!(
        "netdump-printer-{}{}",
        std::process::id(),
        flags.join("")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut names: Vec<&str> = Vec::new();
    let mut frames: Vec<(Vec<u8>, u32)> = Vec::new();
    for (name, f) in corpus() {
        names.push(name);
        let len = f.len() as u32;
        frames.push((f, len));
    }
    for (name, f, keep) in truncated() {
        names.push(name);
        let len = f.len() as u32;
        frames.push((f[..keep].to_vec(), len));
    }
    let path = dir.join(format!("corpus{}.pcap", flags.join("")));
    write_pcap(&path, &frames);
    let theirs = tcpdump(&path, flags);
    let ours = netdump(&frames, dissect, dump);
    if matches!(dump, Dump::Ascii { .. }) {
        // -A lines are not indented, so packets cannot be told apart: compare the whole text.
        let _ = std::fs::remove_dir_all(&dir);
        if ours != theirs {
            for (i, (a, b)) in ours.lines().zip(theirs.lines()).enumerate() {
                if a != b {
                    panic!("{flags:?} line {i} differs:\n  netdump: {a:?}\n  tcpdump: {b:?}");
                }
            }
            let (o, t) = (ours.lines().count(), theirs.lines().count());
            let tail: Vec<&str> = theirs.lines().skip(ours.lines().count().min(t)).collect();
            panic!("{flags:?}: outputs differ in length ({o} lines vs tcpdump's {t}); tcpdump goes on: {tail:?}; ours goes on: {:?}", ours.lines().skip(t).collect::<Vec<_>>());
        }
        eprintln!(
            "{flags:?}: {} packets print as tcpdump prints them",
            names.len()
        );
        return;
    }
    let bad = compare(&names, &ours, &theirs, flags);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        bad,
        0,
        "{bad} of {} packets print differently from tcpdump {flags:?}",
        names.len()
    );
    eprintln!(
        "{flags:?}: {} packets print as tcpdump prints them",
        names.len()
    );
}

#[test]
fn default_output_matches_tcpdump() {
    run(&[], DissectOptions::default(), Dump::None);
}

#[test]
fn link_header_output_matches_tcpdump() {
    let o = DissectOptions {
        link_header: true,
        ..Default::default()
    };
    run(&["-e"], o, Dump::None);
}

#[test]
fn verbose_output_matches_tcpdump() {
    let o = DissectOptions {
        verbose: 1,
        ..Default::default()
    };
    run(&["-v"], o, Dump::None);
}

#[test]
fn absolute_seq_and_quiet_match_tcpdump() {
    let o = DissectOptions {
        absolute_seq: true,
        ..Default::default()
    };
    run(&["-S"], o, Dump::None);
    let o = DissectOptions {
        quiet: true,
        ..Default::default()
    };
    run(&["-q"], o, Dump::None);
}

#[test]
fn hex_dumps_match_tcpdump() {
    let d = DissectOptions {
        suppress_default_print: true,
        ..Default::default()
    };
    run(&["-x"], d, Dump::Hex { link: false });
    run(&["-xx"], d, Dump::Hex { link: true });
    run(&["-X"], d, Dump::HexAscii { link: false });
    run(&["-XX"], d, Dump::HexAscii { link: true });
    // -A does not replace tcpdump's hex dump of unknown protocols; -x and -X do.
    run(
        &["-A"],
        DissectOptions::default(),
        Dump::Ascii { link: false },
    );
}

/// The corpus rewritten by tcpdump itself (`tcpdump -r corpus -w out`), as a file for `-r`.
fn tcpdump_written_corpus(tag: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("netdump-roundtrip-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut frames: Vec<(Vec<u8>, u32)> = corpus()
        .into_iter()
        .map(|(_, f)| {
            let len = f.len() as u32;
            (f, len)
        })
        .collect();
    for (_, f, keep) in truncated() {
        let len = f.len() as u32;
        frames.push((f[..keep].to_vec(), len));
    }
    let ours = dir.join("ours.pcap");
    write_pcap(&ours, &frames);
    let theirs = dir.join("tcpdump.pcap");
    let st = Command::new("tcpdump")
        .args(["-r"])
        .arg(&ours)
        .arg("-w")
        .arg(&theirs)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    (dir, theirs)
}

fn both(file: &Path, args: &[&str]) -> (String, String) {
    let nd = Command::new(env!("CARGO_BIN_EXE_netdump"))
        .arg("-r")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    assert!(
        nd.status.success(),
        "netdump: {}",
        String::from_utf8_lossy(&nd.stderr)
    );
    let td = Command::new("tcpdump")
        .arg("-n")
        .arg("-r")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    assert!(
        td.status.success(),
        "tcpdump: {}",
        String::from_utf8_lossy(&td.stderr)
    );
    (
        String::from_utf8(nd.stdout).unwrap(),
        String::from_utf8(td.stdout).unwrap(),
    )
}

#[test]
fn reading_a_tcpdump_file_prints_what_tcpdump_prints() {
    let (dir, file) = tcpdump_written_corpus("plain");
    let (ours, theirs) = both(&file, &[]);
    assert_eq!(ours, theirs, "with timestamps, line for line");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn reading_with_a_filter_and_count_matches_tcpdump() {
    let (dir, file) = tcpdump_written_corpus("filter");
    for args in [
        vec!["udp"],
        vec!["tcp", "and", "port", "40080"],
        vec!["ip6", "or", "arp"],
        vec!["vlan", "20"],
        vec!["greater", "100"],
        vec!["-c", "3", "icmp"],
        vec!["-v", "tcp[tcpflags]", "&", "tcp-syn", "!=", "0"],
    ] {
        let (ours, theirs) = both(&file, &args);
        assert!(
            !theirs.is_empty(),
            "{args:?} matches nothing: a useless case"
        );
        assert_eq!(ours, theirs, "{args:?}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_filter_is_one_line_with_libpcaps_message() {
    let (dir, file) = tcpdump_written_corpus("bad");
    let out = Command::new(env!("CARGO_BIN_EXE_netdump"))
        .arg("-r")
        .arg(&file)
        .args(["tcp", "port"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("netdump: bad filter expression 'tcp port': "),
        "{err}"
    );
    assert!(err.contains("syntax error"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn unreadable_and_garbage_files_are_one_clear_line() {
    let dir = std::env::temp_dir().join(format!("netdump-badfiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let garbage = dir.join("garbage.pcap");
    std::fs::write(&garbage, b"this is not a capture file at all").unwrap();
    let truncated = dir.join("truncated.pcap");
    write_pcap(&truncated, &[(corpus()[0].1.clone(), 74)]);
    let bytes = std::fs::read(&truncated).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() - 10]).unwrap();
    for (path, want) in [
        (dir.join("missing.pcap"), "cannot open"),
        (garbage.clone(), "is not a pcap or pcapng file"),
        (truncated.clone(), ""),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_netdump"))
            .arg("-r")
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        if want.is_empty() {
            // A file cut mid-packet: tcpdump reports it; so does netdump, in one line.
            assert!(!out.status.success(), "{err}");
        } else {
            assert!(!out.status.success());
            assert!(err.contains(want), "{err}");
        }
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
