//! MAC addresses as tcpdump prints them without `-n` (`etheraddr_string`): the name
//! /etc/ethers gives, else the address and its vendor from tcpdump's OUI table.

use std::{collections::HashMap, fmt::Write as _};

/// tcpdump 4.99's `oui_values` (oui.c): the vendors it names.
const OUIS: &[(u32, &str)] = &[
    (0x000000, "Ethernet"),
    (0x00000c, "Cisco"),
    (0x00005e, "IANA"),
    (0x000081, "Nortel Networks SONMP"),
    (0x0000f8, "Cisco bridged"),
    (0x0080c2, "Ethernet bridged"),
    (0x00a03e, "ATM Forum"),
    (0x00e02f, "DOCSIS Spanning Tree"),
    (0x080007, "Appletalk"),
    (0x009069, "Juniper"),
    (0x080009, "Hewlett-Packard"),
    (0x00120f, "IEEE 802.3 Private"),
    (0x0012bb, "ANSI/TIA"),
    (0x001b21, "DCBX"),
    (0x002320, "Nicira Networks"),
    (0x5c16c7, "Big Switch Networks"),
    (0xb0d2f5, "Vello Systems"),
    (0x002481, "HP"),
    (0x0004ea, "HP-Labs"),
    (0x748771, "Infoblox Inc"),
    (0xa42305, "Open Networking Lab"),
    (0x00049f, "Freescale"),
    (0x0015ad, "Netronome"),
    (0x001018, "Broadcom"),
    (0x00e004, "PMC-Sierra"),
    (0xd0f0db, "Ericsson"),
];

/// tcpdump's vendor name for an OUI ("Unknown" when it has none).
pub fn oui_name(oui: u32) -> &'static str {
    OUIS.iter()
        .find(|(o, _)| *o == oui)
        .map_or("Unknown", |(_, n)| n)
}

/// Names from /etc/ethers.
#[derive(Clone, Debug, Default)]
pub struct Ethers {
    names: HashMap<[u8; 6], String>,
}

impl Ethers {
    /// /etc/ethers, or no names when it cannot be read.
    pub fn from_system() -> Ethers {
        std::fs::read_to_string("/etc/ethers")
            .map(|t| Ethers::parse(&t))
            .unwrap_or_default()
            .with_broadcast()
    }

    /// tcpdump's one hard-wired name (`etherlist`), unless /etc/ethers names it.
    fn with_broadcast(mut self) -> Ethers {
        self.names
            .entry([0xff; 6])
            .or_insert_with(|| "Broadcast".to_string());
        self
    }

    /// Lines such as `8:0:20:1:2:3  host.example.test`.
    pub fn parse(text: &str) -> Ethers {
        let mut e = Ethers::default();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut words = line.split_whitespace();
            let (Some(mac), Some(name)) = (words.next(), words.next()) else {
                continue;
            };
            let bytes: Vec<u8> = mac
                .split(':')
                .filter_map(|b| u8::from_str_radix(b, 16).ok())
                .collect();
            if let Ok(key) = <[u8; 6]>::try_from(bytes.as_slice()) {
                if mac.split(':').count() == 6 {
                    e.names.entry(key).or_insert_with(|| name.to_string());
                }
            }
        }
        e
    }

    /// Appends the name, or the address with ` (oui Vendor)`; other lengths in hex.
    pub fn write(&self, out: &mut String, mac: &[u8]) {
        if let Some(name) = <[u8; 6]>::try_from(mac)
            .ok()
            .and_then(|k| self.names.get(&k))
        {
            out.push_str(name);
            return;
        }
        for (i, b) in mac.iter().enumerate() {
            if i > 0 {
                out.push(':');
            }
            let _ = write!(out, "{b:02x}");
        }
        if let [a, b, c, ..] = mac {
            let oui = u32::from(*a) << 16 | u32::from(*b) << 8 | u32::from(*c);
            let _ = write!(out, " (oui {})", oui_name(oui));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_then_vendors() {
        let e =
            Ethers::parse("# x\n2:0:0:0:0:1 first\n02:00:00:00:00:02\tsecond # c\nbad line here\n")
                .with_broadcast();
        let mut s = String::new();
        e.write(&mut s, &[2, 0, 0, 0, 0, 1]);
        assert_eq!(s, "first");
        s.clear();
        e.write(&mut s, &[0, 0, 0x0c, 1, 2, 3]);
        assert_eq!(s, "00:00:0c:01:02:03 (oui Cisco)");
        s.clear();
        e.write(&mut s, &[0x52, 0x54, 0, 1, 2, 3]);
        assert_eq!(s, "52:54:00:01:02:03 (oui Unknown)");
        s.clear();
        e.write(&mut s, &[0xff; 6]);
        assert_eq!(s, "Broadcast");
    }
}
