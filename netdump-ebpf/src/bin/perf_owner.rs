//! The perf-buffer object with attribution: `perf.rs`'s programs with the owner lookup built
//! in, and the programs that record owners (see `owner.rs`).
#![no_std]
#![no_main]

include!("object/perf.rs");
