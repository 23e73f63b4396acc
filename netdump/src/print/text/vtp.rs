//! Cisco VTP (SNAP, OUI Cisco, PID 0x2003) as tcpdump's print-vtp.c says it.

use std::fmt::Write as _;

use super::message::{tok, unknown_data, Bytes, Walk};
use super::openflow::printjnp;
use super::Dissector;
use crate::decode::message::Message;

const HEADER_LEN: usize = 36;

const MESSAGES: &[(u32, &str)] = &[
    (1, "Summary advertisement"),
    (2, "Subset advertisement"),
    (3, "Advertisement request"),
    (4, "Join message"),
];

const HEADER_FIELDS: &[(u32, &str)] = &[
    (1, "Followers"),
    (2, "Seq number"),
    (3, "Rsvd"),
    (4, "Rsvd"),
];

const VLAN_TYPES: &[(u32, &str)] = &[
    (1, "Ethernet"),
    (2, "FDDI"),
    (3, "TrCRF"),
    (4, "FDDI-net"),
    (5, "TrBRF"),
];

const VLAN_STATUS: &[(u32, &str)] = &[(0, "Operational"), (1, "Suspended")];

const VLAN_TLVS: &[(u32, &str)] = &[
    (1, "Source-Routing Ring Number TLV"),
    (2, "Source-Routing Bridge Number TLV"),
    (3, "STP type TLV"),
    (4, "Parent VLAN TLV"),
    (5, "Translationally bridged VLANs TLV"),
    (6, "Pruning TLV"),
    (7, "Bridge Type TLV"),
    (8, "Max ARP Hop Count TLV"),
    (9, "Max STE Hop Count TLV"),
    (10, "Backup CRF Mode TLV"),
];

const STP_TYPES: &[(u32, &str)] = &[(1, "SRT"), (2, "SRB"), (3, "Auto")];

impl Dissector {
    pub(super) fn vtp(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "vtp");
        let length = m.length as usize;
        if length < HEADER_LEN {
            out.push_str(" (invalid)");
            return b.get(0, length).map(|_| ());
        }
        b.get(0, HEADER_LEN)?;
        let ty = b.u8(1)?;
        let _ = write!(
            out,
            "VTPv{}, Message {} (0x{ty:02x}), length {length}",
            b.u8(0)?,
            tok(MESSAGES, u32::from(ty)).unwrap_or("Unknown message type")
        );
        if self.opts.verbose < 1 {
            return b.get(0, length).map(|_| ());
        }
        out.push_str("\n\tDomain name: ");
        let mgmtd_len = usize::from(b.u8(3)?);
        if !(1..=32).contains(&mgmtd_len) {
            let _ = write!(out, " [invalid MgmtD Len {mgmtd_len}]");
            return invalid(out, b, length);
        }
        printjnp(out, b, 4, mgmtd_len)?;
        let _ = write!(
            out,
            ", {}: {}",
            tok(HEADER_FIELDS, u32::from(ty)).unwrap_or("Unknown"),
            b.u8(2)?
        );
        let mut cp = HEADER_LEN;
        match ty {
            1 => {
                let _ = write!(
                    out,
                    "\n\t  Config Rev {:x}, Updater {}",
                    b.be32(cp)?,
                    b.ipv4(cp + 4)?
                );
                cp += 8;
                let _ = write!(
                    out,
                    ", Timestamp 0x{:08x} 0x{:08x} 0x{:08x}",
                    b.be32(cp)?,
                    b.be32(cp + 4)?,
                    b.be32(cp + 8)?
                );
                cp += 12;
                let _ = write!(
                    out,
                    ", MD5 digest: {:08x}{:08x}{:08x}{:08x}",
                    b.be32(cp)?,
                    b.be32(cp + 4)?,
                    b.be32(cp + 8)?,
                    b.be32(cp + 12)?
                );
            }
            2 => {
                let _ = write!(out, ", Config Rev {:x}", b.be32(cp)?);
                cp += 4;
                while cp < length {
                    let mut len = usize::from(b.u8(cp)?);
                    if len == 0 {
                        break;
                    }
                    b.get(cp, len)?;
                    if len < 12 {
                        return invalid(out, b, length);
                    }
                    let _ = write!(
                        out,
                        "\n\tVLAN info status {}, type {}, VLAN-id {}, MTU {}, SAID 0x{:08x}, Name ",
                        tok(VLAN_STATUS, u32::from(b.u8(cp + 1)?)).unwrap_or("Unknown"),
                        tok(VLAN_TYPES, u32::from(b.u8(cp + 2)?)).unwrap_or("Unknown"),
                        b.be16(cp + 4)?,
                        b.be16(cp + 6)?,
                        b.be32(cp + 8)?
                    );
                    let name_len = usize::from(b.u8(cp + 3)?);
                    len -= 12;
                    cp += 12;
                    let padded = 4 * name_len.div_ceil(4);
                    if len < padded {
                        return invalid(out, b, length);
                    }
                    printjnp(out, b, cp, name_len)?;
                    len -= padded;
                    cp += padded;
                    while len > 0 {
                        if len < 2 {
                            return invalid(out, b, length);
                        }
                        let tty = b.u8(cp)?;
                        let tlv_len = usize::from(b.u8(cp + 1)?);
                        let _ = write!(
                            out,
                            "\n\t\t{} (0x{tty:04x}) TLV",
                            tok(VLAN_TLVS, u32::from(tty)).unwrap_or("Unknown")
                        );
                        if len < tlv_len * 2 + 2 {
                            out.push_str(" (TLV goes past the end of the packet)");
                            return invalid(out, b, length);
                        }
                        b.get(cp, tlv_len * 2 + 2)?;
                        if tlv_len != 1 {
                            let _ = write!(out, " (invalid TLV length {tlv_len} != 1)");
                            return invalid(out, b, length);
                        }
                        let v = b.be16(cp + 2)?;
                        let _ = match tty {
                            9 => write!(out, ", {v}"),
                            6 => write!(
                                out,
                                ", {} ({v})",
                                if v == 1 { "Enabled" } else { "Disabled" }
                            ),
                            3 => write!(
                                out,
                                ", {} ({v})",
                                tok(STP_TYPES, u32::from(v)).unwrap_or("Unknown")
                            ),
                            7 => write!(out, ", {} ({v})", if v == 1 { "SRB" } else { "SRT" }),
                            10 => write!(
                                out,
                                ", {} ({v})",
                                if v == 1 { "Backup" } else { "Not backup" }
                            ),
                            _ => {
                                unknown_data(out, "\n\t\t  ", b.from(cp), 2 + tlv_len * 2);
                                Ok(())
                            }
                        };
                        len -= 2 + tlv_len * 2;
                        cp += 2 + tlv_len * 2;
                    }
                }
            }
            3 => {
                let _ = write!(out, "\n\tStart value: {}", b.be32(cp)?);
            }
            _ => {}
        }
        Ok(())
    }
}

/// `nd_print_invalid` and tcpdump's check of the whole message.
fn invalid(out: &mut String, b: Bytes<'_>, length: usize) -> Walk {
    out.push_str(" (invalid)");
    b.get(0, length).map(|_| ())
}
