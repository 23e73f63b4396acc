//! OpenFlow 1.3 message bodies at `-v`, as tcpdump's print-openflow-1.3.c prints them:
//! the fixed-size messages (features, configuration, ports, roles, asynchronous
//! configuration), HELLO elements, errors and experimenter messages.

use std::fmt::Write as _;

use super::message::{tok, Bytes, Walk};
use super::openflow::{bitmap, data_print, printjnp, vendor_name};
use super::Dissector;

const CAPABILITIES: &[(u32, &str)] = &[
    (1 << 0, "FLOW_STATS"),
    (1 << 1, "TABLE_STATS"),
    (1 << 2, "PORT_STATS"),
    (1 << 3, "GROUP_STATS"),
    (1 << 5, "IP_REASM"),
    (1 << 6, "QUEUE_STATS"),
    (1 << 8, "PORT_BLOCKED"),
];

const CONFIG_FLAGS: &[(u32, &str)] = &[(0, "FRAG_NORMAL"), (1, "FRAG_DROP"), (2, "FRAG_REASM")];

const TABLES: &[(u32, &str)] = &[(0xfe, "MAX"), (0xff, "ALL")];

const MISS_SEND_LEN: &[(u32, &str)] = &[(0xffe5, "MAX"), (0xffff, "NO_BUFFER")];

const PORT_CONFIG: &[(u32, &str)] = &[
    (1 << 0, "PORT_DOWN"),
    (1 << 2, "NO_RECV"),
    (1 << 5, "NO_FWD"),
    (1 << 6, "NO_PACKET_IN"),
];

const PORT_STATE: &[(u32, &str)] = &[(1 << 0, "LINK_DOWN"), (1 << 1, "BLOCKED"), (1 << 2, "LIVE")];

const PORT_FEATURES: &[(u32, &str)] = &[
    (1 << 0, "10MB_HD"),
    (1 << 1, "10MB_FD"),
    (1 << 2, "100MB_HD"),
    (1 << 3, "100MB_FD"),
    (1 << 4, "1GB_HD"),
    (1 << 5, "1GB_FD"),
    (1 << 6, "10GB_FD"),
    (1 << 7, "40GB_FD"),
    (1 << 8, "100GB_FD"),
    (1 << 9, "1TB_FD"),
    (1 << 10, "OTHER"),
    (1 << 11, "COPPER"),
    (1 << 12, "FIBER"),
    (1 << 13, "AUTONEG"),
    (1 << 14, "PAUSE"),
    (1 << 15, "PAUSE_ASYM"),
];

const PORTS: &[(u32, &str)] = &[
    (0xffff_ff00, "MAX"),
    (0xffff_fff8, "IN_PORT"),
    (0xffff_fff9, "TABLE"),
    (0xffff_fffa, "NORMAL"),
    (0xffff_fffb, "FLOOD"),
    (0xffff_fffc, "ALL"),
    (0xffff_fffd, "CONTROLLER"),
    (0xffff_fffe, "LOCAL"),
    (0xffff_ffff, "ANY"),
];

const ROLES: &[(u32, &str)] = &[(0, "NOCHANGE"), (1, "EQUAL"), (2, "MASTER"), (3, "SLAVE")];

const VERSIONS: &[(u32, &str)] = &[
    (1 << 0, "1.0"),
    (1 << 1, "1.1"),
    (1 << 2, "1.2"),
    (1 << 3, "1.3"),
    (1 << 4, "1.4"),
    (1 << 5, "1.5"),
];

const ASYNC_PACKET_IN: &[(u32, &str)] = &[
    (1 << 0, "NO_MATCH"),
    (1 << 1, "ACTION"),
    (1 << 2, "INVALID_TTL"),
];

const ASYNC_PORT: &[(u32, &str)] = &[(1 << 0, "ADD"), (1 << 1, "DELETE"), (1 << 2, "MODIFY")];

const PORT_REASONS: &[(u32, &str)] = &[(0, "ADD"), (1, "DELETE"), (2, "MODIFY")];

