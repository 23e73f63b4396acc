//! Live captures: the real netdump binary attached to a veth pair between two network
//! namespaces the test creates, with known traffic sent across it.
//!
//! Needs root (CAP_BPF, CAP_NET_ADMIN) and iproute2, ping, arping, bpftool, setpriv: run
//! with `cargo xtask test`, which installs them and runs these as root.

mod common;

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    thread,
    time::{Duration, Instant},
};

use common::*;

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn tc_hook_prints_both_directions() {
    let net = Net::new(false, true);
    let cap = net.capture(&[]);
    send_traffic(&net);
    let f = cap.stop();
    let mode = if kernel_has_tcx() {
        "via tcx"
    } else {
        "via clsact"
    };
    assert!(f.stderr.contains(mode), "{}", f.stderr);
    assert_traffic(&net, &f.lines(), "");
    assert_clean_exit(&f);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn socket_hook_prints_both_directions() {
    let net = Net::new(false, true);
    let cap = net.capture(&["--hook", "socket"]);
    send_traffic(&net);
    let f = cap.stop();
    assert!(f.stderr.contains("socket tap"), "{}", f.stderr);
    assert_traffic(&net, &f.lines(), "");
    assert_clean_exit(&f);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn both_hooks_tag_every_packet() {
    let net = Net::new(false, true);
    let cap = net.capture(&["--hook", "tc,socket"]);
    send_traffic(&net);
    let f = cap.stop();
    let lines = f.lines();
    let tc: Vec<String> = lines
        .iter()
        .filter(|l| l.contains(" [tc] "))
        .cloned()
        .collect();
    let socket: Vec<String> = lines
        .iter()
        .filter(|l| l.contains(" [socket] "))
        .cloned()
        .collect();
    assert_eq!(
        tc.len() + socket.len(),
        lines.len(),
        "untagged lines in:\n{}",
        lines.join("\n")
    );
    assert_traffic(&net, &tc, "[tc] ");
    assert_traffic(&net, &socket, "[socket] ");
    assert_clean_exit(&f);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn perf_transport_prints_the_same() {
    let net = Net::new(false, true);
    let cap = net.capture(&["--transport", "perf"]);
    send_traffic(&net);
    let f = cap.stop();
    assert!(f.stderr.contains("perf buffer"), "{}", f.stderr);
    assert_traffic(&net, &f.lines(), "");
    assert_clean_exit(&f);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn netlink_attach_prints_and_removes_its_qdisc() {
    let net = Net::new(false, true);
    let cap = net.capture(&["--tc-attach", "netlink"]);
    assert!(net
        .in_b(&["tc", "qdisc", "show", "dev", &net.vb])
        .contains("clsact"));
    send_traffic(&net);
    let f = cap.stop();
    assert!(f.stderr.contains("via clsact"), "{}", f.stderr);
    assert_traffic(&net, &f.lines(), "");
    assert_clean_exit(&f);
    let qdiscs = net.in_b(&["tc", "qdisc", "show", "dev", &net.vb]);
    assert!(!qdiscs.contains("clsact"), "clsact left behind: {qdiscs}");
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn count_stops_the_capture() {
    let net = Net::new(false, true);
    let cap = net.capture(&["-c", "3"]);
    net.in_a(&["ping", "-c", "3", "-i", "0.2", "-W", "2", &net.ip_b]);
    let f = cap.wait(Duration::from_secs(10));
    assert!(f.status.success(), "{}", f.stderr);
    assert_eq!(f.stdout.lines().count(), 3, "{}", f.stdout);
    assert_eq!(f.stat("captured"), 3);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn direction_in_shows_only_ingress() {
    let net = Net::new(false, true);
    let cap = net.capture(&["-Q", "in"]);
    net.in_a(&["ping", "-c", "2", "-i", "0.2", "-W", "2", &net.ip_b]);
    let f = cap.stop();
    let lines = f.lines();
    let vb = format!("{:<5}", net.vb);
    let want = format!(
        "{vb} In  IP {} > {}: ICMP echo request, id X, seq 1, length 64",
        net.ip_a, net.ip_b
    );
    assert!(lines.contains(&want), "{}", lines.join("\n"));
    assert_eq!(lines.len(), 2, "{}", lines.join("\n"));
    assert!(
        lines.iter().all(|l| l.starts_with(&format!("{vb} In "))),
        "{}",
        lines.join("\n")
    );
    assert_clean_exit(&f);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn arp_request_and_reply() {
    let net = Net::new(false, false);
    let cap = net.capture(&["-e"]);
    net.in_a(&["arping", "-c", "1", "-w", "2", "-I", &net.va, &net.ip_b]);
    let f = cap.stop();
    let lines = f.lines();
    let vb = format!("{:<5}", net.vb);
    let (mac_a, mac_b) = (net.mac(&net.a, &net.va), net.mac(&net.b, &net.vb));
    let (a, b) = (&net.ip_a, &net.ip_b);
    let want = [
        format!("{vb} B   {mac_a} > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has {b} (ff:ff:ff:ff:ff:ff) tell {a}, length 28"),
        format!("{vb} Out {mac_b} > {mac_a}, ethertype ARP (0x0806), length 42: Reply {b} is-at {mac_b}, length 28"),
    ];
    assert_eq!(lines, want, "{}", f.stdout);
    assert_clean_exit(&f);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn ipv6_echo_and_neighbor_discovery() {
    let net = Net::new(true, true);
    let cap = net.capture(&[]);
    net.in_a(&["ping", "-6", "-c", "1", "-W", "2", &net.ip6_b]);
    let f = cap.stop();
    // Multicast listener reports and router solicitations are the hosts' own housekeeping.
    let lines: Vec<String> = f
        .lines()
        .into_iter()
        .filter(|l| !l.contains("> ff02::16:") && !l.contains("> ff02::2:"))
        .collect();
    let vb = format!("{:<5}", net.vb);
    let (a, b) = (&net.ip6_a, &net.ip6_b);
    let must = [
        format!("{vb} In  IP6 {a} > {b}: ICMP6, echo request, id X, seq 1, length 64"),
        format!("{vb} Out IP6 {b} > {a}: ICMP6, echo reply, id X, seq 1, length 64"),
        format!("{vb} Out IP6 {b} > {a}: ICMP6, neighbor advertisement, tgt is {b}, length 32"),
    ];
    for w in &must {
        assert_eq!(
            lines.iter().filter(|l| *l == w).count(),
            1,
            "want '{w}' in:\n{}",
            lines.join("\n")
        );
    }
    let ns = format!(": ICMP6, neighbor solicitation, who has {b}, length 32");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{vb} M   IP6 {a} > ff02::1:ff")) && l.ends_with(&ns)),
        "{}",
        lines.join("\n")
    );
    assert_eq!(lines.len(), 4, "unexpected packets:\n{}", lines.join("\n"));
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn offloaded_vlan_tag_is_printed_as_on_the_wire() {
    let net = Net::new(false, true);
    let (mac_a, mac_b) = (net.mac(&net.a, &net.va), net.mac(&net.b, &net.vb));
    let frame = vlan_udp_frame(&net, 20);
    // On receive the kernel moves the tag into skb metadata (skb_vlan_untag) before the
    // tap and TC run: both hooks see an untagged frame and netdump must put the tag back.
    let cap = net.capture(&["--hook", "tc,socket", "-e", "-Q", "in", "-c", "2"]);
    send_raw(&net.a, &net.va, &frame);
    let f = cap.wait(Duration::from_secs(10));
    let vb = format!("{:<5}", net.vb);
    for hook in ["tc", "socket"] {
        let want = format!(
            "{vb} In  [{hook}] {mac_a} > {mac_b}, ethertype 802.1Q (0x8100), length 78: vlan 20, p 0, ethertype IPv4 (0x0800), {}.40001 > {}.40002: UDP, length 32",
            net.ip_a, net.ip_b
        );
        assert!(f.lines().contains(&want), "want {want}\nin:\n{}", f.stdout);
    }
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn snaplen_limits_the_copied_bytes() {
    let net = Net::new(false, true);
    let cap = net.capture(&["-s", "64", "-x", "-Q", "in", "-c", "1"]);
    net.in_a(&["ping", "-c", "1", "-s", "1000", "-W", "2", &net.ip_b]);
    let f = cap.wait(Duration::from_secs(10));
    let text = &f.stdout;
    assert!(text.contains("ICMP echo request, id "), "{text}");
    assert!(
        text.contains(", length 1008"),
        "the original length is printed: {text}"
    );
    // 64 bytes captured, 14 of them Ethernet: 50 bytes of hex, the last line at 0x0030.
    assert!(text.contains("\t0x0030:  "), "{text}");
    assert!(
        !text.contains("\t0x0040:  "),
        "more than the snap length was copied: {text}"
    );
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn kill_9_with_tcx_leaves_nothing_attached() {
    let net = Net::new(false, true);
    let hooks: &[&str] = if kernel_has_tcx() {
        &["tc", "socket", "tc,socket"]
    } else {
        eprintln!("no TCX on this kernel: only the socket tap dies with its process here (netlink filters: see the next test)");
        &["socket"]
    };
    for &hook in hooks {
        let cap = net.capture(&["--hook", hook]);
        assert!(loaded_netdump_programs() > 0);
        cap.signal(libc::SIGKILL);
        let _ = cap.wait(Duration::from_secs(5));
        wait_until("the programs are unloaded", || {
            loaded_netdump_programs() == 0
        });
        let filters = net.in_b(&["tc", "filter", "show", "dev", &net.vb, "ingress"]);
        assert!(!filters.contains("netdump"), "{filters}");
    }
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn kill_9_with_netlink_is_cleaned_up_by_the_next_run() {
    let net = Net::new(false, true);
    let cap = net.capture(&["--tc-attach", "netlink"]);
    cap.signal(libc::SIGKILL);
    let _ = cap.wait(Duration::from_secs(5));
    // Netlink filters outlive their process: that is what the next run must clean up.
    let filters = net.in_b(&["tc", "filter", "show", "dev", &net.vb, "ingress"]);
    assert!(filters.contains("netdump_tc_ingress"), "{filters}");
    let cap = net.capture(&["--tc-attach", "netlink"]);
    let f = cap.stop();
    assert!(
        f.stderr
            .contains("removed a stale netdump tc ingress filter")
            && f.stderr
                .contains("removed a stale netdump tc egress filter"),
        "{}",
        f.stderr
    );
    for dir in ["ingress", "egress"] {
        let filters = net.in_b(&["tc", "filter", "show", "dev", &net.vb, dir]);
        assert!(!filters.contains("netdump"), "{filters}");
    }
    wait_until("the programs are unloaded", || {
        loaded_netdump_programs() == 0
    });
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn unknown_interface_is_one_clear_line() {
    let net = Net::new(false, true);
    let out = Command::new("ip")
        .args(["netns", "exec", &net.b, BIN, "-i", "nd-nope0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("netdump: no interface named 'nd-nope0' (interfaces here: lo, "),
        "{err}"
    );
    assert!(err.contains(&net.vb), "{err}");
    assert_eq!(loaded_netdump_programs(), 0);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn down_interface_is_one_clear_line() {
    let net = Net::new(false, true);
    net.in_b(&["ip", "link", "set", &net.vb, "down"]);
    let out = Command::new("ip")
        .args(["netns", "exec", &net.b, BIN, "-i", &net.vb])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("is down"), "{err}");
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn without_privilege_is_one_clear_line() {
    let net = Net::new(false, true);
    let out = Command::new("ip")
        .args([
            "netns",
            "exec",
            &net.b,
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            BIN,
            "-i",
            &net.vb,
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("needs CAP_BPF and CAP_NET_ADMIN"), "{err}");
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn closed_pipe_ends_quietly_and_detaches() {
    let net = Net::new(false, true);
    // Like `netdump | head -1`: read one line, close the pipe, let netdump find out.
    let mut child = Command::new("ip")
        .args(["netns", "exec", &net.b, BIN, "-i", &net.vb])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = Arc::new(Mutex::new(String::new()));
    let err_reader = collect(child.stderr.take().unwrap(), stderr.clone());
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(20);
    while !stderr.lock().unwrap().contains("listening on") {
        assert!(Instant::now() < deadline, "netdump did not start");
        thread::sleep(Duration::from_millis(20));
    }
    net.in_a(&["ping", "-c", "1", "-W", "2", &net.ip_b]);
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("ICMP echo request"), "{first}");
    drop(out);
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        net.in_a(&["ping", "-c", "1", "-W", "1", &net.ip_b]);
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(
            Instant::now() < deadline,
            "netdump kept running after its pipe closed"
        );
    };
    err_reader.join().unwrap();
    let err = stderr.lock().unwrap().clone();
    assert!(status.success(), "exit {status:?}: {err}");
    let complaints: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("netdump:") && !l.contains("listening on"))
        .collect();
    assert!(complaints.is_empty(), "not quiet: {complaints:?}");
    wait_until("the programs are unloaded", || {
        loaded_netdump_programs() == 0
    });
}

fn knob_line(f: &Finished, what: &str) -> u64 {
    f.stat(what)
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn sample_keeps_one_in_n_and_counts_the_rest() {
    let net = Net::new(false, true);
    let cap = net.capture(&["--sample", "2", "icmp"]);
    net.in_a(&["ping", "-c", "10", "-i", "0.05", "-W", "2", &net.ip_b]);
    let f = cap.stop();
    assert!(f.status.success(), "{}", f.stderr);
    let matched = f.stat("received by filter");
    let captured = f.stat("captured");
    let sampled = knob_line(&f, "sampled out");
    assert_eq!(matched, 20, "{}", f.stderr);
    assert_eq!(captured + sampled, matched, "{}", f.stderr);
    // One in two per CPU: at most one extra per CPU either way.
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get() as u64)
        .unwrap_or(1);
    assert!(captured.abs_diff(matched / 2) <= cpus, "{}", f.stderr);
    assert_eq!(f.stdout.lines().count() as u64, captured);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn max_rate_caps_what_is_captured() {
    let net = Net::new(false, true);
    let cap = net.capture(&["--max-rate", "4", "-Q", "in", "icmp"]);
    // 40 requests in about 1 s: far over 4 a second.
    net.in_a(&["ping", "-c", "40", "-i", "0.025", "-W", "2", &net.ip_b]);
    let f = cap.stop();
    assert!(f.status.success(), "{}", f.stderr);
    let matched = f.stat("received by filter");
    let captured = f.stat("captured");
    let limited = knob_line(&f, "rate limited");
    assert_eq!(matched, 40, "{}", f.stderr);
    assert_eq!(captured + limited, matched, "{}", f.stderr);
    // 4/s shared over the CPUs, with up to 100 ms of burst per CPU, for about a second.
    assert!(captured <= 12, "captured {captured}: {}", f.stderr);
    assert!(limited >= 28, "{}", f.stderr);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn header_snap_copies_exactly_the_headers() {
    let net = Net::new(false, true);
    let cap = net.capture(&["-s", "headers", "-x", "-Q", "in", "-c", "1", "udp"]);
    let ip_b = net.ip_b.clone();
    let ip_a = net.ip_a.clone();
    in_ns(&net.a, move || {
        let s = std::net::UdpSocket::bind(format!("{ip_a}:40001")).unwrap();
        s.send_to(&[0x5a; 1000], format!("{ip_b}:40002")).unwrap();
    });
    let f = cap.wait(Duration::from_secs(10));
    assert!(f.status.success(), "{}", f.stderr);
    assert!(
        f.stderr.contains("snapshot length headers only"),
        "{}",
        f.stderr
    );
    assert!(f.stdout.contains("UDP, length 1000"), "{}", f.stdout);
    // 14 + 20 + 8 bytes copied: the -x dump (from the IP header) is 28 bytes, no payload.
    let third: u8 = net.ip_b.split('.').nth(2).unwrap().parse().unwrap();
    let want = format!("\t0x0010:  c612 {third:02x}02 9c41 9c42 03f0 ");
    assert!(f.stdout.contains(&want), "want {want:?} in {}", f.stdout);
    assert!(
        !f.stdout.contains("5a5a"),
        "payload bytes left the kernel: {}",
        f.stdout
    );
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn stats_prints_the_kernel_counters_periodically() {
    let net = Net::new(false, true);
    let cap = net.capture(&["--stats", "1", "icmp"]);
    net.in_a(&["ping", "-c", "3", "-i", "0.2", "-W", "2", &net.ip_b]);
    thread::sleep(Duration::from_millis(1200));
    let f = cap.stop();
    let lines: Vec<&str> = f
        .stderr
        .lines()
        .filter(|l| l.starts_with("netdump: seen "))
        .collect();
    assert!(lines.len() >= 2, "{}", f.stderr);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("matched 6,") && l.contains("captured 6,")),
        "{}",
        f.stderr
    );
}

/// A process's CapEff and real/effective uid, from /proc.
fn caps_and_uid(pid: i32) -> (String, String) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    (field("CapEff:"), field("Uid:"))
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn privileges_are_dropped_once_capturing() {
    let net = Net::new(false, true);
    // Without TCX, TC programs go through netlink, and CAP_NET_ADMIN stays to remove them.
    let tc_caps = if kernel_has_tcx() {
        "0000000000000000"
    } else {
        "0000000000001000"
    };
    for (args, want_caps, want_uid) in [
        (vec![], tc_caps, "0 0 0 0"),
        (vec!["-Z", "nobody"], tc_caps, "65534 65534 65534 65534"),
        // Netlink filters are removed through netlink at exit: CAP_NET_ADMIN stays.
        (
            vec!["--tc-attach", "netlink"],
            "0000000000001000",
            "0 0 0 0",
        ),
        (
            vec!["--hook", "socket", "-Z", "nobody"],
            "0000000000000000",
            "65534 65534 65534 65534",
        ),
    ] {
        let cap = net.capture(&args);
        let (caps, uid) = caps_and_uid(cap.pid());
        assert_eq!(caps, want_caps, "{args:?}");
        assert_eq!(uid, want_uid, "{args:?}");
        // Still capturing, still counting, and detaching cleanly at exit.
        net.in_a(&["ping", "-c", "1", "-W", "2", &net.ip_b]);
        let f = cap.stop();
        assert!(f.status.success(), "{args:?}: {}", f.stderr);
        assert_eq!(f.stdout.lines().count(), 2, "{args:?}: {}", f.stdout);
        assert_eq!(f.stat("received by filter"), 2, "{args:?}: {}", f.stderr);
        wait_until("the programs are unloaded", || {
            loaded_netdump_programs() == 0
        });
        let filters = net.in_b(&["tc", "filter", "show", "dev", &net.vb, "ingress"]);
        assert!(!filters.contains("netdump"), "{args:?}: {filters}");
    }
    // -Z gives the capture file to the user, as tcpdump does; it is still written.
    let dir = TmpDir::new("z");
    let file = dir.join("z.pcap");
    let cap = net.capture(&["-Z", "nobody", "-w", file.to_str().unwrap()]);
    net.in_a(&["ping", "-c", "1", "-W", "2", &net.ip_b]);
    let f = cap.stop();
    assert!(f.status.success(), "{}", f.stderr);
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    assert!(
        meta.len() > 24 + 2 * 16,
        "the packets were written: {} bytes",
        meta.len()
    );
}
