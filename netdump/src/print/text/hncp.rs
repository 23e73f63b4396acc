//! HNCP (RFC 7788, UDP 8231) as tcpdump's print-hncp.c says it: the TLV tree, nested TLVs
//! one tab deeper; levels deeper than `-v` allows listed in line as type names and counts.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::fqdn::fqdn;
use super::message::{Trunc, Walk};
use super::payload::{
    be16_at, be32_at, bytes_at, has, ipv4_at, ipv6_at, printjnp, tok, u8_at, Cut, Get,
};
use super::{Dissector, Host};
use crate::decode::message::Message;

const RANGE_RESERVED: u32 = 0x10000;
const RANGE_UNASSIGNED: u32 = 0x10001;
const RANGE_PRIVATE_USE: u32 = 0x10002;
const RANGE_FUTURE_USE: u32 = 0x10003;

const TYPES: &[(u32, &str)] = &[
    (1, "Request network state"),
    (2, "Request node state"),
    (3, "Node endpoint"),
    (4, "Network state"),
    (5, "Node state"),
    (8, "Peer"),
    (9, "Keep-alive interval"),
    (10, "Trust-Verdict"),
    (32, "HNCP-Version"),
    (33, "External-Connection"),
    (34, "Delegated-Prefix"),
    (43, "Prefix-Policy"),
    (37, "DHCPv4-Data"),
    (38, "DHCPv6-Data"),
    (35, "Assigned-Prefix"),
    (36, "Node-Address"),
    (39, "DNS-Delegated-Zone"),
    (40, "Domain-Name"),
    (41, "Node-Name"),
    (42, "Managed-PSK"),
    (RANGE_RESERVED, "Reserved"),
    (RANGE_UNASSIGNED, "Unassigned"),
    (RANGE_PRIVATE_USE, "Private use"),
    (RANGE_FUTURE_USE, "Future use"),
];

const DH4OPTS: &[(u32, &str)] = &[(6, "DNS-server"), (42, "NTP-server"), (119, "DNS-search")];
const DH6OPTS: &[(u32, &str)] = &[
    (23, "DNS-server"),
    (24, "DNS-search-list"),
    (31, "SNTP-servers"),
];

const INVALID: &str = " (invalid)";

fn tabs(out: &mut String, n: u32) {
    out.push('\n');
    for _ in 0..n {
        out.push('\t');
    }
}

fn nid(b: &[u8], at: usize) -> Get<String> {
    let s = bytes_at(b, at, 4)?;
    Ok(format!(
        "{:02x}:{:02x}:{:02x}:{:02x}",
        s[0], s[1], s[2], s[3]
    ))
}

fn hex256(b: &[u8], at: usize) -> Get<String> {
    Ok(bytes_at(b, at, 32)?
        .iter()
        .map(|c| format!("{c:02x}"))
        .collect())
}

fn interval(n: u32) -> String {
    format!("{}.{:03}s", n / 1000, n % 1000)
}

fn ipv4_mapped(b: &[u8], at: usize) -> bool {
    b.get(at..at + 12) == Some(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff][..])
}

/// tcpdump's `format_ip6addr`: an IPv4-mapped address as IPv4.
fn ip6addr(b: &[u8], at: usize) -> Get<Host> {
    if ipv4_mapped(b, at) {
        ipv4_at(b, at + 12)
    } else {
        ipv6_at(b, at)
    }
}

