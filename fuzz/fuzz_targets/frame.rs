//! Arbitrary bytes as a kernel sample and as a frame of every link type netdump decodes:
//! the sample parser, the decoders, the tcpdump-style printer (several flag sets) and the
//! JSON writer must never panic. The bytes are also read as a TLS record, a QUIC Initial,
//! and as the frames inside a client Initial sealed with its keys (random bytes never pass
//! the AEAD tag, so the decrypted path is reached only this way).
#![no_main]

use libfuzzer_sys::fuzz_target;
use netdump::{
    decode,
    packet::{Direction, Hook, LinkType, Packet, Timestamp},
    print::{json, DissectOptions, Dump, PrintOptions, Printer, TimeFormat},
    ring::sample,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = sample::parse(data) {
        let mut buf = Vec::new();
        let _ = sample::wire_frame(&s, &mut buf);
    }
    let _ = decode::tls::record(data);
    let _ = decode::quic::initial(data);
    let mut frames = data.to_vec();
    frames.resize(frames.len().max(1100), 0);
    if let Some(p) =
        decode::quic::seal_client_initial(decode::quic::VERSION_2, &[1; 8], &[2], 0, &frames)
    {
        let _ = decode::quic::initial(&p);
    }
    // The first byte picks the original length's excess over the captured bytes.
    let (extra, frame) = match data.split_first() {
        Some((e, rest)) => (u32::from(*e), rest),
        None => (0, data),
    };
    for link_type in [
        LinkType::ETHERNET,
        LinkType::LINUX_SLL,
        LinkType::LINUX_SLL2,
        LinkType::RAW,
        LinkType::IPV4,
        LinkType::IPV6,
        LinkType::NULL,
        LinkType::LOOP,
        LinkType::PPP,
    ] {
        let pkt = Packet {
            ts: Timestamp { sec: 1, nsec: 2 },
            ifname: "eth0",
            netns: None,
            direction: Direction::Ingress,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type,
            orig_len: frame.len() as u32 + extra,
            data: frame,
            drop: None,
            owner: None,
            cgroup: None,
        };
        print_all_ways(&pkt);
    }
});

fn print_all_ways(pkt: &Packet<'_>) {
    // Row 2 reads IP protocol 112 as CARP (-T carp); row 4 every UDP and TCP payload as
    // DNS (-T domain); row 5 every TCP payload as RESP (-T resp), whatever their ports.
    let forced = decode::Options::packet_type("domain").unwrap_or_default();
    let carp = decode::Options::packet_type("carp").unwrap_or_default();
    let resp = decode::Options::packet_type("resp").unwrap_or_default();
    for (verbose, link_header, dump, decode) in [
        (0, false, Dump::None, decode::Options::default()),
        (2, true, Dump::HexAscii { link: true }, carp),
        (1, false, Dump::Ascii { link: false }, decode::Options::default()),
        (3, false, Dump::Hex { link: false }, forced),
        (3, false, Dump::None, resp),
    ] {
        let mut p = Printer::new(PrintOptions {
            dissect: DissectOptions {
                link_header,
                verbose,
                ..Default::default()
            },
            time: TimeFormat::Unix,
            dump,
            iface_prefix: true,
            hook_tag: true,
            context: false,
            number: true,
            decode,
            ..Default::default()
        });
        let mut out = Vec::new();
        p.print(&mut out, pkt).unwrap();
    }
    let mut out = Vec::new();
    json::write_line(&mut out, pkt, decode::Options::default()).unwrap();
    json::write_line(&mut out, pkt, forced).unwrap();
}
