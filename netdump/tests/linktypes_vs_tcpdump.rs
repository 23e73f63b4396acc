//! netdump's printer against tcpdump's for link types other than Ethernet (Linux cooked v1
//! and v2, raw IP, BSD and OpenBSD loopback): crafted frames are written to a pcap file of
//! that link type, printed by `tcpdump -n -t -r` and by netdump's printer, flag set by flag
//! set. The text must be the same.
//!
//! Needs the `tcpdump` binary (`cargo xtask test` installs it); no root.

use std::{path::Path, process::Command, time::Duration};

use etherparse::PacketBuilder;
use netdump::{
    packet::{Direction, Hook, LinkType, Packet, Timestamp},
    print::{DissectOptions, Dump, PrintOptions, Printer, TimeFormat},
};
use pcap_file::{
    pcap::{PcapHeader, PcapPacket, PcapWriter},
    DataLink,
};

const A: [u8; 4] = [198, 18, 0, 1];
const B: [u8; 4] = [198, 18, 0, 2];
const A6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const B6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
const MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];

fn udp4() -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv4(A, B, 64)
        .udp(5555, 40000)
        .write(&mut v, &[0x41; 32])
        .unwrap();
    v
}

fn udp6() -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv6(A6, B6, 64)
        .udp(5555, 40000)
        .write(&mut v, &[0x41; 16])
        .unwrap();
    v
}

fn tcp4() -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv4(A, B, 64)
        .tcp(40000, 80, 1000, 64240)
        .syn()
        .write(&mut v, &[])
        .unwrap();
    v
}

fn ping4() -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv4(A, B, 64)
        .icmpv4_echo_request(1, 2)
        .write(&mut v, &[0x78; 8])
        .unwrap();
    v
}

fn arp() -> Vec<u8> {
    let mut v = vec![0, 1, 8, 0, 6, 4, 0, 1];
    v.extend_from_slice(&MAC);
    v.extend_from_slice(&A);
    v.extend_from_slice(&[0; 6]);
    v.extend_from_slice(&B);
    v
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// A Linux cooked v1 header.
fn sll(pkttype: u16, hatype: u16, halen: u16, protocol: u16) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&pkttype.to_be_bytes());
    h.extend_from_slice(&hatype.to_be_bytes());
    h.extend_from_slice(&halen.to_be_bytes());
    h.extend_from_slice(&MAC);
    h.extend_from_slice(&[0, 0]);
    h.extend_from_slice(&protocol.to_be_bytes());
    h
}

/// A Linux cooked v2 header.
fn sll2(protocol: u16, ifindex: u32, pkttype: u8, halen: u8) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&protocol.to_be_bytes());
    h.extend_from_slice(&[0, 0]);
    h.extend_from_slice(&ifindex.to_be_bytes());
    h.extend_from_slice(&1u16.to_be_bytes());
    h.push(pkttype);
    h.push(halen);
    h.extend_from_slice(&MAC);
    h.extend_from_slice(&[0, 0]);
    h
}

fn vlan(tci: u16, ethertype: u16) -> Vec<u8> {
    cat(&[&tci.to_be_bytes(), &ethertype.to_be_bytes()])
}

