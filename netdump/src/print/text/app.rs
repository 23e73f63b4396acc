//! The hand-over from UDP and TCP to the protocol a registered decoder found in the
//! payload (`decode::UDP_PORTS`, `decode::TCP_PORTS`, `-T`): one arm per protocol, each
//! calling that protocol's printer module.

use super::{Dissector, Ip};
use crate::decode::{
    dns::Flavor,
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
        match app.split_first() {
            Some((Layer::Dns(d), _)) if d.flavor != Flavor::Llmnr => self.dns(out, d, ulen),
            Some((Layer::Bootp(b), _)) => self.bootp(out, b, ulen),
            Some((Layer::Ntp(n), _)) => self.ntp(out, n, ulen),
            Some((Layer::Dhcp6(d), _)) => self.dhcp6(out, d, ulen),
            Some((Layer::Radius(r), _)) => self.radius(out, r, ulen),
            Some((Layer::Syslog(s), _)) => self.syslog(out, s, ulen),
            Some((Layer::Tftp(t), _)) => self.tftp(out, t, ulen),
            Some((Layer::Hsrp(h), _)) => self.hsrp(out, h, ulen),
            Some((Layer::Bfd(b), _)) => self.bfd(out, b, ulen),
            Some((Layer::Ptp(p), _)) => self.ptp(out, p, ulen),
            Some((Layer::Message(m), _)) => self.message(out, m, Some(ip)),
            Some((Layer::Vxlan(v), above)) => self.vxlan(out, v, above),
            Some((Layer::Geneve(g), above)) => self.geneve(out, g, above),
            Some((Layer::Mpls(m), above)) => self.mpls(out, m, above),
            Some((Layer::L2tp(l), above)) => self.l2tp(out, l, above),
            Some((Layer::Isakmp(i), _)) => self.isakmp(out, ip, i.raw, ulen),
            Some((Layer::NatT(n), _)) => self.isakmp_natt(out, ip, n.raw, ulen),
            Some((Layer::Snmp(s), _)) => self.snmp(out, s.raw, ulen),
            _ => return false,
        }
        true
    }

    /// Prints what a TCP segment carries, after tcpdump's ", length N" (`length`: the
    /// payload's length by the IP header). False when no printer knows it.
    pub(super) fn tcp_app(
        &mut self,
        out: &mut String,
        ip: &Ip,
        tcp: &Tcp<'_>,
        app: &[Layer<'_>],
        length: u32,
    ) -> bool {
        // tcpdump prints a reset's data at -v instead of handing it to a protocol.
        let rst_data = tcp.flags().is_some_and(|f| f & tcp::RST != 0) && self.opts.verbose > 0;
        match app.first() {
            Some(Layer::Http(h)) if !rst_data => self.http(out, h, length),
            Some(Layer::Dns(d)) if !rst_data => self.dns(out, d, length),
            Some(Layer::Message(m)) if !rst_data => self.message(out, m, Some(ip)),
            Some(Layer::Pptp(p)) if !rst_data => self.pptp(out, p),
            _ => return false,
        }
        true
    }
}
