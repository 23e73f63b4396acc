//! IEEE 802.1AE MACsec SecTAGs (ethertype 0x88e5) after an Ethernet header, read as
//! tcpdump's `macsec_print`: an encrypted (or changed) payload stays bytes; an integrity-only
//! one is decoded on, its ICV and anything past the short length left out.

use super::{be16, be32, Context, Layer, Next, StopReason, Upper};

pub const ETHERTYPE: u16 = 0x88e5;
/// The ICV tcpdump assumes (the default cipher suite's).
pub const ICV_LEN: usize = 16;
const SECTAG_LEN_NOSCI: usize = 6;
const SECTAG_LEN_SCI: usize = 14;

pub const TCI_VERSION: u8 = 0x80;
pub const TCI_ES: u8 = 0x40;
pub const TCI_SC: u8 = 0x20;
pub const TCI_SCB: u8 = 0x10;
pub const TCI_E: u8 = 0x08;
pub const TCI_C: u8 = 0x04;

/// What tcpdump does with a SecTAG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Cut short (or shorter than its parts on the wire): ` [|macsec]` and nothing more.
    Truncated,
    /// Integrity only, but the ICV or the short length do not fit: ` [|macsec]` after the
    /// tag (which `-e` prints).
    Short,
    /// The version bit or the short length's reserved bits set: ` (invalid)`.
    Invalid,
    /// E or C set: the payload is dumped as bytes.
    Encrypted,
    /// Integrity only: the payload's ethertype follows.
    Clear,
}

/// A MACsec SecTAG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Macsec<'a> {
    /// The SecTAG's captured bytes.
    pub raw: &'a [u8],
    pub status: Status,
    /// TCI and association number.
    pub tci_an: u8,
    /// The short length (0: the secure data runs to the ICV).
    pub short_length: u8,
    pub packet_number: u32,
    /// The secure channel identifier, when the SC bit says it is there.
    pub sci: Option<u64>,
    /// The payload's captured bytes (an encrypted one's, for the dump).
    pub payload: &'a [u8],
}

impl Macsec<'_> {
    pub fn an(&self) -> u8 {
        self.tci_an & 0x03
    }
}

/// Decodes the SecTAG at the start of `b` (after the 0x88e5 type field); `cx.wire_len` is
/// the frame's length from here on.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let length = cx.wire_len.map_or(b.len(), |l| l as usize);
    let mut m = Macsec {
        raw: b,
        status: Status::Truncated,
        tci_an: 0,
        short_length: 0,
        packet_number: 0,
        sci: None,
        payload: &[],
    };
    let stop = |m: Macsec<'a>, layers: &mut Vec<Layer<'a>>, reason| {
        layers.push(Layer::Macsec(m));
        Next::consumed(b, Upper::Stop(reason))
    };
    if b.len() < SECTAG_LEN_NOSCI || length < SECTAG_LEN_NOSCI {
        return stop(m, layers, StopReason::Truncated);
    }
    m.tci_an = b[0];
    let sectag_len = if m.tci_an & TCI_SC != 0 {
        SECTAG_LEN_SCI
    } else {
        SECTAG_LEN_NOSCI
    };
    if b.len() < sectag_len || length < sectag_len {
        return stop(m, layers, StopReason::Truncated);
    }
    m.raw = &b[..sectag_len];
    m.short_length = b[1] & 0x3f;
    m.packet_number = be32(b, 2).unwrap_or(0);
    if sectag_len == SECTAG_LEN_SCI {
        m.sci = b
            .get(6..14)
            .and_then(|s| s.try_into().ok())
            .map(u64::from_be_bytes);
    }
    if b[1] & !0x3f != 0 || m.tci_an & TCI_VERSION != 0 {
        m.status = Status::Invalid;
        return stop(m, layers, StopReason::Malformed);
    }
    let rest = &b[sectag_len..];
    let length = length - sectag_len;
    if m.tci_an & (TCI_E | TCI_C) != 0 {
        m.status = Status::Encrypted;
        m.payload = rest;
        layers.push(Layer::Macsec(m));
        // Nothing decodes it, but it is not link-level: -x dumps it.
        return Next {
            rest,
            upper: Upper::Nothing,
        };
    }
    // Integrity only: the ICV is no payload, and a short length bounds the secure data.
    let (Some(mut length), Some(mut caplen)) =
        (length.checked_sub(ICV_LEN), rest.len().checked_sub(ICV_LEN))
    else {
        m.status = Status::Short;
        return stop(m, layers, StopReason::Truncated);
    };
    let sl = usize::from(m.short_length);
    if sl != 0 {
        if sl > length || sl > caplen {
            m.status = Status::Short;
            return stop(m, layers, StopReason::Truncated);
        }
        length = length.min(sl);
        caplen = caplen.min(sl);
    }
    let rest = &rest[..caplen];
    // tcpdump reads the next type field from what is left, whatever the lengths.
    let Some(ethertype) = be16(rest, 0).filter(|_| caplen >= 2) else {
        m.status = Status::Clear;
        layers.push(Layer::Macsec(m));
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    };
    m.status = Status::Clear;
    m.payload = rest;
    layers.push(Layer::Macsec(m));
    cx.wire_len = Some(length.saturating_sub(2) as u32);
    Next {
        rest: &rest[2..],
        upper: Upper::Ethertype(ethertype),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &[u8]) -> (Vec<Layer<'_>>, Next<'_>, Context) {
        let mut cx = Context {
            wire_len: Some(b.len() as u32),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        (layers, next, cx)
    }

    fn tag(tci: u8, sl: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![tci, sl, 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 0, 1];
        f.extend_from_slice(payload);
        f.extend_from_slice(&[0xee; ICV_LEN]);
        f
    }

    #[test]
    fn integrity_only_hands_on_the_ethertype_without_the_icv() {
        let f = tag(TCI_SC, 0, &[0x08, 0x00, 0x45, 0x00]);
        let (layers, next, cx) = run(&f);
        let Some(Layer::Macsec(m)) = layers.first() else {
            panic!("{layers:?}")
        };
        assert_eq!(
            (m.status, m.packet_number, m.sci),
            (Status::Clear, 7, Some(0x0102030405060001))
        );
        assert_eq!(next.upper, Upper::Ethertype(0x0800));
        assert_eq!(next.rest, [0x45, 0]);
        assert_eq!(cx.wire_len, Some(2));
    }

    #[test]
    fn encrypted_stays_bytes_and_bad_tags_stop() {
        let f = tag(TCI_SC | TCI_E | TCI_C, 0, &[1, 2, 3]);
        let (layers, next, _) = run(&f);
        assert!(matches!(
            layers[0],
            Layer::Macsec(Macsec {
                status: Status::Encrypted,
                ..
            })
        ));
        assert_eq!(next.upper, Upper::Nothing);
        let f = tag(TCI_VERSION | TCI_SC, 0, &[1, 2, 3]);
        assert!(matches!(
            run(&f).0[0],
            Layer::Macsec(Macsec {
                status: Status::Invalid,
                ..
            })
        ));
        let f = tag(TCI_SC, 40, &[8, 0]);
        assert!(matches!(
            run(&f).0[0],
            Layer::Macsec(Macsec {
                status: Status::Short,
                ..
            })
        ));
    }

    #[test]
    fn every_cut_is_safe() {
        let f = tag(TCI_SC, 4, &[0x08, 0x00, 0x45, 0x00]);
        for k in 0..=f.len() {
            let (layers, _, _) = run(&f[..k]);
            assert_eq!(layers.len(), 1);
        }
    }
}
