//! The records and settings that netdump's kernel programs and its userspace both read.
//!
//! Every type here is `#[repr(C)]` with explicit padding, and its size is pinned by a
//! compile-time assertion, so the two sides can never disagree on a layout.
#![no_std]

/// Which hook produced a sample.
pub mod hook {
    /// The TC classifier (TCX link or clsact filter).
    pub const TC: u8 = 1;
    /// The socket filter on the AF_PACKET tap (`ptype_all`).
    pub const SOCKET: u8 = 2;
}

/// Which way a packet was going when a hook saw it.
pub mod direction {
    /// Received by the interface.
    pub const INGRESS: u8 = 1;
    /// Sent by the interface.
    pub const EGRESS: u8 = 2;
}

/// `skb->pkt_type` values (`PACKET_*` in linux/if_packet.h), as [`SampleHeader::pkt_type`]
/// carries them.
pub mod pkt_type {
    /// To us.
    pub const HOST: u8 = 0;
    /// To all.
    pub const BROADCAST: u8 = 1;
    /// To a group.
    pub const MULTICAST: u8 = 2;
    /// To someone else (promiscuous).
    pub const OTHERHOST: u8 = 3;
    /// Sent by us (the AF_PACKET tap in dev_queue_xmit_nit).
    pub const OUTGOING: u8 = 4;
}

/// Bits of [`SampleHeader::flags`].
pub mod sample_flags {
    /// The kernel had moved an 802.1Q/802.1ad tag into skb metadata;
    /// [`SampleHeader::vlan_tci`](super::SampleHeader::vlan_tci) and
    /// [`SampleHeader::vlan_proto`](super::SampleHeader::vlan_proto) hold it and the copied bytes
    /// lack it.
    pub const VLAN_OFFLOADED: u8 = 1;
}

/// Snapshot length used when `-s` is not given: a full Ethernet frame plus one 802.1Q tag.
pub const DEFAULT_SNAPLEN: u32 = 1518;

/// The largest number of packet bytes a sample can carry: a 9000-byte jumbo frame with its
/// Ethernet header and two VLAN tags fits.
pub const MAX_SNAPLEN: u32 = 9216;

/// Sizes of packet data a ring-buffer record can carry. `bpf_ringbuf_reserve` needs a size the
/// verifier knows, so the kernel picks the smallest class that holds the bytes it copies: a
/// 60-byte packet costs a 64-byte data area, not [`MAX_SNAPLEN`].
pub const DATA_CLASSES: [u32; 9] = [64, 128, 256, 512, 1024, 1536, 2048, 4096, MAX_SNAPLEN];

/// What the kernel writes in front of the packet bytes of every sample.
///
/// In the ring buffer a record is this header followed by a data area of one of the
/// [`DATA_CLASSES`]; in the perf buffer, this header followed by exactly `cap_len` bytes.
/// Either way the packet bytes start at `size_of::<SampleHeader>()` and `cap_len` says how
/// many are valid.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SampleHeader {
    /// `bpf_ktime_get_ns()`: CLOCK_MONOTONIC nanoseconds.
    pub ts_ns: u64,
    /// The network namespace of the interface the packet crossed, as its cookie
    /// (`net->net_cookie`, what `SO_NETNS_COOKIE` reports); 0 when the capture runs in one
    /// namespace and does not ask (interface indexes repeat across namespaces: every one
    /// has `lo` = 1).
    pub netns: u64,
    /// The interface the packet crossed (an index of its namespace).
    pub ifindex: u32,
    /// `skb->len`: the packet's length on the wire (less an offloaded VLAN tag).
    pub orig_len: u32,
    /// How many packet bytes follow the header.
    pub cap_len: u32,
    /// `skb->protocol`, in host byte order.
    pub protocol: u16,
    /// The offloaded VLAN TCI, valid with [`sample_flags::VLAN_OFFLOADED`].
    pub vlan_tci: u16,
    /// The offloaded VLAN TPID (0x8100 or 0x88a8), host byte order.
    pub vlan_proto: u16,
    /// One of the [`hook`] constants.
    pub hook: u8,
    /// One of the [`direction`] constants.
    pub direction: u8,
    /// [`sample_flags`] bits.
    pub flags: u8,
    /// `skb->pkt_type` (PACKET_HOST, _BROADCAST, _MULTICAST, _OTHERHOST, _OUTGOING).
    pub pkt_type: u8,
    pub _pad: [u8; 2],
}

const _: () = assert!(core::mem::size_of::<SampleHeader>() == 40);

