//! netdump's printer against tcpdump's: the same frames written to a pcap file, printed by
//! `tcpdump -n -t -r` and by netdump's printer, must give the same text, flag set by flag set.
//!
//! Needs the `tcpdump` binary (`cargo xtask test` installs it); no root.

use std::{path::Path, process::Command, time::Duration};

use netdump::{
    packet::{Direction, Hook, Packet, Timestamp},
    print::{DissectOptions, Dump, PrintOptions, Printer, TimeFormat},
};
use pcap_file::pcap::{PcapPacket, PcapWriter};

mod corpus;

use corpus::{corpus, truncated};

fn write_pcap(path: &Path, frames: &[(Vec<u8>, u32)]) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = PcapWriter::new(file).unwrap();
    for (i, (data, orig)) in frames.iter().enumerate() {
        let pkt = PcapPacket::new(
            Duration::from_micros(1_700_000_000_000_000 + i as u64),
            *orig,
            data,
        );
        w.write_packet(&pkt).unwrap();
    }
}

fn tcpdump(path: &Path, flags: &[&str]) -> String {
    let out = Command::new("tcpdump")
        .args(["-n", "-t", "-r"])
        .arg(path)
        .args(flags)
        .output()
        .expect("tcpdump is needed for this test: apt-get install tcpdump (cargo xtask test does)");
    assert!(
        out.status.success(),
        "tcpdump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn netdump(frames: &[(Vec<u8>, u32)], dissect: DissectOptions, dump: Dump) -> String {
    let mut printer = Printer::new(PrintOptions {
        dissect,
        time: TimeFormat::None,
        dump,
        iface_prefix: false,
        hook_tag: false,
        context: false,
        ..PrintOptions::default()
    });
    let mut out = Vec::new();
    for (data, orig) in frames {
        let pkt = Packet {
            ts: Timestamp::default(),
            ifname: "veth0",
            netns: None,
            direction: Direction::Unknown,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type: netdump::packet::LinkType::ETHERNET,
            orig_len: *orig,
            data,
            drop: None,
            owner: None,
            cgroup: None,
        };
        printer.print(&mut out, &pkt).unwrap();
    }
    String::from_utf8(out).unwrap()
}

/// Splits both outputs per packet and reports every packet that differs.
fn compare(names: &[&str], ours: &str, theirs: &str, flags: &[&str]) -> usize {
    let split = |s: &str| -> Vec<String> {
        // A packet starts on a line that is not indented.
        let mut v: Vec<String> = Vec::new();
        for line in s.lines() {
            if line.starts_with('\t') || line.starts_with("    ") || v.is_empty() {
                if v.is_empty() {
                    v.push(line.to_string());
                } else {
                    let last = v.last_mut().unwrap();
                    last.push('\n');
                    last.push_str(line);
                }
            } else {
                v.push(line.to_string());
            }
        }
        v
    };
    let (o, t) = (split(ours), split(theirs));
    assert_eq!(
        o.len(),
        t.len(),
        "packet count differs for {flags:?}:\nnetdump:\n{ours}\ntcpdump:\n{theirs}"
    );
    let mut bad = 0;
    for (i, (a, b)) in o.iter().zip(&t).enumerate() {
        if a != b {
            bad += 1;
            eprintln!("{flags:?} {}:\n  netdump: {a}\n  tcpdump: {b}", names[i]);
        }
    }
    bad
}

fn run(flags: &[&str], dissect: DissectOptions, dump: Dump) {
    let dir = std::env::temp_dir().join(format!(
        "netdump-printer-{}{}",
        std::process::id(),
        flags.join("")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut names: Vec<&str> = Vec::new();
    let mut frames: Vec<(Vec<u8>, u32)> = Vec::new();
    for (name, f) in corpus() {
        names.push(name);
        let len = f.len() as u32;
        frames.push((f, len));
    }
    for (name, f, keep) in truncated() {
        names.push(name);
        let len = f.len() as u32;
        frames.push((f[..keep].to_vec(), len));
    }
    let path = dir.join(format!("corpus{}.pcap", flags.join("")));
    write_pcap(&path, &frames);
    let theirs = tcpdump(&path, flags);
    let ours = netdump(&frames, dissect, dump);
    if matches!(dump, Dump::Ascii { .. }) {
        // -A lines are not indented, so packets cannot be told apart: compare the whole text.
        let _ = std::fs::remove_dir_all(&dir);
        if ours != theirs {
            for (i, (a, b)) in ours.lines().zip(theirs.lines()).enumerate() {
                if a != b {
                    panic!("{flags:?} line {i} differs:\n  netdump: {a:?}\n  tcpdump: {b:?}");
                }
            }
            let (o, t) = (ours.lines().count(), theirs.lines().count());
            let tail: Vec<&str> = theirs.lines().skip(ours.lines().count().min(t)).collect();
            panic!("{flags:?}: outputs differ in length ({o} lines vs tcpdump's {t}); tcpdump goes on: {tail:?}; ours goes on: {:?}", ours.lines().skip(t).collect::<Vec<_>>());
        }
        eprintln!(
            "{flags:?}: {} packets print as tcpdump prints them",
            names.len()
        );
        return;
    }
    let bad = compare(&names, &ours, &theirs, flags);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        bad,
        0,
        "{bad} of {} packets print differently from tcpdump {flags:?}",
        names.len()
    );
    eprintln!(
        "{flags:?}: {} packets print as tcpdump prints them",
        names.len()
    );
}

#[test]
fn default_output_matches_tcpdump() {
    run(&[], DissectOptions::default(), Dump::None);
}

#[test]
fn link_header_output_matches_tcpdump() {
    let o = DissectOptions {
        link_header: true,
        ..Default::default()
    };
    run(&["-e"], o, Dump::None);
}

#[test]
fn verbose_output_matches_tcpdump() {
    let o = DissectOptions {
        verbose: 1,
        ..Default::default()
    };
    run(&["-v"], o, Dump::None);
}

#[test]
fn absolute_seq_and_quiet_match_tcpdump() {
    let o = DissectOptions {
        absolute_seq: true,
        ..Default::default()
    };
    run(&["-S"], o, Dump::None);
    let o = DissectOptions {
        quiet: true,
        ..Default::default()
    };
    run(&["-q"], o, Dump::None);
}

#[test]
fn hex_dumps_match_tcpdump() {
    let d = DissectOptions {
        suppress_default_print: true,
        ..Default::default()
    };
    run(&["-x"], d, Dump::Hex { link: false });
    run(&["-xx"], d, Dump::Hex { link: true });
    run(&["-X"], d, Dump::HexAscii { link: false });
    run(&["-XX"], d, Dump::HexAscii { link: true });
    // -A does not replace tcpdump's hex dump of unknown protocols; -x and -X do.
    run(
        &["-A"],
        DissectOptions::default(),
        Dump::Ascii { link: false },
    );
}

/// The corpus rewritten by tcpdump itself (`tcpdump -r corpus -w out`), as a file for `-r`.
fn tcpdump_written_corpus(tag: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("netdump-roundtrip-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut frames: Vec<(Vec<u8>, u32)> = corpus()
        .into_iter()
        .map(|(_, f)| {
            let len = f.len() as u32;
            (f, len)
        })
        .collect();
    for (_, f, keep) in truncated() {
        let len = f.len() as u32;
        frames.push((f[..keep].to_vec(), len));
    }
    let ours = dir.join("ours.pcap");
    write_pcap(&ours, &frames);
    let theirs = dir.join("tcpdump.pcap");
    let st = Command::new("tcpdump")
        .args(["-r"])
        .arg(&ours)
        .arg("-w")
        .arg(&theirs)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    (dir, theirs)
}

fn both(file: &Path, args: &[&str]) -> (String, String) {
    let nd = Command::new(env!("CARGO_BIN_EXE_netdump"))
        .arg("-n")
        .arg("-r")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    assert!(
        nd.status.success(),
        "netdump: {}",
        String::from_utf8_lossy(&nd.stderr)
    );
    let td = Command::new("tcpdump")
        .arg("-n")
        .arg("-r")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    assert!(
        td.status.success(),
        "tcpdump: {}",
        String::from_utf8_lossy(&td.stderr)
    );
    (
        String::from_utf8(nd.stdout).unwrap(),
        String::from_utf8(td.stdout).unwrap(),
    )
}

#[test]
fn reading_a_tcpdump_file_prints_what_tcpdump_prints() {
    let (dir, file) = tcpdump_written_corpus("plain");
    let (ours, theirs) = both(&file, &[]);
    assert_eq!(ours, theirs, "with timestamps, line for line");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn reading_with_a_filter_and_count_matches_tcpdump() {
    let (dir, file) = tcpdump_written_corpus("filter");
    for args in [
        vec!["udp"],
        vec!["tcp", "and", "port", "40080"],
        vec!["ip6", "or", "arp"],
        vec!["vlan", "20"],
        vec!["greater", "100"],
        vec!["-c", "3", "icmp"],
        vec!["-v", "tcp[tcpflags]", "&", "tcp-syn", "!=", "0"],
    ] {
        let (ours, theirs) = both(&file, &args);
        assert!(
            !theirs.is_empty(),
            "{args:?} matches nothing: a useless case"
        );
        assert_eq!(ours, theirs, "{args:?}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_filter_is_one_line_with_libpcaps_message() {
    let (dir, file) = tcpdump_written_corpus("bad");
    let out = Command::new(env!("CARGO_BIN_EXE_netdump"))
        .arg("-r")
        .arg(&file)
        .args(["tcp", "port"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("netdump: bad filter expression 'tcp port': "),
        "{err}"
    );
    assert!(err.contains("syntax error"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn unreadable_and_garbage_files_are_one_clear_line() {
    let dir = std::env::temp_dir().join(format!("netdump-badfiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let garbage = dir.join("garbage.pcap");
    std::fs::write(&garbage, b"this is not a capture file at all").unwrap();
    let truncated = dir.join("truncated.pcap");
    write_pcap(&truncated, &[(corpus()[0].1.clone(), 74)]);
    let bytes = std::fs::read(&truncated).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() - 10]).unwrap();
    for (path, want) in [
        (dir.join("missing.pcap"), "cannot open"),
        (garbage.clone(), "is not a pcap or pcapng file"),
        (truncated.clone(), ""),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_netdump"))
            .args(["-n", "-r"])
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        if want.is_empty() {
            // A file cut mid-packet: tcpdump reports it; so does netdump, in one line.
            assert!(!out.status.success(), "{err}");
        } else {
            assert!(!out.status.success());
            assert!(err.contains(want), "{err}");
        }
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
