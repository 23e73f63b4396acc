//! VRRP and CARP wording (tcpdump's `vrrp_print` and `carp_print`), after the IP header.

use std::fmt::Write as _;

use super::{
    walk::{printjnp, trunc, Bytes, Walk},
    Dissector, Ip,
};
use crate::decode::{checksum, vrrp::Vrrp, Addrs};

impl Dissector {
    /// A VRRP or CARP message (`ttl`: the IP header's TTL or hop limit).
    pub(super) fn vrrp(&mut self, out: &mut String, ip: &Ip, v: &Vrrp<'_>) {
        let walked = if v.carp {
            self.carp_walk(out, ip, v)
        } else {
            self.vrrp_walk(out, ip, v)
        };
        if walked.is_err() {
            trunc(out, if v.carp { "carp" } else { "vrrp" });
        }
    }

    fn vrrp_walk(&self, out: &mut String, ip: &Ip, v: &Vrrp<'_>) -> Walk {
        let b = Bytes(v.raw);
        let len = ip.info.length;
        out.push_str("VRRP");
        let first = b.u8(0)?;
        let (version, ty) = (first >> 4, first & 0x0f);
        let _ = match ty {
            1 => write!(out, "v{version}, Advertisement"),
            _ => write!(out, "v{version}, unknown type ({ty})"),
        };
        if ip.ttl != 255 {
            let _ = write!(out, ", (ttl {})", ip.ttl);
        }
        if !(2..=3).contains(&version) || ty != 1 {
            return Ok(());
        }
        let _ = write!(out, ", vrid {}, prio {}", b.u8(1)?, b.u8(2)?);
        let auth = if version == 2 {
            let auth = b.u8(4)?;
            let _ = match auth {
                0 => write!(out, ", authtype none"),
                1 => write!(out, ", authtype simple"),
                2 => write!(out, ", authtype ah"),
                _ => write!(out, ", authtype #{auth}"),
            };
            let _ = write!(out, ", intvl {}s, length {len}", b.u8(5)?);
            auth
        } else {
            let intvl = u16::from(b.u8(4)? & 0x0f) << 8 | u16::from(b.u8(5)?);
            let _ = write!(out, ", intvl {intvl}cs, length {len}");
            0
        };
        if self.opts.verbose == 0 {
            return Ok(());
        }
        let naddrs = b.u8(3)?;
        if let Ok(msg) = b.slice(0, len as usize) {
            let sum = if version == 2 {
                checksum::internet_checksum(msg, 0)
            } else {
                checksum::transport(&ip.info.addrs, 112, msg)
            };
            if sum != 0 {
                let _ = write!(out, ", (bad vrrp cksum {:x})", b.be16(6)?);
            }
        }
        out.push_str(", addrs");
        if naddrs > 1 {
            let _ = write!(out, "({naddrs})");
        }
        out.push(':');
        let mut at = 8;
        let mut sep = ' ';
        for _ in 0..naddrs {
            match ip.info.addrs {
                Addrs::V4(..) => {
                    let _ = write!(out, "{sep}{}", b.ipv4(at)?);
                    at += 4;
                }
                Addrs::V6(..) => {
                    let _ = write!(out, "{sep}{}", b.ipv6(at)?);
                    at += 16;
                }
            }
            sep = ',';
        }
        if version == 2 && auth == 1 {
            out.push_str(" auth \"");
            printjnp(out, b, at, 8)?;
            out.push('"');
        }
        Ok(())
    }

    fn carp_walk(&self, out: &mut String, ip: &Ip, v: &Vrrp<'_>) -> Walk {
        let b = Bytes(v.raw);
        let len = ip.info.length;
        let first = b.u8(0)?;
        let (version, ty) = (first >> 4, first & 0x0f);
        let name = if ty == 1 { "advertise" } else { "unknown" };
        let _ = write!(out, "CARPv{version}-{name} {len}: ");
        if ip.ttl != 255 {
            let _ = write!(out, "[ttl={}!] ", ip.ttl);
        }
        if version != 2 || ty != 1 {
            return Ok(());
        }
        let _ = write!(
            out,
            "vhid={} advbase={} advskew={} authlen={} ",
            b.u8(1)?,
            b.u8(5)?,
            b.u8(2)?,
            b.u8(3)?
        );
        if self.opts.verbose > 0 {
            if let Ok(msg) = b.slice(0, len as usize) {
                if checksum::internet_checksum(msg, 0) != 0 {
                    let _ = write!(out, " (bad carp cksum {:x}!)", b.be16(6)?);
                }
            }
        }
        let _ = write!(out, "counter={}", b.be64(8)?);
        Ok(())
    }
}
