//! Attribution records: who owns the socket a packet belongs to, as the kernel records it in
//! process context (socket creation, bind, listen, connect, send) and looks it up per packet.

/// The owner of a socket, as recorded in the kernel when the owning process acted on it, and
/// as carried by a sample after its [`SampleHeader`](crate::SampleHeader) when attribution is
/// on ([`sample_flags::OWNER`](crate::sample_flags::OWNER)).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OwnerInfo {
    /// Process id (the kernel's tgid).
    pub tgid: u32,
    /// Thread id (the kernel's pid) of the thread that acted; the tgid for sockets found at
    /// start-up.
    pub tid: u32,
    /// The thread's real uid.
    pub uid: u32,
    /// [`owner_flags`] bits; without [`owner_flags::KNOWN`] every other field is zero.
    pub flags: u32,
    /// The thread's cgroup v2 id (the cgroup directory's inode number).
    pub cgroup: u64,
    /// The thread's `comm` (its executable's file name, cut to 15 bytes), NUL-padded.
    pub comm: [u8; 16],
}

const _: () = assert!(core::mem::size_of::<OwnerInfo>() == 40);

/// What a sample with [`sample_flags::OWNER`](crate::sample_flags::OWNER) starts with: its
/// header, then the owner record; the packet bytes follow.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OwnedHeader {
    pub header: crate::SampleHeader,
    pub owner: OwnerInfo,
}

const _: () = assert!(
    core::mem::size_of::<OwnedHeader>()
        == core::mem::size_of::<crate::SampleHeader>() + core::mem::size_of::<OwnerInfo>()
);

/// Bits of [`OwnerInfo::flags`].
pub mod owner_flags {
    /// The owner is known.
    pub const KNOWN: u32 = 1;
    /// Recorded by userspace at start-up from a socket that existed before the capture.
    pub const PREEXISTING: u32 = 2;
    /// How the packet found its owner (bits 8..16): one of the `VIA_*` values.
    pub const VIA_SHIFT: u32 = 8;
    /// The sending socket of the skb (`bpf_get_socket_cookie`).
    pub const VIA_SOCKET: u32 = 1;
    /// The TCP flow's 4-tuple.
    pub const VIA_FLOW: u32 = 2;
    /// The protocol's local port (UDP, a TCP listener) or the ICMP echo id (ping sockets).
    pub const VIA_PORT: u32 = 3;
    /// Kernel-internal, never in a sample userspace reads: the lookup waits until the packet's
    /// bytes are in the ring record (`cgroup` holds the skb's socket cookie meanwhile).
    pub const PENDING: u32 = 1 << 31;
}

/// A value of the owner maps: the owner, the socket it was recorded for, and when that
/// socket was released (0 while open). Released entries stay for a grace period, so packets
/// still queued (a veth's backlog, a FIN after close) find them; userspace deletes them after.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OwnerEntry {
    pub owner: OwnerInfo,
    /// `bpf_get_socket_cookie` of the socket.
    pub cookie: u64,
    /// CLOCK_MONOTONIC ns of the socket's release, 0 while it is open.
    pub closed_ns: u64,
}

const _: () = assert!(core::mem::size_of::<OwnerEntry>() == 56);

impl OwnerEntry {
    /// Whether `new`, about to replace `self` under the same port key, makes the key
    /// ambiguous: `self` is another socket's, still open, and of another process (or already
    /// ambiguous). Two containers' servers on one UDP port, or their clients on one ephemeral
    /// port, share a key, since the port table has no namespace: such a key is kept with an
    /// unknown owner, so their packets go unattributed by port rather than to the last socket
    /// bound. (A process's own sockets on one port, IPv4 and IPv6 or SO_REUSEPORT, share it.)
    #[inline(always)]
    pub fn conflicts_with(&self, new: &OwnerEntry) -> bool {
        self.cookie != new.cookie
            && self.closed_ns == 0
            && (self.owner.flags & owner_flags::KNOWN == 0 || self.owner.tgid != new.owner.tgid)
    }
}

/// A value of `OWNER_SOCKS`: the owner entry, and the port and flow keys recorded for the
/// socket, so its release can mark them too (`cgroup/sock_release` cannot read the socket's
/// addresses or ports).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SockEntry {
    pub entry: OwnerEntry,
    /// Valid when `port.proto` is not 0.
    pub port: PortKey,
    /// [`sock_flow`] bits: whether `flow` is valid, and who marks it closed.
    pub has_flow: u32,
    pub flow: FlowKey,
    /// Non-zero: the socket listens, recorded in `OWNER_LISTENERS` under this namespace
    /// cookie and `port.port`.
    pub listener_netns: u64,
}

const _: () = assert!(core::mem::size_of::<SockEntry>() == 112);

/// A TCP listener's local port (host byte order) in its network namespace (its cookie): the
/// key an accepted connection finds its listener's owner by, also when containers on one
/// host listen on the same port.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ListenerKey {
    pub netns: u64,
    pub port: u16,
    pub _pad: [u8; 6],
}

const _: () = assert!(core::mem::size_of::<ListenerKey>() == 16);

