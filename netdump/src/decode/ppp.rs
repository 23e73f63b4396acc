//! PPP frames as PPPoE sessions, PPTP's GRE and L2TP carry them (RFC 1661): an optional
//! address/control pair, a protocol number (one byte when compressed), and the payload.
//! IPv4, IPv6 and MPLS go on through the registry; control protocols (LCP, IPCP, CCP, ...)
//! are printed from the payload bytes by the printer, as tcpdump's `handle_ctrl_proto`.

use super::{be16, ethernet, mpls, Context, Layer, Next, StopReason, Upper};

/// PPP straight over Ethernet (tcpdump's ETHERTYPE_PPP).
pub const ETHERTYPE: u16 = 0x880b;

pub const IP: u16 = 0x0021;
pub const IPV6: u16 = 0x0057;
pub const VJNC: u16 = 0x002f;
pub const MPLS_UNICAST: u16 = 0x0281;
pub const MPLS_MULTICAST: u16 = 0x0283;
pub const LCP: u16 = 0xc021;
pub const IPCP: u16 = 0x8021;
pub const IPV6CP: u16 = 0x8057;
pub const CCP: u16 = 0x80fd;
pub const OSICP: u16 = 0x8023;
pub const MPLSCP: u16 = 0x8281;
pub const BACP: u16 = 0xc02b;

/// A PPP frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ppp<'a> {
    /// The frame's length, by the outer layer.
    pub length: u32,
    /// The address/control pair (0xff03, or pppd's in/out markers 0x0003/0x0103), if any.
    pub address_control: Option<u16>,
    /// The protocol, None when the frame is cut before it or too short.
    pub protocol: Option<u16>,
    /// The header is shorter than tcpdump wants (length < 2) or not captured.
    pub cut: bool,
    /// The captured payload (up to the length).
    pub payload: &'a [u8],
    /// The payload's length by the outer layer.
    pub payload_len: u32,
}

/// The PPP link type: tcpdump's `ppp_if_print` wants 4 captured bytes before it reads any.
pub fn decode_link<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    if b.len() < 4 {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    }
    decode(b, cx, layers)
}

/// Decodes a PPP header; IPv4, IPv6 and MPLS payloads follow.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let length = cx.wire_len.unwrap_or(b.len() as u32);
    let mut p = Ppp {
        length,
        address_control: None,
        protocol: None,
        cut: true,
        payload: &b[b.len()..],
        payload_len: 0,
    };
    let mut at = 0usize;
    let mut left = length;
    if left >= 2 {
        if let Some(ac @ (0xff03 | 0x0003 | 0x0103)) = be16(b, 0) {
            p.address_control = Some(ac);
            at = 2;
            left -= 2;
        }
        if left >= 2 && be16(b, 0).is_some() {
            match b.get(at) {
                Some(&x) if x % 2 == 1 => {
                    p.protocol = Some(u16::from(x));
                    at += 1;
                    left -= 1;
                }
                Some(_) => {
                    if let Some(proto) = be16(b, at) {
                        p.protocol = Some(proto);
                        at += 2;
                        left -= 2;
                    }
                }
                None => {}
            }
        }
    }
    let Some(proto) = p.protocol else {
        layers.push(Layer::Ppp(p));
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    };
    p.cut = false;
    p.payload = b
        .get(at..at.saturating_add(left as usize).min(b.len()))
        .unwrap_or_default();
    p.payload_len = left;
    layers.push(Layer::Ppp(p));
    let upper = match proto {
        IP | VJNC | ethernet::IPV4 => Upper::Ethertype(ethernet::IPV4),
        IPV6 | ethernet::IPV6 => Upper::Ethertype(ethernet::IPV6),
        MPLS_UNICAST | MPLS_MULTICAST => Upper::Ethertype(mpls::UNICAST),
        _ => return Next::consumed(b, Upper::Nothing),
    };
    cx.wire_len = Some(left);
    Next {
        rest: p.payload,
        upper,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &[u8], len: u32) -> (Ppp<'_>, Next<'_>) {
        let mut cx = Context {
            wire_len: Some(len),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let Some(Layer::Ppp(p)) = layers.pop() else {
            panic!()
        };
        (p, next)
    }

    #[test]
    fn headers() {
        let (p, next) = run(&[0xff, 3, 0, 0x21, 0x45], 5);
        assert_eq!((p.address_control, p.protocol), (Some(0xff03), Some(IP)));
        assert_eq!(
            (next.upper, next.rest),
            (Upper::Ethertype(0x0800), &[0x45][..])
        );
        let (p, next) = run(&[0x21, 0x45], 2);
        assert_eq!((p.address_control, p.protocol), (None, Some(IP)));
        assert_eq!(next.rest, [0x45]);
        let (p, next) = run(&[0xc0, 0x21, 9, 1], 4);
        assert_eq!((p.protocol, next.upper), (Some(LCP), Upper::Nothing));
        assert_eq!(p.payload, [9, 1]);
        for k in 0..4 {
            let (p, _) = run(&[0xff, 3, 0xc0, 0x21][..k], 4);
            assert!(p.cut, "{k}");
        }
    }
}
