//! IGMP v1-v3 and multicast traceroute, as print-igmp.c prints them (DVMRP and PIMv1 by
//! their first words).

use std::fmt::Write as _;

use super::{Dissector, Ip};
use crate::decode::{
    be16, be32, checksum,
    igmp::{self, Igmp},
};

/// The bytes ran out where tcpdump's GET_ macros would longjmp.
struct Cut;

/// Reads as tcpdump's GET_ macros do: a missing byte ends the printer.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&self, at: usize) -> Result<u8, Cut> {
        self.0.get(at).copied().ok_or(Cut)
    }
    fn u16(&self, at: usize) -> Result<u16, Cut> {
        be16(self.0, at).ok_or(Cut)
    }
    fn u24(&self, at: usize) -> Result<u32, Cut> {
        Ok((u32::from(self.u8(at)?) << 16) | u32::from(self.u16(at + 1)?))
    }
    fn u32(&self, at: usize) -> Result<u32, Cut> {
        be32(self.0, at).ok_or(Cut)
    }
    fn ip(&self, at: usize) -> Result<String, Cut> {
        let a = self.u32(at)?.to_be_bytes();
        Ok(format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]))
    }
}

/// tcpdump's `unsigned_relts_print`: 1y2w3d4h5m6s, with the zero parts left out.
pub(super) fn relts(out: &mut String, secs: u32) {
    if secs == 0 {
        out.push_str("0s");
        return;
    }
    let mut secs = secs;
    for (unit, name) in [
        (31_536_000, 'y'),
        (604_800, 'w'),
        (86_400, 'd'),
        (3_600, 'h'),
        (60, 'm'),
        (1, 's'),
    ] {
        if secs >= unit {
            let _ = write!(out, "{}{name}", secs / unit);
            secs %= unit;
        }
    }
}

impl Dissector {
    /// An IGMP message (tcpdump's `igmp_print`; it needs IPv4).
    pub(super) fn igmp(&mut self, out: &mut String, ip: &Ip, g: &Igmp<'_>) {
        if !ip.v4() {
            out.push_str("[IGMP requires IPv4]");
            return;
        }
        if self.opts.quiet {
            out.push_str("igmp");
            return;
        }
        let len = ip.info.length;
        if self.igmp_body(out, Bytes(g.raw), len).is_err() {
            out.push_str(" [|igmp]");
            self.early_end = true;
            return;
        }
        if self.opts.verbose > 0 && len >= 4 && g.raw.len() >= len as usize {
            let msg = &g.raw[..len as usize];
            if checksum::internet_checksum(msg, 0) != 0 {
                let _ = write!(out, " bad igmp cksum {:x}!", g.checksum().unwrap_or(0));
            }
        }
    }

    fn igmp_body(&self, out: &mut String, b: Bytes<'_>, len: u32) -> Result<(), Cut> {
        match b.u8(0)? {
            igmp::QUERY => {
                out.push_str("igmp query");
                if len >= 12 {
                    self.igmpv3_query(out, &b, len)?;
                } else {
                    let mrt = b.u8(1)?;
                    if mrt != 0 {
                        out.push_str(" v2");
                        if mrt != 100 {
                            let _ = write!(out, " [max resp time {mrt}]");
                        }
                    } else {
                        out.push_str(" v1");
                    }
                    if b.u32(4)? != 0 {
                        let _ = write!(out, " [gaddr {}]", b.ip(4)?);
                    }
                    if len != 8 {
                        let _ = write!(out, " [len {len}]");
                    }
                }
            }
            igmp::V1_REPORT => {
                let _ = write!(out, "igmp v1 report {}", b.ip(4)?);
                if len != 8 {
                    let _ = write!(out, " [len {len}]");
                }
            }
            igmp::V2_REPORT => {
                let _ = write!(out, "igmp v2 report {}", b.ip(4)?);
            }
            igmp::V3_REPORT => {
                out.push_str("igmp v3 report");
                self.igmpv3_report(out, &b, len)?;
            }
            igmp::LEAVE => {
                let _ = write!(out, "igmp leave {}", b.ip(4)?);
            }
            igmp::DVMRP => {
                out.push_str("igmp dvmrp");
                if len < 8 {
                    let _ = write!(out, " [len {len}]");
                }
            }
            igmp::PIMV1 => out.push_str("igmp pimv1"),
            igmp::MTRACE_RESP => mtrace(out, "mresp", &b, len)?,
            igmp::MTRACE => mtrace(out, "mtrace", &b, len)?,
            t => {
                let _ = write!(out, "igmp-{t}");
            }
        }
        Ok(())
    }

