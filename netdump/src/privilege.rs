//! The capabilities a live capture needs, checked up front for a clear message.

use thiserror::Error;

const CAP_NET_ADMIN: u32 = 12;
const CAP_SYS_ADMIN: u32 = 21;
const CAP_BPF: u32 = 39;

#[derive(Debug, Error)]
pub enum PrivilegeError {
    #[error("netdump needs CAP_BPF and CAP_NET_ADMIN to load and attach its programs: run it as root (sudo netdump ...)")]
    Missing,
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
