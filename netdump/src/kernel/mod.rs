//! The kernel side of a live capture, seen from userspace: load netdump's BPF object
//! ([`load`]), attach its programs to an interface ([`attach`]), map its counters
//! ([`counters`]), and the rtnetlink request aya lacks ([`netlink`]).
//!
//! [`Options`] is everything this stage needs from the command line; the CLI fills it in.

pub mod attach;
pub mod btf;
pub mod counters;
pub mod load;
pub mod netlink;
pub mod owner_maps;

pub use attach::{AttachError, Attachment, DropPlan, Hooks, TcAttach, TcMode};
pub use counters::{CounterView, ReasonView};
pub use load::{LoadError, LoadOptions, Transport};
pub use owner_maps::OwnerOptions;

/// Which transport to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportChoice {
    /// The ring buffer where the kernel has one (5.8+), else the perf buffer.
    Auto,
    Ring,
    Perf,
}

/// What the kernel side of a capture is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    pub transport: TransportChoice,
    /// Bytes of each packet to copy.
    pub snaplen: u32,
    /// Ring buffer size in bytes (a power of two, at least a page).
    pub ring_bytes: u32,
    /// `netdump_common::direction` bits: which directions to capture (`-Q`).
    pub directions: u8,
    pub hooks: Hooks,
    pub tc_attach: TcAttach,
    /// Forward the programs' aya-log messages (`--bpf-log`).
    pub log: bool,
    /// `-s headers`: copy each packet's L2-L4 headers, no payload.
    pub headers_only: bool,
    /// `--sample N` (1: all).
    pub sample: u32,
    /// `--max-rate PPS`.
    pub max_rate: Option<u64>,
}

impl Options {
    /// The object's load-time settings, once the transport is resolved and it is known
    /// whether a filter sits between entries and emitters, whether samples must say their
    /// namespace (`netns`: where the kernel keeps it) and whether to count per interface.
    pub fn load_options(
        &self,
        transport: Transport,
        filter: bool,
        netns: Option<btf::NetnsOffsets>,
        iface_stats: bool,
    ) -> LoadOptions {
        LoadOptions {
            netns,
            iface_stats,
            transport,
            snaplen: self.snaplen,
            directions: self.directions,
            ring_bytes: self.ring_bytes,
            log: self.log,
            filter,
            headers_only: self.headers_only,
            sample: self.sample,
            max_rate: self.max_rate,
            drops: None,
            owner_on: false,
            owner_filter: 0,
            owner_pname: [0; 16],
        }
    }
}
