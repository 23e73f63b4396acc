//! netdump's kernel side: thin entry points per hook (`tc`, `socket`) over one shared
//! [`capture::capture`], writing samples through a [`sink::Sink`] (ring buffer or perf buffer).
//!
//! The two binaries (`bin/ring.rs`, `bin/perf.rs`) differ only in their sink: a kernel
//! without BPF_MAP_TYPE_RINGBUF (< 5.8) cannot even create the ring map, so the perf variant
//! is a separate object rather than a runtime switch.
#![no_std]

pub mod capture;
pub mod config;
pub mod sink;

/// Defines the three programs of one object over the sink type `$sink`.
///
/// Every program returns the verdict that lets the packet go on unchanged: TC_ACT_UNSPEC
/// (which is also TCX_NEXT) for TC, and 0 for the socket filter, which on an AF_PACKET socket
/// means "queue nothing to this socket" and has no effect on the packet itself.
#[macro_export]
macro_rules! define_programs {
    ($sink:ty) => {
        use aya_ebpf::{
            bindings::TC_ACT_UNSPEC,
            macros::{classifier, socket_filter},
            programs::{SkBuffContext, TcContext},
        };
        use netdump_common::{direction, hook};

        #[classifier]
        pub fn netdump_tc_ingress(ctx: TcContext) -> i32 {
            $crate::capture::capture::<$sink, _>(&ctx, &ctx.skb, hook::TC, direction::INGRESS);
            TC_ACT_UNSPEC
        }

        #[classifier]
        pub fn netdump_tc_egress(ctx: TcContext) -> i32 {
            $crate::capture::capture::<$sink, _>(&ctx, &ctx.skb, hook::TC, direction::EGRESS);
            TC_ACT_UNSPEC
        }

        #[socket_filter]
        pub fn netdump_socket(ctx: SkBuffContext) -> i64 {
            // PACKET_OUTGOING: the tap in dev_queue_xmit_nit; anything else was received.
            // SAFETY: the context the kernel passed; pkt_type is readable by socket filters.
            let dir = if unsafe { (*ctx.skb.skb).pkt_type } == 4 {
                direction::EGRESS
            } else {
                direction::INGRESS
            };
            $crate::capture::capture::<$sink, _>(&ctx, &ctx.skb, hook::SOCKET, dir);
            0
        }

        #[cfg(not(test))]
        #[panic_handler]
        fn panic(_info: &core::panic::PanicInfo) -> ! {
            loop {}
        }
    };
}
