//! A watch on one directory's entries (inotify): `--netns all` hears of `ip netns add` at
//! once instead of at its next scan.

use std::{
    ffi::CString,
    io,
    os::fd::{AsRawFd as _, FromRawFd as _, OwnedFd},
    os::unix::ffi::OsStrExt as _,
    path::Path,
};

/// Non-blocking inotify descriptor watching entries created, deleted or moved in.
#[derive(Debug)]
pub struct DirWatch(OwnedFd);

impl DirWatch {
    pub fn new(dir: &Path) -> io::Result<DirWatch> {
        // SAFETY: plain inotify_init1(2).
        let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        if fd < 0 {
            return Err(super::last_error());
        }
        // SAFETY: a fresh fd that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let path = CString::new(dir.as_os_str().as_bytes())
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        // SAFETY: a NUL-terminated path; the watch lives as long as the fd.
        let wd = unsafe {
            libc::inotify_add_watch(
                fd.as_raw_fd(),
                path.as_ptr(),
                libc::IN_CREATE | libc::IN_DELETE | libc::IN_MOVED_TO,
            )
        };
        if wd < 0 {
            return Err(super::last_error());
        }
        Ok(DirWatch(fd))
    }

    /// Whether anything happened since the last call (reads every queued event).
    pub fn changed(&self) -> bool {
        let mut buf = [0u8; 4096];
        let mut any = false;
        // Bounded: the queue is finite; what is left is read next time.
        for _ in 0..64 {
            // SAFETY: read(2) writes at most buf.len() bytes into buf.
            let n = unsafe { libc::read(self.0.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                break;
            }
            any = true;
        }
        any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_a_file_created() {
        let dir = std::env::temp_dir().join(format!("nd-inotify-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let w = DirWatch::new(&dir).unwrap();
        assert!(!w.changed());
        std::fs::write(dir.join("x"), b"").unwrap();
        assert!(w.changed());
        assert!(!w.changed());
        let _ = std::fs::remove_dir_all(&dir);
        assert!(DirWatch::new(Path::new("/nd/no/such/dir")).is_err());
    }
}
