//! IEEE 1588 PTP messages, over Ethernet (ethertype 0x88f7) or UDP (ports 319 and 320).

use super::{array, be16, Context, Layer, Next};

pub const ETHERTYPE: u16 = 0x88f7;
pub const EVENT_PORT: u16 = 319;
pub const GENERAL_PORT: u16 = 320;

/// A PTP message as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ptp<'a> {
    pub raw: &'a [u8],
    /// Its length on the wire, when the layer below said (Ethernet; UDP's printer knows its
    /// own).
    pub length: Option<u32>,
}

impl Ptp<'_> {
    /// The version field (tcpdump reads the whole second byte).
    pub fn version(&self) -> Option<u8> {
        self.raw.get(1).copied()
    }

    pub fn message_type(&self) -> Option<u8> {
        self.raw.first().map(|b| b & 0x0f)
    }

    pub fn domain(&self) -> Option<u8> {
        self.raw.get(4).copied()
    }

    pub fn clock_identity(&self) -> Option<[u8; 8]> {
        array(self.raw, 20)
    }

    pub fn sequence_id(&self) -> Option<u16> {
        be16(self.raw, 30)
    }
}

/// Records a PTP message; nothing follows it.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Ptp(Ptp {
        raw: b,
        length: cx.wire_len,
    }));
    Next::end(b, true)
}
