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

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

const CAPABILITY_VERSION_3: u32 = 0x2008_0522;

fn last_err() -> std::io::Error {
    std::io::Error::last_os_error()
}

/// The uid and primary gid of `name`.
pub fn lookup_user(name: &str) -> Result<(u32, u32), DropError> {
    let cname = std::ffi::CString::new(name).map_err(|_| DropError::NoUser(name.to_string()))?;
    // SAFETY: getpwnam returns a pointer to static storage or null; read at once.
    let pw = unsafe { libc::getpwnam(cname.as_ptr()) };
    if pw.is_null() {
        return Err(DropError::NoUser(name.to_string()));
    }
    // SAFETY: `pw` is non-null and valid until the next getpw* call.
    Ok(unsafe { ((*pw).pw_uid, (*pw).pw_gid) })
}

/// After the programs are attached and the ring is mapped: become `user` (tcpdump's `-Z`),
/// if given, and keep no capability but CAP_NET_ADMIN when `keep_net_admin` (netlink
/// attachments are detached through netlink at exit; TCX links and the tap socket go with
/// their file descriptors and need nothing).
pub fn drop_privileges(user: Option<&str>, keep_net_admin: bool) -> Result<(), DropError> {
    let keep: u32 = if keep_net_admin {
        1 << CAP_NET_ADMIN
    } else {
        0
    };
    if let Some(name) = user {
        let (uid, gid) = lookup_user(name)?;
        let switch = |source| DropError::Switch {
            user: name.to_string(),
            source,
        };
        // SAFETY: plain syscalls on this process's credentials.
        unsafe {
            if keep != 0 && libc::prctl(libc::PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 {
                return Err(switch(last_err()));
            }
            if libc::setgroups(0, std::ptr::null()) != 0 {
                return Err(switch(last_err()));
            }
            if libc::setresgid(gid, gid, gid) != 0 {
                return Err(switch(last_err()));
            }
            if libc::setresuid(uid, uid, uid) != 0 {
                return Err(switch(last_err()));
            }
        }
    }
    let header = CapHeader {
        version: CAPABILITY_VERSION_3,
        pid: 0,
    };
    let data = [
        CapData {
            effective: keep,
            permitted: keep,
            inheritable: 0,
        },
        CapData::default(),
    ];
    // SAFETY: capset with a version-3 header and its two data words.
    let rc = unsafe { libc::syscall(libc::SYS_capset, &header as *const CapHeader, data.as_ptr()) };
    if rc != 0 {
        return Err(DropError::Capabilities(last_err()));
    }
    Ok(())
}
