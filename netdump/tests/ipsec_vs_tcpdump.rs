//! IPsec, IKE and SNMP (ESP, AH, ISAKMP/IKEv1/IKEv2 on UDP 500, NAT-T on UDP 4500, SNMP
//! v1/v2c/v3 on UDP 161/162): `netdump -r` against `tcpdump -r` on frames built here, whole
//! and cut short at every byte after the IP header, at every verbosity, with `-q`, `-x` and
//! `-T snmp`. Both must print the same text. A second test, which needs root, compares them
//! without `-n` (MIB names for OIDs, protocol names) inside `unshare -mn`.
//!
//! Needs `tcpdump` (`cargo xtask test` installs it); no network.

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

/// An Ethernet frame with an IPv4 header (checksum right) carrying `payload` as `proto`.
fn ip4(proto: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = [MAC_B, MAC_A].concat();
    f.extend([0x08, 0x00]);
    let mut h = vec![0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, proto, 0, 0];
    h[2..4].copy_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
    h.extend(V4_A);
    h.extend(V4_B);
    let sum: u32 = h
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
        .sum();
    let sum = (sum & 0xffff) + (sum >> 16);
    let sum = !((sum & 0xffff) + (sum >> 16)) as u16;
    h[10..12].copy_from_slice(&sum.to_be_bytes());
    f.extend(h);
    f.extend_from_slice(payload);
    f
}

/// An Ethernet frame with an IPv6 header carrying `payload` as next header `nh`.
fn ip6(nh: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = [MAC_B, MAC_A].concat();
    f.extend([0x86, 0xdd, 0x60, 0, 0, 0]);
    f.extend((payload.len() as u16).to_be_bytes());
    f.extend([nh, 64]);
    f.extend(v6(1));
    f.extend(v6(2));
    f.extend_from_slice(payload);
    f
}

/// The bytes of a UDP header and payload (checksum left zero: tcpdump says so alike).
fn udp_bytes(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = sport.to_be_bytes().to_vec();
    u.extend(dport.to_be_bytes());
    u.extend(((8 + payload.len()) as u16).to_be_bytes());
    u.extend([0, 0]);
    u.extend_from_slice(payload);
    u
}

// ---- IPsec ----

fn esp_payload(spi: u32, seq: u32) -> Vec<u8> {
    let mut e = spi.to_be_bytes().to_vec();
    e.extend(seq.to_be_bytes());
    e.extend((0..24).map(|i| i as u8 ^ 0x5a));
    e
}

/// An AH header of `words` ICV words protecting protocol `nh`, then `inner`.
fn ah(nh: u8, reserved: u16, icv_words: usize, inner: &[u8]) -> Vec<u8> {
    let mut a = vec![nh, (icv_words + 1) as u8];
    a.extend(reserved.to_be_bytes());
    a.extend(0x100u32.to_be_bytes());
    a.extend(0x13u32.to_be_bytes());
    a.extend((0..icv_words * 4).map(|i| 0xa0 + i as u8));
    a.extend_from_slice(inner);
    a
}

fn ipsec() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("esp over ipv4", ip4(50, &esp_payload(0x1234_5678, 1))),
        ("esp over ipv6", ip6(50, &esp_payload(0xdead_beef, 0x10))),
        ("ah + esp", ip4(51, &ah(50, 0, 3, &esp_payload(3, 4)))),
        (
            "ah reserved + udp",
            ip4(51, &ah(17, 7, 3, &udp_bytes(5000, 5001, b"hi"))),
        ),
        (
            "ah + esp over ipv6",
            ip6(51, &ah(50, 0, 3, &esp_payload(9, 2))),
        ),
        ("ah + unknown", ip6(51, &ah(253, 0, 1, &[2, 1, 0, 8]))),
    ]
}

// ---- ISAKMP ----

