//! netdump's printer against tcpdump's for tunnels and overlays: GRE (keys, sequence,
//! checksum, source routes, transparent bridging, PPTP's version 1 with PPP), VXLAN, OTV,
//! VXLAN-GPE with NSH, Geneve with options, MPLS (Ethernet, GRE, UDP), PPPoE discovery and
//! sessions, L2TP control and data, PPTP control messages, IP-in-IP, 6in4 and IPv6 in IPv6.
//! Frames built here are written to a pcap file, whole and cut by the snap length at every
//! byte, and printed by `tcpdump -n -t -r` and by netdump's printer at each verbosity and
//! with `-e`; the text must be the same.
//!
//! Needs the `tcpdump` binary (`cargo xtask test` installs it); no root.

use std::{path::Path, process::Command, time::Duration};

use etherparse::{IpNumber, PacketBuilder};
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
const C: [u8; 4] = [198, 18, 1, 1];
const D: [u8; 4] = [198, 18, 1, 2];
const A6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const B6: [u8; 16] = [0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    cat(&[&MAC_B, &MAC_A, &ethertype.to_be_bytes(), payload])
}

/// IPv4 (A > B) carrying `payload` as IP protocol `proto`, checksum right.
fn ip4(proto: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv4(A, B, 64)
        .write(&mut v, IpNumber(proto), payload)
        .unwrap();
    v
}

fn ip6(proto: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv6(A6, B6, 64)
        .write(&mut v, IpNumber(proto), payload)
        .unwrap();
    v
}

fn udp4(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv4(A, B, 64)
        .udp(sport, dport)
        .write(&mut v, payload)
        .unwrap();
    v
}

fn udp6(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv6(A6, B6, 64)
        .udp(sport, dport)
        .write(&mut v, payload)
        .unwrap();
    v
}

/// The packets tunnels carry: an inner UDP datagram, ICMP echo, TCP SYN, and IPv6 UDP.
fn inner_udp() -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv4(C, D, 63)
        .udp(1000, 2000)
        .write(&mut v, b"hello")
        .unwrap();
    v
}

fn inner_ping() -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv4(C, D, 63)
        .icmpv4_echo_request(7, 1)
        .write(&mut v, &[0x61; 8])
        .unwrap();
    v
}

fn inner_syn() -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv4(C, D, 63)
        .tcp(40000, 22, 1000, 64240)
        .syn()
        .write(&mut v, &[])
        .unwrap();
    v
}

fn inner_udp6() -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv6(B6, A6, 63)
        .udp(3000, 4000)
        .write(&mut v, b"six")
        .unwrap();
    v
}

fn inner_arp() -> Vec<u8> {
    let mut v = vec![0, 1, 8, 0, 6, 4, 0, 1];
    v.extend_from_slice(&MAC_A);
    v.extend_from_slice(&C);
    v.extend_from_slice(&[0; 6]);
    v.extend_from_slice(&D);
    v
}

fn gre(flags: u16, proto: u16, fields: &[u8], payload: &[u8]) -> Vec<u8> {
    cat(&[&flags.to_be_bytes(), &proto.to_be_bytes(), fields, payload])
}

/// An LCP Configure-Request: MRU, magic number, PFC, ACFC, CHAP with MD5, callback.
fn lcp_conf_request() -> Vec<u8> {
    let opts: &[u8] = &[
        1, 4, 0x05, 0xdc, 5, 6, 0x12, 0x34, 0x56, 0x78, 7, 2, 8, 2, 3, 5, 0xc2, 0x23, 5, 13, 3, 6,
    ];
    let mut v = vec![0xc0, 0x21, 1, 9];
    v.extend_from_slice(&((opts.len() + 4) as u16).to_be_bytes());
    v.extend_from_slice(opts);
    v
}

/// A CCP Configure-Request: BSD-Comp, MVRCA, Deflate, and an option tcpdump dumps in hex.
fn ccp_conf_request() -> Vec<u8> {
    let opts: &[u8] = &[
        21, 3, 0x2f, 24, 4, 0xa5, 2, 26, 4, 0x78, 0x01, 18, 6, 0, 0, 0, 1,
    ];
    let mut v = vec![0x80, 0xfd, 1, 4];
    v.extend_from_slice(&((opts.len() + 4) as u16).to_be_bytes());
    v.extend_from_slice(opts);
    v
}

