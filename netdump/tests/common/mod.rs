//! Shared by the root-only integration tests: namespaces joined by a veth pair, a running
//! netdump with its output collected, and traffic senders.
//!
//! Each test builds its own namespaces (addresses in 198.18.0.0/15 and 2001:2::/48) and the
//! `Net` guard removes them when it ends, also when it fails.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream, UdpSocket},
    os::fd::AsRawFd,
    process::{Child, Command, ExitStatus, Stdio},
    sync::{
        atomic::{AtomicU32, Ordering},
        Arc, Mutex,
    },
    thread,
    time::{Duration, Instant},
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

/// Two namespaces joined by a veth pair; removed on drop.
pub struct Net {
    pub a: String,
    pub b: String,
    pub va: String,
    pub vb: String,
    pub ip_a: String,
    pub ip_b: String,
    pub ip6_a: String,
    pub ip6_b: String,
}

impl Net {
    /// `ipv6`: keep IPv6 on the link (addresses 2001:2::N:1/2); otherwise it is disabled so
    /// no IPv6 housekeeping packets appear. `static_neigh`: permanent neighbour entries, so
    /// no ARP is sent.
    pub fn new(ipv6: bool, static_neigh: bool) -> Net {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let tag = format!("{}{n}", std::process::id() % 10000);
        let net = Net {
            a: format!("ndt-{tag}-a"),
            b: format!("ndt-{tag}-b"),
            va: format!("ndt{tag}a"),
            vb: format!("ndt{tag}b"),
            ip_a: format!("198.18.{n}.1"),
            ip_b: format!("198.18.{n}.2"),
            ip6_a: format!("2001:2::{n}:1"),
            ip6_b: format!("2001:2::{n}:2"),
        };
        sh(&["ip", "netns", "add", &net.a]);
        sh(&["ip", "netns", "add", &net.b]);
        sh(&[
            "ip", "link", "add", &net.va, "type", "veth", "peer", "name", &net.vb,
        ]);
        sh(&["ip", "link", "set", &net.va, "netns", &net.a]);
        sh(&["ip", "link", "set", &net.vb, "netns", &net.b]);
        for (ns, dev, ip, ip6) in [
            (&net.a, &net.va, &net.ip_a, &net.ip6_a),
            (&net.b, &net.vb, &net.ip_b, &net.ip6_b),
        ] {
            let v6 = if ipv6 { "0" } else { "1" };
            sh(&[
                "ip",
                "netns",
                "exec",
                ns,
                "sysctl",
                "-qw",
                &format!("net.ipv6.conf.{dev}.disable_ipv6={v6}"),
            ]);
            sh(&[
                "ip",
                "netns",
                "exec",
                ns,
                "sysctl",
                "-qw",
                &format!("net.ipv6.conf.{dev}.router_solicitations=0"),
            ]);
            sh(&[
                "ip",
                "-n",
                ns,
                "addr",
                "add",
                &format!("{ip}/24"),
                "dev",
                dev,
            ]);
            if ipv6 {
                sh(&[
                    "ip",
                    "-n",
                    ns,
                    "addr",
                    "add",
                    &format!("{ip6}/64"),
                    "dev",
                    dev,
                    "nodad",
                ]);
            }
            sh(&["ip", "-n", ns, "link", "set", dev, "up"]);
        }
        if static_neigh {
            let mac_a = net.mac(&net.a, &net.va);
            let mac_b = net.mac(&net.b, &net.vb);
            sh(&[
                "ip",
                "-n",
                &net.a,
                "neigh",
                "add",
                &net.ip_b,
                "lladdr",
                &mac_b,
                "dev",
                &net.va,
                "nud",
                "permanent",
            ]);
            sh(&[
                "ip",
                "-n",
                &net.b,
                "neigh",
                "add",
                &net.ip_a,
                "lladdr",
                &mac_a,
                "dev",
                &net.vb,
                "nud",
                "permanent",
            ]);
        }
        if ipv6 {
            // Let the MLD reports for the new addresses go out before anyone listens.
            thread::sleep(Duration::from_millis(2500));
        }
        net
    }

