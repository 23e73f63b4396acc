//! The bpf(2) commands aya cannot do for a program it did not build: load raw instructions,
//! put a raw program into a program array, and test-run a program; and, for those tests, an
//! array map to stand in for the drop path's scratch.

use std::{
    io,
    os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd},
};

use thiserror::Error;

use super::ebpf::Insn;

const BPF_MAP_CREATE: libc::c_long = 0;
const BPF_MAP_UPDATE_ELEM: libc::c_long = 2;
const BPF_PROG_LOAD: libc::c_long = 5;
const BPF_PROG_TEST_RUN: libc::c_long = 10;

/// Program types netdump's filters are loaded as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgType {
    SocketFilter = 1,
    SchedCls = 3,
    /// The drop path's programs (`skb:kfree_skb`).
    RawTracepoint = 17,
}

#[derive(Debug, Error)]
pub enum KernelError {
    #[error("the verifier rejected the filter ({insns} eBPF instructions): {reason}")]
    Rejected { insns: usize, reason: String },
    #[error("{what}: {source}")]
    Syscall {
        what: &'static str,
        #[source]
        source: io::Error,
    },
}

fn bpf(cmd: libc::c_long, attr: &mut [u8]) -> io::Result<i64> {
    // SAFETY: `attr` is a zero-padded bpf_attr of the size passed; the kernel reads and
    // writes only within it, and through the pointers we placed in it, which stay valid.
    let r = unsafe { libc::syscall(libc::SYS_bpf, cmd, attr.as_mut_ptr(), attr.len()) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn put_u32(a: &mut [u8], at: usize, v: u32) {
    a[at..at + 4].copy_from_slice(&v.to_ne_bytes());
}

fn put_u64(a: &mut [u8], at: usize, v: u64) {
    a[at..at + 8].copy_from_slice(&v.to_ne_bytes());
}

fn get_u32(a: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(a[at..at + 4].try_into().unwrap_or([0; 4]))
}

/// Loads `insns` as a GPL program of type `ty` named `name`.
pub fn load(ty: ProgType, name: &str, insns: &[Insn]) -> Result<OwnedFd, KernelError> {
    let license = c"GPL";
    let attempt = |log: Option<&mut Vec<u8>>| -> io::Result<i64> {
        let mut attr = [0u8; 128];
        put_u32(&mut attr, 0, ty as u32);
        put_u32(&mut attr, 4, insns.len() as u32);
        put_u64(&mut attr, 8, insns.as_ptr() as u64);
        put_u64(&mut attr, 16, license.as_ptr() as u64);
        if let Some(buf) = log {
            put_u32(&mut attr, 24, 1);
            put_u32(&mut attr, 28, buf.len() as u32);
            put_u64(&mut attr, 32, buf.as_mut_ptr() as u64);
        }
        let n = name.len().min(15);
        attr[48..48 + n].copy_from_slice(&name.as_bytes()[..n]);
        bpf(BPF_PROG_LOAD, &mut attr)
    };
    match attempt(None) {
        // SAFETY: the kernel returned a new program fd that we now own.
        Ok(fd) => Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) }),
        Err(first) => {
            // Again with the verifier's log, to say why.
            let mut log = vec![0u8; 1 << 20];
            let again = attempt(Some(&mut log));
            let end = log.iter().position(|&b| b == 0).unwrap_or(log.len());
            let text = String::from_utf8_lossy(&log[..end]);
            let reason = text
                .lines()
                .rev()
                .find(|l| {
                    !l.trim().is_empty()
                        && !l.starts_with("processed ")
                        && !l.starts_with("verification time")
                })
                .map(str::to_string)
                .unwrap_or_else(|| first.to_string());
            match again {
                // SAFETY: as above.
                Ok(fd) => Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) }),
                Err(_) => Err(KernelError::Rejected {
                    insns: insns.len(),
                    reason,
                }),
            }
        }
    }
}

/// `map[index] = prog` for a BPF_MAP_TYPE_PROG_ARRAY.
pub fn set_prog(map_fd: i32, index: u32, prog: &OwnedFd) -> Result<(), KernelError> {
    let key = index;
    let value = prog.as_raw_fd() as u32;
    let mut attr = [0u8; 32];
    put_u32(&mut attr, 0, map_fd as u32);
    put_u64(&mut attr, 8, &key as *const u32 as u64);
    put_u64(&mut attr, 16, &value as *const u32 as u64);
    bpf(BPF_MAP_UPDATE_ELEM, &mut attr)
        .map(|_| ())
        .map_err(|source| KernelError::Syscall {
            what: "put the filter into its program array",
            source,
        })
}

/// A BPF_MAP_TYPE_ARRAY of `entries` values of `value_size` bytes.
pub fn create_array(value_size: u32, entries: u32) -> Result<OwnedFd, KernelError> {
    let mut attr = [0u8; 72];
    put_u32(&mut attr, 0, 2); // BPF_MAP_TYPE_ARRAY
    put_u32(&mut attr, 4, 4);
    put_u32(&mut attr, 8, value_size);
    put_u32(&mut attr, 12, entries);
    let fd = bpf(BPF_MAP_CREATE, &mut attr).map_err(|source| KernelError::Syscall {
        what: "create an array map",
        source,
    })?;
    // SAFETY: the kernel returned a new map fd that we now own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// `map[index] = value` for an array map whose values are `value.len()` bytes.
pub fn set_value(map: impl AsFd, index: u32, value: &[u8]) -> Result<(), KernelError> {
    let key = index;
    let mut attr = [0u8; 32];
    put_u32(&mut attr, 0, map.as_fd().as_raw_fd() as u32);
    put_u64(&mut attr, 8, &key as *const u32 as u64);
    put_u64(&mut attr, 16, value.as_ptr() as u64);
    bpf(BPF_MAP_UPDATE_ELEM, &mut attr)
        .map(|_| ())
        .map_err(|source| KernelError::Syscall {
            what: "update an array map",
            source,
        })
}

/// Runs a raw tracepoint program once with `args` as its arguments; returns its verdict.
pub fn test_run_raw_tp(prog: impl AsFd, args: &[u64]) -> Result<u32, KernelError> {
    let mut attr = [0u8; 80];
    put_u32(&mut attr, 0, prog.as_fd().as_raw_fd() as u32);
    put_u32(&mut attr, 40, std::mem::size_of_val(args) as u32);
    put_u64(&mut attr, 48, args.as_ptr() as u64);
    bpf(BPF_PROG_TEST_RUN, &mut attr).map_err(|source| KernelError::Syscall {
        what: "BPF_PROG_TEST_RUN",
        source,
    })?;
    Ok(get_u32(&attr, 4))
}

/// Runs `prog` on `frame` `repeat` times with BPF_PROG_TEST_RUN; returns (verdict, mean ns).
pub fn test_run(prog: impl AsFd, frame: &[u8], repeat: u32) -> Result<(u32, u32), KernelError> {
    let mut attr = [0u8; 80];
    put_u32(&mut attr, 0, prog.as_fd().as_raw_fd() as u32);
    put_u32(&mut attr, 8, frame.len() as u32);
    put_u64(&mut attr, 16, frame.as_ptr() as u64);
    put_u32(&mut attr, 32, repeat);
    bpf(BPF_PROG_TEST_RUN, &mut attr).map_err(|source| KernelError::Syscall {
        what: "BPF_PROG_TEST_RUN",
        source,
    })?;
    Ok((get_u32(&attr, 4), get_u32(&attr, 36)))
}
