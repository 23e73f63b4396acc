//! The few places netdump talks to libc directly, each behind a safe function.
//!
//! Everything else in the crate calls these wrappers; `unsafe` outside this folder is limited
//! to aya's own unsafe APIs and reading the kernel's `#[repr(C)]` records.

pub mod time;
