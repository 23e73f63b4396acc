//! TLS handshake hellos (RFC 8446 §4.1.2/§4.1.3, RFC 5246): what `--json` reports of a
//! ClientHello (SNI, ALPN, offered versions) or a ServerHello (chosen version, cipher
//! suite, ALPN) at the start of a TCP payload, or in a QUIC Initial's CRYPTO data.
//!
//! tcpdump 4.99 prints nothing of TLS, so no text printer reads this: it is decoded only for
//! JSON (`print/json.rs`), for payloads no registered decoder took. A small lax parser and
//! not `tls-parser`: a ClientHello cut by the snap length or split across TCP segments (a
//! post-quantum key share makes it ~1.8 KB) must still give what its captured bytes hold,
//! where `tls-parser` answers "incomplete" for the whole record.

/// TLS record content type "handshake".
pub const CONTENT_HANDSHAKE: u8 = 22;
/// Handshake message types.
pub const CLIENT_HELLO: u8 = 1;
pub const SERVER_HELLO: u8 = 2;

/// Extension numbers read here.
const EXT_SERVER_NAME: u16 = 0;
const EXT_ALPN: u16 = 16;
const EXT_SUPPORTED_VERSIONS: u16 = 43;

/// A TLS record header that starts a TCP payload, and the hello inside it (when the record
/// holds one, as far as captured).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The record layer's version (0x0301 in most ClientHellos, whatever they offer).
    pub version: u16,
    /// The record's length field.
    pub length: u16,
    pub hello: Option<Hello>,
}

/// Which hello, and what it says. Lists hold what was captured; `complete` says whether the
/// whole handshake message was.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hello {
    /// [`CLIENT_HELLO`] or [`SERVER_HELLO`].
    pub kind: u8,
    /// The hello's legacy_version field.
    pub legacy_version: Option<u16>,
    /// server_name's host_name (ClientHello).
    pub sni: Option<String>,
    /// ALPN protocol names: offered (ClientHello) or chosen (ServerHello, TLS 1.2).
    pub alpn: Vec<String>,
    /// supported_versions: the offered list (ClientHello, GREASE values left out) or the
    /// chosen one (ServerHello); empty without the extension.
    pub supported_versions: Vec<u16>,
    /// How many cipher suites the ClientHello offers (its list's length / 2).
    pub cipher_suites: Option<usize>,
    /// The suite the ServerHello chose.
    pub cipher_suite: Option<u16>,
    /// The whole handshake message was captured.
    pub complete: bool,
}

impl Hello {
    /// The versions offered (ClientHello) or chosen (ServerHello): supported_versions when
    /// present, else the legacy version.
    pub fn versions(&self) -> Vec<u16> {
        if self.supported_versions.is_empty() {
            self.legacy_version.into_iter().collect()
        } else {
            self.supported_versions.clone()
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            CLIENT_HELLO => "client_hello",
            _ => "server_hello",
        }
    }
}

/// True when `b` starts like a TLS handshake record: content type 22, version 3.0 to 3.4
/// (SSL 3.0 to what TLS 1.3 would say), and all five header bytes captured.
pub fn looks_like_handshake(b: &[u8]) -> bool {
    matches!(b, [CONTENT_HANDSHAKE, 3, 0..=4, _, _, ..])
}

/// The handshake record at the start of a TCP payload; None when it does not look like one
/// (see [`looks_like_handshake`]) or its length is beyond a record's (2^14 + 2048).
pub fn record(b: &[u8]) -> Option<Record> {
    if !looks_like_handshake(b) {
        return None;
    }
    let version = u16::from_be_bytes([b[1], b[2]]);
    let length = u16::from_be_bytes([b[3], b[4]]);
    if length == 0 || usize::from(length) > (1 << 14) + 2048 {
        return None;
    }
    let body = &b[5..];
    let body = &body[..body.len().min(usize::from(length))];
    Some(Record {
        version,
        length,
        hello: hello(body),
    })
}