/// An IPCP Configure-Nak: an address, DNS servers, header compression with suboptions,
/// VJ compression, and an unknown option.
fn ipcp_conf_nak() -> Vec<u8> {
    let opts: &[u8] = &[
        3, 6, 198, 18, 0, 9, 129, 6, 198, 18, 0, 53, 131, 6, 198, 18, 0, 54, 2, 18, 0, 0x61, 0, 15,
        0, 1, 0, 5, 0, 6, 0, 7, 1, 2, 2, 2, 2, 6, 0, 0x2d, 15, 1, 0x77, 3, 0xaa,
    ];
    let mut v = vec![0x80, 0x21, 3, 8];
    v.extend_from_slice(&((opts.len() + 4) as u16).to_be_bytes());
    v.extend_from_slice(opts);
    v
}

/// An LCP Echo-Request with trailing data.
fn lcp_echo() -> Vec<u8> {
    vec![
        0xc0, 0x21, 9, 3, 0, 12, 0xa4, 0xcb, 0xea, 0x34, 0x0e, 0xe2, 0xf6, 0x09,
    ]
}

fn mpls(entries: &[(u32, u8, bool, u8)]) -> Vec<u8> {
    entries
        .iter()
        .flat_map(|&(label, tc, s, ttl)| {
            ((label << 12) | (u32::from(tc) << 9) | (u32::from(s) << 8) | u32::from(ttl))
                .to_be_bytes()
        })
        .collect()
}

fn pppoe(code: u8, session: u16, payload: &[u8]) -> Vec<u8> {
    cat(&[
        &[0x11, code],
        &session.to_be_bytes(),
        &(payload.len() as u16).to_be_bytes(),
        payload,
    ])
}

fn avp(mandatory: bool, kind: u16, value: &[u8]) -> Vec<u8> {
    let first = (if mandatory { 0x8000u16 } else { 0 }) | (value.len() as u16 + 6);
    cat(&[&first.to_be_bytes(), &[0, 0], &kind.to_be_bytes(), value])
}

fn l2tp_control(avps: &[Vec<u8>]) -> Vec<u8> {
    let body = avps.concat();
    let len = (12 + body.len()) as u16;
    cat(&[
        &[0xc8, 0x02],
        &len.to_be_bytes(),
        &[0, 5, 0, 0, 0, 1, 0, 2],
        &body,
    ])
}

/// A PPTP Start-Control-Connection-Request.
fn pptp_sccrq() -> Vec<u8> {
    let mut m = vec![0, 156, 0, 1, 0x1a, 0x2b, 0x3c, 0x4d, 0, 1, 0, 0];
    m.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0x08, 0x70]);
    let mut host = [0u8; 64];
    host[..4].copy_from_slice(b"host");
    let mut vendor = [0u8; 64];
    vendor[..6].copy_from_slice(b"vendor");
    m.extend_from_slice(&host);
    m.extend_from_slice(&vendor);
    m
}

fn tcp4_payload(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv4(A, B, 64)
        .tcp(sport, dport, 1, 64240)
        .ack(1)
        .psh()
        .write(&mut v, payload)
        .unwrap();
    v
}

