//! DHCPv6 wording (tcpdump's print-dhcp6.c): the message type by default; with `-v` the
//! transaction id (or relay addresses) and every option in parentheses, nested options and
//! relayed messages inside their option.

use std::fmt::Write as _;

use super::{
    fqdn::fqdn,
    payload::{be16_at, be32_at, has, ipv6_at, printjnp, tok2str, u8_at, Get},
    Dissector,
};
use crate::decode::dhcp6::{Dhcp6, RELAY_FORW, RELAY_REPLY};

const MESSAGES: &[(u32, &str)] = &[
    (1, "solicit"),
    (2, "advertise"),
    (3, "request"),
    (4, "confirm"),
    (5, "renew"),
    (6, "rebind"),
    (7, "reply"),
    (8, "release"),
    (9, "decline"),
    (10, "reconfigure"),
    (11, "inf-req"),
    (12, "relay-fwd"),
    (13, "relay-reply"),
    (14, "leasequery"),
    (15, "leasequery-reply"),
];

const OPTIONS: &[(u32, &str)] = &[
    (1, "client-ID"),
    (2, "server-ID"),
    (3, "IA_NA"),
    (4, "IA_TA"),
    (5, "IA_ADDR"),
    (6, "option-request"),
    (7, "preference"),
    (8, "elapsed-time"),
    (9, "relay-message"),
    (11, "authentication"),
    (12, "server-unicast"),
    (13, "status-code"),
    (14, "rapid-commit"),
    (15, "user-class"),
    (16, "vendor-class"),
    (17, "vendor-specific-info"),
    (18, "interface-ID"),
    (19, "reconfigure-message"),
    (20, "reconfigure-accept"),
    (21, "SIP-servers-domain"),
    (22, "SIP-servers-address"),
    (23, "DNS-server"),
    (24, "DNS-search-list"),
    (25, "IA_PD"),
    (26, "IA_PD-prefix"),
    (31, "SNTP-servers"),
    (32, "lifetime"),
    (27, "NIS-server"),
    (28, "NIS+-server"),
    (29, "NIS-domain-name"),
    (30, "NIS+-domain-name"),
    (33, "BCMCS-domain-name"),
    (34, "BCMCS-server"),
    (36, "Geoconf-Civic"),
    (37, "Remote-ID"),
    (38, "Subscriber-ID"),
    (39, "Client-FQDN"),
    (40, "PANA-agent"),
    (41, "POSIX-timezone"),
    (42, "POSIX-tz-database"),
    (43, "Echo-request-option"),
    (44, "Lease-query"),
    (45, "LQ-client-data"),
    (46, "Clt-time"),
    (47, "LQ-relay-data"),
    (48, "LQ-client-link"),
    (56, "NTP-server"),
    (64, "AFTR-Name"),
    (112, "MUD-URL"),
];

const STATUS: &[(u32, &str)] = &[
    (0, "Success"),
    (1, "UnspecFail"),
    (2, "NoAddrsAvail"),
    (3, "NoBinding"),
    (4, "NotOnLink"),
    (5, "UseMulticast"),
    (6, "NoPrefixAvail"),
    (7, "UnknownQueryType"),
    (8, "MalformedQuery"),
    (9, "NotConfigured"),
    (10, "NotAllowed"),
];

impl Dissector {
    /// A DHCPv6 message of `length` bytes by the UDP header.
    pub(super) fn dhcp6(&mut self, out: &mut String, m: &Dhcp6<'_>, length: u32) {
        let r = message(out, m.raw, 0, length as usize, self.opts.verbose);
        self.app_end(out, "dhcp6", r);
    }
}

/// ` [|dhcp6]` where tcpdump's printer goes to its `trunc:` label (no longjmp).
fn trunc(out: &mut String) {
    out.push_str(" [|dhcp6]");
}

