//! Raw IP link types (LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6): no link header; the
//! version nibble says IPv4 or IPv6, as tcpdump reads all three.

use super::{Context, Layer, Next, StopReason, Upper};

/// Hands the packet to the IP decoder its version nibble names.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, _layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let upper = match b.first() {
        Some(v) => Upper::IpVersion(v >> 4),
        None => Upper::Stop(StopReason::Truncated),
    };
    Next { rest: b, upper }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_nibble() {
        let mut cx = Context::default();
        let mut layers = Vec::new();
        assert_eq!(
            decode(&[0x45], &mut cx, &mut layers).upper,
            Upper::IpVersion(4)
        );
        assert_eq!(
            decode(&[0x60], &mut cx, &mut layers).upper,
            Upper::IpVersion(6)
        );
        assert_eq!(
            decode(&[], &mut cx, &mut layers).upper,
            Upper::Stop(StopReason::Truncated)
        );
        assert!(layers.is_empty());
    }
}
