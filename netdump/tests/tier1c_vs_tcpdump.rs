//! netdump's printers for the protocols that closed Tier 1 against tcpdump's: PGM (native and
//! in UDP, every packet type and option, ZMTP/1.0 in its data), ZMTP/1.0 over TCP, RTP and
//! RTCP, LMP, HNCP, MACsec, the Ethernet loopback protocol and OSPFv2 at `-v`. Frames are
//! built here (no third-party captures), whole and cut short at several snap lengths,
//! written to a pcap and read by `tcpdump -n -t -r` and `netdump -n -t -r` at each verbosity
//! and with the `-T` types that reach them; the text must be the same.
//!
//! Needs the `tcpdump` binary (`cargo xtask test` installs it); no root, no network.

use etherparse::{IpNumber, PacketBuilder};

#[path = "common/offline.rs"]
mod offline;
use offline::{run, write_pcap};

const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];
const A: [u8; 4] = [198, 18, 0, 1];
const B: [u8; 4] = [198, 18, 0, 2];
const GROUP: [u8; 4] = [224, 0, 0, 5];

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    [&MAC_B[..], &MAC_A, &ethertype.to_be_bytes(), payload].concat()
}

/// An IPv4 datagram from A to `dst` carrying `payload` as protocol `proto`, in Ethernet.
fn ip4(dst: [u8; 4], proto: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4(A, dst, 64)
        .write(&mut f, IpNumber(proto), payload)
        .unwrap();
    f
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

/// A PGM packet: header (type, options bit when `opts` is not empty), `body`, the option
/// list (an OPT_LENGTH first, the end bit on the last), then `data` (its length is the
/// header's TSDU length).
fn pgm(ty: u8, body: &str, opts: &[&str], data: &[u8]) -> Vec<u8> {
    let mut p = hex("9c40 15b3");
    p.push(ty);
    p.push(u8::from(!opts.is_empty()));
    p.extend_from_slice(&hex("0000 0a0b0c0d0e0f"));
    p.extend_from_slice(&(data.len() as u16).to_be_bytes());
    p.extend_from_slice(&hex(body));
    if !opts.is_empty() {
        let mut list: Vec<Vec<u8>> = opts.iter().map(|o| hex(o)).collect();
        if let Some(last) = list.last_mut() {
            last[0] |= 0x80;
        }
        let total = 4 + list.iter().map(Vec::len).sum::<usize>();
        p.extend_from_slice(&[0, 4]);
        p.extend_from_slice(&(total as u16).to_be_bytes());
        for o in list {
            p.extend_from_slice(&o);
        }
    }
    p.extend_from_slice(data);
    p
}

/// ZMTP/1.0 frames as a PGM datagram carries them: the first message's offset, then frames.
fn zmtp_datagram(offset: &str) -> Vec<u8> {
    hex(&format!(
        "{offset} 0600 68656c6c6f ff 0000000000000003 01 6869 0100 {}",
        "41".repeat(150)
    ))
}

fn pgm_frames() -> Vec<(&'static str, Vec<u8>)> {
    let spm = pgm(
        0,
        "00000005 00000001 00000004 0001 0000 c6120001",
        &["03 08 0000 00000007"],
        &[],
    );
    let spm6 = pgm(
        0,
        "00000005 00000001 00000004 0002 0000 20010002000000000000000000000001",
        &[],
        &[],
    );
    let odata = pgm(4, "00000009 00000001", &[], &zmtp_datagram("0000"));
    let rdata = pgm(5, "0000000a 00000001", &[], &zmtp_datagram("ffff"));
    let odata_mid = pgm(4, "0000000b 00000001", &[], &zmtp_datagram("0004"));
    let nak = pgm(
        8,
        "00000009 0001 0000 c6120001 0001 0000 00010203",
        &[
            "01 10 0000 00000001 00000002 00000003",
            "02 0c 0000 00000005 00000006",
        ],
        &[],
    );
    let nnak = pgm(
        9,
        "00000009 0001 0000 c6120001 0001 0000 e0000005",
        &[],
        &[],
    );
    let ncf = pgm(
        10,
        "00000009 0001 0000 c6120001 0001 0000 00020304",
        &[],
        &[],
    );
    let poll = pgm(
        1,
        "00000003 0002 0000 0001 0000 c6120001 00000064 12345678 ffff0000",
        &[],
        &[],
    );
    let polr = pgm(2, "00000003 0002 0000", &["0d 04 0000"], &[]);
    let ack = pgm(
        11,
        "00000010 ffffffff",
        &[
            "04 0c 0000 00000001 00000002",
            "05 0c 0000 00000003 00000004",
        ],
        &[],
    );
    let spmr = pgm(12, "", &[], &[]);
    // SPMR and unknown types have no body tcpdump reads: it looks for their options at the
    // header's start. An ACK carries the long option list.
    let ack_opts = pgm(
        11,
        "00000011 00000000",
        &[
            "08 08 0000 00000004",
            "09 08 0000 00000001",
            "0a 08 0000 00000002",
            "0b 04 0000",
            "0e 04 0000",
            "0f 04 0000",
            "11 04 0000",
            "07 0c 0000 0001 0000 c6120009",
            "12 10 0000 00000005 0001 0000 c6120003",
            "13 10 0000 00000006 0001 0000 c6120004",
            "1f 04 0000",
        ],
        &[],
    );
    let unknown = pgm(0x1f, "", &[], &[]);
    let path_nla = pgm(
        11,
        "00000012 00000000",
        &["0c 08 0000 00000000", "10 04 0000"],
        &[],
    );
    let bad_first = pgm(4, "00000001 00000001", &[], &[]);
    let mut bad_first = bad_first;
    bad_first[5] = 1;
    bad_first.extend_from_slice(&hex("01 04 0010"));
    let bad_len = pgm(2, "00000003 0002 0000", &["03 07 0000 000000"], &[]);
    vec![
        ("pgm spm", ip4(GROUP, 113, &spm)),
        ("pgm spm ipv6 nla", ip4(GROUP, 113, &spm6)),
        ("pgm odata zmtp", ip4(GROUP, 113, &odata)),
        ("pgm rdata zmtp", ip4(GROUP, 113, &rdata)),
        ("pgm odata zmtp mid-message", ip4(GROUP, 113, &odata_mid)),
        ("pgm nak", ip4(GROUP, 113, &nak)),
        ("pgm nnak", ip4(GROUP, 113, &nnak)),
        ("pgm ncf", ip4(GROUP, 113, &ncf)),
        ("pgm poll", ip4(GROUP, 113, &poll)),
        ("pgm polr", ip4(GROUP, 113, &polr)),
        ("pgm ack", ip4(GROUP, 113, &ack)),
        ("pgm spmr", ip4(GROUP, 113, &spmr)),
        ("pgm ack options", ip4(GROUP, 113, &ack_opts)),
        ("pgm unknown type", ip4(GROUP, 113, &unknown)),
        ("pgm path nla", ip4(GROUP, 113, &path_nla)),
        ("pgm bad first option", ip4(GROUP, 113, &bad_first)),
        ("pgm bad option length", ip4(GROUP, 113, &bad_len)),
        ("epgm odata", udp4(3055, 3056, &odata)),
        ("epgm spm", udp4(3055, 3056, &spm)),
    ]
}

fn rtp_frames() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "rtp v2",
            udp4(
                5004,
                5004,
                &hex("8060 1234 00010000 0badcafe 0102030405060708"),
            ),
        ),
        (
            "rtp marker, extension, h261",
            udp4(
                5004,
                5004,
                &hex("909f 1235 00010010 0badcafe 0001 0001 aabbccdd 11223344 55667788"),
            ),
        ),
        (
            "rtp v1 with option",
            udp4(
                5004,
                5004,
                &hex("40a0 0001 00000002 00000003 80010000 0000"),
            ),
        ),
        ("rtp short", udp4(5004, 5004, &hex("8060 1234 0001"))),
        (
            "rtcp sr rr sdes bye",
            udp4(
                5005,
                5005,
                &hex(
                    "81c8 000c 0badcafe e0000000 80000000 00001000 00000010 00000400 \
                     0badbeef 01000005 00001234 00000020 00010000 00008000 \
                     81ca 0003 0badcafe 0103 61626300 0000 \
                     81cb 0001 0badcafe \
                     82c9 000d 0badcafe 00000001 02000001 00000002 00000003 00000004 00000005 \
                     00000006 01000002 00000007 00000008 00000009 0000000a \
                     80cc 0002 0badcafe 61626364",
                ),
            ),
        ),
    ]
}

