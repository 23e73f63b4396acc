//! DCCP wording (tcpdump's `dccp_print`): ports, type and its fields, CCVal, checksum
//! coverage and the partial checksum at `-v`, the sequence number and options at `-vv`.

use std::fmt::Write as _;

use super::{
    walk::{tok, trunc, Bytes, Cut},
    write_addrs, Dissector, Ip,
};
use crate::decode::{
    checksum,
    dccp::{self, Dccp},
    Addrs,
};

/// tcpdump's `dccp_reset_codes`.
const RESET_CODES: [&str; 12] = [
    "unspecified",
    "closed",
    "aborted",
    "no_connection",
    "packet_error",
    "option_error",
    "mandatory_error",
    "connection_refused",
    "bad_service_code",
    "too_busy",
    "bad_init_cookie",
    "aggression_penalty",
];

/// tcpdump's `dccp_feature_nums`: feature names in Change/Confirm options.
const FEATURES: [&str; 10] = [
    "reserved",
    "ccid",
    "allow_short_seqno",
    "sequence_window",
    "ecn_incapable",
    "ack_ratio",
    "send_ack_vector",
    "send_ndp_count",
    "minimum checksum coverage",
    "check data checksum",
];

/// tcpdump's `dccp_option_values`.
const OPTIONS: &[(u32, &str)] = &[
    (0, "nop"),
    (1, "mandatory"),
    (2, "slowreceiver"),
    (32, "change_l"),
    (33, "confirm_l"),
    (34, "change_r"),
    (35, "confirm_r"),
    (36, "initcookie"),
    (37, "ndp_count"),
    (38, "ack_vector0"),
    (39, "ack_vector1"),
    (40, "data_dropped"),
    (41, "timestamp"),
    (42, "timestamp_echo"),
    (43, "elapsed_time"),
    (44, "data_checksum"),
];

/// How a walk through the packet ended early.
enum End {
    /// tcpdump printed " [|dccp]" itself (ND_TCHECK) and returned.
    Trunc,
    /// A GET_ macro ran off the captured bytes: tcpdump longjmps out, " [|dccp]" too, but
    /// its hex dump then starts at the frame's first byte.
    Cut,
}

impl From<Cut> for End {
    fn from(_: Cut) -> End {
        End::Cut
    }
}

impl Dissector {
    /// A DCCP packet after its IP header.
    pub(super) fn dccp(&mut self, out: &mut String, ip: &Ip, d: &Dccp<'_>) {
        match self.dccp_walk(out, ip, d) {
            Ok(()) => {}
            Err(End::Trunc) => trunc(out, "dccp"),
            Err(End::Cut) => {
                trunc(out, "dccp");
                self.early_end = true;
            }
        }
    }

