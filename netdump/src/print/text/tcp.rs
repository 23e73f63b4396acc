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
            ip.write_addrs(out, None);
            out.push_str(" [|tcp]");
            return;
        };
        ip.write_tcp_addrs(out, (sport, dport));
        let length = ip.info.length;
        let Some(hlen) = t.header_len() else {
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
                let addrs = &ip.info.addrs;
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
            let seqs = Seqs { rev, thseq, thack };
            // Options cut short by the snap length are walked as far as they were captured.
            let (opts, declared, whole) = match t.options() {
                Ok(o) => (o, o.len(), true),
                Err(avail) => (avail, (hlen - tcp::MIN_HEADER_LEN) as usize, false),
            };
            match options(out, opts, seqs, declared) {
                Ok(()) if whole => out.push(']'),
                Ok(()) => return,
                Err(Stop::KindOrLength) => {
                    out.push_str(" [|tcp]");
                    self.early_end = true;
                    return;
                }
                Err(Stop::Data { after_first }) => {
                    out.push_str(" [|tcp]");
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
        if !app.is_empty() {
            self.tcp_app(out, ip, t, app, length);
        }
    }
}

/// What SACK blocks are relative to.
#[derive(Clone, Copy)]
struct Seqs {
    rev: bool,
    thseq: u32,
    thack: u32,
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

/// Appends TCP options as tcpdump does.
fn options(out: &mut String, opts: &[u8], seqs: Seqs, declared: usize) -> Result<(), Stop> {
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
        let name = match opt {
            0 => "eol",
            1 => "nop",
            2 => "mss",
            3 => "wscale",
            4 => "sackOK",
            5 => "sack",
            6 => "echo",
            7 => "echoreply",
            8 => "TS",
            19 => "md5",
            28 => "uto",
            29 => "tcp-ao",
            30 => "mptcp",
            34 => "tfo",
            253 | 254 => "exp",
            n => {
                let _ = write!(out, "unknown-{n}");
                if len > 2 {
                    out.push_str(" 0x");
                }
                ""
            }
        };
        out.push_str(name);
        let datalen;
        match opt {
            2 | 3 | 8 => {
                datalen = match opt {
                    2 => 2,
                    3 => 1,
                    _ => 8,
                };
                if datalen > hlen {
                    out.push_str("[bad opt]");
                    return Err(bad);
                }
                match opt {
                    2 => {
                        let _ = write!(out, " {}", be16(opts, i).ok_or(data_cut)?);
                    }
                    3 => {
                        let _ = write!(out, " {}", opts.get(i).ok_or(data_cut)?);
                    }
                    _ => {
                        let val = be32(opts, i).ok_or(data_cut)?;
                        let ecr = be32(opts, i + 4).ok_or(data_cut)?;
                        let _ = write!(out, " val {val} ecr {ecr}");
                    }
                }
            }
            5 => {
                datalen = len - 2;
                if datalen % 8 != 0 {
                    out.push_str(" invalid sack");
                } else {
                    let _ = write!(out, " {} ", datalen / 8);
                    let base = if seqs.rev { seqs.thseq } else { seqs.thack };
                    let mut k = 0;
                    while k < datalen {
                        let s = be32(opts, i + k).ok_or(data_cut)?.wrapping_sub(base);
                        let e = be32(opts, i + k + 4).ok_or(data_cut)?.wrapping_sub(base);
                        let _ = write!(out, "{{{s}:{e}}}");
                        k += 8;
                    }
                }
            }
            0 | 1 | 4 => datalen = 0,
            _ => {
                datalen = len - 2;
                for k in 0..datalen {
                    if k + 1 > hlen {
                        out.push_str("[bad opt]");
                        return Err(bad);
                    }
                    let _ = write!(out, "{:02x}", opts.get(i + k).ok_or(data_cut)?);
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
