//! BGP-4 (TCP 179) as tcpdump's print-bgp.c says it: "BGP" at default verbosity; from
//! `-v` on each message in the segment: OPEN with its capabilities, UPDATE with withdrawn
//! routes, the common path attributes (origin, AS path, next hop, MED, local preference,
//! aggregator, communities, cluster list, large communities, multiprotocol reach and
//! unreach for IPv4 and IPv6 unicast and labeled unicast) and NLRI, NOTIFICATION, KEEPALIVE
//! and ROUTE-REFRESH.
//!
//! Path attributes and address families tcpdump decodes but this printer does not yet
//! (extended communities, VPN, EVPN, multicast VPN, PMSI, AIGP, attribute sets, ...) print
//! as tcpdump prints an attribute it has no decoder for.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::message::{hex_print, printn, tok, unknown_data, Bytes, Trunc, Walk};
use super::{Dissector, Host};
use crate::decode::message::Message;

const HEADER: usize = 19;

/// How a BGP printer stopped early: a read past the captured bytes (tcpdump's GET_
/// macros: the packet ends in `[|bgp]`), or one of its own checks (`goto trunc`: `[|bgp]`
/// and the next message in the segment is still printed).
enum Stop {
    Jump(Trunc),
    Label,
}

impl From<Trunc> for Stop {
    fn from(t: Trunc) -> Stop {
        Stop::Jump(t)
    }
}

type R<T> = Result<T, Stop>;

fn check(b: Bytes<'_>, at: usize, n: usize) -> R<()> {
    if b.has(at, n) {
        Ok(())
    } else {
        Err(Stop::Label)
    }
}

/// A printer's own `trunc:` label: `[|bgp]`, then carry on.
fn label(out: &mut String, r: R<()>) -> Walk {
    match r {
        Ok(()) => Ok(()),
        Err(Stop::Label) => {
            out.push_str(" [|bgp]");
            Ok(())
        }
        Err(Stop::Jump(t)) => Err(t),
    }
}

const MSG: &[(u32, &str)] = &[
    (1, "Open"),
    (2, "Update"),
    (3, "Notification"),
    (4, "Keepalive"),
    (5, "Route Refresh"),
];

const AF: &[(u32, &str)] = &[
    (0, "Reserved"),
    (1, "IPv4"),
    (2, "IPv6"),
    (3, "NSAP"),
    (4, "HDLC"),
    (5, "BBN 1822"),
    (6, "802"),
    (7, "E.163"),
    (8, "E.164"),
    (9, "F.69"),
    (10, "X.121"),
    (11, "Novell IPX"),
    (12, "Appletalk"),
    (13, "Decnet IV"),
    (14, "Banyan Vines"),
    (15, "E.164 with NSAP subaddress"),
    (196, "Layer-2 VPN"),
    (25, "VPLS"),
];

const SAFI: &[(u32, &str)] = &[
    (0, "Reserved"),
    (1, "Unicast"),
    (2, "Multicast"),
    (3, "Unicast+Multicast"),
    (4, "labeled Unicast"),
    (64, "Tunnel"),
    (65, "VPLS"),
    (66, "MDT"),
    (70, "EVPN"),
    (128, "labeled VPN Unicast"),
    (129, "labeled VPN Multicast"),
    (130, "labeled VPN Unicast+Multicast"),
    (132, "Route Target Routing Information"),
    (5, "Multicast VPN"),
];

const OPT: &[(u32, &str)] = &[
    (1, "Authentication Information"),
    (2, "Capabilities Advertisement"),
];

const CAPCODE: &[(u32, &str)] = &[
    (1, "Multiprotocol Extensions"),
    (2, "Route Refresh"),
    (3, "Cooperative Route Filtering"),
    (4, "Multiple Routes to a Destination"),
    (5, "Extended Next Hop Encoding"),
    (8, "Multiple Labels"),
    (64, "Graceful Restart"),
    (65, "32-Bit AS Number"),
    (67, "Dynamic Capability"),
    (68, "Multisession BGP"),
    (69, "Multiple Paths"),
    (70, "Enhanced Route Refresh"),
    (71, "Long-lived Graceful Restart"),
    (128, "Route Refresh (Cisco)"),
];

const ADD_PATH: &[(u32, &str)] = &[(1, "Receive"), (2, "Send"), (3, "Both")];

const NOTIFY_MAJOR: &[(u32, &str)] = &[
    (1, "Message Header Error"),
    (2, "OPEN Message Error"),
    (3, "UPDATE Message Error"),
    (4, "Hold Timer Expired"),
    (5, "Finite State Machine Error"),
    (6, "Cease"),
    (7, "Capability Message Error"),
];

const MINOR_CEASE: &[(u32, &str)] = &[
    (1, "Maximum Number of Prefixes Reached"),
    (2, "Administrative Shutdown"),
    (3, "Peer Unconfigured"),
    (4, "Administrative Reset"),
    (5, "Connection Rejected"),
    (6, "Other Configuration Change"),
    (7, "Connection Collision Resolution"),
];

const MINOR_MSG: &[(u32, &str)] = &[
    (1, "Connection Not Synchronized"),
    (2, "Bad Message Length"),
    (3, "Bad Message Type"),
];