/// An ISAKMP header: cookies, next payload, version, exchange, flags, message id; the
/// length is filled in from `payloads`.
fn isakmp(
    (icookie, rcookie): (u8, u8),
    np: u8,
    ver: u8,
    xchg: u8,
    flags: u8,
    msgid: u32,
    payloads: &[u8],
) -> Vec<u8> {
    let mut m = vec![icookie; 8];
    m.extend([rcookie; 8]);
    m.extend([np, ver, xchg, flags]);
    m.extend(msgid.to_be_bytes());
    m.extend(((28 + payloads.len()) as u32).to_be_bytes());
    m.extend_from_slice(payloads);
    m
}

/// A generic payload header before `body`.
fn pl(np: u8, critical: u8, body: &[u8]) -> Vec<u8> {
    let mut p = vec![np, critical];
    p.extend(((4 + body.len()) as u16).to_be_bytes());
    p.extend_from_slice(body);
    p
}

/// A basic (two-byte value) attribute.
fn attr_b(t: u16, v: u16) -> Vec<u8> {
    let mut a = (0x8000 | t).to_be_bytes().to_vec();
    a.extend(v.to_be_bytes());
    a
}

/// A variable-length attribute.
fn attr_v(t: u16, v: &[u8]) -> Vec<u8> {
    let mut a = t.to_be_bytes().to_vec();
    a.extend((v.len() as u16).to_be_bytes());
    a.extend_from_slice(v);
    a
}

fn ikev1_main_mode() -> Vec<u8> {
    let attrs = [
        attr_b(1, 7),
        attr_b(14, 128),
        attr_b(2, 2),
        attr_b(4, 2),
        attr_b(3, 1),
        attr_b(11, 1),
        attr_v(12, &[0, 1, 0x51, 0x80]),
        attr_b(30, 9),
    ]
    .concat();
    let t1 = pl(3, 0, &[[1, 1, 0, 0].as_slice(), &attrs].concat());
    let t2 = pl(0, 0, &[[2, 1, 0, 0].as_slice(), &attr_b(1, 5)].concat());
    let prop = pl(0, 0, &[[1, 1, 0, 2].as_slice(), &t1, &t2].concat());
    let sa = pl(
        13,
        0,
        &[[0, 0, 0, 1, 0, 0, 0, 1].as_slice(), &prop].concat(),
    );
    let vid = pl(
        0,
        0,
        b"\x4a\x13\x1c\x81\x07\x03\x58\x45\x5c\x57\x28\xf2\x0e\x95\x45\x2f",
    );
    isakmp((0x11, 0), 1, 0x10, 2, 0, 0, &[sa, vid].concat())
}

fn ikev1_quick_mode() -> Vec<u8> {
    let esp_t = pl(
        0,
        0,
        &[
            [1, 3, 0, 0].as_slice(),
            &attr_b(1, 1),
            &attr_v(2, &[0, 0, 0x0e, 0x10]),
            &attr_b(4, 1),
            &attr_b(5, 2),
            &attr_b(3, 14),
        ]
        .concat(),
    );
    let prop = pl(
        0,
        0,
        &[[1, 3, 4, 1, 0xca, 0xfe, 0xba, 0xbe].as_slice(), &esp_t].concat(),
    );
    let sa = pl(
        10,
        0,
        &[[0, 0, 0, 1, 0, 0, 0, 1].as_slice(), &prop].concat(),
    );
    let nonce = pl(5, 0, &[0x42; 20]);
    let id1 = pl(5, 0, &[4, 17, 1, 0xf4, 198, 18, 0, 0, 255, 255, 255, 0]);
    let id2 = pl(5, 0, &[[5, 6, 0, 0].as_slice(), &v6(7)].concat());
    let id3 = pl(
        5,
        0,
        &[[2, 0, 0, 0].as_slice(), b"vpn.example.test"].concat(),
    );
    let id4 = pl(5, 0, &[7, 0, 0, 0, 198, 18, 0, 1, 198, 18, 0, 9]);
    let id5 = pl(
        5,
        0,
        &[[6, 0, 0, 0].as_slice(), &v6(8), &[0xff; 8], &[0; 8]].concat(),
    );
    let id6 = pl(8, 0, &[9, 0, 0, 0, 0x30, 0x03, 1, 2, 3]);
    let hash = pl(6, 0, &[0x77; 20]);
    let cert = pl(7, 0, &[4, 0x30, 0x82, 1, 2]);
    let cr = pl(0, 0, &[4]);
    isakmp(
        (0x22, 0x33),
        8,
        0x10,
        32,
        0,
        0x0102_0304,
        &[hash, sa, nonce, id1, id2, id3, id4, id5, id6, cert, cr]
            .concat()
            .into_iter()
            .collect::<Vec<u8>>(),
    )
}

