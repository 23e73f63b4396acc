//! QUIC Initial packets (RFC 9000 §17.2.2, v1; RFC 9369, v2): the long header, and the
//! ClientHello inside, for `--json`'s "which host is this connection for?".
//!
//! A client's Initial is encrypted with keys anyone can derive from its Destination
//! Connection ID and the version's public salt (RFC 9001 §5.2), so reading its SNI and ALPN
//! takes no secret: remove header protection (§5.4), open the AEAD (AES-128-GCM), walk the
//! frames and hand the CRYPTO data from offset 0 to `tls::hello`. CRYPTO frames of the one
//! packet are put together (browsers split and shuffle their ClientHello inside one
//! Initial); a ClientHello continued in a later datagram is reported as far as this one
//! holds it (no reassembly across packets). A server's Initial is keyed from the client's
//! original DCID, which its header does not carry, so only its header is reported.
//!
//! tcpdump 4.99 has no QUIC printer: this is decoded only for JSON, for UDP payloads no
//! registered decoder took.

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use aes_gcm::{
    aead::{Aead, Payload},
    Aes128Gcm,
};
use hkdf::Hkdf;
use sha2::Sha256;

use super::tls;

pub const VERSION_1: u32 = 1;
pub const VERSION_2: u32 = 0x6b33_43cf;

/// RFC 9001 §5.2.
const SALT_V1: [u8; 20] = [
    0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad,
    0xcc, 0xbb, 0x7f, 0x0a,
];
/// RFC 9369 §3.3.1.
const SALT_V2: [u8; 20] = [
    0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb,
    0xf9, 0xbd, 0x2e, 0xd9,
];

/// Connection IDs are at most 20 bytes in v1 and v2 (RFC 9000 §17.2).
const MAX_CID_LEN: usize = 20;

/// A QUIC long-header Initial packet, as far as captured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Initial<'a> {
    pub version: u32,
    pub dcid: &'a [u8],
    pub scid: &'a [u8],
    /// The payload was decrypted with the client's Initial keys (a client's Initial, whole
    /// in the capture).
    pub decrypted: bool,
    /// The hello at CRYPTO offset 0, when decrypted and present.
    pub hello: Option<tls::Hello>,
}

/// The version's Initial packet type (long-header type bits, RFC 9369 §3.2 swaps them).
fn initial_type(version: u32) -> Option<u8> {
    match version {
        VERSION_1 => Some(0),
        VERSION_2 => Some(1),
        _ => None,
    }
}

/// The Initial packet at the start of a UDP payload: None unless `b` starts a long header
/// with the fixed bit, a known version, the Initial type and connection IDs within limits,
/// all captured.
pub fn initial(b: &[u8]) -> Option<Initial<'_>> {
    let mut r = Reader(b);
    let first = r.u8()?;
    if first & 0xc0 != 0xc0 {
        return None;
    }
    let version = u32::from_be_bytes(r.take(4)?.try_into().ok()?);
    if (first >> 4) & 3 != initial_type(version)? {
        return None;
    }
    let dcid_len = usize::from(r.u8()?);
    let dcid = r.take(dcid_len).filter(|_| dcid_len <= MAX_CID_LEN)?;
    let scid_len = usize::from(r.u8()?);
    let scid = r.take(scid_len).filter(|_| scid_len <= MAX_CID_LEN)?;
    let mut init = Initial {
        version,
        dcid,
        scid,
        decrypted: false,
        hello: None,
    };
    let plain = (|| {
        let token_len = usize::try_from(r.varint()?).ok()?;
        r.take(token_len)?;
        let length = usize::try_from(r.varint()?).ok()?;
        let pn_offset = b.len() - r.0.len();
        let packet = b.get(..pn_offset.checked_add(length)?)?;
        open(version, dcid, packet, pn_offset)
    })();
    if let Some(plain) = plain {
        init.decrypted = true;
        init.hello = crypto_data(&plain).and_then(|c| tls::hello(&c));
    }
    Some(init)
}

/// Keys for one direction of a version's Initial packets.
struct Keys {
    key: [u8; 16],
    iv: [u8; 12],
    hp: [u8; 16],
}

/// HKDF-Expand-Label (RFC 8446 §7.1) with an empty context.
fn expand_label(secret: &Hkdf<Sha256>, label: &str, out: &mut [u8]) -> Option<()> {
    let len = u16::try_from(out.len()).ok()?;
    let full = [b"tls13 ", label.as_bytes()].concat();
    let mut info = len.to_be_bytes().to_vec();
    info.push(u8::try_from(full.len()).ok()?);
    info.extend(full);
    info.push(0);
    secret.expand(&info, out).ok()
}

