//! The drop path (`--drops`): a raw tracepoint on `skb:kfree_skb` ([`enter`]) that keeps the
//! drops on the selected interfaces, describes each in the per-CPU [`DropScratch`], and either
//! sends it ([`emit`]) or, with a filter, copies the frame's first bytes there and tail-calls
//! the translated filter, which tail-calls the emitter program on a match.
//!
//! A raw tracepoint rather than the classic one: it gets the tracepoint's arguments as they are
//! (no trace record is built first, so an uninteresting drop costs less) and needs no tracefs.
//! A BTF-typed `tp_btf` program could read `skb->dev` directly, but the translated filter,
//! loaded from raw instructions, must share the program type of the program that tail-calls
//! it, and tail calls between tracing programs are tied to their attach target; raw
//! tracepoint programs are not.
//!
//! There are no CO-RE relocations in aya-ebpf: every field is read at an offset userspace
//! found in the running kernel's BTF ([`DropLayout`], a `.rodata` constant), through
//! `bpf_probe_read_kernel`.
//!
//! Architecture Invariant: nothing here writes to kernel memory but the program's own maps;
//! the packet is being freed whatever the program does.

use aya_ebpf::{
    bindings::BPF_F_MMAPABLE,
    helpers::{bpf_get_smp_processor_id, bpf_ktime_get_ns},
    macros::map,
    maps::{Array, HashMap, PerCpuArray},
    programs::RawTracePointContext,
};
use netdump_common::{
    drop_link, hook, sample_flags, DropInfo, DropLayout, DropScratch, SampleHeader,
    DROP_WINDOW_MAX, MAX_SNAPLEN, REASON_SLOTS, SKB_READ_MAX,
};

use crate::{
    capture::{admit, counters},
    config,
    filter::DROP_FILTERS,
    helpers::probe_read_kernel,
    sink::Sink,
};

/// Where this kernel keeps the fields read here; set by userspace at load.
#[unsafe(no_mangle)]
static DROP_LAYOUT: DropLayout = DropLayout {
    skb_read: DropLayout::NONE,
    skb_dev: DropLayout::NONE,
    skb_sk: DropLayout::NONE,
    skb_len: DropLayout::NONE,
    skb_head: DropLayout::NONE,
    skb_data: DropLayout::NONE,
    skb_tail: DropLayout::NONE,
    skb_mac_header: DropLayout::NONE,
    skb_network_header: DropLayout::NONE,
    skb_protocol: DropLayout::NONE,
    skb_pkt_type: DropLayout::NONE,
    pkt_type_shift: DropLayout::NONE,
    skb_vlan_proto: DropLayout::NONE,
    skb_vlan_tci: DropLayout::NONE,
    skb_vlan_present: DropLayout::NONE,
    vlan_present_mask: DropLayout::NONE,
    dev_ifindex: DropLayout::NONE,
    dev_type: DropLayout::NONE,
    dev_net: DropLayout::NONE,
    sk_net: DropLayout::NONE,
    net_inum: DropLayout::NONE,
    netns: DropLayout::NONE,
    has_reason: DropLayout::NONE,
    consumed: DropLayout::NONE,
    any_iface: DropLayout::NONE,
    window: DropLayout::NONE,
};

/// One field of [`DROP_LAYOUT`]; a volatile read, so that LLVM leaves the load for the
/// verifier to fold into a constant.
macro_rules! layout {
    ($field:ident) => {
        // SAFETY: reading a field of an initialized static.
        unsafe { core::ptr::read_volatile(&DROP_LAYOUT.$field) }
    };
}

#[map]
pub static DROP_SCRATCH: PerCpuArray<DropScratch> = PerCpuArray::with_max_entries(1, 0);

/// The ifindexes `-i` selected (in netdump's namespace), unless any interface goes.
#[map]
pub static DROP_IFACES: HashMap<u32, u8> = HashMap::with_max_entries(1024, 0);

/// The address of netdump's own `struct net`, learnt from the first drop found in it: later
/// drops compare their device's namespace pointer with it instead of reading the inode
/// behind it. It stays valid while netdump runs (netdump lives in that namespace).
#[map]
pub static DROP_NET: Array<u64> = Array::with_max_entries(1, 0);