fn write_pcap(path: &Path, link: u32, frames: &[Vec<u8>]) {
    let file = std::fs::File::create(path).unwrap();
    let header = PcapHeader {
        datalink: DataLink::from(link),
        ..Default::default()
    };
    let mut w = PcapWriter::with_header(file, header).unwrap();
    for (i, data) in frames.iter().enumerate() {
        let pkt = PcapPacket::new(
            Duration::from_micros(1_700_000_000_000_000 + i as u64),
            data.len() as u32,
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

fn netdump(link: u32, frames: &[Vec<u8>], dissect: DissectOptions, dump: Dump) -> String {
    let mut printer = Printer::new(PrintOptions {
        dissect,
        time: TimeFormat::None,
        dump,
        iface_prefix: false,
        hook_tag: false,
        context: false,
        ..PrintOptions::default()
    });
    let mut out = Vec::new();
    for data in frames {
        let pkt = Packet {
            ts: Timestamp::default(),
            ifname: "any",
            netns: None,
            direction: Direction::Unknown,
            pkt_type: 0,
            hook: Hook::Socket,
            link_type: LinkType(link as u16),
            orig_len: data.len() as u32,
            data,
            drop: None,
            owner: None,
            cgroup: None,
        };
        printer.print(&mut out, &pkt).unwrap();
    }
    String::from_utf8(out).unwrap()
}

/// The flag sets compared, as tcpdump flags and as netdump options.
fn flag_sets() -> Vec<(&'static [&'static str], DissectOptions, Dump)> {
    let sets: [(&'static [&'static str], bool, u8, bool, Dump); 8] = [
        (&[], false, 0, false, Dump::None),
        (&["-e"], true, 0, false, Dump::None),
        (&["-q"], false, 0, true, Dump::None),
        (&["-e", "-q"], true, 0, true, Dump::None),
        (&["-v"], false, 1, false, Dump::None),
        (&["-x"], false, 0, false, Dump::Hex { link: false }),
        (&["-xx"], false, 0, false, Dump::Hex { link: true }),
        (
            &["-e", "-XX"],
            true,
            0,
            false,
            Dump::HexAscii { link: true },
        ),
    ];
    sets.into_iter()
        .map(|(flags, link_header, verbose, quiet, dump)| {
            let dissect = DissectOptions {
                link_header,
                verbose,
                quiet,
                suppress_default_print: dump != Dump::None,
                ..Default::default()
            };
            (flags, dissect, dump)
        })
        .collect()
}

fn run(name: &str, link: u32, frames: &[Vec<u8>]) {
    let dir = std::env::temp_dir().join(format!("netdump-linktypes-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.pcap"));
    write_pcap(&path, link, frames);
    let mut bad = Vec::new();
    for (flags, dissect, dump) in flag_sets() {
        let theirs = tcpdump(&path, flags);
        let ours = netdump(link, frames, dissect, dump);
        if ours != theirs {
            let (o, t): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
            let mut lines = Vec::new();
            for i in 0..o.len().max(t.len()) {
                let (a, b) = (o.get(i), t.get(i));
                if a != b {
                    lines.push(format!(
                        "  line {i}:\n    netdump: {a:?}\n    tcpdump: {b:?}"
                    ));
                }
            }
            bad.push(format!("{name} {flags:?}:\n{}", lines.join("\n")));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Ethernet frames whose IPv6 header is cut short or has the wrong version (tcpdump checks
/// the length before it says "IP6").
#[test]
fn ethernet_ipv6_cut_short_or_wrong_version() {
    let eth = |payload: &[u8]| cat(&[&[2, 0, 0, 0, 0, 0xb], &MAC, &[0x86, 0xdd], payload]);
    let mut wrong = udp6();
    wrong[0] = 0x45;
    let frames = vec![
        eth(&udp6()[..10]),
        eth(&udp6()[..39]),
        eth(&[]),
        eth(&wrong),
        eth(&wrong[..30]),
    ];
    run("ethernet-ipv6", 1, &frames);
}

/// Ethernet with `-e -q`: tcpdump names the ethertype without its number.
#[test]
fn ethernet_link_header_quiet() {
    let eth =
        |t: u16, payload: &[u8]| cat(&[&[2, 0, 0, 0, 0, 0xb], &MAC, &t.to_be_bytes(), payload]);
    let frames = vec![
        eth(0x0800, &udp4()),
        eth(0x0806, &arp()),
        eth(0x8100, &cat(&[&vlan(0x3005, 0x0800), &tcp4()])),
        eth(
            0x88a8,
            &cat(&[&vlan(0x1005, 0x8100), &vlan(7, 0x86dd), &udp6()]),
        ),
        eth(0x8100, &cat(&[&vlan(5, 0x1234), b"xy"])),
        eth(0x1234, b"abcd"),
        eth(0x8100, &[0x30]),
        // Not yet: LLDP (0x88cc) and 802.3/LLC, which tcpdump decodes and netdump does not.
    ];
    run("ethernet-quiet", 1, &frames);
}

/// Every pkttype, address length, ethertype (known, unknown, tagged) after a cooked v1
/// header, and frames cut short in the header, a tag, and the IP header.
#[test]
fn linux_sll() {
    let frames = vec![
        cat(&[&sll(0, 1, 6, 0x0800), &udp4()]),
        cat(&[&sll(4, 1, 6, 0x0800), &tcp4()]),
        cat(&[&sll(1, 1, 6, 0x86dd), &udp6()]),
        cat(&[&sll(2, 1, 6, 0x0806), &arp()]),
        cat(&[&sll(3, 1, 6, 0x0800), &ping4()]),
        cat(&[&sll(7, 1, 4, 0x0800), &udp4()]),
        cat(&[&sll(0, 772, 0, 0x0800), &udp4()]),
        cat(&[&sll(0, 1, 6, 0x1234), b"abcd"]),
        cat(&[&sll(0, 1, 6, 0x8100), &vlan(0x3005, 0x0800), &udp4()]),
        cat(&[
            &sll(0, 1, 6, 0x8100),
            &vlan(0x1005, 0x8100),
            &vlan(7, 0x86dd),
            &udp6(),
        ]),
        cat(&[&sll(0, 1, 6, 0x8100), &vlan(5, 0x1234), b"xy"]),
        cat(&[&sll(0, 1, 6, 0x8100), &[0x30]]),
        sll(0, 1, 6, 0x0800)[..10].to_vec(),
        sll(0, 1, 6, 0x0800),
        cat(&[&sll(0, 1, 6, 0x0800), &udp4()[..12]]),
        cat(&[&sll(0, 1, 6, 0x0800), &udp4()[..24]]),
    ];
    run("sll", 113, &frames);
}

/// The same for cooked v2: the interface name is looked up on this host, so the frames
/// name index 1 (the loopback interface everywhere) or one that does not exist.
#[test]
fn linux_sll2() {
    let frames = vec![
        cat(&[&sll2(0x0800, 1, 0, 6), &udp4()]),
        cat(&[&sll2(0x0800, 1, 4, 6), &tcp4()]),
        cat(&[&sll2(0x86dd, 1, 1, 6), &udp6()]),
        cat(&[&sll2(0x0806, 1, 2, 6), &arp()]),
        cat(&[&sll2(0x0800, 1, 3, 6), &ping4()]),
        cat(&[&sll2(0x0800, 1, 9, 4), &udp4()]),
        cat(&[&sll2(0x0800, 999_999, 0, 6), &udp4()]),
        cat(&[&sll2(0x1234, 1, 0, 6), b"abcd"]),
        cat(&[&sll2(0x8100, 1, 0, 6), &vlan(0x3005, 0x0800), &udp4()]),
        cat(&[&sll2(0x8100, 1, 0, 6), &vlan(5, 0x1234), b"xy"]),
        cat(&[&sll2(0x8100, 1, 0, 6), &[0x30]]),
        sll2(0x0800, 1, 0, 6)[..12].to_vec(),
        sll2(0x0800, 1, 0, 6),
        cat(&[&sll2(0x0800, 1, 0, 6), &udp4()[..12]]),
    ];
    run("sll2", 276, &frames);
}

/// Raw IP: the version nibble decides, whichever of the three link types says so.
#[test]
fn raw_ip() {
    let mut bad = udp4();
    bad[0] = 0x15;
    let frames = vec![
        udp4(),
        udp6(),
        tcp4(),
        ping4(),
        bad,
        udp4()[..10].to_vec(),
        udp6()[..10].to_vec(),
    ];
    for link in [101, 228, 229] {
        run(&format!("raw{link}"), link, &frames);
    }
}

/// BSD loopback, with the family in either byte order.
#[test]
fn null_and_loop() {
    let le = |f: u32, p: &[u8]| cat(&[&f.to_le_bytes(), p]);
    let be = |f: u32, p: &[u8]| cat(&[&f.to_be_bytes(), p]);
    let mut wrong = udp4();
    wrong[0] = 0x65;
    let frames = |h: &dyn Fn(u32, &[u8]) -> Vec<u8>| {
        vec![
            h(2, &udp4()),
            h(24, &udp6()),
            h(28, &udp6()),
            h(30, &udp6()),
            h(2, &tcp4()),
            h(99, b"abcdef"),
            h(2, &[0x45, 0]),
            h(2, &wrong),
            h(2, &[]),
            h(24, &udp6()[..30]),
            vec![2, 0],
        ]
    };
    let mut null = frames(&le);
    null.push(be(2, &udp4()));
    run("null", 0, &null);
    let mut lo = frames(&be);
    lo.push(le(2, &udp4()));
    run("loop", 108, &lo);
}

/// TCP options cut short at every byte: the text, and where `-x` starts (tcpdump ends the
/// line on missing option data, but longjmps on a missing kind or length byte).
#[test]
fn ethernet_tcp_options_cut_short() {
    let eth = |ip: &[u8]| cat(&[&[2, 0, 0, 0, 0, 0xb], &MAC, &[8, 0], ip]);
    let mut syn = Vec::new();
    PacketBuilder::ipv4(A, B, 64)
        .tcp(40000, 5001, 1000, 64240)
        .syn()
        .options(&[
            etherparse::TcpOptionElement::MaximumSegmentSize(1460),
            etherparse::TcpOptionElement::SelectiveAcknowledgementPermitted,
            etherparse::TcpOptionElement::Timestamp(7, 0),
            etherparse::TcpOptionElement::Noop,
            etherparse::TcpOptionElement::WindowScale(7),
        ])
        .unwrap()
        .write(&mut syn, &[])
        .unwrap();
    let mut sack = Vec::new();
    PacketBuilder::ipv4(B, A, 64)
        .tcp(5001, 40000, 5000, 64240)
        .ack(1001)
        .options(&[
            etherparse::TcpOptionElement::Noop,
            etherparse::TcpOptionElement::Noop,
            etherparse::TcpOptionElement::SelectiveAcknowledgement(
                (2001, 3001),
                [Some((4001, 5001)), None, None],
            ),
        ])
        .unwrap()
        .write(&mut sack, &[])
        .unwrap();
    let mut frames = Vec::new();
    for ip in [syn, sack] {
        let f = eth(&ip);
        for keep in 14 + 20 + 20..=f.len() {
            frames.push(f[..keep].to_vec());
        }
    }
    // Options whose lengths lie or that netdump knows only by number.
    for raw in [
        [2u8, 1, 0, 0],
        [2, 8, 5, 0xb4],
        [3, 3, 7, 1],
        [0, 0, 0, 0],
        [1, 1, 1, 1],
        [99, 4, 1, 2],
        [5, 4, 0, 0],
        [8, 10, 0, 0],
    ] {
        let mut ip = Vec::new();
        PacketBuilder::ipv4(A, B, 64)
            .tcp(40000, 5001, 1000, 64240)
            .syn()
            .options_raw(&raw)
            .unwrap()
            .write(&mut ip, &[])
            .unwrap();
        frames.push(eth(&ip));
    }
    run("tcp-options", 1, &frames);
}

/// ICMP checksums at -v: a wrong one is named with the one it should be.
#[test]
fn ethernet_icmp_checksums() {
    let eth = |ip: &[u8]| cat(&[&[2, 0, 0, 0, 0, 0xb], &MAC, &[8, 0], ip]);
    let good = ping4();
    let mut bad = good.clone();
    bad[22] ^= 0x55;
    let mut unreachable = Vec::new();
    PacketBuilder::ipv4(B, A, 64)
        .icmpv4(etherparse::Icmpv4Type::DestinationUnreachable(
            etherparse::icmpv4::DestUnreachableHeader::Port,
        ))
        .write(&mut unreachable, &udp4()[..28])
        .unwrap();
    let mut bad_unreachable = unreachable.clone();
    bad_unreachable[23] ^= 1;
    let frames = vec![
        eth(&good),
        eth(&bad),
        eth(&unreachable),
        eth(&bad_unreachable),
        eth(&bad[..30]),
    ];
    run("icmp-checksums", 1, &frames);
}
