//! HTTP wording (tcpdump's print-http.c over `txtproto_print`): `HTTP` and, for a request
//! or response, its first line; with `-v` the payload's length and every text line.

use std::fmt::Write as _;

use super::{
    payload::{u8_at, Get},
    Dissector,
};
use crate::decode::http::{Http, METHODS};

/// tcpdump's `MAX_TOKEN`: longer first words are not commands.
const MAX_TOKEN: usize = 128;

impl Dissector {
    /// An HTTP payload of `length` bytes by the IP header.
    pub(super) fn http(&mut self, out: &mut String, h: &Http<'_>, length: u32) {
        out.push_str(": ");
        let r = txtproto(out, h.raw, length as usize, self.opts.verbose > 0);
        self.app_end(out, "http", r);
    }
}

fn printable(c: u8) -> bool {
    (0x20..0x7f).contains(&c)
}

/// tcpdump's `fetch_token`: the word at `idx` and where the next one starts (0: none).
fn fetch_token(b: &[u8], mut idx: usize, len: usize) -> (usize, Vec<u8>) {
    let mut token = Vec::new();
    while idx < len {
        let Some(&c) = b.get(idx) else {
            return (0, token);
        };
        if !c.is_ascii() {
            return (0, token);
        }
        if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            break;
        }
        if !printable(c) || token.len() + 2 > MAX_TOKEN + 1 {
            return (0, token);
        }
        token.push(c);
        idx += 1;
    }
    if token.is_empty() {
        return (0, token);
    }
    while idx < len {
        let Some(&c) = b.get(idx) else { break };
        if c == b'\r' || c == b'\n' || !printable(c) || (c != b' ' && c != b'\t') {
            break;
        }
        idx += 1;
    }
    (idx, token)
}

/// tcpdump's `print_txt_line`: the line at `idx` after `prefix`; the index after its end,
/// or 0 when it is not a whole text line.
fn txt_line(out: &mut String, prefix: &str, b: &[u8], idx: usize, len: usize) -> Get<usize> {
    let start = idx;
    let mut idx = idx;
    let (line_end, next) = loop {
        if idx >= len {
            // All printable, but no line end: printed as if cut short.
            let _ = write!(out, "{prefix}");
            line(out, b, start, idx);
            out.push_str(" [|http]");
            return Ok(0);
        }
        let c = u8_at(b, idx)?;
        if c == b'\n' {
            break (idx, idx + 1);
        } else if c == b'\r' {
            if idx + 1 >= len {
                return Ok(0);
            }
            if u8_at(b, idx + 1)? == b'\n' {
                break (idx, idx + 2);
            }
            return Ok(0);
        } else if !printable(c) && c != b'\t' {
            return Ok(0);
        }
        idx += 1;
    };
    out.push_str(prefix);
    line(out, b, start, line_end);
    Ok(next)
}

/// Bytes already checked to be printable text.
fn line(out: &mut String, b: &[u8], from: usize, to: usize) {
    out.extend(
        b.get(from..to)
            .unwrap_or_default()
            .iter()
            .map(|&c| char::from(c)),
    );
}

/// tcpdump's `txtproto_print` with HTTP's commands and the response code second.
fn txtproto(out: &mut String, b: &[u8], len: usize, verbose: bool) -> Get<()> {
    let mut print_this = false;
    let (idx, token) = fetch_token(b, 0, len);
    if idx != 0 {
        if METHODS
            .iter()
            .any(|m| m.as_bytes().eq_ignore_ascii_case(&token))
        {
            print_this = true;
        }
        let (idx, token) = fetch_token(b, idx, len);
        if idx != 0 && token.len() == 3 && token.iter().all(u8::is_ascii_digit) {
            print_this = true;
        }
    }
    out.push_str("HTTP");
    if !print_this {
        return Ok(());
    }
    if verbose {
        let _ = write!(out, ", length: {len}");
        let mut idx = 0;
        while idx < len {
            let eol = txt_line(out, "\n\t", b, idx, len)?;
            if eol == 0 {
                break;
            }
            idx = eol;
        }
    } else {
        txt_line(out, ": ", b, 0, len)?;
    }
    Ok(())
}
