//! Where samples go: a BPF ring buffer, or a perf event array on kernels before 5.8.

use aya_ebpf::{
    bindings::{
        __sk_buff, BPF_F_CURRENT_CPU, BPF_RB_AVAIL_DATA, BPF_RB_CONS_POS, BPF_RB_FORCE_WAKEUP,
        BPF_RB_NO_WAKEUP,
    },
    helpers::{bpf_perf_event_output, bpf_ringbuf_submit},
    maps::{Array, PerfEventByteArray, RingBuf},
    EbpfContext,
};
use netdump_common::{
    owner::{owner_flags, OwnedHeader},
    DropInfo, DropScratch, SampleHeader, DATA_CLASSES, MAX_SNAPLEN,
};

use crate::{
    config,
    helpers::{probe_read_kernel, skb_load_bytes},
};

/// What a sample starts with: the [`SampleHeader`] alone, or followed by the owner record
/// (attribution on). The packet bytes follow it.
pub trait Head: Copy + 'static {
    fn header_mut(&mut self) -> &mut SampleHeader;

    /// Completes the head once the packet's first bytes are in the record (`data`, the first
    /// 64 of them, valid up to the header's `cap_len`; the ring sink only).
    #[inline(always)]
    fn after_copy(&mut self, _skb: *mut __sk_buff, _data: &[u8; 64]) {}
}

impl Head for SampleHeader {
    #[inline(always)]
    fn header_mut(&mut self) -> &mut SampleHeader {
        self
    }
}

impl Head for OwnedHeader {
    #[inline(always)]
    fn header_mut(&mut self) -> &mut SampleHeader {
        &mut self.header
    }

    /// A pending owner (no owner filter, see `capture::emit`) is looked up in the copied
    /// bytes: no helper call to read the headers again.
    #[inline(always)]
    fn after_copy(&mut self, skb: *mut __sk_buff, data: &[u8; 64]) {
        if self.owner.flags & owner_flags::PENDING != 0 {
            let cap = self.header.cap_len;
            crate::owner::resolve_copied(skb, data, cap, &mut self.owner);
        }
    }
}

/// Writes one sample: `head` followed by the first `cap` bytes of the packet. `seq` counts
/// this CPU's samples (it spaces out the ring's wakeup check). Returns false when the buffer
/// had no room (the caller counts a drop).
pub trait Sink {
    /// Whether the packet's bytes pass through the record's memory (see [`Head::after_copy`]).
    const COPIES: bool;

    fn emit<C: EbpfContext, H: Head>(
        ctx: &C,
        skb: *mut __sk_buff,
        head: &H,
        cap: u64,
        seq: u64,
    ) -> bool;

    /// A drop sample: `s.header`, `s.info`, then the first `cap` bytes at `s.start` (kernel
    /// memory, read with `bpf_probe_read_kernel`). `cap` is at most [`MAX_SNAPLEN`].
    fn emit_drop<C: EbpfContext>(ctx: &C, s: &mut DropScratch, cap: u64) -> bool;
}

/// A ring-buffer drop record whose data area holds up to `N` packet bytes.
#[repr(C)]
pub struct DropRecord<const N: usize> {
    pub header: SampleHeader,
    pub info: DropInfo,
    pub data: [u8; N],
}

/// A ring-buffer record whose data area holds up to `N` packet bytes.
#[repr(C)]
pub struct Record<H, const N: usize> {
    pub head: H,
    pub data: [u8; N],
}

/// Names the ring-buffer map of one object.
pub trait RingMap {
    fn ring() -> &'static RingBuf;
}

/// Samples into a BPF_MAP_TYPE_RINGBUF, one reservation per packet, sized by
/// [`DATA_CLASSES`] so the verifier sees a constant size.
pub struct Ring<M>(core::marker::PhantomData<M>);

impl<M: RingMap> Sink for Ring<M> {
    const COPIES: bool = true;

    #[inline(always)]
    fn emit<C: EbpfContext, H: Head>(
        _ctx: &C,
        skb: *mut __sk_buff,
        header: &H,
        cap: u64,
        seq: u64,
    ) -> bool {
        let ring = M::ring();
        const _: () = assert!(DATA_CLASSES.len() == 9);
        let reserved = if cap <= DATA_CLASSES[0] as u64 {
            reserve_copy::<H, 64>(ring, skb, header, cap)
        } else if cap <= DATA_CLASSES[1] as u64 {
            reserve_copy::<H, 128>(ring, skb, header, cap)
        } else if cap <= DATA_CLASSES[2] as u64 {
            reserve_copy::<H, 256>(ring, skb, header, cap)
        } else if cap <= DATA_CLASSES[3] as u64 {
            reserve_copy::<H, 512>(ring, skb, header, cap)
        } else if cap <= DATA_CLASSES[4] as u64 {
            reserve_copy::<H, 1024>(ring, skb, header, cap)
        } else if cap <= DATA_CLASSES[5] as u64 {
            reserve_copy::<H, 1536>(ring, skb, header, cap)
        } else if cap <= DATA_CLASSES[6] as u64 {
            reserve_copy::<H, 2048>(ring, skb, header, cap)
        } else if cap <= DATA_CLASSES[7] as u64 {
            reserve_copy::<H, 4096>(ring, skb, header, cap)
        } else {
            reserve_copy::<H, { MAX_SNAPLEN as usize }>(ring, skb, header, cap)
        };
        let Some(rec) = reserved else {
            return false;
        };
        // Once for every class (inlined per class, the owner lookup made each program
        // ~26,000 instructions): every class's record starts with the head and holds at
        // least 64 data bytes, so the smallest class's view fits them all.
        let small = rec.cast::<Record<H, 64>>();
        // SAFETY: `rec` is a reserved record of at least `Record<H, 64>`'s size.
        unsafe { (*small).head.after_copy(skb, &(*small).data) };
        submit(ring, rec, seq);
        true
    }

