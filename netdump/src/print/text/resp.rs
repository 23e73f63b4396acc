//! RESP, the Redis serialization protocol (TCP 6379, `-T resp`), as tcpdump's print-resp.c
//! says it: each value's text in quotes, pipelined values one after another.

use super::message::{print_char, printn, Bytes, Trunc, Walk};
use crate::decode::message::Message;

/// Bytes taken, or the walk ends with `[|resp]` (cut short, or given up as invalid).
type Taken = Result<usize, Trunc>;

pub(super) fn print(out: &mut String, m: &Message<'_>) -> Walk {
    let b = Bytes::new(m.raw, "resp");
    out.push_str(": RESP");
    let mut length = m.length as usize;
    let mut at = 0;
    while length > 0 {
        let n = parse(out, b, at, length)?;
        at += n;
        length = length.saturating_sub(n);
    }
    Ok(())
}

fn parse(out: &mut String, b: Bytes<'_>, at: usize, length: usize) -> Taken {
    if length < 1 {
        return Err(b.trunc());
    }
    match b.u8(at)? {
        b'+' | b':' | b'-' => string_error_integer(out, b, at, length),
        b'$' => bulk_string(out, b, at, length),
        b'*' => array(out, b, at, length),
        _ => inline(out, b, at, length),
    }
}

/// tcpdump's FIND_CRLF: the offset of the next "\r\n" within `len` bytes.
fn find_crlf(b: Bytes<'_>, mut at: usize, mut len: usize) -> Result<(usize, usize), Trunc> {
    loop {
        if len < 2 {
            return Err(b.trunc());
        }
        b.get(at, 2)?;
        if b.u8(at)? == b'\r' && b.u8(at + 1)? == b'\n' {
            return Ok((at, len));
        }
        at += 1;
        len -= 1;
    }
}

/// tcpdump's RESP_PRINT_SEGMENT.
fn segment(out: &mut String, b: Bytes<'_>, at: usize, len: usize) -> Walk {
    out.push_str(" \"");
    printn(out, b, at, len)?;
    print_char(out, b'"');
    Ok(())
}

fn string_error_integer(out: &mut String, b: Bytes<'_>, at: usize, length: usize) -> Taken {
    let start = at + 1;
    let (end, _) = find_crlf(b, start, length - 1)?;
    let len = end - start;
    segment(out, b, start, len)?;
    Ok(1 + len + 2)
}

/// tcpdump's `resp_get_length`: the length (or -1 null, -2 cut short, -3 too large,
/// -4 negative, -5 invalid) and where it ended.
fn get_length(b: Bytes<'_>, mut at: usize, mut len: usize) -> Result<(i64, usize), Trunc> {
    if len == 0 {
        return Ok((-2, at));
    }
    let mut neg = false;
    if b.u8(at)? == b'-' {
        neg = true;
        at += 1;
        len -= 1;
    }
    let mut result: i64 = 0;
    let mut saw_digit = false;
    let mut too_large = false;
    loop {
        if len == 0 {
            return Ok((-2, at));
        }
        let c = b.u8(at)?;
        if !c.is_ascii_digit() {
            if !saw_digit {
                return Ok((-5, at + 1));
            }
            break;
        }
        let d = i64::from(c - b'0');
        let max = i64::from(i32::MAX);
        if result > max / 10 {
            too_large = true;
        } else {
            result *= 10;
            if result == (max / 10) * 10 && d > max % 10 {
                too_large = true;
            } else {
                result += d;
            }
        }
        at += 1;
        len -= 1;
        saw_digit = true;
    }
    if b.u8(at)? != b'\r' {
        return Ok((-5, at + 1));
    }
    at += 1;
    len -= 1;
    if len == 0 {
        return Ok((-2, at));
    }
    if b.u8(at)? != b'\n' {
        return Ok((-5, at + 1));
    }
    at += 1;
    if neg {
        if too_large || result != 1 {
            return Ok((-4, at));
        }
        return Ok((-1, at));
    }
    Ok((if too_large { -3 } else { result }, at))
}

/// The words for a length that is not one.
fn odd_length(out: &mut String, b: Bytes<'_>, n: i64) -> Walk {
    match n {
        -1 => out.push_str(" null"),
        -2 => return Err(b.trunc()),
        -3 => out.push_str(" length too large"),
        -4 => out.push_str(" length negative and not -1"),
        _ => out.push_str(" invalid"),
    }
    Ok(())
}