/// Bits of [`SockEntry::has_flow`].
pub mod sock_flow {
    /// `flow` is valid.
    pub const VALID: u32 = 1;
    /// The socket reports its TCP state changes (the sockops state callback is on for it):
    /// its flow entry is marked closed when the connection reaches CLOSE (after the last
    /// FIN/ACK exchange, also when that comes long after `close()`), not at release.
    pub const STATE_TRACKED: u32 = 2;
}

/// A TCP connection as seen from its local socket. IPv4 addresses use the first 4 bytes of
/// the address fields, the rest zero; ports in host byte order.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FlowKey {
    pub local: [u8; 16],
    pub remote: [u8; 16],
    pub local_port: u16,
    pub remote_port: u16,
    /// 4 or 6.
    pub version: u8,
    pub _pad: [u8; 3],
}

const _: () = assert!(core::mem::size_of::<FlowKey>() == 40);

/// A local port (host byte order) of one protocol: UDP, TCP (listeners), ICMP or ICMPv6
/// (ping sockets, whose echo id is their port).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PortKey {
    /// IPPROTO_TCP, _UDP, _ICMP or _ICMPV6.
    pub proto: u8,
    pub _pad: u8,
    pub port: u16,
}

const _: () = assert!(core::mem::size_of::<PortKey>() == 4);

/// Per-CPU attribution counters (the `OWNER_COUNTERS` array, one entry). Only what never
/// reaches userspace is counted here: captured packets with and without an owner are counted
/// where their records are read (a counter touched per packet cost the programs a cache line).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OwnerCounters {
    /// Packets the owner filter (`--pid`, `--pname`, `--uid`, `--cgroup`...) kept out.
    pub filtered: u64,
}

const _: () = assert!(core::mem::size_of::<OwnerCounters>() == 8);

impl OwnerCounters {
    /// Adds `other` field by field (summing the per-CPU values).
    pub fn add(&mut self, other: &OwnerCounters) {
        self.filtered += other.filtered;
    }
}

/// Bits of the `OWNER_FILTER` global: which owner selections a packet must pass (all of those
/// set). An unknown owner passes none.
pub mod owner_filter {
    /// The tgid is in `OWNER_PIDS`.
    pub const PID: u8 = 1;
    /// The uid is in `OWNER_UIDS`.
    pub const UID: u8 = 2;
    /// The comm equals the `OWNER_PNAME` global.
    pub const PNAME: u8 = 4;
    /// The cgroup id is in `OWNER_CGROUPS`.
    pub const CGROUP: u8 = 8;
}

/// Map sizes: LRU hashes, so a flood of sockets evicts the oldest rather than failing, and
/// released sockets are deleted after a grace period, so they stay far below this.
pub const OWNER_MAP_ENTRIES: u32 = 1 << 16;

/// The `OWNER_SEEN` map: one byte per (port, class), non-zero once an owner map may hold an
/// entry keyed by that port; a packet whose ports are all unseen skips the hash lookups (the
/// bytes live in an array map, whose lookups the verifier inlines). A port's bytes of every
/// class are one aligned 8-byte word (byte `class` of it), so a packet's lookup reads one word
/// per port. Class bytes are only ever set, by single-byte stores (kernel and userspace,
/// through its mmap), so no update is lost; a set byte whose entries are gone costs a lookup
/// that misses, as before. The word's top two bytes count the changes to the entries under the
/// port ([`CHANGE`](seen::CHANGE)).
pub mod seen {
    /// `OWNER_FLOWS` by the flow's local port.
    pub const FLOW: u32 = 0;
    /// `OWNER_PORTS` of TCP (listeners).
    pub const TCP: u32 = 1;
    pub const UDP: u32 = 2;
    pub const ICMP: u32 = 3;
    pub const ICMPV6: u32 = 4;
    pub const CLASSES: u32 = 5;
    /// Bytes per port: one word, room for every class.
    pub const WORD: u32 = 8;
    /// Bytes per map value.
    pub const LINE: u32 = 64;
    /// Map entries: 65,536 ports' words (512 KiB).
    pub const ENTRIES: u32 = 65536 * WORD / LINE;

    /// Added (atomically, to the whole word) after every change to the entries keyed by the
    /// port: each kernel insert under it (a flow by its local port, a port key), and each
    /// entry userspace's seed adds or its sweep deletes. What a CPU cached of a lookup under a
    /// packet's ports holds while both ports' words are unchanged.
    pub const CHANGE: u64 = 1 << 48;

    const _: () = assert!(CLASSES <= 6 && WORD == 8);

    /// The class of an `OWNER_PORTS` key's protocol.
    #[inline(always)]
    pub fn class_of(proto: u8) -> Option<u32> {
        match proto {
            6 => Some(TCP),
            17 => Some(UDP),
            1 => Some(ICMP),
            58 => Some(ICMPV6),
            _ => None,
        }
    }

    /// The map index and the byte within its value of `port` in `class` (class 0: where the
    /// port's word starts).
    #[inline(always)]
    pub fn slot(class: u32, port: u16) -> (u32, usize) {
        let per_line = LINE / WORD;
        (
            u32::from(port) / per_line,
            ((u32::from(port) % per_line) * WORD + class) as usize,
        )
    }