/// A message at `at` of `length` bytes (tcpdump's `dhcp6_print`); `b` ends at the
/// capture's end as the printer sees it.
fn message(out: &mut String, b: &[u8], at: usize, length: usize, verbose: u8) -> Get<()> {
    out.push_str("dhcp6");
    let ep = b.len().min(at.saturating_add(length));
    if !has(b, at, 4) {
        trunc(out);
        return Ok(());
    }
    let kind = u8_at(b, at)?;
    out.push(' ');
    tok2str(out, MESSAGES, "msgtype-%u", u32::from(kind));
    if verbose == 0 {
        return Ok(());
    }
    out.push_str(" (");
    if kind != RELAY_FORW && kind != RELAY_REPLY {
        let _ = write!(out, "xid={:x}", be32_at(b, at)? & 0x00ff_ffff);
        options(out, b, at + 4, ep, verbose)?;
    } else {
        let _ = write!(out, "linkaddr={}", ipv6_at(b, at + 2)?);
        let _ = write!(out, " peeraddr={}", ipv6_at(b, at + 18)?);
        options(out, b, at + 34, ep, verbose)?;
    }
    out.push(')');
    Ok(())
}

/// Options from `cp` to `ep` (tcpdump's `dhcp6opt_print`).
fn options(out: &mut String, b: &[u8], mut cp: usize, ep: usize, verbose: u8) -> Get<()> {
    while cp < ep {
        if ep < cp + 4 {
            trunc(out);
            return Ok(());
        }
        let optlen = usize::from(be16_at(b, cp + 2)?);
        if ep < cp + 4 + optlen {
            trunc(out);
            return Ok(());
        }
        let kind = be16_at(b, cp)?;
        out.push_str(" (");
        tok2str(out, OPTIONS, "opt_%u", u32::from(kind));
        if !has(b, cp + 4, optlen) {
            trunc(out);
            return Ok(());
        }
        let tp = cp + 4;
        let end = tp + optlen;
        let bad = |out: &mut String| out.push_str(" ?)");
        match kind {
            1 | 2 => {
                if optlen < 2 {
                    bad(out);
                } else {
                    match be16_at(b, tp)? {
                        1 if optlen >= 8 => {
                            let _ = write!(
                                out,
                                " hwaddr/time type {} time {} ",
                                be16_at(b, tp + 2)?,
                                be32_at(b, tp + 4)?
                            );
                            hex(out, b, tp + 8, end)?;
                            out.push(')');
                        }
                        2 if optlen >= 10 => {
                            out.push_str(" vid ");
                            hex(out, b, tp + 2, tp + 10)?;
                            out.push(')');
                        }
                        3 if optlen >= 4 => {
                            let _ = write!(out, " hwaddr type {} ", be16_at(b, tp + 2)?);
                            hex(out, b, tp + 4, end)?;
                            out.push(')');
                        }
                        1..=3 => bad(out),
                        t => {
                            let _ = write!(out, " type {t})");
                        }
                    }
                }
            }
            5 => {
                if optlen < 24 {
                    bad(out);
                } else {
                    let _ = write!(out, " {}", ipv6_at(b, tp)?);
                    let _ = write!(
                        out,
                        " pltime:{} vltime:{}",
                        be32_at(b, tp + 16)?,
                        be32_at(b, tp + 20)?
                    );
                    if optlen > 24 {
                        options(out, b, tp + 24, end, verbose)?;
                    }
                    out.push(')');
                }
            }
            6 | 43 => {
                if optlen % 2 != 0 {
                    bad(out);
                } else {
                    for i in (0..optlen).step_by(2) {
                        out.push(' ');
                        tok2str(out, OPTIONS, "opt_%u", u32::from(be16_at(b, tp + i)?));
                    }
                    out.push(')');
                }
            }
            7 => {
                if optlen != 1 {
                    bad(out);
                } else {
                    let _ = write!(out, " {})", u8_at(b, tp)?);
                }
            }
            8 => {
                if optlen != 2 {
                    bad(out);
                } else {
                    let _ = write!(out, " {})", be16_at(b, tp)?);
                }
            }
            9 => {
                out.push_str(" (");
                // The relayed message sees the capture end at its option's end.
                let inner = &b[..end.min(b.len())];
                message(out, inner, tp, optlen, verbose)?;
                out.push(')');
            }
            11 => auth(out, b, tp, optlen)?,
            14 | 20 => out.push(')'),
            18 | 38 => {
                out.push(' ');
                hex(out, b, tp, tp + optlen.min(10))?;
                out.push_str("...)");
            }
            19 => {
                if optlen != 1 {
                    bad(out);
                } else {
                    match u8_at(b, tp)? {
                        5 => out.push_str(" for renew)"),
                        11 => out.push_str(" for inf-req)"),
                        t => {
                            let _ = write!(out, " for ???({t:02x}))");
                        }
                    }
                }
            }
            22 | 23 | 31 | 27 | 28 | 34 | 40 | 48 => {
                if optlen % 16 != 0 {
                    bad(out);
                } else {
                    for i in (0..optlen).step_by(16) {
                        let _ = write!(out, " {}", ipv6_at(b, tp + i)?);
                    }
                    out.push(')');
                }
            }
            21 | 24 => {
                let mut p = tp;
                let mut cut = false;
                while p < end {
                    out.push(' ');
                    match fqdn(out, b, p, end)? {
                        Some(next) => p = next,
                        None => {
                            cut = true;
                            break;
                        }
                    }
                }
                if cut {
                    trunc(out);
                    return Ok(());
                }
                out.push(')');
            }
            13 => {
                if optlen < 2 {
                    bad(out);
                } else {
                    let code = be16_at(b, tp)?;
                    out.push(' ');
                    if code > 255 {
                        out.push_str("INVALID code");
                    } else {
                        tok2str(out, STATUS, "code%u", u32::from(code));
                    }
                    out.push(')');
                }
            }
            3 | 25 => {
                if optlen < 12 {
                    bad(out);
                } else {
                    let _ = write!(
                        out,
                        " IAID:{} T1:{} T2:{}",
                        be32_at(b, tp)?,
                        be32_at(b, tp + 4)?,
                        be32_at(b, tp + 8)?
                    );
                    if optlen > 12 {
                        options(out, b, tp + 12, end, verbose)?;
                    }
                    out.push(')');
                }
            }
            4 => {
                if optlen < 4 {
                    bad(out);
                } else {
                    let _ = write!(out, " IAID:{}", be32_at(b, tp)?);
                    if optlen > 4 {
                        options(out, b, tp + 4, end, verbose)?;
                    }
                    out.push(')');
                }
            }
            26 => {
                if optlen < 25 {
                    bad(out);
                } else {
                    let _ = write!(out, " {}/{}", ipv6_at(b, tp + 9)?, u8_at(b, tp + 8)?);
                    let _ = write!(
                        out,
                        " pltime:{} vltime:{}",
                        be32_at(b, tp)?,
                        be32_at(b, tp + 4)?
                    );
                    if optlen > 25 {
                        options(out, b, tp + 25, end, verbose)?;
                    }
                    out.push(')');
                }
            }
            32 | 46 => {
                if optlen != 4 {
                    bad(out);
                } else {
                    let _ = write!(out, " {})", be32_at(b, tp)?);
                }
            }
            37 => {
                if optlen < 4 {
                    bad(out);
                } else {
                    let _ = write!(out, " {} ", be32_at(b, tp)?);
                    hex(out, b, tp + 4, tp + optlen.min(14))?;
                    out.push_str("...)");
                }
            }
            44 => {
                if optlen < 17 {
                    bad(out);
                } else {
                    match u8_at(b, tp)? {
                        1 => out.push_str(" by-address"),
                        2 => out.push_str(" by-clientID"),
                        t => {
                            let _ = write!(out, " type_{t}");
                        }
                    }
                    let _ = write!(out, " {}", ipv6_at(b, tp + 1)?);
                    if optlen > 17 {
                        options(out, b, tp + 17, end, verbose)?;
                    }
                    out.push(')');
                }
            }
            45 => {
                if optlen > 0 {
                    options(out, b, tp, end, verbose)?;
                }
                out.push(')');
            }
            47 => {
                if optlen < 16 {
                    bad(out);
                } else {
                    let _ = write!(out, " {} ", ipv6_at(b, tp)?);
                    hex(out, b, tp + 16, tp + optlen.min(26))?;
                    out.push_str("...)");
                }
            }
            56 => {
                if optlen < 4 {
                    bad(out);
                } else {
                    let mut p = tp;
                    while p + 4 < end {
                        let code = be16_at(b, p)?;
                        let sublen = usize::from(be16_at(b, p + 2)?);
                        p += 4;
                        if p + sublen > end {
                            trunc(out);
                            return Ok(());
                        }
                        let _ = write!(out, " subopt:{code}");
                        match code {
                            1 | 2 => {
                                if sublen != 16 {
                                    out.push_str(" ?");
                                } else {
                                    let _ = write!(out, " {}", ipv6_at(b, p)?);
                                }
                            }
                            3 => {
                                out.push(' ');
                                if fqdn(out, b, p, p + sublen)?.is_none() {
                                    trunc(out);
                                    return Ok(());
                                }
                            }
                            _ => out.push_str(" ?"),
                        }
                        p += sublen;
                    }
                    out.push(')');
                }
            }
            64 => {
                if optlen < 3 {
                    bad(out);
                } else {
                    let mut p = tp;
                    let mut remain = optlen;
                    out.push(' ');
                    while remain > 0 && u8_at(b, p)? != 0 {
                        let label = usize::from(u8_at(b, p)?);
                        p += 1;
                        if label < remain - 1 {
                            printjnp(out, b, p, label)?;
                            p += label;
                            remain -= label + 1;
                            if u8_at(b, p)? != 0 {
                                out.push('.');
                            }
                        } else {
                            out.push_str(" ?");
                            break;
                        }
                    }
                    out.push(')');
                }
            }
            41 | 42 | 112 => {
                if optlen < 5 {
                    bad(out);
                } else {
                    out.push(' ');
                    printjnp(out, b, tp, optlen)?;
                    out.push(')');
                }
            }
            _ => out.push(')'),
        }
        cp = end;
    }
    Ok(())
}

