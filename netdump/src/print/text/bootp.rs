//! BOOTP/DHCP wording (tcpdump's print-bootp.c): op, client and length by default; with
//! `-v` the header's interesting fields and every RFC 1048 option in its own format.

use std::fmt::Write as _;

use super::{
    mac,
    payload::{
        be16_at, be32_at, bittok2str, bytes_at, has, ipv4_at, printn, printztn, tok, tok2str,
        u8_at, unknown_data, Get,
    },
    Dissector,
};
use crate::decode::bootp::{
    Bootp, MAGIC_RFC1048, MESSAGES, TAG_DHCP_MESSAGE, TAG_END, TAG_PAD, VEND,
};

/// tcpdump's `tag2str`: each name's first character is its data format.
const TAGS: &[(u32, &str)] = &[
    (0, " PAD"),
    (1, "iSubnet-Mask"),
    (2, "LTime-Zone"),
    (3, "iDefault-Gateway"),
    (4, "iTime-Server"),
    (5, "iIEN-Name-Server"),
    (6, "iDomain-Name-Server"),
    (7, "iLOG"),
    (8, "iCS"),
    (9, "iLPR-Server"),
    (10, "iIM"),
    (11, "iRL"),
    (12, "aHostname"),
    (13, "sBS"),
    (255, " END"),
    (14, "aDP"),
    (15, "aDomain-Name"),
    (16, "iSS"),
    (17, "aRP"),
    (18, "aEP"),
    (19, "BIPF"),
    (20, "BSRT"),
    (21, "pPF"),
    (22, "sRSZ"),
    (23, "bTTL"),
    (24, "lMTU-Timeout"),
    (25, "sMTU-Table"),
    (26, "sMTU"),
    (27, "BLSN"),
    (28, "iBR"),
    (29, "BMD"),
    (30, "BMS"),
    (31, "BRouter-Discovery"),
    (32, "iRSA"),
    (33, "pStatic-Route"),
    (34, "BUT"),
    (35, "lAT"),
    (36, "BIE"),
    (37, "bTT"),
    (38, "lKI"),
    (39, "BKG"),
    (40, "aYD"),
    (41, "iYS"),
    (42, "iNTP"),
    (43, "bVendor-Option"),
    (44, "iNetbios-Name-Server"),
    (45, "iWDD"),
    (46, "$Netbios-Node"),
    (47, "aNetbios-Scope"),
    (48, "iXFS"),
    (49, "iXDM"),
    (64, "sN+D"),
    (65, "iN+S"),
    (68, "iMH"),
    (69, "iSMTP"),
    (70, "iPOP3"),
    (71, "iNNTP"),
    (72, "iWWW"),
    (73, "iFG"),
    (74, "iIRC"),
    (75, "iSTS"),
    (76, "iSTDA"),
    (50, "iRequested-IP"),
    (51, "lLease-Time"),
    (52, "$OO"),
    (66, "aTFTP"),
    (67, "aBF"),
    (53, " DHCP-Message"),
    (54, "iServer-ID"),
    (55, "bParameter-Request"),
    (56, "aMSG"),
    (57, "sMSZ"),
    (58, "lRN"),
    (59, "lRB"),
    (60, "aVendor-Class"),
    (61, "$Client-ID"),
    (98, "aUAP"),
    (116, "BNOAUTO"),
    (78, "bSLP-DA"),
    (79, "bSLP-SCOPE"),
    (117, "sNSSEARCH"),
    (77, "$User-Class"),
    (118, "iSUBNET"),
    (121, "$Classless-Static-Route"),
    (249, "$Classless-Static-Route-Microsoft"),
    (150, "iTFTP-Server-Address"),
    (80, "aSLP-NA"),
    (81, "$FQDN"),
    (82, "$Agent-Information"),
    (83, "bARMT"),
    (88, "aTZSTR"),
    (89, "bFQDNS"),
    (90, "bAUTH"),
    (91, "LLast-Transaction-Time"),
    (92, "iAssociated-IP"),
    (93, "sARCH"),
    (94, "bNDI"),
    (97, "bGUID"),
    (95, "aLDAP"),
    (100, "aPOSIX-TZ"),
    (101, "aTZ-Name"),
    (112, "iNI"),
    (113, "aNITAG"),
    (114, "aURL"),
    (161, "aMUD-URL"),
];

