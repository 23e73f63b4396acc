//! The protocol text of one packet, in tcpdump's words (`tcpdump -n` as 4.99 prints), from
//! its decoded layers ([`crate::decode::Decoded`]).
//!
//! `decode/` says what the bytes are; this module says what tcpdump would say about them,
//! one file per protocol family. Anything cut short ends in tcpdump's `[|proto]`.

mod app;
mod cooked;
mod icmp;
mod icmpv6;
mod ip;
mod l2tp;
mod link;
mod names;
mod null;
mod ppp;
mod pptp;
mod tcp;
mod tunnel;
mod udp;

use std::fmt::Write as _;

use crate::decode::{Addrs, Decoded, IpInfo};

/// How much to say: the printing flags that change protocol text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// `-e`: print the link-level header.
    pub link_header: bool,
    /// `-v` count.
    pub verbose: u8,
    /// `-q`: less protocol information.
    pub quiet: bool,
    /// `-S`: absolute TCP sequence numbers.
    pub absolute_seq: bool,
    /// A `-x`/`-X`/`-A` dump follows: do not hex-dump unknown protocols in the line itself.
    pub suppress_default_print: bool,
}

/// The protocol printer. Keeps TCP sequence state between packets.
#[derive(Debug, Default)]
pub struct Dissector {
    opts: Options,
    tcp: tcp::SeqTable,
    /// Set when a printer ran off the captured bytes where tcpdump's GET_ macros would
    /// longjmp out: tcpdump then dumps (-x) from the frame's start, not past the link header.
    early_end: bool,
}

/// What [`Dissector::frame`] learnt about the frame, for the hex dumps.
pub struct FrameInfo {
    /// Length of the link-level header (Ethernet plus VLAN tags) within the captured bytes.
    pub link_len: usize,
}

impl Dissector {
    pub fn new(opts: Options) -> Dissector {
        Dissector {
            opts,
            tcp: tcp::SeqTable::default(),
            early_end: false,
        }
    }

    /// Appends the text for one decoded packet of `orig_len` bytes on the wire.
    pub fn frame(&mut self, out: &mut String, d: &Decoded<'_>, orig_len: u32) -> FrameInfo {
        self.early_end = false;
        self.link(out, d, orig_len);
        FrameInfo {
            link_len: if self.early_end { 0 } else { d.link_len },
        }
    }

    /// "IP ", "IP6 ": tcpdump leaves it out when -e already named the ethertype.
    fn proto_prefix(&self, out: &mut String, name: &str) {
        if !self.opts.link_header {
            let _ = write!(out, "{name} ");
        }
    }
}

/// A MAC address as tcpdump prints it.
fn mac(out: &mut String, m: &[u8]) {
    for (i, b) in m.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        let _ = write!(out, "{b:02x}");
    }
}

fn write_addrs(out: &mut String, addrs: &Addrs, ports: Option<(u16, u16)>) {
    let (s, d) = match addrs {
        Addrs::V4(s, d) => (s.to_string(), d.to_string()),
        Addrs::V6(s, d) => (s.to_string(), d.to_string()),
    };
    match ports {
        Some((sp, dp)) => {
            let _ = write!(out, "{s}.{sp} > {d}.{dp}: ");
        }
        None => {
            let _ = write!(out, "{s} > {d}: ");
        }
    }
}

/// The network-layer facts the transport printers need.
#[derive(Clone, Copy, Debug)]
struct Ip {
    info: IpInfo,
    /// The addresses were already printed (before IPv6 extension headers).
    addrs_printed: bool,
}

impl Ip {
    /// "src > dst: " or, with ports, "src.sport > dst.dport: "; after IPv6 extension headers
    /// only what has not been said yet.
    fn write_addrs(&self, out: &mut String, ports: Option<(u16, u16)>) {
        match (self.addrs_printed, ports) {
            (false, _) => write_addrs(out, &self.info.addrs, ports),
            (true, Some((sp, dp))) => {
                let _ = write!(out, "{sp} > {dp}: ");
            }
            (true, None) => {}
        }
    }

    /// For IPv4 only: tcpdump treats IPv4 and IPv6 checksums differently.
    fn v4(&self) -> bool {
        matches!(self.info.addrs, Addrs::V4(..))
    }
}

#[cfg(test)]
mod tests;
