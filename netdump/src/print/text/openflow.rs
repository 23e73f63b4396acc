//! OpenFlow (TCP 6653 and 6633) as tcpdump's print-openflow.c says it: each message's
//! header line (version, type, length, xid) and the length checks of OpenFlow 1.0 and 1.3
//! message types, the data of HELLO and ECHO messages, and at `-v` the OpenFlow 1.3 bodies
//! (`openflow13.rs`). The `-v` bodies of print-openflow-1.0.c are not printed yet.

use std::fmt::Write as _;

use super::message::{bits, print_char, Bytes, Walk};
use super::Dissector;
use crate::decode::message::Message;

const HEADER_LEN: usize = 8;

/// How a message type's body length is checked (tcpdump's `req_what`, `req_value`).
#[derive(Clone, Copy)]
enum Req {
    None,
    Min(usize),
    Fix(usize),
}

/// A message type: its name, its length rule, whether tcpdump decodes its body at -v and
/// whether that body is plain data (`of_data_print`).
type TypeInfo = (&'static str, Req, Body);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    NotDecoded,
    Data,
    Decoded,
}

use Body::{Data, Decoded, NotDecoded};
use Req::{Fix, Min};

const V10: &[TypeInfo] = &[
    ("HELLO", Min(0), Data),
    ("ERROR", Min(4), Decoded),
    ("ECHO_REQUEST", Min(0), Data),
    ("ECHO_REPLY", Min(0), Data),
    ("VENDOR", Min(4), Decoded),
    ("FEATURES_REQUEST", Fix(0), NotDecoded),
    ("FEATURES_REPLY", Min(24), Decoded),
    ("GET_CONFIG_REQUEST", Fix(0), NotDecoded),
    ("GET_CONFIG_REPLY", Fix(4), Decoded),
    ("SET_CONFIG", Fix(4), Decoded),
    ("PACKET_IN", Min(10), Decoded),
    ("FLOW_REMOVED", Fix(80), Decoded),
    ("PORT_STATUS", Fix(56), Decoded),
    ("PACKET_OUT", Min(8), Decoded),
    ("FLOW_MOD", Min(64), Decoded),
    ("PORT_MOD", Fix(24), Decoded),
    ("STATS_REQUEST", Min(4), Decoded),
    ("STATS_REPLY", Min(4), Decoded),
    ("BARRIER_REQUEST", Fix(0), NotDecoded),
    ("BARRIER_REPLY", Fix(0), NotDecoded),
    ("QUEUE_GET_CONFIG_REQUEST", Fix(4), Decoded),
    ("QUEUE_GET_CONFIG_REPLY", Min(8), Decoded),
];

const V13: &[TypeInfo] = &[
    ("HELLO", Min(0), Decoded),
    ("ERROR", Min(4), Decoded),
    ("ECHO_REQUEST", Min(0), Data),
    ("ECHO_REPLY", Min(0), Data),
    ("EXPERIMENTER", Min(8), Decoded),
    ("FEATURES_REQUEST", Fix(0), NotDecoded),
    ("FEATURES_REPLY", Fix(24), Decoded),
    ("GET_CONFIG_REQUEST", Fix(0), NotDecoded),
    ("GET_CONFIG_REPLY", Fix(4), Decoded),
    ("SET_CONFIG", Fix(4), Decoded),
    ("PACKET_IN", Req::None, NotDecoded),
    ("FLOW_REMOVED", Req::None, NotDecoded),
    ("PORT_STATUS", Fix(72), Decoded),
    ("PACKET_OUT", Req::None, NotDecoded),
    ("FLOW_MOD", Req::None, NotDecoded),
    ("GROUP_MOD", Req::None, NotDecoded),
    ("PORT_MOD", Fix(32), Decoded),
    ("TABLE_MOD", Fix(8), Decoded),
    ("MULTIPART_REQUEST", Req::None, NotDecoded),
    ("MULTIPART_REPLY", Req::None, NotDecoded),
    ("BARRIER_REQUEST", Fix(0), NotDecoded),
    ("BARRIER_REPLY", Fix(0), NotDecoded),
    ("QUEUE_GET_CONFIG_REQUEST", Fix(8), Decoded),
    ("QUEUE_GET_CONFIG_REPLY", Req::None, NotDecoded),
    ("ROLE_REQUEST", Fix(16), Decoded),
    ("ROLE_REPLY", Fix(16), Decoded),
    ("GET_ASYNC_REQUEST", Fix(0), NotDecoded),
    ("GET_ASYNC_REPLY", Fix(24), Decoded),
    ("SET_ASYNC", Fix(24), Decoded),
    ("METER_MOD", Req::None, NotDecoded),
];

fn version_name(v: u8) -> Option<&'static str> {
    Some(match v {
        1 => "1.0",
        2 => "1.1",
        3 => "1.2",
        4 => "1.3",
        5 => "1.4",
        6 => "1.5",
        _ => return None,
    })
}

