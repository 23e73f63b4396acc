//! ICMP (IPv4) wording: echo, unreachable, redirect, time exceeded, and at `-v` the datagram
//! an error quotes.

use std::{fmt::Write as _, net::Ipv4Addr};

use super::{Dissector, Host, Ip, Port, PortNames};
use crate::decode::{
    array, be16, checksum,
    icmp::{self, Icmp},
    Layer,
};

impl Dissector {
    pub(super) fn icmp(&mut self, out: &mut String, ip: &Ip, m: &Icmp<'_>) {
        let b = m.raw;
        // tcpdump reads the type and code first; the checksum only when it verifies it.
        let (Some(ty), Some(code)) = (m.icmp_type(), m.code()) else {
            out.push_str(" [|icmp]");
            self.early_end = true;
            return;
        };
        // tcpdump composes the words first and prints "ICMP" with them: a message cut before
        // its words end is " [|icmp]" alone.
        let start = out.len();
        let cut = |out: &mut String| {
            out.truncate(start);
            out.push_str(" [|icmp]");
        };
        out.push_str("ICMP ");
        match ty {
            icmp::ECHO_REPLY | icmp::ECHO_REQUEST => {
                let Some((id, seq)) = m.id_seq() else {
                    cut(out);
                    self.early_end = true;
                    return;
                };
                let what = if ty == icmp::ECHO_REQUEST {
                    "echo request"
                } else {
                    "echo reply"
                };
                let _ = write!(out, "{what}, id {id}, seq {seq}");
            }
            icmp::UNREACHABLE => {
                if !self.unreachable(out, m, code) {
                    cut(out);
                    self.early_end = true;
                    return;
                }
            }
            icmp::REDIRECT => {
                let dst = array::<4>(b, 24).map(|a| Host::from(Ipv4Addr::from(a)));
                let (Some(gw), Some(dst)) = (m.gateway().map(Host::from), dst) else {
                    cut(out);
                    self.early_end = true;
                    return;
                };
                let _ = match code {
                    0 => write!(out, "redirect {dst} to net {gw}"),
                    1 => write!(out, "redirect {dst} to host {gw}"),
                    2 => write!(out, "redirect-tos {dst} to net {gw}"),
                    3 => write!(out, "redirect-tos {dst} to host {gw}"),
                    c => write!(out, "redirect-#{c} {dst} to {gw}"),
                };
            }
            icmp::TIMESTAMP => {
                let Some((id, seq)) = m.id_seq() else {
                    cut(out);
                    self.early_end = true;
                    return;
                };
                let _ = write!(out, "time stamp query id {id} seq {seq}");
            }
            icmp::TIME_EXCEEDED => {
                // ND_TCHECK_4 of the quoted destination: tcpdump's own "trunc:" label.
                if b.len() < 28 {
                    cut(out);
                    return;
                }
                let _ = match code {
                    0 => write!(out, "time exceeded in-transit"),
                    1 => write!(out, "ip reassembly time exceeded"),
                    c => write!(out, "time exceeded-#{c}"),
                };
            }
            _ => {
                let name = match ty {
                    4 => "source quench",
                    9 => "router advertisement",
                    10 => "router solicitation",
                    12 => "parameter problem",
                    14 => "time stamp reply",
                    15 => "information request",
                    16 => "information reply",
                    17 => "address mask request",
                    18 => "address mask reply",
                    _ => "",
                };
                if name.is_empty() {
                    let _ = write!(out, "type-#{ty}");
                } else {
                    out.push_str(name);
                }
            }
        }
        let _ = write!(out, ", length {}", ip.info.length);
        if self.opts.verbose > 0 && !ip.info.fragmented {
            // The checksum, when the whole message was captured.
            if let Some(msg) = b.get(..ip.info.length as usize) {
                if checksum::internet_checksum(msg, 0) != 0 {
                    // A message shorter than its checksum field: tcpdump's read of it
                    // runs off the captured bytes.
                    let Some(sum) = be16(b, 2) else {
                        out.push_str(" [|icmp]");
                        self.early_end = true;
                        return;
                    };
                    let want = checksum::expected(msg, 2, 0);
                    let _ = write!(out, " (wrong icmp cksum {sum:x} (->{want:x})!)");
                }
            }
        }
        // -v: the quoted datagram of an error message, printed as its own IP packet.
        if self.opts.verbose > 0 && Icmp::is_error(ty) {
            if let Some(q) = &m.quoted {
                if let Some((Layer::Ipv4(inner), above)) = q.layers.split_first() {
                    out.push_str("\n\t");
                    self.ipv4(out, inner, above);
                }
            }
        }
        let plen = ip.info.length as usize;
        if self.opts.verbose > 0 && plen > EXTD_MINLEN && matches!(ty, 3 | 11 | 12) {
            multipart(out, b, plen);
        }
    }

