//! PPTP control connections (RFC 2637, TCP 1723): the fixed 12-byte header and the control
//! message after it. The printer reads the fields from the bytes (tcpdump's `pptp_print`
//! is a walk over fixed layouts); this decoder only recognises the message.

use super::{Context, Layer, Next, Upper};

pub const PORT: u16 = 1723;
pub const MAGIC_COOKIE: u32 = 0x1a2b_3c4d;
pub const HEADER_LEN: usize = 12;

/// A PPTP control message, as far as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pptp<'a> {
    pub raw: &'a [u8],
}

impl Pptp<'_> {
    pub fn length(&self) -> Option<u16> {
        super::be16(self.raw, 0)
    }

    pub fn msg_type(&self) -> Option<u16> {
        super::be16(self.raw, 2)
    }

    pub fn magic(&self) -> Option<u32> {
        super::be32(self.raw, 4)
    }

    pub fn ctrl_type(&self) -> Option<u16> {
        super::be16(self.raw, 8)
    }

    /// The message body after the 12-byte header.
    pub fn body(&self) -> &[u8] {
        self.raw.get(HEADER_LEN..).unwrap_or_default()
    }
}

/// Recognises a PPTP control message; nothing follows it.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Pptp(Pptp { raw: b }));
    Next::consumed(b, Upper::Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields() {
        let m = [0, 24, 0, 1, 0x1a, 0x2b, 0x3c, 0x4d, 0, 15, 0, 0, 9];
        let mut layers = Vec::new();
        decode(&m, &mut Context::default(), &mut layers);
        let Layer::Pptp(p) = layers[0] else { panic!() };
        assert_eq!(
            (p.length(), p.msg_type(), p.ctrl_type()),
            (Some(24), Some(1), Some(15))
        );
        assert_eq!(p.magic(), Some(MAGIC_COOKIE));
        assert_eq!(p.body(), [9]);
        for k in 0..m.len() {
            let p = Pptp { raw: &m[..k] };
            let _ = (p.length(), p.magic(), p.ctrl_type(), p.body());
        }
    }
}
