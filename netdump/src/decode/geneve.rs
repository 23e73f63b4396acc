//! Geneve (RFC 8926, UDP 6081): an 8-byte header, variable-length options, and a payload
//! named by an ethertype (transparent Ethernet bridging for a frame).

use super::{be16, be32, gre, Context, Layer, Next, StopReason, Upper};

pub const PORT: u16 = 6081;
pub const HEADER_LEN: usize = 8;

/// A Geneve header, as far as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geneve<'a> {
    /// The bytes from the header's first byte to the end of the capture.
    pub raw: &'a [u8],
    /// The UDP payload's length.
    pub length: u32,
}

/// One option (class, type, whole length in bytes, data) as the header holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opt<'a> {
    pub class: u16,
    pub kind: u8,
    /// Header included (4 + 4 * the length field).
    pub len: u32,
    /// The captured data after the option's 4-byte header, up to `len`.
    pub data: &'a [u8],
}

impl<'a> Geneve<'a> {
    /// The fixed header, when captured.
    fn fixed(&self) -> Option<[u8; HEADER_LEN]> {
        super::array(self.raw, 0)
    }

    pub fn version(&self) -> Option<u8> {
        self.raw.first().map(|b| b >> 6)
    }

    /// Bytes of options, by the header.
    pub fn options_len(&self) -> Option<u32> {
        self.raw.first().map(|b| u32::from(b & 0x3f) * 4)
    }

    pub fn flags(&self) -> Option<u8> {
        self.fixed().map(|f| f[1])
    }

    pub fn protocol(&self) -> Option<u16> {
        self.fixed().and(be16(self.raw, 2))
    }

    pub fn vni(&self) -> Option<u32> {
        self.fixed().and(be32(self.raw, 4)).map(|w| w >> 8)
    }

    pub fn reserved(&self) -> Option<u8> {
        self.fixed().map(|f| f[7])
    }

    /// The options' bytes, when all of them were captured.
    pub fn options(&self) -> Option<&'a [u8]> {
        let n = self.options_len()? as usize;
        self.raw.get(HEADER_LEN..HEADER_LEN.checked_add(n)?)
    }

    /// The options in order; an option whose length runs past the rest is the last, with
    /// its data cut to what is there.
    pub fn option_list(&self) -> Vec<Opt<'a>> {
        let mut list = Vec::new();
        let mut b = self.options().unwrap_or_default();
        while let (Some(class), Some(&kind), Some(&l)) = (be16(b, 0), b.get(2), b.get(3)) {
            let len = 4 + u32::from(l & 0x1f) * 4;
            let end = (len as usize).min(b.len());
            list.push(Opt {
                class,
                kind,
                len,
                data: &b[4..end],
            });
            b = &b[end..];
        }
        list
    }
}

/// Decodes a Geneve header and its options; the payload follows by its ethertype.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let g = Geneve {
        raw: b,
        length: cx.wire_len.unwrap_or(b.len() as u32),
    };
    layers.push(Layer::Geneve(g));
    if g.length < HEADER_LEN as u32 {
        return Next::consumed(b, Upper::Stop(StopReason::Malformed));
    }
    let (Some(_), Some(proto), Some(opts)) = (g.fixed(), g.protocol(), g.options_len()) else {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    };
    if g.version() != Some(0) || g.length - (HEADER_LEN as u32) < opts {
        return Next::consumed(b, Upper::Nothing);
    }
    if g.options().is_none() {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    }
    let at = HEADER_LEN + opts as usize;
    cx.wire_len = Some(g.length - at as u32);
    Next {
        rest: &b[at..],
        upper: if proto == gre::PROTO_TEB {
            Upper::Ethernet
        } else {
            Upper::Ethertype(proto)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &[u8], len: u32) -> (Geneve<'_>, Next<'_>) {
        let mut cx = Context {
            wire_len: Some(len),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let Some(Layer::Geneve(g)) = layers.pop() else {
            panic!()
        };
        (g, next)
    }

    const P: [u8; 17] = [
        2, 0x40, 0x08, 0, 0, 0, 10, 0, 0, 0, 0x80, 1, 0xde, 0xad, 0xbe, 0xef, 0x45,
    ];

    #[test]
    fn options_and_payload() {
        let (g, next) = run(&P, 17);
        assert_eq!(
            (g.flags(), g.vni(), g.options_len()),
            (Some(0x40), Some(10), Some(8))
        );
        let opts = g.option_list();
        assert_eq!(opts.len(), 1);
        assert_eq!((opts[0].class, opts[0].kind, opts[0].len), (0, 0x80, 8));
        assert_eq!(opts[0].data, [0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(next.upper, Upper::Ethertype(0x0800));
        assert_eq!(next.rest, [0x45]);
    }

    #[test]
    fn cut_everywhere() {
        for k in 0..16 {
            let (g, next) = run(&P[..k], 17);
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
            let _ = g.option_list();
        }
        let (_, next) = run(&P, 7);
        assert_eq!(next.upper, Upper::Stop(StopReason::Malformed));
        // Options longer than the datagram: nothing follows.
        let (_, next) = run(&P, 12);
        assert_eq!(next.upper, Upper::Nothing);
    }
}
