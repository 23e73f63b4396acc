//! Network interfaces: listing them (`-D`), finding one by name, choosing the default.

use std::{ffi::CStr, io};

use thiserror::Error;

/// One interface as `getifaddrs` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    pub index: u32,
    pub flags: u32,
}

impl Interface {
    pub fn is_up(&self) -> bool {
        self.flags & libc::IFF_UP as u32 != 0
    }

    pub fn is_loopback(&self) -> bool {
        self.flags & libc::IFF_LOOPBACK as u32 != 0
    }

    /// tcpdump -D's description: `[Up, Running, Loopback]`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.is_up() {
            parts.push("Up");
        }
        if self.flags & libc::IFF_RUNNING as u32 != 0 {
            parts.push("Running");
        }
        if self.is_loopback() {
            parts.push("Loopback");
        }
        format!("[{}]", parts.join(", "))
    }
}

#[derive(Debug, Error)]
pub enum IfaceError {
    #[error("list interfaces: {0}")]
    List(#[source] io::Error),
    #[error("no interface named '{name}' (interfaces here: {known})")]
    Unknown { name: String, known: String },
    #[error("interface {name} is down: bring it up (ip link set {name} up) or pick another")]
    Down { name: String },
    #[error(
        "no interface that is up, other than loopback: name one with -i (netdump -D lists them)"
    )]
    NoDefault,
}

/// All interfaces of this network namespace, in ifindex order.
pub fn list() -> Result<Vec<Interface>, IfaceError> {
    let mut out: Vec<Interface> = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list we free below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return Err(IfaceError::List(io::Error::last_os_error()));
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
        out.push(Interface {
            name,
            index,
            flags: ifa.ifa_flags,
        });
    }
    // SAFETY: `head` came from getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(head) };
    out.sort_by_key(|i| i.index);
    Ok(out)
}

/// The interface called `name`, which must exist and be up.
pub fn find(name: &str) -> Result<Interface, IfaceError> {
    let all = list()?;
    let Some(found) = all.iter().find(|i| i.name == name) else {
        let known = all
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(IfaceError::Unknown {
            name: name.to_string(),
            known,
        });
    };
    if !found.is_up() {
        return Err(IfaceError::Down {
            name: name.to_string(),
        });
    }
    Ok(found.clone())
}

/// tcpdump's default: the first interface that is up and not loopback.
pub fn default() -> Result<Interface, IfaceError> {
    list()?
        .into_iter()
        .find(|i| i.is_up() && !i.is_loopback())
        .ok_or(IfaceError::NoDefault)
}

/// What became of the interface a capture runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Up,
    Down,
    Gone,
}

/// Whether interface `index` (called `name`) still exists and is up, asked with
/// SIOCGIFFLAGS in this network namespace.
pub fn state(name: &str, index: u32) -> State {
    if name_of(index).as_deref() != Some(name) {
        return State::Gone;
    }
    // SAFETY: a datagram socket only for the ioctl, closed below; ifreq is plain data.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return State::Up;
        }
        let mut req: libc::ifreq = std::mem::zeroed();
        for (d, s) in req
            .ifr_name
            .iter_mut()
            .zip(name.bytes().take(libc::IFNAMSIZ - 1))
        {
            *d = s as libc::c_char;
        }
        let rc = libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut req);
        libc::close(fd);
        if rc != 0 {
            return State::Gone;
        }
        if req.ifr_ifru.ifru_flags & libc::IFF_UP as i16 != 0 {
            State::Up
        } else {
            State::Down
        }
    }
}

/// The name of interface `index`, if it still exists.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_up_and_a_missing_index_is_gone() {
        let lo = list()
            .unwrap()
            .into_iter()
            .find(|i| i.is_loopback())
            .unwrap();
        assert_eq!(state(&lo.name, lo.index), State::Up);
        assert_eq!(state("nd-no-such0", 999_999), State::Gone);
    }

    #[test]
    fn loopback_is_listed_and_unknown_names_are_errors() {
        let all = list().unwrap();
        assert!(all.iter().any(|i| i.is_loopback()), "{all:?}");
        match find("nd-no-such0") {
            Err(IfaceError::Unknown { known, .. }) => assert!(known.contains("lo")),
            other => panic!("expected Unknown, got {other:?}"),
        }
    }
}
