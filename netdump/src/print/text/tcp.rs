//! TCP wording: flags, relative sequence numbers (the printer's state between packets),
//! checksums at `-v`, and options.

use std::{collections::HashMap, fmt::Write as _};

use super::{Dissector, Ip};
use crate::decode::{
    be16, be32, checksum,
    tcp::{self, Tcp},
    Layer,
};

/// A TCP connection as tcpdump keys it: addresses and ports in a canonical order.
type ConnKey = ([u8; 16], [u8; 16], u32);

/// Relative TCP sequence numbers, kept as tcpdump keeps them (print-tcp.c `tcp_seq_hash`):
/// the first packet with ACK set in a connection, or any SYN, sets the base; later packets
/// print offsets from it.
#[derive(Debug, Default)]
pub(super) struct SeqTable {
    bases: HashMap<ConnKey, (u32, u32)>,
}

impl Dissector {
    /// A TCP segment and (`app`) the layers a registered decoder found in its payload.
    pub(super) fn tcp(&mut self, out: &mut String, ip: &Ip, t: &Tcp<'_>, app: &[Layer<'_>]) {
        let Some((sport, dport)) = t.ports() else {
            // tcp_print: "src > dst:" with no space before its " [|tcp]".
            ip.write_addrs(out, None);
            if out.ends_with(": ") {
                out.pop();
            }
            out.push_str(" [|tcp]");
            return;
        };
        ip.write_tcp_addrs(out, (sport, dport));
        let length = ip.info.length;
        // tcp_print's ND_TCHECK_SIZE: the fixed header whole, before its offset is read.
        let Some(hlen) = t
            .header_len()
            .filter(|_| t.raw.len() >= tcp::MIN_HEADER_LEN as usize)
        else {
            out.push_str(" [|tcp]");
            return;
        };
        if hlen < tcp::MIN_HEADER_LEN {
            let _ = write!(
                out,
                " tcp {} [bad hdr length {hlen} - too short, < 20]",
                length.saturating_sub(hlen)
            );
            return;
        }
        if self.opts.quiet {
            let _ = write!(out, "tcp {}", length.saturating_sub(hlen));
            if hlen > length {
                let _ = write!(out, " [bad hdr length {hlen} - too long, > {length}]");
            }
            return;
        }
        let (Some(mut seq), Some(mut ack), Some(flags), Some(win)) =
            (t.seq(), t.ack(), t.flags(), t.window())
        else {
            out.push_str(" [|tcp]");
            return;
        };
        out.push_str("Flags [");
        let before = out.len();
        out.extend(Tcp::flag_letters(flags));
        if out.len() == before {
            out.push_str("none");
        }
        out.push(']');

        let (syn, fin, rst, ackf, urg) = (
            flags & tcp::SYN != 0,
            flags & tcp::FIN != 0,
            flags & tcp::RST != 0,
            flags & tcp::ACK != 0,
            flags & tcp::URG != 0,
        );
        let (mut thseq, mut thack) = (0u32, 0u32);
        let mut rev = false;
        if !self.opts.absolute_seq && ackf {
            let (s, d) = ip.info.addrs.key();
            rev = sport > dport || (sport == dport && s > d);
            let key = if rev {
                (d, s, (u32::from(dport) << 16) | u32::from(sport))
            } else {
                (s, d, (u32::from(sport) << 16) | u32::from(dport))
            };
            match self.tcp.bases.get(&key).copied() {
                Some((bseq, back)) if !syn => {
                    if rev {
                        seq = seq.wrapping_sub(back);
                        ack = ack.wrapping_sub(bseq);
                    } else {
                        seq = seq.wrapping_sub(bseq);
                        ack = ack.wrapping_sub(back);
                    }
                    thseq = bseq;
                    thack = back;
                }
                _ => {
                    let entry = if rev {
                        (ack.wrapping_sub(1), seq)
                    } else {
                        (seq, ack.wrapping_sub(1))
                    };
                    self.tcp.bases.insert(key, entry);
                    thseq = entry.0;
                    thack = entry.1;
                }
            }
        }

        if self.opts.verbose > 0 && !ip.info.fragmented {
            if let (Some(seg), Some(sum)) = (t.raw.get(..length as usize), t.checksum()) {
                let addrs = &ip.cksum_addrs();
                if checksum::transport(addrs, 6, seg) == 0 {
                    let _ = write!(out, ", cksum 0x{sum:04x} (correct)");
                } else {
                    let want = checksum::transport_expected(addrs, 6, seg, 16);
                    let _ = write!(out, ", cksum 0x{sum:04x} (incorrect -> 0x{want:04x})");
                }
            }
        }

        if hlen > length {
            let _ = write!(out, " [bad hdr length {hlen} - too long, > {length}]");
            return;
        }
        let length = length - hlen;
        if self.opts.verbose > 1 || length > 0 || syn || fin || rst {
            let _ = write!(out, ", seq {seq}");
            if length > 0 {
                let _ = write!(out, ":{}", seq.wrapping_add(length));
            }
        }
        if ackf {
            let _ = write!(out, ", ack {ack}");
        }
        let _ = write!(out, ", win {win}");
        if urg {
            let _ = write!(out, ", urg {}", t.urgent().unwrap_or(0));
        }
        if hlen > tcp::MIN_HEADER_LEN {
            out.push_str(", options [");
            let seqs = Seqs {
                rev,
                thseq,
                thack,
                flags,
                payload_captured: t.raw.len() >= (hlen + length) as usize,
            };
            // Options cut short by the snap length are walked as far as they were captured.
            let (opts, declared, whole) = match t.options() {
                Ok(o) => (o, o.len(), true),
                Err(avail) => (avail, (hlen - tcp::MIN_HEADER_LEN) as usize, false),
            };
            let (r, proto) = options(out, opts, seqs, declared);
            match r {
                Ok(()) if whole => out.push(']'),
                Ok(()) => return,
                Err(Stop::KindOrLength) => {
                    let _ = write!(out, " [|{proto}]");
                    self.early_end = true;
                    return;
                }
                Err(Stop::Data { after_first }) => {
                    let _ = write!(out, " [|{proto}]");
                    if after_first {
                        out.push('>');
                    }
                    return;
                }
                Err(Stop::Bad { after_first }) => {
                    if after_first {
                        out.push(']');
                    }
                    return;
                }
            }
        }
        let _ = write!(out, ", length {length}");
        if length > 0 && rst && self.opts.verbose > 0 {
            rst_data(out, t.payload(), length);
            return;
        }
        if !app.is_empty() && length > 0 {
            self.tcp_app(out, ip, t, app, length);
        }
    }
}

