//! This process's credentials: users, groups, capabilities, and advisory file locks.

use std::{ffi::CString, fs::File, io, os::fd::AsRawFd as _};

/// The uid and gid of user `name`, or None if there is no such user.
pub fn lookup_user(name: &str) -> Option<(u32, u32)> {
    let cname = CString::new(name).ok()?;
    // SAFETY: getpwnam reads a NUL-terminated name and returns a static entry or null.
    let pw = unsafe { libc::getpwnam(cname.as_ptr()) };
    if pw.is_null() {
        return None;
    }
    // SAFETY: pw is non-null and points at getpwnam's entry; we copy two integers at once.
    Some(unsafe { ((*pw).pw_uid, (*pw).pw_gid) })
}

fn check(rc: libc::c_long) -> io::Result<()> {
    if rc == 0 {
        Ok(())
    } else {
        Err(super::last_error())
    }
}

/// Becomes `uid`/`gid` for good (real, effective and saved), with no supplementary groups.
/// With `keep_caps`, the permitted capabilities survive the switch (PR_SET_KEEPCAPS).
pub fn switch_user(uid: u32, gid: u32, keep_caps: bool) -> io::Result<()> {
    // SAFETY: prctl/setgroups/setresgid/setresuid only change this process's credentials;
    // setgroups(0, NULL) passes no array.
    unsafe {
        if keep_caps {
            check(libc::prctl(libc::PR_SET_KEEPCAPS, 1, 0, 0, 0).into())?;
        }
        check(libc::setgroups(0, std::ptr::null()).into())?;
        check(libc::setresgid(gid, gid, gid).into())?;
        check(libc::setresuid(uid, uid, uid).into())
    }
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

/// Sets this process's effective and permitted capabilities to `caps` (a bit mask of
/// capability numbers), and the inheritable ones to none.
pub fn set_capabilities(caps: u64) -> io::Result<()> {
    let header = CapHeader {
        version: CAPABILITY_VERSION_3,
        pid: 0,
    };
    let data = [
        CapData {
            effective: caps as u32,
            permitted: caps as u32,
            inheritable: 0,
        },
        CapData {
            effective: (caps >> 32) as u32,
            permitted: (caps >> 32) as u32,
            inheritable: 0,
        },
    ];
    // SAFETY: capset with a version-3 header and the two data words that version reads.
    check(unsafe { libc::syscall(libc::SYS_capset, &header as *const CapHeader, data.as_ptr()) })
}

/// Takes an exclusive lock on `file` if nobody else holds one, then keeps a shared lock
/// either way. Returns whether the exclusive lock was had (no other holder).
pub fn lock_shared_noting_exclusive(file: &File) -> bool {
    let fd = file.as_raw_fd();
    // SAFETY: flock on an fd we own.
    let exclusive = unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } == 0;
    // SAFETY: as above; converting (or taking) a shared lock.
    unsafe { libc::flock(fd, libc::LOCK_SH) };
    exclusive
}

/// This machine's host name.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes.
    unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// Opens the cgroup v2 root through a mount of our own at `dir` (an empty directory),
/// detached again at once: the fd stays valid. For mount namespaces without cgroup v2 (`ip
/// netns exec` mounts a fresh /sys over the host's cgroup mounts).
pub fn open_cgroup2_root(dir: &std::path::Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::ffi::OsStrExt as _;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    // SAFETY: mount(2) with NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::mount(
            c"none".as_ptr(),
            c.as_ptr(),
            c"cgroup2".as_ptr(),
            libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            std::ptr::null(),
        )
    };
    if rc != 0 {
        return Err(super::last_error());
    }
    let file = std::fs::File::open(dir);
    // SAFETY: umount2(2) of the mount just made; MNT_DETACH lets the open fd keep it.
    unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) };
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_exists_and_nonsense_does_not() {
        assert_eq!(lookup_user("root"), Some((0, 0)));
        assert_eq!(lookup_user("nd-no-such-user"), None);
        assert_eq!(lookup_user("a\0b"), None);
    }
}