fn zmtp_frames() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("zmtp greeting", tcp4(40000, 5555, &hex("0100"))),
        (
            "zmtp frames",
            tcp4(
                40000,
                5555,
                &[
                    hex("0601 68656c6c6f ff 0000000000000005 00 61626364 00"),
                    hex(&format!("82 00 {}", "42".repeat(129))),
                ]
                .concat(),
            ),
        ),
        (
            "zmtp huge frame",
            tcp4(5555, 40000, &hex("ff fffffffffffffff7 ff 0102 0304")),
        ),
    ]
}

/// An LMP message of `ty` with `objects` (each a hex string with its own header).
fn lmp(ty: u8, flags: u8, objects: &[&str]) -> Vec<u8> {
    let body: Vec<u8> = objects.iter().flat_map(|o| hex(o)).collect();
    let mut m = vec![0x10, 0, flags, ty];
    m.extend_from_slice(&((8 + body.len()) as u16).to_be_bytes());
    m.extend_from_slice(&[0, 0]);
    m.extend_from_slice(&body);
    m
}

fn lmp_frames() -> Vec<(&'static str, Vec<u8>)> {
    let config = lmp(
        1,
        1,
        &[
            "81 01 0008 00000001",
            "01 05 0008 00000002",
            "81 02 0008 c6120001",
            "81 06 0008 0096 01f4",
        ],
    );
    let hello = lmp(4, 0, &["01 07 000c 00000001 00000002"]);
    let verify = lmp(
        5,
        2,
        &[
            "01 03 0008 c6120001",
            "03 03 0014 20010002000000000000000000000001",
            "05 04 0008 00000007",
            "01 08 0018 0003 0064 00000004 05 00 1f40 4cbebc20 00000001",
            "01 09 0008 0032 0001",
            "01 0a 0008 00000009",
        ],
    );
    let summary = lmp(
        14,
        0,
        &[
            "01 0b 0010 03 000000 c6120001 c6120002",
            "03 0b 0010 01 000000 00000001 00000002",
            "01 0c 0024 07 000000 c6120001 c6120002 010c 9605 4cbebc20 4cbebc20 0208 0000 000005dc",
            "03 0c 0014 01 000000 00000011 00000012 0904 0000",
            "05 0c 0008 00000000",
        ],
    );
    let channel = lmp(
        17,
        0,
        &[
            "01 0d 0014 c6120001 80000001 c6120002 40000003",
            "03 0d 000c 00000005 00000002",
            "01 0e 000c c6120001 c6120002",
            "03 0e 0008 00000009",
            "01 14 0008 00000005",
            "02 14 0008 0000003f",
        ],
    );
    let service = lmp(
        50,
        0,
        &[
            "01 33 0008 03 01 0000",
            "02 33 0014 05 06 07 01 0001 0002 0003 0004 c6120001",
            "02 33 0014 06 09 00 00 0001 0002 0003 0004 c6120001",
            "03 33 000c 00000003 00000001",
            "04 33 0008 00000007",
            "01 63 000c 01020304 05060708",
            "01 01 0006 0000",
        ],
    );
    let bad = lmp(99, 0, &["01 01 0002"]);
    let version = vec![0x20, 0, 0, 1, 0, 8, 0, 0];
    vec![
        ("lmp config", udp4(701, 701, &config)),
        ("lmp hello", udp4(701, 701, &hello)),
        ("lmp begin verify", udp4(701, 701, &verify)),
        ("lmp link summary", udp4(701, 701, &summary)),
        ("lmp channel status", udp4(701, 701, &channel)),
        ("lmp service config", udp4(701, 701, &service)),
        ("lmp bad object", udp4(701, 701, &bad)),
        ("lmp version 2", udp4(701, 701, &version)),
    ]
}

