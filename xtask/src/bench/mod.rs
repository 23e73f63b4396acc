//! `cargo xtask bench`: netdump against tcpdump and against no capture at all, on the same
//! traffic, in one run: a small-packet flood, TCP bulk, per-packet kernel cost, and latency.
//!
//! Everything runs between two network namespaces this command creates (198.18.200.0/24) and
//! removes when it ends, also on failure. Contenders are interleaved and repeated; the table
//! shows medians with min/max; raw numbers go to `target/bench/`.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant, SystemTime},
};

use anyhow::{bail, Context as _, Result};

use crate::netns::{self, Net};

pub mod drops;

const NS_A: &str = "ndbench-a";
const NS_B: &str = "ndbench-b";
const VA: &str = "ndbench-va";
const VB: &str = "ndbench-vb";
const IP_A: &str = "198.18.200.1";
const IP_B: &str = "198.18.200.2";

/// The two namespaces and their veth pair (the same set-up as the integration tests');
/// removed when the returned guard drops.
fn bench_net() -> Result<Net> {
    // Leftovers of an interrupted run.
    netns::delete_namespace(NS_A);
    netns::delete_namespace(NS_B);
    let net = Net::create(&netns::Spec {
        ns: [NS_A, NS_B],
        veth: [VA, VB],
        subnet: 200,
        ipv6: false,
        static_neigh: true,
        lo_up: true,
    })?;
    debug_assert_eq!((net.ip_a.as_str(), net.ip_b.as_str()), (IP_A, IP_B));
    Ok(net)
}

/// A capture tool under test.
#[derive(Clone, Debug)]
struct Contender {
    name: String,
    /// The command, run inside namespace B; None for the floor (no capture).
    cmd: Option<Vec<String>>,
}

fn contenders(netdump: &Path, filters: bool) -> Vec<Contender> {
    let nd = netdump.display().to_string();
    let mut v = vec![
        Contender {
            name: "no capture (floor)".into(),
            cmd: None,
        },
        Contender {
            name: "netdump --hook tc".into(),
            cmd: Some(vec![
                nd.clone(),
                "-i".into(),
                VB.into(),
                "-w".into(),
                "/dev/null".into(),
            ]),
        },
        Contender {
            name: "netdump --hook socket".into(),
            cmd: Some(vec![
                nd.clone(),
                "-i".into(),
                VB.into(),
                "--hook".into(),
                "socket".into(),
                "-w".into(),
                "/dev/null".into(),
            ]),
        },
        Contender {
            name: "tcpdump -s 128".into(),
            cmd: Some(vec![
                "tcpdump".into(),
                "-i".into(),
                VB.into(),
                "-s".into(),
                "128".into(),
                "-w".into(),
                "/dev/null".into(),
            ]),
        },
    ];
    if filters {
        for (label, expr) in [
            ("filter matching nothing", "udp port 9"),
            ("filter matching all", "udp"),
        ] {
            v.push(Contender {
                name: format!("netdump tc, {label}"),
                cmd: Some(vec![
                    nd.clone(),
                    "-i".into(),
                    VB.into(),
                    "-w".into(),
                    "/dev/null".into(),
                    expr.into(),
                ]),
            });
            let mut td = vec![
                "tcpdump".into(),
                "-i".into(),
                VB.into(),
                "-s".into(),
                "128".into(),
                "-w".into(),
                "/dev/null".into(),
            ];
            td.extend(expr.split(' ').map(str::to_string));
            v.push(Contender {
                name: format!("tcpdump, {label}"),
                cmd: Some(td),
            });
        }
    }
    v
}

/// A running capture tool, its CPU time read from /proc.
struct Running {
    child: Child,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    reader: Option<thread::JoinHandle<()>>,
}

fn clk_tck() -> f64 {
    // SAFETY: sysconf has no preconditions.
    (unsafe { libc::sysconf(libc::_SC_CLK_TCK) }) as f64
}

/// utime + stime of `pid`, in seconds.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(") ").map(|x| x.1).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let t = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (t(11) + t(12)) / clk_tck()
}

fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// Busy and total jiffies of the whole machine.
fn machine_jiffies() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let v: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let total: u64 = v.iter().take(8).sum();
    let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
    (total - idle, total)
}

