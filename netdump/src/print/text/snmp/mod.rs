//! SNMP wording (tcpdump's print-snmp.c as built without libsmi): an ASN.1 BER walker over
//! the message, printing v1/v2c community PDUs, v1 traps and v3 USM headers and scoped
//! PDUs, with tcpdump's bracketed complaints for whatever does not parse (`[asnlen? ...]`,
//! `[!init SEQ]`, ...), ` [|snmp]` where the capture ends, and OIDs named through its
//! compiled-in MIB ([`mib`]) without `-n`.

mod mib;

use std::fmt::Write as _;

use super::{
    names,
    payload::{u8_at, Get},
    Dissector,
};

const UNIVERSAL: &[&str] = &[
    "U-0",
    "Boolean",
    "Integer",
    "Bitstring",
    "String",
    "Null",
    "ObjID",
    "ObjectDes",
    "U-8",
    "U-9",
    "U-10",
    "U-11",
    "U-12",
    "U-13",
    "U-14",
    "U-15",
    "Sequence",
    "Set",
];
const APPLICATION: &[&str] = &[
    "IpAddress",
    "Counter",
    "Gauge",
    "TimeTicks",
    "Opaque",
    "C-5",
    "Counter64",
];
const CONTEXT: &[&str] = &[
    "GetRequest",
    "GetNextRequest",
    "GetResponse",
    "SetRequest",
    "Trap",
    "GetBulk",
    "Inform",
    "V2Trap",
    "Report",
];
const EXCEPTIONS: &[&str] = &["noSuchObject", "noSuchInstance", "endOfMibView"];
const PRIVATE: &[&str] = &["P-0"];
/// tcpdump's `Class` table, indexed by the tag's class bits.
const CLASS: [&[&str]; 4] = [UNIVERSAL, APPLICATION, CONTEXT, PRIVATE];
/// tcpdump's `defineCLASS` stringifies its argument the pre-ANSI way: every class is
/// named "x" in its messages.
const CLASS_NAME: &str = "x";

const ERROR_STATUS: &[&str] = &[
    "noError",
    "tooBig",
    "noSuchName",
    "badValue",
    "readOnly",
    "genErr",
    "noAccess",
    "wrongType",
    "wrongLength",
    "wrongEncoding",
    "wrongValue",
    "noCreation",
    "inconsistentValue",
    "resourceUnavailable",
    "commitFailed",
    "undoFailed",
    "authorizationError",
    "notWritable",
    "inconsistentName",
];
const GENERIC_TRAP: &[&str] = &[
    "coldStart",
    "warmStart",
    "linkDown",
    "linkUp",
    "authenticationFailure",
    "egpNeighborLoss",
    "enterpriseSpecific",
];
const SNMP_VERSION: &[&str] = &["SNMPv1", "SNMPv2c", "SNMPv2u", "SNMPv3"];

// PDU tags (context class).
const GETREQ: u32 = 0;
const GETNEXTREQ: u32 = 1;
const GETRESP: u32 = 2;
const SETREQ: u32 = 3;
const TRAP: u32 = 4;
const GETBULKREQ: u32 = 5;
const INFORMREQ: u32 = 6;
const V2TRAP: u32 = 7;
const REPORT: u32 = 8;

/// The abbreviated OID prefixes: 1.3.6.1.2.1 (mib), .4.1 (enterprises), .3
/// (experimental), .6.3 (snmpModules).
const ABBREVS: &[(&str, u16, &[u8])] = &[
    ("", mib::MIB, &[43, 6, 1, 2, 1]),
    ("E:", mib::ENTERPRISES, &[43, 6, 1, 4, 1]),
    ("X:", mib::EXPERIMENTAL, &[43, 6, 1, 3]),
    ("S:", mib::SNMPMODULES, &[43, 6, 1, 6, 3]),
];

/// What a BER element holds (tcpdump's `BE_` types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Any,
    Null,
    Octet,
    Oid,
    Int(i32),
    Uns(u32),
    Uns64(u64),
    Str,
    Seq,
    InetAddr,
    Pdu,
    Exception,
}

/// tcpdump's `struct be`: one parsed element; `at` is where its contents start.
#[derive(Clone, Copy, Debug)]
struct Be {
    asnlen: u32,
    kind: Kind,
    id: u32,
    at: usize,
}

