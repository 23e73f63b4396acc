//! The hand-over from UDP and TCP to the protocol a registered decoder found in the
//! payload (`decode::UDP_PORTS`, `decode::TCP_PORTS`, `-T`): one arm per protocol, each
//! calling that protocol's printer module.

use super::{Dissector, Ip};
use crate::decode::{tcp::Tcp, udp::Udp, Layer};

impl Dissector {
    /// Prints what a UDP datagram carries where tcpdump would have printed
    /// "UDP, length N" (`app`: the layers after UDP; `ulen`: the payload's length by the
    /// UDP header). False when no printer knows the first of them: the caller prints
    /// tcpdump's default words.
    pub(super) fn udp_app(
        &mut self,
        out: &mut String,
        _ip: &Ip,
        _udp: &Udp<'_>,
        app: &[Layer<'_>],
        _ulen: u32,
    ) -> bool {
        match app.split_first() {
            Some((Layer::Vxlan(v), above)) => self.vxlan(out, v, above),
            Some((Layer::Geneve(g), above)) => self.geneve(out, g, above),
            Some((Layer::Mpls(m), above)) => self.mpls(out, m, above),
            Some((Layer::L2tp(l), above)) => self.l2tp(out, l, above),
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
        _tcp: &Tcp<'_>,
        app: &[Layer<'_>],
        _length: u32,
    ) -> bool {
        match app.first() {
            Some(Layer::Pptp(p)) => self.pptp(out, p),
            _ => return false,
        }
        true
    }
}