    #[inline(always)]
    fn emit_drop<C: EbpfContext>(_ctx: &C, s: &mut DropScratch, cap: u64) -> bool {
        let ring = M::ring();
        // Fewer classes than for the hooks: drops are rarer, and each class is verified.
        if cap <= DATA_CLASSES[1] as u64 {
            reserve_drop::<128>(ring, s, cap)
        } else if cap <= DATA_CLASSES[3] as u64 {
            reserve_drop::<512>(ring, s, cap)
        } else if cap <= DATA_CLASSES[5] as u64 {
            reserve_drop::<1536>(ring, s, cap)
        } else {
            reserve_drop::<{ MAX_SNAPLEN as usize }>(ring, s, cap)
        }
    }
}

#[inline(always)]
fn reserve_drop<const N: usize>(ring: &RingBuf, s: &DropScratch, cap: u64) -> bool {
    let Some(mut entry) = ring.reserve::<DropRecord<N>>(0) else {
        return false;
    };
    let rec = entry.as_mut_ptr();
    // SAFETY: `rec` points at a reserved record of the right size.
    unsafe {
        (*rec).header = s.header;
        (*rec).info = s.info;
        // As in `reserve_copy`: a bound the verifier sees on the register the helper gets.
        let len = core::ptr::read_volatile(&cap);
        if len <= N as u64 {
            if probe_read_kernel((*rec).data.as_mut_ptr(), len, s.start) != 0 {
                (*rec).header.cap_len = 0;
            }
        } else {
            (*rec).header.cap_len = 0;
        }
    }
    // Submitted through its pointer by `submit` (an entry has no Drop: letting it go does
    // nothing).
    let rec = entry.as_mut_ptr().cast::<u8>();
    submit(ring, rec, 0);
    true
}

/// How many of a CPU's samples share one look at the ring's pending bytes: the look
/// (`bpf_ringbuf_query`) cost ~25 ns a sample in place, and a wakeup decided a few records
/// late changes nothing.
const WAKE_CHECK_EVERY: u64 = 16;

/// The consumer position (plus one) at the last wakeup a producer asked for (one slot, shared by all
/// CPUs; a racing update is harmless).
#[aya_ebpf::macros::map]
pub static WAKE_STATE: Array<u64> = Array::with_max_entries(1, 0);

/// Submits a record, waking the reader when, at one of this CPU's looks (every
/// `WAKE_CHECK_EVERY`th record of `seq`, its sample count), at least the threshold is pending
/// and the reader has moved since the last wakeup anyone asked for: one outstanding wakeup
/// per stretch of the reader's progress, never one per packet while it is still getting to
/// the ring. (A window just above the threshold was missed when other CPUs' or larger records
/// carried the pending bytes past it between two looks; the reader then waited for its drain
/// timer, 250 ms for file-only output, and a TCP bulk or 2-CPU flood overflowed the ring.)
/// Its drain timer covers the rest.
#[inline(always)]
fn submit(ring: &RingBuf, rec: *mut u8, seq: u64) {
    let wake = config::WAKEUP_BYTES.load();
    let flags = if wake == 0 {
        BPF_RB_FORCE_WAKEUP
    } else if seq & (WAKE_CHECK_EVERY - 1) != 0 || ring.query(BPF_RB_AVAIL_DATA as u64) < wake {
        BPF_RB_NO_WAKEUP
    } else {
        // Plus one: positions are multiples of 8, so the empty slot (0) never matches.
        let cons = ring.query(BPF_RB_CONS_POS as u64) + 1;
        match WAKE_STATE.get_ptr_mut(0) {
            // SAFETY: the one slot of the array; a racing store from another CPU at worst
            // costs one more or one fewer wakeup.
            Some(last) if unsafe { *last } == cons => BPF_RB_NO_WAKEUP,
            Some(last) => {
                // SAFETY: as above.
                unsafe { *last = cons };
                BPF_RB_FORCE_WAKEUP
            }
            None => BPF_RB_FORCE_WAKEUP,
        }
    };
    const _: () = assert!(WAKE_CHECK_EVERY.is_power_of_two());
    // SAFETY: `rec` is a record reserved from `ring` and not yet submitted or discarded.
    unsafe { bpf_ringbuf_submit(rec.cast(), flags as u64) };
}