const OPS: &[(u32, &str)] = &[(1, "Request"), (2, "Reply")];
const FLAGS: &[(u32, &str)] = &[(0x8000, "Broadcast")];
/// DHCP "options overload" types.
const OVERLOAD: &[(u32, &str)] = &[(1, "file"), (2, "sname"), (3, "file+sname")];
/// NetBIOS over TCP/IP node types.
const NETBIOS_NODE: &[(u32, &str)] = &[(1, "b-node"), (2, "p-node"), (4, "m-node"), (8, "h-node")];
/// ARP hardware types, for the Client-ID option.
const HARDWARE: &[(u32, &str)] = &[
    (0x1, "ether"),
    (0x6, "ieee802"),
    (0x7, "arcnet"),
    (0xf, "frelay"),
    (0x17, "strip"),
    (0x18, "ieee1394"),
];
const AGENT_SUBOPTIONS: &[(u32, &str)] =
    &[(1, "Circuit-ID"), (2, "Remote-ID"), (6, "Subscriber-ID")];

const TAG_PARM_REQUEST: u8 = 55;
const TAG_NETBIOS_NODE: u8 = 46;
const TAG_OPT_OVERLOAD: u8 = 52;
const TAG_CLIENT_FQDN: u8 = 81;
const TAG_CLIENT_ID: u8 = 61;
const TAG_AGENT_CIRCUIT: u8 = 82;
const TAG_CLASSLESS_STATIC_RT: u8 = 121;
const TAG_CLASSLESS_STA_RT_MS: u8 = 249;
const TAG_USER_CLASS: u8 = 77;

/// The end of the message's text was reached early (tcpdump's `goto trunc` or a return):
/// `Ok(Flow::Trunc)` prints ` [|bootp]` without a longjmp.
#[derive(PartialEq, Eq)]
enum Flow {
    Done,
    Trunc,
}

impl Dissector {
    /// A BOOTP/DHCP message of `length` bytes by the UDP header.
    pub(super) fn bootp(&mut self, out: &mut String, m: &Bootp<'_>, length: u32) {
        let r = self.bootp_body(out, m.raw, length).map(|flow| {
            if flow == Flow::Trunc {
                out.push_str(" [|bootp]");
            }
        });
        self.app_end(out, "bootp", r);
    }

    fn bootp_body(&mut self, out: &mut String, b: &[u8], length: u32) -> Get<Flow> {
        let op = u8_at(b, 0)?;
        out.push_str("BOOTP/DHCP, ");
        tok2str(out, OPS, "unknown (0x%02x)", u32::from(op));
        let htype = u8_at(b, 1)?;
        let hlen = u8_at(b, 2)?;
        let ether = htype == 1 && hlen == 6;
        if ether && op == 1 {
            // tcpdump reads the address before printing " from ".
            let chaddr = bytes_at(b, 28, 6)?;
            out.push_str(" from ");
            mac(out, chaddr);
        }
        let _ = write!(out, ", length {length}");
        if self.opts.verbose == 0 {
            return Ok(Flow::Done);
        }
        if !has(b, 8, 2) {
            return Ok(Flow::Trunc);
        }
        if htype != 1 {
            let _ = write!(out, ", htype {htype}");
        }
        if !ether {
            let _ = write!(out, ", hlen {hlen}");
        }
        let hops = u8_at(b, 3)?;
        if hops != 0 {
            let _ = write!(out, ", hops {hops}");
        }
        let xid = be32_at(b, 4)?;
        if xid != 0 {
            let _ = write!(out, ", xid 0x{xid:x}");
        }
        let secs = be16_at(b, 8)?;
        if secs != 0 {
            let _ = write!(out, ", secs {secs}");
        }
        let flags = be16_at(b, 10)?;
        let _ = write!(
            out,
            ", Flags [{}]",
            bittok2str(FLAGS, "none", u32::from(flags), ", ")
        );
        if self.opts.verbose > 1 {
            let _ = write!(out, " (0x{flags:04x})");
        }
        for (at, name) in [
            (12, "Client-IP"),
            (16, "Your-IP"),
            (20, "Server-IP"),
            (24, "Gateway-IP"),
        ] {
            let a = ipv4_at(b, at)?;
            if !a.is_unspecified() {
                let _ = write!(out, "\n\t  {name} {a}");
            }
        }
        if ether {
            let chaddr = bytes_at(b, 28, 6)?;
            out.push_str("\n\t  Client-Ethernet-Address ");
            mac(out, chaddr);
        }
        for (at, size, name) in [(44, 64, "sname"), (108, 128, "file")] {
            if u8_at(b, at)? != 0 {
                let _ = write!(out, "\n\t  {name} \"");
                let used = printztn(out, b, at, size);
                out.push('"');
                if used == 0 {
                    return Ok(Flow::Trunc);
                }
            }
        }
        let Ok(cookie) = bytes_at(b, VEND, 4) else {
            return Ok(Flow::Trunc);
        };
        if cookie == MAGIC_RFC1048 {
            self.rfc1048(out, b, VEND)
        } else if cookie == b"CMU\0" {
            cmu(out, b, VEND)
        } else {
            let v = be32_at(b, VEND)?;
            if v != 0 {
                let _ = write!(out, "\n\t  Vendor-#0x{v:x}");
            }
            Ok(Flow::Done)
        }
    }