/// The client's Initial keys for `version`, from the DCID of its first Initial.
fn client_keys(version: u32, dcid: &[u8]) -> Option<Keys> {
    let (salt, prefix) = match version {
        VERSION_1 => (&SALT_V1, "quic"),
        VERSION_2 => (&SALT_V2, "quicv2"),
        _ => return None,
    };
    let initial = Hkdf::<Sha256>::new(Some(salt), dcid);
    let mut secret = [0; 32];
    expand_label(&initial, "client in", &mut secret)?;
    let client = Hkdf::<Sha256>::from_prk(&secret).ok()?;
    let mut k = Keys {
        key: [0; 16],
        iv: [0; 12],
        hp: [0; 16],
    };
    expand_label(&client, &format!("{prefix} key"), &mut k.key)?;
    expand_label(&client, &format!("{prefix} iv"), &mut k.iv)?;
    expand_label(&client, &format!("{prefix} hp"), &mut k.hp)?;
    Some(k)
}

/// AES-ECB of the 16-byte sample: the header protection mask (RFC 9001 §5.4.3).
fn mask(hp: &[u8; 16], sample: &[u8]) -> Option<[u8; 16]> {
    let cipher = aes::Aes128::new_from_slice(hp).ok()?;
    let mut block = aes::Block::try_from(sample).ok()?;
    cipher.encrypt_block(&mut block);
    Some(block.into())
}

fn nonce(iv: &[u8; 12], pn: u64) -> [u8; 12] {
    let mut n = *iv;
    for (b, p) in n[4..].iter_mut().zip(pn.to_be_bytes()) {
        *b ^= p;
    }
    n
}

/// The decrypted payload of a whole client Initial `packet` whose packet number starts at
/// `pn_offset`; None when the sample is missing or the tag does not verify (a server's
/// Initial, a corrupt one, not QUIC after all).
fn open(version: u32, dcid: &[u8], packet: &[u8], pn_offset: usize) -> Option<Vec<u8>> {
    let keys = client_keys(version, dcid)?;
    let sample = packet.get(pn_offset + 4..pn_offset + 20)?;
    let m = mask(&keys.hp, sample)?;
    let mut header = packet.get(..pn_offset + 4)?.to_vec();
    header[0] ^= m[0] & 0x0f;
    let pn_len = usize::from(header[0] & 3) + 1;
    header.truncate(pn_offset + pn_len);
    let mut pn = 0u64;
    for (i, b) in header[pn_offset..].iter_mut().enumerate() {
        *b ^= m[1 + i];
        pn = pn << 8 | u64::from(*b);
    }
    let cipher = Aes128Gcm::new_from_slice(&keys.key).ok()?;
    let nonce = nonce(&keys.iv, pn);
    cipher
        .decrypt(
            (&nonce).into(),
            Payload {
                msg: packet.get(pn_offset + pn_len..)?,
                aad: &header,
            },
        )
        .ok()
}

/// The CRYPTO data from offset 0, as far as this packet's CRYPTO frames make it contiguous;
/// None without any. The frames an Initial may carry are walked (PADDING, PING, ACK,
/// CRYPTO, CONNECTION_CLOSE); another type ends the walk.
fn crypto_data(plain: &[u8]) -> Option<Vec<u8>> {
    let mut r = Reader(plain);
    let mut pieces: Vec<(u64, &[u8])> = Vec::new();
    while let Some(kind) = r.varint() {
        let ok = match kind {
            0x00 | 0x01 => Some(()),
            0x02 | 0x03 => ack(&mut r, kind == 0x03),
            0x06 => (|| {
                let offset = r.varint()?;
                let len = usize::try_from(r.varint()?).ok()?;
                pieces.push((offset, r.take(len)?));
                Some(())
            })(),
            0x1c => (|| {
                r.varint()?;
                r.varint()?;
                let len = usize::try_from(r.varint()?).ok()?;
                r.take(len).map(|_| ())
            })(),
            _ => None,
        };
        if ok.is_none() {
            break;
        }
    }
    if pieces.is_empty() {
        return None;
    }
    pieces.sort_by_key(|&(offset, _)| offset);
    let mut data = Vec::new();
    for (offset, piece) in pieces {
        let have = data.len() as u64;
        if offset > have {
            break;
        }
        let skip = usize::try_from(have - offset).unwrap_or(usize::MAX);
        data.extend_from_slice(piece.get(skip..).unwrap_or_default());
    }
    Some(data)
}

/// Skips an ACK frame's fields after its type (RFC 9000 §19.3).
fn ack(r: &mut Reader<'_>, ecn: bool) -> Option<()> {
    r.varint()?; // largest acknowledged
    r.varint()?; // delay
    let ranges = r.varint()?;
    r.varint()?; // first range
                 // Each further range is two varints of at least one byte: a count beyond what is left
                 // ends the walk without looping on it.
    if ranges > r.0.len() as u64 {
        return None;
    }
    for _ in 0..ranges {
        r.varint()?;
        r.varint()?;
    }
    if ecn {
        for _ in 0..3 {
            r.varint()?;
        }
    }
    Some(())
}