const MINOR_OPEN: &[(u32, &str)] = &[
    (1, "Unsupported Version Number"),
    (2, "Bad Peer AS"),
    (3, "Bad BGP Identifier"),
    (4, "Unsupported Optional Parameter"),
    (5, "Authentication Failure"),
    (6, "Unacceptable Hold Time"),
    (7, "Capability Message Error"),
];

const MINOR_UPDATE: &[(u32, &str)] = &[
    (1, "Malformed Attribute List"),
    (2, "Unrecognized Well-known Attribute"),
    (3, "Missing Well-known Attribute"),
    (4, "Attribute Flags Error"),
    (5, "Attribute Length Error"),
    (6, "Invalid ORIGIN Attribute"),
    (7, "AS Routing Loop"),
    (8, "Invalid NEXT_HOP Attribute"),
    (9, "Optional Attribute Error"),
    (10, "Invalid Network Field"),
    (11, "Malformed AS_PATH"),
];

const MINOR_FSM: &[(u32, &str)] = &[
    (0, "Unspecified Error"),
    (1, "In OpenSent State"),
    (2, "In OpenConfirm State"),
    (3, "In Established State"),
];

const MINOR_CAP: &[(u32, &str)] = &[
    (1, "Invalid Action Value"),
    (2, "Invalid Capability Length"),
    (3, "Malformed Capability Value"),
    (4, "Unsupported Capability Code"),
];

const ATTR: &[(u32, &str)] = &[
    (1, "Origin"),
    (2, "AS Path"),
    (17, "AS4 Path"),
    (3, "Next Hop"),
    (4, "Multi Exit Discriminator"),
    (5, "Local Preference"),
    (6, "Atomic Aggregate"),
    (7, "Aggregator"),
    (18, "Aggregator4"),
    (8, "Community"),
    (9, "Originator ID"),
    (10, "Cluster List"),
    (11, "DPA"),
    (12, "Advertisers"),
    (13, "RCID Path / Cluster ID"),
    (14, "Multi-Protocol Reach NLRI"),
    (15, "Multi-Protocol Unreach NLRI"),
    (16, "Extended Community"),
    (22, "PMSI Tunnel"),
    (23, "Tunnel Encapsulation"),
    (24, "Traffic Engineering"),
    (25, "IPv6 Extended Community"),
    (26, "Accumulated IGP Metric"),
    (27, "PE Distinguisher Label"),
    (28, "Entropy Label"),
    (32, "Large Community"),
    (128, "Attribute Set"),
    (255, "Reserved for development"),
];

const ORIGIN: &[(u32, &str)] = &[(0, "IGP"), (1, "EGP"), (2, "Incomplete")];