    /// The options after the RFC 1048 cookie at `at` (tcpdump's `rfc1048_print`).
    fn rfc1048(&self, out: &mut String, b: &[u8], at: usize) -> Get<Flow> {
        let vflag = self.opts.verbose;
        out.push_str("\n\t  Vendor-rfc1048 Extensions");
        let _ = write!(out, "\n\t    Magic Cookie 0x{:08x}", be32_at(b, at)?);
        let mut p = at + 4;
        while p < b.len() {
            let tag = u8_at(b, p)?;
            p += 1;
            if tag == TAG_PAD && vflag < 3 {
                continue;
            }
            if tag == TAG_END && vflag < 3 {
                return Ok(Flow::Done);
            }
            let entry = tok(TAGS, u32::from(tag)).unwrap_or("?Unknown");
            let mut c = entry.as_bytes()[0];
            let name = &entry[1..];
            let mut len = if tag == TAG_PAD || tag == TAG_END {
                0usize
            } else {
                let l = u8_at(b, p)?;
                p += 1;
                usize::from(l)
            };
            let _ = write!(
                out,
                "\n\t    {name} ({tag}), length {len}{}",
                if len > 0 { ": " } else { "" }
            );
            if tag == TAG_PAD && vflag > 2 {
                let mut ntag = 1;
                while b.get(p) == Some(&TAG_PAD) {
                    p += 1;
                    ntag += 1;
                }
                if ntag > 1 {
                    let _ = write!(out, ", occurs {ntag}");
                }
            }
            if !has(b, p, len) {
                return Ok(Flow::Trunc);
            }
            if tag == TAG_DHCP_MESSAGE && len == 1 {
                tok2str(out, MESSAGES, "Unknown (%u)", u32::from(u8_at(b, p)?));
                p += 1;
                continue;
            }
            if tag == TAG_PARM_REQUEST {
                for idx in 0..len {
                    let inner = u8_at(b, p)?;
                    p += 1;
                    let entry = tok(TAGS, u32::from(inner)).unwrap_or("?Unknown");
                    out.push_str(if idx % 4 == 0 { "\n\t      " } else { ", " });
                    let _ = write!(out, "{} ({inner})", &entry[1..]);
                }
                continue;
            }
            if c == b'?' {
                c = if len & 1 != 0 {
                    b'b'
                } else if len & 2 != 0 {
                    b's'
                } else {
                    b'l'
                };
            }
            let mut first = true;
            match c {
                b'a' => {
                    out.push('"');
                    let cut = printn(out, b, p, len);
                    out.push('"');
                    if cut {
                        return Ok(Flow::Trunc);
                    }
                    p += len;
                    len = 0;
                }
                b'i' | b'l' | b'L' => {
                    while len >= 4 {
                        if !first {
                            out.push(',');
                        }
                        match c {
                            b'i' => {
                                let _ = write!(out, "{}", ipv4_at(b, p)?);
                            }
                            b'L' => {
                                let _ = write!(out, "{}", be32_at(b, p)? as i32);
                            }
                            _ => {
                                let _ = write!(out, "{}", be32_at(b, p)?);
                            }
                        }
                        p += 4;
                        len -= 4;
                        first = false;
                    }
                }
                b'p' => {
                    while len >= 8 {
                        if !first {
                            out.push(',');
                        }
                        let _ = write!(out, "({}:{})", ipv4_at(b, p)?, ipv4_at(b, p + 4)?);
                        p += 8;
                        len -= 8;
                        first = false;
                    }
                }
                b's' => {
                    while len >= 2 {
                        if !first {
                            out.push(',');
                        }
                        let _ = write!(out, "{}", be16_at(b, p)?);
                        p += 2;
                        len -= 2;
                        first = false;
                    }
                }
                b'B' => {
                    while len > 0 {
                        if !first {
                            out.push(',');
                        }
                        match u8_at(b, p)? {
                            0 => out.push('N'),
                            1 => out.push('Y'),
                            v => {
                                let _ = write!(out, "{v}?");
                            }
                        }
                        p += 1;
                        len -= 1;
                        first = false;
                    }
                }
                b'$' => match special(out, b, tag, &mut p, &mut len)? {
                    Flow::Trunc => return Ok(Flow::Trunc),
                    Flow::Done => {}
                },
                _ => {
                    // 'b', 'x' and anything else: bytes.
                    while len > 0 {
                        if !first {
                            out.push(if c == b'x' { ':' } else { '.' });
                        }
                        let v = u8_at(b, p)?;
                        if c == b'x' {
                            let _ = write!(out, "{v:02x}");
                        } else {
                            let _ = write!(out, "{v}");
                        }
                        p += 1;
                        len -= 1;
                        first = false;
                    }
                }
            }
            if len != 0 {
                let _ = write!(out, "\n\t  trailing data length {len}");
                p += len;
            }
        }
        Ok(Flow::Done)
    }
}

