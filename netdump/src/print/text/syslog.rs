//! Syslog wording (tcpdump's print-syslog.c): facility and severity by default; with `-v`
//! the message itself, with `-vv` also its hex dump.

use std::fmt::Write as _;

use super::{
    payload::{print_char, tok2str, u8_at, unknown_data, Get},
    Dissector,
};
use crate::decode::syslog::{Syslog, MAX_DIGITS};

const SEVERITIES: &[(u32, &str)] = &[
    (0, "emergency"),
    (1, "alert"),
    (2, "critical"),
    (3, "error"),
    (4, "warning"),
    (5, "notice"),
    (6, "info"),
    (7, "debug"),
];

const FACILITIES: &[(u32, &str)] = &[
    (0, "kernel"),
    (1, "user"),
    (2, "mail"),
    (3, "daemon"),
    (4, "auth"),
    (5, "syslog"),
    (6, "lpr"),
    (7, "news"),
    (8, "uucp"),
    (9, "cron"),
    (10, "authpriv"),
    (11, "ftp"),
    (12, "ntp"),
    (13, "security"),
    (14, "console"),
    (15, "cron"),
    (16, "local0"),
    (17, "local1"),
    (18, "local2"),
    (19, "local3"),
    (20, "local4"),
    (21, "local5"),
    (22, "local6"),
    (23, "local7"),
];

impl Dissector {
    /// A syslog message of `length` bytes by the UDP header.
    pub(super) fn syslog(&mut self, out: &mut String, m: &Syslog<'_>, length: u32) {
        let r = self.syslog_body(out, m.raw, length);
        self.app_end(out, "syslog", r);
    }

    fn syslog_body(&self, out: &mut String, b: &[u8], length: u32) -> Get<()> {
        // The same walk as Syslog::priority, but a cut inside it is tcpdump's longjmp.
        if u8_at(b, 0)? != b'<' {
            out.push_str(" (invalid)");
            return Ok(());
        }
        let mut off = 1;
        let mut pri = 0u32;
        while off <= MAX_DIGITS && u8_at(b, off)?.is_ascii_digit() {
            pri = pri * 10 + u32::from(u8_at(b, off)? - b'0');
            off += 1;
        }
        if u8_at(b, off)? != b'>' {
            out.push_str(" (invalid)");
            return Ok(());
        }
        off += 1;
        let facility = (pri & 0x03f8) >> 3;
        let severity = pri & 7;
        if self.opts.verbose == 0 {
            out.push_str("SYSLOG ");
            tok2str(out, FACILITIES, "unknown (%u)", facility);
            out.push('.');
            tok2str(out, SEVERITIES, "unknown (%u)", severity);
            let _ = write!(out, ", length: {length}");
            return Ok(());
        }
        let _ = write!(out, "SYSLOG, length: {length}\n\tFacility ");
        tok2str(out, FACILITIES, "unknown (%u)", facility);
        let _ = write!(out, " ({facility}), Severity ");
        tok2str(out, SEVERITIES, "unknown (%u)", severity);
        let _ = write!(out, " ({severity})\n\tMsg: ");
        let length = length as usize;
        for at in off..length {
            print_char(out, u8_at(b, at)?);
        }
        if self.opts.verbose > 1 {
            unknown_data(out, b, 0, length, "\n\t");
        }
        Ok(())
    }
}
