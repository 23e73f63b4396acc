//! `--drops` on real kernel paths: drops the test causes in namespaces it creates (an
//! nftables rule, closed ports, a bad IPv4 header checksum, a full qdisc, a full socket
//! buffer), each compared with the count the test knows it caused; the files and JSON it
//! writes, read back by tcpdump and tshark; drops beside the TC hook; other namespaces kept
//! out; kernels without the tracepoint or without reasons.
//!
//! Needs root (CAP_BPF, CAP_NET_ADMIN), iproute2, nft, tcpdump and tshark: run with
//! `cargo xtask test`.

mod common;

use std::{
    net::{TcpStream, UdpSocket},
    process::Command,
    time::Duration,
};

use common::*;

/// An nftables table in a namespace, deleted when dropped (also when the test fails).
struct Nft {
    ns: String,
    family: &'static str,
    table: String,
}

impl Nft {
    /// A table of `family` in `ns` with one chain, made by `chain` (given the table's name).
    fn new(ns: &str, family: &'static str, chain: impl Fn(&str) -> Vec<String>) -> Nft {
        let nft = Nft {
            ns: ns.to_string(),
            family,
            table: format!("netdump_drops_{}", std::process::id()),
        };
        sh(&[
            "ip", "netns", "exec", ns, "nft", "add", "table", family, &nft.table,
        ]);
        for command in chain(&nft.table) {
            sh(&["ip", "netns", "exec", ns, "nft", &command]);
        }
        nft
    }

    /// Input drops UDP to `port`.
    fn drop_udp_to(ns: &str, port: u16) -> Nft {
        Nft::new(ns, "inet", |t| {
            vec![
                format!("add chain inet {t} input {{ type filter hook input priority 0; }}"),
                format!("add rule inet {t} input udp dport {port} drop"),
            ]
        })
    }

    /// Every frame arriving on `dev` dropped at the netdev ingress hook, before the stack
    /// looks at it (an offloaded VLAN tag is still in skb metadata there).
    fn drop_all_arriving(ns: &str, dev: &str) -> Nft {
        Nft::new(ns, "netdev", |t| {
            vec![format!(
                "add chain netdev {t} ingress {{ type filter hook ingress device {dev} priority 0; policy drop; }}"
            )]
        })
    }
}

impl Drop for Nft {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args([
                "netns",
                "exec",
                &self.ns,
                "nft",
                "delete",
                "table",
                self.family,
            ])
            .arg(&self.table)
            .output();
    }
}

/// One printed drop: the interface column, tcpdump's own words for the packet, the reason
/// and the location.
#[derive(Debug)]
struct DropLine {
    iface: String,
    packet: String,
    reason: Option<String>,
    location: String,
}

/// The drop lines among `lines` (timestamps already stripped); other lines are left out.
fn drops(lines: &[String]) -> Vec<DropLine> {
    lines
        .iter()
        .filter_map(|l| {
            let (iface, rest) = l.split_once(" Drop ")?;
            let (packet, tail) = rest.rsplit_once(", drop ")?;
            let (reason, location) = match tail.strip_prefix("at ") {
                Some(loc) => (None, loc.to_string()),
                None => {
                    let (r, loc) = tail.split_once(" at ")?;
                    (Some(r.to_string()), loc.to_string())
                }
            };
            Some(DropLine {
                iface: iface.trim_end().to_string(),
                packet: packet.to_string(),
                reason,
                location,
            })
        })
        .collect()
}

/// `symbol+0xoffset`, as kallsyms names a kernel address.
fn assert_symbol(location: &str) {
    let (sym, off) = location
        .rsplit_once("+0x")
        .unwrap_or_else(|| panic!("location {location:?} is not symbol+0xoff"));
    assert!(
        !sym.is_empty()
            && sym
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.".contains(c)),
        "{location}"
    );
    assert!(u64::from_str_radix(off, 16).is_ok(), "{location}");
}

