//! Known traffic sent across a [`Net`], raw frames, and the lines netdump must print for
//! them.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream, UdpSocket},
    thread,
    time::Duration,
};

use super::{in_ns, Net};

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
