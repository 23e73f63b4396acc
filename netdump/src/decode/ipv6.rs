//! IPv6 headers (RFC 8200) and the extension headers after them: hop-by-hop, routing,
//! fragment, destination options (AH, like ESP, is an IP protocol to tcpdump: decode/ipsec.rs).

use std::net::Ipv6Addr;

use super::{array, be16, be32, Addrs, Context, IpInfo, Layer, Next, StopReason, Upper};

pub const HEADER_LEN: usize = 40;
pub const HOP_BY_HOP: u8 = 0;
pub const ROUTING: u8 = 43;
pub const FRAGMENT: u8 = 44;
pub const AUTH: u8 = 51;
pub const NO_NEXT_HEADER: u8 = 59;
pub const DEST_OPTIONS: u8 = 60;
pub const PROTO_ICMPV6: u8 = 58;

/// An IPv6 packet, as far as it was captured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ipv6<'a> {
    /// The bytes from the header's first byte to the end of the capture.
    pub raw: &'a [u8],
    /// The bytes the packet had on the wire, by the link layer; None inside an ICMP quote.
    pub wire_len: Option<u32>,
    /// The fixed header, when 40 bytes of version 6 were captured.
    pub header: Option<Header>,
    /// Extension headers, in order, each captured whole.
    pub exts: Vec<Ext<'a>>,
    /// An extension header after `exts` was cut short by the capture.
    pub ext_cut: bool,
    /// The walk ended at a fragment header with a non-zero offset.
    pub later_fragment: bool,
    /// The protocol after the extension headers.
    pub next_header: u8,
    /// A valid Jumbo Payload option (RFC 2675) in the hop-by-hop header of a packet whose
    /// payload length is zero: the real payload length.
    pub jumbo: Option<u32>,
    /// The captured bytes after the extension headers, up to the payload length.
    pub payload: &'a [u8],
}

/// The fixed IPv6 header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    fixed: [u8; HEADER_LEN],
}

impl Header {
    /// Version, traffic class and flow label, as on the wire.
    pub fn first_word(&self) -> u32 {
        u32::from_be_bytes([self.fixed[0], self.fixed[1], self.fixed[2], self.fixed[3]])
    }

    pub fn traffic_class(&self) -> u8 {
        ((self.first_word() >> 20) & 0xff) as u8
    }

    pub fn flow_label(&self) -> u32 {
        self.first_word() & 0x000f_ffff
    }

    pub fn payload_len(&self) -> u16 {
        u16::from_be_bytes([self.fixed[4], self.fixed[5]])
    }

    /// The next header field of the fixed header.
    pub fn next_header(&self) -> u8 {
        self.fixed[6]
    }

    pub fn hop_limit(&self) -> u8 {
        self.fixed[7]
    }

    pub fn src(&self) -> Ipv6Addr {
        let mut a = [0u8; 16];
        a.copy_from_slice(&self.fixed[8..24]);
        Ipv6Addr::from(a)
    }

    pub fn dst(&self) -> Ipv6Addr {
        let mut a = [0u8; 16];
        a.copy_from_slice(&self.fixed[24..40]);
        Ipv6Addr::from(a)
    }
}

/// One extension header, captured whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ext<'a> {
    /// Which header (the next header value that announced it).
    pub kind: u8,
    /// All its bytes (at least 8: every length formula gives a multiple of 8 or 4 from 8 up).
    pub bytes: &'a [u8],
}

impl Ext<'_> {
    pub fn next_header(&self) -> u8 {
        self.bytes.first().copied().unwrap_or(NO_NEXT_HEADER)
    }

    /// Routing header: (length field, routing type, segments left).
    pub fn routing(&self) -> Option<(u8, u8, u8)> {
        Some((
            *self.bytes.get(1)?,
            *self.bytes.get(2)?,
            *self.bytes.get(3)?,
        ))
    }

    /// Fragment header: offset in bytes (a multiple of 8).
    pub fn frag_offset(&self) -> u32 {
        u32::from(be16(self.bytes, 2).unwrap_or(0) & 0xfff8)
    }

    pub fn more_fragments(&self) -> bool {
        be16(self.bytes, 2).unwrap_or(0) & 1 != 0
    }

    pub fn frag_id(&self) -> u32 {
        be32(self.bytes, 4).unwrap_or(0)
    }
}

