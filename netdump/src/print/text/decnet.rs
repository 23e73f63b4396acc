//! DECnet Phase IV (ethertype 0x6003) as tcpdump's print-decnet.c says it: routing-layer
//! control messages and the NSP header of data messages.

use std::fmt::Write as _;

use super::message::{tok, Bytes, Trunc, Walk};
use super::Dissector;
use crate::decode::message::Message;

const REASONS: &[(u32, &str)] = &[
    (0, "object rejected connect"),
    (1, "insufficient resources"),
    (2, "unrecognized node name"),
    (3, "node is shutting down"),
    (4, "unrecognized object"),
    (5, "invalid object name format"),
    (6, "object too busy"),
    (7, "protocol error discovered"),
    (8, "third party abort"),
    (9, "user abort"),
    (10, "invalid node name format"),
    (11, "local node shutting down"),
    (32, "insufficient local resources"),
    (33, "insufficient remote user resources"),
    (34, "invalid access control information"),
    (36, "bad ACCOUNT information"),
    (38, "no response from object"),
    (39, "node unreachable"),
    (41, "no link terminate"),
    (42, "disconnect complete"),
    (43, "bad image data in connect"),
    (54, "cryptographic service mismatch"),
];

const SHORT_HDR: usize = 6;
const LONG_HDR: usize = 21;

/// A DECnet node address: "area.node".
fn dnaddr(a: u16) -> String {
    format!("{}.{}", a >> 10, a & 0x3ff)
}

/// Whether the message could be printed (false: tcpdump's " (invalid)").
type Valid = Result<bool, Trunc>;

