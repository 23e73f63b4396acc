//! Crafted files, each exercising one of libpcap's leniencies or errors.

use super::*;
use crate::packet::{Direction, Hook};

/// A packet as the tests compare it.
#[derive(Debug, PartialEq, Eq)]
struct Got {
    sec: i64,
    nsec: u32,
    link_type: LinkType,
    ifname: String,
    orig_len: u32,
    data: Vec<u8>,
}

/// Every packet of `file`, and the error that ended the read, if one did.
fn read_all(file: &[u8]) -> (Vec<Got>, Option<ReadError>) {
    let mut got = Vec::new();
    let mut reader = match Reader::new(file, "test") {
        Ok(r) => r,
        Err(e) => return (got, Some(e)),
    };
    loop {
        match reader.next_packet() {
            Ok(Some(p)) => got.push(Got {
                sec: p.ts.sec,
                nsec: p.ts.nsec,
                link_type: p.link_type,
                ifname: p.ifname.to_string(),
                orig_len: p.orig_len,
                data: p.data.to_vec(),
            }),
            Ok(None) => return (got, None),
            Err(e) => return (got, Some(e)),
        }
    }
}

fn error(file: &[u8]) -> String {
    match read_all(file).1 {
        Some(e) => e.to_string(),
        None => panic!("no error"),
    }
}

fn bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| i as u8).collect()
}

/// Writes integers in one byte order.
#[derive(Clone, Copy)]
struct W(Endian);

impl W {
    fn u16(self, v: &mut Vec<u8>, x: u16) {
        v.extend(match self.0 {
            Endian::Little => x.to_le_bytes(),
            Endian::Big => x.to_be_bytes(),
        });
    }
    fn u32(self, v: &mut Vec<u8>, x: u32) {
        v.extend(match self.0 {
            Endian::Little => x.to_le_bytes(),
            Endian::Big => x.to_be_bytes(),
        });
    }
}

// ---- pcap ----

fn pcap_header(w: W, magic: u32, version: (u16, u16), snaplen: u32, link: u32) -> Vec<u8> {
    let mut v = Vec::new();
    w.u32(&mut v, magic);
    w.u16(&mut v, version.0);
    w.u16(&mut v, version.1);
    w.u32(&mut v, 0);
    w.u32(&mut v, 0);
    w.u32(&mut v, snaplen);
    w.u32(&mut v, link);
    v
}

fn pcap_record(w: W, v: &mut Vec<u8>, ts: (u32, u32), caplen: u32, len: u32, data: &[u8]) {
    w.u32(v, ts.0);
    w.u32(v, ts.1);
    w.u32(v, caplen);
    w.u32(v, len);
    v.extend(data);
}

const LE: W = W(Endian::Little);
const BE: W = W(Endian::Big);

#[test]
fn pcap_small_snaplen_keeps_the_original_length() {
    let mut f = pcap_header(LE, 0xa1b2c3d4, (2, 4), 60, 1);
    pcap_record(LE, &mut f, (10, 123_456), 60, 1514, &bytes(60));
    let (got, err) = read_all(&f);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        got,
        [Got {
            sec: 10,
            nsec: 123_456_000,
            link_type: LinkType::ETHERNET,
            ifname: String::new(),
            orig_len: 1514,
            data: bytes(60),
        }]
    );
}

#[test]
fn pcap_record_longer_than_snaplen_is_cut_and_the_rest_skipped() {
    let mut f = pcap_header(LE, 0xa1b2c3d4, (2, 4), 60, 1);
    pcap_record(LE, &mut f, (1, 0), 100, 100, &bytes(100));
    pcap_record(LE, &mut f, (2, 0), 42, 42, &[7; 42]);
    let (got, err) = read_all(&f);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].data, bytes(60));
    assert_eq!(got[0].orig_len, 100);
    assert_eq!((got[1].sec, got[1].data.as_slice()), (2, &[7u8; 42][..]));
}

