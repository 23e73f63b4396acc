//! Capture files end to end: written by a live capture in namespaces, read by tshark and
//! tcpdump; rotation; signals; VLAN tags; streaming to a pipe.
//!
//! Needs root: run with `cargo xtask test`.

mod common;

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use common::*;

fn tool(args: &[&str]) -> String {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `tcpdump -n -r FILE` lines without timestamps.
fn tcpdump_lines(path: &str) -> Vec<String> {
    tool(&["tcpdump", "-n", "-t", "-r", path])
        .lines()
        .map(str::to_string)
        .collect()
}

/// The printed lines of a capture without timestamp and interface/direction prefix.
fn bare(f: &Finished, net: &Net) -> Vec<String> {
    let prefix_len = format!("{:<5} ", net.vb).len() + 4;
    f.stdout
        .lines()
        .map(|l| l.split_once(' ').map(|x| x.1).unwrap_or(l))
        .map(|l| l.get(prefix_len..).unwrap_or("").to_string())
        .collect()
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn pcap_file_reads_back_in_tcpdump_and_tshark() {
    let net = Net::new(false, true);
    let dir = TmpDir::new("files-pcap");
    let path = dir.join("c.pcap");
    let p = path.to_str().unwrap();
    let cap = net.capture(&["-w", p, "--print"]);
    send_traffic(&net);
    let f = cap.stop();
    assert!(f.status.success(), "{}", f.stderr);
    let printed = bare(&f, &net);
    let captured = f.stat("captured");
    assert_eq!(captured as usize, printed.len());
    // tcpdump reads every packet and says of each what netdump said.
    assert_eq!(tcpdump_lines(p), printed);
    // tshark agrees on count, addresses, ports and lengths.
    let rows = tool(&[
        "tshark",
        "-r",
        p,
        "-T",
        "fields",
        "-e",
        "ip.src",
        "-e",
        "ip.dst",
        "-e",
        "udp.dstport",
        "-e",
        "tcp.dstport",
        "-e",
        "frame.len",
    ]);
    assert_eq!(rows.lines().count() as u64, captured, "{rows}");
    let udp: Vec<&str> = rows.lines().filter(|r| r.contains("\t40002\t")).collect();
    assert_eq!(udp.len(), 1, "{rows}");
    assert!(
        udp[0].starts_with(&format!("{}\t{}\t40002\t\t74", net.ip_a, net.ip_b)),
        "{}",
        udp[0]
    );
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn pcapng_records_direction_interface_and_hook() {
    let net = Net::new(false, true);
    let dir = TmpDir::new("files-pcapng");
    let path = dir.join("c.pcapng");
    let p = path.to_str().unwrap();
    let cap = net.capture(&["-w", p, "--print", "--hook", "tc,socket"]);
    send_traffic(&net);
    let f = cap.stop();
    assert!(f.status.success(), "{}", f.stderr);
    let rows = tool(&[
        "tshark",
        "-r",
        p,
        "-T",
        "fields",
        "-E",
        "separator=|",
        "-e",
        "frame.interface_name",
        "-e",
        "frame.packet_flags_direction",
        "-e",
        "frame.comment",
        "-e",
        "ip.src",
    ]);
    let printed: Vec<&str> = f.stdout.lines().collect();
    assert_eq!(rows.lines().count(), printed.len(), "{rows}");
    for (row, line) in rows.lines().zip(&printed) {
        let cols: Vec<&str> = row.split('|').collect();
        assert_eq!(cols[0], net.vb, "{row}");
        let want_dir = if line.contains(" Out ") {
            "0x00000002"
        } else {
            "0x00000001"
        };
        assert_eq!(cols[1], want_dir, "{row} vs {line}");
        let want_hook = if line.contains("[socket]") {
            "hook: socket"
        } else {
            "hook: tc"
        };
        assert_eq!(cols[2], want_hook, "{row} vs {line}");
    }
}

fn flood(net: &Net, datagrams: usize, size: usize) {
    let ip_a = net.ip_a.clone();
    let ip_b = net.ip_b.clone();
    in_ns(&net.a, move || {
        let s = std::net::UdpSocket::bind(format!("{ip_a}:0")).unwrap();
        let buf = vec![0x5au8; size];
        for i in 0..datagrams {
            s.send_to(&buf, format!("{ip_b}:40009")).unwrap();
            if i % 64 == 0 {
                std::thread::sleep(Duration::from_micros(200));
            }
        }
    });
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn sigint_and_sigterm_leave_a_valid_file() {
    let net = Net::new(false, true);
    let dir = TmpDir::new("files-signals");
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let path = dir.join(format!("s{sig}.pcap"));
        let p = path.to_str().unwrap();
        let cap = net.capture(&["-w", p]);
        flood(&net, 2000, 200);
        std::thread::sleep(Duration::from_millis(200));
        cap.signal(sig);
        let f = cap.wait(Duration::from_secs(10));
        assert!(f.status.success(), "{}", f.stderr);
        let captured = f.stat("captured");
        assert!(captured >= 2000, "captured {captured}");
        assert_eq!(
            tcpdump_lines(p).len() as u64,
            captured,
            "file count vs captured line"
        );
    }
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn size_rotation_keeps_count_valid_files() {
    let net = Net::new(false, true);
    let dir = TmpDir::new("files-rotate");
    let path = dir.join("r.pcap");
    let p = path.to_str().unwrap();
    let cap = net.capture(&["-w", p, "-C", "1", "-W", "3"]);
    // About 6 MB of frames: every file fills and the ring of three wraps.
    flood(&net, 4500, 1300);
    let f = cap.stop();
    assert!(f.status.success(), "{}", f.stderr);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["r.pcap0", "r.pcap1", "r.pcap2"]);
    for n in &names {
        let p = dir.join(n);
        let size = std::fs::metadata(&p).unwrap().len();
        assert!(size <= 1_000_000 + 1600, "{n} is {size} bytes");
        assert!(
            !tcpdump_lines(p.to_str().unwrap()).is_empty(),
            "{n} is empty or invalid"
        );
    }
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn time_rotation_stops_after_count_files() {
    let net = Net::new(false, true);
    let dir = TmpDir::new("files-rotate-time");
    let pattern = dir.join("t-%H%M%S.pcap");
    let cap = net.capture(&["-w", pattern.to_str().unwrap(), "-G", "1", "-W", "2"]);
    // Traffic for up to 6 s: netdump must stop by itself after its second file.
    let ip = net.ip_b.clone();
    for _ in 0..30 {
        let _ = Command::new("ip")
            .args(["netns", "exec", &net.a, "ping", "-c", "1", "-W", "1", &ip])
            .output();
        if cap.exited() {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let f = cap.wait(Duration::from_secs(5));
    assert!(f.status.success(), "{}", f.stderr);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    for n in &names {
        assert!(
            n.starts_with("t-") && n.ends_with(".pcap") && n.len() == "t-HHMMSS.pcap".len(),
            "{n}"
        );
        tcpdump_lines(dir.join(n).to_str().unwrap());
    }
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn offloaded_vlan_tag_is_written_into_the_file() {
    let net = Net::new(false, true);
    let dir = TmpDir::new("files-vlan");
    let path = dir.join("v.pcapng");
    let p = path.to_str().unwrap();
    let cap = net.capture(&["-w", p, "-Q", "in", "-c", "1"]);
    send_raw(&net.a, &net.va, &vlan_udp_frame(&net, 20));
    let f = cap.wait(Duration::from_secs(10));
    assert!(f.status.success(), "{}", f.stderr);
    let rows = tool(&[
        "tshark",
        "-r",
        p,
        "-T",
        "fields",
        "-e",
        "vlan.id",
        "-e",
        "udp.dstport",
        "-e",
        "frame.len",
    ]);
    assert_eq!(rows.trim(), "20\t40002\t78", "{rows}");
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn streams_to_a_pipe() {
    let net = Net::new(false, true);
    // netdump -w - -U | tcpdump -r -
    let mut nd = Command::new("ip")
        .args([
            "netns", "exec", &net.b, BIN, "-i", &net.vb, "-w", "-", "-U", "-c", "2", "-Q", "in",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let reader = Command::new("tcpdump")
        .args(["-n", "-t", "-r", "-"])
        .stdin(nd.stdout.take().unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    net.in_a(&["ping", "-c", "2", "-i", "0.2", "-W", "2", &net.ip_b]);
    let out = reader.wait_with_output().unwrap();
    let _ = nd.wait();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines.iter().all(|l| l.contains("ICMP echo request")),
        "{text}"
    );
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn unwritable_file_is_one_clear_line_and_nothing_attached() {
    let net = Net::new(false, true);
    let out = Command::new("ip")
        .args([
            "netns",
            "exec",
            &net.b,
            BIN,
            "-i",
            &net.vb,
            "-w",
            "/nonexistent-dir/x.pcap",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("netdump: cannot create /nonexistent-dir/x.pcap: "),
        "{err}"
    );
    assert_eq!(loaded_netdump_programs(), 0);
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn full_disk_is_one_clear_line_and_keeps_what_was_written() {
    let net = Net::new(false, true);
    let dir = TmpDir::new("files-full");
    // A 64 KiB tmpfs: about 40 full-size packets fit.
    let _mnt = Tmpfs::mount(&dir, "64k");
    let file = dir.join("full.pcap");
    let cap = net.capture(&["-w", file.to_str().unwrap(), "-U"]);
    flood(&net, 300, 1300);
    let f = cap.wait(Duration::from_secs(10));
    assert!(!f.status.success(), "a full disk is an error");
    let err: Vec<&str> = f
        .stderr
        .lines()
        .filter(|l| l.starts_with("netdump: ") && !l.contains("listening on"))
        .collect();
    assert_eq!(err.len(), 1, "{}", f.stderr);
    assert!(
        err[0].contains(&format!("write {}", file.display()))
            && err[0].contains("No space left on device"),
        "{}",
        err[0]
    );
    // What was written before the disk filled is still readable.
    let out = Command::new("tcpdump")
        .args(["-n", "-r"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).lines().count() >= 10,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(loaded_netdump_programs(), 0);
}
