// The perf-buffer object's items, shared by `perf.rs` and `perf_owner.rs` (the features
// decide what the programs hold).

use aya_ebpf::{macros::map, maps::PerfEventByteArray};
use netdump_ebpf::sink::{Perf, PerfMap};

#[map]
static EVENTS: PerfEventByteArray = PerfEventByteArray::new(0);

struct Events;

impl PerfMap for Events {
    #[inline(always)]
    fn perf() -> &'static PerfEventByteArray {
        &EVENTS
    }
}

netdump_ebpf::define_programs!(Perf<Events>);