/// Reserves a record with room for `N` packet bytes, writes `header` and copies the first
/// `cap` bytes; the record (not yet submitted: the caller completes and submits it), or
/// `None` when the ring had no room.
#[inline(always)]
fn reserve_copy<H: Head, const N: usize>(
    ring: &RingBuf,
    skb: *mut __sk_buff,
    header: &H,
    cap: u64,
) -> Option<*mut u8> {
    let mut entry = ring.reserve::<Record<H, N>>(0)?;
    let rec = entry.as_mut_ptr();
    // SAFETY: `rec` points at a reserved record of the right size.
    unsafe {
        (*rec).head = *header;
        // The helper's length must be provably in [1, N]. Older verifiers (6.1) do not carry
        // a bound from a copy back to the register it came from, so bound `cap - 1` (read
        // through a volatile load, so LLVM cannot fold the check into the class choice) and
        // hand the helper that plus one.
        let below = core::ptr::read_volatile(&cap.wrapping_sub(1));
        if below < N as u64 {
            if skb_load_bytes(skb, 0, (*rec).data.as_mut_ptr(), below + 1) != 0 {
                (*rec).head.header_mut().cap_len = 0;
            }
        } else {
            (*rec).head.header_mut().cap_len = 0;
        }
    }
    const { assert!(N >= 64) };
    // Submitted through its pointer by the caller (an entry has no Drop).
    Some(rec.cast())
}

/// Names the perf-event-array map of one object.
pub trait PerfMap {
    fn perf() -> &'static PerfEventByteArray;
}

/// Samples into a BPF_MAP_TYPE_PERF_EVENT_ARRAY: the header from the stack, and the packet
/// bytes copied by the kernel itself (`bpf_skb_event_output`'s BPF_F_CTXLEN_MASK).
pub struct Perf<M>(core::marker::PhantomData<M>);

impl<M: PerfMap> Sink for Perf<M> {
    const COPIES: bool = false;

    #[inline(always)]
    fn emit<C: EbpfContext, H: Head>(
        ctx: &C,
        _skb: *mut __sk_buff,
        header: &H,
        cap: u64,
        _seq: u64,
    ) -> bool {
        let map = M::perf() as *const PerfEventByteArray as *mut core::ffi::c_void;
        let mut hdr = *header;
        let cap = cap & 0x000f_ffff; // BPF_F_CTXLEN_MASK holds 20 bits; cap <= MAX_SNAPLEN anyway
        hdr.header_mut().cap_len = cap as u32;
        let flags = (cap << 32) | BPF_F_CURRENT_CPU;
        // SAFETY: the helper reads `hdr` (on our stack) and `cap` bytes of the skb.
        let ret = unsafe {
            bpf_perf_event_output(
                ctx.as_ptr(),
                map,
                flags,
                &mut hdr as *mut H as *mut core::ffi::c_void,
                core::mem::size_of::<H>() as u64,
            )
        };
        ret == 0
    }

    /// The sample is assembled in the scratch itself (`header`, `info`, then `bytes`, in that
    /// order, see [`DropScratch`]) and sent from there: a perf buffer takes a pointer and a
    /// length, and outside an skb program the kernel cannot append packet bytes itself.
    #[inline(always)]
    fn emit_drop<C: EbpfContext>(ctx: &C, s: &mut DropScratch, cap: u64) -> bool {
        let map = M::perf() as *const PerfEventByteArray as *mut core::ffi::c_void;
        // SAFETY: reading a local (see `reserve_copy` for why it is volatile).
        let len = unsafe { core::ptr::read_volatile(&cap) };
        if len > MAX_SNAPLEN as u64 {
            return false;
        }
        // SAFETY: `bytes` holds MAX_SNAPLEN bytes; the helper checks `start`.
        if unsafe { probe_read_kernel(s.bytes.as_mut_ptr(), len, s.start) } != 0 {
            s.header.cap_len = 0;
        }
        let size = core::mem::offset_of!(DropScratch, bytes) as u64 + s.header.cap_len as u64;
        // SAFETY: reading a local, as above.
        let size = unsafe { core::ptr::read_volatile(&size) };
        if size > core::mem::offset_of!(DropScratch, bytes) as u64 + MAX_SNAPLEN as u64 {
            return false;
        }
        // SAFETY: the helper reads `size` bytes of the scratch, which has them.
        let ret = unsafe {
            bpf_perf_event_output(
                ctx.as_ptr(),
                map,
                BPF_F_CURRENT_CPU,
                (s as *mut DropScratch).cast(),
                size,
            )
        };
        ret == 0
    }
}
