//! The one capture path every hook runs, in two halves: [`enter`] (count, select by
//! direction) and [`emit`] (count a match, describe, copy). With a filter, a tail call into the
//! translated filter program sits between them (see `filter.rs`); without, `emit` follows
//! `enter` directly.

use aya_ebpf::{
    helpers::bpf_ktime_get_ns, macros::map, maps::PerCpuArray, programs::sk_buff::SkBuff,
    EbpfContext,
};
use netdump_common::{sample_flags, Counters, SampleHeader, MAX_SNAPLEN};

use crate::{config, sink::Sink};

#[map]
pub static COUNTERS: PerCpuArray<Counters> = PerCpuArray::with_max_entries(1, 0);

#[inline(always)]
fn counters() -> Option<&'static mut Counters> {
    let c = COUNTERS.get_ptr_mut(0)?;
    // SAFETY: a per-CPU slot; programs on one CPU do not preempt each other in softirq.
    Some(unsafe { &mut *c })
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
    counters.matched += 1;

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
    let mut snaplen = config::SNAPLEN.load() as u64;
    if snaplen > MAX_SNAPLEN as u64 {
        snaplen = MAX_SNAPLEN as u64;
    }
    let len64 = len as u64;
    let cap = if len64 < snaplen { len64 } else { snaplen };

    let header = SampleHeader {
        // SAFETY: a helper with no arguments.
        ts_ns: unsafe { bpf_ktime_get_ns() },
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

    if S::emit(ctx, skb.skb, &header, cap) {
        counters.captured += 1;
    } else {
        counters.dropped += 1;
    }
}
