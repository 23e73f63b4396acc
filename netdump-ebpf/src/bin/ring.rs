//! The ring-buffer object: netdump's programs writing into a BPF_MAP_TYPE_RINGBUF (5.8+).
#![no_std]
#![no_main]

use aya_ebpf::{macros::map, maps::RingBuf};
use netdump_ebpf::sink::{Ring, RingMap};

/// Sized by userspace at load (`-B`); this default is replaced.
#[map]
static EVENTS: RingBuf = RingBuf::with_byte_size(1 << 20, 0);

struct Events;

impl RingMap for Events {
    #[inline(always)]
    fn ring() -> &'static RingBuf {
        &EVENTS
    }
}

netdump_ebpf::define_programs!(Ring<Events>);
