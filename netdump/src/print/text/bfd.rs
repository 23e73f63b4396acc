//! BFD wording (tcpdump's `bfd_print`: control packets v0 and v1 with authentication,
//! echo packets).

use std::fmt::Write as _;

use super::{
    walk::{bits, printn, tok, trunc, unknown_data, Bytes, Walk},
    Dissector,
};
use crate::decode::bfd::{self, Bfd};

const DIAGNOSTICS: &[(u32, &str)] = &[
    (0, "No Diagnostic"),
    (1, "Control Detection Time Expired"),
    (2, "Echo Function Failed"),
    (3, "Neighbor Signaled Session Down"),
    (4, "Forwarding Plane Reset"),
    (5, "Path Down"),
    (6, "Concatenated Path Down"),
    (7, "Administratively Down"),
    (8, "Reverse Concatenated Path Down"),
];

const PORTS: &[(u32, &str)] = &[
    (bfd::CONTROL_PORT as u32, "Control"),
    (bfd::MULTIHOP_PORT as u32, "Multihop"),
    (bfd::LAG_PORT as u32, "Lag"),
];

const FLAG_AUTH: u8 = 0x04;

const V0_FLAGS: &[(u32, &str)] = &[
    (0x80, "I Hear You"),
    (0x40, "Demand"),
    (0x20, "Poll"),
    (0x10, "Final"),
    (0x08, "Control Plane Independent"),
    (0x04, "Authentication Present"),
    (0x02, "Reserved"),
    (0x01, "Reserved"),
];

const V1_FLAGS: &[(u32, &str)] = &[
    (0x20, "Poll"),
    (0x10, "Final"),
    (0x08, "Control Plane Independent"),
    (0x04, "Authentication Present"),
    (0x02, "Demand"),
    (0x01, "Multipoint"),
];

const STATES: &[(u32, &str)] = &[(0, "AdminDown"), (1, "Down"), (2, "Init"), (3, "Up")];

const AUTH_TYPES: &[(u32, &str)] = &[
    (1, "Simple Password"),
    (2, "Keyed MD5"),
    (3, "Meticulous Keyed MD5"),
    (4, "Keyed SHA1"),
    (5, "Meticulous Keyed SHA1"),
];

const HEADER_LEN: usize = 24;

impl Dissector {
    /// A BFD packet of `len` bytes (by the UDP header).
    pub(super) fn bfd(&mut self, out: &mut String, p: &Bfd<'_>, len: u32) {
        if self.bfd_walk(out, p, len).is_err() {
            trunc(out, "bfd");
        }
    }

    fn bfd_walk(&self, out: &mut String, p: &Bfd<'_>, len: u32) -> Walk {
        let b = Bytes(p.raw);
        let v = self.opts.verbose > 0;
        if !p.is_control() {
            let _ = if p.port == bfd::ECHO_PORT {
                write!(out, "BFD, Echo, length: {len}")
            } else {
                write!(out, "BFD, unknown ({}), length: {len}", p.port)
            };
            if v {
                unknown_data(out, "\n\t", b, 0, len as usize);
            }
            return Ok(());
        }
        b.slice(0, HEADER_LEN)?;
        let vd = b.u8(0)?;
        let (version, diag) = (vd >> 5, vd & 0x1f);
        let flags = b.u8(1)?;
        let diag_name = tok(DIAGNOSTICS, diag.into()).unwrap_or("unknown");
        let port_name =
            tok(PORTS, p.port.into()).map_or(format!("unknown ({})", p.port), Into::into);
        match version {
            0 => {
                let f = bits(V0_FLAGS, flags.into(), ", ").unwrap_or_else(|| "none".into());
                if !v {
                    let _ = write!(out, "BFDv0, Control, Flags: [{f}], length: {len}");
                    return Ok(());
                }
                let _ = write!(
                    out,
                    "BFDv0, length: {len}\n\tControl, Flags: [{f}], Diagnostic: {diag_name} (0x{diag:02x})"
                );
            }
            1 => {
                let state = tok(STATES, u32::from(flags >> 6)).unwrap_or("unknown");
                let f =
                    bits(V1_FLAGS, u32::from(flags & 0x3f), ", ").unwrap_or_else(|| "none".into());
                if !v {
                    let _ = write!(
                        out,
                        "BFDv1, {port_name}, State {state}, Flags: [{f}], length: {len}"
                    );
                    return Ok(());
                }
                let _ = write!(
                    out,
                    "BFDv1, length: {len}\n\t{port_name}, State {state}, Flags: [{f}], Diagnostic: {diag_name} (0x{diag:02x})"
                );
            }
            _ => {
                let _ = write!(out, "BFDv{version}, Control, length: {len}");
                if v {
                    unknown_data(out, "\n\t", b, 0, len as usize);
                }
                return Ok(());
            }
        }
        let mult = b.u8(2)?;
        let tx = b.be32(12)?;
        let _ = write!(
            out,
            "\n\tDetection Timer Multiplier: {mult} ({} ms Detection time), BFD Length: {}",
            u32::from(mult).wrapping_mul(tx) / 1000,
            b.u8(3)?
        );
        let _ = write!(out, "\n\tMy Discriminator: 0x{:08x}", b.be32(4)?);
        let _ = write!(out, ", Your Discriminator: 0x{:08x}", b.be32(8)?);
        let _ = write!(out, "\n\t  Desired min Tx Interval:    {:4} ms", tx / 1000);
        let _ = write!(
            out,
            "\n\t  Required min Rx Interval:   {:4} ms",
            b.be32(16)? / 1000
        );
        let _ = write!(
            out,
            "\n\t  Required min Echo Interval: {:4} ms",
            b.be32(20)? / 1000
        );
        if flags & FLAG_AUTH != 0 {
            bfd_auth(out, b.from(HEADER_LEN))?;
        }
        Ok(())
    }
}

/// tcpdump's `auth_print`: the authentication section after the header.
fn bfd_auth(out: &mut String, a: Bytes<'_>) -> Walk {
    a.slice(0, 4)?;
    let (ty, len) = (a.u8(0)?, a.u8(1)?);
    let _ = write!(
        out,
        "\n\tAuthentication: {} ({ty}), length: {len}",
        tok(AUTH_TYPES, ty.into()).unwrap_or("Unknown")
    );
    let _ = write!(out, "\n\t  Auth Key ID: {}", a.u8(2)?);
    let (want, what) = match ty {
        1 => {
            if !(4..=19).contains(&len) {
                let _ = write!(out, "[invalid length {len}]");
                return Ok(());
            }
            out.push_str(", Password: ");
            return printn(out, a, 3, usize::from(len) - 3);
        }
        2 | 3 => (24, ("Digest", 16)),
        4 | 5 => (28, ("Hash", 20)),
        _ => return Ok(()),
    };
    if len != want {
        let _ = write!(out, "[invalid length {len}]");
        return Ok(());
    }
    let _ = write!(out, ", Sequence Number: 0x{:08x}", a.be32(4)?);
    let hash = a.slice(8, what.1)?;
    let _ = write!(out, "\n\t  {}: ", what.0);
    for x in hash {
        let _ = write!(out, "{x:02x}");
    }
    Ok(())
}
