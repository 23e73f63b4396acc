//! Other network namespaces: `--netns NAME|PATH|pid:PID` against tcpdump run inside the
//! namespace; `--netns all` with namespaces created and deleted while capturing (names,
//! inodes, JSON, pcapng interface descriptions); kill -9 in these modes; per-interface
//! statistics; bad input.
//!
//! netdump runs in the test's own namespace and reaches into the ones the test creates.
//! With `--netns all` every test names its interfaces with a pattern (`-i 'ndnN*'`), so it
//! attaches only to what it created. Needs root, iproute2, util-linux, tcpdump and tshark:
//! run with `cargo xtask test`.

mod common;

use std::{
    net::UdpSocket,
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicU32, Ordering},
    thread,
    time::{Duration, Instant},
};

use common::{
    in_ns, loaded_netdump_programs,
    proc::{run_here, wait_for, Proc},
    sh, wait_until,
};

static NEXT: AtomicU32 = AtomicU32::new(1);

/// Namespaces `ndn-TAG-x` the test creates, joined by veth pairs whose names start with
/// `ndnTAG`, and a namespace without a name (held by a process only). Everything is removed
/// on drop, also when the test fails.
struct Hosts {
    tag: String,
    /// Interface names start with this (for `-i 'prefix*'`).
    prefix: String,
    named: Vec<String>,
    /// The process holding the namespace without a name.
    holder: Option<Child>,
}

impl Hosts {
    fn new() -> Hosts {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let tag = format!("{}{n}", std::process::id() % 10000);
        Hosts {
            prefix: format!("ndn{tag}"),
            tag,
            named: Vec::new(),
            holder: None,
        }
    }

    /// Creates namespace `ndn-TAG-x` (loopback up, IPv6 off so no housekeeping packets
    /// appear); returns its name.
    fn ns(&mut self, x: &str) -> String {
        let name = format!("ndn-{}-{x}", self.tag);
        sh(&["ip", "netns", "add", &name]);
        self.named.push(name.clone());
        sh(&["ip", "-n", &name, "link", "set", "lo", "up"]);
        sh(&[
            "ip",
            "netns",
            "exec",
            &name,
            "sysctl",
            "-qw",
            "net.ipv6.conf.all.disable_ipv6=1",
            "net.ipv6.conf.default.disable_ipv6=1",
        ]);
        name
    }

    /// An interface name: the prefix and `x`.
    fn dev(&self, x: &str) -> String {
        format!("{}{x}", self.prefix)
    }

    /// A veth pair `dev(x)` in `ns_a` (address `ip_a`/24, up) to `dev(y)`, created in
    /// `peer` (a namespace name or a pid, as `ip link ... netns` takes). Returns `dev(y)`,
    /// for the caller to configure in its namespace.
    fn veth(&self, ns_a: &str, x: &str, ip_a: &str, peer: &str, y: &str) -> String {
        let (da, db) = (self.dev(x), self.dev(y));
        sh(&[
            "ip", "-n", ns_a, "link", "add", &da, "type", "veth", "peer", "name", &db, "netns",
            peer,
        ]);
        sh(&[
            "ip",
            "-n",
            ns_a,
            "addr",
            "add",
            &format!("{ip_a}/24"),
            "dev",
            &da,
        ]);
        sh(&["ip", "-n", ns_a, "link", "set", &da, "up"]);
        db
    }

    /// A veth pair `dev(x)` in `ns_a` (address `ip_a`/24) to `dev(y)` in `ns_b` (`ip_b`).
    fn link(&self, ns_a: &str, x: &str, ip_a: &str, ns_b: &str, y: &str, ip_b: &str) {
        let db = self.veth(ns_a, x, ip_a, ns_b, y);
        sh(&[
            "ip",
            "-n",
            ns_b,
            "addr",
            "add",
            &format!("{ip_b}/24"),
            "dev",
            &db,
        ]);
        sh(&["ip", "-n", ns_b, "link", "set", &db, "up"]);
    }

