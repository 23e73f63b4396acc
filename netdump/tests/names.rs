//! Names without `-n`: netdump's output against tcpdump's on the same captures, both run
//! with the same /etc/hosts and a resolver that answers nothing, inside a mount and
//! network namespace of their own (`unshare -mn`: no lookup can leave the machine; the
//! resolver address is loopback, where nothing listens).
//!
//! Needs root (bind mounts) and tcpdump.

use std::{path::Path, process::Command, time::Duration};

use pcap_file::pcap::{PcapPacket, PcapWriter};

mod common;
mod corpus;

use common::TmpDir;

const NETDUMP: &str = env!("CARGO_BIN_EXE_netdump");

/// Host names for the corpus's addresses (198.18.0.1/2, 2001:2::1/2 in build.rs).
const HOSTS: &str = "127.0.0.1 localhost\n\
                     198.18.0.1 alpha.example.test alpha\n\
                     2001:2::1 six-alpha.example.test\n\
                     2001:2::2 six-beta.example.test\n\
                     198.18.0.2 beta.example.test\n";

fn write_pcap(path: &Path, frames: &[Vec<u8>]) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = PcapWriter::new(file).unwrap();
    for (i, data) in frames.iter().enumerate() {
        let ts = Duration::from_micros(1_700_000_000_000_000 + i as u64);
        w.write_packet(&PcapPacket::new(ts, data.len() as u32, data))
            .unwrap();
    }
}

/// `program -t -r file flags` with `dir`'s hosts and resolv.conf, no network.
fn sandboxed(dir: &Path, program: &str, file: &Path, flags: &[&str]) -> String {
    let script = "ip link set lo up && mount --bind \"$0/hosts\" /etc/hosts && \
                  mount --bind \"$0/resolv.conf\" /etc/resolv.conf && exec \"$@\"";
    let out = Command::new("unshare")
        .args(["-mn", "sh", "-c", script])
        .arg(dir)
        .args([program, "-t", "-r"])
        .arg(file)
        .args(flags)
        .env("TZ", "UTC")
        .output()
        .expect("unshare (util-linux) is needed");
    assert!(
        out.status.success(),
        "{program} {flags:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[ignore = "needs root (bind mounts in a mount namespace): cargo xtask test"]
fn names_match_tcpdump_without_n() {
    let dir = TmpDir::new("names");
    std::fs::write(dir.join("hosts"), HOSTS).unwrap();
    std::fs::write(
        dir.join("resolv.conf"),
        "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n",
    )
    .unwrap();
    let mut frames: Vec<Vec<u8>> = corpus::corpus().into_iter().map(|(_, f)| f).collect();
    // Ports /etc/services names (http, discard, ssh, daytime) in both directions.
    for (s, d) in [(40000, 80), (9, 40001), (22, 13)] {
        use corpus::{Ip::*, L4, *};
        let tcp = corpus::Tcp {
            ports: (s, d),
            seq: 1,
            ack: 0,
            win: 512,
            flags: "S",
            urp: 0,
            opts: &[],
        };
        frames.push(build(AB, V4(A, B, 64), L4::Tcp(tcp), b""));
        frames.push(build(AB, V6(A6, B6, 64), L4::Udp(d, s), b"y"));
    }
    let file = dir.join("names.pcap");
    write_pcap(&file, &frames);
    let mut named = 0;
    for flags in [&[][..], &["-e"], &["-v"], &["-N"], &["-e", "-N", "-v"]] {
        let theirs = sandboxed(&dir, "tcpdump", &file, flags);
        let ours = sandboxed(&dir, NETDUMP, &file, flags);
        for (t, o) in theirs.lines().zip(ours.lines()) {
            assert_eq!(o, t, "flags {flags:?}");
        }
        assert_eq!(
            ours.lines().count(),
            theirs.lines().count(),
            "flags {flags:?}"
        );
        named += ours.matches("alpha").count();
        assert!(
            ours.contains(".http") && ours.contains(".discard"),
            "{ours}"
        );
    }
    assert!(named > 10, "the hosts file's names were never printed");
    // And -n still prints numbers.
    let numeric = sandboxed(&dir, NETDUMP, &file, &["-n"]);
    assert!(!numeric.contains("alpha") && numeric.contains("198.18.0.1"));
}
