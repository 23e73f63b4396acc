//! Shared by the root-only integration tests: namespaces joined by a veth pair ([`netns`]),
//! a running netdump with its output collected ([`runner`]), any program started in a
//! namespace and stopped with SIGINT ([`proc`]), traffic senders and what must
//! be printed for them ([`traffic`]), and temporary directories that go with the test
//! ([`tmp`]).
//!
//! Each test builds its own namespaces (addresses in 198.18.0.0/15 and 2001:2::/48) and the
//! `Net` guard removes them when it ends, also when it fails.
#![allow(dead_code, reason = "each test binary uses a different subset")]

pub mod netns;
pub mod podman;
pub mod proc;
pub mod runner;
pub mod tmp;
pub mod traffic;

use std::{
    process::Command,
    sync::atomic::{AtomicU32, Ordering},
    thread,
    time::{Duration, Instant},
};

#[allow(unused_imports, reason = "each test binary uses a different subset")]
pub use {
    netns::{in_ns, Net},
    runner::*,
    tmp::*,
    traffic::*,
};

pub const BIN: &str = env!("CARGO_BIN_EXE_netdump");

pub fn sh(args: &[&str]) -> String {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .unwrap_or_else(|e| panic!("run {args:?}: {e}"));
    assert!(
        out.status.success(),
        "{args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

static NEXT: AtomicU32 = AtomicU32::new(1);

impl Net {
    /// Namespaces of their own for one test (named after this process and a counter; the
    /// link is 198.18.N.0/24). `ipv6`: keep IPv6 on the link (addresses 2001:2::N:1/2);
    /// otherwise it is disabled so no IPv6 housekeeping packets appear. `static_neigh`:
    /// permanent neighbour entries, so no ARP is sent.
    pub fn new(ipv6: bool, static_neigh: bool) -> Net {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let tag = format!("{}{n}", std::process::id() % 10000);
        let (a, b) = (format!("ndt-{tag}-a"), format!("ndt-{tag}-b"));
        let (va, vb) = (format!("ndt{tag}a"), format!("ndt{tag}b"));
        Net::create(&netns::Spec {
            ns: [&a, &b],
            veth: [&va, &vb],
            subnet: u8::try_from(n).expect("at most 255 test networks per process"),
            ipv6,
            static_neigh,
            lo_up: false,
        })
        .unwrap_or_else(|e| panic!("set up namespaces: {e}"))
    }

    pub fn in_a(&self, args: &[&str]) -> String {
        let mut v = vec!["ip", "netns", "exec", self.a.as_str()];
        v.extend_from_slice(args);
        sh(&v)
    }

    pub fn in_b(&self, args: &[&str]) -> String {
        let mut v = vec!["ip", "netns", "exec", self.b.as_str()];
        v.extend_from_slice(args);
        sh(&v)
    }

    /// Starts netdump on B's end of the link and waits until it is attached.
    pub fn capture(&self, args: &[&str]) -> Capture {
        Capture::start(&self.b, &self.vb, args)
    }
}

/// Programs named netdump_* that the kernel still has loaded.
pub fn loaded_netdump_programs() -> usize {
    let out = sh(&["bpftool", "prog", "show"]);
    out.lines().filter(|l| l.contains(" name netdump_")).count()
}

pub fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(50));
    }
}

/// Whether this kernel has TCX links (6.6+); older kernels attach TC programs through
/// clsact and netlink, which netdump's `auto` mode then uses.
pub fn kernel_has_tcx() -> bool {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let mut parts = release
        .trim()
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (6, 6)
}