    fn dccp_walk(&self, out: &mut String, ip: &Ip, d: &Dccp<'_>) -> Result<(), End> {
        let b = Bytes(d.raw);
        let len = ip.info.length;
        // Enough to look at the X bit.
        if d.raw.len() < dccp::SHORT_HEADER_LEN {
            return Err(End::Trunc);
        }
        let basic = d.basic_len().ok_or(End::Trunc)?;
        // tcpdump first checks for the short header, then for the one X asks for.
        let need = if (len as usize) < dccp::SHORT_HEADER_LEN {
            dccp::SHORT_HEADER_LEN
        } else {
            basic
        };
        if (len as usize) < need {
            let _ = write!(
                out,
                "truncated-dccp - {} bytes missing!",
                need - len as usize
            );
            return Ok(());
        }
        if !d.header_complete() {
            return Err(End::Trunc);
        }
        let ports = d.ports().ok_or(End::Trunc)?;
        let hlen = d.header_len().ok_or(End::Trunc)?;
        // tcpdump prints both addresses here whatever the IPv6 extension headers said.
        write_addrs(out, &ip.info.addrs, Some(ports));
        out.push_str("DCCP");
        if self.opts.quiet {
            let _ = write!(out, " {}", len.wrapping_sub(hlen));
            if hlen > len {
                let _ = write!(out, " [bad hdr length {hlen} - too long, > {len}]");
            }
            return Ok(());
        }
        let verbose = self.opts.verbose;
        if verbose > 0 {
            let _ = write!(
                out,
                " (CCVal {}, CsCov {}",
                d.ccval().unwrap_or(0),
                d.cscov().unwrap_or(0)
            );
            if let Some(whole) = d.raw.get(..len as usize) {
                let sum = d.checksum().unwrap_or(0);
                let _ = write!(out, ", cksum 0x{sum:04x} ");
                let computed = partial_checksum(&ip.cksum_addrs(), d, whole);
                if computed != 0 {
                    let _ = write!(out, "(incorrect -> 0x{:04x})", shouldbe(sum, computed));
                } else {
                    out.push_str("(correct)");
                }
            }
            out.push(')');
        }
        out.push(' ');
        let ty = d.packet_type().unwrap_or(0);
        let name = dccp::type_name(ty).unwrap_or("");
        let fixed = d.fixed_len().unwrap_or(basic);
        if ty <= dccp::SYNC_ACK && ty != dccp::DATA && (len as usize) < fixed {
            let _ = write!(
                out,
                "truncated-{name} - {} bytes missing!",
                fixed - len as usize
            );
            return Ok(());
        }
        match ty {
            dccp::REQUEST | dccp::RESPONSE => {
                let service = d.service().ok_or(End::Trunc)?;
                let _ = write!(out, "{name} (service={service}) ");
            }
            dccp::RESET => {
                // tcpdump checks the whole Reset header (ack, code, three data bytes).
                if !b.has(basic, 12) {
                    return Err(End::Trunc);
                }
                let code = d.reset_code().ok_or(End::Trunc)?;
                let code = RESET_CODES.get(usize::from(code)).unwrap_or(&"invalid");
                let _ = write!(out, "{name} (code={code}) ");
            }
            _ if name.is_empty() => {
                let _ = write!(out, "unknown-type-{ty} ");
            }
            _ => {
                let _ = write!(out, "{name} ");
            }
        }
        if ty != dccp::DATA && ty != dccp::REQUEST {
            let ack = d.ack().ok_or(Cut)?;
            let _ = write!(out, "(ack={ack}) ");
        }
        if verbose < 2 {
            return Ok(());
        }
        let _ = write!(out, "seq {}", d.seq().unwrap_or(0));
        let Some(mut left) = (hlen as usize).checked_sub(fixed).filter(|n| *n > 0) else {
            return Ok(());
        };
        out.push_str(" <");
        let mut at = fixed;
        loop {
            let optlen = match option(out, b, at, left) {
                Ok(n) => n,
                Err(End::Trunc) => {
                    trunc(out, "dccp");
                    0
                }
                Err(End::Cut) => return Err(End::Cut),
            };
            if optlen == 0 || left <= optlen {
                break;
            }
            left -= optlen;
            at += optlen;
            out.push_str(", ");
        }
        out.push('>');
        Ok(())
    }
}

/// The Internet checksum over the pseudo-header (with the packet's whole length) and the
/// bytes CsCov covers (tcpdump's `dccp_csum_coverage`): zero when right.
fn partial_checksum(addrs: &Addrs, d: &Dccp<'_>, whole: &[u8]) -> u16 {
    let len = whole.len();
    let cover = match d.cscov() {
        None | Some(0) => len,
        Some(cscov) => {
            let doff = d.header_len().unwrap_or(0) as usize / 4;
            let words = doff + usize::from(cscov) - 1;
            (words * 4).min(len)
        }
    };
    let pseudo = checksum::pseudo_sum(addrs, dccp::PROTO_DCCP, len);
    checksum::internet_checksum(whole.get(..cover).unwrap_or(whole), pseudo)
}

/// tcpdump's `in_cksum_shouldbe`: the checksum the field should have held.
fn shouldbe(sum: u16, computed: u16) -> u16 {
    let mut v = u32::from(sum) + u32::from(computed);
    v = (v & 0xffff) + (v >> 16);
    v = (v & 0xffff) + (v >> 16);
    v as u16
}

/// The name tcpdump gives an option that it cannot decode (`Option N`, `CCID option N`).
fn option_name(out: &mut String, t: u8) {
    if t >= 128 {
        let _ = write!(out, "CCID option {t}");
    } else {
        match tok(OPTIONS, u32::from(t)) {
            Some(name) => out.push_str(name),
            None => {
                let _ = write!(out, "Option {t}");
            }
        }
    }
}

