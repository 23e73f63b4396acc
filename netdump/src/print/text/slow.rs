//! Slow protocols wording (tcpdump's `slow_print`: LACP and marker TLVs, OAM PDUs).

use std::fmt::Write as _;

use super::{
    llc::oui_name,
    walk::{bits, tok, trunc, unknown_data, Bytes, Cut, Walk},
    Dissector,
};
use crate::decode::slow::{self, Slow};

const PROTOCOLS: &[(u32, &str)] = &[(1, "LACP"), (2, "MARKER"), (3, "OAM")];

const OAM_FLAGS: &[(u32, &str)] = &[
    (0x0001, "Link Fault"),
    (0x0002, "Dying Gasp"),
    (0x0004, "Critical Event"),
    (0x0008, "Local Evaluating"),
    (0x0010, "Local Stable"),
    (0x0020, "Remote Evaluating"),
    (0x0040, "Remote Stable"),
];

const OAM_CODES: &[(u32, &str)] = &[
    (0x00, "Information"),
    (0x01, "Event Notification"),
    (0x02, "Variable Request"),
    (0x03, "Variable Response"),
    (0x04, "Loopback Control"),
    (0xfe, "Vendor Private"),
];

const OAM_INFO_TYPES: &[(u32, &str)] = &[
    (0x00, "End of TLV marker"),
    (0x01, "Local"),
    (0x02, "Remote"),
    (0xfe, "Organization specific"),
];

const PARSER_ACTIONS: &[(u32, &str)] = &[
    (0, "forwarding"),
    (1, "looping back"),
    (2, "discarding"),
    (3, "reserved"),
];

const OAM_CONFIG: &[(u32, &str)] = &[
    (0x01, "Active"),
    (0x02, "Unidirectional"),
    (0x04, "Remote-Loopback"),
    (0x08, "Link-Events"),
    (0x10, "Variable-Retrieval"),
];

const LINK_EVENTS: &[(u32, &str)] = &[
    (0x00, "End of TLV marker"),
    (0x01, "Errored Symbol Period Event"),
    (0x02, "Errored Frame Event"),
    (0x03, "Errored Frame Period Event"),
    (0x04, "Errored Frame Seconds Summary Event"),
    (0xfe, "Organization specific"),
];

const LOOPBACK_COMMANDS: &[(u32, &str)] = &[
    (0x01, "Enable OAM Remote Loopback"),
    (0x02, "Disable OAM Remote Loopback"),
];

const TLVS: &[(u32, &str)] = &[
    (0x100, "Terminator"),
    (0x101, "Actor Information"),
    (0x102, "Partner Information"),
    (0x103, "Collector Information"),
    (0x200, "Terminator"),
    (0x201, "Marker Information"),
];

const LACP_STATE: &[(u32, &str)] = &[
    (0x01, "Activity"),
    (0x02, "Timeout"),
    (0x04, "Aggregation"),
    (0x08, "Synchronization"),
    (0x10, "Collecting"),
    (0x20, "Distributing"),
    (0x40, "Default"),
    (0x80, "Expired"),
];

/// Where tcpdump stops a slow-protocol walk: run off the capture, or the PDU's own length.
enum Stop {
    Cut,
    TooShort,
}

impl From<Cut> for Stop {
    fn from(_: Cut) -> Stop {
        Stop::Cut
    }
}

const TOO_SHORT: &str = "\n\t\t packet is too short";

fn mac(b: Bytes<'_>, at: usize) -> Walk<String> {
    let m = b.slice(at, 6)?;
    let mut s = String::new();
    super::mac(&mut s, m);
    Ok(s)
}

impl Dissector {
    pub(super) fn slow(&mut self, out: &mut String, s: &Slow<'_>) {
        let b = Bytes(s.raw);
        let len = s.length;
        match self.slow_walk(out, b, len) {
            Ok(()) => {}
            Err(Stop::Cut) => trunc(out, "slow"),
            Err(Stop::TooShort) => out.push_str(if self.opts.verbose == 0 {
                " (packet is too short)"
            } else {
                TOO_SHORT
            }),
        }
    }

