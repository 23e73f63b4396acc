//! IEEE 802.2 LLC headers (after an 802.3 length field) and the SNAP header after them.
//!
//! What follows an LLC header is decided by its SAPs (`decode::LLC_SAPS`, for UI frames
//! whose two SAPs are equal) or, after SNAP, by OUI and protocol id (`decode::SNAP_PIDS`;
//! the encapsulated-Ethernet OUIs carry an ethertype), as tcpdump's `llc_print` and
//! `snap_print` do.

use super::{be16, Context, Layer, Next, StopReason, Upper};

pub const SAP_GLOBAL: u8 = 0xff;
pub const SAP_SNAP: u8 = 0xaa;
pub const SAP_STP: u8 = 0x42;
/// ISO network layer (IS-IS, ES-IS, CLNP).
pub const SAP_ISONS: u8 = 0xfe;
/// The I/G bit of the DSAP, the C/R bit of the SSAP.
pub const SAP_GROUP: u8 = 0x01;
/// A U frame's control field has both low bits set.
pub const U_FORMAT: u16 = 0x03;
/// Unnumbered information.
pub const UI: u16 = 0x03;
pub const SNAP_LEN: usize = 5;

pub const OUI_ETHER: u32 = 0x000000;
pub const OUI_CISCO: u32 = 0x00000c;
pub const OUI_CISCO_90: u32 = 0x0000f8;
pub const OUI_RFC2684: u32 = 0x0080c2;
pub const OUI_APPLETALK: u32 = 0x080007;
pub const ETHERTYPE_ATALK: u16 = 0x809b;

/// An LLC header and what follows it, as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Llc<'a> {
    /// From the DSAP to the end of the captured bytes (no further than the 802.3 length).
    pub raw: &'a [u8],
    /// The bytes from the DSAP on, on the wire (the 802.3 length, or less).
    pub length: u32,
}

/// An LLC header's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// DSAP with its I/G bit.
    pub dsap_field: u8,
    /// SSAP with its C/R bit.
    pub ssap_field: u8,
    /// One byte for U frames, two (little-endian) for I and S frames.
    pub control: u16,
    pub is_u: bool,
}

impl Header {
    pub fn dsap(&self) -> u8 {
        self.dsap_field & !SAP_GROUP
    }

    pub fn ssap(&self) -> u8 {
        self.ssap_field & !SAP_GROUP
    }

    pub fn header_len(&self) -> usize {
        if self.is_u {
            3
        } else {
            4
        }
    }

    /// A SNAP header follows (both SAPs SNAP, a UI frame).
    pub fn is_snap(&self) -> bool {
        self.dsap() == SAP_SNAP && self.ssap() == SAP_SNAP && self.control == UI
    }
}

impl<'a> Llc<'a> {
    /// Novell's "raw 802.3" IPX: no LLC header, the IPX checksum 0xffff where the SAPs are.
    pub fn is_raw_ipx(&self) -> bool {
        self.raw.get(..2) == Some(&[SAP_GLOBAL, SAP_GLOBAL])
    }

    /// The header, if its bytes were captured and are within the frame's length.
    pub fn header(&self) -> Option<Header> {
        let (&dsap_field, &ssap_field, &c) =
            (self.raw.first()?, self.raw.get(1)?, self.raw.get(2)?);
        if self.length < 3 {
            return None;
        }
        if u16::from(c) & U_FORMAT == U_FORMAT {
            return Some(Header {
                dsap_field,
                ssap_field,
                control: u16::from(c),
                is_u: true,
            });
        }
        if self.length < 4 {
            return None;
        }
        Some(Header {
            dsap_field,
            ssap_field,
            control: u16::from_le_bytes([c, *self.raw.get(3)?]),
            is_u: false,
        })
    }

    /// The SNAP header's OUI and protocol id, when there is one and it was captured.
    pub fn snap(&self) -> Option<(u32, u16)> {
        let h = self.header().filter(Header::is_snap)?;
        let s = self.raw.get(h.header_len()..h.header_len() + SNAP_LEN)?;
        if self.length < (h.header_len() + SNAP_LEN) as u32 {
            return None;
        }
        Some((
            u32::from_be_bytes([0, s[0], s[1], s[2]]),
            u16::from_be_bytes([s[3], s[4]]),
        ))
    }

