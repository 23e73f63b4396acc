//! BFD control packets (RFC 5880; single-hop 3784, multihop 4784 RFC 5883, LAG 6784
//! RFC 7130) and echo packets (3785), by UDP destination port as tcpdump tells them apart.

use super::{be32, Context, Layer, Next, Upper};

pub const CONTROL_PORT: u16 = 3784;
pub const ECHO_PORT: u16 = 3785;
pub const MULTIHOP_PORT: u16 = 4784;
pub const LAG_PORT: u16 = 6784;

/// A BFD packet as captured, and the destination port that says which kind it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bfd<'a> {
    pub raw: &'a [u8],
    pub port: u16,
}

impl Bfd<'_> {
    pub fn is_control(&self) -> bool {
        matches!(self.port, CONTROL_PORT | MULTIHOP_PORT | LAG_PORT)
    }

    pub fn version(&self) -> Option<u8> {
        self.raw.first().map(|b| b >> 5)
    }

    pub fn diagnostic(&self) -> Option<u8> {
        self.raw.first().map(|b| b & 0x1f)
    }

    pub fn flags(&self) -> Option<u8> {
        self.raw.get(1).copied()
    }

    /// The session state (version 1): 0 AdminDown, 1 Down, 2 Init, 3 Up.
    pub fn state(&self) -> Option<u8> {
        self.flags().map(|f| f >> 6)
    }

    pub fn my_discriminator(&self) -> Option<u32> {
        be32(self.raw, 4)
    }

    pub fn your_discriminator(&self) -> Option<u32> {
        be32(self.raw, 8)
    }
}

/// Records a BFD packet when the datagram goes to one of BFD's ports.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    if let Some(port @ (CONTROL_PORT | MULTIHOP_PORT | LAG_PORT | ECHO_PORT)) =
        super::udp_dport(layers)
    {
        layers.push(Layer::Bfd(Bfd { raw: b, port }));
    }
    Next::consumed(b, Upper::Nothing)
}
