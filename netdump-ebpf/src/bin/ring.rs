//! The ring-buffer object: netdump's programs writing into a BPF_MAP_TYPE_RINGBUF (5.8+).
//! Without attribution; `ring_owner.rs` is the same object with it.
#![no_std]
#![no_main]

include!("object/ring.rs");
