//! Reading an application payload the way tcpdump's printers do: every field through a
//! checked access that fails with [`Cut`] where tcpdump's `GET_` macros would longjmp out
//! of the printer, and tcpdump's character filters (`fn_print_char`, `nd_printn`, ...).
//!
//! The application printers (NTP, BOOTP, RADIUS, ...) walk their payload bytes with these;
//! [`Dissector::app_end`] turns a [`Cut`] into tcpdump's ` [|proto]`.

use std::fmt::Write as _;

use super::Dissector;

/// The captured bytes ended where a printer wanted to read: tcpdump's `GET_` macros
/// longjmp out of the printer, which then prints ` [|proto]` and dumps (-x) from the
/// frame's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cut;

pub(super) type Get<T> = Result<T, Cut>;

pub(super) fn u8_at(b: &[u8], at: usize) -> Get<u8> {
    b.get(at).copied().ok_or(Cut)
}

pub(super) fn be16_at(b: &[u8], at: usize) -> Get<u16> {
    crate::decode::be16(b, at).ok_or(Cut)
}

pub(super) fn be24_at(b: &[u8], at: usize) -> Get<u32> {
    let s = bytes_at(b, at, 3)?;
    Ok(u32::from_be_bytes([0, s[0], s[1], s[2]]))
}

pub(super) fn be32_at(b: &[u8], at: usize) -> Get<u32> {
    crate::decode::be32(b, at).ok_or(Cut)
}

/// `n` captured bytes at `at`.
pub(super) fn bytes_at(b: &[u8], at: usize, n: usize) -> Get<&[u8]> {
    b.get(at..at.checked_add(n).ok_or(Cut)?).ok_or(Cut)
}

/// True when `n` bytes at `at` were captured (tcpdump's `ND_TTEST_LEN`).
pub(super) fn has(b: &[u8], at: usize, n: usize) -> bool {
    bytes_at(b, at, n).is_ok()
}

/// An IPv4 address at `at`.
pub(super) fn ipv4_at(b: &[u8], at: usize) -> Get<super::Host> {
    let s = bytes_at(b, at, 4)?;
    Ok(std::net::Ipv4Addr::new(s[0], s[1], s[2], s[3]).into())
}

/// An IPv6 address at `at`.
pub(super) fn ipv6_at(b: &[u8], at: usize) -> Get<super::Host> {
    let s: [u8; 16] = bytes_at(b, at, 16)?.try_into().map_err(|_| Cut)?;
    Ok(std::net::Ipv6Addr::from(s).into())
}

pub(super) use super::chars::print_char;

/// tcpdump's `nd_printn` with the capture's end as limit: up to `n` characters at `at`.
/// True when the capture ended first.
pub(super) fn printn(out: &mut String, b: &[u8], at: usize, n: usize) -> bool {
    let avail = b.len().saturating_sub(at);
    for &c in b
        .get(at..at.saturating_add(n.min(avail)))
        .unwrap_or_default()
    {
        print_char(out, c);
    }
    n > avail
}

/// tcpdump's `nd_printjnp`: up to `n` characters at `at`, stopping at a NUL; [`Cut`] when the
/// capture ends first.
pub(super) fn printjnp(out: &mut String, b: &[u8], at: usize, n: usize) -> Get<()> {
    for k in 0..n {
        let c = u8_at(b, at.saturating_add(k))?;
        if c == 0 {
            break;
        }
        print_char(out, c);
    }
    Ok(())
}

/// tcpdump's `nd_printztn` (limit: the capture's end): a NUL-terminated string of at most `n`
/// bytes; the bytes used with the NUL, or 0 when no NUL came first.
pub(super) fn printztn(out: &mut String, b: &[u8], at: usize, n: usize) -> usize {
    let mut used = 0usize;
    loop {
        if used == n {
            return 0;
        }
        let Some(&c) = b.get(at.saturating_add(used)) else {
            return 0;
        };
        used += 1;
        if c == 0 {
            return used;
        }
        print_char(out, c);
    }
}

