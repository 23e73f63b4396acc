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

/// What `cargo xtask suite` does with tcpdump's TESTLIST.
pub struct TestlistOptions {
    pub only: Option<String>,
    pub list: bool,
    pub show: Option<String>,
}

/// One line of TESTLIST: name, input file, expected output, flags.
struct Test {
    name: String,
    input: String,
    args: String,
}

fn testlist(dir: &Path) -> Result<Vec<Test>> {
    let text = std::fs::read_to_string(dir.join("TESTLIST")).context("read TESTLIST")?;
    Ok(text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let (name, input, _output) = (w.next()?, w.next()?, w.next()?);
            let args: Vec<&str> = w.collect();
            let mut args = args.join(" ");
            // TESTrun: SPECIAL_t keeps the test's own time flag, the rest get -tttt.
            if args.contains("SPECIAL_t") {
                args = args.replace(" SPECIAL_t", "").replace("SPECIAL_t", "");
            } else {
                args = format!("-tttt {args}");
            }
            Some(Test {
                name: name.to_string(),
                input: input.to_string(),
                args,
            })
        })
        .collect())
}

/// Runs one test's command line the way TESTrun does (through the shell, so quoted
/// expressions in the flags work), with a time limit.
fn run_test(program: &Path, dir: &Path, t: &Test) -> Result<Output> {
    let cmd = format!(
        "exec timeout 30 '{}' -# -n -r '{}' {}",
        program.display(),
        dir.join(&t.input).display(),
        t.args
    );
    Command::new("sh")
        .args(["-c", &cmd])
        .env("TZ", "GMT0")
        .output()
        .with_context(|| format!("run {}", program.display()))
}

/// Packets of `-#` output: each starts with a right-aligned number and two spaces; the
/// lines after it (until the next number) belong to it.
fn numbered(out: &str) -> BTreeMap<u64, Vec<&str>> {
    let mut packets: BTreeMap<u64, Vec<&str>> = BTreeMap::new();
    let mut current = None;
    for line in out.lines() {
        let t = line.trim_start();
        let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let number =
            (digits > 0 && t[digits..].starts_with("  ") && line.len() - t.len() + digits >= 5)
                .then(|| t[..digits].parse::<u64>().ok())
                .flatten();
        match number {
            Some(n) => {
                current = Some(n);
                packets.entry(n).or_default().push(line);
            }
            None => {
                if let Some(n) = current {
                    packets.entry(n).or_default().push(line);
                }
            }
        }
    }
    packets
}

/// One test's figures.
#[derive(Default)]
struct Figures {
    packets: usize,
    first_same: usize,
    lines: usize,
    lines_same: usize,
    identical: bool,
}

