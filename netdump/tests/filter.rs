//! The translated filters against libpcap: every expression, compiled by libpcap, translated
//! to eBPF, loaded into this kernel and run with BPF_PROG_TEST_RUN on every frame of the
//! corpus, must give libpcap's own `pcap_offline_filter` verdict on the same bytes.
//!
//! Needs root (CAP_BPF): run with `cargo xtask test`.

mod common;
mod corpus;

use std::{process::Command, time::Duration};

use netdump::filter::{
    kernel::{self, ProgType},
    translate::{translate_from, window, Action, Source},
    Filter,
};
use netdump_common::{drop_scratch, DropScratch};

/// At least one expression per primitive family of pcap-filter(7).
pub const EXPRESSIONS: &[&str] = &[
    "tcp",
    "udp",
    "icmp",
    "arp",
    "ip",
    "ip6",
    "icmp6",
    "vlan",
    "vlan 20",
    "vlan 10 or vlan 20",
    "vlan and vlan",
    "vlan and tcp port 80",
    "vlan 20 and udp",
    "host 198.18.0.7",
    "src host 198.18.0.1",
    "dst host 198.18.0.2",
    "net 198.18.0.0/24",
    "src net 10.0.0.0/8",
    "dst net 198.19.0.0/16",
    "port 53",
    "src port 40001",
    "dst port 443",
    "portrange 8000-9000",
    "tcp port 443 and host 198.18.0.7",
    "tcp[tcpflags] & tcp-syn != 0",
    "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
    "tcp[tcpflags] & tcp-rst != 0",
    "tcp[13] = 0x18",
    "ip[6:2] & 0x1fff != 0",
    "ip[6] & 0x20 != 0",
    "ip[8] < 64",
    "ip and (ip[0] & 0xf) > 5",
    "ip[2:2] > 60",
    "ip[12:4] = 0xc6120001",
    "len > 100",
    "greater 200",
    "less 64",
    "ether broadcast",
    "ether multicast",
    "ip multicast",
    "ether host 02:00:00:00:00:0a",
    "ether src 02:00:00:00:00:0b",
    "ether proto 0x88b5",
    "ether[12:2] = 0x8100",
    "ip proto 47",
    "ip6 proto 17",
    "ip6 and tcp",
    "ip6 host 2001:2::1",
    "udp and not port 53",
    "not ip",
    "(tcp or udp) and not (port 80 or port 443)",
    "icmp[icmptype] == icmp-echo",
    "icmp[0] = 3 and icmp[1] = 3",
    "udp[4:2] > 20",
    "udp[8:2] = 0x6e65",
    "tcp and tcp[20] = 2",
    "ip[0] & 0xf0 = 0x40 and udp dst port 40002",
    "tcp dst portrange 1-1024 or udp src port 68",
];

#[test]
#[ignore = "needs root (BPF_PROG_TEST_RUN): cargo xtask test"]
fn translated_filters_give_libpcaps_verdicts() {
    let frames = corpus::filter_corpus();
    // BPF_PROG_TEST_RUN needs at least an Ethernet header.
    let frames: Vec<(String, Vec<u8>)> =
        frames.into_iter().filter(|(_, f)| f.len() >= 14).collect();
    assert!(frames.len() >= 150, "only {} frames", frames.len());
    assert!(EXPRESSIONS.len() >= 40);
    let mut pairs = 0usize;
    let mut refused = std::collections::BTreeSet::new();
    let mut wrong: Vec<String> = Vec::new();
    let mut matched_any = 0usize;
    // Every skb load mode: a helper call per load, the window copied from the packet (or,
    // for frames shorter than the window, with the helper), the window always copied with
    // the helper (the socket tap's mode; run as TC, since the test runner starts a socket
    // filter's packet at the network header, but also verified as a socket filter).
    for (expr, source) in EXPRESSIONS
        .iter()
        .flat_map(|e| [(e, Source::Skb), (e, Source::Direct), (e, Source::Window)])
    {
        let filter = Filter::compile(expr).unwrap_or_else(|e| panic!("{e}"));
        let insns = translate_from(&filter.cbpf(), Action::Return, source)
            .unwrap_or_else(|e| panic!("{expr}: {e}"));
        if source == Source::Window {
            kernel::load(ProgType::SocketFilter, "nd_filter_test", &insns)
                .unwrap_or_else(|e| panic!("{expr} ({source:?}) as a socket filter: {e}"));
        }
        let prog = kernel::load(ProgType::SchedCls, "nd_filter_test", &insns)
            .unwrap_or_else(|e| panic!("{expr} ({source:?}): {e}"));
        let mut matches = 0;
        for (name, frame) in &frames {
            let want = filter.matches(frame, frame.len() as u32);
            let got = match kernel::test_run(&prog, frame, 1) {
                Ok((got, _)) => got,
                // The test runner builds an skb and refuses frames whose IP header is cut
                // (EINVAL); live captures see those, and the end-to-end test covers them.
                Err(kernel::KernelError::Syscall { source, .. })
                    if source.raw_os_error() == Some(libc::EINVAL) =>
                {
                    refused.insert(name.clone());
                    continue;
                }
                Err(e) => panic!("{expr} on {name}: {e}"),
            };
            pairs += 1;
            if got == 1 {
                matches += 1;
            }
            if (got == 1) != want {
                wrong.push(format!(
                    "'{expr}' ({source:?}) on '{name}': libpcap {want}, translated {}",
                    got == 1
                ));
            }
        }
        if matches > 0 && source == Source::Direct {
            matched_any += 1;
        }
    }
    eprintln!(
        "checked {pairs} (expression, frame, load mode) triples: {} expressions x {} frames x 3; {} expressions matched something; the test runner refused {} frames: {refused:?}",
        EXPRESSIONS.len(),
        frames.len(),
        matched_any,
        refused.len()
    );
    assert!(refused.len() <= 5, "too many frames refused: {refused:?}");
    assert!(
        wrong.is_empty(),
        "{} verdicts differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        matched_any >= EXPRESSIONS.len() - 2,
        "the corpus leaves expressions untested"
    );
}