fn t(table: &[(u32, &'static str)], v: u32, default: &'static str) -> &'static str {
    tok(table, v).unwrap_or(default)
}

const INET: u16 = 1;
const INET6: u16 = 2;

/// The (AFI, SAFI) pairs tcpdump's `bgp_mp_af_print` accepts.
fn af_known(af: u16, safi: u8) -> bool {
    match af {
        INET => matches!(safi, 1 | 2 | 3 | 4 | 132 | 128 | 129 | 130 | 5 | 66),
        INET6 => matches!(safi, 1 | 2 | 3 | 4 | 128 | 129 | 130),
        3 => matches!(safi, 1 | 2 | 3 | 128 | 129 | 130),
        196 => matches!(safi, 128..=130),
        25 => safi == 65,
        _ => false,
    }
}

impl Dissector {
    pub(super) fn bgp(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        out.push_str(": BGP");
        if self.opts.verbose < 1 {
            return Ok(());
        }
        let b = Bytes::new(m.raw, "bgp");
        let mut p = 0;
        let mut start = 0;
        while p < b.len() {
            if b.u8(p)? != 0xff {
                p += 1;
                continue;
            }
            if !b.has(p, 16) {
                break;
            }
            if b.get(p, 16)?.iter().any(|&x| x != 0xff) {
                p += 1;
                continue;
            }
            if !b.has(p, HEADER) {
                out.push_str(" [|bgp]");
                return Ok(());
            }
            if start != p {
                out.push_str(" [|bgp]");
            }
            let hlen = usize::from(b.be16(p + 16)?);
            if hlen < HEADER {
                let _ = write!(out, "\nmessage length {hlen} < {HEADER} (invalid)");
                break;
            }
            if b.has(p, hlen) {
                if !self.bgp_pdu(out, b.from(p), hlen)? {
                    return Ok(());
                }
                p += hlen;
                start = p;
            } else {
                let ty = b.u8(p + 18)?;
                let _ = write!(
                    out,
                    "\n[|BGP {}]",
                    t(MSG, ty.into(), "Unknown Message Type")
                );
                break;
            }
        }
        Ok(())
    }

    /// One message of `length` bytes; false when tcpdump stops printing the segment.
    fn bgp_pdu(&self, out: &mut String, b: Bytes<'_>, length: usize) -> Result<bool, Trunc> {
        let ty = b.u8(18)?;
        let _ = write!(
            out,
            "\n\t{} Message ({ty}), length: {length}",
            t(MSG, ty.into(), "Unknown")
        );
        let r = match ty {
            1 => self.bgp_open(out, b, length),
            2 => self.bgp_update(out, b, length),
            3 => notification(out, b, length),
            4 => Ok(()),
            5 => self.route_refresh(out, b, length),
            _ => (|| {
                check(b, 0, length)?;
                let _ = write!(out, "\n\t  no Message {ty} decoder");
                unknown_data(out, "\n\t  ", b, length);
                Ok(())
            })(),
        };
        label(out, r)?;
        Ok(true)
    }

    fn bgp_open(&self, out: &mut String, b: Bytes<'_>, length: usize) -> R<()> {
        check(b, 0, 29)?;
        if length < 29 {
            return Err(Stop::Label);
        }
        let _ = write!(
            out,
            "\n\t  Version {}, my AS {}, Holdtime {}s, ID {}",
            b.u8(19)?,
            b.be16(20)?,
            b.be16(22)?,
            b.ipv4(24)?
        );
        let optslen = usize::from(b.u8(28)?);
        let _ = write!(out, "\n\t  Optional parameters, length: {optslen}");
        let opt = 29;
        let length = length - 29;
        let mut i = 0;
        while i < optslen {
            check(b, opt + i, 2)?;
            if length < 2 + i {
                return Err(Stop::Label);
            }
            let ty = b.u8(opt + i)?;
            let len = usize::from(b.u8(opt + i + 1)?);
            if 2 + i + len > optslen {
                let _ = write!(
                    out,
                    "\n\t     Option {ty}, length: {len}, goes past the end of the options"
                );
                break;
            }
            let _ = write!(
                out,
                "\n\t    Option {} ({ty}), length: {len}",
                t(OPT, ty.into(), "Unknown")
            );
            if ty == 2 {
                let r = self.capabilities(out, b, opt + 2 + i, len);
                label(out, r)?;
            } else {
                let _ = write!(out, "\n\t      no decoder for option {ty}");
            }
            i += 2 + len;
        }
        Ok(())
    }

    fn capabilities(&self, out: &mut String, b: Bytes<'_>, at: usize, caps_len: usize) -> R<()> {
        let v = self.opts.verbose;
        let mut i = 0;
        while i < caps_len {
            check(b, at + i, 2)?;
            let ty = b.u8(at + i)?;
            let len = usize::from(b.u8(at + i + 1)?);
            let _ = write!(
                out,
                "\n\t      {} ({ty}), length: {len}",
                t(CAPCODE, ty.into(), "Unknown")
            );
            check(b, at + 2 + i, len)?;
            let c = at + i + 2;
            let afi_safi = |out: &mut String, x: usize| -> R<()> {
                let af = b.be16(x)?;
                let safi = b.u8(x + 2)?;
                let _ = write!(
                    out,
                    "AFI {} ({af}), SAFI {} ({safi})",
                    t(AF, af.into(), "Unknown"),
                    t(SAFI, safi.into(), "Unknown")
                );
                Ok(())
            };
            match ty {
                1 => {
                    if len < 4 {
                        out.push_str(" (too short, < 4)");
                        return Ok(());
                    }
                    out.push_str("\n\t\t");
                    let af = b.be16(c)?;
                    let safi = b.u8(c + 3)?;
                    let _ = write!(
                        out,
                        "AFI {} ({af}), SAFI {} ({safi})",
                        t(AF, af.into(), "Unknown"),
                        t(SAFI, safi.into(), "Unknown")
                    );
                }
                8 => {
                    let mut x = c;
                    let mut left = len;
                    while left >= 4 {
                        out.push_str("\n\t\t");
                        afi_safi(out, x)?;
                        let _ = write!(out, ", Count: {}", b.u8(x + 3)?);
                        left -= 4;
                        x += 4;
                    }
                }
                64 => {
                    if len < 2 {
                        out.push_str(" (too short, < 2)");
                        return Ok(());
                    }
                    let _ = write!(
                        out,
                        "\n\t\tRestart Flags: [{}], Restart Time {}s",
                        if b.u8(c)? & 0x80 != 0 { "R" } else { "none" },
                        b.be16(c)? & 0xfff
                    );
                    let mut left = len - 2;
                    let mut x = c + 2;
                    while left >= 4 {
                        out.push_str("\n\t\t  ");
                        afi_safi(out, x)?;
                        let _ = write!(
                            out,
                            ", Forwarding state preserved: {}",
                            if b.u8(x + 3)? & 0x80 != 0 {
                                "yes"
                            } else {
                                "no"
                            }
                        );
                        left -= 4;
                        x += 4;
                    }
                }
                2 | 71 | 128 => {}
                65 => {
                    if len < 4 {
                        out.push_str(" (too short, < 4)");
                        return Ok(());
                    }
                    let _ = write!(out, "\n\t\t 4 Byte AS {}", b.be32(c)?);
                }
                69 => {
                    if len == 0 {
                        out.push_str(" (bogus)");
                    } else {
                        let mut left = len;
                        let mut x = c;
                        while left != 0 {
                            if left < 4 {
                                out.push_str(" (invalid)");
                                break;
                            }
                            out.push_str("\n\t\t");
                            afi_safi(out, x)?;
                            let sr = b.u8(x + 3)?;
                            out.push_str(", Send/Receive: ");
                            match tok(ADD_PATH, sr.into()) {
                                Some(n) => out.push_str(n),
                                None => {
                                    let _ = write!(out, "Bogus (0x{sr:02x})");
                                }
                            }
                            left -= 4;
                            x += 4;
                        }
                    }
                }
                _ => {
                    let _ = write!(out, "\n\t\tno decoder for Capability {ty}");
                    if v <= 1 {
                        unknown_data(out, "\n\t\t", b.from(c), len);
                    }
                }
            }
            if v > 1 && len != 0 {
                unknown_data(out, "\n\t\t", b.from(c), len);
            }
            i += 2 + len;
        }
        Ok(())
    }

    fn route_refresh(&self, out: &mut String, b: Bytes<'_>, len: usize) -> R<()> {
        check(b, 0, 23)?;
        if len < 23 {
            return Ok(());
        }
        let af = b.be16(19)?;
        let safi = b.u8(22)?;
        let _ = write!(
            out,
            "\n\t  AFI {} ({af}), SAFI {} ({safi})",
            t(AF, af.into(), "Unknown"),
            t(SAFI, safi.into(), "Unknown")
        );
        if self.opts.verbose > 1 {
            check(b, 0, len)?;
            unknown_data(out, "\n\t  ", b, len);
        }
        Ok(())
    }

    fn bgp_update(&self, out: &mut String, b: Bytes<'_>, length: usize) -> R<()> {
        check(b, 0, HEADER)?;
        if length < HEADER {
            return Err(Stop::Label);
        }
        let mut p = HEADER;
        let mut length = length - HEADER;
        check(b, p, 2)?;
        if length < 2 {
            return Err(Stop::Label);
        }
        let mut withdrawn = usize::from(b.be16(p)?);
        p += 2;
        length -= 2;
        if withdrawn > 1 {
            check(b, p, withdrawn)?;
            if length < withdrawn {
                return Err(Stop::Label);
            }
            out.push_str("\n\t  Withdrawn routes:");
            let add_path = check_add_path(b, p, withdrawn, 32);
            let mut path_id = 0;
            while withdrawn != 0 {
                if add_path {
                    if withdrawn < 4 {
                        p += withdrawn;
                        length -= withdrawn;
                        break;
                    }
                    path_id = b.be32(p)?;
                    p += 4;
                    length = length.saturating_sub(4);
                    withdrawn -= 4;
                }
                match prefix4(b, p, withdrawn)? {
                    Prefix::Illegal => {
                        out.push_str("\n\t    (illegal prefix length)");
                        break;
                    }
                    Prefix::Short => return Err(Stop::Label),
                    Prefix::Ok(text, n) => {
                        let _ = write!(out, "\n\t    {text}");
                        if add_path {
                            let _ = write!(out, "   Path Id: {path_id}");
                        }
                        p += n;
                        length = length.saturating_sub(n);
                        withdrawn = withdrawn.saturating_sub(n);
                    }
                }
            }
        } else {
            check(b, p, withdrawn)?;
            if length < withdrawn {
                return Err(Stop::Label);
            }
            p += withdrawn;
            length -= withdrawn;
        }
        check(b, p, 2)?;
        if length < 2 {
            return Err(Stop::Label);
        }
        let mut len = usize::from(b.be16(p)?);
        p += 2;
        length -= 2;
        if withdrawn == 0 && len == 0 && length == 0 {
            out.push_str("\n\t  End-of-Rib Marker (empty NLRI)");
            return Ok(());
        }
        if len != 0 {
            if length < len {
                return Err(Stop::Label);
            }
            while len != 0 {
                check(b, p, 2)?;
                if length < 2 {
                    return Err(Stop::Label);
                }
                if len < 2 {
                    out.push_str("\n\t  [path attrs too short]");
                    p += len;
                    length -= len;
                    break;
                }
                let aflags = b.u8(p)?;
                let atype = b.u8(p + 1)?;
                p += 2;
                len -= 2;
                length -= 2;
                let alenlen = if aflags & 0x10 != 0 { 2 } else { 1 };
                check(b, p, alenlen)?;
                if length < alenlen {
                    return Err(Stop::Label);
                }
                if len < alenlen {
                    out.push_str("\n\t  [path attrs too short]");
                    p += len;
                    length -= len;
                    break;
                }
                let alen = if alenlen == 2 {
                    usize::from(b.be16(p)?)
                } else {
                    usize::from(b.u8(p)?)
                };
                p += alenlen;
                len -= alenlen;
                length -= alenlen;
                let _ = write!(
                    out,
                    "\n\t  {} ({atype}), length: {alen}",
                    t(ATTR, atype.into(), "Unknown Attribute")
                );
                if aflags != 0 {
                    attr_flags(out, aflags);
                    out.push_str(": ");
                }
                if len < alen {
                    out.push_str(" [path attrs too short]");
                    p += len;
                    length -= len;
                    break;
                }
                if length < alen {
                    return Err(Stop::Label);
                }
                if !self.attr(out, b, atype, p, alen)? {
                    return Err(Stop::Label);
                }
                p += alen;
                len -= alen;
                length -= alen;
            }
        }
        if length != 0 {
            let add_path = check_add_path(b, p, length, 32);
            out.push_str("\n\t  Updated routes:");
            let mut path_id = 0;
            while length != 0 {
                if add_path {
                    check(b, p, 4)?;
                    if length < 4 {
                        return Err(Stop::Label);
                    }
                    path_id = b.be32(p)?;
                    p += 4;
                    length -= 4;
                }
                match prefix4(b, p, length)? {
                    Prefix::Illegal => {
                        out.push_str("\n\t    (illegal prefix length)");
                        break;
                    }
                    Prefix::Short => return Err(Stop::Label),
                    Prefix::Ok(text, n) => {
                        let _ = write!(out, "\n\t    {text}");
                        if add_path {
                            let _ = write!(out, "   Path Id: {path_id}");
                        }
                        p += n;
                        length = length.saturating_sub(n);
                    }
                }
            }
        }
        Ok(())
    }

    /// tcpdump's `bgp_attr_print`: false where it returns 0 (its caller says `[|bgp]`).
    fn attr(&self, out: &mut String, b: Bytes<'_>, atype: u8, at: usize, len: usize) -> R<bool> {
        let v = self.opts.verbose;
        let done = match self.attr_body(out, b, atype, at, len) {
            Ok(()) => true,
            Err(Stop::Label) => return Ok(false),
            Err(Stop::Jump(t)) => return Err(Stop::Jump(t)),
        };
        if done && v > 1 && len != 0 {
            if !b.has(at, len) {
                return Ok(false);
            }
            unknown_data(out, "\n\t    ", b.from(at), len);
        }
        Ok(true)
    }

    fn attr_body(&self, out: &mut String, b: Bytes<'_>, atype: u8, at: usize, len: usize) -> R<()> {
        match atype {
            1 => {
                if len != 1 {
                    out.push_str("invalid len");
                } else {
                    out.push_str(t(ORIGIN, b.u8(at)?.into(), "Unknown Origin Typecode"));
                }
            }
            2 | 17 => {
                if !len.is_multiple_of(2) {
                    out.push_str("invalid len");
                    return Ok(());
                }
                if len == 0 {
                    out.push_str("empty");
                    return Ok(());
                }
                let as_size = as_size(b, atype, at, len)?;
                let mut p = at;
                while p < at + len {
                    let seg = b.u8(p)?;
                    out.push_str(match seg {
                        2 => "",
                        1 => "{ ",
                        3 => "( ",
                        4 => "({ ",
                        _ => "?",
                    });
                    let n = usize::from(b.u8(p + 1)?) * as_size;
                    let mut i = 0;
                    while i < n {
                        check(b, p + 2 + i, as_size)?;
                        let asn = if as_size == 2 {
                            u32::from(b.be16(p + 2 + i)?)
                        } else {
                            b.be32(p + 2 + i)?
                        };
                        let _ = write!(out, "{asn} ");
                        i += as_size;
                    }
                    out.push_str(match seg {
                        2 => "",
                        1 => "}",
                        3 => ")",
                        4 => "})",
                        _ => "?",
                    });
                    p += 2 + n;
                }
            }
            3 | 9 => {
                if len != 4 {
                    out.push_str("invalid len");
                } else {
                    let _ = write!(out, "{}", b.ipv4(at)?);
                }
            }
            4 | 5 => {
                if len != 4 {
                    out.push_str("invalid len");
                } else {
                    let _ = write!(out, "{}", b.be32(at)?);
                }
            }
            6 => {
                if len != 0 {
                    out.push_str("invalid len");
                }
            }
            7 | 18 => {
                if (atype == 7 && len != 6 && len != 8) || (atype == 18 && len != 8) {
                    out.push_str("invalid len");
                    return Ok(());
                }
                check(b, at, len)?;
                if len == 6 {
                    let _ = write!(out, " AS #{}, origin {}", b.be16(at)?, b.ipv4(at + 2)?);
                } else {
                    let _ = write!(out, " AS #{}, origin {}", b.be32(at)?, b.ipv4(at + 4)?);
                }
            }
            8 => {
                if !len.is_multiple_of(4) {
                    out.push_str("invalid len");
                    return Ok(());
                }
                let mut p = at;
                let mut left = len;
                while left != 0 {
                    check(b, p, 4)?;
                    match b.be32(p)? {
                        0xffff_ff01 => out.push_str(" NO_EXPORT"),
                        0xffff_ff02 => out.push_str(" NO_ADVERTISE"),
                        0xffff_ff03 => out.push_str(" NO_EXPORT_SUBCONFED"),
                        c => {
                            let _ = write!(
                                out,
                                "{}:{}{}",
                                c >> 16,
                                c & 0xffff,
                                if left > 4 { ", " } else { "" }
                            );
                        }
                    }
                    left -= 4;
                    p += 4;
                }
            }
            10 => {
                if !len.is_multiple_of(4) {
                    out.push_str("invalid len");
                    return Ok(());
                }
                let mut p = at;
                let mut left = len;
                while left != 0 {
                    let sep = if left > 4 { ", " } else { "" };
                    let _ = write!(out, "{}{sep}", b.ipv4(p)?);
                    left -= 4;
                    p += 4;
                }
            }
            14 => return self.mp_reach(out, b, at, len),
            15 => return self.mp_unreach(out, b, at, len),
            32 => {
                if len == 0 || !len.is_multiple_of(12) {
                    out.push_str("invalid len");
                    return Ok(());
                }
                out.push_str("\n\t    ");
                let mut p = at;
                let mut left = len;
                while left != 0 {
                    let _ = write!(
                        out,
                        "{}:{}:{}{}",
                        b.be32(p)?,
                        b.be32(p + 4)?,
                        b.be32(p + 8)?,
                        if left > 12 { ", " } else { "" }
                    );
                    p += 12;
                    left -= 12;
                }
            }
            _ => {
                check(b, at, len)?;
                let _ = write!(out, "\n\t    no Attribute {atype} decoder");
                if self.opts.verbose <= 1 {
                    unknown_data(out, "\n\t    ", b.from(at), len);
                }
            }
        }
        Ok(())
    }

    /// tcpdump's `bgp_mp_af_print`: Some((afi, safi)) when it has a decoder for them.
    fn mp_af(&self, out: &mut String, b: Bytes<'_>, at: usize, len: usize) -> R<Option<(u16, u8)>> {
        let af = b.be16(at)?;
        let safi = b.u8(at + 2)?;
        let _ = write!(
            out,
            "\n\t    AFI: {} ({af}), {}SAFI: {} ({safi})",
            t(AF, af.into(), "Unknown AFI"),
            if safi > 128 { "vendor specific " } else { "" },
            t(SAFI, safi.into(), "Unknown SAFI")
        );
        if af_known(af, safi) {
            return Ok(Some((af, safi)));
        }
        check(b, at, len)?;
        let _ = write!(out, "\n\t    no AFI {af} / SAFI {safi} decoder");
        if self.opts.verbose <= 1 {
            unknown_data(out, "\n\t    ", b.from(at), len);
        }
        Ok(None)
    }

    fn mp_reach(&self, out: &mut String, b: Bytes<'_>, at: usize, len: usize) -> R<()> {
        check(b, at, 3)?;
        if len < 3 {
            return Err(Stop::Label);
        }
        let Some((af, safi)) = self.mp_af(out, b, at, len)? else {
            return Ok(());
        };
        let mut p = at + 3;
        let mut tlen = len - 3;
        check(b, p, 1)?;
        if tlen < 1 {
            return Err(Stop::Label);
        }
        let nhlen = usize::from(b.u8(p)?);
        p += 1;
        tlen -= 1;
        if nhlen != 0 {
            if tlen < nhlen {
                return Err(Stop::Label);
            }
            out.push_str("\n\t    nexthop: ");
            let mut left = nhlen;
            let mut nnh = 0;
            while left != 0 {
                if nnh > 0 {
                    out.push_str(", ");
                }
                nnh += 1;
                let size = match (af, safi) {
                    (INET, 1 | 2 | 3 | 4 | 132 | 5 | 66) => 4,
                    (INET6, 1..=4) => 16,
                    // Next hops of the families this printer does not decode yet.
                    _ => {
                        return Ok(());
                    }
                };
                if left < size {
                    out.push_str("invalid len");
                    p += left;
                    tlen -= left;
                    left = 0;
                } else {
                    if size == 4 {
                        let _ = write!(out, "{}", b.ipv4(p)?);
                    } else {
                        let _ = write!(out, "{}", b.ipv6(p)?);
                    }
                    p += size;
                    tlen -= size;
                    left -= size;
                }
            }
        }
        let _ = write!(out, ", nh-length: {nhlen}");
        if tlen < 1 {
            return Err(Stop::Label);
        }
        let snpa = b.u8(p)?;
        p += 1;
        tlen -= 1;
        if snpa != 0 {
            let _ = write!(out, "\n\t    {snpa} SNPA");
            for _ in 0..snpa {
                if tlen < 1 {
                    return Err(Stop::Label);
                }
                let l = usize::from(b.u8(p)?);
                let _ = write!(out, "\n\t      {l} bytes");
                p += 1;
                tlen -= 1;
                if tlen < l {
                    return Err(Stop::Label);
                }
                check(b, p, l)?;
                p += l;
                tlen -= l;
            }
        } else {
            out.push_str(", no SNPA");
        }
        self.nlri_list(out, b, af, safi, p, at, len)
    }

    fn mp_unreach(&self, out: &mut String, b: Bytes<'_>, at: usize, len: usize) -> R<()> {
        check(b, at, 3)?;
        let Some((af, safi)) = self.mp_af(out, b, at, len)? else {
            return Ok(());
        };
        if len == 3 {
            out.push_str("\n\t      End-of-Rib Marker (empty NLRI)");
        }
        self.nlri_list(out, b, af, safi, at + 3, at, len)
    }

    /// The NLRI from `p` to the end of the attribute at `at` (`len` bytes).
    #[expect(
        clippy::too_many_arguments,
        reason = "tcpdump's NLRI walk needs the family, the position and the attribute's bounds"
    )]
    fn nlri_list(
        &self,
        out: &mut String,
        b: Bytes<'_>,
        af: u16,
        safi: u8,
        mut p: usize,
        at: usize,
        len: usize,
    ) -> R<()> {
        let rest = (at + len).saturating_sub(p);
        let add_path4 = check_add_path(b, p, rest, 32);
        let add_path6 = check_add_path(b, p, rest, 128);
        while p < at + len {
            match nlri(out, b, af, safi, p, len, add_path4, add_path6)? {
                Some(n) if n > 0 => p += n,
                Some(_) => break,
                None => return Err(Stop::Label),
            }
        }
        Ok(())
    }
}

