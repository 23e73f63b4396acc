//! ISAKMP / IKEv1 / IKEv2 wording (tcpdump's print-isakmp.c, without decryption), and
//! the NAT-T hand-over on UDP 4500 (RFC 3948: keep-alives, the non-ESP marker before IKE,
//! ESP in UDP).
//!
//! tcpdump's printer is a pointer walker with three ways out: a `GET_` read past the
//! capture longjmps (` [|isakmp]`, here [`Cut`]), a `ND_TCHECK` failure jumps to the
//! printer's own `trunc:` label (` [|payload]`, here `Ok(None)` after printing it), and a
//! payload printer returns where the next payload starts (`Ok(Some(offset))`). Offsets are
//! into the ISAKMP message's captured bytes, whose end is tcpdump's `ep` (the snapshot's
//! end within the IP datagram). IKEv1's initiator/responder guess needs the cookies seen
//! in earlier packets: [`Cookies`] is tcpdump's static `cookiecache`.

use std::fmt::Write as _;

use super::{
    names,
    payload::{be16_at, be32_at, bytes_at, has, print_char, u8_at, Cut, Get},
    Dissector, Host, Ip,
};
use crate::decode::Addrs;

const NP_SA: u8 = 1;
const NP_P: u8 = 2;
const NP_T: u8 = 3;
const NP_KE: u8 = 4;
const NP_ID: u8 = 5;
const NP_CERT: u8 = 6;
const NP_CR: u8 = 7;
const NP_HASH: u8 = 8;
const NP_SIG: u8 = 9;
const NP_NONCE: u8 = 10;
const NP_N: u8 = 11;
const NP_D: u8 = 12;
const NP_VID: u8 = 13;
const NP_V2E: u8 = 46;

const FLAG_E: u8 = 0x01;
const FLAG_C: u8 = 0x02;
const FLAG_I: u8 = 1 << 3;
const FLAG_V: u8 = 1 << 4;
const FLAG_R: u8 = 1 << 5;

/// The fixed ISAKMP header's length.
const HEADER_LEN: usize = 28;

/// tcpdump's `MAXINITIATORS`: how many initiator cookies it remembers.
const MAX_INITIATORS: usize = 20;

/// One remembered exchange: the initiator's cookie and both addresses (IP version 0 for
/// a slot never filled, which still matches an all-zero cookie, as tcpdump's zeroed
/// static array does).
#[derive(Clone, Copy, Debug, Default)]
struct CookieEntry {
    initiator: [u8; 8],
    version: u8,
    iaddr: [u8; 16],
    raddr: [u8; 16],
}

/// tcpdump's IKEv1 `cookiecache`: initiator cookies of first packets seen, so later
/// packets can be labelled I(nitiator) or R(esponder).
#[derive(Clone, Debug, Default)]
pub(super) struct Cookies {
    entries: [CookieEntry; MAX_INITIATORS],
    next: usize,
}

impl Cookies {
    fn find(&self, ck: &[u8]) -> Option<usize> {
        self.entries.iter().position(|e| e.initiator[..] == *ck)
    }

    fn record(&mut self, ck: &[u8], addrs: &Addrs) {
        if let Some(i) = self.find(ck) {
            self.next = (i + 1) % MAX_INITIATORS;
            return;
        }
        let (s, d) = addrs.key();
        let e = &mut self.entries[self.next];
        e.version = version(addrs);
        e.iaddr = s;
        e.raddr = d;
        e.initiator.copy_from_slice(ck);
        self.next = (self.next + 1) % MAX_INITIATORS;
    }

    /// `cookie_sidecheck`: the packet's source is the remembered initiator (or responder).
    fn side(&self, i: usize, addrs: &Addrs, initiator: bool) -> bool {
        let e = &self.entries[i];
        if e.version != version(addrs) {
            return false;
        }
        let (s, _) = addrs.key();
        s == if initiator { e.iaddr } else { e.raddr }
    }
}

fn version(addrs: &Addrs) -> u8 {
    match addrs {
        Addrs::V4(..) => 4,
        Addrs::V6(..) => 6,
    }
}

const PROTOID: &[&str] = &["", "isakmp", "ipsec-ah", "ipsec-esp", "ipcomp"];

const NPSTR: &[&str] = &[
    "none", "sa", "p", "t", "ke", "id", "cert", "cr", "hash", "sig", "nonce", "n", "d", "vid",
    "pay14", "pay15", "pay16", "pay17", "pay18", "pay19", "pay20", "pay21", "pay22", "pay23",
    "pay24", "pay25", "pay26", "pay27", "pay28", "pay29", "pay30", "pay31", "pay32", "v2sa",
    "v2ke", "v2IDi", "v2IDr", "v2cert", "v2cr", "v2auth", "v2nonce", "v2n", "v2d", "v2vid",
    "v2TSi", "v2TSr", "v2e", "v2cp", "v2eap",
];

const ETYPE: &[&str] = &[
    "none",
    "base",
    "ident",
    "auth",
    "agg",
    "inf",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "oakley-quick",
    "oakley-newgroup",
    "ikev2_init",
    "ikev2_auth",
    "child_sa",
    "inf2",
];

const IKEV1_P: &[&str] = &["", "ike"];
const IKEV2_T_TYPE: &[&str] = &["", "encr", "prf", "integ", "dh", "esn"];
const AH_P: &[&str] = &[
    "",
    "(reserved)",
    "md5",
    "sha",
    "1des",
    "sha2-256",
    "sha2-384",
    "sha2-512",
];
const PRF_P: &[&str] = &["", "hmac-md5", "hmac-sha", "hmac-tiger", "aes128_xcbc"];
const INTEG_P: &[&str] = &[
    "", "hmac-md5", "hmac-sha", "dec-mac", "kpdk-md5", "aes-xcbc",
];
const ESN_P: &[&str] = &["no-esn", "esn"];
const DH_P: &[&str] = &[
    "",
    "modp768",
    "modp1024",
    "EC2N 2^155",
    "EC2N 2^185",
    "modp1536",
    "iana-grp06",
    "iana-grp07",
    "iana-grp08",
    "iana-grp09",
    "iana-grp10",
    "iana-grp11",
    "iana-grp12",
    "iana-grp13",
    "modp2048",
    "modp3072",
    "modp4096",
    "modp6144",
    "modp8192",
];
const ESP_P: &[&str] = &[
    "",
    "1des-iv64",
    "1des",
    "3des",
    "rc5",
    "idea",
    "cast",
    "blowfish",
    "3idea",
    "1des-iv32",
    "rc4",
    "null",
    "aes",
];
const IPCOMP_P: &[&str] = &["", "oui", "deflate", "lzs"];
const CERT: &[&str] = &[
    "none", "pkcs7", "pgp", "dns", "x509sign", "x509ke", "kerberos", "crl", "arl", "spki",
    "x509attr",
];
const IDTYPE: &[&str] = &["IPv4", "IPv4net", "IPv6", "IPv6net"];
const IPSEC_IDTYPE: &[&str] = &[
    "",
    "IPv4",
    "FQDN",
    "user FQDN",
    "IPv4net",
    "IPv6",
    "IPv6net",
    "IPv4range",
    "IPv6range",
    "ASN1 DN",
    "ASN1 GN",
    "keyid",
];
const NOTIFY_ERROR: &[&str] = &[
    "",
    "INVALID-PAYLOAD-TYPE",
    "DOI-NOT-SUPPORTED",
    "SITUATION-NOT-SUPPORTED",
    "INVALID-COOKIE",
    "INVALID-MAJOR-VERSION",
    "INVALID-MINOR-VERSION",
    "INVALID-EXCHANGE-TYPE",
    "INVALID-FLAGS",
    "INVALID-MESSAGE-ID",
    "INVALID-PROTOCOL-ID",
    "INVALID-SPI",
    "INVALID-TRANSFORM-ID",
    "ATTRIBUTES-NOT-SUPPORTED",
    "NO-PROPOSAL-CHOSEN",
    "BAD-PROPOSAL-SYNTAX",
    "PAYLOAD-MALFORMED",
    "INVALID-KEY-INFORMATION",
    "INVALID-ID-INFORMATION",
    "INVALID-CERT-ENCODING",
    "INVALID-CERTIFICATE",
    "CERT-TYPE-UNSUPPORTED",
    "INVALID-CERT-AUTHORITY",
    "INVALID-HASH-INFORMATION",
    "AUTHENTICATION-FAILED",
    "INVALID-SIGNATURE",
    "ADDRESS-NOTIFICATION",
    "NOTIFY-SA-LIFETIME",
    "CERTIFICATE-UNAVAILABLE",
    "UNSUPPORTED-EXCHANGE-TYPE",
    "UNEQUAL-PAYLOAD-LENGTHS",
];
const IPSEC_NOTIFY_ERROR: &[&str] = &["RESERVED"];
const NOTIFY_STATUS: &[&str] = &["CONNECTED"];
const IPSEC_NOTIFY_STATUS: &[&str] = &["RESPONDER-LIFETIME", "REPLAY-STATUS", "INITIAL-CONTACT"];
const V2_AUTH: &[&str] = &["invalid", "rsasig", "shared-secret", "dsssig"];

