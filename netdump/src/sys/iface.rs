//! The kernel's interface table: getifaddrs, if_indextoname, SIOCGIFFLAGS.

use std::{ffi::CStr, io, os::fd::AsRawFd as _};

/// One interface as getifaddrs reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub name: String,
    pub index: u32,
    /// `IFF_*` flags.
    pub flags: u32,
}

/// Every interface of this network namespace, once each, in getifaddrs' order.
pub fn links() -> io::Result<Vec<Link>> {
    let mut out: Vec<Link> = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list we free below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return Err(super::last_error());
    }
    let mut cur = head;
    while !cur.is_null() {
        // SAFETY: `cur` walks the list getifaddrs returned; every node is valid until freed.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        if ifa.ifa_name.is_null() {
            continue;
        }
        // SAFETY: a NUL-terminated name owned by the list.
        let name = unsafe { CStr::from_ptr(ifa.ifa_name) }
            .to_string_lossy()
            .into_owned();
        if out.iter().any(|i| i.name == name) {
            continue;
        }
        // SAFETY: ifa_name is a valid C string.
        let index = unsafe { libc::if_nametoindex(ifa.ifa_name) };
        out.push(Link {
            name,
            index,
            flags: ifa.ifa_flags,
        });
    }
    // SAFETY: `head` came from getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(head) };
    Ok(out)
}

/// Every IPv4 network of this namespace's interfaces, as (address, netmask) pairs (none
/// when getifaddrs fails).
pub fn ipv4_networks() -> Vec<(std::net::Ipv4Addr, std::net::Ipv4Addr)> {
    let mut out = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list we free below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return out;
    }
    let mut cur = head;
    while !cur.is_null() {
        // SAFETY: `cur` walks the list getifaddrs returned; every node is valid until freed.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        if ifa.ifa_addr.is_null() || ifa.ifa_netmask.is_null() {
            continue;
        }
        // SAFETY: ifa_addr points at a sockaddr at least as long as its family says.
        if i32::from(unsafe { (*ifa.ifa_addr).sa_family }) != libc::AF_INET {
            continue;
        }
        // SAFETY: an AF_INET address and its netmask are sockaddr_in.
        let (addr, mask) = unsafe {
            (
                *ifa.ifa_addr.cast::<libc::sockaddr_in>(),
                *ifa.ifa_netmask.cast::<libc::sockaddr_in>(),
            )
        };
        out.push((
            std::net::Ipv4Addr::from(u32::from_be(addr.sin_addr.s_addr)),
            std::net::Ipv4Addr::from(u32::from_be(mask.sin_addr.s_addr)),
        ));
    }
    // SAFETY: `head` came from getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(head) };
    out
}

/// The name of interface `index`, if there is one.
pub fn name_of(index: u32) -> Option<String> {
    let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: buf has IF_NAMESIZE bytes, as if_indextoname requires.
    let p = unsafe { libc::if_indextoname(index, buf.as_mut_ptr()) };
    if p.is_null() {
        return None;
    }
    // SAFETY: if_indextoname wrote a NUL-terminated name into buf.
    Some(
        unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// An interface ioctl that reads `name` from an ifreq and fills in the rest: `Ok(None)` when
/// the kernel says no (the interface is gone), `Err` when there is no socket to ask with.
fn ifreq_ioctl(name: &str, request: libc::Ioctl) -> io::Result<Option<libc::ifreq>> {
    let sock = super::socket::datagram_socket()?;
    // SAFETY: ifreq is plain data; zero is a valid start.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    for (d, s) in req
        .ifr_name
        .iter_mut()
        .zip(name.bytes().take(libc::IFNAMSIZ - 1))
    {
        *d = s as libc::c_char;
    }
    // SAFETY: `request` is an SIOCGIF* request: it reads the name from and writes one union
    // member of the ifreq we pass, nothing else.
    let rc = unsafe { libc::ioctl(sock.as_raw_fd(), request, &mut req) };
    Ok((rc == 0).then_some(req))
}

/// What SIOCGIFFLAGS says of an interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flags {
    /// Its `IFF_*` flags.
    Known(u32),
    /// The ioctl failed: no such interface (any more).
    Missing,
    /// No socket to ask with: nothing is known.
    Unknown,
}

/// The `IFF_*` flags of interface `name`.
pub fn flags_of(name: &str) -> Flags {
    let req = match ifreq_ioctl(name, libc::SIOCGIFFLAGS) {
        Ok(Some(req)) => req,
        Ok(None) => return Flags::Missing,
        Err(_) => return Flags::Unknown,
    };
    // SAFETY: SIOCGIFFLAGS filled the flags member of the union.
    let flags = unsafe { req.ifr_ifru.ifru_flags };
    Flags::Known(u32::from(flags as u16))
}

/// The ARPHRD_* hardware type of interface `name` (SIOCGIFHWADDR's address family): 1
/// Ethernet, 772 loopback, 65534 none (tun), ... `None` if it is gone.
pub fn hw_type(name: &str) -> Option<u16> {
    let req = ifreq_ioctl(name, libc::SIOCGIFHWADDR).ok()??;
    // SAFETY: SIOCGIFHWADDR filled the hwaddr member of the union.
    Some(unsafe { req.ifr_ifru.ifru_hwaddr.sa_family })
}