/// An HNCP TLV: type, body (hex), padded to four bytes.
fn tlv(ty: u16, body: &[u8]) -> Vec<u8> {
    let mut t = ty.to_be_bytes().to_vec();
    t.extend_from_slice(&(body.len() as u16).to_be_bytes());
    t.extend_from_slice(body);
    while !t.len().is_multiple_of(4) {
        t.push(0);
    }
    t
}

fn hncp_frames() -> Vec<(&'static str, Vec<u8>)> {
    let version = tlv(32, &[&hex("0000 1234")[..], b"hnetd-1.0"].concat());
    let dhcp4 = tlv(
        37,
        &hex("06 08 c6120001 c6120002 2a 04 c6120003 77 09 07 6578616d706c65 00"),
    );
    let dhcp6 = tlv(
        38,
        &hex("0017 0010 20010002000000000000000000000053 0018 0009 07 6578616d706c65 00 001f 0003 010203"),
    );
    let delegated = tlv(
        34,
        &[
            hex("00093a80 00015180 30 200100020001"),
            vec![0, 0],
            tlv(43, &hex("00")),
            tlv(43, &hex("30 200100020002")),
            tlv(43, &hex("81 07 6578616d706c65 00")),
            tlv(43, &[&[0x82u8][..], b"opaque"].concat()),
            tlv(43, &hex("83")),
            tlv(43, &hex("90")),
        ]
        .concat(),
    );
    let delegated4 = tlv(
        34,
        &hex("00000e10 00000708 78 00000000000000000000ffff c61200 00"),
    );
    let external = tlv(33, &[delegated, delegated4, dhcp4, dhcp6].concat());
    let assigned = tlv(35, &hex("00000001 0f 40 2001000200030004"));
    let address = tlv(36, &hex("00000001 00000000000000000000ffffc6120001"));
    let zone = tlv(
        39,
        &hex("20010002000000000000000000000001 07 04686f6d65 00"),
    );
    let domain = tlv(40, &hex("04686f6d65 00"));
    let name = tlv(
        41,
        &[&hex("00000000000000000000ffffc6120001 06")[..], b"router"].concat(),
    );
    let psk = tlv(42, &[0x5a; 32]);
    let node_state = tlv(
        5,
        &[
            hex("01020304 00000007 00002710 0123456789abcdef"),
            version,
            external,
            assigned,
            address,
            zone,
            domain,
            name,
            psk,
            tlv(0, &[]),
            tlv(100, &[1]),
            tlv(800, &[1, 2]),
            tlv(2000, &[]),
        ]
        .concat(),
    );
    let first = [
        tlv(3, &hex("01020304 00000001")),
        tlv(4, &hex("0123456789abcdef")),
        tlv(1, &[]),
        tlv(2, &hex("01020304")),
        tlv(8, &hex("05060708 00000002 00000001")),
        tlv(9, &hex("00000001 00004e20")),
        tlv(10, &[&[1u8, 0, 0, 0][..], &[0x33; 32], b"cn"].concat()),
    ]
    .concat();
    let bad = [tlv(2, &hex("0102")), tlv(37, &hex("06 03 c61200"))].concat();
    vec![
        ("hncp endpoint and state", udp4(8231, 8231, &first)),
        ("hncp node state", udp4(8231, 8231, &node_state)),
        ("hncp invalid", udp4(8231, 8231, &bad)),
    ]
}

