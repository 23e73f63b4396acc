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
        ip.write_addrs(out, Some((sport, dport)));
        let Some(ulen) = u.length() else {
            out.push_str(" [|udp]");
            return;
        };
        let ulen = u32::from(ulen);
        if ulen < 8 {
            let _ = write!(out, "truncated-udplength {ulen}");
            return;
        }
        let ulen = ulen - 8;
        let length = ip.info.length.saturating_sub(8);
        // What the protocol printers get: the UDP length, unless the IP header says less.
        let app_len = ulen.min(length);
        if self.opts.udp_forced && !app.is_empty() && self.udp_app(out, ip, u, app, app_len) {
            // -T: tcpdump prints the forced protocol before checking anything else.
            return;
        }
        if self.opts.verbose > 0 && !ip.info.fragmented {
            if let Some(sum) = u.checksum() {
                let addrs = &ip.info.addrs;
                // A zero sum is said whatever was captured; a sum is checked only over a
                // payload captured whole.
                let data = u.raw.get(..(app_len + 8) as usize);
                if ip.v4() && self.opts.verbose < 2 {
                    // tcpdump checks IPv4 UDP sums only from -vv on.
                } else if sum == 0 && ip.v4() {
                    out.push_str("[no cksum] ");
                } else if let Some(d) = data {
                    if checksum::transport(addrs, 17, d) == 0 {
                        out.push_str("[udp sum ok] ");
                    } else {
                        let want = checksum::transport_expected(addrs, 17, d, 6);
                        let _ = write!(out, "[bad udp cksum 0x{sum:04x} -> 0x{want:04x}!] ");
                    }
                }
            }
        }
        // -q: tcpdump names no protocol above UDP.
        if !self.opts.quiet && !app.is_empty() && self.udp_app(out, ip, u, app, app_len) {
            return;
        }
        if ulen > length && !ip.info.fragmented {
            let _ = write!(out, "UDP, bad length {ulen} > {length}");
            return;
        }
        let _ = write!(out, "UDP, length {ulen}");
    }
}
