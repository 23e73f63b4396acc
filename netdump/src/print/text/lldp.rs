//! LLDP wording (tcpdump's `lldp_print`): the basic TLVs, management addresses, and the
//! organisation-specific TLVs of IEEE 802.1, IEEE 802.3, TIA (LLDP-MED), IANA (MUD URL) and
//! DCBX.

use std::fmt::Write as _;

use super::{
    llc::oui_name,
    walk::{bits, printjnp, printn, tok, trunc, unknown_data, Bytes, Walk},
    Dissector,
};
use crate::decode::lldp::Lldp;

const TLV_NAMES: &[(u32, &str)] = &[
    (0, "End"),
    (1, "Chassis ID"),
    (2, "Port ID"),
    (3, "Time to Live"),
    (4, "Port Description"),
    (5, "System Name"),
    (6, "System Description"),
    (7, "System Capabilities"),
    (8, "Management Address"),
    (127, "Organization specific"),
];

const CHASSIS_SUBTYPES: &[(u32, &str)] = &[
    (1, "Chassis component"),
    (2, "Interface alias"),
    (3, "Port component"),
    (4, "MAC address"),
    (5, "Network address"),
    (6, "Interface name"),
    (7, "Local"),
];

const PORT_SUBTYPES: &[(u32, &str)] = &[
    (1, "Interface alias"),
    (2, "Port component"),
    (3, "MAC address"),
    (4, "Network Address"),
    (5, "Interface Name"),
    (6, "Agent circuit ID"),
    (7, "Local"),
];

const CAPABILITIES: &[(u32, &str)] = &[
    (1 << 0, "Other"),
    (1 << 1, "Repeater"),
    (1 << 2, "Bridge"),
    (1 << 3, "WLAN AP"),
    (1 << 4, "Router"),
    (1 << 5, "Telephone"),
    (1 << 6, "Docsis"),
    (1 << 7, "Station Only"),
];

const SUBTYPES_8021: &[(u32, &str)] = &[
    (1, "Port VLAN Id"),
    (2, "Port and Protocol VLAN ID"),
    (3, "VLAN name"),
    (4, "Protocol Identity"),
    (7, "Link aggregation"),
    (8, "Congestion Notification"),
    (9, "ETS Configuration"),
    (10, "ETS Recommendation"),
    (11, "Priority Flow Control Configuration"),
    (12, "Application Priority"),
    (13, "EVB"),
    (14, "CDCP"),
];

const PROTOCOL_VLAN_FLAGS: &[(u32, &str)] = &[(1 << 1, "supported"), (1 << 2, "enabled")];

const SUBTYPES_8023: &[(u32, &str)] = &[
    (1, "MAC/PHY configuration/status"),
    (2, "Power via MDI"),
    (3, "Link aggregation"),
    (4, "Max frame size"),
];

const TIA_SUBTYPES: &[(u32, &str)] = &[
    (1, "LLDP-MED Capabilities"),
    (2, "Network policy"),
    (3, "Location identification"),
    (4, "Extended power-via-MDI"),
    (5, "Inventory - hardware revision"),
    (6, "Inventory - firmware revision"),
    (7, "Inventory - software revision"),
    (8, "Inventory - serial number"),
    (9, "Inventory - manufacturer name"),
    (10, "Inventory - model name"),
    (11, "Inventory - asset ID"),
];

const ALTITUDE_TYPES: &[(u32, &str)] = &[(1, "meters"), (2, "floors")];

const LCI_CATYPES: &[(u32, &str)] = &[
    (
        1,
        "national subdivisions (state,canton,region,province,prefecture)",
    ),
    (2, "county, parish, gun, district"),
    (3, "city, township, shi"),
    (4, "city division, borough, city district, ward chou"),
    (5, "neighborhood, block"),
    (6, "street"),
];

const LCI_WHAT: &[(u32, &str)] = &[
    (0, "location of DHCP server"),
    (
        1,
        "location of the network element believed to be closest to the client",
    ),
    (2, "location of the client"),
];

const MAU_TYPES: &[&str] = &[
    "Unknown",
    "AUI",
    "10BASE_5",
    "FOIRL",
    "10BASE2",
    "10BASET duplex mode unknown",
    "10BASEFP",
    "10BASEFB",
    "10BASEFL duplex mode unknown",
    "10BROAD36",
    "10BASET hdx",
    "10BASET fdx",
    "10BASEFL hdx",
    "10BASEFL fdx",
    "100BASET4",
    "100BASETX hdx",
    "100BASETX fdx",
    "100BASEFX hdx",
    "100BASEFX fdx",
    "100BASET2 hdx",
    "100BASET2 fdx",
    "1000BASEX hdx",
    "1000BASEX fdx",
    "1000BASELX hdx",
    "1000BASELX fdx",
    "1000BASESX hdx",
    "1000BASESX fdx",
    "1000BASECX hdx",
    "1000BASECX fdx",
    "1000BASET hdx",
    "1000BASET fdx",
    "10GBASEX",
    "10GBASELX4",
    "10GBASER",
    "10GBASEER",
    "10GBASELR",
    "10GBASESR",
    "10GBASEW",
    "10GBASEEW",
    "10GBASELW",
    "10GBASESW",
];