/// tcpdump's `tok2str`: the name of `v` in `table`, or the default format with the value.
pub(super) fn tok2str(out: &mut String, table: &[(u32, &'static str)], default: &str, v: u32) {
    match tok(table, v) {
        Some(name) => out.push_str(name),
        None => write_default(out, default, v),
    }
}

/// The name of `v` in `table`.
pub(super) fn tok(table: &[(u32, &'static str)], v: u32) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == v).map(|(_, n)| *n)
}

/// tcpdump's `tok2str` fallbacks: a format with one `%u`, `%d` or `%x`/`0x%x` in it.
fn write_default(out: &mut String, default: &str, v: u32) {
    for (pat, hex) in [("%u", false), ("%d", false), ("%02x", true), ("%x", true)] {
        if let Some((a, b)) = default.split_once(pat) {
            out.push_str(a);
            if pat == "%02x" {
                let _ = write!(out, "{v:02x}");
            } else if hex {
                let _ = write!(out, "{v:x}");
            } else {
                let _ = write!(out, "{v}");
            }
            out.push_str(b);
            return;
        }
    }
    out.push_str(default);
}

/// tcpdump's `bittok2str`: the names of the bits set in `v`, joined by `sep`; when none is,
/// `fmt` with the value.
pub(super) fn bittok2str(table: &[(u32, &str)], fmt: &str, v: u32, sep: &str) -> String {
    let mut s = String::new();
    for &(bit, name) in table {
        if bit != 0 && v & bit == bit {
            if !s.is_empty() {
                s.push_str(sep);
            }
            s.push_str(name);
        }
    }
    if s.is_empty() {
        write_default(&mut s, fmt, v);
    }
    s
}

/// tcpdump's `print_unknown_data`: `hex_print` of the `n` bytes at `at`, or of those
/// captured.
pub(super) fn unknown_data(out: &mut String, b: &[u8], at: usize, n: usize, ident: &str) {
    let avail = b.len().saturating_sub(at);
    let data = b
        .get(at..at.saturating_add(n.min(avail)))
        .unwrap_or_default();
    hex_print(out, ident, data, 0);
}

/// tcpdump's `hex_print_with_offset`: 16 bytes a line, each line `ident0xOFFS: ` then
/// space-separated pairs.
pub(super) fn hex_print(out: &mut String, ident: &str, data: &[u8], oset: usize) {
    for (row, chunk) in data.chunks(16).enumerate() {
        let _ = write!(out, "{ident}0x{:04x}: ", oset + row * 16);
        for pair in chunk.chunks(2) {
            out.push(' ');
            for b in pair {
                let _ = write!(out, "{b:02x}");
            }
        }
    }
}

/// tcpdump's `hex_and_ascii_print`: 16 bytes a line, hex then the printable characters;
/// [`Cut`] after printing what was captured when `n` bytes were not.
pub(super) fn hex_and_ascii(
    out: &mut String,
    ident: &str,
    b: &[u8],
    at: usize,
    n: usize,
) -> Get<()> {
    let avail = b.len().saturating_sub(at);
    let data = b
        .get(at..at.saturating_add(n.min(avail)))
        .unwrap_or_default();
    for (row, chunk) in data.chunks(16).enumerate() {
        let mut hex = String::new();
        for pair in chunk.chunks(2) {
            hex.push(' ');
            for c in pair {
                let _ = write!(hex, "{c:02x}");
            }
        }
        let ascii: String = chunk
            .iter()
            .map(|&c| {
                if c.is_ascii_graphic() {
                    char::from(c)
                } else {
                    '.'
                }
            })
            .collect();
        let _ = write!(out, "{ident}0x{:04x}: {hex:<40}  {ascii}", row * 16);
    }
    if n > avail {
        return Err(Cut);
    }
    Ok(())
}

impl Dissector {
    /// Ends an application printer's text: a [`Cut`] becomes ` [|proto]`, and the -x dump
    /// then starts at the frame's first byte, as after tcpdump's longjmp.
    pub(super) fn app_end(&mut self, out: &mut String, proto: &str, r: Get<()>) {
        if r.is_err() {
            let _ = write!(out, " [|{proto}]");
            self.early_end = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_as_tcpdump_filters_them() {
        let mut s = String::new();
        for c in [b'a', 0, 0x7f, 0x80, 0xe9, b'\n'] {
            print_char(&mut s, c);
        }
        assert_eq!(s, "a^@^?M-^@M-i^J");
    }

    #[test]
    fn counted_strings_stop_at_the_capture() {
        let mut s = String::new();
        assert!(!printn(&mut s, b"abcd", 1, 2));
        assert!(printn(&mut s, b"abcd", 2, 9));
        assert!(printn(&mut s, b"abcd", 9, 1));
        assert_eq!(s, "bccd");
        let mut s = String::new();
        assert_eq!(printztn(&mut s, b"ab\0c", 0, 9), 3);
        assert_eq!(printztn(&mut s, b"ab", 0, 9), 0);
        assert_eq!(printztn(&mut s, b"ab\0", 0, 2), 0);
        assert_eq!(printjnp(&mut s, b"ab", 0, 3), Err(Cut));
        assert_eq!(printjnp(&mut s, b"ab\0", 0, 3), Ok(()));
    }

    #[test]
    fn tables() {
        let t = [(1, "one"), (2, "two"), (4, "four")];
        let mut s = String::new();
        tok2str(&mut s, &t, "unknown (%u)", 9);
        tok2str(&mut s, &t, "#%x", 255);
        tok2str(&mut s, &t, "?", 2);
        assert_eq!(s, "unknown (9)#fftwo");
        assert_eq!(bittok2str(&t, "none", 0, ", "), "none");
        assert_eq!(bittok2str(&t, "none", 5, ", "), "one, four");
        assert_eq!(bittok2str(&t, "#%x", 0x10, ", "), "#10");
        let mut s = String::new();
        hex_print(&mut s, "\n\t", &[1, 2, 3], 0);
        assert_eq!(s, "\n\t0x0000:  0102 03");
        assert_eq!(be24_at(&[1, 2, 3], 0), Ok(0x010203));
        assert_eq!(be32_at(&[1, 2, 3], 0), Err(Cut));
    }
}