#[test]
fn pcap_link_type_fcs_bits_are_masked() {
    // LT_FCS_DATALINK_EXT(4): a 4-byte FCS on every frame.
    let mut f = pcap_header(LE, 0xa1b2c3d4, (2, 4), 65535, 0x4400_0001);
    pcap_record(LE, &mut f, (1, 0), 14, 14, &bytes(14));
    let (got, err) = read_all(&f);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got[0].link_type, LinkType::ETHERNET);
}

#[test]
fn pcap_any_link_type_is_handed_out() {
    let f = pcap_header(LE, 0xa1b2c3d4, (2, 4), 65535, 276);
    let r = Reader::new(&f[..], "t").unwrap();
    assert_eq!(r.link_type(), LinkType::LINUX_SLL2);
    let mut f = pcap_header(BE, 0xa1b2c3d4, (2, 4), 65535, 101);
    pcap_record(BE, &mut f, (1, 0), 20, 20, &bytes(20));
    assert_eq!(read_all(&f).0[0].link_type, LinkType::RAW);
}

#[test]
fn pcap_both_byte_orders_and_nanoseconds() {
    for w in [LE, BE] {
        let mut f = pcap_header(w, 0xa1b23c4d, (2, 4), 0, 1);
        pcap_record(w, &mut f, (0x6000_0000, 123_456_789), 14, 64, &bytes(14));
        let (got, err) = read_all(&f);
        assert!(err.is_none(), "{err:?}");
        assert_eq!((got[0].sec, got[0].nsec), (0x6000_0000, 123_456_789));
        assert_eq!((got[0].orig_len, got[0].data.len()), (64, 14));
        // Snapshot length 0 means the link type's maximum.
        assert_eq!(Reader::new(&f[..], "t").unwrap().snaplen(), 262_144);
    }
}

#[test]
fn pcap_old_versions_swap_lengths() {
    // Before 2.3 the record header had len before caplen.
    let mut f = pcap_header(LE, 0xa1b2c3d4, (2, 2), 65535, 1);
    pcap_record(LE, &mut f, (1, 0), 1514, 20, &bytes(20));
    let (got, err) = read_all(&f);
    assert!(err.is_none(), "{err:?}");
    assert_eq!((got[0].orig_len, got[0].data.len()), (1514, 20));
    // 2.3 was written both ways: swapped only when caplen > len.
    let mut f = pcap_header(LE, 0xa1b2c3d4, (2, 3), 65535, 1);
    pcap_record(LE, &mut f, (1, 0), 20, 1514, &bytes(20));
    pcap_record(LE, &mut f, (1, 0), 1514, 30, &bytes(30));
    let (got, err) = read_all(&f);
    assert!(err.is_none(), "{err:?}");
    assert_eq!((got[0].orig_len, got[1].orig_len), (1514, 1514));
}

#[test]
fn pcap_kuznetzov_records_have_longer_headers() {
    let mut f = pcap_header(LE, 0xa1b2cd34, (2, 4), 1500, 1);
    pcap_record(LE, &mut f, (1, 0), 14, 14, &[]);
    f.extend([0u8; 8]); // ifindex, protocol, pkt_type, pad
    f.extend(bytes(14));
    let r = Reader::new(&f[..], "t").unwrap();
    assert_eq!(r.snaplen(), 1514);
    let (got, err) = read_all(&f);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got[0].data, bytes(14));
}

#[test]
fn pcap_truncated_record_reports_after_the_packets_it_had() {
    let mut f = pcap_header(LE, 0xa1b2c3d4, (2, 4), 65535, 1);
    pcap_record(LE, &mut f, (1, 0), 20, 20, &bytes(20));
    pcap_record(LE, &mut f, (2, 0), 1514, 1514, &bytes(200));
    let (got, err) = read_all(&f);
    assert_eq!(got.len(), 1);
    assert_eq!(
        err.unwrap().to_string(),
        "pcap_loop: truncated dump file; tried to read 1514 captured bytes, only got 200"
    );
    assert_eq!(
        error(&f[..24 + 16 + 20 + 10]),
        "pcap_loop: truncated dump file; tried to read 16 header bytes, only got 10"
    );
    // Cut inside the part of an over-long record that is skipped.
    let mut f = pcap_header(LE, 0xa1b2c3d4, (2, 4), 60, 1);
    pcap_record(LE, &mut f, (2, 0), 100, 100, &bytes(80));
    assert_eq!(
        error(&f),
        "pcap_loop: truncated dump file; tried to read 100 captured bytes, only got 80"
    );
    let mut f = pcap_header(LE, 0xa1b2c3d4, (2, 4), 60, 1);
    pcap_record(LE, &mut f, (2, 0), 100, 100, &bytes(50));
    assert_eq!(
        error(&f),
        "pcap_loop: truncated dump file; tried to read 60 captured bytes, only got 50"
    );
}