    fn slow_walk(&self, out: &mut String, b: Bytes<'_>, len: u32) -> Result<(), Stop> {
        if len < 1 {
            return Err(Stop::TooShort);
        }
        let subtype = b.u8(0)?;
        let name = tok(PROTOCOLS, subtype.into());
        match subtype {
            slow::LACP | slow::MARKER => {
                if len < 2 {
                    return Err(Stop::TooShort);
                }
                let version = b.u8(1)?;
                if version != 1 {
                    let _ = write!(
                        out,
                        "{} version {version} packet not supported",
                        name.unwrap_or_default()
                    );
                    return Ok(());
                }
                let _ = write!(out, "{}v{version}, length {len}", name.unwrap_or_default());
            }
            slow::OAM => {
                let _ = write!(out, "OAM, length {len}");
            }
            _ => {
                let _ = write!(out, "unknown ({subtype}), length {len}");
                unknown_data(out, "\n\t", b, 0, len as usize);
                return Ok(());
            }
        }
        if self.opts.verbose == 0 {
            return Ok(());
        }
        let r = if subtype == slow::OAM {
            self.oam(out, b.from(1), len - 1)
        } else {
            self.lacp(out, b.from(2), len - 2, subtype)
        };
        match r {
            Err(Stop::TooShort) => {
                out.push_str(TOO_SHORT);
                Ok(())
            }
            r => r,
        }
    }

    /// `slow_marker_lacp_print`.
    fn lacp(&self, out: &mut String, b: Bytes<'_>, len: u32, subtype: u8) -> Result<(), Stop> {
        let mut at = 0usize;
        let mut tlen = len;
        while tlen > 0 {
            if tlen < 2 {
                return Err(Stop::TooShort);
            }
            let ty = b.u8(at)?;
            let tl = b.u8(at + 1)?;
            let key = u32::from(subtype) << 8 | u32::from(ty);
            let _ = write!(
                out,
                "\n\t{} TLV (0x{ty:02x}), length {tl}",
                tok(TLVS, key).unwrap_or("Unknown")
            );
            if ty == 0 {
                return Ok(());
            }
            if tl < 2 {
                out.push_str("\n\t    ERROR: illegal length - should be >= 2");
                return Ok(());
            }
            if tlen < u32::from(tl) {
                return Err(Stop::TooShort);
            }
            b.slice(at, tl.into())?;
            let v = at + 2;
            let vlen = usize::from(tl) - 2;
            match key {
                0x101 | 0x102 => {
                    if vlen != 18 {
                        out.push_str("\n\t    ERROR: illegal length - should be 20");
                    } else {
                        let _ = write!(
                            out,
                            "\n\t  System {}, System Priority {}, Key {}, Port {}, Port Priority {}\n\t  State Flags [{}]",
                            mac(b, v + 2)?,
                            b.be16(v)?,
                            b.be16(v + 8)?,
                            b.be16(v + 12)?,
                            b.be16(v + 10)?,
                            bits(LACP_STATE, b.u8(v + 14)?.into(), ", ")
                                .unwrap_or_else(|| "none".into())
                        );
                    }
                }
                0x103 => {
                    if vlen != 14 {
                        out.push_str("\n\t    ERROR: illegal length - should be 16");
                    } else {
                        let _ = write!(out, "\n\t  Max Delay {}", b.be16(v)?);
                    }
                }
                0x201 => {
                    if vlen != 14 {
                        out.push_str("\n\t    ERROR: illegal length - should be 16");
                    } else {
                        let _ = write!(
                            out,
                            "\n\t  Request System {}, Request Port {}, Request Transaction ID 0x{:08x}",
                            mac(b, v + 2)?,
                            b.be16(v)?,
                            b.be32(v + 8)?
                        );
                    }
                }
                _ => {
                    if self.opts.verbose <= 1 {
                        unknown_data(out, "\n\t  ", b, v, vlen);
                    }
                }
            }
            if self.opts.verbose > 1 {
                unknown_data(out, "\n\t  ", b, v, vlen);
            }
            at += usize::from(tl);
            tlen -= u32::from(tl);
        }
        Ok(())
    }

