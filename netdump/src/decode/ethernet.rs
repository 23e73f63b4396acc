//! Ethernet II / 802.3 headers and the VLAN tags after them (802.1Q, QinQ 802.1ad, 0x9100).

use super::{array, be16, Context, Layer, Next, StopReason, Upper};

pub const HEADER_LEN: usize = 14;
pub const IPV4: u16 = 0x0800;
pub const ARP: u16 = 0x0806;
pub const RARP: u16 = 0x8035;
/// AppleTalk ARP.
pub const AARP: u16 = 0x80f3;
pub const IPV6: u16 = 0x86dd;
pub const VLAN: u16 = 0x8100;
pub const QINQ: u16 = 0x88a8;
pub const VLAN_9100: u16 = 0x9100;

/// A type/length field at or below this is an 802.3 length, not an ethertype.
pub const MAX_8023_LENGTH: u16 = 1500;

/// An Ethernet header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ethernet {
    pub dst: [u8; 6],
    pub src: [u8; 6],
    /// The type/length field as on the wire (before any VLAN tag).
    pub ethertype: u16,
}

impl Ethernet {
    /// An 802.3 frame: the field is a length and an LLC header follows.
    pub fn is_8023(&self) -> bool {
        self.ethertype <= MAX_8023_LENGTH
    }
}

/// One VLAN tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vlan {
    /// The tag protocol identifier that announced this tag (0x8100, 0x88a8, 0x9100).
    pub tpid: u16,
    /// Priority (3 bits), DEI (1 bit), VLAN id (12 bits).
    pub tci: u16,
    /// The ethertype after the tag.
    pub ethertype: u16,
}

impl Vlan {
    pub fn id(&self) -> u16 {
        self.tci & 0x0fff
    }

    pub fn pcp(&self) -> u8 {
        (self.tci >> 13) as u8
    }

    pub fn dei(&self) -> bool {
        self.tci & 0x1000 != 0
    }
}

/// Whether an ethertype announces a VLAN tag.
pub fn is_vlan(ethertype: u16) -> bool {
    matches!(ethertype, VLAN | QINQ | VLAN_9100)
}

/// Decodes an Ethernet header and its VLAN tags. `cx.wire_len` becomes the length the
/// network layer had on the wire.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let (Some(dst), Some(src), Some(ethertype)) = (array(b, 0), array(b, 6), be16(b, 12)) else {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    };
    let eth = Ethernet {
        dst,
        src,
        ethertype,
    };
    layers.push(Layer::Ethernet(eth));
    let mut length = cx.wire_len.map(|l| l.saturating_sub(HEADER_LEN as u32));
    let mut rest = &b[HEADER_LEN..];
    let mut ethertype = ethertype;
    if ethertype == super::macsec::ETHERTYPE {
        // tcpdump reads a SecTAG in the first type field only, before any VLAN tag.
        cx.wire_len = length;
        let next = super::macsec::decode(rest, cx, layers);
        let Upper::Ethertype(inner) = next.upper else {
            return next;
        };
        ethertype = inner;
        rest = next.rest;
        length = cx.wire_len;
    }
    while is_vlan(ethertype) {
        let (Some(tci), Some(next)) = (be16(rest, 0), be16(rest, 2)) else {
            // As tcpdump: a cut-short tag belongs to the link-level header.
            cx.wire_len = length;
            return Next::consumed(b, Upper::Stop(StopReason::Truncated));
        };
        layers.push(Layer::Vlan(Vlan {
            tpid: ethertype,
            tci,
            ethertype: next,
        }));
        ethertype = next;
        rest = &rest[4..];
        length = length.map(|l| l.saturating_sub(4));
    }
    if ethertype <= MAX_8023_LENGTH {
        // A length field: an LLC header follows, and the frame ends where the field says
        // (tcpdump cuts its snapshot there, so padding is not part of the LLC payload).
        let len = length.map_or(u32::from(ethertype), |l| l.min(u32::from(ethertype)));
        cx.wire_len = Some(len);
        return Next {
            rest: rest.get(..len as usize).unwrap_or(rest),
            upper: Upper::Llc,
        };
    }
    cx.wire_len = length;
    Next {
        rest,
        upper: Upper::Ethertype(ethertype),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &[u8], wire: u32) -> (Vec<Layer<'_>>, Next<'_>, Context) {
        let mut cx = Context {
            wire_len: Some(wire),
            ip: None,
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        (layers, next, cx)
    }

    fn frame(types: &[u16]) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
        for (i, t) in types.iter().enumerate() {
            if i > 0 {
                f.extend_from_slice(&(0x3000u16 | i as u16).to_be_bytes());
            }
            f.extend_from_slice(&t.to_be_bytes());
        }
        f.extend_from_slice(&[0x45, 0]);
        f
    }

    #[test]
    fn plain_header() {
        let f = frame(&[IPV4]);
        let (layers, next, cx) = run(&f, 100);
        assert!(matches!(
            layers[..],
            [Layer::Ethernet(Ethernet {
                ethertype: IPV4,
                src: [2, 0, 0, 0, 0, 2],
                ..
            })]
        ));
        assert_eq!(next.upper, Upper::Ethertype(IPV4));
        assert_eq!(next.rest, [0x45, 0]);
        assert_eq!(cx.wire_len, Some(86));
    }

    #[test]
    fn qinq_tags_become_layers() {
        let f = frame(&[QINQ, VLAN, IPV6]);
        let (layers, next, cx) = run(&f, 100);
        assert_eq!(layers.len(), 3);
        let Layer::Vlan(outer) = layers[1] else {
            panic!("{layers:?}")
        };
        assert_eq!(
            (outer.tpid, outer.id(), outer.pcp(), outer.dei()),
            (QINQ, 1, 1, true)
        );
        assert_eq!(outer.ethertype, VLAN);
        assert_eq!(next.upper, Upper::Ethertype(IPV6));
        assert_eq!(cx.wire_len, Some(78));
    }

    #[test]
    fn cut_short_header_and_tag() {
        let f = frame(&[VLAN, IPV4]);
        for k in 0..HEADER_LEN {
            let (layers, next, _) = run(&f[..k], 100);
            assert!(layers.is_empty());
            assert!(next.rest.is_empty());
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
        }
        for k in HEADER_LEN..HEADER_LEN + 4 {
            let (layers, next, _) = run(&f[..k], 100);
            assert_eq!(layers.len(), 1);
            assert!(next.rest.is_empty());
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
        }
    }

    #[test]
    fn an_8023_length_field_announces_llc_and_cuts_padding() {
        let mut f = frame(&[1]);
        f.extend_from_slice(&[0; 40]);
        let (layers, next, cx) = run(&f, 56);
        assert!(matches!(layers[0], Layer::Ethernet(e) if e.is_8023()));
        assert_eq!(next.upper, Upper::Llc);
        assert_eq!(next.rest, [0x45]);
        assert_eq!(cx.wire_len, Some(1));
        let f = frame(&[VLAN, 2]);
        let (layers, next, _) = run(&f, 20);
        assert_eq!(layers.len(), 2);
        assert_eq!(next.upper, Upper::Llc);
        assert_eq!(next.rest, [0x45, 0]);
    }
}
