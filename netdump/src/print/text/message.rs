//! The hand-over to the printers of byte-walked messages (`decode::message`), and what
//! those printers share: checked reads that end the walk as tcpdump's GET_ macros do, and
//! tcpdump's small formatting helpers (`unsigned_relts_print`, `hex_print`).

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::{Dissector, Ip};
use crate::decode::message::{Message, Proto};

/// The walk ran off the captured bytes (tcpdump's GET_ macros longjmp out and print
/// `[|proto]`); the string is the protocol name tcpdump had set by then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Trunc(pub &'static str);

/// A printer's result: Err when it ran off the captured bytes.
pub(super) type Walk = Result<(), Trunc>;

/// Checked big-endian reads over a message's captured bytes; a read past them is
/// [`Trunc`] with the protocol name given.
#[derive(Clone, Copy, Debug)]
pub(super) struct Bytes<'a> {
    pub b: &'a [u8],
    pub proto: &'static str,
}

impl<'a> Bytes<'a> {
    pub fn new(b: &'a [u8], proto: &'static str) -> Bytes<'a> {
        Bytes { b, proto }
    }

    /// The same bytes, read under another protocol name (tcpdump's `ndo_protocol`).
    pub fn named(self, proto: &'static str) -> Bytes<'a> {
        Bytes { b: self.b, proto }
    }

    pub fn trunc(&self) -> Trunc {
        Trunc(self.proto)
    }

    pub fn get(&self, at: usize, n: usize) -> Result<&'a [u8], Trunc> {
        at.checked_add(n)
            .and_then(|end| self.b.get(at..end))
            .ok_or(self.trunc())
    }

    pub fn u8(&self, at: usize) -> Result<u8, Trunc> {
        self.b.get(at).copied().ok_or(self.trunc())
    }

    pub fn be16(&self, at: usize) -> Result<u16, Trunc> {
        let s = self.get(at, 2)?;
        Ok(u16::from_be_bytes([s[0], s[1]]))
    }

    pub fn le16(&self, at: usize) -> Result<u16, Trunc> {
        let s = self.get(at, 2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }

    pub fn be24(&self, at: usize) -> Result<u32, Trunc> {
        let s = self.get(at, 3)?;
        Ok(u32::from_be_bytes([0, s[0], s[1], s[2]]))
    }

    pub fn be32(&self, at: usize) -> Result<u32, Trunc> {
        let s = self.get(at, 4)?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }

    pub fn be64(&self, at: usize) -> Result<u64, Trunc> {
        let s = self.get(at, 8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_be_bytes(a))
    }

    pub fn ipv4(&self, at: usize) -> Result<Ipv4Addr, Trunc> {
        let s = self.get(at, 4)?;
        Ok(Ipv4Addr::new(s[0], s[1], s[2], s[3]))
    }

    pub fn ipv6(&self, at: usize) -> Result<Ipv6Addr, Trunc> {
        let s = self.get(at, 16)?;
        let mut a = [0u8; 16];
        a.copy_from_slice(s);
        Ok(Ipv6Addr::from(a))
    }

    /// The captured bytes from `at` on (none past the end).
    pub fn from(&self, at: usize) -> Bytes<'a> {
        Bytes {
            b: self.b.get(at..).unwrap_or_default(),
            proto: self.proto,
        }
    }

    /// At most `n` bytes from the start.
    pub fn take(&self, n: usize) -> Bytes<'a> {
        Bytes {
            b: &self.b[..n.min(self.b.len())],
            proto: self.proto,
        }
    }

    pub fn len(&self) -> usize {
        self.b.len()
    }

    /// Whether `n` bytes from `at` were captured (tcpdump's ND_TTEST_LEN).
    pub fn has(&self, at: usize, n: usize) -> bool {
        self.get(at, n).is_ok()
    }
}

/// tcpdump's `unsigned_relts_print`: seconds as "1h2m3s", "0s" for none.
pub(super) fn relts(out: &mut String, secs: u32) {
    if secs == 0 {
        out.push_str("0s");
        return;
    }
    let mut secs = secs;
    for (unit, name) in [
        (31_536_000, "y"),
        (604_800, "w"),
        (86_400, "d"),
        (3_600, "h"),
        (60, "m"),
        (1, "s"),
    ] {
        if secs >= unit {
            let _ = write!(out, "{}{name}", secs / unit);
            secs %= unit;
        }
    }
}

/// tcpdump's `hex_print_with_offset`: "IDENT0x0000: " then groups of two bytes, eight
/// groups a line; `length` bytes, Err (after printing what was captured) when fewer were.
pub(super) fn hex_print(out: &mut String, ident: &str, b: Bytes<'_>, length: usize) -> Walk {
    let have = b.b.get(..length.min(b.len())).unwrap_or_default();
    let mut groups = have.chunks(2).enumerate();
    for (i, pair) in &mut groups {
        if i % 8 == 0 {
            let _ = write!(out, "{ident}0x{:04x}: ", i * 2);
        }
        match pair {
            [a, c] => {
                let _ = write!(out, " {a:02x}{c:02x}");
            }
            [a] => {
                let _ = write!(out, " {a:02x}");
            }
            _ => {}
        }
    }
    if have.len() < length {
        return Err(b.trunc());
    }
    Ok(())
}

