//! The hand-over to the printers of byte-walked messages (`decode::message`), and what
//! those printers share: checked reads that end the walk as tcpdump's GET_ macros do, and
//! tcpdump's small formatting helpers (`unsigned_relts_print`, `hex_print`).

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::{Dissector, Ip};
use crate::decode::message::{Message, Proto};

/// The walk ran off the captured bytes (tcpdump's GET_ macros longjmp out and print
/// `[|proto]`); the string is the protocol name tcpdump had set by then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Trunc(pub &'static str);

/// A printer's result: Err when it ran off the captured bytes.
pub(super) type Walk = Result<(), Trunc>;

/// Checked big-endian reads over a message's captured bytes; a read past them is
/// [`Trunc`] with the protocol name given.
#[derive(Clone, Copy, Debug)]
pub(super) struct Bytes<'a> {
    pub b: &'a [u8],
    pub proto: &'static str,
}

impl<'a> Bytes<'a> {
    pub fn new(b: &'a [u8], proto: &'static str) -> Bytes<'a> {
        Bytes { b, proto }
    }

    /// The same bytes, read under another protocol name (tcpdump's `ndo_protocol`).
    pub fn named(self, proto: &'static str) -> Bytes<'a> {
        Bytes { b: self.b, proto }
    }

    pub fn trunc(&self) -> Trunc {
        Trunc(self.proto)
    }

    pub fn get(&self, at: usize, n: usize) -> Result<&'a [u8], Trunc> {
        at.checked_add(n)
            .and_then(|end| self.b.get(at..end))
            .ok_or(self.trunc())
    }

    pub fn u8(&self, at: usize) -> Result<u8, Trunc> {
        self.b.get(at).copied().ok_or(self.trunc())
    }

    pub fn be16(&self, at: usize) -> Result<u16, Trunc> {
        let s = self.get(at, 2)?;
        Ok(u16::from_be_bytes([s[0], s[1]]))
    }

    pub fn le16(&self, at: usize) -> Result<u16, Trunc> {
        let s = self.get(at, 2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }

    pub fn be24(&self, at: usize) -> Result<u32, Trunc> {
        let s = self.get(at, 3)?;
        Ok(u32::from_be_bytes([0, s[0], s[1], s[2]]))
    }

    pub fn be32(&self, at: usize) -> Result<u32, Trunc> {
        let s = self.get(at, 4)?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }

    pub fn ipv4(&self, at: usize) -> Result<super::Host, Trunc> {
        let s = self.get(at, 4)?;
        Ok(Ipv4Addr::new(s[0], s[1], s[2], s[3]).into())
    }

    pub fn ipv6(&self, at: usize) -> Result<super::Host, Trunc> {
        let s = self.get(at, 16)?;
        let mut a = [0u8; 16];
        a.copy_from_slice(s);
        Ok(Ipv6Addr::from(a).into())
    }

    /// The captured bytes from `at` on (none past the end).
    pub fn from(&self, at: usize) -> Bytes<'a> {
        Bytes {
            b: self.b.get(at..).unwrap_or_default(),
            proto: self.proto,
        }
    }

    /// At most `n` bytes from the start.
    pub fn take(&self, n: usize) -> Bytes<'a> {
        Bytes {
            b: &self.b[..n.min(self.b.len())],
            proto: self.proto,
        }
    }

    /// Whether `n` bytes from `at` were captured (tcpdump's ND_TTEST_LEN).
    pub fn has(&self, at: usize, n: usize) -> bool {
        self.get(at, n).is_ok()
    }

    pub fn len(&self) -> usize {
        self.b.len()
    }
}

/// tcpdump's `unsigned_relts_print`: seconds as "1h2m3s", "0s" for none.
pub(super) fn relts(out: &mut String, secs: u32) {
    if secs == 0 {
        out.push_str("0s");
        return;
    }
    let mut secs = secs;
    for (unit, name) in [
        (31_536_000, "y"),
        (604_800, "w"),
        (86_400, "d"),
        (3_600, "h"),
        (60, "m"),
        (1, "s"),
    ] {
        if secs >= unit {
            let _ = write!(out, "{}{name}", secs / unit);
            secs %= unit;
        }
    }
}

