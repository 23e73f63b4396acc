//! UDP headers (RFC 768).

use super::{be16, Context, IpInfo, Layer, Next, StopReason, Upper};

pub const HEADER_LEN: usize = 8;

/// A UDP datagram, as far as it was captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Udp<'a> {
    /// The datagram's captured bytes (up to the IP header's length).
    pub raw: &'a [u8],
    /// The IP layer's addresses and lengths.
    pub ip: IpInfo,
}

impl<'a> Udp<'a> {
    pub fn ports(&self) -> Option<(u16, u16)> {
        Some((be16(self.raw, 0)?, be16(self.raw, 2)?))
    }

    /// The length field (header included).
    pub fn length(&self) -> Option<u16> {
        be16(self.raw, 4)
    }

    pub fn checksum(&self) -> Option<u16> {
        be16(self.raw, 6)
    }

    /// All eight header bytes were captured.
    pub fn header_complete(&self) -> bool {
        self.raw.len() >= HEADER_LEN
    }

    /// The captured payload after the header.
    pub fn payload(&self) -> &'a [u8] {
        self.raw.get(HEADER_LEN..).unwrap_or_default()
    }
}

/// Decodes a UDP header; its payload follows, by port.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let Some(ip) = cx.ip else {
        return Next {
            rest: b,
            upper: Upper::Stop(StopReason::Unsupported),
        };
    };
    let udp = Udp { raw: b, ip };
    layers.push(Layer::Udp(udp));
    // The payload goes to its protocol's decoder even when none of it was captured:
    // tcpdump calls the protocol's printer by port whatever the capture holds.
    // What the payload's decoder is told it had on the wire: the shorter of the UDP and IP
    // lengths, less the header (tcpdump's udp_print hands that on).
    if let Some(ulen) = udp.length() {
        let len = u32::from(ulen).min(ip.length);
        cx.wire_len = Some(len.saturating_sub(HEADER_LEN as u32));
    }
    let upper = match udp.ports() {
        _ if !udp.header_complete() => Upper::Stop(StopReason::Truncated),
        Some((s, d)) => Upper::UdpPorts(s, d),
        None => Upper::Nothing,
    };
    Next {
        rest: udp.payload(),
        upper,
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv6Addr;

    use super::*;
    use crate::decode::Addrs;

    fn run(b: &[u8]) -> (Udp<'_>, Next<'_>) {
        let mut cx = Context {
            wire_len: None,
            ip: Some(IpInfo {
                addrs: Addrs::V6(Ipv6Addr::LOCALHOST, Ipv6Addr::LOCALHOST),
                length: b.len() as u32,
                fragmented: false,
            }),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let [Layer::Udp(u)] = layers[..] else {
            panic!("{layers:?}")
        };
        (u, next)
    }

    #[test]
    fn datagram_with_payload() {
        let d = [0x00, 0x35, 0x9c, 0x40, 0, 11, 0x12, 0x34, b'a', b'b', b'c'];
        let (u, next) = run(&d);
        assert_eq!(u.ports(), Some((53, 40000)));
        assert_eq!((u.length(), u.checksum()), (Some(11), Some(0x1234)));
        assert_eq!(u.payload(), b"abc");
        assert_eq!(next.upper, Upper::UdpPorts(53, 40000));
        assert_eq!(next.rest, b"abc");
    }

    #[test]
    fn cut_short() {
        let d = [0x00, 0x35, 0x9c, 0x40, 0, 8, 0, 0];
        for k in 0..d.len() {
            let (u, next) = run(&d[..k]);
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
            assert_eq!(u.ports().is_some(), k >= 4);
            assert_eq!(u.length().is_some(), k >= 6);
            assert!(u.payload().is_empty());
        }
        // An empty payload still goes to the protocol for its ports, as tcpdump prints it.
        assert_eq!(run(&d).1.upper, Upper::UdpPorts(53, 40000));
    }

    #[test]
    fn without_ip_there_is_nothing_to_say() {
        let mut cx = Context::default();
        let mut layers = Vec::new();
        let next = decode(&[0; 8], &mut cx, &mut layers);
        assert!(layers.is_empty());
        assert_eq!(next.upper, Upper::Stop(StopReason::Unsupported));
    }
}