fn bulk_string(out: &mut String, b: Bytes<'_>, at: usize, length: usize) -> Taken {
    // C ints: the remaining length may go below zero on invalid input.
    let mut cur = length as i64 - 1;
    let start = at + 1;
    let (n, mut at) = get_length(b, start, usize::try_from(cur).unwrap_or(0))?;
    cur -= (at - start) as i64;
    if n >= 0 {
        if n == 0 {
            out.push_str(" empty");
        } else {
            if cur < n {
                return Err(b.trunc());
            }
            let n = n as usize;
            b.get(at, n)?;
            segment(out, b, at, n)?;
            at += n;
            cur -= n as i64;
        }
        let (end, left) = find_crlf(b, at, usize::try_from(cur).unwrap_or(0))?;
        cur = left as i64 - 2;
        let _ = end;
    } else {
        odd_length(out, b, n)?;
    }
    Ok((length as i64 - cur).max(0) as usize)
}

fn array(out: &mut String, b: Bytes<'_>, at: usize, length: usize) -> Taken {
    let mut cur = length as i64 - 1;
    let start = at + 1;
    let (n, mut at) = get_length(b, start, usize::try_from(cur).unwrap_or(0))?;
    cur -= (at - start) as i64;
    if n > 0 {
        for _ in 0..n {
            let taken = parse(out, b, at, usize::try_from(cur).unwrap_or(0))?;
            at += taken;
            cur -= taken as i64;
        }
    } else if n == 0 {
        out.push_str(" empty");
    } else {
        odd_length(out, b, n)?;
    }
    Ok((length as i64 - cur).max(0) as usize)
}

/// tcpdump's CONSUME_CR_OR_LF: skips "\r"s and "\n"s; Err when the data ends before one
/// other byte unless some were skipped.
fn skip_cr_lf(b: Bytes<'_>, mut at: usize, mut cur: i64) -> Result<(usize, i64), Trunc> {
    let mut found = false;
    loop {
        if cur <= 0 || b.get(at, 1).is_err() {
            if found {
                return Ok((at, cur));
            }
            return Err(b.trunc());
        }
        let c = b.u8(at)?;
        if c != b'\r' && c != b'\n' {
            return Ok((at, cur));
        }
        found = true;
        at += 1;
        cur -= 1;
    }
}

fn inline(out: &mut String, b: Bytes<'_>, at: usize, length: usize) -> Taken {
    let (start, mut cur) = skip_cr_lf(b, at, length as i64)?;
    let mut end = start;
    loop {
        if cur < 1 {
            return Err(b.trunc());
        }
        let c = b.u8(end)?;
        if c == b'\r' || c == b'\n' {
            break;
        }
        end += 1;
        cur -= 1;
    }
    segment(out, b, start, end - start)?;
    let (_, cur) = skip_cr_lf(b, end, cur)?;
    Ok((length as i64 - cur).max(0) as usize)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::decode::message::Proto;

    fn text(bytes: &[u8]) -> String {
        let m = Message {
            proto: Proto::Resp,
            raw: bytes,
            length: bytes.len() as u32,
            ip: None,
            link_src: None,
            ports: None,
        };
        let mut out = String::new();
        if let Err(Trunc(p)) = print(&mut out, &m) {
            let _ = write!(out, " [|{p}]");
        }
        out
    }

    #[test]
    fn values_as_tcpdump_prints_them() {
        assert_eq!(text(b"PING\r\n"), ": RESP \"PING\"");
        assert_eq!(
            text(b"*2\r\n$4\r\nINCR\r\n$1\r\nz\r\n+OK\r\n"),
            ": RESP \"INCR\" \"z\" \"OK\""
        );
        assert_eq!(text(b"$0\r\n\r\n"), ": RESP empty");
        assert_eq!(text(b"$-1\r\n"), ": RESP null");
        assert_eq!(text(b"*-5\r\n"), ": RESP length negative and not -1");
        assert_eq!(text(b"$4\r\nPI"), ": RESP [|resp]");
        let full = b"*2\r\n$4\r\nINCR\r\n$1\r\nz\r\n";
        for k in 0..full.len() {
            let _ = text(&full[..k]);
        }
    }
}
