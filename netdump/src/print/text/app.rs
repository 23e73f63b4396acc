//! The hand-over from UDP and TCP to the protocol a registered decoder found in the
//! payload (`decode::UDP_PORTS`, `decode::TCP_PORTS`, `-T`): one arm per protocol, each
//! calling that protocol's printer module.

use super::{Dissector, Ip};
use crate::decode::{
    tcp::{self, Tcp},
    udp::Udp,
    Layer,
};

impl Dissector {
    /// Prints what a UDP datagram carries where tcpdump would have printed
    /// "UDP, length N" (`app`: the layers after UDP; `ulen`: the payload's length by the
    /// UDP header). False when no printer knows the first of them: the caller prints
    /// tcpdump's default words.
    pub(super) fn udp_app(
        &mut self,
        out: &mut String,
        ip: &Ip,
        _udp: &Udp<'_>,
        app: &[Layer<'_>],
        ulen: u32,
    ) -> bool {
        // tcpdump's port chain runs only without -q.
        let quiet = self.opts.quiet && !self.opts.udp_forced;
        match app.first() {
            Some(Layer::Bootp(b)) if !quiet => self.bootp(out, b, ulen),
            Some(Layer::Ntp(n)) if !quiet => self.ntp(out, n, ulen),
            Some(Layer::Dhcp6(d)) if !quiet => self.dhcp6(out, d, ulen),
            Some(Layer::Radius(r)) if !quiet => self.radius(out, r, ulen),
            Some(Layer::Syslog(s)) if !quiet => self.syslog(out, s, ulen),
            Some(Layer::Tftp(t)) if !quiet => self.tftp(out, t, ulen),
            Some(Layer::Isakmp(i)) if !quiet => self.isakmp(out, ip, i.raw, ulen),
            Some(Layer::NatT(n)) if !quiet => self.isakmp_natt(out, ip, n.raw, ulen),
            Some(Layer::Snmp(s)) if !quiet => self.snmp(out, s.raw, ulen),
            _ => return false,
        }
        true
    }

    /// Prints what a TCP segment carries, after tcpdump's ", length N" (`length`: the
    /// payload's length by the IP header). False when no printer knows it.
    pub(super) fn tcp_app(
        &mut self,
        out: &mut String,
        _ip: &Ip,
        tcp: &Tcp<'_>,
        app: &[Layer<'_>],
        length: u32,
    ) -> bool {
        // tcpdump prints a reset's data at -v instead of handing it to a protocol.
        let rst_data = tcp.flags().is_some_and(|f| f & tcp::RST != 0) && self.opts.verbose > 0;
        match app.first() {
            Some(Layer::Http(h)) if !rst_data => self.http(out, h, length),
            _ => return false,
        }
        true
    }
}
