//! DCCP headers (RFC 4340, IP protocol 33): the generic header with its 24- or 48-bit
//! sequence number, the type-specific fields (acknowledgement, service code, reset code),
//! and where the options lie.
//!
//! Every accessor reads only captured bytes and says None past them. The options are left
//! as bytes: tcpdump's printer walks them one by one and its output depends on how far the
//! walk got, so `print/text/dccp.rs` is the one place that reads them.

use super::{be16, be32, Context, IpInfo, Layer, Next, StopReason, Upper};

/// IP protocol number of DCCP.
pub const PROTO_DCCP: u8 = 33;

/// The generic header with a 24-bit sequence number.
pub const SHORT_HEADER_LEN: usize = 12;
/// The generic header with a 48-bit sequence number (X set).
pub const LONG_HEADER_LEN: usize = 16;

/// Packet types (RFC 4340 5.1; the header's four-bit type).
pub const REQUEST: u8 = 0;
pub const RESPONSE: u8 = 1;
pub const DATA: u8 = 2;
pub const ACK: u8 = 3;
pub const DATA_ACK: u8 = 4;
pub const CLOSE_REQ: u8 = 5;
pub const CLOSE: u8 = 6;
pub const RESET: u8 = 7;
pub const SYNC: u8 = 8;
pub const SYNC_ACK: u8 = 9;

/// tcpdump's names for the packet types (`dccp_pkt_type_str`).
pub fn type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        REQUEST => "DCCP-Request",
        RESPONSE => "DCCP-Response",
        DATA => "DCCP-Data",
        ACK => "DCCP-Ack",
        DATA_ACK => "DCCP-DataAck",
        CLOSE_REQ => "DCCP-CloseReq",
        CLOSE => "DCCP-Close",
        RESET => "DCCP-Reset",
        SYNC => "DCCP-Sync",
        SYNC_ACK => "DCCP-SyncAck",
        _ => return None,
    })
}

/// A DCCP packet, as far as it was captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dccp<'a> {
    /// The packet's captured bytes (up to the IP header's length).
    pub raw: &'a [u8],
    /// The IP layer's addresses and the packet's length by the IP header.
    pub ip: IpInfo,
}

impl<'a> Dccp<'a> {
    fn u8(&self, at: usize) -> Option<u8> {
        self.raw.get(at).copied()
    }

    /// Source and destination ports.
    pub fn ports(&self) -> Option<(u16, u16)> {
        Some((be16(self.raw, 0)?, be16(self.raw, 2)?))
    }

    /// The header's length in bytes (Data Offset, in 32-bit words), options included.
    pub fn header_len(&self) -> Option<u32> {
        self.u8(4).map(|w| u32::from(w) * 4)
    }

    /// CCVal, used by the sender's congestion control.
    pub fn ccval(&self) -> Option<u8> {
        self.u8(5).map(|b| b >> 4)
    }

    /// Checksum Coverage: 0 for the whole packet, else the header and CsCov-1 words of data.
    pub fn cscov(&self) -> Option<u8> {
        self.u8(5).map(|b| b & 0x0f)
    }

    pub fn checksum(&self) -> Option<u16> {
        be16(self.raw, 6)
    }

    /// X: the sequence numbers are 48 bits long.
    pub fn extended(&self) -> Option<bool> {
        self.u8(8).map(|b| b & 1 != 0)
    }

    /// The four-bit packet type.
    pub fn packet_type(&self) -> Option<u8> {
        self.u8(8).map(|b| (b >> 1) & 0x0f)
    }

    /// The generic header's length: 16 bytes with X set, else 12.
    pub fn basic_len(&self) -> Option<usize> {
        self.extended()
            .map(|x| if x { LONG_HEADER_LEN } else { SHORT_HEADER_LEN })
    }

    /// The generic header was captured whole.
    pub fn header_complete(&self) -> bool {
        self.basic_len().is_some_and(|n| self.raw.len() >= n)
    }

    /// The sequence number (24 or 48 bits).
    pub fn seq(&self) -> Option<u64> {
        if self.extended()? {
            be_n(self.raw, 10, 6)
        } else {
            be_n(self.raw, 9, 3)
        }
    }

    /// The acknowledgement number that follows the generic header (in every type but Data
    /// and Request): 24 bits after a reserved byte, or 48 after two with X set.
    pub fn ack(&self) -> Option<u64> {
        let at = self.basic_len()?;
        if self.extended()? {
            be_n(self.raw, at + 2, 6)
        } else {
            be_n(self.raw, at + 1, 3)
        }
    }

