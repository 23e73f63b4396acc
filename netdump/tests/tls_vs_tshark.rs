//! TLS ClientHellos and QUIC Initials in `--json`, against tshark: real ClientHellos from
//! `openssl s_client` (connecting to a listener this test holds on 127.0.0.1, which reads
//! the hello and closes), carried in TCP on several ports and, sealed as QUIC v1 and v2
//! client Initials (split into shuffled CRYPTO frames), in UDP; with the RFC 9001/9369
//! example Initials. Written to a pcap and read by `netdump -r --json` and by
//! `tshark -T fields`: SNI, ALPN, offered versions, cipher suite count, QUIC version and
//! connection IDs must agree. The text output must stay tcpdump's (tcpdump 4.99 prints
//! nothing of TLS or QUIC).
//!
//! Needs `openssl`, `tshark` and `tcpdump` (`cargo xtask test` installs them); no root,
//! traffic on loopback only.

use std::{
    io::Read,
    net::TcpListener,
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use netdump::decode::quic;
use pcap_file::pcap::{PcapPacket, PcapWriter};
use serde_json::Value;

mod common;

use common::tmp::TmpDir;

const SRC: [u8; 4] = [198, 18, 0, 1];
const DST: [u8; 4] = [198, 18, 0, 2];
const SRC6: [u8; 16] = [0x20, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const DST6: [u8; 16] = [0x20, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

fn eth() -> etherparse::PacketBuilderStep<etherparse::Ethernet2Header> {
    etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
}

fn tcp4(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    eth()
        .ipv4(SRC, DST, 64)
        .tcp(sport, dport, 1, 65535)
        .ack(1)
        .psh()
        .write(&mut f, payload)
        .unwrap();
    f
}

fn tcp6(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    eth()
        .ipv6(SRC6, DST6, 64)
        .tcp(sport, dport, 1, 65535)
        .ack(1)
        .psh()
        .write(&mut f, payload)
        .unwrap();
    f
}

fn udp4(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    eth()
        .ipv4(SRC, DST, 64)
        .udp(sport, dport)
        .write(&mut f, payload)
        .unwrap();
    f
}

fn udp6(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    eth()
        .ipv6(SRC6, DST6, 64)
        .udp(sport, dport)
        .write(&mut f, payload)
        .unwrap();
    f
}

/// The first TLS record `openssl s_client` sends with `flags`, read by a listener on
/// 127.0.0.1 that then closes the connection. Bounded: 10 s for the whole record.
fn openssl_client_hello(flags: &[&str]) -> Vec<u8> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut client = Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args(flags)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("openssl is needed for this test: {e}"));
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut rec = Vec::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        let want = match rec.get(3..5) {
            Some(l) => 5 + usize::from(u16::from_be_bytes([l[0], l[1]])),
            None => 5,
        };
        if rec.len() >= want {
            rec.truncate(want);
            break;
        }
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => rec.extend_from_slice(&buf[..n]),
        }
    }
    drop(conn);
    let _ = client.kill();
    let _ = client.wait();
    assert_eq!(
        rec.first(),
        Some(&22),
        "openssl {flags:?} sent no handshake record"
    );
    rec
}

/// A QUIC CRYPTO frame (two-byte varints for offset and length).
fn crypto(offset: usize, data: &[u8]) -> Vec<u8> {
    let mut f = vec![0x06];
    f.extend((0x4000 | offset as u16).to_be_bytes());
    f.extend((0x4000 | data.len() as u16).to_be_bytes());
    f.extend(data);
    f
}

/// A client Initial carrying the handshake message `hello` in two CRYPTO frames, the
/// second half first, padded to a 1200-byte datagram.
fn quic_initial(version: u32, dcid: &[u8], scid: &[u8], hello: &[u8]) -> Vec<u8> {
    let half = hello.len() / 2;
    let mut frames = crypto(half, &hello[half..]);
    frames.push(0x01); // PING
    frames.extend(crypto(0, &hello[..half]));
    let overhead = 1 + 4 + 1 + dcid.len() + 1 + scid.len() + 1 + 2 + 4 + 16;
    frames.resize(1200 - overhead, 0);
    quic::seal_client_initial(version, dcid, scid, 0, &frames).unwrap()
}

/// RFC 9001 A.2's ClientHello (example.com, ALPN "alpn") as its CRYPTO frame, padded.
fn rfc_frames() -> Vec<u8> {
    let hex = "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868\
               04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578\
               616d706c652e636f6dff01000100000a00080006001d00170018001000070005\
               04616c706e000500050100000000003300260024001d00209370b2c9caa47fba\
               baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400\
               0d0010000e0403050306030203080408050806002d00020101001c0002400100\
               3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000\
               75300901100f088394c8f03e51570806048000ffff";
    let mut f: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    f.resize(1162, 0);
    f
}