/// The text a reset carries (RFC 1122 4.2.2.12: "could contain ASCII text that explains the
/// cause"), as tcpdump prints it at -v: `[RST text]`, `[!RST ...]` when not all of it was
/// captured, `+` after RST when there is more than 30 bytes of it.
fn rst_data(out: &mut String, payload: &[u8], length: u32) {
    const MAX_RST_DATA_LEN: usize = 30;
    let length = length as usize;
    out.push_str(if payload.len() >= length {
        " [RST"
    } else {
        " [!RST"
    });
    let mut n = length;
    if n > MAX_RST_DATA_LEN {
        n = MAX_RST_DATA_LEN;
        out.push('+');
    }
    out.push(' ');
    for &c in payload.iter().take(n) {
        super::chars::print_char(out, c);
    }
    out.push(']');
}

/// What the options printer needs from the segment around them.
#[derive(Clone, Copy)]
struct Seqs {
    /// What SACK blocks are relative to.
    rev: bool,
    thseq: u32,
    thack: u32,
    /// The TCP flags (MPTCP subtypes are valid only with some).
    flags: u8,
    /// The payload was captured whole (an md5 signature could be checked).
    payload_captured: bool,
}

/// Why the options ended early, each ending the line its own way in tcpdump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// The capture ended before a kind or length byte: tcpdump's GET_U_1 longjmps out of
    /// the printer (so -x dumps from the frame's start).
    KindOrLength,
    /// The capture ended in an option's data: tcpdump's ND_TCHECK goes to `trunc:`, which
    /// closes the list with `>` after the first option.
    Data { after_first: bool },
    /// A length that does not fit (`[bad opt]` is printed): tcpdump's `bad:` closes the
    /// list with `]` after the first option, and says no more.
    Bad { after_first: bool },
}

