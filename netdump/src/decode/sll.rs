//! Linux "cooked" capture headers, version 1 (LINKTYPE_LINUX_SLL, 16 bytes) and version 2
//! (LINKTYPE_LINUX_SLL2, 20 bytes, with the interface index), and the VLAN tags after them.

use super::{
    array, be16, be32,
    ethernet::{self, Vlan},
    Context, Layer, Next, StopReason, Upper,
};

pub const V1_HEADER_LEN: usize = 16;
pub const V2_HEADER_LEN: usize = 20;
/// `sll_protocol` values at or below this are not ethertypes.
pub const MAX_NON_ETHERTYPE: u16 = 1500;
/// Novell 802.3 frames without an 802.2 LLC header.
pub const P_802_3: u16 = 0x0001;
/// 802.2 LLC frames.
pub const P_802_2: u16 = 0x0004;
/// The link-layer address type of a frame that carries a radiotap header.
pub const HATYPE_IEEE80211_RADIOTAP: u16 = 803;

/// A Linux cooked v1 header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sll {
    /// 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us.
    pub pkt_type: u16,
    /// ARPHRD_ type of the link-layer address.
    pub hatype: u16,
    /// Length of the link-layer address.
    pub halen: u16,
    /// The link-layer address (its first `halen` bytes, at most 8).
    pub addr: [u8; 8],
    /// An ethertype, or one of the `P_` values.
    pub protocol: u16,
}

/// A Linux cooked v2 header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sll2 {
    /// An ethertype, or one of the `P_` values.
    pub protocol: u16,
    pub ifindex: u32,
    pub hatype: u16,
    pub pkt_type: u8,
    pub halen: u8,
    pub addr: [u8; 8],
}

/// tcpdump's name for a packet type (`sll_pkttype_values`).
pub fn pkt_type_name(pkt_type: u16) -> &'static str {
    use netdump_common::pkt_type::{BROADCAST, HOST, MULTICAST, OTHERHOST, OUTGOING};
    match u8::try_from(pkt_type) {
        Ok(HOST) => "In",
        Ok(BROADCAST) => "B",
        Ok(MULTICAST) => "M",
        Ok(OTHERHOST) => "P",
        Ok(OUTGOING) => "Out",
        _ => "?",
    }
}

/// Decodes a cooked v1 header and its VLAN tags.
pub fn decode_v1<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let (Some(pkt_type), Some(hatype), Some(halen), Some(addr), Some(protocol)) =
        (be16(b, 0), be16(b, 2), be16(b, 4), array(b, 6), be16(b, 14))
    else {
        return truncated(b);
    };
    layers.push(Layer::Sll(Sll {
        pkt_type,
        hatype,
        halen,
        addr,
        protocol,
    }));
    payload(
        &b[V1_HEADER_LEN..],
        V1_HEADER_LEN,
        hatype,
        protocol,
        cx,
        layers,
    )
}

/// Decodes a cooked v2 header and its VLAN tags.
pub fn decode_v2<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let (Some(protocol), Some(ifindex), Some(hatype), Some(&pkt_type), Some(&halen), Some(addr)) = (
        be16(b, 0),
        be32(b, 4),
        be16(b, 8),
        b.get(10),
        b.get(11),
        array(b, 12),
    ) else {
        return truncated(b);
    };
    layers.push(Layer::Sll2(Sll2 {
        protocol,
        ifindex,
        hatype,
        pkt_type,
        halen,
        addr,
    }));
    payload(
        &b[V2_HEADER_LEN..],
        V2_HEADER_LEN,
        hatype,
        protocol,
        cx,
        layers,
    )
}

fn truncated(b: &[u8]) -> Next<'_> {
    Next::consumed(b, Upper::Stop(StopReason::Truncated))
}

