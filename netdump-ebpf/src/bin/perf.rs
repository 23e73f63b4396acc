//! The perf-buffer object: netdump's programs writing into a BPF_MAP_TYPE_PERF_EVENT_ARRAY,
//! for kernels without a BPF ring buffer (< 5.8) and for `--transport perf`. Without
//! attribution; `perf_owner.rs` is the same object with it.
#![no_std]
#![no_main]

include!("object/perf.rs");
