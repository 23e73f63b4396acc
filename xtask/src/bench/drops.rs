//! `cargo xtask bench --drops`: what `--drops` costs the host.
//!
//! 1. A flood where nothing is dropped: B forwards A's frames to a dummy device, which
//!    consumes them (`dev_kfree_skb`, the consume path, not `kfree_skb`). The flood's rate
//!    with the drop program attached, against no capture.
//! 2. A flood where every frame is dropped (UDP to a port with no socket: NO_SOCKET), with an
//!    expression that matches none of them: the rate, and the drop program's own cost per
//!    freed packet in place (`kernel.bpf_stats_enabled`, from a separate run: the stats' clock
//!    reads slow what they time), the translated filter's tail call included.
//!
//! Rounds are interleaved; the table shows medians with min/max, and the raw numbers go to
//! `target/bench/drops.json`. Namespaces and the dummy go away with the guard.

use std::{fmt::Write as _, path::Path, process::Command};

use anyhow::{bail, Context as _, Result};

use super::{
    bench_net, measure, send_flood, stats, trafgen_conf, trafgen_conf_to, Contender, NS_B, VB,
};

/// The dummy device in B that swallows the forwarded flood, and the prefix routed to it.
const DUMMY: &str = "ndbench-sink";
const SINK_NET: &str = "198.18.201.0/24";
const SINK_IP: [u8; 4] = [198, 18, 201, 1];

