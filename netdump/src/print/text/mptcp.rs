//! Multipath TCP's option (TCP option 30, RFC 8684 and its v0 draft), as print-mptcp.c
//! prints it inside tcpdump's TCP option list.

use std::{fmt::Write as _, net::Ipv6Addr};

use crate::decode::{be16, be32, tcp};

/// A big-endian u64 at `at`, if present.
fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some((u64::from(be32(b, at)?) << 32) | u64::from(be32(b, at.checked_add(4)?)?))
}

/// Prints one MPTCP option: `opt` is the whole option (kind and length bytes included, all
/// of it captured), `flags` the segment's TCP flags. False where tcpdump's subtype printer
/// returns 0 (its caller then prints `[bad opt]`).
pub(super) fn print(out: &mut String, opt: &[u8], flags: u8) -> bool {
    let len = opt.len();
    if len < 3 {
        return false;
    }
    let subtype = (opt[2] >> 4).min(8);
    let name = [
        "capable",
        "join",
        "dss",
        "add-addr",
        "rem-addr",
        "prio",
        "fail",
        "fast-close",
        "unknown",
    ][usize::from(subtype)];
    let _ = write!(out, " {len} {name}");
    match subtype {
        0 => capable(out, opt, flags),
        1 => join(out, opt, flags),
        2 => dss(out, opt, flags),
        3 => add_addr(out, opt),
        4 => {
            if len < 4 {
                return false;
            }
            out.push_str(" id");
            for id in &opt[3..] {
                let _ = write!(out, " {id}");
            }
            true
        }
        5 => {
            if len != 3 && len != 4 {
                return false;
            }
            out.push_str(if opt[2] & 1 != 0 {
                " backup"
            } else {
                " non-backup"
            });
            if len == 4 {
                let _ = write!(out, " id {}", opt[3]);
            }
            true
        }
        6 | 7 => {
            if len != 12 {
                return false;
            }
            let v = be64(opt, 4).unwrap_or(0);
            if subtype == 6 {
                let _ = write!(out, " seq {v}");
            } else {
                let _ = write!(out, " key 0x{v:x}");
            }
            true
        }
        _ => true,
    }
}

fn capable(out: &mut String, opt: &[u8], flags: u8) -> bool {
    let len = opt.len();
    let syn = flags & tcp::SYN != 0;
    let ack_only = flags & (tcp::SYN | tcp::ACK) == tcp::ACK;
    if !((len == 12 || len == 4) && syn) && !((len == 20 || len == 22) && ack_only) {
        return false;
    }
    let version = opt[2] & 0xf;
    if version > 1 {
        let _ = write!(out, " Unknown Version ({version})");
        return true;
    }
    let _ = write!(out, " v{version}");
    if opt[3] & 0x80 != 0 {
        out.push_str(" csum");
    }
    if len == 12 || len >= 20 {
        let _ = write!(out, " {{0x{:x}", be64(opt, 4).unwrap_or(0));
        if len >= 20 {
            let _ = write!(out, ",0x{:x}", be64(opt, 12).unwrap_or(0));
        }
        out.push('}');
    }
    true
}

fn join(out: &mut String, opt: &[u8], flags: u8) -> bool {
    let len = opt.len();
    let syn = flags & tcp::SYN != 0;
    let ack = flags & tcp::ACK != 0;
    let valid = (len == 12 && syn) || (len == 16 && syn && ack) || (len == 24 && ack);
    if !valid {
        return false;
    }
    if len != 24 {
        if opt[2] & 1 != 0 {
            out.push_str(" backup");
        }
        let _ = write!(out, " id {}", opt[3]);
    }
    match len {
        12 => {
            let _ = write!(
                out,
                " token 0x{:x} nonce 0x{:x}",
                be32(opt, 4).unwrap_or(0),
                be32(opt, 8).unwrap_or(0)
            );
        }
        16 => {
            let _ = write!(
                out,
                " hmac 0x{:x} nonce 0x{:x}",
                be64(opt, 4).unwrap_or(0),
                be32(opt, 12).unwrap_or(0)
            );
        }
        _ => {
            out.push_str(" hmac 0x");
            for b in &opt[4..24] {
                let _ = write!(out, "{b:02x}");
            }
        }
    }
    true
}

