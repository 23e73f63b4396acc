//! The bench's tables, and issue 13's goals, each met or missed with its figure, from the
//! measured rounds; the raw numbers as JSON.

use std::{fmt::Write as _, path::Path};

use super::{
    percentile, stats, Measured, Plan, Sample, Setup, Snap, Tool, MATCH_ALL, MATCH_NONE, TCP_HOST,
};

/// What the run was: for the table's first lines.
pub struct Head {
    pub plan: Plan,
    pub commit: String,
    pub date: String,
    pub kernel: String,
    pub cpus: usize,
    pub tc_attach: &'static str,
    /// The 1-minute load average when the run started.
    pub load: String,
    pub minutes: f64,
}

pub struct Results<'a> {
    pub flood: &'a [Measured],
    pub in_place: &'a [Measured],
    pub tcp: &'a [Measured],
    pub scaling: &'a [Measured],
    pub cost_text: &'a str,
    pub latency: (&'a [f64], &'a [f64]),
}

/// The floor's min-max spread above which rate ratios are said to be within the noise.
const SPREAD_LIMIT: f64 = 0.05;

fn med(m: &Measured, f: impl Fn(&Sample) -> f64) -> (f64, f64, f64) {
    stats(&m.samples.iter().map(f).collect::<Vec<_>>())
}

fn ns_per_pkt(s: &Sample) -> Option<f64> {
    let (ns, runs, _) = s.in_place.as_ref()?;
    (*runs > 0).then(|| *ns as f64 / *runs as f64)
}

/// Median [min, max] of the in-place ns per packet, if any round had runs.
fn in_place_ns(m: &Measured) -> Option<(f64, f64, f64)> {
    let v: Vec<f64> = m.samples.iter().filter_map(ns_per_pkt).collect();
    (!v.is_empty()).then(|| stats(&v))
}

fn find<'a>(set: &'a [Measured], tool: Tool, snap: Snap, expr: &str) -> Option<&'a Measured> {
    set.iter()
        .find(|m| m.contender.tool == Some((tool, snap, expr)))
}

/// tcpdump with the same snap length and expression as netdump contender `m`.
fn pair<'a>(set: &'a [Measured], m: &Measured) -> Option<&'a Measured> {
    match m.contender.tool {
        Some((Tool::Netdump, snap, expr)) => find(set, Tool::Tcpdump, snap, expr),
        _ => None,
    }
}

fn floor(set: &[Measured]) -> Option<&Measured> {
    set.iter()
        .find(|m| matches!(m.contender.setup, Setup::Nothing))
}

