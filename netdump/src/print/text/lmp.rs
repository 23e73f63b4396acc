//! LMP (RFC 4204, UDP 701 or `-T lmp`) as tcpdump's print-lmp.c says it: the message type
//! by default, every object (and its hex dump from `-vv`) at `-v`.

use std::fmt::Write as _;

use super::message::{Bytes, Trunc, Walk};
use super::payload::{bittok2str, tok, unknown_data};
use super::Dissector;
use crate::decode::message::Message;

const MSG_TYPES: &[(u32, &str)] = &[
    (1, "Config"),
    (2, "Config ACK"),
    (3, "Config NACK"),
    (4, "Hello"),
    (5, "Begin Verify"),
    (6, "Begin Verify ACK"),
    (7, "Begin Verify NACK"),
    (8, "End Verify"),
    (9, "End Verify ACK"),
    (10, "Test"),
    (11, "Test Status Success"),
    (12, "Test Status Failure"),
    (13, "Test Status ACK"),
    (14, "Link Summary"),
    (15, "Link Summary ACK"),
    (16, "Link Summary NACK"),
    (17, "Channel Status"),
    (18, "Channel Status ACK"),
    (19, "Channel Status Request"),
    (20, "Channel Status Response"),
    (50, "Service Config"),
    (51, "Service Config ACK"),
    (52, "Service Config NACK"),
];

const HEADER_FLAGS: &[(u32, &str)] = &[(0x01, "Control Channel Down"), (0x02, "LMP restart")];

const OBJECTS: &[(u32, &str)] = &[
    (1, "Control Channel ID"),
    (2, "Node ID"),
    (3, "Link ID"),
    (4, "Interface ID"),
    (5, "Message ID"),
    (6, "Configuration"),
    (7, "Hello"),
    (8, "Verify Begin"),
    (9, "Verify Begin ACK"),
    (10, "Verify ID"),
    (11, "TE Link"),
    (12, "Data Link"),
    (13, "Channel Status"),
    (14, "Channel Status Request"),
    (20, "Error Code"),
    (51, "Service Config"),
];

/// tcpdump's `lmp_ctype_values`, keyed by class * 256 + c-type.
const CTYPES: &[(u32, &str)] = &[
    (0x101, "Local"),
    (0x102, "Remote"),
    (0x201, "Local"),
    (0x202, "Remote"),
    (0x301, "IPv4 Local"),
    (0x302, "IPv4 Remote"),
    (0x303, "IPv6 Local"),
    (0x304, "IPv6 Remote"),
    (0x305, "Unnumbered Local"),
    (0x306, "Unnumbered Remote"),
    (0x401, "IPv4 Local"),
    (0x402, "IPv4 Remote"),
    (0x403, "IPv6 Local"),
    (0x404, "IPv6 Remote"),
    (0x405, "Unnumbered Local"),
    (0x406, "Unnumbered Remote"),
    (0x501, "1"),
    (0x502, "2"),
    (0x601, "1"),
    (0x701, "1"),
    (0x801, "1"),
    (0x901, "1"),
    (0xa01, "1"),
    (0xb01, "IPv4"),
    (0xb02, "IPv6"),
    (0xb03, "Unnumbered"),
    (0xc01, "IPv4"),
    (0xc02, "IPv6"),
    (0xc03, "Unnumbered"),
    (0xd01, "IPv4"),
    (0xd02, "IPv6"),
    (0xd03, "Unnumbered"),
    (0xe01, "IPv4"),
    (0xe02, "IPv6"),
    (0xe03, "Unnumbered"),
    (0x1401, "1"),
    (0x1402, "2"),
    (0x3301, "1"),
    (0x3302, "2"),
    (0x3303, "3"),
    (0x3304, "4"),
];

const TE_LINK_FLAGS: &[(u32, &str)] = &[
    (0x01, "Fault Management Supported"),
    (0x02, "Link Verification Supported"),
];

const DATA_LINK_FLAGS: &[(u32, &str)] = &[
    (0x01, "Data Link Port"),
    (0x02, "Allocated for user traffic"),
    (0x04, "Failed link"),
];

const CHANNEL_STATUS: &[(u32, &str)] = &[
    (1, "Signal Okay"),
    (2, "Signal Degraded"),
    (3, "Signal Fail"),
];

