//! TFTP wording (tcpdump's print-tftp.c): opcode, file name and mode, options, block
//! numbers and error messages, at every verbosity.

use std::fmt::Write as _;

use super::{
    payload::{be16_at, printztn, tok, tok2str, u8_at, Get},
    Dissector,
};
use crate::decode::tftp::Tftp;

const OPCODES: &[(u32, &str)] = &[
    (1, "RRQ"),
    (2, "WRQ"),
    (3, "DATA"),
    (4, "ACK"),
    (5, "ERROR"),
    (6, "OACK"),
];

const ERRORS: &[(u32, &str)] = &[
    (0, "EUNDEF"),
    (1, "ENOTFOUND"),
    (2, "EACCESS"),
    (3, "ENOSPACE"),
    (4, "EBADOP"),
    (5, "EBADID"),
    (6, "EEXISTS"),
    (7, "ENOUSER"),
];

/// How the packet's text ended: `Trunc` is tcpdump's `goto trunc` (` [|tftp]`, no longjmp).
enum End {
    Done,
    Trunc,
}

impl Dissector {
    /// A TFTP packet of `length` bytes by the UDP header.
    pub(super) fn tftp(&mut self, out: &mut String, t: &Tftp<'_>, length: u32) {
        let r = tftp(out, t.raw, length as usize).map(|end| {
            if let End::Trunc = end {
                out.push_str(" [|tftp]");
            }
        });
        self.app_end(out, "tftp", r);
    }
}

/// NUL-terminated strings one after another until `length` is used up.
fn strings(out: &mut String, b: &[u8], at: &mut usize, length: &mut usize) -> Get<End> {
    while *length != 0 {
        if u8_at(b, *at)? != 0 {
            out.push(' ');
        }
        let used = printztn(out, b, *at, *length);
        if used == 0 {
            return Ok(End::Trunc);
        }
        *at += used;
        *length -= used;
    }
    Ok(End::Done)
}

fn tftp(out: &mut String, b: &[u8], mut length: usize) -> Get<End> {
    let _ = write!(out, "TFTP, length {length}");
    if length < 2 {
        return Ok(End::Trunc);
    }
    let opcode = be16_at(b, 0)?;
    out.push_str(", ");
    let Some(name) = tok(OPCODES, u32::from(opcode)) else {
        let _ = write!(out, "tftp-#{opcode}");
        return Ok(End::Done);
    };
    out.push_str(name);
    let mut at = 2;
    length -= 2;
    match opcode {
        1 | 2 => {
            if length == 0 {
                return Ok(End::Trunc);
            }
            out.push_str(" \"");
            let used = printztn(out, b, at, length);
            out.push('"');
            if used == 0 {
                return Ok(End::Trunc);
            }
            at += used;
            length -= used;
            if length == 0 {
                return Ok(End::Trunc);
            }
            out.push(' ');
            let used = printztn(out, b, at, length);
            if used == 0 {
                return Ok(End::Trunc);
            }
            at += used;
            length -= used;
            strings(out, b, &mut at, &mut length)
        }
        6 => strings(out, b, &mut at, &mut length),
        3 | 4 => {
            if length < 2 {
                return Ok(End::Trunc);
            }
            let _ = write!(out, " block {}", be16_at(b, at)?);
            Ok(End::Done)
        }
        _ => {
            if length < 2 {
                return Ok(End::Trunc);
            }
            let code = be16_at(b, at)?;
            out.push(' ');
            tok2str(out, ERRORS, "tftp-err-#%u \"", u32::from(code));
            at += 2;
            length -= 2;
            if length == 0 {
                return Ok(End::Trunc);
            }
            out.push_str(" \"");
            let used = printztn(out, b, at, length);
            out.push('"');
            Ok(if used == 0 { End::Trunc } else { End::Done })
        }
    }
}
