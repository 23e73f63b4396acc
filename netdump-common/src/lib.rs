//! The records and settings that netdump's kernel programs and its userspace both read.
//!
//! Every type here is `#[repr(C)]` with explicit padding, and its size is pinned by a
//! compile-time assertion, so the two sides can never disagree on a layout.
#![no_std]

pub mod owner;

/// Which hook produced a sample.
pub mod hook {
    /// The TC classifier (TCX link or clsact filter).
    pub const TC: u8 = 1;
    /// The socket filter on the AF_PACKET tap (`ptype_all`).
    pub const SOCKET: u8 = 2;
    /// A packet the kernel freed as dropped (`skb:kfree_skb`): a [`DropInfo`](super::DropInfo)
    /// follows the [`SampleHeader`](super::SampleHeader), and the direction is 0 (a drop
    /// has none).
    pub const DROP: u8 = 3;
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
    /// An [`OwnerInfo`](super::owner::OwnerInfo) follows the header (attribution on): the
    /// packet's owner, or an all-zero record without `KNOWN` when it has none.
    pub const OWNER: u8 = 2;
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

/// How a dropped packet's bytes start, in [`DropInfo::link`]: the kernel copies the frame
/// from its MAC header when the device is Ethernet-like and the header is there, else from
/// the network header (locally generated packets before their link header, L3 devices).
pub mod drop_link {
    /// An Ethernet header first.
    pub const ETHERNET: u8 = 1;
    /// The IPv4 or IPv6 header first (pcap's LINKTYPE_RAW).
    pub const RAW: u8 = 2;
}

/// What a [`hook::DROP`] sample carries between its [`SampleHeader`] and the packet bytes.
///
/// A separate record keeps the header of the TC and socket hooks as it is: their
/// records, and the code that reads them, are unchanged.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DropInfo {
    /// The tracepoint's `location`: the return address in the function that freed the packet.
    pub location: u64,
    /// `enum skb_drop_reason` (0 where the kernel has no reasons, before 5.17).
    pub reason: u32,
    /// One of the [`drop_link`] constants.
    pub link: u8,
    pub _pad: [u8; 3],
}

const _: () = assert!(core::mem::size_of::<DropInfo>() == 16);

/// The largest packet prefix the drop path copies for the filter to read: the translated
/// filter reads bytes from this per-CPU buffer, not from the packet. How much of it is
/// filled depends on how far the filter reads ([`DropLayout::window`]).
pub const DROP_WINDOW_MAX: u32 = MAX_SNAPLEN;

/// The per-CPU buffer the drop path fills once per drop: the sample's header and drop record,
/// then the first bytes of the frame for the filter (an offloaded VLAN tag re-inserted, as on
/// the wire), then where the frame is and the copy of the `sk_buff`'s fields.
///
/// `header`, `info` and `bytes` come first and in this order so that the perf object can send
/// a sample straight from here, after copying the packet into `bytes`. The translated filter
/// knows this layout through [`drop_scratch`]'s offsets.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DropScratch {
    pub header: SampleHeader,
    pub info: DropInfo,
    pub bytes: [u8; DROP_WINDOW_MAX as usize],
    /// Kernel address of the frame's first byte.
    pub start: u64,
    /// Bytes readable from `start` (the skb's linear part).
    pub avail: u32,
    /// The frame's length on the wire, with an offloaded VLAN tag (the filter's `len`).
    pub wire_len: u32,
    /// Valid bytes in `bytes`.
    pub copied: u32,
    pub _pad: u32,
    /// The first [`DropLayout::skb_read`] bytes of the `sk_buff`.
    pub skb: [u8; SKB_READ_MAX as usize],
}

const _: () = assert!(
    core::mem::size_of::<DropScratch>()
        == core::mem::size_of::<SampleHeader>()
            + 16
            + DROP_WINDOW_MAX as usize
            + 24
            + SKB_READ_MAX as usize
);

/// Offsets in [`DropScratch`] that the translated filter reads.
pub mod drop_scratch {
    use super::DropScratch;
    pub const WIRE_LEN: usize = core::mem::offset_of!(DropScratch, wire_len);
    pub const COPIED: usize = core::mem::offset_of!(DropScratch, copied);
    pub const BYTES: usize = core::mem::offset_of!(DropScratch, bytes);
}