/// A ClientHello or ServerHello handshake message (type, 24-bit length, body) as far as `b`
/// holds it; None when `b` starts with another handshake type or not even its type.
pub fn hello(b: &[u8]) -> Option<Hello> {
    let kind = *b.first()?;
    if kind != CLIENT_HELLO && kind != SERVER_HELLO {
        return None;
    }
    let mut h = Hello {
        kind,
        ..Hello::default()
    };
    let Some(len) = b.get(1..4) else {
        return Some(h);
    };
    let len = usize::from(len[0]) << 16 | usize::from(len[1]) << 8 | usize::from(len[2]);
    let body = &b[4..];
    h.complete = body.len() >= len;
    let mut r = Reader(&body[..body.len().min(len)]);
    // Anything missing from here on ends the walk with what was read.
    let _ = if kind == CLIENT_HELLO {
        client_hello(&mut r, &mut h)
    } else {
        server_hello(&mut r, &mut h)
    };
    Some(h)
}

fn client_hello(r: &mut Reader<'_>, h: &mut Hello) -> Option<()> {
    h.legacy_version = Some(r.u16()?);
    r.skip(32)?; // random
    let sid = r.u8()?;
    r.skip(usize::from(sid))?;
    let suites = r.u16()?;
    h.cipher_suites = Some(usize::from(suites) / 2);
    r.skip(usize::from(suites))?;
    let comp = r.u8()?;
    r.skip(usize::from(comp))?;
    extensions(r, h)
}

fn server_hello(r: &mut Reader<'_>, h: &mut Hello) -> Option<()> {
    h.legacy_version = Some(r.u16()?);
    r.skip(32)?;
    let sid = r.u8()?;
    r.skip(usize::from(sid))?;
    h.cipher_suite = Some(r.u16()?);
    r.skip(1)?; // compression method
    extensions(r, h)
}

/// The extension block: the ones read here fill `h`, each parsed from its captured part.
fn extensions(r: &mut Reader<'_>, h: &mut Hello) -> Option<()> {
    let total = usize::from(r.u16()?);
    let mut r = Reader(r.take_lax(total));
    loop {
        let kind = r.u16()?;
        let len = usize::from(r.u16()?);
        let mut e = Reader(r.take_lax(len));
        match kind {
            EXT_SERVER_NAME if h.kind == CLIENT_HELLO => h.sni = server_name(&mut e),
            EXT_ALPN => h.alpn = alpn(&mut e),
            EXT_SUPPORTED_VERSIONS if h.kind == CLIENT_HELLO => {
                let n = e.u8().map_or(0, usize::from);
                let mut l = Reader(e.take_lax(n));
                while let Some(v) = l.u16() {
                    if !is_grease(v) {
                        h.supported_versions.push(v);
                    }
                }
            }
            EXT_SUPPORTED_VERSIONS => h.supported_versions.extend(e.u16()),
            _ => {}
        }
    }
}

/// The first host_name in a server_name list (RFC 6066 §3), whole.
fn server_name(e: &mut Reader<'_>) -> Option<String> {
    let n = usize::from(e.u16()?);
    let mut l = Reader(e.take_lax(n));
    loop {
        let kind = l.u8()?;
        let len = usize::from(l.u16()?);
        let name = l.take(len)?;
        if kind == 0 {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
    }
}

/// The protocol names of an ALPN list (RFC 7301 §3.1) that were captured whole.
fn alpn(e: &mut Reader<'_>) -> Vec<String> {
    let n = e.u16().map_or(0, usize::from);
    let mut l = Reader(e.take_lax(n));
    let mut names = Vec::new();
    while let Some(len) = l.u8() {
        match l.take(usize::from(len)) {
            Some(name) => names.push(String::from_utf8_lossy(name).into_owned()),
            None => break,
        }
    }
    names
}

/// RFC 8701's reserved values (0x0a0a, 0x1a1a, ..., 0xfafa), which clients offer to keep
/// servers tolerant and which mean nothing.
fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 12 == (v >> 4) & 0xf
}

/// A version's name ("TLS 1.3"), or its number in hex for drafts and unknown ones.
pub fn version_name(v: u16) -> String {
    match v {
        0x0300 => "SSL 3.0".into(),
        0x0301 => "TLS 1.0".into(),
        0x0302 => "TLS 1.1".into(),
        0x0303 => "TLS 1.2".into(),
        0x0304 => "TLS 1.3".into(),
        _ => format!("0x{v:04x}"),
    }
}

/// A cursor over captured bytes: every read is checked and None past the end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    /// Up to `n` bytes: what was captured of a field cut short.
    fn take_lax(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }

    fn skip(&mut self, n: usize) -> Option<()> {
        self.take(n).map(|_| ())
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
}

