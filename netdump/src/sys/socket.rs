//! Sockets netdump opens itself: the AF_PACKET tap the socket filter lives on, and a
//! NETLINK_ROUTE socket for the one rtnetlink request aya lacks.

use std::{
    io,
    os::fd::{AsRawFd as _, FromRawFd as _, OwnedFd},
};

fn socket(domain: libc::c_int, ty: libc::c_int, protocol: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: plain socket(2).
    let fd = unsafe { libc::socket(domain, ty | libc::SOCK_CLOEXEC, protocol) };
    if fd < 0 {
        return Err(super::last_error());
    }
    // SAFETY: a fresh fd that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// An AF_PACKET raw socket with protocol 0: it receives nothing until [`bind_packet`], so a
/// filter attached in between sees every packet.
pub fn packet_socket() -> io::Result<OwnedFd> {
    socket(libc::AF_PACKET, libc::SOCK_RAW, 0)
}

/// Binds an AF_PACKET socket to every protocol (ETH_P_ALL) on interface `ifindex`.
pub fn bind_packet(sock: &OwnedFd, ifindex: u32) -> io::Result<()> {
    // SAFETY: sockaddr_ll is plain data; zero is a valid start.
    let mut addr: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    addr.sll_family = libc::AF_PACKET as u16;
    addr.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
    addr.sll_ifindex =
        i32::try_from(ifindex).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    bind(sock, &addr)
}

/// A socket address family's `sockaddr_*` structure.
trait SockAddr {}
impl SockAddr for libc::sockaddr_ll {}
impl SockAddr for libc::sockaddr_nl {}

/// bind(2) of `sock` to `addr`.
fn bind<A: SockAddr>(sock: &OwnedFd, addr: &A) -> io::Result<()> {
    // SAFETY: `addr` is a whole sockaddr_* structure (the trait is implemented for those
    // only) of the size we pass.
    let rc = unsafe {
        libc::bind(
            sock.as_raw_fd(),
            (addr as *const A).cast(),
            std::mem::size_of::<A>() as u32,
        )
    };
    if rc != 0 {
        return Err(super::last_error());
    }
    Ok(())
}

/// A NETLINK_ROUTE socket: one request out, its answer back.
pub struct RouteSocket(OwnedFd);

impl RouteSocket {
    pub fn open() -> io::Result<RouteSocket> {
        socket(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE).map(RouteSocket)
    }

    /// A socket that hears of every interface added, changed or deleted (RTMGRP_LINK),
    /// non-blocking.
    pub fn monitor_links() -> io::Result<RouteSocket> {
        let sock = socket(
            libc::AF_NETLINK,
            libc::SOCK_RAW | libc::SOCK_NONBLOCK,
            libc::NETLINK_ROUTE,
        )?;
        // SAFETY: sockaddr_nl is plain data; zero is a valid start.
        let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        addr.nl_family = libc::AF_NETLINK as u16;
        addr.nl_groups = libc::RTMGRP_LINK as u32;
        bind(&sock, &addr)?;
        Ok(RouteSocket(sock))
    }

    /// Reads what is queued without waiting: whether anything was (an overflow, ENOBUFS,
    /// counts as something: events were lost).
    pub fn drain(&self) -> bool {
        let mut buf = [0u8; 8192];
        let mut any = false;
        loop {
            match self.recv(&mut buf) {
                Ok(0) => return any,
                Ok(_) => any = true,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return any,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // ENOBUFS (events dropped) or anything else: look again.
                Err(_) => return true,
            }
        }
    }

    pub fn send(&self, msg: &[u8]) -> io::Result<usize> {
        // SAFETY: send reads msg.len() bytes from msg.
        let n = unsafe { libc::send(self.0.as_raw_fd(), msg.as_ptr().cast(), msg.len(), 0) };
        usize::try_from(n).map_err(|_| super::last_error())
    }

    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        // SAFETY: recv writes at most buf.len() bytes into buf.
        let n = unsafe { libc::recv(self.0.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
        usize::try_from(n).map_err(|_| super::last_error())
    }
}

/// A UDP socket, only for interface ioctls.
pub fn datagram_socket() -> io::Result<OwnedFd> {
    socket(libc::AF_INET, libc::SOCK_DGRAM, 0)
}