/// tcpdump's `dccp_print_option`: one option at `at`, `left` header bytes remaining; its
/// length, or 0 when the walk cannot go on.
fn option(out: &mut String, b: Bytes<'_>, at: usize, left: usize) -> Result<usize, End> {
    let t = b.u8(at)?;
    let optlen = if t >= 32 {
        let optlen = usize::from(b.u8(at + 1)?);
        if optlen < 2 {
            option_name(out, t);
            out.push_str(" optlen too short");
            return Ok(0);
        }
        optlen
    } else {
        1
    };
    if left < optlen {
        option_name(out, t);
        out.push_str(" optlen goes past header length");
        return Ok(0);
    }
    let opt = b.slice(at, optlen).map_err(|_| End::Trunc)?;
    option_name(out, t);
    let hex = |out: &mut String, from: usize, prefix: &str| {
        if optlen > from {
            out.push_str(prefix);
            for c in &opt[from..] {
                let _ = write!(out, "{c:02x}");
            }
        }
    };
    let be = |from: usize, n: usize| {
        opt[from..from + n]
            .iter()
            .fold(0u32, |v, &c| v << 8 | u32::from(c))
    };
    if t >= 128 {
        match optlen {
            4 | 6 => {
                let _ = write!(out, " {}", be(2, optlen - 2));
            }
            _ => {}
        }
        return Ok(optlen);
    }
    match t {
        32..=35 => {
            if optlen < 3 {
                out.push_str(" optlen too short");
                return Ok(optlen);
            }
            if let Some(feature) = FEATURES.get(usize::from(opt[2])) {
                let _ = write!(out, " {feature}");
                for c in &opt[3..] {
                    let _ = write!(out, " {c}");
                }
            }
        }
        36 | 38..=40 => hex(out, 2, " 0x"),
        37 => {
            for c in &opt[2..] {
                let _ = write!(out, " {c}");
            }
        }
        41 => match optlen {
            6 => {
                let _ = write!(out, " {}", be(2, 4));
            }
            _ => out.push_str(" [optlen != 6]"),
        },
        42 => match optlen {
            6 => {
                let _ = write!(out, " {}", be(2, 4));
            }
            8 | 10 => {
                let _ = write!(out, " {} (elapsed time {})", be(2, 4), be(6, optlen - 6));
            }
            _ => out.push_str(" [optlen != 6 or 8 or 10]"),
        },
        43 => match optlen {
            4 | 6 => {
                let _ = write!(out, " {}", be(2, optlen - 2));
            }
            _ => out.push_str(" [optlen != 4 or 6]"),
        },
        44 => hex(out, 2, " "),
        _ => {}
    }
    Ok(optlen)
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::decode::IpInfo;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn print(verbose: u8, quiet: bool, raw: &[u8], length: u32) -> String {
        let ip = Ip {
            info: IpInfo {
                addrs: Addrs::V4(
                    Ipv4Addr::new(139, 133, 209, 176),
                    Ipv4Addr::new(139, 133, 209, 65),
                ),
                length,
                fragmented: false,
            },
            addrs_printed: false,
            final_dst: None,
            ttl: 64,
        };
        let mut d = Dissector::new(super::super::Options {
            verbose,
            quiet,
            ..super::super::Options::default()
        });
        let dccp = Dccp { raw, ip: ip.info };
        let mut out = String::new();
        d.dccp(&mut out, &ip, &dccp);
        out
    }

    /// The first packet of tcpdump's dccp_partial_csum_v4_simple test.
    const REQUEST: &str = "cdbb 1389 0800 a766 0100 0007 b8bb 9240 0000 0000 \
                           2004 0502 2204 0102 2004 0102";

    #[test]
    fn request_at_each_verbosity() {
        let b = hex(REQUEST);
        let len = b.len() as u32;
        let head = "139.133.209.176.52667 > 139.133.209.65.5001: DCCP";
        assert_eq!(print(0, true, &b, len), format!("{head} 0"));
        assert_eq!(
            print(0, false, &b, len),
            format!("{head} DCCP-Request (service=0) ")
        );
        assert_eq!(
            print(1, false, &b, len),
            format!("{head} (CCVal 0, CsCov 0, cksum 0xa766 (correct)) DCCP-Request (service=0) ")
        );
        assert_eq!(
            print(2, false, &b, len),
            format!(
                "{head} (CCVal 0, CsCov 0, cksum 0xa766 (correct)) DCCP-Request (service=0) \
                 seq 33164071488 <change_l ack_ratio 2, change_r ccid 2, change_l ccid 2>"
            )
        );
    }

    #[test]
    fn wrong_checksum_says_what_it_should_be() {
        let mut b = hex(REQUEST);
        b[6..8].copy_from_slice(&[0xaa, 0xf3]);
        let out = print(1, false, &b, b.len() as u32);
        assert!(out.contains("cksum 0xaaf3 (incorrect -> 0xa766)"), "{out}");
    }

    /// Cut at every byte, with the IP length kept and shortened, at every verbosity: no
    /// panic, and a packet without its 12 first bytes is tcpdump's " [|dccp]".
    #[test]
    fn survives_every_cut() {
        let b = hex(REQUEST);
        for verbose in 0..4 {
            for quiet in [false, true] {
                for k in 0..=b.len() {
                    for len in [b.len() as u32, k as u32, 0, u32::MAX] {
                        let out = print(verbose, quiet, &b[..k], len);
                        if k < 12 {
                            assert_eq!(out, " [|dccp]");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn shouldbe_folds_the_carry() {
        assert_eq!(shouldbe(0xaaf3, 0xe100), 0x8bf4);
        assert_eq!(shouldbe(0, 0), 0);
    }
}