impl Dissector {
    pub(super) fn openflow(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "openflow");
        let mut len = m.length as usize;
        let mut cp = 0;
        out.push_str(": OpenFlow");
        while len > 0 {
            let version = b.u8(cp)?;
            cp += 1;
            len -= 1;
            match version_name(version) {
                Some(v) => {
                    let _ = write!(out, "\n\tversion {v}");
                }
                None => {
                    let _ = write!(out, "\n\tversion unknown (0x{version:02x})");
                }
            }
            if len < 1 {
                return partial(out, b, cp, len);
            }
            let ty = b.u8(cp)?;
            cp += 1;
            len -= 1;
            let table = match version {
                1 => V10,
                4 => V13,
                _ => &[],
            };
            let info = table.get(usize::from(ty)).copied();
            match info {
                Some((name, ..)) => {
                    let _ = write!(out, ", type {name}");
                }
                None => {
                    let _ = write!(out, ", type unknown (0x{ty:02x})");
                }
            }
            if len < 2 {
                return partial(out, b, cp, len);
            }
            let length = usize::from(b.be16(cp)?);
            cp += 2;
            len -= 2;
            let _ = write!(
                out,
                ", length {length}{}",
                if length < HEADER_LEN {
                    " (too short!)"
                } else {
                    ""
                }
            );
            if len < 4 {
                return partial(out, b, cp, len);
            }
            let _ = write!(out, ", xid 0x{:08x}", b.be32(cp)?);
            cp += 4;
            len -= 4;
            if length < HEADER_LEN {
                out.push_str(" (invalid)");
                return b.get(cp, len).map(|_| ());
            }
            let body = length - HEADER_LEN;
            self.openflow_body(out, b, cp, body, info, (version, ty))?;
            if body > len {
                break;
            }
            cp += body;
            len -= body;
        }
        Ok(())
    }

    /// tcpdump's `of_message_print`.
    fn openflow_body(
        &mut self,
        out: &mut String,
        b: Bytes<'_>,
        cp: usize,
        len: usize,
        info: Option<TypeInfo>,
        (version, ty): (u8, u8),
    ) -> Walk {
        if let Some((_, req, body)) = info {
            let bad = match req {
                Req::Fix(n) => len != n,
                Req::Min(n) => len < n,
                Req::None => false,
            };
            if bad {
                out.push_str(" (invalid)");
            } else if self.opts.verbose > 0 && version == 4 {
                if let Some(walk) = self.openflow13_body(out, b, cp, len, ty) {
                    return walk;
                }
            } else if self.opts.verbose > 0 && body == Data {
                if len == 0 {
                    return Ok(());
                }
                let _ = write!(out, "\n\t data ({len} octets)");
                if self.opts.verbose >= 2 {
                    let have = b.from(cp).take(len);
                    let mut dump = String::new();
                    crate::print::hexdump::hex_ascii(&mut dump, have.b);
                    out.push_str(&dump.replace("\n\t", "\n\t  "));
                    if have.len() < len {
                        return Err(b.trunc());
                    }
                    return Ok(());
                }
            }
        }
        b.get(cp, len).map(|_| ())
    }
}

/// tcpdump's `partial_header`: the TCP payload ended inside a message header.
fn partial(out: &mut String, b: Bytes<'_>, cp: usize, len: usize) -> Walk {
    out.push_str(" (end of TCP payload)");
    b.get(cp, len).map(|_| ())
}

/// tcpdump's `of_data_print`: the length of trailing data, dumped at -vv.
pub(super) fn data_print(
    d: &Dissector,
    out: &mut String,
    b: Bytes<'_>,
    cp: usize,
    len: usize,
) -> Walk {
    if len == 0 {
        return Ok(());
    }
    let _ = write!(out, "\n\t data ({len} octets)");
    let have = b.from(cp).take(len);
    if d.opts.verbose >= 2 {
        let mut dump = String::new();
        crate::print::hexdump::hex_ascii(&mut dump, have.b);
        out.push_str(&dump.replace("\n\t", "\n\t  "));
    }
    if have.len() < len {
        return Err(b.trunc());
    }
    Ok(())
}

/// tcpdump's `of_bitmap_print`: the names of the assigned bits set, and "(bogus)" when
/// an unassigned one is.
pub(super) fn bitmap(out: &mut String, table: &[(u32, &'static str)], v: u32, unassigned: u32) {
    if v & !unassigned != 0 {
        let _ = write!(out, " ({})", bits(table, "", v));
    }
    if v & unassigned != 0 {
        out.push_str(" (bogus)");
    }
}

/// tcpdump's `of_vendor_name`: an OUI's vendor, or an ONF experimenter's name.
pub(super) fn vendor_name(vendor: u32) -> &'static str {
    if vendor & 0xff00_0000 == 0 {
        return crate::names::ethers::oui_name(vendor);
    }
    match vendor {
        0x4f4e_4600 => "ONF Extensions",
        0xff00_0001 => "Budapest University of Technology and Economics",
        0xff00_0002 => "NoviFlow",
        0xff00_0003 => "L3+ Extensions, Vendor Neutral",
        0xff00_0004 => "L4-L7 Extensions",
        0xff00_0005 => "Wireless and Mobility Extensions",
        0xff00_0006 => "Forwarding Abstractions Extensions",
        0xff00_0007 => "Optical Transport Extensions",
        0xff00_0008 => "Network Benchmarking Lab, NCTU",
        0xff00_0009 => "Mobile Packet Core Extensions",
        0xff00_000a => "MPLS-TP OpenFlow Extensions for SPTN",
        _ => "unknown",
    }
}

/// tcpdump's `nd_printjnp`: at most `n` characters, up to a NUL.
pub(super) fn printjnp(out: &mut String, b: Bytes<'_>, at: usize, n: usize) -> Walk {
    for i in 0..n {
        let c = b.u8(at + i)?;
        if c == 0 {
            break;
        }
        print_char(out, c);
    }
    Ok(())
}