fn link_frames() -> Vec<(&'static str, Vec<u8>)> {
    let inner = {
        let mut f = Vec::new();
        PacketBuilder::ipv4(A, B, 64)
            .udp(40000, 6666)
            .write(&mut f, b"123\n")
            .unwrap();
        f
    };
    let icv = [0xee; 16];
    let sci = hex("02000000000a0001");
    let tag = |tci: u8, sl: u8, with_sci: bool| {
        let mut t = vec![tci, sl, 0, 0, 0, 0x42];
        if with_sci {
            t.extend_from_slice(&sci);
        }
        t
    };
    let clear = [&tag(0x20, 0, true)[..], &[8, 0], &inner, &icv].concat();
    let short = [
        &tag(0x00, (inner.len() + 2) as u8, false)[..],
        &[8, 0],
        &inner,
        &[0; 4],
        &icv,
    ]
    .concat();
    let encrypted = [&tag(0x2c, 0, true)[..], &[0x5a; 40], &icv].concat();
    let bad_version = [&tag(0xa0, 0, true)[..], &[8, 0], &inner, &icv].concat();
    let too_short = [&tag(0x20, 50, true)[..], &[8, 0], &inner[..20], &icv].concat();
    vec![
        ("macsec integrity only", eth(0x88e5, &clear)),
        ("macsec short length", eth(0x88e5, &short)),
        ("macsec encrypted", eth(0x88e5, &encrypted)),
        ("macsec bad version", eth(0x88e5, &bad_version)),
        ("macsec short length too long", eth(0x88e5, &too_short)),
        ("macsec cut tag", eth(0x88e5, &hex("2000 0000"))),
        (
            "loopback forward",
            eth(
                0x9000,
                &hex(&format!("0000 0200 02000000000b {}", "55".repeat(40))),
            ),
        ),
        (
            "loopback reply",
            eth(
                0x9000,
                &hex(&format!(
                    "0800 {} 0100 0100 {}",
                    "00".repeat(8),
                    "55".repeat(40)
                )),
            ),
        ),
        (
            "loopback bogus",
            eth(0x9000, &hex(&format!("0300 {}", "00".repeat(50)))),
        ),
        (
            "loopback other function",
            eth(0x9000, &hex(&format!("0000 0300 {}", "00".repeat(50)))),
        ),
        // 802.3 frames, for where -x starts: after the LLC (and SNAP) header, padding dumped.
        (
            "stp after llc, padded",
            [
                &MAC_B[..],
                &MAC_A,
                &hex("0026 424203 0000 00 00 8000020000000001 00000000 8000020000000001 8001 0000 1400 0200 0f00"),
                &[0; 8],
            ]
            .concat(),
        ),
        (
            "ip after snap",
            [&MAC_B[..], &MAC_A, &hex("0024 aaaa03 000000 0800"), &udp4(1, 2, b"abcd")[14..]].concat(),
        ),
    ]
}

