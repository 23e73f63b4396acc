//! PGM (RFC 3208) as tcpdump's print-pgm.c says it: native (IP protocol 113) or in UDP
//! with `-T pgm`; with `-T pgm_zmtp1` the ZMTP/1.0 datagram its data carries.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::message::{Bytes, Walk};
use super::{Dissector, Host, Port, PortNames};
use crate::decode::{
    message::{Message, Proto},
    Addrs,
};

const HEADER: usize = 16;
const AFNUM_INET: u16 = 1;
const AFNUM_INET6: u16 = 2;

/// How the walk ends early: a read past the capture (tcpdump's GET_ longjmp), or one of
/// its `goto trunc` (` [|pgm]` without the longjmp), or one of its bracketed complaints.
enum End {
    Trunc,
    Done,
    /// A nested printer (ZMTP/1.0) ran off the capture under its own name.
    Nested(super::message::Trunc),
}

impl Dissector {
    pub(super) fn pgm(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "pgm");
        let native = m.ports.is_none();
        let (Some(sport), Some(dport)) = (b.be16(0).ok(), b.be16(2).ok()) else {
            if let Some(ip) = m.ip {
                let (s, d) = addrs(&ip.addrs);
                let _ = write!(out, "{} > {}:", Host(s), Host(d));
            }
            out.push_str(" [|pgm]");
            return Ok(());
        };
        let (sp, dp) = (Port(sport, PortNames::Tcp), Port(dport, PortNames::Tcp));
        match m.ip {
            Some(ip) if native => {
                let (s, d) = addrs(&ip.addrs);
                let _ = write!(out, "{}.{sp} > {}.{dp}: ", Host(s), Host(d));
            }
            _ => {
                let _ = write!(out, "{sp} > {dp}: ");
            }
        }
        if !b.has(0, HEADER) {
            out.push_str(" [|pgm]");
            return Ok(());
        }
        let _ = write!(out, "PGM, length {}", b.be16(14)?);
        if self.opts.verbose == 0 {
            return Ok(());
        }
        match self.pgm_body(out, b, m) {
            Ok(()) | Err(Some(End::Done)) => Ok(()),
            Err(Some(End::Trunc)) => {
                out.push_str(" [|pgm]");
                Ok(())
            }
            Err(Some(End::Nested(t))) => Err(t),
            Err(None) => Err(b.trunc()),
        }
    }

    /// Everything after "PGM, length N" at `-v`. `Err(None)` is a GET_ read past the capture.
    fn pgm_body(
        &mut self,
        out: &mut String,
        b: Bytes<'_>,
        m: &Message<'_>,
    ) -> Result<(), Option<End>> {
        let typ = b.u8(4).map_err(|_| None)?;
        let gsid = b.get(8, 6).map_err(|_| None)?;
        out.push_str(" 0x");
        for g in gsid {
            let _ = write!(out, "{g:02x}");
        }
        out.push(' ');
        let tcheck = |at: usize, n: usize| {
            if b.has(at, n) {
                Ok(())
            } else {
                Err(Some(End::Trunc))
            }
        };
        let be16 = |at: usize| b.be16(at).map(u32::from).map_err(|_| None::<End>);
        let be32 = |at: usize| b.be32(at).map_err(|_| None::<End>);
        // tcpdump's addrtostr: never a host name.
        let nla = |afi: u32, at: usize| -> Result<(String, usize), Option<End>> {
            match afi as u16 {
                AFNUM_INET => {
                    tcheck(at, 4)?;
                    let s = b.get(at, 4).map_err(|_| None)?;
                    Ok((Ipv4Addr::new(s[0], s[1], s[2], s[3]).to_string(), at + 4))
                }
                AFNUM_INET6 => {
                    tcheck(at, 16)?;
                    let mut a = [0u8; 16];
                    a.copy_from_slice(b.get(at, 16).map_err(|_| None)?);
                    Ok((Ipv6Addr::from(a).to_string(), at + 16))
                }
                _ => Err(Some(End::Trunc)),
            }
        };
        let h = HEADER;
        // tcpdump's `bp` stays at the PGM header for types without a body it reads (SPMR,
        // unknown ones): their options are looked for there.
        let mut bp = 0;
        match typ {
            0 => {
                tcheck(h, 16)?;
                let (a, after) = nla(be16(h + 12)?, h + 16)?;
                let _ = write!(
                    out,
                    "SPM seq {} trail {} lead {} nla {a}",
                    be32(h)?,
                    be32(h + 4)?,
                    be32(h + 8)?
                );
                bp = after;
            }
            1 => {
                tcheck(h, 12)?;
                let (a, after) = nla(be16(h + 8)?, h + 12)?;
                let ivl = be32(after)?;
                let rnd = be32(after + 4)?;
                let mask = be32(after + 8)?;
                let _ = write!(
                    out,
                    "POLL seq {} round {} nla {a} ivl {ivl} rnd 0x{rnd:08x} mask 0x{mask:08x}",
                    be32(h)?,
                    be16(h + 4)?
                );
                bp = after + 12;
            }
            2 => {
                tcheck(h, 8)?;
                let _ = write!(out, "POLR seq {} round {}", be32(h)?, be16(h + 4)?);
                bp = h + 8;
            }
            4 | 5 => {
                tcheck(h, 8)?;
                let _ = write!(
                    out,
                    "{} trail {} seq {}",
                    if typ == 4 { "ODATA" } else { "RDATA" },
                    be32(h + 4)?,
                    be32(h)?
                );
                bp = h + 8;
            }
            8..=10 => {
                tcheck(h, 8)?;
                let (source, after) = nla(be16(h + 4)?, h + 8)?;
                // tcpdump skips the group's AFI and reserved field, then reads the AFI
                // from where the group's address starts.
                let at = after + 4;
                let (group, after) = nla(be16(at)?, at)?;
                bp = after;
                out.push_str(match typ {
                    8 => "NAK ",
                    9 => "NNAK ",
                    _ => "NCF ",
                });
                let _ = write!(out, "({source} -> {group}), seq {}", be32(h)?);
            }
            11 => {
                tcheck(h, 8)?;
                let _ = write!(out, "ACK seq {}", be32(h)?);
                bp = h + 8;
            }
            12 => out.push_str("SPMR"),
            t => {
                let _ = write!(out, "UNKNOWN type 0x{t:02x}");
            }
        }
        let options = b.u8(5).map_err(|_| None)?;
        if options & 0x01 != 0 {
            self.pgm_options(out, b, bp)?;
        }
        let _ = write!(out, " [{}]", m.length);
        if m.proto == Proto::PgmZmtp1 && (typ == 4 || typ == 5) {
            let tsdu = u32::from(b.be16(14).map_err(|_| None)?);
            super::zmtp1::datagram(out, b, bp, tsdu, self.opts.verbose)
                .map_err(|t| Some(End::Nested(t)))?;
        }
        Ok(())
    }

    /// The option list at `bp` (RFC 3208 section 9), as tcpdump walks it.
    fn pgm_options(
        &self,
        out: &mut String,
        b: Bytes<'_>,
        mut bp: usize,
    ) -> Result<(), Option<End>> {
        let tcheck = |at: usize, n: usize| {
            if b.has(at, n) {
                Ok(())
            } else {
                Err(Some(End::Trunc))
            }
        };
        let u8_ = |at: usize| b.u8(at).map(u32::from).map_err(|_| None::<End>);
        let be16 = |at: usize| b.be16(at).map(u32::from).map_err(|_| None::<End>);
        let be32 = |at: usize| b.be32(at).map_err(|_| None::<End>);
        let done = |out: &mut String, s: String| {
            out.push_str(&s);
            Err(Some(End::Done))
        };
        tcheck(bp, 4)?;
        let opt_type = u8_(bp)?;
        bp += 1;
        if opt_type & 0x7f != 0 {
            return done(
                out,
                format!(
                    "[First option bad, should be PGM_OPT_LENGTH, is {}]",
                    opt_type & 0x7f
                ),
            );
        }
        let opt_len = u8_(bp)?;
        bp += 1;
        if opt_len != 4 {
            return done(
                out,
                format!("[Bad OPT_LENGTH option, length {opt_len} != 4]"),
            );
        }
        let mut opts_len = be16(bp)?;
        bp += 2;
        if opts_len < 4 {
            return done(out, format!("[Bad total option length {opts_len} < 4]"));
        }
        let _ = write!(out, " OPTS LEN {opts_len}");
        opts_len -= 4;
        // A fixed-length option: its name, the length it must have.
        let fixed =
            |out: &mut String, name: &str, opt_len: u32, want: u32| -> Result<(), Option<End>> {
                if opt_len != want {
                    out.push_str(&format!("[Bad {name} option, length {opt_len} != {want}]"));
                    return Err(Some(End::Done));
                }
                Ok(())
            };
        while opts_len != 0 {
            if opts_len < 4 {
                return done(
                    out,
                    "[Total option length leaves no room for final option]".into(),
                );
            }
            let opt_type = u8_(bp)?;
            bp += 1;
            let mut opt_len = u8_(bp)?;
            bp += 1;
            if opt_len < 4 {
                let _ = write!(out, "[Bad option, length {opt_len} < 4]");
                break;
            }
            if opts_len < opt_len {
                return done(
                    out,
                    "[Total option length leaves no room for final option]".into(),
                );
            }
            tcheck(bp, opt_len as usize - 2)?;
            match opt_type & 0x7f {
                0x00 => {
                    fixed(out, "OPT_LENGTH", opt_len, 4)?;
                    let _ = write!(out, " OPTS LEN (extra?) {}", be16(bp)?);
                    bp += 2;
                    opts_len -= 4;
                }
                0x01 => {
                    fixed(out, "OPT_FRAGMENT", opt_len, 16)?;
                    bp += 2;
                    let (seq, off, len) = (be32(bp)?, be32(bp + 4)?, be32(bp + 8)?);
                    bp += 12;
                    let _ = write!(out, " FRAG seq {seq} off {off} len {len}");
                    opts_len -= 16;
                }
                0x02 => {
                    bp += 2;
                    opt_len -= 4;
                    out.push_str(" NAK LIST");
                    while opt_len != 0 {
                        if opt_len < 4 {
                            return done(out, "[Option length not a multiple of 4]".into());
                        }
                        let _ = write!(out, " {}", be32(bp)?);
                        bp += 4;
                        opt_len -= 4;
                        opts_len -= 4;
                    }
                }
                0x03 => {
                    fixed(out, "OPT_JOIN", opt_len, 8)?;
                    bp += 2;
                    let _ = write!(out, " JOIN {}", be32(bp)?);
                    bp += 4;
                    opts_len -= 8;
                }
                0x04 | 0x05 => {
                    let (name, words) = if opt_type & 0x7f == 0x04 {
                        ("OPT_NAK_BO_IVL", ("BACKOFF ivl", "ivlseq"))
                    } else {
                        ("OPT_NAK_BO_RNG", ("BACKOFF max", "min"))
                    };
                    fixed(out, name, opt_len, 12)?;
                    bp += 2;
                    let (a, c) = (be32(bp)?, be32(bp + 4)?);
                    bp += 8;
                    let _ = write!(out, " {} {a} {} {c}", words.0, words.1);
                    opts_len -= 12;
                }
                0x07 => {
                    if opt_len < 8 {
                        return done(
                            out,
                            format!("[Bad OPT_REDIRECT option, length {opt_len} < 8]"),
                        );
                    }
                    bp += 2;
                    let afi = be16(bp)?;
                    bp += 4;
                    let (a, after) =
                        self.pgm_opt_nla(out, b, "OPT_REDIRECT", afi, opt_len, 8, bp)?;
                    bp = after;
                    opts_len -= 8 + addr_len(afi);
                    let _ = write!(out, " REDIRECT {a}");
                }
                0x08..=0x0a => {
                    let (name, word) = match opt_type & 0x7f {
                        0x08 => ("OPT_PARITY_PRM", "PARITY MAXTGS"),
                        0x09 => ("OPT_PARITY_GRP", "PARITY GROUP"),
                        _ => ("OPT_CURR_TGSIZE", "PARITY ATGS"),
                    };
                    fixed(out, name, opt_len, 8)?;
                    bp += 2;
                    let _ = write!(out, " {word} {}", be32(bp)?);
                    bp += 4;
                    opts_len -= 8;
                }
                0x0b | 0x0d | 0x0e | 0x0f | 0x11 => {
                    let (name, word) = match opt_type & 0x7f {
                        0x0b => ("OPT_NBR_UNREACH", "NBR_UNREACH"),
                        0x0d => ("OPT_SYN", "SYN"),
                        0x0e => ("OPT_FIN", "FIN"),
                        0x0f => ("OPT_RST", "RST"),
                        _ => ("OPT_CRQST", "CRQST"),
                    };
                    fixed(out, name, opt_len, 4)?;
                    bp += 2;
                    let _ = write!(out, " {word}");
                    opts_len -= 4;
                }
                0x0c => {
                    let _ = write!(out, " PATH_NLA [{opt_len}]");
                    bp += opt_len as usize;
                    opts_len -= opt_len;
                }
                0x10 => {
                    out.push_str(" CR");
                    bp += opt_len as usize;
                    opts_len -= opt_len;
                }
                0x12 | 0x13 => {
                    let (name, long, word) = if opt_type & 0x7f == 0x12 {
                        ("OPT_PGMCC_DATA", "OPT_PGMCC_DATA", "PGMCC DATA")
                    } else {
                        (
                            "OPT_PGMCC_FEEDBACK",
                            "PGM_OPT_PGMCC_FEEDBACK",
                            "PGMCC FEEDBACK",
                        )
                    };
                    if opt_len < 12 {
                        return done(out, format!("[Bad {long} option, length {opt_len} < 12]"));
                    }
                    bp += 2;
                    let offset = be32(bp)?;
                    bp += 4;
                    let afi = be16(bp)?;
                    bp += 4;
                    let (a, after) = self.pgm_opt_nla(out, b, name, afi, opt_len, 12, bp)?;
                    bp = after;
                    opts_len -= 12 + addr_len(afi);
                    let _ = write!(out, " {word} {offset} {a}");
                }
                _ => {
                    let _ = write!(out, " OPT_{opt_type:02X} [{opt_len}] ");
                    bp += opt_len as usize;
                    opts_len -= opt_len;
                }
            }
            if opt_type & 0x80 != 0 {
                break;
            }
        }
        Ok(())
    }

    /// The address of a REDIRECT or PGMCC option, whose length must be `fixed` plus the
    /// address's.
    #[expect(
        clippy::too_many_arguments,
        reason = "tcpdump's option walk, kept in one place"
    )]
    fn pgm_opt_nla(
        &self,
        out: &mut String,
        b: Bytes<'_>,
        name: &str,
        afi: u32,
        opt_len: u32,
        fixed: u32,
        at: usize,
    ) -> Result<(String, usize), Option<End>> {
        let n = addr_len(afi);
        if n == 0 {
            return Err(Some(End::Trunc));
        }
        if opt_len != fixed + n {
            let _ = write!(
                out,
                "[Bad {name} option, length {opt_len} != {fixed} + address size]"
            );
            return Err(Some(End::Done));
        }
        let s = b.get(at, n as usize).map_err(|_| Some(End::Trunc))?;
        let a = if n == 4 {
            Ipv4Addr::new(s[0], s[1], s[2], s[3]).to_string()
        } else {
            let mut a = [0u8; 16];
            a.copy_from_slice(s);
            Ipv6Addr::from(a).to_string()
        };
        Ok((a, at + n as usize))
    }
}

/// The byte length of an address of family `afi` (0 for a family tcpdump does not know).
fn addr_len(afi: u32) -> u32 {
    match afi as u16 {
        AFNUM_INET => 4,
        AFNUM_INET6 => 16,
        _ => 0,
    }
}

fn addrs(a: &Addrs) -> (IpAddr, IpAddr) {
    match *a {
        Addrs::V4(s, d) => (s.into(), d.into()),
        Addrs::V6(s, d) => (s.into(), d.into()),
    }
}