impl Be {
    fn int(&self) -> i32 {
        match self.kind {
            Kind::Int(v) => v,
            _ => 0,
        }
    }
}

/// A parse that tcpdump gives up (after printing why): its `-1`.
type Parsed = Option<(usize, Be)>;

struct Walk<'a, 'o> {
    out: &'o mut String,
    b: &'a [u8],
    verbose: u8,
    numeric: bool,
}

impl Walk<'_, '_> {
    fn s(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn trunc(&mut self) {
        self.s(" [|snmp]");
    }

    /// `asn1_parse`: the element at `p` within `len` logical bytes, and the bytes it
    /// takes with its header.
    fn parse(&mut self, mut p: usize, mut len: u32) -> Get<Parsed> {
        let b = self.b;
        if len < 1 {
            self.s("[nothing to parse]");
            return Ok(None);
        }
        let first = u8_at(b, p)?;
        let mut id = first & 0x1f;
        let form = (first & 0x20) >> 5;
        let class = usize::from((first & 0xc0) >> 6);
        p += 1;
        len -= 1;
        let mut hdr = 1u32;
        if id == 0x1f {
            id = 0;
            while u8_at(b, p)? & 0x80 != 0 {
                if len < 1 {
                    self.s("[Xtagfield?]");
                    return Ok(None);
                }
                id = (id << 7) | (u8_at(b, p)? & 0x7f);
                len -= 1;
                hdr += 1;
                p += 1;
            }
            if len < 1 {
                self.s("[Xtagfield?]");
                return Ok(None);
            }
            id = (id << 7) | u8_at(b, p)?;
            len -= 1;
            hdr += 1;
            p += 1;
        }
        if len < 1 {
            self.s("[no asnlen]");
            return Ok(None);
        }
        let mut asnlen = u32::from(u8_at(b, p)?);
        p += 1;
        len -= 1;
        hdr += 1;
        if asnlen & 0x80 != 0 {
            let mut noct = asnlen % 0x80;
            asnlen = 0;
            if len < noct {
                let _ = write!(self.out, "[asnlen? {}<{noct}]", len as i32);
                return Ok(None);
            }
            if b.len() < p + noct as usize {
                self.trunc();
                return Ok(None);
            }
            while noct != 0 {
                asnlen = (asnlen << 8) | u32::from(u8_at(b, p)?);
                p += 1;
                len -= 1;
                hdr += 1;
                noct -= 1;
            }
        }
        if len < asnlen {
            let _ = write!(self.out, "[len{}<asnlen{asnlen}]", len as i32);
            return Ok(None);
        }
        let form_c = if form == 0 { 'P' } else { 'C' };
        let ids = CLASS[class];
        let id = u32::from(id);
        if id as usize >= ids.len() {
            let _ = write!(self.out, "[id?{form_c}/{CLASS_NAME}/{id}]");
            return Ok(None);
        }
        let name = ids[id as usize];
        if b.len().saturating_sub(p) < asnlen as usize {
            self.trunc();
            return Ok(None);
        }
        let n = asnlen as usize;
        let kind = match (form, class) {
            (0, 0) => match id {
                4 => Kind::Str,
                2 => {
                    if asnlen == 0 {
                        self.s("[asnlen=0]");
                        return Ok(None);
                    }
                    let mut data: i32 = if u8_at(b, p)? & 0x80 != 0 { -1 } else { 0 };
                    for k in 0..n {
                        data = ((data as u32) << 8 | u32::from(u8_at(b, p + k)?)) as i32;
                    }
                    Kind::Int(data)
                }
                6 => Kind::Oid,
                5 => Kind::Null,
                _ => {
                    let _ = write!(self.out, "[P/U/{name}]");
                    Kind::Octet
                }
            },
            (0, 1) => match id {
                0 => Kind::InetAddr,
                1..=3 => {
                    let mut data = 0u32;
                    for k in 0..n {
                        data = (data << 8).wrapping_add(u32::from(u8_at(b, p + k)?));
                    }
                    Kind::Uns(data)
                }
                6 => {
                    let mut data = 0u64;
                    for k in 0..n {
                        data = (data << 8).wrapping_add(u64::from(u8_at(b, p + k)?));
                    }
                    Kind::Uns64(data)
                }
                _ => {
                    let _ = write!(self.out, "[P/A/{name}]");
                    Kind::Octet
                }
            },
            (0, 2) => match id {
                0..=2 => Kind::Exception,
                _ => Kind::Any,
            },
            (0, _) => {
                let _ = write!(self.out, "[P/{CLASS_NAME}/{name}]");
                Kind::Octet
            }
            (_, 0) if id == 16 => Kind::Seq,
            (_, 0) => {
                let _ = write!(self.out, "C/U/{name}");
                Kind::Octet
            }
            (_, 2) => Kind::Pdu,
            _ => {
                let _ = write!(self.out, "C/{CLASS_NAME}/{name}");
                Kind::Octet
            }
        };
        let be = Be {
            asnlen,
            kind,
            id,
            at: p,
        };
        Ok(Some(((asnlen + hdr) as usize, be)))
    }

    /// `asn1_print_octets`: `_xx` per byte. False after ` [|snmp]`.
    fn octets(&mut self, e: &Be) -> Get<bool> {
        let n = e.asnlen as usize;
        if self.b.len().saturating_sub(e.at) < n {
            self.trunc();
            return Ok(false);
        }
        for k in 0..n {
            let _ = write!(self.out, "_{:02x}", u8_at(self.b, e.at + k)?);
        }
        Ok(true)
    }

    /// `asn1_print_string`: quoted when every byte is printable, else hex.
    fn string(&mut self, e: &Be) -> Get<bool> {
        let n = e.asnlen as usize;
        let Some(bytes) = self.b.get(e.at..e.at.saturating_add(n)) else {
            self.trunc();
            return Ok(false);
        };
        if bytes.iter().all(|c| (0x20..0x7f).contains(c)) {
            self.s("\"");
            for &c in bytes {
                self.out.push(char::from(c));
            }
            self.s("\"");
        } else {
            for (k, c) in bytes.iter().enumerate() {
                let sep = if k == 0 { "" } else { "_" };
                let _ = write!(self.out, "{sep}{c:02x}");
            }
        }
        Ok(true)
    }

    /// `asn1_print`. False where tcpdump returns -1.
    fn print(&mut self, e: &Be) -> Get<bool> {
        let b = self.b;
        match e.kind {
            Kind::Octet => return self.octets(e),
            Kind::Null => {}
            Kind::Oid => self.oid(e)?,
            Kind::Int(v) => {
                let _ = write!(self.out, "{v}");
            }
            Kind::Uns(v) => {
                let _ = write!(self.out, "{v}");
            }
            Kind::Uns64(v) => {
                let _ = write!(self.out, "{v}");
            }
            Kind::Str => return self.string(e),
            Kind::Seq => {
                let _ = write!(self.out, "Seq({})", e.asnlen);
            }
            Kind::InetAddr => {
                if e.asnlen != 4 {
                    self.s("[inetaddr len!=4]");
                }
                let n = e.asnlen as usize;
                if b.len().saturating_sub(e.at) < n {
                    self.trunc();
                    return Ok(false);
                }
                for k in 0..n {
                    let sep = if k == 0 { "" } else { "." };
                    let _ = write!(self.out, "{sep}{}", u8_at(b, e.at + k)?);
                }
            }
            Kind::Exception => {
                let _ = write!(self.out, "[{}]", EXCEPTIONS[e.id as usize]);
            }
            Kind::Pdu => {
                let _ = write!(self.out, "{}({})", CONTEXT[e.id as usize], e.asnlen);
            }
            Kind::Any => self.s("[BE_ANY!?]"),
        }
        Ok(true)
    }

    /// An OID: numbers with `-n`; else named along tcpdump's MIB tree, with its
    /// abbreviations for the common prefixes.
    fn oid(&mut self, e: &Be) -> Get<()> {
        let b = self.b;
        let mut p = e.at;
        let mut i = e.asnlen as usize;
        let mut first: i32 = -1;
        // tcpdump's `objp`: where in the MIB tree the next component is looked up.
        let mut objp = mib::NONE;
        if !self.numeric && i > 2 {
            for &(prefix, node, oid) in ABBREVS {
                if i < oid.len() || b.get(p..p + oid.len()) != Some(oid) {
                    continue;
                }
                objp = mib::NODES[usize::from(node)].2;
                i -= oid.len();
                p += oid.len();
                self.s(prefix);
                first = 1;
                break;
            }
        }
        let mut o: i32 = 0;
        while i != 0 {
            let c = u8_at(b, p)?;
            o = (((o as u32) << 7) as i32).wrapping_add(i32::from(c & 0x7f));
            p += 1;
            i -= 1;
            if c & 0x80 != 0 {
                continue;
            }
            if first < 0 {
                if !self.numeric {
                    objp = mib::ROOT;
                }
                first = 0;
                let s = (o / 40).min(2);
                self.obj_print(&mut objp, s, first != 0);
                o -= s.wrapping_mul(40);
            }
            self.obj_print(&mut objp, o, first != 0);
            first -= 1;
            if first < 0 {
                first = 0;
            }
            o = 0;
        }
        Ok(())
    }

    /// tcpdump's `OBJ_PRINT`: the component's name among `objp`'s siblings, or its number.
    fn obj_print(&mut self, objp: &mut u16, o: i32, suppress_dot: bool) {
        let dot = if suppress_dot { "" } else { "." };
        let mut at = *objp;
        while at != mib::NONE {
            let (_, sub, _, next) = mib::NODES[usize::from(at)];
            if i32::from(sub) == o {
                break;
            }
            at = next;
        }
        if at == mib::NONE {
            *objp = mib::NONE;
            let _ = write!(self.out, "{dot}{}", o as u32);
        } else {
            let (desc, _, child, _) = mib::NODES[usize::from(at)];
            let _ = write!(self.out, "{dot}{desc}");
            *objp = child;
        }
    }

    /// Parses the element at `np` and checks its kind; on a mismatch prints `complaint`
    /// and the element, as tcpdump's printers do before giving up.
    fn expect(
        &mut self,
        np: usize,
        len: u32,
        want: fn(Kind) -> bool,
        complaint: &str,
    ) -> Get<Option<(usize, Be)>> {
        let Some((count, e)) = self.parse(np, len)? else {
            return Ok(None);
        };
        if !want(e.kind) {
            self.s(complaint);
            self.print(&e)?;
            return Ok(None);
        }
        Ok(Some((count, e)))
    }

    fn varbinds(&mut self, pduid: u32, mut np: usize, mut length: u32) -> Get<()> {
        let Some((count, e)) = self.expect(np, length, is_seq, "[!SEQ of varbind]")? else {
            return Ok(());
        };
        if (count as u32) < length {
            let _ = write!(
                self.out,
                "[{} extra after SEQ of varbind]",
                (length - count as u32) as i32
            );
        }
        length = e.asnlen;
        np = e.at;
        let read = matches!(pduid, GETREQ | GETNEXTREQ | GETBULKREQ);
        while length != 0 {
            self.s(" ");
            let Some((count, e)) = self.expect(np, length, is_seq, "[!varbind]")? else {
                return Ok(());
            };
            let vbend = np + count;
            let vblength = length - count as u32;
            length = e.asnlen;
            np = e.at;
            let Some((count, e)) = self.expect(np, length, is_oid, "[objName!=OID]")? else {
                return Ok(());
            };
            if !self.print(&e)? {
                return Ok(());
            }
            length -= count as u32;
            np += count;
            if !read {
                self.s("=");
            }
            let Some((_, e)) = self.parse(np, length)? else {
                return Ok(());
            };
            if e.kind != Kind::Null {
                if read {
                    self.s("[objVal!=NULL]");
                }
                if !self.print(&e)? {
                    return Ok(());
                }
            }
            length = vblength;
            np = vbend;
        }
        Ok(())
    }

    fn int_field(&mut self, np: usize, length: u32, complaint: &str) -> Get<Option<(usize, i32)>> {
        Ok(self
            .expect(np, length, is_int, complaint)?
            .map(|(count, e)| (count, e.int())))
    }

    fn snmp_pdu(&mut self, pduid: u32, mut np: usize, mut length: u32) -> Get<()> {
        let Some((count, req)) = self.int_field(np, length, "[reqId!=INT]")? else {
            return Ok(());
        };
        if self.verbose > 0 {
            let _ = write!(self.out, "R={req} ");
        }
        length -= count as u32;
        np += count;
        let Some((count, status)) = self.int_field(np, length, "[errorStatus!=INT]")? else {
            return Ok(());
        };
        let strict = matches!(
            pduid,
            GETREQ | GETNEXTREQ | SETREQ | INFORMREQ | V2TRAP | REPORT
        );
        let mut error_status = 0;
        if strict && status != 0 {
            let _ = write!(self.out, "[errorStatus({})!=0]", error_name(status));
        } else if pduid == GETBULKREQ {
            let _ = write!(self.out, " N={status}");
        } else if status != 0 {
            let _ = write!(self.out, " {}", error_name(status));
            error_status = status;
        }
        length -= count as u32;
        np += count;
        let Some((count, index)) = self.int_field(np, length, "[errorIndex!=INT]")? else {
            return Ok(());
        };
        if strict && index != 0 {
            let _ = write!(self.out, "[errorIndex({index})!=0]");
        } else if pduid == GETBULKREQ {
            let _ = write!(self.out, " M={index}");
        } else if index != 0 {
            if error_status == 0 {
                let _ = write!(self.out, "[errorIndex({index}) w/o errorStatus]");
            } else {
                let _ = write!(self.out, "@{index}");
            }
        } else if error_status != 0 {
            self.s("[errorIndex==0]");
        }
        length -= count as u32;
        np += count;
        self.varbinds(pduid, np, length)
    }

    fn trap_pdu(&mut self, mut np: usize, mut length: u32) -> Get<()> {
        self.s(" ");
        let Some((count, e)) = self.expect(np, length, is_oid, "[enterprise!=OID]")? else {
            return Ok(());
        };
        if !self.print(&e)? {
            return Ok(());
        }
        length -= count as u32;
        np += count;
        self.s(" ");
        let inet = |k| k == Kind::InetAddr;
        let Some((count, e)) = self.expect(np, length, inet, "[agent-addr!=INETADDR]")? else {
            return Ok(());
        };
        if !self.print(&e)? {
            return Ok(());
        }
        length -= count as u32;
        np += count;
        let Some((count, generic)) = self.int_field(np, length, "[generic-trap!=INT]")? else {
            return Ok(());
        };
        match usize::try_from(generic)
            .ok()
            .and_then(|g| GENERIC_TRAP.get(g))
        {
            Some(name) => {
                let _ = write!(self.out, " {name}");
            }
            None => {
                let _ = write!(self.out, " gt={generic}");
            }
        }
        length -= count as u32;
        np += count;
        let Some((count, specific)) = self.int_field(np, length, "[specific-trap!=INT]")? else {
            return Ok(());
        };
        if generic != 6 {
            if specific != 0 {
                let _ = write!(self.out, "[specific-trap({specific})!=0]");
            }
        } else {
            let _ = write!(self.out, " s={specific}");
        }
        length -= count as u32;
        np += count;
        self.s(" ");
        let uns = |k| matches!(k, Kind::Uns(_));
        let Some((count, e)) = self.expect(np, length, uns, "[time-stamp!=TIMETICKS]")? else {
            return Ok(());
        };
        if !self.print(&e)? {
            return Ok(());
        }
        length -= count as u32;
        np += count;
        self.varbinds(TRAP, np, length)
    }

    fn pdu(&mut self, np: usize, length: u32, version: i32) -> Get<()> {
        let Some((count, pdu)) = self.parse(np, length)? else {
            return Ok(());
        };
        if pdu.kind != Kind::Pdu {
            self.s("[no PDU]");
            return Ok(());
        }
        if (count as u32) < length {
            let _ = write!(
                self.out,
                "[{} extra after PDU]",
                (length - count as u32) as i32
            );
        }
        if self.verbose > 0 {
            self.s("{ ");
        }
        if !self.print(&pdu)? {
            return Ok(());
        }
        self.s(" ");
        if version == 0 && matches!(pdu.id, GETBULKREQ | INFORMREQ | V2TRAP | REPORT) {
            self.s("[v2 PDU in v1 message]");
            return Ok(());
        }
        if version == 1 && pdu.id == TRAP {
            self.s("[v1 PDU in v2 message]");
            return Ok(());
        }
        match pdu.id {
            TRAP => self.trap_pdu(pdu.at, pdu.asnlen)?,
            GETREQ | GETNEXTREQ | GETRESP | SETREQ | GETBULKREQ | INFORMREQ | V2TRAP | REPORT => {
                self.snmp_pdu(pdu.id, pdu.at, pdu.asnlen)?
            }
            _ => {}
        }
        if self.verbose > 0 {
            self.s(" } ");
        }
        Ok(())
    }

    fn scoped_pdu(&mut self, np: usize, length: u32, version: i32) -> Get<()> {
        let Some((_, e)) = self.expect(np, length, is_seq, "[!scoped PDU]")? else {
            return Ok(());
        };
        let (mut np, mut length) = (e.at, e.asnlen);
        let Some((count, e)) = self.expect(np, length, is_str, "[contextEngineID!=STR]")? else {
            return Ok(());
        };
        length -= count as u32;
        np += count;
        self.s("E=");
        if !self.octets(&e)? {
            return Ok(());
        }
        self.s(" ");
        let Some((count, e)) = self.expect(np, length, is_str, "[contextName!=STR]")? else {
            return Ok(());
        };
        length -= count as u32;
        np += count;
        self.s("C=");
        if !self.string(&e)? {
            return Ok(());
        }
        self.s(" ");
        self.pdu(np, length, version)
    }

    fn community(&mut self, mut np: usize, mut length: u32, version: i32) -> Get<()> {
        let Some((count, e)) = self.expect(np, length, is_str, "[comm!=STR]")? else {
            return Ok(());
        };
        let public = e.asnlen == 6 && self.b.get(e.at..e.at + 6) == Some(b"public");
        if !public {
            self.s("C=");
            if !self.string(&e)? {
                return Ok(());
            }
            self.s(" ");
        }
        length -= count as u32;
        np += count;
        self.pdu(np, length, version)
    }

    fn usm(&mut self, np: usize, length: u32) -> Get<()> {
        let Some((_, e)) = self.expect(np, length, is_seq, "[!usm]")? else {
            return Ok(());
        };
        let (mut np, mut length) = (e.at, e.asnlen);
        let Some((count, _)) =
            self.expect(np, length, is_str, "[msgAuthoritativeEngineID!=STR]")?
        else {
            return Ok(());
        };
        length -= count as u32;
        np += count;
        let Some((count, boots)) =
            self.int_field(np, length, "[msgAuthoritativeEngineBoots!=INT]")?
        else {
            return Ok(());
        };
        if self.verbose > 0 {
            let _ = write!(self.out, "B={boots} ");
        }
        length -= count as u32;
        np += count;
        let Some((count, time)) =
            self.int_field(np, length, "[msgAuthoritativeEngineTime!=INT]")?
        else {
            return Ok(());
        };
        if self.verbose > 0 {
            let _ = write!(self.out, "T={time} ");
        }
        length -= count as u32;
        np += count;
        let Some((count, e)) = self.expect(np, length, is_str, "[msgUserName!=STR]")? else {
            return Ok(());
        };
        length -= count as u32;
        np += count;
        self.s("U=");
        if !self.string(&e)? {
            return Ok(());
        }
        self.s(" ");
        let Some((count, _)) =
            self.expect(np, length, is_str, "[msgAuthenticationParameters!=STR]")?
        else {
            return Ok(());
        };
        length -= count as u32;
        np += count;
        let Some((count, _)) = self.expect(np, length, is_str, "[msgPrivacyParameters!=STR]")?
        else {
            return Ok(());
        };
        length -= count as u32;
        if (count as u32) < length {
            let _ = write!(
                self.out,
                "[{} extra after usm SEQ]",
                (length - count as u32) as i32
            );
        }
        Ok(())
    }

    fn v3msg(&mut self, xnp: usize, xlength: u32) -> Get<()> {
        let Some((_, e)) = self.expect(xnp, xlength, is_seq, "[!message]")? else {
            return Ok(());
        };
        let (mut np, mut length) = (e.at, e.asnlen);
        if self.verbose > 0 {
            self.s("{ ");
        }
        let Some((count, _)) = self.int_field(np, length, "[msgID!=INT]")? else {
            return Ok(());
        };
        length -= count as u32;
        np += count;
        let Some((count, _)) = self.int_field(np, length, "[msgMaxSize!=INT]")? else {
            return Ok(());
        };
        length -= count as u32;
        np += count;
        let Some((count, e)) = self.expect(np, length, is_str, "[msgFlags!=STR]")? else {
            return Ok(());
        };
        if e.asnlen != 1 {
            let _ = write!(self.out, "[msgFlags size {}]", e.asnlen as i32);
            return Ok(());
        }
        let flags = u8_at(self.b, e.at)?;
        if !matches!(flags, 0x00 | 0x01 | 0x03 | 0x04 | 0x05 | 0x07) {
            let _ = write!(self.out, "[msgFlags=0x{flags:02X}]");
            return Ok(());
        }
        length -= count as u32;
        np += count;
        let _ = write!(
            self.out,
            "F={}{}{} ",
            if flags & 1 != 0 { "a" } else { "" },
            if flags & 2 != 0 { "p" } else { "" },
            if flags & 4 != 0 { "r" } else { "" }
        );
        let Some((count, model)) = self.int_field(np, length, "[msgSecurityModel!=INT]")? else {
            return Ok(());
        };
        length -= count as u32;
        np += count;
        if (count as u32) < length {
            let _ = write!(
                self.out,
                "[{} extra after message SEQ]",
                (length - count as u32) as i32
            );
        }
        if self.verbose > 0 {
            self.s("} ");
        }
        if model != 3 {
            let _ = write!(self.out, "[security model {model}]");
            return Ok(());
        }
        if self.verbose > 0 {
            self.s("{ USM ");
        }
        // tcpdump goes on from where the header's last field ended, with the length
        // left of the whole message.
        let length = xlength.wrapping_sub((np - xnp) as u32);
        let Some((count, e)) = self.expect(np, length, is_str, "[msgSecurityParameters!=STR]")?
        else {
            return Ok(());
        };
        let length = length - count as u32;
        let np = np + count;
        self.usm(e.at, e.asnlen)?;
        if self.verbose > 0 {
            self.s("} ");
            self.s("{ ScopedPDU ");
        }
        self.scoped_pdu(np, length, 3)?;
        if self.verbose > 0 {
            self.s("} ");
        }
        Ok(())
    }

    /// `snmp_print` after its leading space.
    fn message(&mut self, length: u32) -> Get<()> {
        let Some((count, e)) = self.parse(0, length)? else {
            return Ok(());
        };
        if e.kind != Kind::Seq {
            self.s("[!init SEQ]");
            self.print(&e)?;
            return Ok(());
        }
        if (count as u32) < length {
            let _ = write!(
                self.out,
                "[{} extra after iSEQ]",
                (length - count as u32) as i32
            );
        }
        let (mut np, mut length) = (e.at, e.asnlen);
        let Some((count, version)) = self.int_field(np, length, "[version!=INT]")? else {
            return Ok(());
        };
        match version {
            0 | 1 | 3 => {
                if self.verbose > 0 {
                    let _ = write!(self.out, "{{ {} ", SNMP_VERSION[version as usize]);
                }
            }
            _ => {
                let _ = write!(self.out, "SNMP [version = {version}]");
                return Ok(());
            }
        }
        length -= count as u32;
        np += count;
        if version == 3 {
            self.v3msg(np, length)?;
        } else {
            self.community(np, length, version)?;
        }
        if self.verbose > 0 {
            self.s("} ");
        }
        Ok(())
    }
}

fn is_seq(k: Kind) -> bool {
    k == Kind::Seq
}

fn is_oid(k: Kind) -> bool {
    k == Kind::Oid
}

fn is_str(k: Kind) -> bool {
    k == Kind::Str
}

fn is_int(k: Kind) -> bool {
    matches!(k, Kind::Int(_))
}

fn error_name(e: i32) -> String {
    match usize::try_from(e).ok().and_then(|i| ERROR_STATUS.get(i)) {
        Some(name) => (*name).to_string(),
        None => format!("err={}", e as u32),
    }
}

impl Dissector {
    /// An SNMP message (`length`: the UDP payload's length).
    pub(super) fn snmp(&mut self, out: &mut String, b: &[u8], length: u32) {
        out.push(' ');
        let mut w = Walk {
            out,
            b,
            verbose: self.opts.verbose,
            numeric: names().is_none(),
        };
        let res = w.message(length);
        self.app_end(out, "snmp", res);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walker's text for `b` (a whole UDP payload) at `verbose`, with MIB names or not.
    fn text(b: &[u8], verbose: u8, numeric: bool) -> Result<String, String> {
        let mut out = String::new();
        let mut w = Walk {
            out: &mut out,
            b,
            verbose,
            numeric,
        };
        let r = w.message(b.len() as u32);
        match r {
            Ok(()) => Ok(out),
            Err(_) => Err(out),
        }
    }

    /// v1 GetResponse, community "private": sysDescr.0 = "L", ifInOctets.3 = Counter 256.
    const RESPONSE: &[u8] = &[
        0x30, 0x3b, 0x02, 0x01, 0x00, 0x04, 0x07, 0x70, 0x72, 0x69, 0x76, 0x61, 0x74, 0x65, 0xa2,
        0x2d, 0x02, 0x02, 0x04, 0xd2, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x21, 0x30, 0x0d,
        0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x01, 0x4c, 0x30, 0x10,
        0x06, 0x0a, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x02, 0x02, 0x01, 0x0a, 0x03, 0x41, 0x02, 0x01,
        0x00,
    ];

    #[test]
    fn a_response_with_and_without_names() {
        assert_eq!(
            text(RESPONSE, 0, true).unwrap(),
            "C=\"private\" GetResponse(45)  .1.3.6.1.2.1.1.1.0=\"L\" .1.3.6.1.2.1.2.2.1.10.3=256"
        );
        assert_eq!(
            text(RESPONSE, 1, false).unwrap(),
            "{ SNMPv1 C=\"private\" { GetResponse(45) R=1234  system.sysDescr.0=\"L\" \
             interfaces.ifTable.ifEntry.ifInOctets.3=256 } } "
        );
    }

    #[test]
    fn cut_messages_end_in_complaints_or_the_capture() {
        for k in 0..RESPONSE.len() {
            let t = text(&RESPONSE[..k], 1, true);
            // Either a longjmp (a read past the capture) or tcpdump's own words.
            if let Ok(s) = t {
                assert!(s.contains("[|snmp]") || s.contains('['), "{k}: {s}");
            }
        }
    }

    #[test]
    fn tcpdumps_parse_complaints() {
        assert_eq!(text(&[0x02, 0x01, 0xff], 0, true).unwrap(), "[!init SEQ]-1");
        assert_eq!(
            text(&[0x30, 0x84, 0, 0, 1], 0, true).unwrap(),
            "[asnlen? 3<4]"
        );
        assert_eq!(
            text(&[0x1f, 0x81, 0x01, 0x00], 0, true).unwrap(),
            "[id?P/x/129]"
        );
        assert_eq!(
            text(&[0x30, 0x03, 0x02, 0x01, 0x02], 0, true).unwrap(),
            "SNMP [version = 2]"
        );
        assert_eq!(text(&[0x30, 0x05], 0, true).unwrap(), "[len0<asnlen5]");
        assert_eq!(text(&[], 0, true).unwrap(), "[nothing to parse]");
    }

    #[test]
    fn mib_abbreviations() {
        let oid = |b: &[u8]| {
            let mut out = String::new();
            let mut w = Walk {
                out: &mut out,
                b,
                verbose: 0,
                numeric: false,
            };
            let (_, e) = w.parse(0, b.len() as u32).unwrap().unwrap();
            w.print(&e).unwrap();
            out
        };
        assert_eq!(oid(&[6, 7, 0x2b, 6, 1, 4, 1, 9, 1]), "E:cisco.1");
        assert_eq!(oid(&[6, 5, 0x2b, 6, 1, 3, 5]), "X:5");
        assert_eq!(oid(&[6, 2, 0x2b, 6]), ".iso.org.dod");
        assert_eq!(oid(&[6, 3, 0x88, 0x37, 3]), ".2.999.3");
    }
}
