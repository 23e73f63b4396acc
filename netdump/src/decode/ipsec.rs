//! IPsec headers: AH (RFC 4302, IP protocol 51), whose protected payload follows and is
//! decoded on, and ESP (RFC 4303, IP protocol 50), whose payload is encrypted: netdump
//! reads its SPI and sequence number and stops (it does not decrypt, so tcpdump's `-E` is
//! not offered).

use super::{be16, be32, Context, Layer, Next, StopReason, Upper};

pub const PROTO_ESP: u8 = 50;
pub const PROTO_AH: u8 = 51;

/// An authentication header, as far as it was captured (its bytes to the capture's end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ah<'a> {
    pub raw: &'a [u8],
}

impl<'a> Ah<'a> {
    /// The protocol of the protected payload.
    pub fn next_header(&self) -> Option<u8> {
        self.raw.first().copied()
    }

    /// The payload length field: the header's length in 4-byte words, less 2.
    pub fn len_field(&self) -> Option<u8> {
        self.raw.get(1).copied()
    }

    /// The header's length in bytes, by its length field.
    pub fn header_len(&self) -> Option<usize> {
        self.len_field().map(|l| (usize::from(l) + 2) * 4)
    }

    pub fn reserved(&self) -> Option<u16> {
        be16(self.raw, 2)
    }

    pub fn spi(&self) -> Option<u32> {
        be32(self.raw, 4)
    }

    pub fn seq(&self) -> Option<u32> {
        be32(self.raw, 8)
    }

    /// The integrity check value, when the whole header was captured.
    pub fn icv(&self) -> Option<&'a [u8]> {
        self.raw.get(12..self.header_len()?.max(12))
    }
}

/// An ESP header and its (encrypted) payload as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Esp<'a> {
    pub raw: &'a [u8],
}

impl Esp<'_> {
    pub fn spi(&self) -> Option<u32> {
        be32(self.raw, 0)
    }

    pub fn seq(&self) -> Option<u32> {
        be32(self.raw, 4)
    }
}

/// Decodes an AH header; the protected payload follows as its next header says.
pub fn decode_ah<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let ah = Ah { raw: b };
    layers.push(Layer::Ah(ah));
    // tcpdump reads every field up to the ICV's last byte before going on (and at least
    // the sequence number, even when the length field says the header ends before it).
    let (Some(nh), Some(len), Some(_)) = (ah.next_header(), ah.header_len(), ah.icv()) else {
        return Next::end(b, false);
    };
    if let Some(ip) = cx.ip.as_mut() {
        ip.length = ip.length.saturating_sub(len as u32);
    }
    cx.wire_len = cx.wire_len.map(|w| w.saturating_sub(len as u32));
    Next {
        rest: b.get(len..).unwrap_or_default(),
        upper: Upper::IpProtocol(nh),
    }
}

/// Decodes an ESP header; nothing after it can be read without the keys.
pub fn decode_esp<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Esp(Esp { raw: b }));
    let upper = if b.len() > 8 {
        Upper::Nothing
    } else {
        Upper::Stop(StopReason::Truncated)
    };
    Next::consumed(b, upper)
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::decode::{Addrs, IpInfo};

    fn cx(length: u32) -> Context {
        Context {
            wire_len: Some(length),
            ip: Some(IpInfo {
                addrs: Addrs::V4(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST),
                length,
                fragmented: false,
            }),
            ..Context::default()
        }
    }

    /// AH with a 12-byte ICV protecting UDP, then 4 bytes of it.
    const AH: [u8; 28] = [
        17, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x13, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0xaa, 0xbb,
        0xcc, 0xdd,
    ];

    #[test]
    fn ah_hands_on_its_payload() {
        let mut c = cx(28);
        let mut layers = Vec::new();
        let next = decode_ah(&AH, &mut c, &mut layers);
        assert_eq!(next.upper, Upper::IpProtocol(17));
        assert_eq!(next.rest, &AH[24..]);
        assert_eq!(c.ip.unwrap().length, 4);
        let [Layer::Ah(a)] = layers[..] else {
            panic!("{layers:?}")
        };
        assert_eq!(
            (a.spi(), a.seq(), a.header_len()),
            (Some(256), Some(0x13), Some(24))
        );
        assert_eq!(a.icv(), Some(&AH[12..24]));
    }

    #[test]
    fn ah_cut_at_every_byte() {
        for k in 0..24 {
            let mut layers = Vec::new();
            let next = decode_ah(&AH[..k], &mut cx(28), &mut layers);
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated), "{k}");
            assert!(matches!(layers[..], [Layer::Ah(_)]));
        }
        // A length field saying 8 bytes: tcpdump still reads the sequence number, then
        // goes on from byte 8.
        let short = [6, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2];
        let mut layers = Vec::new();
        let next = decode_ah(&short, &mut cx(12), &mut layers);
        assert_eq!((next.upper, next.rest.len()), (Upper::IpProtocol(6), 4));
    }

    #[test]
    fn esp_needs_more_than_its_header() {
        for (b, upper) in [
            (
                &[0u8, 0, 0, 1, 0, 0, 0, 2][..],
                Upper::Stop(StopReason::Truncated),
            ),
            (&[0, 0, 0, 1, 0, 0, 0, 2, 9][..], Upper::Nothing),
        ] {
            let mut layers = Vec::new();
            let next = decode_esp(b, &mut cx(9), &mut layers);
            assert_eq!(next.upper, upper);
            let [Layer::Esp(e)] = layers[..] else {
                panic!()
            };
            assert_eq!((e.spi(), e.seq()), (Some(1), Some(2)));
        }
    }
}
