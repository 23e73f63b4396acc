//! IPv4 options at `-v` (tcpdump 4.99's `ip_optprint`, with its record-route and timestamp
//! walkers): the words inside "options (...)".

use std::fmt::Write as _;

use super::walk::{Bytes, Cut, Walk};

/// tcpdump's `ip_option_values`.
fn name(code: u8) -> Option<&'static str> {
    Some(match code {
        0 => "EOL",
        1 => "NOP",
        68 => "timestamp",
        130 => "security",
        7 => "RR",
        137 => "SSRR",
        131 => "LSRR",
        148 => "RA",
        82 => "traceroute",
        _ => return None,
    })
}

/// The `length` option bytes at the start of `b` (the captured bytes from the first option
/// on, up to the datagram's end, since a walker may read a little past an option as
/// tcpdump's does). Err when tcpdump says "[truncated-option]".
pub(super) fn print(out: &mut String, b: &[u8], length: usize) -> Walk {
    let b = Bytes(b);
    let mut at = 0;
    let mut length = length;
    let mut sep = "";
    while length > 0 {
        out.push_str(sep);
        sep = ",";
        let code = b.u8(at)?;
        match name(code) {
            Some(n) => out.push_str(n),
            None => {
                let _ = write!(out, "unknown {code}");
            }
        }
        let len = if code <= 1 {
            1
        } else {
            let len = usize::from(b.u8(at + 1)?);
            if len < 2 {
                let _ = write!(out, " [bad length {len}]");
                return Ok(());
            }
            len
        };
        if len > length {
            let _ = write!(out, " [bad length {len}]");
            return Ok(());
        }
        b.slice(at, len)?;
        let opt = b.from(at);
        match code {
            0 => return Ok(()),
            68 => timestamp(out, opt, len)?,
            7 | 131 | 137 => route(out, opt, len)?,
            148 => {
                if len < 4 {
                    let _ = write!(out, " [bad length {len}]");
                } else {
                    let v = opt.be16(2)?;
                    if v != 0 {
                        let _ = write!(out, " value {v}");
                    }
                }
            }
            _ => {}
        }
        at += len;
        length -= len;
    }
    Ok(())
}

/// tcpdump's `ip_printroute`: the addresses of a record-route or source-route option.
fn route(out: &mut String, opt: Bytes<'_>, length: usize) -> Walk {
    if length < 3 {
        let _ = write!(out, " [bad length {length}]");
        return Ok(());
    }
    if (length + 1) & 3 != 0 {
        let _ = write!(out, " [bad length {length}]");
    }
    let raw_ptr = opt.u8(2)?;
    let ptr = usize::from(raw_ptr).wrapping_sub(1);
    if ptr < 3 || (ptr.wrapping_add(1)) & 3 != 0 || ptr > length + 1 {
        let _ = write!(out, " [bad ptr {raw_ptr}]");
    }
    let mut len = 3;
    while len < length {
        let _ = write!(out, " {}", opt.ipv4(len)?);
        if ptr > len {
            out.push(',');
        }
        len += 4;
    }
    Ok(())
}

/// tcpdump's `ip_printts`: the timestamp option's flag, hops and pointer.
fn timestamp(out: &mut String, opt: Bytes<'_>, length: usize) -> Walk {
    if length < 4 {
        let _ = write!(out, "[bad length {length}]");
        return Ok(());
    }
    out.push_str(" TS{");
    let flags = opt.u8(3)?;
    let hoplen = if flags & 0x0f != 0 { 8 } else { 4 };
    if (length - 4) & (hoplen - 1) != 0 {
        let _ = write!(out, "[bad length {length}]");
    }
    let raw_ptr = opt.u8(2)?;
    // tcpdump's u_int arithmetic: a pointer of 0 is a huge number.
    let ptr = usize::from(raw_ptr).wrapping_sub(1);
    let mut len = 0usize;
    if ptr < 4 || (ptr.wrapping_sub(4)) & (hoplen - 1) != 0 || ptr > length + 1 {
        let _ = write!(out, "[bad ptr {raw_ptr}]");
    }
    let known = match flags & 0x0f {
        0 => {
            out.push_str("TSONLY");
            true
        }
        1 => {
            out.push_str("TS+ADDR");
            true
        }
        3 => {
            out.push_str("PRESPEC");
            true
        }
        t => {
            let _ = write!(out, "[bad ts type {t}]");
            false
        }
    };
    if known {
        let mut sep = " ";
        len = 4;
        while len < length {
            if ptr == len {
                sep = " ^ ";
            }
            opt.slice(len, hoplen).map_err(|_| Cut)?;
            let ts = opt.be32(len + hoplen - 4)?;
            if hoplen == 8 {
                let _ = write!(out, "{sep}{ts}@{}", opt.ipv4(len)?);
            } else {
                let _ = write!(out, "{sep}{ts}@");
            }
            sep = " ";
            len += hoplen;
        }
    }
    if ptr == len {
        out.push_str(" ^ ");
    }
    if flags >> 4 != 0 {
        let _ = write!(out, " [{} hops not recorded]}} ", flags >> 4);
    } else {
        out.push('}');
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(b: &[u8]) -> (String, bool) {
        let mut s = String::new();
        let ok = print(&mut s, b, b.len()).is_ok();
        (s, ok)
    }

    #[test]
    fn tcpdump_4_99_words() {
        // EOL ends the list; the bytes after it are not counted (tcpdump master does).
        assert_eq!(words(&[0, 0, 0, 0]), ("EOL".into(), true));
        assert_eq!(words(&[148, 4, 0, 0]), ("RA".into(), true));
        assert_eq!(words(&[148, 4, 0, 7]), ("RA value 7".into(), true));
        assert_eq!(
            words(&[1, 69, 83]),
            ("NOP,unknown 69 [bad length 83]".into(), true)
        );
        assert_eq!(
            words(&[7, 7, 8, 198, 18, 0, 1, 0]),
            ("RR 198.18.0.1,,EOL".into(), true)
        );
        assert_eq!(
            words(&[68, 12, 5, 1, 198, 18, 0, 1, 0, 0, 0, 9]),
            ("timestamp TS{TS+ADDR ^ 9@198.18.0.1}".into(), true)
        );
        assert_eq!(
            words(&[68, 8, 9, 0x20, 0, 0, 0, 9]),
            (
                "timestamp TS{TSONLY 9@ ^  [2 hops not recorded]} ".into(),
                true
            )
        );
    }

    #[test]
    fn every_cut_and_pointer() {
        let samples: &[&[u8]] = &[
            &[68, 14, 0, 0x31, 198, 18, 0, 1, 0, 0, 0, 9, 1, 2],
            &[
                131, 25, 15, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
            ],
            &[68, 4, 0, 2],
        ];
        for s in samples {
            for k in 0..=s.len() {
                for length in [k, s.len()] {
                    let mut out = String::new();
                    let _ = print(&mut out, &s[..k], length);
                }
            }
        }
    }
}