/// tcpdump's `print_prefix`: the bytes used, or its negative codes (-1 a bad length, -2 or
/// -3 past the TLV).
fn prefix(out: &mut String, b: &[u8], at: usize, max_length: u32) -> Get<i32> {
    let plen = u32::from(u8_at(b, at)?);
    if plen >= 96 && max_length >= 13 && ipv4_mapped(b, at + 1) {
        let plen = plen - 96;
        if plen > 32 {
            return Ok(-1);
        }
        let plenbytes = plen.div_ceil(8);
        if max_length - 1 < plenbytes + 12 {
            return Ok(-3);
        }
        let mut a = [0u8; 4];
        a[..plenbytes as usize].copy_from_slice(bytes_at(b, at + 13, plenbytes as usize)?);
        if plen % 8 != 0 {
            a[plenbytes as usize - 1] &= ((0xff00u32 >> (plen % 8)) & 0xff) as u8;
        }
        let _ = write!(out, "{}/{plen}", Host::from(Ipv4Addr::from(a)));
        return Ok((plenbytes + 13) as i32);
    }
    // decode_prefix6
    if max_length < 1 {
        return Ok(-2);
    }
    if plen > 128 {
        return Ok(-1);
    }
    let plenbytes = plen.div_ceil(8);
    if max_length - 1 < plenbytes {
        return Ok(-2);
    }
    let mut a = [0u8; 16];
    a[..plenbytes as usize].copy_from_slice(bytes_at(b, at + 1, plenbytes as usize)?);
    if plen % 8 != 0 {
        a[plenbytes as usize - 1] &= ((0xff00u32 >> (plen % 8)) & 0xff) as u8;
    }
    let _ = write!(out, "{}/{plen}", Host::from(Ipv6Addr::from(a)));
    Ok((1 + plenbytes) as i32)
}

/// tcpdump's `print_dns_label`: the bytes used, or -1 after "[|DNS]".
fn dns_label(out: &mut String, b: &[u8], cp: usize, max_length: u32) -> Get<i32> {
    let mut length = 0u32;
    while length < max_length {
        let lab = u32::from(u8_at(b, cp + length as usize)?);
        length += 1;
        if lab == 0 {
            return Ok(length as i32);
        }
        if length > 1 {
            out.push('.');
        }
        if length + lab > max_length {
            printjnp(out, b, cp + length as usize, (max_length - length) as usize)?;
            break;
        }
        printjnp(out, b, cp + length as usize, lab as usize)?;
        length += lab;
    }
    out.push_str("[|DNS]");
    Ok(-1)
}

/// The names a DHCP option's domain list holds (`fqdn_print` with the option's end as its
/// base, as tcpdump calls it); false where it gave up.
fn names(out: &mut String, b: &[u8], value: usize, optlen: usize) -> Get<bool> {
    let end = value + optlen;
    let mut tp = value;
    while tp < end {
        out.push(' ');
        match fqdn(out, b, tp, end)? {
            Some(next) => tp = next,
            None => return Ok(false),
        }
    }
    Ok(true)
}

/// tcpdump's `dhcpv4_print`: false where it returns -1.
fn dhcpv4(out: &mut String, b: &[u8], cp: usize, length: u32, indent: u32) -> Get<bool> {
    let mut i = 0u32;
    while i < length {
        if i + 2 > length {
            return Ok(false);
        }
        let tlv = cp + i as usize;
        let typ = u32::from(u8_at(b, tlv)?);
        let optlen = u32::from(u8_at(b, tlv + 1)?);
        let value = tlv + 2;
        tabs(out, indent);
        let _ = write!(
            out,
            "{} ({})",
            tok(DH4OPTS, typ).unwrap_or("Unknown"),
            optlen + 2
        );
        if i + 2 + optlen > length {
            return Ok(false);
        }
        match typ {
            6 | 42 => {
                if optlen < 4 || optlen % 4 != 0 {
                    return Ok(false);
                }
                for t in (0..optlen as usize).step_by(4) {
                    let _ = write!(out, " {}", ipv4_at(b, value + t)?);
                }
            }
            119 if !names(out, b, value, optlen as usize)? => return Ok(false),
            _ => {}
        }
        i += 2 + optlen;
    }
    Ok(true)
}

/// tcpdump's `dhcpv6_print`: false where it returns -1.
fn dhcpv6(out: &mut String, b: &[u8], cp: usize, length: u32, indent: u32) -> Get<bool> {
    let mut i = 0u32;
    while i < length {
        if i + 4 > length {
            return Ok(false);
        }
        let tlv = cp + i as usize;
        let typ = u32::from(be16_at(b, tlv)?);
        let optlen = u32::from(be16_at(b, tlv + 2)?);
        let value = tlv + 4;
        tabs(out, indent);
        let _ = write!(
            out,
            "{} ({})",
            tok(DH6OPTS, typ).unwrap_or("Unknown"),
            optlen + 4
        );
        if i + 4 + optlen > length {
            return Ok(false);
        }
        match typ {
            23 | 31 => {
                if optlen % 16 != 0 {
                    out.push_str(INVALID);
                    return Ok(false);
                }
                for t in (0..optlen as usize).step_by(16) {
                    let _ = write!(out, " {}", ipv6_at(b, value + t)?);
                }
            }
            24 if !names(out, b, value, optlen as usize)? => return Ok(false),
            _ => {}
        }
        i += 4 + optlen;
    }
    Ok(true)
}

