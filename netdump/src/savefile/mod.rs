//! Capture files: writing pcap and pcapng (`-w`, with tcpdump's rotation `-C`/`-W`/`-G`)
//! and reading them back (`-r`).
//!
//! The formats are the pcap-file crate's; this module adds what it lacks: rotation, flushing
//! per packet, the pcapng options netdump records (direction, hook), and pcapng timestamp
//! resolutions other than nanoseconds on read.

mod name;
pub mod read;
pub mod sll2;
pub mod write;

pub use read::{read_file, read_from, ReadError};
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
    pub link_type: crate::packet::LinkType,
}
