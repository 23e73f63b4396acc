//! L2TP wording (print-l2tp.c): the header, a control message's AVPs walked from the bytes
//! with tcpdump's checks, or a data message's PPP frame in braces.

use std::fmt::Write as _;

use super::{chars::print_char, Dissector};
use crate::decode::{
    be16, be32,
    l2tp::{self, L2tp},
    Layer,
};

/// tcpdump's `l2tp_avp2str`.
fn avp_name(t: u16) -> Option<&'static str> {
    const NAMES: [&str; 40] = [
        "MSGTYPE",
        "RESULT_CODE",
        "PROTO_VER",
        "FRAMING_CAP",
        "BEARER_CAP",
        "TIE_BREAKER",
        "FIRM_VER",
        "HOST_NAME",
        "VENDOR_NAME",
        "ASSND_TUN_ID",
        "RECV_WIN_SIZE",
        "CHALLENGE",
        "Q931_CC",
        "CHALLENGE_RESP",
        "ASSND_SESS_ID",
        "CALL_SER_NUM",
        "MINIMUM_BPS",
        "MAXIMUM_BPS",
        "BEARER_TYPE",
        "FRAMING_TYPE",
        "PACKET_PROC_DELAY",
        "CALLED_NUMBER",
        "CALLING_NUMBER",
        "SUB_ADDRESS",
        "TX_CONN_SPEED",
        "PHY_CHANNEL_ID",
        "INI_RECV_LCP",
        "LAST_SENT_LCP",
        "LAST_RECV_LCP",
        "PROXY_AUTH_TYPE",
        "PROXY_AUTH_NAME",
        "PROXY_AUTH_CHAL",
        "PROXY_AUTH_ID",
        "PROXY_AUTH_RESP",
        "CALL_ERRORS",
        "ACCM",
        "RANDOM_VECTOR",
        "PRIVATE_GRP_ID",
        "RX_CONN_SPEED",
        "SEQ_REQUIRED",
    ];
    match t {
        46 => Some("PPP_DISCON_CC"),
        _ => NAMES.get(usize::from(t)).copied(),
    }
}

/// tcpdump's `l2tp_msgtype2str`.
fn msg_type(t: u16) -> Option<&'static str> {
    Some(match t {
        1 => "SCCRQ",
        2 => "SCCRP",
        3 => "SCCCN",
        4 => "StopCCN",
        6 => "HELLO",
        7 => "OCRQ",
        8 => "OCRP",
        9 => "OCCN",
        10 => "ICRQ",
        11 => "ICRP",
        12 => "ICCN",
        14 => "CDN",
        15 => "WEN",
        16 => "SLI",
        _ => return None,
    })
}

/// tcpdump's `print_string`: every byte through `fn_print_char`.
fn print_string(out: &mut String, b: &[u8]) {
    for &c in b {
        print_char(out, c);
    }
}

fn octets(out: &mut String, b: &[u8]) {
    for c in b {
        let _ = write!(out, "{c:02x}");
    }
}

const SHORT: &str = "AVP too short";