/// Matched drops by reason: [`REASON_SLOTS`] counters per CPU, mmap-able like COUNTERS.
#[map]
pub static DROP_REASONS: Array<u64> = Array::with_max_entries(REASON_SLOTS, BPF_F_MMAPABLE);

/// `ARPHRD_ETHER` and `ARPHRD_LOOPBACK`: devices whose frames start with an Ethernet header.
const ARPHRD_ETHER: u16 = 1;
const ARPHRD_LOOPBACK: u16 = 772;
/// `skb->mac_header`/`network_header` when unset (`(u16)~0U`).
const UNSET: u16 = 0xffff;
const ETH_HLEN: u64 = 14;

/// A value of type `T` at kernel address `addr` (0 when it cannot be read).
#[inline(always)]
fn read<T: Copy + Default>(addr: u64) -> T {
    let mut v = T::default();
    // SAFETY: the helper checks the address; the destination is our own value.
    let r = unsafe {
        probe_read_kernel(
            (&mut v as *mut T).cast(),
            core::mem::size_of::<T>() as u64,
            addr,
        )
    };
    if r != 0 {
        return T::default();
    }
    v
}

/// A field of the copied `sk_buff` prefix. Userspace checked that every offset is inside the
/// copy and aligned to its field's size.
#[inline(always)]
fn field<T: Copy>(s: &DropScratch, off: u32) -> T {
    // SAFETY: `off + size_of::<T>() <= skb_read <= SKB_READ_MAX` and `off` is a multiple of
    // the field's size (userspace checks both; the verifier checks the bounds again, `off`
    // being a constant to it), so the read is in bounds and aligned.
    unsafe { core::ptr::read(s.skb.as_ptr().add(off as usize).cast::<T>()) }
}

/// Whether a drop on `dev` (0: none) is one of those selected with `-i`, in netdump's
/// namespace.
#[inline(always)]
fn selected(dev: u64, ifindex: u32, sk: u64) -> bool {
    let any = layout!(any_iface) != 0;
    if dev == 0 && !any {
        return false;
    }
    // SAFETY: a map lookup with a key on our stack.
    if !any && unsafe { DROP_IFACES.get(ifindex) }.is_none() {
        return false;
    }
    let netns = layout!(netns);
    if netns == 0 {
        return true;
    }
    // The device's namespace; without a device, the socket's; without either, unknown
    // (shown with -i any, where it belongs to "no interface").
    let net: u64 = if dev != 0 {
        let off = layout!(dev_net);
        if off == DropLayout::NONE {
            return true;
        }
        read(dev + off as u64)
    } else if sk != 0 {
        let off = layout!(sk_net);
        if off == DropLayout::NONE {
            return true;
        }
        read(sk + off as u64)
    } else {
        return true;
    };
    if net == 0 {
        return dev == 0;
    }
    let known = DROP_NET.get_ptr_mut(0);
    // SAFETY: the array's one slot; a u64 written whole, the same value by every writer.
    if known.is_some_and(|k| unsafe { *k } == net) {
        return true;
    }
    if read::<u32>(net + layout!(net_inum) as u64) != netns {
        return false;
    }
    if let Some(k) = known {
        // SAFETY: as above.
        unsafe { *k = net };
    }
    true
}

/// `bpf_probe_read_kernel(dst, len, src)` with `len` proven to be in [0, MAX] (an older
/// verifier does not carry a bound from a copy back to the register it came from, hence the
/// volatile read before the check).
#[inline(always)]
fn copy_bounded<const MAX: u64>(dst: *mut u8, len: u64, src: u64) -> bool {
    // SAFETY: reading a local.
    let len = unsafe { core::ptr::read_volatile(&len) };
    if len > MAX {
        return false;
    }
    // SAFETY: `dst` has room for MAX bytes (the callers' buffers); the helper checks `src`.
    unsafe { probe_read_kernel(dst, len, src) == 0 }
}

