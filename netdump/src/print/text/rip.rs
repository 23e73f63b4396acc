//! RIPv1 and RIPv2 (UDP 520) as tcpdump's print-rip.c says it: version, command and
//! length; from `-v` on each route entry and the RIPv2 authentication entries, and at
//! `-vv` the whole message in hex after them.

use std::fmt::Write as _;

use super::message::{print_char, tok, unknown_data, Bytes, Trunc, Walk};
use super::Dissector;
use crate::decode::message::Message;

const ROUTELEN: usize = 20;

const CMD: &[(u32, &str)] = &[
    (1, "Request"),
    (2, "Response"),
    (3, "Trace on"),
    (4, "Trace off"),
    (5, "Poll"),
    (6, "Poll Entry"),
];

/// tcpdump's `bsd_af_values`.
const BSD_AF: &[(u32, &str)] = &[
    (2, "IPv4"),
    (6, "NS"),
    (7, "ISO"),
    (16, "Appletalk"),
    (23, "IPX"),
    (24, "IPv6"),
    (28, "IPv6"),
    (30, "IPv6"),
];

fn bsd_af(family: u16) -> String {
    tok(BSD_AF, family.into()).map_or_else(|| format!("Unknown ({family})"), str::to_string)
}

/// tcpdump's `mask2plen`: the prefix length of a contiguous mask, else -1.
fn mask2plen(mask: u32) -> i32 {
    (0..=32)
        .rev()
        .find(|&n| mask == if n == 0 { 0 } else { u32::MAX << (32 - n) })
        .unwrap_or(-1)
}

impl Dissector {
    pub(super) fn rip(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "rip");
        let v = self.opts.verbose;
        let length = m.length as usize;
        let len = b.len().min(length);
        if len < 4 {
            out.push_str(" [|rip]");
            return Ok(());
        }
        let mut len = len - 4;
        let vers = b.u8(1)?;
        let _ = write!(out, "{}RIPv{vers}", if v >= 1 { "\n\t" } else { "" });
        if vers == 0 {
            unknown_data(out, "\n\t", b, length);
            return Ok(());
        }
        let cmd = b.u8(0)?;
        match tok(CMD, cmd.into()) {
            Some(n) => {
                let _ = write!(out, ", {n}, length: {length}");
            }
            None => {
                let _ = write!(out, ", unknown command ({cmd}), length: {length}");
            }
        }
        if v < 1 {
            return Ok(());
        }
        match cmd {
            1 | 2 => {
                if vers == 1 || vers == 2 {
                    let routes = length / ROUTELEN;
                    if vers == 1 {
                        let _ = write!(out, ", routes: {routes}");
                    } else {
                        let _ = write!(out, ", routes: {routes} or less");
                    }
                    let mut p = 4;
                    while len != 0 {
                        let size = if vers == 1 {
                            entry_v1(out, b, p, len)?
                        } else {
                            entry_v2(out, b, p, len)?
                        };
                        if size == 0 {
                            out.push_str(" [|rip]");
                            break;
                        }
                        if len < size {
                            let _ =
                                write!(out, " [remaining entries length {len} < {size}] (invalid)");
                            break;
                        }
                        p += size;
                        len -= size;
                    }
                } else {
                    out.push_str(", unknown version");
                }
            }
            4..=6 => {}
            _ => {
                if v <= 1 {
                    unknown_data(out, "\n\t", b, length);
                }
            }
        }
        if v > 1 {
            unknown_data(out, "\n\t", b, length);
        }
        Ok(())
    }
}

/// An RFC 1058 entry: bytes taken, 0 when cut short.
fn entry_v1(out: &mut String, b: Bytes<'_>, p: usize, remaining: usize) -> Result<usize, Trunc> {
    if remaining < ROUTELEN || !b.has(p, ROUTELEN) {
        return Ok(0);
    }
    let family = b.be16(p)?;
    if family != 2 && family != 0 {
        let _ = write!(out, "\n\t AFI {}, ", bsd_af(family));
        unknown_data(out, "\n\t  ", b.from(p + 4), ROUTELEN - 4);
        return Ok(ROUTELEN);
    }
    if b.be16(p + 2)? != 0 || b.be32(p + 8)? != 0 || b.be32(p + 12)? != 0 {
        unknown_data(out, "\n\t  ", b.from(p), ROUTELEN);
        return Ok(ROUTELEN);
    }
    let afi = if family == 0 { "AFI 0, " } else { "" };
    let _ = write!(
        out,
        "\n\t  {afi}{}, metric: {}",
        b.ipv4(p + 4)?,
        b.be32(p + 16)?
    );
    Ok(ROUTELEN)
}

/// An RFC 2453 entry (route or authentication): bytes taken, 0 when cut short.
fn entry_v2(out: &mut String, b: Bytes<'_>, p: usize, remaining: usize) -> Result<usize, Trunc> {
    if remaining < 4 || !b.has(p, 4) {
        return Ok(0);
    }
    let family = b.be16(p)?;
    if family == 0xffff {
        let auth = b.be16(p + 2)?;
        let a = p + 4;
        let remaining = remaining - 4;
        match auth {
            2 => {
                out.push_str("\n\t  Simple Text Authentication data: ");
                for i in 0..16 {
                    let c = b.u8(a + i)?;
                    if c == 0 {
                        break;
                    }
                    print_char(out, c);
                }
            }
            3 => {
                if !b.has(a, 16) || remaining < 16 {
                    return Ok(0);
                }
                let _ = write!(
                    out,
                    "\n\t  Auth header: Packet Len {}, Key-ID {}, Auth Data Len {}, SeqNo {}, MBZ {}, MBZ {}",
                    b.be16(a)?,
                    b.u8(a + 2)?,
                    b.u8(a + 3)?,
                    b.be32(a + 4)?,
                    b.be32(a + 8)?,
                    b.be32(a + 12)?
                );
            }
            1 => {
                out.push_str("\n\t  Auth trailer:");
                unknown_data(out, "\n\t  ", b.from(a), remaining);
                return Ok(4 + remaining);
            }
            _ => {
                let _ = write!(out, "\n\t  Unknown ({auth}) Authentication data:");
                unknown_data(out, "\n\t  ", b.from(a), remaining);
                return Ok(4 + remaining);
            }
        }
    } else if family != 2 && family != 0 {
        let _ = write!(out, "\n\t  AFI {}", bsd_af(family));
        unknown_data(out, "\n\t  ", b.from(p + 4), ROUTELEN - 4);
    } else {
        if !b.has(p, ROUTELEN) || remaining < ROUTELEN {
            return Ok(0);
        }
        let afi = if family == 2 {
            "IPv4".to_string()
        } else {
            family.to_string()
        };
        let dest = b.ipv4(p + 4)?.to_string();
        let _ = write!(
            out,
            "\n\t  AFI {afi}, {dest:>15}/{:<2}, tag 0x{:04x}, metric: {}, next-hop: ",
            mask2plen(b.be32(p + 8)?),
            b.be16(p + 2)?,
            b.be32(p + 16)?
        );
        if b.be32(p + 12)? != 0 {
            let _ = write!(out, "{}", b.ipv4(p + 12)?);
        } else {
            out.push_str("self");
        }
    }
    Ok(ROUTELEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_to_prefix_lengths() {
        assert_eq!(mask2plen(0), 0);
        assert_eq!(mask2plen(0xffff_ff00), 24);
        assert_eq!(mask2plen(u32::MAX), 32);
        assert_eq!(mask2plen(0xff00_ff00), -1);
    }
}