/// Builders for tests here and in `quic.rs`.
#[cfg(test)]
pub(crate) mod build {
    fn vec16(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    fn ext(kind: u16, body: &[u8]) -> Vec<u8> {
        let mut v = kind.to_be_bytes().to_vec();
        v.extend(vec16(body));
        v
    }

    /// A ClientHello handshake message (no record header) for `sni`, offering `alpn`,
    /// TLS 1.3 and 1.2 (after a GREASE value) and three cipher suites.
    pub fn client_hello(sni: &str, alpn: &[&str]) -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend([0x5a; 32]);
        body.push(32);
        body.extend([0x11; 32]);
        body.extend(vec16(&[0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f]));
        body.extend([1, 0]);
        let mut exts = Vec::new();
        let mut names = vec![0];
        names.extend(vec16(sni.as_bytes()));
        exts.extend(ext(0, &vec16(&names)));
        exts.extend(ext(10, &vec16(&[0, 0x1d])));
        let mut protos = Vec::new();
        for p in alpn {
            protos.push(p.len() as u8);
            protos.extend(p.as_bytes());
        }
        exts.extend(ext(16, &vec16(&protos)));
        exts.extend(ext(43, &[6, 0x3a, 0x3a, 3, 4, 3, 3]));
        body.extend(vec16(&exts));
        let mut m = vec![1];
        m.extend(&(body.len() as u32).to_be_bytes()[1..]);
        m.extend(body);
        m
    }

    /// `msg` in one TLS handshake record (record version TLS 1.0).
    pub fn record(msg: &[u8]) -> Vec<u8> {
        let mut r = vec![22, 3, 1];
        r.extend(vec16(msg));
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_hello_fields() {
        let r = record(&build::record(&build::client_hello(
            "x.example.test",
            &["h2", "http/1.1"],
        )))
        .unwrap();
        assert_eq!(r.version, 0x0301);
        let h = r.hello.unwrap();
        assert_eq!(h.kind_name(), "client_hello");
        assert_eq!(h.sni.as_deref(), Some("x.example.test"));
        assert_eq!(h.alpn, ["h2", "http/1.1"]);
        assert_eq!(h.versions(), [0x0304, 0x0303]);
        assert_eq!(h.cipher_suites, Some(3));
        assert!(h.complete);
    }

    #[test]
    fn server_hello_chosen_version_and_suite() {
        let mut body = vec![3, 3];
        body.extend([0; 32]);
        body.extend([0, 0x13, 0x01, 0]);
        body.extend([0, 6, 0, 43, 0, 2, 3, 4]);
        let mut m = vec![2, 0, 0, body.len() as u8];
        m.extend(body);
        let h = hello(&m).unwrap();
        assert_eq!(
            (h.kind_name(), h.versions(), h.cipher_suite, h.complete),
            ("server_hello", vec![0x0304], Some(0x1301), true)
        );
    }

    /// Cut at every byte: no panic, and what was captured before the cut is reported.
    #[test]
    fn cut_anywhere() {
        let full = build::record(&build::client_hello("x.example.test", &["h2"]));
        let sni_end = full
            .windows(14)
            .position(|w| w == b"x.example.test")
            .unwrap()
            + 14;
        for n in 0..full.len() {
            let r = record(&full[..n]);
            assert_eq!(r.is_some(), n >= 5, "{n}");
            let Some(h) = r.and_then(|r| r.hello) else {
                continue;
            };
            assert!(!h.complete);
            assert_eq!(h.sni.is_some(), n >= sni_end, "{n}");
        }
    }

    #[test]
    fn not_a_handshake_record() {
        assert_eq!(record(&[23, 3, 3, 0, 5, 1]), None);
        assert_eq!(record(&[22, 3, 5, 0, 5, 1]), None);
        assert_eq!(record(&[22, 3, 1, 0xff, 0xff, 1]), None);
        // A handshake record whose message is not a hello: the record, no hello.
        let r = record(&[22, 3, 3, 0, 4, 11, 0, 0, 0]).unwrap();
        assert_eq!(r.hello, None);
    }

    #[test]
    fn grease_values() {
        assert!(is_grease(0x0a0a) && is_grease(0xfafa) && is_grease(0x3a3a));
        assert!(!is_grease(0x0304) && !is_grease(0x0a1a));
    }
}