/// The exit line counting drops by reason: (total, [(reason, count)]).
fn drop_counts(f: &Finished) -> (u64, Vec<(String, u64)>) {
    let line = f
        .stderr
        .lines()
        .find(|l| l.contains(" dropped by the network stack"))
        .unwrap_or_else(|| panic!("no drop count in:\n{}", f.stderr));
    let (total, rest) = line.split_once(' ').unwrap();
    let by = rest
        .split_once(": ")
        .map(|(_, r)| {
            r.split(", ")
                .map(|p| {
                    let (name, n) = p.rsplit_once(' ').unwrap();
                    (name.to_string(), n.parse().unwrap())
                })
                .collect()
        })
        .unwrap_or_default();
    (total.parse().unwrap(), by)
}

/// UDP datagrams from A to B's `port`, the i-th carrying i+1 bytes (so each line says which
/// one it was).
fn udp_a_to_b(net: &Net, port: u16, count: usize) {
    let (ip_a, ip_b) = (net.ip_a.clone(), net.ip_b.clone());
    in_ns(&net.a, || {
        let s = UdpSocket::bind(format!("{ip_a}:0")).unwrap();
        for i in 0..count {
            // A qdisc drop shows up as a send error; the test counts it elsewhere.
            let _ = s.send_to(&vec![b'x'; i + 1], format!("{ip_b}:{port}"));
        }
    });
}

