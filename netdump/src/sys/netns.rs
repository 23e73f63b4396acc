//! Network namespaces seen through their files (nsfs): opening one and checking what it is,
//! running code inside one, and a namespace's cookie.
//!
//! `setns(2)` moves only the calling thread, so [`NsFile::run_in`] does it on a thread of
//! its own that ends with the closure: the caller (the capture's event loop) never changes
//! namespace, and no thread stays behind in one, which would keep it alive.

use std::{
    fs::File,
    io,
    os::fd::{AsFd as _, AsRawFd as _, FromRawFd as _, OwnedFd},
    os::unix::fs::MetadataExt as _,
    path::Path,
};

/// `NS_GET_NSTYPE` (linux/nsfs.h, `_IO(0xb7, 0x3)`), Linux 4.11+.
const NS_GET_NSTYPE: libc::Ioctl = 0xb703;

/// `SO_NETNS_COOKIE` (asm-generic/socket.h), Linux 5.14+.
const SO_NETNS_COOKIE: libc::c_int = 71;

/// Why a path is not a network namespace one can open.
#[derive(Debug)]
pub enum OpenError {
    /// Opening failed (no such file, permission...).
    Io(io::Error),
    /// It is not a namespace file at all (a regular file, a directory).
    NotNamespace,
    /// A namespace of another kind: its short name (`mnt`, `pid`, ...).
    OtherKind(&'static str),
}

/// An open network namespace file. Holding it keeps the namespace alive: open one only for
/// as long as it is used.
#[derive(Debug)]
pub struct NsFile(OwnedFd);

/// The short name of namespace kind `flag` (a CLONE_NEW* value).
fn kind_name(flag: libc::c_int) -> &'static str {
    match flag {
        libc::CLONE_NEWNS => "mnt",
        libc::CLONE_NEWUTS => "uts",
        libc::CLONE_NEWIPC => "ipc",
        libc::CLONE_NEWUSER => "user",
        libc::CLONE_NEWPID => "pid",
        libc::CLONE_NEWCGROUP => "cgroup",
        0x80 => "time",
        _ => "unknown",
    }
}

impl NsFile {
    /// Opens `path` and checks that it is a network namespace.
    pub fn open(path: &Path) -> Result<NsFile, OpenError> {
        let file = File::open(path).map_err(OpenError::Io)?;
        let fd = OwnedFd::from(file);
        // SAFETY: an ioctl without an argument on an fd we own; on anything but an nsfs
        // file it fails with ENOTTY (or EINVAL) and changes nothing.
        let kind = unsafe { libc::ioctl(fd.as_raw_fd(), NS_GET_NSTYPE) };
        if kind < 0 {
            return Err(OpenError::NotNamespace);
        }
        if kind != libc::CLONE_NEWNET {
            return Err(OpenError::OtherKind(kind_name(kind)));
        }
        Ok(NsFile(fd))
    }

    /// The namespace's identity: (device, inode) of its nsfs file.
    pub fn id(&self) -> io::Result<(u64, u64)> {
        let file = File::from(self.0.try_clone()?);
        let m = file.metadata()?;
        Ok((m.dev(), m.ino()))
    }

    /// The descriptor's number, for a request that names the namespace by fd (NETNSA_FD).
    pub fn raw_fd(&self) -> u32 {
        self.0.as_raw_fd() as u32
    }

    /// Runs `f` on a new thread that has entered this namespace, and returns what it
    /// returned; the thread ends with `f`. Entering needs CAP_SYS_ADMIN.
    pub fn run_in<T: Send>(&self, f: impl FnOnce() -> T + Send) -> io::Result<T> {
        let fd = self.0.as_fd();
        std::thread::scope(|s| {
            s.spawn(|| {
                // SAFETY: setns on this thread only, with a network namespace fd we hold.
                if unsafe { libc::setns(fd.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
                    return Err(super::last_error());
                }
                Ok(f())
            })
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the thread in the namespace panicked")))
        })
    }
}

/// The cookie of the calling thread's network namespace (what `SO_NETNS_COOKIE` reports,
/// and what the kernel programs read from `net->net_cookie`).
pub fn cookie_here() -> io::Result<u64> {
    // SAFETY: plain socket(2).
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(super::last_error());
    }
    // SAFETY: a fresh fd that nothing else owns.
    let sock = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut cookie: u64 = 0;
    let mut len = std::mem::size_of::<u64>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `cookie`.
    let rc = unsafe {
        libc::getsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            SO_NETNS_COOKIE,
            (&mut cookie as *mut u64).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(super::last_error());
    }
    Ok(cookie)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_namespace_opens_and_other_files_do_not() {
        let own = NsFile::open(Path::new("/proc/self/ns/net")).unwrap();
        let (_, ino) = own.id().unwrap();
        assert!(ino > 0);
        assert!(matches!(
            NsFile::open(Path::new("/proc/self/ns/mnt")),
            Err(OpenError::OtherKind("mnt"))
        ));
        assert!(matches!(
            NsFile::open(Path::new("/etc/passwd")),
            Err(OpenError::NotNamespace)
        ));
        assert!(matches!(
            NsFile::open(Path::new("/")),
            Err(OpenError::NotNamespace)
        ));
        assert!(matches!(
            NsFile::open(Path::new("/nd-no-such-file")),
            Err(OpenError::Io(e)) if e.kind() == io::ErrorKind::NotFound
        ));
    }

    #[test]
    fn a_cookie_is_had_without_privileges() {
        let a = cookie_here().unwrap();
        assert_eq!(a, cookie_here().unwrap());
        assert_ne!(a, 0);
    }
}
