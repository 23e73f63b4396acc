//! The kernel's per-CPU counters, mapped read-only and summed: the capture's ([`CounterView`])
//! and the drop path's counts per reason ([`ReasonView`]).

use std::{io, os::fd::AsFd as _};

use aya::{maps::Map, Ebpf};
use netdump_common::{names, Counters, CpuCounters, REASON_SLOTS};

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

/// The drop path's DROP_REASONS array (a row of [`REASON_SLOTS`] counters per CPU), mapped
/// read-only like the counters.
pub struct ReasonView {
    map: Mapping,
    cpus: usize,
}

impl ReasonView {
    /// Maps the array (do this while privileged).
    pub fn open(ebpf: &Ebpf) -> io::Result<ReasonView> {
        let Some(Map::Array(data)) = ebpf.map(names::DROP_REASONS) else {
            return Err(io::Error::other("the BPF object has no DROP_REASONS array"));
        };
        let info = data.info().map_err(io::Error::other)?;
        let slots = info.max_entries() as usize;
        let fd = info.fd().map_err(io::Error::other)?;
        let page = page_size();
        let len = (slots * std::mem::size_of::<u64>()).div_ceil(page) * page;
        let map = Mapping::shared(fd.as_fd(), len, 0, Access::Read)?;
        Ok(ReasonView {
            map,
            cpus: slots / REASON_SLOTS as usize,
        })
    }

    /// (counter slot, drops) for every slot with drops, summed over CPUs. Slot `n` counts
    /// reason `n`; the last slot counts every reason from there on.
    pub fn read(&self) -> Vec<(u32, u64)> {
        let base = self.map.as_ptr().cast::<u64>();
        let slots = REASON_SLOTS as usize;
        let mut out = Vec::new();
        for slot in 0..slots {
            let mut n = 0u64;
            for cpu in 0..self.cpus {
                // SAFETY: `cpu * slots + slot` is below the array's length, which `open`
                // mapped; the kernel updates it concurrently, so it is read with a volatile
                // copy.
                n += unsafe { std::ptr::read_volatile(base.add(cpu * slots + slot)) };
            }
            if n > 0 {
                out.push((slot as u32, n));
            }
        }
        out
    }
}