    /// `slow_oam_print`.
    fn oam(&self, out: &mut String, b: Bytes<'_>, len: u32) -> Result<(), Stop> {
        if len < 3 {
            return Err(Stop::TooShort);
        }
        b.slice(0, 3)?;
        let code = b.u8(2)?;
        let flags = b.be16(0)?;
        let _ = match tok(OAM_CODES, code.into()) {
            Some(c) => write!(out, "\n\tCode {c} OAM PDU"),
            None => write!(out, "\n\tCode Unknown ({code}) OAM PDU"),
        };
        let _ = write!(
            out,
            ", Flags [{}]",
            bits(OAM_FLAGS, flags.into(), ", ").unwrap_or_else(|| "none".into())
        );
        let mut at = 3usize;
        let mut tlen = len - 3;
        match code {
            0x00 => {
                while tlen > 0 {
                    if tlen < 2 {
                        return Err(Stop::TooShort);
                    }
                    let ty = b.u8(at)?;
                    let tl = b.u8(at + 1)?;
                    let _ = write!(
                        out,
                        "\n\t  {} Information Type ({ty}), length {tl}",
                        tok(OAM_INFO_TYPES, ty.into()).unwrap_or("Reserved")
                    );
                    if ty == 0 {
                        return Ok(());
                    }
                    if tl < 2 {
                        out.push_str("\n\t    ERROR: illegal length - should be >= 2");
                        return Ok(());
                    }
                    if tlen < u32::from(tl) {
                        return Err(Stop::TooShort);
                    }
                    b.slice(at, tl.into())?;
                    let mut hexdump = true;
                    if ty == 1 || ty == 2 {
                        if b.u8(at + 1)? != 16 {
                            out.push_str("\n\t    ERROR: illegal length - should be 16");
                        } else {
                            hexdump = false;
                            let state = b.u8(at + 5)?;
                            let oui = b.be24(at + 9)?;
                            let _ = write!(
                                out,
                                "\n\t    OAM-Version {}, Revision {}\
                                 \n\t    State-Parser-Action {}, State-MUX-Action {}\
                                 \n\t    OAM-Config Flags [{}], OAM-PDU-Config max-PDU size {}\
                                 \n\t    OUI {} (0x{oui:06x}), Vendor-Private 0x{:08x}",
                                b.u8(at + 2)?,
                                b.be16(at + 3)?,
                                tok(PARSER_ACTIONS, u32::from(state & 3)).unwrap_or("Reserved"),
                                if state & 4 == 0 {
                                    "forwarding"
                                } else {
                                    "discarding"
                                },
                                bits(OAM_CONFIG, b.u8(at + 6)?.into(), ", ")
                                    .unwrap_or_else(|| "none".into()),
                                b.be16(at + 7)? & 0x7ff,
                                oui_name(oui),
                                b.be32(at + 12)?
                            );
                        }
                    }
                    if self.opts.verbose > 1 || hexdump {
                        unknown_data(out, "\n\t  ", b, at, tl.into());
                    }
                    at += usize::from(tl);
                    tlen -= u32::from(tl);
                }
            }
            0x01 => {
                if tlen < 2 {
                    return Err(Stop::TooShort);
                }
                let _ = write!(out, "\n\t  Sequence Number {}", b.be16(at)?);
                at += 2;
                tlen -= 2;
                while tlen > 0 {
                    if tlen < 2 {
                        return Err(Stop::TooShort);
                    }
                    let ty = b.u8(at)?;
                    let tl = b.u8(at + 1)?;
                    let _ = write!(
                        out,
                        "\n\t  {} Link Event Type ({ty}), length {tl}",
                        tok(LINK_EVENTS, ty.into()).unwrap_or("Reserved")
                    );
                    if ty == 0 {
                        return Ok(());
                    }
                    if tl < 2 {
                        out.push_str("\n\t    ERROR: illegal length - should be >= 2");
                        return Ok(());
                    }
                    if tlen < u32::from(tl) {
                        return Err(Stop::TooShort);
                    }
                    b.slice(at, tl.into())?;
                    let mut hexdump = true;
                    if (1..=4).contains(&ty) {
                        if b.u8(at + 1)? != 40 {
                            out.push_str("\n\t    ERROR: illegal length - should be 40");
                        } else {
                            hexdump = false;
                            let _ = write!(
                                out,
                                "\n\t    Timestamp {} ms, Errored Window {}\
                                 \n\t    Errored Threshold {}\
                                 \n\t    Errors {}\
                                 \n\t    Error Running Total {}\
                                 \n\t    Event Running Total {}",
                                u32::from(b.be16(at + 2)?) * 100,
                                b.be64(at + 4)?,
                                b.be64(at + 12)?,
                                b.be64(at + 20)?,
                                b.be64(at + 28)?,
                                b.be32(at + 36)?
                            );
                        }
                    }
                    if self.opts.verbose > 1 || hexdump {
                        unknown_data(out, "\n\t  ", b, at, tl.into());
                    }
                    at += usize::from(tl);
                    tlen -= u32::from(tl);
                }
            }
            0x04 => {
                if tlen < 1 {
                    return Err(Stop::TooShort);
                }
                let c = b.u8(at)?;
                let _ = write!(
                    out,
                    "\n\t  Command {} ({c})",
                    tok(LOOPBACK_COMMANDS, c.into()).unwrap_or("Unknown")
                );
            }
            _ => {
                if self.opts.verbose <= 1 {
                    unknown_data(out, "\n\t  ", b, at, tlen as usize);
                }
            }
        }
        Ok(())
    }
}
