//! ZMTP/1.0 (ZeroMQ) as tcpdump's print-zeromq.c says it: over TCP with `-T zmtp1`, and
//! inside PGM data with `-T pgm_zmtp1` (`zmtp1_datagram_print`).

use std::fmt::Write as _;

use super::message::{Bytes, Trunc, Walk};
use super::payload::hex_and_ascii;

/// Body bytes dumped at a single `-v` (tcpdump's `VBYTES`).
const VBYTES: u64 = 128;

/// `zmtp1_print`: the frames of `len` bytes at the start of `b` (a TCP payload).
pub(super) fn stream(out: &mut String, b: Bytes<'_>, len: usize, verbose: u8) -> Walk {
    let b = b.named("zmtp1");
    let ep = b.len().min(len);
    out.push_str(": ZMTP/1.0");
    let mut cp = 0usize;
    while cp < ep {
        cp = frame(out, b, cp, ep, verbose)?;
    }
    Ok(())
}

/// `zmtp1_datagram_print`: a PGM ODATA/RDATA payload of `len` bytes (the PGM header's
/// TSDU length) at `at`: the offset of the first message, then frames.
pub(super) fn datagram(out: &mut String, b: Bytes<'_>, at: usize, len: u32, verbose: u8) -> Walk {
    let b = b.named("zmtp1");
    let ep = b.len().min(at.saturating_add(len as usize));
    let frame_offset = u32::from(b.be16(at)?);
    let _ = write!(out, "\n\t frame offset 0x{frame_offset:04x}");
    let cp = at + 2;
    let remaining = b.len().saturating_sub(cp) as u32;
    let frame_offset = if frame_offset == 0xffff {
        // "always within the declared length" (u_int arithmetic, as tcpdump's).
        len.wrapping_sub(2)
    } else if 2 + frame_offset > len {
        out.push_str(" (exceeds datagram declared length)");
        return Err(b.trunc());
    } else {
        frame_offset
    };
    if frame_offset != 0 {
        let _ = write!(out, "\n\t frame intermediate part, {frame_offset} bytes");
        if frame_offset > remaining {
            let _ = write!(out, " ({remaining} captured)");
        }
        if verbose > 0 {
            let mut printed = frame_offset.min(remaining);
            if verbose == 1 {
                printed = printed.min(VBYTES as u32);
            }
            if printed > 1 {
                let _ = write!(out, ", first {printed} byte(s):");
                hex_and_ascii(out, "\n\t ", b.b, cp, printed as usize).map_err(|_| b.trunc())?;
            }
        }
    }
    let mut cp = cp.saturating_add(frame_offset as usize);
    while cp < ep {
        cp = frame(out, b, cp, ep, verbose)?;
    }
    Ok(())
}

/// `zmtp1_print_frame`: one frame at `cp` (checks against the captured bytes, lengths
/// against `ep`); where the next starts.
fn frame(
    out: &mut String,
    b: Bytes<'_>,
    cp: usize,
    ep: usize,
    verbose: u8,
) -> Result<usize, Trunc> {
    out.push_str("\n\t");
    let (header_len, declared): (usize, u64) = if b.u8(cp)? != 0xff {
        let declared = u64::from(b.u8(cp)?);
        let _ = write!(out, " frame flags+body  (8-bit) length {declared}");
        (1, declared)
    } else {
        out.push_str(" frame flags+body (64-bit) length");
        let s = b.get(cp, 9)?;
        let mut be = [0u8; 8];
        be.copy_from_slice(&s[1..9]);
        let declared = u64::from_be_bytes(be);
        let _ = write!(out, " {declared}");
        (9, declared)
    };
    if declared == 0 {
        return Ok(cp + header_len);
    }
    let flags = b.u8(cp + header_len)?;
    // u_int64 arithmetic as tcpdump's (it wraps when `ep` is short of the header).
    let captured = (ep as u64)
        .wrapping_sub(cp as u64)
        .wrapping_sub(header_len as u64);
    if declared > captured {
        let _ = write!(out, " ({captured} captured)");
    }
    let _ = write!(out, ", flags 0x{flags:02x}");
    if verbose > 0 {
        let bit = |m: u8, s: &'static str| if flags & m != 0 { s } else { "-" };
        let _ = write!(
            out,
            " ({}|{}|{}|{}|{}|{}|{}|{})",
            bit(0x80, "MBZ"),
            bit(0x40, "MBZ"),
            bit(0x20, "MBZ"),
            bit(0x10, "MBZ"),
            bit(0x08, "MBZ"),
            bit(0x04, "MBZ"),
            bit(0x02, "MBZ"),
            bit(0x01, "MORE"),
        );
        let mut printed = captured.min(declared);
        if verbose == 1 {
            printed = printed.min(VBYTES + 1);
        }
        if printed > 1 {
            let _ = write!(out, ", first {} byte(s) of body:", printed - 1);
            // hex_and_ascii_print takes a u_int length.
            let n = (printed - 1) as u32 as usize;
            hex_and_ascii(out, "\n\t ", b.b, cp + header_len + 1, n).map_err(|_| b.trunc())?;
        }
    }
    let cp = cp + header_len;
    // The next frame must start within the captured bytes (tcpdump's ND_TCHECK_LEN).
    let next = usize::try_from(declared)
        .ok()
        .and_then(|d| cp.checked_add(d))
        .filter(|&n| n <= b.len())
        .ok_or(b.trunc())?;
    Ok(next)
}
