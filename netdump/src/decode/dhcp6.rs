//! DHCPv6 (RFC 8415) messages: recognised by port (546/547); `print/text/dhcp6.rs` prints
//! them from the bytes as tcpdump's byte walker does; the fields JSON reports are read here.

use super::{be16, be32, Context, Layer, Next, Upper};

/// A DHCPv6 message as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dhcp6<'a> {
    pub raw: &'a [u8],
}

pub const RELAY_FORW: u8 = 12;
pub const RELAY_REPLY: u8 = 13;

impl<'a> Dhcp6<'a> {
    pub fn msg_type(&self) -> Option<u8> {
        self.raw.first().copied()
    }

    /// The transaction id (not in relay messages).
    pub fn xid(&self) -> Option<u32> {
        match self.msg_type()? {
            RELAY_FORW | RELAY_REPLY => None,
            _ => be32(self.raw, 0).map(|v| v & 0x00ff_ffff),
        }
    }

    /// The option codes of the message's top level, as far as captured whole.
    pub fn option_codes(&self) -> Vec<u16> {
        let start = match self.msg_type() {
            Some(RELAY_FORW | RELAY_REPLY) => 34,
            _ => 4,
        };
        let mut codes = Vec::new();
        let mut at = start;
        while let (Some(code), Some(len)) = (be16(self.raw, at), be16(self.raw, at + 2)) {
            let end = at + 4 + usize::from(len);
            if end > self.raw.len() {
                break;
            }
            codes.push(code);
            at = end;
        }
        codes
    }
}

/// Takes the whole payload as one DHCPv6 message.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Dhcp6(Dhcp6 { raw: b }));
    Next::consumed(b, Upper::Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_as_far_as_captured() {
        let m = [1, 0xaa, 0xbb, 0xcc, 0, 8, 0, 2, 0, 0, 0, 14, 0, 0];
        let d = Dhcp6 { raw: &m };
        assert_eq!((d.msg_type(), d.xid()), (Some(1), Some(0xaabbcc)));
        assert_eq!(d.option_codes(), [8, 14]);
        for k in 0..m.len() {
            let mut layers = Vec::new();
            decode(&m[..k], &mut Context::default(), &mut layers);
            let [Layer::Dhcp6(d)] = layers[..] else {
                panic!("{layers:?}")
            };
            assert!(d.option_codes().len() <= 2);
            assert_eq!(d.xid().is_some(), k >= 4);
        }
    }
}
