//! RADIUS (RFC 2865/2866, CoA RFC 5176): recognised by port (1645/1646/1700/1812/1813/3799)
//! or `-T radius`; `print/text/radius.rs` prints it from the bytes; the code, id and
//! attribute types JSON reports are read here.

use super::{be16, Context, Layer, Next, Upper};

/// A RADIUS packet as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Radius<'a> {
    pub raw: &'a [u8],
}

/// Code, identifier, length and authenticator.
pub const MIN_LEN: usize = 20;

impl Radius<'_> {
    pub fn code(&self) -> Option<u8> {
        self.raw.first().copied()
    }

    pub fn id(&self) -> Option<u8> {
        self.raw.get(1).copied()
    }

    /// The attribute types, as far as captured whole.
    pub fn attribute_types(&self) -> Vec<u8> {
        let end = be16(self.raw, 2).map_or(0, usize::from).min(self.raw.len());
        let mut at = MIN_LEN;
        let mut types = Vec::new();
        while let (Some(&t), Some(&l)) = (self.raw.get(at), self.raw.get(at + 1)) {
            let l = usize::from(l);
            if l < 2 || at + l > end {
                break;
            }
            types.push(t);
            at += l;
        }
        types
    }
}

/// Takes the whole payload as one RADIUS packet.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Radius(Radius { raw: b }));
    Next::consumed(b, Upper::Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_as_far_as_captured() {
        let mut m = vec![1, 7, 0, 29];
        m.extend_from_slice(&[0; 16]);
        m.extend_from_slice(&[1, 5, b'b', b'o', b'b', 5, 4, 0, 0]);
        let r = Radius { raw: &m };
        assert_eq!((r.code(), r.id()), (Some(1), Some(7)));
        assert_eq!(r.attribute_types(), [1, 5]);
        for k in 0..m.len() {
            let r = Radius { raw: &m[..k] };
            assert_eq!(r.attribute_types().len(), usize::from(k >= 25));
        }
    }
}
