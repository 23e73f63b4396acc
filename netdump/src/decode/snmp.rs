//! SNMP (RFC 1157, 3416, 3412) on UDP 161/162: recognised by port (or `-T snmp`), printed
//! from the payload bytes by `print/text/snmp/` (tcpdump's printer is an ASN.1 BER
//! walker with its own complaints); the fields JSON reports (version, community, PDU type)
//! are read here with a lax BER reader.

use super::{Context, Layer, Next, Upper};

/// An SNMP message as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snmp<'a> {
    pub raw: &'a [u8],
}

/// The PDU names by context tag (RFC 3416).
pub const PDU_TYPES: &[&str] = &[
    "GetRequest",
    "GetNextRequest",
    "GetResponse",
    "SetRequest",
    "Trap",
    "GetBulk",
    "Inform",
    "V2Trap",
    "Report",
];

/// One BER element: its tag, and its contents as captured (maybe fewer bytes than its
/// length says).
fn element(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    let (len, at) = if first & 0x80 == 0 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for k in 0..n {
            len = len << 8 | usize::from(*b.get(2 + k)?);
        }
        (len, 2 + n)
    };
    let rest = b.get(at..)?;
    let end = len.min(rest.len());
    Some((tag, &rest[..end], &rest[end..]))
}

impl<'a> Snmp<'a> {
    /// The message's version field (0: v1, 1: v2c, 3: v3).
    pub fn version(&self) -> Option<i64> {
        let (_, v, _) = self.header()?;
        Some(v)
    }

    /// v1/v2c: the community string.
    pub fn community(&self) -> Option<&'a [u8]> {
        let (_, v, rest) = self.header()?;
        if v > 1 {
            return None;
        }
        match element(rest)? {
            (0x04, c, _) => Some(c),
            _ => None,
        }
    }

    /// v1/v2c: the PDU's name.
    pub fn pdu_type(&self) -> Option<&'static str> {
        let (_, v, rest) = self.header()?;
        if v > 1 {
            return None;
        }
        let (_, _, after) = element(rest)?;
        let (tag, _, _) = element(after)?;
        (tag & 0xe0 == 0xa0)
            .then(|| PDU_TYPES.get(usize::from(tag & 0x1f)).copied())
            .flatten()
    }

    /// The outer sequence, the version, and what follows the version.
    fn header(&self) -> Option<(u8, i64, &'a [u8])> {
        let (tag, body, _) = element(self.raw)?;
        if tag != 0x30 {
            return None;
        }
        let (itag, int, rest) = element(body)?;
        if itag != 0x02 || int.is_empty() || int.len() > 4 {
            return None;
        }
        let mut v = if int[0] & 0x80 != 0 { -1i64 } else { 0 };
        for &c in int {
            v = v << 8 | i64::from(c);
        }
        Some((tag, v, rest))
    }
}

/// Takes the whole payload as one SNMP message.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Snmp(Snmp { raw: b }));
    Next::consumed(b, Upper::Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A v2c GetRequest for sysDescr.0 with community "public".
    const GET: &[u8] = &[
        0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa0, 0x19,
        0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08,
        0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00,
    ];

    #[test]
    fn header_fields() {
        let s = Snmp { raw: GET };
        assert_eq!(s.version(), Some(1));
        assert_eq!(s.community(), Some(&b"public"[..]));
        assert_eq!(s.pdu_type(), Some("GetRequest"));
    }

    #[test]
    fn cut_at_every_byte() {
        for k in 0..GET.len() {
            let s = Snmp { raw: &GET[..k] };
            let mut layers = Vec::new();
            decode(&GET[..k], &mut Context::default(), &mut layers);
            assert!(matches!(layers[..], [Layer::Snmp(_)]));
            assert_eq!(s.version().is_some(), k >= 5);
            assert_eq!(s.pdu_type().is_some(), k >= 15);
            let _ = s.community();
        }
        // A long-form length that claims more than any capture.
        let s = Snmp {
            raw: &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x00],
        };
        assert_eq!(s.version(), Some(0));
        assert_eq!(
            Snmp {
                raw: &[0x30, 0x85, 0]
            }
            .version(),
            None
        );
    }
}
