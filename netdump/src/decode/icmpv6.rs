//! ICMPv6 (RFC 4443) with neighbor discovery (RFC 4861) and MLDv2 reports (RFC 3810).

use std::net::Ipv6Addr;

use super::{array, be16, be32, Context, IpInfo, Layer, Next, StopReason, Upper};

pub const HEADER_LEN: usize = 8;
pub const ECHO_REQUEST: u8 = 128;
pub const ECHO_REPLY: u8 = 129;
pub const ROUTER_SOLICITATION: u8 = 133;
pub const NEIGHBOR_SOLICITATION: u8 = 135;
pub const NEIGHBOR_ADVERTISEMENT: u8 = 136;
pub const MLDV2_REPORT: u8 = 143;

/// An ICMPv6 message, as far as it was captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Icmpv6<'a> {
    /// The message's captured bytes (up to the IP header's length).
    pub raw: &'a [u8],
    /// The IP layer's addresses and lengths.
    pub ip: IpInfo,
}

impl<'a> Icmpv6<'a> {
    pub fn icmp_type(&self) -> Option<u8> {
        self.raw.first().copied()
    }

    pub fn code(&self) -> Option<u8> {
        self.raw.get(1).copied()
    }

    pub fn checksum(&self) -> Option<u16> {
        be16(self.raw, 2)
    }

    /// The message as long as the IP header says, when all of it was captured.
    pub fn whole(&self) -> Option<&'a [u8]> {
        self.raw.get(..self.ip.length as usize)
    }

    /// The captured part of the message, no longer than the IP header says.
    pub fn captured(&self) -> &'a [u8] {
        let end = (self.ip.length as usize).min(self.raw.len());
        &self.raw[..end]
    }

    /// Echo: identifier and sequence number.
    pub fn id_seq(&self) -> Option<(u16, u16)> {
        Some((be16(self.raw, 4)?, be16(self.raw, 6)?))
    }

    /// Neighbor solicitation and advertisement: the target address.
    pub fn target(&self) -> Option<Ipv6Addr> {
        array::<16>(self.raw, 8).map(Ipv6Addr::from)
    }

    /// Neighbor advertisement: router, solicited, override flags (the top three bits).
    pub fn na_flags(&self) -> Option<u32> {
        be32(self.raw, 4)
    }

    /// MLDv2 report: the number of group records.
    pub fn mld_records(&self) -> Option<u16> {
        be16(self.raw, 6)
    }

    /// Neighbor discovery options, which start `at` bytes in (8 for a router solicitation,
    /// 24 for neighbor solicitations and advertisements).
    pub fn nd_options(&self, at: usize) -> NdOptions<'a> {
        NdOptions {
            rest: self.captured().get(at..).unwrap_or_default(),
        }
    }

    /// All eight header bytes were captured.
    pub fn header_complete(&self) -> bool {
        self.raw.len() >= HEADER_LEN
    }
}

/// One neighbor discovery option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NdOption<'a> {
    pub kind: u8,
    /// The length field (in units of 8 bytes).
    pub len8: u8,
    /// The bytes after kind and length.
    pub data: &'a [u8],
}

/// Neighbor discovery options; ends at a zero length or one running past the bytes.
#[derive(Clone, Copy, Debug)]
pub struct NdOptions<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for NdOptions<'a> {
    type Item = NdOption<'a>;

    fn next(&mut self) -> Option<NdOption<'a>> {
        let (&kind, &len8) = (self.rest.first()?, self.rest.get(1)?);
        let len = usize::from(len8) * 8;
        if len == 0 || len > self.rest.len() {
            return None;
        }
        let data = &self.rest[2..len];
        self.rest = &self.rest[len..];
        Some(NdOption { kind, len8, data })
    }
}

/// One MLDv2 group record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupRecord {
    pub kind: u8,
    pub group: Ipv6Addr,
    pub sources: u16,
    /// Whether all the record's source addresses were captured.
    pub sources_captured: bool,
}