/// The drop path's filters read a copy of the frame's first bytes instead of the skb: every
/// expression, translated in that mode and loaded as a raw tracepoint program, must give
/// libpcap's verdict on every frame of the corpus, with only the bytes the drop program would
/// copy for it ([`window`]) in the scratch. Frames with an Ethernet header, and their IP
/// datagrams alone with the expression compiled for raw IP (drops without a link header).
#[test]
#[ignore = "needs root (BPF_PROG_TEST_RUN): cargo xtask test"]
fn drop_path_filters_give_libpcaps_verdicts() {
    let frames = corpus::filter_corpus();
    let size = std::mem::size_of::<DropScratch>();
    let scratch = kernel::create_array(size as u32, 1).unwrap_or_else(|e| panic!("{e}"));
    let source = Source::Scratch {
        map_fd: std::os::fd::AsRawFd::as_raw_fd(&scratch),
    };
    let mut value = vec![0u8; size];
    let mut run = |prog: &std::os::fd::OwnedFd, data: &[u8], window: u32| -> bool {
        value.fill(0);
        let copied = data.len().min(window as usize);
        value[drop_scratch::BYTES..drop_scratch::BYTES + copied].copy_from_slice(&data[..copied]);
        value[drop_scratch::COPIED..drop_scratch::COPIED + 4]
            .copy_from_slice(&(copied as u32).to_ne_bytes());
        value[drop_scratch::WIRE_LEN..drop_scratch::WIRE_LEN + 4]
            .copy_from_slice(&(data.len() as u32).to_ne_bytes());
        kernel::set_value(&scratch, 0, &value).unwrap_or_else(|e| panic!("{e}"));
        kernel::test_run_raw_tp(prog, &[0; 4]).unwrap_or_else(|e| panic!("{e}")) == 1
    };
    let mut wrong = Vec::new();
    let (mut pairs, mut raw_pairs, mut raw_exprs) = (0usize, 0usize, 0usize);
    for expr in EXPRESSIONS {
        let filter = Filter::compile(expr).unwrap_or_else(|e| panic!("{e}"));
        let cbpf = filter.cbpf();
        let insns =
            translate_from(&cbpf, Action::Return, source).unwrap_or_else(|e| panic!("{expr}: {e}"));
        let prog = kernel::load(ProgType::RawTracepoint, "nd_drop_filter", &insns)
            .unwrap_or_else(|e| panic!("{expr}: {e}"));
        let w = window(&cbpf);
        for (name, frame) in &frames {
            pairs += 1;
            let want = filter.matches(frame, frame.len() as u32);
            if run(&prog, frame, w) != want {
                wrong.push(format!("'{expr}' on '{name}': libpcap {want}"));
            }
        }
        // The same expression on the IP datagrams alone, compiled for raw IP.
        let Ok(raw) = Filter::compile_raw(expr) else {
            continue;
        };
        raw_exprs += 1;
        let cbpf = raw.cbpf();
        let insns = translate_from(&cbpf, Action::Return, source)
            .unwrap_or_else(|e| panic!("{expr} (raw): {e}"));
        let prog = kernel::load(ProgType::RawTracepoint, "nd_drop_filter", &insns)
            .unwrap_or_else(|e| panic!("{expr} (raw): {e}"));
        let w = window(&cbpf);
        for (name, frame) in &frames {
            if frame.len() <= 14 || !matches!(frame[12..14], [0x08, 0x00] | [0x86, 0xdd]) {
                continue;
            }
            let ip = &frame[14..];
            raw_pairs += 1;
            let want = raw.matches(ip, ip.len() as u32);
            if run(&prog, ip, w) != want {
                wrong.push(format!("'{expr}' (raw IP) on '{name}': libpcap {want}"));
            }
        }
    }
    eprintln!(
        "checked {pairs} (expression, frame) pairs and {raw_pairs} raw IP pairs ({raw_exprs} expressions compile for raw IP)"
    );
    assert!(pairs >= 40 * 150 && raw_pairs >= 20 * 50, "too few cases");
    assert!(
        wrong.is_empty(),
        "{} verdicts differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// tcpdump decodes BOOTP by port, netdump prints plain UDP: compare those lines up to the
/// ports (DNS and mDNS lines are compared whole).
fn without_app_layer(line: &str) -> String {
    let app = [".67 ", ".67: ", ".68 "];
    if !app.iter().any(|p| line.contains(p)) {
        return line.to_string();
    }
    match line
        .find(" > ")
        .and_then(|a| line[a..].find(": ").map(|b| a + b + 2))
    {
        Some(end) => line[..end].to_string(),
        None => line.to_string(),
    }
}

fn write_pcap(path: &std::path::Path, frames: &[Vec<u8>]) {
    let mut w = pcap_file::pcap::PcapWriter::new(std::fs::File::create(path).unwrap()).unwrap();
    for (i, f) in frames.iter().enumerate() {
        let p =
            pcap_file::pcap::PcapPacket::new(Duration::from_micros(i as u64), f.len() as u32, f);
        w.write_packet(&p).unwrap();
    }
}

/// Replays the corpus into one end of a veth while netdump, filtering, captures on the other:
/// it must print exactly what `tcpdump -r corpus.pcap FILTER` prints, and count as many
/// matches. Tagged frames arrive with their tag moved into skb metadata.
#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn live_filters_print_what_tcpdump_prints_from_the_file() {
    let net = common::Net::new(false, true);
    let frames: Vec<Vec<u8>> = corpus::filter_corpus()
        .into_iter()
        .map(|(_, f)| f)
        .filter(|f| f.len() >= 14)
        .collect();
    let dir = common::TmpDir::new("filter-e2e");
    let pcap = dir.join("corpus.pcap");
    write_pcap(&pcap, &frames);
    let prefix_len = format!("{:<5} In  ", net.vb).len();
    let mut checked = 0;
    for expr in [
        "udp",
        "tcp[tcpflags] & tcp-syn != 0",
        "vlan",
        "vlan 20 and udp",
        "vlan and tcp port 80",
        "ip[6:2] & 0x1fff != 0",
        "icmp or arp",
        "not ip and not ip6",
    ] {
        for hook in ["tc", "socket"] {
            let mut args = vec!["--hook", hook, "-Q", "in"];
            args.extend(expr.split(' '));
            let cap = net.capture(&args);
            common::send_raw_all(&net.a, &net.va, &frames);
            let f = cap.stop();
            assert!(f.status.success(), "{}", f.stderr);
            let ours: Vec<String> = f
                .stdout
                .lines()
                .map(|l| {
                    if l.starts_with('\t') {
                        // A dump line of the packet above: no timestamp or prefix.
                        return l.to_string();
                    }
                    let l = l.split_once(' ').map(|x| x.1).unwrap_or(l);
                    without_app_layer(l.get(prefix_len..).unwrap_or(""))
                })
                .collect();
            let out = Command::new("tcpdump")
                .args(["-n", "-t", "-r"])
                .arg(&pcap)
                .args(expr.split(' '))
                .output()
                .unwrap();
            let theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(without_app_layer)
                .collect();
            assert!(
                !theirs.is_empty(),
                "'{expr}' matches no frame: a useless case"
            );
            assert_eq!(ours, theirs, "'{expr}' on the {hook} hook");
            // Dump lines (a tab first) belong to the packet above them.
            let packets = theirs.iter().filter(|l| !l.starts_with('\t')).count() as u64;
            assert_eq!(
                f.stat("received by filter"),
                packets,
                "'{expr}' {hook}: {}",
                f.stderr
            );
            assert_eq!(f.stat("captured"), packets);
            checked += packets;
        }
    }
    eprintln!("{checked} filtered packets printed as tcpdump prints them");
}
