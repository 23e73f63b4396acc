//! netdump's userspace: a tcpdump for production Linux hosts, capturing with eBPF.
//!
//! The data's path, one folder per stage: [`cli`] (flags → each stage's options) →
//! [`netns`] / [`iface`] / [`privilege`] → [`kernel`] (load, attach, counters; [`drops`] for what the kernel
//! offers `--drops`) → [`ring`] (ring or perf
//! buffer → records → [`packet::Packet`]) → [`filter`] (only for `-r`; live filters run in
//! the kernel) → [`output`] → [`print`](mod@print) (tcpdump's text, JSON) and [`savefile`] (pcap,
//! pcapng). [`run`] strings them together; [`sys`] holds the libc calls. [`owner`] turns the
//! cgroup ids the kernel records into cgroup paths, containers and pods. See ARCHITECTURE.md.

pub mod cli;
pub mod decode;
pub mod drops;
pub mod filter;
pub mod iface;
pub mod kernel;
pub mod names;
pub mod netns;
pub mod output;
pub mod owner;
pub mod packet;
pub mod print;
pub mod privilege;
pub mod ring;
pub mod run;
pub mod savefile;
pub mod sys;
