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
        let length = ip.info.length.saturating_sub(8);
        // What tcpdump hands the checksum and the payload's printer: the shorter of the
        // two lengths ("bad length" is said only where no printer takes the payload).
        let plen = ulen.min(length);
        if self.opts.udp_forced {
            // tcpdump's -T dispatch comes before its checksum check.
        } else if self.opts.verbose > 1 && !ip.info.fragmented && ip.v4() && u.checksum() == Some(0)
        {
            // tcpdump says so before it looks at whether the payload was captured.
            out.push_str("[no cksum] ");
        } else if self.opts.verbose > 0 && !ip.info.fragmented {
            // Only a datagram captured whole has its checksum looked at.
            if let (Some(sum), Some(d)) = (u.checksum(), u.raw.get(..(plen + 8) as usize)) {
                let addrs = &ip.info.addrs;
                if ip.v4() && self.opts.verbose < 2 {
                    // tcpdump checks IPv4 UDP sums only from -vv on.
                } else if sum == 0 && ip.v4() {
                    out.push_str("[no cksum] ");
                } else if checksum::transport(addrs, 17, d) == 0 {
                    out.push_str("[udp sum ok] ");
                } else {
                    let want = checksum::transport_expected(addrs, 17, d, 6);
                    let _ = write!(out, "[bad udp cksum 0x{sum:04x} -> 0x{want:04x}!] ");
                }
            }
        }
        if !app.is_empty() && self.udp_app(out, ip, u, app, plen) {
            return;
        }
        if ulen > length && !ip.info.fragmented {
            let _ = write!(out, "UDP, bad length {ulen} > {length}");
        } else {
            let _ = write!(out, "UDP, length {ulen}");
        }
    }
}