fn frames() -> Vec<(String, Vec<u8>)> {
    // Each packet its own flow (source port, DCID): tshark reads a repeated one as a
    // retransmission and does not dissect it again.
    let mut v = Vec::new();
    let sport = |v: &Vec<(String, Vec<u8>)>| 40000 + v.len() as u16;
    for (name, flags) in [
        (
            "tls1.3 h2",
            &["-servername", "x.example.test", "-alpn", "h2"][..],
        ),
        (
            "tls1.3 h2,http/1.1",
            &["-servername", "www.example.test", "-alpn", "h2,http/1.1"],
        ),
        (
            "tls1.2 only",
            &["-servername", "old.example.test", "-tls1_2"],
        ),
        ("no sni", &["-noservername", "-alpn", "acme-tls/1"]),
    ] {
        let rec = openssl_client_hello(flags);
        for port in [443, 8443, 50000] {
            v.push((format!("{name} tcp4 {port}"), tcp4(sport(&v), port, &rec)));
        }
        v.push((format!("{name} tcp6 443"), tcp6(sport(&v), 443, &rec)));
        let hello = &rec[5..];
        for (version, vname) in [(quic::VERSION_1, "v1"), (quic::VERSION_2, "v2")] {
            let dcid = [0x5a, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, v.len() as u8];
            let p = quic_initial(version, &dcid, &[0xc1, 0xc2, 0xc3, 0xc4], hello);
            v.push((
                format!("{name} quic {vname} udp4 443"),
                udp4(sport(&v), 443, &p),
            ));
            let dcid = [0x6b, 0x11, 0x22, 0x33, 0x44, v.len() as u8];
            let p = quic_initial(version, &dcid, &[], hello);
            v.push((
                format!("{name} quic {vname} udp6 4433"),
                udp6(sport(&v), 4433, &p),
            ));
        }
    }
    let p = quic::seal_client_initial(quic::VERSION_1, &RFC_DCID, &[], 2, &rfc_frames()).unwrap();
    v.push(("rfc9001 v1 udp4 443".into(), udp4(sport(&v), 443, &p)));
    v
}

/// The DCID of RFC 9001's and RFC 9369's example Initials.
const RFC_DCID: [u8; 8] = [0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08];

/// RFC 9369's v2 Initial, in a capture of its own: it has the v1 example's DCID, and tshark
/// takes a second Initial of one connection for a retransmission it does not dissect again.
fn rfc_v2_frame() -> (String, Vec<u8>) {
    let p = quic::seal_client_initial(quic::VERSION_2, &RFC_DCID, &[], 2, &rfc_frames()).unwrap();
    ("rfc9369 v2 udp4 443".into(), udp4(40000, 443, &p))
}

fn write_pcap(path: &Path, frames: &[(String, Vec<u8>)]) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = PcapWriter::new(file).unwrap();
    for (i, (_, data)) in frames.iter().enumerate() {
        let ts = Duration::from_micros(1_700_000_000_000_000 + i as u64);
        w.write_packet(&PcapPacket::new(ts, data.len() as u32, data))
            .unwrap();
    }
}

fn run(program: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(program)
        .args(args)
        .arg(file)
        .env("TZ", "GMT0")
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed for this test: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What both sides say of one packet, in tshark's spelling.
#[derive(Debug, Default, PartialEq, Eq)]
struct Facts {
    sni: String,
    alpn: String,
    versions: String,
    cipher_suites: String,
    quic: String,
}

fn tshark_facts(file: &Path) -> Vec<Facts> {
    let fields = [
        "tls.handshake.extensions_server_name",
        "tls.handshake.extensions_alpn_str",
        "tls.handshake.extensions.supported_version",
        "tls.handshake.version",
        "tls.handshake.cipher_suites_length",
        "quic.version",
        "quic.dcid",
        "quic.scid",
    ];
    let mut args = vec!["-o", "tcp.desegment_tcp_streams:FALSE", "-T", "fields"];
    for f in &fields {
        args.extend(["-e", f]);
    }
    args.extend(["-E", "occurrence=a", "-E", "aggregator=,", "-r"]);
    run("tshark", &args, file)
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let field = |i: usize| c.get(i).copied().unwrap_or_default().to_string();
            // GREASE values are offered to be ignored: netdump leaves them out.
            let supported: Vec<&str> = c
                .get(2)
                .copied()
                .unwrap_or_default()
                .split(',')
                .filter(|v| !v.is_empty() && !v.ends_with("a0a") && !v.ends_with("a1a"))
                .collect();
            let versions = if supported.is_empty() {
                field(3)
            } else {
                supported.join(",")
            };
            let quic = if field(5).is_empty() {
                String::new()
            } else {
                format!(
                    "{} {} {}",
                    field(5),
                    field(6).replace(':', ""),
                    field(7).replace(':', "")
                )
            };
            Facts {
                sni: field(0),
                alpn: field(1),
                versions,
                cipher_suites: field(4)
                    .parse::<usize>()
                    .map(|n| (n / 2).to_string())
                    .unwrap_or_default(),
                quic,
            }
        })
        .collect()
}

