//! Offline differential tests' plumbing: frames written to a pcap file (cut to a snap length
//! as a capture would cut them), and that file printed by netdump or tcpdump.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::{path::Path, process::Command, time::Duration};

use pcap_file::pcap::{PcapPacket, PcapWriter};

/// Writes `frames` to `path`, one microsecond apart, each cut to `snaplen` if given.
pub fn write_pcap(path: &Path, frames: &[(&str, Vec<u8>)], snaplen: Option<usize>) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = PcapWriter::new(file).unwrap();
    for (i, (_, data)) in frames.iter().enumerate() {
        let cut = snaplen.map_or(data.len(), |s| s.min(data.len()));
        let pkt = PcapPacket::new(
            Duration::from_micros(1_700_000_000_000_000 + i as u64),
            data.len() as u32,
            &data[..cut],
        );
        w.write_packet(&pkt).unwrap();
    }
}

/// `program -n -t -r file flags`, in UTC, its standard output.
pub fn run(program: &str, file: &Path, flags: &[&str]) -> String {
    let out = Command::new(program)
        .env("TZ", "GMT0")
        .args(["-n", "-t", "-r"])
        .arg(file)
        .args(flags)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed for this test ({e}): apt-get install tcpdump")
        });
    String::from_utf8_lossy(&out.stdout).into_owned()
}
