//! IGMP (RFC 1112, 2236, 3376) and the multicast traceroute messages carried in it: the
//! type, the group, and the bytes after them for the printer to walk.

use std::net::Ipv4Addr;

use super::{array, be16, Context, IpInfo, Layer, Next, StopReason, Upper};

pub const QUERY: u8 = 0x11;
pub const V1_REPORT: u8 = 0x12;
pub const DVMRP: u8 = 0x13;
pub const PIMV1: u8 = 0x14;
pub const V2_REPORT: u8 = 0x16;
pub const LEAVE: u8 = 0x17;
pub const MTRACE_RESP: u8 = 0x1e;
pub const MTRACE: u8 = 0x1f;
pub const V3_REPORT: u8 = 0x22;

/// An IGMP message, as far as it was captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Igmp<'a> {
    /// The message's captured bytes (up to the IP header's length).
    pub raw: &'a [u8],
    /// The IP layer's addresses and lengths (`ip.length`: the message's length).
    pub ip: IpInfo,
}

impl Igmp<'_> {
    pub fn igmp_type(&self) -> Option<u8> {
        self.raw.first().copied()
    }

    /// Max response time (queries, in tenths of a second or IGMPv3's code), or code.
    pub fn code(&self) -> Option<u8> {
        self.raw.get(1).copied()
    }

    pub fn checksum(&self) -> Option<u16> {
        be16(self.raw, 2)
    }

    /// The group address of queries, reports and leaves.
    pub fn group(&self) -> Option<Ipv4Addr> {
        array::<4>(self.raw, 4).map(Ipv4Addr::from)
    }
}

/// Decodes an IGMP message; nothing follows it.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let Some(ip) = cx.ip else {
        return Next {
            rest: b,
            upper: Upper::Stop(StopReason::Unsupported),
        };
    };
    layers.push(Layer::Igmp(Igmp { raw: b, ip }));
    Next::end(b, b.len() >= 8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Addrs;

    #[test]
    fn report_and_every_cut() {
        let msg = [0x16, 0, 0xfa, 0x04, 239, 255, 255, 250];
        let ip = IpInfo {
            addrs: Addrs::V4(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST),
            length: 8,
            fragmented: false,
        };
        for k in 0..=msg.len() {
            let mut cx = Context {
                ip: Some(ip),
                ..Context::default()
            };
            let mut layers = Vec::new();
            let next = decode(&msg[..k], &mut cx, &mut layers);
            let [Layer::Igmp(g)] = layers[..] else {
                panic!("{layers:?}")
            };
            assert_eq!(g.group().is_some(), k == 8);
            assert_eq!(
                next.upper == Upper::Nothing,
                k == 8,
                "{k}: {:?}",
                next.upper
            );
        }
        let g = Igmp { raw: &msg, ip };
        assert_eq!(g.igmp_type(), Some(V2_REPORT));
        assert_eq!(g.group(), Some(Ipv4Addr::new(239, 255, 255, 250)));
    }
}