/// Appends TCP options as tcpdump's tcp_print does (print-tcp.c, 4.99). Returns, with the
/// outcome, the protocol name tcpdump's `[|proto]` would use: print-mptcp.c sets it to
/// "mptcp" and nobody sets it back.
fn options(
    out: &mut String,
    opts: &[u8],
    seqs: Seqs,
    declared: usize,
) -> (Result<(), Stop>, &'static str) {
    let mut proto = "tcp";
    let r = options_walk(out, opts, seqs, declared, &mut proto);
    (r, proto)
}

fn options_walk(
    out: &mut String,
    opts: &[u8],
    seqs: Seqs,
    declared: usize,
    proto: &mut &'static str,
) -> Result<(), Stop> {
    let mut i = 0usize;
    let mut hlen = declared;
    let mut first = true;
    while hlen > 0 {
        if !first {
            out.push(',');
        }
        let data_cut = Stop::Data {
            after_first: !first,
        };
        let bad = Stop::Bad {
            after_first: !first,
        };
        first = false;
        let opt = *opts.get(i).ok_or(Stop::KindOrLength)?;
        i += 1;
        let len;
        if opt == 0 || opt == 1 {
            len = 1usize;
        } else {
            len = usize::from(*opts.get(i).ok_or(Stop::KindOrLength)?);
            i += 1;
            if len < 2 || len > hlen {
                out.push_str("[bad opt]");
                return Err(bad);
            }
            hlen -= 1;
        }
        hlen -= 1;
        // tcpdump's LENCHECK: `l` bytes of data must fit the header and be captured.
        let lencheck = |out: &mut String, l: usize| -> Result<(), Stop> {
            if l > hlen {
                out.push_str("[bad opt]");
                return Err(bad);
            }
            if i.saturating_add(l) > opts.len() {
                return Err(data_cut);
            }
            Ok(())
        };
        let d = opts.get(i..).unwrap_or_default();
        let hex = |out: &mut String, b: &[u8]| {
            for x in b {
                let _ = write!(out, "{x:02x}");
            }
        };
        out.push_str(option_name(opt).unwrap_or_default());
        if option_name(opt).is_none() {
            let _ = write!(out, "unknown-{opt}");
        }
        let mut datalen = 0usize;
        match opt {
            2 => {
                datalen = 2;
                lencheck(out, datalen)?;
                let _ = write!(out, " {}", be16(d, 0).unwrap_or(0));
            }
            3 => {
                datalen = 1;
                lencheck(out, datalen)?;
                let _ = write!(out, " {}", d[0]);
            }
            5 => {
                datalen = len - 2;
                if !datalen.is_multiple_of(8) {
                    out.push_str(" invalid sack");
                } else {
                    let _ = write!(out, " {} ", datalen / 8);
                    let base = if seqs.rev { seqs.thseq } else { seqs.thack };
                    let mut k = 0;
                    while k < datalen {
                        lencheck(out, k + 4)?;
                        let s = be32(d, k).unwrap_or(0).wrapping_sub(base);
                        lencheck(out, k + 8)?;
                        let e = be32(d, k + 4).unwrap_or(0).wrapping_sub(base);
                        let _ = write!(out, "{{{s}:{e}}}");
                        k += 8;
                    }
                }
            }
            // echo, echoreply, cc, ccnew, ccecho: one 32-bit value.
            6 | 7 | 11 | 12 | 13 => {
                datalen = 4;
                lencheck(out, datalen)?;
                let _ = write!(out, " {}", be32(d, 0).unwrap_or(0));
            }
            8 => {
                datalen = 8;
                lencheck(out, datalen)?;
                let _ = write!(
                    out,
                    " val {} ecr {}",
                    be32(d, 0).unwrap_or(0),
                    be32(d, 4).unwrap_or(0)
                );
            }
            19 => {
                // tcpdump (built with OpenSSL) tries to verify the signature; without -M it
                // says why it cannot, then prints it.
                datalen = 16;
                lencheck(out, datalen)?;
                out.push(' ');
                if !seqs.payload_captured {
                    out.push_str("snaplen too short, ");
                } else {
                    out.push_str("shared secret not supplied with -M, ");
                }
                out.push_str("can't check - ");
                hex(out, &d[..16]);
            }
            20 => {
                datalen = 2;
                lencheck(out, datalen)?;
                let _ = write!(out, " cap {:02x} id {}", d[0], d[1]);
            }
            29 => {
                datalen = len - 2;
                if datalen < 2 {
                    out.push_str(" (invalid)");
                } else {
                    lencheck(out, 1)?;
                    let _ = write!(out, " keyid {}", d[0]);
                    lencheck(out, 2)?;
                    let _ = write!(out, " rnextkeyid {}", d[1]);
                    if datalen > 2 {
                        out.push_str(" mac 0x");
                        for k in 2..datalen {
                            lencheck(out, k + 1)?;
                            let _ = write!(out, "{:02x}", d.get(k).copied().unwrap_or(0));
                        }
                    }
                }
            }
            0 | 1 | 4 => {}
            28 => {
                datalen = 2;
                lencheck(out, datalen)?;
                let uto = be16(d, 0).unwrap_or(0);
                let secs = if uto & 1 != 0 {
                    u32::from(uto >> 1) * 60
                } else {
                    u32::from(uto >> 1)
                };
                let _ = write!(out, " 0x{uto:x} {secs}");
            }
            30 => {
                datalen = len - 2;
                lencheck(out, datalen)?;
                *proto = "mptcp";
                // The option whole, kind and length included, as print-mptcp.c reads it.
                let whole = opts.get(i - 2..i + datalen).unwrap_or_default();
                if !super::mptcp::print(out, whole, seqs.flags) {
                    out.push_str("[bad opt]");
                    return Err(bad);
                }
            }
            34 => {
                datalen = len - 2;
                lencheck(out, datalen)?;
                out.push(' ');
                fastopen(out, &d[..datalen], false);
            }
            254 => {
                datalen = len - 2;
                lencheck(out, datalen)?;
                if datalen < 2 {
                    out.push_str("[bad opt]");
                    return Err(bad);
                }
                let magic = be16(d, 0).unwrap_or(0);
                out.push('-');
                if magic == 0xf989 {
                    fastopen(out, &d[2..datalen], true);
                } else {
                    let _ = write!(out, "{magic:04x}");
                }
            }
            _ => {
                datalen = len - 2;
                if datalen > 0 {
                    out.push_str(" 0x");
                }
                for k in 0..datalen {
                    lencheck(out, k + 1)?;
                    let _ = write!(out, "{:02x}", d.get(k).copied().unwrap_or(0));
                }
            }
        }
        i += datalen;
        hlen = hlen.saturating_sub(datalen);
        let mut spec = datalen + 1;
        if opt != 0 && opt != 1 {
            spec += 1;
        }
        if spec != len {
            let _ = write!(out, "[len {len}]");
        }
        if opt == 0 {
            break;
        }
    }
    Ok(())
}

/// tcpdump's names for the options it knows (`tcp_option_values`).
fn option_name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        0 => "eol",
        1 => "nop",
        2 => "mss",
        3 => "wscale",
        4 => "sackOK",
        5 => "sack",
        6 => "echo",
        7 => "echoreply",
        8 => "TS",
        11 => "cc",
        12 => "ccnew",
        13 => "",
        19 => "md5",
        20 => "scps",
        28 => "uto",
        29 => "tcp-ao",
        30 => "mptcp",
        34 => "tfo",
        254 => "exp",
        _ => return None,
    })
}

/// TCP Fast Open's cookie (RFC 7413), as option 34 or as experimental option 254 (`exp`).
fn fastopen(out: &mut String, cookie: &[u8], exp: bool) {
    if exp {
        out.push_str("tfo");
    }
    if cookie.is_empty() {
        out.push_str(" cookiereq");
    } else if !cookie.len().is_multiple_of(2) || cookie.len() < 4 || cookie.len() > 16 {
        out.push_str(" (invalid)");
    } else {
        out.push_str(" cookie ");
        for x in cookie {
            let _ = write!(out, "{x:02x}");
        }
    }
}