/// `want` drops of `reason` printed, each a UDP datagram A → B:`port` of 1, 2, ... bytes.
fn assert_udp_drops(net: &Net, got: &[DropLine], port: u16, want: usize, reason: &str) {
    let vb = &net.vb;
    for i in 0..want {
        let tail = format!("> {}.{port}: UDP, length {}", net.ip_b, i + 1);
        let n = got
            .iter()
            .filter(|d| {
                d.iface == *vb
                    && d.packet.starts_with(&format!("IP {}.", net.ip_a))
                    && d.packet.ends_with(&tail)
                    && d.reason.as_deref() == Some(reason)
            })
            .count();
        assert_eq!(n, 1, "want one {reason} drop '...{tail}' in {got:#?}");
    }
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn nftables_drops_show_as_netfilter_drop_and_nothing_else() {
    let net = Net::new(false, true);
    let _nft = Nft::drop_udp_to(&net.b, 7777);
    let ip_b = net.ip_b.clone();
    let open = in_ns(&net.b, || UdpSocket::bind(format!("{ip_b}:7778")).unwrap());
    let cap = net.capture(&["--drops", "udp", "dst", "port", "7777"]);
    udp_a_to_b(&net, 7777, 5);
    // Delivered, and dropped for another reason: neither is selected by the expression.
    udp_a_to_b(&net, 7778, 2);
    udp_a_to_b(&net, 7779, 3);
    let f = cap.stop();
    assert_clean_exit(&f);
    let got = drops(&f.lines());
    assert_eq!(got.len(), 5, "{}", f.stdout);
    assert_eq!(f.stdout.lines().count(), 5, "only drops: {}", f.stdout);
    assert_udp_drops(&net, &got, 7777, 5, "NETFILTER_DROP");
    for d in &got {
        assert_symbol(&d.location);
    }
    assert_eq!(drop_counts(&f), (5, vec![("NETFILTER_DROP".into(), 5)]));
    let mut buf = [0u8; 16];
    open.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    assert_eq!(
        open.recv(&mut buf).unwrap(),
        1,
        "the open port got its datagram"
    );
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn the_perf_transport_carries_drops_too() {
    // Kernels before 5.8 have no ring buffer: the perf object sends a drop from its scratch.
    let net = Net::new(false, true);
    let _nft = Nft::drop_udp_to(&net.b, 7777);
    let cap = net.capture(&["--drops", "--transport", "perf", "-s", "100", "udp"]);
    udp_a_to_b(&net, 7777, 3);
    udp_a_to_b(&net, 7779, 2);
    let f = cap.stop();
    assert!(f.stderr.contains("perf buffer"), "{}", f.stderr);
    assert_clean_exit(&f);
    let got = drops(&f.lines());
    assert_eq!(got.len(), 5, "{}", f.stdout);
    assert_udp_drops(&net, &got, 7777, 3, "NETFILTER_DROP");
    assert_udp_drops(&net, &got, 7779, 2, "NO_SOCKET");
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn closed_ports_drop_udp_and_tcp_with_no_socket() {
    let net = Net::new(false, true);
    let cap = net.capture(&["--drops"]);
    udp_a_to_b(&net, 7780, 3);
    let ip_b = net.ip_b.clone();
    in_ns(&net.a, || {
        for _ in 0..2 {
            let addr = format!("{ip_b}:7781").parse().unwrap();
            let e = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused, "{e}");
        }
    });
    let f = cap.stop();
    assert_clean_exit(&f);
    let got = drops(&f.lines());
    assert_eq!(got.len(), 5, "{}", f.stdout);
    assert_udp_drops(&net, &got, 7780, 3, "NO_SOCKET");
    let syns: Vec<&DropLine> = got
        .iter()
        .filter(|d| {
            d.packet
                .contains(&format!("> {}.7781: Flags [S], seq ", net.ip_b))
                && d.reason.as_deref() == Some("NO_SOCKET")
        })
        .collect();
    assert_eq!(syns.len(), 2, "two refused SYNs in {got:#?}");
    assert_eq!(drop_counts(&f), (5, vec![("NO_SOCKET".into(), 5)]));
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn a_bad_ipv4_header_checksum_is_ip_csum() {
    let net = Net::new(false, true);
    let cap = net.capture(&["--drops"]);
    let mut frame = vlan_free_udp_frame(&net);
    // The IPv4 header checksum (bytes 24-25 of the frame), made wrong.
    frame[24] ^= 0xff;
    send_raw_all(&net.a, &net.va, &vec![frame; 4]);
    let f = cap.stop();
    assert_clean_exit(&f);
    let got = drops(&f.lines());
    let want = format!("IP {}.40001 > {}.40002: UDP, length 32", net.ip_a, net.ip_b);
    assert_eq!(got.len(), 4, "{}", f.stdout);
    for d in &got {
        assert_eq!(
            (d.packet.as_str(), d.reason.as_deref()),
            (want.as_str(), Some("IP_CSUM"))
        );
    }
    assert_eq!(drop_counts(&f), (4, vec![("IP_CSUM".into(), 4)]));
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn an_offloaded_vlan_tag_is_filtered_and_printed_as_on_the_wire() {
    // veth moves a frame's tag into skb metadata; a netdev ingress chain drops the frame
    // while the tag is still there (the stack clears it later). The filter must see the tag
    // where it was on the wire, and so must the line (-e).
    let net = Net::new(false, true);
    let _nft = Nft::drop_all_arriving(&net.b, &net.vb);
    let cap = net.capture(&["--drops", "-e", "vlan", "20"]);
    let frames = vec![
        vlan_udp_frame(&net, 20),
        vlan_udp_frame(&net, 30),
        vlan_udp_frame(&net, 20),
    ];
    send_raw_all(&net.a, &net.va, &frames);
    let f = cap.stop();
    assert_clean_exit(&f);
    let got = drops(&f.lines());
    assert_eq!(got.len(), 2, "{}", f.stdout);
    for d in &got {
        let want = format!(
            "ethertype 802.1Q (0x8100), length 78: vlan 20, p 0, ethertype IPv4 (0x0800), {}.40001 > {}.40002: UDP, length 32",
            net.ip_a, net.ip_b
        );
        assert!(d.packet.ends_with(&want), "{d:?}");
        assert_eq!(d.reason.as_deref(), Some("NETFILTER_DROP"), "{d:?}");
    }
}

/// A UDP datagram A:40001 -> B:40002 carrying UDP_PAYLOAD, in an Ethernet frame.
fn vlan_free_udp_frame(net: &Net) -> Vec<u8> {
    let ip = |s: &str| -> [u8; 4] { s.parse::<std::net::Ipv4Addr>().unwrap().octets() };
    let mut frame = Vec::new();
    etherparse::PacketBuilder::ethernet2(parse_mac(&net.mac_a), parse_mac(&net.mac_b))
        .ipv4(ip(&net.ip_a), ip(&net.ip_b), 64)
        .udp(40001, 40002)
        .write(&mut frame, UDP_PAYLOAD)
        .unwrap();
    frame
}

/// The number after `word` in `text` (`tc -s`'s "dropped 16,").
fn number_after(text: &str, word: &str) -> u64 {
    let rest = &text[text
        .find(word)
        .unwrap_or_else(|| panic!("no {word} in {text}"))
        + word.len()..];
    rest.trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number after {word} in {text}"))
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn a_full_queue_drops_in_the_qdisc() {
    let net = Net::new(false, true);
    // A's egress: a token bucket of 200 bytes at 1 kbit/s, with 200 bytes of queue. A burst
    // of datagrams fills both, and the rest is dropped by the qdisc.
    net.in_a(&[
        "tc", "qdisc", "add", "dev", &net.va, "root", "tbf", "rate", "1kbit", "burst", "200",
        "limit", "200",
    ]);
    let cap = Capture::start(&net.a, &net.va, &["--drops", "udp"]);
    udp_a_to_b(&net, 7782, 20);
    let f = cap.stop();
    let stats = net.in_a(&["tc", "-s", "qdisc", "show", "dev", &net.va]);
    let dropped = number_after(&stats, "dropped");
    assert!(dropped >= 5, "the burst should overflow the queue: {stats}");
    assert_clean_exit(&f);
    let got = drops(&f.lines());
    assert_eq!(got.len() as u64, dropped, "{}\n{stats}", f.stdout);
    let reasons: std::collections::BTreeSet<&str> =
        got.iter().filter_map(|d| d.reason.as_deref()).collect();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    let reason = reasons.into_iter().next().unwrap().to_string();
    assert!(reason.starts_with("QDISC"), "{reason}");
    for d in &got {
        assert_eq!(d.iface, net.va);
        assert!(
            d.packet.starts_with(&format!("IP {}.", net.ip_a))
                && d.packet
                    .contains(&format!("> {}.7782: UDP, length ", net.ip_b)),
            "{d:?}"
        );
    }
    assert_eq!(drop_counts(&f), (dropped, vec![(reason, dropped)]));
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn a_full_socket_buffer_drops_with_the_socket_reason() {
    let net = Net::new(false, true);
    let ip_b = net.ip_b.clone();
    let rx = in_ns(&net.b, || UdpSocket::bind(format!("{ip_b}:7783")).unwrap());
    let tiny: libc::c_int = 1;
    // SAFETY: setsockopt on a socket we own, with a pointer to an int that outlives the call.
    let rc = unsafe {
        libc::setsockopt(
            std::os::fd::AsRawFd::as_raw_fd(&rx),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&tiny as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as u32,
        )
    };
    assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());
    let cap = net.capture(&["--drops", "udp", "port", "7783"]);
    let sent = 30;
    udp_a_to_b(&net, 7783, sent);
    let f = cap.stop();
    // What the socket kept, read only now.
    rx.set_nonblocking(true).unwrap();
    let mut received = 0;
    let mut buf = [0u8; 64];
    while rx.recv(&mut buf).is_ok() {
        received += 1;
    }
    assert!(
        received >= 1 && received < sent,
        "kept {received} of {sent}"
    );
    assert_clean_exit(&f);
    let got = drops(&f.lines());
    assert_eq!(got.len(), sent - received, "{}", f.stdout);
    assert!(
        got.iter()
            .all(|d| d.reason.as_deref() == Some("SOCKET_RCVBUFF")),
        "{got:#?}"
    );
    assert_eq!(
        drop_counts(&f),
        (
            (sent - received) as u64,
            vec![("SOCKET_RCVBUFF".into(), (sent - received) as u64)]
        )
    );
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn pcapng_keeps_the_reason_in_each_comment_for_tshark() {
    let net = Net::new(false, true);
    let _nft = Nft::drop_udp_to(&net.b, 7777);
    let dir = TmpDir::new("drops-pcapng");
    let file = dir.join("drops.pcapng");
    let cap = net.capture(&["--drops", "-w", file.to_str().unwrap(), "--print"]);
    udp_a_to_b(&net, 7777, 3);
    udp_a_to_b(&net, 7779, 2);
    let f = cap.stop();
    assert!(f.status.success(), "{}", f.stderr);
    let ours = drops(&f.lines());
    assert_eq!(ours.len(), 5, "{}", f.stdout);
    // tshark: each packet's comment is the end of its line.
    let out = Command::new("tshark")
        .args([
            "-r",
            file.to_str().unwrap(),
            "-T",
            "fields",
            "-e",
            "frame.comment",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let comments: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let want: Vec<String> = ours
        .iter()
        .map(|d| format!("drop {} at {}", d.reason.as_deref().unwrap(), d.location))
        .collect();
    assert_eq!(comments, want);
    assert_eq!(
        comments
            .iter()
            .filter(|c| c.starts_with("drop NETFILTER_DROP at "))
            .count(),
        3
    );
    assert_eq!(
        comments
            .iter()
            .filter(|c| c.starts_with("drop NO_SOCKET at "))
            .count(),
        2
    );
    // tcpdump: the same words for each packet as netdump printed before the drop.
    let out = Command::new("tcpdump")
        .args(["-n", "-t", "-r", file.to_str().unwrap()])
        .output()
        .unwrap();
    let theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let ours: Vec<String> = ours.into_iter().map(|d| d.packet).collect();
    assert_eq!(ours, theirs);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn a_pcap_file_takes_drops_cooked_for_tcpdump() {
    let net = Net::new(false, true);
    let dir = TmpDir::new("drops-pcap");
    let file = dir.join("drops.pcap");
    let cap = net.capture(&["--drops", "-w", file.to_str().unwrap(), "--print"]);
    udp_a_to_b(&net, 7779, 2);
    let f = cap.stop();
    assert!(f.status.success(), "{}", f.stderr);
    assert!(
        f.stderr.contains("pcapng"),
        "the note on reasons: {}",
        f.stderr
    );
    let ours = drops(&f.lines());
    // In B, where the cooked headers' interface index names an interface.
    let out = Command::new("ip")
        .args(["netns", "exec", &net.b, "tcpdump", "-n", "-t", "-r"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("LINUX_SLL2"), "{text}");
    // tcpdump -i any's form: the interface and a direction (none for a drop: "In" is
    // what a cooked header with PACKET_HOST reads as), then the same words.
    let theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(theirs.len(), 2);
    for (o, t) in ours.iter().zip(&theirs) {
        assert!(t.ends_with(&o.packet), "{t} vs {}", o.packet);
        assert!(t.starts_with(&net.vb), "{t}");
    }
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn json_names_the_reason_and_the_location() {
    let net = Net::new(false, true);
    let _nft = Nft::drop_udp_to(&net.b, 7777);
    let cap = net.capture(&["--drops", "--json"]);
    udp_a_to_b(&net, 7777, 2);
    let f = cap.stop();
    assert!(f.status.success(), "{}", f.stderr);
    let objs: Vec<serde_json::Value> = f
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 2, "{}", f.stdout);
    for v in &objs {
        assert_eq!(v["hook"], "drop");
        assert_eq!(v["interface"], net.vb.as_str());
        assert!(v["direction"].is_null());
        assert_eq!(v["drop"]["reason"], "NETFILTER_DROP");
        assert_symbol(v["drop"]["location"].as_str().unwrap());
        assert_eq!(v["layers"][2]["dport"], 7777);
    }
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn tc_and_drops_interleave_in_time_order() {
    let net = Net::new(false, true);
    let _nft = Nft::drop_udp_to(&net.b, 7777);
    let cap = net.capture(&["--hook", "tc,drops", "-tt", "udp"]);
    for _ in 0..3 {
        udp_a_to_b(&net, 7777, 1);
        std::thread::sleep(Duration::from_millis(50));
    }
    let f = cap.stop();
    assert_clean_exit(&f);
    let lines: Vec<&str> = f.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", f.stdout);
    let times: Vec<f64> = lines
        .iter()
        .map(|l| l.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{}", f.stdout);
    // Each datagram arrives (TC ingress), then dies (netfilter's input hook).
    let vb = format!("{:<5}", net.vb);
    for pair in lines.chunks(2) {
        let tail = format!("> {}.7777: UDP, length 1", net.ip_b);
        assert!(
            pair[0].contains(&format!(" {vb} In  IP ")) && pair[0].ends_with(&tail),
            "{}",
            f.stdout
        );
        assert!(
            pair[1].contains(&format!(" {vb} Drop IP "))
                && pair[1].contains(&format!("{tail}, drop NETFILTER_DROP at ")),
            "{}",
            f.stdout
        );
    }
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn drops_in_other_namespaces_stay_out() {
    // lo is ifindex 1 in every namespace: only the namespace netdump runs in may show.
    let net = Net::create(&common::netns::Spec {
        ns: [
            &format!("ndt-{}-la", std::process::id() % 10000),
            &format!("ndt-{}-lb", std::process::id() % 10000),
        ],
        veth: [
            &format!("ndt{}la", std::process::id() % 10000),
            &format!("ndt{}lb", std::process::id() % 10000),
        ],
        subnet: 250,
        ipv6: false,
        static_neigh: true,
        lo_up: true,
    })
    .unwrap();
    let cap = Capture::start(&net.b, "lo", &["--drops", "udp"]);
    let to_closed_port = |ns: &str, port: u16| {
        in_ns(ns, || {
            let s = UdpSocket::bind("127.0.0.1:0").unwrap();
            s.send_to(b"x", format!("127.0.0.1:{port}")).unwrap();
        })
    };
    to_closed_port(&net.a, 7790);
    to_closed_port(&net.b, 7791);
    let f = cap.stop();
    assert_clean_exit(&f);
    let got = drops(&f.lines());
    assert_eq!(got.len(), 1, "{}", f.stdout);
    assert!(
        got[0].packet.ends_with("> 127.0.0.1.7791: UDP, length 1"),
        "{got:?}"
    );
    assert_eq!(got[0].reason.as_deref(), Some("NO_SOCKET"));
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn a_kernel_without_the_tracepoint_or_btf_gets_one_line() {
    let net = Net::new(false, true);
    for (env, value, want) in [
        (
            "NETDUMP_DROP_TRACEPOINT",
            "no_such_event",
            "netdump: --drops is not supported on this kernel: this kernel has no no_such_event tracepoint",
        ),
        (
            "NETDUMP_BTF",
            "/no/such/btf",
            "netdump: --drops needs the kernel's BTF to find its packet structures, and /no/such/btf cannot be read",
        ),
    ] {
        let out = Command::new("ip")
            .args(["netns", "exec", &net.b, BIN, "-i", &net.vb, "--drops"])
            .env(env, value)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(want), "{err}");
    }
    assert_eq!(loaded_netdump_programs(), 0, "nothing stays loaded");
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn without_cap_perfmon_is_one_clear_line() {
    // CAP_BPF and CAP_NET_ADMIN suffice for the hooks; tracing the kernel takes CAP_PERFMON.
    let net = Net::new(false, true);
    let out = Command::new("ip")
        .args([
            "netns",
            "exec",
            &net.b,
            "setpriv",
            "--inh-caps=-perfmon,-sys_admin",
            "--bounding-set=-perfmon,-sys_admin",
            BIN,
            "-i",
            &net.vb,
            "--drops",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--drops needs CAP_PERFMON as well"), "{err}");
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn a_kernel_without_reasons_shows_the_location_alone() {
    // Before 5.17 kfree_skb passed (skb, location) only. consume_skb still does: attached
    // there, netdump takes this kernel for one without reasons, and the packets it frees
    // after use (an ICMP echo request, answered) stand in for drops. consume_skb has passed
    // the location since 6.3 only.
    let btf = std::fs::read("/sys/kernel/btf/vmlinux").unwrap();
    let btf = netdump::kernel::btf::Btf::parse(&btf).unwrap();
    if netdump::drops::layout::tracepoint(&btf, "consume_skb").is_err() {
        eprintln!("skipped: this kernel's consume_skb passes no location (before 6.3), so it cannot stand in for a kernel without reasons");
        return;
    }
    let net = Net::new(false, true);
    let cap = Capture::start_env(
        &net.b,
        &net.vb,
        &["--drops", "icmp"],
        &[("NETDUMP_DROP_TRACEPOINT", "consume_skb")],
    );
    net.in_a(&["ping", "-c", "2", "-i", "0.2", "-W", "2", &net.ip_b]);
    let f = cap.stop();
    assert!(f.status.success(), "{}", f.stderr);
    assert!(f.stderr.contains("gives no drop reasons"), "{}", f.stderr);
    let got = drops(&f.lines());
    assert!(!got.is_empty(), "{}", f.stdout);
    for d in &got {
        assert_eq!(d.reason, None, "{d:?}");
        assert_symbol(&d.location);
    }
    let (total, by) = drop_counts(&f);
    assert_eq!(total, got.len() as u64);
    assert!(by.is_empty(), "no names without reasons: {by:?}");
}

/// The kernel's own tracing file system, mounted in a temporary directory with an instance of
/// its own recording `skb:kfree_skb`; all undone when dropped.
struct KernelTrace {
    mount: std::path::PathBuf,
    instance: std::path::PathBuf,
}

impl KernelTrace {
    fn start() -> KernelTrace {
        let mount = std::env::temp_dir().join(format!("netdump-tracefs-{}", std::process::id()));
        std::fs::create_dir_all(&mount).unwrap();
        sh(&["mount", "-t", "tracefs", "nodev", mount.to_str().unwrap()]);
        let mut t = KernelTrace {
            instance: mount.join(format!("instances/netdump-{}", std::process::id())),
            mount,
        };
        std::fs::create_dir(&t.instance).unwrap_or_else(|e| {
            t.instance = std::path::PathBuf::new();
            panic!("create a trace instance: {e}")
        });
        std::fs::write(t.instance.join("events/skb/kfree_skb/enable"), "1").unwrap();
        t
    }

    /// The event's print format (its reason table).
    fn format(&self) -> String {
        std::fs::read_to_string(self.instance.join("events/skb/kfree_skb/format")).unwrap()
    }

    fn trace(&self) -> String {
        std::fs::read_to_string(self.instance.join("trace")).unwrap()
    }
}

impl Drop for KernelTrace {
    fn drop(&mut self) {
        if !self.instance.as_os_str().is_empty() {
            let _ = std::fs::write(self.instance.join("events/skb/kfree_skb/enable"), "0");
            let _ = std::fs::remove_dir(&self.instance);
        }
        let _ = Command::new("umount").arg(&self.mount).status();
        let _ = std::fs::remove_dir(&self.mount);
    }
}

/// The kernel prints the same event through tracefs: every reason netdump names from BTF
/// must be the tracepoint's own name for it, and every drop netdump shows must be in the
/// kernel's trace with the same reason and location (`%pS` is `symbol+0xoff/0xsize`).
#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn reasons_and_locations_read_as_the_kernels_own_trace_prints_them() {
    let trace = KernelTrace::start();
    let format = trace.format();
    let mut names = netdump::drops::probe().unwrap().reasons;
    let table = format
        .split("__print_symbolic(REC->reason,")
        .nth(1)
        .unwrap_or_else(|| panic!("no reason table in {format}"));
    let mut compared = 0;
    for entry in table.split("{ ").skip(1) {
        let (n, rest) = entry.split_once(", \"").unwrap();
        let name = rest.split('"').next().unwrap();
        if name == "MAX" {
            continue;
        }
        assert_eq!(names.name(n.trim().parse().unwrap()), name);
        compared += 1;
    }
    assert!(compared >= 10, "{format}");

    let net = Net::new(false, true);
    let _nft = Nft::drop_udp_to(&net.b, 7777);
    let cap = net.capture(&["--drops"]);
    udp_a_to_b(&net, 7777, 2);
    udp_a_to_b(&net, 7779, 2);
    let f = cap.stop();
    let ours = drops(&f.lines());
    assert_eq!(ours.len(), 4, "{}", f.stdout);
    let kernel = trace.trace();
    let symbols = format.contains("location=%pS");
    for d in &ours {
        let reason = format!("reason: {}", d.reason.as_deref().unwrap());
        let location = format!("location={}/0x", d.location);
        let found = kernel
            .lines()
            .any(|l| l.ends_with(&reason) && (!symbols || l.contains(&location)));
        assert!(found, "{d:?} not in the kernel's trace:\n{kernel}");
    }
    if !symbols {
        eprintln!("this kernel's trace prints locations as hashed pointers: reasons compared only");
    }
}