impl Dissector {
    pub(super) fn decnet(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "decnet");
        if !self.decnet_body(out, b, m.length as usize)? {
            out.push_str(" (invalid)");
        }
        Ok(())
    }

    fn decnet_body(&mut self, out: &mut String, b: Bytes<'_>, length: usize) -> Valid {
        let caplen = b.len();
        if length < SHORT_HDR {
            let _ = write!(out, " (length {length} < {SHORT_HDR})");
            return Ok(false);
        }
        let pktlen = usize::from(b.le16(0)?);
        if pktlen < SHORT_HDR {
            let _ = write!(out, " (pktlen {pktlen} < {SHORT_HDR})");
            return Ok(false);
        }
        if pktlen > length {
            let _ = write!(out, " (pktlen {pktlen} > {length})");
            return Ok(false);
        }
        let mut length = pktlen;
        let mut caplen = caplen;
        let mut ap = b;
        let mut flags = ap.u8(2)?;
        if flags & 0x80 != 0 {
            let padlen = usize::from(flags & 0x7f);
            if self.opts.verbose > 0 {
                let _ = write!(out, "[pad:{padlen}] ");
            }
            if length < padlen + 2 {
                let _ = write!(out, " (length {length} < {})", padlen + 2);
                return Ok(false);
            }
            ap.get(2, padlen)?;
            ap = ap.from(padlen);
            length -= padlen;
            caplen = caplen.saturating_sub(padlen);
            flags = ap.u8(2)?;
        }
        let rh = ap.from(2);
        if flags & 0o100 != 0 {
            out.push_str("future-version-decnet");
            self.default_print(out, ap.take(length.min(caplen)).b);
            return Ok(true);
        }
        if flags & 1 != 0 {
            return self.decnet_ctlmsg(out, rh, flags, length, caplen);
        }
        let (dst, src, hops, nsp, nsplen) = match flags & 7 {
            6 => {
                if length < LONG_HDR {
                    let _ = write!(out, " (length {length} < {LONG_HDR})");
                    return Ok(false);
                }
                rh.get(0, LONG_HDR)?;
                (
                    rh.le16(7)?,
                    rh.le16(15)?,
                    u32::from(rh.u8(18)?),
                    rh.from(LONG_HDR),
                    length - LONG_HDR,
                )
            }
            2 => (
                rh.le16(1)?,
                rh.le16(3)?,
                u32::from(rh.u8(5)? & 0o77) + 1,
                rh.from(SHORT_HDR),
                length - SHORT_HDR,
            ),
            _ => {
                out.push_str("unknown message flags under mask");
                self.default_print(out, ap.take(length.min(caplen)).b);
                return Ok(true);
            }
        };
        let _ = write!(out, "{} > {} {pktlen} ", dnaddr(src), dnaddr(dst));
        if self.opts.verbose > 0 {
            for (bit, word) in [(0o10, "RQR "), (0o20, "RTS "), (0o40, "IE ")] {
                if flags & bit != 0 {
                    out.push_str(word);
                }
            }
            let _ = write!(out, "{hops} hops ");
        }
        nsp_print(out, nsp, nsplen)
    }

    fn decnet_ctlmsg(
        &mut self,
        out: &mut String,
        c: Bytes<'_>,
        flags: u8,
        length: usize,
        caplen: usize,
    ) -> Valid {
        match flags & 0o17 {
            0o1 => {
                out.push_str("init ");
                if length < 12 {
                    return Ok(false);
                }
                c.get(0, 12)?;
                t_info(out, c.u8(3)?);
                let _ = write!(
                    out,
                    "src {}blksize {} vers {} eco {} ueco {} hello {}",
                    dnaddr(c.le16(1)?),
                    c.le16(4)?,
                    c.u8(6)?,
                    c.u8(7)?,
                    c.u8(8)?,
                    c.le16(9)?
                );
            }
            0o3 => {
                out.push_str("verification ");
                if length < 4 {
                    return Ok(false);
                }
                let _ = write!(out, "src {} fcnval {:o}", dnaddr(c.le16(1)?), c.u8(3)?);
            }
            0o5 => {
                out.push_str("test ");
                if length < 4 {
                    return Ok(false);
                }
                let _ = write!(out, "src {} data {:o}", dnaddr(c.le16(1)?), c.u8(3)?);
            }
            level @ (0o7 | 0o11) => {
                out.push_str(if level == 0o7 {
                    "lev-1-routing "
                } else {
                    "lev-2-routing "
                });
                if length < 4 {
                    return Ok(false);
                }
                c.get(0, 4)?;
                let _ = write!(out, "src {} ", dnaddr(c.le16(1)?));
                let what = if level == 0o7 { "ids" } else { "areas" };
                let mut rp = 4;
                let mut len = length - 4;
                while len > 6 {
                    c.get(rp, 6)?;
                    let count = u32::from(c.le16(rp)?);
                    if count > 1024 {
                        break;
                    }
                    let id = u32::from(c.le16(rp + 2)?);
                    let info = c.le16(rp + 4)?;
                    let _ = write!(
                        out,
                        "{{{what} {id}-{} cost {} hops {}}} ",
                        id + count,
                        info & 0o777,
                        (info >> 10) & 0o37
                    );
                    rp += 6;
                    len -= 6;
                }
            }
            0o13 => {
                out.push_str("router-hello ");
                if length < 18 {
                    return Ok(false);
                }
                c.get(0, 18)?;
                i_info(out, c.u8(10)?);
                let _ = write!(
                    out,
                    "vers {} eco {} ueco {} src {} blksize {} pri {} hello {}",
                    c.u8(1)?,
                    c.u8(2)?,
                    c.u8(3)?,
                    dnaddr(c.le16(8)?),
                    c.le16(11)?,
                    c.u8(13)?,
                    c.le16(15)?
                );
            }
            0o15 => {
                out.push_str("endnode-hello ");
                if length < 32 {
                    return Ok(false);
                }
                let (vers, eco, ueco) = (c.u8(1)?, c.u8(2)?, c.u8(3)?);
                let src = c.le16(8)?;
                let info = c.u8(10)?;
                let blksize = c.le16(11)?;
                let rtr = c.le16(26)?;
                let hello = c.le16(28)?;
                let data = c.u8(31)?;
                i_info(out, info);
                let _ = write!(
                    out,
                    "vers {vers} eco {eco} ueco {ueco} src {} blksize {blksize} rtr {} hello {hello} data {data:o}",
                    dnaddr(src),
                    dnaddr(rtr)
                );
            }
            _ => {
                out.push_str("unknown control message");
                self.default_print(out, c.take(length.min(caplen)).b);
            }
        }
        Ok(true)
    }
}