/// Every frame of the suite, each an Ethernet frame.
fn frames() -> Vec<(&'static str, Vec<u8>)> {
    let frame = |payload: &[u8]| eth(0x0800, payload);
    let teb = eth(0x0800, &inner_udp());
    let geneve_opts: &[u8] = &[
        0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef, 0xff, 0xf0, 0x03, 0x00,
    ];
    let nsh_md2 = [
        &[0x00u8, 0xc4, 0x02, 0x01, 0xff, 0xff, 0xfe, 0xfd][..],
        &[0, 1, 2, 1, 0x12, 0, 0, 0, 0, 2, 3, 0],
    ]
    .concat();
    vec![
        (
            "gre key seq ipv4",
            frame(&ip4(
                47,
                &gre(0x3000, 0x0800, &[0, 0, 0, 0x28, 0, 0, 0, 7], &inner_udp()),
            )),
        ),
        (
            "gre checksum ipv6",
            frame(&ip4(
                47,
                &gre(0x8000, 0x86dd, &[0x12, 0x34, 0, 0], &inner_udp6()),
            )),
        ),
        (
            "gre bridged ethernet",
            frame(&ip4(47, &gre(0x2000, 0x6558, &[0, 0, 0, 1], &teb))),
        ),
        (
            "gre erspan",
            frame(&ip4(
                47,
                &gre(0x1000, 0x88be, &[0, 0, 0, 9], &[0x10, 0, 0, 1, 0, 0, 0, 0]),
            )),
        ),
        (
            "gre source route",
            frame(&ip4(
                47,
                &gre(
                    0x4000,
                    0x0800,
                    &[
                        0, 0, 0, 4, 0x08, 0, 4, 8, 10, 0, 0, 1, 10, 0, 0, 2, 0xff, 0xfe, 0, 4, 0,
                        1, 0, 2, 0, 0, 0, 0,
                    ],
                    &inner_udp(),
                ),
            )),
        ),
        (
            "gre mpls",
            frame(&ip4(
                47,
                &gre(
                    0,
                    0x8847,
                    &[],
                    &cat(&[
                        &mpls(&[(100, 0, false, 64), (200, 1, true, 63)]),
                        &inner_udp(),
                    ]),
                ),
            )),
        ),
        (
            "pptp gre ppp lcp",
            frame(&ip4(
                47,
                &gre(
                    0x3001,
                    0x880b,
                    &[0, 26, 0, 5, 0, 0, 0, 1],
                    &cat(&[&[0xff, 0x03], &lcp_conf_request()]),
                ),
            )),
        ),
        (
            "pptp gre ppp ip",
            frame(&ip4(
                47,
                &gre(
                    0x3001,
                    0x880b,
                    &[0, 34, 0, 5, 0, 0, 0, 2],
                    &cat(&[&[0x21], &inner_udp()]),
                ),
            )),
        ),
        (
            "pptp gre ack only",
            frame(&ip4(
                47,
                &gre(0x2081, 0x880b, &[0, 0, 0, 5, 0, 0, 0, 2], &[]),
            )),
        ),
        (
            "vxlan ipv4",
            frame(&udp4(
                45149,
                4789,
                &cat(&[&[8, 0, 0, 0, 0, 0, 100, 0], &eth(0x0800, &inner_udp())]),
            )),
        ),
        (
            // Whole only: an ARP packet cut short is the ARP printer's business.
            "vxlan arp (whole only)",
            frame(&udp4(
                45149,
                4789,
                &cat(&[&[8, 0, 0, 0, 0, 0, 100, 0], &eth(0x0806, &inner_arp())]),
            )),
        ),
        (
            // A UDP length beyond the IP datagram: the payload's printer still speaks, told
            // the IP's length, and "bad length" only when no printer does.
            "vxlan udp length beyond ip",
            {
                let mut f = frame(&udp4(
                    45149,
                    4789,
                    &cat(&[&[8, 0, 0, 0, 0, 0, 100, 0], &eth(0x0800, &inner_udp())]),
                ));
                f[38] = f[38].wrapping_add(1);
                f
            },
        ),
        (
            "otv",
            frame(&udp4(
                45149,
                8472,
                &cat(&[&[8, 0, 0, 1, 0, 0, 100, 0], &eth(0x0800, &inner_udp())]),
            )),
        ),
        (
            "vxlan-gpe nsh",
            frame(&udp4(
                4790,
                4790,
                &cat(&[
                    &[0x0c, 0, 0, 4, 0xff, 0xff, 0xff, 0],
                    &nsh_md2,
                    &inner_udp(),
                ]),
            )),
        ),
        (
            "vxlan-gpe ipv6",
            frame(&udp4(
                4790,
                4790,
                &cat(&[&[0x08, 0, 0, 2, 0, 0, 9, 0], &inner_udp6()]),
            )),
        ),
        (
            "geneve options",
            eth(
                0x86dd,
                &udp6(
                    22155,
                    6081,
                    &cat(&[
                        &[0x03, 0x40, 0x08, 0x00, 0, 0x13, 0x89, 0],
                        geneve_opts,
                        &inner_udp(),
                    ]),
                ),
            ),
        ),
        (
            "geneve bridged",
            frame(&udp4(
                12618,
                6081,
                &cat(&[&[0, 0, 0x65, 0x58, 0, 0, 0x0b, 0], &teb]),
            )),
        ),
        (
            "mpls ethernet",
            eth(
                0x8847,
                &cat(&[
                    &mpls(&[(18, 0, false, 255), (2, 0, true, 255)]),
                    &inner_udp6(),
                ]),
            ),
        ),
        (
            "mpls unknown payload",
            eth(
                0x8847,
                &cat(&[&mpls(&[(1000, 5, true, 9)]), b"\x99payload"]),
            ),
        ),
        (
            "mpls over udp",
            frame(&udp4(
                58699,
                6635,
                &cat(&[&mpls(&[(21, 0, true, 63)]), &inner_udp()]),
            )),
        ),
        (
            "pppoe padi",
            eth(
                0x8863,
                &pppoe(
                    0x09,
                    0,
                    &[
                        1, 1, 0, 0, 1, 0x20, 0, 2, 5, 0xdc, 1, 3, 0, 4, 0x16, 0x37, 0x2c, 0x16,
                    ],
                ),
            ),
        ),
        (
            "pppoe pado",
            eth(
                0x8863,
                &pppoe(0x07, 0, &cat(&[&[1, 2, 0, 6], b"access", &[1, 1, 0, 0]])),
            ),
        ),
        ("pppoe lcp echo", eth(0x8864, &pppoe(0, 0x17, &lcp_echo()))),
        ("ppp over ethernet ccp", eth(0x880b, &ccp_conf_request())),
        (
            "pppoe ip",
            eth(0x8864, &pppoe(0, 0x3b, &cat(&[&[0, 0x21], &inner_udp()]))),
        ),
        (
            "l2tp control",
            frame(&udp4(
                1701,
                1701,
                &l2tp_control(&[
                    avp(true, 0, &[0, 1]),
                    avp(true, 2, &[1, 0]),
                    avp(true, 3, &[0, 0, 0, 3]),
                    avp(false, 7, b"lac"),
                    avp(true, 9, &[0, 5]),
                    avp(true, 35, &[0, 0, 0xff, 0xff, 0xff, 0xff]),
                    avp(false, 60963, &[]),
                ]),
            )),
        ),
        ("l2tp zlb", frame(&udp4(1701, 1701, &l2tp_control(&[])))),
        (
            "l2tp data",
            frame(&udp4(
                1701,
                1701,
                &cat(&[&[0x00, 0x02, 0, 5, 0, 7, 0xff, 0x03, 0, 0x21], &inner_udp()]),
            )),
        ),
        (
            // Cut only past the TCP header: a TCP header cut short is the TCP printer's.
            "pptp control (cut after 54)",
            frame(&tcp4_payload(3025, 1723, &pptp_sccrq())),
        ),
        ("ipip", frame(&ip4(4, &inner_udp()))),
        // Whole only: an ICMP header cut short is the ICMP printer's business.
        ("ipip ping (whole only)", frame(&ip4(4, &inner_ping()))),
        ("6in4", frame(&ip4(41, &inner_udp6()))),
        ("ipv6 in ipv6", eth(0x86dd, &ip6(41, &inner_udp6()))),
        ("ipv4 in ipv6", eth(0x86dd, &ip6(4, &inner_udp()))),
        // Whole only: a TCP header cut short is the TCP printer's business.
        (
            "ipv4 in ipv6 tcp (whole only)",
            eth(0x86dd, &ip6(4, &inner_syn())),
        ),
    ]
}

