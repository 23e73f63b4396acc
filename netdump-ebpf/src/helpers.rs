//! The BPF helpers netdump calls by number where aya-ebpf's wrapper does not fit.

use aya_ebpf::bindings::__sk_buff;

/// BPF_FUNC_skb_load_bytes.
const SKB_LOAD_BYTES: usize = 26;

/// `bpf_skb_load_bytes(skb, offset, to, len)`: 0 on success, negative past the packet's end.
///
/// aya-ebpf 0.2.1's `load_bytes` computes a min without a zero guard, which the verifier
/// rejects (`R4 invalid zero-sized read`), and the length is a u64 because with a u32 LLVM
/// zero-extends into a fresh register, so a bounds check narrows one register and the helper
/// gets another.
///
/// # Safety
/// `skb` is the program's context and `to` has room for `len` bytes; the caller proves to the
/// verifier that `len` is in [1, size of `to`].
#[inline(always)]
pub unsafe fn skb_load_bytes(skb: *mut __sk_buff, offset: u32, to: *mut u8, len: u64) -> i64 {
    // SAFETY: helper 26 has exactly this signature; the verifier checks the arguments.
    let f: unsafe extern "C" fn(*mut __sk_buff, u32, *mut u8, u64) -> i64 =
        unsafe { core::mem::transmute(SKB_LOAD_BYTES) };
    // SAFETY: as the caller promised.
    unsafe { f(skb, offset, to, len) }
}

/// BPF_FUNC_probe_read_kernel (5.5+).
const PROBE_READ_KERNEL: usize = 113;

/// `bpf_probe_read_kernel(dst, len, src)`: 0 on success, negative when `src` cannot be read
/// (then `dst` is zeroed). The length is a u64 for the reason given at [`skb_load_bytes`].
///
/// # Safety
/// `dst` has room for `len` bytes; the caller proves to the verifier that `len` is at most the
/// size of `dst` (zero is allowed).
#[inline(always)]
pub unsafe fn probe_read_kernel(dst: *mut u8, len: u64, src: u64) -> i64 {
    // SAFETY: helper 113 has exactly this signature; the verifier checks the arguments.
    let f: unsafe extern "C" fn(*mut u8, u64, u64) -> i64 =
        unsafe { core::mem::transmute(PROBE_READ_KERNEL) };
    // SAFETY: as the caller promised.
    unsafe { f(dst, len, src) }
}

/// BPF_FUNC_skb_load_bytes_relative (4.18+).
const SKB_LOAD_BYTES_RELATIVE: usize = 68;

/// `bpf_skb_load_bytes_relative(skb, offset, to, len, start_header)`: as [`skb_load_bytes`],
/// with `offset` counted from the MAC (`start_header` 0) or network (1) header, so the same
/// code reads IP headers on Ethernet and L3 devices. The length is a u64 for the same reason.
///
/// # Safety
/// As [`skb_load_bytes`].
#[inline(always)]
pub unsafe fn skb_load_bytes_relative(
    skb: *mut __sk_buff,
    offset: u32,
    to: *mut u8,
    len: u64,
    start_header: u64,
) -> i64 {
    // SAFETY: helper 68 has exactly this signature; the verifier checks the arguments.
    let f: unsafe extern "C" fn(*mut __sk_buff, u32, *mut u8, u64, u64) -> i64 =
        unsafe { core::mem::transmute(SKB_LOAD_BYTES_RELATIVE) };
    // SAFETY: as the caller promised.
    unsafe { f(skb, offset, to, len, start_header) }
}

/// A stack buffer for bytes a helper fills, zeroed with one 8-byte store per 8 bytes. A plain
/// `[0u8; N]` of more than a few bytes becomes a call to the BPF build of `memset`, a loop of
/// one-byte stores: for 28 bytes it cost ~45 ns a packet in place (perf, 6.18).
#[repr(C, align(8))]
pub struct Bytes<const N: usize>(pub [u8; N]);

impl<const N: usize> Bytes<N> {
    /// Zeroes `slot` in place and returns it: built by value and moved, LLVM would zero the
    /// destination with a `memset` call again.
    #[inline(always)]
    pub fn zeroed_in(slot: &mut core::mem::MaybeUninit<Self>) -> &mut [u8; N] {
        const { assert!(N.is_multiple_of(8)) };
        let p = slot.as_mut_ptr().cast::<u64>();
        let mut i = 0;
        while i < N / 8 {
            // SAFETY: `p` points at `N / 8` u64s (N bytes, aligned to 8). Volatile, so LLVM
            // does not merge the stores back into a memset call.
            unsafe { p.add(i).write_volatile(0) };
            i += 1;
        }
        // SAFETY: every byte was written above.
        unsafe { &mut slot.assume_init_mut().0 }
    }
}
