//! 802.2 LLC and SNAP wording (tcpdump's `llc_print` and `snap_print`), and the hand-over
//! to what an LLC or SNAP header carries.

use std::fmt::Write as _;

use super::{
    mac,
    names::ethertype_name,
    walk::{tok, trunc},
    Dissector,
};
use crate::decode::{
    llc::{self, Llc},
    Layer,
};

const SAP_NAMES: &[(u32, &str)] = &[
    (0x00, "Null"),
    (0xff, "Global"),
    (0x02, "802.1B I"),
    (0x03, "802.1B G"),
    (0x06, "IP"),
    (0x04, "SNA"),
    (0x0e, "ProWay NM"),
    (0x42, "STP"),
    (0x4e, "RS511"),
    (0x7e, "ISO8208"),
    (0x8e, "ProWay"),
    (0xaa, "SNAP"),
    (0xe0, "IPX"),
    (0xf0, "NetBeui"),
    (0xfe, "OSI"),
];

const U_COMMANDS: &[(u32, &str)] = &[
    (0x03, "ui"),
    (0xe3, "test"),
    (0xaf, "xid"),
    (0x63, "ua"),
    (0x43, "disc"),
    (0x0f, "dm"),
    (0x6f, "sabme"),
    (0x87, "frmr"),
];

const FLAGS: &[(u32, &str)] = &[
    (0, "Command"),
    (1, "Response"),
    (0x10, "Poll"),
    (0x11, "Final"),
    (0x100, "Poll"),
    (0x101, "Final"),
];

const SUPERVISORY: &[(u32, &str)] = &[
    (0, "Receiver Ready"),
    (1, "Receiver not Ready"),
    (2, "Reject"),
];

const CISCO_PIDS: &[(u32, &str)] = &[
    (0x2000, "CDP"),
    (0x2003, "VTP"),
    (0x2004, "DTP"),
    (0x0111, "UDLD"),
    (0x010b, "PVST"),
    (0x010c, "VLAN Bridge"),
];

const BRIDGED_PIDS: &[(u32, &str)] = &[
    (0x0001, "Ethernet + FCS"),
    (0x0007, "Ethernet w/o FCS"),
    (0x0002, "802.4 + FCS"),
    (0x0008, "802.4 w/o FCS"),
    (0x0003, "Token Ring + FCS"),
    (0x0009, "Token Ring w/o FCS"),
    (0x0004, "FDDI + FCS"),
    (0x000a, "FDDI w/o FCS"),
    (0x0005, "802.6 + FCS"),
    (0x000b, "802.6 w/o FCS"),
    (0x000e, "BPDU"),
];

/// tcpdump's name for an OUI (its `oui_values`, kept with the MAC vendor names).
pub(super) fn oui_name(oui: u32) -> &'static str {
    crate::names::ethers::oui_name(oui)
}

/// tcpdump's name for a SNAP protocol id under `oui` (`oui_to_struct_tok`).
fn pid_name(oui: u32, pid: u16) -> &'static str {
    match oui {
        llc::OUI_ETHER | llc::OUI_CISCO_90 | llc::OUI_APPLETALK => ethertype_name(pid),
        llc::OUI_CISCO => tok(CISCO_PIDS, pid.into()).unwrap_or("Unknown"),
        llc::OUI_RFC2684 => tok(BRIDGED_PIDS, pid.into()).unwrap_or("Unknown"),
        _ => "Unknown",
    }
}

fn sap_name(sap: u8) -> Option<&'static str> {
    tok(SAP_NAMES, sap.into())
}

/// The link-level addresses an LLC header's printer may name (Ethernet's, or none).
pub(super) type Addrs<'e> = Option<(&'e [u8; 6], &'e [u8; 6])>;

