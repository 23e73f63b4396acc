//! The perf-buffer object: netdump's programs writing into a BPF_MAP_TYPE_PERF_EVENT_ARRAY,
//! for kernels without a BPF ring buffer (< 5.8) and for `--transport perf`.
#![no_std]
#![no_main]

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
