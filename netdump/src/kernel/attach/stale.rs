//! What a killed run leaves behind: netlink filters outlive their process (TCX links and the
//! tap do not). A per-interface lock tells live netdumps from stale filters.

use std::fs::{self, File};

use aya::programs::{tc, TcAttachType};
use netdump_common::names;

use crate::{iface::Interface, sys::process::lock_shared_noting_exclusive};

/// A lock file per interface: every netdump using TC on it holds a shared lock while it
/// runs. Whoever gets the lock exclusively knows no other netdump is alive there, so any
/// netdump filter still attached is stale. Locks die with their process, even on SIGKILL.
pub(super) fn take_lock(ifindex: u32) -> (Option<File>, bool) {
    let dir = "/run/netdump";
    if fs::create_dir_all(dir).is_err() {
        return (None, false);
    }
    let Ok(file) = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(format!("{dir}/tc-{ifindex}.lock"))
    else {
        return (None, false);
    };
    let exclusive = lock_shared_noting_exclusive(&file);
    (Some(file), exclusive)
}

/// Removes netlink filters named like netdump's programs: left by a run that was killed.
pub(super) fn remove_filters(iface: &Interface, notes: &mut Vec<String>) {
    for (name, kind, what) in [
        (names::PROG_TC_INGRESS, TcAttachType::Ingress, "ingress"),
        (names::PROG_TC_EGRESS, TcAttachType::Egress, "egress"),
        (names::PROG_TC_INGRESS_L3, TcAttachType::Ingress, "ingress"),
        (names::PROG_TC_EGRESS_L3, TcAttachType::Egress, "egress"),
    ] {
        if tc::qdisc_detach_program(&iface.name, kind, name).is_ok() {
            notes.push(format!(
                "removed a stale netdump tc {what} filter on {} left by an earlier run",
                iface.name
            ));
        }
    }
}
