//! The protocol text of one packet, in tcpdump's words (`tcpdump -n` as 4.99 prints), from
//! its decoded layers ([`crate::decode::Decoded`]).
//!
//! `decode/` says what the bytes are; this module says what tcpdump would say about them,
//! one file per protocol family. Anything cut short ends in tcpdump's `[|proto]`.

mod aoe;
mod app;
mod arp;
mod babel;
mod bcm_li;
mod bfd;
mod bgp;
mod bootp;
mod cdp;
mod chars;
mod cooked;
mod dccp;
mod decnet;
mod dhcp6;
mod dns;
mod dtp;
mod eigrp;
mod fqdn;
mod geonet;
mod hncp;
mod hsrp;
mod http;
mod icmp;
mod icmpv6;
mod igmp;
mod ip;
mod ipopt;
mod ipsec;
mod ipv6;
mod isakmp;
mod isoclns;
mod l2tp;
mod link;
mod lisp;
mod llc;
mod lldp;
mod lmp;
mod loopback;
mod macsec;
mod message;
mod mptcp;
mod names;
mod ntp;
mod null;
mod openflow;
mod openflow13;
mod ospf;
mod payload;
mod pgm;
mod pim;
mod ppp;
mod pptp;
mod ptp;
mod radius;
mod resp;
mod rip;
mod rtp;
mod rx;
mod sflow;
mod slow;
mod snmp;
mod ssh;
mod stp;
mod syslog;
mod tcp;
mod tftp;
mod tunnel;
mod udld;
mod udp;
mod vrrp;
mod vtp;
mod walk;
mod zmtp1;

use std::{cell::Cell, fmt::Write as _};

use crate::{
    decode::{Addrs, Decoded, IpInfo},
    names::Names,
};

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
    /// `-T` chose the protocol of every UDP payload: tcpdump's udp_print then prints it
    /// before its checksum and length checks (and with `-q`). Set by [`crate::print::Printer`]
    /// from its decoding options.
    pub udp_forced: bool,
    /// `-T` named a type tcpdump's udp_print has no case for (`zmtp1`, `resp`, `carp`):
    /// it then prints nothing of a UDP datagram past its header checks.
    pub udp_silent: bool,
    /// Names for addresses and ports (no `-n`); None prints numbers.
    pub names: Option<&'static Names>,
}

thread_local! {
    /// The names in effect for the frame being printed, set by [`Dissector::frame`]: every
    /// printer's address helpers ([`mac`], [`write_addrs`]) honour `-n` through it, as
    /// tcpdump's do through its global options, without each printer's signature carrying
    /// them.
    static NAMES: Cell<Option<&'static Names>> = const { Cell::new(None) };
}

fn names() -> Option<&'static Names> {
    NAMES.with(Cell::get)
}

/// The protocol printer. Keeps TCP sequence state between packets.
#[derive(Debug, Default)]
pub struct Dissector {
    opts: Options,
    tcp: tcp::SeqTable,
    /// IKEv1 initiator cookies seen so far (tcpdump's `cookiecache`).
    isakmp_cookies: isakmp::Cookies,
    /// Set when a printer ran off the captured bytes where tcpdump's GET_ macros would
    /// longjmp out: tcpdump then dumps (-x) from the frame's start, not past the link header.
    early_end: bool,
    /// The AFS RX calls seen last, to name their replies' opcodes.
    rx_cache: rx::Cache,
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
            isakmp_cookies: isakmp::Cookies::default(),
            early_end: false,
            rx_cache: rx::Cache::default(),
        }
    }

    /// Appends the text for one decoded packet of `orig_len` bytes on the wire.
    pub fn frame(&mut self, out: &mut String, d: &Decoded<'_>, orig_len: u32) -> FrameInfo {
        self.early_end = false;
        NAMES.with(|n| n.set(self.opts.names));
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

/// A MAC address as tcpdump prints it (without `-n`: its /etc/ethers name, or with its
/// vendor).
fn mac(out: &mut String, m: &[u8]) {
    match names() {
        Some(n) => n.write_mac(out, m),
        None => link_addr(out, m),
    }
}

/// A link-layer address in hex, never named (tcpdump's `linkaddr_string` for addresses
/// that are not Ethernet's, such as ND options').
fn link_addr(out: &mut String, m: &[u8]) {
    for (i, b) in m.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        let _ = write!(out, "{b:02x}");
    }
}

/// Which table names a port (without `-n`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PortNames {
    Numeric,
    Tcp,
    Udp,
}

/// An address as tcpdump prints it: a host name without `-n` where one is known.
fn host(out: &mut String, addr: std::net::IpAddr) {
    match names() {
        Some(n) => n.write_host(out, addr),
        None => crate::names::write_addr(out, addr),
    }
}