/// One NLRI (tcpdump's `bgp_nlri_print`): Some(bytes taken), Some(0) where tcpdump stops
/// quietly, None where it says `[|bgp]`. `len` is the attribute's whole length, as tcpdump
/// passes it.
#[expect(
    clippy::too_many_arguments,
    reason = "tcpdump's NLRI walk needs the family, the position and the attribute's bounds"
)]
fn nlri(
    out: &mut String,
    b: Bytes<'_>,
    af: u16,
    safi: u8,
    at: usize,
    len: usize,
    add_path4: bool,
    add_path6: bool,
) -> R<Option<usize>> {
    match (af, safi) {
        (INET, 1..=3) | (INET6, 1..=3) => {
            let add_path = if af == INET { add_path4 } else { add_path6 };
            let mut p = at;
            let mut path_id = 0;
            if add_path {
                path_id = b.be32(p)?;
                p += 4;
            }
            let r = if af == INET {
                prefix4(b, p, len)?
            } else {
                prefix6(b, p, len)?
            };
            let mut advance: isize = match r {
                Prefix::Illegal => {
                    out.push_str("\n\t    (illegal prefix length)");
                    -1
                }
                Prefix::Short => return Ok(None),
                Prefix::Ok(text, n) => {
                    let _ = write!(out, "\n\t      {text}");
                    n as isize
                }
            };
            if add_path {
                let _ = write!(out, "   Path Id: {path_id}");
                advance += 4;
            }
            Ok(Some(advance.max(0) as usize))
        }
        (INET, 4) | (INET6, 4) => {
            let max = if af == INET { 32 } else { 128 };
            check(b, at, 4)?;
            if len < 4 {
                return Ok(Some(0));
            }
            let plen = usize::from(b.u8(at)?);
            if plen < 24 || plen - 24 > max {
                out.push_str("\n\t    (illegal prefix length)");
                return Ok(Some(0));
            }
            let plen = plen - 24;
            let bytes = plen.div_ceil(8);
            if af == INET && len - 4 < bytes {
                return Ok(Some(0));
            }
            let text = prefix_text(b, at + 4, plen, af == INET)?;
            let label = b.be24(at + 1)? >> 4;
            let bottom = if b.u8(at + 3)? & 1 == 0 {
                "(BOGUS: Bottom of Stack NOT set!)"
            } else {
                "(bottom)"
            };
            let _ = write!(out, "\n\t      {text}, label:{label} {bottom}");
            Ok(Some(4 + bytes))
        }
        // Families tcpdump decodes that this printer does not yet: stop at the first.
        _ => Ok(Some(0)),
    }
}