/// The raw tracepoint: skip what was not dropped, keep the selected interfaces, describe the
/// drop, then filter (tail call) or emit.
#[inline(always)]
pub fn enter<S: Sink>(ctx: &RawTracePointContext) {
    let has_reason = layout!(has_reason) != 0;
    // args: (skb, location, reason[, rx_sk]); the reason only from 5.17.
    let reason: u32 = if has_reason {
        ctx.arg::<u64>(2) as u32
    } else {
        0
    };
    // SKB_NOT_DROPPED_YET and SKB_CONSUMED are not drops (the cheapest way out first).
    if has_reason && (reason == 0 || reason == layout!(consumed)) {
        return;
    }
    let skb: u64 = ctx.arg::<u64>(0);
    let location: u64 = ctx.arg::<u64>(1);
    // Then the device: a drop elsewhere costs two small reads and a lookup.
    let dev: u64 = read(skb + layout!(skb_dev) as u64);
    let ifindex: u32 = if dev != 0 {
        read(dev + layout!(dev_ifindex) as u64)
    } else {
        0
    };
    let sk: u64 = if dev == 0 {
        read(skb + layout!(skb_sk) as u64)
    } else {
        0
    };
    if !selected(dev, ifindex, sk) {
        return;
    }
    let Some(s) = DROP_SCRATCH.get_ptr_mut(0) else {
        return;
    };
    // SAFETY: this CPU's slot; the tracepoint's programs do not nest on one CPU (the kernel
    // skips a program already running there).
    let s = unsafe { &mut *s };
    let want = layout!(skb_read) as u64;
    if !copy_bounded::<{ SKB_READ_MAX as u64 }>(s.skb.as_mut_ptr(), want, skb) {
        return;
    }
    let Some(c) = counters() else {
        return;
    };
    c.seen += 1;

    // Where the frame starts: at the MAC header on Ethernet-like devices when it is there and
    // holds a whole Ethernet header, else at the network header (or the data).
    let head: u64 = field(s, layout!(skb_head));
    let data: u64 = field(s, layout!(skb_data));
    let len: u32 = field(s, layout!(skb_len));
    let tail: u32 = field(s, layout!(skb_tail));
    let mac: u16 = field(s, layout!(skb_mac_header));
    let nh: u16 = field(s, layout!(skb_network_header));
    let dev_type: u16 = if dev != 0 {
        read(dev + layout!(dev_type) as u64)
    } else {
        0
    };
    let data_off = data.wrapping_sub(head);
    let eth = mac != UNSET
        && (dev_type == ARPHRD_ETHER || dev_type == ARPHRD_LOOPBACK)
        && mac as u64 + ETH_HLEN <= tail as u64
        && (nh == UNSET || nh as u64 >= mac as u64 + ETH_HLEN);
    let start_off: u64 = if eth {
        mac as u64
    } else if nh != UNSET {
        nh as u64
    } else {
        data_off
    };
    let end = data_off + len as u64;
    let orig = end.saturating_sub(start_off).min(u32::MAX as u64);
    let avail = (tail as u64).saturating_sub(start_off);

    let protocol: u16 = field(s, layout!(skb_protocol));
    let pkt_byte: u8 = field(s, layout!(skb_pkt_type));
    let vlan_proto: u16 = field(s, layout!(skb_vlan_proto));
    let vlan_tci: u16 = field(s, layout!(skb_vlan_tci));
    let present_at = layout!(skb_vlan_present);
    let vlan = eth
        && if present_at == DropLayout::NONE {
            vlan_proto != 0 || vlan_tci != 0
        } else {
            field::<u8>(s, present_at) as u32 & layout!(vlan_present_mask) != 0
        };

    s.header = SampleHeader {
        // Stamped when the drop is emitted: a drop the filter rejects needs no clock.
        ts_ns: 0,
        // Drops are reported in one namespace's terms (--drops is refused with --netns).
        netns: 0,
        ifindex,
        orig_len: orig as u32,
        cap_len: 0,
        protocol: u16::from_be(protocol),
        vlan_tci,
        vlan_proto: u16::from_be(vlan_proto),
        hook: hook::DROP,
        direction: 0,
        flags: if vlan {
            sample_flags::VLAN_OFFLOADED
        } else {
            0
        },
        pkt_type: (pkt_byte >> (layout!(pkt_type_shift) & 7)) & 7,
        _pad: [0; 2],
    };
    s.info = DropInfo {
        location,
        reason,
        link: if eth {
            drop_link::ETHERNET
        } else {
            drop_link::RAW
        },
        _pad: [0; 3],
    };
    s.start = head.wrapping_add(start_off);
    s.avail = avail.min(u32::MAX as u64) as u32;

    if config::FILTER_ON.load() == 0 {
        emit::<S>(ctx, s);
        return;
    }
    // The filter reads the frame as it was on the wire: the first `window` bytes, with an
    // offloaded VLAN tag put back after the MAC addresses.
    let window = layout!(window) as u64;
    let want = if avail < window { avail } else { window };
    let mut copied = 0u64;
    if vlan && want >= 12 {
        if copy_bounded::<12>(s.bytes.as_mut_ptr(), 12, s.start) {
            // The TPID is kept in network order already; the TCI in host order.
            let tpid = if vlan_proto == 0 {
                0x8100u16.to_be()
            } else {
                vlan_proto
            };
            let p = tpid.to_ne_bytes();
            let t = vlan_tci.to_be_bytes();
            s.bytes[12] = p[0];
            s.bytes[13] = p[1];
            s.bytes[14] = t[0];
            s.bytes[15] = t[1];
            let rest = want - 12;
            let rest = if rest > window.saturating_sub(16) {
                window.saturating_sub(16)
            } else {
                rest
            };
            // SAFETY: a pointer into this CPU's scratch, 16 bytes in.
            let dst = unsafe { s.bytes.as_mut_ptr().add(16) };
            if copy_bounded::<{ DROP_WINDOW_MAX as u64 - 16 }>(dst, rest, s.start + 12) {
                copied = rest + 16;
            } else {
                copied = 16;
            }
        }
        s.wire_len = (orig as u32).saturating_add(4);
    } else {
        if copy_bounded::<{ DROP_WINDOW_MAX as u64 }>(s.bytes.as_mut_ptr(), want, s.start) {
            copied = want;
        }
        s.wire_len = orig as u32;
    }
    s.copied = copied as u32;
    let slot = if eth { 0 } else { 1 };
    // SAFETY: on success control never returns; on failure (no filter for this kind of
    // frame, e.g. an Ethernet-only expression and a raw IP drop) the drop is not shown.
    unsafe { DROP_FILTERS.tail_call(ctx, slot) };
}

