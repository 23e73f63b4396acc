//! netdump's AFS RX, SSH, BGP and RIP printers against tcpdump's: frames built here (no
//! third-party captures), whole and cut short at several snap lengths, written to a pcap and
//! read by `tcpdump -n -t -r` and `netdump -n -t -r` at each verbosity; the text must be the
//! same. RX replies are named from their call, so each call comes before its reply.
//!
//! Needs the `tcpdump` binary (`cargo xtask test` installs it); no root, no network.

use etherparse::PacketBuilder;

#[path = "common/offline.rs"]
mod offline;
use offline::{run, write_pcap};

const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];
const A: [u8; 4] = [198, 18, 0, 1];
const B: [u8; 4] = [198, 18, 0, 2];

fn udp4(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4(src, dst, 64)
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

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// An RX header: call number, sequence, type, flags, service id; then `body`.
fn rx(call: u32, seq: u32, ty: u8, flags: u8, body: &str) -> Vec<u8> {
    let mut m = hex("12345678 00000abc");
    m.extend_from_slice(&call.to_be_bytes());
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(&hex("00000007"));
    m.extend_from_slice(&[ty, flags, 0, 2, 0, 0, 0, 1]);
    m.extend_from_slice(&hex(body));
    m
}

/// A BGP message of `ty` with `body`.
fn bgp(ty: u8, body: &str) -> Vec<u8> {
    let body = hex(body);
    let mut m = vec![0xff; 16];
    m.extend_from_slice(&((19 + body.len()) as u16).to_be_bytes());
    m.push(ty);
    m.extend_from_slice(&body);
    m
}

fn frames() -> Vec<(&'static str, Vec<u8>)> {
    let mut update = bgp(
        2,
        "0000 0031 \
         40 01 01 00 \
         40 02 0a 02 02 00c8 0001 01 01 fde8 \
         40 03 04 c6120001 \
         80 04 04 00000064 \
         40 05 04 00000064 \
         c0 08 08 00c80001 ffffff01 \
         18 c61201 10 c613",
    );
    update.extend_from_slice(&bgp(4, ""));
    let mp = bgp(
        2,
        "0000 002e \
         80 0e 25 0002 01 10 20010002000000000000000000000001 00 30 200100020001 40 2001000200020000 \
         80 0f 03 0001 01",
    );
    vec![
        (
            "rx fs call fetch-data",
            udp4(A, B, 7001, 7000, &rx(9, 1, 1, 1, "00000082 00000001 00000002 00000003 00000000 00000100")),
        ),
        (
            "rx fs reply fetch-data",
            udp4(B, A, 7000, 7001, &rx(9, 1, 1, 0, "00000010 00000000")),
        ),
        (
            "rx fs call makedir",
            udp4(A, B, 7001, 7000, &rx(10, 1, 1, 3, "0000008d 00000001 00000001 00000001 00000006 746d70646972 0000 00000009 00000000 00000000 00000000 000001ed 00000000")),
        ),
        (
            "rx fs abort",
            udp4(B, A, 7000, 7001, &rx(10, 1, 4, 0, "00000066")),
        ),
        (
            "rx vldb call get-entry-by-name",
            udp4(A, B, 1792, 7003, &rx(11, 1, 1, 1, "000001f8 00000009 726f6f742e63656c6c000000")),
        ),
        (
            "rx ack",
            udp4(A, B, 7001, 7000, &rx(9, 0, 2, 0, "0010 0000 00000002 00000000 0000015b 08 04 01 00 01 01 000000 000005dc 000005dc 00000020 00000004")),
        ),
        ("rx data continuation", udp4(B, A, 7000, 7001, &rx(9, 2, 1, 0, "deadbeef"))),
        (
            "ssh banner",
            tcp4(40000, 22, b"SSH-2.0-OpenSSH_9.6 Debian\r\n"),
        ),
        (
            "bgp open",
            tcp4(
                40001,
                179,
                &bgp(1, "04 fde8 00b4 c6120001 1c 02 1a 01 04 0001 00 01 02 00 40 02 8078 41 04 0001fde8 45 04 0001 01 03 46 00"),
            ),
        ),
        ("bgp update and keepalive", tcp4(179, 40001, &update)),
        ("bgp mp update", tcp4(179, 40001, &mp)),
        (
            "bgp notification",
            tcp4(179, 40001, &bgp(3, "06 02 05 626f6f6f6f")),
        ),
        (
            "ripv1 response",
            udp4(A, B, 520, 520, &hex("0201 0000 0002 0000 c6130000 00000000 00000000 00000001")),
        ),
        (
            "ripv2 with auth",
            udp4(
                A,
                B,
                520,
                520,
                &hex("0202 0000 ffff 0002 73656372657400000000000000000000 0002 0007 c6130000 ffffff00 00000000 00000002"),
            ),
        ),
    ]
}

#[test]
fn rx_ssh_bgp_rip_at_every_verbosity() {
    let frames = frames();
    let dir = std::env::temp_dir().join(format!("netdump-tier2b-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    for snap in [None, Some(60), Some(70), Some(90), Some(110)] {
        let path = dir.join(format!("tier2b-{}.pcap", snap.unwrap_or(0)));
        write_pcap(&path, &frames, snap);
        for flags in [&[][..], &["-q"], &["-v"], &["-vv"], &["-vvv"], &["-e"]] {
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
    if std::env::var_os("KEEP_TIER2B").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