/// One AVP's value (the switch in `l2tp_avp_print`); `d` holds exactly its data.
fn avp_value(out: &mut String, kind: u16, d: &[u8]) {
    let n = d.len();
    let u16_at = |i| be16(d, i).unwrap_or(0);
    let u32_at = |i| be32(d, i).unwrap_or(0);
    let cap = |out: &mut String, a: char, b: char| {
        if n < 4 {
            out.push_str(SHORT);
            return;
        }
        let v = u32_at(0);
        if v & 2 != 0 {
            out.push(a);
        }
        if v & 1 != 0 {
            out.push(b);
        }
    };
    match kind {
        0 => {
            if n < 2 {
                out.push_str(SHORT);
            } else {
                let t = u16_at(0);
                match msg_type(t) {
                    Some(name) => out.push_str(name),
                    None => {
                        let _ = write!(out, "MSGTYPE-#{t}");
                    }
                }
            }
        }
        1 => {
            if n < 2 {
                out.push_str(SHORT);
                return;
            }
            let _ = write!(out, "{}", u16_at(0));
            if n == 2 {
                return;
            }
            if n < 4 {
                let _ = write!(out, " {SHORT}");
                return;
            }
            let _ = write!(out, "/{}", u16_at(2));
            if n > 4 {
                out.push(' ');
                print_string(out, &d[4..]);
            }
        }
        2 => {
            if n < 2 {
                out.push_str(SHORT);
            } else {
                let _ = write!(out, "{}.{}", d[0], d[1]);
            }
        }
        3 | 19 => cap(out, 'A', 'S'),
        4 | 18 => cap(out, 'A', 'D'),
        5 => {
            if n < 8 {
                out.push_str(SHORT);
            } else {
                octets(out, &d[..8]);
            }
        }
        6 | 9 | 10 | 14 => {
            if n < 2 {
                out.push_str(SHORT);
            } else {
                let _ = write!(out, "{}", u16_at(0));
            }
        }
        7 | 8 | 21 | 22 | 23 | 30 | 37 => print_string(out, d),
        11 | 26 | 27 | 28 | 31 | 33 | 36 => octets(out, d),
        12 => {
            if n < 3 {
                out.push_str(SHORT);
                return;
            }
            let _ = write!(out, "{}, {:02x}", u16_at(0), d[2]);
            if n > 3 {
                out.push(' ');
                print_string(out, &d[3..]);
            }
        }
        13 => {
            if n < 16 {
                out.push_str(SHORT);
            } else {
                octets(out, &d[..16]);
            }
        }
        15 | 16 | 17 | 24 | 25 | 38 => {
            if n < 4 {
                out.push_str(SHORT);
            } else {
                let _ = write!(out, "{}", u32_at(0));
            }
        }
        20 => out.push_str("obsolete"),
        29 => {
            if n < 2 {
                out.push_str(SHORT);
                return;
            }
            let _ = match u16_at(0) {
                0 => write!(out, "Reserved"),
                1 => write!(out, "Textual"),
                2 => write!(out, "CHAP"),
                3 => write!(out, "PAP"),
                4 => write!(out, "No Auth"),
                5 => write!(out, "MS-CHAPv1"),
                t => write!(out, "AuthType-#{t}"),
            };
        }
        32 => {
            if n < 2 {
                out.push_str(SHORT);
            } else {
                let _ = write!(out, "{}", u16_at(0) & 0xff);
            }
        }
        34 => {
            let names = [
                "CRCErr", "FrameErr", "HardOver", "BufOver", "Timeout", "AlignErr",
            ];
            if n < 2 {
                out.push_str(SHORT);
                return;
            }
            for (i, name) in names.iter().enumerate() {
                let at = 2 + i * 4;
                if n < at + 4 {
                    out.push_str(SHORT);
                    return;
                }
                let _ = write!(out, "{name}={} ", u32_at(at));
            }
        }
        35 => {
            if n < 2 {
                out.push_str(SHORT);
                return;
            }
            for (i, name) in ["send", "recv"].iter().enumerate() {
                let at = 2 + i * 4;
                if n < at + 4 {
                    out.push_str(SHORT);
                    return;
                }
                let _ = write!(out, "{name}={:08x} ", u32_at(at));
            }
        }
        46 => {
            if n < 5 {
                out.push_str(SHORT);
                return;
            }
            let _ = write!(out, "{:04x}, {:04x} ", u16_at(0), u16_at(2));
            let _ = match d[4] {
                0 => write!(out, "global error"),
                1 => write!(out, "at peer"),
                2 => write!(out, "at local"),
                x => write!(out, "Direction-#{x}"),
            };
            if n > 5 {
                out.push(' ');
                print_string(out, &d[5..]);
            }
        }
        _ => {}
    }
}

