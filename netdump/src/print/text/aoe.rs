//! ATA over Ethernet (ethertype 0x88a2) as tcpdump's print-aoe.c says it.

use std::fmt::Write as _;

use super::message::{bits, printn, tok, Bytes, Walk};
use super::{mac, Dissector};
use crate::decode::message::Message;

const COMMANDS: &[(u32, &str)] = &[
    (0, "Issue ATA Command"),
    (1, "Query Config Information"),
    (2, "MAC Mask List"),
    (3, "Reserve/Release"),
];
const FLAGS: &[(u32, &str)] = &[(8, "Response"), (4, "Error"), (2, "MBZ-1"), (1, "MBZ-0")];
const ERRORS: &[(u32, &str)] = &[
    (1, "Unrecognized command code"),
    (2, "Bad argument parameter"),
    (3, "Device unavailable"),
    (4, "Config string present"),
    (5, "Unsupported version"),
    (6, "Target is reserved"),
];
const AFLAGS: &[(u32, &str)] = &[
    (0x80, "MBZ-7"),
    (0x40, "Ext48"),
    (0x20, "MBZ-5"),
    (0x10, "Device"),
    (0x08, "MBZ-3"),
    (0x04, "MBZ-2"),
    (0x02, "Async"),
    (0x01, "Write"),
];
const CCMDS: &[(u32, &str)] = &[
    (0, "read config string"),
    (1, "test config string"),
    (2, "test config string prefix"),
    (3, "set config string"),
    (4, "force set config string"),
];
const MCMDS: &[(u32, &str)] = &[(0, "Read Mac Mask List"), (1, "Edit Mac Mask List")];
const MERRORS: &[(u32, &str)] = &[
    (1, "Unspecified Error"),
    (2, "Bad DCmd directive"),
    (3, "Mask list full"),
];
const DCMDS: &[(u32, &str)] = &[
    (0, "No Directive"),
    (1, "Add mac address to mask list"),
    (2, "Delete mac address from mask list"),
];
const RCMDS: &[(u32, &str)] = &[
    (0, "Read reserve list"),
    (1, "Set reserve list"),
    (2, "Force set reserve list"),
];

