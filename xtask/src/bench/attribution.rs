//! `cargo xtask bench --attribution`: what process attribution (`--context`) costs.
//!
//! The small-packet flood of the main bench (trafgen's 60-byte UDP frames into B's veth,
//! captured at B's ingress, `-s 128 -Q in -B 2048 -w /dev/null`), with and without
//! `--context`, capturing everything and with `udp`: the flood's rate, the capture
//! process's CPU and the whole machine's kernel time per frame (bpf_stats off; the issue's
//! goal is on the last), then the programs' in-place ns per packet (bpf_stats on, in separate
//! rounds, with the empty program, which shows what bpf_stats itself adds). Two scenarios:
//! 1. No socket owns the frames (they come from trafgen's packet socket, which the lookup
//!    skips, and no port of theirs was ever recorded, so the seen bytes skip the hash
//!    lookups). Their headers are paged (a packet socket's frame), which the copy in the ring
//!    record reads anyway.
//! 2. A UDP socket in B is bound to the destination port: every frame is attributed to it
//!    through the port table (one hash lookup that hits).
//!
//! The recording hooks at the cgroup root run for sockets' own events, not per captured
//! packet; the cgroup_skb egress learner runs for every IP packet sent on the host and is
//! counted in place with the capture's programs (the bench sends none through IP sockets).

use std::{fmt::Write as _, path::Path};

use anyhow::{Context as _, Result};

use super::{
    bench_net, measure, measure_in, rounds, send_flood, stats, trafgen_conf, Contender, Measured,
    Sample, Setup, Snap, Tool, MATCH_ALL,
};

/// netdump `-s 128` with `expr`, and the same with `--context`.
fn pair(netdump: &Path, expr: &'static str, tc: super::empty::TcAttach) -> [Contender; 2] {
    let plain = Contender::tool(Tool::Netdump, netdump, Snap::S128, expr, tc);
    [plain.clone(), with_context(plain)]
}

/// The same capture with attribution on (`--context`), under its own name.
pub(super) fn with_context(mut c: Contender) -> Contender {
    c.name = format!("{} --context", c.name);
    c.tool = None;
    if let Setup::Command(cmd) = &mut c.setup {
        cmd.insert(1, "--context".into());
    }
    c
}

fn median(m: &Measured, f: impl Fn(&Sample) -> f64) -> (f64, f64, f64) {
    stats(&m.samples.iter().map(f).collect::<Vec<_>>())
}

fn ns_per_pkt(s: &Sample) -> f64 {
    s.in_place
        .as_ref()
        .map_or(0.0, |(ns, runs, _)| *ns as f64 / (*runs).max(1) as f64)
}

pub fn run(root: &Path, netdump: &Path, quick: bool) -> Result<()> {
    let (frames, n) = if quick {
        (300_000u64, 3usize)
    } else {
        (2_000_000, 5)
    };
    let tc = super::empty::TcAttach::from_env()?;
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir)?;
    let net = bench_net()?;
    let conf = trafgen_conf(&net, &out_dir)?;
    let set: Vec<Contender> = std::iter::once(Contender::floor())
        .chain(pair(netdump, "", tc))
        .chain(pair(netdump, MATCH_ALL, tc))
        .collect();
    let mut report = scenario("1. No socket owns the frames", &set, tc, &conf, frames, n)?;
    {
        let _receiver = Receiver::bind(super::NS_B, 40001)?;
        report += &scenario(
            "2. A UDP socket in B bound to the frames' destination port owns them",
            &set,
            tc,
            &conf,
            frames,
            n,
        )?;
    }
    drop(net);
    println!("{report}");
    std::fs::write(out_dir.join("attribution.txt"), &report)?;
    Ok(())
}

/// A process in namespace `ns` holding a UDP socket bound to `port` (it never reads: the
/// flood fills its queue and the rest is dropped there, the same for every contender).
struct Receiver(std::process::Child);

