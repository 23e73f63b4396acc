//! Babel (UDP 6696, RFC 8966 and its drafts) as tcpdump's print-babel.c says it: the TLV
//! names at default verbosity, each TLV's fields from `-v` on.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::message::{Bytes, Trunc, Walk};
use super::Dissector;
use crate::decode::message::Message;

const V4PREFIX: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0];

/// How a TLV walk ended early: cut short by the capture, or invalid.
enum Stop {
    Trunc(Trunc),
    Invalid,
}

impl From<Trunc> for Stop {
    fn from(t: Trunc) -> Stop {
        Stop::Trunc(t)
    }
}

fn format_id(b: Bytes<'_>, at: usize) -> Result<String, Trunc> {
    let id = b.get(at, 8)?;
    Ok(id
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":"))
}

fn format_prefix(prefix: &[u8; 16], plen: u8) -> String {
    if plen >= 96 && prefix[..12] == V4PREFIX[..12] {
        let a = super::Host::from(Ipv4Addr::new(
            prefix[12], prefix[13], prefix[14], prefix[15],
        ));
        format!("{a}/{}", plen - 96)
    } else {
        format!("{}/{plen}", super::Host::from(Ipv6Addr::from(*prefix)))
    }
}

fn format_address(prefix: &[u8; 16]) -> String {
    if prefix[..12] == V4PREFIX[..12] {
        super::Host::from(Ipv4Addr::new(
            prefix[12], prefix[13], prefix[14], prefix[15],
        ))
        .to_string()
    } else {
        super::Host::from(Ipv6Addr::from(*prefix)).to_string()
    }
}

fn format_interval(i: u16) -> String {
    if i == 0 {
        "0.0s (bogus)".to_string()
    } else {
        format!("{}.{:02}s", i / 100, i % 100)
    }
}

fn format_interval_update(i: u16) -> String {
    if i == 0xffff {
        "infinity".to_string()
    } else {
        format_interval(i)
    }
}

fn format_timestamp(i: u32) -> String {
    format!("{}.{:06}s", i / 1_000_000, i % 1_000_000)
}

/// tcpdump's `network_prefix`: the prefix, and the bytes it took; None for an encoding
/// error. `p` holds the bytes from the prefix on (`len` of them are the TLV's).
fn network_prefix(
    ae: u8,
    plen: Option<u8>,
    omitted: usize,
    p: &[u8],
    dp: Option<&[u8; 16]>,
    len: usize,
) -> Option<([u8; 16], usize)> {
    let pb = match plen {
        Some(l) => usize::from(l).div_ceil(8),
        None if ae == 1 => 4,
        None => 16,
    };
    if pb > 16 {
        return None;
    }
    let mut prefix = [0u8; 16];
    let mut consumed = 0;
    let copy = |prefix: &mut [u8; 16], at: usize, n: usize| -> Option<()> {
        prefix.get_mut(at..at + n)?.copy_from_slice(p.get(..n)?);
        Some(())
    };
    match ae {
        0 => {}
        1 => {
            if omitted > 4 || pb > 4 || (pb > omitted && len < pb - omitted) {
                return None;
            }
            prefix[..12].copy_from_slice(&V4PREFIX[..12]);
            if omitted > 0 {
                prefix[..12 + omitted].copy_from_slice(&dp?[..12 + omitted]);
            }
            if pb > omitted {
                copy(&mut prefix, 12 + omitted, pb - omitted)?;
                consumed = pb - omitted;
            }
        }
        2 => {
            if omitted > 16 || (pb > omitted && len < pb - omitted) {
                return None;
            }
            if omitted > 0 {
                prefix[..omitted].copy_from_slice(&dp?[..omitted]);
            }
            if pb > omitted {
                copy(&mut prefix, omitted, pb - omitted)?;
                consumed = pb - omitted;
            }
        }
        3 => {
            if pb > 8 && len < pb - 8 {
                return None;
            }
            prefix[0] = 0xfe;
            prefix[1] = 0x80;
            if pb > 8 {
                copy(&mut prefix, 8, pb - 8)?;
                consumed = pb - 8;
            }
        }
        _ => return None,
    }
    Some((prefix, consumed))
}