/// tcpdump's `print_type_in_line`.
fn type_in_line(out: &mut String, typ: u32, count: i32, indent: u32, first: &mut bool) {
    if count <= 0 {
        return;
    }
    if *first {
        *first = false;
        if indent > 1 {
            tabs(out, indent);
        } else {
            out.push(' ');
        }
    } else {
        out.push_str(", ");
    }
    out.push_str(tok(TYPES, typ).unwrap_or("Easter Egg"));
    if count > 1 {
        let _ = write!(out, " (x{count})");
    }
}

/// `-l & 3` on a C int: the padding to the next multiple of four.
fn pad4(l: i32) -> i32 {
    l.wrapping_neg() & 3
}

impl Dissector {
    pub(super) fn hncp(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let _ = write!(out, "hncp ({})", m.length);
        self.hncp_rec(out, m.raw, 0, m.length, 1)
            .map_err(|Cut| Trunc("hncp"))
    }

    /// tcpdump's `hncp_print_rec`: the TLVs of `length` bytes at `cp`. Err is a read past
    /// the capture (tcpdump's longjmp, which ends every level); its own truncation check
    /// ends this level only.
    fn hncp_rec(&self, out: &mut String, b: &[u8], cp: usize, length: u32, indent: u32) -> Get<()> {
        let verbose = u32::from(self.opts.verbose);
        let in_line = indent > verbose && verbose < 3;
        let mut first = true;
        let mut last_mask = u32::MAX;
        let mut last_count: i32 = -1;
        let mut i = 0u32;
        while i < length {
            let tlv = cp + i as usize;
            if !in_line {
                tabs(out, indent);
            }
            if !has(b, tlv, 4) {
                out.push_str(" [|hncp]");
                return Ok(());
            }
            if i + 4 > length {
                out.push_str(INVALID);
                return Ok(());
            }
            let typ = be16_at(b, tlv)?;
            let bodylen = u32::from(be16_at(b, tlv + 2)?);
            let value = tlv + 4;
            if !has(b, value, bodylen as usize) {
                out.push_str(" [|hncp]");
                return Ok(());
            }
            if i + bodylen + 4 > length {
                out.push_str(INVALID);
                return Ok(());
            }
            let mask = if TYPES
                .iter()
                .any(|&(k, _)| k <= 0xffff && k == u32::from(typ))
            {
                u32::from(typ)
            } else if typ == 0 {
                RANGE_RESERVED
            } else if (44..=511).contains(&typ) && typ != 6 && typ != 7 {
                RANGE_UNASSIGNED
            } else if (768..=1023).contains(&typ) {
                RANGE_PRIVATE_USE
            } else {
                RANGE_FUTURE_USE
            };
            if in_line {
                if last_mask == mask {
                    last_count += 1;
                } else {
                    type_in_line(out, last_mask, last_count, indent, &mut first);
                    last_mask = mask;
                    last_count = 1;
                }
            } else {
                out.push_str(tok(TYPES, mask).unwrap_or("Easter Egg (42)"));
                if mask > 0xffff {
                    let _ = write!(out, ": type={typ}");
                }
                let _ = write!(out, " ({})", bodylen + 4);
                if !self.hncp_tlv(out, b, mask, value, bodylen, indent)? {
                    // DHCPv4-Data that did not parse: tcpdump's `goto invalid` ends the level.
                    out.push_str(INVALID);
                    return Ok(());
                }
            }
            i += 4 + bodylen.next_multiple_of(4);
        }
        type_in_line(out, last_mask, last_count, indent, &mut first);
        Ok(())
    }

