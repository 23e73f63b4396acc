//! VRRP (RFC 3768 v2, RFC 5798 v3) and, with `-T carp`, OpenBSD's CARP, which shares IP
//! protocol 112 (tcpdump tells them apart only by the user's `-T`).

use super::{Context, IpInfo, Layer, Next, StopReason, Upper};

pub const PROTO_VRRP: u8 = 112;

/// A VRRP (or CARP) message as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vrrp<'a> {
    /// The message's captured bytes.
    pub raw: &'a [u8],
    /// The IP layer's addresses and the message's length by the IP header.
    pub ip: IpInfo,
    /// Read as CARP (`-T carp`).
    pub carp: bool,
}

impl Vrrp<'_> {
    pub fn version(&self) -> Option<u8> {
        self.raw.first().map(|b| b >> 4)
    }

    pub fn msg_type(&self) -> Option<u8> {
        self.raw.first().map(|b| b & 0x0f)
    }

    /// The virtual router id (CARP: the virtual host id).
    pub fn vrid(&self) -> Option<u8> {
        self.raw.get(1).copied()
    }

    /// VRRP's priority (CARP: the advertisement skew).
    pub fn priority(&self) -> Option<u8> {
        self.raw.get(2).copied()
    }
}

/// Records a VRRP or CARP message; nothing follows it.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let Some(ip) = cx.ip else {
        return Next::consumed(b, Upper::Stop(StopReason::Unsupported));
    };
    layers.push(Layer::Vrrp(Vrrp {
        raw: b,
        ip,
        carp: cx.opts.carp,
    }));
    Next::end(b, !b.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Addrs;
    use std::net::Ipv4Addr;

    #[test]
    fn fields_and_cut_messages() {
        let b = [0x21, 42, 191, 1, 1, 10, 0, 0, 10, 4, 42, 1];
        let mut cx = Context {
            ip: Some(IpInfo {
                addrs: Addrs::V4(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST),
                length: 12,
                fragmented: false,
            }),
            ..Context::default()
        };
        for k in 0..=b.len() {
            let mut layers = Vec::new();
            let next = decode(&b[..k], &mut cx, &mut layers);
            let Layer::Vrrp(v) = layers[0] else { panic!() };
            assert_eq!(next.upper == Upper::Nothing, k > 0);
            if k >= 3 {
                assert_eq!((v.version(), v.msg_type()), (Some(2), Some(1)));
                assert_eq!((v.vrid(), v.priority()), (Some(42), Some(191)));
            }
        }
    }
}
