//! ETSI GeoNetworking and ISO CALM FAST (vehicle-to-vehicle link protocols) as tcpdump's
//! print-geonet.c and print-calm-fast.c say them.

use std::fmt::Write as _;

use super::message::{tok, Bytes, Walk};
use super::{mac, Dissector};
use crate::decode::message::Message;

const MSG_TYPES: &[(u32, &str)] = &[
    (0, "CAM"),
    (1, "DENM"),
    (101, "TPEGM"),
    (102, "TSPDM"),
    (103, "VPM"),
    (104, "SRM"),
    (105, "SLAM"),
    (106, "ecoCAM"),
    (107, "ITM"),
    (150, "SA"),
];

fn header_type(ty: u8, sub: u8) -> &'static str {
    match (ty, sub) {
        (0, _) => "Any",
        (1, _) => "Beacon",
        (2, _) => "GeoUnicast",
        (3, 0) => "GeoAnycastCircle",
        (3, 1) => "GeoAnycastRect",
        (3, 2) => "GeoAnycastElipse",
        (4, 0) => "GeoBroadcastCircle",
        (4, 1) => "GeoBroadcastRect",
        (4, 2) => "GeoBroadcastElipse",
        (5, 0) => "TopoScopeBcast-SH",
        (5, 1) => "TopoScopeBcast-MH",
        (6, 0) => "LocService-Request",
        (6, 1) => "LocService-Reply",
        _ => "Unknown",
    }
}

/// The size of the extended header after the common one, where tcpdump knows it.
fn extended_size(ty: u8, sub: u8) -> Option<usize> {
    match (ty, sub) {
        (0 | 1, _) | (5, 0) => Some(0),
        (5, 1) => Some(68 - 36),
        _ => None,
    }
}

impl Dissector {
    pub(super) fn geonet(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "geonet");
        let mut length = m.length as usize;
        out.push_str("GeoNet ");
        if let Some(src) = m.link_src {
            out.push_str("src:");
            mac(out, &src);
        }
        out.push_str("; ");
        if length < 36 {
            let _ = write!(out, " (common header length {length} < 36) (invalid)");
            return Ok(());
        }
        let (version, next_hdr) = (b.u8(0)? >> 4, b.u8(0)? & 0x0f);
        let (ty, sub) = (b.u8(1)? >> 4, b.u8(1)? & 0x0f);
        let payload = b.be16(4)?;
        let hop_limit = b.u8(7)?;
        let next_txt = match next_hdr {
            0 => "Any",
            1 => "BTP-A",
            2 => "BTP-B",
            3 => "IPv6",
            _ => "Unknown",
        };
        let _ = write!(
            out,
            "v:{version} NH:{next_hdr}-{next_txt} HT:{ty}-{sub}-{} HopLim:{hop_limit} Payload:{payload} ",
            header_type(ty, sub)
        );
        let gn_addr = b.get(8, 8)?;
        out.push_str("GN_ADDR:");
        mac(out, gn_addr);
        let _ = write!(out, " lat:{} lon:{}", b.be32(20)?, b.be32(24)?);
        b.get(0, 36)?;
        length -= 36;
        let mut at = 36;
        if let Some(size) = extended_size(ty, sub) {
            if length < size {
                let _ = write!(out, " (header size {size} > {length}) (invalid)");
                return Ok(());
            }
            b.get(at, size)?;
            length -= size;
            at += size;
            if next_hdr == 1 || next_hdr == 2 {
                if length < 4 {
                    let _ = write!(out, " (BTP length {length} < 4) (invalid)");
                    return Ok(());
                }
                let _ = write!(out, "; BTP Dst:{} Src:{}", b.be16(at)?, b.be16(at + 2)?);
                length -= 4;
                at += 4;
                if length >= 2 {
                    let _ = write!(out, "; ItsPduHeader v:{}", b.u8(at)?);
                    let t = b.u8(at + 1)?;
                    let name = tok(MSG_TYPES, u32::from(t))
                        .map_or_else(|| format!("unknown ({t})"), str::to_string);
                    let _ = write!(out, " t:{t}-{name}");
                }
            }
        }
        if self.opts.verbose > 0 {
            return self.default_print_len(out, b.from(at), length);
        }
        Ok(())
    }

    pub(super) fn calm_fast(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "calm_fast");
        let length = m.length as usize;
        out.push_str("CALM FAST");
        if let Some(src) = m.link_src {
            out.push_str(" src:");
            mac(out, &src);
        }
        out.push_str("; ");
        if length < 2 {
            let _ = write!(out, " (length {length} < 2) (invalid)");
            return b.get(0, length).map(|_| ());
        }
        let _ = write!(out, "SrcNwref:{}; DstNwref:{}; ", b.u8(0)?, b.u8(1)?);
        if self.opts.verbose > 0 {
            return self.default_print_len(out, b.from(2), length - 2);
        }
        Ok(())
    }
}