    /// A namespace without a name, held by a `sleep` alone, with a veth `dev(y)` to
    /// `dev(x)` in `ns_a`. Returns its inode.
    fn unnamed(&mut self, ns_a: &str, x: &str, ip_a: &str, y: &str, ip_b: &str) -> u64 {
        let child = Command::new("unshare")
            .args(["--net", "sleep", "60"])
            .stdin(Stdio::null())
            .spawn()
            .expect("unshare");
        let pid = child.id().to_string();
        self.holder = Some(child);
        // unshare execs sleep once the namespace exists.
        let deadline = Instant::now() + Duration::from_secs(5);
        let own = std::fs::read_link("/proc/self/ns/net").unwrap();
        let link = loop {
            let l = std::fs::read_link(format!("/proc/{pid}/ns/net")).unwrap();
            if l != own {
                break l;
            }
            assert!(
                Instant::now() < deadline,
                "unshare did not make a namespace"
            );
            thread::sleep(Duration::from_millis(20));
        };
        let inode: u64 = link
            .to_string_lossy()
            .trim_start_matches("net:[")
            .trim_end_matches(']')
            .parse()
            .unwrap();
        let db = self.veth(ns_a, x, ip_a, &pid, y);
        let addr = format!("{ip_b}/24");
        for args in [
            ["ip", "addr", "add", addr.as_str(), "dev", db.as_str()],
            ["ip", "link", "set", db.as_str(), "up", ""],
        ] {
            let mut v = vec!["nsenter", "-t", &pid, "-n"];
            v.extend(args.iter().filter(|a| !a.is_empty()));
            sh(&v);
        }
        inode
    }

    fn ping(&self, ns: &str, ip: &str) {
        sh(&["ip", "netns", "exec", ns, "ping", "-c1", "-W2", ip]);
    }

    /// Deletes one of the test's namespaces now.
    fn delete(&mut self, ns: &str) {
        sh(&["ip", "netns", "del", ns]);
        self.named.retain(|n| n != ns);
    }
}

