//! The one capture path every hook runs, in two halves: [`enter`] (count, select by
//! direction) and [`emit`] (count a match, describe, copy). With a filter, a tail call into the
//! translated filter program sits between them (see `filter.rs`; on TC the filter comes first
//! and counts the packet as seen itself, see `lib.rs`); without, `emit` follows `enter`
//! directly.

use aya_ebpf::{
    bindings::BPF_F_MMAPABLE,
    helpers::{bpf_get_smp_processor_id, bpf_ktime_get_ns},
    macros::map,
    maps::{Array, HashMap, PerCpuArray},
    programs::sk_buff::SkBuff,
    EbpfContext,
};
use netdump_common::{
    owner::{OwnedHeader, OwnerInfo},
    sample_flags, Counters, CpuCounters, IfaceCounters, IfaceKey, Knobs, SampleHeader,
    IFACE_INDEXES, IFACE_SLOTS, MAX_CPUS, MAX_SNAPLEN,
};

use crate::{config, netns, owner, sink::Sink};

/// One cache-line slot per CPU, mmap-able (BPF_F_MMAPABLE): userspace reads the counters
/// without bpf(2), also after dropping its capabilities.
#[map]
pub static COUNTERS: Array<CpuCounters> = Array::with_max_entries(MAX_CPUS, BPF_F_MMAPABLE);

/// Which `IFACE_COUNTERS` slot counts an interface: written by userspace as it attaches, so
/// the programs only look up. Interfaces of a one-namespace capture with an index below
/// `IFACE_INDEXES` are in `IFACE_SLOT_BY_INDEX` instead: an array lookup costs a few
/// nanoseconds where hashing a key costs tens.
#[map]
pub static IFACE_SLOT: HashMap<IfaceKey, u32> = HashMap::with_max_entries(IFACE_SLOTS, 0);

/// Slot plus one by ifindex (0: not counted); sized by userspace at load.
#[map]
pub static IFACE_SLOT_BY_INDEX: Array<u32> = Array::with_max_entries(IFACE_INDEXES, 0);

/// Per-interface counters: `IFACE_SLOTS` slots for each CPU, CPU-major; sized by userspace at
/// load (one entry when per-interface counts are off). Mmap-able, as `COUNTERS`.
#[map]
pub static IFACE_COUNTERS: Array<IfaceCounters> = Array::with_max_entries(1, BPF_F_MMAPABLE);

/// This CPU's counters of interface `ifindex` in namespace `netns`, when per-interface counts
/// are on and userspace gave the interface a slot.
#[inline(always)]
fn iface_counters(netns: u64, ifindex: u32) -> Option<&'static mut IfaceCounters> {
    if config::IFACE_STATS.load() == 0 {
        return None;
    }
    let slot = match IFACE_SLOT_BY_INDEX.get(ifindex) {
        Some(v) if netns == 0 => v.checked_sub(1)?,
        _ => {
            let key = IfaceKey {
                netns,
                ifindex,
                _pad: 0,
            };
            // SAFETY: the value is a plain u32 copied out at once; userspace may delete the
            // entry later, which only ends this interface's counting.
            unsafe { IFACE_SLOT.get(key) }.copied()?
        }
    };
    // SAFETY: a helper with no arguments.
    let cpu = unsafe { bpf_get_smp_processor_id() };
    let c = IFACE_COUNTERS.get_ptr_mut(cpu.wrapping_mul(IFACE_SLOTS).wrapping_add(slot))?;
    // SAFETY: this CPU's entry for the slot, as for `counters()`.
    Some(unsafe { &mut *c })
}

#[map]
pub static KNOBS: PerCpuArray<Knobs> = PerCpuArray::with_max_entries(1, 0);

