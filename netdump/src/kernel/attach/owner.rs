//! Attribution's recording programs, all at the cgroup v2 root (so they see every process's
//! sockets, in every network namespace): the cgroup socket programs, sockops, and a
//! cgroup_skb egress program that learns the ports of sockets that never bind.
//!
//! Every one is attached through a BPF link (5.7+), which the kernel runs beside any
//! programs systemd or a container runtime attached (a link is always "multi": aya's
//! `AllowMultiple` would pass BPF_F_ALLOW_MULTI, which link_create refuses), so the kernel detaches them when
//! netdump's last fd goes, even on SIGKILL. Each is optional: the probe's outcome says what
//! a kernel without it loses, and the capture goes on.

use std::{fs::File, path::PathBuf};

use aya::{
    programs::{
        CgroupAttachMode, CgroupSkb, CgroupSkbAttachType, CgroupSock, ProgramError, SockOps,
    },
    Ebpf,
};
use netdump_common::owner::names;

/// What the attribution hooks could be attached on this kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Support {
    /// Every hook.
    Full,
    /// Some hooks: the words say what is missing.
    Partial(String),
    /// None: the capture goes on without owners; the words say why.
    None(String),
}

impl Support {
    /// The one line a capture prints when attribution is asked for and not complete.
    pub fn warning(&self) -> Option<String> {
        match self {
            Support::Full => None,
            Support::Partial(w) => Some(format!("netdump: process attribution partial: {w}")),
            Support::None(w) => Some(format!("netdump: no process attribution: {w}")),
        }
    }
}

/// The attached recording programs. Their links belong to the `Ebpf` object: they go when
/// it is dropped, or when the process ends.
#[derive(Debug)]
pub struct OwnerHooks {
    pub support: Support,
    /// The cgroup v2 mount the programs were attached at; a private mount is reached as
    /// `/proc/self/fd/N` through `root_dir`.
    pub cgroup_root: Option<PathBuf>,
    /// The open root directory: a private mount exists only through it, so whoever uses
    /// `cgroup_root` keeps it.
    pub root_dir: Option<File>,
}

/// Where cgroup v2 is mounted: `/sys/fs/cgroup` on pure v2 hosts, `/sys/fs/cgroup/unified`
/// on hybrid ones; read from the mount table, never assumed.
/// When this mount namespace has none (`ip netns exec` mounts a fresh /sys), the host's,
/// through PID 1's root.
pub fn cgroup2_mount() -> Option<PathBuf> {
    if let Some(p) = std::fs::read_to_string("/proc/self/mounts")
        .ok()
        .and_then(|m| cgroup2_in(&m))
    {
        return Some(p);
    }
    let host = std::fs::read_to_string("/proc/1/mounts").ok()?;
    let p = cgroup2_in(&host)?;
    let through = PathBuf::from("/proc/1/root").join(p.strip_prefix("/").unwrap_or(&p));
    if std::fs::read_dir(&through).is_ok() {
        return Some(through);
    }
    // Mounted on the host but out of reach here: an empty path asks `attach` to mount its own.
    Some(PathBuf::new())
}

