//! tcpdump's way of showing arbitrary bytes as text (util-print.c `fn_print_char`): bytes
//! above 0x7f as `M-` and their low seven bits, control characters as `^` and their
//! letter.

/// Appends one byte as tcpdump's `fn_print_char` does.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_tcpdump() {
        let mut s = String::new();
        for c in [b'3', 0xcd, 0xaa, 0, 1, 0x7f, 0xff] {
            print_char(&mut s, c);
        }
        assert_eq!(s, "3M-MM-*^@^A^?M-^?");
    }
}
