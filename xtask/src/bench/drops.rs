//! `cargo xtask bench --drops`: what `--drops` costs the host.
//!
//! 1. A flood where nothing is dropped: B has a socket on the flood's port, drained with
//!    `recvmmsg` by a thread of this process (a 256 MiB socket buffer absorbs bursts), so every
//!    datagram is consumed, not dropped. The flood's rate with the drop program attached,
//!    against no capture; the reader's count shows nothing was dropped.
//! 2. The same flood with no socket: every frame dropped (NO_SOCKET), and an expression that
//!    matches none of them. The flood's rate, then the drop program's own cost per freed packet
//!    in place (`kernel.bpf_stats_enabled`, in separate runs: the stats' clock reads slow what
//!    they time), the tail-called filter included.
//!
//! Rounds are interleaved; the report shows medians with min/max, and the raw numbers go to
//! `target/bench/drops.json`. The namespaces go away with their guard.

use std::{
    fmt::Write as _,
    os::fd::AsRawFd as _,
    path::Path,
    process::Command,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    thread,
    time::Duration,
};

use anyhow::{Context as _, Result};

use super::{bench_net, measure, send_flood, stats, trafgen_conf, Contender, IP_B, NS_B, VB};

/// The flood's destination port (trafgen_conf's).
const PORT: u16 = 40001;

/// A thread in namespace B reading the flood's port until stopped.
struct Sink {
    stop: Arc<AtomicBool>,
    thread: thread::JoinHandle<Result<u64>>,
}

impl Sink {
    fn start() -> Result<Sink> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = thread::spawn(move || -> Result<u64> {
            let ns = std::fs::File::open(format!("/run/netns/{NS_B}"))?;
            // SAFETY: setns on this thread only, with a namespace fd we hold open.
            if unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
                return Err(std::io::Error::last_os_error()).context("setns");
            }
            let sock = std::net::UdpSocket::bind((IP_B, PORT))?;
            sock.set_read_timeout(Some(Duration::from_millis(50)))?;
            let size: libc::c_int = 256 << 20;
            // SAFETY: setsockopt on our socket, with a pointer to an int that outlives the call.
            unsafe {
                libc::setsockopt(
                    sock.as_raw_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_RCVBUFFORCE,
                    (&size as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as u32,
                )
            };
            let _ = ready_tx.send(());
            const BATCH: usize = 256;
            let mut bufs = vec![[0u8; 64]; BATCH];
            // SAFETY: all-zero iovec and mmsghdr are valid values (null pointers, no lengths).
            let mut iov: Vec<libc::iovec> = vec![unsafe { std::mem::zeroed() }; BATCH];
            // SAFETY: as above.
            let mut msgs: Vec<libc::mmsghdr> = vec![unsafe { std::mem::zeroed() }; BATCH];
            for ((buf, v), m) in bufs.iter_mut().zip(iov.iter_mut()).zip(msgs.iter_mut()) {
                v.iov_base = buf.as_mut_ptr().cast();
                v.iov_len = buf.len();
                m.msg_hdr.msg_iov = v;
                m.msg_hdr.msg_iovlen = 1;
            }
            let mut got = 0u64;
            while !flag.load(Ordering::Relaxed) {
                // SAFETY: `msgs` holds BATCH headers pointing at buffers that live as long as
                // the loop; the kernel writes only within them.
                let n = unsafe {
                    libc::recvmmsg(
                        sock.as_raw_fd(),
                        msgs.as_mut_ptr(),
                        BATCH as u32,
                        0,
                        std::ptr::null_mut(),
                    )
                };
                if n > 0 {
                    got += n as u64;
                }
            }
            Ok(got)
        });
        ready_rx
            .recv_timeout(Duration::from_secs(5))
            .context("the sink did not start")?;
        Ok(Sink { stop, thread })
    }

    /// Stops reading; returns how many datagrams were read.
    fn stop(self) -> Result<u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .join()
            .map_err(|_| anyhow::anyhow!("the sink thread panicked"))?
    }
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

fn netdump(netdump: &Path, name: &str, expr: &[&str]) -> Contender {
    let mut cmd: Vec<String> = vec![
        netdump.display().to_string(),
        "-i".into(),
        VB.into(),
        "--drops".into(),
        "-w".into(),
        "/dev/null".into(),
    ];
    cmd.extend(expr.iter().map(|s| s.to_string()));
    Contender::command(name, cmd)
}

/// Interleaved rounds of `set` on the flood, with or without the sink; the rates.
fn rounds_of(
    set: &[&Contender],
    flood: &Path,
    frames: u64,
    rounds: usize,
    sink: bool,
) -> Result<Vec<Vec<f64>>> {
    let mut rates = vec![Vec::new(); set.len()];
    for round in 0..rounds {
        for (i, c) in set.iter().enumerate() {
            let reader = if sink { Some(Sink::start()?) } else { None };
            let s = measure(c, || send_flood(flood, frames));
            let read = reader.map(Sink::stop).transpose()?;
            let s = s?;
            let mut note = String::new();
            if let Some(read) = read {
                if read < frames {
                    note = format!(" (the socket read {read}: some were dropped)");
                }
                if c.is_tool() && s.captured != 0 {
                    let _ = write!(note, " ({} drops shown)", s.captured);
                }
            }
            println!(
                "  round {} {:<28} {:>9.0} pps{note}",
                round + 1,
                c.name,
                s.rate
            );
            rates[i].push(s.rate);
        }
    }
    Ok(rates)
}

