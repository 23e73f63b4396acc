//! MPLS label stacks (RFC 3032; ethertypes 0x8847/0x8848, MPLS over UDP 6635, GRE). The
//! stack does not say what it carries: as tcpdump, explicit NULL labels mean IPv4 or IPv6,
//! otherwise the first payload byte is read as an IP version (0x45-0x4f, 0x60-0x6f).

use super::{be32, ethernet, Context, Layer, Next, StopReason, Upper};

pub const UNICAST: u16 = 0x8847;
pub const MULTICAST: u16 = 0x8848;
pub const UDP_PORT: u16 = 6635;

/// One label stack entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry(pub u32);

impl Entry {
    pub fn label(self) -> u32 {
        self.0 >> 12
    }

    /// Traffic class (the former EXP bits).
    pub fn tc(self) -> u8 {
        ((self.0 >> 9) & 7) as u8
    }

    pub fn bottom(self) -> bool {
        self.0 & 0x100 != 0
    }

    pub fn ttl(self) -> u8 {
        self.0 as u8
    }
}

/// What tcpdump guesses follows the bottom of the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload {
    Ipv4,
    Ipv6,
    /// OSI (CLNP, ES-IS, IS-IS): tcpdump's isoclns printer.
    Osi,
    /// Unknown: tcpdump dumps it in hex.
    Unknown,
    /// Nothing after the stack.
    Empty,
}

/// A label stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mpls<'a> {
    /// The entries read, outermost first.
    pub entries: Vec<Entry>,
    /// The stack ended before its bottom: the length ran out (tcpdump: "(invalid)").
    pub invalid: bool,
    /// The stack ended before its bottom: the capture ran out.
    pub cut: bool,
    pub payload_kind: Payload,
    /// The captured payload after the stack (up to the length).
    pub payload: &'a [u8],
    /// The payload's length on the wire.
    pub payload_len: u32,
}

/// Decodes a label stack; IPv4 or IPv6 follows when tcpdump would print it.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let mut length = cx.wire_len.unwrap_or(b.len() as u32);
    let mut m = Mpls {
        entries: Vec::new(),
        invalid: false,
        cut: false,
        payload_kind: Payload::Empty,
        payload: &b[b.len()..],
        payload_len: 0,
    };
    let mut at = 0usize;
    loop {
        if length < 4 {
            m.invalid = true;
            break;
        }
        let Some(e) = be32(b, at) else {
            m.cut = true;
            break;
        };
        m.entries.push(Entry(e));
        at += 4;
        length -= 4;
        if Entry(e).bottom() {
            break;
        }
    }
    if m.invalid || m.cut {
        let reason = if m.cut {
            StopReason::Truncated
        } else {
            StopReason::Malformed
        };
        layers.push(Layer::Mpls(m));
        return Next::consumed(b, Upper::Stop(reason));
    }
    let end = at.saturating_add(length as usize).min(b.len());
    m.payload = &b[at..end];
    m.payload_len = length;
    let last = m.entries.last().map_or(0, |e| e.label());
    m.payload_kind = match last {
        0 | 3 => Payload::Ipv4,
        2 => Payload::Ipv6,
        _ if length == 0 => Payload::Empty,
        _ => match m.payload.first() {
            Some(0x45..=0x4f) => Payload::Ipv4,
            Some(0x60..=0x6f) => Payload::Ipv6,
            Some(0x81..=0x83) => Payload::Osi,
            // Not captured: tcpdump's GET_U_1 gives up.
            None => Payload::Empty,
            Some(_) => Payload::Unknown,
        },
    };
    let upper = match m.payload_kind {
        Payload::Ipv4 => Upper::Ethertype(ethernet::IPV4),
        Payload::Ipv6 => Upper::Ethertype(ethernet::IPV6),
        _ => Upper::Nothing,
    };
    let rest = m.payload;
    let cut = length > 0 && rest.is_empty() && last > 3;
    layers.push(Layer::Mpls(m));
    if cut {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    }
    if upper == Upper::Nothing {
        return Next::consumed(b, upper);
    }
    cx.wire_len = Some(length);
    Next { rest, upper }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &[u8], len: u32) -> (Mpls<'_>, Next<'_>) {
        let mut cx = Context {
            wire_len: Some(len),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let Some(Layer::Mpls(m)) = layers.pop() else {
            panic!()
        };
        (m, next)
    }

    #[test]
    fn two_labels_then_ipv4_by_guess() {
        let p = [0, 0x01, 0x00, 64, 0, 0x02, 0x03, 63, 0x45, 0];
        let (m, next) = run(&p, 10);
        assert_eq!(m.entries.len(), 2);
        let e = m.entries[1];
        assert_eq!((e.label(), e.tc(), e.bottom(), e.ttl()), (32, 1, true, 63));
        assert_eq!(m.payload_kind, Payload::Ipv4);
        assert_eq!(next.upper, Upper::Ethertype(0x0800));
        assert_eq!(next.rest, [0x45, 0]);
    }

    #[test]
    fn explicit_null_and_unknown() {
        let (m, _) = run(&[0, 0, 0x21, 1, 0x99], 5);
        assert_eq!(m.payload_kind, Payload::Ipv6);
        let (m, next) = run(&[0, 0x10, 0x01, 1, 0x99], 5);
        assert_eq!(
            (m.payload_kind, next.upper),
            (Payload::Unknown, Upper::Nothing)
        );
    }

    #[test]
    fn stack_cut_or_invalid() {
        let p = [0, 0x01, 0x00, 64, 0, 0x02, 0x03, 63];
        for k in 0..8 {
            let (m, next) = run(&p[..k], 8);
            assert!(m.cut, "{k}");
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
            let (m, _) = run(&p, k as u32);
            assert!(m.invalid || m.cut, "{k}");
        }
    }
}