const BEGIN_VERIFY_FLAGS: &[(u32, &str)] =
    &[(0x0001, "Verify all links"), (0x0002, "Data link type")];

const BEGIN_VERIFY_ERRORS: &[(u32, &str)] = &[
    (0x01, "Link Verification Procedure Not supported"),
    (0x02, "Unwilling to verify"),
    (0x04, "Unsupported verification transport mechanism"),
    (0x08, "Link-Id configuration error"),
    (0x10, "Unknown object c-type"),
];

const LINK_SUMMARY_ERRORS: &[(u32, &str)] = &[
    (0x01, "Unacceptable non-negotiable LINK-SUMMARY parameters"),
    (0x02, "Renegotiate LINK-SUMMARY parameters"),
    (0x04, "Invalid TE-LINK Object"),
    (0x08, "Invalid DATA-LINK Object"),
    (0x10, "Unknown TE-LINK Object c-type"),
    (0x20, "Unknown DATA-LINK Object c-type"),
];

const SC_SP_FLAGS: &[(u32, &str)] = &[(0x01, "RSVP Supported"), (0x02, "LDP Supported")];

const SC_CPSA_TP_FLAGS: &[(u32, &str)] = &[
    (0x01, "Path/VC Overhead Transparency Supported"),
    (0x02, "Line/MS Overhead Transparency Supported"),
    (0x04, "Section/RS Overhead Transparency Supported"),
];

const SC_CPSA_CCT_FLAGS: &[(u32, &str)] = &[(0x01, "Contiguous Concatenation Types Supported")];

const SC_NSA_TRANSPARENCY_FLAGS: &[(u32, &str)] = &[
    (0x01, "Standard SOH/RSOH Transparency Supported"),
    (0x02, "Standard LOH/MSOH Transparency Supported"),
];

const SC_NSA_TCM_FLAGS: &[(u32, &str)] =
    &[(0x01, "Transparent Tandem Connection Monitoring Supported")];

const SC_NSA_DIVERSITY_FLAGS: &[(u32, &str)] = &[
    (0x01, "Node Diversity Supported"),
    (0x02, "Link Diversity Supported"),
    (0x04, "SRLG Diversity Supported"),
];

/// gmpls.c's `gmpls_switch_cap_values` (RFC 3471).
const SWITCH_CAPS: &[(u32, &str)] = &[
    (1, "Packet-Switch Capable-1"),
    (2, "Packet-Switch Capable-2"),
    (3, "Packet-Switch Capable-3"),
    (4, "Packet-Switch Capable-4"),
    (51, "Layer-2 Switch Capable"),
    (100, "Time-Division-Multiplex"),
    (150, "Lambda-Switch Capable"),
    (200, "Fiber-Switch Capable"),
];

/// gmpls.c's `gmpls_encoding_values` (RFC 3471).
const ENCODINGS: &[(u32, &str)] = &[
    (1, "Packet"),
    (2, "Ethernet V2/DIX"),
    (3, "ANSI/ETSI PDH"),
    (4, "Reserved"),
    (5, "SDH ITU-T G.707/SONET ANSI T1.105"),
    (6, "Reserved"),
    (7, "Digital Wrapper"),
    (8, "Lambda (photonic)"),
    (9, "Fiber"),
    (10, "Reserved"),
    (11, "FiberChannel"),
];

const CPSA_LINK_TYPES: &[(u32, &str)] = &[(5, "SDH ITU-T G.707"), (6, "SONET ANSI T1.105")];

const CPSA_SDH_SIGNALS: &[(u32, &str)] = &[
    (5, "VC-3"),
    (6, "VC-4"),
    (7, "STM-0"),
    (8, "STM-1"),
    (9, "STM-4"),
    (10, "STM-16"),
    (11, "STM-64"),
    (12, "STM-256"),
];

const CPSA_SONET_SIGNALS: &[(u32, &str)] = &[
    (5, "STS-1 SPE"),
    (6, "STS-3c SPE"),
    (7, "STS-1"),
    (8, "STM-3"),
    (9, "STM-12"),
    (10, "STM-48"),
    (11, "STM-192"),
    (12, "STM-768"),
];