/// A version as tshark prints it (`0x00000001`).
pub fn version_hex(v: u32) -> String {
    format!("0x{v:08x}")
}

/// Seals a client Initial: header protection and AEAD as a client would, for a payload of
/// frames (padded by the caller). For tests and fuzz seeds, which need Initials with chosen
/// ClientHellos; the decoder above is its inverse. The packet number is 4 bytes long.
pub fn seal_client_initial(
    version: u32,
    dcid: &[u8],
    scid: &[u8],
    pn: u32,
    frames: &[u8],
) -> Option<Vec<u8>> {
    let keys = client_keys(version, dcid)?;
    let mut h = vec![0xc3 | initial_type(version)? << 4];
    h.extend(version.to_be_bytes());
    h.push(u8::try_from(dcid.len()).ok()?);
    h.extend(dcid);
    h.push(u8::try_from(scid.len()).ok()?);
    h.extend(scid);
    h.push(0); // no token
    let length = u16::try_from(frames.len() + 4 + 16)
        .ok()
        .filter(|l| *l < 0x4000)?;
    h.extend((0x4000 | length).to_be_bytes());
    let pn_offset = h.len();
    h.extend(pn.to_be_bytes());
    let cipher = Aes128Gcm::new_from_slice(&keys.key).ok()?;
    let sealed = cipher
        .encrypt(
            (&nonce(&keys.iv, u64::from(pn))).into(),
            Payload {
                msg: frames,
                aad: &h,
            },
        )
        .ok()?;
    let m = mask(&keys.hp, sealed.get(..16)?)?;
    h[0] ^= m[0] & 0x0f;
    for i in 0..4 {
        h[pn_offset + i] ^= m[1 + i];
    }
    h.extend(sealed);
    Some(h)
}

