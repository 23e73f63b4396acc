//! BSD loopback headers: a 4-byte address family, in the capturing host's byte order
//! (LINKTYPE_NULL) or in network byte order (LINKTYPE_LOOP).

use super::{array, Context, Layer, Next, StopReason, Upper};

pub const HEADER_LEN: usize = 4;
pub const AF_INET: u32 = 2;
pub const AF_ISO: u32 = 7;
pub const AF_APPLETALK: u32 = 16;
pub const AF_IPX: u32 = 23;
/// AF_INET6 as NetBSD, OpenBSD and BSD/OS number it.
pub const AF_INET6_BSD: u32 = 24;
pub const AF_INET6_FREEBSD: u32 = 28;
pub const AF_INET6_DARWIN: u32 = 30;

/// A loopback header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Null {
    /// The address family, in host order whichever order it was written in.
    pub family: u32,
}

/// tcpdump's names for BSD address families (`bsd_af_values`).
pub fn family_name(family: u32) -> Option<&'static str> {
    Some(match family {
        AF_INET => "IPv4",
        6 => "NS",
        AF_ISO => "ISO",
        AF_APPLETALK => "Appletalk",
        AF_IPX => "IPX",
        AF_INET6_BSD | AF_INET6_FREEBSD | AF_INET6_DARWIN => "IPv6",
        _ => return None,
    })
}

/// Decodes a LINKTYPE_NULL header (written in the capturing host's order, like tcpdump
/// reads it on this host).
pub fn decode_null<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    decode(b, cx, layers, u32::from_ne_bytes)
}

/// Decodes a LINKTYPE_LOOP header (network byte order).
pub fn decode_loop<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    decode(b, cx, layers, u32::from_be_bytes)
}

fn decode<'a>(
    b: &'a [u8],
    cx: &mut Context,
    layers: &mut Vec<Layer<'a>>,
    read: fn([u8; 4]) -> u32,
) -> Next<'a> {
    let Some(raw) = array::<HEADER_LEN>(b, 0) else {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    };
    // The capturing host may have had the other byte order; families are small numbers.
    let mut family = read(raw);
    if family & 0xffff_0000 != 0 {
        family = family.swap_bytes();
    }
    layers.push(Layer::Null(Null { family }));
    cx.wire_len = cx.wire_len.map(|l| l.saturating_sub(HEADER_LEN as u32));
    Next {
        rest: &b[HEADER_LEN..],
        upper: Upper::AddressFamily(family),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dec: super::super::Decoder, b: &[u8]) -> (Vec<Layer<'_>>, Next<'_>) {
        let mut cx = Context {
            wire_len: Some(b.len() as u32),
            ip: None,
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = dec(b, &mut cx, &mut layers);
        (layers, next)
    }

    #[test]
    fn either_byte_order() {
        for f in [[2, 0, 0, 0, 0x45], [0, 0, 0, 2, 0x45]] {
            for dec in [decode_null as super::super::Decoder, decode_loop] {
                let (layers, next) = run(dec, &f);
                assert!(matches!(
                    layers[..],
                    [Layer::Null(Null { family: AF_INET })]
                ));
                assert_eq!(next.upper, Upper::AddressFamily(AF_INET));
                assert_eq!(next.rest, [0x45]);
            }
        }
    }

    #[test]
    fn names() {
        assert_eq!(family_name(AF_INET6_DARWIN), Some("IPv6"));
        assert_eq!(family_name(99), None);
    }

    #[test]
    fn cut_short() {
        for k in 0..HEADER_LEN {
            let (layers, next) = run(decode_loop, &[0, 0, 0, 2][..k]);
            assert!(layers.is_empty());
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
        }
    }
}