/// Bytes `from..to` as hex digits.
fn hex(out: &mut String, b: &[u8], from: usize, to: usize) -> Get<()> {
    for i in from..to {
        let _ = write!(out, "{:02x}", u8_at(b, i)?);
    }
    Ok(())
}

/// The authentication option (RFC 8415 21.11) at `tp`.
fn auth(out: &mut String, b: &[u8], tp: usize, optlen: usize) -> Get<()> {
    if optlen < 11 {
        out.push_str(" ?)");
        return Ok(());
    }
    let proto = u8_at(b, tp)?;
    match proto {
        2 => out.push_str(" proto: delayed"),
        3 => out.push_str(" proto: reconfigure"),
        p => {
            let _ = write!(out, " proto: {p}");
        }
    }
    match u8_at(b, tp + 1)? {
        1 => out.push_str(", alg: HMAC-MD5"),
        a => {
            let _ = write!(out, ", alg: {a}");
        }
    }
    match u8_at(b, tp + 2)? {
        0 => out.push_str(", RDM: mono"),
        r => {
            let _ = write!(out, ", RDM: {r}");
        }
    }
    out.push_str(", RD:");
    let mut p = tp + 3;
    for _ in 0..4 {
        let _ = write!(out, " {:04x}", be16_at(b, p)?);
        p += 2;
    }
    let info = optlen - 11;
    match proto {
        2 => {
            if info != 0 {
                if info < 20 {
                    out.push_str(" ??");
                } else {
                    let realm = info - 20;
                    if realm > 0 {
                        out.push_str(", realm: ");
                    }
                    hex(out, b, p, p + realm)?;
                    p += realm;
                    let _ = write!(out, ", key ID: {:08x}", be32_at(b, p)?);
                    p += 4;
                    out.push_str(", HMAC-MD5:");
                    for _ in 0..4 {
                        let _ = write!(out, " {:08x}", be32_at(b, p)?);
                        p += 4;
                    }
                }
            }
        }
        3 => {
            if info != 17 {
                out.push_str(" ??");
            } else {
                match u8_at(b, p)? {
                    1 => out.push_str(" reconfig-key"),
                    2 => out.push_str(" type: HMAC-MD5"),
                    _ => out.push_str(" type: ??"),
                }
                p += 1;
                out.push_str(" value:");
                for _ in 0..4 {
                    let _ = write!(out, " {:08x}", be32_at(b, p)?);
                    p += 4;
                }
            }
        }
        _ => out.push_str(" ??"),
    }
    out.push(')');
    Ok(())
}