fn t_info(out: &mut String, info: u8) {
    out.push_str(match info & 3 {
        0 => "reserved-ntype? ",
        1 => "l2rout ",
        2 => "l1rout ",
        _ => "endnode ",
    });
    if info & 4 != 0 {
        out.push_str("verif ");
    }
    if info & 0o10 != 0 {
        out.push_str("blo ");
    }
}

fn i_info(out: &mut String, info: u8) {
    out.push_str(match info & 3 {
        0 => "reserved-ntype? ",
        1 => "l2rout ",
        2 => "l1rout ",
        _ => "endnode ",
    });
    if info & 4 != 0 {
        out.push_str("verif ");
    }
    if info & 0o40 != 0 {
        out.push_str("nomcast ");
    }
    if info & 0o100 != 0 {
        out.push_str("blo ");
    }
}

/// An acknowledgement word: "ack N " / "nak N " (`names`: the words for the other
/// channel's flags).
fn ack_word(out: &mut String, ack: u16, nak: &str, ack_name: &str) {
    if ack & 0o110000 == 0o110000 {
        let _ = write!(out, "{nak} {} ", ack & 0o7777);
    } else {
        let _ = write!(out, "{ack_name} {} ", ack & 0o7777);
    }
}

/// The sequence words of a data, interrupt or link-service message ("ack", the other
/// channel's ack, "seg"); false when `nsplen` runs out (`checked`: lengths are checked
/// word by word, not for link-service messages).
fn seq_words(
    out: &mut String,
    n: Bytes<'_>,
    nsplen: usize,
    other: (&str, &str),
    checked: bool,
) -> Valid {
    let mut off = 7;
    if checked && nsplen < off {
        return Ok(false);
    }
    let mut ack = n.le16(5)?;
    if ack & 0o100000 != 0 {
        ack_word(out, ack, "nak", "ack");
        off += 2;
        if checked && nsplen < off {
            return Ok(false);
        }
        ack = n.le16(7)?;
        if ack & 0o120000 == 0o120000 {
            ack_word(out, ack, other.0, other.1);
            off += 2;
            if checked && nsplen < off {
                return Ok(false);
            }
            ack = n.le16(9)?;
        }
    }
    let _ = write!(out, "seg {} ", ack & 0o7777);
    Ok(true)
}

/// Ack words of an acknowledgement message.
fn ack_words(out: &mut String, n: Bytes<'_>, nsplen: usize, other: (&str, &str)) -> Valid {
    if nsplen < 9 {
        return Ok(false);
    }
    n.get(0, 9)?;
    let ack = n.le16(5)?;
    if ack & 0o100000 != 0 {
        ack_word(out, ack, "nak", "ack");
        let ack = n.le16(7)?;
        if ack & 0o120000 == 0o120000 {
            ack_word(out, ack, other.0, other.1);
        }
    }
    Ok(true)
}

fn version(out: &mut String, services: u8, info: u8) {
    match services & 0o14 {
        0o4 => out.push_str("seg "),
        0o10 => out.push_str("msg "),
        _ => {}
    }
    out.push_str(match info & 3 {
        0 => "ver 3.2 ",
        1 => "ver 3.1 ",
        2 => "ver 4.0 ",
        _ => "ver 4.1 ",
    });
}

fn reason(out: &mut String, r: u16) {
    match tok(REASONS, u32::from(r)) {
        Some(s) => {
            let _ = write!(out, "{s} ");
        }
        None => {
            let _ = write!(out, "reason-{r} ");
        }
    }
}

