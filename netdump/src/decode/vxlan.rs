//! The 8-byte UDP overlay headers that carry a frame or packet: VXLAN (RFC 7348, UDP 4789),
//! VXLAN-GPE (UDP 4790, a next-protocol byte), and Cisco's OTV (UDP 8472, VXLAN's layout
//! with an overlay number).

use super::{be32, ethernet, Context, Layer, Next, StopReason, Upper};

pub const HEADER_LEN: usize = 8;
pub const PORT: u16 = 4789;
pub const GPE_PORT: u16 = 4790;
pub const OTV_PORT: u16 = 8472;

/// VXLAN-GPE next protocols.
pub const GPE_IPV4: u8 = 1;
pub const GPE_IPV6: u8 = 2;
pub const GPE_ETHERNET: u8 = 3;
pub const GPE_NSH: u8 = 4;

/// Which of the three headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Vxlan,
    Gpe,
    Otv,
}

/// One overlay header, as far as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vxlan<'a> {
    pub kind: Kind,
    /// The bytes from the header's first byte to the end of the capture.
    pub raw: &'a [u8],
    /// The UDP payload's length (header included).
    pub length: u32,
}

impl Vxlan<'_> {
    /// The length is too short for the header: tcpdump says "(invalid)".
    pub fn too_short(&self) -> bool {
        self.length < HEADER_LEN as u32
    }

    pub fn flags(&self) -> Option<u8> {
        self.raw.first().copied()
    }

    /// VXLAN-GPE's next protocol.
    pub fn next_protocol(&self) -> Option<u8> {
        self.raw.get(3).copied()
    }

    /// OTV's overlay number (the 24 bits after the flags).
    pub fn overlay(&self) -> Option<u32> {
        be32(self.raw, 0).map(|w| w & 0x00ff_ffff)
    }

    /// The VNI (OTV: instance), the high 24 bits of the second word (its last byte is
    /// reserved and need not be captured).
    pub fn vni(&self) -> Option<u32> {
        let b = self.raw.get(4..7)?;
        Some(u32::from_be_bytes([0, b[0], b[1], b[2]]))
    }

    /// The whole header was captured.
    pub fn complete(&self) -> bool {
        self.raw.len() >= HEADER_LEN
    }

    /// The payload's length by the UDP header.
    pub fn payload_len(&self) -> u32 {
        self.length.saturating_sub(HEADER_LEN as u32)
    }
}

fn decode_kind<'a>(
    kind: Kind,
    b: &'a [u8],
    cx: &mut Context,
    layers: &mut Vec<Layer<'a>>,
) -> Next<'a> {
    let v = Vxlan {
        kind,
        raw: b,
        length: cx.wire_len.unwrap_or(b.len() as u32),
    };
    layers.push(Layer::Vxlan(v));
    if v.too_short() {
        return Next::consumed(b, Upper::Stop(StopReason::Malformed));
    }
    if !v.complete() {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    }
    let upper = match (kind, v.next_protocol()) {
        (Kind::Vxlan | Kind::Otv, _) | (Kind::Gpe, Some(GPE_ETHERNET)) => Upper::Ethernet,
        (Kind::Gpe, Some(GPE_IPV4)) => Upper::Ethertype(ethernet::IPV4),
        (Kind::Gpe, Some(GPE_IPV6)) => Upper::Ethertype(ethernet::IPV6),
        (Kind::Gpe, Some(GPE_NSH)) => Upper::Ethertype(super::nsh::ETHERTYPE),
        (Kind::Gpe, _) => return Next::consumed(b, Upper::Stop(StopReason::Malformed)),
    };
    cx.wire_len = Some(v.payload_len());
    Next {
        rest: &b[HEADER_LEN..],
        upper,
    }
}

/// Decodes a VXLAN header; an Ethernet frame follows.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    decode_kind(Kind::Vxlan, b, cx, layers)
}

/// Decodes a VXLAN-GPE header; what follows is its next protocol.
pub fn decode_gpe<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    decode_kind(Kind::Gpe, b, cx, layers)
}

/// Decodes an OTV header; an Ethernet frame follows.
pub fn decode_otv<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    decode_kind(Kind::Otv, b, cx, layers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(kind: Kind, b: &[u8], len: u32) -> (Vxlan<'_>, Next<'_>, Context) {
        let mut cx = Context {
            wire_len: Some(len),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode_kind(kind, b, &mut cx, &mut layers);
        let Some(Layer::Vxlan(v)) = layers.pop() else {
            panic!()
        };
        (v, next, cx)
    }

    #[test]
    fn vni_and_frame() {
        let p = [8, 0, 0, 0, 0, 0, 100, 0, 0xaa];
        let (v, next, cx) = run(Kind::Vxlan, &p, 9);
        assert_eq!((v.flags(), v.vni()), (Some(8), Some(100)));
        assert_eq!(next.upper, Upper::Ethernet);
        assert_eq!(next.rest, [0xaa]);
        assert_eq!(cx.wire_len, Some(1));
    }

    #[test]
    fn gpe_next_protocols() {
        let mut p = [0x0c, 0, 0, GPE_IPV6, 0, 0, 1, 0];
        assert_eq!(run(Kind::Gpe, &p, 8).1.upper, Upper::Ethertype(0x86dd));
        p[3] = 9;
        assert_eq!(
            run(Kind::Gpe, &p, 8).1.upper,
            Upper::Stop(StopReason::Malformed)
        );
    }

    #[test]
    fn short_and_cut() {
        let p = [8, 0, 0, 0, 0, 0, 100, 0];
        for k in 0..8 {
            let (_, next, _) = run(Kind::Otv, &p[..k], 8);
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
            let (v, next, _) = run(Kind::Vxlan, &p, k as u32);
            assert!(v.too_short());
            assert_eq!(next.upper, Upper::Stop(StopReason::Malformed));
        }
    }
}
