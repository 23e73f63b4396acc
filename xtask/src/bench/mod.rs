//! `cargo xtask bench`: netdump against tcpdump, against an empty TC program and against no
//! capture at all, on the same traffic, in one run: a small-packet flood, the in-place kernel
//! cost per packet (bpf_stats), TCP bulk, `BPF_PROG_TEST_RUN` cost, and latency; then each of
//! issue 13's goals, met or missed, with the figure.
//!
//! Everything runs between two network namespaces this command creates (198.18.200.0/24) and
//! removes when it ends, also on failure. Both tools capture with the same flags (`-Q in -B
//! 2048 -w /dev/null`), at the same snap length (`-s 128`) and each at its own default.
//! Contenders are interleaved round by round; the tables show medians with min/max; raw
//! numbers go to `target/bench/`. Rates come from rounds with the kernel's per-program
//! statistics off (their clock reads slow the programs they time); the in-place costs from
//! separate rounds with them on.

use std::{
    fmt::Write as _,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant, SystemTime},
};

use anyhow::{bail, Context as _, Result};

use crate::netns::{self, Net};

pub mod attribution;
mod bpf;
pub mod drops;
pub mod empty;
mod proc;
mod progs;
mod report;

use empty::TcAttach;

const NS_A: &str = "ndbench-a";
pub(super) const NS_B: &str = "ndbench-b";
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

/// What a contender puts on the receiving veth.
#[derive(Clone, Debug)]
enum Setup {
    /// Nothing: the floor.
    Nothing,
    /// The two-instruction TC program, attached at ingress of B's veth.
    Empty(TcAttach),
    /// A capture tool: the command, run inside namespace B.
    Command(Vec<String>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Netdump,
    Tcpdump,
}

/// Snap length: `-s 128` for both, or each tool's default (netdump 1518, tcpdump 262144).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Snap {
    S128,
    Default,
}

/// A capture tool under test (or the floor, or the empty program).
#[derive(Clone, Debug)]
struct Contender {
    name: String,
    setup: Setup,
    /// For capture tools: which, at what snap length, with what expression.
    tool: Option<(Tool, Snap, &'static str)>,
}

impl Contender {
    fn floor() -> Contender {
        Contender {
            name: "no capture (floor)".into(),
            setup: Setup::Nothing,
            tool: None,
        }
    }

    /// The empty program on B's ingress: what running any program there costs.
    fn empty(tc: TcAttach) -> Contender {
        Contender {
            name: "empty TC program (r0 = -1; exit)".into(),
            setup: Setup::Empty(tc),
            tool: None,
        }
    }

    fn command(name: &str, cmd: Vec<String>) -> Contender {
        Contender {
            name: name.into(),
            setup: Setup::Command(cmd),
            tool: None,
        }
    }

    /// netdump or tcpdump on B's veth, `-Q in -B 2048 -w /dev/null`, the snap length, and
    /// `expr` (empty: capture all).
    fn tool(tool: Tool, netdump: &Path, snap: Snap, expr: &'static str, tc: TcAttach) -> Self {
        let mut cmd: Vec<String> = match tool {
            Tool::Netdump => vec![netdump.display().to_string()],
            Tool::Tcpdump => vec!["tcpdump".into()],
        };
        cmd.extend(["-i", VB, "-Q", "in", "-B", "2048"].map(String::from));
        if snap == Snap::S128 {
            cmd.extend(["-s".into(), "128".into()]);
        }
        if tool == Tool::Netdump {
            cmd.extend(["--tc-attach".into(), tc.flag().into()]);
        }
        cmd.extend(["-w".into(), "/dev/null".into()]);
        cmd.extend(expr.split_whitespace().map(String::from));
        let name = format!(
            "{} {}{}",
            match tool {
                Tool::Netdump => "netdump",
                Tool::Tcpdump => "tcpdump",
            },
            match (snap, tool) {
                (Snap::S128, _) => "-s 128",
                (Snap::Default, Tool::Netdump) => "-s 1518 (default)",
                (Snap::Default, Tool::Tcpdump) => "-s 262144 (default)",
            },
            if expr.is_empty() {
                String::new()
            } else {
                format!(" '{expr}'")
            }
        );
        Contender {
            name,
            setup: Setup::Command(cmd),
            tool: Some((tool, snap, expr)),
        }
    }