impl Dissector {
    /// An LLC header and what it carries (`layers` starts with the LLC layer); as
    /// `llc_print` plus the caller's raw dump when nothing printed the payload.
    pub(super) fn llc(&mut self, out: &mut String, addrs: Addrs<'_>, layers: &[Layer<'_>]) {
        let Some((Layer::Llc(l), above)) = layers.split_first() else {
            return;
        };
        if self.llc_header(out, addrs, l, above) {
            self.default_print(out, l.raw);
        }
    }

    /// True when the caller should dump the LLC bytes (tcpdump's negative return).
    fn llc_header(
        &mut self,
        out: &mut String,
        addrs: Addrs<'_>,
        l: &Llc<'_>,
        above: &[Layer<'_>],
    ) -> bool {
        let Some(h) = l.header() else {
            // tcpdump dumps these bytes whatever -q or -x say.
            trunc(out, "llc");
            crate::print::hexdump::hex_ascii(out, l.raw);
            return false;
        };
        if l.is_raw_ipx() {
            if self.opts.link_header {
                out.push_str("IPX 802.3: ");
            }
            return true;
        }
        let (dsap, ssap) = (h.dsap(), h.ssap());
        if self.opts.link_header {
            let _ = write!(
                out,
                "LLC, dsap {} (0x{dsap:02x}) {}, ssap {} (0x{ssap:02x}) {}",
                sap_name(dsap).unwrap_or("Unknown"),
                if h.dsap_field & 1 == 0 {
                    "Individual"
                } else {
                    "Group"
                },
                sap_name(ssap).unwrap_or("Unknown"),
                if h.ssap_field & 1 == 0 {
                    "Command"
                } else {
                    "Response"
                },
            );
            if h.is_u {
                let _ = write!(out, ", ctrl 0x{:02x}: ", h.control);
            } else {
                let _ = write!(out, ", ctrl 0x{:04x}: ", h.control);
            }
        }
        let length = l.length.saturating_sub(h.header_len() as u32);
        if h.is_snap() {
            return self.snap(out, addrs, l, length, above);
        }
        if self.llc_payload(out, above) {
            return false;
        }
        if !self.opts.link_header {
            let dname = sap_name(dsap).map_or(format!("Unknown DSAP 0x{dsap:02x}"), str::to_owned);
            match (addrs, ssap == dsap) {
                (Some((src, dst)), true) => {
                    mac(out, src);
                    out.push_str(" > ");
                    mac(out, dst);
                    let _ = write!(out, " {dname} ");
                }
                (None, true) => {
                    let _ = write!(out, "{dname} ");
                }
                (addrs, false) => {
                    let sname =
                        sap_name(ssap).map_or(format!("Unknown SSAP 0x{ssap:02x}"), str::to_owned);
                    match addrs {
                        Some((src, dst)) => {
                            mac(out, src);
                            let _ = write!(out, " {sname} > ");
                            mac(out, dst);
                            let _ = write!(out, " {dname} ");
                        }
                        None => {
                            let _ = write!(out, "{sname} > {dname} ");
                        }
                    }
                }
            }
        }
        let gsap = u32::from(h.ssap_field & 1);
        let total = length + h.header_len() as u32;
        if h.is_u {
            let cmd = u32::from(h.control & 0xef);
            let flag = tok(FLAGS, gsap | u32::from(h.control & 0x10)).unwrap_or("?");
            let _ = match tok(U_COMMANDS, cmd) {
                Some(c) => write!(out, "Unnumbered, {c}, Flags [{flag}], length {total}"),
                None => write!(out, "Unnumbered, {cmd:02x}, Flags [{flag}], length {total}"),
            };
            if h.control & !0x10 == 0xaf {
                let p = l.raw.get(h.header_len()..).unwrap_or_default();
                if length == 0 {
                    return false;
                }
                match p.first() {
                    None => {
                        trunc(out, "llc");
                        return false;
                    }
                    Some(0x81) => {
                        match (p.get(1), p.get(2)) {
                            (Some(a), Some(b)) if length >= 3 => {
                                let _ = write!(out, ": {a:02x} {b:02x}");
                            }
                            _ => {
                                trunc(out, "llc");
                                crate::print::hexdump::hex_ascii(out, p);
                            }
                        }
                        return false;
                    }
                    Some(_) => {}
                }
            }
        } else {
            let nr = (h.control >> 9) & 0x7f;
            let flag = tok(FLAGS, gsap | u32::from(h.control & 0x100)).unwrap_or("?");
            if h.control & 1 == 1 {
                let s = tok(SUPERVISORY, u32::from((h.control >> 2) & 3)).unwrap_or("?");
                let _ = write!(
                    out,
                    "Supervisory, {s}, rcv seq {nr}, Flags [{flag}], length {total}"
                );
                return false;
            }
            let ns = (h.control >> 1) & 0x7f;
            let _ = write!(
                out,
                "Information, send seq {ns}, rcv seq {nr}, Flags [{flag}], length {total}"
            );
        }
        true
    }

    /// `snap_print`; true when the caller should dump the LLC bytes.
    fn snap(
        &mut self,
        out: &mut String,
        addrs: Addrs<'_>,
        l: &Llc<'_>,
        length: u32,
        above: &[Layer<'_>],
    ) -> bool {
        let Some((oui, pid)) = l.snap() else {
            trunc(out, "snap");
            return false;
        };
        let length = length.saturating_sub(llc::SNAP_LEN as u32);
        if self.opts.link_header {
            let _ = write!(
                out,
                "oui {} (0x{oui:06x}), {} {} (0x{pid:04x}), length {length}: ",
                oui_name(oui),
                if oui == llc::OUI_ETHER {
                    "ethertype"
                } else {
                    "pid"
                },
                pid_name(oui, pid),
            );
        }
        if self.llc_payload(out, above) {
            return false;
        }
        if !self.opts.link_header {
            if let Some((src, dst)) = addrs {
                mac(out, src);
                out.push_str(" > ");
                mac(out, dst);
                out.push(' ');
            }
            if oui == llc::OUI_ETHER {
                let _ = write!(
                    out,
                    "SNAP, ethertype {} (0x{pid:04x}), length {length}: ",
                    ethertype_name(pid)
                );
            } else {
                let _ = write!(
                    out,
                    "SNAP, oui {} (0x{oui:06x}), pid {} (0x{pid:04x}), length {length}: ",
                    oui_name(oui),
                    pid_name(oui, pid)
                );
            }
        }
        true
    }

    /// Prints what a registered decoder found after an LLC or SNAP header; false when
    /// nothing did.
    fn llc_payload(&mut self, out: &mut String, above: &[Layer<'_>]) -> bool {
        match above.first() {
            None | Some(Layer::Unknown(_)) => false,
            Some(Layer::Stp(s)) => {
                self.stp(out, s);
                true
            }
            Some(Layer::Cdp(c)) => {
                self.cdp(out, c);
                true
            }
            Some(_) => self.network(out, above).is_none(),
        }
    }
}