    /// The bits of a port's word that are `class`'s byte.
    #[inline(always)]
    pub const fn mask(class: u32) -> u64 {
        0xff << (class * 8)
    }
}

/// Entries of the selection maps (`--pid`, `--uid`, `--cgroup`/`--container`/`--pod`).
pub const OWNER_SELECT_ENTRIES: u32 = 4096;

/// Names of the attribution maps, programs and globals.
pub mod names {
    /// Socket cookie → [`SockEntry`](super::SockEntry).
    pub const OWNER_SOCKS: &str = "OWNER_SOCKS";
    /// [`FlowKey`](super::FlowKey) → [`OwnerEntry`](super::OwnerEntry) (TCP).
    pub const OWNER_FLOWS: &str = "OWNER_FLOWS";
    /// [`PortKey`](super::PortKey) → [`OwnerEntry`](super::OwnerEntry).
    pub const OWNER_PORTS: &str = "OWNER_PORTS";
    /// Selections: u32 tgid → u8, u32 uid → u8, u64 cgroup id → u8.
    pub const OWNER_PIDS: &str = "OWNER_PIDS";
    pub const OWNER_UIDS: &str = "OWNER_UIDS";
    pub const OWNER_CGROUPS: &str = "OWNER_CGROUPS";
    /// [`ListenerKey`](super::ListenerKey) → [`OwnerEntry`](super::OwnerEntry).
    pub const OWNER_LISTENERS: &str = "OWNER_LISTENERS";
    /// Non-zero (a `u8`): the kernel has `bpf_get_netns_cookie` for sockops programs (5.15),
    /// so listeners are also recorded by namespace.
    pub const OWNER_NETNS_OK: &str = "OWNER_NETNS_OK";
    pub const OWNER_OPS_CURRENT: &str = "OWNER_OPS_CURRENT";
    /// Non-zero (a `u8`): each CPU caches its last lookup from headers.
    pub const OWNER_CACHE_ON: &str = "OWNER_CACHE_ON";
    /// The kernel's per-CPU attribution caches, one entry per CPU (sized at load).
    pub const OWNER_CACHE: &str = "OWNER_CACHE";
    /// [`seen`](super::seen) bytes, `[u8; seen::LINE]` values, mmap-able.
    pub const OWNER_SEEN: &str = "OWNER_SEEN";
    /// Per-CPU [`OwnerCounters`](super::OwnerCounters), one entry.
    pub const OWNER_COUNTERS: &str = "OWNER_COUNTERS";
    /// Non-zero: look every captured packet's owner up and carry it in the sample, a `u8`.
    pub const OWNER_ON: &str = "OWNER_ON";
    /// [`owner_filter`](super::owner_filter) bits, a `u8`.
    pub const OWNER_FILTER: &str = "OWNER_FILTER";
    /// `--pname`: the comm to match, `[u8; 16]` NUL-padded.
    pub const OWNER_PNAME: &str = "OWNER_PNAME";
    /// The cgroup programs, attached at the cgroup v2 root.
    pub const PROG_SOCK_CREATE: &str = "netdump_owner_create";
    pub const PROG_SOCK_RELEASE: &str = "netdump_owner_release";
    pub const PROG_POST_BIND4: &str = "netdump_owner_bind4";
    pub const PROG_POST_BIND6: &str = "netdump_owner_bind6";
    pub const PROG_SOCKOPS: &str = "netdump_owner_sockops";
    /// `cgroup_skb/egress`: learns ports from sockets' first packets.
    pub const PROG_EGRESS: &str = "netdump_owner_egress";
}

#[cfg(feature = "user")]
mod user {
    // Each: plain-old-data, repr(C), no implicit padding (sizes asserted above).
    // SAFETY: as above.
    unsafe impl aya::Pod for super::OwnerInfo {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::OwnerEntry {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::SockEntry {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::FlowKey {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::PortKey {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::ListenerKey {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::OwnerCounters {}
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::seen;

    /// Every (port, class) has its own byte, a port's classes share one aligned word (the
    /// kernel reads it at once), and everything fits the map.
    #[test]
    fn seen_bytes_are_one_word_per_port() {
        let mut used = std::collections::HashSet::new();
        for port in [0u16, 1, 7, 8, 40000, 40001, 65535] {
            let (i0, b0) = seen::slot(0, port);
            assert_eq!(b0 % seen::WORD as usize, 0);
            for class in 0..seen::CLASSES {
                let (i, b) = seen::slot(class, port);
                assert_eq!(i, i0);
                assert_eq!(b, b0 + class as usize);
                assert!(i < seen::ENTRIES && b < seen::LINE as usize);
                assert!(used.insert((i, b)));
                // The word read little-endian: the class's byte is its mask.
                let mut word = [0u8; 8];
                word[b - b0] = 1;
                assert_ne!(u64::from_le_bytes(word) & seen::mask(class), 0);
                // The change count never touches a class byte.
                assert_eq!(seen::CHANGE.wrapping_mul(0xffff) & seen::mask(class), 0);
            }
        }
    }
}
