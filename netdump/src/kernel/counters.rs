//! The kernel's per-CPU counters, mapped read-only and summed: the totals ([`CounterView`]),
//! in a capture on several interfaces each interface's ([`IfaceStats`]), and the drop path's
//! counts per reason ([`ReasonView`]).

use std::{collections::BTreeMap, io, os::fd::AsFd as _};

use aya::{
    maps::{Array, HashMap, Map, MapData},
    Ebpf,
};
use netdump_common::{
    names, Counters, CpuCounters, IfaceCounters, IfaceKey, IFACE_SLOTS, REASON_SLOTS,
};

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

/// Per-interface counters: the kernel counts an interface in the `IFACE_COUNTERS` slot the
/// `IFACE_SLOT` map gives it. Slots are handed out here as interfaces are attached and taken
/// back when they are forgotten (their counts are kept by the caller); a slot's counts are
/// read relative to what it held when it was handed out, so nothing is ever written to it.
pub struct IfaceStats {
    counters: Mapping,
    cpus: usize,
    slots: HashMap<MapData, IfaceKey, u32>,
    /// Slot plus one by ifindex, for interfaces of a one-namespace capture (key namespace
    /// 0) with small indexes.
    by_index: Array<MapData, u32>,
    /// Each counted interface: its slot and the slot's counts when it got it.
    assigned: BTreeMap<IfaceKey, (u32, IfaceCounters)>,
    free: Vec<u32>,
    next: u32,
    /// An interface found every slot taken; `overflow_note` has said so once.
    overflowed: bool,
    warned: bool,
}

impl IfaceStats {
    /// Maps the counters and takes the slot map (do this while privileged, before the
    /// programs run).
    pub fn open(ebpf: &mut Ebpf) -> io::Result<IfaceStats> {
        let Some(Map::Array(data)) = ebpf.map(names::IFACE_COUNTERS) else {
            return Err(io::Error::other(
                "the BPF object has no IFACE_COUNTERS array",
            ));
        };
        let info = data.info().map_err(io::Error::other)?;
        let entries = info.max_entries() as usize;
        let cpus = entries / IFACE_SLOTS as usize;
        if cpus == 0 {
            return Err(io::Error::other(
                "IFACE_COUNTERS was not sized for per-interface counts",
            ));
        }
        let fd = info.fd().map_err(io::Error::other)?;
        let page = page_size();
        let len = (entries * std::mem::size_of::<IfaceCounters>()).div_ceil(page) * page;
        let counters = Mapping::shared(fd.as_fd(), len, 0, Access::Read)?;
        let map = ebpf
            .take_map(names::IFACE_SLOT)
            .ok_or_else(|| io::Error::other("the BPF object has no IFACE_SLOT map"))?;
        let slots = HashMap::try_from(map).map_err(io::Error::other)?;
        let map = ebpf
            .take_map(names::IFACE_SLOT_BY_INDEX)
            .ok_or_else(|| io::Error::other("the BPF object has no IFACE_SLOT_BY_INDEX map"))?;
        let by_index = Array::try_from(map).map_err(io::Error::other)?;
        Ok(IfaceStats {
            counters,
            cpus,
            slots,
            by_index,
            assigned: BTreeMap::new(),
            free: Vec::new(),
            next: 0,
            overflowed: false,
            warned: false,
        })
    }

    /// Whether interface `key`'s slot goes in the array by ifindex (as the programs look).
    fn indexed(&self, key: IfaceKey) -> bool {
        key.netns == 0 && key.ifindex < self.by_index.len()
    }

    /// The counts in `slot`, summed over CPUs.
    fn sum(&self, slot: u32) -> IfaceCounters {
        let mut total = IfaceCounters::default();
        let base = self.counters.as_ptr().cast::<IfaceCounters>();
        for cpu in 0..self.cpus {
            let i = cpu * IFACE_SLOTS as usize + slot as usize;
            // SAFETY: `i` < cpus * IFACE_SLOTS, the entries `open` mapped; plain integers
            // the kernel updates concurrently, read with a volatile copy.
            let c = unsafe { std::ptr::read_volatile(base.add(i)) };
            total.add(&c);
        }
        total
    }

    /// Starts counting interface `key`. False when every slot is taken (it is then counted
    /// in the totals only) or the kernel refused the map update.
    pub fn assign(&mut self, key: IfaceKey) -> bool {
        if self.assigned.contains_key(&key) {
            return true;
        }
        let slot = match self.free.pop() {
            Some(s) => s,
            None if self.next < IFACE_SLOTS => {
                self.next += 1;
                self.next - 1
            }
            None => {
                self.overflowed = true;
                return false;
            }
        };
        let base = self.sum(slot);
        let stored = if self.indexed(key) {
            self.by_index.set(key.ifindex, slot + 1, 0)
        } else {
            self.slots.insert(key, slot, 0)
        };
        if stored.is_err() {
            self.free.push(slot);
            return false;
        }
        self.assigned.insert(key, (slot, base));
        true
    }

    /// The one line that says interfaces went uncounted one by one (every slot was taken),
    /// the first time it applies.
    pub fn overflow_note(&mut self) -> Option<String> {
        if !self.overflowed || self.warned {
            return None;
        }
        self.warned = true;
        Some(format!(
            "more than {IFACE_SLOTS} interfaces at once: the others are counted in the totals only, not on lines of their own"
        ))
    }

    /// Stops counting interface `key` (it was deleted); returns its final counts.
    pub fn release(&mut self, key: IfaceKey) -> Option<IfaceCounters> {
        let (slot, base) = self.assigned.remove(&key)?;
        let _ = if self.indexed(key) {
            self.by_index.set(key.ifindex, 0, 0)
        } else {
            self.slots.remove(&key)
        };
        let counts = self.sum(slot).since(&base);
        self.free.push(slot);
        Some(counts)
    }

    /// Interface `key`'s counts so far, if it is counted.
    pub fn read(&self, key: IfaceKey) -> Option<IfaceCounters> {
        let (slot, base) = self.assigned.get(&key)?;
        Some(self.sum(*slot).since(base))
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
