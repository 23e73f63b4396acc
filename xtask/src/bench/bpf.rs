//! The bench's raw bpf(2) calls, and the only unsafe code of its empty-program contender:
//! load a two-instruction TC program, attach it with a TCX link, pin it for `tc`, and turn the
//! kernel's per-program run-time statistics on for as long as a file descriptor is open.
//!
//! The attribute layouts are the kernel's `union bpf_attr` members
//! (<https://elixir.bootlin.com/linux/v6.6/source/include/uapi/linux/bpf.h>), written out
//! here because xtask has no BPF library and needs only these four commands.

use std::{
    ffi::CString,
    io,
    os::fd::{FromRawFd as _, OwnedFd, RawFd},
};

const BPF_PROG_LOAD: libc::c_long = 5;
const BPF_OBJ_PIN: libc::c_long = 6;
const BPF_LINK_CREATE: libc::c_long = 28;
const BPF_ENABLE_STATS: libc::c_long = 32;
const BPF_PROG_TYPE_SCHED_CLS: u32 = 3;
const BPF_TCX_INGRESS: u32 = 46;
const BPF_TCX_EGRESS: u32 = 47;
/// With no relative program: append after every program already on the hook (aya's
/// `LinkOrder::default()`, which is how netdump attaches).
const BPF_F_AFTER: u32 = 1 << 4;
const BPF_STATS_RUN_TIME: u32 = 0;

/// The kernel reads at most the attribute size it knows; 128 bytes covers every member used.
#[repr(C, align(8))]
struct Attr([u8; 128]);

impl Attr {
    fn new() -> Attr {
        Attr([0; 128])
    }
    fn u32(&mut self, at: usize, v: u32) -> &mut Attr {
        self.0[at..at + 4].copy_from_slice(&v.to_ne_bytes());
        self
    }
    fn u64(&mut self, at: usize, v: u64) -> &mut Attr {
        self.0[at..at + 8].copy_from_slice(&v.to_ne_bytes());
        self
    }
}

/// bpf(cmd, attr); a new file descriptor on success.
fn bpf_fd(cmd: libc::c_long, attr: &mut Attr) -> io::Result<OwnedFd> {
    // SAFETY: `attr` is a live, writable 128-byte buffer laid out as the command's member of
    // `union bpf_attr`; every pointer written into it points at memory that outlives the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd,
            attr.0.as_mut_ptr(),
            attr.0.len() as libc::c_uint,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: on success these commands return a new file descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(rc as RawFd) })
}

/// The name bpftool shows for the empty program.
pub const EMPTY_NAME: &str = "ndbench_empty";

/// Loads `r0 = -1 (TC_ACT_UNSPEC); exit` as a sched_cls program named [`EMPTY_NAME`]: the
/// least any TC-based capture can cost a packet (what netdump's entry returns as well).
pub fn load_empty_tc() -> io::Result<OwnedFd> {
    // struct bpf_insn: code, dst/src registers, 16-bit offset, 32-bit immediate.
    let insns: [[u8; 8]; 2] = [
        // BPF_ALU64 | BPF_MOV | BPF_K, r0, imm -1
        [0xb7, 0x00, 0, 0, 0xff, 0xff, 0xff, 0xff],
        // BPF_JMP | BPF_EXIT
        [0x95, 0x00, 0, 0, 0, 0, 0, 0],
    ];
    let license = c"GPL";
    let mut attr = Attr::new();
    attr.u32(0, BPF_PROG_TYPE_SCHED_CLS)
        .u32(4, insns.len() as u32)
        .u64(8, insns.as_ptr() as u64)
        .u64(16, license.as_ptr() as u64);
    // prog_name at 48, 16 bytes, NUL-terminated.
    attr.0[48..48 + EMPTY_NAME.len()].copy_from_slice(EMPTY_NAME.as_bytes());
    bpf_fd(BPF_PROG_LOAD, &mut attr)
}

/// A TCX link for `prog` on `ifindex` (in the calling thread's network namespace), appended
/// last; the program stays attached while the returned fd is open.
///
/// # Minimum kernel version
/// 6.6 (TCX); older kernels answer EINVAL.
pub fn tcx_attach(prog: &OwnedFd, ifindex: u32, ingress: bool) -> io::Result<OwnedFd> {
    use std::os::fd::AsRawFd as _;
    let mut attr = Attr::new();
    attr.u32(0, prog.as_raw_fd() as u32)
        .u32(4, ifindex)
        .u32(
            8,
            if ingress {
                BPF_TCX_INGRESS
            } else {
                BPF_TCX_EGRESS
            },
        )
        .u32(12, BPF_F_AFTER);
    bpf_fd(BPF_LINK_CREATE, &mut attr)
}

/// Pins `prog` at `path` (inside a mounted bpffs), so `tc ... object-pinned` can attach it.
pub fn pin(prog: &OwnedFd, path: &str) -> io::Result<()> {
    use std::os::fd::AsRawFd as _;
    let path = CString::new(path).map_err(io::Error::other)?;
    let mut attr = Attr::new();
    attr.u64(0, path.as_ptr() as u64)
        .u32(8, prog.as_raw_fd() as u32);
    // BPF_OBJ_PIN returns 0, not a descriptor.
    // SAFETY: as in `bpf_fd`; `path` outlives the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            BPF_OBJ_PIN,
            attr.0.as_mut_ptr(),
            attr.0.len() as libc::c_uint,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Turns on `run_time_ns`/`run_cnt` accounting for every BPF program until the returned fd is
/// closed. The kernel counts the holders, so closing it (also when the bench is killed)
/// restores the previous state, as `kernel.bpf_stats_enabled` would have to be by hand.
///
/// # Minimum kernel version
/// 5.8
pub fn enable_stats() -> io::Result<OwnedFd> {
    let mut attr = Attr::new();
    attr.u32(0, BPF_STATS_RUN_TIME);
    bpf_fd(BPF_ENABLE_STATS, &mut attr)
}