    pub fn mac(&self, ns: &str, dev: &str) -> String {
        let out = sh(&["ip", "-n", ns, "-br", "link", "show", dev]);
        out.split_whitespace()
            .nth(2)
            .expect("mac in ip -br output")
            .to_string()
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

impl Drop for Net {
    fn drop(&mut self) {
        // Deleting a namespace deletes the veth end inside it, and with it the pair.
        let _ = Command::new("ip").args(["netns", "del", &self.a]).status();
        let _ = Command::new("ip").args(["netns", "del", &self.b]).status();
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

/// A running netdump whose output is collected.
pub struct Capture {
    pub child: Option<Child>,
    pub stdout: Arc<Mutex<String>>,
    pub stderr: Arc<Mutex<String>>,
    pub readers: Vec<thread::JoinHandle<()>>,
}

pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// The printed lines, without their timestamps.
    pub fn lines(&self) -> Vec<String> {
        self.stdout
            .lines()
            .map(|l| l.split_once(' ').map(|x| x.1).unwrap_or(l).to_string())
            .map(|l| normalize_ids(&l))
            .collect()
    }

    pub fn stat(&self, what: &str) -> u64 {
        self.stderr
            .lines()
            .find_map(|l| {
                let (n, rest) = l.split_once(' ')?;
                (rest
                    .trim_start_matches("packets ")
                    .trim_start_matches("packet ")
                    == what)
                    .then(|| n.parse().ok())?
            })
            .unwrap_or_else(|| panic!("no '{what}' line in stderr:\n{}", self.stderr))
    }
}

/// ICMP echo ids are the pinging process's; replace them with X.
pub fn normalize_ids(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find(", id ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        out.push('X');
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

pub fn collect(
    mut r: impl Read + Send + 'static,
    into: Arc<Mutex<String>>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(&mut r);
        let mut line = String::new();
        while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            into.lock().unwrap().push_str(&line);
            line.clear();
        }
    })
}

impl Capture {
    pub fn start(ns: &str, dev: &str, args: &[&str]) -> Capture {
        let mut child = Command::new("ip")
            .args(["netns", "exec", ns, BIN, "-i", dev])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start netdump");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let readers = vec![
            collect(child.stdout.take().unwrap(), stdout.clone()),
            collect(child.stderr.take().unwrap(), stderr.clone()),
        ];
        let cap = Capture {
            child: Some(child),
            stdout,
            stderr,
            readers,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !cap.stderr.lock().unwrap().contains("listening on") {
            if Instant::now() > deadline {
                panic!("netdump did not start: {}", cap.stderr.lock().unwrap());
            }
            thread::sleep(Duration::from_millis(20));
        }
        cap
    }

    pub fn pid(&self) -> i32 {
        self.child.as_ref().unwrap().id() as i32
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.pid(), sig) };
    }

    /// Waits up to `timeout` for netdump to exit by itself; a hang fails the test.
    /// Whether netdump has exited by itself.
    pub fn exited(&self) -> bool {
        // SAFETY: kill with signal 0 only checks that the process exists; a zombie counts.
        let alive = unsafe { libc::kill(self.pid(), 0) } == 0;
        let zombie = std::fs::read_to_string(format!("/proc/{}/stat", self.pid()))
            .map(|s| s.contains(") Z "))
            .unwrap_or(true);
        !alive || zombie
    }

