//! PPTP control message wording (print-pptp.c): each message type is a fixed layout of
//! fields, printed in order; the walk ends with `[|pptp]` where the capture does.

use std::fmt::Write as _;

use super::{chars::print_char, Dissector};
use crate::decode::{
    be16, be32,
    pptp::{self, Pptp},
};

/// One field of a message layout, at its offset in the body.
#[derive(Clone, Copy)]
enum F {
    ProtoVer(usize),
    Reserved1(usize),
    Reserved2(usize),
    FramingCap(usize),
    BearerCap(usize),
    /// " NAME(%u)" of a 16-bit field.
    U16(&'static str, usize),
    /// " NAME(%u)" of a 32-bit field.
    U32(&'static str, usize),
    /// " NAME(0x%08x)".
    Hex32(&'static str, usize),
    ResultCode(usize),
    ErrCode(usize),
    BearerType(usize),
    FramingType(usize),
    Reason(usize),
    /// " NAME(...)": a NUL-terminated string of at most n bytes.
    Str(&'static str, usize, usize),
    /// As Str, its length the 16-bit field at the second offset (at most 64).
    StrLen(&'static str, usize, usize),
}

fn layout(kind: u16) -> &'static [F] {
    use F::*;
    match kind {
        1 => &[
            ProtoVer(0),
            Reserved2(2),
            FramingCap(4),
            BearerCap(8),
            U16("MAX_CHAN", 12),
            U16("FIRM_REV", 14),
            Str("HOSTNAME", 16, 64),
            Str("VENDOR", 80, 64),
        ],
        2 => &[
            ProtoVer(0),
            ResultCode(2),
            ErrCode(3),
            FramingCap(4),
            BearerCap(8),
            U16("MAX_CHAN", 12),
            U16("FIRM_REV", 14),
            Str("HOSTNAME", 16, 64),
            Str("VENDOR", 80, 64),
        ],
        3 => &[Reason(0), Reserved1(1), Reserved2(2)],
        4 => &[ResultCode(0), ErrCode(1), Reserved2(2)],
        5 => &[U32("ID", 0)],
        6 => &[U32("ID", 0), ResultCode(4), ErrCode(5), Reserved2(6)],
        7 => &[
            U16("CALL_ID", 0),
            U16("CALL_SER_NUM", 2),
            U32("MIN_BPS", 4),
            U32("MAX_BPS", 8),
            BearerType(12),
            FramingType(16),
            U16("RECV_WIN", 20),
            U16("PROC_DELAY", 22),
            U16("PHONE_NO_LEN", 24),
            Reserved2(26),
            StrLen("PHONE_NO", 28, 24),
            Str("SUB_ADDR", 92, 64),
        ],
        8 => &[
            U16("CALL_ID", 0),
            U16("PEER_CALL_ID", 2),
            ResultCode(4),
            ErrCode(5),
            U16("CAUSE_CODE", 6),
            U32("CONN_SPEED", 8),
            U16("RECV_WIN", 12),
            U16("PROC_DELAY", 14),
            U32("PHY_CHAN_ID", 16),
        ],
        9 => &[
            U16("CALL_ID", 0),
            U16("CALL_SER_NUM", 2),
            BearerType(4),
            U32("PHY_CHAN_ID", 8),
            U16("DIALED_NO_LEN", 12),
            U16("DIALING_NO_LEN", 14),
            StrLen("DIALED_NO", 16, 12),
            StrLen("DIALING_NO", 80, 14),
            Str("SUB_ADDR", 144, 64),
        ],
        10 => &[
            U16("CALL_ID", 0),
            U16("PEER_CALL_ID", 2),
            ResultCode(4),
            ErrCode(5),
            U16("RECV_WIN", 6),
            U16("PROC_DELAY", 8),
            Reserved2(10),
        ],
        11 => &[
            U16("PEER_CALL_ID", 0),
            Reserved2(2),
            U32("CONN_SPEED", 4),
            U16("RECV_WIN", 8),
            U16("PROC_DELAY", 10),
            FramingType(12),
        ],
        12 => &[U16("CALL_ID", 0), Reserved2(2)],
        13 => &[
            U16("CALL_ID", 0),
            ResultCode(2),
            ErrCode(3),
            U16("CAUSE_CODE", 4),
            Reserved2(6),
            Str("CALL_STATS", 8, 128),
        ],
        14 => &[
            U16("PEER_CALL_ID", 0),
            Reserved2(2),
            U32("CRC_ERR", 4),
            U32("FRAMING_ERR", 8),
            U32("HARDWARE_OVERRUN", 12),
            U32("BUFFER_OVERRUN", 16),
            U32("TIMEOUT_ERR", 20),
            U32("ALIGN_ERR", 24),
        ],
        15 => &[
            U16("PEER_CALL_ID", 0),
            Reserved2(2),
            Hex32("SEND_ACCM", 4),
            Hex32("RECV_ACCM", 8),
        ],
        _ => &[],
    }
}

const MESSAGE_TYPES: [&str; 16] = [
    "NOT_DEFINED",
    "SCCRQ",
    "SCCRP",
    "StopCCRQ",
    "StopCCRP",
    "ECHORQ",
    "ECHORP",
    "OCRQ",
    "OCRP",
    "ICRQ",
    "ICRP",
    "ICCN",
    "CCRQ",
    "CDN",
    "WEN",
    "SLI",
];

/// The meaning of a result code, by message type (tcpdump's dictionaries).
fn result_name(kind: u16, code: u8) -> Option<&'static str> {
    let dict: &[&str] = match kind {
        2 => &[
            "Successful channel establishment",
            "General error",
            "Command channel already exists",
            "Requester is not authorized to establish a command channel",
            "The protocol version of the requester is not supported",
        ],
        4 | 6 => &["OK", "General Error"],
        8 => &[
            "Connected",
            "General Error",
            "No Carrier",
            "Busy",
            "No Dial Tone",
            "Time-out",
            "Do Not Accept",
        ],
        10 => &["Connect", "General Error", "Do Not Accept"],
        13 => &["Lost Carrier", "General Error", "Admin Shutdown", "Request"],
        _ => return None,
    };
    Some(
        usize::from(code)
            .checked_sub(1)
            .and_then(|i| dict.get(i))
            .copied()
            .unwrap_or("?"),
    )
}

/// tcpdump's `nd_printjnp`: up to `n` bytes, stopping at a NUL; None if the capture ends first.
fn printjnp(out: &mut String, b: &[u8], at: usize, n: usize) -> Option<()> {
    for i in 0..n {
        let c = *b.get(at + i)?;
        if c == 0 {
            break;
        }
        print_char(out, c);
    }
    Some(())
}

impl Dissector {
    /// A PPTP control message (pptp_print), after TCP's ", length N".
    pub(super) fn pptp(&self, out: &mut String, p: &Pptp<'_>) {
        out.push_str(": pptp");
        if self.pptp_fields(out, p).is_none() {
            out.push_str(" [|pptp]");
        }
    }

    fn pptp_fields(&self, out: &mut String, p: &Pptp<'_>) -> Option<()> {
        let v = self.opts.verbose > 0;
        if v {
            let _ = write!(out, " Length={}", p.length()?);
            out.push_str(match p.msg_type()? {
                1 => " CTRL-MSG",
                2 => " MGMT-MSG",
                _ => " UNKNOWN-MSG-TYPE",
            });
        }
        let mc = p.magic()?;
        if mc != pptp::MAGIC_COOKIE {
            let _ = write!(out, " UNEXPECTED Magic-Cookie!!({mc:08x})");
        }
        if v || mc != pptp::MAGIC_COOKIE {
            let _ = write!(out, " Magic-Cookie={mc:08x}");
        }
        let kind = p.ctrl_type()?;
        match MESSAGE_TYPES.get(usize::from(kind)) {
            Some(name) => {
                let _ = write!(out, " CTRL_MSGTYPE={name}");
            }
            None => {
                let _ = write!(out, " UNKNOWN_CTRL_MSGTYPE({kind})");
            }
        }
        let reserved = be16(p.raw, 10)?;
        if reserved != 0 {
            let _ = write!(out, " [ERROR: reserved={reserved} must be zero]");
        }
        let b = p.body();
        for f in layout(kind) {
            match *f {
                F::ProtoVer(o) => {
                    let x = be16(b, o)?;
                    let _ = write!(out, " PROTO_VER({}.{})", x >> 8, x & 0xff);
                }
                F::Reserved1(o) => {
                    let x = *b.get(o)?;
                    if x != 0 {
                        let _ = write!(out, " [ERROR: reserved={x} must be zero]");
                    }
                }
                F::Reserved2(o) => {
                    let x = be16(b, o)?;
                    if x != 0 {
                        let _ = write!(out, " [ERROR: reserved={x} must be zero]");
                    }
                }
                F::FramingCap(o) | F::BearerCap(o) => {
                    // tcpdump prints " FRAME_CAP(" before it reads the field.
                    if matches!(f, F::FramingCap(_)) {
                        out.push_str(" FRAME_CAP(");
                    }
                    let x = be32(b, o)?;
                    // Framing: async (1) then sync (2); bearer: digital (2) then analog (1).
                    let (name, bits) = match f {
                        F::FramingCap(_) => ("FRAME_CAP", [(1, 'A'), (2, 'S')]),
                        _ => ("BEARER_CAP", [(2, 'D'), (1, 'A')]),
                    };
                    if name == "BEARER_CAP" {
                        out.push_str(" BEARER_CAP(");
                    }
                    for (bit, c) in bits {
                        if x & bit != 0 {
                            out.push(c);
                        }
                    }
                    out.push(')');
                }
                F::U16(name, o) => {
                    let _ = write!(out, " {name}({})", be16(b, o)?);
                }
                F::U32(name, o) => {
                    let _ = write!(out, " {name}({})", be32(b, o)?);
                }
                F::Hex32(name, o) => {
                    let _ = write!(out, " {name}(0x{:08x})", be32(b, o)?);
                }
                F::ResultCode(o) => {
                    let x = *b.get(o)?;
                    let _ = write!(out, " RESULT_CODE({x}");
                    if let Some(name) = result_name(kind, x).filter(|_| v) {
                        let _ = write!(out, ":{name}");
                    }
                    out.push(')');
                }
                F::ErrCode(o) => {
                    let x = *b.get(o)?;
                    let _ = write!(out, " ERR_CODE({x}");
                    if v {
                        let names = [
                            "None",
                            "Not-Connected",
                            "Bad-Format",
                            "Bad-Value",
                            "No-Resource",
                            "Bad-Call-ID",
                            "PAC-Error",
                        ];
                        let _ = write!(out, ":{}", names.get(usize::from(x)).unwrap_or(&"?"));
                    }
                    out.push(')');
                }
                F::BearerType(o) => {
                    let name = match be32(b, o)? {
                        1 => "A",
                        2 => "D",
                        3 => "Any",
                        _ => "?",
                    };
                    let _ = write!(out, " BEARER_TYPE({name})");
                }
                F::FramingType(o) => {
                    let name = match be32(b, o)? {
                        1 => "A",
                        2 => "S",
                        3 => "E",
                        _ => "?",
                    };
                    let _ = write!(out, " FRAME_TYPE({name})");
                }
                F::Reason(o) => {
                    let x = *b.get(o)?;
                    let _ = write!(out, " REASON({x}");
                    if v {
                        out.push_str(match x {
                            1 => ":None",
                            2 => ":Stop-Protocol",
                            3 => ":Stop-Local-Shutdown",
                            _ => ":?",
                        });
                    }
                    out.push(')');
                }
                F::Str(name, o, n) => {
                    let _ = write!(out, " {name}(");
                    printjnp(out, b, o, n)?;
                    out.push(')');
                }
                F::StrLen(name, o, len_at) => {
                    let n = usize::from(be16(b, len_at)?).min(64);
                    let _ = write!(out, " {name}(");
                    printjnp(out, b, o, n)?;
                    out.push(')');
                }
            }
        }
        Some(())
    }
}
