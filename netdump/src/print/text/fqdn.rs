//! Domain names inside other protocols' payloads, as tcpdump's `fqdn_print` (print-domain.c)
//! prints them: labels, compression pointers relative to a base, bit labels, and its
//! complaints (`<BAD PTR>`, `<ELT n>`, `<DOMAIN NAME TOO LONG>`).

use std::fmt::Write as _;

use super::payload::{printn, u8_at, Get};

/// RFC 1035's limit on a name's characters.
const MAXCDNAME: usize = 255;

/// The length a label byte at `at` announces, or None after printing tcpdump's complaint
/// (or when the byte was not captured).
fn labellen(out: &mut String, b: &[u8], at: usize) -> Get<Option<usize>> {
    let Some(&i) = b.get(at) else {
        return Ok(None);
    };
    Ok(match i & 0xc0 {
        0x40 => {
            let elt = i & 0x3f;
            if elt != 1 {
                let _ = write!(out, "<ELT {elt}>");
                return Ok(None);
            }
            let Some(&bits) = b.get(at + 1) else {
                return Ok(None);
            };
            let bitlen = if bits == 0 { 256 } else { usize::from(bits) };
            Some(bitlen.div_ceil(8) + 1)
        }
        0x80 => {
            out.push_str("<BAD LABEL TYPE>");
            None
        }
        _ => Some(usize::from(i)),
    })
}

/// A bit-string label (RFC 2673) at `at`, after its type byte.
fn blabel(out: &mut String, b: &[u8], at: usize) -> Get<()> {
    let bits = u8_at(b, at)?;
    let bitlen = if bits == 0 { 256 } else { usize::from(bits) };
    let lim = at + 1 + bitlen.div_ceil(4);
    out.push_str("\\[x");
    let mut p = at + 1;
    let mut left = bitlen;
    while p < lim && left > 7 {
        let _ = write!(out, "{:02x}", u8_at(b, p)?);
        left -= 8;
        p += 1;
    }
    if left > 4 {
        let tc = u8_at(b, p)?;
        let _ = write!(out, "{:02x}", tc & (0xffu8 << (8 - left)));
    } else if left > 0 {
        let tc = u8_at(b, p)?;
        let _ = write!(out, "{:x}", ((tc >> 4) & 0x0f) & (0x0fu8 << (4 - left)));
    }
    let _ = write!(out, "/{bitlen}]");
    Ok(())
}

/// Prints the name at `cp` (pointers are offsets from `base`); the offset after the name
/// in place, or None where tcpdump's `fqdn_print` returns NULL.
pub(super) fn fqdn(out: &mut String, b: &[u8], cp: usize, base: usize) -> Get<Option<usize>> {
    let Some(mut l) = labellen(out, b, cp)? else {
        return Ok(None);
    };
    let Some(&first) = b.get(cp) else {
        return Ok(None);
    };
    // tcpdump computes this as an unsigned difference: a base after the name makes every
    // pointer acceptable.
    let mut max_offset = cp.wrapping_sub(base);
    let mut i = first;
    let mut cp = cp + 1;
    let mut compress = false;
    // Where the name ends in place (None until known, as tcpdump's NULL `rp`).
    let mut rp = (i & 0xc0 != 0xc0).then_some(cp + l);
    if i == 0 {
        out.push('.');
        return Ok(rp);
    }
    let mut name_chars = 0usize;
    while i != 0 && cp < b.len() {
        match i & 0xc0 {
            0xc0 => {
                if !compress {
                    rp = Some(cp + 1);
                    compress = true;
                }
                let Some(&lo) = b.get(cp) else {
                    return Ok(None);
                };
                let offset = ((usize::from(i) << 8) | usize::from(lo)) & 0x3fff;
                if offset >= max_offset {
                    out.push_str("<BAD PTR>");
                    return Ok(None);
                }
                max_offset = offset;
                cp = base.wrapping_add(offset);
                let Some(&next) = b.get(cp) else {
                    return Ok(None);
                };
                i = next;
                let Some(len) = labellen(out, b, cp)? else {
                    return Ok(None);
                };
                l = len;
                cp += 1;
                continue;
            }
            0x40 => {
                let elt = i & 0x3f;
                if elt != 1 {
                    let _ = write!(out, "<ELT {elt}>");
                    return Ok(None);
                }
                blabel(out, b, cp)?;
            }
            0x80 => {
                out.push_str("<BAD LABEL TYPE>");
                return Ok(None);
            }
            _ => {
                if name_chars + l <= MAXCDNAME {
                    if printn(out, b, cp, l) {
                        return Ok(None);
                    }
                } else if name_chars < MAXCDNAME && printn(out, b, cp, MAXCDNAME - name_chars) {
                    return Ok(None);
                }
                name_chars += l;
            }
        }
        cp += l;
        if name_chars <= MAXCDNAME {
            out.push('.');
        }
        name_chars += 1;
        let Some(&next) = b.get(cp) else {
            return Ok(None);
        };
        i = next;
        let Some(len) = labellen(out, b, cp)? else {
            return Ok(None);
        };
        l = len;
        cp += 1;
        if !compress {
            rp = rp.map(|r| r + l + 1);
        }
    }
    if name_chars > MAXCDNAME {
        out.push_str("<DOMAIN NAME TOO LONG>");
    }
    Ok(rp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(b: &[u8], at: usize, base: usize) -> (String, Option<usize>) {
        let mut s = String::new();
        let r = fqdn(&mut s, b, at, base).unwrap_or(None);
        (s, r)
    }

    #[test]
    fn labels_pointers_and_cuts() {
        let m = b"\x03www\x07example\x03com\x00\x03ftp\xc0\x04";
        assert_eq!(name(m, 0, 0), ("www.example.com.".into(), Some(17)));
        assert_eq!(name(m, 17, 0), ("ftp.example.com.".into(), Some(23)));
        assert_eq!(name(b"\x00", 0, 0), (".".into(), Some(1)));
        assert_eq!(name(b"\xc0\x00", 0, 0).0, "<BAD PTR>");
        for k in 0..m.len() {
            let (_, r) = name(&m[..k], 0, 0);
            // As in tcpdump, a capture ending right after a length byte ends the walk
            // there, the name's end still counted from the labels' lengths.
            assert!(r.is_none() || r <= Some(17), "{k}");
            assert_eq!(r.is_none(), k < 17 && ![1, 5, 13].contains(&k), "{k}");
        }
    }
}
