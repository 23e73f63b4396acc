//! ARP, RARP and InARP, and ATM ARP, as print-arp.c prints them: addresses of any length,
//! every operation, and a hex dump for operations it does not know.

use std::fmt::Write as _;

use super::{names::ethertype_name, Dissector};
use crate::decode::arp::{Addresses, Arp, HRD_ATM2225, HRD_FRELAY};

const OP_REQUEST: u16 = 1;
const OP_REPLY: u16 = 2;
const OP_REVREQUEST: u16 = 3;
const OP_REVREPLY: u16 = 4;
const OP_INVREQUEST: u16 = 8;
const OP_INVREPLY: u16 = 9;
const OP_NAK: u16 = 10;

/// tcpdump's `arpop_values`.
fn op_name(op: u16) -> Option<&'static str> {
    Some(match op {
        OP_REQUEST => "Request",
        OP_REPLY => "Reply",
        OP_REVREQUEST => "Reverse Request",
        OP_REVREPLY => "Reverse Reply",
        OP_INVREQUEST => "Inverse Request",
        OP_INVREPLY => "Inverse Reply",
        OP_NAK => "NACK Reply",
        _ => return None,
    })
}

/// tcpdump's `arphrd_values`.
fn hrd_name(hrd: u16) -> Option<&'static str> {
    Some(match hrd {
        1 => "Ethernet",
        6 => "TokenRing",
        7 => "ArcNet",
        15 => "FrameRelay",
        23 => "Strip",
        24 => "IEEE 1394",
        19 => "ATM",
        32 => "InfiniBand",
        _ => return None,
    })
}

fn hrd_words(out: &mut String, hrd: u16) {
    match hrd_name(hrd) {
        Some(n) => out.push_str(n),
        None => {
            let _ = write!(out, "Unknown Hardware ({hrd})");
        }
    }
}

fn pro_words(out: &mut String, pro: u16) {
    match ethertype_name(pro) {
        "Unknown" => {
            let _ = write!(out, "Unknown Protocol (0x{pro:04x})");
        }
        n => out.push_str(n),
    }
}

/// The protocol types whose addresses tcpdump prints as IPv4 (IP, and trailer encapsulation).
fn ip_like(pro: u16) -> bool {
    pro == 0x0800 || pro == 0x1000
}

/// A link-level address as tcpdump's `linkaddr_string` writes it.
fn linkaddr(out: &mut String, a: &[u8], frelay: bool) {
    if a.is_empty() {
        out.push_str("<empty>");
    } else if frelay {
        q922(out, a);
    } else if a.len() == 6 {
        // An Ethernet address: named without -n (`etheraddr_string`).
        super::mac(out, a);
    } else {
        for (i, b) in a.iter().enumerate() {
            if i > 0 {
                out.push(':');
            }
            let _ = write!(out, "{b:02x}");
        }
    }
}

/// A Frame Relay (Q.922) address: its DLCI (print-fr.c `q922_string`).
fn q922(out: &mut String, p: &[u8]) {
    const EA: u8 = 0x01;
    let dlci = (|| {
        let b0 = *p.first()?;
        if b0 & EA != 0 {
            return Some(None);
        }
        let b1 = *p.get(1)?;
        let mut dlci = (u32::from(b0 & 0xfc) << 2) | u32::from((b1 & 0xf0) >> 4);
        if b1 & EA != 0 {
            return Some(Some(dlci));
        }
        let mut at = 2;
        let b = *p.get(at)?;
        if b & EA == 0 {
            dlci = (dlci << 7) | u32::from(b >> 1);
            at += 1;
        }
        let b = *p.get(at)?;
        if b & EA == 0 {
            return Some(None);
        }
        Some(Some((dlci << 6) | u32::from(b >> 2)))
    })();
    let _ = match dlci {
        Some(Some(d)) => write!(out, "DLCI {d}"),
        Some(None) => write!(out, "<Invalid DLCI>"),
        None => write!(out, "<Truncated>"),
    };
}

