//! Loads the capture object, attaches the attribution hooks, prints what they record for a
//! few local sockets and what start-up seeding finds: a manual check of the kernel half.
use std::{
    io::Write,
    net::{TcpListener, TcpStream, UdpSocket},
};

use netdump::kernel::{
    attach::owner,
    load::{self, LoadOptions, Transport},
    owner_maps::{self, OwnerMaps},
};

fn main() {
    let opts = LoadOptions {
        transport: Transport::Ring,
        snaplen: 100,
        directions: 3,
        ring_bytes: 1 << 20,
        log: false,
        filter: false,
        headers_only: false,
        sample: 0,
        max_rate: None,
        drops: None,
        netns: None,
        iface_stats: false,
        owner_on: true,
        owner_filter: 0,
        owner_pname: [0; 16],
    };
    let pre = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut ebpf = load::load(&opts).unwrap();
    let hooks = owner::attach(&mut ebpf);
    println!("support: {:?} at {:?}", hooks.support, hooks.cgroup_root);
    let mut maps = OwnerMaps::take(&mut ebpf).unwrap();
    let t = std::time::Instant::now();
    let seed = owner_maps::existing_sockets(hooks.cgroup_root.as_deref());
    println!(
        "existing sockets {} in {:?}; seeded {}",
        seed.len(),
        t.elapsed(),
        maps.seed(&seed)
    );
    let u = UdpSocket::bind("0.0.0.0:0").unwrap();
    u.send_to(b"x", "127.0.0.1:9").unwrap();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (_s, _) = l.accept().unwrap();
    c.write_all(b"hi").unwrap();
    println!(
        "pre port {} udp port {} tcp {:?}",
        pre.local_addr().unwrap().port(),
        u.local_addr().unwrap().port(),
        c.local_addr()
    );
    println!("sizes {:?}", maps.sweep(0));
    std::process::Command::new("bpftool")
        .args(["map", "dump", "name", "OWNER_PORTS"])
        .status()
        .unwrap();
    std::process::Command::new("bpftool")
        .args(["map", "dump", "name", "OWNER_FLOWS"])
        .status()
        .unwrap();
    drop(c);
    std::thread::sleep(std::time::Duration::from_millis(100));
}
