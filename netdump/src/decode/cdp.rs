//! Cisco Discovery Protocol (after a SNAP header with Cisco's OUI and protocol id 0x2000).

use super::{be16, Context, Layer, Next};

pub const PID: u16 = 0x2000;
/// The Device-ID TLV.
pub const T_DEVICE_ID: u16 = 0x01;
pub const T_PORT_ID: u16 = 0x03;

/// A CDP message as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cdp<'a> {
    pub raw: &'a [u8],
    /// Its length on the wire.
    pub length: u32,
}

impl<'a> Cdp<'a> {
    pub fn version(&self) -> Option<u8> {
        self.raw.first().copied()
    }

    pub fn ttl(&self) -> Option<u8> {
        self.raw.get(1).copied()
    }

    /// The value of the first TLV of type `ty`, if captured whole.
    pub fn tlv(&self, ty: u16) -> Option<&'a [u8]> {
        let mut at = 4usize;
        loop {
            let (t, len) = (be16(self.raw, at)?, usize::from(be16(self.raw, at + 2)?));
            if len < 4 {
                return None;
            }
            if t == ty {
                return self.raw.get(at + 4..at + len);
            }
            at += len;
        }
    }
}

/// Records a CDP message; nothing follows it.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Cdp(Cdp {
        raw: b,
        length: cx.wire_len.unwrap_or(b.len() as u32),
    }));
    Next::end(b, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlvs_are_found_and_cut_ones_are_not() {
        let b = [2, 180, 0, 0, 0, 1, 0, 6, b'S', b'1', 0, 3, 0, 5, b'x'];
        let c = Cdp {
            raw: &b,
            length: 15,
        };
        assert_eq!(c.tlv(T_DEVICE_ID), Some(&b"S1"[..]));
        assert_eq!(c.tlv(T_PORT_ID), Some(&b"x"[..]));
        for k in 0..b.len() {
            let c = Cdp {
                raw: &b[..k],
                length: 15,
            };
            assert_eq!(c.tlv(T_PORT_ID).is_some(), k == b.len());
            let _ = c.tlv(9);
        }
    }
}
