//! PTP wording (tcpdump's `ptp_print`: version 2 headers and the timestamp, announce,
//! signalling and management bodies; version 1 is "not implemented" there too).

use std::fmt::Write as _;

use super::{
    walk::{bits, tok, trunc, Bytes, Walk},
    Dissector,
};
use crate::decode::ptp::Ptp;

const MSG_TYPES: &[(u32, &str)] = &[
    (0x0, "sync msg"),
    (0x1, "delay req msg"),
    (0x2, "peer delay req msg"),
    (0x3, "peer delay resp msg"),
    (0x8, "follow up msg"),
    (0x9, "delay resp msg"),
    (0xa, "pdelay resp fup msg"),
    (0xb, "announce msg"),
    (0xc, "signalling msg"),
    (0xd, "management msg"),
];

const CONTROLS: &[(u32, &str)] = &[
    (0, "Sync"),
    (1, "Delay_Req"),
    (2, "Follow_Up"),
    (3, "Delay_Resp"),
    (4, "Management"),
    (5, "Other"),
];

const FLAGS: &[(u32, &str)] = &[
    (0x1, "l1 61"),
    (0x2, "l1 59"),
    (0x4, "utc reasonable"),
    (0x8, "timescale"),
    (0x10, "time tracable"),
    (0x20, "frequency tracable"),
    (0x100, "alternate master"),
    (0x200, "two step"),
    (0x400, "unicast"),
    (0x1000, "profile specific 1"),
    (0x2000, "profile specific 2"),
    (0x4000, "security mask"),
    (0x18c0, "unknown"),
];

const HEADER_LEN: u32 = 34;
const BODY: usize = 34;

impl Dissector {
    /// A PTP message of `len` bytes.
    pub(super) fn ptp(&mut self, out: &mut String, p: &Ptp<'_>, len: u32) {
        if len < HEADER_LEN {
            let _ = write!(out, " [length {len} < {HEADER_LEN}] (invalid)");
            return;
        }
        if ptp_walk(out, Bytes(p.raw)).is_err() {
            trunc(out, "ptp");
        }
    }
}

fn ptp_walk(out: &mut String, b: Bytes<'_>) -> Walk {
    let version = b.u8(1)?;
    let _ = write!(out, "PTPv{version}");
    match version {
        1 => {
            out.push_str(" (not implemented)");
            return Ok(());
        }
        2 => {}
        _ => return Ok(()),
    }
    let first = b.u8(0)?;
    let msg_type = first & 0x0f;
    let _ = write!(
        out,
        ", v1 compat : {}, msg type : {}",
        if first & 0x10 != 0 { "yes" } else { "no" },
        tok(MSG_TYPES, msg_type.into()).unwrap_or("Reserved")
    );
    let _ = write!(out, ", length : {}", b.be16(2)?);
    let _ = write!(out, ", domain : {}", b.u8(4)?);
    let _ = write!(out, ", reserved1 : {}", b.u8(5)?);
    let flags = b.be16(6)?;
    let _ = write!(
        out,
        ", Flags [{}]",
        bits(FLAGS, flags.into(), ", ").unwrap_or_else(|| "none".into())
    );
    let _ = write!(out, ", NS correction : {}", b.be48(8)?);
    let _ = write!(out, ", sub NS correction : {}", b.be16(14)?);
    let _ = write!(out, ", reserved2 : {}", b.be32(16)?);
    let _ = write!(out, ", clock identity : 0x{:x}", b.be64(20)?);
    let _ = write!(out, ", port id : {}", b.be16(28)?);
    let _ = write!(out, ", seq id : {}", b.be16(30)?);
    let control = b.u8(32)?;
    let _ = write!(
        out,
        ", control : {control} ({})",
        tok(CONTROLS, control.into()).unwrap_or("Reserved")
    );
    let _ = write!(out, ", log message interval : {}", b.u8(33)?);
    match msg_type {
        0x0 | 0x1 => timestamp(out, b, "originTimeStamp")?,
        0x8 => timestamp(out, b, "preciseOriginTimeStamp")?,
        0x2 | 0xa => {
            timestamp(out, b, "preciseOriginTimeStamp")?;
            port_id(out, b, BODY + 10)?;
        }
        0x3 | 0x9 => {
            timestamp(out, b, "receiveTimeStamp")?;
            port_id(out, b, BODY + 10)?;
        }
        0xb => announce(out, b)?,
        0xc => port_id(out, b, BODY)?,
        0xd => {
            port_id(out, b, BODY)?;
            // tcpdump reads these four fields all at the body's first byte, and names
            // each with a doubled ", ".
            for (name, hex) in [
                ("start boundary hops", false),
                ("boundary hops", false),
                ("flags", true),
                ("reserved", true),
            ] {
                let v = b.u8(BODY)?;
                let _ = if hex {
                    write!(out, ", , {name}  0x{v:x}")
                } else {
                    write!(out, ", , {name}  {v}")
                };
            }
        }
        _ => {}
    }
    Ok(())
}

fn timestamp(out: &mut String, b: Bytes<'_>, what: &str) -> Walk {
    let _ = write!(out, ", {what} :");
    let _ = write!(out, " {} seconds,", b.be48(BODY)?);
    let _ = write!(out, " {} nanoseconds", b.be32(BODY + 6)?);
    Ok(())
}

fn port_id(out: &mut String, b: Bytes<'_>, at: usize) -> Walk {
    let _ = write!(out, ", port identity : 0x{:x}", b.be64(at)?);
    let _ = write!(out, ", port id : {}", b.be16(at + 8)?);
    Ok(())
}

fn announce(out: &mut String, b: Bytes<'_>) -> Walk {
    out.push_str(", originTimeStamp :");
    let _ = write!(out, " {} seconds", b.be48(BODY)?);
    let _ = write!(out, " {} nanoseconds", b.be32(BODY + 6)?);
    let _ = write!(out, ", origin cur utc :{}", b.be16(BODY + 10)?);
    let _ = write!(out, ", rsvd : {}", b.u8(BODY + 12)?);
    let _ = write!(out, ", gm priority_1 : {}", b.u8(BODY + 13)?);
    let _ = write!(out, ", gm clock class : {}", b.u8(BODY + 14)?);
    let _ = write!(out, ", gm clock accuracy : {}", b.u8(BODY + 15)?);
    let _ = write!(out, ", gm clock variance : {}", b.be16(BODY + 16)?);
    let _ = write!(out, ", gm priority_2 : {}", b.u8(BODY + 18)?);
    let _ = write!(out, ", gm clock id : 0x{:x}", b.be64(BODY + 19)?);
    let _ = write!(out, ", steps removed : {}", b.be16(BODY + 27)?);
    let _ = write!(out, ", time source : 0x{:x}", b.u8(BODY + 29)?);
    Ok(())
}
