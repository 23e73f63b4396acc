//! NTP (RFC 5905) time and control messages: recognised by port, printed from the payload
//! bytes by `print/text/ntp.rs` (tcpdump's printer is a byte walker); the fields JSON
//! reports are read here.

use super::{Context, Layer, Next, Upper};

/// An NTP message as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ntp<'a> {
    pub raw: &'a [u8],
}

/// Mode 6: control messages (RFC 1305 appendix B).
pub const MODE_CONTROL: u8 = 6;

impl Ntp<'_> {
    /// The version number (bits 3-5 of the first byte).
    pub fn version(&self) -> Option<u8> {
        self.raw.first().map(|b| (b >> 3) & 7)
    }

    /// The association mode (the low three bits of the first byte).
    pub fn mode(&self) -> Option<u8> {
        self.raw.first().map(|b| b & 7)
    }

    /// The stratum of a time message (not of a control message).
    pub fn stratum(&self) -> Option<u8> {
        match self.mode()? {
            0..=5 => self.raw.get(1).copied(),
            _ => None,
        }
    }
}

/// Takes the whole payload as one NTP message.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Ntp(Ntp { raw: b }));
    Next::consumed(b, Upper::Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_as_far_as_captured() {
        let m = [0x23, 2, 6, 0xe9];
        for k in 0..=m.len() {
            let mut layers = Vec::new();
            let next = decode(&m[..k], &mut Context::default(), &mut layers);
            assert!(next.rest.is_empty());
            let [Layer::Ntp(n)] = layers[..] else {
                panic!("{layers:?}")
            };
            assert_eq!(n.mode(), (k > 0).then_some(3));
            assert_eq!(n.version(), (k > 0).then_some(4));
            assert_eq!(n.stratum(), (k > 1).then_some(2));
        }
        assert_eq!(Ntp { raw: &[0x16, 9] }.stratum(), None);
    }
}