/// A protocol address: IPv4 when the type and length say so, else why not.
fn paddr(out: &mut String, pro: u16, a: &[u8], wrong_len: &str) {
    if !ip_like(pro) {
        out.push_str("<wrong proto type>");
    } else if a.len() != 4 {
        out.push_str(wrong_len);
    } else {
        super::host(out, std::net::Ipv4Addr::new(a[0], a[1], a[2], a[3]).into());
    }
}

/// ATM ARP's address: the ATM number, and the subaddress after a comma.
fn atm_addr(out: &mut String, ha: &[u8], sa: &[u8]) {
    if ha.is_empty() {
        out.push_str("<No address>");
    } else {
        linkaddr(out, ha, false);
        if !sa.is_empty() {
            out.push(',');
            linkaddr(out, sa, false);
        }
    }
}

impl Dissector {
    /// print-arp.c checks lengths with longjmp (ND_LONGJMP_FROM_TCHECK): -x then dumps the
    /// whole frame.
    fn arp_trunc(&mut self, out: &mut String) {
        out.push_str(" [|arp]");
        self.early_end = true;
    }

    /// An ARP packet of `a.wire_len` bytes on the wire (tcpdump's `arp_print`).
    pub(super) fn arp(&mut self, out: &mut String, a: &Arp<'_>) {
        if a.appletalk {
            aarp(out, a);
            return;
        }
        let (Some(hrd), Some(pro), Some(op)) = (a.hrd(), a.pro(), a.op()) else {
            self.arp_trunc(out);
            return;
        };
        let atm = hrd == HRD_ATM2225;
        if atm && a.raw.len() < 12 {
            self.arp_trunc(out);
            return;
        }
        let Some(x) = a.addresses() else {
            self.arp_trunc(out);
            return;
        };
        if !self.opts.link_header {
            out.push_str("ARP, ");
        }
        let v = self.opts.verbose > 0;
        if atm {
            if !ip_like(pro) || x.spa.len() != 4 || x.tpa.len() != 4 || v {
                hrd_words(out, hrd);
                out.push_str(", ");
                pro_words(out, pro);
                let _ = write!(out, " (len {}/{})", x.spa.len(), x.tpa.len());
                if !v {
                    let _ = write!(out, ", length {}", a.wire_len);
                    return;
                }
            }
        } else {
            let hln = a.hln().unwrap_or(0);
            if !ip_like(pro) || x.spa.len() != 4 || hln == 0 || v {
                hrd_words(out, hrd);
                let _ = write!(out, " (len {hln}), ");
                pro_words(out, pro);
                let _ = write!(out, " (len {})", x.spa.len());
                if !v {
                    let _ = write!(out, ", length {}", a.wire_len);
                    return;
                }
            }
        }
        if v {
            out.push_str(", ");
        }
        match op_name(op) {
            Some(n) => out.push_str(n),
            None => {
                let _ = write!(out, "Unknown ({op})");
            }
        }
        out.push(' ');
        let known = if atm {
            atm_op(out, op, pro, &x)
        } else {
            arp_op(out, op, pro, &x, hrd == HRD_FRELAY)
        };
        if !known {
            // ND_DEFAULTPRINT: a dump whatever -q or -x say.
            crate::print::hexdump::hex_ascii(out, a.raw);
            return;
        }
        let _ = write!(out, ", length {}", a.wire_len);
    }
}

