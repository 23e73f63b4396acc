//! The ring-buffer object with attribution (`--context`, owner filters): `ring.rs`'s programs
//! with the owner lookup built in, and the programs that record owners (see `owner.rs`).
#![no_std]
#![no_main]

include!("object/ring.rs");