fn ikev1_informational() -> Vec<u8> {
    let n_life = pl(
        11,
        0,
        &[
            [0, 0, 0, 1, 3, 4, 0x60, 0x00, 1, 2, 3, 4].as_slice(),
            &attr_b(11, 1),
            &attr_v(12, &[0, 0, 0x70, 0x80]),
        ]
        .concat(),
    );
    let n_replay = pl(11, 0, &[0, 0, 0, 1, 3, 0, 0x60, 0x01, 0, 0, 0, 1]);
    let n_err = pl(
        11,
        0,
        &[
            0, 0, 0, 1, 1, 0, 0, 14, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
        ],
    );
    let n_other = pl(12, 0, &[0, 0, 0, 2, 1, 0, 0x40, 0x00]);
    let d = pl(0, 0, &[0, 0, 0, 1, 3, 4, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]);
    isakmp(
        (0x22, 0x33),
        11,
        0x10,
        5,
        0,
        0x0a0b_0c0d,
        &[n_life, n_replay, n_err, n_other, d].concat(),
    )
}

fn ikev2_init() -> Vec<u8> {
    let t = |last: bool, ty: u8, id: u16, attrs: &[u8]| {
        let mut body = vec![ty, 0];
        body.extend(id.to_be_bytes());
        body.extend_from_slice(attrs);
        pl(if last { 0 } else { 3 }, 0, &body)
    };
    let transforms = [
        t(false, 1, 12, &attr_b(14, 128)),
        t(false, 1, 3, &[]),
        t(false, 2, 2, &[]),
        t(false, 3, 2, &[]),
        t(false, 4, 14, &[]),
        t(false, 5, 0, &[]),
        t(true, 7, 99, &[]),
    ]
    .concat();
    let prop = pl(0, 0, &[[1, 1, 0, 7].as_slice(), &transforms].concat());
    let sa = pl(34, 0x80, &prop);
    let ke = pl(40, 0, &[[0, 14, 0, 0].as_slice(), &[0x11; 32]].concat());
    let nonce = pl(41, 0, &[0x22; 32]);
    let n_nat = pl(
        41,
        0,
        &[[0, 0, 0x40, 0x04].as_slice(), &[0x33; 20]].concat(),
    );
    let n_cookie = pl(
        41,
        0,
        &[[0, 0, 0x40, 0x06].as_slice(), &[0x44; 20]].concat(),
    );
    let n_err = pl(43, 0, &[3, 4, 0, 11, 1, 2, 3, 4]);
    let vid = pl(0, 0, b"strongSwan\x01\x02");
    isakmp(
        (0x44, 0),
        33,
        0x20,
        34,
        0x08,
        0,
        &[sa, ke, nonce, n_nat, n_cookie, n_err, vid].concat(),
    )
}

