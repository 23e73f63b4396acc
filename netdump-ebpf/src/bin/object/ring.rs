// The ring-buffer object's items, shared by `ring.rs` and `ring_owner.rs` (the features
// decide what the programs hold).

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
