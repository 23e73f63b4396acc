//! What a killed run leaves behind: netlink filters outlive their process (TCX links and the
//! tap do not). A lock file per interface tells live netdumps from stale filters; the next
//! start removes stale ones on the interfaces it attaches to, and [`sweep`] finds the rest,
//! in whatever namespace a killed run had attached.

use std::{
    fs::{self, File},
    path::Path,
};

use aya::programs::{tc, TcAttachType};
use netdump_common::names;

use crate::{
    netns::{discover, Namespace},
    sys::{iface, process::lock_shared_noting_exclusive},
};

const DIR: &str = "/run/netdump";

/// The lock file of interface `ifindex` of the namespace with inode `netns`.
fn lock_path(netns: u64, ifindex: u32) -> String {
    format!("{DIR}/tc-{netns}-{ifindex}.lock")
}

/// The (namespace inode, ifindex) a lock file's name stands for.
fn parse_lock_name(name: &str) -> Option<(u64, u32)> {
    let (ns, index) = name
        .strip_prefix("tc-")?
        .strip_suffix(".lock")?
        .split_once('-')?;
    Some((ns.parse().ok()?, index.parse().ok()?))
}

/// A lock file per interface: every netdump using TC on it holds a shared lock while it
/// runs. Whoever gets the lock exclusively knows no other netdump is alive there, so any
/// netdump filter still attached is stale. Locks die with their process, even on SIGKILL.
pub(super) fn take_lock(netns: u64, ifindex: u32) -> (Option<File>, bool) {
    if fs::create_dir_all(DIR).is_err() {
        return (None, false);
    }
    let Ok(file) = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(netns, ifindex))
    else {
        return (None, false);
    };
    let exclusive = lock_shared_noting_exclusive(&file);
    (Some(file), exclusive)
}

/// Removes netlink filters named like netdump's programs from interface `name` of the
/// calling thread's namespace: left by a run that was killed.
pub(super) fn remove_filters(name: &str, shown: &str, notes: &mut Vec<String>) {
    for (prog, kind, what) in [
        (names::PROG_TC_INGRESS, TcAttachType::Ingress, "ingress"),
        (names::PROG_TC_EGRESS, TcAttachType::Egress, "egress"),
        (names::PROG_TC_INGRESS_L3, TcAttachType::Ingress, "ingress"),
        (names::PROG_TC_EGRESS_L3, TcAttachType::Egress, "egress"),
    ] {
        if tc::qdisc_detach_program(name, kind, prog).is_ok() {
            notes.push(format!(
                "removed a stale netdump tc {what} filter on {shown} left by an earlier run"
            ));
        }
    }
}

/// Every lock file no live netdump holds: a run that held it was killed, and may have left
/// netlink filters on that interface. Removes them, in their namespace, and the lock files
/// of namespaces that no longer exist. Skips `(netns, ifindex)` pairs in `skip` (the caller
/// is about to attach there and cleans up as it does).
pub(super) fn sweep(skip: &dyn Fn(u64, u32) -> bool, notes: &mut Vec<String>) {
    let Ok(dir) = fs::read_dir(DIR) else {
        return;
    };
    let mut stale = Vec::new();
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((ns, ifindex)) = parse_lock_name(&name) else {
            continue;
        };
        if skip(ns, ifindex) {
            continue;
        }
        let Ok(file) = File::options().write(true).open(entry.path()) else {
            continue;
        };
        if lock_shared_noting_exclusive(&file) {
            stale.push((ns, ifindex, entry.path(), file));
        }
    }
    if stale.is_empty() {
        return;
    }
    let found = discover::scan();
    let own = crate::netns::own_inode().unwrap_or(0);
    for (ns, ifindex, path, _file) in stale {
        let Some(f) = found.get(&ns) else {
            // The namespace is gone, and its filters with it.
            let _ = fs::remove_file(Path::new(&path));
            continue;
        };
        let space = Namespace::from_found(f, own);
        let label = space.id.label().into_owned();
        let removed = space.enter(|| {
            let mut notes = Vec::new();
            if let Some(name) = iface::name_of(ifindex) {
                let shown = if space.own {
                    name.clone()
                } else {
                    format!("{name}@{label}")
                };
                remove_filters(&name, &shown, &mut notes);
            }
            notes
        });
        if let Ok(n) = removed {
            notes.extend(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_names_round_trip() {
        let p = lock_path(4026531840, 7);
        let name = Path::new(&p).file_name().unwrap().to_str().unwrap();
        assert_eq!(parse_lock_name(name), Some((4026531840, 7)));
        assert_eq!(parse_lock_name("tc-7.lock"), None);
        assert_eq!(parse_lock_name("other"), None);
    }
}