    /// The bytes after the LLC (and SNAP) header.
    pub fn payload(&self) -> &'a [u8] {
        let n = match (self.header(), self.snap()) {
            (Some(h), Some(_)) => h.header_len() + SNAP_LEN,
            (Some(h), None) => h.header_len(),
            (None, _) => self.raw.len(),
        };
        self.raw.get(n..).unwrap_or_default()
    }
}

/// What an encapsulated-Ethernet SNAP header's protocol id says follows.
pub fn snap_upper(oui: u32, pid: u16) -> Upper {
    match oui {
        OUI_ETHER | OUI_CISCO_90 => Upper::Ethertype(pid),
        OUI_APPLETALK if pid == ETHERTYPE_ATALK => Upper::Ethertype(pid),
        _ => Upper::Snap(oui, pid),
    }
}

/// Decodes an LLC header; `cx.wire_len` is the frame's 802.3 length.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let llc = Llc {
        raw: b,
        length: cx.wire_len.unwrap_or(b.len() as u32),
    };
    layers.push(Layer::Llc(llc));
    let Some(h) = llc.header() else {
        return Next::consumed(b, Upper::Stop(StopReason::Truncated));
    };
    if llc.is_raw_ipx() {
        return Next::consumed(b, Upper::Stop(StopReason::Unsupported));
    }
    let payload = llc.payload();
    cx.wire_len = Some(llc.length.saturating_sub((b.len() - payload.len()) as u32));
    let upper = if h.is_snap() {
        match llc.snap() {
            Some((oui, pid)) => snap_upper(oui, pid),
            None => Upper::Stop(StopReason::Truncated),
        }
    } else if h.dsap() == h.ssap() && h.control == UI {
        Upper::LlcSap(h.dsap())
    } else {
        // I and S frames, and U frames other than UI: tcpdump names them, nothing more.
        Upper::Nothing
    };
    Next {
        rest: payload,
        upper,
    }
}

/// The OUI and protocol id of a SNAP header at `at`, for other link layers' decoders.
pub fn snap_at(b: &[u8], at: usize) -> Option<(u32, u16)> {
    let oui = u32::from(be16(b, at)?) << 8 | u32::from(*b.get(at + 2)?);
    Some((oui, be16(b, at + 3)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &[u8]) -> (Vec<Layer<'_>>, Next<'_>) {
        let mut cx = Context {
            wire_len: Some(b.len() as u32),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = decode(b, &mut cx, &mut layers);
        (layers, next)
    }

    #[test]
    fn stp_sap_and_snap_ethertype() {
        let (_, next) = run(&[0x42, 0x42, 0x03, 0, 0]);
        assert_eq!(next.upper, Upper::LlcSap(SAP_STP));
        assert_eq!(next.rest, [0, 0]);
        let (_, next) = run(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, 0x45]);
        assert_eq!(next.upper, Upper::Ethertype(0x0800));
        assert_eq!(next.rest, [0x45]);
        let (_, next) = run(&[0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0x00, 2]);
        assert_eq!(next.upper, Upper::Snap(OUI_CISCO, 0x2000));
        assert_eq!(
            snap_at(&[0, 0, 0x0c, 0x20, 0], 0),
            Some((OUI_CISCO, 0x2000))
        );
    }

    #[test]
    fn i_frames_have_two_control_bytes() {
        let (layers, next) = run(&[0xf0, 0xf0, 0x00, 0x02, 9]);
        let Layer::Llc(l) = layers[0] else { panic!() };
        let h = l.header().unwrap();
        assert_eq!((h.is_u, h.control, h.header_len()), (false, 0x0200, 4));
        assert_eq!(next.upper, Upper::Nothing);
        assert_eq!(next.rest, [9]);
    }

    #[test]
    fn cut_at_every_byte() {
        let f = [0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0x00, 2, 3];
        for k in 0..f.len() {
            let (layers, next) = run(&f[..k]);
            assert_eq!(layers.len(), 1);
            if k < 8 {
                assert_eq!(next.upper, Upper::Stop(StopReason::Truncated), "{k}");
            }
        }
    }
}