/// A cursor over captured bytes: every read is checked and None past the end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// A variable-length integer (RFC 9000 §16).
    fn varint(&mut self) -> Option<u64> {
        let first = *self.0.first()?;
        let len = 1usize << (first >> 6);
        let bytes = self.take(len)?;
        Some(
            bytes[1..]
                .iter()
                .fold(u64::from(first & 0x3f), |v, b| v << 8 | u64::from(*b)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    const RFC_DCID: &str = "8394c8f03e515708";

    /// RFC 9001 Appendix A.2 (and RFC 9369 A.2): the client Initial's CRYPTO frame (a
    /// ClientHello for example.com offering ALPN "alpn"), padded to 1162 bytes.
    fn rfc_frames() -> Vec<u8> {
        let mut f = hex(
            "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868
             04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578
             616d706c652e636f6dff01000100000a00080006001d00170018001000070005
             04616c706e000500050100000000003300260024001d00209370b2c9caa47fba
             baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400
             0d0010000e0403050306030203080408050806002d00020101001c0002400100
             3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000
             75300901100f088394c8f03e51570806048000ffff",
        );
        f.resize(1162, 0);
        f
    }

    #[test]
    fn rfc9001_client_keys() {
        let k = client_keys(VERSION_1, &hex(RFC_DCID)).unwrap();
        assert_eq!(k.key.to_vec(), hex("1f369613dd76d5467730efcbe3b1a22d"));
        assert_eq!(k.iv.to_vec(), hex("fa044b2f42a3fd3b46fb255c"));
        assert_eq!(k.hp.to_vec(), hex("9f50449e04a0e810283a1e9933adedd2"));
        let k = client_keys(VERSION_2, &hex(RFC_DCID)).unwrap();
        assert_eq!(k.key.to_vec(), hex("8b1a0bc121284290a29e0971b5cd045d"));
        assert_eq!(k.iv.to_vec(), hex("91f73e2351d8fa91660e909f"));
        assert_eq!(k.hp.to_vec(), hex("45b95e15235d6f45a6b19cbcb0294ba9"));
    }

    /// The packets of RFC 9001 A.2 and RFC 9369 A.2, sealed here: their protected header
    /// and first ciphertext block (the header protection sample) are the RFCs' bytes, and
    /// the decoder reads the ClientHello back.
    #[test]
    fn rfc_client_initials() {
        for (version, header, sample, tail) in [
            (
                VERSION_1,
                "c000000001088394c8f03e5157080000449e7b9aec34",
                "d1b1c98dd7689fb8ec11d242b123dc9b",
                Some("e221af44860018ab0856972e194cd934"),
            ),
            (
                VERSION_2,
                "d76b3343cf088394c8f03e5157080000449ea0c95e82",
                "ffe67b6abcdb4298b485dd04de806071",
                None,
            ),
        ] {
            let p = seal_client_initial(version, &hex(RFC_DCID), &[], 2, &rfc_frames()).unwrap();
            assert_eq!(p.len(), 1200);
            assert_eq!(p[..22], hex(header)[..]);
            assert_eq!(p[22..38], hex(sample)[..]);
            if let Some(tail) = tail {
                assert_eq!(p[1184..], hex(tail)[..]);
            }
            let i = initial(&p).unwrap();
            assert_eq!(
                (i.version, i.dcid, i.scid),
                (version, &hex(RFC_DCID)[..], &[][..])
            );
            assert!(i.decrypted);
            let h = i.hello.unwrap();
            assert_eq!(h.sni.as_deref(), Some("example.com"));
            assert_eq!(h.alpn, ["alpn"]);
            assert_eq!(h.versions(), [0x0304]);
            assert!(h.complete);
        }
    }

    /// A ClientHello split into three CRYPTO frames out of order, between PING and PADDING
    /// frames (as Chrome sends it), and an ACK before them.
    #[test]
    fn shuffled_crypto_frames() {
        let ch = tls::build::client_hello("quic.example.test", &["h3"]);
        let (a, rest) = ch.split_at(40);
        let (b, c) = rest.split_at(30);
        let crypto = |off: usize, d: &[u8]| {
            let mut f = vec![
                0x06,
                0x40 | (off >> 8) as u8,
                off as u8,
                0x40 | (d.len() >> 8) as u8,
            ];
            f.push(d.len() as u8);
            f.extend(d);
            f
        };
        let mut frames = vec![0x02, 0, 0, 1, 0, 0, 0, 0, 0, 0x01];
        frames.extend(crypto(70, c));
        frames.extend([0x01, 0x00, 0x00]);
        frames.extend(crypto(0, a));
        frames.extend(crypto(40, b));
        frames.resize(1100, 0);
        let dcid = [0xab; 16];
        let p = seal_client_initial(VERSION_1, &dcid, &[1, 2, 3], 0, &frames).unwrap();
        let i = initial(&p).unwrap();
        assert_eq!(i.scid, [1, 2, 3]);
        let h = i.hello.unwrap();
        assert_eq!(h.sni.as_deref(), Some("quic.example.test"));
        assert_eq!(h.alpn, ["h3"]);
        assert!(h.complete);
        // Without the middle piece, only the first one is contiguous from offset 0.
        let mut frames = crypto(0, a);
        frames.extend(crypto(70, c));
        frames.resize(1100, 0);
        let p = seal_client_initial(VERSION_1, &dcid, &[], 0, &frames).unwrap();
        let h = initial(&p).unwrap().hello.unwrap();
        assert_eq!((h.sni, h.complete), (None, false));
    }

    /// Cut at every byte, and every byte flipped: no panic; a cut or changed packet is not
    /// decrypted (the tag), its header still reported.
    #[test]
    fn cut_and_flipped() {
        let p = seal_client_initial(VERSION_2, &hex(RFC_DCID), &[9; 4], 7, &rfc_frames()).unwrap();
        for n in 0..p.len() {
            let i = initial(&p[..n]);
            assert_eq!(i.is_some(), n >= 1 + 4 + 1 + 8 + 1 + 4, "{n}");
            assert!(!i.is_some_and(|i| i.decrypted), "{n}");
        }
        for n in 0..p.len() {
            let mut q = p.clone();
            q[n] ^= 0x10;
            if let Some(i) = initial(&q) {
                assert!(!i.decrypted, "{n}");
            }
        }
        // Bytes after the packet (a coalesced one, padding) do not matter.
        let mut q = p.clone();
        q.extend([0; 50]);
        assert!(initial(&q).unwrap().decrypted);
    }

    #[test]
    fn not_an_initial() {
        // Short header, unknown version, v1 Handshake type, CID too long.
        assert_eq!(initial(&[0x40, 0, 0, 0, 1, 0, 0]), None);
        assert_eq!(initial(&[0xc0, 0xff, 0, 0, 0x1d, 0, 0]), None);
        assert_eq!(initial(&[0xe0, 0, 0, 0, 1, 0, 0]), None);
        let mut b = vec![0xc0, 0, 0, 0, 1, 21];
        b.extend([0; 22]);
        assert_eq!(initial(&b), None);
        // v1's Initial type bits in a v2 packet mean Retry (RFC 9369 §3.2).
        assert_eq!(initial(&[0xc0, 0x6b, 0x33, 0x43, 0xcf, 0, 0]), None);
    }

    #[test]
    fn varints() {
        let mut r = Reader(&[0x25, 0x7b, 0xbd, 0x9d, 0x7f, 0x3e, 0x7d, 0xc2, 0x19, 0x4a]);
        assert_eq!(r.varint(), Some(37));
        assert_eq!(r.varint(), Some(15293));
        assert_eq!(r.varint(), Some(494_878_333));
        assert_eq!(r.varint(), None);
    }
}
