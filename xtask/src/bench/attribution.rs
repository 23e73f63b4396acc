//! `cargo xtask bench --attribution`: what process attribution (`--context`) costs.
//!
//! The small-packet flood of the main bench (trafgen's 60-byte UDP frames into B's veth,
//! captured at B's ingress, `-s 128 -Q in -B 2048 -w /dev/null`), with and without
//! `--context`, capturing everything and with `udp`: the flood's rate and the capture
//! process's CPU (bpf_stats off), then the programs' in-place ns per packet (bpf_stats on, in
//! separate rounds). The flood's frames come from a packet socket, so no socket owns them:
//! every lookup walks all its steps (the flow table does not apply to UDP; the source port,
//! then the destination port) and misses, the most a packet can cost. The recording hooks
//! at the cgroup root run for sockets' own events, not per captured packet; the
//! cgroup_skb egress learner runs for every IP packet sent on the host and is counted in
//! place with the capture's programs (the bench sends none through IP sockets).

use std::{fmt::Write as _, path::Path};

use anyhow::Result;

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
    let flood = rounds("attribution: flood", set.clone(), n, |c| {
        measure(c, || send_flood(&conf, frames))
    })?;
    let in_place = {
        let _stats = super::bpf::enable_stats()?;
        rounds(
            "attribution: in place (bpf_stats on)",
            set.into_iter().skip(1).collect(),
            n.min(3),
            |c| measure_in(c, true, || send_flood(&conf, frames)),
        )?
    };
    drop(net);

    let mut report = format!(
        "\nAttribution's cost: {frames} x 60-byte UDP frames (trafgen) captured at B's ingress, -s 128 -Q in -B 2048 -w /dev/null;\nmedian of {n} interleaved rounds [min-max] (rate, CPU), in place from {} rounds with bpf_stats on.\n",
        n.min(3)
    );
    let _ = writeln!(
        report,
        "{:<44} {:>17} {:>11} {:>20}",
        "contender", "flood kpps", "CPU s/Mpkt", "in place ns/pkt"
    );
    let cpu = |s: &Sample| s.proc_cpu / (frames as f64 / 1e6);
    let mut rows = Vec::new();
    for m in &flood {
        let (rate, lo, hi) = median(m, |s| s.rate);
        let ip = in_place
            .iter()
            .find(|x| x.contender.name == m.contender.name)
            .map(|x| median(x, ns_per_pkt));
        let c = median(m, cpu).0;
        let _ = writeln!(
            report,
            "{:<44} {:>17} {:>11} {:>20}",
            m.contender.name,
            format!("{:.0} [{:.0}-{:.0}]", rate / 1e3, lo / 1e3, hi / 1e3),
            if m.contender.is_tool() {
                format!("{c:.3}")
            } else {
                "-".into()
            },
            ip.map_or("-".into(), |(v, lo, hi)| format!(
                "{v:.0} [{lo:.0}-{hi:.0}]"
            ))
        );
        rows.push((m.contender.name.clone(), rate, c, ip.map(|x| x.0)));
    }
    let _ = writeln!(report, "\n--context against the same capture without it:");
    for (name, rate, c, ip) in &rows {
        let Some(base) = name.strip_suffix(" --context") else {
            continue;
        };
        let Some((_, brate, bc, bip)) = rows.iter().find(|r| r.0 == base) else {
            continue;
        };
        let pct = |a: f64, b: f64| 100.0 * (a / b - 1.0);
        let in_place = match (ip, bip) {
            (Some(a), Some(b)) => {
                let p = pct(*a, *b);
                format!(
                    "in place {p:+.1}% ({})",
                    if p <= 10.0 {
                        "goal +10%: met"
                    } else {
                        "goal +10%: missed"
                    }
                )
            }
            _ => "in place -".into(),
        };
        let _ = writeln!(
            report,
            "   {base:<36} rate {:+.1}%, CPU {:+.1}%, {in_place}",
            pct(*rate, *brate),
            pct(*c, *bc)
        );
    }
    println!("{report}");
    std::fs::write(out_dir.join("attribution.txt"), &report)?;
    Ok(())
}
