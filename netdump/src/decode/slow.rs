//! IEEE 802.3 slow protocols (ethertype 0x8809): LACP, the marker protocol, and 802.3ah OAM.

use super::{Context, Layer, Next};

pub const ETHERTYPE: u16 = 0x8809;
pub const LACP: u8 = 1;
pub const MARKER: u8 = 2;
pub const OAM: u8 = 3;

/// A slow-protocol PDU as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slow<'a> {
    pub raw: &'a [u8],
    /// Its length on the wire.
    pub length: u32,
}

impl Slow<'_> {
    pub fn subtype(&self) -> Option<u8> {
        self.raw.first().copied()
    }

    /// The LACP actor's system (MAC) and port, when captured.
    pub fn lacp_actor(&self) -> Option<([u8; 6], u16)> {
        if self.subtype()? != LACP || *self.raw.get(1)? != 1 {
            return None;
        }
        Some((super::array(self.raw, 6)?, super::be16(self.raw, 16)?))
    }
}

/// Records a slow-protocol PDU; nothing follows it.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Slow(Slow {
        raw: b,
        length: cx.wire_len.unwrap_or(b.len() as u32),
    }));
    Next::end(b, true)
}
