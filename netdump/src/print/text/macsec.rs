//! 802.1AE MACsec SecTAGs as tcpdump's print-macsec.c says them: with `-e` the tag in the
//! link-level header; an encrypted payload as "802.1AE MACsec, ..." and its bytes.

use std::fmt::Write as _;

use super::Dissector;
use crate::decode::macsec::{self, Macsec, Status};

/// tcpdump's `macsec_print_header`: "an N, pn N, flags X[, sl N][, sci X], ".
pub(super) fn header(out: &mut String, m: &Macsec<'_>) {
    // bittok2str_nosep: the names run together.
    let mut flags = String::new();
    for (bit, name) in [
        (macsec::TCI_E, "E"),
        (macsec::TCI_C, "C"),
        (macsec::TCI_ES, "S"),
        (macsec::TCI_SCB, "B"),
        (macsec::TCI_SC, "I"),
    ] {
        if m.tci_an & bit != 0 {
            flags.push_str(name);
        }
    }
    if flags.is_empty() {
        flags.push_str("none");
    }
    let _ = write!(out, "an {}, pn {}, flags {flags}", m.an(), m.packet_number);
    if m.short_length != 0 {
        let _ = write!(out, ", sl {}", m.short_length);
    }
    if let Some(sci) = m.sci {
        let _ = write!(out, ", sci {sci:016x}");
    }
    out.push_str(", ");
}

impl Dissector {
    /// The SecTAG; true when the frame's text ends here (the payload was not decoded on).
    pub(super) fn macsec(
        &mut self,
        out: &mut String,
        m: &Macsec<'_>,
        src: &[u8],
        dst: &[u8],
    ) -> bool {
        match m.status {
            Status::Truncated => {
                out.push_str(" [|macsec]");
                true
            }
            Status::Short => {
                if self.opts.link_header {
                    header(out, m);
                }
                out.push_str(" [|macsec]");
                true
            }
            Status::Invalid => {
                out.push_str(" (invalid)");
                true
            }
            Status::Encrypted => {
                if self.opts.link_header {
                    header(out, m);
                } else {
                    super::mac(out, src);
                    out.push_str(" > ");
                    super::mac(out, dst);
                    out.push_str(" 802.1AE MACsec, ");
                    header(out, m);
                }
                self.default_print(out, m.payload);
                true
            }
            Status::Clear => {
                if self.opts.link_header {
                    header(out, m);
                }
                false
            }
        }
    }
}
