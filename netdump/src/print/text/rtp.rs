//! RTP and RTCP as tcpdump's `rtp_print` and `rtcp_print` (print-udp.c) say them: only with
//! `-T rtp` / `-T rtcp`, as tcpdump never guesses them from ports.

use std::fmt::Write as _;

use super::message::{Bytes, Walk};
use crate::decode::message::Message;

/// tcpdump's `FMAXINT`: 2^32, the NTP fraction's scale.
const FMAXINT: f64 = 4_294_967_296.0;

/// `rtp_print`: version, payload length and type, marker, sequence, timestamp; with `-v`
/// the SSRC (and an H.261 header word).
pub(super) fn rtp(out: &mut String, m: &Message<'_>, verbose: u8) -> Walk {
    let b = Bytes::new(m.raw, "rtp");
    let len = m.length;
    if len < 8 {
        let _ = write!(out, "udp/rtp, length {len} < 8");
        return Ok(());
    }
    let i0 = b.be32(0)?;
    let i1 = b.be32(4)?;
    let mut dlen = len - 8;
    // tcpdump walks 32-bit words: `ip` and `words` count them.
    let mut ip: usize = 2;
    let mut words = (len >> 2) - 2;
    let (mut hasopt, mut hasext) = (false, false);
    let (contype, hasmarker, ptype);
    if i0 >> 30 == 1 {
        hasopt = i0 & 0x80_0000 != 0;
        contype = (i0 >> 16) & 0x3f;
        hasmarker = i0 & 0x40_0000 != 0;
        ptype = "rtpv1";
    } else {
        if dlen < 4 {
            let _ = write!(out, "udp/rtp, length {} < 12", dlen + 8);
            return Ok(());
        }
        hasext = i0 & 0x1000_0000 != 0;
        contype = (i0 >> 16) & 0x7f;
        hasmarker = i0 & 0x80_0000 != 0;
        dlen -= 4;
        ptype = "rtp";
        ip += 1;
        words = words.wrapping_sub(1);
    }
    let _ = write!(
        out,
        "udp/{ptype} {dlen} c{contype} {}{} {} {i1}",
        if hasopt || hasext { "+" } else { "" },
        if hasmarker { "*" } else { "" },
        i0 & 0xffff,
    );
    if verbose == 0 {
        return Ok(());
    }
    let _ = write!(out, " {}", b.be32(8)?);
    if hasopt {
        loop {
            let i2 = b.be32(ip.saturating_mul(4))?;
            let optlen = (i2 >> 16) & 0xff;
            if optlen == 0 || optlen > words {
                out.push_str(" !opt");
                return Ok(());
            }
            ip = ip.saturating_add(optlen as usize);
            words -= optlen;
            if (i2 as i32) < 0 {
                break;
            }
        }
    }
    if hasext {
        let i2 = b.be32(ip.saturating_mul(4))?;
        let extlen = (i2 & 0xffff) + 1;
        if extlen > words {
            out.push_str(" !ext");
            return Ok(());
        }
        ip = ip.saturating_add(extlen as usize);
    }
    if contype == 0x1f {
        let _ = write!(out, " 0x{:04x}", b.be32(ip.saturating_mul(4))? >> 16);
    }
    Ok(())
}

/// `rtcp_print` in udp_print's loop: one RTCP packet after another up to the captured end
/// (tcpdump's `snapend`, not the UDP length); a packet cut short ends in ` [|rtcp]` and the
/// loop (tcpdump's `nd_print_trunc`, no longjmp).
pub(super) fn rtcp(out: &mut String, m: &Message<'_>, verbose: u8) -> Walk {
    let b = Bytes::new(m.raw, "rtcp");
    let ep = b.len();
    let mut cp = 0usize;
    while cp < ep {
        match rtcp_one(out, b, cp, verbose)? {
            Some(next) => cp = next,
            None => {
                out.push_str(" [|rtcp]");
                break;
            }
        }
    }
    Ok(())
}

/// One RTCP packet at `cp`: where the next starts, or None when this one was cut short.
fn rtcp_one(
    out: &mut String,
    b: Bytes<'_>,
    cp: usize,
    verbose: u8,
) -> Result<Option<usize>, super::message::Trunc> {
    const HDR: usize = 8;
    const SR: usize = 20;
    const RR: usize = 24;
    let ep = b.len();
    if cp + HDR > ep {
        return Ok(None);
    }
    let len = (usize::from(b.be16(cp + 2)?) + 1) * 4;
    let flags = b.be16(cp)?;
    let mut cnt = usize::from((flags >> 8) & 0x1f);
    let ssrc = b.be32(cp + 4)?;
    let mut rr = cp + HDR;
    match flags & 0xff {
        200 => {
            out.push_str(" sr");
            if len != cnt * RR + SR + HDR {
                let _ = write!(out, " [{len}]");
            }
            if verbose > 0 {
                let _ = write!(out, " {ssrc}");
            }
            let sr = cp + HDR;
            if sr + SR > ep {
                return Ok(None);
            }
            let ts = f64::from(b.be32(sr)?) + f64::from(b.be32(sr + 4)?) / FMAXINT;
            let _ = write!(
                out,
                " @{ts:.2} {} {}p {}b",
                b.be32(sr + 8)?,
                b.be32(sr + 12)?,
                b.be32(sr + 16)?
            );
            rr = sr + SR;
        }
        201 => {
            out.push_str(" rr");
            if len != cnt * RR + HDR {
                let _ = write!(out, " [{len}]");
            }
            if verbose > 0 {
                let _ = write!(out, " {ssrc}");
            }
        }
        t @ (202 | 203) => {
            let _ = write!(out, " {} {len}", if t == 202 { "sdes" } else { "bye" });
            if verbose > 0 {
                let _ = write!(out, " {ssrc}");
            }
            cnt = 0;
        }
        t => {
            let _ = write!(out, " type-0x{t:x} {len}");
            cnt = 0;
        }
    }
    if cnt > 1 {
        let _ = write!(out, " c{cnt}");
    }
    while cnt != 0 {
        if rr + RR > ep {
            return Ok(None);
        }
        if verbose > 0 {
            let _ = write!(out, " {}", b.be32(rr)?);
        }
        let ts = f64::from(b.be32(rr + 16)?) / 65536.0;
        let dts = f64::from(b.be32(rr + 20)?) / 65536.0;
        let _ = write!(
            out,
            " {}l {}s {}j @{ts:.2}+{dts:.2}",
            b.be32(rr + 4)? & 0x00ff_ffff,
            b.be32(rr + 8)?,
            b.be32(rr + 12)?
        );
        // tcpdump never advances to the next report block: it prints the first `cnt` times.
        cnt -= 1;
    }
    Ok(Some(cp + len))
}
