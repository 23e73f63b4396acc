//! netdump's kernel side: thin entry points per hook (`tc`, `socket`) over one shared capture
//! path ([`capture`]), the drop path on `skb:kfree_skb` ([`drops`]), writing samples through a
//! [`sink::Sink`] (ring buffer or perf buffer).
//!
//! The two binaries (`bin/ring.rs`, `bin/perf.rs`) differ only in their sink: a kernel
//! without BPF_MAP_TYPE_RINGBUF (< 5.8) cannot even create the ring map, so the perf variant
//! is a separate object rather than a runtime switch.
#![no_std]
// `atomic_xadd`: the BPF target has no `AtomicU64::fetch_add`, though the kernel has the
// instruction (BPF_ATOMIC add, `lock xadd`) since 3.18 (see `owner::mark_seen`).
#![cfg_attr(target_arch = "bpf", feature(core_intrinsics))]
#![cfg_attr(target_arch = "bpf", allow(internal_features))]

pub mod capture;
pub mod config;
pub mod drops;
pub mod filter;
pub mod helpers;
pub mod netns;
pub mod owner;
pub mod sink;

/// Defines the programs of one object over the sink type `$sink`: five entry points (one per
/// hook and direction, and TC's again for L3 devices), the drop path's raw tracepoint and,
/// for filtered captures, four emitters the translated filters tail-call on a match.
///
/// Every program returns the verdict that lets the packet go on unchanged: TC_ACT_UNSPEC
/// (which is also TCX_NEXT) for TC, and 0 for the socket filter, which on an AF_PACKET socket
/// means "queue nothing to this socket" and has no effect on the packet itself.
#[macro_export]
macro_rules! define_programs {
    ($sink:ty) => {
        use aya_ebpf::{
            bindings::TC_ACT_UNSPEC,
            macros::{classifier, raw_tracepoint, socket_filter},
            programs::{RawTracePointContext, SkBuffContext, TcContext},
        };
        use netdump_common::{direction, hook, pkt_type};

        use $crate::{capture, config, config::FILTER_ON, filter};

        /// A TC entry: with a filter, a tail call into the translated filter at `SLOT`
        /// before anything else, which counts the packet as seen itself (`counters_fd`):
        /// a packet the filter rejects then costs the filter alone. A constant slot makes the
        /// tail call a direct jump. Without a filter, or when the filter slot is empty, count
        /// and emit here.
        #[inline(always)]
        fn tc_entry<const SLOT: u32>(ctx: &TcContext, dir: u8) {
            if FILTER_ON.load() != 0 && config::DIRECTIONS.load() & dir != 0 {
                // SAFETY: on success control never returns; on failure we fall through.
                unsafe { filter::TC_FILTERS.tail_call(ctx, SLOT) };
                capture::enter(dir);
                return;
            }
            if capture::enter(dir) && FILTER_ON.load() == 0 {
                capture::emit::<$sink, _>(ctx, &ctx.skb, hook::TC, dir);
            }
        }

        #[classifier]
        #[inline(always)]
        pub fn netdump_tc_ingress(ctx: TcContext) -> i32 {
            tc_entry::<0>(&ctx, direction::INGRESS);
            TC_ACT_UNSPEC
        }

        #[classifier]
        #[inline(always)]
        pub fn netdump_tc_egress(ctx: TcContext) -> i32 {
            tc_entry::<1>(&ctx, direction::EGRESS);
            TC_ACT_UNSPEC
        }

        /// On L3 devices (tun, tunnels) the packet starts at the IP header: the same path,
        /// but a filter compiled for raw IP, at its own slots.
        #[classifier]
        #[inline(always)]
        pub fn netdump_tc_ingress_l3(ctx: TcContext) -> i32 {
            tc_entry::<2>(&ctx, direction::INGRESS);
            TC_ACT_UNSPEC
        }

        #[classifier]
        #[inline(always)]
        pub fn netdump_tc_egress_l3(ctx: TcContext) -> i32 {
            tc_entry::<3>(&ctx, direction::EGRESS);
            TC_ACT_UNSPEC
        }

        /// PACKET_OUTGOING: the tap in dev_queue_xmit_nit; anything else was received.
        #[inline(always)]
        fn socket_direction(ctx: &SkBuffContext) -> u8 {
            // SAFETY: the context the kernel passed; pkt_type is readable by socket filters.
            if unsafe { (*ctx.skb.skb).pkt_type } == u32::from(pkt_type::OUTGOING) {
                direction::EGRESS
            } else {
                direction::INGRESS
            }
        }

        #[socket_filter]
        #[inline(always)]
        pub fn netdump_socket(ctx: SkBuffContext) -> i64 {
            let dir = socket_direction(&ctx);
            if capture::enter(dir) {
                if FILTER_ON.load() != 0 {
                    // SAFETY: as above.
                    unsafe { filter::SOCK_FILTERS.tail_call(&ctx, 0) };
                } else {
                    capture::emit::<$sink, _>(&ctx, &ctx.skb, hook::SOCKET, dir);
                }
            }
            0
        }

        #[classifier]
        #[inline(always)]
        pub fn netdump_tc_ingress_emit(ctx: TcContext) -> i32 {
            capture::emit::<$sink, _>(&ctx, &ctx.skb, hook::TC, direction::INGRESS);
            TC_ACT_UNSPEC
        }

        #[classifier]
        #[inline(always)]
        pub fn netdump_tc_egress_emit(ctx: TcContext) -> i32 {
            capture::emit::<$sink, _>(&ctx, &ctx.skb, hook::TC, direction::EGRESS);
            TC_ACT_UNSPEC
        }

        #[socket_filter]
        #[inline(always)]
        pub fn netdump_socket_emit(ctx: SkBuffContext) -> i64 {
            let dir = socket_direction(&ctx);
            capture::emit::<$sink, _>(&ctx, &ctx.skb, hook::SOCKET, dir);
            0
        }

        /// `--drops`: every packet the kernel frees as dropped (`skb:kfree_skb`).
        #[raw_tracepoint(tracepoint = "kfree_skb")]
        pub fn netdump_drop(ctx: RawTracePointContext) -> i32 {
            $crate::drops::enter::<$sink>(&ctx);
            0
        }

        /// Tail-called by the drop path's translated filter on a match.
        #[raw_tracepoint(tracepoint = "kfree_skb")]
        pub fn netdump_drop_emit(ctx: RawTracePointContext) -> i32 {
            $crate::drops::emit_described::<$sink>(&ctx);
            0
        }

        #[cfg(feature = "owner")]
        $crate::define_owner_programs!();

        #[cfg(not(test))]
        #[panic_handler]
        fn panic(_info: &core::panic::PanicInfo) -> ! {
            loop {}
        }
    };
}
