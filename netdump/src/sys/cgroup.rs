//! A cgroup v2 directory's id as the kernel gives it to BPF programs, through its file handle.
//!
//! `name_to_handle_at` on cgroupfs returns the kernfs node id as an 8-byte handle
//! (`kernfs_encode_fh`, fs/kernfs/mount.c), the same number `bpf_skb_cgroup_id` and
//! `bpf_get_current_cgroup_id` return; it needs no privilege (only opening by handle
//! does). netdump's owner lookups use the directory's inode number, which equals it on
//! 64-bit kernels; this is the check that they agree.

use std::{ffi::CString, io, os::unix::ffi::OsStrExt as _, path::Path};

/// Room for any handle the kernel returns (MAX_HANDLE_SZ).
const MAX_HANDLE: usize = 128;

#[repr(C)]
struct Handle {
    bytes: libc::c_uint,
    kind: libc::c_int,
    data: [u8; MAX_HANDLE],
}

/// The cgroup id of the cgroup v2 directory `dir`.
pub fn id_of(dir: &Path) -> io::Result<u64> {
    let path = CString::new(dir.as_os_str().as_bytes())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    let mut handle = Handle {
        bytes: MAX_HANDLE as libc::c_uint,
        kind: 0,
        data: [0; MAX_HANDLE],
    };
    let mut mount_id: libc::c_int = 0;
    // SAFETY: `handle` starts with the `file_handle` header and has `bytes` bytes of room
    // after it, as name_to_handle_at requires; the path is NUL-terminated.
    let rc = unsafe {
        libc::name_to_handle_at(
            libc::AT_FDCWD,
            path.as_ptr(),
            (&mut handle as *mut Handle).cast::<libc::file_handle>(),
            &mut mount_id,
            0,
        )
    };
    if rc != 0 {
        return Err(super::last_error());
    }
    match handle.data.get(..8) {
        Some(id) if handle.bytes == 8 => Ok(u64::from_ne_bytes(
            id.try_into().map_err(|_| io::ErrorKind::InvalidData)?,
        )),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "not a cgroup v2 handle (8 bytes)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::MetadataExt as _;

    use super::*;

    #[test]
    fn the_id_is_the_inode_number_on_this_machine() {
        let mounts = std::fs::read_to_string("/proc/mounts").unwrap();
        let root = crate::owner::mounts::find_v2(&mounts).expect("a cgroup v2 mount");
        let mut checked = 0;
        for dir in std::iter::once(root.clone()).chain(
            std::fs::read_dir(&root)
                .unwrap()
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path()),
        ) {
            let ino = std::fs::metadata(&dir).unwrap().ino();
            assert_eq!(id_of(&dir).unwrap(), ino, "{}", dir.display());
            checked += 1;
        }
        assert!(checked >= 1);
        assert!(id_of(Path::new("/nonexistent-netdump")).is_err());
    }
}
