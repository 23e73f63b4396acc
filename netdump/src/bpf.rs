//! Loading the kernel programs: pick the object for the transport, set its `.rodata`
//! settings, size its maps.

use aya::{maps::MapType, Ebpf, EbpfError, EbpfLoader};
use netdump_common::names;
use thiserror::Error;

/// The ring-buffer object (kernel 5.8+).
static RING_OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/netdump-ring"));
/// The perf-buffer object (any kernel with BPF).
static PERF_OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/netdump-perf"));

/// How samples travel from the kernel to userspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Ring,
    Perf,
}

impl Transport {
    pub fn describe(self) -> &'static str {
        match self {
            Transport::Ring => "ring buffer",
            Transport::Perf => "perf buffer",
        }
    }

    /// The ring buffer where the kernel supports it, the perf buffer otherwise.
    pub fn detect() -> Transport {
        match aya::sys::is_map_supported(MapType::RingBuf) {
            Ok(true) => Transport::Ring,
            _ => Transport::Perf,
        }
    }
}

/// What the kernel programs are told before they are loaded.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    pub transport: Transport,
    pub snaplen: u32,
    pub directions: u8,
    /// Ring buffer size in bytes (a power of two, at least a page).
    pub ring_bytes: u32,
    pub log: bool,
    /// A translated filter sits between the entry programs and the emitters.
    pub filter: bool,
}

impl LoadOptions {
    /// Pending bytes at which the kernel wakes the reader: enough to batch wakeups under
    /// load, while a timer drains the ring when traffic is light.
    pub fn wakeup_bytes(&self) -> u64 {
        (u64::from(self.ring_bytes) / 4).min(256 * 1024)
    }
}

#[derive(Debug, Error)]
pub enum LoadError {
    #[error("load netdump's BPF object ({transport}): {source}")]
    Object {
        transport: &'static str,
        #[source]
        source: EbpfError,
    },
}

/// Creates the maps of the chosen object. Programs are loaded by [`crate::attach`].
pub fn load(opts: &LoadOptions) -> Result<Ebpf, LoadError> {
    let wakeup = opts.wakeup_bytes();
    let log = u8::from(opts.log);
    let filter = u8::from(opts.filter);
    let mut loader = EbpfLoader::new();
    loader
        .override_global(names::SNAPLEN, &opts.snaplen, true)
        .override_global(names::DIRECTIONS, &opts.directions, true)
        .override_global(names::WAKEUP_BYTES, &wakeup, true)
        .override_global(names::LOG_ENABLED, &log, true)
        .override_global(names::FILTER_ON, &filter, true);
    let object = match opts.transport {
        Transport::Ring => {
            loader.map_max_entries(names::EVENTS, opts.ring_bytes);
            RING_OBJECT
        }
        Transport::Perf => PERF_OBJECT,
    };
    loader.load(object).map_err(|source| LoadError::Object {
        transport: opts.transport.describe(),
        source,
    })
}
