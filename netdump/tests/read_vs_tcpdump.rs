//! `netdump -r` against `tcpdump -r` on the same files: crafted frames written to a pcap,
//! then rewritten by tcpdump, editcap and tshark (small snaplen, nanoseconds, pcapng) and by
//! hand (big-endian, records above the snaplen, FCS bits in the link type, truncation, Linux
//! cooked v2). Both programs must print the same text, say the same error, exit alike.
//!
//! Needs `tcpdump`, `editcap` and `tshark` (`cargo xtask test` installs them); no root, no
//! network.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

mod corpus;

struct Run {
    code: i32,
    stdout: String,
    /// stderr without tcpdump's "reading from file" line, program name replaced by `PROG`.
    stderr: String,
}

fn run(program: &str, args: &[&str], file: &Path) -> Run {
    let out = Command::new(program)
        .args(["-n", "-r"])
        .arg(file)
        .args(args)
        .env("TZ", "UTC")
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed for this test ({e}): apt-get install tcpdump tshark (cargo xtask test does)"));
    let stderr = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("reading from file "))
        .map(|l| {
            l.replacen("tcpdump: ", "PROG: ", 1)
                .replacen("netdump: ", "PROG: ", 1)
        })
        .collect::<Vec<_>>()
        .join("\n");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    }
}

/// Both programs on `file` with `args`: same output, same error, same exit code.
fn same(file: &Path, args: &[&str]) -> Run {
    let theirs = run("tcpdump", args, file);
    let ours = run(env!("CARGO_BIN_EXE_netdump"), args, file);
    let name = file.file_name().unwrap().to_string_lossy();
    if ours.stdout != theirs.stdout {
        let diff: Vec<String> = ours
            .stdout
            .lines()
            .zip(theirs.stdout.lines())
            .filter(|(a, b)| a != b)
            .take(5)
            .map(|(a, b)| format!("  netdump: {a}\n  tcpdump: {b}"))
            .collect();
        panic!(
            "{name} {args:?}: output differs ({} lines vs tcpdump's {}):\n{}",
            ours.stdout.lines().count(),
            theirs.stdout.lines().count(),
            diff.join("\n")
        );
    }
    assert_eq!(ours.stderr, theirs.stderr, "{name} {args:?}: stderr");
    assert_eq!(ours.code, theirs.code, "{name} {args:?}: exit code");
    ours
}