/// The MLDv2 report's group records from `msg` (the message from its first byte): up to
/// `n`, ending early (None) where a record's fixed part was not captured.
pub fn group_records(msg: &[u8], n: u16) -> impl Iterator<Item = Option<GroupRecord>> + '_ {
    let mut at = 8usize;
    let mut done = false;
    (0..n).map_while(move |_| {
        if done {
            return None;
        }
        let (Some(&kind), Some(sources), Some(g)) =
            (msg.get(at), be16(msg, at + 2), array::<16>(msg, at + 4))
        else {
            done = true;
            return Some(None);
        };
        let end = at + 20 + usize::from(sources) * 16;
        let sources_captured = msg.len() >= end;
        done = !sources_captured;
        at = end;
        Some(Some(GroupRecord {
            kind,
            group: Ipv6Addr::from(g),
            sources,
            sources_captured,
        }))
    })
}

/// Decodes an ICMPv6 message. Nothing follows.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let Some(ip) = cx.ip else {
        return Next {
            rest: b,
            upper: Upper::Stop(StopReason::Unsupported),
        };
    };
    let m = Icmpv6 { raw: b, ip };
    layers.push(Layer::Icmpv6(m));
    Next::end(b, m.header_complete())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Addrs;

    fn run(b: &[u8], length: u32) -> (Icmpv6<'_>, Upper) {
        let mut cx = Context {
            wire_len: None,
            ip: Some(IpInfo {
                addrs: Addrs::V6(Ipv6Addr::LOCALHOST, Ipv6Addr::LOCALHOST),
                length,
                fragmented: false,
            }),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let [Layer::Icmpv6(m)] = layers[..] else {
            panic!("{layers:?}")
        };
        (m, next.upper)
    }

    fn solicitation() -> Vec<u8> {
        let mut m = vec![NEIGHBOR_SOLICITATION, 0, 0x12, 0x34, 0, 0, 0, 0];
        m.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
        m.extend_from_slice(&[1, 1, 2, 0, 0, 0, 0, 0xa]);
        m
    }

    #[test]
    fn neighbor_solicitation_with_an_option() {
        let m = solicitation();
        let (v, upper) = run(&m, m.len() as u32);
        assert_eq!(upper, Upper::Nothing);
        assert_eq!(v.target(), Some(Ipv6Addr::LOCALHOST));
        assert_eq!(v.checksum(), Some(0x1234));
        let opts: Vec<_> = v.nd_options(24).collect();
        assert_eq!(
            opts,
            [NdOption {
                kind: 1,
                len8: 1,
                data: &[2, 0, 0, 0, 0, 0xa]
            }]
        );
        assert_eq!(v.whole().map(<[u8]>::len), Some(32));
    }

    #[test]
    fn cut_short() {
        let m = solicitation();
        for k in 0..m.len() {
            let (v, upper) = run(&m[..k], m.len() as u32);
            assert_eq!(upper == Upper::Nothing, k >= HEADER_LEN);
            assert_eq!(v.target().is_some(), k >= 24);
            assert_eq!(v.whole(), None);
            assert!(v.nd_options(24).count() <= usize::from(k >= 32));
        }
    }

    #[test]
    fn nd_option_of_zero_length_ends_the_walk() {
        let mut m = solicitation();
        m[25] = 0;
        let (v, _) = run(&m, m.len() as u32);
        assert_eq!(v.nd_options(24).count(), 0);
    }

    #[test]
    fn mldv2_records() {
        let mut m = vec![MLDV2_REPORT, 0, 0, 0, 0, 0, 0, 2];
        m.extend_from_slice(&[4, 0, 0, 0]);
        m.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
        m.extend_from_slice(&[1, 0, 0, 1]);
        m.extend_from_slice(&Ipv6Addr::UNSPECIFIED.octets());
        let (v, _) = run(&m, m.len() as u32);
        let recs: Vec<_> = group_records(v.captured(), v.mld_records().unwrap()).collect();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].unwrap().kind, 4);
        assert!(!recs[1].unwrap().sources_captured);
        let recs: Vec<_> = group_records(&m[..27], 2).collect();
        assert_eq!(recs, [None]);
    }
}