/// The words for one operation; false for an operation print-arp.c does not know.
fn arp_op(out: &mut String, op: u16, pro: u16, x: &Addresses<'_>, fr: bool) -> bool {
    let wrong = "<wrong len>";
    match op {
        OP_REQUEST => {
            out.push_str("who-has ");
            paddr(out, pro, x.tpa, wrong);
            if x.tha.iter().any(|&b| b != 0) {
                out.push_str(" (");
                linkaddr(out, x.tha, fr);
                out.push(')');
            }
            out.push_str(" tell ");
            paddr(out, pro, x.spa, wrong);
        }
        OP_REPLY => {
            paddr(out, pro, x.spa, wrong);
            out.push_str(" is-at ");
            linkaddr(out, x.sha, fr);
        }
        OP_REVREQUEST | OP_INVREQUEST => {
            out.push_str("who-is ");
            linkaddr(out, x.tha, fr);
            out.push_str(" tell ");
            linkaddr(out, x.sha, fr);
        }
        OP_REVREPLY => {
            linkaddr(out, x.tha, fr);
            out.push_str(" at ");
            paddr(out, pro, x.tpa, wrong);
        }
        OP_INVREPLY => {
            linkaddr(out, x.sha, fr);
            out.push_str(" at ");
            paddr(out, pro, x.spa, wrong);
        }
        _ => return false,
    }
    true
}

/// ATM ARP's words for one operation (print-arp.c `atmarp_print`).
fn atm_op(out: &mut String, op: u16, pro: u16, x: &Addresses<'_>) -> bool {
    match op {
        OP_REQUEST => {
            out.push_str("who-has ");
            paddr(out, pro, x.tpa, "<wrong tplen>");
            if !x.tha.is_empty() {
                out.push_str(" (");
                atm_addr(out, x.tha, x.tsa);
                out.push(')');
            }
            out.push_str(" tell ");
            paddr(out, pro, x.spa, "<wrong splen>");
        }
        OP_REPLY => {
            paddr(out, pro, x.spa, "<wrong splen>");
            out.push_str(" is-at ");
            atm_addr(out, x.sha, x.ssa);
        }
        OP_INVREQUEST => {
            out.push_str("who-is ");
            atm_addr(out, x.tha, x.tsa);
            out.push_str(" tell ");
            atm_addr(out, x.sha, x.ssa);
        }
        OP_INVREPLY => {
            atm_addr(out, x.sha, x.ssa);
            out.push_str("at ");
            paddr(out, pro, x.spa, "<wrong splen>");
        }
        OP_NAK => {
            out.push_str("for ");
            paddr(out, pro, x.spa, "<wrong splen>");
        }
        _ => return false,
    }
    true
}

/// AppleTalk ARP (print-atalk.c `aarp_print`): only the fixed 28-byte Ethernet/AppleTalk
/// form is worded; anything else is summarised by its header fields.
fn aarp(out: &mut String, a: &Arp<'_>) {
    out.push_str("aarp ");
    let Some(b) = a.raw.get(..28) else {
        out.push_str(" [|aarp]");
        return;
    };
    if a.wire_len < 28 {
        let _ = write!(out, " [|aarp {}]", a.wire_len);
        return;
    }
    let at = |p: &[u8]| format!("{}.{}", (u16::from(p[1]) << 8) | u16::from(p[2]), p[3]);
    let (htype, ptype, op) = (
        a.hrd().unwrap_or(0),
        a.pro().unwrap_or(0),
        a.op().unwrap_or(0),
    );
    let (hsaddr, psaddr, pdaddr) = (&b[8..14], &b[14..18], &b[24..28]);
    if htype == 1 && ptype == 0x809b && b[4] == 6 && b[5] == 4 {
        match op {
            1 => {
                let _ = write!(out, "who-has {} tell {}", at(pdaddr), at(psaddr));
                return;
            }
            2 => {
                let _ = write!(out, "reply {} is-at ", at(psaddr));
                linkaddr(out, hsaddr, false);
                return;
            }
            3 => {
                let _ = write!(out, "probe {} tell {}", at(pdaddr), at(psaddr));
                return;
            }
            _ => {}
        }
    }
    // C's %#x: no 0x for zero.
    let ptype = if ptype == 0 {
        "0".to_string()
    } else {
        format!("{ptype:#x}")
    };
    let _ = write!(
        out,
        "len {} op {op} htype {htype} ptype {ptype} halen {} palen {}",
        a.wire_len, b[4], b[5]
    );
}