impl Dissector {
    pub(super) fn babel(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "babel");
        out.push_str("babel");
        b.get(0, 4)?;
        if b.u8(0)? != 42 {
            out.push_str(" invalid header");
            return Ok(());
        }
        let version = b.u8(1)?;
        let _ = write!(out, " {version}");
        if version != 2 {
            out.push_str(" unknown version");
            return Ok(());
        }
        let mut length = m.length as usize;
        if length < 4 {
            out.push_str(" (invalid)");
            return Ok(());
        }
        let bodylen = usize::from(b.be16(2)?);
        let _ = write!(out, " ({bodylen})");
        length -= 4;
        if length < bodylen {
            out.push_str(" (invalid)");
            return Ok(());
        }
        let mut result = self.babel_tlvs(out, b.from(4), bodylen, length);
        if result.is_ok() {
            length -= bodylen;
            if length != 0 {
                out.push_str(if self.opts.verbose > 0 {
                    "\n\t----"
                } else {
                    " |"
                });
                result = self.babel_tlvs(out, b.from(4 + bodylen), length, length);
            }
        }
        match result {
            Ok(()) => Ok(()),
            Err(Stop::Trunc(t)) => Err(t),
            Err(Stop::Invalid) => {
                out.push_str(" (invalid)");
                Ok(())
            }
        }
    }

    fn babel_tlvs(
        &mut self,
        out: &mut String,
        cp: Bytes<'_>,
        tlvs_length: usize,
        remaining: usize,
    ) -> Result<(), Stop> {
        let verbose = self.opts.verbose > 0;
        let mut v4_prefix = V4PREFIX;
        let mut v6_prefix = [0u8; 16];
        let mut i = 0;
        let icheck = |i: usize, l: usize| -> Result<(), Stop> {
            if i + l > tlvs_length || i + l > remaining {
                Err(Stop::Invalid)
            } else {
                Ok(())
            }
        };
        while i < tlvs_length {
            let m = cp.from(i);
            icheck(i, 1)?;
            let ty = m.u8(0)?;
            if ty == 0 {
                out.push_str(if verbose { "\n\tPad 1" } else { " pad1" });
                i += 1;
                continue;
            }
            icheck(i, 2)?;
            m.get(0, 2)?;
            let len = usize::from(m.u8(1)?);
            icheck(i, 2 + len)?;
            m.get(0, 2 + len)?;
            let body = m.take(2 + len);
            let short = |need: usize| -> Result<(), Stop> {
                if len < need {
                    Err(Stop::Invalid)
                } else {
                    Ok(())
                }
            };
            match ty {
                1 => {
                    if verbose {
                        let _ = write!(out, "\n\tPad {}", len + 2);
                    } else {
                        out.push_str(" padN");
                    }
                }
                2 if !verbose => out.push_str(" ack-req"),
                2 => {
                    out.push_str("\n\tAcknowledgment Request ");
                    short(6)?;
                    let _ = write!(out, "{:04x} {}", m.be16(4)?, format_interval(m.be16(6)?));
                }
                3 if !verbose => out.push_str(" ack"),
                3 => {
                    out.push_str("\n\tAcknowledgment ");
                    short(2)?;
                    let _ = write!(out, "{:04x}", m.be16(2)?);
                }
                4 if !verbose => out.push_str(" hello"),
                4 => {
                    out.push_str("\n\tHello ");
                    short(6)?;
                    let unicast = m.be16(2)? & 0x8000 != 0;
                    let seqno = m.be16(4)?;
                    let interval = m.be16(6)?;
                    if unicast {
                        out.push_str("(Unicast) ");
                    }
                    let _ = write!(out, "seqno {seqno} ");
                    if interval != 0 {
                        let _ = write!(out, "interval {}", format_interval(interval));
                    } else {
                        out.push_str("unscheduled");
                    }
                    if len > 6 {
                        subtlvs(out, body, 8, ty)?;
                    }
                }
                5 if !verbose => out.push_str(" ihu"),
                5 => {
                    out.push_str("\n\tIHU ");
                    short(6)?;
                    let rxcost = m.be16(4)?;
                    let interval = m.be16(6)?;
                    let ae = m.u8(2)?;
                    match network_prefix(ae, None, 0, body.from(8).b, None, len - 6) {
                        None => {
                            let _ = write!(out, " [|{}]", m.proto);
                        }
                        Some((address, rc)) => {
                            let what = if ae == 0 {
                                "any".to_string()
                            } else {
                                format_address(&address)
                            };
                            let _ = write!(
                                out,
                                "{what} rxcost {rxcost} interval {}",
                                format_interval(interval)
                            );
                            if rc < len - 6 {
                                subtlvs(out, body, 8 + rc, ty)?;
                            }
                        }
                    }
                }
                6 if !verbose => out.push_str(" router-id"),
                6 => {
                    out.push_str("\n\tRouter Id");
                    short(10)?;
                    let _ = write!(out, " {}", format_id(m, 4)?);
                }
                7 if !verbose => out.push_str(" nh"),
                7 => {
                    out.push_str("\n\tNext Hop");
                    short(2)?;
                    let ae = m.u8(2)?;
                    let (nh, _) = network_prefix(ae, None, 0, body.from(4).b, None, len - 2)
                        .ok_or(Stop::Invalid)?;
                    if ae == 0 {
                        out.push_str(" invalid AE 0");
                    } else {
                        let _ = write!(out, " {}", format_address(&nh));
                    }
                }
                8 => {
                    let flags = |out: &mut String, f: u8| {
                        for (bit, s) in [(0x80, "/prefix"), (0x40, "/id")] {
                            if f & bit != 0 {
                                out.push_str(s);
                            }
                        }
                        if f & 0x3f != 0 {
                            out.push_str("/unknown");
                        }
                    };
                    if !verbose {
                        out.push_str(" update");
                        short(10)?;
                        flags(out, m.u8(3)?);
                    } else {
                        out.push_str("\n\tUpdate");
                        short(10)?;
                        let ae = m.u8(2)?;
                        let raw_plen = m.u8(4)?;
                        let plen = raw_plen.wrapping_add(if ae == 1 { 96 } else { 0 });
                        let omitted = usize::from(m.u8(5)?);
                        let dp = if ae == 1 { &v4_prefix } else { &v6_prefix };
                        let (prefix, rc) = network_prefix(
                            ae,
                            Some(raw_plen),
                            omitted,
                            body.from(12).b,
                            Some(dp),
                            len - 10,
                        )
                        .ok_or(Stop::Invalid)?;
                        let interval = m.be16(6)?;
                        let seqno = m.be16(8)?;
                        let metric = m.be16(10)?;
                        let f = m.u8(3)?;
                        flags(out, f);
                        let what = if ae == 0 {
                            "any".to_string()
                        } else {
                            format_prefix(&prefix, plen)
                        };
                        let _ = write!(
                            out,
                            " {what} metric {metric} seqno {seqno} interval {}",
                            format_interval_update(interval)
                        );
                        if f & 0x80 != 0 {
                            if ae == 1 {
                                v4_prefix = prefix;
                            } else {
                                v6_prefix = prefix;
                            }
                        }
                        if rc < len - 10 {
                            subtlvs(out, body, 12 + rc, ty)?;
                        }
                    }
                }
                9 if !verbose => out.push_str(" route-request"),
                9 => {
                    out.push_str("\n\tRoute Request ");
                    short(2)?;
                    let ae = m.u8(2)?;
                    let raw_plen = m.u8(3)?;
                    let plen = raw_plen.wrapping_add(if ae == 1 { 96 } else { 0 });
                    let (prefix, _) =
                        network_prefix(ae, Some(raw_plen), 0, body.from(4).b, None, len - 2)
                            .ok_or(Stop::Invalid)?;
                    let what = if ae == 0 {
                        "any".to_string()
                    } else {
                        format_prefix(&prefix, plen)
                    };
                    let _ = write!(out, "for {what}");
                }
                10 if !verbose => out.push_str(" seqno-request"),
                10 => {
                    out.push_str("\n\tSeqno Request ");
                    short(14)?;
                    let ae = m.u8(2)?;
                    let seqno = m.be16(4)?;
                    let raw_plen = m.u8(3)?;
                    let (prefix, _) =
                        network_prefix(ae, Some(raw_plen), 0, body.from(16).b, None, len - 14)
                            .ok_or(Stop::Invalid)?;
                    let plen = raw_plen.wrapping_add(if ae == 1 { 96 } else { 0 });
                    let what = if ae == 0 {
                        "invalid AE 0".to_string()
                    } else {
                        format_prefix(&prefix, plen)
                    };
                    let _ = write!(
                        out,
                        "({} hops) for {what} seqno {seqno} id {}",
                        m.u8(6)?,
                        format_id(m, 8)?
                    );
                }
                11 if !verbose => out.push_str(" tspc"),
                11 => {
                    out.push_str("\n\tTS/PC ");
                    short(6)?;
                    let _ = write!(out, "timestamp {} packetcounter {}", m.be32(4)?, m.be16(2)?);
                }
                12 if !verbose => out.push_str(" hmac"),
                12 => {
                    out.push_str("\n\tHMAC ");
                    short(18)?;
                    let _ = write!(out, "key-id {} digest-{} ", m.be16(2)?, len - 2);
                    for j in 0..len - 2 {
                        let _ = write!(out, "{:02X}", m.u8(j + 4)?);
                    }
                }
                13 if !verbose => out.push_str(" ss-update"),
                13 => {
                    out.push_str("\n\tSS-Update");
                    short(10)?;
                    let ae = m.u8(2)?;
                    let src_plen = m.u8(3)?;
                    let plen = m.u8(4)?;
                    let omitted = usize::from(m.u8(5)?);
                    let interval = m.be16(6)?;
                    let seqno = m.be16(8)?;
                    let metric = m.be16(10)?;
                    let dp = if ae == 1 { &v4_prefix } else { &v6_prefix };
                    let mut parsed = 10;
                    let (prefix, rc) = network_prefix(
                        ae,
                        Some(plen),
                        omitted,
                        body.from(2 + parsed).b,
                        Some(dp),
                        len - parsed,
                    )
                    .ok_or(Stop::Invalid)?;
                    let plen = plen.wrapping_add(if ae == 1 { 96 } else { 0 });
                    parsed += rc;
                    let (src_prefix, rc) = network_prefix(
                        ae,
                        Some(src_plen),
                        0,
                        body.from(2 + parsed).b,
                        None,
                        len.saturating_sub(parsed),
                    )
                    .ok_or(Stop::Invalid)?;
                    let src_plen = src_plen.wrapping_add(if ae == 1 { 96 } else { 0 });
                    parsed += rc;
                    let _ = write!(out, " {} from", format_prefix(&prefix, plen));
                    let _ = write!(
                        out,
                        " {} metric {metric} seqno {seqno} interval {}",
                        format_prefix(&src_prefix, src_plen),
                        format_interval_update(interval)
                    );
                    if parsed < len {
                        subtlvs(out, body, 2 + parsed, ty)?;
                    }
                }
                14 if !verbose => out.push_str(" ss-request"),
                14 => {
                    out.push_str("\n\tSS-Request ");
                    short(3)?;
                    let ae = m.u8(2)?;
                    let plen = m.u8(3)?;
                    let src_plen = m.u8(4)?;
                    let mut parsed = 3;
                    let (prefix, rc) = network_prefix(
                        ae,
                        Some(plen),
                        0,
                        body.from(2 + parsed).b,
                        None,
                        len - parsed,
                    )
                    .ok_or(Stop::Invalid)?;
                    let plen = plen.wrapping_add(if ae == 1 { 96 } else { 0 });
                    parsed += rc;
                    let (src_prefix, _) = network_prefix(
                        ae,
                        Some(src_plen),
                        0,
                        body.from(2 + parsed).b,
                        None,
                        len.saturating_sub(parsed),
                    )
                    .ok_or(Stop::Invalid)?;
                    let src_plen = src_plen.wrapping_add(if ae == 1 { 96 } else { 0 });
                    if ae == 0 {
                        out.push_str("for any");
                    } else {
                        let _ = write!(
                            out,
                            "for ({}, {})",
                            format_prefix(&prefix, plen),
                            format_prefix(&src_prefix, src_plen)
                        );
                    }
                }
                15 if !verbose => out.push_str(" ss-mh-request"),
                15 => {
                    out.push_str("\n\tSS-MH-Request ");
                    short(14)?;
                    let ae = m.u8(2)?;
                    let plen = m.u8(3)?;
                    let seqno = m.be16(4)?;
                    let hopc = m.u8(6)?;
                    let src_plen = m.u8(7)?;
                    let mut parsed = 14;
                    let (prefix, rc) = network_prefix(
                        ae,
                        Some(plen),
                        0,
                        body.from(2 + parsed).b,
                        None,
                        len - parsed,
                    )
                    .ok_or(Stop::Invalid)?;
                    let plen = plen.wrapping_add(if ae == 1 { 96 } else { 0 });
                    parsed += rc;
                    let (src_prefix, _) = network_prefix(
                        ae,
                        Some(src_plen),
                        0,
                        body.from(2 + parsed).b,
                        None,
                        len.saturating_sub(parsed),
                    )
                    .ok_or(Stop::Invalid)?;
                    let src_plen = src_plen.wrapping_add(if ae == 1 { 96 } else { 0 });
                    let _ = write!(
                        out,
                        "({hopc} hops) for ({}, {}) seqno {seqno} id {}",
                        format_prefix(&prefix, plen),
                        format_prefix(&src_prefix, src_plen),
                        format_id(m, 8)?
                    );
                }
                16 if !verbose => out.push_str(" mac"),
                16 => {
                    let _ = write!(out, "\n\tMAC len {len}");
                }
                17 if !verbose => out.push_str(" pc"),
                17 => {
                    out.push_str("\n\tPC");
                    short(4)?;
                    let _ = write!(out, " value {}", m.be32(2)?);
                    let _ = write!(out, " index len {}", len - 4);
                }
                18 if !verbose => out.push_str(" challenge_request"),
                18 => {
                    out.push_str("\n\tChallenge Request");
                    if len > 192 {
                        return Err(Stop::Invalid);
                    }
                    let _ = write!(out, " len {len}");
                }
                19 if !verbose => out.push_str(" challenge_reply"),
                19 => {
                    out.push_str("\n\tChallenge Reply");
                    if len > 192 {
                        return Err(Stop::Invalid);
                    }
                    let _ = write!(out, " len {len}");
                }
                _ if !verbose => out.push_str(" unknown"),
                _ => {
                    let _ = write!(out, "\n\tUnknown message type {ty}");
                }
            }
            i += len + 2;
        }
        Ok(())
    }
}

