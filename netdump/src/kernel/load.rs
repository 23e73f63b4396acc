//! Loading the kernel programs: pick the object for the transport, set its `.rodata`
//! settings, size its maps.

use aya::{maps::MapType, Ebpf, EbpfError, EbpfLoader};
use netdump_common::{names, owner::names as owner_names, DropLayout, REASON_SLOTS};
use thiserror::Error;

/// The ring-buffer object (kernel 5.8+).
static RING_OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/netdump-ring"));
/// The perf-buffer object (any kernel with BPF).
static PERF_OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/netdump-perf"));
/// The same two with attribution: the owner lookup in every capture program, and the programs
/// that record owners. Captures without it load the objects above, which have neither (less
/// for aya to parse and relocate: about 2 MiB of peak RSS).
static RING_OWNER_OBJECT: &[u8] =
    aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/netdump-ring-owner"));
static PERF_OWNER_OBJECT: &[u8] =
    aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/netdump-perf-owner"));

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

    /// The transport `choice` asks for, if this kernel has it.
    pub fn resolve(choice: super::TransportChoice) -> Result<Transport, LoadError> {
        use super::TransportChoice;
        match choice {
            TransportChoice::Auto => Ok(Transport::detect()),
            TransportChoice::Ring if Transport::detect() != Transport::Ring => {
                Err(LoadError::NoRingBuf)
            }
            TransportChoice::Ring => Ok(Transport::Ring),
            TransportChoice::Perf => Ok(Transport::Perf),
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
    /// `-s headers`.
    pub headers_only: bool,
    /// `--sample N` (0 or 1: all).
    pub sample: u32,
    /// `--max-rate PPS`, shared out over the CPUs.
    pub max_rate: Option<u64>,
    /// Samples carry their interface's namespace cookie, read at these offsets.
    pub netns: Option<super::btf::NetnsOffsets>,
    /// Count packets per interface too.
    pub iface_stats: bool,
    /// `--drops`: where the drop program finds the kernel's fields (see `crate::drops`).
    pub drops: Option<DropLayout>,
    /// Attribution: look owners up per captured packet (`OWNER_ON`), the owner filter's
    /// bits and `--pname`.
    pub owner_on: bool,
    pub owner_filter: u8,
    pub owner_pname: [u8; 16],
}

impl LoadOptions {
    /// Per CPU: (nanoseconds between packets, burst credit in nanoseconds). Each CPU gets an
    /// equal share of the rate and may run up to 100 ms ahead of it.
    pub fn rate_limit(&self) -> (u64, u64) {
        match self.max_rate {
            None => (0, 0),
            Some(pps) => {
                let cpus = aya::util::nr_cpus().map(|n| n as u64).unwrap_or(1).max(1);
                let interval = (1_000_000_000u64.saturating_mul(cpus) / pps.max(1)).max(1);
                (interval, 100_000_000)
            }
        }
    }
}

impl LoadOptions {
    /// Pending bytes at which the kernel wakes the reader: half the ring, so a flood costs
    /// few wakeups (each is 45-150 us of the reader's CPU on this kind of VM, an epoll wait and
    /// its wakeup), while a timer drains the ring when traffic is light. A quarter capped at
    /// 256 KiB woke the reader 4x as often: 0.073 against 0.049 s of CPU per million flood
    /// packets, with no drops either way.
    pub fn wakeup_bytes(&self) -> u64 {
        u64::from(self.ring_bytes) / 2
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
    #[error("this kernel has no BPF ring buffer (needs 5.8): use --transport perf or auto")]
    NoRingBuf,
}

/// Creates the maps of the chosen object. Programs are loaded by [`super::attach`].
pub fn load(opts: &LoadOptions) -> Result<Ebpf, LoadError> {
    let wakeup = opts.wakeup_bytes();
    let log = u8::from(opts.log);
    let filter = u8::from(opts.filter);
    let headers = u8::from(opts.headers_only);
    let (interval, burst) = opts.rate_limit();
    let owner_on = u8::from(opts.owner_on);
    let at_least = |major, minor| {
        aya::util::KernelVersion::current()
            .is_ok_and(|v| v >= aya::util::KernelVersion::new(major, minor, 0))
    };
    // bpf_get_netns_cookie in sockops programs: 5.15 (the listener-by-namespace table).
    let netns_ok = u8::from(at_least(5, 15));
    // The current task's helpers in sockops programs: 6.10.
    let ops_current = u8::from(at_least(6, 10));
    // The per-CPU cache of lookups from headers: 6.18's verifier accepts the programs with
    // it (230 k verified instructions for `--context udp`'s emit program, 81 k without),
    // 6.1's stops at its million; kernels in between were not tried, so they look every
    // packet up in the tables.
    let owner_cache = u8::from(at_least(6, 18));
    let mut loader = EbpfLoader::new();
    // The object needs no CO-RE relocation: drop the kernel BTF aya 0.14's `new()` parsed
    // (several MiB) before the object is parsed and loaded, so the two never add up.
    loader
        .btf(None)
        .override_global(names::SNAPLEN, &opts.snaplen, true)
        .override_global(names::DIRECTIONS, &opts.directions, true)
        .override_global(names::WAKEUP_BYTES, &wakeup, true)
        .override_global(names::LOG_ENABLED, &log, true)
        .override_global(names::FILTER_ON, &filter, true)
        .override_global(names::HEADERS_ONLY, &headers, true)
        .override_global(names::SAMPLE_N, &opts.sample, true)
        .override_global(owner_names::OWNER_ON, &owner_on, true)
        .override_global(owner_names::OWNER_FILTER, &opts.owner_filter, true)
        .override_global(owner_names::OWNER_PNAME, &opts.owner_pname, true)
        .override_global(owner_names::OWNER_NETNS_OK, &netns_ok, true)
        .override_global(owner_names::OWNER_OPS_CURRENT, &ops_current, true)
        .override_global(owner_names::OWNER_CACHE_ON, &owner_cache, true)
        .override_global(names::RATE_INTERVAL_NS, &interval, true)
        .override_global(names::RATE_BURST_NS, &burst, true);
    let offsets = opts.netns.unwrap_or(super::btf::NetnsOffsets {
        skb_dev: 0,
        dev_net: 0,
        net_cookie: 0,
    });
    let tag = u8::from(opts.netns.is_some());
    let iface_stats = u8::from(opts.iface_stats);
    loader
        .override_global(names::NETNS_TAG, &tag, true)
        .override_global(names::SKB_DEV_OFFSET, &offsets.skb_dev, true)
        .override_global(names::DEV_NET_OFFSET, &offsets.dev_net, true)
        .override_global(names::NET_COOKIE_OFFSET, &offsets.net_cookie, true)
        .override_global(names::IFACE_STATS, &iface_stats, true);
    // One counters slot per possible CPU.
    let cpus = aya::util::nr_cpus()
        .map(|n| n as u32)
        .unwrap_or(netdump_common::MAX_CPUS)
        .clamp(1, netdump_common::MAX_CPUS);
    loader.map_max_entries(names::COUNTERS, cpus);
    // A cache entry per CPU where the cache is on (objects without attribution have no such
    // map, and the loader ignores the name).
    let caches = if owner_cache != 0 { cpus } else { 1 };
    loader.map_max_entries(owner_names::OWNER_CACHE, caches);
    // Per-interface slots for each CPU, or the one entry a map must have.
    let iface_entries = if opts.iface_stats {
        cpus * netdump_common::IFACE_SLOTS
    } else {
        1
    };
    loader.map_max_entries(names::IFACE_COUNTERS, iface_entries);
    // The array by ifindex serves a one-namespace capture.
    let by_index = if opts.iface_stats && opts.netns.is_none() {
        netdump_common::IFACE_INDEXES
    } else {
        1
    };
    loader.map_max_entries(names::IFACE_SLOT_BY_INDEX, by_index);
    if let Some(layout) = &opts.drops {
        loader.override_global(names::DROP_LAYOUT, layout, true);
        // A row of per-reason counters for each CPU.
        loader.map_max_entries(names::DROP_REASONS, cpus * REASON_SLOTS);
    }
    shrink_unused_owner_maps(&mut loader, opts.owner_on, opts.owner_filter);
    if !opts.log {
        // aya-log's ring (the ring object only): the smallest a ring can be when nothing logs.
        loader.map_max_entries("AYA_LOGS", crate::sys::mmap::page_size() as u32);
    }
    let object = match (opts.transport, opts.owner_on) {
        (Transport::Ring, owner) => {
            loader.map_max_entries(names::EVENTS, opts.ring_bytes);
            if owner {
                RING_OWNER_OBJECT
            } else {
                RING_OBJECT
            }
        }
        (Transport::Perf, false) => PERF_OBJECT,
        (Transport::Perf, true) => PERF_OWNER_OBJECT,
    };
    loader.load(object).map_err(|source| LoadError::Object {
        transport: opts.transport.describe(),
        source,
    })
}

/// Gives the attribution maps a capture will not use one entry: LRU hashes and plain hashes
/// are preallocated, so at their full sizes they would hold about 33 MB of kernel memory for
/// every capture, `--context` or not. The programs never touch them then (the `OWNER_ON` and
/// `OWNER_FILTER` globals are constants to the verifier).
fn shrink_unused_owner_maps(loader: &mut EbpfLoader<'_>, owner_on: bool, filter: u8) {
    use netdump_common::owner::owner_filter as f;
    let unused: &[(&str, bool)] = &[
        (owner_names::OWNER_SOCKS, !owner_on),
        (owner_names::OWNER_FLOWS, !owner_on),
        (owner_names::OWNER_PORTS, !owner_on),
        (owner_names::OWNER_LISTENERS, !owner_on),
        (owner_names::OWNER_SEEN, !owner_on),
        (owner_names::OWNER_PIDS, !owner_on || filter & f::PID == 0),
        (owner_names::OWNER_UIDS, !owner_on || filter & f::UID == 0),
        (
            owner_names::OWNER_CGROUPS,
            !owner_on || filter & f::CGROUP == 0,
        ),
    ];
    for &(name, shrink) in unused {
        if shrink {
            loader.map_max_entries(name, 1);
        }
    }
}
