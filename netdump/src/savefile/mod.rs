//! Capture files: writing pcap and pcapng (`-w`, with tcpdump's rotation `-C`/`-W`/`-G`)
//! and reading them back (`-r`).
//!
//! Writing is on the pcap-file crate; this module adds what it lacks: rotation, flushing per
//! packet, the pcapng options netdump records (direction, hook). Reading is netdump's own
//! (`read.rs`), as lenient as libpcap.

mod name;
pub mod read;
pub mod sll2;
pub mod write;

use crate::packet::LinkType;
pub use read::{read_file, read_from, ReadError, Reader};
pub use write::{Saver, WriteError};

/// Which file format `-w` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pcap,
    PcapNg,
}

/// Timestamp resolution in written files (`--time-stamp-precision`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    Micro,
    Nano,
}

/// tcpdump's rotation: `-C` (millions of bytes), `-W` (file count), `-G` (seconds).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rotation {
    pub size_bytes: Option<u64>,
    pub count: Option<u32>,
    pub seconds: Option<u64>,
}

/// Everything `-w` needs.
#[derive(Clone, Debug)]
pub struct SaveOptions {
    /// File name (a strftime pattern with `-G`), or `-` for standard output.
    pub path: String,
    pub format: Format,
    pub precision: Precision,
    pub snaplen: u32,
    pub rotation: Rotation,
    /// Flush after every packet (`-U`).
    pub flush_each: bool,
    /// The link type of a pcap file's packets (pcapng gives each interface its own);
    /// LINUX_SLL2 rewrites every frame with a cooked header, as `tcpdump -i any -w` does.
    pub link_type: LinkType,
}