/// An OSPFv2 packet from router 198.18.0.1 in area `area`: header, then `body`.
fn ospf(ty: u8, area: &str, auth: &str, body: &[u8], trailer: &[u8]) -> Vec<u8> {
    let mut p = vec![2, ty];
    p.extend_from_slice(&((24 + body.len()) as u16).to_be_bytes());
    p.extend_from_slice(&hex(&format!("c6120001 {area} 0000 {auth}")));
    p.extend_from_slice(body);
    p.extend_from_slice(trailer);
    p
}

fn ospf_frames() -> Vec<(&'static str, Vec<u8>)> {
    let none = "0000 0000000000000000";
    let hello = ospf(
        1,
        "00000000",
        none,
        &hex("ffffff00 000a 12 01 00000028 c6120001 c6120002 c6120002 c6120003"),
        &hex("0000 0003 0001 0004 00000001"),
    );
    let hello_simple = ospf(
        1,
        "00000001",
        "0001 7365637265740000",
        &hex("ffffff00 000a 02 01 00000028 00000000 00000000"),
        &[],
    );
    let lsa_hdr = "0001 02 01 c6120001 c6120001 80000001 1234 0024";
    let dd = ospf(
        2,
        "00000000",
        none,
        &hex(&format!(
            "05dc 42 07 00001234 {lsa_hdr} 0002 22 0a 01000001 c6120002 80000002 abcd 001c"
        )),
        &[],
    );
    let lsr = ospf(
        3,
        "00000000",
        none,
        &hex("00000001 c6120001 c6120001 0000000a 04000001 c6120002"),
        &[],
    );
    let router = "0001 02 01 c6120001 c6120001 80000001 1234 004c \
                  03 00 0004 \
                  c6120002 c6120001 01 00 000a \
                  c6130000 ffffff00 03 01 0001 01 00 0014 \
                  c6140001 c6120001 02 00 0005 \
                  c6150001 c6120001 04 00 0006";
    let network = "0001 02 02 c6120002 c6120001 80000001 1234 0020 ffffff00 c6120001 c6120002";
    let summary = "0001 02 03 c6160000 c6120001 80000001 1234 0020 ffffff00 00000064 01000020";
    let asbr = "0001 02 04 c6170001 c6120001 80000001 1234 001c 00000000 00000064";
    let external = "0001 02 05 c6180000 c6120001 80000001 1234 0030 ffff0000 80000064 c6120009 00000007 00ffffff 00000000 00000000";
    let group = "0001 02 06 e0000001 c6120001 80000001 1234 002c 00000001 c6120001 00000002 c6120002 00000009 c6120003";
    let ri =
        "0001 02 0a 04000000 c6120001 80000001 1234 0024 0001 0004 000000f0 0007 0004 01020304";
    let lsu = ospf(
        4,
        "00000000",
        none,
        &[
            hex("00000008"),
            hex(router),
            hex(network),
            hex(summary),
            hex(asbr),
            hex(external),
            hex(group),
            hex(ri),
            hex("0001 02 0b 05000001 c6120001 80000001 1234 0018 deadbeef"),
        ]
        .concat(),
        &[],
    );
    let ack = ospf(
        5,
        "00000000",
        none,
        &hex(&format!("{lsa_hdr} {lsa_hdr}")),
        &[],
    );
    let md5 = ospf(
        1,
        "00000000",
        "0002 0000 0110 00000005",
        &hex("ffffff00 000a 02 01 00000028 00000000 00000000"),
        &[0x11; 16],
    );
    vec![
        ("ospf hello lls", ip4(GROUP, 89, &hello)),
        ("ospf hello simple auth", ip4(GROUP, 89, &hello_simple)),
        ("ospf dd", ip4(B, 89, &dd)),
        ("ospf ls request", ip4(B, 89, &lsr)),
        ("ospf ls update", ip4(GROUP, 89, &lsu)),
        ("ospf ls ack", ip4(GROUP, 89, &ack)),
        ("ospf hello md5", ip4(GROUP, 89, &md5)),
    ]
}