/// `--sample` and `--max-rate`: false when this matched packet is not to be captured.
#[inline(always)]
pub(crate) fn admit(counters: &mut Counters, now: u64) -> bool {
    let n = config::SAMPLE_N.load();
    let interval = config::RATE_INTERVAL_NS.load();
    if n <= 1 && interval == 0 {
        return true;
    }
    let Some(k) = KNOBS.get_ptr_mut(0) else {
        return true;
    };
    // SAFETY: a per-CPU slot, as for the counters.
    let k = unsafe { &mut *k };
    if n > 1 {
        k.sample_count += 1;
        if k.sample_count % n as u64 != 0 {
            counters.sampled_out += 1;
            return false;
        }
    }
    if interval != 0 {
        // GCRA: a packet may go when its theoretical arrival time is at most a burst ahead.
        let tat = if k.rate_tat_ns > now {
            k.rate_tat_ns
        } else {
            now
        };
        if tat - now > config::RATE_BURST_NS.load() {
            counters.rate_limited += 1;
            return false;
        }
        k.rate_tat_ns = tat + interval;
    }
    true
}

/// `bpf_skb_load_bytes` of up to 8 bytes at `off` into `buf`; false when past the end.
#[inline(always)]
fn peek(skb: &SkBuff, off: u32, buf: &mut [u8; 8], len: u64) -> bool {
    // SAFETY: the program's skb; `len` is a constant in 1..=8 at every call site.
    unsafe { crate::helpers::skb_load_bytes(skb.skb, off, buf.as_mut_ptr(), len) == 0 }
}

/// `-s headers`: the length of the frame's Ethernet, VLAN, IP and TCP/UDP/ICMP headers, as
/// far as they can be parsed; the caller caps it at the packet's length. An offloaded VLAN
/// tag is not in the bytes, so it needs no step here.
#[inline(always)]
fn header_len(skb: &SkBuff) -> u64 {
    let mut b = [0u8; 8];
    // Without an offloaded tag, step over up to two tags in the bytes.
    let mut off: u32 = 12;
    let mut ethertype: u16 = 0;
    let mut i = 0;
    while i < 3 {
        if !peek(skb, off, &mut b, 2) {
            return off as u64;
        }
        ethertype = u16::from_be_bytes([b[0], b[1]]);
        if ethertype == 0x8100 || ethertype == 0x88a8 {
            off += 4;
        } else {
            break;
        }
        i += 1;
    }
    off += 2;
    let l4 = match ethertype {
        0x0800 => {
            if !peek(skb, off, &mut b, 1) {
                return off as u64;
            }
            let ihl = ((b[0] & 0x0f) as u32) * 4;
            if !peek(skb, off + 9, &mut b, 1) {
                return off as u64;
            }
            let proto = b[0];
            if !peek(skb, off + 6, &mut b, 2) {
                return off as u64;
            }
            let later_fragment = u16::from_be_bytes([b[0], b[1]]) & 0x1fff != 0;
            off += if ihl < 20 { 20 } else { ihl };
            if later_fragment {
                return off as u64;
            }
            proto
        }
        0x86dd => {
            if !peek(skb, off + 6, &mut b, 1) {
                return off as u64;
            }
            let nh = b[0];
            off += 40;
            nh
        }
        0x0806 => return (off + 28) as u64,
        _ => return off as u64,
    };
    let l4_len: u32 = match l4 {
        6 => {
            if !peek(skb, off + 12, &mut b, 1) {
                return off as u64;
            }
            let doff = ((b[0] >> 4) as u32) * 4;
            if doff < 20 {
                20
            } else {
                doff
            }
        }
        17 => 8,
        1 | 58 => 8,
        _ => 0,
    };
    (off + l4_len) as u64
}

/// This CPU's counters.
#[inline(always)]
pub(crate) fn counters() -> Option<&'static mut Counters> {
    // SAFETY: a helper with no arguments.
    let cpu = unsafe { bpf_get_smp_processor_id() };
    let c = COUNTERS.get_ptr_mut(cpu)?;
    // SAFETY: this CPU's slot; programs on one CPU do not preempt each other in softirq.
    Some(unsafe { &mut (*c).c })
}

/// Counts the packet as seen; true when its direction is one being captured (`-Q`).
#[inline(always)]
pub fn enter(dir: u8) -> bool {
    let Some(counters) = counters() else {
        return false;
    };
    counters.seen += 1;
    config::DIRECTIONS.load() & dir != 0
}

