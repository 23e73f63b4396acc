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
    });
    let mut out = Vec::new();
    for data in frames {
        let pkt = Packet {
            ts: Timestamp::default(),
            ifname: "any",
            direction: Direction::Unknown,
            pkt_type: 0,
            hook: Hook::Socket,
            link_type: LinkType(link as u16),
            orig_len: data.len() as u32,
            data,
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
            bad.push(format!(
                "{name} {flags:?}:\n--- netdump\n{ours}--- tcpdump\n{theirs}"
            ));
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