/// An address printed with [`host`], for `write!` arguments.
#[derive(Clone, Copy, Debug)]
struct Host(std::net::IpAddr);

impl Host {
    /// 0.0.0.0 or ::.
    fn is_unspecified(&self) -> bool {
        self.0.is_unspecified()
    }
}

impl<T: Into<std::net::IpAddr>> From<T> for Host {
    fn from(a: T) -> Host {
        Host(a.into())
    }
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::new();
        host(&mut s, self.0);
        f.write_str(&s)
    }
}

/// A port printed with [`port`], for `write!` arguments.
#[derive(Clone, Copy, Debug)]
struct Port(u16, PortNames);

impl std::fmt::Display for Port {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::new();
        port(&mut s, self.0, self.1);
        f.write_str(&s)
    }
}

fn port(out: &mut String, p: u16, table: PortNames) {
    let name = names().and_then(|n| match table {
        PortNames::Tcp => n.tcp_port(p),
        PortNames::Udp => n.udp_port(p),
        PortNames::Numeric => None,
    });
    match name {
        Some(name) => out.push_str(name),
        None => {
            let _ = write!(out, "{p}");
        }
    }
}

/// An IP protocol tcpdump has no printer for: its name without `-n` (`udp`), else
/// `ip-proto-N`.
fn ip_proto_word(out: &mut String, proto: u8) {
    match names().and(crate::names::protocols::protocol(proto)) {
        Some(name) => out.push_str(name),
        None => {
            let _ = write!(out, "ip-proto-{proto}");
        }
    }
}

fn write_addrs(out: &mut String, addrs: &Addrs, ports: Option<(u16, u16)>) {
    write_addrs_named(out, addrs, ports, PortNames::Numeric);
}

fn write_addrs_named(out: &mut String, addrs: &Addrs, ports: Option<(u16, u16)>, table: PortNames) {
    let (s, d): (std::net::IpAddr, std::net::IpAddr) = match addrs {
        Addrs::V4(s, d) => ((*s).into(), (*d).into()),
        Addrs::V6(s, d) => ((*s).into(), (*d).into()),
    };
    host(out, s);
    if let Some((sp, _)) = ports {
        out.push('.');
        port(out, sp, table);
    }
    out.push_str(" > ");
    host(out, d);
    if let Some((_, dp)) = ports {
        out.push('.');
        port(out, dp, table);
    }
    out.push_str(": ");
}

/// The network-layer facts the transport printers need.
#[derive(Clone, Copy, Debug)]
struct Ip {
    info: IpInfo,
    /// The addresses were already printed (before IPv6 extension headers).
    addrs_printed: bool,
    /// IPv6 with a routing header: the final destination, which the transport checksum's
    /// pseudo-header carries (tcpdump's `ip6_finddst`).
    final_dst: Option<std::net::Ipv6Addr>,
    /// The IPv4 TTL or IPv6 hop limit (VRRP and CARP check it).
    ttl: u8,
}

impl Ip {
    /// "src > dst: " or, with ports, "src.sport > dst.dport: "; after IPv6 extension headers
    /// only what has not been said yet.
    fn write_addrs(&self, out: &mut String, ports: Option<(u16, u16)>) {
        self.write_addrs_named(out, ports, PortNames::Numeric);
    }

    /// [`Ip::write_addrs`] with TCP port names (without `-n`).
    fn write_tcp_addrs(&self, out: &mut String, ports: (u16, u16)) {
        self.write_addrs_named(out, Some(ports), PortNames::Tcp);
    }

    /// [`Ip::write_addrs`] with UDP port names (without `-n`).
    fn write_udp_addrs(&self, out: &mut String, ports: (u16, u16)) {
        self.write_addrs_named(out, Some(ports), PortNames::Udp);
    }

    fn write_addrs_named(&self, out: &mut String, ports: Option<(u16, u16)>, table: PortNames) {
        match (self.addrs_printed, ports) {
            (false, _) => write_addrs_named(out, &self.info.addrs, ports, table),
            (true, Some((sp, dp))) => {
                port(out, sp, table);
                out.push_str(" > ");
                port(out, dp, table);
                out.push_str(": ");
            }
            (true, None) => {}
        }
    }

    /// The addresses of the transport checksum's pseudo-header.
    fn cksum_addrs(&self) -> Addrs {
        match (self.info.addrs, self.final_dst) {
            (Addrs::V6(s, _), Some(d)) => Addrs::V6(s, d),
            (a, _) => a,
        }
    }

    /// For IPv4 only: tcpdump treats IPv4 and IPv6 checksums differently.
    fn v4(&self) -> bool {
        matches!(self.info.addrs, Addrs::V4(..))
    }
}

#[cfg(test)]
mod tests;
