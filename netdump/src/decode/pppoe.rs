//! PPPoE (RFC 2516): discovery (ethertype 0x8863, tags) and session (0x8864, a PPP frame).

use super::{be16, Context, Layer, Next, StopReason, Upper};

pub const DISCOVERY: u16 = 0x8863;
pub const SESSION: u16 = 0x8864;
pub const HEADER_LEN: usize = 6;

/// A PPPoE header and its payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pppoe<'a> {
    /// The bytes from the header's first byte to the end of the capture.
    pub raw: &'a [u8],
    /// The length the link layer gave it.
    pub length: u32,
}

impl<'a> Pppoe<'a> {
    /// The fixed header, when captured.
    fn fixed(&self) -> Option<[u8; HEADER_LEN]> {
        super::array(self.raw, 0)
    }

    pub fn version(&self) -> Option<u8> {
        self.fixed().map(|f| f[0] >> 4)
    }

    pub fn kind(&self) -> Option<u8> {
        self.fixed().map(|f| f[0] & 0x0f)
    }

    pub fn code(&self) -> Option<u8> {
        self.fixed().map(|f| f[1])
    }

    pub fn session(&self) -> Option<u16> {
        self.fixed().and(be16(self.raw, 2))
    }

    /// The payload length field.
    pub fn payload_len_field(&self) -> Option<u16> {
        self.fixed().and(be16(self.raw, 4))
    }

    /// The payload's length: the field, or what the link layer left when that is less.
    pub fn payload_len(&self) -> u32 {
        let left = self.length.saturating_sub(HEADER_LEN as u32);
        self.payload_len_field()
            .map_or(0, |l| u32::from(l).min(left))
    }

    /// The captured payload, up to its length.
    pub fn payload(&self) -> &'a [u8] {
        let b = self.raw.get(HEADER_LEN..).unwrap_or_default();
        &b[..(self.payload_len() as usize).min(b.len())]
    }
}

/// Decodes a PPPoE header; a session's PPP frame follows.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let p = Pppoe {
        raw: b,
        length: cx.wire_len.unwrap_or(b.len() as u32),
    };
    layers.push(Layer::Pppoe(p));
    if p.length < HEADER_LEN as u32 {
        return Next::consumed(b, Upper::Stop(StopReason::Malformed));
    }
    let Some(code) = p.code() else {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    };
    if code != 0 {
        return Next::consumed(b, Upper::Nothing);
    }
    cx.wire_len = Some(p.payload_len());
    Next {
        rest: p.payload(),
        upper: Upper::Ppp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_and_discovery() {
        let s = [0x11, 0, 0, 0x17, 0, 4, 0xc0, 0x21, 9, 1, 0xee];
        let mut cx = Context {
            wire_len: Some(11),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(&s, &mut cx, &mut layers);
        assert_eq!(next.upper, Upper::Ppp);
        assert_eq!(next.rest, [0xc0, 0x21, 9, 1]);
        assert_eq!(cx.wire_len, Some(4));
        let Layer::Pppoe(p) = layers[0] else { panic!() };
        assert_eq!(
            (p.session(), p.version(), p.kind()),
            (Some(0x17), Some(1), Some(1))
        );
        for k in 0..HEADER_LEN {
            let mut layers = Vec::new();
            let mut cx = Context {
                wire_len: Some(11),
                ..Context::default()
            };
            let next = decode(&s[..k], &mut cx, &mut layers);
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
        }
    }
}