/// What follows the header: VLAN tags (802.1Q only, as tcpdump), then the protocol.
fn payload<'a>(
    b: &'a [u8],
    header_len: usize,
    hatype: u16,
    protocol: u16,
    cx: &mut Context,
    layers: &mut Vec<Layer<'a>>,
) -> Next<'a> {
    let mut length = cx.wire_len.map(|l| l.saturating_sub(header_len as u32));
    cx.wire_len = length;
    if hatype == HATYPE_IEEE80211_RADIOTAP {
        return Next {
            rest: b,
            upper: Upper::Stop(StopReason::Unsupported),
        };
    }
    let mut protocol = protocol;
    let mut at = 0;
    while protocol == ethernet::VLAN {
        let (Some(tci), Some(next)) = (be16(b, at), be16(b, at + 2)) else {
            // As tcpdump: a cut-short tag belongs to the link-level header.
            return truncated(b);
        };
        // A length after a tag means an 802.2 LLC header follows.
        let next = if next <= MAX_NON_ETHERTYPE {
            P_802_2
        } else {
            next
        };
        layers.push(Layer::Vlan(Vlan {
            tpid: protocol,
            tci,
            ethertype: next,
        }));
        protocol = next;
        at += 4;
        length = length.map(|l| l.saturating_sub(4));
        cx.wire_len = length;
    }
    Next {
        rest: &b[at..],
        upper: Upper::Ethertype(protocol),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dec: super::super::Decoder, b: &[u8]) -> (Vec<Layer<'_>>, Next<'_>, Context) {
        let mut cx = Context {
            wire_len: Some(b.len() as u32),
            ip: None,
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = dec(b, &mut cx, &mut layers);
        (layers, next, cx)
    }

    fn v1(protocol: u16, payload: &[u8]) -> Vec<u8> {
        let mut h = vec![0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0xa, 0, 0];
        h.extend_from_slice(&protocol.to_be_bytes());
        h.extend_from_slice(payload);
        h
    }

    fn v2(protocol: u16, payload: &[u8]) -> Vec<u8> {
        let mut h = protocol.to_be_bytes().to_vec();
        h.extend_from_slice(&[0, 0, 0, 0, 0, 7, 0, 1, 2, 6, 2, 0, 0, 0, 0, 0xa, 0, 0]);
        h.extend_from_slice(payload);
        h
    }

    #[test]
    fn v1_header() {
        let f = v1(ethernet::IPV4, &[0x45]);
        let (layers, next, cx) = run(decode_v1, &f);
        let [Layer::Sll(s)] = layers[..] else {
            panic!("{layers:?}")
        };
        assert_eq!((s.pkt_type, s.hatype, s.halen), (4, 1, 6));
        assert_eq!(pkt_type_name(s.pkt_type), "Out");
        assert_eq!(s.addr[..6], [2, 0, 0, 0, 0, 0xa]);
        assert_eq!(next.upper, Upper::Ethertype(ethernet::IPV4));
        assert_eq!(next.rest, [0x45]);
        assert_eq!(cx.wire_len, Some(1));
    }

    #[test]
    fn v2_header_with_a_tag() {
        let f = v2(ethernet::VLAN, &[0x30, 0x05, 0x86, 0xdd, 0x60]);
        let (layers, next, cx) = run(decode_v2, &f);
        let [Layer::Sll2(s), Layer::Vlan(v)] = layers[..] else {
            panic!("{layers:?}")
        };
        assert_eq!((s.ifindex, s.pkt_type, s.halen), (7, 2, 6));
        assert_eq!((v.id(), v.ethertype), (5, ethernet::IPV6));
        assert_eq!(next.upper, Upper::Ethertype(ethernet::IPV6));
        assert_eq!(next.rest, [0x60]);
        assert_eq!(cx.wire_len, Some(1));
    }

    #[test]
    fn a_length_after_a_tag_means_llc() {
        let f = v1(ethernet::VLAN, &[0, 5, 0, 40, 0xaa]);
        let (_, next, _) = run(decode_v1, &f);
        assert_eq!(next.upper, Upper::Ethertype(P_802_2));
    }

    #[test]
    fn cut_short() {
        let f = v2(ethernet::VLAN, &[0x30, 0x05, 0x08, 0x00]);
        for k in 0..V2_HEADER_LEN {
            let (layers, next, _) = run(decode_v2, &f[..k]);
            assert!(layers.is_empty());
            assert!(next.rest.is_empty());
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
        }
        for k in V2_HEADER_LEN..f.len() {
            let (layers, next, _) = run(decode_v2, &f[..k]);
            assert_eq!(layers.len(), 1);
            assert!(next.rest.is_empty());
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
        }
        let g = v1(ethernet::IPV4, &[]);
        assert_eq!(
            run(decode_v1, &g[..15]).1.upper,
            Upper::Stop(StopReason::Truncated)
        );
    }

    #[test]
    fn radiotap_is_not_decoded() {
        let mut f = v1(ethernet::IPV4, &[1, 2]);
        f[2..4].copy_from_slice(&HATYPE_IEEE80211_RADIOTAP.to_be_bytes());
        let (_, next, _) = run(decode_v1, &f);
        assert_eq!(next.upper, Upper::Stop(StopReason::Unsupported));
    }
}
