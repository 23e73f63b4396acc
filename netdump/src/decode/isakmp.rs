//! ISAKMP / IKE (RFC 2408, RFC 7296) on UDP 500, and what UDP 4500 carries (RFC 3948: a
//! NAT keep-alive, IKE after a four-byte non-ESP marker, or ESP). The printer
//! (`print/text/isakmp.rs`) walks the payload chain as tcpdump's does; the header fields
//! JSON reports are read here.

use super::{be32, ipsec, Context, Layer, Next, Upper};

/// The fixed header's length.
pub const HEADER_LEN: usize = 28;

/// An ISAKMP message as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Isakmp<'a> {
    pub raw: &'a [u8],
}

impl<'a> Isakmp<'a> {
    /// The initiator's and the responder's cookies (IKEv2: SPIs).
    pub fn cookies(&self) -> Option<(&'a [u8], &'a [u8])> {
        Some((self.raw.get(..8)?, self.raw.get(8..16)?))
    }

    pub fn next_payload(&self) -> Option<u8> {
        self.raw.get(16).copied()
    }

    /// Major and minor version.
    pub fn version(&self) -> Option<(u8, u8)> {
        self.raw.get(17).map(|v| (v >> 4, v & 0x0f))
    }

    pub fn exchange_type(&self) -> Option<u8> {
        self.raw.get(18).copied()
    }

    pub fn flags(&self) -> Option<u8> {
        self.raw.get(19).copied()
    }

    pub fn message_id(&self) -> Option<u32> {
        be32(self.raw, 20)
    }

    pub fn length(&self) -> Option<u32> {
        be32(self.raw, 24)
    }
}

/// A UDP 4500 datagram's payload, as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NatT<'a> {
    pub raw: &'a [u8],
}

/// What a UDP 4500 datagram holds, by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NatTKind<'a> {
    /// One 0xff byte.
    KeepAlive,
    /// Four zero bytes, then an IKE message.
    Ike(&'a [u8]),
    /// Anything else: ESP.
    Esp,
    /// Too short to tell.
    Short,
}

impl<'a> NatT<'a> {
    pub fn kind(&self) -> NatTKind<'a> {
        match self.raw {
            [0xff] => NatTKind::KeepAlive,
            [0, 0, 0, 0, ike @ ..] => NatTKind::Ike(ike),
            [_, _, _, _, ..] => NatTKind::Esp,
            _ => NatTKind::Short,
        }
    }
}

/// Takes the whole payload as one ISAKMP message.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Isakmp(Isakmp { raw: b }));
    Next::end(b, b.len() >= HEADER_LEN)
}

/// Sorts a UDP 4500 payload and decodes what it holds.
pub fn decode_natt<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let natt = NatT { raw: b };
    layers.push(Layer::NatT(natt));
    match natt.kind() {
        NatTKind::KeepAlive => Next::consumed(b, Upper::Nothing),
        NatTKind::Ike(ike) => decode(ike, cx, layers),
        NatTKind::Esp => ipsec::decode_esp(b, cx, layers),
        NatTKind::Short => Next::end(b, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Vec<u8> {
        let mut m = vec![1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0];
        m.extend_from_slice(&[33, 0x20, 34, 0x08, 0, 0, 0, 0, 0, 0, 0, 28]);
        m
    }

    #[test]
    fn header_fields_as_far_as_captured() {
        let m = header();
        for k in 0..=m.len() {
            let mut layers = Vec::new();
            let next = decode(&m[..k], &mut Context::default(), &mut layers);
            assert!(next.rest.is_empty());
            let [Layer::Isakmp(i)] = layers[..] else {
                panic!("{layers:?}")
            };
            assert_eq!(i.version(), (k > 17).then_some((2, 0)));
            assert_eq!(i.exchange_type(), (k > 18).then_some(34));
            assert_eq!(i.length(), (k >= 28).then_some(28));
            assert_eq!(i.cookies().is_some(), k >= 16);
        }
    }

    #[test]
    fn nat_traversal_kinds() {
        let run = |b: &'static [u8]| {
            let mut layers = Vec::new();
            decode_natt(b, &mut Context::default(), &mut layers);
            layers
        };
        let kind = |b: &'static [u8]| NatT { raw: b }.kind();
        assert_eq!(kind(&[0xff]), NatTKind::KeepAlive);
        assert_eq!(kind(&[0, 0]), NatTKind::Short);
        assert!(matches!(run(&[0xff])[..], [Layer::NatT(_)]));
        let ike: &'static [u8] = &[0, 0, 0, 0, 1, 2];
        assert_eq!(kind(ike), NatTKind::Ike(&[1, 2]));
        assert!(matches!(run(ike)[..], [Layer::NatT(_), Layer::Isakmp(_)]));
        let esp: &'static [u8] = &[0, 0, 1, 0, 0, 0, 0, 7, 9];
        let layers = run(esp);
        let [Layer::NatT(_), Layer::Esp(e)] = layers[..] else {
            panic!("{layers:?}")
        };
        assert_eq!((e.spi(), e.seq()), (Some(256), Some(7)));
    }
}
