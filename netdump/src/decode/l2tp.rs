//! L2TP version 2 (RFC 2661, UDP 1701): the header (flags, length, tunnel and session ids,
//! sequence numbers, offset padding), then control messages' AVPs (printed from the bytes
//! by the printer, as tcpdump's `l2tp_avp_print` walks them) or a data message's PPP frame.

use super::{be16, Context, Layer, Next, StopReason, Upper};

pub const PORT: u16 = 1701;

pub const FLAG_TYPE: u16 = 0x8000;
pub const FLAG_LENGTH: u16 = 0x4000;
pub const FLAG_SEQUENCE: u16 = 0x0800;
pub const FLAG_OFFSET: u16 = 0x0200;
pub const FLAG_PRIORITY: u16 = 0x0100;
pub const VERSION_L2F: u16 = 1;
pub const VERSION_L2TP: u16 = 2;

/// An L2TP header: each field None when its flag is clear or the capture ended before it
/// (then `cut` is set and the printer ends with `[|l2tp]` after what is there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct L2tp<'a> {
    /// The UDP payload's length.
    pub length: u32,
    pub flags: Option<u16>,
    /// The length field.
    pub len_field: Option<u16>,
    pub tunnel: Option<u16>,
    pub session: Option<u16>,
    /// Ns and Nr (sequence numbers).
    pub ns: Option<u16>,
    pub nr: Option<u16>,
    /// The header ran off the captured bytes.
    pub cut: bool,
    /// Bytes of header (offset padding included), when read whole.
    pub header_len: u32,
    /// The captured bytes after the header.
    pub body: &'a [u8],
}

impl L2tp<'_> {
    pub fn version(&self) -> Option<u16> {
        self.flags.map(|f| f & 0x000f)
    }

    pub fn flag(&self, bit: u16) -> bool {
        self.flags.is_some_and(|f| f & bit != 0)
    }

    /// The message's length: the length field when there is one.
    pub fn message_len(&self) -> u32 {
        self.len_field.map_or(self.length, u32::from)
    }
}

fn fields<'a>(l: &mut L2tp<'a>, b: &'a [u8]) -> Option<()> {
    let flags = be16(b, 0)?;
    l.flags = Some(flags);
    if flags & 0x000f != VERSION_L2TP {
        return Some(());
    }
    let mut at = 2;
    if flags & FLAG_LENGTH != 0 {
        l.len_field = Some(be16(b, at)?);
        at += 2;
    }
    l.tunnel = Some(be16(b, at)?);
    l.session = Some(be16(b, at + 2)?);
    at += 4;
    if flags & FLAG_SEQUENCE != 0 {
        // tcpdump prints Ns before it reads Nr: a cut between them shows Ns alone.
        l.ns = Some(be16(b, at)?);
        l.nr = Some(be16(b, at + 2)?);
        at += 4;
    }
    if flags & FLAG_OFFSET != 0 {
        let pad = usize::from(be16(b, at)?);
        at += 2;
        b.get(at..at.checked_add(pad)?)?;
        at += pad;
    }
    l.header_len = at as u32;
    l.body = &b[at..];
    Some(())
}

/// Decodes an L2TP header; a data message's PPP frame follows.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let mut l = L2tp {
        length: cx.wire_len.unwrap_or(b.len() as u32),
        flags: None,
        len_field: None,
        tunnel: None,
        session: None,
        ns: None,
        nr: None,
        cut: false,
        header_len: 0,
        body: &b[b.len()..],
    };
    l.cut = fields(&mut l, b).is_none();
    layers.push(Layer::L2tp(l));
    if l.cut {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    }
    let len = l.message_len();
    if l.version() != Some(VERSION_L2TP)
        || l.flag(FLAG_TYPE)
        || len > l.length
        || len < l.header_len
    {
        return Next::consumed(b, Upper::Nothing);
    }
    let left = len - l.header_len;
    cx.wire_len = Some(left);
    Next {
        rest: &l.body[..(left as usize).min(l.body.len())],
        upper: Upper::Ppp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &[u8], len: u32) -> (L2tp<'_>, Next<'_>) {
        let mut cx = Context {
            wire_len: Some(len),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let Some(Layer::L2tp(l)) = layers.pop() else {
            panic!()
        };
        (l, next)
    }

    #[test]
    fn data_message_hands_ppp_on() {
        // Offset present (flags 0x0202): two bytes of padding after the offset size.
        let p = [
            0x02, 0x02, 0, 5, 0, 7, 0, 2, 0xaa, 0xbb, 0xff, 0x03, 0xc0, 0x21,
        ];
        let (l, next) = run(&p, 14);
        assert_eq!((l.tunnel, l.session, l.header_len), (Some(5), Some(7), 10));
        assert_eq!(next.upper, Upper::Ppp);
        assert_eq!(next.rest, [0xff, 0x03, 0xc0, 0x21]);
        for k in 0..10 {
            let (l, next) = run(&p[..k], 14);
            assert!(l.cut, "{k}");
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
        }
        let (l, next) = run(&[0x00, 0x02, 0, 5, 0, 7, 0x21], 7);
        assert_eq!((l.header_len, next.rest), (6, &[0x21][..]));
    }

    #[test]
    fn control_message_stays() {
        let p = [0xc8, 0x02, 0, 12, 0, 1, 0, 0, 0, 0, 0, 0];
        let (l, next) = run(&p, 12);
        assert_eq!((l.len_field, l.ns, l.nr), (Some(12), Some(0), Some(0)));
        assert_eq!(next.upper, Upper::Nothing);
        assert!(l.body.is_empty());
    }
}
