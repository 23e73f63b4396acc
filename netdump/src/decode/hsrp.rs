//! Cisco HSRP version 0 (RFC 2281), on UDP port 1985 (destination only, as tcpdump).

use super::{Context, Layer, Next, Upper};

pub const PORT: u16 = 1985;

/// An HSRP message as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hsrp<'a> {
    pub raw: &'a [u8],
}

impl Hsrp<'_> {
    pub fn version(&self) -> Option<u8> {
        self.raw.first().copied()
    }

    pub fn op_code(&self) -> Option<u8> {
        self.raw.get(1).copied()
    }

    pub fn state(&self) -> Option<u8> {
        self.raw.get(2).copied()
    }

    pub fn priority(&self) -> Option<u8> {
        self.raw.get(5).copied()
    }

    pub fn group(&self) -> Option<u8> {
        self.raw.get(6).copied()
    }

    /// The virtual IP address the group shares.
    pub fn virtual_addr(&self) -> Option<std::net::Ipv4Addr> {
        let a: [u8; 4] = super::array(self.raw, 16)?;
        Some(a.into())
    }
}

/// Records an HSRP message when the datagram goes to port 1985.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    if super::udp_dport(layers) == Some(PORT) {
        layers.push(Layer::Hsrp(Hsrp { raw: b }));
    }
    Next::consumed(b, Upper::Nothing)
}
