//! Per-packet cost of translated filters in the kernel: BPF_PROG_TEST_RUN with repeat, for a
//! small, a medium and a large expression, against a program that only returns (the floor),
//! measured in one run. Needs root. Run through `cargo xtask bench` (or
//! `cargo run --release --example filter_cost` as root).

use netdump::filter::{
    ebpf::{self, Insn},
    kernel::{self, ProgType},
    translate::Action,
    Filter,
};

const REPEAT: u32 = 2_000_000;
const ROUNDS: usize = 5;

fn frame() -> Vec<u8> {
    let mut f = Vec::new();
    etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
        .tcp(40000, 443, 1, 512)
        .ack(1)
        .write(&mut f, &[0u8; 18])
        .unwrap();
    f
}

fn median(mut v: Vec<u32>) -> u32 {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    let frame = frame();
    let floor: Vec<Insn> = vec![
        ebpf::insn(ebpf::ALU64 | ebpf::MOV | ebpf::K, 0, 0, 0, 0),
        ebpf::insn(ebpf::JMP | ebpf::EXIT, 0, 0, 0, 0),
    ];
    let large = (0..40)
        .map(|i| format!("host 10.0.0.{i}"))
        .collect::<Vec<_>>()
        .join(" or ")
        + " or tcp port 443";
    let cases: Vec<(&str, String)> = vec![
        ("small: tcp", "tcp".to_string()),
        (
            "medium: tcp port 443 and host 198.18.0.2",
            "tcp port 443 and host 198.18.0.2".to_string(),
        ),
        (
            "medium: vlan or (tcp[tcpflags] & tcp-syn != 0)",
            "vlan or (tcp[tcpflags] & tcp-syn != 0)".to_string(),
        ),
        ("large: 40 hosts or tcp port 443", large),
    ];
    let mut progs: Vec<(String, usize, usize, std::os::fd::OwnedFd)> = vec![(
        "floor: return 0".to_string(),
        0,
        2,
        kernel::load(ProgType::SchedCls, "nd_floor", &floor).expect("load floor (root?)"),
    )];
    // netdump's own TC entry program, capturing every packet into a ring nobody drains
    // (256 MiB: the 2 M samples of 96 bytes of one round fit); as it runs by default, with
    // per-interface counts (several interfaces), and with those and each packet's namespace
    // read through skb->dev (--netns all). Test runs use this namespace's loopback.
    let offsets = netdump::kernel::btf::NetnsOffsets::from_sys().expect("the kernel's BTF");
    let cookie = netdump::sys::netns::cookie_here().expect("SO_NETNS_COOKIE");
    let mut objects = Vec::new();
    for (name, netns, stats, owner_on) in [
        (
            "netdump_tc_ingress: count, copy to the ring",
            None,
            false,
            false,
        ),
        ("  + per-interface counts", None, true, false),
        (
            "  + per-interface counts + namespace (--netns all)",
            Some(offsets),
            true,
            false,
        ),
        // The attribution object, its lookups missing (no socket recorded).
        ("  + attribution (--context)", None, false, true),
    ] {
        let mut ebpf = netdump::kernel::load::load(&netdump::kernel::LoadOptions {
            transport: netdump::kernel::Transport::Ring,
            snaplen: netdump_common::DEFAULT_SNAPLEN,
            directions: 3,
            ring_bytes: 256 << 20,
            log: false,
            filter: false,
            headers_only: false,
            sample: 1,
            max_rate: None,
            netns,
            iface_stats: stats,
            drops: None,
            owner_on,
            owner_filter: 0,
            owner_pname: [0; 16],
        })
        .expect("load netdump's object");
        let mut iface_stats = stats.then(|| {
            netdump::kernel::counters::IfaceStats::open(&mut ebpf).expect("per-interface maps")
        });
        if let Some(s) = iface_stats.as_mut() {
            let key = netdump_common::IfaceKey {
                netns: if netns.is_some() { cookie } else { 0 },
                ifindex: 1,
                _pad: 0,
            };
            assert!(s.assign(key));
        }
        let capture: &mut aya::programs::SchedClassifier = ebpf
            .program_mut(netdump_common::names::PROG_TC_INGRESS)
            .unwrap()
            .try_into()
            .unwrap();
        capture.load().expect("load the capture program");
        let fd = std::os::fd::AsFd::as_fd(capture.fd().unwrap())
            .try_clone_to_owned()
            .unwrap();
        progs.push((name.to_string(), 0, 0, fd));
        objects.push((ebpf, iface_stats));
    }
    for (name, expr) in &cases {
        let f = Filter::compile(expr).expect("compile");
        let insns = f.ebpf(Action::Return).expect("translate");
        let fd = kernel::load(ProgType::SchedCls, "nd_cost", &insns).expect("load");
        progs.push((name.to_string(), f.cbpf().len(), insns.len(), fd));
    }
    // Interleave the programs round by round, so drift hits all of them alike.
    let mut ns: Vec<Vec<u32>> = vec![Vec::new(); progs.len()];
    for _ in 0..ROUNDS {
        for (i, (_, _, _, fd)) in progs.iter().enumerate() {
            let (_, d) = kernel::test_run(fd, &frame, REPEAT).expect("test run");
            ns[i].push(d);
        }
    }
    let floor_ns = median(ns[0].clone()).max(1);
    println!("filter cost per packet (BPF_PROG_TEST_RUN, {REPEAT} repeats x {ROUNDS} rounds, median; 72-byte TCP frame)");
    println!(
        "{:<50} {:>6} {:>6} {:>8} {:>10}",
        "program", "cBPF", "eBPF", "ns/pkt", "x floor"
    );
    let mut json = Vec::new();
    for (i, (name, c, e, _)) in progs.iter().enumerate() {
        let m = median(ns[i].clone());
        // The capture programs are not translated filters: no instruction counts.
        let count = |n: &usize| {
            if *n == 0 {
                "-".to_string()
            } else {
                n.to_string()
            }
        };
        println!(
            "{:<50} {:>6} {:>6} {:>8} {:>10.2}",
            name,
            count(c),
            count(e),
            m,
            f64::from(m) / f64::from(floor_ns)
        );
        json.push(format!(
            "{{\"program\":{:?},\"cbpf\":{c},\"ebpf\":{e},\"ns\":{m},\"samples\":{:?}}}",
            name, ns[i]
        ));
    }
    if let Some(path) = std::env::args().nth(1) {
        std::fs::write(&path, format!("[{}]\n", json.join(","))).expect("write json");
    }
}
