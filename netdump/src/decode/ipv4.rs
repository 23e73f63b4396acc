//! IPv4 headers (RFC 791): the fixed part, options, fragments, the header checksum.

use std::net::Ipv4Addr;

use super::{array, checksum, Addrs, Context, IpInfo, Layer, Next, StopReason, Upper};

pub const PROTO_ICMP: u8 = 1;
pub const PROTO_IGMP: u8 = 2;
pub const PROTO_TCP: u8 = 6;
pub const PROTO_UDP: u8 = 17;
pub const MIN_HEADER_LEN: usize = 20;

/// An IPv4 datagram, as far as it was captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv4<'a> {
    /// The bytes from the header's first byte to the end of the capture.
    pub raw: &'a [u8],
    /// The bytes the datagram had on the wire, by the link layer; None inside an ICMP quote.
    pub wire_len: Option<u32>,
    /// The header, when it was captured whole and makes sense.
    pub header: Option<Header<'a>>,
    /// Why there is no header.
    pub problem: Option<Problem>,
}

/// Why an IPv4 header could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Not one byte was captured.
    Empty,
    /// The version nibble is not 4.
    Version(u8),
    /// Fewer than 20 bytes were captured.
    Short,
    /// The header length field says less than 20 bytes.
    BadHeaderLen(u32),
    /// The header (with its options) is longer than the captured bytes.
    HeaderCut,
}

/// A whole IPv4 header and the payload it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    fixed: [u8; MIN_HEADER_LEN],
    /// The whole header, options included.
    pub bytes: &'a [u8],
    /// The options (empty without).
    pub options: &'a [u8],
    /// The captured payload: up to the total length, or to the capture's end when the total
    /// length is larger than what was captured or smaller than the header.
    pub payload: &'a [u8],
}

impl Header<'_> {
    pub fn tos(&self) -> u8 {
        self.fixed[1]
    }

    pub fn total_len(&self) -> u16 {
        u16::from_be_bytes([self.fixed[2], self.fixed[3]])
    }

    pub fn id(&self) -> u16 {
        u16::from_be_bytes([self.fixed[4], self.fixed[5]])
    }

    /// Flags (3 bits) and fragment offset (13 bits) as on the wire.
    pub fn flags_frag(&self) -> u16 {
        u16::from_be_bytes([self.fixed[6], self.fixed[7]])
    }

    pub fn reserved_flag(&self) -> bool {
        self.flags_frag() & 0x8000 != 0
    }

    pub fn dont_fragment(&self) -> bool {
        self.flags_frag() & 0x4000 != 0
    }

    pub fn more_fragments(&self) -> bool {
        self.flags_frag() & 0x2000 != 0
    }

    /// Fragment offset in 8-byte units.
    pub fn frag_offset(&self) -> u16 {
        self.flags_frag() & 0x1fff
    }

    /// A fragment (first or later) of a larger datagram.
    pub fn fragmented(&self) -> bool {
        self.more_fragments() || self.frag_offset() != 0
    }

    pub fn ttl(&self) -> u8 {
        self.fixed[8]
    }

    pub fn protocol(&self) -> u8 {
        self.fixed[9]
    }

    pub fn checksum(&self) -> u16 {
        u16::from_be_bytes([self.fixed[10], self.fixed[11]])
    }

    pub fn src(&self) -> Ipv4Addr {
        Ipv4Addr::new(
            self.fixed[12],
            self.fixed[13],
            self.fixed[14],
            self.fixed[15],
        )
    }

    pub fn dst(&self) -> Ipv4Addr {
        Ipv4Addr::new(
            self.fixed[16],
            self.fixed[17],
            self.fixed[18],
            self.fixed[19],
        )
    }

    /// Header length in bytes.
    pub fn header_len(&self) -> u32 {
        self.bytes.len() as u32
    }

    /// None when the header checksum is right, else the checksum it should carry.
    pub fn bad_checksum(&self) -> Option<u16> {
        (checksum::internet_checksum(self.bytes, 0) != 0)
            .then(|| checksum::expected(self.bytes, 10, 0))
    }
}

impl Ipv4<'_> {
    /// Version nibble, if a byte was captured.
    pub fn version(&self) -> Option<u8> {
        self.raw.first().map(|b| b >> 4)
    }

    /// Header length from the IHL field, in bytes.
    pub fn ihl_len(&self) -> Option<u32> {
        self.raw.first().map(|b| u32::from(b & 0x0f) * 4)
    }

    /// Bytes the total length field claims beyond what the link layer carried.
    pub fn missing(&self) -> Option<u32> {
        let total = u32::from(u16::from_be_bytes(array(self.raw, 2)?));
        let wire = self.wire_len?;
        (total > wire).then(|| total - wire)
    }
}

fn parse(b: &[u8]) -> Result<Header<'_>, Problem> {
    let Some(&first) = b.first() else {
        return Err(Problem::Empty);
    };
    if first >> 4 != 4 {
        return Err(Problem::Version(first >> 4));
    }
    let Some(fixed) = array::<MIN_HEADER_LEN>(b, 0) else {
        return Err(Problem::Short);
    };
    let hlen = usize::from(first & 0x0f) * 4;
    if hlen < MIN_HEADER_LEN {
        return Err(Problem::BadHeaderLen(hlen as u32));
    }
    let (Some(bytes), Some(after)) = (b.get(..hlen), b.get(hlen..)) else {
        return Err(Problem::HeaderCut);
    };
    let total = usize::from(u16::from_be_bytes([fixed[2], fixed[3]]));
    let payload = match total.checked_sub(hlen) {
        Some(n) if n <= after.len() => &after[..n],
        _ => after,
    };
    Ok(Header {
        fixed,
        bytes,
        options: &bytes[MIN_HEADER_LEN..],
        payload,
    })
}