/// tcpdump's "Unknown (0x%02x)" default.
fn name(table: &[(u32, &'static str)], v: u8) -> String {
    tok(table, u32::from(v)).map_or_else(|| format!("Unknown (0x{v:02x})"), str::to_string)
}

/// tcpdump's `nd_print_invalid` then `ND_TCHECK_LEN(cp, len)`.
fn invalid(out: &mut String, b: Bytes<'_>, at: usize, len: usize) -> Walk {
    out.push_str(" (invalid)");
    b.get(at, len).map(|_| ())
}

impl Dissector {
    pub(super) fn aoe(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "aoe");
        let len = m.length as usize;
        let _ = write!(out, "AoE length {len}");
        if len < 1 {
            return invalid(out, b, 0, len);
        }
        let ver = b.u8(0)? >> 4;
        let _ = write!(out, ", Ver {ver}");
        if ver != 1 {
            return Ok(());
        }
        if len < 10 {
            return invalid(out, b, 0, len);
        }
        let flags = b.u8(0)? & 0x0f;
        let _ = write!(out, ", Flags: [{}]", bits(FLAGS, "none", u32::from(flags)));
        if self.opts.verbose == 0 {
            return Ok(());
        }
        if flags & 4 != 0 {
            let e = b.u8(1)?;
            let what =
                tok(ERRORS, u32::from(e)).map_or_else(|| format!("Invalid ({e})"), str::to_string);
            let _ = write!(out, "\n\tError: {what}");
        }
        let _ = write!(out, "\n\tMajor: 0x{:04x}", b.be16(2)?);
        let _ = write!(out, ", Minor: 0x{:02x}", b.u8(4)?);
        let command = b.u8(5)?;
        let _ = write!(out, ", Command: {}", name(COMMANDS, command));
        let _ = write!(out, ", Tag: 0x{:08x}", b.be32(6)?);
        let (at, len) = (10, len - 10);
        match command {
            0 => issue(out, b, at, len),
            1 => query(out, b, at, len),
            2 => mac_list(out, b, at, len),
            3 => reserve(out, b, at, len),
            _ => Ok(()),
        }
    }
}

fn issue(out: &mut String, b: Bytes<'_>, at: usize, len: usize) -> Walk {
    if len < 12 {
        return invalid(out, b, at, len);
    }
    let _ = write!(
        out,
        "\n\tAFlags: [{}]",
        bits(AFLAGS, "none", u32::from(b.u8(at)?))
    );
    let _ = write!(out, ", Err/Feature: {}", b.u8(at + 1)?);
    let _ = write!(out, ", Sector Count: {}", b.u8(at + 2)?);
    let _ = write!(out, ", Cmd/Status: {}", b.u8(at + 3)?);
    let _ = write!(out, "\n\tlba0: {}", b.u8(at + 4)?);
    for i in 1..6 {
        let _ = write!(out, ", lba{i}: {}", b.u8(at + 4 + i)?);
    }
    b.get(at + 10, 2)?;
    if len > 12 {
        let _ = write!(out, "\n\tData: {} bytes", len - 12);
    }
    Ok(())
}

fn query(out: &mut String, b: Bytes<'_>, at: usize, len: usize) -> Walk {
    if len < 8 {
        return invalid(out, b, at, len);
    }
    let _ = write!(out, "\n\tBuffer Count: {}", b.be16(at)?);
    let _ = write!(out, ", Firmware Version: {}", b.be16(at + 2)?);
    let _ = write!(out, ", Sector Count: {}", b.u8(at + 4)?);
    let c = b.u8(at + 5)?;
    // tcpdump's default string here has no conversion: it prints as is.
    let ccmd = tok(CCMDS, u32::from(c & 0x0f)).unwrap_or("Unknown (0x02x)");
    let _ = write!(out, ", AoE: {}, CCmd: {ccmd}", c >> 4);
    let cslen = usize::from(b.be16(at + 6)?);
    let (at, len) = (at + 8, len - 8);
    if cslen > 1024 || cslen > len {
        return invalid(out, b, at, len);
    }
    if cslen > 0 {
        let _ = write!(out, "\n\tConfig String (length {cslen}): ");
        printn(out, b, at, cslen)?;
    }
    Ok(())
}

fn mac_list(out: &mut String, b: Bytes<'_>, at: usize, len: usize) -> Walk {
    if len < 4 {
        return invalid(out, b, at, len);
    }
    let _ = write!(out, "\n\tMCmd: {}", name(MCMDS, b.u8(at + 1)?));
    let _ = write!(out, ", MError: {}", name(MERRORS, b.u8(at + 2)?));
    let dircount = usize::from(b.u8(at + 3)?);
    let _ = write!(out, ", Dir Count: {dircount}");
    let (mut at, len) = (at + 4, len - 4);
    if dircount * 8 > len {
        return invalid(out, b, at, len);
    }
    for _ in 0..dircount {
        let _ = write!(out, "\n\t DCmd: {}", name(DCMDS, b.u8(at + 1)?));
        out.push_str(", Ethernet Address: ");
        mac(out, b.get(at + 2, 6)?);
        at += 8;
    }
    Ok(())
}

fn reserve(out: &mut String, b: Bytes<'_>, at: usize, len: usize) -> Walk {
    if len < 2 || !(len - 2).is_multiple_of(6) {
        return invalid(out, b, at, len);
    }
    let _ = write!(out, "\n\tRCmd: {}", name(RCMDS, b.u8(at)?));
    let nmacs = usize::from(b.u8(at + 1)?);
    let _ = write!(out, ", NMacs: {nmacs}");
    let (mut at, len) = (at + 2, len - 2);
    if nmacs * 6 != len {
        return invalid(out, b, at, len);
    }
    for i in 0..nmacs {
        let _ = write!(out, "\n\tEthernet Address {i}: ");
        mac(out, b.get(at, 6)?);
        at += 6;
    }
    Ok(())
}
