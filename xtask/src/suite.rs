//! `cargo xtask suite DIR`: `netdump -r` against `tcpdump -r` on every capture file in DIR
//! (tcpdump's own test suite's `tests/`, for instance: `git archive HEAD tests` of
//! the-tcpdump-group/tcpdump). Counts the files each reads without error, the files where
//! both print as many packets and the same text, and lists the link types of the files
//! tcpdump reads and netdump does not. Nothing is written to DIR.

use std::{
    collections::BTreeMap,
    path::Path,
    process::{Command, Output},
};

use anyhow::{Context as _, Result};

fn read(program: &Path, file: &Path) -> Result<Output> {
    Command::new(program)
        .args(["-n", "-r"])
        .arg(file)
        .env("TZ", "UTC")
        .output()
        .with_context(|| format!("run {}", program.display()))
}

/// Lines that start a packet (continuation lines are indented).
fn packets(out: &[u8]) -> usize {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.starts_with([' ', '\t']))
        .count()
}

/// tcpdump's name for the file's link type, from its "reading from file" line.
fn link_type(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    text.split("link-type ")
        .nth(1)
        .and_then(|rest| rest.split([' ', ',']).next())
        .unwrap_or("-")
        .to_string()
}

pub fn run(dir: &Path, netdump: &Path) -> Result<()> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "pcap" || x == "pcapng" || x == "cap")
        })
        .collect();
    files.sort();
    let tcpdump = Path::new("tcpdump");
    let (mut tcpdump_ok, mut netdump_ok, mut same_count, mut same_text) = (0, 0, 0, 0);
    let mut failing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in &files {
        let theirs = read(tcpdump, file)?;
        let ours = read(netdump, file)?;
        tcpdump_ok += usize::from(theirs.status.success());
        netdump_ok += usize::from(ours.status.success());
        same_count += usize::from(packets(&theirs.stdout) == packets(&ours.stdout));
        same_text += usize::from(theirs.stdout == ours.stdout);
        if theirs.status.success() && !ours.status.success() {
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            let why = String::from_utf8_lossy(&ours.stderr);
            failing
                .entry(link_type(&theirs.stderr))
                .or_default()
                .push(format!("{name}: {}", why.lines().next().unwrap_or("")));
        }
    }
    println!("{} capture files in {}", files.len(), dir.display());
    println!("read without error: tcpdump {tcpdump_ok}, netdump {netdump_ok}");
    println!("same packet count: {same_count}; same text: {same_text}");
    for (link, names) in &failing {
        println!("tcpdump reads, netdump does not: {link} ({})", names.len());
        for n in names {
            println!("  {n}");
        }
    }
    Ok(())
}
