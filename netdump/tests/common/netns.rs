//! Two network namespaces joined by a veth pair, with addresses in 198.18.0.0/15 (and
//! 2001:2::/48); the [`Net`] guard removes them when dropped, also when a panic unwinds or
//! the set-up itself fails half-way.
//!
//! Shared by the integration tests (`mod common`) and `cargo xtask bench`, which includes
//! this file with `#[path]`: it needs only std and libc, which both have.
#![allow(dead_code, reason = "the tests and the bench use different parts")]

use std::{io, os::fd::AsRawFd, process::Command, thread, time::Duration};

/// Namespaces `a` and `b`, veth ends `va` (in `a`) and `vb` (in `b`), their addresses and
/// MACs. Removed on drop.
pub struct Net {
    pub a: String,
    pub b: String,
    pub va: String,
    pub vb: String,
    pub ip_a: String,
    pub ip_b: String,
    pub ip6_a: String,
    pub ip6_b: String,
    pub mac_a: String,
    pub mac_b: String,
    /// The veth pair exists but is not yet moved into the namespaces (drop deletes it).
    veth_in_root: bool,
}

/// What [`Net::create`] builds.
pub struct Spec<'a> {
    /// Namespace names (A, B).
    pub ns: [&'a str; 2],
    /// veth end names (A's, B's).
    pub veth: [&'a str; 2],
    /// The link is 198.18.`subnet`.0/24 (A is .1, B is .2) and 2001:2::`subnet`:0/64.
    pub subnet: u8,
    /// Keep IPv6 on the link (with the addresses above, no DAD); otherwise it is disabled so
    /// no IPv6 housekeeping packets appear.
    pub ipv6: bool,
    /// Permanent neighbour entries, so no ARP is sent.
    pub static_neigh: bool,
    /// Bring up `lo` in both namespaces.
    pub lo_up: bool,
}

/// Runs a command; its stdout, or an error with its output.
fn run(args: &[&str]) -> io::Result<String> {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .map_err(|e| io::Error::new(e.kind(), format!("run {args:?}: {e}")))?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "{args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr).trim_end()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Deletes namespace `name` (and the veth end in it) if it exists.
pub fn delete_namespace(name: &str) {
    let _ = Command::new("ip").args(["netns", "del", name]).output();
}

impl Net {
    pub fn create(spec: &Spec) -> io::Result<Net> {
        let n = spec.subnet;
        // The guard exists before anything is created: whatever step fails, drop cleans up.
        let mut net = Net {
            a: spec.ns[0].to_string(),
            b: spec.ns[1].to_string(),
            va: spec.veth[0].to_string(),
            vb: spec.veth[1].to_string(),
            ip_a: format!("198.18.{n}.1"),
            ip_b: format!("198.18.{n}.2"),
            ip6_a: format!("2001:2::{n}:1"),
            ip6_b: format!("2001:2::{n}:2"),
            mac_a: String::new(),
            mac_b: String::new(),
            veth_in_root: false,
        };
        run(&["ip", "netns", "add", &net.a])?;
        run(&["ip", "netns", "add", &net.b])?;
        run(&[
            "ip", "link", "add", &net.va, "type", "veth", "peer", "name", &net.vb,
        ])?;
        net.veth_in_root = true;
        run(&["ip", "link", "set", &net.va, "netns", &net.a])?;
        run(&["ip", "link", "set", &net.vb, "netns", &net.b])?;
        net.veth_in_root = false;
        let v6 = if spec.ipv6 { "0" } else { "1" };
        for (ns, dev, ip, ip6) in [
            (&net.a, &net.va, &net.ip_a, &net.ip6_a),
            (&net.b, &net.vb, &net.ip_b, &net.ip6_b),
        ] {
            let sysctl =
                |setting: String| run(&["ip", "netns", "exec", ns, "sysctl", "-qw", &setting]);
            sysctl(format!("net.ipv6.conf.{dev}.disable_ipv6={v6}"))?;
            sysctl(format!("net.ipv6.conf.{dev}.router_solicitations=0"))?;
            let ip = format!("{ip}/24");
            run(&["ip", "-n", ns, "addr", "add", &ip, "dev", dev])?;
            if spec.ipv6 {
                let ip6 = format!("{ip6}/64");
                run(&["ip", "-n", ns, "addr", "add", &ip6, "dev", dev, "nodad"])?;
            }
            run(&["ip", "-n", ns, "link", "set", dev, "up"])?;
            if spec.lo_up {
                run(&["ip", "-n", ns, "link", "set", "lo", "up"])?;
            }
        }
        net.mac_a = mac(&net.a, &net.va)?;
        net.mac_b = mac(&net.b, &net.vb)?;
        if spec.static_neigh {
            for (ns, dev, peer_ip, peer_mac) in [
                (&net.a, &net.va, &net.ip_b, &net.mac_b),
                (&net.b, &net.vb, &net.ip_a, &net.mac_a),
            ] {
                run(&[
                    "ip",
                    "-n",
                    ns,
                    "neigh",
                    "add",
                    peer_ip,
                    "lladdr",
                    peer_mac,
                    "dev",
                    dev,
                    "nud",
                    "permanent",
                ])?;
            }
        }
        if spec.ipv6 {
            // Let the MLD reports for the new addresses go out before anyone listens.
            thread::sleep(Duration::from_millis(2500));
        }
        Ok(net)
    }

    /// The MAC address of `dev` in namespace `ns`.
    pub fn mac(&self, ns: &str, dev: &str) -> String {
        mac(ns, dev).unwrap_or_else(|e| panic!("{e}"))
    }
}

fn mac(ns: &str, dev: &str) -> io::Result<String> {
    let out = run(&["ip", "-n", ns, "-br", "link", "show", dev])?;
    out.split_whitespace()
        .nth(2)
        .map(str::to_string)
        .ok_or_else(|| io::Error::other(format!("no MAC in ip -br output: {out}")))
}

impl Drop for Net {
    fn drop(&mut self) {
        if self.veth_in_root {
            let _ = Command::new("ip").args(["link", "del", &self.va]).output();
        }
        // Deleting a namespace deletes the veth end inside it, and with it the pair.
        delete_namespace(&self.a);
        delete_namespace(&self.b);
    }
}

/// Runs `f` on a thread that has entered network namespace `ns`.
pub fn in_ns<T: Send>(ns: &str, f: impl FnOnce() -> T + Send) -> T {
    thread::scope(|s| {
        s.spawn(|| {
            let file = std::fs::File::open(format!("/run/netns/{ns}")).expect("open netns");
            // SAFETY: setns on this thread only, with a namespace fd we hold open.
            let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(rc, 0, "setns {ns}: {}", std::io::Error::last_os_error());
            f()
        })
        .join()
        .expect("thread in namespace panicked")
    })
}