    /// The service code of a Request (right after the generic header) or a Response (after
    /// the 8 bytes tcpdump gives its acknowledgement).
    pub fn service(&self) -> Option<u32> {
        let at = self.basic_len()?;
        match self.packet_type()? {
            REQUEST => be32(self.raw, at),
            RESPONSE => be32(self.raw, at + 8),
            _ => None,
        }
    }

    /// A Reset's reset code.
    pub fn reset_code(&self) -> Option<u8> {
        match self.packet_type()? {
            RESET => self.u8(self.basic_len()? + 8),
            _ => None,
        }
    }

    /// The length tcpdump takes the header before the options to have: the generic header
    /// and the type's fields, acknowledgements counted as 8 bytes even with X clear.
    pub fn fixed_len(&self) -> Option<usize> {
        let extra = match self.packet_type()? {
            REQUEST => 4,
            RESPONSE | RESET => 12,
            DATA => 0,
            ACK | DATA_ACK | CLOSE_REQ | CLOSE | SYNC | SYNC_ACK => 8,
            _ => 0,
        };
        Some(self.basic_len()? + extra)
    }
}

/// The big-endian value of the `n` (at most 8) bytes at `at`, if captured.
fn be_n(b: &[u8], at: usize, n: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(n)?)?;
    Some(s.iter().fold(0, |v, &c| v << 8 | u64::from(c)))
}

/// Decodes a DCCP packet; nothing is decoded after it (tcpdump prints no payload).
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let Some(ip) = cx.ip else {
        return Next {
            rest: b,
            upper: Upper::Stop(StopReason::Unsupported),
        };
    };
    let dccp = Dccp { raw: b, ip };
    layers.push(Layer::Dccp(dccp));
    Next::end(b, dccp.header_complete())
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::decode::Addrs;

    fn run(b: &[u8]) -> (Dccp<'_>, Next<'_>) {
        let mut cx = Context {
            wire_len: None,
            ip: Some(IpInfo {
                addrs: Addrs::V4(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST),
                length: b.len() as u32,
                fragmented: false,
            }),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        let [Layer::Dccp(d)] = layers[..] else {
            panic!("{layers:?}")
        };
        (d, next)
    }

    /// A Request with X set, a service code and three options (the first packet of tcpdump's
    /// dccp_partial_csum_v4_simple test).
    const REQUEST_X: &str = "cdbb 1389 0800 a766 0100 0007 b8bb 9240 0000 0000 \
                             2004 0502 2204 0102 2004 0102";

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn request_with_48_bit_sequence() {
        let b = hex(REQUEST_X);
        let (d, next) = run(&b);
        assert_eq!(d.ports(), Some((52667, 5001)));
        assert_eq!(d.header_len(), Some(32));
        assert_eq!((d.ccval(), d.cscov()), (Some(0), Some(0)));
        assert_eq!(d.checksum(), Some(0xa766));
        assert_eq!((d.extended(), d.packet_type()), (Some(true), Some(REQUEST)));
        assert_eq!(d.seq(), Some(33_164_071_488));
        assert_eq!(d.service(), Some(0));
        assert_eq!(d.fixed_len(), Some(20));
        assert_eq!(d.reset_code(), None);
        assert_eq!(next.upper, Upper::Nothing);
        assert!(next.rest.is_empty());
    }

    #[test]
    fn short_sequence_ack_and_reset() {
        // X clear, type Reset: 24-bit sequence 0x010203, a reserved byte, 24-bit ack 0x0a0b0c.
        let b = hex("0001 0002 05 21 0000 0e 010203 00 0a0b0c 00000000 02 000000");
        let (d, _) = run(&b);
        assert_eq!((d.extended(), d.packet_type()), (Some(false), Some(RESET)));
        assert_eq!((d.ccval(), d.cscov()), (Some(2), Some(1)));
        assert_eq!(d.seq(), Some(0x010203));
        assert_eq!(d.ack(), Some(0x0a0b0c));
        // tcpdump counts the acknowledgement as 8 bytes even with X clear.
        assert_eq!(d.reset_code(), Some(2));
        assert_eq!(d.fixed_len(), Some(24));
    }

    #[test]
    fn cut_short_at_every_byte() {
        let b = hex(REQUEST_X);
        for k in 0..b.len() {
            let (d, next) = run(&b[..k]);
            let complete = k >= LONG_HEADER_LEN;
            assert_eq!(d.header_complete(), complete);
            assert_eq!(
                next.upper,
                if complete {
                    Upper::Nothing
                } else {
                    Upper::Stop(StopReason::Truncated)
                }
            );
            assert_eq!(d.ports().is_some(), k >= 4);
            assert_eq!(d.seq().is_some(), k >= 16);
            assert_eq!(d.service().is_some(), k >= 20);
            let _ = (d.ack(), d.reset_code(), d.fixed_len(), d.header_len());
        }
    }
}