    fn is_tool(&self) -> bool {
        matches!(self.setup, Setup::Command(_))
    }
}

/// The flood's destination is UDP port 40001: `udp port 7` rejects every frame, `udp`
/// matches every frame, and the TCP expression rejects them at its first test.
const MATCH_NONE: &str = "udp port 7";
const MATCH_ALL: &str = "udp";
const TCP_HOST: &str = "tcp port 443 and host 198.18.200.2";

/// The flood's contenders (rates, CPU, memory; statistics off): the floor, the empty program,
/// and each tool capturing all at both snap lengths and with the two UDP expressions.
fn flood_contenders(netdump: &Path, tc: TcAttach) -> Vec<Contender> {
    let mut v = vec![Contender::floor(), Contender::empty(tc)];
    for (snap, expr) in [
        (Snap::S128, ""),
        (Snap::Default, ""),
        (Snap::S128, MATCH_NONE),
        (Snap::S128, MATCH_ALL),
    ] {
        for tool in [Tool::Netdump, Tool::Tcpdump] {
            v.push(Contender::tool(tool, netdump, snap, expr, tc));
        }
    }
    // Attribution on (`bench --attribution` measures it against this capture in detail).
    v.push(attribution::with_context(Contender::tool(
        Tool::Netdump,
        netdump,
        Snap::S128,
        "",
        tc,
    )));
    v
}

/// The in-place cost's contenders (statistics on): the empty program and netdump `-s 128`
/// with each expression of the goals.
fn stats_contenders(netdump: &Path, tc: TcAttach) -> Vec<Contender> {
    let mut v = vec![Contender::empty(tc)];
    for expr in ["", MATCH_NONE, MATCH_ALL, TCP_HOST] {
        v.push(Contender::tool(
            Tool::Netdump,
            netdump,
            Snap::S128,
            expr,
            tc,
        ));
    }
    v.push(attribution::with_context(Contender::tool(
        Tool::Netdump,
        netdump,
        Snap::S128,
        "",
        tc,
    )));
    v
}

/// The two-CPU flood's contenders: the floor, netdump `-s 128` with its one shared ring buffer
/// and with per-CPU perf buffers (`--transport perf`), and tcpdump `-s 128`.
fn scaling_contenders(netdump: &Path, tc: TcAttach) -> Vec<Contender> {
    let ring = Contender::tool(Tool::Netdump, netdump, Snap::S128, "", tc);
    let mut perf = ring.clone();
    perf.name = "netdump -s 128 --transport perf (per-CPU buffers)".into();
    perf.tool = None;
    if let Setup::Command(cmd) = &mut perf.setup {
        cmd.splice(1..1, ["--transport".to_string(), "perf".to_string()]);
    }
    let mut ring = ring;
    ring.name = "netdump -s 128 (one ring buffer)".into();
    vec![
        Contender::floor(),
        ring,
        perf,
        Contender::tool(Tool::Tcpdump, netdump, Snap::S128, "", tc),
    ]
}

/// A running capture tool.
struct Running {
    child: Child,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    reader: Option<thread::JoinHandle<()>>,
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
    /// The whole machine's kernel time during the traffic, in seconds.
    kernel: f64,
    rss_kib: u64,
    /// With statistics on: what the contender's programs spent (ns, runs) and their names.
    in_place: Option<(u64, u64, Vec<String>)>,
}

/// What a contender has on the veth while the traffic runs.
enum Active {
    Nothing,
    Program(empty::Attached),
    Process(Running),
}

/// Runs `traffic` with contender `c` capturing (if it captures at all) and measures around
/// it: the capture process's CPU and peak RSS, the whole machine's busy jiffies, and what the
/// capture reported at exit. `traffic` returns the rate it achieved.
fn measure(c: &Contender, traffic: impl FnOnce() -> Result<f64>) -> Result<Sample> {
    measure_in(c, false, traffic)
}

/// [`measure`], and with `in_place` (statistics on) what the contender's BPF programs spent
/// during the traffic: netdump's (those its process holds, or by name where bpftool cannot
/// tell), or the empty program.
fn measure_in(
    c: &Contender,
    in_place: bool,
    traffic: impl FnOnce() -> Result<f64>,
) -> Result<Sample> {
    let active = match &c.setup {
        Setup::Nothing => Active::Nothing,
        Setup::Empty(tc) => Active::Program(empty::Attached::attach(NS_B, VB, *tc)?),
        Setup::Command(cmd) => Active::Process(Running::start(cmd)?),
    };
    let pid = match &active {
        Active::Process(r) => Some(r.child.id()),
        _ => None,
    };
    // The programs whose statistics count: those the capture process holds (netdump's; none
    // for tcpdump, whose classic BPF filter has no statistics), or the empty program.
    let mine = match &active {
        Active::Process(r) => progs::held_by(r.child.id()),
        Active::Program(a) => a.prog_id().into_iter().collect(),
        Active::Nothing => Default::default(),
    };
    let before = if in_place {
        Some(progs::snapshot()?)
    } else {
        None
    };
    let cpu0 = pid.map(proc::cpu_secs).unwrap_or(0.0);
    let busy0 = proc::machine_busy_jiffies();
    let kernel0 = proc::machine_kernel_secs();
    let rate = traffic()?;
    let kernel1 = proc::machine_kernel_secs();
    let busy1 = proc::machine_busy_jiffies();
    let cpu1 = pid.map(proc::cpu_secs).unwrap_or(0.0);
    let rss = pid.map(proc::peak_rss_kib).unwrap_or(0);
    let spent = match before {
        Some(before) => {
            let after = progs::snapshot()?;
            Some(progs::spent(&before, &after, |id, _| mine.contains(&id)))
        }
        None => None,
    };
    let (captured, dropped) = match active {
        Active::Process(r) => {
            let (c, d, _) = r.stop()?;
            (c, d)
        }
        Active::Program(a) => {
            drop(a);
            (0, 0)
        }
        Active::Nothing => (0, 0),
    };
    Ok(Sample {
        rate,
        captured,
        dropped,
        proc_cpu: cpu1 - cpu0,
        busy: busy1 - busy0,
        kernel: kernel1 - kernel0,
        rss_kib: rss,
        in_place: spent,
    })
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

/// Sends `frames` frames of `conf` from A with trafgen (one CPU); returns the rate in frames
/// a second. Waits half a second afterwards for a capture to drain what is queued.
fn send_flood(conf: &Path, frames: u64) -> Result<f64> {
    send_flood_on(conf, frames, 1)
}

/// As [`send_flood`], from `cpus` trafgen workers, each bound to its own CPU (they share the
/// frames): a veth delivers a frame on the CPU that sent it, so the capture's programs run on
/// all of them at once.
fn send_flood_on(conf: &Path, frames: u64, cpus: u32) -> Result<f64> {
    {
        let t0 = Instant::now();
        let out = Command::new("ip")
            .args(["netns", "exec", NS_A, "trafgen", "--dev", VA, "--conf"])
            .arg(conf)
            .args([
                "--num",
                &frames.to_string(),
                "--cpus",
                &cpus.to_string(),
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

pub struct BenchOptions {
    pub quick: bool,
}

/// How much of everything a run does.
#[derive(Clone, Copy, Debug)]
struct Plan {
    quick: bool,
    frames: u64,
    rounds: usize,
    stats_rounds: usize,
    tcp_rounds: usize,
    tcp_secs: u32,
    pings: u32,
}

impl Plan {
    fn new(quick: bool) -> Plan {
        if quick {
            Plan {
                quick,
                frames: 300_000,
                rounds: 2,
                stats_rounds: 1,
                tcp_rounds: 1,
                tcp_secs: 2,
                pings: 20,
            }
        } else {
            // 1 M frames (as in issue 13's figures) at the floor's 200-350 kpps: 3-5 s a
            // flood; 5 interleaved rounds of 10 contenders, 3 of the 5 in-place ones and 3 of
            // TCP keep a whole run under 10 minutes on a busy 2-CPU machine.
            Plan {
                quick,
                frames: 1_000_000,
                rounds: 5,
                stats_rounds: 3,
                tcp_rounds: 3,
                tcp_secs: 5,
                pings: 60,
            }
        }
    }
}

/// The measurements of one contender, round by round.
struct Measured {
    contender: Contender,
    samples: Vec<Sample>,
}

pub fn run(root: &Path, netdump: &Path, filter_cost: &Path, opts: BenchOptions) -> Result<()> {
    let plan = Plan::new(opts.quick);
    let tc_attach = TcAttach::from_env()?;
    let frames = plan.frames;
    let t0 = Instant::now();
    if plan.quick {
        println!("bench --quick: smoke run: figures not comparable");
    }
    let stats_sysctl = std::fs::read_to_string("/proc/sys/kernel/bpf_stats_enabled")
        .unwrap_or_default()
        .trim()
        .to_string();
    if stats_sysctl == "1" {
        println!("warning: kernel.bpf_stats_enabled is already 1: every rate below is slowed by the statistics' clock reads");
    }
    // Other work on the machine shows in the floor's spread; say how busy it was.
    let load = std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .unwrap_or("?")
        .to_string();
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir)?;
    let net = bench_net()?;
    let conf = trafgen_conf(&net, &out_dir)?;
    let how = empty::Attached::attach(NS_B, VB, tc_attach)?.how;

    // 1. Flood, statistics off.
    let flood = rounds(
        "flood",
        flood_contenders(netdump, tc_attach),
        plan.rounds,
        |c| measure(c, || send_flood(&conf, frames)),
    )?;

    // 2. In place, statistics on only for these rounds (the fd turns them off when closed,
    //    also if the bench dies).
    let in_place = {
        let _stats = bpf::enable_stats().context("enable bpf_stats (BPF_ENABLE_STATS)")?;
        rounds(
            "in place (bpf_stats on)",
            stats_contenders(netdump, tc_attach),
            plan.stats_rounds,
            |c| measure_in(c, true, || send_flood(&conf, frames)),
        )?
    };

    // 3. TCP bulk.
    let tcp_set: Vec<Contender> = std::iter::once(Contender::floor())
        .chain(
            [Snap::S128, Snap::Default]
                .into_iter()
                .flat_map(|snap| [Tool::Netdump, Tool::Tcpdump].map(|t| (t, snap)))
                .map(|(t, snap)| Contender::tool(t, netdump, snap, "", tc_attach)),
        )
        .collect();
    let tcp = rounds("TCP bulk (iperf3)", tcp_set, plan.tcp_rounds, |c| {
        iperf_once(c, plan.tcp_secs)
    })?;

    // 4. Two producing CPUs: does the one shared ring buffer cost rate (its producers take
    //    one lock)?
    let scaling = rounds(
        "flood from 2 CPUs",
        scaling_contenders(netdump, tc_attach),
        plan.stats_rounds,
        |c| measure(c, || send_flood_on(&conf, frames, 2)),
    )?;

    // 5. Per-packet cost under BPF_PROG_TEST_RUN.
    println!("bench: per-packet kernel cost (BPF_PROG_TEST_RUN)");
    let cost_json = out_dir.join("kernel-cost.json");
    let out = Command::new(filter_cost)
        .arg(&cost_json)
        .output()
        .context("run filter_cost")?;
    if !out.status.success() {
        bail!("filter_cost: {}", String::from_utf8_lossy(&out.stderr));
    }
    let cost_text = String::from_utf8_lossy(&out.stdout).trim_end().to_string();

    // 6. Latency.
    println!("bench: latency at 20 packets/s");
    let nd = netdump.display().to_string();
    let lat_nd = latency(
        &[nd.as_str(), "-i", VB, "-tt", "-l", "-Q", "in"].map(String::from),
        plan.pings,
    )?;
    let lat_td = latency(
        &["tcpdump", "-i", VB, "-tt", "-l", "-n", "-Q", "in"].map(String::from),
        plan.pings,
    )?;
    drop(net);

    let head = report::Head {
        plan,
        commit: git_commit(root),
        date: utc_now(),
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .unwrap_or_default()
            .trim()
            .to_string(),
        cpus: thread::available_parallelism().map_or(0, |n| n.get()),
        tc_attach: how,
        load,
        minutes: t0.elapsed().as_secs_f64() / 60.0,
    };
    let text = report::render(
        &head,
        &report::Results {
            flood: &flood,
            in_place: &in_place,
            tcp: &tcp,
            scaling: &scaling,
            cost_text: &cost_text,
            latency: (&lat_nd, &lat_td),
        },
    );
    let json = report::json(
        &head,
        &flood,
        &in_place,
        &tcp,
        &scaling,
        &cost_json,
        (&lat_nd, &lat_td),
    );
    let stamp = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let path = out_dir.join(format!("bench-{stamp}.json"));
    std::fs::write(&path, json)?;
    std::fs::write(out_dir.join(format!("bench-{stamp}.txt")), &text)?;
    println!("{text}");
    println!("raw numbers: {}", path.display());
    Ok(())
}

/// Interleaved rounds: every contender once per round, in order; a line per measurement.
fn rounds(
    what: &str,
    set: Vec<Contender>,
    rounds: usize,
    mut one: impl FnMut(&Contender) -> Result<Sample>,
) -> Result<Vec<Measured>> {
    println!("bench: {what}, {rounds} rounds of {} contenders", set.len());
    let mut out: Vec<Measured> = set
        .into_iter()
        .map(|contender| Measured {
            contender,
            samples: Vec::new(),
        })
        .collect();
    for round in 0..rounds {
        for m in out.iter_mut() {
            let c = &m.contender;
            let s = one(c).with_context(|| format!("{what} with {}", c.name))?;
            let mut line = format!("  round {} {:<52} {:>11.0}", round + 1, c.name, s.rate);
            if c.is_tool() {
                let _ = write!(
                    line,
                    " captured {:>8} dropped {:>7} cpu {:.3} s",
                    s.captured, s.dropped, s.proc_cpu
                );
            }
            if let Some((ns, runs, names)) = &s.in_place {
                let _ = write!(
                    line,
                    " in place {:.1} ns/pkt over {runs} runs ({})",
                    *ns as f64 / (*runs).max(1) as f64,
                    names.join(", ")
                );
            }
            println!("{line}");
            m.samples.push(s);
        }
    }
    Ok(out)
}

/// `git describe`-like: the short commit of `root`, and `-dirty` when the tree has changes.
fn git_commit(root: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let hash = git(&["rev-parse", "--short=12", "HEAD"]);
    let dirty = !git(&["status", "--porcelain", "--untracked-files=no"]).is_empty();
    format!("{hash}{}", if dirty { "-dirty" } else { "" })
}

fn utc_now() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
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
