//! NTP wording (tcpdump's print-ntp.c): mode and length by default; with `-v` the time
//! message's fields, timestamps and deltas, or the control message's header.

use std::fmt::Write as _;

use super::{
    payload::{be16_at, be32_at, has, ipv4_at, printn, tok2str, u8_at, Get},
    Dissector,
};
use crate::decode::ntp::Ntp;

const MODES: &[(u32, &str)] = &[
    (0, "unspecified"),
    (1, "symmetric active"),
    (2, "symmetric passive"),
    (3, "Client"),
    (4, "Server"),
    (5, "Broadcast"),
    (6, "Control Message"),
    (7, "Reserved"),
];

const LEAP: &[(u32, &str)] = &[
    (0x00, ""),
    (0x40, "+1s"),
    (0x80, "-1s"),
    (0xc0, "clock unsynchronized"),
];

/// A time message's fixed part, without key id and digest.
const TIME_MIN_LEN: u32 = 48;
/// A control message's fixed part.
const CONTROL_MIN_LEN: u32 = 12;
/// 2^32, the scale of NTP fractions.
const FMAXINT: f64 = 4_294_967_296.0;
/// Seconds from 1900 (NTP's era 0) to 1970.
const JAN_1970: i64 = 2_208_988_800;

impl Dissector {
    /// An NTP message of `length` bytes by the UDP header.
    pub(super) fn ntp(&mut self, out: &mut String, n: &Ntp<'_>, length: u32) {
        let r = self.ntp_body(out, n.raw, length);
        self.app_end(out, "ntp", r);
    }

    fn ntp_body(&mut self, out: &mut String, b: &[u8], length: u32) -> Get<()> {
        let status = u8_at(b, 0)?;
        let _ = write!(out, "NTPv{}", (status & 0x38) >> 3);
        let mode = u32::from(status & 7);
        out.push_str(", ");
        tok2str(out, MODES, "Unknown mode", mode);
        let _ = write!(out, ", length {length}");
        if self.opts.verbose == 0 {
            return Ok(());
        }
        let leap = u32::from(status & 0xc0);
        out.push_str("\n\tLeap indicator: ");
        tok2str(out, LEAP, "Unknown", leap);
        let _ = write!(out, " ({leap})");
        match mode {
            0..=5 => time(out, b, length),
            6 => control(out, b, length),
            _ => Ok(()),
        }
    }
}

/// " (invalid)", then ` [|ntp]` if the message was not captured whole (not a longjmp).
fn invalid(out: &mut String, b: &[u8], length: u32) {
    out.push_str(" (invalid)");
    if !has(b, 0, length as usize) {
        out.push_str(" [|ntp]");
    }
}

fn time(out: &mut String, b: &[u8], length: u32) -> Get<()> {
    if length < TIME_MIN_LEN {
        invalid(out, b, length);
        return Ok(());
    }
    let stratum = u8_at(b, 1)?;
    let _ = write!(out, ", Stratum {stratum} (");
    out.push_str(match stratum {
        0 => "unspecified",
        1 => "primary reference",
        2..=15 => "secondary reference",
        _ => "reserved",
    });
    out.push(')');
    let poll = u8_at(b, 2)? as i8;
    let _ = write!(out, ", poll {poll}");
    if poll > -32 && poll < 32 {
        if poll >= 0 {
            let _ = write!(out, " ({}s)", 1u32 << poll);
        } else {
            let _ = write!(out, " (1/{}s)", 1u32 << -poll);
        }
    }
    let _ = write!(out, ", precision {}", u8_at(b, 3)? as i8);
    // tcpdump's ND_TCHECKs here end the line with [|ntp] without a longjmp.
    let trunc = |out: &mut String| out.push_str(" [|ntp]");
    if !has(b, 4, 4) {
        trunc(out);
        return Ok(());
    }
    out.push_str("\n\tRoot Delay: ");
    sfix(out, b, 4)?;
    if !has(b, 8, 4) {
        trunc(out);
        return Ok(());
    }
    out.push_str(", Root dispersion: ");
    sfix(out, b, 8)?;
    if !has(b, 12, 4) {
        trunc(out);
        return Ok(());
    }
    out.push_str(", Reference-ID: ");
    match stratum {
        0 => out.push_str("(unspec)"),
        1 => {
            printn(out, b, 12, 4);
        }
        62 | 63 => {
            let what = if stratum == 62 {
                "INFO_QUERY"
            } else {
                "INFO_REPLY"
            };
            let _ = write!(out, "{} {what}", ipv4_at(b, 12)?);
            return Ok(());
        }
        _ => {
            let _ = write!(out, "0x{:08x}", be32_at(b, 12)?);
        }
    }
    for (at, name) in [
        (16, "Reference Timestamp:  "),
        (24, "Originator Timestamp: "),
        (32, "Receive Timestamp:    "),
        (40, "Transmit Timestamp:   "),
    ] {
        if !has(b, at, 8) {
            trunc(out);
            return Ok(());
        }
        let _ = write!(out, "\n\t  {name}");
        ntp_time(out, b, at)?;
    }
    out.push_str("\n\t    Originator - Receive Timestamp:  ");
    delta(out, b, 24, 32)?;
    out.push_str("\n\t    Originator - Transmit Timestamp: ");
    delta(out, b, 24, 40)?;
    match length {
        52 => {
            let _ = write!(out, "\n\tKey id: {}", be32_at(b, 48)?);
        }
        68 | 72 => {
            let _ = write!(out, "\n\tKey id: {}", be32_at(b, 48)?);
            let words = if length == 68 { 4 } else { 5 };
            if !has(b, 52, words * 4) {
                trunc(out);
                return Ok(());
            }
            out.push_str("\n\tAuthentication: ");
            for k in 0..words {
                let _ = write!(out, "{:08x}", be32_at(b, 52 + 4 * k)?);
            }
        }
        _ if length > TIME_MIN_LEN => {
            let _ = write!(
                out,
                "\n\t({} more bytes after the header)",
                length - TIME_MIN_LEN
            );
        }
        _ => {}
    }
    Ok(())
}