const AUTONEG: &[(u32, &str)] = &[(1 << 0, "supported"), (1 << 1, "enabled")];

const TIA_CAPABILITIES: &[(u32, &str)] = &[
    (1 << 0, "LLDP-MED capabilities"),
    (1 << 1, "network policy"),
    (1 << 2, "location identification"),
    (1 << 3, "extended power via MDI-PSE"),
    (1 << 4, "extended power via MDI-PD"),
    (1 << 5, "Inventory"),
];

const TIA_DEVICE_TYPES: &[(u32, &str)] = &[
    (1, "endpoint class 1"),
    (2, "endpoint class 2"),
    (3, "endpoint class 3"),
    (4, "network connectivity"),
];

const TIA_APPLICATION_TYPES: &[(u32, &str)] = &[
    (1, "voice"),
    (2, "voice signaling"),
    (3, "guest voice"),
    (4, "guest voice signaling"),
    (5, "softphone voice"),
    (6, "video conferencing"),
    (7, "streaming video"),
    (8, "video signaling"),
];

const NETWORK_POLICY_BITS: &[(u32, &str)] = &[
    (1 << 7, "Unknown"),
    (1 << 6, "Tagged"),
    (1 << 5, "reserved"),
];

const LOCATION_FORMATS: &[(u32, &str)] = &[
    (1, "coordinate-based LCI"),
    (2, "civic address LCI"),
    (3, "ECS ELIN"),
];

const DATUMS: &[(u32, &str)] = &[
    (1, "World Geodesic System 1984"),
    (2, "North American Datum 1983 (NAVD88)"),
    (3, "North American Datum 1983 (MLLW)"),
];

const POWER_SOURCES: &[(u32, &str)] = &[
    (1, "PSE - primary power source"),
    (2, "local - backup power source"),
    (3, "PSE+local - reserved"),
];

const POWER_PRIORITIES: &[(u32, &str)] = &[(1, "critical"), (2, "high"), (3, "low")];

const INVENTORY: &[(u32, &str)] = &[
    (5, "Hardware revision"),
    (6, "Firmware revision"),
    (7, "Software revision"),
    (8, "Serial number"),
    (9, "Manufacturer name"),
    (10, "Model name"),
    (11, "Asset ID"),
];

const PMD_CAPABILITIES: &[(u32, &str)] = &[
    (1 << 14, "10BASE-T hdx"),
    (1 << 13, "10BASE-T fdx"),
    (1 << 12, "100BASE-T4"),
    (1 << 11, "100BASE-TX hdx"),
    (1 << 10, "100BASE-TX fdx"),
    (1 << 9, "100BASE-T2 hdx"),
    (1 << 8, "100BASE-T2 fdx"),
    (1 << 7, "Pause for fdx links"),
    (1 << 6, "Asym PAUSE for fdx"),
    (1 << 5, "Sym PAUSE for fdx"),
    (1 << 4, "Asym and Sym PAUSE for fdx"),
    (1 << 3, "1000BASE-{X LX SX CX} hdx"),
    (1 << 2, "1000BASE-{X LX SX CX} fdx"),
    (1 << 1, "1000BASE-T hdx"),
    (1 << 0, "1000BASE-T fdx"),
];

const MDI_FLAGS: &[(u32, &str)] = &[
    (1 << 0, "PSE"),
    (1 << 1, "supported"),
    (1 << 2, "enabled"),
    (1 << 3, "can be controlled"),
];

const MDI_POWER_PAIRS: &[(u32, &str)] = &[(1, "signal"), (2, "spare")];

const MDI_POWER_CLASSES: &[(u32, &str)] = &[
    (1, "class0"),
    (2, "class1"),
    (3, "class2"),
    (4, "class3"),
    (5, "class4"),
];

const AGGREGATION: &[(u32, &str)] = &[(1 << 0, "supported"), (1 << 1, "enabled")];

const DCBX_SUBTYPES: &[(u32, &str)] = &[
    (1, "DCB Capability Exchange Protocol Rev 1"),
    (2, "DCB Capability Exchange Protocol Rev 1.01"),
];

const INTF_NUMBERING: &[(u32, &str)] = &[(2, "Interface Index"), (3, "System Port Number")];

const EVB_MODES: &[(u32, &str)] = &[
    (0, "Not Supported"),
    (1, "EVB Bridge"),
    (2, "EVB Station"),
    (3, "Reserved for future Standardization"),
];