impl Ipv6<'_> {
    /// The payload's length: the header's, or the jumbo payload option's.
    pub fn payload_len(&self) -> u32 {
        match (self.header.map(|h| h.payload_len()), self.jumbo) {
            (Some(0), Some(j)) => j,
            (p, _) => u32::from(p.unwrap_or(0)),
        }
    }

    /// The transport payload's length by the headers: payload length less extension headers.
    pub fn upper_len(&self) -> u32 {
        self.payload_len().saturating_sub(self.exts_len())
    }

    /// Bytes of extension headers.
    pub fn exts_len(&self) -> u32 {
        self.exts.iter().map(|e| e.bytes.len() as u32).sum()
    }

    /// Any fragment header.
    pub fn fragmented(&self) -> bool {
        self.exts.iter().any(|e| e.kind == FRAGMENT)
    }

    /// A fragment header that really splits the payload (not an atomic fragment).
    pub fn fragmenting(&self) -> bool {
        self.exts
            .iter()
            .any(|e| e.kind == FRAGMENT && (e.frag_offset() != 0 || e.more_fragments()))
    }

    /// Bytes the payload length claims beyond what the link layer carried.
    pub fn missing(&self) -> Option<u32> {
        let total = u32::from(self.header?.payload_len()) + HEADER_LEN as u32;
        let wire = self.wire_len?;
        (total > wire).then(|| total - wire)
    }
}

/// The Jumbo Payload option's length in a hop-by-hop header, when it is valid as tcpdump
/// judges it: the first jumbo option, 4 bytes long, saying 65536 or more.
pub fn jumbo(hbh: &[u8]) -> Option<u32> {
    let mut i = 2usize;
    while let Some(&ty) = hbh.get(i) {
        if ty == 0 {
            i += 1;
            continue;
        }
        let len = usize::from(*hbh.get(i + 1)?);
        if ty == 0xc2 {
            let j = be32(hbh, i + 2)?;
            return (len == 4 && j >= 65536).then_some(j);
        }
        i += 2 + len;
    }
    None
}

/// The length of the extension header `kind` starting at `b[0]`, when it is one.
fn ext_len(kind: u8, b: &[u8]) -> Option<Option<usize>> {
    Some(match kind {
        HOP_BY_HOP | ROUTING | DEST_OPTIONS => b.get(1).map(|l| (usize::from(*l) + 1) * 8),
        FRAGMENT => Some(8),
        _ => return None,
    })
}