/// The cgroup v2 root through a private, detached mount (see `sys::process`).
fn private_root() -> std::io::Result<File> {
    let dir = std::env::temp_dir().join(format!("netdump-cgroup2-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let f = crate::sys::process::open_cgroup2_root(&dir);
    let _ = std::fs::remove_dir(&dir);
    f
}

/// The first cgroup2 mount point in a `/proc/mounts` text (octal escapes undone).
pub fn cgroup2_in(mounts: &str) -> Option<PathBuf> {
    mounts.lines().find_map(|line| {
        let mut f = line.split_whitespace();
        let (_dev, dir, fstype) = (f.next()?, f.next()?, f.next()?);
        (fstype == "cgroup2").then(|| PathBuf::from(unescape(dir)))
    })
}

/// `/proc/mounts` writes space, tab, newline and backslash as `\ooo`.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Loads and attaches every recording program it can; never fails the capture.
pub fn attach(ebpf: &mut Ebpf) -> OwnerHooks {
    let mut missing: Vec<String> = Vec::new();
    let Some(root) = cgroup2_mount() else {
        return OwnerHooks {
            support: Support::None("no cgroup v2 mount (the socket hooks attach to it)".into()),
            cgroup_root: None,
            root_dir: None,
        };
    };
    let private = root.as_os_str().is_empty();
    let opened = if private {
        private_root()
    } else {
        File::open(&root)
    };
    let dir = match opened {
        Ok(d) => d,
        Err(e) => {
            return OwnerHooks {
                support: Support::None(format!("open {}: {e}", root.display())),
                cgroup_root: Some(root),
                root_dir: None,
            }
        }
    };
    // A detached mount has no path; its fd's magic link in /proc leads into it.
    let root = if private {
        use std::os::fd::AsRawFd as _;
        PathBuf::from(format!("/proc/self/fd/{}", dir.as_raw_fd()))
    } else {
        root
    };
    let mut core_ok = true;
    for (name, what) in [
        (
            names::PROG_SOCK_CREATE,
            "socket creation (cgroup/sock_create, 4.10)",
        ),
        (
            names::PROG_POST_BIND4,
            "bound ports (cgroup/post_bind4, 4.17)",
        ),
        (
            names::PROG_POST_BIND6,
            "bound IPv6 ports (cgroup/post_bind6, 4.17)",
        ),
        (
            names::PROG_SOCK_RELEASE,
            "socket release (cgroup/sock_release, 5.9): entries leave only by LRU eviction",
        ),
    ] {
        if let Err(e) = cgroup_sock(ebpf, name, &dir) {
            log::debug!("attribution: {name}: {e}");
            missing.push(format!("{what}: {}", why(&e)));
            if name == names::PROG_SOCK_CREATE {
                core_ok = false;
            }
        }
    }
    if let Err(e) = sock_ops(ebpf, &dir) {
        log::debug!("attribution: sockops: {e}");
        missing.push(format!("TCP connections (sockops, 4.13: {})", why(&e)));
    }
    if let Err(e) = cgroup_skb(ebpf, &dir) {
        log::debug!("attribution: cgroup_skb egress: {e}");
        missing.push(format!(
            "ports of UDP and ping sockets that never bind (cgroup_skb egress, 4.10: {})",
            why(&e)
        ));
    }
    let support = if !core_ok && missing.len() >= 4 {
        Support::None(format!("no cgroup socket programs: {}", missing.join("; ")))
    } else if missing.is_empty() {
        Support::Full
    } else {
        Support::Partial(format!("missing {}", missing.join("; ")))
    };
    OwnerHooks {
        support,
        cgroup_root: Some(root),
        root_dir: Some(dir),
    }
}

/// Why a hook is missing, in a few words: the verifier's last complaint (`unknown func
/// bpf_get_current_pid_tgid#14`), else the error itself.
fn why(e: &ProgramError) -> String {
    if let ProgramError::LoadError { verifier_log, .. } = e {
        let log = verifier_log.to_string();
        if let Some(line) = log.lines().rev().find(|l| {
            let l = l.trim();
            !l.is_empty()
                && !l.starts_with("processed ")
                && !l.starts_with("verification time")
                && !l.starts_with("stack depth")
        }) {
            return line.trim().to_string();
        }
    }
    e.to_string()
}

fn cgroup_sock(ebpf: &mut Ebpf, name: &str, dir: &File) -> Result<(), ProgramError> {
    let prog: &mut CgroupSock = ebpf
        .program_mut(name)
        .ok_or(ProgramError::UnexpectedProgramType)?
        .try_into()?;
    prog.load()?;
    prog.attach(dir, CgroupAttachMode::Single)?;
    Ok(())
}

fn sock_ops(ebpf: &mut Ebpf, dir: &File) -> Result<(), ProgramError> {
    let prog: &mut SockOps = ebpf
        .program_mut(names::PROG_SOCKOPS)
        .ok_or(ProgramError::UnexpectedProgramType)?
        .try_into()?;
    prog.load()?;
    prog.attach(dir, CgroupAttachMode::Single)?;
    Ok(())
}

fn cgroup_skb(ebpf: &mut Ebpf, dir: &File) -> Result<(), ProgramError> {
    let prog: &mut CgroupSkb = ebpf
        .program_mut(names::PROG_EGRESS)
        .ok_or(ProgramError::UnexpectedProgramType)?
        .try_into()?;
    prog.load()?;
    prog.attach(dir, CgroupSkbAttachType::Egress, CgroupAttachMode::Single)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_hybrid_and_pure_v2_mounts() {
        let hybrid = "tmpfs /sys/fs/cgroup tmpfs rw 0 0\n\
                      cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n\
                      cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n";
        assert_eq!(
            cgroup2_in(hybrid),
            Some(PathBuf::from("/sys/fs/cgroup/unified"))
        );
        let pure = "cgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate 0 0\n";
        assert_eq!(cgroup2_in(pure), Some(PathBuf::from("/sys/fs/cgroup")));
        assert_eq!(cgroup2_in("cgroup /x cgroup rw 0 0\n"), None);
        assert_eq!(
            cgroup2_in("none /a\\040b cgroup2 rw 0 0\n"),
            Some(PathBuf::from("/a b"))
        );
    }
}