fn frames() -> Vec<(&'static str, Vec<u8>)> {
    [
        pgm_frames(),
        rtp_frames(),
        zmtp_frames(),
        lmp_frames(),
        hncp_frames(),
        link_frames(),
        ospf_frames(),
    ]
    .concat()
}

#[test]
fn tier1_closers_at_every_verbosity_and_packet_type() {
    let frames = frames();
    let dir = std::env::temp_dir().join(format!("netdump-tier1c-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    let flag_sets: &[&[&str]] = &[
        &[],
        &["-q"],
        &["-v"],
        &["-vv"],
        &["-vvv"],
        &["-e"],
        &["-x"],
        &["-e", "-X"],
        &["-T", "rtp"],
        &["-T", "rtp", "-v"],
        &["-T", "rtcp"],
        &["-T", "rtcp", "-v"],
        &["-T", "pgm", "-v"],
        &["-T", "pgm_zmtp1", "-v"],
        &["-T", "pgm_zmtp1", "-vv"],
        &["-T", "zmtp1"],
        &["-T", "zmtp1", "-v"],
        &["-T", "zmtp1", "-vv"],
        &["-T", "lmp", "-vv"],
    ];
    let mut compared = 0;
    for snap in [
        None,
        Some(50),
        Some(62),
        Some(75),
        Some(90),
        Some(120),
        Some(160),
    ] {
        let path = dir.join(format!("tier1c-{}.pcap", snap.unwrap_or(0)));
        write_pcap(&path, &frames, snap);
        for flags in flag_sets {
            let theirs = run("tcpdump", &path, flags);
            let ours = run(env!("CARGO_BIN_EXE_netdump"), &path, flags);
            compared += theirs.lines().count();
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
    if std::env::var_os("KEEP_TIER1C").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(compared > 5000, "only {compared} lines compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