fn ikev2_auth() -> Vec<u8> {
    let idi = pl(
        36,
        0,
        &[[2, 0, 0, 0].as_slice(), b"initiator.test"].concat(),
    );
    let idr = pl(39, 0, &[1, 0, 0, 0, 198, 18, 0, 2]);
    let auth = pl(44, 0, &[[2, 0, 0, 0].as_slice(), &[0x55; 20]].concat());
    let tsi = pl(
        45,
        0,
        &[
            1, 0, 0, 0, 7, 0, 0, 16, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
        ],
    );
    let tsr = pl(
        47,
        0,
        &[
            1, 0, 0, 0, 7, 0, 0, 16, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
        ],
    );
    let cp = pl(48, 0, &[1, 0, 0, 0, 0, 1, 0, 0]);
    let eap = pl(42, 0, &[1, 1, 0, 5, 1]);
    let d = pl(0, 0, &[1, 0, 0, 0]);
    isakmp(
        (0x44, 0x55),
        35,
        0x20,
        35,
        0x08,
        1,
        &[idi, idr, auth, tsi, tsr, cp, eap, d].concat(),
    )
}

fn ikev2_encrypted() -> Vec<u8> {
    let e = pl(35, 0, &[0x66; 48]);
    isakmp((0x44, 0x55), 46, 0x20, 35, 0x20, 2, &e)
}

fn isakmp_frames() -> Vec<(&'static str, Vec<u8>)> {
    let mut encrypted_v1 = isakmp((0x11, 0x99), 5, 0x10, 2, 1, 0, &[0; 24]);
    encrypted_v1[24..28].copy_from_slice(&99u32.to_be_bytes());
    let mut natt_ike = vec![0, 0, 0, 0];
    natt_ike.extend(ikev2_init());
    vec![
        (
            "ikev1 main mode, initiator",
            udp4(500, 500, &ikev1_main_mode()),
        ),
        ("ikev1 main mode, again", udp4(500, 500, &ikev1_main_mode())),
        ("ikev1 quick mode", udp4(500, 500, &ikev1_quick_mode())),
        ("ikev1 quick mode, responder", {
            let mut f = Vec::new();
            PacketBuilder::ethernet2(MAC_B, MAC_A)
                .ipv4(V4_B, V4_A, 64)
                .udp(500, 500)
                .write(&mut f, &ikev1_quick_mode())
                .unwrap();
            f
        }),
        (
            "ikev1 informational",
            udp4(500, 500, &ikev1_informational()),
        ),
        (
            "ikev1 encrypted, len mismatch",
            udp4(500, 500, &encrypted_v1),
        ),
        ("ikev2 init", udp4(500, 500, &ikev2_init())),
        ("ikev2 auth over ipv6", udp6(500, 500, &ikev2_auth())),
        ("ikev2 encrypted", udp4(500, 500, &ikev2_encrypted())),
        ("ikev2 on 7500", udp4(7500, 40000, &ikev2_init())),
        ("nat-t keep-alive", udp4(4500, 4500, &[0xff])),
        ("nat-t ike", udp4(4500, 4500, &natt_ike)),
        ("nat-t esp", udp4(4500, 4500, &esp_payload(0x0102_0304, 5))),
        ("nat-t short", udp4(4500, 4500, &[1, 2])),
        (
            "isakmp version 3",
            udp4(500, 500, &isakmp((1, 2), 0, 0x30, 1, 0, 0, &[])),
        ),
    ]
}

// ---- SNMP (BER) ----

