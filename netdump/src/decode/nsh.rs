//! NSH, the network service header (RFC 8300; ethertype 0x894f, VXLAN-GPE's next
//! protocol 4): a base header, a service path header, context headers, then IPv4, IPv6 or
//! an Ethernet frame.

use super::{be32, ethernet, Context, Layer, Next, StopReason, Upper};

pub const ETHERTYPE: u16 = 0x894f;

/// Next protocols.
pub const NP_IPV4: u8 = 1;
pub const NP_IPV6: u8 = 2;
pub const NP_ETHERNET: u8 = 3;

/// An NSH header, as far as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nsh<'a> {
    /// The bytes from the header's first byte to the end of the capture.
    pub raw: &'a [u8],
    /// The length the outer layer gave it.
    pub length: u32,
}

impl<'a> Nsh<'a> {
    pub fn base(&self) -> Option<u32> {
        be32(self.raw, 0)
    }

    pub fn version(&self) -> Option<u8> {
        self.base().map(|b| (b >> 30) as u8)
    }

    pub fn flags(&self) -> Option<u8> {
        self.base().map(|b| ((b >> 28) & 3) as u8)
    }

    pub fn ttl(&self) -> Option<u8> {
        self.base().map(|b| ((b >> 22) & 0x3f) as u8)
    }

    /// Headers' length in 4-byte words (base and service path included).
    pub fn words(&self) -> Option<u32> {
        self.base().map(|b| (b >> 16) & 0x3f)
    }

    pub fn md_type(&self) -> Option<u8> {
        self.base().map(|b| ((b >> 8) & 0xf) as u8)
    }

    pub fn next_protocol(&self) -> Option<u8> {
        self.base().map(|b| b as u8)
    }

    /// Service path id (24 bits).
    pub fn spi(&self) -> Option<u32> {
        let b = self.raw.get(4..7)?;
        Some(u32::from_be_bytes([0, b[0], b[1], b[2]]))
    }

    /// Service index.
    pub fn si(&self) -> Option<u8> {
        self.raw.get(7).copied()
    }

    /// Service path id and service index.
    pub fn service_path(&self) -> Option<(u32, u8)> {
        Some((self.spi()?, self.si()?))
    }

    /// The context headers' bytes as captured (up to the headers' length).
    pub fn context(&self) -> &'a [u8] {
        let end = (self.words().unwrap_or(0) as usize * 4).min(self.raw.len());
        self.raw.get(8..end).unwrap_or_default()
    }
}

/// Decodes an NSH header; its next protocol follows.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let n = Nsh {
        raw: b,
        length: cx.wire_len.unwrap_or(b.len() as u32),
    };
    layers.push(Layer::Nsh(n));
    if n.length < 8 {
        return Next::consumed(b, Upper::Stop(StopReason::Malformed));
    }
    let (Some(words), Some(version), Some(np)) = (n.words(), n.version(), n.next_protocol()) else {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    };
    let hlen = words * 4;
    if version != 0 || n.length < hlen || words < 2 {
        return Next::consumed(b, Upper::Nothing);
    }
    let Some(rest) = b.get(hlen as usize..) else {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    };
    let upper = match np {
        NP_IPV4 => Upper::Ethertype(ethernet::IPV4),
        NP_IPV6 => Upper::Ethertype(ethernet::IPV6),
        NP_ETHERNET => Upper::Ethernet,
        _ => return Next::consumed(b, Upper::Nothing),
    };
    cx.wire_len = Some(n.length - hlen);
    Next { rest, upper }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &[u8], len: u32) -> (Nsh<'_>, Next<'_>) {
        let mut cx = Context {
            wire_len: Some(len),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let Some(Layer::Nsh(n)) = layers.pop() else {
            panic!()
        };
        (n, next)
    }

    #[test]
    fn headers_and_next() {
        let p = [
            0x20, 0x03, 0x02, 1, 0xff, 0xff, 0xff, 0xfe, 0, 1, 2, 1, 0x45,
        ];
        let (n, next) = run(&p, 13);
        assert_eq!(
            (n.flags(), n.words(), n.md_type()),
            (Some(2), Some(3), Some(2))
        );
        assert_eq!(n.service_path(), Some((0xffffff, 0xfe)));
        assert_eq!(n.context(), [0, 1, 2, 1]);
        assert_eq!(next.upper, Upper::Ethertype(0x0800));
        assert_eq!(next.rest, [0x45]);
        for k in 0..12 {
            let (_, next) = run(&p[..k], 13);
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated), "{k}");
        }
    }
}