enum Prefix {
    Ok(String, usize),
    /// Longer than the address.
    Illegal,
    /// Fewer bytes left than the prefix needs.
    Short,
}

/// The address of a `plen`-bit prefix whose bytes start at `at`, printed "addr/plen".
fn prefix_text(b: Bytes<'_>, at: usize, plen: usize, v4: bool) -> Result<String, Trunc> {
    let n = plen.div_ceil(8);
    let mut a = [0u8; 16];
    a[..n].copy_from_slice(b.get(at, n)?);
    if !plen.is_multiple_of(8) {
        a[n - 1] &= ((0xff00u32 >> (plen % 8)) & 0xff) as u8;
    }
    let host = if v4 {
        Host::from(Ipv4Addr::new(a[0], a[1], a[2], a[3]))
    } else {
        Host::from(Ipv6Addr::from(a))
    };
    Ok(format!("{host}/{plen}"))
}

/// tcpdump's `decode_prefix4` with `itemlen` bytes left.
fn prefix4(b: Bytes<'_>, at: usize, itemlen: usize) -> R<Prefix> {
    prefix(b, at, itemlen, 32)
}

fn prefix6(b: Bytes<'_>, at: usize, itemlen: usize) -> R<Prefix> {
    prefix(b, at, itemlen, 128)
}