impl Running {
    fn start(cmd: &[String]) -> Result<Running> {
        let mut child = Command::new("ip")
            .args(["netns", "exec", NS_B])
            .args(cmd)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("start {cmd:?}"))?;
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let pipe = child.stderr.take().context("stderr")?;
        let sink = stderr.clone();
        let reader = thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let r = Running {
            child,
            stderr,
            reader: Some(reader),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = r.stderr.lock().unwrap().clone();
            if text.contains("listening on") {
                break;
            }
            if Instant::now() > deadline {
                bail!("{cmd:?} did not start: {text}");
            }
            thread::sleep(Duration::from_millis(20));
        }
        // tcpdump says "listening" before its ring is fully set up; give both a moment.
        thread::sleep(Duration::from_millis(300));
        Ok(r)
    }

    /// SIGINT, wait, and the numbers from the exit lines.
    fn stop(mut self) -> Result<(u64, u64, String)> {
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.child.try_wait()?.is_none() {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                bail!("capture did not exit");
            }
            thread::sleep(Duration::from_millis(20));
        }
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        let text = self.stderr.lock().unwrap().clone();
        let num = |what: &str| -> u64 {
            text.lines()
                .find(|l| l.contains(what))
                .and_then(|l| l.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        Ok((num("captured"), num("dropped by kernel"), text))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone, Debug, Default)]
struct Sample {
    rate: f64,
    captured: u64,
    dropped: u64,
    proc_cpu: f64,
    busy: u64,
    rss_kib: u64,
}

fn trafgen_conf(net: &Net, dir: &Path) -> Result<PathBuf> {
    trafgen_conf_to(net, dir, [198, 18, 200, 2], "flood.trafgen")
}

