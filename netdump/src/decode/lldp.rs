//! LLDP (IEEE 802.1AB, ethertype 0x88cc): a list of type-length-value elements.

use super::{be16, Context, Layer, Next};

pub const ETHERTYPE: u16 = 0x88cc;
pub const CHASSIS_ID: u8 = 1;
pub const PORT_ID: u8 = 2;
pub const TTL: u8 = 3;
pub const SYSTEM_NAME: u8 = 5;

/// An LLDP PDU as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lldp<'a> {
    pub raw: &'a [u8],
    /// Its length on the wire.
    pub length: u32,
}

impl<'a> Lldp<'a> {
    /// The TLVs captured whole, in order, up to the End TLV: (type, value).
    pub fn tlvs(&self) -> impl Iterator<Item = (u8, &'a [u8])> + 'a {
        let raw = self.raw;
        let mut at = 0usize;
        std::iter::from_fn(move || {
            let h = be16(raw, at)?;
            let (ty, len) = ((h >> 9) as u8, usize::from(h & 0x1ff));
            if ty == 0 || len == 0 {
                return None;
            }
            let v = raw.get(at + 2..at + 2 + len)?;
            at += 2 + len;
            Some((ty, v))
        })
    }

    /// The value of the first TLV of type `ty`.
    pub fn tlv(&self, ty: u8) -> Option<&'a [u8]> {
        self.tlvs().find(|(t, _)| *t == ty).map(|(_, v)| v)
    }
}

/// Records an LLDP PDU; nothing follows it.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Lldp(Lldp {
        raw: b,
        length: cx.wire_len.unwrap_or(b.len() as u32),
    }));
    Next::end(b, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlvs_in_order_and_cut() {
        let b = [0x02, 0x02, 0x07, b'x', 0x06, 0x02, 0, 120, 0, 0];
        let l = Lldp {
            raw: &b,
            length: 10,
        };
        assert_eq!(l.tlv(CHASSIS_ID), Some(&[7, b'x'][..]));
        assert_eq!(l.tlv(TTL), Some(&[0, 120][..]));
        assert_eq!(l.tlvs().count(), 2);
        for k in 0..b.len() {
            let l = Lldp {
                raw: &b[..k],
                length: 10,
            };
            assert!(l.tlvs().count() <= 2);
        }
    }
}
