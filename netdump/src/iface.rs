//! Network interfaces: listing them (`-D`), finding one by name, choosing the default.

use std::io;

use crate::sys;

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

/// Every interface of this namespace, by index.
pub fn list() -> Result<Vec<Interface>, IfaceError> {
    let mut out: Vec<Interface> = sys::iface::links()
        .map_err(IfaceError::List)?
        .into_iter()
        .map(|l| Interface {
            name: l.name,
            index: l.index,
            flags: l.flags,
        })
        .collect();
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
    match sys::iface::flags_of(name) {
        sys::iface::Flags::Known(flags) if flags & libc::IFF_UP as u32 != 0 => State::Up,
        sys::iface::Flags::Known(_) => State::Down,
        sys::iface::Flags::Missing => State::Gone,
        // No socket to ask with: say nothing changed rather than end the capture.
        sys::iface::Flags::Unknown => State::Up,
    }
}

/// The name of interface `index`, if it still exists.
pub fn name_of(index: u32) -> Option<String> {
    sys::iface::name_of(index)
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
