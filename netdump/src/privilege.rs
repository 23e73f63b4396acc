//! The capabilities a live capture needs, checked up front for a clear message.

use thiserror::Error;

use crate::sys::process;

const CAP_NET_ADMIN: u32 = 12;
const CAP_NET_RAW: u32 = 13;
const CAP_SYS_PTRACE: u32 = 19;
const CAP_SYS_ADMIN: u32 = 21;
const CAP_PERFMON: u32 = 38;
const CAP_BPF: u32 = 39;

#[derive(Debug, Error)]
pub enum PrivilegeError {
    #[error("netdump needs CAP_BPF and CAP_NET_ADMIN to load and attach its programs: run it as root (sudo netdump ...)")]
    Missing,
    #[error(
        "--drops needs CAP_PERFMON as well, to trace the kernel: run it as root (sudo netdump ...)"
    )]
    Perfmon,
}

/// The effective capability set of this process, from /proc/self/status.
fn effective() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("CapEff:"))?;
    u64::from_str_radix(line.trim_start_matches("CapEff:").trim(), 16).ok()
}

/// Ok when the process can load BPF programs and attach them to interfaces.
pub fn check() -> Result<(), PrivilegeError> {
    let Some(caps) = effective() else {
        // No /proc: let the kernel say no later.
        return Ok(());
    };
    let has = |c: u32| caps & (1u64 << c) != 0;
    if has(CAP_NET_ADMIN) && (has(CAP_BPF) || has(CAP_SYS_ADMIN)) {
        Ok(())
    } else {
        Err(PrivilegeError::Missing)
    }
}

/// Ok when the process may also load tracing programs that read kernel memory (`--drops`:
/// a raw tracepoint program using `bpf_probe_read_kernel`).
pub fn check_drops() -> Result<(), PrivilegeError> {
    let Some(caps) = effective() else {
        return Ok(());
    };
    if caps & (1u64 << CAP_PERFMON | 1u64 << CAP_SYS_ADMIN) != 0 {
        Ok(())
    } else {
        Err(PrivilegeError::Perfmon)
    }
}

#[derive(Debug, Error)]
pub enum DropError {
    #[error("-Z {0}: no such user")]
    NoUser(String),
    #[error("drop privileges to {user}: {source}")]
    Switch {
        user: String,
        #[source]
        source: std::io::Error,
    },
    #[error("drop capabilities: {0}")]
    Capabilities(#[source] std::io::Error),
}

/// The uid and gid of `-Z` user `name`.
pub fn lookup_user(name: &str) -> Result<(u32, u32), DropError> {
    process::lookup_user(name).ok_or_else(|| DropError::NoUser(name.to_string()))
}

/// Which capabilities a capture keeps once attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    Nothing,
    /// CAP_NET_ADMIN alone: netlink filters are removed at exit.
    NetAdmin,
    /// What attaching to interfaces created while capturing needs (`-i any`, patterns):
    /// CAP_NET_ADMIN, CAP_BPF and CAP_NET_RAW (the socket tap).
    Attach,
    /// A capture in other network namespaces (`--netns`): as `Attach`, plus CAP_SYS_ADMIN to
    /// enter them (setns: to attach, check or detach there, as no descriptor is kept that
    /// would keep them alive) and CAP_SYS_PTRACE to read other users' /proc/PID/ns/net
    /// (finding namespaces with `--netns all`).
    Namespaces,
}

/// Switches to `user` (if any), then drops every capability but those `keep` names.
pub fn drop_privileges(user: Option<&str>, keep: Keep) -> Result<(), DropError> {
    let keep: u64 = match keep {
        Keep::Nothing => 0,
        Keep::NetAdmin => 1 << CAP_NET_ADMIN,
        Keep::Attach => 1 << CAP_NET_ADMIN | 1 << CAP_BPF | 1 << CAP_NET_RAW,
        Keep::Namespaces => {
            1 << CAP_NET_ADMIN
                | 1 << CAP_BPF
                | 1 << CAP_NET_RAW
                | 1 << CAP_SYS_ADMIN
                | 1 << CAP_SYS_PTRACE
        }
    };
    if let Some(name) = user {
        let (uid, gid) = lookup_user(name)?;
        process::switch_user(uid, gid, keep != 0).map_err(|source| DropError::Switch {
            user: name.to_string(),
            source,
        })?;
    }
    process::set_capabilities(keep).map_err(DropError::Capabilities)
}
