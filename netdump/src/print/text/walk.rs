//! Reading a message's captured bytes the way tcpdump's byte-walking printers do: every
//! read checked, and running off the end is a value ([`Cut`]) the printer turns into
//! tcpdump's `[|proto]`, after the words it had already printed (tcpdump's GET_ macros
//! longjmp out at that point, leaving the line as far as it got).
//!
//! Also tcpdump's token tables (`tok2str`, `bittok2str`) and character filter
//! (`fn_print_char`), which the LAN protocol printers share.

use std::fmt::Write as _;

/// The captured bytes ended before a field the printer wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cut;

/// What a byte-walking printer returns: `Err(Cut)` where tcpdump would print `[|proto]`.
pub(super) type Walk<T = ()> = Result<T, Cut>;

/// Captured bytes of one message, read at offsets from its start.
#[derive(Clone, Copy, Debug)]
pub(super) struct Bytes<'a>(pub &'a [u8]);

impl<'a> Bytes<'a> {
    /// `n` bytes at `at`.
    pub fn slice(&self, at: usize, n: usize) -> Walk<&'a [u8]> {
        self.0.get(at..at.checked_add(n).ok_or(Cut)?).ok_or(Cut)
    }

    /// The bytes from `at` on (empty past the end).
    pub fn from(&self, at: usize) -> Bytes<'a> {
        Bytes(self.0.get(at..).unwrap_or_default())
    }

    /// True when `n` bytes at `at` were captured (tcpdump's ND_TTEST_LEN).
    pub fn has(&self, at: usize, n: usize) -> bool {
        self.slice(at, n).is_ok()
    }

    pub fn u8(&self, at: usize) -> Walk<u8> {
        self.0.get(at).copied().ok_or(Cut)
    }

    pub fn be16(&self, at: usize) -> Walk<u16> {
        let s = self.slice(at, 2)?;
        Ok(u16::from_be_bytes([s[0], s[1]]))
    }

    pub fn be24(&self, at: usize) -> Walk<u32> {
        let s = self.slice(at, 3)?;
        Ok(u32::from_be_bytes([0, s[0], s[1], s[2]]))
    }

    pub fn be32(&self, at: usize) -> Walk<u32> {
        let s = self.slice(at, 4)?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }

    pub fn be48(&self, at: usize) -> Walk<u64> {
        let s = self.slice(at, 6)?;
        Ok(s.iter().fold(0, |v, &b| v << 8 | u64::from(b)))
    }

    pub fn be64(&self, at: usize) -> Walk<u64> {
        let s = self.slice(at, 8)?;
        Ok(s.iter().fold(0, |v, &b| v << 8 | u64::from(b)))
    }

    pub fn ipv4(&self, at: usize) -> Walk<super::Host> {
        let s = self.slice(at, 4)?;
        Ok(std::net::Ipv4Addr::new(s[0], s[1], s[2], s[3]).into())
    }

    pub fn ipv6(&self, at: usize) -> Walk<super::Host> {
        let s: [u8; 16] = self.slice(at, 16)?.try_into().map_err(|_| Cut)?;
        Ok(std::net::Ipv6Addr::from(s).into())
    }
}