fn rate_lines(report: &mut String, names: &[&str], rates: &[Vec<f64>]) {
    let (floor, _, _) = stats(&rates[0]);
    for (name, r) in names.iter().zip(rates) {
        let (m, lo, hi) = stats(r);
        let _ = writeln!(
            report,
            "   {name:<28} {:>6.0} kpps [{:.0}-{:.0}]  {:+.1}% against no capture",
            m / 1e3,
            lo / 1e3,
            hi / 1e3,
            100.0 * (m / floor - 1.0)
        );
    }
}

pub fn run(root: &Path, netdump_bin: &Path, quick: bool) -> Result<()> {
    let (frames, rounds) = if quick {
        (300_000u64, 3usize)
    } else {
        (2_000_000, 7)
    };
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir)?;
    let net = bench_net()?;
    let flood = trafgen_conf(&net, &out_dir)?;
    let floor = Contender::floor();
    let drops_all = netdump(netdump_bin, "netdump --drops", &[]);
    let drops_none = netdump(
        netdump_bin,
        "netdump --drops udp port 9",
        &["udp", "port", "9"],
    );
    let mut report = String::new();
    let mut json = String::from("{");

    println!("bench --drops: {frames} frames read by a socket (nothing dropped), {rounds} rounds");
    let rates = rounds_of(&[&floor, &drops_all], &flood, frames, rounds, true)?;
    let _ = writeln!(
        report,
        "\n1. Nothing dropped: {frames} x 60-byte UDP frames read by a socket in B; median of {rounds} interleaved rounds [min-max]"
    );
    rate_lines(&mut report, &[&floor.name, &drops_all.name], &rates);
    let _ = write!(
        json,
        "\"nothing_dropped\":{{\"floor\":{:?},\"drops\":{:?}}}",
        rates[0], rates[1]
    );

    println!("bench --drops: {frames} frames to a port without a socket, {rounds} rounds");
    let rates = rounds_of(&[&floor, &drops_none], &flood, frames, rounds, false)?;
    let _ = writeln!(
        report,
        "\n2. Every frame dropped (NO_SOCKET), an expression matching none: {frames} frames; median of {rounds} rounds [min-max]"
    );
    rate_lines(&mut report, &[&floor.name, &drops_none.name], &rates);
    let _ = write!(
        json,
        ",\"every_frame_dropped\":{{\"floor\":{:?},\"drops_no_match\":{:?}}}",
        rates[0], rates[1]
    );

    // The in-place cost, with the kernel's per-program stats on while this fd is open (the
    // kernel turns them off when it closes, also if the bench dies).
    let stats_on = super::bpf::enable_stats().context("enable bpf_stats (BPF_ENABLE_STATS)")?;
    // For scale, in the same conditions: the TC hook's program on the same packets with the
    // same expression (it sees them before they are dropped).
    let tc_none = Contender::command(
        "(tc hook, udp port 9)",
        vec![
            netdump_bin.display().to_string(),
            "-i".into(),
            VB.into(),
            "-Q".into(),
            "in".into(),
            "-w".into(),
            "/dev/null".into(),
            "udp".into(),
            "port".into(),
            "9".into(),
        ],
    );
    let mut costs = Vec::new();
    let result = (|| -> Result<()> {
        for (c, prog) in [
            (&drops_none, "netdump_drop"),
            (&drops_all, "netdump_drop"),
            (&tc_none, "netdump_tc_ingress"),
        ] {
            let mut per = Vec::new();
            for _ in 0..rounds.min(3) {
                let mut got = (0, 0);
                measure(c, || {
                    let r = send_flood(&flood, frames);
                    got = prog_stats(prog)?;
                    r
                })?;
                per.push(got.0 as f64 / got.1.max(1) as f64);
            }
            costs.push((c.name.clone(), per));
        }
        Ok(())
    })();
    // With nothing dropped the program should not even run: count its runs over a drop-free
    // flood (what it does run for are drops elsewhere on the host).
    let mut idle = (0, 0);
    let idle_result = if result.is_ok() {
        (|| -> Result<()> {
            let sink = Sink::start()?;
            let r = measure(&drops_all, || {
                let r = send_flood(&flood, frames);
                idle = prog_stats("netdump_drop")?;
                r
            });
            sink.stop()?;
            r.map(|_| ())
        })()
    } else {
        Ok(())
    };
    drop(stats_on);
    result?;
    idle_result?;
    let _ = writeln!(
        report,
        "\n3. The drop program in place (bpf_stats, the tail-called filter included): ns per freed packet, median [min-max]"
    );
    json.push_str(",\"ns_per_drop\":{");
    for (i, (name, per)) in costs.iter().enumerate() {
        let (m, lo, hi) = stats(per);
        let _ = writeln!(report, "   {name:<28} {m:>6.0} ns [{lo:.0}-{hi:.0}]");
        let _ = write!(json, "{}{name:?}:{per:?}", if i > 0 { "," } else { "" });
    }
    json.push('}');
    let _ = writeln!(
        report,
        "   runs of the drop program during a {frames}-frame drop-free flood: {} ({} ns in all; drops elsewhere on the host)",
        idle.1, idle.0
    );
    let _ = write!(
        json,
        ",\"drop_free_flood_runs\":{},\"drop_free_flood_ns\":{}}}",
        idle.1, idle.0
    );
    println!("{report}");
    std::fs::write(out_dir.join("drops.json"), json)?;
    drop(net);
    Ok(())
}