/// Keeps of a `-e -xx` listing what the reader decides (timestamps, link-level header and
/// original length, the captured bytes), not how the protocols above are dissected: frames
/// cut at a small snaplen are where netdump's printer and tcpdump's may still disagree.
fn frames_only(listing: &str) -> String {
    listing
        .lines()
        .map(|l| match l.find("), length ") {
            Some(at) if !l.starts_with('\t') => match l[at..].find(": ") {
                Some(end) => &l[..at + end + 1],
                None => l,
            },
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Both programs on a file of cut frames, compared as [`frames_only`] keeps them.
fn same_frames(file: &Path) {
    let theirs = run("tcpdump", &["-e", "-xx"], file);
    let ours = run(env!("CARGO_BIN_EXE_netdump"), &["-e", "-xx"], file);
    let name = file.file_name().unwrap().to_string_lossy();
    let (ours_f, theirs_f) = (frames_only(&ours.stdout), frames_only(&theirs.stdout));
    if ours_f != theirs_f {
        let diff: Vec<String> = ours_f
            .lines()
            .zip(theirs_f.lines())
            .filter(|(a, b)| a != b)
            .take(5)
            .map(|(a, b)| format!("  netdump: {a}\n  tcpdump: {b}"))
            .collect();
        panic!("{name}: frames differ:\n{}", diff.join("\n"));
    }
    assert_eq!(ours.stderr, theirs.stderr, "{name}: stderr");
    assert_eq!(ours.code, theirs.code, "{name}: exit code");
}

fn tool(args: &[&str]) {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .unwrap_or_else(|e| panic!("{args:?}: {e} (apt-get install tcpdump tshark)"));
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "netdump-read-vs-tcpdump-{}-{tag}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A little-endian microsecond pcap: header fields, then records.
fn pcap(snaplen: u32, link: u32, records: &[(u32, u32, &[u8])]) -> Vec<u8> {
    let mut f = 0xa1b2_c3d4u32.to_le_bytes().to_vec();
    f.extend(2u16.to_le_bytes());
    f.extend(4u16.to_le_bytes());
    for x in [0u32, 0, snaplen, link] {
        f.extend(x.to_le_bytes());
    }
    for (i, (caplen, len, data)) in records.iter().enumerate() {
        for x in [1_700_000_000u32, 1000 * i as u32, *caplen, *len] {
            f.extend(x.to_le_bytes());
        }
        f.extend(*data);
    }
    f
}

/// The same file with every header field in big-endian order.
fn big_endian(le: &[u8]) -> Vec<u8> {
    let mut f = le.to_vec();
    let swap = |f: &mut [u8], at: usize, n: usize| f[at..at + n].reverse();
    swap(&mut f, 0, 4);
    swap(&mut f, 4, 2);
    swap(&mut f, 6, 2);
    for at in [8, 12, 16, 20] {
        swap(&mut f, at, 4);
    }
    let mut at = 24;
    while at + 16 <= f.len() {
        let caplen = u32::from_le_bytes(f[at + 8..at + 12].try_into().unwrap()) as usize;
        for field in 0..4 {
            swap(&mut f, at + 4 * field, 4);
        }
        at += 16 + caplen;
    }
    f
}

/// An Ethernet frame inside a Linux cooked v2 header.
fn sll2(frame: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(&frame[12..14]); // protocol
    v.extend([0, 0]); // reserved
    v.extend(7u32.to_be_bytes()); // ifindex
    v.extend(1u16.to_be_bytes()); // ARPHRD_ETHER
    v.push(0); // to us
    v.push(6);
    v.extend(&frame[6..12]);
    v.extend([0, 0]);
    v.extend(&frame[14..]);
    v
}

#[test]
fn netdump_reads_what_tcpdump_reads() {
    let dir = tmpdir("formats");
    let frames = corpus::corpus();
    let records: Vec<(u32, u32, &[u8])> = frames
        .iter()
        .map(|(_, f)| (f.len() as u32, f.len() as u32, f.as_slice()))
        .collect();
    let base = pcap(262_144, 1, &records);
    let file = |name: &str| dir.join(name);
    std::fs::write(file("in.pcap"), &base).unwrap();
    let p = |name: &str| file(name).to_string_lossy().into_owned();

    // The frames as written, and with a filter.
    let all = same(&file("in.pcap"), &[]);
    assert_eq!(
        all.stdout
            .lines()
            .filter(|l| !l.starts_with([' ', '\t']))
            .count(),
        frames.len()
    );
    same(&file("in.pcap"), &["udp or icmp"]);

    // Nanosecond timestamps, written by tcpdump. (tcpdump -r -s 60 -w keeps the file's
    // snaplen: editcap cuts frames.)
    tool(&[
        "tcpdump",
        "--time-stamp-precision",
        "nano",
        "-r",
        &p("in.pcap"),
        "-w",
        &p("nano.pcap"),
    ]);
    same(&file("nano.pcap"), &[]);
    tool(&[
        "editcap",
        "-F",
        "pcap",
        "-s",
        "60",
        &p("in.pcap"),
        &p("small.pcap"),
    ]);
    same_frames(&file("small.pcap"));

    // pcapng from Wireshark's tools, whole and cut to 60 bytes.
    tool(&[
        "tshark",
        "-r",
        &p("in.pcap"),
        "-F",
        "pcapng",
        "-w",
        &p("tshark.pcapng"),
    ]);
    same(&file("tshark.pcapng"), &[]);
    same(&file("tshark.pcapng"), &["tcp"]);
    tool(&[
        "editcap",
        "-F",
        "pcapng",
        "-s",
        "60",
        &p("in.pcap"),
        &p("small.pcapng"),
    ]);
    same_frames(&file("small.pcapng"));

    // Big-endian.
    std::fs::write(file("be.pcap"), big_endian(&base)).unwrap();
    same(&file("be.pcap"), &[]);

    // Records longer than the file's snaplen (libpcap cuts them), and the FCS bits.
    std::fs::write(file("over.pcap"), pcap(60, 1, &records)).unwrap();
    same_frames(&file("over.pcap"));
    std::fs::write(file("fcs.pcap"), pcap(65535, 0x4400_0001, &records)).unwrap();
    same(&file("fcs.pcap"), &[]);

    // Linux cooked v2: the same packets match the same filter, whatever the printer says.
    let cooked: Vec<Vec<u8>> = frames.iter().map(|(_, f)| sll2(f)).collect();
    let sll_records: Vec<(u32, u32, &[u8])> = cooked
        .iter()
        .map(|f| (f.len() as u32, f.len() as u32, f.as_slice()))
        .collect();
    std::fs::write(file("sll2.pcap"), pcap(65535, 276, &sll_records)).unwrap();
    for filter in ["udp", "tcp port 80", "icmp or arp"] {
        let theirs = run("tcpdump", &[filter], &file("sll2.pcap"));
        let ours = run(env!("CARGO_BIN_EXE_netdump"), &[filter], &file("sll2.pcap"));
        assert_eq!((ours.code, theirs.code), (0, 0), "{}", ours.stderr);
        let packets = |s: &str| s.lines().filter(|l| !l.starts_with([' ', '\t'])).count();
        assert_eq!(
            packets(&ours.stdout),
            packets(&theirs.stdout),
            "sll2 '{filter}'"
        );
    }
    // `-r X -w Y` keeps X's link type: tcpdump reads the rewritten files as it reads X.
    let original = run("tcpdump", &["-e"], &file("sll2.pcap"));
    for name in ["rewritten.pcap", "rewritten.pcapng"] {
        let out = Command::new(env!("CARGO_BIN_EXE_netdump"))
            .arg("-r")
            .arg(file("sll2.pcap"))
            .arg("-w")
            .arg(file(name))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let again = run("tcpdump", &["-e"], &file(name));
        assert_eq!(again.code, 0, "{name}: {}", again.stderr);
        assert_eq!(again.stdout, original.stdout, "{name}");
    }
}

#[test]
fn truncated_files_print_what_they_have_then_the_same_error() {
    let dir = tmpdir("truncated");
    let frames = corpus::corpus();
    let records: Vec<(u32, u32, &[u8])> = frames
        .iter()
        .take(6)
        .map(|(_, f)| (f.len() as u32, f.len() as u32, f.as_slice()))
        .collect();
    let base = pcap(262_144, 1, &records);
    let third = 24
        + records[..2]
            .iter()
            .map(|r| 16 + r.0 as usize)
            .sum::<usize>();
    // Inside the file header, inside a record header, inside a record's data.
    for (name, cut) in [
        ("header", 10),
        ("record-header", third + 9),
        ("data", third + 30),
    ] {
        let path = dir.join(format!("{name}.pcap"));
        std::fs::write(&path, &base[..cut]).unwrap();
        let r = same(&path, &[]);
        assert_eq!(r.code, 1, "{name}");
        assert!(
            r.stderr.contains("truncated dump file"),
            "{name}: {}",
            r.stderr
        );
    }
    // The same for pcapng, cut inside its last block.
    let ng = dir.join("cut.pcapng");
    let whole = dir.join("whole.pcap");
    std::fs::write(&whole, &base).unwrap();
    tool(&[
        "editcap",
        "-F",
        "pcapng",
        &whole.to_string_lossy(),
        &ng.to_string_lossy(),
    ]);
    let bytes = std::fs::read(&ng).unwrap();
    std::fs::write(&ng, &bytes[..bytes.len() - 10]).unwrap();
    let r = same(&ng, &[]);
    assert!(
        r.stderr.contains("truncated pcapng dump file"),
        "{}",
        r.stderr
    );
}