/// Per-CPU packet counters kept by the kernel programs; userspace sums them over CPUs.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Packets a hook ran on.
    pub seen: u64,
    /// Packets that passed the direction selection (`-Q`): tcpdump's "received by filter".
    pub matched: u64,
    /// Samples written to the ring or perf buffer.
    pub captured: u64,
    /// Samples lost because the ring or perf buffer was full.
    pub dropped: u64,
    /// Matched packets skipped by `--sample N`.
    pub sampled_out: u64,
    /// Matched packets over `--max-rate`.
    pub rate_limited: u64,
}

const _: () = assert!(core::mem::size_of::<Counters>() == 48);

/// One CPU's [`Counters`] in the COUNTERS array, padded to a cache line so that CPUs do not
/// share one. The array is mmap-able: userspace reads it without bpf(2), so it can after
/// dropping its privileges.
#[repr(C, align(64))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuCounters {
    pub c: Counters,
    pub _pad: [u64; 2],
}

const _: () = assert!(core::mem::size_of::<CpuCounters>() == 64);

/// Slots in the COUNTERS array: CPU numbers must stay below this (userspace sizes the array
/// to the possible CPUs at load).
pub const MAX_CPUS: u32 = 1024;

/// Which interface a per-interface counter slot belongs to: the `IFACE_SLOT` map's key.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IfaceKey {
    /// As [`SampleHeader::netns`]: the namespace cookie, or 0 in a one-namespace capture.
    pub netns: u64,
    pub ifindex: u32,
    pub _pad: u32,
}

const _: () = assert!(core::mem::size_of::<IfaceKey>() == 16);

/// One interface's counters on one CPU (an entry of the `IFACE_COUNTERS` array): what the
/// exit lines and `--stats` report per interface when a capture has several.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IfaceCounters {
    /// As [`Counters::matched`].
    pub matched: u64,
    /// As [`Counters::captured`].
    pub captured: u64,
    /// As [`Counters::dropped`].
    pub dropped: u64,
    pub _pad: u64,
}

const _: () = assert!(core::mem::size_of::<IfaceCounters>() == 32);

impl IfaceCounters {
    /// Adds `other` field by field.
    pub fn add(&mut self, other: &IfaceCounters) {
        self.matched += other.matched;
        self.captured += other.captured;
        self.dropped += other.dropped;
    }

    /// `self` less `base` (a slot's counts since it was given to its interface).
    pub fn since(&self, base: &IfaceCounters) -> IfaceCounters {
        IfaceCounters {
            matched: self.matched.wrapping_sub(base.matched),
            captured: self.captured.wrapping_sub(base.captured),
            dropped: self.dropped.wrapping_sub(base.dropped),
            _pad: 0,
        }
    }
}

/// Interfaces counted one by one at a time. `IFACE_COUNTERS` holds this many slots per CPU
/// (CPU-major, so one CPU's slots share its cache lines); slots of deleted interfaces are
/// given to new ones.
pub const IFACE_SLOTS: u32 = 256;

/// Interface indexes below this find their slot in `IFACE_SLOT_BY_INDEX` (an array lookup
/// the verifier inlines) when the capture runs in one namespace; others, and every
/// interface with `--netns all`, in the `IFACE_SLOT` hash.
pub const IFACE_INDEXES: u32 = 1 << 16;

/// Per-CPU state of the production-safety knobs (sampling, rate limit).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Knobs {
    /// Matched packets seen by `--sample` on this CPU.
    pub sample_count: u64,
    /// Theoretical arrival time of the next packet under `--max-rate` (GCRA), ns.
    pub rate_tat_ns: u64,
}

const _: () = assert!(core::mem::size_of::<Knobs>() == 16);

impl Counters {
    /// Adds `other` field by field (summing the per-CPU values).
    pub fn add(&mut self, other: &Counters) {
        self.seen += other.seen;
        self.matched += other.matched;
        self.captured += other.captured;
        self.dropped += other.dropped;
        self.sampled_out += other.sampled_out;
        self.rate_limited += other.rate_limited;
    }
}

