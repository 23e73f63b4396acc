//! ARP (RFC 826), RARP (RFC 903) and InARP (RFC 2390): the fixed part and the four
//! addresses whatever their lengths, and ATM ARP's (RFC 2225) other layout.

use std::net::Ipv4Addr;

use super::{array, be16, Context, Layer, Next};

pub const HRD_ETHERNET: u16 = 1;
pub const HRD_FRELAY: u16 = 15;
pub const HRD_ATM2225: u16 = 19;
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
    /// AppleTalk ARP (ethertype 0x80f3): the same layout, tcpdump words it its own way.
    pub appletalk: bool,
}

/// The four addresses, as many bytes as the header's lengths say (ATM ARP: the ATM numbers
/// and subaddresses, with the protocol addresses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Addresses<'a> {
    pub sha: &'a [u8],
    pub spa: &'a [u8],
    pub tha: &'a [u8],
    pub tpa: &'a [u8],
    /// ATM ARP only: source and target subaddresses.
    pub ssa: &'a [u8],
    pub tsa: &'a [u8],
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

    /// ATM ARP (RFC 2225), whose header has six length fields.
    pub fn is_atm(&self) -> bool {
        self.hrd() == Some(HRD_ATM2225)
    }

    /// The whole packet (fixed part and all addresses) was captured.
    pub fn complete(&self) -> bool {
        self.addresses().is_some()
    }

    /// The addresses, if the fixed part and all of them were captured.
    pub fn addresses(&self) -> Option<Addresses<'a>> {
        let b = self.raw;
        let take = |at: &mut usize, n: usize| -> Option<&'a [u8]> {
            let s = b.get(*at..at.checked_add(n)?)?;
            *at += n;
            Some(s)
        };
        if self.is_atm() {
            // hrd, pro, shtl, sstl, op, spln, thtl, tstl, tpln: the type/length bytes
            // carry an E.164 flag in bit 6.
            let len = |i: usize| b.get(i).map(|l| usize::from(l & 0x3f));
            let (shl, ssl, spl) = (len(4)?, len(5)?, usize::from(*b.get(8)?));
            let (thl, tsl, tpl) = (len(9)?, len(10)?, usize::from(*b.get(11)?));
            let mut at = 12;
            let sha = take(&mut at, shl)?;
            let ssa = take(&mut at, ssl)?;
            let spa = take(&mut at, spl)?;
            let tha = take(&mut at, thl)?;
            let tsa = take(&mut at, tsl)?;
            let tpa = take(&mut at, tpl)?;
            return Some(Addresses {
                sha,
                spa,
                tha,
                tpa,
                ssa,
                tsa,
            });
        }
        let (h, p) = (usize::from(self.hln()?), usize::from(self.pln()?));
        self.op()?;
        let mut at = 8;
        let sha = take(&mut at, h)?;
        let spa = take(&mut at, p)?;
        let tha = take(&mut at, h)?;
        let tpa = take(&mut at, p)?;
        Some(Addresses {
            sha,
            spa,
            tha,
            tpa,
            ssa: &[],
            tsa: &[],
        })
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

/// Decodes an ARP (or RARP, InARP) packet; nothing follows it.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    decode_as(b, cx, layers, false)
}

/// Decodes an AppleTalk ARP packet; nothing follows it.
pub fn decode_aarp<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    decode_as(b, cx, layers, true)
}

fn decode_as<'a>(
    b: &'a [u8],
    cx: &mut Context,
    layers: &mut Vec<Layer<'a>>,
    appletalk: bool,
) -> Next<'a> {
    let arp = Arp {
        raw: b,
        wire_len: cx.wire_len.unwrap_or(b.len() as u32),
        appletalk,
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

    #[test]
    fn any_lengths_and_atm() {
        // Hardware length 14: the addresses follow the header's lengths.
        let mut b = vec![0, 1, 8, 0, 14, 4, 0, 1];
        b.extend(1..=36u8);
        let (a, _) = run(&b);
        let x = a.addresses().unwrap();
        assert_eq!(
            (x.sha.len(), x.spa, x.tpa),
            (14, &[15, 16, 17, 18][..], &[33, 34, 35, 36][..])
        );
        assert!(!a.complete() || a.eth_ipv4().is_none());
        // ATM ARP: 20-byte numbers, no subaddresses, IPv4.
        let mut atm = vec![0, 19, 8, 0, 20, 0, 0, 1, 4, 20, 0, 4];
        atm.extend([7u8; 48]);
        for k in 0..atm.len() {
            let (a, _) = run(&atm[..k]);
            assert!(a.addresses().is_none(), "{k}");
        }
        let (a, upper) = run(&atm);
        assert_eq!(upper, Upper::Nothing);
        let x = a.addresses().unwrap();
        assert_eq!(
            (x.sha.len(), x.spa.len(), x.tha.len(), x.tpa.len()),
            (20, 4, 20, 4)
        );
    }
}