    /// Destination unreachable; false (nothing written) when the quoted destination was not
    /// captured.
    fn unreachable(&mut self, out: &mut String, m: &Icmp<'_>, code: u8) -> bool {
        // The quoted datagram: its destination and, for ports, its transport header.
        let inner = m.body();
        let ihl = inner.first().map_or(0, |v| usize::from(v & 0x0f) * 4);
        let iproto = inner.get(9).copied();
        let Some(dst) = array::<4>(inner, 16).map(|a| Host::from(Ipv4Addr::from(a))) else {
            return false;
        };
        let _ = match code {
            0 => write!(out, "net {dst} unreachable"),
            1 => write!(out, "host {dst} unreachable"),
            2 => write!(out, "{dst} protocol {} unreachable", iproto.unwrap_or(0)),
            3 => {
                let dport = be16(inner, ihl + 2);
                let (pname, table) = match iproto {
                    Some(6) => ("tcp", PortNames::Tcp),
                    Some(17) => ("udp", PortNames::Udp),
                    _ => ("", PortNames::Numeric),
                };
                match (pname, dport) {
                    ("", _) | (_, None) => write!(
                        out,
                        "{dst} protocol {} port {} unreachable",
                        iproto.unwrap_or(0),
                        dport.unwrap_or(0)
                    ),
                    (p, Some(port)) => {
                        let port = Port(port, table);
                        write!(out, "{dst} {p} port {port} unreachable")
                    }
                }
            }
            4 => match m.mtu().unwrap_or(0) {
                0 => write!(out, "{dst} unreachable - need to frag"),
                mtu => write!(out, "{dst} unreachable - need to frag (mtu {mtu})"),
            },
            9 => write!(out, "net {dst} unreachable - admin prohibited"),
            10 => write!(out, "host {dst} unreachable - admin prohibited"),
            13 => write!(out, "{dst} unreachable - admin prohibited filter"),
            c => write!(out, "{dst} unreachable - #{c}"),
        };
        true
    }
}

/// Where RFC 4884 extensions start: 128 bytes of original datagram after the 8-byte header
/// (tcpdump's ICMP_EXTD_MINLEN).
const EXTD_MINLEN: usize = 136;

/// RFC 4884 multi-part extensions and RFC 4950 MPLS label stack objects, at -v.
fn multipart(out: &mut String, b: &[u8], plen: usize) {
    // ND_TCHECK_SIZE(struct icmp_ext_t): 141 bytes.
    if b.len() < EXTD_MINLEN + 5 {
        out.push_str(" [|icmp]");
        return;
    }
    let hlen = plen - EXTD_MINLEN;
    let ext = b.get(EXTD_MINLEN..EXTD_MINLEN + hlen);
    // No length in the header (RFC 4884's "length" byte): a bad extension checksum means
    // there are no extensions.
    if b[5] == 0 {
        if let Some(e) = ext {
            if checksum::internet_checksum(e, 0) != 0 {
                return;
            }
        }
    }
    let version = b[EXTD_MINLEN] >> 4;
    let _ = write!(out, "\n\tICMP Multi-Part extension v{version}");
    if version != 2 {
        out.push_str(" packet not supported");
        return;
    }
    if let Some(e) = ext {
        let sum = be16(b, EXTD_MINLEN + 2).unwrap_or(0);
        let ok = checksum::internet_checksum(e, 0) == 0;
        let _ = write!(
            out,
            ", checksum 0x{sum:04x} ({}correct), length {hlen}",
            if ok { "" } else { "in" }
        );
    }
    let mut hlen = hlen.saturating_sub(4);
    let mut at = EXTD_MINLEN + 4;
    while hlen > 4 {
        let (Some(tlen), Some(&class), Some(&ctype)) = (be16(b, at), b.get(at + 2), b.get(at + 3))
        else {
            out.push_str(" [|icmp]");
            return;
        };
        at += 4;
        let name = match class {
            1 => "MPLS Stack Entry",
            2 => "Interface Identification",
            _ => "unknown",
        };
        let _ = write!(
            out,
            "\n\t  {name} Object ({class}), Class-Type: {ctype}, length {tlen}"
        );
        hlen -= 4;
        if class == 0 || tlen < 4 {
            return;
        }
        let tlen = usize::from(tlen) - 4;
        let data = b.get(at..).unwrap_or_default();
        let data = &data[..data.len().min(tlen)];
        match (class, ctype) {
            (1, 1) => {
                let Some(raw) = crate::decode::be32(b, at) else {
                    out.push_str(" [|icmp]");
                    return;
                };
                let _ = write!(out, "\n\t    label {}, tc {}", raw >> 12, (raw >> 9) & 7);
                if raw & 0x100 != 0 {
                    out.push_str(", [S]");
                }
                let _ = write!(out, ", ttl {}", raw & 0xff);
            }
            _ => crate::print::hexdump::unknown_data(out, "\n\t    ", data),
        }
        if hlen < tlen {
            break;
        }
        hlen -= tlen;
        at += tlen;
    }
}