const ERROR_TYPES: &[(u32, &str)] = &[
    (0, "HELLO_FAILED"),
    (1, "BAD_REQUEST"),
    (2, "BAD_ACTION"),
    (3, "BAD_INSTRUCTION"),
    (4, "BAD_MATCH"),
    (5, "FLOW_MOD_FAILED"),
    (6, "GROUP_MOD_FAILED"),
    (7, "PORT_MOD_FAILED"),
    (8, "TABLE_MOD_FAILED"),
    (9, "QUEUE_OP_FAILED"),
    (10, "SWITCH_CONFIG_FAILED"),
    (11, "ROLE_REQUEST_FAILED"),
    (12, "METER_MOD_FAILED"),
    (13, "TABLE_FEATURES_FAILED"),
    (0xffff, "EXPERIMENTER"),
];

/// Error codes by error type (tcpdump's `of13_ofpet2tokary`): each type's codes from 0.
const ERROR_CODES: &[&[&str]] = &[
    &["INCOMPATIBLE", "EPERM"],
    &[
        "BAD_VERSION",
        "BAD_TYPE",
        "BAD_MULTIPART",
        "BAD_EXPERIMENTER",
        "BAD_EXP_TYPE",
        "EPERM",
        "BAD_LEN",
        "BUFFER_EMPTY",
        "BUFFER_UNKNOWN",
        "BAD_TABLE_ID",
        "IS_SLAVE",
        "BAD_PORT",
        "BAD_PACKET",
        "MULTIPART_BUFFER_OVERFLOW",
    ],
    &[
        "BAD_TYPE",
        "BAD_LEN",
        "BAD_EXPERIMENTER",
        "BAD_EXP_TYPE",
        "BAD_OUT_PORT",
        "BAD_ARGUMENT",
        "EPERM",
        "TOO_MANY",
        "BAD_QUEUE",
        "BAD_OUT_GROUP",
        "MATCH_INCONSISTENT",
        "UNSUPPORTED_ORDER",
        "BAD_TAG",
        "BAD_SET_TYPE",
        "BAD_SET_LEN",
        "BAD_SET_ARGUMENT",
    ],
    &[
        "UNKNOWN_INST",
        "UNSUP_INST",
        "BAD_TABLE_ID",
        "UNSUP_METADATA",
        "UNSUP_METADATA_MASK",
        "BAD_EXPERIMENTER",
        "BAD_EXP_TYPE",
        "BAD_LEN",
        "EPERM",
    ],
    &[
        "BAD_TYPE",
        "BAD_LEN",
        "BAD_TAG",
        "BAD_DL_ADDR_MASK",
        "BAD_NW_ADDR_MASK",
        "BAD_WILDCARDS",
        "BAD_FIELD",
        "BAD_VALUE",
        "BAD_MASK",
        "BAD_PREREQ",
        "DUP_FIELD",
        "EPERM",
    ],
    &[
        "UNKNOWN",
        "TABLE_FULL",
        "BAD_TABLE_ID",
        "OVERLAP",
        "EPERM",
        "BAD_TIMEOUT",
        "BAD_COMMAND",
        "BAD_FLAGS",
    ],
    &[
        "GROUP_EXISTS",
        "INVALID_GROUP",
        "WEIGHT_UNSUPPORTED",
        "OUT_OF_GROUPS",
        "OUT_OF_BUCKETS",
        "CHAINING_UNSUPPORTED",
        "WATCH_UNSUPPORTED",
        "LOOP",
        "UNKNOWN_GROUP",
        "CHAINED_GROUP",
        "BAD_TYPE",
        "BAD_COMMAND",
        "BAD_BUCKET",
        "BAD_MATCH",
        "EPERM",
    ],
    &[
        "BAD_PORT",
        "BAD_HW_ADDR",
        "BAD_CONFIG",
        "BAD_ADVERTISE",
        "EPERM",
    ],
    &["BAD_TABLE", "BAD_CONFIG", "EPERM"],
    &["BAD_PORT", "BAD_QUEUE", "EPERM"],
    &["BAD_FLAGS", "BAD_LEN", "EPERM"],
    &["STALE", "UNSUP", "BAD_ROLE"],
    &[
        "UNKNOWN",
        "METER_EXISTS",
        "INVALID_METER",
        "UNKNOWN_METER",
        "BAD_COMMAND",
        "BAD_FLAGS",
        "BAD_RATE",
        "BAD_BURST",
        "BAD_BAND",
        "BAD_BAND_VALUE",
        "OUT_OF_METERS",
        "OUT_OF_BANDS",
    ],
    &[
        "BAD_TABLE",
        "BAD_METADATA",
        "BAD_TYPE",
        "BAD_LEN",
        "BAD_ARGUMENT",
        "EPERM",
    ],
];

