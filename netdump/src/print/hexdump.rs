//! tcpdump's `-x`, `-X` and `-A` payload dumps, byte for byte as print-ascii.c lays them out.

use std::fmt::Write as _;

/// A printable character for the ASCII column: tcpdump's ND_ASCII_ISGRAPH (space is not).
fn graph(b: u8) -> char {
    if b > 0x20 && b <= 0x7e {
        b as char
    } else {
        '.'
    }
}

/// `-x`: lines of `\n\t0xOOOO:  hhhh hhhh ...`, 16 bytes a line.
pub fn hex(out: &mut String, data: &[u8]) {
    for (line, chunk) in data.chunks(16).enumerate() {
        let _ = write!(out, "\n\t0x{:04x}: ", line * 16);
        for pair in chunk.chunks(2) {
            match pair {
                [a, b] => {
                    let _ = write!(out, " {a:02x}{b:02x}");
                }
                [a] => {
                    let _ = write!(out, " {a:02x}");
                }
                _ => {}
            }
        }
    }
}

/// tcpdump's `print_unknown_data` (hex_print with an indent): `ident` then `0xOOOO: `
/// before every 16 bytes, the bytes as ` hhhh` pairs. Printers call it for bytes they do
/// not decode; what was not captured is left out.
pub fn unknown_data(out: &mut String, ident: &str, data: &[u8]) {
    for (line, chunk) in data.chunks(16).enumerate() {
        let _ = write!(out, "{ident}0x{:04x}: ", line * 16);
        for pair in chunk.chunks(2) {
            match pair {
                [a, b] => {
                    let _ = write!(out, " {a:02x}{b:02x}");
                }
                [a] => {
                    let _ = write!(out, " {a:02x}");
                }
                _ => {}
            }
        }
    }
}

/// `-X`: as `-x`, with the hex column padded to 40 and an ASCII column after two spaces.
pub fn hex_ascii(out: &mut String, data: &[u8]) {
    for (line, chunk) in data.chunks(16).enumerate() {
        let mut hex = String::with_capacity(40);
        let mut ascii = String::with_capacity(16);
        for pair in chunk.chunks(2) {
            for b in pair {
                ascii.push(graph(*b));
            }
            match pair {
                [a, b] => {
                    let _ = write!(hex, " {a:02x}{b:02x}");
                }
                [a] => {
                    let _ = write!(hex, " {a:02x}");
                }
                _ => {}
            }
        }
        let _ = write!(out, "\n\t0x{:04x}: {hex:<40}  {ascii}", line * 16);
    }
}

/// `-A`: the bytes as text on a new line; unprintable bytes as `.`, a CR before LF dropped.
pub fn ascii(out: &mut String, data: &[u8]) {
    out.push('\n');
    for (i, &b) in data.iter().enumerate() {
        if b == b'\r' {
            if data.get(i + 1) != Some(&b'\n') {
                out.push('.');
            }
        } else if b > 0x20 && b <= 0x7e || b == b'\t' || b == b' ' || b == b'\n' {
            out.push(b as char);
        } else {
            out.push('.');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_lines_and_odd_tail() {
        let data: Vec<u8> = (0..19).collect();
        let mut s = String::new();
        hex(&mut s, &data);
        assert_eq!(
            s,
            "\n\t0x0000:  0001 0203 0405 0607 0809 0a0b 0c0d 0e0f\n\t0x0010:  1011 12"
        );
    }

    #[test]
    fn hex_ascii_pads_the_last_line() {
        let mut s = String::new();
        hex_ascii(&mut s, b"GET / HTTP/1.1\r\n!");
        assert_eq!(
            s,
            "\n\t0x0000:  4745 5420 2f20 4854 5450 2f31 2e31 0d0a  GET./.HTTP/1.1..\
             \n\t0x0010:  21                                       !"
        );
    }

    #[test]
    fn ascii_keeps_newlines_and_drops_crlf_cr() {
        let mut s = String::new();
        ascii(&mut s, b"a b\r\nc\rd\x01");
        assert_eq!(s, "\na b\nc.d.");
    }
}