impl Receiver {
    fn bind(ns: &str, port: u16) -> Result<Receiver> {
        let code = format!(
            "import socket, sys, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('0.0.0.0', {port}))\nprint('bound', flush=True)\ntime.sleep(3600)"
        );
        let mut child = std::process::Command::new("ip")
            .args(["netns", "exec", ns, "python3", "-c", &code])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .context("run python3 for the bench's UDP receiver")?;
        let mut line = String::new();
        let out = child.stdout.take().context("receiver stdout")?;
        std::io::BufRead::read_line(&mut std::io::BufReader::new(out), &mut line)?;
        if line.trim() != "bound" {
            let _ = child.kill();
            let _ = child.wait();
            anyhow::bail!("the bench's UDP receiver did not bind port {port}");
        }
        Ok(Receiver(child))
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One scenario's rounds and its part of the report.
fn scenario(
    title: &str,
    set: &[Contender],
    tc: super::empty::TcAttach,
    conf: &Path,
    frames: u64,
    n: usize,
) -> Result<String> {
    let flood = rounds(
        &format!("attribution: {title}: flood"),
        set.to_vec(),
        n,
        |c| measure(c, || send_flood(conf, frames)),
    )?;
    // In place: netdump's contenders and the empty program, whose figure is mostly what
    // bpf_stats itself adds to every run (two clock reads), so that the programs' own time
    // can be told apart from it.
    let in_place = {
        let _stats = super::bpf::enable_stats()?;
        rounds(
            &format!("attribution: {title}: in place (bpf_stats on)"),
            std::iter::once(Contender::empty(tc))
                .chain(set.iter().filter(|c| c.is_tool()).cloned())
                .collect(),
            n,
            |c| measure_in(c, true, || send_flood(conf, frames)),
        )?
    };
    let mut report = format!(
        "\nAttribution's cost, {title}: {frames} x 60-byte UDP frames (trafgen) captured at B's ingress, -s 128 -Q in -B 2048 -w /dev/null;\nmedian of {n} interleaved rounds [min-max]: rate, the capture's CPU and the whole machine's kernel time (system + irq + softirq:\nthe flood's sending, its path through the stack, the programs and the capture's syscalls) with bpf_stats off; in place from {n} rounds with it on.\n"
    );
    let _ = writeln!(
        report,
        "{:<44} {:>17} {:>11} {:>15} {:>20}",
        "contender", "flood kpps", "CPU s/Mpkt", "kernel ns/pkt", "in place ns/pkt"
    );
    let cpu = |s: &Sample| s.proc_cpu / (frames as f64 / 1e6);
    let kernel = |s: &Sample| s.kernel * 1e9 / frames as f64;
    let in_place_of = |name: &str| {
        in_place
            .iter()
            .find(|x| x.contender.name == name)
            .map(|x| median(x, ns_per_pkt))
    };
    let empty = in_place_of(&Contender::empty(tc).name).map(|x| x.0);
    let mut rows = Vec::new();
    // The flood's rows, then the empty program's, which has only an in-place figure.
    let empty_row = in_place
        .iter()
        .filter(|m| matches!(m.contender.setup, Setup::Empty(_)));
    for m in flood.iter().chain(empty_row) {
        let is_flood = !matches!(m.contender.setup, Setup::Empty(_));
        let (rate, lo, hi) = median(m, |s| s.rate);
        let ip = in_place_of(&m.contender.name);
        let c = median(m, cpu).0;
        let (k, klo, khi) = median(m, kernel);
        let _ = writeln!(
            report,
            "{:<44} {:>17} {:>11} {:>15} {:>20}",
            m.contender.name,
            if is_flood {
                format!("{:.0} [{:.0}-{:.0}]", rate / 1e3, lo / 1e3, hi / 1e3)
            } else {
                "-".into()
            },
            if m.contender.is_tool() {
                format!("{c:.3}")
            } else {
                "-".into()
            },
            if is_flood {
                format!("{k:.0} [{klo:.0}-{khi:.0}]")
            } else {
                "-".into()
            },
            ip.map_or("-".into(), |(v, lo, hi)| format!(
                "{v:.0} [{lo:.0}-{hi:.0}]"
            ))
        );
        rows.push((m.contender.name.clone(), rate, c, k, ip.map(|x| x.0)));
    }
    let _ = writeln!(
        report,
        "\n--context against the same capture without it (goal: at most 10% more kernel time per packet):"
    );
    let pct = |a: f64, b: f64| 100.0 * (a / b - 1.0);
    for (name, rate, c, k, ip) in &rows {
        let Some(base) = name.strip_suffix(" --context") else {
            continue;
        };
        let Some((_, brate, bc, bk, bip)) = rows.iter().find(|r| r.0 == base) else {
            continue;
        };
        let p = pct(*k, *bk);
        let goal = if p <= 10.0 { "met" } else { "missed" };
        let in_place = match (ip, bip) {
            (Some(a), Some(b)) => {
                let net = empty
                    .filter(|e| *b > *e)
                    .map_or("-".into(), |e| format!("{:+.1}%", pct(a - e, b - e)));
                format!(
                    "in place {:+.1}%, over the empty program's {net}",
                    pct(*a, *b)
                )
            }
            _ => "in place -".into(),
        };
        let _ = writeln!(
            report,
            "   {base:<36} kernel time {p:+.1}% (goal {goal}), rate {:+.1}%, CPU {:+.1}%, {in_place}",
            pct(*rate, *brate),
            pct(*c, *bc)
        );
    }
    Ok(report)
}
