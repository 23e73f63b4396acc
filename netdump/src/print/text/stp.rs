//! Spanning-tree BPDU wording (tcpdump's `stp_print`: 802.1D, 802.1w, 802.1s MSTIs,
//! 802.1aq SPB).

use std::fmt::Write as _;

use super::{
    walk::{bits, printjnp, tok, trunc, Bytes, Walk},
    Dissector,
};
use crate::decode::stp::Stp;

const PROTOCOLS: &[(u32, &str)] = &[(0, "802.1d"), (2, "802.1w"), (3, "802.1s"), (4, "802.1aq")];

const BPDU_TYPES: &[(u32, &str)] = &[(0, "Config"), (2, "Rapid STP"), (0x80, "Topology Change")];

const FLAGS: &[(u32, &str)] = &[
    (0x01, "Topology change"),
    (0x02, "Proposal"),
    (0x10, "Learn"),
    (0x20, "Forward"),
    (0x40, "Agreement"),
    (0x80, "Topology change ACK"),
];

const PORT_ROLES: &[(u32, &str)] = &[
    (0, "Unknown"),
    (1, "Alternate"),
    (2, "Root"),
    (3, "Designated"),
];

/// The fixed part of a BPDU up to and including the version 1 length.
const BPDU_LEN: u32 = 36;
const MSTP_MIN_LEN: u32 = 102;
const SPB_MIN_LEN: u32 = 87;
const V3_LEN_AT: usize = 36;
const MSTI_AT: usize = 102;
const MSTI_LEN: u16 = 16;
const MST_CONFIG_INFO_LEN: u16 = 64;

fn flags(v: u8) -> String {
    bits(FLAGS, v.into(), ", ").unwrap_or_else(|| "none".into())
}

fn role(flags: u8) -> &'static str {
    tok(PORT_ROLES, u32::from((flags & 0x0c) >> 2)).unwrap_or("Unknown")
}

/// `pppp.aa:bb:cc:dd:ee:ff`.
fn bridge_id(b: Bytes<'_>, at: usize) -> Walk<String> {
    let s = b.slice(at, 8)?;
    Ok(format!(
        "{:02x}{:02x}.{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
    ))
}

/// STP timers count 1/256 s.
fn secs(b: Bytes<'_>, at: usize) -> Walk<f32> {
    Ok(f32::from(b.be16(at)?) / 256.0)
}

impl Dissector {
    pub(super) fn stp(&mut self, out: &mut String, s: &Stp<'_>) {
        match self.stp_walk(out, s) {
            Ok(true) => {}
            Ok(false) => out.push_str(" (invalid)"),
            Err(_) => trunc(out, "stp"),
        }
    }

    /// False where tcpdump says "(invalid)".
    fn stp_walk(&mut self, out: &mut String, s: &Stp<'_>) -> Walk<bool> {
        let b = Bytes(s.raw);
        let length = s.length;
        if length < 4 {
            return Ok(false);
        }
        if b.be16(0)? != 0 {
            let _ = write!(out, "unknown STP version, length {length}");
            return Ok(true);
        }
        let version = b.u8(2)?;
        match tok(PROTOCOLS, version.into()) {
            Some(n) => {
                let _ = write!(out, "STP {n}");
            }
            None => {
                let _ = write!(out, "STP Unknown STP protocol (0x{version:02x})");
                return Ok(true);
            }
        }
        let ty = b.u8(3)?;
        match tok(BPDU_TYPES, ty.into()) {
            Some(n) => {
                let _ = write!(out, ", {n}");
            }
            None => {
                let _ = write!(out, ", Unknown BPDU Type (0x{ty:02x})");
            }
        }
        match ty {
            0 => {
                if length < BPDU_LEN - 1 {
                    return Ok(false);
                }
                self.stp_config(out, b, length)?;
            }
            2 if version == 2 => {
                if length < BPDU_LEN {
                    return Ok(false);
                }
                self.stp_config(out, b, length)?;
            }
            2 if version == 3 || version == 4 => {
                if length < MSTP_MIN_LEN || b.u8(35)? != 0 {
                    return Ok(false);
                }
                let mstp_len = u32::from(b.be16(V3_LEN_AT)?) + 2;
                if length < BPDU_LEN + mstp_len {
                    return Ok(false);
                }
                self.stp_mstp(out, b, length)?;
                if version == 4 {
                    let at = V3_LEN_AT + mstp_len as usize;
                    let spb_len = u32::from(b.be16(at)?) + 2;
                    if length < BPDU_LEN + mstp_len + spb_len || spb_len < SPB_MIN_LEN {
                        return Ok(false);
                    }
                    self.stp_spb(out, b, BPDU_LEN as usize + mstp_len as usize)?;
                }
            }
            _ => {}
        }
        Ok(true)
    }

