//! AH and ESP wording (tcpdump's print-ah.c and print-esp.c without decryption): AH's
//! fields, then the protected payload as IP would print it; ESP's SPI, sequence number and
//! length, and nothing of its encrypted payload.

use std::fmt::Write as _;

use super::{
    payload::{be16_at, be32_at, u8_at, Cut, Get},
    Dissector, Ip,
};
use crate::decode::{ipsec::Ah, IpInfo, Layer};

impl Dissector {
    /// `AH(spi=...,seq=...,icv=...): ` and what it protects (`above`: the layers after it).
    pub(super) fn ah(&mut self, out: &mut String, ip: &Ip, ah: &Ah<'_>, above: &[Layer<'_>]) {
        if ah.raw.is_empty() {
            out.push_str(" [|ah]");
            return;
        }
        let res = ah_fields(out, ah.raw, self.opts.verbose);
        let Ok(len) = res else {
            self.app_end(out, "ah", Err(Cut));
            return;
        };
        // What follows is printed as if IP carried it, its addresses already said.
        let inner = Ip {
            info: IpInfo {
                length: ip.info.length.saturating_sub(len as u32),
                ..ip.info
            },
            addrs_printed: true,
            ..*ip
        };
        self.transport(out, &inner, above);
    }

    /// `ESP(spi=0x...,seq=0x...), length N` (`length`: the ESP packet's length by the
    /// headers before it).
    pub(super) fn esp(&mut self, out: &mut String, b: &[u8], length: u32) {
        match (crate::decode::be32(b, 0), crate::decode::be32(b, 4)) {
            (Some(spi), Some(seq)) if b.len() > 8 => {
                let _ = write!(out, "ESP(spi=0x{spi:08x},seq=0x{seq:x}), length {length}");
            }
            _ => out.push_str(" [|esp]"),
        }
    }
}

/// tcpdump's `ah_print`, every field read as it prints; the header's length.
fn ah_fields(out: &mut String, b: &[u8], verbose: u8) -> Get<usize> {
    out.push_str("AH");
    let len_field = u8_at(b, 1)?;
    let len = (usize::from(len_field) + 2) * 4;
    out.push('(');
    if verbose > 0 {
        let _ = write!(out, "length={len_field}({len}-bytes),");
    }
    let reserved = be16_at(b, 2)?;
    if reserved != 0 {
        let _ = write!(out, "reserved=0x{reserved:x}[MustBeZero],");
    }
    let _ = write!(out, "spi=0x{:08x},", be32_at(b, 4)?);
    let _ = write!(out, "seq=0x{:x},icv=0x", be32_at(b, 8)?);
    for at in 12..len {
        let _ = write!(out, "{:02x}", u8_at(b, at)?);
    }
    out.push_str("): ");
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode, packet::LinkType};

    /// The text of an IPv4 frame carrying `payload` as protocol `proto`, at `-v` or not.
    fn text(proto: u8, payload: &[u8], verbose: u8) -> String {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0, 0x45, 0];
        f.extend(((20 + payload.len()) as u16).to_be_bytes());
        f.extend([0, 1, 0, 0, 64, proto, 0, 0, 198, 18, 0, 1, 198, 18, 0, 2]);
        f.extend_from_slice(payload);
        let d = decode::decode(LinkType::ETHERNET, &f, f.len() as u32);
        let mut out = String::new();
        Dissector::new(super::super::Options {
            verbose,
            ..Default::default()
        })
        .frame(&mut out, &d, f.len() as u32);
        out
    }

    #[test]
    fn esp_and_ah_as_tcpdump_words_them() {
        let esp = [0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 0xee];
        assert_eq!(
            text(50, &esp, 0),
            "IP 198.18.0.1 > 198.18.0.2: ESP(spi=0x12345678,seq=0x1), length 9"
        );
        assert_eq!(
            text(50, &esp[..8], 0),
            "IP 198.18.0.1 > 198.18.0.2:  [|esp]"
        );
        let mut ah = vec![50, 1, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0x13];
        ah.extend(esp);
        assert_eq!(
            text(51, &ah, 1).lines().nth(1).unwrap(),
            "    198.18.0.1 > 198.18.0.2: AH(length=1(12-bytes),reserved=0x5[MustBeZero],\
             spi=0x00000100,seq=0x13,icv=0x): ESP(spi=0x12345678,seq=0x1), length 9"
        );
        assert_eq!(
            text(51, &ah[..10], 0),
            "IP 198.18.0.1 > 198.18.0.2: AH(reserved=0x5[MustBeZero],spi=0x00000100, [|ah]"
        );
        assert_eq!(text(51, &[], 0), "IP 198.18.0.1 > 198.18.0.2:  [|ah]");
    }
}