/// tcpdump's `subtlvs_print`: the sub-TLVs in `body` (the TLV with its 2-byte header) from
/// `at` to its end. An invalid one prints " (invalid)" and ends the sub-TLVs only.
fn subtlvs(out: &mut String, body: Bytes<'_>, at: usize, tlv_type: u8) -> Result<(), Trunc> {
    let ep = body.len();
    let mut cp = at;
    while cp < ep {
        let subtype = body.u8(cp)?;
        cp += 1;
        if subtype == 0 {
            out.push_str(" sub-pad1");
            continue;
        }
        if subtype & 0x80 != 0 {
            out.push_str(" (M)");
        }
        if cp == ep {
            out.push_str(" (invalid)");
            return Ok(());
        }
        let sublen = usize::from(body.u8(cp)?);
        cp += 1;
        if cp + sublen > ep {
            out.push_str(" (invalid)");
            return Ok(());
        }
        match subtype {
            1 => {
                out.push_str(" sub-padn");
                cp += sublen;
            }
            2 => {
                out.push_str(" sub-diversity");
                if sublen == 0 {
                    out.push_str(" empty");
                    continue;
                }
                let mut sep = " ";
                for _ in 0..sublen {
                    let c = body.u8(cp)?;
                    match c {
                        0 => {
                            let _ = write!(out, "{sep}reserved");
                        }
                        255 => {
                            let _ = write!(out, "{sep}all");
                        }
                        _ => {
                            let _ = write!(out, "{sep}{c}");
                        }
                    }
                    cp += 1;
                    sep = "-";
                }
                if tlv_type != 8 && tlv_type != 13 {
                    out.push_str(" (bogus)");
                }
            }
            3 => {
                out.push_str(" sub-timestamp");
                if tlv_type == 4 {
                    if sublen < 4 {
                        out.push_str(" (invalid)");
                        return Ok(());
                    }
                    let _ = write!(out, " {}", format_timestamp(body.be32(cp)?));
                } else if tlv_type == 5 {
                    if sublen < 8 {
                        out.push_str(" (invalid)");
                        return Ok(());
                    }
                    let _ = write!(out, " {}", format_timestamp(body.be32(cp)?));
                    let _ = write!(out, "|{}", format_timestamp(body.be32(cp + 4)?));
                } else {
                    out.push_str(" (bogus)");
                }
                cp += sublen;
            }
            _ => {
                let _ = write!(out, " sub-unknown-0x{subtype:02x}");
                cp += sublen;
            }
        }
    }
    Ok(())
}