impl Dissector {
    /// An L2TP message (l2tp_print).
    pub(super) fn l2tp(&mut self, out: &mut String, l: &L2tp<'_>, above: &[Layer<'_>]) {
        let Some(flags) = l.flags else {
            out.push_str(" [|l2tp]");
            return;
        };
        match l.version() {
            Some(l2tp::VERSION_L2TP) => out.push_str(" l2tp:"),
            Some(l2tp::VERSION_L2F) => {
                out.push_str(" l2f:");
                return;
            }
            _ => {
                out.push_str(" Unknown Version, neither L2F(1) nor L2TP(2)");
                return;
            }
        }
        out.push('[');
        for (bit, c) in [
            (l2tp::FLAG_TYPE, 'T'),
            (l2tp::FLAG_LENGTH, 'L'),
            (l2tp::FLAG_SEQUENCE, 'S'),
            (l2tp::FLAG_OFFSET, 'O'),
            (l2tp::FLAG_PRIORITY, 'P'),
        ] {
            if flags & bit != 0 {
                out.push(c);
            }
        }
        out.push(']');
        if let Some(t) = l.tunnel {
            let _ = write!(out, "({t}/");
        }
        if let Some(s) = l.session {
            let _ = write!(out, "{s})");
        }
        if let Some(ns) = l.ns {
            let _ = write!(out, "Ns={ns},");
        }
        if let Some(nr) = l.nr {
            let _ = write!(out, "Nr={nr}");
        }
        if l.cut {
            out.push_str(" [|l2tp]");
            return;
        }
        let mut length = l.length;
        if let Some(len) = l.len_field {
            if length < u32::from(len) {
                let _ = write!(out, " Length {len} larger than packet");
                return;
            }
            length = u32::from(len);
        }
        if length < l.header_len {
            let _ = write!(out, " Length {length} smaller than header length");
            return;
        }
        let left = length - l.header_len;
        if flags & l2tp::FLAG_TYPE == 0 {
            out.push_str(" {");
            let before = std::mem::replace(&mut self.early_end, false);
            match above.first() {
                Some(Layer::Ppp(p)) => self.ppp(out, p, &above[1..]),
                _ => {
                    out.push_str(" [|ppp]");
                    self.early_end = true;
                }
            }
            // A printer that ran off the captured bytes longjmps in tcpdump, past the brace.
            if !self.early_end {
                out.push('}');
            }
            self.early_end |= before;
            return;
        }
        if l.len_field.is_none() {
            out.push_str(" No length");
            return;
        }
        if left == 0 {
            out.push_str(" ZLB");
            return;
        }
        let mut left = left as usize;
        let mut b = l.body;
        while left != 0 {
            out.push(' ');
            let Some(first) = be16(b, 0) else {
                out.push_str(" [|l2tp]");
                return;
            };
            let len = usize::from(first & 0x03ff);
            let Some(avp) = b.get(..len).filter(|_| len >= 6 && len <= left) else {
                out.push_str(" [|l2tp]");
                return;
            };
            if first & 0x8000 != 0 {
                out.push('*');
            }
            let hidden = first & 0x4000 != 0;
            if hidden {
                out.push('?');
            }
            let vendor = be16(avp, 2).unwrap_or(0);
            let kind = be16(avp, 4).unwrap_or(0);
            let data = &avp[6..];
            if vendor != 0 {
                let _ = write!(out, "VENDOR{vendor:04x}:ATTR{kind:04x}(");
                octets(out, data);
            } else {
                match avp_name(kind) {
                    Some(name) => out.push_str(name),
                    None => {
                        let _ = write!(out, "AVP-#{kind}");
                    }
                }
                out.push('(');
                if hidden {
                    out.push_str("???");
                } else {
                    avp_value(out, kind, data);
                }
            }
            out.push(')');
            left -= len;
            b = &b[len..];
        }
    }
}