fn compare(theirs: &str, ours: &str) -> Figures {
    let (t, o) = (numbered(theirs), numbered(ours));
    let mut f = Figures {
        identical: theirs == ours,
        ..Figures::default()
    };
    for (n, tl) in &t {
        f.packets += 1;
        f.lines += tl.len();
        let Some(ol) = o.get(n) else { continue };
        f.first_same += usize::from(tl.first() == ol.first());
        f.lines_same += tl.iter().zip(ol).filter(|(a, b)| a == b).count();
    }
    f
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        100.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

pub fn run_testlist(dir: &Path, netdump: &Path, opts: &TestlistOptions) -> Result<()> {
    let tcpdump = Path::new("tcpdump");
    let words: Vec<String> = opts
        .only
        .as_deref()
        .map(|o| o.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let tests: Vec<Test> = testlist(dir)?
        .into_iter()
        .filter(|t| {
            words.is_empty()
                || words
                    .iter()
                    .any(|w| t.name.contains(w.as_str()) || t.input.contains(w.as_str()))
        })
        .filter(|t| opts.show.as_deref().is_none_or(|s| s == t.name))
        .collect();
    // By link type (tcpdump's name for it), then over all.
    let mut by_link: BTreeMap<String, (usize, Figures, usize)> = BTreeMap::new();
    let mut rejected = Vec::new();
    let mut failing = Vec::new();
    let mut worse = Vec::new();
    let mut listing = Vec::new();
    for t in &tests {
        let theirs = run_test(tcpdump, dir, t)?;
        let ours = run_test(netdump, dir, t)?;
        let (ts, os) = (
            String::from_utf8_lossy(&theirs.stdout),
            String::from_utf8_lossy(&ours.stdout),
        );
        if let Some(name) = &opts.show {
            let tmp = std::env::temp_dir();
            let (a, b) = (
                tmp.join(format!("{name}.tcpdump")),
                tmp.join(format!("{name}.netdump")),
            );
            std::fs::write(&a, ts.as_bytes())?;
            std::fs::write(&b, os.as_bytes())?;
            println!("{}: -# -n -r {} {}", t.name, t.input, t.args);
            let _ = Command::new("diff").arg("-u").arg(&a).arg(&b).status();
            print!("{}", String::from_utf8_lossy(&ours.stderr));
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&ours.stderr);
        // clap's words for a flag netdump does not have, or a value it refuses.
        if ours.status.code() == Some(2)
            && (stderr.contains("unexpected argument")
                || stderr.contains("invalid value")
                || stderr.contains("for -T"))
        {
            rejected.push(format!(
                "{} ({})",
                t.name,
                stderr.lines().next().unwrap_or("")
            ));
            continue;
        }
        if theirs.status.success() && !ours.status.success() {
            worse.push(format!(
                "{}: {}",
                t.name,
                stderr.lines().next().unwrap_or("")
            ));
        }
        let f = compare(&ts, &os);
        if !f.identical {
            failing.push(t.name.clone());
            listing.push(format!(
                "{:<40} {:>5} packets, first line {:5.1}%, lines {:5.1}%",
                t.name,
                f.packets,
                pct(f.first_same, f.packets),
                pct(f.lines_same, f.lines)
            ));
        }
        let e = by_link.entry(link_type(&theirs.stderr)).or_default();
        e.0 += 1;
        e.1.packets += f.packets;
        e.1.first_same += f.first_same;
        e.1.lines += f.lines;
        e.1.lines_same += f.lines_same;
        e.2 += usize::from(f.identical);
    }
    println!(
        "{} tests from {}/TESTLIST; {} refused by netdump's flags",
        tests.len(),
        dir.display(),
        rejected.len()
    );
    println!(
        "{:<14} {:>6} {:>10} {:>9} {:>9} {:>8} {:>8}",
        "link type", "tests", "identical", "packets", "1st line", "lines", "same"
    );
    let mut all = (0, Figures::default(), 0);
    for (link, (n, f, same)) in &by_link {
        println!(
            "{link:<14} {n:>6} {same:>10} {:>9} {:>8.1}% {:>8} {:>7.1}%",
            f.packets,
            pct(f.first_same, f.packets),
            f.lines,
            pct(f.lines_same, f.lines)
        );
        all.0 += n;
        all.1.packets += f.packets;
        all.1.first_same += f.first_same;
        all.1.lines += f.lines;
        all.1.lines_same += f.lines_same;
        all.2 += same;
    }
    let (n, f, same) = all;
    println!(
        "{:<14} {n:>6} {same:>10} {:>9} {:>8.1}% {:>8} {:>7.1}%",
        "all",
        f.packets,
        pct(f.first_same, f.packets),
        f.lines,
        pct(f.lines_same, f.lines)
    );
    if !worse.is_empty() {
        println!("tcpdump exits 0, netdump does not ({}):", worse.len());
        for w in &worse {
            println!("  {w}");
        }
    }
    if opts.list {
        println!("not identical ({}):", listing.len());
        for l in &listing {
            println!("  {l}");
        }
        println!("refused flags ({}):", rejected.len());
        for r in &rejected {
            println!("  {r}");
        }
    }
    Ok(())
}