/// The options tcpdump prints with code of their own ('$' in the table).
fn special(out: &mut String, b: &[u8], tag: u8, p: &mut usize, len: &mut usize) -> Get<Flow> {
    let mut first = true;
    match tag {
        TAG_NETBIOS_NODE | TAG_OPT_OVERLOAD => {
            if *len < 1 {
                out.push_str("[ERROR: length < 1 bytes]");
                return Ok(Flow::Done);
            }
            let v = u8_at(b, *p)?;
            *p += 1;
            *len -= 1;
            let table = if tag == TAG_NETBIOS_NODE {
                NETBIOS_NODE
            } else {
                OVERLOAD
            };
            // tok2str with a NULL format: "#%d".
            tok2str(out, table, "#%d", u32::from(v));
        }
        TAG_CLIENT_FQDN => {
            if *len < 3 {
                out.push_str("[ERROR: length < 3 bytes]");
                *p += *len;
                *len = 0;
                return Ok(Flow::Done);
            }
            let f = u8_at(b, *p)?;
            if f & 0xf0 != 0 {
                let _ = write!(out, "[ERROR: MBZ nibble 0x{:x} != 0] ", (f & 0xf0) >> 4);
            }
            if f & 0x0f != 0 {
                out.push('[');
                for (bit, ch) in [(1, 'S'), (2, 'O'), (4, 'E'), (8, 'N')] {
                    if f & bit != 0 {
                        out.push(ch);
                    }
                }
                out.push_str("] ");
            }
            *p += 1;
            let (r1, r2) = (u8_at(b, *p)?, u8_at(b, *p + 1)?);
            if r1 != 0 || r2 != 0 {
                let _ = write!(out, "{r1}/{r2} ");
            }
            *p += 2;
            out.push('"');
            let cut = printn(out, b, *p, *len - 3);
            out.push('"');
            if cut {
                return Ok(Flow::Trunc);
            }
            *p += *len - 3;
            *len = 0;
        }
        TAG_CLIENT_ID => {
            if *len < 1 {
                out.push_str("[ERROR: length < 1 bytes]");
                return Ok(Flow::Done);
            }
            let kind = u8_at(b, *p)?;
            *p += 1;
            *len -= 1;
            if kind == 0 {
                out.push('"');
                let cut = printn(out, b, *p, *len);
                out.push('"');
                if cut {
                    return Ok(Flow::Trunc);
                }
                *p += *len;
                *len = 0;
            } else {
                tok2str(out, HARDWARE, "hardware-type %u,", u32::from(kind));
                out.push(' ');
                while *len > 0 {
                    if !first {
                        out.push(':');
                    }
                    let _ = write!(out, "{:02x}", u8_at(b, *p)?);
                    *p += 1;
                    *len -= 1;
                    first = false;
                }
            }
        }
        TAG_AGENT_CIRCUIT => {
            while *len >= 2 {
                let sub = u8_at(b, *p)?;
                let sublen = usize::from(u8_at(b, *p + 1)?);
                *p += 2;
                *len -= 2;
                out.push_str("\n\t      ");
                tok2str(out, AGENT_SUBOPTIONS, "Unknown", u32::from(sub));
                let _ = write!(out, " SubOption {sub}, length {sublen}: ");
                if sublen > *len {
                    out.push_str("length goes past end of option");
                    *p += *len;
                    *len = 0;
                    break;
                }
                match sub {
                    1 | 2 | 6 => {
                        if printn(out, b, *p, sublen) {
                            return Ok(Flow::Trunc);
                        }
                    }
                    _ => unknown_data(out, b, *p, sublen, "\n\t\t"),
                }
                *len -= sublen;
                *p += sublen;
            }
        }
        TAG_CLASSLESS_STATIC_RT | TAG_CLASSLESS_STA_RT_MS => {
            if *len < 5 {
                out.push_str("[ERROR: length < 5 bytes]");
                *p += *len;
                *len = 0;
                return Ok(Flow::Done);
            }
            while *len > 0 {
                if !first {
                    out.push(',');
                }
                let width = u8_at(b, *p)?;
                *p += 1;
                *len -= 1;
                if width > 32 {
                    let _ = write!(out, "[ERROR: Mask width ({width}) > 32]");
                    *p += *len;
                    *len = 0;
                    break;
                }
                let octets = usize::from(width).div_ceil(8);
                if *len < octets + 4 {
                    let _ = write!(
                        out,
                        "[ERROR: Remaining length ({}) < {} bytes]",
                        *len,
                        octets + 4
                    );
                    *p += *len;
                    *len = 0;
                    break;
                }
                out.push('(');
                if width == 0 {
                    out.push_str("default");
                } else {
                    for i in 0..octets {
                        if i > 0 {
                            out.push('.');
                        }
                        let _ = write!(out, "{}", u8_at(b, *p)?);
                        *p += 1;
                    }
                    for _ in octets..4 {
                        out.push_str(".0");
                    }
                    let _ = write!(out, "/{width}");
                }
                let _ = write!(out, ":{})", ipv4_at(b, *p)?);
                *p += 4;
                *len -= octets + 4;
                first = false;
            }
        }
        TAG_USER_CLASS => {
            if *len < 2 {
                out.push_str("[ERROR: length < 2 bytes]");
                *p += *len;
                *len = 0;
                return Ok(Flow::Done);
            }
            let mut number = 1;
            while *len > 0 {
                let sublen = usize::from(u8_at(b, *p)?);
                *p += 1;
                *len -= 1;
                let _ = write!(out, "\n\t      instance#{number}: ");
                if sublen == 0 {
                    out.push_str("[ERROR: suboption length must be non-zero]");
                    *p += *len;
                    *len = 0;
                    break;
                }
                if *len < sublen {
                    out.push_str("[ERROR: invalid option]");
                    *p += *len;
                    *len = 0;
                    break;
                }
                out.push('"');
                let cut = printn(out, b, *p, sublen);
                out.push('"');
                if cut {
                    return Ok(Flow::Trunc);
                }
                let _ = write!(out, ", length {sublen}");
                number += 1;
                *len -= sublen;
                *p += sublen;
            }
        }
        _ => {
            let _ = write!(out, "[unknown special tag {tag}, size {}]", *len);
            *p += *len;
            *len = 0;
        }
    }
    Ok(Flow::Done)
}

/// The CMU vendor area at `at` (tcpdump's `cmu_print`).
fn cmu(out: &mut String, b: &[u8], at: usize) -> Get<Flow> {
    out.push_str(" vend-cmu");
    if !has(b, at + 4, 4) {
        return Ok(Flow::Trunc);
    }
    let flags = u8_at(b, at + 4)?;
    if flags & !1 != 0 {
        let _ = write!(out, " F:0x{flags:x}");
    }
    let smask = if flags & 1 != 0 { "SM" } else { "SM*" };
    for (off, name) in [
        (12, "DG"),
        (8, smask),
        (16, "NS1"),
        (20, "NS2"),
        (24, "IEN1"),
        (28, "IEN2"),
        (32, "TS1"),
        (36, "TS2"),
    ] {
        let Ok(a) = ipv4_at(b, at + off) else {
            return Ok(Flow::Trunc);
        };
        if !a.is_unspecified() {
            let _ = write!(out, " {name}:{a}");
        }
    }
    Ok(Flow::Done)
}