/// Names of the maps and globals in the BPF object, used by both sides.
pub mod names {
    /// The BPF_MAP_TYPE_RINGBUF (ring object) or BPF_MAP_TYPE_PERF_EVENT_ARRAY (perf object).
    pub const EVENTS: &str = "EVENTS";
    /// The [`CpuCounters`](super::CpuCounters) array, one slot per possible CPU, mmap-able.
    pub const COUNTERS: &str = "COUNTERS";
    /// Snapshot length, a `u32` global.
    pub const SNAPLEN: &str = "SNAPLEN";
    /// Direction bitmask, a `u8` global of [`direction`](super::direction) bits.
    pub const DIRECTIONS: &str = "DIRECTIONS";
    /// Pending ring-buffer bytes at which the reader is woken, a `u64` global.
    pub const WAKEUP_BYTES: &str = "WAKEUP_BYTES";
    /// Non-zero enables aya-log messages, a `u8` global.
    pub const LOG_ENABLED: &str = "LOG_ENABLED";
    /// Program names; the netdump prefix lets a later run recognise its own stale
    /// netlink filters.
    pub const PROG_TC_INGRESS: &str = "netdump_tc_ingress";
    pub const PROG_TC_EGRESS: &str = "netdump_tc_egress";
    pub const PROG_SOCKET: &str = "netdump_socket";
    /// The TC entries for L3 devices (tun, tunnels: no Ethernet header), whose translated
    /// filters (compiled for raw IP) sit at their own program-array slots.
    pub const PROG_TC_INGRESS_L3: &str = "netdump_tc_ingress_l3";
    pub const PROG_TC_EGRESS_L3: &str = "netdump_tc_egress_l3";
    /// Emitters, tail-called by a translated filter on a match.
    pub const PROG_TC_INGRESS_EMIT: &str = "netdump_tc_ingress_emit";
    pub const PROG_TC_EGRESS_EMIT: &str = "netdump_tc_egress_emit";
    pub const PROG_SOCKET_EMIT: &str = "netdump_socket_emit";
    /// `--sample N`: capture one matched packet in N per CPU (0 or 1: all), a `u32` global.
    pub const SAMPLE_N: &str = "SAMPLE_N";
    /// `--max-rate`: nanoseconds between captured packets per CPU (0: no limit), a `u64`.
    pub const RATE_INTERVAL_NS: &str = "RATE_INTERVAL_NS";
    /// `--max-rate`: the burst the rate limit tolerates, in nanoseconds of credit, a `u64`.
    pub const RATE_BURST_NS: &str = "RATE_BURST_NS";
    /// `-s headers`: copy only the L2-L4 headers, a `u8` global.
    pub const HEADERS_ONLY: &str = "HEADERS_ONLY";
    /// Non-zero: samples carry their interface's namespace cookie, a `u8` global.
    pub const NETNS_TAG: &str = "NETNS_TAG";
    /// Byte offsets the namespace cookie is read through (`skb->dev`, `dev->nd_net.net`,
    /// `net->net_cookie`), `u32` globals taken from the running kernel's BTF.
    pub const SKB_DEV_OFFSET: &str = "SKB_DEV_OFFSET";
    pub const DEV_NET_OFFSET: &str = "DEV_NET_OFFSET";
    pub const NET_COOKIE_OFFSET: &str = "NET_COOKIE_OFFSET";
    /// Non-zero: count matched, captured and dropped packets per interface, a `u8` global.
    pub const IFACE_STATS: &str = "IFACE_STATS";
    /// BPF_MAP_TYPE_HASH from [`IfaceKey`](super::IfaceKey) to a slot of `IFACE_COUNTERS`,
    /// filled by userspace as it attaches.
    pub const IFACE_SLOT: &str = "IFACE_SLOT";
    /// BPF_MAP_TYPE_ARRAY of `u32` by ifindex: the slot plus one (0: none), in a capture in
    /// one namespace.
    pub const IFACE_SLOT_BY_INDEX: &str = "IFACE_SLOT_BY_INDEX";
    /// The [`IfaceCounters`](super::IfaceCounters) array: `IFACE_SLOTS` per CPU,
    /// mmap-able.
    pub const IFACE_COUNTERS: &str = "IFACE_COUNTERS";
    /// Non-zero when a filter is loaded, a `u8` global.
    pub const FILTER_ON: &str = "FILTER_ON";
    /// Program arrays: translated filters and the emitters they call (see netdump-ebpf).
    pub const TC_FILTERS: &str = "TC_FILTERS";
    pub const SOCK_FILTERS: &str = "SOCK_FILTERS";
    pub const TC_EMITTERS: &str = "TC_EMITTERS";
    pub const SOCK_EMITTERS: &str = "SOCK_EMITTERS";
    /// `TC_FILTERS`/`TC_EMITTERS` slots: Ethernet ingress and egress, then raw IP (L3 devices)
    /// ingress and egress.
    pub const SLOT_INGRESS: u32 = 0;
    pub const SLOT_EGRESS: u32 = 1;
    pub const SLOT_L3_INGRESS: u32 = 2;
    pub const SLOT_L3_EGRESS: u32 = 3;
}

#[cfg(feature = "user")]
mod user {
    // Each: plain-old-data, repr(C), no implicit padding (sizes asserted above).
    // SAFETY: as above.
    unsafe impl aya::Pod for super::Counters {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::SampleHeader {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::Knobs {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::CpuCounters {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::IfaceKey {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::IfaceCounters {}
}