/// tcpdump's `print_nsp`.
fn nsp_print(out: &mut String, n: Bytes<'_>, nsplen: usize) -> Valid {
    if nsplen < 5 {
        let _ = write!(out, " (nsplen {nsplen} < 5)");
        return Ok(false);
    }
    let flags = n.u8(0)?;
    let dst = n.le16(1)?;
    let src = n.le16(3)?;
    match flags & 0o14 {
        0 => match flags & 0o160 {
            0o40 | 0 | 0o100 | 0o140 => {
                let _ = write!(out, "data {src}>{dst} ");
                return seq_words(out, n, nsplen, ("onak", "oack"), true);
            }
            0o60 => {
                out.push_str("intr ");
                return seq_words(out, n, nsplen, ("nakdat", "ackdat"), true);
            }
            0o20 => {
                let _ = write!(out, "link-service {src}>{dst} ");
                if nsplen < 13 {
                    return Ok(false);
                }
                seq_words(out, n, nsplen, ("nakdat", "ackdat"), false)?;
                let lsflags = n.u8(11)?;
                let fcval = n.u8(12)?;
                match lsflags & 0o14 {
                    0 => {
                        let _ = write!(out, "dat seg count {fcval} ");
                        match lsflags & 3 {
                            0 => {}
                            1 => out.push_str("donotsend-data "),
                            2 => out.push_str("send-data "),
                            _ => {
                                let _ = write!(out, "reserved-fcmod? {lsflags:x}");
                            }
                        }
                    }
                    4 => {
                        let _ = write!(out, "intr req count {fcval} ");
                    }
                    _ => {
                        let _ = write!(out, "reserved-fcval-int? {lsflags:x}");
                    }
                }
            }
            _ => {
                let _ = write!(out, "reserved-subtype? {flags:x} {src} > {dst}");
            }
        },
        0o4 => match flags & 0o160 {
            0 => {
                let _ = write!(out, "data-ack {src}>{dst} ");
                return ack_words(out, n, nsplen, ("onak", "oack"));
            }
            0o20 => {
                let _ = write!(out, "ils-ack {src}>{dst} ");
                return ack_words(out, n, nsplen, ("nakdat", "ackdat"));
            }
            0o40 => {
                let _ = write!(out, "conn-ack {dst}");
            }
            _ => {
                let _ = write!(out, "reserved-acktype? {flags:x} {src} > {dst}");
            }
        },
        0o10 => match flags & 0o160 {
            sub @ (0o20 | 0o140) => {
                out.push_str(if sub == 0o20 {
                    "conn-initiate "
                } else {
                    "retrans-conn-initiate "
                });
                let _ = write!(out, "{src}>{dst} ");
                if nsplen < 9 {
                    return Ok(false);
                }
                let (services, info, segsize) = (n.u8(5)?, n.u8(6)?, n.le16(7)?);
                version(out, services, info);
                let _ = write!(out, "segsize {segsize} ");
            }
            0o40 => {
                let _ = write!(out, "conn-confirm {src}>{dst} ");
                if nsplen < 10 {
                    return Ok(false);
                }
                let (services, info, segsize) = (n.u8(5)?, n.u8(6)?, n.le16(7)?);
                let optlen = n.u8(9)?;
                version(out, services, info);
                let _ = write!(out, "segsize {segsize} ");
                if optlen != 0 {
                    let _ = write!(out, "optlen {optlen} ");
                }
            }
            0o60 => {
                let _ = write!(out, "disconn-initiate {src}>{dst} ");
                if nsplen < 8 {
                    return Ok(false);
                }
                let r = n.le16(5)?;
                let optlen = n.u8(7)?;
                reason(out, r);
                if optlen != 0 {
                    let _ = write!(out, "optlen {optlen} ");
                }
            }
            0o100 => {
                let _ = write!(out, "disconn-confirm {src}>{dst} ");
                reason(out, n.le16(5)?);
            }
            _ => {
                let _ = write!(out, "reserved-ctltype? {flags:x} {src} > {dst}");
            }
        },
        _ => {
            let _ = write!(out, "reserved-type? {flags:x} {src} > {dst}");
        }
    }
    Ok(true)
}