fn dss(out: &mut String, opt: &[u8], flags: u8) -> bool {
    if opt.len() < 4 || flags & tcp::SYN != 0 {
        return false;
    }
    let f = opt[3];
    if f & 0x10 != 0 {
        out.push_str(" fin");
    }
    let mut at = 4usize;
    let left = |at: usize| opt.len() - at;
    // A sequence number of 8 bytes when `wide`, else 4.
    let number = |out: &mut String, at: &mut usize, wide: bool| -> bool {
        let n = if wide { 8 } else { 4 };
        if opt.len() - *at < n {
            return false;
        }
        let v = if wide {
            be64(opt, *at).unwrap_or(0)
        } else {
            u64::from(be32(opt, *at).unwrap_or(0))
        };
        let _ = write!(out, "{v}");
        *at += n;
        true
    };
    if f & 0x01 != 0 {
        out.push_str(" ack ");
        if !number(out, &mut at, f & 0x02 != 0) {
            return false;
        }
    }
    if f & 0x04 != 0 {
        out.push_str(" seq ");
        if !number(out, &mut at, f & 0x08 != 0) {
            return false;
        }
        if left(at) < 4 {
            return false;
        }
        let _ = write!(out, " subseq {}", be32(opt, at).unwrap_or(0));
        at += 4;
        if left(at) < 2 {
            return false;
        }
        let _ = write!(out, " len {}", be16(opt, at).unwrap_or(0));
        at += 2;
        if left(at) >= 2 {
            let _ = write!(out, " csum 0x{:x}", be16(opt, at).unwrap_or(0));
            at += 2;
        }
    }
    left(at) == 0
}

fn add_addr(out: &mut String, opt: &[u8]) -> bool {
    let len = opt.len();
    if ![8, 10, 16, 18, 20, 22, 28, 30].contains(&len) {
        return false;
    }
    let echo = match opt[2] & 0xf {
        0x6 => "v0-ip6",
        0x4 => "v0-ip4",
        0x1 => "v1-echo",
        0x0 => "v1",
        _ => "[bad version/echo]",
    };
    let _ = write!(out, " {echo} id {}", opt[3]);
    let (addr_len, port_lens, mac_lens) = if len <= 18 {
        (4, [10, 18], [16, 18])
    } else {
        (16, [22, 30], [28, 30])
    };
    if addr_len == 4 {
        let _ = write!(out, " {}.{}.{}.{}", opt[4], opt[5], opt[6], opt[7]);
    } else {
        let mut a = [0u8; 16];
        a.copy_from_slice(&opt[4..20]);
        let _ = write!(out, " {}", Ipv6Addr::from(a));
    }
    let after = 4 + addr_len;
    let with_port = port_lens.contains(&len);
    if with_port {
        let _ = write!(out, ":{}", be16(opt, after).unwrap_or(0));
    }
    if mac_lens.contains(&len) {
        let mac_at = if with_port { after + 2 } else { after };
        let _ = write!(out, " hmac 0x{:x}", be64(opt, mac_at).unwrap_or(0));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(opt: &[u8], flags: u8) -> (bool, String) {
        let mut s = String::new();
        let ok = print(&mut s, opt, flags);
        (ok, s)
    }

    #[test]
    fn words_as_tcpdump() {
        // The capable key is from the suite's mptcp-v0.pcap; the words are print-mptcp.c's.
        let cap = [
            30, 12, 0, 0x81, 0x9c, 0x9e, 0xab, 0xd1, 0xe4, 0x6a, 0x33, 0xb2,
        ];
        assert_eq!(
            p(&cap, tcp::SYN),
            (true, " 12 capable v0 csum {0x9c9eabd1e46a33b2}".into())
        );
        let dss = [30, 8, 0x20, 0x01, 0xd1, 0xb8, 0x71, 0xd9];
        assert_eq!(p(&dss, tcp::ACK), (true, " 8 dss ack 3518525913".into()));
        assert!(!p(&dss, tcp::SYN).0);
        let add = [30, 8, 0x34, 1, 10, 1, 2, 2];
        assert_eq!(
            p(&add, tcp::ACK),
            (true, " 8 add-addr v0-ip4 id 1 10.1.2.2".into())
        );
        assert_eq!(
            p(&[30, 5, 0x40, 1, 2], 0),
            (true, " 5 rem-addr id 1 2".into())
        );
        assert_eq!(p(&[30, 3, 0xf0], 0), (true, " 3 unknown".into()));
    }

    #[test]
    fn any_bytes_any_flags() {
        let mut opt = [
            30u8, 0, 0, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
            20, 21, 22, 23, 24, 25, 26,
        ];
        for sub in 0..16u8 {
            opt[2] = sub << 4 | 0x0f;
            for len in 0..=opt.len() {
                for flags in [0, tcp::SYN, tcp::ACK, tcp::SYN | tcp::ACK] {
                    let _ = p(&opt[..len], flags);
                }
            }
        }
    }
}