    fn stp_config(&self, out: &mut String, b: Bytes<'_>, length: u32) -> Walk {
        let f = b.u8(4)?;
        let _ = write!(out, ", Flags [{}]", flags(f));
        let _ = write!(
            out,
            ", bridge-id {}.{:04x}, length {length}",
            bridge_id(b, 17)?,
            b.be16(25)?
        );
        if self.opts.verbose == 0 {
            return Ok(());
        }
        let _ = write!(
            out,
            "\n\tmessage-age {:.2}s, max-age {:.2}s, hello-time {:.2}s, forwarding-delay {:.2}s",
            secs(b, 27)?,
            secs(b, 29)?,
            secs(b, 31)?,
            secs(b, 33)?
        );
        let _ = write!(
            out,
            "\n\troot-id {}, root-pathcost {}",
            bridge_id(b, 5)?,
            b.be32(13)?
        );
        if b.u8(2)? == 2 {
            let _ = write!(out, ", port-role {}", role(f));
        }
        Ok(())
    }

    fn stp_mstp(&self, out: &mut String, b: Bytes<'_>, length: u32) -> Walk {
        let f = b.u8(4)?;
        let _ = write!(out, ", CIST Flags [{}], length {length}", flags(f));
        if self.opts.verbose == 0 {
            return Ok(());
        }
        let _ = write!(out, "\n\tport-role {}, ", role(f));
        let _ = write!(
            out,
            "CIST root-id {}, CIST ext-pathcost {}",
            bridge_id(b, 5)?,
            b.be32(13)?
        );
        let _ = write!(out, "\n\tCIST regional-root-id {}, ", bridge_id(b, 17)?);
        let _ = write!(out, "CIST port-id {:04x},", b.be16(25)?);
        let _ = write!(
            out,
            "\n\tmessage-age {:.2}s, max-age {:.2}s, hello-time {:.2}s, forwarding-delay {:.2}s",
            secs(b, 27)?,
            secs(b, 29)?,
            secs(b, 31)?,
            secs(b, 33)?
        );
        let _ = write!(out, "\n\tv3len {}, ", b.be16(V3_LEN_AT)?);
        out.push_str("MCID Name ");
        printjnp(out, b, 39, 32)?;
        let _ = write!(
            out,
            ", rev {},\n\t\tdigest {:08x}{:08x}{:08x}{:08x}, ",
            b.be16(71)?,
            b.be32(73)?,
            b.be32(77)?,
            b.be32(81)?,
            b.be32(85)?
        );
        let _ = write!(out, "CIST int-root-pathcost {},", b.be32(89)?);
        let _ = write!(out, "\n\tCIST bridge-id {}, ", bridge_id(b, 93)?);
        let _ = write!(out, "CIST remaining-hops {}", b.u8(101)?);
        let v3len = b.be16(V3_LEN_AT)?;
        if v3len > MST_CONFIG_INFO_LEN {
            let mut len = v3len - MST_CONFIG_INFO_LEN;
            let mut at = MSTI_AT;
            while len >= MSTI_LEN {
                let msti = b.be16(at + 1)? & 0x0fff;
                let mf = b.u8(at)?;
                let _ = write!(
                    out,
                    "\n\tMSTI {msti}, Flags [{}], port-role {}",
                    flags(mf),
                    role(mf)
                );
                let _ = write!(
                    out,
                    "\n\t\tMSTI regional-root-id {}, pathcost {}",
                    bridge_id(b, at + 1)?,
                    b.be32(at + 9)?
                );
                let _ = write!(
                    out,
                    "\n\t\tMSTI bridge-prio {}, port-prio {}, hops {}",
                    b.u8(at + 13)? >> 4,
                    b.u8(at + 14)? >> 4,
                    b.u8(at + 15)?
                );
                len -= MSTI_LEN;
                at += usize::from(MSTI_LEN);
            }
        }
        Ok(())
    }

    fn stp_spb(&self, out: &mut String, b: Bytes<'_>, at: usize) -> Walk {
        if self.opts.verbose == 0 {
            return Ok(());
        }
        let _ = write!(out, "\n\tv4len {}, ", b.be16(at)?);
        out.push_str("AUXMCID Name ");
        printjnp(out, b, at + 3, 32)?;
        let d = at + 37;
        let _ = write!(
            out,
            ", Rev {},\n\t\tdigest {:08x}{:08x}{:08x}{:08x}",
            b.be16(at + 35)?,
            b.be32(d)?,
            b.be32(d + 4)?,
            b.be32(d + 8)?,
            b.be32(d + 12)?
        );
        let a = at + 53;
        let agr = b.u8(a)?;
        let fmt = b.u8(a + 2)?;
        let con = b.u8(a + 3)?;
        let dg = a + 14;
        let _ = write!(
            out,
            "\n\tAgreement num {}, Discarded Agreement num {}, Agreement valid-flag {},\n\t\
             Restricted role-flag: {}, Format id {} cap {}, Convention id {} cap {},\n\t\
             Edge count {}, Agreement digest {:08x}{:08x}{:08x}{:08x}{:08x}",
            agr >> 6,
            (agr >> 4) & 3,
            (agr >> 3) & 1,
            (agr >> 2) & 1,
            fmt >> 4,
            fmt,
            con >> 4,
            con,
            b.be16(a + 4)?,
            b.be32(dg)?,
            b.be32(dg + 4)?,
            b.be32(dg + 8)?,
            b.be32(dg + 12)?,
            b.be32(dg + 16)?
        );
        Ok(())
    }
}