/// Decodes an IPv4 header; the transport protocol follows, unless this is a later fragment.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let (header, problem) = match parse(b) {
        Ok(h) => (Some(h), None),
        Err(p) => (None, Some(p)),
    };
    layers.push(Layer::Ipv4(Ipv4 {
        raw: b,
        wire_len: cx.wire_len,
        header,
        problem,
    }));
    let Some(h) = header else {
        let reason = match problem {
            Some(Problem::Version(_) | Problem::BadHeaderLen(_)) => StopReason::Malformed,
            _ => StopReason::Truncated,
        };
        return Next::consumed(b, Upper::Stop(reason));
    };
    let length = u32::from(h.total_len()).saturating_sub(h.header_len());
    cx.wire_len = Some(length);
    cx.ip = Some(IpInfo {
        addrs: Addrs::V4(h.src(), h.dst()),
        length,
        fragmented: h.fragmented(),
    });
    let upper = if u32::from(h.total_len()) < h.header_len() {
        // tcpdump stops at `bad-len N` (its GUESS_TSO is off in 4.99 builds).
        Upper::Stop(StopReason::Malformed)
    } else if h.frag_offset() != 0 {
        Upper::Stop(StopReason::Fragment)
    } else {
        Upper::IpProtocol(h.protocol())
    };
    Next {
        rest: h.payload,
        upper,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 198.18.0.1 > 198.18.0.2, UDP, 8 bytes of payload, with a right checksum.
    fn datagram() -> Vec<u8> {
        let mut d = vec![
            0x45, 0, 0, 28, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0, 198, 18, 0, 1, 198, 18, 0, 2,
        ];
        let sum = checksum::expected(&d, 10, 0);
        d[10..12].copy_from_slice(&sum.to_be_bytes());
        d.extend_from_slice(&[1, 2, 3, 4, 0, 8, 0, 0]);
        d
    }

    fn run(b: &[u8], wire: Option<u32>) -> (Ipv4<'_>, Next<'_>, Context) {
        let mut cx = Context {
            wire_len: wire,
            ip: None,
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let [Layer::Ipv4(ip)] = layers[..] else {
            panic!("{layers:?}")
        };
        (ip, next, cx)
    }

    #[test]
    fn whole_datagram() {
        let d = datagram();
        let (ip, next, cx) = run(&d, Some(28));
        let h = ip.header.unwrap();
        assert_eq!((h.ttl(), h.id(), h.protocol()), (64, 0x1234, 17));
        assert!(h.dont_fragment() && !h.fragmented());
        assert_eq!(h.bad_checksum(), None);
        assert_eq!(next.upper, Upper::IpProtocol(17));
        assert_eq!(next.rest.len(), 8);
        assert_eq!(ip.missing(), None);
        let info = cx.ip.unwrap();
        assert_eq!(info.length, 8);
        assert_eq!(info.addrs.key().1[..4], [198, 18, 0, 2]);
    }

    #[test]
    fn problems_in_order() {
        let d = datagram();
        assert_eq!(run(&[], None).0.problem, Some(Problem::Empty));
        assert_eq!(run(&[0x65], None).0.problem, Some(Problem::Version(6)));
        for k in 1..20 {
            let (ip, next, _) = run(&d[..k], None);
            assert_eq!(ip.problem, Some(Problem::Short));
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated));
        }
        let mut bad = d.clone();
        bad[0] = 0x44;
        let (ip, next, _) = run(&bad, None);
        assert_eq!(ip.problem, Some(Problem::BadHeaderLen(16)));
        assert_eq!(next.upper, Upper::Stop(StopReason::Malformed));
        let mut opts = d.clone();
        opts[0] = 0x47;
        let (ip, _, _) = run(&opts[..24], None);
        assert_eq!(ip.problem, Some(Problem::HeaderCut));
    }

    #[test]
    fn lengths_that_lie() {
        let d = datagram();
        // Captured less than the total length: the payload is what was captured.
        let (ip, next, _) = run(&d[..24], Some(20));
        assert_eq!(next.rest.len(), 4);
        assert_eq!(ip.missing(), Some(8));
        // A total length below the header's: the payload runs to the capture's end.
        let mut short = d.clone();
        short[3] = 10;
        let (_, next, cx) = run(&short, None);
        assert_eq!(next.rest.len(), 8);
        assert_eq!(cx.ip.unwrap().length, 0);
    }

    #[test]
    fn later_fragment_stops_and_bad_checksum_is_computed() {
        let mut d = datagram();
        d[6] = 0x20;
        d[7] = 0x02;
        let (ip, next, cx) = run(&d, None);
        let h = ip.header.unwrap();
        assert_eq!(h.frag_offset(), 2);
        assert!(h.more_fragments() && cx.ip.unwrap().fragmented);
        assert_eq!(next.upper, Upper::Stop(StopReason::Fragment));
        assert!(h.bad_checksum().is_some());
    }
}
