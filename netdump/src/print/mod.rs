//! tcpdump-style text output: one line per packet (plus dump lines with `-x`/`-X`/`-A`).
//!
//! The [`Printer`] writes into any `impl Write`, so tests compare exact strings.

pub mod dissect;
pub mod hexdump;
pub mod time;

use std::io::{self, Write};

use crate::packet::{Direction, Packet};
pub use dissect::Options as DissectOptions;
pub use time::{TimeFormat, Timestamp};

/// Which payload dump follows each line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dump {
    #[default]
    None,
    /// `-x` (or `-xx` with `link` set).
    Hex { link: bool },
    /// `-X` / `-XX`.
    HexAscii { link: bool },
    /// `-A` (`-AA` with `link`).
    Ascii { link: bool },
}

/// Everything that shapes a printed line.
#[derive(Clone, Copy, Debug, Default)]
pub struct PrintOptions {
    pub dissect: DissectOptions,
    pub time: TimeFormat,
    pub dump: Dump,
    /// Print the interface and direction, as `tcpdump -i any` does.
    pub iface_prefix: bool,
    /// Say which hook saw the packet (when more than one hook runs).
    pub hook_tag: bool,
}

/// Turns packets into text lines.
pub struct Printer {
    opts: PrintOptions,
    clock: time::Clock,
    dissector: dissect::Dissector,
    line: String,
}

impl Printer {
    pub fn new(opts: PrintOptions) -> Printer {
        Printer {
            opts,
            clock: time::Clock::new(opts.time),
            dissector: dissect::Dissector::new(opts.dissect),
            line: String::with_capacity(256),
        }
    }

    /// Writes one packet's line(s) to `out`.
    pub fn print(&mut self, out: &mut impl Write, pkt: &Packet<'_>) -> io::Result<()> {
        self.line.clear();
        self.clock.write(&mut self.line, pkt.ts);
        if self.opts.iface_prefix {
            let dir = match pkt.direction {
                Direction::Egress => "Out",
                Direction::Ingress => match pkt.pkt_type {
                    1 => "B",
                    2 => "M",
                    3 => "P",
                    _ => "In",
                },
                Direction::Unknown => "",
            };
            use std::fmt::Write as _;
            let _ = write!(self.line, "{:<5} {dir:<3} ", pkt.ifname);
            if self.opts.hook_tag {
                let _ = write!(self.line, "[{}] ", pkt.hook.name());
            }
        }
        let info = self.dissector.frame(&mut self.line, pkt.data, pkt.orig_len);
        let link = info.link_len.min(pkt.data.len());
        // As tcpdump: nothing to dump past the link header, no dump (unless it includes it).
        let rest = &pkt.data[link..];
        match self.opts.dump {
            Dump::Hex { link: false } | Dump::HexAscii { link: false } | Dump::Ascii { link: false }
                if rest.is_empty() => {}
            Dump::None => {}
            Dump::Hex { link: all } => {
                hexdump::hex(&mut self.line, if all { pkt.data } else { &pkt.data[link..] })
            }
            Dump::HexAscii { link: all } => {
                hexdump::hex_ascii(&mut self.line, if all { pkt.data } else { &pkt.data[link..] })
            }
            Dump::Ascii { link: all } => {
                hexdump::ascii(&mut self.line, if all { pkt.data } else { &pkt.data[link..] })
            }
        }
        self.line.push('\n');
        out.write_all(self.line.as_bytes())
    }
}