/// A trafgen configuration for 60-byte UDP frames from A to `dst` (through B's MAC), in
/// `dir/name`.
fn trafgen_conf_to(net: &Net, dir: &Path, dst: [u8; 4], name: &str) -> Result<PathBuf> {
    let mac = |m: &str| {
        m.split(':')
            .map(|b| format!("0x{b}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // 60-byte frames: Ethernet, IPv4, UDP 40000 -> 40001, 18 bytes of payload.
    let conf = format!(
        "{{\n  {},\n  {},\n  0x08, 0x00,\n  0x45, 0x00, 0x00, 46, 0x00, 0x00, 0x40, 0x00, 64, 17, csumip(14, 33),\n  198, 18, 200, 1,\n  {}, {}, {}, {},\n  0x9c, 0x40, 0x9c, 0x41, 0x00, 26, 0x00, 0x00,\n  fill(0x41, 18)\n}}\n",
        mac(&net.mac_b),
        mac(&net.mac_a),
        dst[0],
        dst[1],
        dst[2],
        dst[3]
    );
    let path = dir.join(name);
    std::fs::write(&path, conf)?;
    Ok(path)
}

/// Runs `traffic` with contender `c` capturing (if it captures at all) and measures around
/// it: the capture process's CPU and peak RSS, the whole machine's busy jiffies, and what the
/// capture reported at exit. `traffic` returns the rate it achieved.
fn measure(c: &Contender, traffic: impl FnOnce() -> Result<f64>) -> Result<Sample> {
    let running = match &c.cmd {
        Some(cmd) => Some(Running::start(cmd)?),
        None => None,
    };
    let pid = running.as_ref().map(|r| r.child.id());
    let cpu0 = pid.map(cpu_secs).unwrap_or(0.0);
    let (busy0, _) = machine_jiffies();
    let rate = traffic()?;
    let (busy1, _) = machine_jiffies();
    let cpu1 = pid.map(cpu_secs).unwrap_or(0.0);
    let rss = pid.map(peak_rss_kib).unwrap_or(0);
    let (captured, dropped) = match running {
        Some(r) => {
            let (c, d, _) = r.stop()?;
            (c, d)
        }
        None => (0, 0),
    };
    Ok(Sample {
        rate,
        captured,
        dropped,
        proc_cpu: cpu1 - cpu0,
        busy: busy1 - busy0,
        rss_kib: rss,
    })
}

fn flood_once(c: &Contender, conf: &Path, frames: u64) -> Result<Sample> {
    measure(c, || send_flood(conf, frames))
}

/// Sends `frames` frames of `conf` from A with trafgen (one CPU); returns the rate in frames
/// a second. Waits half a second afterwards for a capture to drain what is queued.
fn send_flood(conf: &Path, frames: u64) -> Result<f64> {
    {
        let t0 = Instant::now();
        let out = Command::new("ip")
            .args(["netns", "exec", NS_A, "trafgen", "--dev", VA, "--conf"])
            .arg(conf)
            .args([
                "--num",
                &frames.to_string(),
                "--cpus",
                "1",
                "--no-sock-mem",
                "--notouch-irq",
                "--no-cpu-stats",
            ])
            .output()
            .context("run trafgen (apt-get install netsniff-ng)")?;
        let secs = t0.elapsed().as_secs_f64();
        if !out.status.success() {
            bail!("trafgen: {}", String::from_utf8_lossy(&out.stderr));
        }
        // Let the capture drain what is still queued before stopping it.
        thread::sleep(Duration::from_millis(500));
        Ok(frames as f64 / secs)
    }
}

fn iperf_once(c: &Contender, secs: u32) -> Result<Sample> {
    let mut server = Command::new("ip")
        .args(["netns", "exec", NS_B, "iperf3", "-s", "-1", "-B", IP_B])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("start iperf3 (apt-get install iperf3)")?;
    thread::sleep(Duration::from_millis(300));
    let sample = measure(c, || {
        let out = Command::new("ip")
            .args([
                "netns",
                "exec",
                NS_A,
                "iperf3",
                "-c",
                IP_B,
                "-t",
                &secs.to_string(),
                "-J",
            ])
            .output()
            .context("run iperf3 client")?;
        let text = String::from_utf8_lossy(&out.stdout);
        let bps = text
            .split("\"sum_received\"")
            .nth(1)
            .and_then(|s| s.split("\"bits_per_second\":").nth(1))
            .and_then(|s| s.split([',', '}']).next())
            .and_then(|s| s.trim().parse::<f64>().ok())
            .context("iperf3 printed no received rate")?;
        Ok(bps / 1e9)
    });
    if sample.is_err() {
        // The client may never have connected: do not wait for a server that will not end.
        let _ = server.kill();
    }
    let _ = server.wait();
    sample
}

/// Milliseconds from a packet's capture timestamp to its printed line, at 20 pings a second.
fn latency(cmd: &[String], pings: u32) -> Result<Vec<f64>> {
    let mut child = Command::new("ip")
        .args(["netns", "exec", NS_B])
        .args(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().context("stdout")?;
    let lines = thread::spawn(move || {
        let mut got = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let now = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs_f64();
            got.push((now, line));
        }
        got
    });
    thread::sleep(Duration::from_millis(1500));
    let _ = Command::new("ip")
        .args([
            "netns",
            "exec",
            NS_A,
            "ping",
            "-c",
            &pings.to_string(),
            "-i",
            "0.05",
            "-W",
            "1",
            IP_B,
        ])
        .output();
    thread::sleep(Duration::from_millis(500));
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let _ = child.wait();
    let got = lines.join().map_err(|_| anyhow::anyhow!("reader thread"))?;
    Ok(got
        .iter()
        .filter(|(_, l)| l.contains("echo request"))
        .filter_map(|(at, l)| {
            let ts: f64 = l.split_whitespace().next()?.parse().ok()?;
            Some((at - ts) * 1000.0)
        })
        .collect())
}

fn stats(v: &[f64]) -> (f64, f64, f64) {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    if s.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    (s[s.len() / 2], s[0], s[s.len() - 1])
}

fn percentile(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    if s.is_empty() {
        return 0.0;
    }
    s[((s.len() as f64 - 1.0) * p).round() as usize]
}

pub struct BenchOptions {
    pub quick: bool,
}

pub fn run(root: &Path, netdump: &Path, filter_cost: &Path, opts: BenchOptions) -> Result<()> {
    let (frames, repeats, tcp_secs, pings) = if opts.quick {
        (300_000u64, 3usize, 3u32, 20u32)
    } else {
        (2_000_000, 3, 10, 60)
    };
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir)?;
    let net = bench_net()?;
    let conf = trafgen_conf(&net, &out_dir)?;
    let all = contenders(netdump, true);
    let mut report = String::new();
    let mut json = String::from("{");

    // 1. Flood.
    println!(
        "bench: flood of {frames} 60-byte UDP frames, {repeats} rounds, {} contenders",
        all.len()
    );
    let mut flood: BTreeMap<usize, Vec<Sample>> = BTreeMap::new();
    for round in 0..repeats {
        for (i, c) in all.iter().enumerate() {
            let s =
                flood_once(c, &conf, frames).with_context(|| format!("flood with {}", c.name))?;
            println!(
                "  round {} {:<34} {:>9.0} pps captured {:>8} dropped {:>8}",
                round + 1,
                c.name,
                s.rate,
                s.captured,
                s.dropped
            );
            flood.entry(i).or_default().push(s);
        }
    }
    let med = |v: &[Sample], f: fn(&Sample) -> f64| stats(&v.iter().map(f).collect::<Vec<_>>());
    let floor_rate = med(&flood[&0], |s| s.rate).0;
    let floor_busy = med(&flood[&0], |s| s.busy as f64).0;
    let _ = writeln!(report, "\n1. Small-packet flood: {frames} x 60-byte UDP frames (trafgen, 1 CPU) into the veth; capture on the receiving end.");
    let _ = writeln!(
        report,
        "   median of {repeats} interleaved rounds [min-max]\n"
    );
    let _ = writeln!(
        report,
        "{:<34} {:>22} {:>7} {:>10} {:>10} {:>16} {:>14} {:>9}",
        "contender",
        "flood kpps",
        "x floor",
        "captured%",
        "dropped",
        "proc CPU s/Mpkt",
        "busy-floor jif",
        "peak RSS"
    );
    json.push_str("\"flood\":[");
    for (i, c) in all.iter().enumerate() {
        let v = &flood[&i];
        let (r, rmin, rmax) = med(v, |s| s.rate);
        let captured = med(v, |s| s.captured as f64).0;
        let dropped = med(v, |s| s.dropped as f64).0;
        let cpu = med(v, |s| s.proc_cpu).0;
        let busy = med(v, |s| s.busy as f64).0 - floor_busy;
        let rss = med(v, |s| s.rss_kib as f64).0;
        // Per million frames sent: a filter that matches nothing still costs per packet.
        let pkts = frames as f64;
        let is_floor = c.cmd.is_none();
        let _ = writeln!(
            report,
            "{:<34} {:>8.0} [{:>5.0}-{:>5.0}] {:>7.2} {:>10} {:>10} {:>16} {:>14} {:>9}",
            c.name,
            r / 1000.0,
            rmin / 1000.0,
            rmax / 1000.0,
            r / floor_rate,
            if is_floor {
                "-".into()
            } else {
                format!("{:.1}", 100.0 * captured / frames as f64)
            },
            if is_floor {
                "-".into()
            } else {
                format!("{dropped:.0}")
            },
            if is_floor {
                "-".into()
            } else {
                format!("{:.3}", cpu / pkts * 1e6)
            },
            if is_floor {
                "-".into()
            } else {
                format!("{busy:.0}")
            },
            if is_floor {
                "-".into()
            } else {
                format!("{:.1} MiB", rss / 1024.0)
            },
        );
        let _ = write!(
            json,
            "{}{{\"contender\":{:?},\"samples\":[{}]}}",
            if i > 0 { "," } else { "" },
            c.name,
            v.iter()
                .map(|s| format!(
                    "{{\"pps\":{:.0},\"captured\":{},\"dropped\":{},\"proc_cpu_s\":{:.3},\"busy_jiffies\":{},\"peak_rss_kib\":{}}}",
                    s.rate, s.captured, s.dropped, s.proc_cpu, s.busy, s.rss_kib
                ))
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    json.push(']');

    // 2. TCP bulk.
    let tcp_contenders: Vec<&Contender> = all.iter().take(4).collect();
    println!("bench: TCP bulk, iperf3 {tcp_secs} s, {repeats} rounds");
    let mut bulk: BTreeMap<usize, Vec<Sample>> = BTreeMap::new();
    for round in 0..repeats {
        for (i, c) in tcp_contenders.iter().enumerate() {
            let s = iperf_once(c, tcp_secs).with_context(|| format!("iperf3 with {}", c.name))?;
            println!(
                "  round {} {:<34} {:>6.2} Gbit/s captured {:>8} dropped {:>8}",
                round + 1,
                c.name,
                s.rate,
                s.captured,
                s.dropped
            );
            bulk.entry(i).or_default().push(s);
        }
    }
    let floor_gbps = med(&bulk[&0], |s| s.rate).0;
    let _ = writeln!(report, "\n2. TCP bulk: iperf3 -t {tcp_secs} over the veth (GSO super-packets); median of {repeats} [min-max]\n");
    let _ = writeln!(
        report,
        "{:<34} {:>22} {:>7} {:>10} {:>10} {:>16}",
        "contender", "Gbit/s", "x floor", "captured", "dropped", "proc CPU s/Mpkt"
    );
    json.push_str(",\"tcp\":[");
    for (i, c) in tcp_contenders.iter().enumerate() {
        let v = &bulk[&i];
        let (g, gmin, gmax) = med(v, |s| s.rate);
        let captured = med(v, |s| s.captured as f64).0;
        let dropped = med(v, |s| s.dropped as f64).0;
        let cpu = med(v, |s| s.proc_cpu).0;
        let is_floor = c.cmd.is_none();
        let _ = writeln!(
            report,
            "{:<34} {:>8.2} [{:>5.2}-{:>5.2}] {:>7.2} {:>10} {:>10} {:>16}",
            c.name,
            g,
            gmin,
            gmax,
            g / floor_gbps,
            if is_floor {
                "-".into()
            } else {
                format!("{captured:.0}")
            },
            if is_floor {
                "-".into()
            } else {
                format!("{dropped:.0}")
            },
            if is_floor {
                "-".into()
            } else {
                format!("{:.3}", cpu / captured.max(1.0) * 1e6)
            },
        );
        let _ = write!(
            json,
            "{}{{\"contender\":{:?},\"gbps\":[{}],\"captured\":[{}],\"dropped\":[{}]}}",
            if i > 0 { "," } else { "" },
            c.name,
            v.iter()
                .map(|s| format!("{:.3}", s.rate))
                .collect::<Vec<_>>()
                .join(","),
            v.iter()
                .map(|s| s.captured.to_string())
                .collect::<Vec<_>>()
                .join(","),
            v.iter()
                .map(|s| s.dropped.to_string())
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    json.push(']');

    // 3. Per-packet kernel cost.
    println!("bench: per-packet kernel cost (BPF_PROG_TEST_RUN)");
    let cost_json = out_dir.join("kernel-cost.json");
    let out = Command::new(filter_cost)
        .arg(&cost_json)
        .output()
        .context("run filter_cost")?;
    if !out.status.success() {
        bail!("filter_cost: {}", String::from_utf8_lossy(&out.stderr));
    }
    let _ = writeln!(
        report,
        "\n3. {}",
        String::from_utf8_lossy(&out.stdout).trim_end()
    );
    let _ = write!(
        json,
        ",\"kernel_cost\":{}",
        std::fs::read_to_string(&cost_json)
            .unwrap_or_else(|_| "null".into())
            .trim()
    );

    // 4. Latency.
    println!("bench: latency at 20 packets/s");
    let nd = netdump.display().to_string();
    let lat_nd = latency(
        &[
            nd,
            "-i".into(),
            VB.into(),
            "-tt".into(),
            "-l".into(),
            "-Q".into(),
            "in".into(),
        ],
        pings,
    )?;
    let lat_td = latency(
        &[
            "tcpdump".into(),
            "-i".into(),
            VB.into(),
            "-tt".into(),
            "-l".into(),
            "-n".into(),
            "-Q".into(),
            "in".into(),
        ],
        pings,
    )?;
    let _ = writeln!(
        report,
        "\n4. Latency from capture timestamp to printed line, {pings} pings at 20/s\n"
    );
    let _ = writeln!(
        report,
        "{:<34} {:>10} {:>10} {:>8}",
        "contender", "median ms", "p99 ms", "lines"
    );
    for (name, v) in [("netdump -l", &lat_nd), ("tcpdump -l", &lat_td)] {
        let _ = writeln!(
            report,
            "{:<34} {:>10.2} {:>10.2} {:>8}",
            name,
            percentile(v, 0.5),
            percentile(v, 0.99),
            v.len()
        );
    }
    let _ = write!(
        json,
        ",\"latency_ms\":{{\"netdump\":{:?},\"tcpdump\":{:?}}}}}",
        lat_nd
            .iter()
            .map(|x| (x * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>(),
        lat_td
            .iter()
            .map(|x| (x * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>()
    );
    drop(net);

    let stamp = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let path = out_dir.join(format!("bench-{stamp}.json"));
    std::fs::write(&path, &json)?;
    println!("{report}");
    println!("raw numbers: {}", path.display());
    Ok(())
}
