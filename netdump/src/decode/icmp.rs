//! ICMP for IPv4 (RFC 792): type, code, the words after them, and the datagram an error
//! message quotes.

use std::net::Ipv4Addr;

use super::{array, be16, Context, Decoded, IpInfo, Layer, Next, StopReason, Upper};

pub const HEADER_LEN: usize = 8;
pub const ECHO_REPLY: u8 = 0;
pub const UNREACHABLE: u8 = 3;
pub const SOURCE_QUENCH: u8 = 4;
pub const REDIRECT: u8 = 5;
pub const ECHO_REQUEST: u8 = 8;
pub const TIME_EXCEEDED: u8 = 11;
pub const PARAMETER_PROBLEM: u8 = 12;
pub const TIMESTAMP: u8 = 13;

/// An ICMP message, as far as it was captured.
#[derive(Clone, Debug)]
pub struct Icmp<'a> {
    /// The message's captured bytes (up to the IP header's length).
    pub raw: &'a [u8],
    /// The IP layer's addresses and lengths.
    pub ip: IpInfo,
    /// The IP datagram an error message quotes, decoded (its own layers).
    pub quoted: Option<Box<Decoded<'a>>>,
}

impl<'a> Icmp<'a> {
    pub fn icmp_type(&self) -> Option<u8> {
        self.raw.first().copied()
    }

    pub fn code(&self) -> Option<u8> {
        self.raw.get(1).copied()
    }

    /// Echo, timestamp: the identifier and sequence number.
    pub fn id_seq(&self) -> Option<(u16, u16)> {
        Some((be16(self.raw, 4)?, be16(self.raw, 6)?))
    }

    /// Fragmentation needed: the next hop's MTU (RFC 1191).
    pub fn mtu(&self) -> Option<u16> {
        be16(self.raw, 6)
    }

    /// Redirect: the gateway address.
    pub fn gateway(&self) -> Option<Ipv4Addr> {
        array::<4>(self.raw, 4).map(Ipv4Addr::from)
    }

    /// The bytes after the 8-byte header (an error's quoted datagram).
    pub fn body(&self) -> &'a [u8] {
        self.raw.get(HEADER_LEN..).unwrap_or_default()
    }

    /// Whether this type quotes the datagram that caused it.
    pub fn is_error(ty: u8) -> bool {
        matches!(
            ty,
            UNREACHABLE | SOURCE_QUENCH | REDIRECT | TIME_EXCEEDED | PARAMETER_PROBLEM
        )
    }

    /// All eight header bytes were captured.
    pub fn header_complete(&self) -> bool {
        self.raw.len() >= HEADER_LEN
    }
}

/// Decodes an ICMP message and, for an error, the datagram it quotes. Nothing follows.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let Some(ip) = cx.ip else {
        return Next {
            rest: b,
            upper: Upper::Stop(StopReason::Unsupported),
        };
    };
    let mut icmp = Icmp {
        raw: b,
        ip,
        quoted: None,
    };
    if icmp.icmp_type().is_some_and(Icmp::is_error) && !icmp.body().is_empty() {
        icmp.quoted = Some(Box::new(super::decode_quoted_ipv4(icmp.body())));
    }
    let complete = icmp.header_complete();
    layers.push(Layer::Icmp(icmp));
    Next::end(b, complete)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Addrs;

    fn run(b: &[u8]) -> (Icmp<'_>, Upper) {
        let mut cx = Context {
            wire_len: None,
            ip: Some(IpInfo {
                addrs: Addrs::V4(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST),
                length: b.len() as u32,
                fragmented: false,
            }),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let Some(Layer::Icmp(i)) = layers.pop() else {
            panic!()
        };
        (i, next.upper)
    }

    #[test]
    fn echo_request() {
        let (i, upper) = run(&[ECHO_REQUEST, 0, 0xf7, 0xfd, 0, 1, 0, 2, 0xaa]);
        assert_eq!((i.icmp_type(), i.code()), (Some(8), Some(0)));
        assert_eq!(i.id_seq(), Some((1, 2)));
        assert!(i.quoted.is_none());
        assert_eq!(upper, Upper::Nothing);
    }

    #[test]
    fn unreachable_quotes_its_datagram() {
        let mut m = vec![UNREACHABLE, 3, 0, 0, 0, 0, 0, 0];
        m.extend_from_slice(&[
            0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ]);
        m.extend_from_slice(&[0x9c, 0x40, 0, 53, 0, 8, 0, 0]);
        let (i, _) = run(&m);
        let q = i.quoted.unwrap();
        let names: Vec<&str> = q.layers.iter().map(Layer::name).collect();
        // The UDP payload goes to the decoder for its port even when none was captured.
        assert_eq!(names, ["ip", "udp", "domain"]);
        let Layer::Ipv4(ip) = &q.layers[0] else {
            panic!()
        };
        assert_eq!(ip.wire_len, None);
    }

    #[test]
    fn cut_short() {
        let m = [REDIRECT, 1, 0, 0, 10, 0, 0, 1, 0x45];
        for k in 0..HEADER_LEN {
            let (i, upper) = run(&m[..k]);
            assert_eq!(upper, Upper::Stop(StopReason::Truncated));
            assert_eq!(i.gateway().is_some(), k >= 8);
            assert!(i.body().is_empty());
        }
        let (i, _) = run(&m);
        assert_eq!(i.gateway(), Some(Ipv4Addr::new(10, 0, 0, 1)));
        assert!(i.quoted.is_some());
    }
}