const AF_NAMES: &[(u32, &str)] = &[
    (0, "Reserved"),
    (1, "IPv4"),
    (2, "IPv6"),
    (3, "NSAP"),
    (4, "HDLC"),
    (5, "BBN 1822"),
    (6, "802"),
    (7, "E.163"),
    (8, "E.164"),
    (9, "F.69"),
    (10, "X.121"),
    (11, "Novell IPX"),
    (12, "Appletalk"),
    (13, "Decnet IV"),
    (14, "Banyan Vines"),
    (15, "E.164 with NSAP subaddress"),
    (196, "Layer-2 VPN"),
    (25, "VPLS"),
];

const OUI_8021: u32 = 0x0080c2;
const OUI_8023: u32 = 0x00120f;
const OUI_IANA: u32 = 0x00005e;
const OUI_TIA: u32 = 0x0012bb;
const OUI_DCBX: u32 = 0x001b21;

fn name(table: &[(u32, &'static str)], v: impl Into<u32>, default: &'static str) -> &'static str {
    tok(table, v.into()).unwrap_or(default)
}

fn flags(table: &[(u32, &'static str)], v: impl Into<u32>, default: &str) -> String {
    bits(table, v.into(), ", ").unwrap_or_else(|| default.into())
}

fn mac(b: Bytes<'_>, at: usize) -> Walk<String> {
    let mut s = String::new();
    super::mac(&mut s, b.slice(at, 6)?);
    Ok(s)
}

/// tcpdump's `%-2d ` over the eight bits of `v`, low bit first.
fn bit_row(out: &mut String, v: u8) {
    for i in 0..8 {
        let _ = write!(out, "{:<2} ", (v >> i) & 1);
    }
}

/// `lldp_network_addr_print`; None where tcpdump returns NULL.
fn network_addr(b: Bytes<'_>, at: usize, len: usize) -> Walk<Option<String>> {
    if len < 1 {
        return Ok(None);
    }
    let len = len - 1;
    let af = b.u8(at)?;
    let afn = name(AF_NAMES, af, "Unknown");
    let addr = match af {
        1 if len >= 4 => b.ipv4(at + 1)?.to_string(),
        2 if len >= 16 => b.ipv6(at + 1)?.to_string(),
        6 if len >= 6 => mac(b, at + 1)?,
        1 | 2 | 6 => return Ok(None),
        _ => return Ok(Some(format!("AFI {afn} ({af}), no AF printer !"))),
    };
    Ok(Some(format!("AFI {afn} ({af}): {addr}")))
}

/// Where the TLV walk ends: the capture ran out, or tcpdump's `goto trunc`; both print
/// `[|lldp]`.
type Lw<T = ()> = Walk<T>;
use super::walk::Cut;

impl Dissector {
    pub(super) fn lldp(&mut self, out: &mut String, l: &Lldp<'_>) {
        if self.lldp_walk(out, Bytes(l.raw), l.length).is_err() {
            trunc(out, "lldp");
        }
    }

    fn lldp_walk(&self, out: &mut String, b: Bytes<'_>, len: u32) -> Lw {
        let v = self.opts.verbose;
        let _ = write!(out, "LLDP, length {len}");
        let mut tlen = len as usize;
        let mut at = 0usize;
        while tlen >= 2 {
            let tlv = b.be16(at)?;
            let (ty, tl) = ((tlv >> 9) as u8, usize::from(tlv & 0x1ff));
            tlen -= 2;
            at += 2;
            if v > 0 {
                let _ = write!(
                    out,
                    "\n\t{} TLV ({ty}), length {tl}",
                    name(TLV_NAMES, ty, "Unknown")
                );
            }
            if ty == 0 || tl == 0 {
                break;
            }
            b.slice(at, tl)?;
            if tlen < tl {
                return Err(Cut);
            }
            let mut hexdump = false;
            match ty {
                1 | 2 if v > 0 => {
                    if tl < 2 {
                        return Err(Cut);
                    }
                    let sub = b.u8(at)?;
                    let (table, mac_sub, net_sub, text): (_, u8, u8, &[u8]) = if ty == 1 {
                        (CHASSIS_SUBTYPES, 4, 5, &[6, 7, 1, 2, 3])
                    } else {
                        (PORT_SUBTYPES, 3, 4, &[5, 7, 6, 1, 2])
                    };
                    let _ = write!(
                        out,
                        "\n\t  Subtype {} ({sub}): ",
                        name(table, sub, "Unknown")
                    );
                    if sub == mac_sub {
                        if tl < 7 {
                            return Err(Cut);
                        }
                        out.push_str(&mac(b, at + 1)?);
                    } else if text.contains(&sub) {
                        printjnp(out, b, at + 1, tl - 1)?;
                    } else if sub == net_sub {
                        match network_addr(b, at + 1, tl - 1)? {
                            Some(a) => out.push_str(&a),
                            None => return Err(Cut),
                        }
                    } else {
                        hexdump = true;
                    }
                }
                3 if v > 0 => {
                    if tl < 2 {
                        return Err(Cut);
                    }
                    let _ = write!(out, ": TTL {}s", b.be16(at)?);
                }
                4 if v > 0 => {
                    out.push_str(": ");
                    printjnp(out, b, at, tl)?;
                }
                5 => {
                    // The system name is printed without -v too, as CDP's device id.
                    out.push_str(": ");
                    printjnp(out, b, at, tl)?;
                }
                6 if v > 0 => {
                    out.push_str("\n\t  ");
                    printjnp(out, b, at, tl)?;
                }
                7 if v > 0 => {
                    if tl < 4 {
                        return Err(Cut);
                    }
                    let (cap, ena) = (b.be16(at)?, b.be16(at + 2)?);
                    let _ = write!(
                        out,
                        "\n\t  System  Capabilities [{}] (0x{cap:04x})",
                        flags(CAPABILITIES, cap, "none")
                    );
                    let _ = write!(
                        out,
                        "\n\t  Enabled Capabilities [{}] (0x{ena:04x})",
                        flags(CAPABILITIES, ena, "none")
                    );
                }
                8 if v > 0 => {
                    if !mgmt_addr(out, b.from(at), tl)? {
                        return Err(Cut);
                    }
                }
                127 if v > 0 => {
                    if tl < 3 {
                        return Err(Cut);
                    }
                    let oui = b.be24(at)?;
                    let _ = write!(out, ": OUI {} (0x{oui:06x})", oui_name(oui));
                    let t = b.from(at);
                    hexdump = match oui {
                        OUI_8021 => private_8021(out, t, tl)?,
                        OUI_8023 => private_8023(out, t, tl)?,
                        OUI_IANA => private_iana(out, t, tl)?,
                        OUI_TIA => private_tia(out, t, tl)?,
                        OUI_DCBX => self.private_dcbx(out, t, tl)?,
                        _ => true,
                    };
                }
                1..=8 | 127 => {}
                _ => hexdump = true,
            }
            if v > 1 || (v > 0 && hexdump) {
                unknown_data(out, "\n\t  ", b, at, tl);
            }
            tlen -= tl;
            at += tl;
        }
        Ok(())
    }

    /// `lldp_private_dcbx_print`: its own "trunc" only ends the DCBX walk.
    fn private_dcbx(&self, out: &mut String, p: Bytes<'_>, len: usize) -> Walk<bool> {
        if len < 4 {
            return Ok(false);
        }
        let sub = p.u8(3)?;
        let _ = write!(
            out,
            "\n\t  {} Subtype ({sub})",
            name(DCBX_SUBTYPES, sub, "unknown")
        );
        if sub == 1 {
            return Ok(true);
        }
        let mut hexdump = false;
        let mut at = 4usize;
        let mut tlen = len - 4;
        while tlen >= 2 {
            if !p.has(at, 2) {
                return Ok(hexdump);
            }
            let tlv = p.be16(at)?;
            let (ty, tl) = (tlv >> 9, usize::from(tlv & 0x1ff));
            hexdump = false;
            tlen -= 2;
            at += 2;
            if ty == 0 || tl == 0 {
                break;
            }
            if !p.has(at, tl) || tlen < tl {
                return Ok(hexdump);
            }
            let info = |out: &mut String| -> Walk {
                let _ = write!(out, "\n\t      Oper_Version: {}", p.u8(at)?);
                let _ = write!(out, "\n\t      Max_Version: {}", p.u8(at + 1)?);
                let t = p.u8(at + 2)?;
                let _ = write!(out, "\n\t      Info block(0x{t:02X}): ");
                let _ = write!(
                    out,
                    "Enable bit: {}, Willing bit: {}, Error Bit: {}",
                    u8::from(t & 0x80 != 0),
                    u8::from(t & 0x40 != 0),
                    u8::from(t & 0x20 != 0)
                );
                let _ = write!(out, "\n\t      SubType: {}", p.u8(at + 3)?);
                Ok(())
            };
            match ty {
                1 => {
                    if tl < 10 {
                        return Ok(hexdump);
                    }
                    let _ = write!(
                        out,
                        "\n\t    Control - Protocol Control (type 0x1, length {tl})"
                    );
                    let _ = write!(out, "\n\t      Oper_Version: {}", p.u8(at)?);
                    let _ = write!(out, "\n\t      Max_Version: {}", p.u8(at + 1)?);
                    let _ = write!(out, "\n\t      Sequence Number: {}", p.be32(at + 2)?);
                    let _ = write!(out, "\n\t      Acknowledgement Number: {}", p.be32(at + 6)?);
                }
                2 => {
                    if tl < 17 {
                        return Ok(hexdump);
                    }
                    let _ = write!(
                        out,
                        "\n\t    Feature - Priority Group (type 0x2, length {tl})"
                    );
                    info(out)?;
                    out.push_str("\n\t      Priority Allocation");
                    let pg = p.be32(at + 4)?;
                    for i in 0..8 {
                        let _ = write!(
                            out,
                            "\n\t          PgId_{i}: {}",
                            (pg >> (28 - 4 * i)) & 0xf
                        );
                    }
                    out.push_str("\n\t      Priority Group Allocation");
                    for i in 0..8 {
                        let _ = write!(
                            out,
                            "\n\t          Pg percentage[{i}]: {}",
                            p.u8(at + 8 + i)?
                        );
                    }
                    let _ = write!(out, "\n\t      NumTCsSupported: {}", p.u8(at + 16)?);
                }
                3 => {
                    if tl < 6 {
                        return Ok(hexdump);
                    }
                    out.push_str("\n\t    Feature - Priority Flow Control");
                    let _ = write!(out, " (type 0x3, length {tl})");
                    info(out)?;
                    let t = p.u8(at + 4)?;
                    let _ = write!(out, "\n\t      PFC Config (0x{t:02X})");
                    for i in 0..8 {
                        let _ = write!(
                            out,
                            "\n\t          Priority Bit {i}: {}",
                            if t & (1 << i) != 0 {
                                "Enabled"
                            } else {
                                "Disabled"
                            }
                        );
                    }
                    let _ = write!(out, "\n\t      NumTCPFCSupported: {}", p.u8(at + 5)?);
                }
                4 => {
                    if tl < 4 {
                        return Ok(hexdump);
                    }
                    let _ = write!(out, "\n\t    Feature - Application (type 0x4, length {tl})");
                    info(out)?;
                    let mut tv = tl - 4;
                    let mut m = at + 4;
                    while tv >= 6 {
                        out.push_str("\n\t      Application Value");
                        let _ = write!(
                            out,
                            "\n\t          Application Protocol ID: 0x{:04x}",
                            p.be16(m)?
                        );
                        let u = p.be24(m + 2)?;
                        let _ = write!(
                            out,
                            "\n\t          SF (0x{:x}) Application Protocol ID is {}",
                            u >> 22,
                            if u >> 22 != 0 {
                                "Socket Number"
                            } else {
                                "L2 EtherType"
                            }
                        );
                        let _ = write!(out, "\n\t          OUI: 0x{:06x}", u & 0x3fffff);
                        let _ = write!(
                            out,
                            "\n\t          User Priority Map: 0x{:02x}",
                            p.u8(m + 5)?
                        );
                        tv -= 6;
                        m += 6;
                    }
                }
                _ => hexdump = true,
            }
            if self.opts.verbose > 1 || (self.opts.verbose > 0 && hexdump) {
                unknown_data(out, "\n\t    ", p, at, tl);
            }
            tlen -= tl;
            at += tl;
        }
        Ok(hexdump)
    }
}

/// `lldp_mgmt_addr_tlv_print`; false where tcpdump returns 0.
fn mgmt_addr(out: &mut String, p: Bytes<'_>, len: usize) -> Walk<bool> {
    if len < 1 {
        return Ok(false);
    }
    let alen = usize::from(p.u8(0)?);
    let mut tlen = len - 1;
    if tlen < alen {
        return Ok(false);
    }
    let Some(addr) = network_addr(p, 1, alen)? else {
        return Ok(false);
    };
    let _ = write!(out, "\n\t  Management Address length {alen}, {addr}");
    let mut at = 1 + alen;
    tlen -= alen;
    if tlen < 5 {
        return Ok(false);
    }
    let sub = p.u8(at)?;
    let _ = write!(
        out,
        "\n\t  {} Interface Numbering ({sub}): {}",
        name(INTF_NUMBERING, sub, "Unknown"),
        p.be32(at + 1)?
    );
    at += 5;
    tlen -= 5;
    if tlen > 0 {
        let olen = usize::from(p.u8(at)?);
        if tlen < 1 + olen {
            return Ok(false);
        }
        if olen > 0 {
            let _ = write!(out, "\n\t  OID length {olen}");
            printjnp(out, p, at + 1, olen)?;
        }
    }
    Ok(true)
}

fn ets_tables(out: &mut String, t: Bytes<'_>) -> Walk {
    let s = t.slice(5, 4)?;
    out.push_str("\n\t    Priority Assignment Table");
    out.push_str("\n\t     Priority : 0   1   2   3   4   5   6   7");
    out.push_str("\n\t     Value    : ");
    let vals: Vec<u8> = s.iter().flat_map(|x| [x >> 4, x & 0x0f]).collect();
    row3(out, &vals);
    let s = t.slice(9, 8)?;
    out.push_str("\n\t    TC Bandwidth Table");
    out.push_str("\n\t     TC%   : 0   1   2   3   4   5   6   7");
    out.push_str("\n\t     Value : ");
    row3(out, s);
    let s = t.slice(17, 8)?;
    out.push_str("\n\t    TSA Assignment Table");
    out.push_str("\n\t     Traffic Class: 0   1   2   3   4   5   6   7");
    out.push_str("\n\t     Value        : ");
    row3(out, s);
    Ok(())
}

/// `%-3d` separated by spaces, eight values.
fn row3(out: &mut String, vals: &[u8]) {
    for (i, x) in vals.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{x:<3}");
    }
}

fn private_8021(out: &mut String, t: Bytes<'_>, len: usize) -> Walk<bool> {
    if len < 4 {
        return Ok(false);
    }
    let sub = t.u8(3)?;
    let _ = write!(
        out,
        "\n\t  {} Subtype ({sub})",
        name(SUBTYPES_8021, sub, "unknown")
    );
    match sub {
        1 => {
            if len < 6 {
                return Ok(false);
            }
            let _ = write!(out, "\n\t    port vlan id (PVID): {}", t.be16(4)?);
        }
        2 => {
            if len < 7 {
                return Ok(false);
            }
            let f = t.u8(4)?;
            let _ = write!(
                out,
                "\n\t    port and protocol vlan id (PPVID): {}, flags [{}] (0x{f:02x})",
                t.be16(5)?,
                flags(PROTOCOL_VLAN_FLAGS, f, "none")
            );
        }
        3 => {
            if len < 6 {
                return Ok(false);
            }
            let _ = write!(out, "\n\t    vlan id (VID): {}", t.be16(4)?);
            if len < 7 {
                return Ok(false);
            }
            let sl = usize::from(t.u8(6)?);
            if len < 7 + sl {
                return Ok(false);
            }
            out.push_str("\n\t    vlan name: ");
            printjnp(out, t, 7, sl)?;
        }
        4 => {
            if len < 5 {
                return Ok(false);
            }
            let sl = usize::from(t.u8(4)?);
            if len < 5 + sl {
                return Ok(false);
            }
            out.push_str("\n\t    protocol identity: ");
            printjnp(out, t, 5, sl)?;
        }
        7 => {
            if len < 9 {
                return Ok(false);
            }
            let _ = write!(
                out,
                "\n\t    aggregation status [{}], aggregation port ID {}",
                flags(AGGREGATION, t.u8(4)?, "none"),
                t.be32(5)?
            );
        }
        8 => {
            if len < 6 {
                return Ok(false);
            }
            let v = t.u8(4)?;
            out.push_str("\n\t    Pre-Priority CNPV Indicator");
            out.push_str("\n\t     Priority : 0  1  2  3  4  5  6  7");
            out.push_str("\n\t     Value    : ");
            bit_row(out, v);
            let v = t.u8(5)?;
            out.push_str("\n\t    Pre-Priority Ready Indicator");
            out.push_str("\n\t     Priority : 0  1  2  3  4  5  6  7");
            out.push_str("\n\t     Value    : ");
            bit_row(out, v);
        }
        9 => {
            if len < 25 {
                return Ok(false);
            }
            let v = t.u8(4)?;
            let _ = write!(
                out,
                "\n\t    Willing:{}, CBS:{}, RES:{}, Max TCs:{}",
                v >> 7,
                (v >> 6) & 0x02,
                (v >> 3) & 0x07,
                v & 0x07
            );
            ets_tables(out, t)?;
        }
        10 => {
            if len < 25 {
                return Ok(false);
            }
            let _ = write!(out, "\n\t    RES: {}", t.u8(4)?);
            ets_tables(out, t)?;
        }
        11 => {
            if len < 6 {
                return Ok(false);
            }
            let v = t.u8(4)?;
            let _ = write!(
                out,
                "\n\t    Willing: {}, MBC: {}, RES: {}, PFC cap:{} ",
                v >> 7,
                (v >> 6) & 0x01,
                (v >> 4) & 0x03,
                v & 0x0f
            );
            out.push_str("\n\t    PFC Enable");
            let v = t.u8(5)?;
            out.push_str("\n\t     Priority : 0  1  2  3  4  5  6  7");
            out.push_str("\n\t     Value    : ");
            bit_row(out, v);
        }
        12 => {
            if len < 5 {
                return Ok(false);
            }
            let _ = write!(out, "\n\t    RES: {}", t.u8(4)?);
            if len <= 5 {
                return Ok(false);
            }
            let sl = len - 5;
            if !sl.is_multiple_of(3) {
                return Ok(false);
            }
            out.push_str("\n\t    Application Priority Table");
            for i in (0..sl).step_by(3) {
                let v = t.u8(i + 5)?;
                let _ = write!(
                    out,
                    "\n\t      Priority: {}, RES: {}, Sel: {}, Protocol ID: {}",
                    v >> 5,
                    (v >> 3) & 0x03,
                    v & 0x07,
                    t.be16(i + 6)?
                );
            }
        }
        13 => {
            if len < 9 {
                return Ok(false);
            }
            out.push_str("\n\t    EVB Bridge Status");
            let v = t.u8(4)?;
            let _ = write!(
                out,
                "\n\t      RES: {}, BGID: {}, RRCAP: {}, RRCTR: {}",
                v >> 3,
                (v >> 2) & 1,
                (v >> 1) & 1,
                v & 1
            );
            out.push_str("\n\t    EVB Station Status");
            let v = t.u8(5)?;
            let _ = write!(
                out,
                "\n\t      RES: {}, SGID: {}, RRREQ: {},RRSTAT: {}",
                v >> 4,
                (v >> 3) & 1,
                (v >> 2) & 1,
                v & 3
            );
            let v = t.u8(6)?;
            let _ = write!(out, "\n\t    R: {}, RTE: {}, ", v >> 5, v & 0x1f);
            let v = t.u8(7)?;
            let _ = write!(
                out,
                "EVB Mode: {} [{}]",
                name(EVB_MODES, v >> 6, "unknown"),
                v >> 6
            );
            let _ = write!(out, "\n\t    ROL: {}, RWD: {}, ", (v >> 5) & 1, v & 0x1f);
            let v = t.u8(8)?;
            let _ = write!(
                out,
                "RES: {}, ROL: {}, RKA: {}",
                v >> 6,
                (v >> 5) & 1,
                v & 0x1f
            );
        }
        14 => {
            if len < 8 {
                return Ok(false);
            }
            let v = t.u8(4)?;
            let _ = write!(
                out,
                "\n\t    Role: {}, RES: {}, Scomp: {} ",
                v >> 7,
                (v >> 4) & 0x07,
                (v >> 3) & 1
            );
            let _ = write!(out, "ChnCap: {}", t.be16(6)? & 0x0fff);
            let sl = len - 8;
            if !sl.is_multiple_of(3) {
                return Ok(false);
            }
            for i in (0..sl).step_by(3) {
                let v = t.be24(i + 8)?;
                let _ = write!(out, "\n\t    SCID: {}, SVID: {}", v >> 12, v & 0xfff);
            }
        }
        _ => return Ok(true),
    }
    Ok(false)
}

fn private_8023(out: &mut String, t: Bytes<'_>, len: usize) -> Walk<bool> {
    if len < 4 {
        return Ok(false);
    }
    let sub = t.u8(3)?;
    let _ = write!(
        out,
        "\n\t  {} Subtype ({sub})",
        name(SUBTYPES_8023, sub, "unknown")
    );
    match sub {
        1 => {
            if len < 9 {
                return Ok(false);
            }
            let a = t.u8(4)?;
            let _ = write!(
                out,
                "\n\t    autonegotiation [{}] (0x{a:02x})",
                flags(AUTONEG, a, "none")
            );
            let pmd = t.be16(5)?;
            let _ = write!(
                out,
                "\n\t    PMD autoneg capability [{}] (0x{pmd:04x})",
                flags(PMD_CAPABILITIES, pmd, "unknown")
            );
            let mau = t.be16(7)?;
            let _ = write!(
                out,
                "\n\t    MAU type {} (0x{mau:04x})",
                MAU_TYPES.get(usize::from(mau)).unwrap_or(&"unknown")
            );
        }
        2 => {
            if len < 7 {
                return Ok(false);
            }
            let _ = write!(
                out,
                "\n\t    MDI power support [{}], power pair {}, power class {}",
                flags(MDI_FLAGS, t.u8(4)?, "none"),
                name(MDI_POWER_PAIRS, t.u8(5)?, "unknown"),
                name(MDI_POWER_CLASSES, t.u8(6)?, "unknown")
            );
        }
        3 => {
            if len < 9 {
                return Ok(false);
            }
            let _ = write!(
                out,
                "\n\t    aggregation status [{}], aggregation port ID {}",
                flags(AGGREGATION, t.u8(4)?, "none"),
                t.be32(5)?
            );
        }
        4 => {
            if len < 6 {
                return Ok(false);
            }
            let _ = write!(out, "\n\t    MTU size {}", t.be16(4)?);
        }
        _ => return Ok(true),
    }
    Ok(false)
}

fn private_iana(out: &mut String, t: Bytes<'_>, len: usize) -> Walk<bool> {
    if len < 8 {
        return Ok(false);
    }
    let sub = t.u8(3)?;
    let _ = write!(
        out,
        "\n\t  {} Subtype ({sub})",
        if sub == 1 { "MUD-URL" } else { "unknown" }
    );
    if sub != 1 {
        return Ok(true);
    }
    out.push_str("\n\t  MUD-URL=");
    printn(out, t, 4, len - 4)?;
    Ok(false)
}

fn latlon(t: Bytes<'_>, at: usize) -> Walk<u64> {
    Ok(u64::from(t.u8(at)? & 3) << 32 | u64::from(t.be32(at + 1)?))
}

fn private_tia(out: &mut String, t: Bytes<'_>, len: usize) -> Walk<bool> {
    if len < 4 {
        return Ok(false);
    }
    let sub = t.u8(3)?;
    let _ = write!(
        out,
        "\n\t  {} Subtype ({sub})",
        name(TIA_SUBTYPES, sub, "unknown")
    );
    match sub {
        1 => {
            if len < 7 {
                return Ok(false);
            }
            let c = t.be16(4)?;
            let _ = write!(
                out,
                "\n\t    Media capabilities [{}] (0x{c:04x})",
                flags(TIA_CAPABILITIES, c, "none")
            );
            let d = t.u8(6)?;
            let _ = write!(
                out,
                "\n\t    Device type [{}] (0x{d:02x})",
                name(TIA_DEVICE_TYPES, d, "unknown")
            );
        }
        2 => {
            if len < 8 {
                return Ok(false);
            }
            let a = t.u8(4)?;
            let _ = write!(
                out,
                "\n\t    Application type [{}] (0x{a:02x})",
                name(TIA_APPLICATION_TYPES, a, "none")
            );
            let _ = write!(
                out,
                ", Flags [{}]",
                flags(NETWORK_POLICY_BITS, t.u8(5)?, "none")
            );
            let _ = write!(out, "\n\t    Vlan id {}", (t.be16(5)? & 0x1ffe) >> 1);
            let _ = write!(out, ", L2 priority {}", (t.be16(6)? & 0x01ff) >> 6);
            let _ = write!(out, ", DSCP value {}", t.be16(6)? & 0x003f);
        }
        3 => {
            if len < 5 {
                return Ok(false);
            }
            let f = t.u8(4)?;
            let _ = write!(
                out,
                "\n\t    Location data format {} (0x{f:02x})",
                name(LOCATION_FORMATS, f, "unknown")
            );
            match f {
                1 => {
                    if len < 21 {
                        return Ok(false);
                    }
                    let _ = write!(
                        out,
                        "\n\t    Latitude resolution {}, latitude value {}",
                        t.u8(5)? >> 2,
                        latlon(t, 5)?
                    );
                    let _ = write!(
                        out,
                        "\n\t    Longitude resolution {}, longitude value {}",
                        t.u8(10)? >> 2,
                        latlon(t, 10)?
                    );
                    let at = t.u8(15)? >> 4;
                    let _ = write!(
                        out,
                        "\n\t    Altitude type {} ({at})",
                        name(ALTITUDE_TYPES, at, "unknown")
                    );
                    let _ = write!(
                        out,
                        "\n\t    Altitude resolution {}, altitude value 0x{:x}",
                        (t.be16(15)? >> 6) & 0x3f,
                        t.be32(16)? & 0x3fff_ffff
                    );
                    let d = t.u8(20)?;
                    let _ = write!(
                        out,
                        "\n\t    Datum {} (0x{d:02x})",
                        name(DATUMS, d, "unknown")
                    );
                }
                2 => {
                    if len < 6 {
                        return Ok(false);
                    }
                    let mut lci = usize::from(t.u8(5)?);
                    if lci < 3 || len < 7 + lci {
                        return Ok(false);
                    }
                    let w = t.u8(6)?;
                    let _ = write!(
                        out,
                        "\n\t    LCI length {lci}, LCI what {} (0x{w:02x}), Country-code ",
                        name(LCI_WHAT, w, "unknown")
                    );
                    printjnp(out, t, 7, 2)?;
                    lci -= 3;
                    let mut p = 9usize;
                    while lci > 0 {
                        if lci < 2 {
                            return Ok(false);
                        }
                        let (ct, cl) = (t.u8(p)?, usize::from(t.u8(p + 1)?));
                        p += 2;
                        lci -= 2;
                        let _ = write!(
                            out,
                            "\n\t      CA type '{}' ({ct}), length {cl}: ",
                            name(LCI_CATYPES, ct, "unknown")
                        );
                        if ct == 0 || cl == 0 || lci < cl {
                            return Ok(false);
                        }
                        printjnp(out, t, p, cl)?;
                        p += cl;
                        lci -= cl;
                    }
                }
                3 => {
                    out.push_str("\n\t    ECS ELIN id ");
                    printjnp(out, t, 5, len - 5)?;
                }
                _ => {
                    out.push_str("\n\t    Location ID ");
                    unknown_data(out, "\n\t      ", t, 5, len - 5);
                }
            }
        }
        4 => {
            if len < 7 {
                return Ok(false);
            }
            let x = t.u8(4)?;
            // tcpdump's precedence slip: `x & 0xC0 >> 6` is `x & 3`.
            let _ = write!(
                out,
                "\n\t    Power type [{}]",
                if x & 3 != 0 {
                    "PD device"
                } else {
                    "PSE device"
                }
            );
            let _ = write!(
                out,
                ", Power source [{}]",
                name(POWER_SOURCES, (x & 0x30) >> 4, "none")
            );
            let _ = write!(
                out,
                "\n\t    Power priority [{}] (0x{:02x})",
                name(POWER_PRIORITIES, x & 0x0f, "none"),
                x & 0x0f
            );
            let pv = t.be16(5)?;
            if pv < 1024 {
                let _ = write!(out, ", Power {:.1} Watts", f32::from(pv) / 10.0);
            } else {
                let _ = write!(out, ", Power {pv} (Reserved)");
            }
        }
        5..=11 => {
            let _ = write!(out, "\n\t  {} ", name(INVENTORY, sub, "unknown"));
            printjnp(out, t, 4, len - 4)?;
        }
        _ => return Ok(true),
    }
    Ok(false)
}