    /// One TLV's body; false where tcpdump jumps to its `invalid` label.
    fn hncp_tlv(
        &self,
        out: &mut String,
        b: &[u8],
        mask: u32,
        value: usize,
        bodylen: u32,
        indent: u32,
    ) -> Get<bool> {
        let invalid = |out: &mut String| out.push_str(INVALID);
        let blen = bodylen as i32;
        match mask {
            1 if bodylen != 0 => invalid(out),
            2 => {
                if bodylen != 4 {
                    invalid(out);
                } else {
                    let _ = write!(out, " NID: {}", nid(b, value)?);
                }
            }
            3 => {
                if bodylen != 8 {
                    invalid(out);
                } else {
                    let _ = write!(
                        out,
                        " NID: {} EPID: {:08x}",
                        nid(b, value)?,
                        be32_at(b, value + 4)?
                    );
                }
            }
            4 => {
                if bodylen != 8 {
                    invalid(out);
                } else {
                    let h = bytes_at(b, value, 8)?;
                    out.push_str(" hash: ");
                    for c in h {
                        let _ = write!(out, "{c:02x}");
                    }
                }
            }
            5 => {
                if bodylen < 20 {
                    invalid(out);
                } else {
                    let _ = write!(
                        out,
                        " NID: {} seqno: {} {} hash: ",
                        nid(b, value)?,
                        be32_at(b, value + 4)?,
                        interval(be32_at(b, value + 8)?)
                    );
                    for c in bytes_at(b, value + 12, 8)? {
                        let _ = write!(out, "{c:02x}");
                    }
                    self.hncp_rec(out, b, value + 20, bodylen - 20, indent + 1)?;
                }
            }
            8 => {
                if bodylen != 12 {
                    invalid(out);
                } else {
                    let _ = write!(
                        out,
                        " Peer-NID: {} Peer-EPID: {:08x} Local-EPID: {:08x}",
                        nid(b, value)?,
                        be32_at(b, value + 4)?,
                        be32_at(b, value + 8)?
                    );
                }
            }
            9 => {
                if bodylen < 8 {
                    invalid(out);
                } else {
                    let _ = write!(
                        out,
                        " EPID: {:08x} Interval: {}",
                        be32_at(b, value)?,
                        interval(be32_at(b, value + 4)?)
                    );
                }
            }
            10 => {
                if bodylen <= 36 {
                    invalid(out);
                } else {
                    let _ = write!(
                        out,
                        " Verdict: {} Fingerprint: {} Common Name: ",
                        u8_at(b, value)?,
                        hex256(b, value + 4)?
                    );
                    printjnp(out, b, value + 36, bodylen as usize - 36)?;
                }
            }
            32 => {
                if bodylen < 5 {
                    invalid(out);
                } else {
                    let c = be16_at(b, value + 2)?;
                    let _ = write!(
                        out,
                        " M: {} P: {} H: {} L: {} User-agent: ",
                        (c >> 12) & 0xf,
                        (c >> 8) & 0xf,
                        (c >> 4) & 0xf,
                        c & 0xf
                    );
                    printjnp(out, b, value + 4, bodylen as usize - 4)?;
                }
            }
            33 => self.hncp_rec(out, b, value, bodylen, indent + 1)?,
            34 => {
                if bodylen < 9 || bodylen < 9 + u32::from(u8_at(b, value + 8)?).div_ceil(8) {
                    invalid(out);
                } else {
                    let _ = write!(
                        out,
                        " VLSO: {} PLSO: {} Prefix: ",
                        interval(be32_at(b, value)?),
                        interval(be32_at(b, value + 4)?)
                    );
                    let l = prefix(out, b, value + 8, bodylen - 8)?;
                    if l == -1 {
                        out.push_str("(length is invalid)");
                    } else if l < 0 {
                        invalid(out);
                    } else {
                        let l = l + 8 + pad4(l);
                        if blen >= l {
                            self.hncp_rec(
                                out,
                                b,
                                value + l as usize,
                                (blen - l) as u32,
                                indent + 1,
                            )?;
                        }
                    }
                }
            }
            43 => {
                if bodylen < 1 {
                    invalid(out);
                } else {
                    let policy = u8_at(b, value)?;
                    out.push_str(" type: ");
                    match policy {
                        0 if bodylen != 1 => invalid(out),
                        0 => out.push_str("Internet connectivity"),
                        1..=128 => {
                            out.push_str("Dest-Prefix: ");
                            let l = prefix(out, b, value, bodylen)?;
                            if l == -1 {
                                out.push_str("(length is invalid)");
                            } else if l < 0 {
                                invalid(out);
                            }
                        }
                        129 => {
                            out.push_str("DNS domain: ");
                            dns_label(out, b, value + 1, bodylen - 1)?;
                        }
                        130 => {
                            out.push_str("Opaque UTF-8: ");
                            printjnp(out, b, value + 1, bodylen as usize - 1)?;
                        }
                        131 if bodylen != 1 => invalid(out),
                        131 => out.push_str("Restrictive assignment"),
                        p => {
                            let _ = write!(out, "Unknown ({p})");
                        }
                    }
                }
            }
            37 => {
                if bodylen == 0 {
                    invalid(out);
                } else if !dhcpv4(out, b, value, bodylen, indent + 1)? {
                    return Ok(false);
                }
            }
            // An empty body, or one dhcpv6_print gave up on (after its own complaint).
            38 if bodylen == 0 || !dhcpv6(out, b, value, bodylen, indent + 1)? => invalid(out),
            35 => {
                if bodylen < 6 || bodylen < 6 + u32::from(u8_at(b, value + 5)?).div_ceil(8) {
                    invalid(out);
                } else {
                    let _ = write!(
                        out,
                        " EPID: {:08x} Prty: {}",
                        be32_at(b, value)?,
                        u8_at(b, value + 4)? & 0xf
                    );
                    out.push_str(" Prefix: ");
                    let l = prefix(out, b, value + 5, bodylen - 5)?;
                    if l < 0 {
                        invalid(out);
                    } else {
                        let l = l + 5;
                        let l = l + pad4(l);
                        if blen >= l {
                            self.hncp_rec(
                                out,
                                b,
                                value + l as usize,
                                (blen - l) as u32,
                                indent + 1,
                            )?;
                        }
                    }
                }
            }
            36 => {
                if bodylen < 20 {
                    invalid(out);
                } else {
                    let _ = write!(
                        out,
                        " EPID: {:08x} IP Address: {}",
                        be32_at(b, value)?,
                        ip6addr(b, value + 4)?
                    );
                    self.hncp_rec(out, b, value + 20, bodylen - 20, indent + 1)?;
                }
            }
            39 => {
                if bodylen < 17 {
                    invalid(out);
                } else {
                    let f = u8_at(b, value + 16)?;
                    let _ = write!(
                        out,
                        " IP-Address: {} {}{}{} ",
                        ip6addr(b, value)?,
                        if f & 4 != 0 { 'l' } else { '-' },
                        if f & 2 != 0 { 'b' } else { '-' },
                        if f & 1 != 0 { 's' } else { '-' }
                    );
                    let len = dns_label(out, b, value + 17, bodylen - 17)?;
                    if len < 0 {
                        invalid(out);
                    } else {
                        let len = len + 17;
                        let len = len + pad4(len);
                        if blen >= len {
                            self.hncp_rec(
                                out,
                                b,
                                value + len as usize,
                                (blen - len) as u32,
                                indent + 1,
                            )?;
                        }
                    }
                }
            }
            40 => {
                if bodylen == 0 {
                    invalid(out);
                } else {
                    out.push_str(" Domain: ");
                    dns_label(out, b, value, bodylen)?;
                }
            }
            41 => {
                if bodylen < 17 {
                    invalid(out);
                } else {
                    let l = u32::from(u8_at(b, value + 16)?);
                    if bodylen < 17 + l {
                        invalid(out);
                    } else {
                        let _ = write!(out, " IP-Address: {} Name: ", ip6addr(b, value)?);
                        if l < 64 {
                            out.push('"');
                            printjnp(out, b, value + 17, l as usize)?;
                            out.push('"');
                        } else {
                            invalid(out);
                        }
                        let l = (l + 17).next_multiple_of(4);
                        if bodylen >= l {
                            self.hncp_rec(out, b, value + l as usize, bodylen - l, indent + 1)?;
                        }
                    }
                }
            }
            42 => {
                if bodylen < 32 {
                    invalid(out);
                } else {
                    let _ = write!(out, " PSK: {}", hex256(b, value)?);
                    self.hncp_rec(out, b, value + 32, bodylen - 32, indent + 1)?;
                }
            }
            _ => {}
        }
        Ok(true)
    }
}
