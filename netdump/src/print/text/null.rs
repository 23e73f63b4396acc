//! BSD loopback (`null_if_print`, `loop_if_print`) and raw IP (`raw_if_print`) wording.

use std::fmt::Write as _;

use super::Dissector;
use crate::decode::{null::family_name, Decoded, Layer, Unknown, Upper};

impl Dissector {
    pub(super) fn null(&mut self, out: &mut String, d: &Decoded<'_>, orig_len: u32) {
        let Some((Layer::Null(n), rest)) = d.layers.split_first() else {
            out.push_str(" [|null]");
            // tcpdump's header check longjmps: -x dumps from the frame's start.
            self.early_end = true;
            return;
        };
        if self.opts.link_header {
            self.null_header(out, n.family, orig_len);
        }
        if let Some(u) = self.network(out, rest) {
            if !self.opts.link_header {
                self.null_header(out, n.family, orig_len);
            }
            self.default_print(out, u.bytes);
        }
    }

    /// tcpdump's `null_hdr_print`.
    fn null_header(&self, out: &mut String, family: u32, length: u32) {
        let _ = match (self.opts.quiet, family_name(family)) {
            (false, name) => write!(out, "AF {} ({family})", name.unwrap_or("Unknown")),
            (true, Some(name)) => write!(out, "{name}"),
            (true, None) => write!(out, "Unknown AF {family}"),
        };
        let _ = write!(out, ", length {length}: ");
    }

    pub(super) fn raw(&mut self, out: &mut String, d: &Decoded<'_>) {
        if self.opts.link_header {
            out.push_str("ip: ");
        }
        if let Some(Unknown {
            what: Upper::IpVersion(v),
            ..
        }) = self.network(out, &d.layers)
        {
            let _ = write!(out, "unknown ip {v}");
        }
    }
}