/// A short fixed-point number (16.16) as tcpdump's `p_sfix` prints it.
fn sfix(out: &mut String, b: &[u8], at: usize) -> Get<()> {
    let i = be16_at(b, at)?;
    let f = f64::from(be16_at(b, at + 2)?) / 65536.0;
    let _ = write!(out, "{i}.{:06}", (f * 1_000_000.0) as i32);
    Ok(())
}

/// A fraction of 2^32 as nanoseconds, truncated as tcpdump's double arithmetic does.
fn nanos(frac: u32) -> u32 {
    ((f64::from(frac) / FMAXINT) * 1_000_000_000.0) as u32
}

/// An NTP timestamp (32.32) and, when not zero, its UTC date (ntp.c `p_ntp_time`).
pub(super) fn ntp_time(out: &mut String, b: &[u8], at: usize) -> Get<()> {
    let i = be32_at(b, at)?;
    let f = nanos(be32_at(b, at + 4)?);
    let _ = write!(out, "{i}.{f:09}");
    if i != 0 {
        let tm = crate::sys::time::utc(i64::from(i) - JAN_1970);
        let _ = write!(
            out,
            " ({:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z)",
            tm.year, tm.month, tm.day, tm.hour, tm.minute, tm.second
        );
    }
    Ok(())
}

/// The difference of the timestamp at `new` and the one at `old` (`p_ntp_delta`); the
/// new one alone when the old one is zero.
fn delta(out: &mut String, b: &[u8], old: usize, new: usize) -> Get<()> {
    let (u, uf) = (be32_at(b, new)?, be32_at(b, new + 4)?);
    let (ou, ouf) = (be32_at(b, old)?, be32_at(b, old + 4)?);
    if ou == 0 && ouf == 0 {
        return ntp_time(out, b, new);
    }
    let (neg, i, f) = if u > ou {
        let borrow = u32::from(ouf > uf);
        (false, (u - ou).wrapping_sub(borrow), uf.wrapping_sub(ouf))
    } else if u < ou {
        let borrow = u32::from(uf > ouf);
        (true, (ou - u).wrapping_sub(borrow), ouf.wrapping_sub(uf))
    } else if uf > ouf {
        (false, 0, uf - ouf)
    } else {
        (true, 0, ouf - uf)
    };
    let _ = write!(out, "{}{i}.{:09}", if neg { "-" } else { "+" }, nanos(f));
    Ok(())
}

fn control(out: &mut String, b: &[u8], length: u32) -> Get<()> {
    if length < CONTROL_MIN_LEN {
        invalid(out, b, length);
        return Ok(());
    }
    let c = u8_at(b, 1)?;
    let _ = writeln!(
        out,
        ", {}, {}, {}, OpCode={}",
        if c & 0x80 != 0 { "Response" } else { "Request" },
        if c & 0x40 != 0 { "Error" } else { "OK" },
        if c & 0x20 != 0 { "More" } else { "Last" },
        c & 0x1f
    );
    let _ = write!(out, "\tSequence={}", be16_at(b, 2)?);
    let status = be16_at(b, 4)?;
    if status == 0 {
        out.push_str(", Status=0");
    } else {
        let _ = write!(out, ", Status={status:#x}");
    }
    let _ = write!(out, ", Assoc.={}", be16_at(b, 6)?);
    let _ = write!(out, ", Offset={}", be16_at(b, 8)?);
    let count = be16_at(b, 10)?;
    let _ = write!(out, ", Count={count}");
    if CONTROL_MIN_LEN + u32::from(count) > length {
        invalid(out, b, length);
        return Ok(());
    }
    if count != 0 {
        if !has(b, 12, usize::from(count)) {
            out.push_str(" [|ntp]");
            return Ok(());
        }
        out.push_str("\n\tTO-BE-DONE: data not interpreted");
    }
    Ok(())
}