/// tcpdump's `hex_print_with_offset`: "IDENT0x0000: " then groups of two bytes, eight
/// groups a line; `length` bytes, Err (after printing what was captured) when fewer were.
pub(super) fn hex_print(out: &mut String, ident: &str, b: Bytes<'_>, length: usize) -> Walk {
    let have = b.b.get(..length.min(b.len())).unwrap_or_default();
    let mut groups = have.chunks(2).enumerate();
    for (i, pair) in &mut groups {
        if i % 8 == 0 {
            let _ = write!(out, "{ident}0x{:04x}: ", i * 2);
        }
        match pair {
            [a, c] => {
                let _ = write!(out, " {a:02x}{c:02x}");
            }
            [a] => {
                let _ = write!(out, " {a:02x}");
            }
            _ => {}
        }
    }
    if have.len() < length {
        return Err(b.trunc());
    }
    Ok(())
}

/// tcpdump's `print_unknown_data`: [`hex_print`] of what was captured of `length` bytes.
pub(super) fn unknown_data(out: &mut String, ident: &str, b: Bytes<'_>, length: usize) {
    let _ = hex_print(out, ident, b, length.min(b.len()));
}

/// tcpdump's `fn_print_char`: printable ASCII as is, others as `M-` and/or `^` escapes.
pub(super) fn print_char(out: &mut String, c: u8) {
    let mut c = c;
    if !c.is_ascii() {
        c &= 0x7f;
        out.push_str("M-");
    }
    if !(0x20..0x7f).contains(&c) {
        c ^= 0x40;
        out.push('^');
    }
    out.push(char::from(c));
}

/// tcpdump's `nd_printn`: `n` bytes through [`print_char`]; Err past the captured ones.
pub(super) fn printn(out: &mut String, b: Bytes<'_>, at: usize, n: usize) -> Walk {
    for i in 0..n {
        print_char(out, b.u8(at.saturating_add(i))?);
    }
    Ok(())
}

