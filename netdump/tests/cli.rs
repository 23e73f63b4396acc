//! Bad command lines: each gets one clear line on stderr and a non-zero exit, and fails
//! before anything is loaded into the kernel. No root needed (as root, nothing is attached
//! either: every case fails before loading).

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_netdump");

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_command_lines_get_one_clear_line() {
    let big_filter = "tcp and ".repeat(12_800) + "(";
    let dir = std::env::temp_dir().join(format!("netdump-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let unreadable = dir.join("unreadable.pcap");
    std::fs::write(&unreadable, b"").unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--no-such-flag"],
            "unexpected argument '--no-such-flag'",
        ),
        (
            vec!["-s", "999999"],
            "snapshot length 999999 is out of range",
        ),
        (vec!["-s", "lots"], "snapshot length 'lots' is not a number"),
        (vec!["-c", "0"], "packet count must be at least 1"),
        (vec!["-c", "-5"], "unexpected argument '-5'"),
        (vec!["-B", "1"], "buffer size 1 KiB is out of range"),
        (
            vec!["-B", "99999999"],
            "buffer size 99999999 KiB is out of range",
        ),
        (vec!["-i"], "a value is required for '--interface <IFACE>'"),
        (
            vec!["-i", "no-such-if0"],
            "no interface named 'no-such-if0' (interfaces here: ",
        ),
        (
            vec!["-i", "eth0; rm -rf /"],
            "interface name 'eth0; rm -rf /' is not valid",
        ),
        (
            vec!["-i", "lo,no-such-if0"],
            "no interface named 'no-such-if0' (interfaces here: ",
        ),
        (
            vec!["-i", "nd-no-such*"],
            "no interface matches 'nd-no-such*' (interfaces here: ",
        ),
        (
            vec!["-i", "veth[0-"],
            "interface pattern 'veth[0-' is not valid",
        ),
        (vec!["-i", "lo", &big_filter], "bad filter expression"),
        (
            vec!["-i", "lo", "inbound"],
            "'inbound' in 'inbound' needs a live libpcap handle",
        ),
        (
            vec!["-r", "/no/such/file.pcap"],
            "cannot open /no/such/file.pcap",
        ),
        (
            vec!["-r", unreadable.to_str().unwrap()],
            "is not a pcap or pcapng file",
        ),
        (
            vec!["-w", "-", "--print"],
            "-w - writes the capture to standard output, so --print cannot print there too",
        ),
        (vec!["-C", "1"], "-C needs -w FILE"),
        (vec!["-w", "x.pcap", "-W", "3"], "-W needs -C or -G"),
        (vec!["--hook", "xdp"], "unknown hook 'xdp'"),
        (
            vec!["--drops", "-Q", "in"],
            "-Q selects a direction, and a drop has none: -Q cannot be used with --drops",
        ),
        (
            vec!["--hook", "tc,drops", "-Q", "out"],
            "-Q cannot be used with --drops",
        ),
        (
            vec!["--drops", "-s", "headers"],
            "-s headers is not supported with --drops",
        ),
        (
            vec!["--drops", "-r", "x.pcap"],
            "--drops watches the running kernel: it cannot be used with -r",
        ),
        (vec!["--sample", "0"], "--sample must be at least 1"),
        (
            vec!["--tc-attach", "sideways"],
            "invalid value 'sideways' for '--tc-attach <TC_ATTACH>'",
        ),
        (
            vec!["--netns", "nd-no-such-ns"],
            "no network namespace named 'nd-no-such-ns'",
        ),
        (
            vec!["--netns", "/etc/passwd"],
            "/etc/passwd is not a network namespace",
        ),
        (vec!["--netns", "pid:x"], "pid:PID takes a process id"),
        (
            vec!["--netns", "all", "-r", "x.pcap"],
            "--netns applies to live captures, not to -r",
        ),
        (
            vec!["--netns", "all", "-w", "x.pcap"],
            "--netns all cannot write a pcap file",
        ),
        (
            vec!["--netns", "all", "--hook", "tc,socket"],
            "--netns all cannot use --hook socket",
        ),
    ];
    for (args, want) in &cases {
        let (code, err) = run(args);
        let shown: Vec<&str> = args
            .iter()
            .map(|a| if a.len() > 40 { "<100 KB filter>" } else { a })
            .collect();
        assert_ne!(code, 0, "{shown:?} succeeded");
        assert_eq!(
            err.lines().count(),
            1,
            "{shown:?} printed more than one line: {err}"
        );
        assert!(err.starts_with("netdump: "), "{shown:?}: {err}");
        assert!(err.contains(want), "{shown:?}: want {want:?} in {err}");
        assert!(!err.contains("panicked"), "{shown:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