fn name(table: &[(u32, &'static str)], v: u32) -> &'static str {
    tok(table, v).unwrap_or("Unknown")
}

/// An IEEE float's bits as tcpdump prints a bandwidth: bytes/s in Mbps, in float arithmetic.
fn mbps(bits: u32) -> f64 {
    f64::from(f32::from_bits(bits) * 8.0 / 1_000_000.0)
}

impl Dissector {
    pub(super) fn lmp(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "lmp");
        let length = m.length;
        b.get(0, 8)?;
        let version = u32::from(b.be16(0)? >> 12);
        if version != 1 {
            let _ = write!(out, "LMP version {version} packet not supported");
            return Ok(());
        }
        let msg_type = u32::from(b.u8(3)?);
        if self.opts.verbose < 1 {
            out.push_str("LMPv1 ");
            match tok(MSG_TYPES, msg_type) {
                Some(n) => out.push_str(n),
                None => {
                    let _ = write!(out, "unknown ({msg_type})");
                }
            }
            let _ = write!(out, " Message, length: {length}");
            return Ok(());
        }
        let mut tlen = u32::from(b.be16(4)?);
        out.push_str("\n\tLMPv1, msg-type: ");
        match tok(MSG_TYPES, msg_type) {
            Some(n) => out.push_str(n),
            None => {
                let _ = write!(out, "unknown, type: {msg_type}");
            }
        }
        let _ = write!(
            out,
            ", Flags: [{}], length: {tlen}",
            bittok2str(HEADER_FLAGS, "none", u32::from(b.u8(2)?), ", ")
        );
        if tlen < 8 {
            out.push_str(" (too short)");
            return Ok(());
        }
        if tlen > length {
            out.push_str(" (too long)");
            tlen = length;
        }
        let mut tptr = 8usize;
        // u_int arithmetic, as tcpdump's: a message shorter than its header wraps around and
        // the walk runs until a read fails.
        tlen = tlen.wrapping_sub(8);
        while tlen > 0 {
            let obj_len = u32::from(b.be16(tptr + 2)?);
            let raw_ctype = b.u8(tptr)?;
            let ctype = u32::from(raw_ctype & 0x7f);
            let class = u32::from(b.u8(tptr + 1)?);
            let _ = write!(
                out,
                "\n\t  {} Object ({class}), Class-Type: {} ({ctype}) Flags: [{}negotiable], length: {obj_len}",
                name(OBJECTS, class),
                name(CTYPES, (class << 8) + ctype),
                if raw_ctype & 0x80 != 0 { "" } else { "non-" },
            );
            if obj_len < 4 {
                out.push_str(" (too short)");
                return Ok(());
            }
            if obj_len % 4 != 0 {
                out.push_str(" (not a multiple of 4)");
                return Ok(());
            }
            let obj = tptr + 4;
            let obj_tlen = obj_len - 4;
            b.get(tptr, obj_len as usize)?;
            let hexdump = self.lmp_object(out, b, class, ctype, obj, obj_tlen)?;
            if self.opts.verbose > 1 || hexdump {
                unknown_data(out, b.b, obj, obj_tlen as usize, "\n\t    ");
            }
            if tlen < obj_len {
                let _ = write!(
                    out,
                    " [remaining objects length {tlen} < {obj_len}] (invalid)"
                );
                break;
            }
            tptr += obj_len as usize;
            tlen -= obj_len;
        }
        Ok(())
    }

    /// One object's body: true when tcpdump then hex-dumps it (a c-type it does not know).
    fn lmp_object(
        &self,
        out: &mut String,
        b: Bytes<'_>,
        class: u32,
        ctype: u32,
        obj: usize,
        obj_tlen: u32,
    ) -> Result<bool, Trunc> {
        // Each decoded c-type wants a fixed length, else tcpdump says so and goes on.
        let wrong = |out: &mut String, ok: bool| {
            if !ok {
                out.push_str(" (not correct for object)");
            }
            !ok
        };
        let u32at = |at: usize| b.be32(obj + at);
        let u16at = |at: usize| b.be16(obj + at).map(u32::from);
        let u8at = |at: usize| b.u8(obj + at).map(u32::from);
        match (class, ctype) {
            (1, 1 | 2) => {
                if !wrong(out, obj_tlen == 4) {
                    let v = u32at(0)?;
                    let _ = write!(out, "\n\t    Control Channel ID: {v} (0x{v:08x})");
                }
            }
            (3 | 4, 1 | 2) => {
                if !wrong(out, obj_tlen == 4) {
                    let _ = write!(
                        out,
                        "\n\t    IPv4 Link ID: {} (0x{:08x})",
                        b.ipv4(obj)?,
                        u32at(0)?
                    );
                }
            }
            (3 | 4, 3 | 4) => {
                if !wrong(out, obj_tlen == 16) {
                    let _ = write!(
                        out,
                        "\n\t    IPv6 Link ID: {} (0x{:08x})",
                        b.ipv6(obj)?,
                        u32at(0)?
                    );
                }
            }
            (3 | 4, 5 | 6) => {
                if !wrong(out, obj_tlen == 4) {
                    let v = u32at(0)?;
                    let _ = write!(out, "\n\t    Link ID: {v} (0x{v:08x})");
                }
            }
            (5, 1 | 2) => {
                if !wrong(out, obj_tlen == 4) {
                    let v = u32at(0)?;
                    let ack = if ctype == 2 { " Ack" } else { "" };
                    let _ = write!(out, "\n\t    Message ID{ack}: {v} (0x{v:08x})");
                }
            }
            (2, 1 | 2) => {
                if !wrong(out, obj_tlen == 4) {
                    let _ = write!(
                        out,
                        "\n\t    Node ID: {} (0x{:08x})",
                        b.ipv4(obj)?,
                        u32at(0)?
                    );
                }
            }
            (6, 1) => {
                if !wrong(out, obj_tlen == 4) {
                    let _ = write!(
                        out,
                        "\n\t    Hello Interval: {}\n\t    Hello Dead Interval: {}",
                        u16at(0)?,
                        u16at(2)?
                    );
                }
            }
            (7, 1) => {
                if !wrong(out, obj_tlen == 8) {
                    let _ = write!(out, "\n\t    Tx Seq: {}, Rx Seq: {}", u32at(0)?, u32at(4)?);
                }
            }
            (11, 1..=3) => {
                let want = if ctype == 2 { 36 } else { 12 };
                if !wrong(out, obj_tlen == want) {
                    let _ = write!(
                        out,
                        "\n\t    Flags: [{}]",
                        bittok2str(TE_LINK_FLAGS, "none", u8at(0)?, ", ")
                    );
                    link_ids(out, b, obj, ctype, "Link-ID")?;
                }
            }
            (12, 1..=3) => {
                let want = if ctype == 2 { 36 } else { 12 };
                if !wrong(out, obj_tlen >= want) {
                    let _ = write!(
                        out,
                        "\n\t    Flags: [{}]",
                        bittok2str(DATA_LINK_FLAGS, "none", u8at(0)?, ", ")
                    );
                    link_ids(out, b, obj, ctype, "Interface ID")?;
                    // tcpdump's int arithmetic: the subobjects' total length.
                    return data_link_subobjs(
                        out,
                        b,
                        obj,
                        obj_tlen as i32 - want as i32,
                        want as usize,
                    );
                }
            }
            (8, 1) => {
                if !wrong(out, obj_tlen == 20) {
                    let _ = write!(
                        out,
                        "\n\t    Flags: {}",
                        bittok2str(BEGIN_VERIFY_FLAGS, "none", u16at(0)?, ", ")
                    );
                    let _ = write!(out, "\n\t    Verify Interval: {}", u16at(2)?);
                    let _ = write!(out, "\n\t    Data links: {}", u32at(4)?);
                    let _ = write!(out, "\n\t    Encoding type: {}", name(ENCODINGS, u8at(8)?));
                    let vtm = u16at(10)?;
                    // tcpdump tests the mechanism against decimal 8000, as it reads.
                    let _ = write!(
                        out,
                        "\n\t    Verify Transport Mechanism: {vtm} (0x{vtm:x}){}",
                        if vtm & 8000 != 0 {
                            " (Payload test messages capable)"
                        } else {
                            ""
                        }
                    );
                    let _ = write!(
                        out,
                        "\n\t    Transmission Rate: {:.3} Mbps",
                        mbps(u32at(12)?)
                    );
                    let _ = write!(out, "\n\t    Wavelength: {}", u32at(16)?);
                }
            }
            (9, 1) => {
                if !wrong(out, obj_tlen == 4) {
                    let _ = write!(
                        out,
                        "\n\t    Verify Dead Interval: {}\n\t    Verify Transport Response: {}",
                        u16at(0)?,
                        u16at(2)?
                    );
                }
            }
            (10, 1) => {
                if !wrong(out, obj_tlen == 4) {
                    let _ = write!(out, "\n\t    Verify ID: {}", u32at(0)?);
                }
            }
            (13, 1..=3) => {
                let (id_len, step) = if ctype == 2 { (16, 20) } else { (4, 8) };
                let mut offset = 0usize;
                while offset + step <= obj_tlen as usize {
                    interface_id(out, b, obj + offset, ctype)?;
                    let st = u32at(offset + id_len)?;
                    let _ = write!(
                        out,
                        "\n\t\t    Active: {} ({})",
                        if st >> 31 != 0 {
                            "Allocated"
                        } else {
                            "Non-allocated"
                        },
                        st >> 31
                    );
                    let _ = write!(
                        out,
                        "\n\t\t    Direction: {} ({})",
                        if (st >> 30) & 1 != 0 {
                            "Transmit"
                        } else {
                            "Receive"
                        },
                        (st >> 30) & 1
                    );
                    let cs = st & 0x3ff_ffff;
                    let _ = write!(
                        out,
                        "\n\t\t    Channel Status: {} ({cs})",
                        name(CHANNEL_STATUS, cs)
                    );
                    offset += step;
                }
            }
            (14, 1..=3) => {
                let step = if ctype == 2 { 16 } else { 4 };
                let mut offset = 0usize;
                while offset + step <= obj_tlen as usize {
                    interface_id(out, b, obj + offset, ctype)?;
                    offset += step;
                }
            }
            (20, 1 | 2) => {
                if !wrong(out, obj_tlen == 4) {
                    let table = if ctype == 1 {
                        BEGIN_VERIFY_ERRORS
                    } else {
                        LINK_SUMMARY_ERRORS
                    };
                    let _ = write!(
                        out,
                        "\n\t    Error Code: {}",
                        bittok2str(table, "none", u32at(0)?, ", ")
                    );
                }
            }
            (51, 1) => {
                if !wrong(out, obj_tlen == 4) {
                    let _ = write!(
                        out,
                        "\n\t Flags: {}",
                        bittok2str(SC_SP_FLAGS, "none", u8at(0)?, ", ")
                    );
                    let _ = write!(out, "\n\t  UNI Version: {}", u8at(1)?);
                }
            }
            (51, 2) => {
                if !wrong(out, obj_tlen == 16) {
                    let link_type = u8at(0)?;
                    let _ = write!(
                        out,
                        "\n\t Link Type: {} ({link_type})",
                        name(CPSA_LINK_TYPES, link_type)
                    );
                    let signals = match link_type {
                        5 => Some(CPSA_SDH_SIGNALS),
                        6 => Some(CPSA_SONET_SIGNALS),
                        _ => None,
                    };
                    if let Some(t) = signals {
                        let s = u8at(1)?;
                        let _ = write!(out, "\n\t Signal Type: {} ({s})", name(t, s));
                    }
                    let _ = write!(
                        out,
                        "\n\t Transparency: {}",
                        bittok2str(SC_CPSA_TP_FLAGS, "none", u8at(2)?, ", ")
                    );
                    let _ = write!(
                        out,
                        "\n\t Contiguous Concatenation Types: {}",
                        bittok2str(SC_CPSA_CCT_FLAGS, "none", u8at(3)?, ", ")
                    );
                    let _ = write!(out, "\n\t Minimum NCC: {}", u16at(4)?);
                    let _ = write!(out, "\n\t Maximum NCC: {}", u16at(6)?);
                    let _ = write!(out, "\n\t Minimum NVC:{}", u16at(8)?);
                    let _ = write!(out, "\n\t Maximum NVC:{}", u16at(10)?);
                    let _ = write!(
                        out,
                        "\n\t    Local Interface ID: {} (0x{:08x})",
                        b.ipv4(obj + 12)?,
                        u32at(12)?
                    );
                }
            }
            (51, 3) => {
                if !wrong(out, obj_tlen == 8) {
                    let _ = write!(
                        out,
                        "\n\t Transparency Flags: {}",
                        bittok2str(SC_NSA_TRANSPARENCY_FLAGS, "none", u32at(0)?, ", ")
                    );
                    let _ = write!(
                        out,
                        "\n\t TCM Monitoring Flags: {}",
                        bittok2str(SC_NSA_TCM_FLAGS, "none", u8at(7)?, ", ")
                    );
                }
            }
            (51, 4) => {
                if !wrong(out, obj_tlen == 4) {
                    let _ = write!(
                        out,
                        "\n\t Diversity: Flags: {}",
                        bittok2str(SC_NSA_DIVERSITY_FLAGS, "none", u8at(3)?, ", ")
                    );
                }
            }
            (1..=14 | 20 | 51, _) => return Ok(true),
            _ => {
                if self.opts.verbose <= 1 {
                    unknown_data(out, b.b, obj, obj_tlen as usize, "\n\t    ");
                }
            }
        }
        Ok(false)
    }
}

/// TE Link and Data Link objects' local and remote ids: IPv4, IPv6 or unnumbered.
fn link_ids(out: &mut String, b: Bytes<'_>, obj: usize, ctype: u32, what: &str) -> Walk {
    let (l, r) = if ctype == 2 { (4, 20) } else { (4, 8) };
    for (side, at) in [("Local", l), ("Remote", r)] {
        let v = b.be32(obj + at)?;
        let _ = write!(out, "\n\t    {side} {what}: ");
        match ctype {
            1 => {
                let _ = write!(out, "{}", b.ipv4(obj + at)?);
            }
            2 => {
                let _ = write!(out, "{}", b.ipv6(obj + at)?);
            }
            _ => {
                let _ = write!(out, "{v}");
            }
        }
        let _ = write!(out, " (0x{v:08x})");
    }
    Ok(())
}

/// One "Interface ID" of a channel status (request) object.
fn interface_id(out: &mut String, b: Bytes<'_>, at: usize, ctype: u32) -> Walk {
    let v = b.be32(at)?;
    out.push_str("\n\t    Interface ID: ");
    match ctype {
        1 => {
            let _ = write!(out, "{}", b.ipv4(at)?);
        }
        2 => {
            let _ = write!(out, "{}", b.ipv6(at)?);
        }
        _ => {
            let _ = write!(out, "{v}");
        }
    }
    let _ = write!(out, " (0x{v:08x})");
    Ok(())
}

/// tcpdump's `lmp_print_data_link_subobjs`: true when an unknown subobject asks for the
/// object's hex dump.
fn data_link_subobjs(
    out: &mut String,
    b: Bytes<'_>,
    obj: usize,
    total: i32,
    offset: usize,
) -> Result<bool, Trunc> {
    let mut total = total;
    let mut offset = offset;
    while total > 0 {
        let typ = u32::from(b.u8(obj + offset)?);
        let len = b.u8(obj + offset + 1)?;
        let _ = write!(
            out,
            "\n\t    Subobject, Type: {} ({typ}), Length: {len}",
            match typ {
                1 => "Interface Switching Type",
                2 => "Wavelength",
                _ => "Unknown",
            }
        );
        if len < 4 {
            out.push_str(" (too short)");
            break;
        }
        if len % 4 != 0 {
            out.push_str(" (not a multiple of 4)");
            break;
        }
        if total < i32::from(len) {
            out.push_str(" (goes past the end of the object)");
            break;
        }
        match typ {
            1 => {
                let sw = u32::from(b.u8(obj + offset + 2)?);
                let _ = write!(
                    out,
                    "\n\t      Switching Type: {} ({sw})",
                    name(SWITCH_CAPS, sw)
                );
                let enc = u32::from(b.u8(obj + offset + 3)?);
                let _ = write!(
                    out,
                    "\n\t      Encoding Type: {} ({enc})",
                    name(ENCODINGS, enc)
                );
                let _ = write!(
                    out,
                    "\n\t      Min Reservable Bandwidth: {:.3} Mbps",
                    mbps(b.be32(obj + offset + 4)?)
                );
                let _ = write!(
                    out,
                    "\n\t      Max Reservable Bandwidth: {:.3} Mbps",
                    mbps(b.be32(obj + offset + 8)?)
                );
            }
            2 => {
                let _ = write!(out, "\n\t      Wavelength: {}", b.be32(obj + offset + 4)?);
            }
            _ => return Ok(true),
        }
        total -= i32::from(len);
        offset += usize::from(len);
    }
    Ok(false)
}