fn empty(set: &[Measured]) -> Option<&Measured> {
    set.iter()
        .find(|m| matches!(m.contender.setup, Setup::Empty(_)))
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

/// CPU seconds per million packets: per frame sent for the flood (a filter that rejects
/// still costs per packet), per packet captured for TCP (GSO packets, counted by the tool).
fn cpu_per_mpkt(s: &Sample, per_frames: Option<u64>) -> f64 {
    let pkts = per_frames.unwrap_or(s.captured).max(1) as f64;
    s.proc_cpu / pkts * 1e6
}

pub fn render(head: &Head, r: &Results) -> String {
    let plan = head.plan;
    let frames = plan.frames;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "netdump bench, {}, commit {}, kernel {}, {} CPUs (load average {} at the start), TC programs attached with {}; {:.1} minutes",
        head.date, head.commit, head.kernel, head.cpus, head.load, head.tc_attach, head.minutes
    );
    if plan.quick {
        let _ = writeln!(
            out,
            "smoke run: figures not comparable (--quick: short floods, too few rounds)"
        );
    }
    let _ = writeln!(
        out,
        "Both tools: -i VETH -Q in -B 2048 -w /dev/null, at -s 128 or at their defaults (netdump 1518, tcpdump 262144)."
    );

    // 1. Flood.
    let _ = writeln!(
        out,
        "\n1. Small-packet flood: {frames} x 60-byte UDP frames (trafgen, 1 CPU) into the veth, captured at B's end (ingress).\n   Rates, CPU, RSS: median of {} interleaved rounds [min-max], bpf_stats off; captured% and dropped: the worst round.\n   In place: run_time_ns / run_cnt from bpf_stats in {} separate interleaved rounds, summed over the contender's programs.\n",
        plan.rounds, plan.stats_rounds
    );
    let _ = writeln!(
        out,
        "{:<52} {:>17} {:>7} {:>9} {:>7} {:>10} {:>6} {:>8} {:>14} {:>7}",
        "contender",
        "flood kpps",
        "x floor",
        "captured%",
        "dropped",
        "CPU s/Mpkt",
        "x tcpd",
        "peak RSS",
        "in place ns",
        "x empty"
    );
    let floor_rate = floor(r.flood).map_or(0.0, |f| med(f, |s| s.rate).0);
    let empty_ns = empty(r.in_place).and_then(in_place_ns).map(|x| x.0);
    let mut rows: Vec<(&str, Option<&Measured>, Option<&Measured>)> = r
        .flood
        .iter()
        .map(|m| {
            let name = m.contender.name.as_str();
            let ip = r.in_place.iter().find(|x| x.contender.name == name);
            (name, Some(m), ip)
        })
        .collect();
    for ip in r.in_place {
        if !r
            .flood
            .iter()
            .any(|m| m.contender.name == ip.contender.name)
        {
            rows.push((ip.contender.name.as_str(), None, Some(ip)));
        }
    }
    for (name, m, ip) in rows {
        let mut line = format!("{name:<52}");
        match m {
            Some(m) => {
                let (rate, lo, hi) = med(m, |s| s.rate);
                let _ = write!(
                    line,
                    " {:>17} {:>7.3}",
                    format!("{:.0} [{:.0}-{:.0}]", rate / 1e3, lo / 1e3, hi / 1e3),
                    rate / floor_rate.max(1.0)
                );
                if m.contender.is_tool() {
                    let worst_pct = m
                        .samples
                        .iter()
                        .map(|s| 100.0 * s.captured as f64 / frames as f64)
                        .fold(f64::INFINITY, f64::min);
                    let worst_drop = m.samples.iter().map(|s| s.dropped).max().unwrap_or(0);
                    let cpu = med(m, |s| cpu_per_mpkt(s, Some(frames))).0;
                    let vs = pair(r.flood, m)
                        .map(|p| med(p, |s| cpu_per_mpkt(s, Some(frames))).0)
                        .filter(|p| *p > 0.0)
                        .map_or("-".into(), |p| format!("{:.2}", cpu / p));
                    let rss = med(m, |s| s.rss_kib as f64).0 / 1024.0;
                    let _ = write!(
                        line,
                        " {:>9.1} {:>7} {:>10.3} {:>6} {:>8}",
                        worst_pct,
                        worst_drop,
                        cpu,
                        vs,
                        format!("{rss:.1} MiB")
                    );
                } else {
                    let _ = write!(
                        line,
                        " {:>9} {:>7} {:>10} {:>6} {:>8}",
                        "-", "-", "-", "-", "-"
                    );
                }
            }
            None => {
                let _ = write!(
                    line,
                    " {:>17} {:>7} {:>9} {:>7} {:>10} {:>6} {:>8}",
                    "-", "-", "-", "-", "-", "-", "-"
                );
            }
        }
        match ip.and_then(in_place_ns) {
            Some((ns, lo, hi)) => {
                let _ = write!(
                    line,
                    " {:>14} {:>7}",
                    format!("{ns:.0} [{lo:.0}-{hi:.0}]"),
                    empty_ns.map_or("-".into(), |e| format!("{:.2}", ns / e))
                );
            }
            None => {
                let _ = write!(line, " {:>14} {:>7}", "-", "-");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if let Some(f) = floor(r.flood) {
        let (m, lo, hi) = med(f, |s| s.rate);
        let spread = (hi - lo) / m.max(1.0);
        let _ = writeln!(
            out,
            "\n   floor's min-max spread: {:.1}% over {} rounds ({})",
            100.0 * spread,
            f.samples.len(),
            if spread < SPREAD_LIMIT {
                "under 5%: rate ratios above that are measured".to_string()
            } else {
                format!(
                    "NOT under 5%: rate differences within {:.1}% are noise",
                    100.0 * spread
                )
            }
        );
    }

    // 2. TCP bulk.
    let _ = writeln!(
        out,
        "\n2. TCP bulk: iperf3 -t {} A -> B over the veth (GSO packets), captured at B's ingress; median of {} rounds [min-max]\n",
        plan.tcp_secs, plan.tcp_rounds
    );
    let _ = writeln!(
        out,
        "{:<52} {:>19} {:>7} {:>9} {:>7} {:>10} {:>6} {:>8}",
        "contender", "Gbit/s", "x floor", "captured", "dropped", "CPU s/Mpkt", "x tcpd", "peak RSS"
    );
    let tcp_floor = floor(r.tcp).map_or(0.0, |f| med(f, |s| s.rate).0);
    for m in r.tcp {
        let (g, lo, hi) = med(m, |s| s.rate);
        let mut line = format!(
            "{:<52} {:>19} {:>7.3}",
            m.contender.name,
            format!("{g:.2} [{lo:.2}-{hi:.2}]"),
            g / tcp_floor.max(1e-9)
        );
        if m.contender.is_tool() {
            let captured = med(m, |s| s.captured as f64).0;
            let dropped = m.samples.iter().map(|s| s.dropped).max().unwrap_or(0);
            let cpu = med(m, |s| cpu_per_mpkt(s, None)).0;
            let vs = pair(r.tcp, m)
                .map(|p| med(p, |s| cpu_per_mpkt(s, None)).0)
                .filter(|p| *p > 0.0)
                .map_or("-".into(), |p| format!("{:.2}", cpu / p));
            let rss = med(m, |s| s.rss_kib as f64).0 / 1024.0;
            let _ = write!(
                line,
                " {:>9.0} {:>7} {:>10.3} {:>6} {:>8}",
                captured,
                dropped,
                cpu,
                vs,
                format!("{rss:.1} MiB")
            );
        }
        let _ = writeln!(out, "{line}");
    }

    // 2b. Two producing CPUs.
    let _ = writeln!(
        out,
        "\n2b. The same flood from 2 CPUs (trafgen --cpus 2: a veth delivers a frame on the CPU that sent it, so the programs run on both at once); median of {} rounds [min-max]\n",
        r.scaling.first().map_or(0, |m| m.samples.len())
    );
    let _ = writeln!(
        out,
        "{:<52} {:>19} {:>7} {:>9} {:>7}",
        "contender", "flood kpps", "x floor", "captured", "dropped"
    );
    let two_floor = floor(r.scaling).map_or(0.0, |f| med(f, |s| s.rate).0);
    for m in r.scaling {
        let (k, lo, hi) = med(m, |s| s.rate / 1000.0);
        let mut line = format!(
            "{:<52} {:>19} {:>7.3}",
            m.contender.name,
            format!("{k:.0} [{lo:.0}-{hi:.0}]"),
            k * 1000.0 / two_floor.max(1.0)
        );
        if m.contender.is_tool() {
            let captured = m.samples.iter().map(|s| s.captured).min().unwrap_or(0);
            let dropped = m.samples.iter().map(|s| s.dropped).max().unwrap_or(0);
            let _ = write!(line, " {captured:>9} {dropped:>7}");
        }
        let _ = writeln!(out, "{line}");
    }

    // 3. BPF_PROG_TEST_RUN.
    let _ = writeln!(out, "\n3. {}", r.cost_text);

    // 4. Latency.
    let _ = writeln!(
        out,
        "\n4. Latency from capture timestamp to printed line, {} pings at 20/s\n",
        plan.pings
    );
    let _ = writeln!(
        out,
        "{:<52} {:>10} {:>10} {:>8}",
        "contender", "median ms", "p99 ms", "lines"
    );
    for (name, v) in [("netdump -l", r.latency.0), ("tcpdump -l", r.latency.1)] {
        let _ = writeln!(
            out,
            "{:<52} {:>10.2} {:>10.2} {:>8}",
            name,
            percentile(v, 0.5),
            percentile(v, 0.99),
            v.len()
        );
    }

    goals(&mut out, head, r);
    out
}

/// Issue 13's goals, one line each: the figure, the goal, met or MISSED.
fn goals(out: &mut String, head: &Head, r: &Results) {
    let frames = head.plan.frames;
    let _ = writeln!(out, "\n5. Goals (issue 13), this run");
    // In place, as multiples of the empty program.
    let empty_ns = empty(r.in_place).and_then(in_place_ns).map(|x| x.0);
    for (expr, label, limit) in [
        ("", "capture all", 2.5),
        (MATCH_NONE, "'udp port 7' (matches nothing)", 1.3),
        (MATCH_ALL, "'udp' (matches all)", 3.0),
        (TCP_HOST, "'tcp port 443 and host X' (matches nothing)", 3.5),
    ] {
        let nd = find(r.in_place, Tool::Netdump, Snap::S128, expr).and_then(in_place_ns);
        let line = match (nd, empty_ns) {
            (Some((ns, _, _)), Some(e)) if e > 0.0 => format!(
                "{:.2}x empty ({ns:.0} against {e:.0} ns/pkt), goal <= {limit}x: {}",
                ns / e,
                verdict(ns / e <= limit)
            ),
            _ => "not measured (no runs counted)".into(),
        };
        let _ = writeln!(out, "   in place, -s 128, {label:<44} {line}");
    }
    // Rates, round by round.
    if let Some(f) = floor(r.flood) {
        for snap in [Snap::S128, Snap::Default] {
            let (Some(nd), Some(td)) = (
                find(r.flood, Tool::Netdump, snap, ""),
                find(r.flood, Tool::Tcpdump, snap, ""),
            ) else {
                continue;
            };
            let n = nd.samples.len().min(f.samples.len()).min(td.samples.len());
            let x_floor: Vec<f64> = (0..n)
                .map(|i| nd.samples[i].rate / f.samples[i].rate.max(1.0))
                .collect();
            let above_floor = x_floor.iter().filter(|x| **x >= 0.95).count();
            let above_td = (0..n)
                .filter(|&i| nd.samples[i].rate >= td.samples[i].rate)
                .count();
            let _ = writeln!(
                out,
                "   flood rate, capture all, {:<32} x floor per round [{}], >= 0.95 in {above_floor}/{n}: {}; >= tcpdump's in {above_td}/{n} rounds: {}",
                nd.contender.name,
                x_floor.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(" "),
                verdict(above_floor == n),
                verdict(above_td == n)
            );
        }
    }
    // CPU against tcpdump at the same snap length.
    for (set, what, per_frames) in [(r.flood, "flood", Some(frames)), (r.tcp, "TCP bulk", None)] {
        for snap in [Snap::S128, Snap::Default] {
            let (Some(nd), Some(td)) = (
                find(set, Tool::Netdump, snap, ""),
                find(set, Tool::Tcpdump, snap, ""),
            ) else {
                continue;
            };
            let a = med(nd, |s| cpu_per_mpkt(s, per_frames)).0;
            let b = med(td, |s| cpu_per_mpkt(s, per_frames)).0;
            let _ = writeln!(
                out,
                "   capture CPU, {what:<8} {:<27} {a:.3} against tcpdump's {b:.3} s/Mpkt = {:.2}x, goal <= 0.5x: {}",
                match snap {
                    Snap::S128 => "-s 128",
                    Snap::Default => "defaults (1518 vs 262144)",
                },
                a / b.max(1e-9),
                verdict(a <= 0.5 * b)
            );
        }
    }
    // Peak RSS.
    for snap in [Snap::S128, Snap::Default] {
        let (Some(nd), Some(td)) = (
            find(r.flood, Tool::Netdump, snap, ""),
            find(r.flood, Tool::Tcpdump, snap, ""),
        ) else {
            continue;
        };
        let a = med(nd, |s| s.rss_kib as f64).0 / 1024.0;
        let b = med(td, |s| s.rss_kib as f64).0 / 1024.0;
        let _ = writeln!(
            out,
            "   peak RSS (VmHWM), -B 2048, {:<27} {a:.1} MiB against tcpdump's {b:.1} MiB, goal <= tcpdump's: {}",
            match snap {
                Snap::S128 => "-s 128",
                Snap::Default => "defaults",
            },
            verdict(a <= b)
        );
    }
    // Every packet, no drops.
    for m in r.flood.iter().filter(|m| {
        matches!(m.contender.tool, Some((Tool::Netdump, _, e)) if e.is_empty() || e == MATCH_ALL)
    }) {
        let worst = m.samples.iter().map(|s| s.captured).min().unwrap_or(0);
        let drops: u64 = m.samples.iter().map(|s| s.dropped).sum();
        let _ = writeln!(
            out,
            "   100% captured, no drops, {:<40} fewest captured {worst}/{frames}, drops {drops} over {} rounds: {}",
            m.contender.name,
            m.samples.len(),
            verdict(worst >= frames && drops == 0)
        );
    }
    // Scaling: netdump's one ring against its per-CPU perf buffers and the floor, 2 CPUs.
    let two = |name: &str| {
        r.scaling
            .iter()
            .find(|m| m.contender.name.starts_with(name))
            .map(|m| med(m, |s| s.rate).0)
    };
    let line = match (
        two("no capture"),
        two("netdump -s 128 (one"),
        two("netdump -s 128 --transport perf"),
    ) {
        (Some(f), Some(ring), Some(perf)) if f > 0.0 => format!(
            "one ring {:.3}x floor, per-CPU perf buffers {:.3}x floor; ring >= 0.95x perf: {}",
            ring / f,
            perf / f,
            verdict(ring >= 0.95 * perf)
        ),
        _ => "not measured".into(),
    };
    let _ = writeln!(
        out,
        "   2 producing CPUs, capture all -s 128:{:<13} {line}",
        ""
    );
}

fn samples_json(v: &[Sample]) -> String {
    v.iter()
        .map(|s| {
            let (ns, runs, names) = s.in_place.clone().unwrap_or_default();
            format!(
                "{{\"rate\":{:.3},\"captured\":{},\"dropped\":{},\"proc_cpu_s\":{:.6},\"busy_jiffies\":{},\"kernel_s\":{:.2},\"peak_rss_kib\":{},\"in_place_ns\":{ns},\"in_place_runs\":{runs},\"programs\":{names:?}}}",
                s.rate, s.captured, s.dropped, s.proc_cpu, s.busy, s.kernel, s.rss_kib
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn set_json(set: &[Measured]) -> String {
    set.iter()
        .map(|m| {
            format!(
                "{{\"contender\":{:?},\"samples\":[{}]}}",
                m.contender.name,
                samples_json(&m.samples)
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Every sample of the run (flood rates in frames/s, TCP in Gbit/s).
pub fn json(
    head: &Head,
    flood: &[Measured],
    in_place: &[Measured],
    tcp: &[Measured],
    scaling: &[Measured],
    cost_json: &Path,
    latency: (&[f64], &[f64]),
) -> String {
    let round3 = |v: &[f64]| {
        v.iter()
            .map(|x| (x * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>()
    };
    format!(
        "{{\"date\":{:?},\"commit\":{:?},\"kernel\":{:?},\"quick\":{},\"frames\":{},\"tc_attach\":{:?},\"flood\":[{}],\"in_place\":[{}],\"tcp\":[{}],\"scaling\":[{}],\"kernel_cost\":{},\"latency_ms\":{{\"netdump\":{:?},\"tcpdump\":{:?}}}}}",
        head.date,
        head.commit,
        head.kernel,
        head.plan.quick,
        head.plan.frames,
        head.tc_attach,
        set_json(flood),
        set_json(in_place),
        set_json(tcp),
        set_json(scaling),
        std::fs::read_to_string(cost_json)
            .unwrap_or_else(|_| "null".into())
            .trim(),
        round3(latency.0),
        round3(latency.1)
    )
}