/// Where the fields the drop path reads sit in this kernel's structures, in bytes, as
/// userspace found them in the running kernel's BTF (aya-ebpf has no CO-RE relocations, so
/// the offsets arrive as a `.rodata` constant the verifier folds).
///
/// `skb_*` offsets are into the copy of the first `skb_read` bytes of the `sk_buff`, which the
/// program reads once; the others are read one by one from their structures.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DropLayout {
    /// Bytes of `struct sk_buff` copied at once (every `skb_*` field lies within them).
    pub skb_read: u32,
    pub skb_dev: u32,
    pub skb_sk: u32,
    pub skb_len: u32,
    pub skb_head: u32,
    pub skb_data: u32,
    /// `sk_buff_data_t tail`: an offset from `head` (64-bit kernels).
    pub skb_tail: u32,
    pub skb_mac_header: u32,
    pub skb_network_header: u32,
    pub skb_protocol: u32,
    /// The byte holding the `pkt_type:3` bit-field, and the field's shift in it.
    pub skb_pkt_type: u32,
    pub pkt_type_shift: u32,
    pub skb_vlan_proto: u32,
    pub skb_vlan_tci: u32,
    /// The byte holding the `vlan_present` bit (kernels before 6.2), or [`NONE`](Self::NONE):
    /// then a tag is present when `vlan_proto`/`vlan_tci` are not both zero (`vlan_all`).
    pub skb_vlan_present: u32,
    pub vlan_present_mask: u32,
    pub dev_ifindex: u32,
    pub dev_type: u32,
    /// `dev->nd_net.net`, or [`NONE`](Self::NONE) without network namespaces.
    pub dev_net: u32,
    /// `sk->__sk_common.skc_net.net`, or [`NONE`](Self::NONE).
    pub sk_net: u32,
    /// `net->ns.inum`.
    pub net_inum: u32,
    /// The namespace netdump runs in (`/proc/self/ns/net`'s inode), 0 for any.
    pub netns: u32,
    /// Non-zero: the tracepoint passes a reason (5.17+).
    pub has_reason: u32,
    /// `SKB_CONSUMED` (6.3+, skipped like `SKB_NOT_DROPPED_YET`), or [`NONE`](Self::NONE).
    pub consumed: u32,
    /// Non-zero: drops on any interface of the namespace (and those without a device).
    pub any_iface: u32,
    /// Frame bytes copied for the filter (at most [`DROP_WINDOW_MAX`]).
    pub window: u32,
}

impl DropLayout {
    /// "Not in this kernel".
    pub const NONE: u32 = u32::MAX;
}

const _: () = assert!(core::mem::size_of::<DropLayout>() == 26 * 4);

/// The largest `sk_buff` prefix [`DropLayout::skb_read`] may ask for.
pub const SKB_READ_MAX: u32 = 256;

/// Drop counts per reason: one row of this many slots per CPU in the mmap-able DROP_REASONS
/// array. A reason at or above the last slot (subsystem reasons, or a kernel with that many)
/// is counted in the last one.
pub const REASON_SLOTS: u32 = 256;

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
    /// `--drops`: the raw tracepoint program on `skb:kfree_skb`, and the emitter its
    /// translated filter tail-calls.
    pub const PROG_DROP: &str = "netdump_drop";
    pub const PROG_DROP_EMIT: &str = "netdump_drop_emit";
    /// The tracepoint the drop program attaches to.
    pub const DROP_TRACEPOINT: &str = "kfree_skb";
    /// The [`DropLayout`](super::DropLayout) global.
    pub const DROP_LAYOUT: &str = "DROP_LAYOUT";
    /// The per-CPU [`DropScratch`](super::DropScratch) array (one entry).
    pub const DROP_SCRATCH: &str = "DROP_SCRATCH";
    /// The ifindexes `-i` selected (a hash of u32 to u8), unless any interface goes.
    pub const DROP_IFACES: &str = "DROP_IFACES";
    /// Per-CPU rows of [`REASON_SLOTS`](super::REASON_SLOTS) u64 counts, mmap-able.
    pub const DROP_REASONS: &str = "DROP_REASONS";
    /// The perf object's per-CPU buffer a drop sample is assembled in.
    pub const DROP_OUT: &str = "DROP_OUT";
    /// The drop path's program arrays: filters at [`SLOT_DROP_ETHERNET`] and
    /// [`SLOT_DROP_RAW`], the emitter at both.
    pub const DROP_FILTERS: &str = "DROP_FILTERS";
    pub const DROP_EMITTERS: &str = "DROP_EMITTERS";
    pub const SLOT_DROP_ETHERNET: u32 = 0;
    pub const SLOT_DROP_RAW: u32 = 1;
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
    // SAFETY: as above.
    unsafe impl aya::Pod for super::DropLayout {}
}
