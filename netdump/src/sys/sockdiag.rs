//! NETLINK_SOCK_DIAG: the inet sockets of the calling thread's network namespace, with the
//! cookie the kernel's BPF helpers report for them (`bpf_get_socket_cookie`) and the inode
//! that `/proc/PID/fd` links name (`socket:[INODE]`); and entering another namespace on one
//! thread (setns), to dump its sockets there.

use std::{
    fs::File,
    io,
    net::IpAddr,
    os::fd::{AsRawFd as _, FromRawFd as _, OwnedFd},
};

/// One socket of an inet_diag dump.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiagSocket {
    /// IPPROTO_TCP or IPPROTO_UDP.
    pub proto: u8,
    /// TCP_* state (10: listening; UDP sockets report 7, "closed", or 1 when connected).
    pub state: u8,
    pub local: IpAddr,
    pub local_port: u16,
    pub remote: IpAddr,
    pub remote_port: u16,
    pub cookie: u64,
    pub inode: u32,
    pub uid: u32,
}

const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLMSG_DONE: u16 = 3;
const NLMSG_ERROR: u16 = 2;

/// Every TCP and UDP socket, IPv4 and IPv6, of this thread's network namespace.
pub fn inet_sockets() -> io::Result<Vec<DiagSocket>> {
    let mut out = Vec::new();
    for family in [libc::AF_INET as u8, libc::AF_INET6 as u8] {
        for proto in [libc::IPPROTO_TCP as u8, libc::IPPROTO_UDP as u8] {
            dump(family, proto, &mut out)?;
        }
    }
    Ok(out)
}

fn dump(family: u8, proto: u8, out: &mut Vec<DiagSocket>) -> io::Result<()> {
    // SAFETY: plain socket(2).
    let fd = unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
            libc::NETLINK_SOCK_DIAG,
        )
    };
    if fd < 0 {
        return Err(super::last_error());
    }
    // SAFETY: a fresh fd that nothing else owns.
    let sock = unsafe { OwnedFd::from_raw_fd(fd) };
    // nlmsghdr (16) + inet_diag_req_v2 (56).
    let mut req = [0u8; 72];
    req[0..4].copy_from_slice(&72u32.to_ne_bytes());
    req[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    let flags = (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16;
    req[6..8].copy_from_slice(&flags.to_ne_bytes());
    req[8..12].copy_from_slice(&1u32.to_ne_bytes());
    req[16] = family;
    req[17] = proto;
    // idiag_ext 0, pad 0, idiag_states: all.
    req[20..24].copy_from_slice(&u32::MAX.to_ne_bytes());
    // SAFETY: `req` is a whole, initialised buffer of the length passed.
    let n = unsafe { libc::send(sock.as_raw_fd(), req.as_ptr().cast(), req.len(), 0) };
    if n < 0 {
        return Err(super::last_error());
    }
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        // SAFETY: `buf` is writable for its length.
        let n = unsafe { libc::recv(sock.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n < 0 {
            return Err(super::last_error());
        }
        let n = n as usize;
        if n == 0 {
            return Ok(());
        }
        if parse(&buf[..n], proto, out)? {
            return Ok(());
        }
    }
}

/// Parses one datagram of the dump's answer into `out`; true at its end.
pub fn parse(mut b: &[u8], proto: u8, out: &mut Vec<DiagSocket>) -> io::Result<bool> {
    while b.len() >= 16 {
        let len = u32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as usize;
        let ty = u16::from_ne_bytes([b[4], b[5]]);
        if len < 16 || len > b.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "sock_diag: bad length",
            ));
        }
        match ty {
            NLMSG_DONE => return Ok(true),
            NLMSG_ERROR => {
                let errno = b
                    .get(16..20)
                    .map(|e| i32::from_ne_bytes([e[0], e[1], e[2], e[3]]))
                    .unwrap_or(0);
                if errno == 0 {
                    return Ok(true);
                }
                return Err(io::Error::from_raw_os_error(-errno));
            }
            _ => {
                if let Some(s) = diag_msg(&b[16..len], proto) {
                    out.push(s);
                }
            }
        }
        let next = (len + 3) & !3;
        b = b.get(next..).unwrap_or(&[]);
    }
    Ok(false)
}