impl Drop for Hosts {
    fn drop(&mut self) {
        if let Some(mut c) = self.holder.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        // Deleting a namespace deletes its interfaces, and with them the veth pairs.
        for ns in &self.named {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

/// The inode of namespace `ns` (what `--netns all` shows for one without a name).
fn inode_of(ns: &str) -> u64 {
    sh(&["stat", "-L", "-c", "%i", &format!("/run/netns/{ns}")])
        .trim()
        .parse()
        .unwrap()
}

/// tcpdump -i any's prefix: the interface and the direction.
fn pre(dev: &str, dir: &str) -> String {
    format!("{dev:<5} {dir:<3} ")
}

fn echo(from: &str, to: &str) -> String {
    format!("IP {from} > {to}: ICMP echo request, id X, seq 1, length 64")
}

fn has(lines: &[String], want: &str) {
    assert!(lines.iter().any(|l| l == want), "no '{want}' in {lines:#?}");
}

const AB_A: &str = "198.18.110.1";
const AB_B: &str = "198.18.110.2";
const AC_A: &str = "198.18.111.1";
const AC_C: &str = "198.18.111.2";
const AU_A: &str = "198.18.112.1";
const AU_U: &str = "198.18.112.2";

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn one_namespace_matches_tcpdump_run_inside_it() {
    let mut h = Hosts::new();
    let a = h.ns("a");
    let b = h.ns("b");
    h.link(&a, "ab", AB_A, &b, "ba", AB_B);
    let td = Proc::start(&a, "tcpdump", &["-i", "any", "-n", "-l"]);
    let nd = Proc::netdump_here(&["--netns", &a, "-i", "any", "-n", "-l"]);
    assert!(
        nd.stderr()
            .contains(&format!("listening on any in network namespace {a} (")),
        "{}",
        nd.stderr()
    );
    h.ping(&a, AB_B);
    in_ns(&a, || {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        s.send_to(b"netdump-lo", "127.0.0.1:9").unwrap();
    });
    let nd = nd.stop();
    let td = td.stop();
    assert!(nd.ok, "{}", nd.stderr);
    assert_eq!(
        nd.lines(),
        td.lines(),
        "netdump:\n{}\ntcpdump:\n{}",
        nd.stdout,
        td.stdout
    );
    has(
        &nd.lines(),
        &format!("{}{}", pre(&h.dev("ab"), "Out"), echo(AB_A, AB_B)),
    );
    assert!(nd
        .lines()
        .iter()
        .any(|l| l.starts_with("lo    In  IP 127.0.0.1")));

    // The same namespace by path and by a process inside it; -D lists what is there, as
    // netdump run inside it does.
    let mut holder = Command::new("ip")
        .args(["netns", "exec", &a, "sleep", "30"])
        .spawn()
        .unwrap();
    let by_pid = format!("pid:{}", holder.id());
    let by_path = format!("/run/netns/{a}");
    for spec in [by_pid.as_str(), by_path.as_str()] {
        let nd = Proc::netdump_here(&["--netns", spec, "-i", &h.dev("ab"), "-n", "-l", "icmp"]);
        h.ping(&a, AB_B);
        let f = nd.stop();
        assert!(f.ok, "{spec}: {}", f.stderr);
        has(
            &f.lines(),
            &format!("{}{}", pre(&h.dev("ab"), "Out"), echo(AB_A, AB_B)),
        );
        assert_eq!(f.lines().len(), 2, "{spec}: {}", f.stdout);
    }
    let _ = holder.kill();
    let _ = holder.wait();
    let (code, listed, err) = run_here(&["-D", "--netns", &a]);
    assert_eq!(code, 0, "{err}");
    let inside = sh(&["ip", "netns", "exec", &a, common::BIN, "-D"]);
    assert_eq!(listed, inside);
    assert!(
        listed.contains(&format!(".{} [Up, Running]", h.dev("ab"))),
        "{listed}"
    );
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn one_namespace_hot_plug_and_its_deletion() {
    let mut h = Hosts::new();
    let a = h.ns("a");
    let b = h.ns("b");
    h.link(&a, "ab", AB_A, &b, "ba", AB_B);
    let pattern = format!("{}*", h.prefix);
    let mut nd = Proc::netdump_here(&["--netns", &a, "-i", &pattern, "-n", "-l", "icmp"]);
    // An interface created in the namespace while capturing is attached.
    let c = h.ns("c");
    h.link(&a, "ac", AC_A, &c, "ca", AC_C);
    wait_for(&nd, &format!("capturing on {} too", h.dev("ac")));
    h.ping(&a, AC_C);
    // The namespace going away ends the capture with one line; what came before is printed.
    h.delete(&a);
    let deadline = Instant::now() + Duration::from_secs(5);
    while nd.running() {
        assert!(Instant::now() < deadline, "still running: {}", nd.stderr());
        thread::sleep(Duration::from_millis(20));
    }
    let f = nd.wait();
    assert!(!f.ok);
    assert!(
        f.stderr.ends_with(&format!(
            "netdump: network namespace {a} was deleted while capturing\n"
        )),
        "{}",
        f.stderr
    );
    has(
        &f.lines(),
        &format!("{}{}", pre(&h.dev("ac"), "Out"), echo(AC_A, AC_C)),
    );
    wait_until("the programs are unloaded", || {
        loaded_netdump_programs() == 0
    });
}

/// The `"netns"` object of the JSON line whose interface is `dev`.
fn json_netns(out: &str, dev: &str) -> serde_json::Value {
    out.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["interface"] == dev)
        .unwrap_or_else(|| panic!("no JSON line for {dev} in {out}"))["netns"]
        .clone()
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn every_namespace_names_each_line_and_survives_deletions() {
    // TCX links (where the kernel has them), and netlink filters, which are removed from
    // inside their namespaces.
    if common::kernel_has_tcx() {
        every_namespace("tcx");
    }
    every_namespace("netlink");
}

fn every_namespace(attach: &str) {
    let mut h = Hosts::new();
    let a = h.ns("a");
    let b = h.ns("b");
    h.link(&a, "ab", AB_A, &b, "ba", AB_B);
    let dir = common::TmpDir::new("netns-all");
    let file = dir.join("all.pcapng");
    let file = file.to_str().unwrap();
    let pattern = format!("{}*", h.prefix);
    let all = ["--netns", "all", "--tc-attach", attach, "-i", &pattern];
    let text = Proc::netdump_here(&[&all[..], &["-n", "-l", "icmp"]].concat());
    let json = Proc::netdump_here(&[&all[..], &["--json", "-l", "icmp"]].concat());
    let pcapng = Proc::netdump_here(&[&all[..], &["-w", file, "icmp"]].concat());
    assert!(
        text.stderr().contains("in every network namespace ("),
        "{}",
        text.stderr()
    );
    h.ping(&a, AB_B);
    // A named namespace and one without a name, created while capturing.
    let c = h.ns("c");
    h.link(&a, "ac", AC_A, &c, "ca", AC_C);
    let u = h.unnamed(&a, "au", AU_A, "ua", AU_U);
    for p in [&text, &json, &pcapng] {
        wait_for(p, &format!("capturing on {}@{c} too", h.dev("ca")));
        wait_for(p, &format!("capturing on {}@{u} too", h.dev("ua")));
    }
    h.ping(&a, AC_C);
    h.ping(&a, AU_U);
    // -D lists every namespace's interfaces as the lines name them.
    let (code, listed, err) = run_here(&["-D", "--netns", "all"]);
    assert_eq!(code, 0, "{err}");
    for want in [
        format!(".{}@{a} [Up, Running]", h.dev("ab")),
        format!(".{}@{u} [Up, Running]", h.dev("ua")),
        format!(".lo@{c} [Up, Running, Loopback]"),
    ] {
        assert!(listed.contains(&want), "no '{want}' in {listed}");
    }
    // A namespace deleted while capturing takes its interfaces; the capture goes on.
    h.delete(&b);
    for p in [&text, &json, &pcapng] {
        wait_for(p, &format!("network namespace {b} is gone"));
    }
    thread::sleep(Duration::from_millis(200));
    h.ping(&a, AC_C);
    let (text, json, pcapng) = (text.stop(), json.stop(), pcapng.stop());
    for f in [&text, &json, &pcapng] {
        assert!(f.ok, "{}", f.stderr);
    }

    // Text: the interface, `@`, the namespace's name (or inode); stripping `@...` gives
    // tcpdump's line.
    let lines = text.lines();
    let on = |dev: &str, ns: &str, dir: &str, from: &str, to: &str| {
        format!(
            "{}{}",
            pre(&format!("{}@{ns}", h.dev(dev)), dir),
            echo(from, to)
        )
    };
    has(&lines, &on("ab", &a, "Out", AB_A, AB_B));
    has(&lines, &on("ba", &b, "In", AB_A, AB_B));
    has(&lines, &on("ca", &c, "In", AC_A, AC_C));
    has(&lines, &on("ua", &u.to_string(), "In", AU_A, AU_U));
    // Only B went: another namespace's id for B (A had one, through the veth) is not our
    // id for C.
    assert!(
        !text
            .stderr
            .contains(&format!("network namespace {c} is gone")),
        "{}",
        text.stderr
    );
    // The second ping to C, after B was deleted.
    let to_c = on("ca", &c, "In", AC_A, AC_C);
    assert_eq!(
        lines.iter().filter(|l| **l == to_c).count(),
        2,
        "{lines:#?}\n{}",
        text.stderr
    );
    // Per-interface lines before tcpdump's totals, adding up to them.
    let per: u64 = text
        .stderr
        .lines()
        .filter(|l| l.starts_with(&h.prefix) && l.contains(" captured, "))
        .map(|l| l.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(per, lines.len() as u64, "{}", text.stderr);
    assert!(
        text.stderr.contains(&format!(
            "{}@{b}: 2 packets captured, 2 received by filter, 0 dropped by kernel",
            h.dev("ba")
        )),
        "{}",
        text.stderr
    );

    // JSON: the namespace's inode and name beside the interface.
    assert_eq!(
        json_netns(&json.stdout, &h.dev("ab")),
        serde_json::json!({"inode": inode_of(&a), "name": a})
    );
    assert_eq!(
        json_netns(&json.stdout, &h.dev("ua")),
        serde_json::json!({"inode": u, "name": null})
    );

    // pcapng: each interface block's description names its namespace, as tshark shows.
    let fields = sh(&[
        "tshark",
        "-r",
        file,
        "-T",
        "fields",
        "-e",
        "frame.interface_name",
        "-e",
        "frame.interface_description",
    ]);
    for want in [
        format!("{}\tnetns {a} (inode {})", h.dev("ab"), inode_of(&a)),
        format!("{}\tnetns {c} (inode {})", h.dev("ca"), inode_of(&c)),
        format!("{}\tnetns inode {u}", h.dev("ua")),
    ] {
        assert!(
            fields.lines().any(|l| l == want),
            "no '{want}' in:\n{fields}\nnetdump -w said:\n{}",
            pcapng.stderr
        );
    }
    wait_until("the programs are unloaded", || {
        loaded_netdump_programs() == 0
    });
}

/// Whether any netdump filter or a clsact qdisc is on `dev` in `ns`.
fn leftovers(ns: &str, dev: &str) -> String {
    let mut found = String::new();
    for dir in ["ingress", "egress"] {
        let f = sh(&["tc", "-n", ns, "filter", "show", "dev", dev, dir]);
        if f.contains("netdump") {
            found.push_str(&f);
        }
    }
    found
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn kill_9_in_every_namespace_leaves_nothing_attached() {
    let mut h = Hosts::new();
    let a = h.ns("a");
    let b = h.ns("b");
    h.link(&a, "ab", AB_A, &b, "ba", AB_B);
    let pattern = format!("{}*", h.prefix);
    let sides = [(&a, h.dev("ab")), (&b, h.dev("ba"))];

    // TCX links die with the process: nothing is left, and no qdisc was ever added.
    if common::kernel_has_tcx() {
        let nd = Proc::netdump_here(&["--netns", "all", "-i", &pattern, "-n"]);
        assert!(loaded_netdump_programs() > 0);
        nd.signal(libc::SIGKILL);
        let _ = nd.wait();
        wait_until("the programs are unloaded", || {
            loaded_netdump_programs() == 0
        });
        for (ns, dev) in &sides {
            assert_eq!(leftovers(ns, dev), "");
            let q = sh(&["tc", "-n", ns, "qdisc", "show", "dev", dev]);
            assert!(!q.contains("clsact"), "{q}");
        }
    } else {
        eprintln!("no TCX on this kernel: netdump attaches with netlink filters (next part)");
    }

    // Netlink filters outlive their process, in every namespace: the next start (here in
    // one namespace only) finds and removes them wherever they are.
    let nd = Proc::netdump_here(&["--netns", "all", "-i", &pattern, "--tc-attach", "netlink"]);
    nd.signal(libc::SIGKILL);
    let _ = nd.wait();
    for (ns, dev) in &sides {
        assert!(leftovers(ns, dev).contains("netdump_tc_ingress"), "{ns}");
    }
    let next = Proc::netdump_here(&["--netns", &a, "-i", "lo", "--tc-attach", "netlink"]);
    let f = next.stop();
    assert!(f.ok, "{}", f.stderr);
    for (ns, dev) in &sides {
        assert_eq!(leftovers(ns, dev), "", "{ns}");
    }
    assert!(
        f.stderr.contains(&format!(
            "removed a stale netdump tc ingress filter on {}@{b} left by an earlier run",
            h.dev("ba")
        )),
        "{}",
        f.stderr
    );
    wait_until("the programs are unloaded", || {
        loaded_netdump_programs() == 0
    });
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn per_interface_statistics() {
    let mut h = Hosts::new();
    let a = h.ns("a");
    let b = h.ns("b");
    let c = h.ns("c");
    h.link(&a, "ab", AB_A, &b, "ba", AB_B);
    h.link(&a, "ac", AC_A, &c, "ca", AC_C);
    let (ab, ac) = (h.dev("ab"), h.dev("ac"));

    // Several interfaces: a line for each before the totals, and in --stats.
    let nd = Proc::netdump(&a, &["-i", &ab, "-i", &ac, "-n", "--stats", "1", "icmp"]);
    h.ping(&a, AB_B);
    h.ping(&a, AC_C);
    h.ping(&a, AC_C);
    thread::sleep(Duration::from_millis(1200));
    let f = nd.stop();
    assert!(f.ok, "{}", f.stderr);
    let tail: Vec<&str> = f.stderr.lines().rev().take(5).collect();
    assert_eq!(
        tail,
        vec![
            "0 packets dropped by kernel",
            "6 packets received by filter",
            "6 packets captured",
            &*format!("{ac}: 4 packets captured, 4 received by filter, 0 dropped by kernel"),
            &*format!("{ab}: 2 packets captured, 2 received by filter, 0 dropped by kernel"),
        ],
        "{}",
        f.stderr
    );
    assert!(
        f.stderr.contains(&format!(
            "netdump:   {ac}: matched 4, captured 4, dropped 0"
        )),
        "{}",
        f.stderr
    );

    // One interface: tcpdump's three lines and nothing else after the banner.
    let nd = Proc::netdump(&a, &["-i", &ab, "-n", "icmp"]);
    h.ping(&a, AB_B);
    let f = nd.stop();
    let after: Vec<&str> = f
        .stderr
        .lines()
        .skip_while(|l| !l.contains("listening on"))
        .skip(1)
        .collect();
    assert_eq!(
        after,
        vec![
            "2 packets captured",
            "2 packets received by filter",
            "0 packets dropped by kernel"
        ],
        "{}",
        f.stderr
    );
}

#[test]
#[ignore = "needs root and network namespaces: cargo xtask test"]
fn bad_namespaces_are_one_clear_line_each() {
    let mut h = Hosts::new();
    let a = h.ns("a");
    let missing = format!("ndn-{}-nope", h.tag);
    let glob = format!("{}*", h.prefix);
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["--netns", &missing],
            format!("no network namespace named '{missing}' (ip netns lists: "),
        ),
        (
            vec!["--netns", "/etc/passwd"],
            "/etc/passwd is not a network namespace: --netns takes a name from ip netns".into(),
        ),
        (
            vec!["--netns", "/etc"],
            "/etc is not a network namespace".into(),
        ),
        (
            vec!["--netns", "/proc/self/ns/pid"],
            "/proc/self/ns/pid is a pid namespace, not a network namespace".into(),
        ),
        (
            vec!["--netns", "pid:999999999"],
            "no process with pid 999999999".into(),
        ),
        (
            vec!["--netns", &a, "-i", &glob],
            format!(
                "in network namespace {a}: no interface matches '{glob}' (interfaces here: lo): netdump does not wait for one to appear"
            ),
        ),
        (
            vec!["--netns", "all", "-i", &glob],
            format!("no interface matches '{glob}' in any network namespace"),
        ),
        (
            vec!["--netns", "all", "-w", "/tmp/x.pcap"],
            "--netns all cannot write a pcap file".into(),
        ),
        (
            vec!["--netns", "all", "--hook", "socket"],
            "--netns all cannot use --hook socket".into(),
        ),
    ];
    for (args, want) in cases {
        let (code, _, err) = run_here(&args);
        assert!(code != 0, "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(&want), "{args:?}: want '{want}', got {err}");
    }
    assert_eq!(loaded_netdump_programs(), 0);
}