/// Records a packet that passed the direction check and the filter. Never touches the
/// packet: the callers return their pass-through verdict whatever happens here.
#[inline(always)]
pub fn emit<S: Sink, C: EbpfContext>(ctx: &C, skb: &SkBuff, hook: u8, dir: u8) {
    let Some(counters) = counters() else {
        return;
    };
    // SAFETY: the context pointer the kernel passed in; these fields are readable from
    // both sched_cls and socket_filter programs.
    let (len, protocol, vlan_present, vlan_tci, vlan_proto, ifindex, pkt_type) = unsafe {
        let s = &*skb.skb;
        (
            s.len,
            s.protocol,
            s.vlan_present,
            s.vlan_tci,
            s.vlan_proto,
            s.ifindex,
            s.pkt_type,
        )
    };
    let netns = if config::NETNS_TAG.load() != 0 {
        netns::cookie(skb)
    } else {
        0
    };
    let mut per_iface = iface_counters(netns, ifindex);
    counters.matched += 1;
    if let Some(c) = per_iface.as_mut() {
        c.matched += 1;
    }
    // Attribution: the owner filter decides before anything is copied (or sampled).
    // Only the `owner` build has the code; in the `bare` one the branches below are gone.
    let owned = cfg!(feature = "owner") && owner::OWNER_ON.load() != 0;
    let mut owner = OwnerInfo::default();
    if owned {
        // `hook` is a constant here: socket filters, which may not read `skb->sk`, keep
        // only the helper's branch.
        let cookie = if hook == netdump_common::hook::TC {
            owner::tc_skb_cookie(skb)
        } else {
            owner::skb_cookie(skb)
        };
        if S::COPIES && owner::OWNER_FILTER.load() == 0 {
            // Nothing to decide before the copy: look the owner up in the copied bytes.
            owner = owner::pending(cookie);
        } else if !owner::resolve(skb, cookie, &mut owner) {
            return;
        }
    }
    // SAFETY: a helper with no arguments.
    let now = unsafe { bpf_ktime_get_ns() };
    if !admit(counters, now) {
        return;
    }

    let mut snaplen = config::SNAPLEN.load() as u64;
    if config::HEADERS_ONLY.load() != 0 {
        snaplen = header_len(skb);
    }
    if snaplen > MAX_SNAPLEN as u64 {
        snaplen = MAX_SNAPLEN as u64;
    }
    let len64 = len as u64;
    let cap = if len64 < snaplen { len64 } else { snaplen };

    let mut header = SampleHeader {
        ts_ns: now,
        netns,
        ifindex,
        orig_len: len,
        cap_len: cap as u32,
        protocol: u16::from_be(protocol as u16),
        vlan_tci: vlan_tci as u16,
        vlan_proto: u16::from_be(vlan_proto as u16),
        hook,
        direction: dir,
        flags: if vlan_present != 0 {
            sample_flags::VLAN_OFFLOADED
        } else {
            0
        },
        pkt_type: pkt_type as u8,
        _pad: [0; 2],
    };

    // aya-log's map is a ring buffer, so only the ring object logs (see Cargo.toml).
    #[cfg(feature = "ring")]
    if config::LOG_ENABLED.load() != 0 {
        aya_log_ebpf::debug!(
            ctx,
            "netdump: hook {} dir {} len {} cap {}",
            hook,
            dir,
            len,
            cap as u32
        );
    }

    let sent = if owned {
        header.flags |= sample_flags::OWNER;
        S::emit(
            ctx,
            skb.skb,
            &OwnedHeader { header, owner },
            cap,
            counters.captured,
        )
    } else {
        S::emit(ctx, skb.skb, &header, cap, counters.captured)
    };
    if sent {
        counters.captured += 1;
        if let Some(c) = per_iface {
            c.captured += 1;
        }
    } else {
        counters.dropped += 1;
        if let Some(c) = per_iface {
            c.dropped += 1;
        }
    }
}
