//! The few places netdump talks to libc directly, each behind a safe function.
//!
//! Everything else in the crate calls these wrappers. `unsafe` outside this folder is limited
//! to libpcap's FFI (`sys/libpcap.rs`, opened at run time), the raw bpf(2) calls (`filter/kernel.rs`), aya's own unsafe
//! APIs, and reading memory the kernel shares with us (`ring/`, `kernel/counters.rs`).

pub mod cgroup;
pub mod iface;
pub mod inotify;
pub mod libpcap;
pub mod mmap;
pub mod netns;
pub mod process;
pub mod sockdiag;
pub mod socket;
pub mod time;

/// The last OS error, as `io::Error`.
fn last_error() -> std::io::Error {
    std::io::Error::last_os_error()
}