/// Counts a matched drop under its reason and sends it.
#[inline(always)]
pub fn emit<S: Sink>(ctx: &RawTracePointContext, s: &mut DropScratch) {
    let Some(c) = counters() else {
        return;
    };
    c.matched += 1;
    // SAFETY: a helper with no arguments.
    let now = unsafe { bpf_ktime_get_ns() };
    s.header.ts_ns = now;
    let slot = if s.info.reason < REASON_SLOTS - 1 {
        s.info.reason
    } else {
        REASON_SLOTS - 1
    };
    // SAFETY: a helper with no arguments.
    let cpu = unsafe { bpf_get_smp_processor_id() };
    if let Some(n) = DROP_REASONS.get_ptr_mut(cpu * REASON_SLOTS + slot) {
        // SAFETY: this CPU's row; programs on one CPU do not run at once.
        unsafe { *n += 1 };
    }
    if !admit(c, now) {
        return;
    }
    let mut snaplen = config::SNAPLEN.load() as u64;
    if snaplen > MAX_SNAPLEN as u64 {
        snaplen = MAX_SNAPLEN as u64;
    }
    let mut cap = s.avail as u64;
    if cap > s.header.orig_len as u64 {
        cap = s.header.orig_len as u64;
    }
    if cap > snaplen {
        cap = snaplen;
    }
    s.header.cap_len = cap as u32;
    if S::emit_drop(ctx, s, cap) {
        c.captured += 1;
    } else {
        c.dropped += 1;
    }
}

/// The emitter program's body: the drop described by [`enter`] matched the filter.
#[inline(always)]
pub fn emit_described<S: Sink>(ctx: &RawTracePointContext) {
    let Some(s) = DROP_SCRATCH.get_ptr_mut(0) else {
        return;
    };
    // SAFETY: this CPU's slot, filled by `enter` in the same (tail-called) run.
    emit::<S>(ctx, unsafe { &mut *s });
}