fn in_b(args: &[&str]) -> Result<String> {
    let out = Command::new("ip")
        .args(["netns", "exec", NS_B])
        .args(args)
        .output()
        .with_context(|| format!("run {args:?}"))?;
    if !out.status.success() {
        bail!("{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Packets the dummy device has sent (swallowed).
fn sink_tx() -> Result<u64> {
    let text = in_b(&[
        "cat",
        &format!("/sys/class/net/{DUMMY}/statistics/tx_packets"),
    ])?;
    text.trim().parse().context("tx_packets")
}

/// (run_time_ns, run_cnt) of the loaded program named `name`, from bpftool's JSON (one
/// object per program, each starting with its "id").
fn prog_stats(name: &str) -> Result<(u64, u64)> {
    let out = Command::new("bpftool")
        .args(["-j", "prog", "show"])
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let key = format!("\"name\":\"{name}\",");
    let at = text
        .find(&key)
        .with_context(|| format!("no program {name} loaded"))?;
    let start = text[..at].rfind("{\"id\":").unwrap_or(0);
    let end = text[at..].find("{\"id\":").map_or(text.len(), |e| at + e);
    let obj = &text[start..end];
    let num = |field: &str| -> u64 {
        obj.split(&format!("\"{field}\":"))
            .nth(1)
            .and_then(|r| r.split([',', '}']).next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0)
    };
    Ok((num("run_time_ns"), num("run_cnt")))
}

/// Sets `kernel.bpf_stats_enabled`; returns what it was.
fn bpf_stats(on: bool) -> Result<String> {
    let path = "/proc/sys/kernel/bpf_stats_enabled";
    let was = std::fs::read_to_string(path)?.trim().to_string();
    std::fs::write(path, if on { "1" } else { "0" })?;
    Ok(was)
}

fn netdump(netdump: &Path, name: &str, expr: &[&str]) -> Contender {
    let mut cmd: Vec<String> = [
        netdump.display().to_string(),
        "-i".into(),
        VB.into(),
        "--drops".into(),
        "-w".into(),
        "/dev/null".into(),
    ]
    .into();
    cmd.extend(expr.iter().map(|s| s.to_string()));
    Contender {
        name: name.into(),
        cmd: Some(cmd),
    }
}

pub fn run(root: &Path, netdump_bin: &Path, quick: bool) -> Result<()> {
    let (frames, rounds) = if quick {
        (300_000u64, 3usize)
    } else {
        (2_000_000, 5)
    };
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir)?;
    let net = bench_net()?;
    in_b(&["ip", "link", "add", DUMMY, "type", "dummy"])?;
    in_b(&["ip", "link", "set", DUMMY, "up"])?;
    in_b(&["ip", "route", "add", SINK_NET, "dev", DUMMY])?;
    in_b(&["sysctl", "-qw", "net.ipv4.ip_forward=1"])?;
    let consumed = trafgen_conf_to(&net, &out_dir, SINK_IP, "consumed.trafgen")?;
    let dropped = trafgen_conf(&net, &out_dir)?;
    let floor = Contender {
        name: "no capture (floor)".into(),
        cmd: None,
    };
    let drops_all = netdump(netdump_bin, "netdump --drops", &[]);
    let drops_none = netdump(
        netdump_bin,
        "netdump --drops udp port 9",
        &["udp", "port", "9"],
    );
    let mut report = String::new();
    let mut json = String::from("{");

    // 1. Nothing dropped.
    println!(
        "bench --drops: {frames} frames forwarded to a dummy (nothing dropped), {rounds} rounds"
    );
    let set = [&floor, &drops_all];
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); set.len()];
    for round in 0..rounds {
        for (i, c) in set.iter().enumerate() {
            let before = sink_tx()?;
            let s = measure(c, || send_flood(&consumed, frames))?;
            let swallowed = sink_tx()? - before;
            if swallowed < frames * 99 / 100 {
                bail!(
                    "only {swallowed} of {frames} frames reached the sink: the flood was dropped"
                );
            }
            if c.cmd.is_some() && s.captured != 0 {
                println!(
                    "  note: {} drops shown in a flood that should have none",
                    s.captured
                );
            }
            println!("  round {} {:<28} {:>9.0} pps", round + 1, c.name, s.rate);
            rates[i].push(s.rate);
        }
    }
    let (floor_rate, fmin, fmax) = stats(&rates[0]);
    let (rate, rmin, rmax) = stats(&rates[1]);
    let _ = writeln!(
        report,
        "\n1. Nothing dropped: {frames} x 60-byte UDP frames forwarded by B to a dummy device (consumed), median of {rounds} interleaved rounds [min-max]"
    );
    let _ = writeln!(
        report,
        "   no capture      {:>6.0} kpps [{:.0}-{:.0}]",
        floor_rate / 1e3,
        fmin / 1e3,
        fmax / 1e3
    );
    let _ = writeln!(
        report,
        "   netdump --drops {:>6.0} kpps [{:.0}-{:.0}]  {:+.1}% against no capture",
        rate / 1e3,
        rmin / 1e3,
        rmax / 1e3,
        100.0 * (rate / floor_rate - 1.0)
    );
    let _ = write!(
        json,
        "\"nothing_dropped\":{{\"floor\":{:?},\"drops\":{:?}}}",
        rates[0], rates[1]
    );

    // 2. Every frame dropped, and an expression matching none of them.
    println!("bench --drops: {frames} frames to a port without a socket (every one dropped), {rounds} rounds");
    let set = [&floor, &drops_none];
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); set.len()];
    for round in 0..rounds {
        for (i, c) in set.iter().enumerate() {
            let s = measure(c, || send_flood(&dropped, frames))?;
            println!("  round {} {:<28} {:>9.0} pps", round + 1, c.name, s.rate);
            rates[i].push(s.rate);
        }
    }
    let (floor_rate, fmin, fmax) = stats(&rates[0]);
    let (rate, rmin, rmax) = stats(&rates[1]);
    let _ = writeln!(
        report,
        "\n2. Every frame dropped (NO_SOCKET), an expression matching none: {frames} frames, median of {rounds} rounds [min-max]"
    );
    let _ = writeln!(
        report,
        "   no capture                 {:>6.0} kpps [{:.0}-{:.0}]",
        floor_rate / 1e3,
        fmin / 1e3,
        fmax / 1e3
    );
    let _ = writeln!(
        report,
        "   netdump --drops udp port 9 {:>6.0} kpps [{:.0}-{:.0}]  {:+.1}% against no capture",
        rate / 1e3,
        rmin / 1e3,
        rmax / 1e3,
        100.0 * (rate / floor_rate - 1.0)
    );
    let _ = write!(
        json,
        ",\"every_frame_dropped\":{{\"floor\":{:?},\"drops_no_match\":{:?}}}",
        rates[0], rates[1]
    );

    // 3. In-place cost per freed packet, with the kernel's stats on.
    let was = bpf_stats(true)?;
    let mut costs = Vec::new();
    let result = (|| -> Result<()> {
        for c in [&drops_none, &drops_all] {
            let mut per = Vec::new();
            for _ in 0..rounds.min(3) {
                let mut got = (0, 0);
                measure(c, || {
                    let r = send_flood(&dropped, frames);
                    got = prog_stats("netdump_drop")?;
                    r
                })?;
                per.push(got.0 as f64 / got.1.max(1) as f64);
            }
            costs.push((c.name.clone(), per));
        }
        Ok(())
    })();
    let _ = std::fs::write("/proc/sys/kernel/bpf_stats_enabled", was);
    result?;
    let _ = writeln!(
        report,
        "\n3. The drop program in place (bpf_stats, a tail-called filter included): ns per freed packet, median [min-max]"
    );
    json.push_str(",\"ns_per_drop\":{");
    for (i, (name, per)) in costs.iter().enumerate() {
        let (m, lo, hi) = stats(per);
        let _ = writeln!(report, "   {name:<28} {m:>6.0} ns [{lo:.0}-{hi:.0}]");
        let _ = write!(json, "{}{name:?}:{per:?}", if i > 0 { "," } else { "" });
    }
    json.push_str("}}");
    println!("{report}");
    std::fs::write(out_dir.join("drops.json"), json)?;
    drop(net);
    Ok(())
}