fn prefix(b: Bytes<'_>, at: usize, itemlen: usize, max: usize) -> R<Prefix> {
    if itemlen < 1 {
        return Ok(Prefix::Short);
    }
    let plen = usize::from(b.u8(at)?);
    if plen > max {
        return Ok(Prefix::Illegal);
    }
    let bytes = plen.div_ceil(8);
    if itemlen - 1 < bytes {
        return Ok(Prefix::Short);
    }
    let text = prefix_text(b, at + 1, plen, max == 32)?;
    Ok(Prefix::Ok(text, 1 + bytes))
}

/// tcpdump's `bgp_attr_get_as_size`: 2 when the path parses as 2-byte AS numbers.
fn as_size(b: Bytes<'_>, atype: u8, at: usize, len: usize) -> R<usize> {
    if atype == 17 {
        return Ok(4);
    }
    let mut p = at;
    while p < at + len {
        let seg = b.u8(p)?;
        if !(1..=4).contains(&seg) {
            return Ok(4);
        }
        p += 2 + usize::from(b.u8(p + 1)?) * 2;
    }
    Ok(if p == at + len { 2 } else { 4 })
}

/// tcpdump's `check_add_path`: whether NLRI read better with 4-byte path ids in front.
fn check_add_path(b: Bytes<'_>, at: usize, length: usize, max: usize) -> bool {
    if length < 5 {
        return false;
    }
    let mut off = 0;
    while off < length {
        off += 4;
        let Ok(plen) = b.u8(at + off) else {
            break;
        };
        if usize::from(plen) > max {
            return false;
        }
        off += 1 + usize::from(plen).div_ceil(8);
    }
    if off > length {
        return false;
    }
    off = 0;
    while off < length {
        let Ok(plen) = b.u8(at + off) else {
            break;
        };
        if plen < 1 || usize::from(plen) > max {
            return true;
        }
        off += 1 + usize::from(plen).div_ceil(8);
    }
    off > length
}