/// Decodes an IPv6 header and its extension headers; the transport protocol follows.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let mut ip = Ipv6 {
        raw: b,
        wire_len: cx.wire_len,
        header: None,
        exts: Vec::new(),
        ext_cut: false,
        later_fragment: false,
        next_header: NO_NEXT_HEADER,
        jumbo: None,
        payload: &b[b.len()..],
    };
    let header = array::<HEADER_LEN>(b, 0)
        .filter(|f| f[0] >> 4 == 6)
        .map(|fixed| Header { fixed });
    let Some(h) = header else {
        layers.push(Layer::Ipv6(ip));
        let reason = match b.first() {
            Some(v) if v >> 4 != 6 && b.len() >= HEADER_LEN => StopReason::Malformed,
            _ => StopReason::Truncated,
        };
        return Next::consumed(b, Upper::Stop(reason));
    };
    ip.header = Some(h);
    let mut nh = h.next_header();
    let mut at = HEADER_LEN;
    // Every length is checked against the captured bytes before the header is taken.
    while let Some(len) = ext_len(nh, b.get(at..).unwrap_or_default()) {
        let Some(bytes) = len.and_then(|n| b.get(at..at.checked_add(n)?)) else {
            ip.ext_cut = true;
            break;
        };
        let ext = Ext { kind: nh, bytes };
        ip.exts.push(ext);
        nh = ext.next_header();
        at += bytes.len();
        if ext.kind == FRAGMENT && ext.frag_offset() != 0 {
            ip.later_fragment = true;
            break;
        }
    }
    ip.next_header = nh;
    if h.payload_len() == 0 {
        ip.jumbo = ip
            .exts
            .first()
            .filter(|e| e.kind == HOP_BY_HOP)
            .and_then(|e| jumbo(e.bytes));
    }
    let end = (HEADER_LEN as u64 + u64::from(ip.payload_len())).min(b.len() as u64) as usize;
    ip.payload = b.get(at..end).unwrap_or_default();
    let upper = if ip.ext_cut {
        Upper::Stop(StopReason::Truncated)
    } else if ip.later_fragment {
        Upper::Stop(StopReason::Fragment)
    } else {
        Upper::IpProtocol(nh)
    };
    let length = ip.upper_len();
    cx.wire_len = Some(length);
    cx.ip = Some(IpInfo {
        addrs: Addrs::V6(h.src(), h.dst()),
        length,
        fragmented: ip.fragmented(),
    });
    let rest = ip.payload;
    layers.push(Layer::Ipv6(ip));
    Next { rest, upper }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(nh: u8, exts: &[&[u8]], payload: &[u8]) -> Vec<u8> {
        let plen: usize = exts.iter().map(|e| e.len()).sum::<usize>() + payload.len();
        let mut p = vec![0x60, 0x12, 0x34, 0x56];
        p.extend_from_slice(&(plen as u16).to_be_bytes());
        p.extend_from_slice(&[nh, 64]);
        p.extend_from_slice(&[0x20, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        p.extend_from_slice(&[0x20, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        for e in exts {
            p.extend_from_slice(e);
        }
        p.extend_from_slice(payload);
        p
    }

    fn run(b: &[u8]) -> (Ipv6<'_>, Next<'_>, Context) {
        let mut cx = Context {
            wire_len: Some(b.len() as u32),
            ip: None,
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let Some(Layer::Ipv6(ip)) = layers.pop() else {
            panic!()
        };
        (ip, next, cx)
    }

    #[test]
    fn fixed_header() {
        let p = packet(17, &[], &[0; 8]);
        let (ip, next, cx) = run(&p);
        let h = ip.header.unwrap();
        assert_eq!((h.traffic_class(), h.flow_label()), (0x01, 0x23456));
        assert_eq!((h.payload_len(), h.hop_limit()), (8, 64));
        assert_eq!(next.upper, Upper::IpProtocol(17));
        assert_eq!(next.rest.len(), 8);
        assert_eq!(cx.ip.unwrap().length, 8);
        assert_eq!(ip.missing(), None);
    }

    #[test]
    fn extension_headers_are_walked() {
        let hbh: &[u8] = &[FRAGMENT, 0, 5, 2, 0, 0, 1, 0];
        let frag: &[u8] = &[58, 0, 0, 1, 0, 0, 0, 7];
        let p = packet(HOP_BY_HOP, &[hbh, frag], &[128, 0, 0, 0]);
        let (ip, next, cx) = run(&p);
        assert_eq!(ip.exts.len(), 2);
        assert_eq!(ip.exts[1].frag_id(), 7);
        assert!(ip.exts[1].more_fragments() && ip.fragmenting());
        assert_eq!(ip.next_header, 58);
        assert_eq!(next.upper, Upper::IpProtocol(58));
        assert_eq!(ip.upper_len(), 4);
        assert!(cx.ip.unwrap().fragmented);
    }

    #[test]
    fn later_fragment_stops() {
        let frag: &[u8] = &[17, 0, 0, 0x10, 0, 0, 0, 7];
        let p = packet(FRAGMENT, &[frag], &[1, 2, 3]);
        let (ip, next, _) = run(&p);
        assert!(ip.later_fragment);
        assert_eq!(ip.exts[0].frag_offset(), 16);
        assert_eq!(next.upper, Upper::Stop(StopReason::Fragment));
    }

    /// The fuzz find: a hop-by-hop length running past the capture.
    #[test]
    fn extension_header_longer_than_the_capture() {
        let hbh: &[u8] = &[17, 200, 0, 0, 0, 0, 0, 0];
        let p = packet(HOP_BY_HOP, &[hbh], &[]);
        for k in 0..p.len() {
            let (ip, next, _) = run(&p[..k]);
            assert!(matches!(next.upper, Upper::Stop(StopReason::Truncated)));
            assert!(ip.exts.is_empty());
        }
        let (ip, _, _) = run(&p);
        assert!(ip.ext_cut);
    }

    #[test]
    fn wrong_version_is_malformed() {
        let mut p = packet(17, &[], &[0; 8]);
        p[0] = 0x40;
        let (ip, next, _) = run(&p);
        assert_eq!(ip.header, None);
        assert_eq!(next.upper, Upper::Stop(StopReason::Malformed));
    }
}
