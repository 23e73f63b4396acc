//! What /proc says about a capture process and the machine, read the same way for every tool.

/// On-CPU time (user + system) of every thread of `pid`, in seconds: the sum of each thread's
/// `sum_exec_runtime` (the first field of /proc/PID/task/TID/schedstat, in nanoseconds).
/// /proc/PID/stat's utime + stime count in 10 ms ticks, too coarse for a few seconds of
/// flood; this is exact, and a thread exiting mid-flood is the only thing it would miss
/// (neither tool's threads do). Falls back to the ticks where schedstat reads zero.
pub fn cpu_secs(pid: u32) -> f64 {
    let mut ns = 0u64;
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for t in tasks.flatten() {
            let v = std::fs::read_to_string(t.path().join("schedstat")).unwrap_or_default();
            ns += v
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    if ns > 0 {
        return ns as f64 / 1e9;
    }
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(") ").map(|x| x.1).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let t = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (t(11) + t(12)) / clk_tck()
}

fn clk_tck() -> f64 {
    // SAFETY: sysconf has no preconditions.
    (unsafe { libc::sysconf(libc::_SC_CLK_TCK) }) as f64
}

/// Peak resident set (VmHWM) of `pid`, in KiB.
pub fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// The whole machine's /proc/stat times, in jiffies (USER_HZ): user, nice, system, idle,
/// iowait, irq, softirq, steal.
fn machine_jiffies() -> Vec<u64> {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    stat.lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|x| x.parse().ok())
        .collect()
}

/// Busy jiffies of the whole machine.
pub fn machine_busy_jiffies() -> u64 {
    let v = machine_jiffies();
    let total: u64 = v.iter().sum();
    let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
    total.saturating_sub(idle)
}

/// The whole machine's time in the kernel (system, irq and softirq), in seconds: a flood's
/// sending syscalls, its path through the stack and every BPF program on it, and the capture
/// process's own syscalls.
pub fn machine_kernel_secs() -> f64 {
    let v = machine_jiffies();
    let at = |i: usize| v.get(i).copied().unwrap_or(0);
    (at(2) + at(5) + at(6)) as f64 / clk_tck()
}