/// `tok2str(table, "%u", v)`.
fn tok_or_num(table: &[(u32, &'static str)], v: u32) -> String {
    tok(table, v).map_or_else(|| v.to_string(), str::to_string)
}

impl Dissector {
    /// tcpdump's decoder for OpenFlow 1.3 message type `ty`, on a body of `len` bytes
    /// that passed the type's length check; false when tcpdump has none for the type.
    pub(super) fn openflow13_body(
        &mut self,
        out: &mut String,
        b: Bytes<'_>,
        cp: usize,
        len: usize,
        ty: u8,
    ) -> Option<Walk> {
        Some(match ty {
            0 => hello_elements(out, b, cp, len),
            1 => error(self, out, b, cp, len),
            2 | 3 => data_print(self, out, b, cp, len),
            4 => experimenter(self, out, b, cp, len),
            6 => features_reply(out, b, cp),
            8 | 9 => switch_config(out, b, cp),
            12 => port_status(self, out, b, cp),
            16 => port_mod(out, b, cp),
            17 => table_mod(out, b, cp),
            22 => queue_get_config_request(out, b, cp),
            24 | 25 => role(out, b, cp),
            27 | 28 => async_msg(out, b, cp),
            _ => return None,
        })
    }
}

/// A MAC address read at `at`.
fn mac_at(out: &mut String, b: Bytes<'_>, at: usize) -> Walk {
    let m = b.get(at, 6)?;
    out.push_str(", hw_addr ");
    super::mac(out, m);
    Ok(())
}

/// `of13_port_print`.
fn port(d: &Dissector, out: &mut String, b: Bytes<'_>, cp: usize) -> Walk {
    let _ = write!(out, "\n\t  port_no {}", tok_or_num(PORTS, b.be32(cp)?));
    mac_at(out, b, cp + 8)?;
    out.push_str(", name '");
    printjnp(out, b, cp + 16, 16)?;
    out.push('\'');
    let cp = cp + 32;
    if d.opts.verbose < 2 {
        return b.get(cp, 32).map(|_| ());
    }
    for (i, (name, table, unassigned)) in [
        ("config", PORT_CONFIG, !0b110_0101),
        ("state", PORT_STATE, !0b111),
        ("curr", PORT_FEATURES, !0xffff),
        ("advertised", PORT_FEATURES, !0xffff),
        ("supported", PORT_FEATURES, !0xffff),
        ("peer", PORT_FEATURES, !0xffff),
    ]
    .into_iter()
    .enumerate()
    {
        let v = b.be32(cp + 4 * i)?;
        let _ = write!(out, "\n\t   {name} 0x{v:08x}");
        bitmap(out, table, v, unassigned);
    }
    let _ = write!(out, "\n\t   curr_speed {}kbps", b.be32(cp + 24)?);
    let _ = write!(out, "\n\t   max_speed {}kbps", b.be32(cp + 28)?);
    Ok(())
}

fn features_reply(out: &mut String, b: Bytes<'_>, cp: usize) -> Walk {
    let dpid = u64::from(b.be32(cp)?) << 32 | u64::from(b.be32(cp + 4)?);
    let _ = write!(out, "\n\t dpid 0x{dpid:016x}");
    let _ = write!(out, ", n_buffers {}", b.be32(cp + 8)?);
    let _ = write!(out, ", n_tables {}", b.u8(cp + 12)?);
    let _ = write!(out, ", auxiliary_id {}", b.u8(cp + 13)?);
    let caps = b.be32(cp + 16)?;
    let _ = write!(out, "\n\t capabilities 0x{caps:08x}");
    bitmap(out, CAPABILITIES, caps, !0b1_0110_1111);
    b.get(cp + 20, 4).map(|_| ())
}

fn switch_config(out: &mut String, b: Bytes<'_>, cp: usize) -> Walk {
    let flags = b.be16(cp)?;
    match tok(CONFIG_FLAGS, u32::from(flags)) {
        Some(n) => {
            let _ = write!(out, "\n\t flags {n}");
        }
        None => {
            let _ = write!(out, "\n\t flags invalid (0x{flags:04x})");
        }
    }
    let miss = b.be16(cp + 2)?;
    let _ = write!(
        out,
        ", miss_send_len {}",
        tok_or_num(MISS_SEND_LEN, u32::from(miss))
    );
    Ok(())
}

fn table_mod(out: &mut String, b: Bytes<'_>, cp: usize) -> Walk {
    let table = b.u8(cp)?;
    let _ = write!(
        out,
        "\n\t table_id {}",
        tok_or_num(TABLES, u32::from(table))
    );
    let _ = write!(out, ", config 0x{:08x}", b.be32(cp + 4)?);
    Ok(())
}

fn role(out: &mut String, b: Bytes<'_>, cp: usize) -> Walk {
    let role = b.be32(cp)?;
    match tok(ROLES, role) {
        Some(n) => {
            let _ = write!(out, "\n\t role {n}");
        }
        None => {
            let _ = write!(out, "\n\t role invalid (0x{role:08x})");
        }
    }
    let gen = u64::from(b.be32(cp + 8)?) << 32 | u64::from(b.be32(cp + 12)?);
    let _ = write!(out, ", generation_id 0x{gen:016x}");
    Ok(())
}

fn async_msg(out: &mut String, b: Bytes<'_>, cp: usize) -> Walk {
    for (i, (name, table, unassigned)) in [
        ("packet_in_mask[EM]", ASYNC_PACKET_IN, !0b111u32),
        ("packet_in_mask[S]", ASYNC_PACKET_IN, !0b111),
        ("port_status_mask[EM]", ASYNC_PORT, !0b111),
        ("port_status_mask[S]", ASYNC_PORT, !0b111),
        ("flow_removed_mask[EM]", ASYNC_PORT, !0b111),
        ("flow_removed_mask[S]", ASYNC_PORT, !0b111),
    ]
    .into_iter()
    .enumerate()
    {
        let v = b.be32(cp + 4 * i)?;
        let _ = write!(out, "\n\t {name} 0x{v:08x}");
        bitmap(out, table, v, unassigned);
    }
    Ok(())
}

fn port_mod(out: &mut String, b: Bytes<'_>, cp: usize) -> Walk {
    let _ = write!(out, "\n\t port_no {}", tok_or_num(PORTS, b.be32(cp)?));
    mac_at(out, b, cp + 8)?;
    for (i, (name, table, unassigned)) in [
        ("config", PORT_CONFIG, !0b110_0101u32),
        ("mask", PORT_CONFIG, !0b110_0101),
        ("advertise", PORT_FEATURES, !0xffff),
    ]
    .into_iter()
    .enumerate()
    {
        let v = b.be32(cp + 16 + 4 * i)?;
        let _ = write!(out, "\n\t  {name} 0x{v:08x}");
        bitmap(out, table, v, unassigned);
    }
    b.get(cp + 28, 4).map(|_| ())
}

fn port_status(d: &Dissector, out: &mut String, b: Bytes<'_>, cp: usize) -> Walk {
    let reason = b.u8(cp)?;
    match tok(PORT_REASONS, u32::from(reason)) {
        Some(n) => {
            let _ = write!(out, "\n\t reason {n}");
        }
        // tcpdump's format string lacks its '%' here.
        None => out.push_str("\n\t reason invalid (0x02x)"),
    }
    port(d, out, b, cp + 8)
}

fn hello_elements(out: &mut String, b: Bytes<'_>, cp: usize, len: usize) -> Walk {
    let (mut cp, mut len) = (cp, len);
    while len > 0 {
        if len < 4 {
            return invalid(out, b, cp, len);
        }
        let ty = b.be16(cp)?;
        match ty {
            1 => out.push_str("\n\t type VERSIONBITMAP"),
            _ => {
                let _ = write!(out, "\n\t type unknown (0x{ty:04x})");
            }
        }
        let bmlen = usize::from(b.be16(cp + 2)?);
        let _ = write!(out, ", length {bmlen}");
        cp += 4;
        len -= 4;
        if bmlen < 4 || bmlen > 4 + len {
            return invalid(out, b, cp, len);
        }
        if ty == 1 && bmlen == 8 {
            let bitmap_v = b.be32(cp)?;
            let _ = write!(out, ", bitmap 0x{bitmap_v:08x}");
            bitmap(out, VERSIONS, bitmap_v, !0b11_1111);
        } else {
            if ty == 1 {
                out.push_str(" (bogus)");
            }
            b.get(cp, bmlen - 4)?;
        }
        cp += bmlen - 4;
        len -= bmlen - 4;
    }
    Ok(())
}

/// `nd_print_invalid` and the check of what is left.
fn invalid(out: &mut String, b: Bytes<'_>, cp: usize, len: usize) -> Walk {
    out.push_str(" (invalid)");
    b.get(cp, len).map(|_| ())
}

fn experimenter(d: &Dissector, out: &mut String, b: Bytes<'_>, cp: usize, len: usize) -> Walk {
    let exp = b.be32(cp)?;
    let _ = write!(out, "\n\t experimenter 0x{exp:08x} ({})", vendor_name(exp));
    let _ = write!(out, ", exp_type 0x{:08x}", b.be32(cp + 4)?);
    data_print(d, out, b, cp + 8, len - 8)
}

fn queue_get_config_request(out: &mut String, b: Bytes<'_>, cp: usize) -> Walk {
    let _ = write!(out, "\n\t port {}", tok_or_num(PORTS, b.be32(cp)?));
    b.get(cp + 4, 4).map(|_| ())
}

fn error(d: &Dissector, out: &mut String, b: Bytes<'_>, cp: usize, len: usize) -> Walk {
    let ty = b.be16(cp)?;
    match tok(ERROR_TYPES, u32::from(ty)) {
        Some(n) => {
            let _ = write!(out, "\n\t type {n}");
        }
        None => {
            let _ = write!(out, "\n\t type invalid (0x{ty:04x})");
        }
    }
    let code = b.be16(cp + 2)?;
    match ERROR_CODES
        .get(usize::from(ty))
        .and_then(|codes| codes.get(usize::from(code)))
    {
        Some(n) => {
            let _ = write!(out, ", code {n}");
        }
        None => {
            let _ = write!(out, ", code invalid (0x{code:04x})");
        }
    }
    data_print(d, out, b, cp + 4, len - 4)
}

#[cfg(test)]
mod tests {
    use super::super::message::bits;
    use super::*;

    #[test]
    fn error_codes_follow_error_types() {
        assert_eq!(ERROR_CODES.len(), 14);
        assert_eq!(ERROR_CODES[1][6], "BAD_LEN");
        assert_eq!(ERROR_CODES[13][5], "EPERM");
        // bits() with no name set: tcpdump's bittok2str(t, "", v).
        assert_eq!(bits(VERSIONS, "", 0x15), "1.0, 1.2, 1.4");
    }
}