/// tcpdump's `tok2str`: the name for `v`, or `default` with the value in place of "{}".
pub(super) fn tok(table: &[(u32, &'static str)], v: u32) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == v).map(|(_, n)| *n)
}

/// tcpdump's `bittok2str`: the names of the bits set, joined by ", ", or `none`.
pub(super) fn bits(table: &[(u32, &'static str)], none: &str, v: u32) -> String {
    let names: Vec<&str> = table
        .iter()
        .filter(|(k, _)| *k != 0 && v & *k == *k)
        .map(|(_, n)| *n)
        .collect();
    if names.is_empty() {
        none.to_string()
    } else {
        names.join(", ")
    }
}

impl Dissector {
    /// tcpdump's `ND_DEFAULTPRINT(bp, length)` inside a printer: the hex and ASCII dump of
    /// `length` bytes; Err after what was captured when fewer were.
    pub(super) fn default_print_len(&self, out: &mut String, b: Bytes<'_>, length: usize) -> Walk {
        self.default_print(out, b.take(length).b);
        if b.len() < length {
            return Err(b.trunc());
        }
        Ok(())
    }

    /// A message after its IP header (`ip`), or after the link header (None).
    pub(super) fn message(&mut self, out: &mut String, m: &Message<'_>, ip: Option<&Ip>) {
        let result = match m.proto {
            Proto::Pim => self.pim(out, m, ip),
            Proto::Ospf => self.ospf(out, m, ip),
            Proto::Eigrp => self.eigrp(out, m),
            Proto::Aoe => self.aoe(out, m),
            Proto::Decnet => self.decnet(out, m),
            Proto::Babel => self.babel(out, m),
            Proto::Geonet => self.geonet(out, m),
            Proto::CalmFast => self.calm_fast(out, m),
            Proto::BcmLi => self.bcm_li(out, m),
            Proto::OpenFlow => self.openflow(out, m),
            Proto::Resp => super::resp::print(out, m),
            Proto::Sflow => self.sflow(out, m),
            Proto::Lisp => self.lisp(out, m),
            Proto::IsoClns => self.isoclns(out, m),
            Proto::Udld => self.udld(out, m),
            Proto::Vtp => self.vtp(out, m),
            Proto::Dtp => self.dtp(out, m),
            Proto::Rx => self.rx(out, m),
            Proto::Ssh => super::ssh::print(out, m),
            Proto::Bgp => self.bgp(out, m),
            Proto::Rip => self.rip(out, m),
            Proto::Rtp => super::rtp::rtp(out, m, self.opts.verbose),
            Proto::Rtcp => super::rtp::rtcp(out, m, self.opts.verbose),
            Proto::Pgm | Proto::PgmZmtp1 => self.pgm(out, m),
            Proto::Zmtp1 => super::zmtp1::stream(
                out,
                Bytes::new(m.raw, "zmtp1"),
                m.length as usize,
                self.opts.verbose,
            ),
            Proto::Lmp => self.lmp(out, m),
            Proto::Hncp => self.hncp(out, m),
            Proto::Loopback => self.loopback(out, m),
        };
        if let Err(Trunc(proto)) = result {
            let _ = write!(out, " [|{proto}]");
            self.early_end = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times() {
        for (secs, want) in [(0, "0s"), (50, "50s"), (210, "3m30s"), (90061, "1d1h1m1s")] {
            let mut s = String::new();
            relts(&mut s, secs);
            assert_eq!(s, want);
        }
    }

    #[test]
    fn hex_print_cut_short() {
        let mut s = String::new();
        let b = Bytes::new(&[0, 0x32, 7], "pim");
        assert_eq!(hex_print(&mut s, "\n\t    ", b, 2), Ok(()));
        assert_eq!(s, "\n\t    0x0000:  0032");
        s.clear();
        assert_eq!(hex_print(&mut s, "\n\t", b, 5), Err(Trunc("pim")));
        assert_eq!(s, "\n\t0x0000:  0032 07");
    }

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// Every printer on messages cut at every byte, at every verbosity, with their length
    /// on the wire kept, and again with a length too short: no panic, and a message with no
    /// byte captured ends in tcpdump's "[|proto]".
    #[test]
    fn every_printer_survives_every_cut() {
        let samples: &[(Proto, &str)] = &[
            (Proto::Pim, "2000 73a2 0001 0002 0069 0002 0004 000a 0064 0013 0004 00000001 0018 0006 0100c6120001"),
            (Proto::Pim, "2300 0000 0100c6120002 0001 00d2 01000020e1000001 0001 0001 01000720 0a000000 01000720 0a000000"),
            (Proto::Pim, "2400 0000 1234 1e 64 0100 c6120001 0100 0004 e0000000 01 01 0000 0100 c6120002 0096 c0 00"),
            (Proto::Pim, "2a10 0000 0100c6120001 00000064 0000000a 0100c6120002 00000064 0000000a 0064"),
            (Proto::Pim, "2100 0000 40000000 4500001400010000 0167 0000 0a000001 e1000001"),
            (Proto::Eigrp, "0201 0000 00000008 00000003 00000000 0000 0064 0103 002e 00000000 c6120001 00000064 00000000 00000000 0000 02 00 00004e20 0005dc 01 ff 01 0000 18 0a0101"),
            (Proto::Ospf, "0201 002c c6120001 00000000 0002 0000 0000000000000000"),
            (Proto::Aoe, "1c05 0001 00 03 00000005 01 01 020000000001"),
            (Proto::Decnet, "1e00 26 00 00 aa000400 0104 00 00 aa000400 0204 00 00 00 00 50 0520 0320 0180 0100 04 00"),
            (Proto::Decnet, "1000 07 0104 00 0100 0200 0800 1000 0200 0300"),
            (Proto::Babel, "2a02 0038 0406 0000 1234 0190 050e 0300 0100 0190 0000000000000001 060a 0000 0102030405060708 0812 0280 4000 0190 0001 0100 2001000200000000 0402 0000"),
            (Proto::Babel, "2a02 001c 0a0e 0100 0001 02 00 0102030405060708 0a 0d10 0120 0800 0190 0001 0001 c612 0000 0000 0000"),
            (Proto::Geonet, "1151 0000 0010 0002 c000000000000000 00000001 00000002 0000 0000 00000000 0000000000000000000000000000000000000000000000000000000000000000 07d1 0000 0102 0304"),
            (Proto::CalmFast, "0102 0304"),
            (Proto::BcmLi, "0a800001 4500001d00000000 4011 0000 c6120001 c6120002 03e8 07d0 0009 0000 78"),
            (Proto::OpenFlow, "0402 000c 00000001 61626364 0105 0008 00000002 0401 0004 00000003"),
            (Proto::Lisp, "32000101 0102030405060708 0001 0004 aabbccdd 0000003c 01 20 10 00 0001 0001 c6120001 01 64 ff 00 0005 0001 c6120002 00112233445566778899aabbccddeeff 0000000000000007"),
            (Proto::Resp, "2a320d0a24340d0a494e43520d0a24310d0a7a0d0a2b4f4b0d0a3a31320d0a242d310d0a"),
            (Proto::OpenFlow, "040c 0050 00000004 00 00000000000000 00000002 00000000 ca029fafe91c 0000 76657468300000000000000000000000 00000041 00000004 0000080a 0001280f 00000000 00000000 00989680 00989680"),
            (Proto::OpenFlow, "0400 0010 00000001 0001 0008 00000012 0401 0014 0000000a 0001 0006 0102030405060708 041c 0020 00000009 00000003 00000002 00000007 00000002 00000007 00000014"),
            (Proto::IsoClns, "83 1b 01 00 12 01 00 00 001b 04af 2222222222220000 0000000f 1234 03"),
            (Proto::IsoClns, "83 21 01 00 18 01 00 00 0021 33333333333300 0000000000000000 ffffffffffffffff"),
            (Proto::IsoClns, "82 0f 01 00 04 0028 0000 05 4900010000"),
            (Proto::Udld, "2103 1234 0001 0007 535731 0003 0008 00000000 0004 0005 07 0007 0008 00000001"),
            (Proto::Dtp, "01 0001 000d 646f6d61696e000000 0002 0005 03 0004 000a 001f6d96ec04 0000 0000"),
            (Proto::Vtp, "01 02 01 04 74657374 00000000000000000000000000000000000000000000000000000000 00000005 14 00 01 04 0002 05dc 000186a2 76326e7a 0601 0001 14 00 01 04 0002 05dc 000186a2 76326e7a 0201 0001"),
            (Proto::Rx, "00000001 00000002 00000003 00000001 00000005 01 01 00 00 0000 0001 00000082 00000001 00000002 00000003 00000000 00000100"),
            (Proto::Rx, "00000001 00000002 00000003 00000001 00000005 01 01 00 00 0000 0001 00000089 00000001 00000002 00000003 00000003 616263 00 00000003 616263 00"),
            (Proto::Rx, "00000001 00000002 00000003 00000000 00000005 02 00 00 00 0000 0001 0010 0000 00000001 00000000 00000005 08 04 01 00 01 01 000000 000005dc 000005dc 00000020 00000004"),
            (Proto::Ssh, "5353482d322e302d4f70656e5353480d0a"),
            (Proto::Bgp, "ffffffffffffffffffffffffffffffff 0039 01 04 fde8 00b4 c6120001 1c 02 1a 01 04 0001 00 01 02 00 40 02 8078 41 04 0001fde8 45 04 0001 01 03 46 00"),
            (Proto::Bgp, "ffffffffffffffffffffffffffffffff 004f 02 0000 0031 40 01 01 00 40 02 0a 02 02 00c8 0001 01 01 fde8 40 03 04 c6120001 80 04 04 00000064 40 05 04 00000064 c0 08 08 00c80001 ffffff01 18 c61201 10 c613"),
            (Proto::Bgp, "ffffffffffffffffffffffffffffffff 0045 02 0000 002e 80 0e 25 0002 01 10 20010002000000000000000000000001 00 30 200100020001 40 2001000200020000 80 0f 03 0001 01"),
            (Proto::Bgp, "ffffffffffffffffffffffffffffffff 001b 03 06 02 05 626f6f6f6f ffffffffffffffffffffffffffffffff 0013 04"),
            (Proto::Rip, "0202 0000 ffff 0002 73656372657400000000000000000000 0002 0007 c6130000 ffffff00 00000000 00000002"),
            (Proto::Rip, "0201 0000 0002 0000 c6130000 00000000 00000000 00000001"),
            (Proto::Sflow, "00000005 00000002 20010002000000000000000000000001 00000002 00000010 00001000 00000000"),
            (Proto::Rtp, "909f 1235 00010010 0badcafe 0001 0001 aabbccdd 11223344"),
            (Proto::Rtp, "40a0 0001 00000002 00000003 00010000 80010000"),
            (Proto::Rtcp, "81c8 000c 0badcafe e0000000 80000000 00001000 00000010 00000400 0badbeef 01000005 00001234 00000020 00010000 00008000 81ca 0003 0badcafe 0103 61626300 0000"),
            (Proto::Pgm, "9c40 15b3 00 01 0000 0a0b0c0d0e0f 0000 00000005 00000001 00000004 0001 0000 c6120001 0004 000c 8308 0000 00000007"),
            (Proto::Pgm, "9c40 15b3 0b 01 0000 0a0b0c0d0e0f 0000 00000011 00000000 0004 0024 0808 0000 00000004 070c 0000 0001 0000 c6120009 9210 0000 00000005 0001 0000 c6120003"),
            (Proto::Pgm, "9c40 15b3 08 00 0000 0a0b0c0d0e0f 0000 00000009 0001 0000 c6120001 0001 0000 00010203"),
            (Proto::PgmZmtp1, "9c40 15b3 04 00 0000 0a0b0c0d0e0f 0010 00000009 00000001 0000 0600 68656c6c6f ff 0000000000000003 01 6869"),
            (Proto::Zmtp1, "0601 68656c6c6f ff 0000000000000005 00 61626364 00 0100"),
            (Proto::Lmp, "1000 0101 0028 0000 8101 0008 00000001 0105 0008 00000002 010c 0024 07000000 c6120001 c6120002 010c 9605 4cbebc20 4cbebc20 0208 0000 000005dc"),
            (Proto::Hncp, "0005 0030 01020304 00000007 00002710 0123456789abcdef 0022 000f 00093a80 00015180 30 200100020001 00 0025 0008 0604 c6120001 7709"),
            (Proto::Loopback, "0000 0200 02000000000b 5555"),
        ];
        for (proto, bytes) in samples {
            let full = hex(bytes);
            for verbose in 0..4 {
                let mut d = Dissector::new(super::super::Options {
                    verbose,
                    ..super::super::Options::default()
                });
                for k in 0..=full.len() {
                    for length in [full.len(), k / 2] {
                        let m = Message {
                            proto: *proto,
                            raw: &full[..k],
                            length: length as u32,
                            ip: None,
                            link_src: Some([2, 0, 0, 0, 0, 1]),
                            ports: Some((7001, 7000)),
                        };
                        let mut out = String::new();
                        d.message(&mut out, &m, None);
                        // tcpdump's BGP printer looks for a marker and finds none: no "[|bgp]".
                        // Nor do RTCP's and ZMTP's loops, which stop at the capture's end.
                        let silent = matches!(proto, Proto::Bgp | Proto::Rtcp | Proto::Zmtp1);
                        if k == 0 && length == full.len() && !silent {
                            assert!(out.contains("[|"), "{proto:?} empty, -v x{verbose}: {out}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn reads_are_checked() {
        let b = Bytes::new(&[1, 2, 3], "x");
        assert_eq!(b.be16(1), Ok(0x0203));
        assert_eq!(b.be16(2), Err(Trunc("x")));
        assert_eq!(b.be32(usize::MAX), Err(Trunc("x")));
        assert_eq!(b.from(5).len(), 0);
    }
}