/// tcpdump's `struct attrmap`: an attribute type's name and its values' names.
struct AttrMap {
    name: &'static str,
    values: &'static [&'static str],
}

const fn am(name: &'static str, values: &'static [&'static str]) -> AttrMap {
    AttrMap { name, values }
}

const GROUPS: &[&str] = DH_P;

const IPSEC_T_MAP: &[AttrMap] = &[
    am("", &[]),
    am("lifetype", &["", "sec", "kb"]),
    am("life", &[]),
    am("group desc", GROUPS),
    am("enc mode", &["", "tunnel", "transport"]),
    am("auth", &["", "hmac-md5", "hmac-sha1", "1des-mac", "keyed"]),
    am("keylen", &[]),
    am("rounds", &[]),
    am("dictsize", &[]),
    am("privalg", &[]),
];

/// Type 14 is the key length; tcpdump's table claims 14 values for it but names none.
const ENCR_T_MAP: &[AttrMap] = &[
    am("", &[]),
    am("", &[]),
    am("", &[]),
    am("", &[]),
    am("", &[]),
    am("", &[]),
    am("", &[]),
    am("", &[]),
    am("", &[]),
    am("", &[]),
    am("", &[]),
    am("", &[]),
    am("", &[]),
    am("", &[]),
    am("keylen", &[]),
];

const OAKLEY_T_MAP: &[AttrMap] = &[
    am("", &[]),
    am(
        "enc",
        &["", "1des", "idea", "blowfish", "rc5", "3des", "cast", "aes"],
    ),
    am(
        "hash",
        &[
            "", "md5", "sha1", "tiger", "sha2-256", "sha2-384", "sha2-512",
        ],
    ),
    am(
        "auth",
        &[
            "",
            "preshared",
            "dss",
            "rsa sig",
            "rsa enc",
            "rsa enc revised",
        ],
    ),
    am("group desc", GROUPS),
    am("group type", &["", "MODP", "ECP", "EC2N"]),
    am("group prime", &[]),
    am("group gen1", &[]),
    am("group gen2", &[]),
    am("group curve A", &[]),
    am("group curve B", &[]),
    am("lifetype", &["", "sec", "kb"]),
    am("lifeduration", &[]),
    am("prf", &[]),
    am("keylen", &[]),
    am("field", &[]),
    am("order", &[]),
];

/// tcpdump's `STR_OR_ID`: the table's name for `x`, else `#x`.
fn str_or_id(tab: &[&'static str], x: u32) -> String {
    match tab.get(x as usize) {
        Some(s) if !s.is_empty() => (*s).to_string(),
        _ => format!("#{x}"),
    }
}

fn npstr(np: u8) -> String {
    str_or_id(NPSTR, u32::from(np))
}

/// The walker over one ISAKMP message: `b` holds the message's captured bytes from its
/// first header byte; `b.len()` is tcpdump's `ep`.
struct Walk<'a, 'o> {
    out: &'o mut String,
    b: &'a [u8],
    verbose: u8,
}

impl Walk<'_, '_> {
    fn ep(&self) -> usize {
        self.b.len()
    }

    fn s(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// `ND_TCHECK_LEN`: `n` bytes at `at` were captured.
    fn ok(&self, at: usize, n: usize) -> bool {
        has(self.b, at, n)
    }

    /// tcpdump's `rawprint`: hex of `n` bytes at `at`, or nothing (false) when they were
    /// not all captured.
    fn raw(&mut self, at: usize, n: usize) -> bool {
        let Ok(bytes) = bytes_at(self.b, at, n) else {
            return false;
        };
        for c in bytes {
            let _ = write!(self.out, "{c:02x}");
        }
        true
    }

    /// `ike_show_somedata`: the first 10 and the last 20 bytes of what was captured.
    fn somedata(&mut self, cp: usize) -> bool {
        let ep = self.ep();
        let len = ep.saturating_sub(cp).min(10);
        let (end, elen) = if ep >= cp + len + 20 {
            (ep - 20, 20)
        } else {
            (cp + len, ep.saturating_sub(cp + len))
        };
        self.s(" data=(");
        if !self.raw(cp, len) {
            return false;
        }
        self.s("...");
        if elen != 0 && !self.raw(end, elen) {
            return false;
        }
        self.s(")");
        true
    }

    fn trunc(&mut self, np: u8) -> Get<Option<usize>> {
        let _ = write!(self.out, " [|{}]", npstr(np));
        Ok(None)
    }

    fn indent(&mut self, depth: usize) {
        self.out.push('\n');
        for _ in 0..depth {
            self.out.push_str("    ");
        }
        self.out.push('(');
    }

    // ---- IKEv1 ----

    /// `ikev1_attrmap_print` (with a map) and `ikev1_attr_print` (without).
    fn attr(&mut self, p: usize, ep2: usize, map: Option<&[AttrMap]>) -> Get<Option<usize>> {
        let b = self.b;
        let first = u8_at(b, p)?;
        let totlen = if first & 0x80 != 0 {
            4
        } else {
            4 + usize::from(be16_at(b, p + 2)?)
        };
        if ep2 < p + totlen {
            self.s("[|attr]");
            return Ok(Some(ep2 + 1));
        }
        self.s("(");
        let t = usize::from(be16_at(b, p)? & 0x7fff);
        let entry = map.and_then(|m| m.get(t)).filter(|e| !e.name.is_empty());
        match entry {
            Some(e) => {
                let _ = write!(self.out, "type={} ", e.name);
            }
            None => {
                let _ = write!(self.out, "type=#{t} ");
            }
        }
        if first & 0x80 != 0 {
            self.s("value=");
            let v = usize::from(be16_at(b, p + 2)?);
            let name = map
                .and_then(|m| m.get(t))
                .and_then(|e| e.values.get(v))
                .filter(|s| !s.is_empty());
            match name {
                Some(n) => self.s(n),
                None => {
                    if !self.raw(p + 2, 2) {
                        self.s(")");
                        return Ok(None);
                    }
                }
            }
        } else {
            let _ = write!(self.out, "len={} value=", totlen - 4);
            if !self.raw(p + 4, totlen - 4) {
                self.s(")");
                return Ok(None);
            }
        }
        self.s(")");
        Ok(Some(p + totlen))
    }

    fn v1_sa(&mut self, ext: usize, phase: u32, proto0: u32, depth: usize) -> Get<Option<usize>> {
        self.s("sa:");
        if !self.ok(ext, 12) {
            return self.trunc(NP_SA);
        }
        let b = self.b;
        let doi = be32_at(b, ext + 4)?;
        let sit = be32_at(b, ext + 8)?;
        if doi != 1 {
            let _ = write!(self.out, " doi={doi} situation={sit}");
            return Ok(Some(ext + 12));
        }
        self.s(" doi=ipsec situation=");
        let mut t = false;
        if sit & 1 != 0 {
            self.s("identity");
            t = true;
        }
        if sit & 2 != 0 {
            self.s(if t { "+secrecy" } else { "secrecy" });
            t = true;
        }
        if sit & 4 != 0 {
            self.s(if t { "+integrity" } else { "integrity" });
        }
        let mut np = ext + 12;
        if sit != 1 {
            // tcpdump reads `ext + 1`: four bytes in, the DOI again.
            let ident = be32_at(b, ext + 4)?;
            let _ = write!(self.out, " ident={ident}");
            np += 4;
        }
        if !self.ok(np, 4) {
            return self.trunc(NP_SA);
        }
        self.v1_sub(NP_P, np, phase, doi, proto0, depth)
    }

    fn v1_p(&mut self, ext: usize, phase: u32, doi0: u32, depth: usize) -> Get<Option<usize>> {
        self.s("p:");
        if !self.ok(ext, 8) {
            return self.trunc(NP_P);
        }
        let b = self.b;
        let prot = u8_at(b, ext + 5)?;
        let _ = write!(
            self.out,
            " #{} protoid={} transform={}",
            u8_at(b, ext + 4)?,
            str_or_id(PROTOID, u32::from(prot)),
            u8_at(b, ext + 7)?
        );
        let spi_size = usize::from(u8_at(b, ext + 6)?);
        if spi_size != 0 {
            self.s(" spi=");
            if !self.raw(ext + 8, spi_size) {
                return self.trunc(NP_P);
            }
        }
        let next = ext + 8 + spi_size;
        if !self.ok(next, 4) {
            return self.trunc(NP_P);
        }
        self.v1_sub(NP_T, next, phase, doi0, u32::from(prot), depth)
    }

    fn v1_t(&mut self, ext: usize, item_len: usize, proto: u32) -> Get<Option<usize>> {
        self.s("t:");
        if !self.ok(ext, 8) {
            return self.trunc(NP_T);
        }
        let b = self.b;
        let t_id = u32::from(u8_at(b, ext + 5)?);
        let (idstr, map): (Option<String>, Option<&[AttrMap]>) = match proto {
            1 => (Some(str_or_id(IKEV1_P, t_id)), Some(OAKLEY_T_MAP)),
            2 => (Some(str_or_id(AH_P, t_id)), Some(IPSEC_T_MAP)),
            3 => (Some(str_or_id(ESP_P, t_id)), Some(IPSEC_T_MAP)),
            4 => (Some(str_or_id(IPCOMP_P, t_id)), Some(IPSEC_T_MAP)),
            _ => (None, None),
        };
        let t_no = u8_at(b, ext + 4)?;
        match idstr {
            Some(s) => {
                let _ = write!(self.out, " #{t_no} id={s} ");
            }
            None => {
                let _ = write!(self.out, " #{t_no} id={t_id} ");
            }
        }
        self.attrs(ext + 8, ext + item_len, map, NP_T)
    }

    /// The attribute list of a transform (v1 and v2): up to `ep2` or the capture's end.
    fn attrs(
        &mut self,
        mut cp: usize,
        ep2: usize,
        map: Option<&[AttrMap]>,
        np: u8,
    ) -> Get<Option<usize>> {
        while cp < self.ep() && cp < ep2 {
            match self.attr(cp, ep2, map)? {
                Some(next) => cp = next,
                None => return self.trunc(np),
            }
        }
        if self.ep() < ep2 {
            self.s("...");
        }
        Ok(Some(cp))
    }

    /// The payloads that print their length and, with `-vvv`, their bytes.
    fn v1_len_hex(
        &mut self,
        ext: usize,
        item_len: usize,
        np: u8,
        label: &str,
    ) -> Get<Option<usize>> {
        let _ = write!(self.out, "{}:", npstr(np));
        if !self.ok(ext, 4) {
            return self.trunc(np);
        }
        let _ = write!(self.out, "{label}{}", item_len - 4);
        if self.verbose > 2 && item_len > 4 {
            self.s(" ");
            if !self.raw(ext + 4, item_len - 4) {
                return self.trunc(np);
            }
        }
        Ok(Some(ext + item_len))
    }

    fn v1_id(&mut self, ext: usize, item_len: usize, phase: u32) -> Get<Option<usize>> {
        self.s("id:");
        if !self.ok(ext, 8) {
            return self.trunc(NP_ID);
        }
        let b = self.b;
        let (data, mut len) = if 8 < item_len {
            (Some(ext + 8), item_len - 8)
        } else {
            (None, 0)
        };
        if phase == 1 || phase == 2 {
            let ty = u8_at(b, ext + 4)?;
            let _ = write!(
                self.out,
                " idtype={}",
                str_or_id(IPSEC_IDTYPE, u32::from(ty))
            );
            let proto_id = u8_at(b, ext + 5)?;
            match (
                proto_id,
                names().and(crate::names::protocols::protocol(proto_id)),
            ) {
                (1.., Some(name)) => {
                    let _ = write!(self.out, " protoid={name}");
                }
                _ => {
                    let _ = write!(self.out, " protoid={proto_id}");
                }
            }
            let _ = write!(self.out, " port={}", be16_at(b, ext + 6)?);
            if len != 0 {
                let Some(data) = data else {
                    return self.trunc(NP_ID);
                };
                if !self.ok(data, len) {
                    return self.trunc(NP_ID);
                }
                self.v1_id_data(ty, data, &mut len)?;
            }
        } else {
            let ty = u32::from(u8_at(b, ext + 4)?);
            let _ = write!(
                self.out,
                " idtype={} doi_data={}",
                str_or_id(IDTYPE, ty),
                be32_at(b, ext + 4)? & 0xff_ffff
            );
        }
        if let (Some(data), 1..) = (data, len) {
            let _ = write!(self.out, " len={len}");
            if self.verbose > 2 {
                self.s(" ");
                if !self.raw(data, len) {
                    return self.trunc(NP_ID);
                }
            }
        }
        Ok(Some(ext + item_len))
    }

    /// The identification data of an IPsec DOI ID payload, by its type.
    fn v1_id_data(&mut self, ty: u8, data: usize, len: &mut usize) -> Get<()> {
        let b = self.b;
        let n = *len;
        let v4 = |at| -> Get<Host> { super::payload::ipv4_at(b, at) };
        let v6 = |at| -> Get<Host> { super::payload::ipv6_at(b, at) };
        match ty {
            1 if n < 4 => {
                let _ = write!(self.out, " len={n} [bad: < 4]");
            }
            1 => {
                let _ = write!(self.out, " len={n} {}", v4(data)?);
            }
            2 | 3 => {
                let _ = write!(self.out, " len={n} ");
                for i in 0..n {
                    print_char(self.out, u8_at(b, data + i)?);
                }
            }
            4 | 7 if n < 8 => {
                let _ = write!(self.out, " len={n} [bad: < 8]");
            }
            4 => {
                let m = bytes_at(b, data + 4, 4)?;
                let _ = write!(
                    self.out,
                    " len={n} {}/{}.{}.{}.{}",
                    v4(data)?,
                    m[0],
                    m[1],
                    m[2],
                    m[3]
                );
            }
            7 => {
                let _ = write!(self.out, " len={n} {}-{}", v4(data)?, v4(data + 4)?);
            }
            5 if n < 16 => {
                let _ = write!(self.out, " len={n} [bad: < 16]");
            }
            5 => {
                let _ = write!(self.out, " len={n} {}", v6(data)?);
            }
            6 | 8 if n < 32 => {
                let _ = write!(self.out, " len={n} [bad: < 32]");
            }
            6 => {
                let a = v6(data)?;
                let _ = write!(self.out, " len={n} {a}/0x");
                for c in bytes_at(b, data + 16, 16)? {
                    let _ = write!(self.out, "{c:02x}");
                }
            }
            8 => {
                let _ = write!(self.out, " len={n} {}-{}", v6(data)?, v6(data + 16)?);
            }
            _ => return Ok(()),
        }
        *len = 0;
        Ok(())
    }

    fn v1_cert(&mut self, ext: usize, item_len: usize, np: u8) -> Get<Option<usize>> {
        let _ = write!(self.out, "{}:", npstr(np));
        if !self.ok(ext, 6) {
            return self.trunc(np);
        }
        let _ = write!(self.out, " len={}", item_len - 4);
        let enc = u32::from(u8_at(self.b, ext + 4)?);
        let _ = write!(self.out, " type={}", str_or_id(CERT, enc));
        if self.verbose > 2 && item_len > 4 {
            self.s(" ");
            if !self.raw(ext + 4, item_len - 4) {
                return self.trunc(np);
            }
        }
        Ok(Some(ext + item_len))
    }

    fn v1_nonce(&mut self, ext: usize, item_len: usize) -> Get<Option<usize>> {
        self.s("nonce:");
        if !self.ok(ext, 4) {
            return self.trunc(NP_NONCE);
        }
        let _ = write!(self.out, " n len={}", item_len - 4);
        if item_len > 4 {
            if self.verbose > 2 {
                self.s(" ");
                if !self.raw(ext + 4, item_len - 4) {
                    return self.trunc(NP_NONCE);
                }
            } else if self.verbose > 1 {
                self.s(" ");
                if !self.somedata(ext + 4) {
                    return self.trunc(NP_NONCE);
                }
            }
        }
        Ok(Some(ext + item_len))
    }

    fn v1_n(&mut self, ext: usize, item_len: usize) -> Get<Option<usize>> {
        self.s("n:");
        if !self.ok(ext, 12) {
            return self.trunc(NP_N);
        }
        let b = self.b;
        let doi = be32_at(b, ext + 4)?;
        let proto = u32::from(u8_at(b, ext + 8)?);
        if doi != 1 {
            let _ = write!(self.out, " doi={doi} proto={proto}");
            let ty = u32::from(be16_at(b, ext + 10)?);
            let name = match ty {
                0..=8191 => str_or_id(NOTIFY_ERROR, ty),
                16384..=24575 => str_or_id(NOTIFY_STATUS, ty - 16384),
                _ => format!("#{ty}"),
            };
            let _ = write!(self.out, " type={name}");
            let spi_size = usize::from(u8_at(b, ext + 9)?);
            if spi_size != 0 {
                self.s(" spi=");
                if !self.raw(ext + 12, spi_size) {
                    return self.trunc(NP_N);
                }
            }
            return Ok(Some(ext + 12 + spi_size));
        }
        let _ = write!(self.out, " doi=ipsec proto={}", str_or_id(PROTOID, proto));
        let ty = u32::from(be16_at(b, ext + 10)?);
        let name = match ty {
            0..=8191 => str_or_id(NOTIFY_ERROR, ty),
            8192..=16383 => str_or_id(IPSEC_NOTIFY_ERROR, ty - 8192),
            16384..=24575 => str_or_id(NOTIFY_STATUS, ty - 16384),
            24576..=32767 => str_or_id(IPSEC_NOTIFY_STATUS, ty - 24576),
            _ => format!("#{ty}"),
        };
        let _ = write!(self.out, " type={name}");
        let spi_size = usize::from(u8_at(b, ext + 9)?);
        if spi_size != 0 {
            self.s(" spi=");
            if !self.raw(ext + 12, spi_size) {
                return self.trunc(NP_N);
            }
        }
        let mut cp = ext + 12 + spi_size;
        let ep2 = ext + item_len;
        if cp < self.ep() {
            match ty {
                24576 => {
                    self.s(" attrs=(");
                    while cp < self.ep() && cp < ep2 {
                        match self.attr(cp, ep2, Some(OAKLEY_T_MAP))? {
                            Some(next) => cp = next,
                            None => {
                                self.s(")");
                                return self.trunc(NP_N);
                            }
                        }
                    }
                    self.s(")");
                }
                24577 => {
                    self.s(" status=(");
                    let on = be32_at(b, cp)? != 0;
                    let _ = write!(
                        self.out,
                        "replay detection {}abled)",
                        if on { "en" } else { "dis" }
                    );
                }
                _ if self.verbose > 3 => {
                    self.s(" data=(");
                    if !self.raw(cp, self.ep() - cp) {
                        return self.trunc(NP_N);
                    }
                    self.s(")");
                }
                _ => {
                    if !self.somedata(cp) {
                        return self.trunc(NP_N);
                    }
                }
            }
        }
        Ok(Some(ext + item_len))
    }

    fn v1_d(&mut self, ext: usize) -> Get<Option<usize>> {
        self.s("d:");
        if !self.ok(ext, 12) {
            return self.trunc(NP_D);
        }
        let b = self.b;
        let doi = be32_at(b, ext + 4)?;
        let proto = u32::from(u8_at(b, ext + 8)?);
        if doi != 1 {
            let _ = write!(self.out, " doi={doi} proto={proto}");
        } else {
            let _ = write!(self.out, " doi=ipsec proto={}", str_or_id(PROTOID, proto));
        }
        let spi_size = usize::from(u8_at(b, ext + 9)?);
        let num_spi = be16_at(b, ext + 10)?;
        let _ = write!(self.out, " spilen={spi_size} nspi={num_spi} spi=");
        let mut q = ext + 12;
        for i in 0..num_spi {
            if i != 0 {
                self.s(",");
            }
            if !self.raw(q, spi_size) {
                return self.trunc(NP_D);
            }
            q += spi_size;
        }
        Ok(Some(q))
    }

    /// `ike_sub0_print`.
    fn v1_sub0(
        &mut self,
        np: u8,
        ext: usize,
        phase: u32,
        doi: u32,
        proto: u32,
        depth: usize,
    ) -> Get<Option<usize>> {
        if !self.ok(ext, 4) {
            self.s(" [|isakmp]");
            return Ok(None);
        }
        let item_len = usize::from(be16_at(self.b, ext + 2)?);
        if item_len <= 4 {
            return Ok(None);
        }
        match np {
            NP_SA => self.v1_sa(ext, phase, proto, depth),
            NP_P => self.v1_p(ext, phase, doi, depth),
            NP_T => self.v1_t(ext, item_len, proto),
            NP_KE => self.v1_len_hex(ext, item_len, NP_KE, " key len="),
            NP_ID => self.v1_id(ext, item_len, phase),
            NP_CERT | NP_CR => self.v1_cert(ext, item_len, np),
            NP_HASH | NP_SIG | NP_VID => self.v1_len_hex(ext, item_len, np, " len="),
            NP_NONCE => self.v1_nonce(ext, item_len),
            NP_N => self.v1_n(ext, item_len),
            NP_D => self.v1_d(ext),
            33..=45 | 47 | 48 => self.v2_payload(np, ext, item_len, depth),
            _ => {
                self.s(&npstr(np));
                Ok(Some(ext + item_len))
            }
        }
    }

    /// `ikev1_sub_print`: a chain of payloads from `ext`, each naming the next.
    fn v1_sub(
        &mut self,
        mut np: u8,
        mut ext: usize,
        phase: u32,
        doi: u32,
        proto: u32,
        mut depth: usize,
    ) -> Get<Option<usize>> {
        let mut cp = Some(ext);
        while np != 0 {
            if !self.ok(ext, 4) {
                return self.trunc(np);
            }
            let item_len = usize::from(be16_at(self.b, ext + 2)?);
            if !self.ok(ext, item_len) {
                return self.trunc(np);
            }
            depth += 1;
            self.indent(depth);
            cp = self.v1_sub0(np, ext, phase, doi, proto, depth)?;
            self.s(")");
            depth -= 1;
            let Some(next) = cp else {
                return Ok(None);
            };
            np = u8_at(self.b, ext)?;
            ext = next;
        }
        Ok(cp)
    }

    // ---- IKEv2 ----

    fn pay(&mut self, name: &str, critical: u8) {
        let _ = write!(
            self.out,
            "{name}{}:",
            if critical & 0x80 != 0 { "[C]" } else { "" }
        );
    }

    /// `ikev2_gen_print`.
    fn v2_gen(&mut self, tpay: u8, ext: usize, item_len: usize) -> Get<Option<usize>> {
        if !self.ok(ext, 4) {
            return self.trunc(tpay);
        }
        self.pay(&npstr(tpay), u8_at(self.b, ext + 1)?);
        let _ = write!(self.out, " len={}", item_len - 4);
        if self.verbose > 2 && item_len > 4 {
            self.s(" ");
            if !self.raw(ext + 4, item_len - 4) {
                return self.trunc(tpay);
            }
        }
        Ok(Some(ext + item_len))
    }

    fn v2_t(&mut self, tcount: u32, ext: usize, item_len: usize) -> Get<Option<usize>> {
        if !self.ok(ext, 8) {
            return self.trunc(NP_T);
        }
        let b = self.b;
        self.pay("t", u8_at(b, ext + 1)?);
        let t_id = u32::from(be16_at(b, ext + 6)?);
        let t_type = u8_at(b, ext + 4)?;
        let mut map: Option<&[AttrMap]> = None;
        let idstr = match t_type {
            1 => {
                map = Some(ENCR_T_MAP);
                Some(str_or_id(ESP_P, t_id))
            }
            2 => Some(str_or_id(PRF_P, t_id)),
            3 => Some(str_or_id(INTEG_P, t_id)),
            4 => Some(str_or_id(DH_P, t_id)),
            5 => Some(str_or_id(ESN_P, t_id)),
            _ => None,
        };
        let ty = str_or_id(IKEV2_T_TYPE, u32::from(t_type));
        match idstr {
            Some(s) => {
                let _ = write!(self.out, " #{tcount} type={ty} id={s} ");
            }
            None => {
                let _ = write!(self.out, " #{tcount} type={ty} id={t_id} ");
            }
        }
        self.attrs(ext + 8, ext + item_len, map, NP_T)
    }

    /// `ikev2_p_print`: a proposal and its transforms.
    fn v2_p(&mut self, ext0: usize, oprop_length: usize, mut depth: usize) -> Get<Option<usize>> {
        if !self.ok(ext0, 8) {
            return self.trunc(NP_P);
        }
        let b = self.b;
        self.pay("p", u8_at(b, ext0 + 1)?);
        let mut prop_length = oprop_length - 4;
        let _ = write!(
            self.out,
            " #{} protoid={} transform={} len={oprop_length}",
            u8_at(b, ext0 + 4)?,
            str_or_id(PROTOID, u32::from(u8_at(b, ext0 + 5)?)),
            u8_at(b, ext0 + 7)?
        );
        let mut cp = ext0 + 8;
        let spi_size = usize::from(u8_at(b, ext0 + 6)?);
        // "toolong": skip the rest of the proposal.
        let toolong = |w: &mut Self, cp: usize, rest: usize| -> Get<Option<usize>> {
            w.s(" [|p]");
            Ok(Some(cp + rest))
        };
        if spi_size != 0 {
            if prop_length < spi_size {
                return toolong(self, cp, prop_length);
            }
            self.s(" spi=");
            if !self.raw(cp, spi_size) {
                return self.trunc(NP_P);
            }
            cp += spi_size;
            prop_length -= spi_size;
        }
        let mut tcount = 0;
        let mut np = NP_T;
        let mut ext = ext0;
        while np != 0 {
            tcount += 1;
            ext = cp;
            if prop_length < 4 {
                return toolong(self, cp, prop_length);
            }
            if !self.ok(ext, 4) {
                return self.trunc(NP_P);
            }
            let item_len = usize::from(be16_at(b, ext + 2)?);
            if item_len <= 4 {
                return self.trunc(NP_P);
            }
            if prop_length < item_len {
                return toolong(self, cp, prop_length);
            }
            if !self.ok(cp, item_len) {
                return self.trunc(NP_P);
            }
            depth += 1;
            self.indent(depth);
            if np == NP_T {
                match self.v2_t(tcount, ext, item_len)? {
                    Some(next) => cp = next,
                    None => return Ok(None),
                }
            } else {
                self.s(&npstr(np));
                cp += item_len;
            }
            self.s(")");
            depth -= 1;
            prop_length -= item_len;
            np = u8_at(b, ext)?;
        }
        let _ = ext;
        Ok(Some(cp))
    }

    /// `ikev2_sa_print`: the proposals of a security association.
    fn v2_sa(&mut self, tpay: u8, ext1: usize, mut depth: usize) -> Get<Option<usize>> {
        if !self.ok(ext1, 4) {
            return self.trunc(tpay);
        }
        let b = self.b;
        self.pay("sa", u8_at(b, ext1 + 1)?);
        let osa_length = usize::from(be16_at(b, ext1 + 2)?);
        let mut sa_length = osa_length.wrapping_sub(4);
        let _ = write!(self.out, " len={}", sa_length as u32);
        let mut cp = ext1 + 4;
        let mut pcount = 0;
        let mut np = NP_P;
        while np != 0 {
            pcount += 1;
            let ext = cp;
            if sa_length < 4 {
                let _ = write!(self.out, " [|{}]", npstr(tpay));
                return Ok(Some(cp + sa_length));
            }
            if !self.ok(ext, 4) {
                return self.trunc(tpay);
            }
            let item_len = usize::from(be16_at(b, ext + 2)?);
            if item_len <= 4 {
                return self.trunc(tpay);
            }
            if sa_length < item_len {
                let _ = write!(self.out, " [|{}]", npstr(tpay));
                return Ok(Some(cp + sa_length));
            }
            if !self.ok(cp, item_len) {
                return self.trunc(tpay);
            }
            depth += 1;
            self.indent(depth);
            if np == NP_P {
                match self.v2_p(ext, item_len, depth)? {
                    Some(next) => cp = next,
                    None => return Ok(None),
                }
            } else {
                self.s(&npstr(np));
                cp += item_len;
            }
            self.s(")");
            depth -= 1;
            sa_length -= item_len;
            np = u8_at(b, ext)?;
        }
        let _ = pcount;
        Ok(Some(cp))
    }

    fn v2_ke(&mut self, tpay: u8, ext: usize, item_len: usize) -> Get<Option<usize>> {
        if !self.ok(ext, 8) {
            return self.trunc(tpay);
        }
        let b = self.b;
        self.pay(&npstr(tpay), u8_at(b, ext + 1)?);
        if item_len < 8 {
            let _ = write!(self.out, " len={item_len} < 8");
            return Ok(Some(ext + item_len));
        }
        let group = u32::from(be16_at(b, ext + 4)?);
        let _ = write!(
            self.out,
            " len={} group={}",
            item_len - 8,
            str_or_id(DH_P, group)
        );
        if self.verbose > 2 && item_len > 8 {
            self.s(" ");
            if !self.raw(ext + 8, item_len - 8) {
                return self.trunc(tpay);
            }
        }
        Ok(Some(ext + item_len))
    }

    /// The printable characters of `n` bytes at `at`, others as dots.
    fn ascii(&mut self, at: usize, n: usize) -> Get<()> {
        for i in 0..n {
            let c = u8_at(self.b, at + i)?;
            self.out.push(if (0x20..0x7f).contains(&c) {
                char::from(c)
            } else {
                '.'
            });
        }
        Ok(())
    }

    fn v2_id(&mut self, tpay: u8, ext: usize, item_len: usize) -> Get<Option<usize>> {
        if !self.ok(ext, 8) {
            return self.trunc(tpay);
        }
        let b = self.b;
        self.pay(&npstr(tpay), u8_at(b, ext + 1)?);
        let _ = write!(self.out, " len={}", item_len - 4);
        if self.verbose > 2 && item_len > 4 {
            self.s(" ");
            if !self.raw(ext + 4, item_len - 4) {
                return self.trunc(tpay);
            }
        }
        // An unsigned subtraction in tcpdump: a short payload makes it huge.
        let idtype_len = (item_len as u32).wrapping_sub(8) as usize;
        let data = ext + 8;
        let (label, ascii) = match u8_at(b, ext + 4)? {
            1 => (" ipv4:", false),
            2 => (" fqdn:", true),
            3 => (" rfc822:", true),
            5 => (" ipv6:", false),
            9 => (" dn:", false),
            10 => (" gn:", false),
            11 => (" keyid:", false),
            _ => return Ok(Some(ext + item_len)),
        };
        self.s(label);
        if ascii {
            if !self.ok(data, idtype_len) {
                return self.trunc(tpay);
            }
            self.ascii(data, idtype_len)?;
        } else if !self.raw(data, idtype_len) {
            return self.trunc(tpay);
        }
        Ok(Some(ext + item_len))
    }

    fn v2_auth(&mut self, tpay: u8, ext: usize, item_len: usize) -> Get<Option<usize>> {
        if !self.ok(ext, 8) {
            return self.trunc(tpay);
        }
        let b = self.b;
        self.pay(&npstr(tpay), u8_at(b, ext + 1)?);
        let method = u32::from(u8_at(b, ext + 4)?);
        let _ = write!(
            self.out,
            " len={} method={}",
            item_len - 4,
            str_or_id(V2_AUTH, method)
        );
        if item_len > 4 {
            if self.verbose > 1 {
                self.s(" authdata=(");
                let n = (item_len as u32).wrapping_sub(8) as usize;
                if !self.raw(ext + 8, n) {
                    return self.trunc(tpay);
                }
                self.s(") ");
            } else if self.verbose > 0 && !self.somedata(ext + 8) {
                return self.trunc(tpay);
            }
        }
        Ok(Some(ext + item_len))
    }

    fn v2_nonce(&mut self, tpay: u8, ext: usize, item_len: usize) -> Get<Option<usize>> {
        if !self.ok(ext, 4) {
            return self.trunc(tpay);
        }
        self.pay("nonce", u8_at(self.b, ext + 1)?);
        let _ = write!(self.out, " len={}", item_len - 4);
        if self.verbose > 1 && item_len > 4 {
            self.s(" nonce=(");
            if !self.raw(ext + 4, item_len - 4) {
                return self.trunc(tpay);
            }
            self.s(") ");
        } else if self.verbose > 0 && item_len > 4 && !self.somedata(ext + 4) {
            return self.trunc(tpay);
        }
        Ok(Some(ext + item_len))
    }

    fn v2_n(&mut self, ext: usize, item_len: usize) -> Get<Option<usize>> {
        if !self.ok(ext, 8) {
            return self.trunc(NP_N);
        }
        let b = self.b;
        self.pay("n", u8_at(b, ext + 1)?);
        let prot = u32::from(u8_at(b, ext + 4)?);
        let _ = write!(self.out, " prot_id={}", str_or_id(PROTOID, prot));
        let ty = be16_at(b, ext + 6)?;
        let (name, showspi, somedata) = match ty {
            1 => ("unsupported_critical_payload", false, false),
            4 => ("invalid_ike_spi", true, false),
            5 => ("invalid_major_version", false, false),
            7 => ("invalid_syntax", true, false),
            9 => ("invalid_message_id", true, false),
            11 => ("invalid_spi", true, false),
            14 => ("no_protocol_chosen", true, false),
            17 => ("invalid_ke_payload", true, false),
            24 => ("authentication_failed", true, false),
            34 => ("single_pair_required", true, false),
            35 => ("no_additional_sas", false, false),
            36 => ("internal_address_failure", false, false),
            37 => ("failed:cp_required", false, false),
            39 => ("invalid_selectors", false, false),
            16384 => ("initial_contact", false, false),
            16385 => ("set_window_size", false, false),
            16386 => ("additional_ts_possible", false, false),
            16387 => ("ipcomp_supported", false, false),
            16388 => ("nat_detection_source_ip", true, false),
            16389 => ("nat_detection_destination_ip", true, false),
            16390 => ("cookie", true, true),
            16391 => ("use_transport_mode", false, false),
            16392 => ("http_cert_lookup_supported", false, false),
            16393 => ("rekey_sa", true, false),
            16394 => ("tfc_padding_not_supported", false, false),
            16395 => ("non_first_fragment_also", false, false),
            0..=8191 => ("error", true, false),
            8192..=16383 => ("private-error", true, false),
            40960.. => ("private-status", true, false),
            _ => ("status", true, false),
        };
        let _ = write!(self.out, " type={ty}({name})");
        let spi_size = usize::from(u8_at(b, ext + 5)?);
        if showspi && spi_size != 0 {
            self.s(" spi=");
            if !self.raw(ext + 8, spi_size) {
                return self.trunc(NP_N);
            }
        }
        let cp = ext + 8 + spi_size;
        let ep = self.ep();
        if cp < ep {
            if self.verbose > 3 || (somedata && ep - cp < 30) {
                self.s(" data=(");
                if !self.raw(cp, ep - cp) {
                    return self.trunc(NP_N);
                }
                self.s(")");
            } else if somedata && !self.somedata(cp) {
                return self.trunc(NP_N);
            }
        }
        Ok(Some(ext + item_len))
    }

    fn v2_vid(&mut self, tpay: u8, ext: usize, item_len: usize) -> Get<Option<usize>> {
        if !self.ok(ext, 4) {
            return self.trunc(tpay);
        }
        self.pay(&npstr(tpay), u8_at(self.b, ext + 1)?);
        let len = item_len - 4;
        let _ = write!(self.out, " len={len} vid=");
        if !self.ok(ext + 4, len) {
            return self.trunc(tpay);
        }
        self.ascii(ext + 4, len)?;
        if self.verbose > 2 && len > 4 {
            self.s(" ");
            if !self.raw(ext + 4, len) {
                return self.trunc(tpay);
            }
        }
        Ok(Some(ext + item_len))
    }

    /// `ikev2_e_print` without keys: the encrypted payload's length (and bytes with
    /// `-vvv`); it is always the last payload.
    fn v2_e(&mut self, tpay: u8, ext: usize, item_len: usize) -> Get<Option<usize>> {
        if !self.ok(ext, 4) {
            return self.trunc(tpay);
        }
        self.pay(&npstr(tpay), u8_at(self.b, ext + 1)?);
        let dlen = item_len - 4;
        let _ = write!(self.out, " len={dlen}");
        if self.verbose > 2 && dlen > 4 {
            self.s(" ");
            if !self.raw(ext + 4, dlen) {
                return self.trunc(tpay);
            }
        }
        if !self.ok(ext + 4, dlen) {
            return self.trunc(tpay);
        }
        Ok(None)
    }

    /// The IKEv2 entries of tcpdump's `npfunc` table.
    fn v2_payload(
        &mut self,
        np: u8,
        ext: usize,
        item_len: usize,
        depth: usize,
    ) -> Get<Option<usize>> {
        match np {
            33 => self.v2_sa(np, ext, depth),
            34 => self.v2_ke(np, ext, item_len),
            35 | 36 => self.v2_id(np, ext, item_len),
            39 => self.v2_auth(np, ext, item_len),
            40 => self.v2_nonce(np, ext, item_len),
            41 => self.v2_n(ext, item_len),
            43 => self.v2_vid(np, ext, item_len),
            _ => self.v2_gen(np, ext, item_len),
        }
    }

    /// `ikev2_sub0_print`.
    fn v2_sub0(&mut self, np: u8, ext: usize, phase: u32, depth: usize) -> Get<Option<usize>> {
        if !self.ok(ext, 4) {
            self.s(" [|isakmp]");
            return Ok(None);
        }
        let item_len = usize::from(be16_at(self.b, ext + 2)?);
        if item_len <= 4 {
            return Ok(None);
        }
        match np {
            NP_V2E => self.v2_e(np, ext, item_len),
            1..=13 => self.v1_sub0(np, ext, phase, 0, 0, depth),
            33..=45 | 47 | 48 => self.v2_payload(np, ext, item_len, depth),
            _ => {
                self.s(&npstr(np));
                Ok(Some(ext + item_len))
            }
        }
    }

    /// `ikev2_sub_print`.
    fn v2_sub(&mut self, mut np: u8, mut ext: usize, phase: u32) -> Get<Option<usize>> {
        let mut cp = Some(ext);
        let depth = 0;
        while np != 0 {
            if !self.ok(ext, 4) {
                return self.trunc(np);
            }
            let len = usize::from(be16_at(self.b, ext + 2)?);
            if !self.ok(ext, len) {
                return self.trunc(np);
            }
            self.indent(depth + 1);
            cp = self.v2_sub0(np, ext, phase, depth + 1)?;
            self.s(")");
            let Some(next) = cp else {
                return Ok(None);
            };
            np = u8_at(self.b, ext)?;
            ext = next;
        }
        Ok(cp)
    }
}

impl Dissector {
    /// An ISAKMP message on UDP 500 (`length`: the UDP payload's length).
    pub(super) fn isakmp(&mut self, out: &mut String, ip: &Ip, b: &[u8], length: u32) {
        let res = self.isakmp_message(out, ip, b, length);
        self.app_end(out, "isakmp", res);
    }

    /// What UDP 4500 carries (RFC 3948): a NAT keep-alive, IKE after the non-ESP marker, or
    /// ESP.
    pub(super) fn isakmp_natt(&mut self, out: &mut String, ip: &Ip, b: &[u8], length: u32) {
        if length == 1 {
            match b.first() {
                None => return self.app_end(out, "isakmp_rfc3948", Err(Cut)),
                Some(0xff) => {
                    out.push_str("isakmp-nat-keep-alive");
                    return;
                }
                Some(_) => {}
            }
        }
        if length < 4 {
            out.push_str(" [|isakmp_rfc3948]");
            return;
        }
        let marker = b.get(..4);
        match marker {
            None => self.app_end(out, "isakmp_rfc3948", Err(Cut)),
            Some([0, 0, 0, 0]) => {
                out.push_str("NONESP-encap: ");
                self.isakmp(out, ip, &b[4..], length - 4);
            }
            Some(_) => {
                out.push_str("UDP-encap: ");
                self.esp(out, b, length);
            }
        }
    }

    /// tcpdump's `isakmp_print`.
    fn isakmp_message(&mut self, out: &mut String, ip: &Ip, b: &[u8], length: u32) -> Get<()> {
        if b.len() < HEADER_LEN {
            out.push_str(" [|isakmp]");
            return Ok(());
        }
        let verbose = self.opts.verbose;
        out.push_str("isakmp");
        let vers = u8_at(b, 17)?;
        let (major, minor) = (vers >> 4, vers & 0x0f);
        if verbose > 0 {
            let _ = write!(out, " {major}.{minor} msgid ");
            for c in bytes_at(b, 20, 4)? {
                let _ = write!(out, "{c:02x}");
            }
        }
        if verbose > 1 {
            out.push_str(" cookie ");
            for c in bytes_at(b, 0, 8)? {
                let _ = write!(out, "{c:02x}");
            }
            out.push_str("->");
            for c in bytes_at(b, 8, 8)? {
                let _ = write!(out, "{c:02x}");
            }
        }
        out.push(':');
        match major {
            1 => self.ikev1(out, ip, b, length),
            2 => ikev2(out, verbose, b, length),
            _ => Ok(()),
        }
    }

    fn ikev1(&mut self, out: &mut String, ip: &Ip, b: &[u8], length: u32) -> Get<()> {
        let verbose = self.opts.verbose;
        let phase = if be32_at(b, 20)? == 0 { 1 } else { 2 };
        if phase == 1 {
            out.push_str(" phase 1");
        } else {
            out.push_str(" phase 2/others");
        }
        let i_ck = bytes_at(b, 0, 8)?;
        let addrs = &ip.info.addrs;
        match self.isakmp_cookies.find(i_ck) {
            None => {
                if bytes_at(b, 8, 8)?.iter().all(|&c| c == 0) {
                    out.push_str(" I");
                    self.isakmp_cookies.record(i_ck, addrs);
                } else {
                    out.push_str(" ?");
                }
            }
            Some(i) => {
                if self.isakmp_cookies.side(i, addrs, true) {
                    out.push_str(" I");
                } else if self.isakmp_cookies.side(i, addrs, false) {
                    out.push_str(" R");
                } else {
                    out.push_str(" ?");
                }
            }
        }
        let _ = write!(out, " {}", str_or_id(ETYPE, u32::from(u8_at(b, 18)?)));
        let flags = u8_at(b, 19)?;
        if flags != 0 {
            let _ = write!(
                out,
                "[{}{}]",
                if flags & FLAG_E != 0 { "E" } else { "" },
                if flags & FLAG_C != 0 { "C" } else { "" }
            );
        }
        if verbose > 0 {
            out.push(':');
            let np = u8_at(b, 16)?;
            if flags & FLAG_E != 0 {
                let _ = write!(out, " [encrypted {}]", npstr(np));
            } else {
                let mut w = Walk { out, b, verbose };
                w.v1_sub(np, HEADER_LEN, phase, 0, 0, 0)?;
            }
            len_mismatch(out, b, length)?;
        }
        Ok(())
    }
}

fn ikev2(out: &mut String, verbose: u8, b: &[u8], length: u32) -> Get<()> {
    let phase = if be32_at(b, 20)? == 0 { 1 } else { 2 };
    out.push_str(if phase == 1 {
        " parent_sa"
    } else {
        " child_sa "
    });
    let _ = write!(out, " {}", str_or_id(ETYPE, u32::from(u8_at(b, 18)?)));
    let flags = u8_at(b, 19)?;
    if flags != 0 {
        let _ = write!(
            out,
            "[{}{}{}]",
            if flags & FLAG_I != 0 { "I" } else { "" },
            if flags & FLAG_V != 0 { "V" } else { "" },
            if flags & FLAG_R != 0 { "R" } else { "" }
        );
    }
    if verbose > 0 {
        out.push(':');
        let np = u8_at(b, 16)?;
        if flags & FLAG_E != 0 {
            let _ = write!(out, " [encrypted {}]", npstr(np));
        } else {
            let mut w = Walk { out, b, verbose };
            w.v2_sub(np, HEADER_LEN, phase)?;
        }
        len_mismatch(out, b, length)?;
    }
    Ok(())
}

fn len_mismatch(out: &mut String, b: &[u8], length: u32) -> Get<()> {
    let len = be32_at(b, 24)?;
    if len != length {
        let _ = write!(out, " (len mismatch: isakmp {len}/ip {length})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::decode::IpInfo;

    fn ip(src: [u8; 4], dst: [u8; 4]) -> Ip {
        Ip {
            info: IpInfo {
                addrs: Addrs::V4(Ipv4Addr::from(src), Ipv4Addr::from(dst)),
                length: 0,
                fragmented: false,
            },
            addrs_printed: false,
            final_dst: None,
            ttl: 64,
        }
    }

    /// An IKEv1 header (initiator cookie all `ck`, responder cookie all `rck`) and
    /// payloads.
    fn v1(ck: u8, rck: u8, np: u8, payloads: &[u8]) -> Vec<u8> {
        let mut m = vec![ck; 8];
        m.extend([rck; 8]);
        m.extend([np, 0x10, 2, 0, 0, 0, 0, 0]);
        m.extend(((28 + payloads.len()) as u32).to_be_bytes());
        m.extend_from_slice(payloads);
        m
    }

    fn text(d: &mut Dissector, ip: &Ip, m: &[u8]) -> String {
        let mut out = String::new();
        d.isakmp(&mut out, ip, m, m.len() as u32);
        out
    }

    #[test]
    fn initiator_and_responder_by_remembered_cookie() {
        let mut d = Dissector::new(super::super::Options {
            verbose: 1,
            ..Default::default()
        });
        let (a, b) = ([198, 18, 0, 1], [198, 18, 0, 2]);
        let vid = [0, 0, 0, 8, 1, 2, 3, 4];
        let first = v1(7, 0, 13, &vid);
        let reply = v1(7, 9, 13, &vid);
        assert_eq!(
            text(&mut d, &ip(a, b), &first),
            "isakmp 1.0 msgid 00000000: phase 1 I ident:\n    (vid: len=4)"
        );
        assert!(text(&mut d, &ip(b, a), &reply).contains("phase 1 R ident"));
        assert!(text(&mut d, &ip(a, b), &reply).contains("phase 1 I ident"));
        // A reply whose exchange was never seen, and an all-zero cookie, which matches a
        // slot never filled (as in tcpdump's zeroed table) of no IP version.
        assert!(text(&mut d, &ip(a, b), &v1(8, 9, 0, &[])).contains("phase 1 ? ident"));
        assert!(text(&mut d, &ip(a, b), &v1(0, 9, 0, &[])).contains("phase 1 ? ident"));
    }

    #[test]
    fn cut_messages_never_panic_and_say_where() {
        let sa = [
            0, 0, 0, 36, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 24, 1, 1, 0, 1, 0, 0, 0, 16, 1, 1, 0, 0,
            0x80, 1, 0, 7, 0x80, 14, 0, 128,
        ];
        let m = v1(1, 0, 1, &sa);
        for verbose in 0..5 {
            let mut d = Dissector::new(super::super::Options {
                verbose,
                ..Default::default()
            });
            for k in 0..m.len() {
                let t = text(&mut d, &ip([1, 1, 1, 1], [2, 2, 2, 2]), &m[..k]);
                assert!(k >= HEADER_LEN || t == " [|isakmp]", "{t}");
            }
            let whole = text(&mut d, &ip([1, 1, 1, 1], [2, 2, 2, 2]), &m);
            if verbose > 0 {
                assert!(
                    whole
                        .ends_with("(t: #1 id=ike (type=enc value=aes)(type=keylen value=0080))))"),
                    "{whole}"
                );
            }
        }
    }

    #[test]
    fn nat_traversal() {
        let mut d = Dissector::new(super::super::Options::default());
        let ip = ip([1, 1, 1, 1], [2, 2, 2, 2]);
        let mut out = String::new();
        d.isakmp_natt(&mut out, &ip, &[0xff], 1);
        d.isakmp_natt(&mut out, &ip, &[1, 2, 3], 3);
        out.push('|');
        d.isakmp_natt(&mut out, &ip, &[0, 0, 0, 1, 0, 0, 0, 2, 3], 9);
        assert_eq!(
            out,
            "isakmp-nat-keep-alive [|isakmp_rfc3948]|UDP-encap: ESP(spi=0x00000001,seq=0x2), length 9"
        );
        assert_eq!(str_or_id(ETYPE, 6), "#6");
        assert_eq!(npstr(46), "v2e");
    }
}
