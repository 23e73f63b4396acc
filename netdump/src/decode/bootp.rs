//! BOOTP and DHCP (RFC 951, RFC 2131/2132): the fixed header and the options after the
//! RFC 1048 magic cookie. Recognised by port (67/68); `print/text/bootp.rs` prints it from
//! the bytes as tcpdump's byte walker does; the fields JSON reports are read here.

use super::{be32, Context, Layer, Next, Upper};

/// A BOOTP/DHCP message as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bootp<'a> {
    pub raw: &'a [u8],
}

/// Offset of the vendor area (options) in the message.
pub const VEND: usize = 236;
/// The RFC 1048 magic cookie that starts DHCP options.
pub const MAGIC_RFC1048: [u8; 4] = [99, 130, 83, 99];
/// Option 53: the DHCP message type.
pub const TAG_DHCP_MESSAGE: u8 = 53;
pub const TAG_PAD: u8 = 0;
/// DHCP message types (option 53) by tcpdump's names.
pub const MESSAGES: &[(u32, &str)] = &[
    (1, "Discover"),
    (2, "Offer"),
    (3, "Request"),
    (4, "Decline"),
    (5, "ACK"),
    (6, "NACK"),
    (7, "Release"),
    (8, "Inform"),
    (10, "LeaseQuery"),
    (11, "LeaseUnassigned"),
    (12, "LeaseUnknown"),
    (13, "LeaseActive"),
];

pub const TAG_END: u8 = 255;

impl<'a> Bootp<'a> {
    /// 1 for a request, 2 for a reply.
    pub fn op(&self) -> Option<u8> {
        self.raw.first().copied()
    }

    pub fn xid(&self) -> Option<u32> {
        be32(self.raw, 4)
    }

    /// The client hardware address when it is an Ethernet one.
    pub fn client_mac(&self) -> Option<[u8; 6]> {
        if self.raw.get(1..3)? != [1, 6] {
            return None;
        }
        super::array(self.raw, 28)
    }

    /// The options, when the vendor area starts with the RFC 1048 cookie: (tag, data) as
    /// far as captured, pads skipped, ending at the end option.
    pub fn options(&self) -> Options<'a> {
        let rest = match self.raw.get(VEND..VEND + 4) {
            Some(m) if m == MAGIC_RFC1048 => &self.raw[VEND + 4..],
            _ => &[],
        };
        Options { rest }
    }

    /// The DHCP message type (option 53), if the message has one.
    pub fn dhcp_message_type(&self) -> Option<u8> {
        self.options()
            .find(|(t, d)| *t == TAG_DHCP_MESSAGE && d.len() == 1)
            .map(|(_, d)| d[0])
    }
}

/// The options of a DHCP message, each whole as captured.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Options<'a> {
    type Item = (u8, &'a [u8]);

    fn next(&mut self) -> Option<(u8, &'a [u8])> {
        loop {
            let (&tag, after) = self.rest.split_first()?;
            match tag {
                TAG_PAD => self.rest = after,
                TAG_END => {
                    self.rest = &[];
                    return None;
                }
                _ => {
                    let (&len, after) = after.split_first()?;
                    let Some(data) = after.get(..usize::from(len)) else {
                        self.rest = &[];
                        return None;
                    };
                    self.rest = &after[usize::from(len)..];
                    return Some((tag, data));
                }
            }
        }
    }
}

/// Takes the whole payload as one BOOTP message.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Bootp(Bootp { raw: b }));
    Next::consumed(b, Upper::Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn discover() -> Vec<u8> {
        let mut m = vec![0u8; VEND];
        m[..4].copy_from_slice(&[1, 1, 6, 0]);
        m[4..8].copy_from_slice(&0x1234_5678u32.to_be_bytes());
        m[28..34].copy_from_slice(&[2, 0, 0, 0, 0, 1]);
        m.extend_from_slice(&MAGIC_RFC1048);
        m.extend_from_slice(&[0, 53, 1, 1, 12, 3, b'a', b'b', b'c', 255, 7]);
        m
    }

    #[test]
    fn header_and_options() {
        let m = discover();
        let b = Bootp { raw: &m };
        assert_eq!((b.op(), b.xid()), (Some(1), Some(0x1234_5678)));
        assert_eq!(b.client_mac(), Some([2, 0, 0, 0, 0, 1]));
        let opts: Vec<_> = b.options().collect();
        assert_eq!(opts, [(53, &[1u8][..]), (12, &b"abc"[..])]);
        assert_eq!(b.dhcp_message_type(), Some(1));
    }

    #[test]
    fn cut_at_every_byte() {
        let m = discover();
        for k in 0..m.len() {
            let mut layers = Vec::new();
            let next = decode(&m[..k], &mut Context::default(), &mut layers);
            assert!(next.rest.is_empty());
            let [Layer::Bootp(b)] = layers[..] else {
                panic!("{layers:?}")
            };
            assert!(b.options().count() <= 2);
            assert_eq!(b.dhcp_message_type().is_some(), k >= VEND + 8);
        }
    }
}
