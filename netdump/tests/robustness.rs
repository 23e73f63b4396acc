//! Faults netdump must survive, each in its own namespaces: the interface vanishing or going
//! down, a ring too small for a flood, hundreds of start/stop cycles, and traffic that must
//! pass unchanged whatever is attached.
//!
//! Needs root: run with `cargo xtask test`.

mod common;

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream, UdpSocket},
    process::Command,
    thread,
    time::Duration,
};

use common::*;

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn deleted_interface_ends_the_capture_with_a_valid_file() {
    let net = Net::new(false, true);
    let dir = TmpDir::new("robust-del");
    let file = dir.join("gone.pcap");
    let cap = net.capture(&["-w", file.to_str().unwrap()]);
    net.in_a(&["ping", "-c", "2", "-i", "0.2", "-W", "2", &net.ip_b]);
    net.in_b(&["ip", "link", "del", &net.vb]);
    let f = cap.wait(Duration::from_secs(10));
    assert!(
        !f.status.success(),
        "a vanished interface is an error: {}",
        f.stderr
    );
    assert!(
        f.stderr
            .contains(&format!("interface {} was deleted while capturing", net.vb)),
        "{}",
        f.stderr
    );
    let out = Command::new("tcpdump")
        .args(["-n", "-r"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the file is not valid: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).lines().count() >= 4);
    wait_until("the programs are unloaded", || {
        loaded_netdump_programs() == 0
    });
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn interface_going_down_ends_the_capture() {
    let net = Net::new(false, true);
    for mode in ["tcx", "netlink"] {
        let cap = net.capture(&["--tc-attach", mode]);
        net.in_b(&["ip", "link", "set", &net.vb, "down"]);
        let f = cap.wait(Duration::from_secs(10));
        assert!(!f.status.success());
        assert!(
            f.stderr.contains("went down while capturing"),
            "{mode}: {}",
            f.stderr
        );
        net.in_b(&["ip", "link", "set", &net.vb, "up"]);
        wait_until("the programs are unloaded", || {
            loaded_netdump_programs() == 0
        });
        let filters = net.in_b(&["tc", "filter", "show", "dev", &net.vb, "ingress"]);
        assert!(!filters.contains("netdump"), "{mode}: {filters}");
    }
}

/// Sends `n` UDP datagrams A -> B as fast as the socket takes them.
fn udp_flood(net: &Net, n: usize) {
    let (ip_a, ip_b) = (net.ip_a.clone(), net.ip_b.clone());
    in_ns(&net.a, move || {
        let s = UdpSocket::bind(format!("{ip_a}:0")).unwrap();
        for _ in 0..n {
            let _ = s.send_to(&[0x42; 1400], format!("{ip_b}:40009"));
        }
    });
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn a_full_ring_counts_every_drop_and_keeps_up_afterwards() {
    let net = Net::new(false, true);
    // The smallest ring (4 KiB: two full-size samples) and a flood of 20,000 datagrams.
    let cap = net.capture(&["-B", "4", "--stats", "60", "udp"]);
    udp_flood(&net, 20_000);
    thread::sleep(Duration::from_millis(300));
    // Afterwards, at a gentle rate, nothing is lost.
    let ip_b = net.ip_b.clone();
    let ip_a = net.ip_a.clone();
    in_ns(&net.a, move || {
        let s = UdpSocket::bind(format!("{ip_a}:0")).unwrap();
        for _ in 0..20 {
            s.send_to(b"after", format!("{ip_b}:40010")).unwrap();
            thread::sleep(Duration::from_millis(20));
        }
    });
    let f = cap.stop();
    assert!(f.status.success(), "{}", f.stderr);
    let matched = f.stat("received by filter");
    let captured = f.stat("captured");
    let dropped = f.stat("dropped by kernel");
    // Datagrams the receiving CPU's backlog refused never reach a hook; the rest all do.
    assert!((19_020..=20_020).contains(&matched), "{}", f.stderr);
    let after = f
        .stdout
        .lines()
        .filter(|l| l.ends_with(".40010: UDP, length 5"))
        .count();
    assert_eq!(after, 20, "the capture did not keep up after the flood");
    assert!(
        dropped > 0,
        "a 4 KiB ring took a 20,000-packet flood: {}",
        f.stderr
    );
    assert_eq!(
        captured + dropped,
        matched,
        "every matched packet is captured or counted as dropped: {}",
        f.stderr
    );
    // The final counters line adds up too: seen = matched here (everything was UDP).
    let last = f
        .stderr
        .lines()
        .rfind(|l| l.starts_with("netdump: seen "))
        .expect("final stats line");
    assert!(
        last.contains(&format!("matched {matched},"))
            && last.contains(&format!("dropped {dropped}")),
        "{last}"
    );
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn two_hundred_start_stop_cycles_leave_nothing_behind() {
    let net = Net::new(false, true);
    let count = |what: &str| -> usize {
        Command::new("bpftool")
            .args([what, "show"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).lines().count())
            .unwrap_or(0)
    };
    let before = (count("prog"), count("map"), count("link"));
    let qdiscs_before = net.in_b(&["tc", "qdisc", "show"]);
    let modes: [&[&str]; 4] = [
        &[],
        &["--hook", "socket"],
        &["--tc-attach", "netlink"],
        &["--transport", "perf", "icmp"],
    ];
    for i in 0..200 {
        let cap = net.capture(modes[i % modes.len()]);
        cap.signal(libc::SIGINT);
        let f = cap.wait(Duration::from_secs(10));
        assert!(f.status.success(), "cycle {i}: {}", f.stderr);
    }
    wait_until("every program, map and link is released", || {
        (count("prog"), count("map"), count("link")) == before
    });
    assert_eq!(net.in_b(&["tc", "qdisc", "show"]), qdiscs_before);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn traffic_passes_unchanged_in_every_mode() {
    let net = Net::new(false, true);
    let payload: Vec<u8> = (0..2_000_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    let modes: [&[&str]; 6] = [
        &["--hook", "tc"],
        &["--hook", "socket"],
        &["--hook", "tc,socket"],
        &["--tc-attach", "netlink"],
        &["--transport", "perf"],
        &["tcp", "port", "40100"],
    ];
    for (round, mode) in std::iter::once(&[][..])
        .chain(modes.iter().copied())
        .enumerate()
    {
        // Round 0 runs without netdump: the reference.
        let cap = (round > 0).then(|| net.capture(mode));
        let port = 40100;
        let ip_b = net.ip_b.clone();
        let listener = in_ns(&net.b, move || {
            TcpListener::bind(format!("{ip_b}:{port}")).unwrap()
        });
        let server = thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            s.read_to_end(&mut got).unwrap();
            got
        });
        let ip_b = net.ip_b.clone();
        let data = payload.clone();
        in_ns(&net.a, move || {
            let mut c = TcpStream::connect(format!("{ip_b}:{port}")).unwrap();
            c.write_all(&data).unwrap();
        });
        let got = server.join().unwrap();
        assert_eq!(got.len(), payload.len(), "mode {mode:?}");
        assert!(got == payload, "bytes changed in mode {mode:?}");
        // And a counted UDP stream: every datagram arrives, in order.
        let ip_b = net.ip_b.clone();
        let rx = in_ns(&net.b, move || {
            UdpSocket::bind(format!("{ip_b}:40101")).unwrap()
        });
        rx.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let ip_b = net.ip_b.clone();
        let ip_a = net.ip_a.clone();
        in_ns(&net.a, move || {
            let s = UdpSocket::bind(format!("{ip_a}:0")).unwrap();
            for i in 0..200u32 {
                s.send_to(&i.to_be_bytes(), format!("{ip_b}:40101"))
                    .unwrap();
                if i % 50 == 0 {
                    thread::sleep(Duration::from_millis(2));
                }
            }
        });
        let mut buf = [0u8; 16];
        for i in 0..200u32 {
            let n = rx
                .recv(&mut buf)
                .unwrap_or_else(|e| panic!("mode {mode:?}: datagram {i} lost: {e}"));
            assert_eq!(&buf[..n], &i.to_be_bytes(), "mode {mode:?}: out of order");
        }
        if let Some(cap) = cap {
            let f = cap.stop();
            assert!(f.status.success(), "{mode:?}: {}", f.stderr);
        }
    }
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn stdout_on_a_full_disk_is_one_clear_line() {
    let net = Net::new(false, true);
    let dir = TmpDir::new("robust-full");
    let mnt = Tmpfs::mount(&dir, "16k");
    let out = std::fs::File::create(dir.join("out.txt")).unwrap();
    let mut child = Command::new("ip")
        .args(["netns", "exec", &net.b, BIN, "-i", &net.vb, "-l"])
        .stdout(out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    thread::sleep(Duration::from_millis(1500));
    // About 300 lines of text: far more than 16 KiB.
    udp_flood(&net, 300);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "netdump kept running with a full disk"
        );
        thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    drop(mnt);
    drop(dir);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.contains("listening on"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("netdump: write to standard output: No space left on device"),
        "{err}"
    );
    wait_until("the programs are unloaded", || {
        loaded_netdump_programs() == 0
    });
}