#[test]
fn pcap_header_errors_are_libpcaps() {
    let f = pcap_header(LE, 0xa1b2c3d4, (2, 4), 65535, 1);
    assert_eq!(
        error(&f[..10]),
        "truncated dump file; tried to read 24 file header bytes, only got 6"
    );
    assert_eq!(
        error(&[]),
        "test is not a pcap or pcapng file (it is empty)"
    );
    assert_eq!(
        error(&[0xd4, 0xc3]),
        "test is not a pcap or pcapng file (it is only 2 bytes long)"
    );
    assert_eq!(
        error(&pcap_header(LE, 0xa1b2c3d4, (1, 0), 65535, 1)),
        "archaic pcap savefile format"
    );
    assert_eq!(
        error(&pcap_header(BE, 0xa1b2c3d4, (2, 5), 65535, 1)),
        "unsupported pcap savefile version 2.5"
    );
    assert_eq!(
        error(b"garbage garbage garbage!"),
        "test is not a pcap or pcapng file (it starts with 67617262)"
    );
    let mut f = pcap_header(LE, 0xa1b2c3d4, (2, 4), 65535, 1);
    pcap_record(LE, &mut f, (2, 0), 300_000, 300_000, &[]);
    assert_eq!(
        error(&f),
        "pcap_loop: invalid packet capture length 300000, bigger than snaplen of 65535"
    );
}

// ---- pcapng ----

fn block(w: W, ty: u32, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    while !body.len().is_multiple_of(4) {
        body.push(0);
    }
    let total = body.len() as u32 + 12;
    let mut v = Vec::new();
    w.u32(&mut v, ty);
    w.u32(&mut v, total);
    v.extend(body);
    w.u32(&mut v, total);
    v
}

fn option(w: W, v: &mut Vec<u8>, code: u16, value: &[u8]) {
    w.u16(v, code);
    w.u16(v, value.len() as u16);
    v.extend(value);
    while !v.len().is_multiple_of(4) {
        v.push(0);
    }
}

fn shb(w: W) -> Vec<u8> {
    let mut b = Vec::new();
    w.u32(&mut b, 0x1a2b3c4d);
    w.u16(&mut b, 1);
    w.u16(&mut b, 0);
    b.extend((-1i64).to_le_bytes());
    block(w, 0x0a0d0d0a, &b)
}

/// An IDB; `options` are (code, value) and are not ended by an end-of-options marker.
fn idb(w: W, link: u16, snaplen: u32, options: &[(u16, &[u8])]) -> Vec<u8> {
    let mut b = Vec::new();
    w.u16(&mut b, link);
    w.u16(&mut b, 0);
    w.u32(&mut b, snaplen);
    for (code, value) in options {
        option(w, &mut b, *code, value);
    }
    block(w, 1, &b)
}

fn epb(w: W, iface: u32, ts: u64, len: u32, data: &[u8], options: &[(u16, &[u8])]) -> Vec<u8> {
    let mut b = Vec::new();
    w.u32(&mut b, iface);
    w.u32(&mut b, (ts >> 32) as u32);
    w.u32(&mut b, ts as u32);
    w.u32(&mut b, data.len() as u32);
    w.u32(&mut b, len);
    b.extend(data);
    while !b.len().is_multiple_of(4) {
        b.push(0);
    }
    for (code, value) in options {
        option(w, &mut b, *code, value);
    }
    if !options.is_empty() {
        option(w, &mut b, 0, &[]);
    }
    block(w, 6, &b)
}

fn spb(w: W, len: u32, data: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    w.u32(&mut b, len);
    b.extend(data);
    block(w, 3, &b)
}