    fn igmpv3_query(&self, out: &mut String, b: &Bytes<'_>, len: u32) -> Result<(), Cut> {
        out.push_str(" v3");
        if len < 12 || len & 3 != 0 {
            let _ = write!(out, " [invalid len {len}]");
            return Ok(());
        }
        let mrc = u32::from(b.u8(1)?);
        let mrt = if mrc < 128 {
            mrc
        } else {
            ((mrc & 0x0f) | 0x10) << (((mrc & 0x70) >> 4) + 3)
        };
        if mrc != 100 {
            out.push_str(" [max resp time ");
            if mrt < 600 {
                let _ = write!(out, "{:.1}s", f64::from(mrt) * 0.1);
            } else {
                relts(out, mrt / 10);
            }
            out.push(']');
        }
        if b.u32(4)? == 0 {
            return Ok(());
        }
        let _ = write!(out, " [gaddr {}", b.ip(4)?);
        let nsrcs = u32::from(b.u16(10)?);
        if nsrcs > 0 {
            if len < 12 + (nsrcs << 2) {
                out.push_str(" [invalid number of sources]");
            } else if self.opts.verbose > 1 {
                out.push_str(" {");
                for i in 0..nsrcs as usize {
                    let _ = write!(out, " {}", b.ip(12 + (i << 2))?);
                }
                out.push_str(" }");
            } else {
                let _ = write!(out, ", {nsrcs} source(s)");
            }
        }
        out.push(']');
        Ok(())
    }

    fn igmpv3_report(&self, out: &mut String, b: &Bytes<'_>, len: u32) -> Result<(), Cut> {
        if len < 16 || len & 3 != 0 {
            let _ = write!(out, " [invalid len {len}]");
            return Ok(());
        }
        let ngroups = b.u16(6)?;
        let _ = write!(out, ", {ngroups} group record(s)");
        if self.opts.verbose == 0 {
            return Ok(());
        }
        let len = len as usize;
        let mut group = 8usize;
        for _ in 0..ngroups {
            if len < group + 8 {
                out.push_str(" [invalid number of groups]");
                return Ok(());
            }
            let _ = write!(out, " [gaddr {}", b.ip(group + 4)?);
            let rtype = b.u8(group)?;
            let name = match rtype {
                1 => "is_in",
                2 => "is_ex",
                3 => "to_in",
                4 => "to_ex",
                5 => "allow",
                6 => "block",
                _ => "",
            };
            if name.is_empty() {
                let _ = write!(out, "  [v3-report-#{rtype}]");
            } else {
                let _ = write!(out, " {name}");
            }
            let nsrcs = usize::from(b.u16(group + 2)?);
            if len < group + 8 + (nsrcs << 2) {
                let _ = write!(out, " [invalid number of sources {nsrcs}]");
                return Ok(());
            }
            if self.opts.verbose == 1 {
                let _ = write!(out, ", {nsrcs} source(s)");
            } else {
                out.push_str(" {");
                for j in 0..nsrcs {
                    let _ = write!(out, " {}", b.ip(group + 8 + (j << 2))?);
                }
                out.push_str(" }");
            }
            group += 8 + (nsrcs << 2);
            out.push(']');
        }
        Ok(())
    }
}

/// A multicast traceroute query or response (print-igmp.c `print_mtrace`).
fn mtrace(out: &mut String, name: &str, b: &Bytes<'_>, len: u32) -> Result<(), Cut> {
    if len < 8 + 16 {
        let _ = write!(out, " [invalid len {len}]");
        return Ok(());
    }
    let _ = write!(
        out,
        "{name} {}: {} to {} reply-to {}",
        b.u24(21)?,
        b.ip(8)?,
        b.ip(12)?,
        b.ip(16)?
    );
    if b.u32(16)? & 0xf000_0000 == 0xe000_0000 {
        let _ = write!(out, " with-ttl {}", b.u8(20)?);
    }
    Ok(())
}