    pub fn wait(mut self, timeout: Duration) -> Finished {
        let mut child = self.child.take().unwrap();
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(st) = child.try_wait().unwrap() {
                break st;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "netdump did not exit within {timeout:?}; stderr: {}",
                    self.stderr.lock().unwrap()
                );
            }
            thread::sleep(Duration::from_millis(20));
        };
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        Finished {
            status,
            stdout: self.stdout.lock().unwrap().clone(),
            stderr: self.stderr.lock().unwrap().clone(),
        }
    }

    /// Ctrl-C, after giving in-flight samples time to be printed.
    pub fn stop(self) -> Finished {
        thread::sleep(Duration::from_millis(300));
        self.signal(libc::SIGINT);
        self.wait(Duration::from_secs(10))
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub const UDP_PAYLOAD: &[u8; 32] = b"netdump-udp-payload-32-bytes!!!!";
pub const TCP_PAYLOAD: &[u8; 32] = b"netdump-tcp-payload-32-bytes!!!!";

/// One ICMP echo, one UDP datagram A→B (received by a socket on B), and one TCP connection
/// carrying 32 bytes A→B, then closed by both sides.
pub fn send_traffic(net: &Net) {
    net.in_a(&["ping", "-c", "1", "-W", "2", &net.ip_b]);
    let ip_b = net.ip_b.clone();
    let ip_a = net.ip_a.clone();
    let rx = in_ns(&net.b, || UdpSocket::bind(format!("{ip_b}:40002")).unwrap());
    in_ns(&net.a, || {
        let tx = UdpSocket::bind(format!("{ip_a}:40001")).unwrap();
        tx.send_to(UDP_PAYLOAD, format!("{ip_b}:40002")).unwrap();
    });
    let mut buf = [0u8; 64];
    rx.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    assert_eq!(rx.recv(&mut buf).unwrap(), 32);

    let listener = in_ns(&net.b, || {
        TcpListener::bind(format!("{ip_b}:40080")).unwrap()
    });
    let server = thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        got
    });
    in_ns(&net.a, || {
        let mut c = TcpStream::connect(format!("{ip_b}:40080")).unwrap();
        c.write_all(TCP_PAYLOAD).unwrap();
    });
    assert_eq!(server.join().unwrap(), TCP_PAYLOAD);
}

/// Checks the lines printed for [`send_traffic`] as seen on B (`vb`), with an optional
/// hook tag after the direction.
pub fn assert_traffic(net: &Net, lines: &[String], tag: &str) {
    let vb = format!("{:<5}", net.vb);
    let (a, b) = (&net.ip_a, &net.ip_b);
    let exact = [
        format!("{vb} In  {tag}IP {a} > {b}: ICMP echo request, id X, seq 1, length 64"),
        format!("{vb} Out {tag}IP {b} > {a}: ICMP echo reply, id X, seq 1, length 64"),
        format!("{vb} In  {tag}IP {a}.40001 > {b}.40002: UDP, length 32"),
    ];
    for want in &exact {
        let n = lines.iter().filter(|l| *l == want).count();
        assert_eq!(
            n,
            1,
            "expected exactly one '{want}' in:\n{}",
            lines.join("\n")
        );
    }
    let tcp_in = format!("{vb} In  {tag}IP {a}.");
    let tcp_out = format!("{vb} Out {tag}IP {b}.40080 > {a}.");
    let tcp: Vec<&String> = lines
        .iter()
        .filter(|l| {
            l.starts_with(&tcp_in) && l.contains(&format!("> {b}.40080: "))
                || l.starts_with(&tcp_out)
        })
        .collect();
    let has = |prefix: &str, needle: &str| {
        tcp.iter()
            .any(|l| l.starts_with(prefix) && l.contains(needle))
    };
    assert!(
        has(&tcp_in, ": Flags [S], seq "),
        "no SYN in:\n{}",
        lines.join("\n")
    );
    assert!(
        has(&tcp_out, ": Flags [S.], seq "),
        "no SYN-ACK in:\n{}",
        lines.join("\n")
    );
    assert!(
        has(&tcp_in, ": Flags [P.], seq 1:33, ack 1, win "),
        "no data segment in:\n{}",
        lines.join("\n")
    );
    assert!(
        tcp.iter()
            .any(|l| l.starts_with(&tcp_in) && l.ends_with(", length 32")),
        "data length"
    );
    assert!(
        has(&tcp_in, ": Flags [F.], seq 33, ack 1, "),
        "no FIN from A in:\n{}",
        lines.join("\n")
    );
    assert!(
        has(&tcp_out, ": Flags [F.], seq 1, ack 34, "),
        "no FIN from B in:\n{}",
        lines.join("\n")
    );
    // Nothing else crossed the link.
    assert_eq!(
        lines.len(),
        exact.len() + tcp.len(),
        "unexpected packets in:\n{}",
        lines.join("\n")
    );
}