fn write_pcap(path: &Path, link: LinkType, frames: &[(Vec<u8>, u32)]) {
    let file = std::fs::File::create(path).unwrap();
    let header = PcapHeader {
        datalink: DataLink::from(u32::from(link.0)),
        ..Default::default()
    };
    let mut w = PcapWriter::with_header(file, header).unwrap();
    for (i, (data, len)) in frames.iter().enumerate() {
        let pkt = PcapPacket::new(
            Duration::from_micros(1_700_000_000_000_000 + i as u64),
            *len,
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

fn netdump(link: LinkType, frames: &[(Vec<u8>, u32)], dissect: DissectOptions) -> String {
    let mut printer = Printer::new(PrintOptions {
        dissect,
        time: TimeFormat::None,
        dump: Dump::None,
        iface_prefix: false,
        hook_tag: false,
        context: false,
        ..PrintOptions::default()
    });
    let mut out = Vec::new();
    for (data, len) in frames {
        let pkt = Packet {
            ts: Timestamp::default(),
            ifname: "any",
            netns: None,
            direction: Direction::Unknown,
            pkt_type: 0,
            hook: Hook::Socket,
            link_type: link,
            orig_len: *len,
            data,
            drop: None,
            owner: None,
            cgroup: None,
        };
        printer.print(&mut out, &pkt).unwrap();
    }
    String::from_utf8(out).unwrap()
}

/// Prints `frames` (bytes, length on the wire) with each flag set through both programs;
/// the packets' names say which differ.
fn compare(tag: &str, link: LinkType, names: &[String], frames: &[(Vec<u8>, u32)]) {
    let dir = std::env::temp_dir().join(format!("netdump-tunnels-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tunnels.pcap");
    write_pcap(&path, link, frames);
    let sets: [(&[&str], bool, u8, bool); 7] = [
        (&[], false, 0, false),
        (&["-q"], false, 0, true),
        (&["-e"], true, 0, false),
        (&["-v"], false, 1, false),
        (&["-vv"], false, 2, false),
        (&["-vvv"], false, 3, false),
        (&["-e", "-v"], true, 1, false),
    ];
    let mut bad = Vec::new();
    for (flags, link_header, verbose, quiet) in sets {
        let dissect = DissectOptions {
            link_header,
            verbose,
            quiet,
            ..Default::default()
        };
        // One packet per line group: split both outputs at the lines that start a packet.
        let ours = netdump(link, frames, dissect);
        let theirs = tcpdump(&path, flags);
        let split = |s: &str| -> Vec<String> {
            let mut v: Vec<String> = Vec::new();
            for line in s.lines() {
                let starts = !line.starts_with('\t') && !line.starts_with("    ");
                match v.last_mut() {
                    Some(last) if !starts => {
                        last.push('\n');
                        last.push_str(line);
                    }
                    _ => v.push(line.to_string()),
                }
            }
            v
        };
        if ours == theirs {
            continue;
        }
        let (o, t) = (split(&ours), split(&theirs));
        let mut shown = 0;
        for i in 0..o.len().max(t.len()) {
            if o.get(i) != t.get(i) && shown < 8 {
                shown += 1;
                bad.push(format!(
                    "{flags:?} {}:\n  netdump: {:?}\n  tcpdump: {:?}",
                    names.get(i).map_or("?", String::as_str),
                    o.get(i),
                    t.get(i)
                ));
            }
        }
        if o.len() != t.len() {
            bad.push(format!("{flags:?}: {} packets vs {}", o.len(), t.len()));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Each frame whole.
#[test]
fn whole_frames_match_tcpdump() {
    let (names, frames): (Vec<String>, Vec<(Vec<u8>, u32)>) = frames()
        .into_iter()
        .map(|(n, f)| {
            let len = f.len() as u32;
            (n.to_string(), (f, len))
        })
        .unzip();
    compare("whole", LinkType::ETHERNET, &names, &frames);
}

/// Each frame cut by the snap length at every byte after the outer IP header.
#[test]
fn frames_cut_at_every_byte_match_tcpdump() {
    let mut names = Vec::new();
    let mut cut = Vec::new();
    for (name, f) in frames() {
        if name.ends_with("(whole only)") {
            continue;
        }
        let first = if name.ends_with("(cut after 54)") {
            54
        } else {
            14
        };
        for keep in first..f.len() {
            names.push(format!("{name} cut at {keep}"));
            cut.push((f[..keep].to_vec(), f.len() as u32));
        }
    }
    compare("cut", LinkType::ETHERNET, &names, &cut);
}

/// The PPP link type (DLT_PPP): frames with and without the address/control bytes, a
/// compressed protocol field, LCP, CCP, PAP, multilink, IPv4, IPv6, MPLS and an unknown
/// protocol, whole and cut.
#[test]
fn ppp_link_type_matches_tcpdump() {
    let frames: Vec<(&str, Vec<u8>)> = vec![
        ("ip", cat(&[&[0xff, 0x03, 0x00, 0x21], &inner_udp()])),
        ("ip pfc", cat(&[&[0x21], &inner_udp()])),
        ("ipv6", cat(&[&[0xff, 0x03, 0x00, 0x57], &inner_udp6()])),
        ("lcp", cat(&[&[0xff, 0x03], &lcp_conf_request()])),
        ("lcp echo", cat(&[&[0xff, 0x03], &lcp_echo()])),
        (
            "mpls",
            cat(&[
                &[0xff, 0x03, 0x02, 0x81],
                &mpls(&[(100_704, 0, true, 1)]),
                &inner_udp(),
            ]),
        ),
        ("unknown", vec![0xff, 0x03, 0x12, 0x34, 1, 2, 3, 4, 5]),
        ("ccp", ccp_conf_request()),
        ("ipcp", ipcp_conf_nak()),
        (
            "ip6cp",
            vec![
                0x80, 0x57, 1, 2, 0, 14, 1, 10, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
            ],
        ),
        (
            "pap request",
            vec![
                0xc0, 0x23, 1, 7, 0, 14, 4, b'u', b's', b'e', b'r', 3, b'p', 0x01, b'w',
            ],
        ),
        ("pap ack", vec![0xc0, 0x23, 2, 7, 0, 8, 3, b'o', b'k', b'!']),
        (
            "mlppp",
            vec![0xff, 0x03, 0x00, 0x3d, 0xc0, 0x12, 0x34, 0x56],
        ),
    ];
    let mut names = Vec::new();
    let mut all = Vec::new();
    for (name, f) in &frames {
        for keep in 1..=f.len() {
            names.push(format!("{name} cut at {keep}"));
            all.push((f[..keep].to_vec(), f.len() as u32));
        }
    }
    compare("ppp", LinkType::PPP, &names, &all);
}
