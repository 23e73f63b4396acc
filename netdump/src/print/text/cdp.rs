//! CDP wording (tcpdump's `cdp_print` and its TLV printers).

use std::fmt::Write as _;

use super::{
    walk::{bits, print_char, printn, trunc, unknown_data, Bytes, Walk},
    Dissector,
};
use crate::decode::cdp::Cdp;

const CAPABILITIES: &[(u32, &str)] = &[
    (0x01, "Router"),
    (0x02, "Transparent Bridge"),
    (0x04, "Source Route Bridge"),
    (0x08, "L2 Switch"),
    (0x10, "L3 capable"),
    (0x20, "IGMP snooping"),
    (0x40, "L1 capable"),
];

/// How a TLV's value is printed.
#[derive(Clone, Copy)]
enum Kind {
    String,
    Addr,
    Capability,
    Version,
    Prefixes,
    /// Named, value not printed.
    Silent,
    Uint16,
    Duplex,
    Ata186,
    Power,
    Mtu,
    Uint8x,
    PhysLoc,
}

/// tcpdump's `cdptlvs`: name, printer, minimum and maximum value length (0: any).
fn tlv_info(ty: u16) -> Option<(&'static str, Kind, u32, u32)> {
    use Kind::*;
    Some(match ty {
        0x01 => ("Device-ID", String, 0, 0),
        0x02 => ("Address", Addr, 0, 0),
        0x03 => ("Port-ID", String, 0, 0),
        0x04 => ("Capability", Capability, 4, 4),
        0x05 => ("Version String", Version, 0, 0),
        0x06 => ("Platform", String, 0, 0),
        0x07 => ("Prefixes", Prefixes, 0, 0),
        0x08 => ("Protocol-Hello option", Silent, 0, 0),
        0x09 => ("VTP Management Domain", String, 0, 0),
        0x0a => ("Native VLAN ID", Uint16, 2, 2),
        0x0b => ("Duplex", Duplex, 1, 1),
        0x0e => ("ATA-186 VoIP VLAN assignment", Ata186, 3, 3),
        0x0f => ("ATA-186 VoIP VLAN request", Ata186, 2, 3),
        0x10 => ("power consumption", Power, 1, 3),
        0x11 => ("MTU", Mtu, 4, 4),
        0x12 => ("AVVID trust bitmap", Uint8x, 1, 1),
        0x13 => ("AVVID untrusted ports CoS", Uint8x, 1, 1),
        0x14 => ("System Name", String, 0, 0),
        0x15 => ("System Object ID (not decoded)", Silent, 0, 0),
        0x16 => ("Management Addresses", Addr, 4, 0),
        0x17 => ("Physical Location", PhysLoc, 1, 0),
        _ => return None,
    })
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Where the walk ended early: the capture ran out, or tcpdump's "invalid".
enum End {
    Cut,
    Invalid,
}

impl From<super::walk::Cut> for End {
    fn from(_: super::walk::Cut) -> End {
        End::Cut
    }
}

impl Dissector {
    pub(super) fn cdp(&mut self, out: &mut String, c: &Cdp<'_>) {
        let b = Bytes(c.raw);
        match self.cdp_walk(out, b, c.length) {
            Ok(()) => {}
            Err(End::Cut) => trunc(out, "cdp"),
            Err(End::Invalid) => out.push_str(" (invalid)"),
        }
    }

    fn cdp_walk(&self, out: &mut String, b: Bytes<'_>, orig: u32) -> Result<(), End> {
        let v = self.opts.verbose > 0;
        if orig < 4 {
            let _ = write!(out, " (packet length {orig} < 4)");
            return Err(End::Invalid);
        }
        let _ = write!(out, "CDPv{}, ttl: {}s", b.u8(0)?, b.u8(1)?);
        let sum = b.be16(2)?;
        if v {
            let _ = write!(out, ", checksum: 0x{sum:04x} (unverified), length {orig}");
        }
        let mut at = 4usize;
        let mut length = orig - 4;
        while length > 0 {
            if length < 4 {
                let _ = write!(out, " (remaining packet length {length} < 4)");
                return Err(End::Invalid);
            }
            let ty = b.be16(at)?;
            let len = u32::from(b.be16(at + 2)?);
            let info = tlv_info(ty);
            let name = info.map_or("unknown field type", |i| i.0);
            if len < 4 {
                let _ = if v {
                    write!(
                        out,
                        "\n\t{name} (0x{ty:02x}), TLV length: {len} byte{} (too short)",
                        plural(len)
                    )
                } else {
                    write!(out, ", {name} TLV length {len} too short")
                };
                return Err(End::Invalid);
            }
            if len > length {
                let _ = write!(out, " (TLV length {len} > {length})");
                return Err(End::Invalid);
            }
            at += 4;
            length -= 4;
            let len = len - 4;
            if !v && ty == 0x01 {
                out.push_str(", Device-ID ");
            } else if v {
                let _ = write!(
                    out,
                    "\n\t{name} (0x{ty:02x}), value length: {len} byte{}: ",
                    plural(len)
                );
            }
            let mut covered = false;
            if let Some((_, kind, min, max)) = info {
                if (min > 0 && len < min) || (max > 0 && len > max) {
                    out.push_str(" (malformed TLV)");
                } else if v || ty == 0x01 {
                    tlv_value(out, b, at, len as usize, kind)?;
                    covered = true;
                }
            }
            if !covered {
                b.slice(at, len as usize)?;
                unknown_data(out, "\n\t  ", b, at, len as usize);
            }
            at += len as usize;
            length -= len;
        }
        if !v {
            let _ = write!(out, ", length {orig}");
        }
        Ok(())
    }
}

fn tlv_value(out: &mut String, b: Bytes<'_>, at: usize, len: usize, kind: Kind) -> Walk {
    match kind {
        Kind::String => {
            out.push('\'');
            printn(out, b, at, len)?;
            out.push('\'');
        }
        Kind::Addr => addresses(out, b.from(at), len)?,
        Kind::Capability => {
            let val = b.be32(at)?;
            let _ = write!(
                out,
                "(0x{val:08x}): {}",
                bits(CAPABILITIES, val, ", ").unwrap_or_else(|| "none".into())
            );
        }
        Kind::Version => {
            out.push_str("\n\t  ");
            for i in 0..len {
                let c = b.u8(at + i)?;
                if c == b'\n' {
                    out.push_str("\n\t  ");
                } else {
                    print_char(out, c);
                }
            }
        }
        Kind::Prefixes => {
            if !len.is_multiple_of(5) {
                let _ = write!(out, " [length {len} is not a multiple of 5]");
                b.slice(at, len)?;
                return Ok(());
            }
            let _ = write!(out, " IPv4 Prefixes ({}):", len / 5);
            for i in (0..len).step_by(5) {
                let p = b.slice(at + i, 5)?;
                let _ = write!(out, " {}.{}.{}.{}/{}", p[0], p[1], p[2], p[3], p[4]);
            }
        }
        Kind::Silent => {
            b.slice(at, len)?;
        }
        Kind::Uint16 => {
            let _ = write!(out, "{}", b.be16(at)?);
        }
        Kind::Duplex => {
            out.push_str(if b.u8(at)? != 0 { "full" } else { "half" });
        }
        Kind::Ata186 => {
            let _ = if len == 2 {
                write!(out, "unknown 0x{:04x}", b.be16(at)?)
            } else {
                write!(out, "app {}, vlan {}", b.u8(at)?, b.be16(at + 1)?)
            };
        }
        Kind::Power => {
            let val = match len {
                1 => u32::from(b.u8(at)?),
                2 => u32::from(b.be16(at)?),
                3 => b.be24(at)?,
                _ => 0,
            };
            let _ = write!(out, "{:.2}W", f64::from(val) / 1000.0);
        }
        Kind::Mtu => {
            let _ = write!(out, "{} bytes", b.be32(at)?);
        }
        Kind::Uint8x => {
            let _ = write!(out, "0x{:02x}", b.u8(at)?);
        }
        Kind::PhysLoc => {
            let _ = write!(out, "0x{:02x}", b.u8(at)?);
            if len > 1 {
                out.push('/');
                printn(out, b, at + 1, len - 1)?;
            }
        }
    }
    Ok(())
}

/// `cdp_print_addr`: a count, then (protocol type, protocol, address) triples.
fn addresses(out: &mut String, b: Bytes<'_>, len: usize) -> Walk {
    const PROT_IPV6: [u8; 8] = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd];
    let mut l = len;
    let mut p = 0usize;
    // tcpdump's "invalid" in here only checks that the rest was captured.
    let invalid = |p: usize, l: usize| b.slice(p, l).map(|_| ());
    if l < 4 {
        out.push_str(" (not enough space for num)");
        return invalid(p, l);
    }
    let mut num = b.be32(p)?;
    p += 4;
    l -= 4;
    while num > 0 {
        if l < 2 {
            out.push_str(" (not enough space for PT+PL)");
            return invalid(p, l);
        }
        let pt = b.u8(p)?;
        let pl = usize::from(b.u8(p + 1)?);
        p += 2;
        l -= 2;
        if l < pl + 2 {
            out.push_str(" (not enough space for P+AL)");
            return invalid(p, l);
        }
        let al = usize::from(b.be16(p + pl)?);
        if pt == 1 && pl == 1 && b.u8(p)? == 0xcc && al == 4 {
            p += pl + 2;
            l -= pl + 2;
            if l < al {
                out.push_str(" (not enough space for A)");
                return invalid(p, l);
            }
            let _ = write!(out, "IPv4 ({num}) {}", b.ipv4(p)?);
        } else if pt == 2 && pl == 8 && b.slice(p, 8)? == PROT_IPV6 && al == 16 {
            p += pl + 2;
            l -= pl + 2;
            if l < al {
                out.push_str(" (not enough space for A)");
                return invalid(p, l);
            }
            let _ = write!(out, "IPv6 ({num}) {}", b.ipv6(p)?);
        } else {
            let _ = write!(out, "pt=0x{pt:02x}, pl={pl}, pb=");
            for i in 0..pl {
                let _ = write!(out, " {:02x}", b.u8(p + i)?);
            }
            p += pl;
            l -= pl;
            let _ = write!(out, ", al={al}, a=");
            p += 2;
            l -= 2;
            if l < al {
                out.push_str(" (not enough space for A)");
                return invalid(p, l);
            }
            for i in 0..al {
                let _ = write!(out, " {:02x}", b.u8(p + i)?);
            }
        }
        p += al;
        l -= al;
        num -= 1;
        if num > 0 {
            out.push(' ');
        }
    }
    if l > 0 {
        let _ = write!(out, " ({l} bytes of stray data)");
    }
    Ok(())
}
