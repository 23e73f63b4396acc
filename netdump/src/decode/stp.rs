//! Spanning-tree BPDUs (802.1D STP, 802.1w RSTP, 802.1s MSTP, 802.1aq SPB), after an LLC
//! header with the STP SAPs or a SNAP header (Cisco PVST, RFC 2684 BPDU).
//!
//! The printer walks the BPDU as tcpdump's `stp_print`; the decoder records the message and
//! the fields the JSON output names.

use super::{array, be16, Context, Layer, Next};

/// A BPDU as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stp<'a> {
    /// The BPDU's captured bytes.
    pub raw: &'a [u8],
    /// Its length on the wire.
    pub length: u32,
}

impl Stp<'_> {
    pub fn protocol_id(&self) -> Option<u16> {
        be16(self.raw, 0)
    }

    pub fn version(&self) -> Option<u8> {
        self.raw.get(2).copied()
    }

    pub fn bpdu_type(&self) -> Option<u8> {
        self.raw.get(3).copied()
    }

    pub fn flags(&self) -> Option<u8> {
        self.raw.get(4).copied()
    }

    /// Root bridge id (priority and MAC address), as configuration BPDUs carry it.
    pub fn root_id(&self) -> Option<[u8; 8]> {
        array(self.raw, 5)
    }

    pub fn root_path_cost(&self) -> Option<u32> {
        super::be32(self.raw, 13)
    }

    /// The sending bridge's id (the CIST regional root in MSTP BPDUs).
    pub fn bridge_id(&self) -> Option<[u8; 8]> {
        array(self.raw, 17)
    }

    pub fn port_id(&self) -> Option<u16> {
        be16(self.raw, 25)
    }
}

/// Records a BPDU; nothing follows it.
pub fn decode<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Stp(Stp {
        raw: b,
        length: cx.wire_len.unwrap_or(b.len() as u32),
    }));
    Next::end(b, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_when_captured() {
        let mut b = vec![0, 0, 2, 2, 0x3c];
        b.extend_from_slice(&[0x80, 0, 1, 2, 3, 4, 5, 6]);
        let s = Stp {
            raw: &b,
            length: 36,
        };
        assert_eq!(
            (s.version(), s.bpdu_type(), s.flags()),
            (Some(2), Some(2), Some(0x3c))
        );
        assert_eq!(s.root_id(), Some([0x80, 0, 1, 2, 3, 4, 5, 6]));
        assert_eq!(s.bridge_id(), None);
        for k in 0..b.len() {
            let s = Stp {
                raw: &b[..k],
                length: 36,
            };
            let _ = (s.root_id(), s.port_id(), s.root_path_cost());
        }
    }
}
