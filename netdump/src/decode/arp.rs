//! ARP (RFC 826): the fixed part, and the addresses of Ethernet/IPv4 requests and replies.

use std::net::Ipv4Addr;

use super::{array, be16, Context, Layer, Next};

pub const HRD_ETHERNET: u16 = 1;
pub const PRO_IPV4: u16 = 0x0800;
pub const OP_REQUEST: u16 = 1;
pub const OP_REPLY: u16 = 2;

/// An ARP packet, as far as it was captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arp<'a> {
    /// The bytes from the ARP header's first byte to the end of the capture.
    pub raw: &'a [u8],
    /// The length the ARP packet had on the wire, by the link layer.
    pub wire_len: u32,
}

/// The addresses of an Ethernet/IPv4 ARP packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EthIpv4 {
    pub sha: [u8; 6],
    pub spa: Ipv4Addr,
    pub tha: [u8; 6],
    pub tpa: Ipv4Addr,
}

impl<'a> Arp<'a> {
    /// Hardware type, if captured.
    pub fn hrd(&self) -> Option<u16> {
        be16(self.raw, 0)
    }

    /// Protocol type, if captured.
    pub fn pro(&self) -> Option<u16> {
        be16(self.raw, 2)
    }

    pub fn hln(&self) -> Option<u8> {
        self.raw.get(4).copied()
    }

    pub fn pln(&self) -> Option<u8> {
        self.raw.get(5).copied()
    }

    /// Operation (1 request, 2 reply), if captured.
    pub fn op(&self) -> Option<u16> {
        be16(self.raw, 6)
    }

    /// Whether the header says Ethernet addresses and IPv4 addresses.
    pub fn is_eth_ipv4(&self) -> bool {
        self.hrd() == Some(HRD_ETHERNET)
            && self.pro() == Some(PRO_IPV4)
            && self.hln() == Some(6)
            && self.pln() == Some(4)
    }

    /// The whole packet (fixed part and four addresses) was captured.
    pub fn complete(&self) -> bool {
        match (self.hln(), self.pln(), self.op()) {
            (Some(h), Some(p), Some(_)) => {
                self.raw.len() >= 8 + 2 * (usize::from(h) + usize::from(p))
            }
            _ => false,
        }
    }

    /// The four addresses of an Ethernet/IPv4 packet, if all were captured.
    pub fn eth_ipv4(&self) -> Option<EthIpv4> {
        if !self.is_eth_ipv4() {
            return None;
        }
        let b = self.raw;
        Some(EthIpv4 {
            sha: array(b, 8)?,
            spa: Ipv4Addr::from(array::<4>(b, 14)?),
            tha: array(b, 18)?,
            tpa: Ipv4Addr::from(array::<4>(b, 24)?),
        })
    }
}

/// Decodes an ARP packet; nothing follows it.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let arp = Arp {
        raw: b,
        wire_len: cx.wire_len.unwrap_or(b.len() as u32),
    };
    layers.push(Layer::Arp(arp));
    Next::end(b, arp.complete())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{StopReason, Upper};

    const REQUEST: [u8; 28] = [
        0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 0xa, 198, 18, 0, 1, 0, 0, 0, 0, 0, 0, 198, 18, 0, 2,
    ];

    fn run(b: &[u8]) -> (Arp<'_>, Upper) {
        let mut cx = Context {
            wire_len: Some(46),
            ip: None,
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let [Layer::Arp(a)] = layers[..] else {
            panic!("{layers:?}")
        };
        (a, next.upper)
    }

    #[test]
    fn request_addresses() {
        let (a, upper) = run(&REQUEST);
        assert_eq!(upper, Upper::Nothing);
        assert_eq!(a.op(), Some(OP_REQUEST));
        assert_eq!(a.wire_len, 46);
        let x = a.eth_ipv4().unwrap();
        assert_eq!(x.spa, Ipv4Addr::new(198, 18, 0, 1));
        assert_eq!(x.tpa, Ipv4Addr::new(198, 18, 0, 2));
        assert_eq!(x.sha, [2, 0, 0, 0, 0, 0xa]);
        assert_eq!(x.tha, [0; 6]);
    }

    #[test]
    fn every_cut_is_truncated_and_readable() {
        for k in 0..REQUEST.len() {
            let (a, upper) = run(&REQUEST[..k]);
            assert_eq!(upper, Upper::Stop(StopReason::Truncated));
            assert_eq!(a.eth_ipv4(), None);
            assert_eq!(a.op().is_some(), k >= 8);
        }
    }

    #[test]
    fn other_hardware_has_no_eth_ipv4_view() {
        let mut b = REQUEST;
        b[1] = 6;
        let (a, _) = run(&b);
        assert!(!a.is_eth_ipv4());
        assert_eq!(a.eth_ipv4(), None);
        assert!(a.complete());
    }
}