fn ber(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    match content.len() {
        n if n < 0x80 => v.push(n as u8),
        n if n < 0x100 => v.extend([0x81, n as u8]),
        n => v.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    v.extend_from_slice(content);
    v
}

fn int(tag: u8, v: i64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 7 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    ber(tag, &bytes[start..])
}

fn oid(parts: &[u32]) -> Vec<u8> {
    let mut c = vec![(parts[0] * 40 + parts[1]) as u8];
    for &p in &parts[2..] {
        let mut chunk = vec![(p & 0x7f) as u8];
        let mut rest = p >> 7;
        while rest != 0 {
            chunk.insert(0, 0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
        c.extend(chunk);
    }
    ber(6, &c)
}

fn seq(items: &[Vec<u8>]) -> Vec<u8> {
    ber(0x30, &items.concat())
}

fn varbind(name: &[u32], value: Vec<u8>) -> Vec<u8> {
    seq(&[oid(name), value])
}

const SYS_DESCR: &[u32] = &[1, 3, 6, 1, 2, 1, 1, 1, 0];
const IF_IN: &[u32] = &[1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 3];

fn pdu(tag: u8, id: i64, status: i64, index: i64, binds: Vec<Vec<u8>>) -> Vec<u8> {
    ber(
        tag,
        &[int(2, id), int(2, status), int(2, index), seq(&binds)].concat(),
    )
}

fn v1v2(version: i64, community: &[u8], pdu: Vec<u8>) -> Vec<u8> {
    seq(&[int(2, version), ber(4, community), pdu])
}

fn snmp() -> Vec<(&'static str, Vec<u8>)> {
    let null = || vec![5, 0];
    let get = v1v2(
        0,
        b"public",
        pdu(
            0xa0,
            1234,
            0,
            0,
            vec![varbind(SYS_DESCR, null()), varbind(IF_IN, null())],
        ),
    );
    let response = v1v2(
        0,
        b"private",
        pdu(
            0xa2,
            1234,
            0,
            0,
            vec![
                varbind(SYS_DESCR, ber(4, b"Linux router 6.1")),
                varbind(IF_IN, int(0x41, 0xfedc_ba98)),
                varbind(&[1, 3, 6, 1, 2, 1, 1, 3, 0], int(0x43, 123_456)),
                varbind(
                    &[1, 3, 6, 1, 2, 1, 4, 20, 1, 1],
                    ber(0x40, &[198, 18, 0, 1]),
                ),
                varbind(
                    &[1, 3, 6, 1, 2, 1, 1, 2, 0],
                    oid(&[1, 3, 6, 1, 4, 1, 8072, 3, 2, 10]),
                ),
                varbind(
                    &[1, 3, 6, 1, 2, 1, 2, 2, 1, 6, 2],
                    ber(4, &[0, 0x0b, 0x82, 1, 0xfc, 0x42]),
                ),
                varbind(&[1, 3, 6, 1, 2, 1, 4, 1, 0], int(2, -5)),
                varbind(&[1, 3, 6, 1, 3, 99, 1], ber(0x44, &[1, 2])),
                varbind(&[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0], int(0x42, 7)),
                varbind(&[2, 999, 3], ber(0x40, &[1, 2, 3])),
            ],
        ),
    );
    let error = v1v2(
        1,
        b"public",
        pdu(0xa2, 7, 2, 1, vec![varbind(SYS_DESCR, null())]),
    );
    let bad_get = v1v2(
        0,
        b"public",
        pdu(0xa1, 8, 5, 2, vec![varbind(SYS_DESCR, ber(4, b"x"))]),
    );
    let index_only = v1v2(1, b"public", pdu(0xa2, 9, 0, 3, vec![]));
    let bulk = v1v2(
        1,
        b"public",
        pdu(0xa5, 99, 0, 10, vec![varbind(IF_IN, null())]),
    );
    let bulk_v1 = v1v2(0, b"public", pdu(0xa5, 99, 0, 10, vec![]));
    let v2trap = v1v2(
        1,
        b"traps",
        pdu(
            0xa7,
            1,
            0,
            0,
            vec![
                varbind(&[1, 3, 6, 1, 2, 1, 1, 3, 0], int(0x43, 42)),
                varbind(
                    &[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0],
                    oid(&[1, 3, 6, 1, 6, 3, 1, 1, 5, 3]),
                ),
                varbind(IF_IN, int(0x46, 0x1_0000_0001)),
                varbind(SYS_DESCR, vec![0x80, 0]),
                varbind(SYS_DESCR, vec![0x81, 0]),
                varbind(SYS_DESCR, vec![0x82, 0]),
            ],
        ),
    );
    let trap = v1v2(
        0,
        b"public",
        ber(
            0xa4,
            &[
                oid(&[1, 3, 6, 1, 4, 1, 9, 1, 1]),
                ber(0x40, &[198, 18, 0, 1]),
                int(2, 6),
                int(2, 17),
                int(0x43, 5000),
                seq(&[varbind(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 2], int(2, 2))]),
            ]
            .concat(),
        ),
    );
    let cold = v1v2(
        0,
        b"public",
        ber(
            0xa4,
            &[
                oid(&[1, 3, 6, 1, 4, 1, 2021]),
                ber(0x40, &[198, 18, 0, 1]),
                int(2, 0),
                int(2, 3),
                int(0x43, 1),
                seq(&[]),
            ]
            .concat(),
        ),
    );
    let trap_v2 = v1v2(1, b"public", ber(0xa4, &[]));
    let usm = seq(&[
        ber(4, &[0x80, 0, 0x1f, 0x88, 4]),
        int(2, 3),
        int(2, 12345),
        ber(4, b"admin"),
        ber(4, &[0; 12]),
        ber(4, &[]),
    ]);
    let v3 = seq(&[
        int(2, 3),
        seq(&[int(2, 77), int(2, 65507), ber(4, &[4]), int(2, 3)]),
        ber(4, &usm),
        seq(&[
            ber(4, &[0x80, 0, 0x1f, 0x88, 4]),
            ber(4, b""),
            pdu(0xa0, 5, 0, 0, vec![varbind(SYS_DESCR, null())]),
        ]),
    ]);
    let v3_model = seq(&[
        int(2, 3),
        seq(&[int(2, 77), int(2, 65507), ber(4, &[7]), int(2, 2)]),
        ber(4, &[]),
    ]);
    let v3_flags = seq(&[
        int(2, 3),
        seq(&[int(2, 1), int(2, 2), ber(4, &[2]), int(2, 3)]),
    ]);
    let mut long_len = v1v2(
        0,
        b"public",
        pdu(0xa0, 1, 0, 0, vec![varbind(SYS_DESCR, null())]),
    );
    long_len[1] = 0x84;
    vec![
        ("snmp get", udp4(40000, 161, &get)),
        ("snmp response", udp4(161, 40000, &response)),
        ("snmp error response", udp4(161, 40000, &error)),
        ("snmp bad get", udp4(40000, 161, &bad_get)),
        ("snmp errorIndex alone", udp4(161, 40000, &index_only)),
        ("snmp getbulk", udp6(40000, 161, &bulk)),
        ("snmp getbulk in v1", udp4(40000, 161, &bulk_v1)),
        ("snmp v2 trap", udp4(40000, 162, &v2trap)),
        ("snmp v1 trap", udp4(40000, 162, &trap)),
        ("snmp v1 cold start", udp4(40000, 162, &cold)),
        ("snmp v1 trap in v2", udp4(40000, 162, &trap_v2)),
        ("snmp v3", udp4(40000, 161, &v3)),
        ("snmp v3 other model", udp4(40000, 161, &v3_model)),
        ("snmp v3 bad flags", udp4(40000, 161, &v3_flags)),
        ("snmp long length", udp4(40000, 161, &long_len)),
        ("snmp version 2", udp4(40000, 161, &seq(&[int(2, 2)]))),
        ("snmp not a sequence", udp4(40000, 161, &int(2, -1))),
        (
            "snmp tag extension",
            udp4(40000, 161, &[0x1f, 0x81, 0x01, 0x00]),
        ),
        (
            "snmp private class",
            udp4(40000, 161, &[0xc0, 0x01, 0x00, 0xe4, 0]),
        ),
    ]
}

fn frames() -> Vec<(&'static str, Vec<u8>)> {
    [ipsec(), isakmp_frames(), snmp()].concat()
}

/// Where a frame's IP payload starts.
fn ip_payload_start(f: &[u8]) -> usize {
    14 + if f[12..14] == [0x86, 0xdd] { 40 } else { 20 }
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

fn tmpdir(what: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("netdump-{what}-{}", std::process::id()));
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

/// Every frame whole and cut at every byte after its IP header.
fn records() -> (Vec<String>, Vec<(Vec<u8>, u32)>) {
    let mut names = Vec::new();
    let mut records = Vec::new();
    for (name, f) in frames() {
        let len = f.len() as u32;
        names.push(format!("{name} (whole)"));
        records.push((f.clone(), len));
        for keep in ip_payload_start(&f)..f.len() {
            names.push(format!("{name} cut at {keep}"));
            records.push((f[..keep].to_vec(), len));
        }
    }
    (names, records)
}

fn assert_same(names: &[String], ours: &[String], theirs: &[String], flags: &[&str]) {
    assert_eq!(
        ours.len(),
        theirs.len(),
        "packet count differs for {flags:?}"
    );
    let bad: Vec<String> = ours
        .iter()
        .zip(theirs)
        .zip(names)
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
fn ipsec_ike_and_snmp_print_as_tcpdump_prints_them() {
    let dir = tmpdir("ipsec-vs-tcpdump");
    let (names, records) = records();
    let file = dir.join("ipsec.pcap");
    std::fs::write(&file, pcap(&records)).unwrap();
    for flags in [
        &[][..],
        &["-v"],
        &["-vv"],
        &["-vvv"],
        &["-vvvv"],
        &["-q"],
        &["-x"],
        &["-v", "-T", "snmp"],
        &["-q", "-T", "snmp"],
    ] {
        let theirs = packets(&output("tcpdump", &file, flags));
        let ours = packets(&output(env!("CARGO_BIN_EXE_netdump"), &file, flags));
        assert_same(&names, &ours, &theirs, flags);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `program -r file flags` without `-n`, in a network and mount namespace of its own
/// whose resolver is loopback (nothing listens there): names come only from the MIB
/// table, /etc/protocols and /etc/services, and no lookup leaves the machine.
fn sandboxed(dir: &Path, program: &str, file: &Path, flags: &[&str]) -> String {
    let script = "ip link set lo up && mount --bind \"$0/hosts\" /etc/hosts && \
                  mount --bind \"$0/resolv.conf\" /etc/resolv.conf && exec \"$@\"";
    let out = Command::new("unshare")
        .args(["-mn", "sh", "-c", script])
        .arg(dir)
        .args([program, "-r"])
        .arg(file)
        .args(flags)
        .env("TZ", "UTC")
        .output()
        .expect("unshare (util-linux) is needed");
    assert!(
        out.status.success(),
        "{program} {flags:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[ignore = "needs root (bind mounts in a mount namespace): cargo xtask test"]
fn snmp_and_ike_names_match_tcpdump_without_n() {
    let dir = tmpdir("ipsec-names");
    std::fs::write(dir.join("hosts"), "127.0.0.1 localhost\n198.18.0.1 alpha\n").unwrap();
    std::fs::write(
        dir.join("resolv.conf"),
        "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n",
    )
    .unwrap();
    let frames: Vec<Vec<u8>> = [isakmp_frames(), snmp()]
        .concat()
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    let names: Vec<String> = [isakmp_frames(), snmp()]
        .concat()
        .into_iter()
        .map(|(n, _)| n.to_string())
        .collect();
    let records: Vec<(Vec<u8>, u32)> = frames
        .into_iter()
        .map(|f| {
            let l = f.len() as u32;
            (f, l)
        })
        .collect();
    let file = dir.join("names.pcap");
    std::fs::write(&file, pcap(&records)).unwrap();
    for flags in [&[][..], &["-v"]] {
        let theirs = packets(&sandboxed(&dir, "tcpdump", &file, flags));
        let ours = packets(&sandboxed(
            &dir,
            env!("CARGO_BIN_EXE_netdump"),
            &file,
            flags,
        ));
        assert_same(&names, &ours, &theirs, flags);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
