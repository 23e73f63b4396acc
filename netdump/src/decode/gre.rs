//! GRE (IP protocol 47): version 0 (RFC 1701/2784/2890: checksum, offset, key, sequence
//! number, source routes) and version 1, PPTP's enhanced GRE (RFC 2637: call id,
//! sequence and acknowledgment numbers).
//!
//! What follows the header is handed on only for the payload types tcpdump's `gre_print`
//! decodes (IPv4, IPv6, MPLS, transparent Ethernet bridging; PPP in version 1); any other
//! type is named by the printer (`gre-proto-0x88be`) and not decoded, as tcpdump does.

use super::{be16, be32, ethernet, mpls, Context, Layer, Next, StopReason, Upper};

pub const IP_PROTOCOL: u8 = 47;

/// Flag bits of the first 16 bits.
pub const FLAG_CHECKSUM: u16 = 0x8000;
pub const FLAG_ROUTING: u16 = 0x4000;
pub const FLAG_KEY: u16 = 0x2000;
pub const FLAG_SEQUENCE: u16 = 0x1000;
pub const FLAG_STRICT_ROUTE: u16 = 0x0800;
pub const FLAG_ACK: u16 = 0x0080;
pub const VERSION_MASK: u16 = 0x0007;

/// Transparent Ethernet bridging: an Ethernet frame follows.
pub const PROTO_TEB: u16 = 0x6558;
/// PPP in PPTP's enhanced GRE.
pub const PROTO_PPP: u16 = 0x880b;

/// Address family of a source route entry carrying IPv4 addresses.
pub const SRE_IP: u16 = 0x0800;
/// Address family of a source route entry carrying autonomous system numbers.
pub const SRE_ASN: u16 = 0xfffe;

/// A GRE header, as far as it was captured and as far as its length allowed. A field is
/// None when its flag is clear or when the header ended before it (then `cut` is set):
/// the printer says what is there in order, then `[|gre]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gre<'a> {
    /// The bytes from the header's first byte to the end of the capture.
    pub raw: &'a [u8],
    /// The length the outer header gave the GRE packet (tcpdump's `length`).
    pub length: u32,
    /// Flags and version, the first 16 bits.
    pub flags: Option<u16>,
    /// The payload's ethertype.
    pub proto: Option<u16>,
    /// Version 0: checksum, then offset (both there when checksum or routing is flagged).
    pub checksum: Option<u16>,
    pub offset: Option<u16>,
    /// Version 0: the key; version 1: payload length (high 16 bits) and call id.
    pub key: Option<u32>,
    pub seq: Option<u32>,
    /// Version 1 only.
    pub ack: Option<u32>,
    /// Version 0 source route entries, up to the terminating null entry.
    pub routes: Vec<Sre<'a>>,
    /// The header ran off the captured bytes or past `length`.
    pub cut: bool,
    /// The payload's length by `length` (the header taken off).
    pub payload_len: u32,
}

/// One source route entry: its header and the route bytes captured of it (up to its length).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sre<'a> {
    pub family: u16,
    pub offset: u8,
    pub len: u8,
    pub data: &'a [u8],
}

impl Gre<'_> {
    pub fn version(&self) -> Option<u16> {
        self.flags.map(|f| f & VERSION_MASK)
    }

    fn flag(&self, bit: u16) -> bool {
        self.flags.is_some_and(|f| f & bit != 0)
    }
}

/// Reads the header fields in tcpdump's order; each must be captured and within `length`.
struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    left: u32,
}

impl<'a> Reader<'a> {
    fn u16(&mut self) -> Option<u16> {
        let v = be16(self.b, self.at)?;
        self.left = self.left.checked_sub(2)?;
        self.at += 2;
        Some(v)
    }

    fn u32(&mut self) -> Option<u32> {
        let v = be32(self.b, self.at)?;
        self.left = self.left.checked_sub(4)?;
        self.at += 4;
        Some(v)
    }

    fn u8(&mut self) -> Option<u8> {
        let v = *self.b.get(self.at)?;
        self.at += 1;
        Some(v)
    }

    /// Up to `n` bytes (fewer if the capture or the length ends first); the length left
    /// shrinks by what was taken.
    fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n
            .min(self.b.len().saturating_sub(self.at))
            .min(self.left as usize);
        let s = &self.b[self.at..self.at + n];
        self.at += n;
        self.left -= n as u32;
        s
    }
}

