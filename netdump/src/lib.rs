//! netdump's userspace: a tcpdump for production Linux hosts, capturing with eBPF.
//!
//! The data's path, one module per stage: [`cli`] → [`iface`] / [`privilege`] → [`bpf`]
//! (load) → [`attach`] → [`reader`] → [`sample`] (bytes to records) → [`print`].
//! [`run`] strings them together. See ARCHITECTURE.md.

pub mod attach;
pub mod bpf;
pub mod cli;
pub mod clock;
pub mod decode;
pub mod filter;
pub mod iface;
pub mod netlink;
pub mod output;
pub mod packet;
pub mod print;
pub mod privilege;
pub mod reader;
pub mod ringbuf;
pub mod run;
pub mod sample;
pub mod savefile;
pub mod stats;
pub mod sys;
