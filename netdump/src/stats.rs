//! The kernel's per-CPU counters, summed, and tcpdump's exit lines.

use std::io::{self, Write};

use std::ptr::NonNull;

use aya::{maps::Map, Ebpf};
use netdump_common::{names, Counters, CpuCounters};

/// The kernel's COUNTERS array, mapped read-only: reading it needs no bpf(2) call, so it
/// still works after netdump has dropped its capabilities.
pub struct CounterView {
    ptr: NonNull<u8>,
    len: usize,
    slots: usize,
}

impl CounterView {
    /// Maps the array (do this while privileged).
    pub fn open(ebpf: &Ebpf) -> io::Result<CounterView> {
        let Some(Map::Array(data)) = ebpf.map(names::COUNTERS) else {
            return Err(io::Error::other("the BPF object has no COUNTERS array"));
        };
        let info = data.info().map_err(io::Error::other)?;
        let slots = info.max_entries() as usize;
        let fd = info.fd().map_err(io::Error::other)?;
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
        let len = (slots * std::mem::size_of::<CpuCounters>()).div_ceil(page) * page;
        use std::os::fd::{AsFd as _, AsRawFd as _};
        // SAFETY: mapping a BPF_F_MMAPABLE array read-only from offset 0, its documented use.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                fd.as_fd().as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = NonNull::new(ptr.cast()).ok_or_else(io::Error::last_os_error)?;
        Ok(CounterView { ptr, len, slots })
    }

    /// The counters summed over all CPUs.
    pub fn read(&self) -> Counters {
        let mut total = Counters::default();
        for i in 0..self.slots {
            // SAFETY: slot `i` lies within the mapping; the kernel updates it concurrently,
            // so it is read with a volatile copy (a torn read only shifts a count by one).
            let c =
                unsafe { std::ptr::read_volatile(self.ptr.as_ptr().cast::<CpuCounters>().add(i)) };
            total.add(&c.c);
        }
        total
    }
}

impl Drop for CounterView {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly what `open` mapped.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

/// tcpdump's three lines: packets netdump handled, packets the kernel matched, packets the
/// kernel could not queue.
pub fn write_exit_lines(out: &mut impl Write, captured: u64, kernel: &Counters) -> io::Result<()> {
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    writeln!(out, "{captured} packet{} captured", plural(captured))?;
    writeln!(
        out,
        "{} packet{} received by filter",
        kernel.matched,
        plural(kernel.matched)
    )?;
    writeln!(
        out,
        "{} packet{} dropped by kernel",
        kernel.dropped,
        plural(kernel.dropped)
    )
}

/// `--sample`/`--max-rate`: what those knobs held back.
pub fn write_knob_lines(out: &mut impl Write, kernel: &Counters) -> io::Result<()> {
    writeln!(out, "{} packets sampled out", kernel.sampled_out)?;
    writeln!(out, "{} packets rate limited", kernel.rate_limited)
}

/// `--stats`: one line with every kernel counter.
pub fn write_periodic(out: &mut impl Write, k: &Counters) -> io::Result<()> {
    writeln!(
        out,
        "netdump: seen {}, matched {}, sampled out {}, rate limited {}, captured {}, dropped {}",
        k.seen, k.matched, k.sampled_out, k.rate_limited, k.captured, k.dropped
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_lines_read_like_tcpdump() {
        let mut out = Vec::new();
        let k = Counters {
            seen: 9,
            matched: 7,
            captured: 7,
            dropped: 1,
            ..Default::default()
        };
        write_exit_lines(&mut out, 6, &k).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "6 packets captured\n7 packets received by filter\n1 packet dropped by kernel\n"
        );
    }
}