/// Fills `g` from the bytes; None as soon as a field is missing (the header is cut).
fn fields<'a>(g: &mut Gre<'a>, r: &mut Reader<'a>) -> Option<()> {
    let flags = r.u16()?;
    g.flags = Some(flags);
    let version = flags & VERSION_MASK;
    if version > 1 {
        return Some(());
    }
    g.proto = Some(r.u16()?);
    if version == 1 {
        if flags & FLAG_KEY != 0 {
            g.key = Some(r.u32()?);
        }
        if flags & FLAG_SEQUENCE != 0 {
            g.seq = Some(r.u32()?);
        }
        if flags & FLAG_ACK != 0 {
            g.ack = Some(r.u32()?);
        }
        return Some(());
    }
    if flags & (FLAG_CHECKSUM | FLAG_ROUTING) != 0 {
        g.checksum = Some(r.u16()?);
        g.offset = Some(r.u16()?);
    }
    if flags & FLAG_KEY != 0 {
        g.key = Some(r.u32()?);
    }
    if flags & FLAG_SEQUENCE != 0 {
        g.seq = Some(r.u32()?);
    }
    if flags & FLAG_ROUTING != 0 {
        loop {
            let family = r.u16()?;
            // The entry's offset and length bytes were counted with its family (4 bytes).
            r.left = r.left.checked_sub(2)?;
            let (Some(offset), Some(len)) = (r.u8(), r.u8()) else {
                return None;
            };
            if family == 0 && len == 0 {
                break;
            }
            let data = r.take(usize::from(len));
            g.routes.push(Sre {
                family,
                offset,
                len,
                data,
            });
            if data.len() < usize::from(len) {
                return None;
            }
        }
    }
    Some(())
}

/// Decodes a GRE header; the payload follows when it is a type tcpdump decodes.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let length = cx.wire_len.unwrap_or(b.len() as u32);
    let mut g = Gre {
        raw: b,
        length,
        flags: None,
        proto: None,
        checksum: None,
        offset: None,
        key: None,
        seq: None,
        ack: None,
        routes: Vec::new(),
        cut: false,
        payload_len: 0,
    };
    let mut r = Reader {
        b,
        at: 0,
        left: length,
    };
    g.cut = fields(&mut g, &mut r).is_none();
    g.payload_len = r.left;
    let (at, cut, version, proto) = (r.at, g.cut, g.version(), g.proto);
    let seq = g.flag(FLAG_SEQUENCE);
    layers.push(Layer::Gre(g));
    if cut {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    }
    let upper = match (version, proto) {
        (Some(0), Some(ethernet::IPV4 | ethernet::IPV6 | mpls::UNICAST)) => {
            Upper::Ethertype(proto.unwrap_or_default())
        }
        (Some(0), Some(PROTO_TEB)) => Upper::Ethernet,
        (Some(1), Some(PROTO_PPP)) if seq => Upper::Ppp,
        _ => Upper::Nothing,
    };
    if upper == Upper::Nothing {
        return Next::consumed(b, upper);
    }
    cx.wire_len = Some(r.left);
    let end = at.saturating_add(r.left as usize).min(b.len());
    Next {
        rest: b.get(at..end).unwrap_or_default(),
        upper,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &[u8], length: u32) -> (Gre<'_>, Next<'_>, Context) {
        let mut cx = Context {
            wire_len: Some(length),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let Some(Layer::Gre(g)) = layers.pop() else {
            panic!("{layers:?}")
        };
        (g, next, cx)
    }

    #[test]
    fn key_and_sequence_then_ipv4() {
        let p = [0x30, 0, 0x08, 0, 0, 0, 0, 0x28, 0, 0, 0, 7, 0x45, 0, 0, 20];
        let (g, next, cx) = run(&p, 16);
        assert_eq!((g.version(), g.proto), (Some(0), Some(0x0800)));
        assert_eq!((g.key, g.seq, g.cut), (Some(0x28), Some(7), false));
        assert_eq!(next.upper, Upper::Ethertype(0x0800));
        assert_eq!(next.rest, [0x45, 0, 0, 20]);
        assert_eq!(cx.wire_len, Some(4));
    }

    #[test]
    fn enhanced_gre_hands_ppp_on() {
        let p = [
            0x30, 0x01, 0x88, 0x0b, 0, 4, 0, 9, 0, 0, 0, 1, 0xff, 0x03, 0xc0, 0x21,
        ];
        let (g, next, _) = run(&p, 16);
        assert_eq!(
            (g.version(), g.key, g.seq),
            (Some(1), Some(0x0004_0009), Some(1))
        );
        assert_eq!(next.upper, Upper::Ppp);
        assert_eq!(next.rest.len(), 4);
    }

    #[test]
    fn other_payloads_are_not_decoded() {
        let p = [0, 0, 0x88, 0xbe, 1, 2, 3];
        let (g, next, _) = run(&p, 7);
        assert_eq!(g.proto, Some(0x88be));
        assert_eq!(next.upper, Upper::Nothing);
    }

    #[test]
    fn routes_and_cuts() {
        // Checksum and routing present: sum, offset, an IPv4 route of two addresses, null.
        let p = [
            0xc0, 0, 0x08, 0, 0x12, 0x34, 0, 4, 0x08, 0, 4, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0,
        ];
        let (g, next, _) = run(&p, p.len() as u32);
        assert_eq!(
            (g.checksum, g.offset, g.cut),
            (Some(0x1234), Some(4), false)
        );
        assert_eq!(g.routes.len(), 1);
        assert_eq!(g.routes[0].data, [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(next.rest.len(), 0);
        for k in 0..p.len() {
            let (g, next, _) = run(&p[..k], p.len() as u32);
            assert!(g.cut, "{k}");
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
            // The length alone cuts as well.
            let (g, _, _) = run(&p, k as u32);
            assert!(g.cut, "{k}");
        }
    }
}