pub fn assert_clean_exit(f: &Finished) {
    assert!(f.status.success(), "exit {:?}: {}", f.status, f.stderr);
    let printed = f.stdout.lines().count() as u64;
    assert_eq!(
        f.stat("captured"),
        printed,
        "captured line vs printed lines:\n{}",
        f.stderr
    );
    assert_eq!(f.stat("received by filter"), printed, "{}", f.stderr);
    assert_eq!(f.stat("dropped by kernel"), 0, "{}", f.stderr);
}

/// Sends one raw Ethernet frame out of `dev` in namespace `ns` (AF_PACKET).
pub fn send_raw(ns: &str, dev: &str, frame: &[u8]) {
    send_raw_all(ns, dev, &[frame.to_vec()]);
}

/// Sends raw Ethernet frames, in order, out of `dev` in namespace `ns` (AF_PACKET).
pub fn send_raw_all(ns: &str, dev: &str, frames: &[Vec<u8>]) {
    let dev = dev.to_string();
    in_ns(ns, move || {
        let name = std::ffi::CString::new(dev).unwrap();
        // SAFETY: plain libc calls on a socket we own and close.
        unsafe {
            let ifindex = libc::if_nametoindex(name.as_ptr());
            assert!(ifindex > 0);
            let fd = libc::socket(libc::AF_PACKET, libc::SOCK_RAW, 0);
            assert!(fd >= 0);
            let mut addr: libc::sockaddr_ll = std::mem::zeroed();
            addr.sll_family = libc::AF_PACKET as u16;
            addr.sll_ifindex = ifindex as i32;
            addr.sll_halen = 6;
            for frame in frames {
                let n = libc::sendto(
                    fd,
                    frame.as_ptr().cast(),
                    frame.len(),
                    0,
                    (&addr as *const libc::sockaddr_ll).cast(),
                    std::mem::size_of::<libc::sockaddr_ll>() as u32,
                );
                assert_eq!(
                    n,
                    frame.len() as isize,
                    "{}",
                    std::io::Error::last_os_error()
                );
            }
            libc::close(fd);
        }
    });
}

pub fn parse_mac(s: &str) -> [u8; 6] {
    let v: Vec<u8> = s
        .split(':')
        .map(|x| u8::from_str_radix(x, 16).unwrap())
        .collect();
    v.try_into().unwrap()
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

/// An 802.1Q-tagged UDP datagram A:40001 -> B:40002 carrying UDP_PAYLOAD.
pub fn vlan_udp_frame(net: &Net, vid: u16) -> Vec<u8> {
    let (mac_a, mac_b) = (net.mac(&net.a, &net.va), net.mac(&net.b, &net.vb));
    let ip = |s: &str| -> [u8; 4] { s.parse::<std::net::Ipv4Addr>().unwrap().octets() };
    let mut frame = Vec::new();
    etherparse::PacketBuilder::ethernet2(parse_mac(&mac_a), parse_mac(&mac_b))
        .single_vlan(etherparse::VlanId::try_new(vid).unwrap())
        .ipv4(ip(&net.ip_a), ip(&net.ip_b), 64)
        .udp(40001, 40002)
        .write(&mut frame, UDP_PAYLOAD)
        .unwrap();
    frame
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
