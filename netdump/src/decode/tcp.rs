//! TCP headers (RFC 9293) and their options.

use super::{be16, be32, Context, IpInfo, Layer, Next, StopReason, Upper};

pub const MIN_HEADER_LEN: u32 = 20;

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;
pub const URG: u8 = 0x20;
pub const ECE: u8 = 0x40;
pub const CWR: u8 = 0x80;

/// A TCP segment, as far as it was captured. Every field reader says None when its bytes
/// were not captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tcp<'a> {
    /// The segment's captured bytes (up to the IP header's length).
    pub raw: &'a [u8],
    /// The IP layer's addresses and lengths.
    pub ip: IpInfo,
}

impl<'a> Tcp<'a> {
    pub fn ports(&self) -> Option<(u16, u16)> {
        Some((be16(self.raw, 0)?, be16(self.raw, 2)?))
    }

    pub fn seq(&self) -> Option<u32> {
        be32(self.raw, 4)
    }

    pub fn ack(&self) -> Option<u32> {
        be32(self.raw, 8)
    }

    /// Header length in bytes, from the data offset field.
    pub fn header_len(&self) -> Option<u32> {
        self.raw.get(12).map(|o| u32::from(o >> 4) * 4)
    }

    pub fn flags(&self) -> Option<u8> {
        self.raw.get(13).copied()
    }

    pub fn window(&self) -> Option<u16> {
        be16(self.raw, 14)
    }

    pub fn checksum(&self) -> Option<u16> {
        be16(self.raw, 16)
    }

    pub fn urgent(&self) -> Option<u16> {
        be16(self.raw, 18)
    }

    /// The options, whole; Err with what was captured of them when the capture ends first.
    pub fn options(&self) -> Result<&'a [u8], &'a [u8]> {
        let hlen = self.header_len().unwrap_or(MIN_HEADER_LEN) as usize;
        let from = MIN_HEADER_LEN as usize;
        match self.raw.get(from..hlen.max(from)) {
            Some(o) => Ok(o),
            None => Err(self.raw.get(from..).unwrap_or_default()),
        }
    }

    /// The whole header (options included) was captured and its length makes sense.
    pub fn header_complete(&self) -> bool {
        matches!(self.header_len(), Some(h) if h >= MIN_HEADER_LEN && self.raw.len() >= h as usize)
    }

    /// The captured payload after the header.
    pub fn payload(&self) -> &'a [u8] {
        let hlen = self.header_len().unwrap_or(MIN_HEADER_LEN) as usize;
        self.raw.get(hlen..).unwrap_or_default()
    }

    /// Flags in tcpdump's letters (`F`, `S`, `R`, `P`, `.`, `U`, `E`, `W`), lowest bit first.
    pub fn flag_letters(flags: u8) -> impl Iterator<Item = char> {
        [
            (FIN, 'F'),
            (SYN, 'S'),
            (RST, 'R'),
            (PSH, 'P'),
            (ACK, '.'),
            (URG, 'U'),
            (ECE, 'E'),
            (CWR, 'W'),
        ]
        .into_iter()
        .filter(move |(bit, _)| flags & bit != 0)
        .map(|(_, c)| c)
    }
}

/// One TCP option, read from the options' bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpOption<'a> {
    /// End of option list (kind 0) or no-operation (kind 1): one byte.
    Single(u8),
    /// Kind, the length byte as on the wire, and the data after the length byte as captured
    /// (at most length - 2 bytes).
    Long { kind: u8, len: u8, data: &'a [u8] },
}

/// The options in `opts`, one by one; stops at a byte missing for a kind or a length.
pub fn options(opts: &[u8]) -> impl Iterator<Item = TcpOption<'_>> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let kind = *opts.get(at)?;
        if kind <= 1 {
            at += 1;
            return Some(TcpOption::Single(kind));
        }
        let len = *opts.get(at + 1)?;
        let start = at + 2;
        let end = (at + usize::from(len).max(2)).min(opts.len());
        at += usize::from(len).max(2);
        Some(TcpOption::Long {
            kind,
            len,
            data: opts.get(start..end).unwrap_or_default(),
        })
    })
}