fn attr_flags(out: &mut String, f: u8) {
    out.push_str(", Flags [");
    for (bit, c) in [(0x80, 'O'), (0x40, 'T'), (0x20, 'P'), (0x10, 'E')] {
        if f & bit != 0 {
            out.push(c);
        }
    }
    if f & 0xf != 0 {
        let _ = write!(out, "+{:x}", f & 0xf);
    }
    out.push(']');
}

fn notification(out: &mut String, b: Bytes<'_>, length: usize) -> R<()> {
    check(b, 0, 21)?;
    if length < 21 {
        return Ok(());
    }
    let major = b.u8(19)?;
    let minor = b.u8(20)?;
    let _ = write!(
        out,
        ", {} ({major})",
        t(NOTIFY_MAJOR, major.into(), "Unknown Error")
    );
    let sub = |out: &mut String, sep: &str, table: &[(u32, &'static str)]| {
        let _ = write!(
            out,
            "{sep} subcode {} ({minor})",
            t(table, minor.into(), "Unknown")
        );
    };
    match major {
        1 => sub(out, ",", MINOR_MSG),
        2 => sub(out, ",", MINOR_OPEN),
        3 => sub(out, ",", MINOR_UPDATE),
        5 => sub(out, "", MINOR_FSM),
        7 => sub(out, "", MINOR_CAP),
        6 => {
            sub(out, ",", MINOR_CEASE);
            let p = 21;
            if minor == 1 && length >= 21 + 7 {
                let af = b.be16(p)?;
                let safi = b.u8(p + 2)?;
                let _ = write!(
                    out,
                    ", AFI {} ({af}), SAFI {} ({safi}), Max Prefixes: {}",
                    t(AF, af.into(), "Unknown"),
                    t(SAFI, safi.into(), "Unknown"),
                    b.be32(p + 3)?
                );
            }
            if (minor == 2 || minor == 4) && length > 21 {
                let n = usize::from(b.u8(p)?);
                let mut rem = 0;
                if n > length - 22 {
                    out.push_str(", invalid Shutdown Communication length");
                } else if n == 0 {
                    out.push_str(", empty Shutdown Communication");
                    rem = 1;
                } else {
                    let _ = write!(out, ", Shutdown Communication (length: {n}): \"");
                    printn(out, b, p + 1, n)?;
                    out.push('"');
                    rem = n + 1;
                }
                let data = length - (rem + 21);
                if data > 0 {
                    let _ = write!(out, ", Data: (length: {data})");
                    hex_print(out, "\n\t\t", b.from(p + rem), data)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_path_guess() {
        // 10.0.0.0/8 and 192.18.0.0/16 without path ids: not add-path.
        let plain = [8, 10, 16, 192, 18];
        assert!(!check_add_path(
            Bytes::new(&plain, "bgp"),
            0,
            plain.len(),
            32
        ));
        // Path id 1, then 10.0.0.0/8: add-path.
        let ap = [0, 0, 0, 1, 8, 10];
        assert!(check_add_path(Bytes::new(&ap, "bgp"), 0, ap.len(), 32));
    }

    #[test]
    fn two_byte_as_paths_are_told_from_four_byte_ones() {
        let two = [2, 2, 0, 1, 0, 2];
        assert_eq!(as_size(Bytes::new(&two, "bgp"), 2, 0, 6).ok(), Some(2));
        let four = [2, 1, 0, 0, 0, 1];
        assert_eq!(as_size(Bytes::new(&four, "bgp"), 2, 0, 6).ok(), Some(4));
    }
}
