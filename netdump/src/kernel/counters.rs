//! The kernel's per-CPU counters, mapped read-only and summed.

use std::{io, os::fd::AsFd as _};

use aya::{maps::Map, Ebpf};
use netdump_common::{names, Counters, CpuCounters};

use crate::sys::mmap::{page_size, Access, Mapping};

/// The kernel's COUNTERS array, mapped read-only: reading it needs no bpf(2) call, so it
/// still works after netdump has dropped its capabilities.
pub struct CounterView {
    map: Mapping,
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
        let page = page_size();
        let len = (slots * std::mem::size_of::<CpuCounters>()).div_ceil(page) * page;
        // A BPF_F_MMAPABLE array maps read-only from offset 0, its documented use.
        let map = Mapping::shared(fd.as_fd(), len, 0, Access::Read)?;
        Ok(CounterView { map, slots })
    }

    /// The counters summed over all CPUs.
    pub fn read(&self) -> Counters {
        let mut total = Counters::default();
        let base = self.map.as_ptr().cast::<CpuCounters>();
        for i in 0..self.slots {
            // SAFETY: slot `i` lies within the mapping (`open` sized it for every slot) and
            // CpuCounters is plain integers; the kernel updates it concurrently, so it is
            // read with a volatile copy (a torn read only shifts a count by one).
            let c = unsafe { std::ptr::read_volatile(base.add(i)) };
            total.add(&c.c);
        }
        total
    }
}