fn version_hex(name: &str) -> String {
    match name {
        "TLS 1.0" => "0x0301".into(),
        "TLS 1.1" => "0x0302".into(),
        "TLS 1.2" => "0x0303".into(),
        "TLS 1.3" => "0x0304".into(),
        other => other.into(),
    }
}

fn netdump_facts(file: &Path) -> Vec<Facts> {
    run(env!("CARGO_BIN_EXE_netdump"), &["--json", "-r"], file)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let layers = v["layers"].as_array().cloned().unwrap_or_default();
            let Some(top) = layers
                .iter()
                .find(|l| l["type"] == "tls" || l["type"] == "quic")
            else {
                return Facts::default();
            };
            let strs = |k: &str| {
                top[k]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(version_hex))
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .unwrap_or_default()
            };
            let quic = if top["type"] == "quic" {
                assert_eq!(top["decrypted"], true, "{l}");
                format!(
                    "{} {} {}",
                    top["version"].as_str().unwrap(),
                    top["dcid"].as_str().unwrap(),
                    top["scid"].as_str().unwrap()
                )
            } else {
                String::new()
            };
            Facts {
                sni: top["sni"].as_str().unwrap_or_default().into(),
                alpn: strs("alpn"),
                versions: strs("versions"),
                cipher_suites: top["cipher_suites"]
                    .as_u64()
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                quic,
            }
        })
        .collect()
}

#[test]
fn client_hellos_agree_with_tshark() {
    let dir = TmpDir::new("tls");
    let mut total = 0;
    for (i, frames) in [frames(), vec![rfc_v2_frame()]].iter().enumerate() {
        let file = dir.join(format!("hellos{i}.pcap"));
        write_pcap(&file, frames);
        let ours = netdump_facts(&file);
        let theirs = tshark_facts(&file);
        assert_eq!(ours.len(), frames.len());
        assert_eq!(theirs.len(), frames.len());
        let bad: Vec<String> = frames
            .iter()
            .zip(ours.iter().zip(&theirs))
            .filter(|(_, (a, b))| a != b)
            .map(|((name, _), (a, b))| format!("{name}:\n  netdump: {a:?}\n  tshark:  {b:?}"))
            .collect();
        assert!(
            bad.is_empty(),
            "{} of {} packets differ from tshark:\n{}",
            bad.len(),
            frames.len(),
            bad.join("\n")
        );
        // Every frame has its hello read: the comparison is not of empty facts.
        assert!(ours.iter().all(|f| !f.versions.is_empty()), "{ours:?}");
        total += frames.len();
    }
    eprintln!("{total} hellos as tshark reads them");
}

/// The text output is tcpdump's, byte for byte: TLS and QUIC add nothing to it.
#[test]
fn text_output_stays_tcpdumps() {
    let dir = TmpDir::new("tls-text");
    // Whole, and cut short: what the JSON pass reads of a cut hello changes no line.
    let mut records: Vec<(Vec<u8>, usize)> = Vec::new();
    for (_, f) in frames().into_iter().chain([rfc_v2_frame()]) {
        records.push((f.clone(), f.len()));
        for keep in [60, 80, 120, 200] {
            if keep < f.len() {
                records.push((f[..keep].to_vec(), f.len()));
            }
        }
    }
    let file = dir.join("hellos.pcap");
    let mut w = PcapWriter::new(std::fs::File::create(&file).unwrap()).unwrap();
    for (i, (data, orig)) in records.iter().enumerate() {
        let ts = Duration::from_micros(1_700_000_000_000_000 + i as u64);
        w.write_packet(&PcapPacket::new(ts, *orig as u32, data))
            .unwrap();
    }
    drop(w);
    for flags in [&["-n", "-r"][..], &["-n", "-v", "-r"], &["-n", "-q", "-r"]] {
        let theirs = run("tcpdump", flags, &file);
        let ours = run(env!("CARGO_BIN_EXE_netdump"), flags, &file);
        assert_eq!(ours, theirs, "{flags:?}");
    }
    // JSON reads every cut frame without failing, one object per packet.
    let json = run(env!("CARGO_BIN_EXE_netdump"), &["--json", "-r"], &file);
    assert_eq!(json.lines().count(), records.len());
}
