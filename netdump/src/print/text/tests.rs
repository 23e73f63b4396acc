//! The wording of whole packets, as exact strings (each checked once against `tcpdump -n -t
//! -r` 4.99.3 on the same bytes): TCP's relative sequence numbers across a connection, SACK
//! blocks, options, an ICMP error's quoted datagram, an IPv6 fragment header.

use super::*;
use crate::{decode, packet::LinkType};

fn bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// A connection 198.18.0.1:40000 <-> 198.18.0.2:5001 (SYN with options, SYN-ACK, 10 bytes,
/// an ACK with a SACK block), an ICMP port unreachable, an IPv6 first fragment.
const FRAMES: [&str; 6] = [
    "02000000000b02000000000a080045000030000140004006ae9fc6120001c61200029c401389000003e8000000007002faf000000000020405b401010402",
    "02000000000b02000000000a080045000028000140004006aea7c6120002c612000113899c4000001388000003e95012faf000000000",
    "02000000000b02000000000a080045000032000140004006ae9dc6120001c61200029c401389000003e9000013895018faf00000000030313233343536373839",
    "02000000000b02000000000a080045000034000140004006ae9bc6120002c612000113899c4000001389000003f38010faf0000000000101050a000003e9000003f3",
    "02000000000b02000000000a080045000038000140004001ae9cc6120002c612000103034bc70000000045000020000140004011aea4c6120002c61200019c4014e9000c0000",
    "02000000000b02000000000a86dd6000000000182c402001000200000000000000000000000120010002000000000000000000000002110000010000abcd15b39c40001000004141414141414141",
];

/// The text of each frame, one printer for all (its TCP state carries over).
fn lines(opts: Options, frames: &[&str]) -> Vec<String> {
    let mut d = Dissector::new(opts);
    frames
        .iter()
        .map(|hex| {
            let f = bytes(hex);
            let decoded = decode::decode(LinkType::ETHERNET, &f, f.len() as u32);
            let mut out = String::new();
            let info = d.frame(&mut out, &decoded, f.len() as u32);
            assert_eq!(info.link_len, 14);
            out
        })
        .collect()
}

#[test]
fn relative_sequence_numbers() {
    assert_eq!(
        lines(Options::default(), &FRAMES),
        [
            "IP 198.18.0.1.40000 > 198.18.0.2.5001: Flags [S], seq 1000, win 64240, options [mss 1460,nop,nop,sackOK], length 0",
            "IP 198.18.0.2.5001 > 198.18.0.1.40000: Flags [S.], seq 5000, ack 1001, win 64240, length 0",
            "IP 198.18.0.1.40000 > 198.18.0.2.5001: Flags [P.], seq 1:11, ack 1, win 64240, length 10",
            "IP 198.18.0.2.5001 > 198.18.0.1.40000: Flags [.], ack 11, win 64240, options [nop,nop,sack 1 {1:11}], length 0",
            "IP 198.18.0.2 > 198.18.0.1: ICMP 198.18.0.1 udp port 5353 unreachable, length 36",
            "IP6 2001:2::1 > 2001:2::2: frag (0|16) 5555 > 40000: UDP, length 8",
        ]
    );
}

#[test]
fn absolute_sequence_numbers() {
    let opts = Options {
        absolute_seq: true,
        ..Default::default()
    };
    let l = lines(opts, &FRAMES[..4]);
    assert_eq!(
        l[2],
        "IP 198.18.0.1.40000 > 198.18.0.2.5001: Flags [P.], seq 1001:1011, ack 5001, win 64240, length 10"
    );
    assert_eq!(
        l[3],
        "IP 198.18.0.2.5001 > 198.18.0.1.40000: Flags [.], ack 1011, win 64240, options [nop,nop,sack 1 {1001:1011}], length 0"
    );
}

#[test]
fn verbose_checksums_and_fragment_ids() {
    let opts = Options {
        verbose: 1,
        ..Default::default()
    };
    let l = lines(opts, &[FRAMES[0], FRAMES[5]]);
    assert_eq!(
        l,
        [
            "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 48)\n    198.18.0.1.40000 > 198.18.0.2.5001: Flags [S], cksum 0x0000 (incorrect -> 0x4855), seq 1000, win 64240, options [mss 1460,nop,nop,sackOK], length 0",
            "IP6 (hlim 64, next-header Fragment (44) payload length: 24) 2001:2::1 > 2001:2::2: frag (0x0000abcd:0|16) 5555 > 40000: UDP, length 8",
        ]
    );
}

#[test]
fn cut_short_options() {
    // Cut inside an option's data (tcpdump's ND_TCHECK): -x dumps past the link header.
    // Cut before a kind byte (tcpdump's GET_U_1 longjmps): -x dumps the whole frame.
    let f = bytes(FRAMES[0]);
    for (keep, text, link_len) in [
        (56, "options [mss [|tcp]", 14),
        (59, "options [mss 1460,nop, [|tcp]", 0),
    ] {
        let decoded = decode::decode(LinkType::ETHERNET, &f[..keep], f.len() as u32);
        let mut out = String::new();
        let info = Dissector::new(Options::default()).frame(&mut out, &decoded, f.len() as u32);
        assert_eq!(
            out,
            format!(
                "IP 198.18.0.1.40000 > 198.18.0.2.5001: Flags [S], seq 1000, win 64240, {text}"
            )
        );
        assert_eq!(info.link_len, link_len, "{keep}");
    }
}
