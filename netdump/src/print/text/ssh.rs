//! The SSH version exchange (TCP 22) as tcpdump's print-ssh.c says it: a segment that
//! starts with "SSH-" and holds a whole printable line shows that line.

use super::message::{Bytes, Walk};
use crate::decode::message::Message;

pub(super) fn print(out: &mut String, m: &Message<'_>) -> Walk {
    let b = Bytes::new(m.raw, "ssh");
    let len = m.length as usize;
    for (i, c) in b"SSH-".iter().enumerate() {
        if b.u8(i)? != *c {
            return Ok(());
        }
    }
    let mut idx = 4;
    while idx < len {
        match b.u8(idx)? {
            b'\n' => return line(out, b, idx),
            b'\r' => {
                if idx + 1 >= len || b.u8(idx + 1)? != b'\n' {
                    return Ok(());
                }
                return line(out, b, idx);
            }
            c if !(0x20..0x7f).contains(&c) => return Ok(()),
            _ => idx += 1,
        }
    }
    Ok(())
}

fn line(out: &mut String, b: Bytes<'_>, idx: usize) -> Walk {
    out.push_str(": SSH: ");
    out.push_str(&String::from_utf8_lossy(b.get(0, idx)?));
    Ok(())
}