fn pb(w: W, iface: u16, ts: u64, len: u32, data: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    w.u16(&mut b, iface);
    w.u16(&mut b, 0);
    w.u32(&mut b, (ts >> 32) as u32);
    w.u32(&mut b, ts as u32);
    w.u32(&mut b, data.len() as u32);
    w.u32(&mut b, len);
    b.extend(data);
    block(w, 2, &b)
}

#[test]
fn pcapng_both_byte_orders_without_end_of_options() {
    for w in [LE, BE] {
        let mut f = shb(w);
        f.extend(block(w, 0x0bad, b"unknown block, skipped"));
        f.extend(idb(w, 1, 65535, &[(2, b"eth7"), (9, &[9])]));
        f.extend(epb(w, 0, 1_700_000_000_123_456_789, 1514, &bytes(54), &[]));
        let (got, err) = read_all(&f);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(
            got,
            [Got {
                sec: 1_700_000_000,
                nsec: 123_456_789,
                link_type: LinkType::ETHERNET,
                ifname: "eth7".into(),
                orig_len: 1514,
                data: bytes(54),
            }]
        );
    }
}

#[test]
fn pcapng_time_resolution_and_offset() {
    let offset = 1_000u64.to_le_bytes();
    let mut f = shb(LE);
    // Microseconds by default.
    f.extend(idb(LE, 1, 0, &[]));
    // 2^-20 seconds, and an offset of 1000 s.
    f.extend(idb(LE, 1, 0, &[(9, &[0x80 | 20]), (14, &offset)]));
    f.extend(epb(LE, 0, 5_250_000, 60, &bytes(60), &[]));
    f.extend(epb(LE, 1, (3 << 20) | (1 << 19), 60, &bytes(60), &[]));
    let (got, err) = read_all(&f);
    assert!(err.is_none(), "{err:?}");
    assert_eq!((got[0].sec, got[0].nsec), (5, 250_000_000));
    assert_eq!((got[1].sec, got[1].nsec), (1003, 500_000_000));
}

#[test]
fn pcapng_interfaces_of_several_link_types() {
    let mut f = shb(LE);
    f.extend(idb(LE, 1, 65535, &[(2, b"eth0"), (0, &[])]));
    f.extend(idb(LE, 276, 65535, &[(2, b"any")]));
    f.extend(idb(LE, 101, 65535, &[]));
    f.extend(epb(LE, 1, 0, 40, &bytes(40), &[]));
    f.extend(epb(LE, 0, 0, 60, &bytes(60), &[]));
    f.extend(pb(LE, 2, 0, 28, &bytes(28)));
    f.extend(spb(LE, 100, &bytes(100)));
    let r = Reader::new(&f[..], "t").unwrap();
    assert_eq!(r.link_type(), LinkType::ETHERNET);
    let (got, err) = read_all(&f);
    assert!(err.is_none(), "{err:?}");
    let seen: Vec<_> = got
        .iter()
        .map(|g| (g.link_type, g.ifname.as_str(), g.data.len()))
        .collect();
    assert_eq!(
        seen,
        [
            (LinkType::LINUX_SLL2, "any", 40),
            (LinkType::ETHERNET, "eth0", 60),
            (LinkType::RAW, "", 28),
            (LinkType::ETHERNET, "eth0", 100),
        ]
    );
}

#[test]
fn pcapng_sections_have_their_own_interfaces() {
    let mut f = shb(LE);
    f.extend(idb(LE, 1, 65535, &[]));
    f.extend(idb(LE, 1, 65535, &[]));
    f.extend(epb(LE, 1, 0, 60, &bytes(60), &[]));
    f.extend(shb(LE));
    f.extend(idb(LE, 113, 65535, &[]));
    f.extend(epb(LE, 0, 0, 30, &bytes(30), &[]));
    f.extend(epb(LE, 1, 0, 60, &bytes(60), &[]));
    let (got, err) = read_all(&f);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].link_type, LinkType::LINUX_SLL);
    assert_eq!(
        err.unwrap().to_string(),
        "pcap_loop: a packet arrived on interface 1, but there's no Interface Description Block for that interface"
    );
    // A second section in the other byte order: libpcap reads its length in the first
    // section's order, and gives up.
    let mut f = shb(LE);
    f.extend(idb(LE, 1, 65535, &[]));
    f.extend(shb(BE));
    assert_eq!(
        error(&f),
        "pcap_loop: pcapng block size 469762048 > maximum 16777216"
    );
}