/// Decodes a TCP header; its payload follows, by port.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let Some(ip) = cx.ip else {
        return Next {
            rest: b,
            upper: Upper::Stop(StopReason::Unsupported),
        };
    };
    let tcp = Tcp { raw: b, ip };
    layers.push(Layer::Tcp(tcp));
    let upper = match (tcp.header_len(), tcp.ports()) {
        (Some(h), _) if h < MIN_HEADER_LEN => Upper::Stop(StopReason::Malformed),
        _ if !tcp.header_complete() => Upper::Stop(StopReason::Truncated),
        // tcpdump hands a payload the IP header announces to the port's printer even when
        // none of it was captured (the printer then says `[|proto]`).
        (Some(h), Some((s, d))) if ip.length > h => Upper::TcpPorts(s, d),
        _ => Upper::Nothing,
    };
    Next {
        rest: tcp.payload(),
        upper,
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::decode::Addrs;

    const SYN_MSS: [u8; 28] = [
        0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x70, SYN, 0xff, 0xff, 0xab, 0xcd, 0, 0, 2, 4,
        5, 0xb4, 1, 1, 4, 2,
    ];

    fn run(b: &[u8]) -> (Tcp<'_>, Next<'_>) {
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
        let [Layer::Tcp(t)] = layers[..] else {
            panic!("{layers:?}")
        };
        (t, next)
    }

    #[test]
    fn syn_with_options() {
        let (t, next) = run(&SYN_MSS);
        assert_eq!(t.ports(), Some((40000, 80)));
        assert_eq!(
            (t.seq(), t.flags(), t.window()),
            (Some(1), Some(SYN), Some(0xffff))
        );
        assert_eq!(t.header_len(), Some(28));
        assert!(t.header_complete());
        let opts: Vec<_> = options(t.options().unwrap()).collect();
        assert_eq!(
            opts,
            [
                TcpOption::Long {
                    kind: 2,
                    len: 4,
                    data: &[5, 0xb4]
                },
                TcpOption::Single(1),
                TcpOption::Single(1),
                TcpOption::Long {
                    kind: 4,
                    len: 2,
                    data: &[]
                },
            ]
        );
        assert_eq!(next.upper, Upper::Nothing);
        assert_eq!(Tcp::flag_letters(SYN | ACK).collect::<String>(), "S.");
    }

    #[test]
    fn payload_goes_up_by_port() {
        let mut seg = SYN_MSS.to_vec();
        seg.extend_from_slice(b"GET");
        let (t, next) = run(&seg);
        assert_eq!(t.payload(), b"GET");
        assert_eq!(next.upper, Upper::TcpPorts(40000, 80));
    }

    #[test]
    fn cut_short_everywhere() {
        for k in 0..SYN_MSS.len() {
            let (t, next) = run(&SYN_MSS[..k]);
            assert_eq!(next.upper, Upper::Stop(StopReason::Truncated), "{k}");
            assert_eq!(t.ports().is_some(), k >= 4);
            assert_eq!(t.window().is_some(), k >= 16);
            if k >= 13 {
                assert_eq!(t.options().unwrap_err().len(), k.saturating_sub(20));
            }
            let _ = options(t.options().unwrap_or_else(|o| o)).count();
            assert!(t.payload().is_empty());
        }
    }

    #[test]
    fn bad_header_length_is_malformed() {
        let mut seg = SYN_MSS;
        seg[12] = 0x40;
        let (_, next) = run(&seg);
        assert_eq!(next.upper, Upper::Stop(StopReason::Malformed));
    }

    #[test]
    fn option_lengths_that_lie() {
        let v: Vec<_> = options(&[8, 10, 1, 2]).collect();
        assert_eq!(
            v,
            [TcpOption::Long {
                kind: 8,
                len: 10,
                data: &[1, 2]
            }]
        );
        let v: Vec<_> = options(&[30, 0, 1]).collect();
        assert_eq!(
            v[0],
            TcpOption::Long {
                kind: 30,
                len: 0,
                data: &[]
            }
        );
        assert_eq!(options(&[5]).count(), 0);
    }
}