/// tcpdump's `print_unknown_data`: [`hex_print`] of what was captured of `length` bytes.
pub(super) fn unknown_data(out: &mut String, ident: &str, b: Bytes<'_>, length: usize) {
    let _ = hex_print(out, ident, b, length.min(b.len()));
}

/// tcpdump's `fn_print_char`: printable ASCII as is, others as `M-` and/or `^` escapes.
pub(super) fn print_char(out: &mut String, c: u8) {
    let mut c = c;
    if !c.is_ascii() {
        c &= 0x7f;
        out.push_str("M-");
    }
    if !(0x20..0x7f).contains(&c) {
        c ^= 0x40;
        out.push('^');
    }
    out.push(char::from(c));
}

/// tcpdump's `nd_printn`: `n` bytes through [`print_char`]; Err past the captured ones.
pub(super) fn printn(out: &mut String, b: Bytes<'_>, at: usize, n: usize) -> Walk {
    for i in 0..n {
        print_char(out, b.u8(at.saturating_add(i))?);
    }
    Ok(())
}

/// tcpdump's `tok2str`: the name for `v`, or `default` with the value in place of "{}".
pub(super) fn tok(table: &[(u32, &'static str)], v: u32) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == v).map(|(_, n)| *n)
}

/// tcpdump's `bittok2str`: the names of the bits set, joined by ", ", or `none`.
pub(super) fn bits(table: &[(u32, &'static str)], none: &str, v: u32) -> String {
    let names: Vec<&str> = table
        .iter()
        .filter(|(k, _)| *k != 0 && v & *k == *k)
        .map(|(_, n)| *n)
        .collect();
    if names.is_empty() {
        none.to_string()
    } else {
        names.join(", ")
    }
}

/// tcpdump's `bittok2str_nosep`: the names of the bits set, joined by nothing.
pub(super) fn bits_nosep(table: &[(u32, &'static str)], none: &str, v: u32) -> String {
    let s: String = table
        .iter()
        .filter(|(k, _)| *k != 0 && v & *k == *k)
        .map(|(_, n)| *n)
        .collect();
    if s.is_empty() {
        none.to_string()
    } else {
        s
    }
}

impl Dissector {
    /// tcpdump's `ND_DEFAULTPRINT(bp, length)` inside a printer: the hex and ASCII dump of
    /// `length` bytes; Err after what was captured when fewer were.
    pub(super) fn default_print_len(&self, out: &mut String, b: Bytes<'_>, length: usize) -> Walk {
        self.default_print(out, b.take(length).b);
        if b.len() < length {
            return Err(b.trunc());
        }
        Ok(())
    }

    /// A message after its IP header (`ip`), or after the link header (None).
    pub(super) fn message(&mut self, out: &mut String, m: &Message<'_>, ip: Option<&Ip>) {
        let result = match m.proto {
            Proto::Pim => self.pim(out, m, ip),
            Proto::Ospf => self.ospf(out, m, ip),
            Proto::Eigrp => self.eigrp(out, m),
            Proto::Aoe => self.aoe(out, m),
            Proto::Decnet => self.decnet(out, m),
            Proto::Babel => self.babel(out, m),
            Proto::Geonet => self.geonet(out, m),
            Proto::CalmFast => self.calm_fast(out, m),
            Proto::BcmLi => self.bcm_li(out, m),
            Proto::OpenFlow => self.openflow(out, m),
            Proto::Resp => super::resp::print(out, m),
            Proto::Sflow => self.sflow(out, m),
        };
        if let Err(Trunc(proto)) = result {
            let _ = write!(out, " [|{proto}]");
            self.early_end = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times() {
        for (secs, want) in [(0, "0s"), (50, "50s"), (210, "3m30s"), (90061, "1d1h1m1s")] {
            let mut s = String::new();
            relts(&mut s, secs);
            assert_eq!(s, want);
        }
    }

    #[test]
    fn hex_print_cut_short() {
        let mut s = String::new();
        let b = Bytes::new(&[0, 0x32, 7], "pim");
        assert_eq!(hex_print(&mut s, "\n\t    ", b, 2), Ok(()));
        assert_eq!(s, "\n\t    0x0000:  0032");
        s.clear();
        assert_eq!(hex_print(&mut s, "\n\t", b, 5), Err(Trunc("pim")));
        assert_eq!(s, "\n\t0x0000:  0032 07");
    }

    #[test]
    fn reads_are_checked() {
        let b = Bytes::new(&[1, 2, 3], "x");
        assert_eq!(b.be16(1), Ok(0x0203));
        assert_eq!(b.be16(2), Err(Trunc("x")));
        assert_eq!(b.be32(usize::MAX), Err(Trunc("x")));
        assert_eq!(b.from(5).len(), 0);
    }
}
