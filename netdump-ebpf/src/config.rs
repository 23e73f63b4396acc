//! Settings userspace writes into `.rodata` before load (`EbpfLoader::override_global`).
//!
//! The verifier treats these as constants, so a disabled feature costs no instructions.
//! Anything that must change while programs run belongs in a map instead.

use aya_ebpf::Global;
use netdump_common::{direction, DEFAULT_SNAPLEN};

/// Packet bytes to copy per sample, at most [`netdump_common::MAX_SNAPLEN`].
#[unsafe(no_mangle)]
pub static SNAPLEN: Global<u32> = Global::new(DEFAULT_SNAPLEN);

/// Directions to capture: [`direction`] bits (`-Q`).
#[unsafe(no_mangle)]
pub static DIRECTIONS: Global<u8> = Global::new(direction::INGRESS | direction::EGRESS);

/// Wake the ring reader only once this many bytes are pending; a userspace timer drains
/// the rest.
#[unsafe(no_mangle)]
pub static WAKEUP_BYTES: Global<u64> = Global::new(0);

/// Non-zero: emit aya-log debug messages (`--bpf-log`).
#[unsafe(no_mangle)]
pub static LOG_ENABLED: Global<u8> = Global::new(0);

/// Non-zero: a translated filter is loaded; entries tail-call it instead of emitting.
#[unsafe(no_mangle)]
pub static FILTER_ON: Global<u8> = Global::new(0);

/// `--sample N`: keep one matched packet in N on each CPU; 0 and 1 keep all.
#[unsafe(no_mangle)]
pub static SAMPLE_N: Global<u32> = Global::new(0);

/// `--max-rate`: nanoseconds between captured packets on one CPU; 0 is no limit.
#[unsafe(no_mangle)]
pub static RATE_INTERVAL_NS: Global<u64> = Global::new(0);

/// `--max-rate`: how far ahead of schedule a CPU may run (the burst), in nanoseconds.
#[unsafe(no_mangle)]
pub static RATE_BURST_NS: Global<u64> = Global::new(0);

/// `-s headers`: copy the packet's L2-L4 headers only.
#[unsafe(no_mangle)]
pub static HEADERS_ONLY: Global<u8> = Global::new(0);

/// Non-zero: each sample carries the namespace cookie of its interface (`--netns all`).
#[unsafe(no_mangle)]
pub static NETNS_TAG: Global<u8> = Global::new(0);

/// `offsetof(struct sk_buff, dev)` in the running kernel (from its BTF).
#[unsafe(no_mangle)]
pub static SKB_DEV_OFFSET: Global<u32> = Global::new(0);

/// `offsetof(struct net_device, nd_net)` (whose first member is the `struct net *`).
#[unsafe(no_mangle)]
pub static DEV_NET_OFFSET: Global<u32> = Global::new(0);

/// `offsetof(struct net, net_cookie)`.
#[unsafe(no_mangle)]
pub static NET_COOKIE_OFFSET: Global<u32> = Global::new(0);

/// Non-zero: count packets per interface as well (a capture on several interfaces).
#[unsafe(no_mangle)]
pub static IFACE_STATS: Global<u8> = Global::new(0);