#[test]
fn pcapng_netdump_options_give_direction_and_hook() {
    let mut f = shb(LE);
    f.extend(idb(LE, 1, 65535, &[]));
    f.extend(epb(
        LE,
        0,
        0,
        60,
        &bytes(59),
        &[(2, &2u32.to_le_bytes()), (1, b"hook: socket")],
    ));
    let mut reader = Reader::new(&f[..], "t").unwrap();
    let p = reader.next_packet().unwrap().unwrap();
    assert_eq!(
        (p.direction, p.pkt_type, p.hook, p.data.len()),
        (Direction::Egress, 4, Hook::Socket, 59)
    );
}

#[test]
fn pcapng_errors_are_libpcaps() {
    let mut f = shb(LE);
    f.extend(epb(LE, 0, 0, 60, &bytes(60), &[]));
    assert_eq!(
        error(&f),
        "the capture file has a packet block before any Interface Description Blocks"
    );
    assert_eq!(
        error(&shb(BE)),
        "the capture file has no Interface Description Blocks"
    );
    let mut f = shb(LE);
    f.extend(idb(LE, 1, 64, &[]));
    f.extend(epb(LE, 0, 0, 100, &bytes(100), &[]));
    assert_eq!(
        error(&f),
        "pcap_loop: invalid packet capture length 100, bigger than snaplen of 64"
    );
    let mut f = shb(LE);
    f.extend(idb(LE, 1, 0, &[(9, &[9, 9])]));
    assert_eq!(
        error(&f),
        "Interface Description Block has if_tsresol option with length 2 != 1"
    );
    let mut f = shb(LE);
    f.extend(idb(LE, 1, 0, &[]));
    let good = f.len();
    f.extend(epb(LE, 0, 0, 1514, &bytes(1514), &[]));
    assert_eq!(
        error(&f[..good + 200]),
        "pcap_loop: truncated pcapng dump file; tried to read 1540 bytes, only got 192"
    );
    let mut bad = f.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert_eq!(
        error(&bad),
        "pcap_loop: block total length in header and trailer don't match"
    );
}

#[test]
fn pcapng_obsolete_and_simple_packet_blocks() {
    let mut f = shb(BE);
    f.extend(idb(BE, 1, 50, &[(9, &[3])]));
    f.extend(pb(BE, 0, 12_345, 60, &bytes(50)));
    f.extend(spb(BE, 60, &bytes(60)));
    let (got, err) = read_all(&f);
    assert!(err.is_none(), "{err:?}");
    assert_eq!((got[0].sec, got[0].nsec), (12, 345_000_000));
    // A simple packet block's captured length is the snaplen at most.
    assert_eq!((got[1].orig_len, got[1].data.len()), (60, 50));
}

/// Every prefix of valid files reads without a panic: packets, then at most one error.
#[test]
fn every_prefix_reads_without_panic() {
    let mut pcap = pcap_header(LE, 0xa1b2c3d4, (2, 4), 60, 1);
    pcap_record(LE, &mut pcap, (1, 0), 100, 100, &bytes(100));
    pcap_record(LE, &mut pcap, (1, 0), 20, 20, &bytes(20));
    let mut ng = shb(BE);
    ng.extend(idb(BE, 1, 65535, &[(2, b"x"), (9, &[0x85])]));
    ng.extend(epb(BE, 0, 77, 80, &bytes(70), &[(2, &[0, 0, 0, 1])]));
    ng.extend(spb(BE, 10, &bytes(10)));
    for file in [pcap, ng] {
        let full = read_all(&file).0.len();
        for n in 0..file.len() {
            let (got, err) = read_all(&file[..n]);
            assert!(got.len() <= full);
            assert!(err.is_some() || got.len() < full || n == file.len());
        }
    }
}