/// tcpdump's `tok2str`: the name for `v`, if the table has one.
pub(super) fn tok(table: &[(u32, &'static str)], v: u32) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == v).map(|(_, s)| *s)
}

/// tcpdump's `bittok2str` (`sep` ", ") and `bittok2str_nosep` (`sep` ""): the names of every
/// entry whose bits are all set in `v`, or None when none is.
pub(super) fn bits(table: &[(u32, &'static str)], v: u32, sep: &str) -> Option<String> {
    let mut s = String::new();
    for &(k, name) in table {
        if k != 0 && v & k == k {
            if !s.is_empty() {
                s.push_str(sep);
            }
            s.push_str(name);
        }
    }
    (!s.is_empty()).then_some(s)
}

pub(super) use super::chars::print_char;

/// tcpdump's `nd_printjnp`: up to `n` characters at `at`, stopping at a NUL; Cut when the
/// capture ends first (after printing what it had).
pub(super) fn printjnp(out: &mut String, b: Bytes<'_>, at: usize, n: usize) -> Walk {
    for i in 0..n {
        let c = b.u8(at.checked_add(i).ok_or(Cut)?)?;
        if c == 0 {
            break;
        }
        print_char(out, c);
    }
    Ok(())
}

/// tcpdump's `nd_printn`: `n` characters at `at` (NULs included, escaped), as many as were
/// captured; Cut when fewer were.
pub(super) fn printn(out: &mut String, b: Bytes<'_>, at: usize, n: usize) -> Walk {
    printjn(out, b, at, n)
}

/// tcpdump's `nd_printjn`: exactly `n` characters at `at` (NULs included, escaped).
pub(super) fn printjn(out: &mut String, b: Bytes<'_>, at: usize, n: usize) -> Walk {
    for i in 0..n {
        print_char(out, b.u8(at.checked_add(i).ok_or(Cut)?)?);
    }
    Ok(())
}

/// tcpdump's `hex_print` with an indent (`print_unknown_data`): lines of
/// `{ident}0xOOOO:  hhhh ...`, 16 bytes a line; Cut when fewer than `n` bytes were captured
/// (after dumping those).
pub(super) fn hex_print(out: &mut String, ident: &str, b: Bytes<'_>, at: usize, n: usize) -> Walk {
    let avail = b.0.get(at..).unwrap_or_default();
    let data = &avail[..n.min(avail.len())];
    let mut i = 0;
    for (line, chunk) in data.chunks(16).enumerate() {
        let _ = write!(out, "{ident}0x{:04x}: ", line * 16);
        for pair in chunk.chunks(2) {
            match pair {
                [x, y] => {
                    let _ = write!(out, " {x:02x}{y:02x}");
                }
                [x] => {
                    let _ = write!(out, " {x:02x}");
                }
                _ => {}
            }
            i += pair.len();
        }
    }
    if i < n {
        return Err(Cut);
    }
    Ok(())
}

/// tcpdump's `print_unknown_data`: [`hex_print`] of what was captured, never cut.
pub(super) fn unknown_data(out: &mut String, ident: &str, b: Bytes<'_>, at: usize, n: usize) {
    let avail = b.0.len().saturating_sub(at);
    let _ = hex_print(out, ident, b, at, n.min(avail));
}

/// tcpdump's `unsigned_relts_print`: a number of seconds as `1h2m3s`.
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
        (3600, "h"),
        (60, "m"),
        (1, "s"),
    ] {
        if secs >= unit {
            let _ = write!(out, "{}{name}", secs / unit);
            secs %= unit;
        }
    }
}

/// tcpdump's `nd_print_trunc`: ` [|proto]`.
pub(super) fn trunc(out: &mut String, proto: &str) {
    let _ = write!(out, " [|{proto}]");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_checked() {
        let b = Bytes(&[1, 2, 3, 4, 5]);
        assert_eq!(b.be16(3), Ok(0x0405));
        assert_eq!(b.be16(4), Err(Cut));
        assert_eq!(b.be32(1), Ok(0x02030405));
        assert_eq!(b.slice(usize::MAX, 2), Err(Cut));
        assert!(b.from(9).0.is_empty());
    }

    #[test]
    fn chars_are_escaped_as_tcpdump_does() {
        let mut s = String::new();
        for c in [b'a', 0, 0x7f, 0xe9, b' '] {
            print_char(&mut s, c);
        }
        assert_eq!(s, "a^@^?M-i ");
    }

    #[test]
    fn relative_times() {
        let mut s = String::new();
        for t in [0, 3, 90, 3661] {
            relts(&mut s, t);
            s.push(' ');
        }
        assert_eq!(s, "0s 3s 1m30s 1h1m1s ");
    }

    #[test]
    fn bit_names_join() {
        let t = [(1, "A"), (2, "B"), (4, "C")];
        assert_eq!(bits(&t, 5, ", ").as_deref(), Some("A, C"));
        assert_eq!(bits(&t, 8, ", "), None);
    }

    #[test]
    fn hex_print_is_cut_when_short() {
        let mut s = String::new();
        assert_eq!(hex_print(&mut s, "\n\t", Bytes(&[1, 2, 3]), 0, 5), Err(Cut));
        assert_eq!(s, "\n\t0x0000:  0102 03");
    }
}
