//! TFTP (RFC 1350, options RFC 2347): recognised by port (69) or `-T tftp`;
//! `print/text/tftp.rs` prints it from the bytes; the opcode JSON reports is read here.

use super::{be16, Context, Layer, Next, Upper};

/// A TFTP packet as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tftp<'a> {
    pub raw: &'a [u8],
}

impl Tftp<'_> {
    pub fn opcode(&self) -> Option<u16> {
        be16(self.raw, 0)
    }

    /// The file name of a read or write request, up to its NUL, as captured.
    pub fn file_name(&self) -> Option<&[u8]> {
        if !matches!(self.opcode()?, 1 | 2) {
            return None;
        }
        let rest = self.raw.get(2..)?;
        let end = rest.iter().position(|&c| c == 0)?;
        Some(&rest[..end])
    }
}

/// Takes the whole payload as one TFTP packet.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Tftp(Tftp { raw: b }));
    Next::consumed(b, Upper::Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_as_far_as_captured() {
        let m = b"\x00\x01boot.img\x00octet\x00";
        assert_eq!(Tftp { raw: m }.opcode(), Some(1));
        assert_eq!(Tftp { raw: m }.file_name(), Some(&b"boot.img"[..]));
        for k in 0..11 {
            assert_eq!(Tftp { raw: &m[..k] }.file_name(), None);
        }
        assert_eq!(
            Tftp {
                raw: b"\x00\x03\x00\x01"
            }
            .file_name(),
            None
        );
    }
}
