//! UDP wording: ports, length checks, and checksums at `-v`/`-vv`.

use std::fmt::Write as _;

use super::{Dissector, Ip};
use crate::decode::{checksum, udp::Udp, Layer};

impl Dissector {
    /// A UDP datagram and (`app`) the layers a registered decoder found in its payload.
    pub(super) fn udp(&mut self, out: &mut String, ip: &Ip, u: &Udp<'_>, app: &[Layer<'_>]) {
        let Some((sport, dport)) = u.ports() else {
            ip.write_addrs(out, None);
            out.push_str(" [|udp]");
            return;
        };
        let before_addrs = out.len();
        ip.write_udp_addrs(out, (sport, dport));
        let Some(ulen) = u.length() else {
            out.push_str(" [|udp]");
            return;
        };
        let ulen = u32::from(ulen);
        if ulen < 8 {
            let _ = write!(out, "truncated-udplength {ulen}");
            return;
        }
        if !u.header_complete() {
            // tcpdump checks the header was captured before the payload's length.
            out.push_str(" [|udp]");
            return;
        }
        let ulen = ulen - 8;
        let ip_len = ip.info.length.saturating_sub(8);
        // As udp_print: the payload's length is the smaller of the two; a UDP length beyond
        // the IP datagram is reported only when no protocol printer takes the payload.
        let length = ulen.min(ip_len);
        if self.opts.udp_silent {
            // tcpdump's -T switch has no case for it and prints nothing, addresses neither.
            out.truncate(before_addrs);
            return;
        }
        if self.opts.udp_forced && !app.is_empty() && self.udp_app(out, ip, u, app, length) {
            // -T: tcpdump prints the forced protocol before checking anything else.
            return;
        }
        if self.opts.verbose > 0 && !ip.info.fragmented {
            // Only a datagram captured whole has its checksum looked at (but an IPv4 sum of
            // zero is said to be absent whatever was captured).
            let sum = u.checksum().unwrap_or(0);
            let whole = u.raw.get(..(length + 8) as usize);
            if ip.v4() && self.opts.verbose < 2 {
                // tcpdump checks IPv4 UDP sums only from -vv on.
            } else if sum == 0 && ip.v4() {
                out.push_str("[no cksum] ");
            } else if let Some(d) = whole {
                let addrs = &ip.cksum_addrs();
                if checksum::transport(addrs, 17, d) == 0 {
                    out.push_str("[udp sum ok] ");
                } else {
                    let want = checksum::transport_expected(addrs, 17, d, 6);
                    let _ = write!(out, "[bad udp cksum 0x{sum:04x} -> 0x{want:04x}!] ");
                }
            }
        }
        // -q: tcpdump's port chain runs only without it.
        if !self.opts.quiet && !app.is_empty() && self.udp_app(out, ip, u, app, length) {
            return;
        }
        if ulen > ip_len && !ip.info.fragmented {
            let _ = write!(out, "UDP, bad length {ulen} > {ip_len}");
            return;
        }
        let _ = write!(out, "UDP, length {ulen}");
    }
}
