//! libpcap, opened when first needed: only pcap-filter expressions use it (its compiler is
//! the reference implementation, and `pcap_offline_filter` its verdict). A capture without an
//! expression never maps it or what it links (libdbus, libsystemd, libgcrypt, liblzma,
//! libzstd...: about 1 MiB of a capture's RSS), and netdump runs on a host without libpcap
//! until an expression is given.

use std::{
    ffi::{c_char, c_int, c_uint, c_void, CStr, CString},
    sync::OnceLock,
};

use libloading::Library;
use thiserror::Error;

use crate::filter::cbpf::CInsn;

/// The names libpcap's shared object goes by: Debian and Ubuntu (`libpcap0.8`), most other
/// distributions, and the development symlink.
const NAMES: [&str; 3] = ["libpcap.so.0.8", "libpcap.so.1", "libpcap.so"];

#[derive(Debug, Error)]
pub enum LibpcapError {
    #[error("filter expressions need libpcap, which is not installed ({0}): install libpcap (Debian: apt install libpcap0.8)")]
    Missing(String),
    #[error("{0}")]
    Compile(String),
}

/// libpcap's `struct bpf_program`.
#[repr(C)]
struct RawProgram {
    len: c_uint,
    insns: *mut CInsn,
}

/// libpcap's `struct pcap_pkthdr`.
#[repr(C)]
struct PktHdr {
    ts: libc::timeval,
    caplen: u32,
    len: u32,
}

type OpenDead = unsafe extern "C" fn(c_int, c_int) -> *mut c_void;
type Compile =
    unsafe extern "C" fn(*mut c_void, *mut RawProgram, *const c_char, c_int, c_uint) -> c_int;
type GetErr = unsafe extern "C" fn(*mut c_void) -> *const c_char;
type Close = unsafe extern "C" fn(*mut c_void);
type FreeCode = unsafe extern "C" fn(*mut RawProgram);
type OfflineFilter = unsafe extern "C" fn(*const RawProgram, *const PktHdr, *const u8) -> c_int;
type Image = unsafe extern "C" fn(*const CInsn, c_int) -> *const c_char;

struct Api {
    open_dead: OpenDead,
    compile: Compile,
    geterr: GetErr,
    close: Close,
    freecode: FreeCode,
    offline_filter: OfflineFilter,
    image: Image,
    /// Keeps the functions above mapped (for the life of the process: it is never dropped).
    _lib: Library,
}

static API: OnceLock<Result<Api, String>> = OnceLock::new();

fn api() -> Result<&'static Api, LibpcapError> {
    API.get_or_init(open)
        .as_ref()
        .map_err(|e| LibpcapError::Missing(e.clone()))
}

fn open() -> Result<Api, String> {
    let mut last = String::new();
    for name in NAMES {
        // SAFETY: libpcap's initialisers have no preconditions.
        let lib = match unsafe { Library::new(name) } {
            Ok(lib) => lib,
            Err(e) => {
                last = e.to_string();
                continue;
            }
        };
        // SAFETY: the functions have the C signatures declared above (pcap/pcap.h, stable
        // since libpcap 1.0); `_lib` keeps them mapped.
        let api = unsafe {
            Api {
                open_dead: sym(&lib, b"pcap_open_dead\0")?,
                compile: sym(&lib, b"pcap_compile\0")?,
                geterr: sym(&lib, b"pcap_geterr\0")?,
                close: sym(&lib, b"pcap_close\0")?,
                freecode: sym(&lib, b"pcap_freecode\0")?,
                offline_filter: sym(&lib, b"pcap_offline_filter\0")?,
                image: sym(&lib, b"bpf_image\0")?,
                _lib: lib,
            }
        };
        return Ok(api);
    }
    Err(last)
}

/// The function `name` (NUL-terminated) of `lib`.
///
/// # Safety
/// `T` must be the function's type.
unsafe fn sym<T: Copy>(lib: &Library, name: &[u8]) -> Result<T, String> {
    // SAFETY: the caller's promise on `T`.
    unsafe { lib.get::<T>(name) }
        .map(|s| *s)
        .map_err(|e| e.to_string())
}

/// A program libpcap compiled; freed by libpcap on drop.
pub struct Program {
    raw: RawProgram,
    api: &'static Api,
}

// SAFETY: the program is plain memory libpcap allocated and only this value frees.
unsafe impl Send for Program {}
// SAFETY: `matches` and `insns` only read it.
unsafe impl Sync for Program {}

impl Drop for Program {
    fn drop(&mut self) {
        // SAFETY: a program pcap_compile filled, freed once.
        unsafe { (self.api.freecode)(&mut self.raw) }
    }
}

impl Program {
    /// Compiles `expr` as tcpdump does for a handle of `dlt` (optimized, netmask unknown),
    /// on a dead handle with snapshot length 65535 (what the `pcap` crate used).
    pub fn compile(dlt: i32, expr: &str) -> Result<Program, LibpcapError> {
        let api = api()?;
        let text = CString::new(expr)
            .map_err(|_| LibpcapError::Compile("the expression has a NUL byte".into()))?;
        // SAFETY: libpcap's documented use: a dead handle, compiled into a zeroed program,
        // the error read before the handle is closed; every pointer outlives the calls.
        unsafe {
            let handle = (api.open_dead)(dlt, 65535);
            if handle.is_null() {
                return Err(LibpcapError::Compile(format!(
                    "libpcap has no handle for link type {dlt}"
                )));
            }
            let mut raw = RawProgram {
                len: 0,
                insns: std::ptr::null_mut(),
            };
            let r = (api.compile)(handle, &mut raw, text.as_ptr(), 1, 0);
            let result = if r == -1 {
                let e = (api.geterr)(handle);
                Err(LibpcapError::Compile(if e.is_null() {
                    "pcap_compile failed".into()
                } else {
                    CStr::from_ptr(e).to_string_lossy().into_owned()
                }))
            } else {
                Ok(Program { raw, api })
            };
            (api.close)(handle);
            result
        }
    }

    /// The classic BPF instructions.
    pub fn insns(&self) -> &[CInsn] {
        if self.raw.insns.is_null() {
            return &[];
        }
        // SAFETY: libpcap allocated `len` instructions at `insns`, alive until drop.
        unsafe { std::slice::from_raw_parts(self.raw.insns, self.raw.len as usize) }
    }

    /// libpcap's verdict on a frame of `orig_len` bytes of which `data` were captured.
    pub fn matches(&self, data: &[u8], orig_len: u32) -> bool {
        let hdr = PktHdr {
            ts: libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            },
            caplen: data.len() as u32,
            len: orig_len,
        };
        // SAFETY: the program, header and packet are valid for the call, which only reads.
        unsafe { (self.api.offline_filter)(&self.raw, &hdr, data.as_ptr()) != 0 }
    }
}

/// libpcap's rendering of instruction `n` (`tcpdump -d`); empty without libpcap, which no
/// compiled program can be (it came from libpcap).
pub fn image(insn: &CInsn, n: usize) -> String {
    let Ok(api) = api() else {
        return String::new();
    };
    // SAFETY: bpf_image reads one instruction and returns a static buffer that stays valid
    // until its next call; it is copied at once.
    unsafe {
        let line = (api.image)(insn, n as c_int);
        if line.is_null() {
            return String::new();
        }
        CStr::from_ptr(line).to_string_lossy().into_owned()
    }
}
