//! Shared mappings of a file descriptor (BPF maps: the ring buffer, the counters array), and
//! giving freed heap back before they are made.

use std::{
    io,
    os::fd::{AsRawFd as _, BorrowedFd},
    ptr::NonNull,
};

/// The system's page size.
pub fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n).ok().filter(|&n| n > 0).unwrap_or(4096)
}

/// Gives the heap's free pages back to the kernel (glibc's `malloc_trim`). Loading the BPF
/// object frees most of what it allocates (parsed sections, relocation tables), but glibc
/// keeps freed memory inside the heap resident; calling this before the capture's large
/// mappings keeps it out of the peak RSS (issue 13). A no-op elsewhere.
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// How a mapping may be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    ReadWrite,
}

/// A `MAP_SHARED` mapping, unmapped on drop. Reading and writing through it is the owner's
/// business: the memory may change under it at any time (the kernel writes it).
#[derive(Debug)]
pub struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is plain shared memory; its owner decides how threads use it.
unsafe impl Send for Mapping {}

impl Mapping {
    /// Maps `len` bytes of `fd` from `offset` (a multiple of the page size).
    pub fn shared(
        fd: BorrowedFd<'_>,
        len: usize,
        offset: usize,
        access: Access,
    ) -> io::Result<Mapping> {
        let prot = match access {
            Access::Read => libc::PROT_READ,
            Access::ReadWrite => libc::PROT_READ | libc::PROT_WRITE,
        };
        let offset = libc::off_t::try_from(offset)
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        // SAFETY: a fresh mapping at an address the kernel picks; nothing aliases it yet.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                prot,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                offset,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(super::last_error());
        }
        let ptr = NonNull::new(ptr.cast()).ok_or_else(super::last_error)?;
        Ok(Mapping { ptr, len })
    }

    /// The first byte of the mapping.
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// The 8 bytes at `offset` as an atomic, for a counter this process and BPF programs both
    /// update atomically; `None` past the end or unaligned.
    pub fn atomic_u64(&self, offset: usize) -> Option<&std::sync::atomic::AtomicU64> {
        let end = offset.checked_add(8)?;
        if end > self.len || !offset.is_multiple_of(8) {
            return None;
        }
        // SAFETY: within the mapping, which is page-aligned, so the address is 8-aligned; the
        // reference lives no longer than the mapping; every writer of these bytes uses atomic
        // operations.
        Some(unsafe {
            std::sync::atomic::AtomicU64::from_ptr(self.ptr.as_ptr().add(offset).cast())
        })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly what `shared` mapped, once.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_is_a_power_of_two() {
        assert!(page_size().is_power_of_two());
    }
}
