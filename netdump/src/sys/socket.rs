//! Sockets netdump opens itself: the AF_PACKET tap the socket filter lives on, and
//! NETLINK_ROUTE sockets for the rtnetlink requests aya lacks and for link events.

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

    /// A socket that hears of interfaces added, changed or deleted in this namespace and in
    /// every namespace that has an id here (NETLINK_LISTEN_ALL_NSID), and of ids given to
    /// namespaces or taken back when they die (RTNLGRP_NSID); non-blocking. Unlike a socket
    /// opened inside each namespace, it keeps none of them alive.
    ///
    /// # Minimum kernel version
    /// 4.2 (NETLINK_LISTEN_ALL_NSID).
    pub fn monitor_all_namespaces() -> io::Result<RouteSocket> {
        const RTNLGRP_NSID: u32 = 28;
        const NETLINK_LISTEN_ALL_NSID: libc::c_int = 8;
        let sock = socket(
            libc::AF_NETLINK,
            libc::SOCK_RAW | libc::SOCK_NONBLOCK,
            libc::NETLINK_ROUTE,
        )?;
        let on: libc::c_int = 1;
        // SAFETY: setsockopt reads one int from `on`.
        let rc = unsafe {
            libc::setsockopt(
                sock.as_raw_fd(),
                libc::SOL_NETLINK,
                NETLINK_LISTEN_ALL_NSID,
                (&on as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as u32,
            )
        };
        if rc != 0 {
            return Err(super::last_error());
        }
        // SAFETY: sockaddr_nl is plain data; zero is a valid start.
        let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        addr.nl_family = libc::AF_NETLINK as u16;
        addr.nl_groups = libc::RTMGRP_LINK as u32 | 1 << (RTNLGRP_NSID - 1);
        bind(&sock, &addr)?;
        Ok(RouteSocket(sock))
    }

    /// One datagram and the id of the namespace it comes from (`None`: this one, or a
    /// socket not listening to all namespaces).
    pub fn recv_from_namespace(&self, buf: &mut [u8]) -> io::Result<(usize, Option<i32>)> {
        const NETLINK_LISTEN_ALL_NSID: libc::c_int = 8;
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        // Room for one cmsg carrying an int, aligned as cmsghdr wants.
        let mut control = [0u64; 8];
        // SAFETY: msghdr is plain data; zero is a valid start.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&control);
        // SAFETY: recvmsg writes at most iov_len bytes into buf and msg_controllen bytes
        // into control, both of which outlive the call.
        let n = unsafe { libc::recvmsg(self.0.as_raw_fd(), &mut msg, 0) };
        let n = usize::try_from(n).map_err(|_| super::last_error())?;
        let mut nsid = None;
        // SAFETY: the CMSG_* macros walk the control buffer recvmsg filled, within
        // msg_controllen; the data of a NETLINK_LISTEN_ALL_NSID cmsg is one int.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(&msg);
            while !c.is_null() {
                if (*c).cmsg_level == libc::SOL_NETLINK && (*c).cmsg_type == NETLINK_LISTEN_ALL_NSID
                {
                    let id = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast::<i32>());
                    // NETNSA_NSID_NOT_ASSIGNED (-1): this namespace.
                    nsid = (id >= 0).then_some(id);
                }
                c = libc::CMSG_NXTHDR(&msg, c);
            }
        }
        Ok((n, nsid))
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