/// `struct inet_diag_msg`: family, state, timer, retrans, then inet_diag_sockid (ports and
/// addresses in network order, interface, cookie as two u32 in host order), expires,
/// rqueue, wqueue, uid, inode.
fn diag_msg(m: &[u8], proto: u8) -> Option<DiagSocket> {
    if m.len() < 72 {
        return None;
    }
    let u32_at = |o: usize| u32::from_ne_bytes([m[o], m[o + 1], m[o + 2], m[o + 3]]);
    let addr = |o: usize| -> IpAddr {
        if m[0] == libc::AF_INET as u8 {
            IpAddr::from([m[o], m[o + 1], m[o + 2], m[o + 3]])
        } else {
            let mut a = [0u8; 16];
            a.copy_from_slice(&m[o..o + 16]);
            IpAddr::from(a)
        }
    };
    Some(DiagSocket {
        proto,
        state: m[1],
        local_port: u16::from_be_bytes([m[4], m[5]]),
        remote_port: u16::from_be_bytes([m[6], m[7]]),
        local: addr(8),
        remote: addr(24),
        cookie: u64::from(u32_at(44)) | (u64::from(u32_at(48)) << 32),
        uid: u32_at(64),
        inode: u32_at(68),
    })
}

/// Runs `f` on a new thread that has entered the network namespace `ns` (an open
/// `/proc/PID/ns/net`), so the calling thread's namespace never changes. Needs CAP_SYS_ADMIN.
pub fn in_netns<T: Send + 'static>(
    ns: File,
    f: impl FnOnce() -> T + Send + 'static,
) -> io::Result<T> {
    std::thread::spawn(move || {
        // SAFETY: setns(2) on an fd we own; it changes this new thread only.
        let rc = unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) };
        if rc != 0 {
            return Err(super::last_error());
        }
        Ok(f())
    })
    .join()
    .map_err(|_| io::Error::other("namespace thread panicked"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_message_and_the_end() {
        let mut m = vec![0u8; 16 + 72];
        m[0..4].copy_from_slice(&88u32.to_ne_bytes());
        m[4..6].copy_from_slice(&20u16.to_ne_bytes());
        let d = &mut m[16..];
        d[0] = libc::AF_INET as u8;
        d[1] = 10;
        d[4..6].copy_from_slice(&8080u16.to_be_bytes());
        d[8..12].copy_from_slice(&[127, 0, 0, 1]);
        d[44..48].copy_from_slice(&7u32.to_ne_bytes());
        d[48..52].copy_from_slice(&1u32.to_ne_bytes());
        d[64..68].copy_from_slice(&1000u32.to_ne_bytes());
        d[68..72].copy_from_slice(&4242u32.to_ne_bytes());
        let mut done = vec![0u8; 20];
        done[0..4].copy_from_slice(&20u32.to_ne_bytes());
        done[4..6].copy_from_slice(&NLMSG_DONE.to_ne_bytes());
        m.extend_from_slice(&done);
        let mut out = Vec::new();
        assert!(parse(&m, 6, &mut out).unwrap());
        assert_eq!(out.len(), 1);
        let s = &out[0];
        assert_eq!(
            (s.local_port, s.state, s.uid, s.inode),
            (8080, 10, 1000, 4242)
        );
        assert_eq!(s.cookie, (1 << 32) | 7);
        assert_eq!(s.local, IpAddr::from([127, 0, 0, 1]));
        // Cut anywhere: an error or nothing, never a panic.
        for cut in 0..m.len() {
            let _ = parse(&m[..cut], 6, &mut Vec::new());
        }
    }
}
