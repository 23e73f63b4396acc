//! AFS RX (UDP 7000 to 7009) as tcpdump's print-rx.c says it: the RX header, acks, and the
//! calls and replies of the AFS services (fs, cb, pt, vldb, kauth, vol, bos, ubik).
//!
//! A reply does not carry its opcode: tcpdump remembers the last 64 calls (call number,
//! addresses, server port, service id) and finds the reply's call among them. The
//! [`Cache`] is that memory, kept by the [`Dissector`] from packet to packet.

use std::fmt::Write as _;

use super::message::{print_char, tok, Bytes, Trunc, Walk};
use super::Dissector;
use crate::decode::{message::Message, Addrs};

const HEADER: usize = 28;
const DATA: u8 = 1;
const ACK: u8 = 2;
const ABORT: u8 = 4;
const CLIENT_INITIATED: u8 = 1;

const AFSNAMEMAX: u32 = 256;
const PRNAMEMAX: usize = 64;
const VLNAMEMAX: usize = 65;
const KANAMEMAX: u32 = 64;
const BOSNAMEMAX: u32 = 256;
const AFSOPAQUEMAX: usize = 1024;

/// How a service printer stopped early: a read past the captured bytes (tcpdump's GET_
/// macros: the packet ends in `[|rx]`), or one of its own checks (`goto trunc`: the
/// service's `[|fs]`, and the RX length still follows).
enum Stop {
    Jump(Trunc),
    Label,
}

impl From<Trunc> for Stop {
    fn from(t: Trunc) -> Stop {
        Stop::Jump(t)
    }
}

type Step = Result<(), Stop>;

/// One remembered call (tcpdump's `rx_cache_entry`).
#[derive(Clone, Copy, Debug, Default)]
struct Entry {
    callnum: u32,
    client: u32,
    server: u32,
    dport: u16,
    service: u16,
    opcode: u32,
}

/// The calls seen last, to name the opcode of their replies.
#[derive(Clone, Debug)]
pub(super) struct Cache {
    entries: [Entry; 64],
    next: usize,
    hint: usize,
}

impl Default for Cache {
    fn default() -> Cache {
        Cache {
            entries: [Entry::default(); 64],
            next: 0,
            hint: 0,
        }
    }
}

/// The two 32-bit words tcpdump reads as the source and destination: it casts the IP
/// header to IPv4's, so for IPv6 they are the middle of the source address.
fn ip_words(m: &Message<'_>) -> (u32, u32) {
    match m.ip.map(|i| i.addrs) {
        Some(Addrs::V4(s, d)) => (u32::from(s), u32::from(d)),
        Some(Addrs::V6(s, _)) => {
            let o = s.octets();
            (
                u32::from_be_bytes([o[4], o[5], o[6], o[7]]),
                u32::from_be_bytes([o[8], o[9], o[10], o[11]]),
            )
        }
        None => (0, 0),
    }
}

impl Cache {
    fn insert(&mut self, b: Bytes<'_>, m: &Message<'_>, dport: u16) -> Result<(), Trunc> {
        if !b.has(HEADER, 4) {
            return Ok(());
        }
        let (src, dst) = ip_words(m);
        self.entries[self.next] = Entry {
            callnum: b.be32(8)?,
            client: src,
            server: dst,
            dport,
            service: b.be16(26)?,
            opcode: b.be32(HEADER)?,
        };
        self.next = (self.next + 1) % self.entries.len();
        Ok(())
    }

    fn find(&mut self, b: Bytes<'_>, m: &Message<'_>, sport: u16) -> Result<Option<u32>, Trunc> {
        let (sip, clip) = ip_words(m);
        let callnum = b.be32(8)?;
        let service = b.be16(26)?;
        let mut i = self.hint;
        loop {
            let e = self.entries[i];
            if e.callnum == callnum
                && e.client == clip
                && e.server == sip
                && e.service == service
                && e.dport == sport
            {
                self.hint = i;
                return Ok(Some(e.opcode));
            }
            i = (i + 1) % self.entries.len();
            if i == self.hint {
                return Ok(None);
            }
        }
    }
}

/// A read position in the message, with tcpdump's AFS output macros.
struct Cur<'a> {
    b: Bytes<'a>,
    at: usize,
}

impl Cur<'_> {
    fn u32(&mut self) -> Result<u32, Trunc> {
        let v = self.b.be32(self.at)?;
        self.at = self.at.saturating_add(4);
        Ok(v)
    }

    fn skip(&mut self, n: usize) {
        self.at = self.at.saturating_add(n);
    }

    /// ND_TCHECK_LEN: the service's own check.
    fn check(&self, n: usize) -> Step {
        if self.b.has(self.at, n) {
            Ok(())
        } else {
            Err(Stop::Label)
        }
    }

    fn fid(&mut self, out: &mut String) -> Step {
        self.check(12)?;
        let (a, b, c) = (self.u32()?, self.u32()?, self.u32()?);
        let _ = write!(out, " fid {a}/{b}/{c}");
        Ok(())
    }

    fn int(&mut self, out: &mut String) -> Step {
        let _ = write!(out, " {}", self.u32()? as i32);
        Ok(())
    }

    fn uint(&mut self, out: &mut String) -> Step {
        let _ = write!(out, " {}", self.u32()?);
        Ok(())
    }

    fn uint64(&mut self, out: &mut String) -> Step {
        let hi = u64::from(self.u32()?);
        let lo = u64::from(self.u32()?);
        let _ = write!(out, " {}", hi << 32 | lo);
        Ok(())
    }

    fn date(&mut self, out: &mut String) -> Step {
        let t = self.u32()? as i32;
        let s = crate::sys::time::strftime_local("%Y/%m/%d %H:%M:%S", i64::from(t));
        let _ = write!(out, " {s}");
        Ok(())
    }

    /// STROUT: a counted string, in quotes.
    fn str_out(&mut self, out: &mut String, max: u32) -> Step {
        let n = self.b.be32(self.at)?;
        if n > max {
            return Err(Stop::Label);
        }
        self.skip(4);
        out.push_str(" \"");
        for i in 0..n as usize {
            match self.b.u8(self.at + i) {
                Ok(c) => print_char(out, c),
                Err(_) => return Err(Stop::Label),
            }
        }
        out.push('"');
        self.skip((n as usize).div_ceil(4) * 4);
        Ok(())
    }

    /// VECOUT: `max` words, each holding one character, printed up to the first NUL.
    fn vec_out(&mut self, out: &mut String, max: usize) -> Step {
        self.check(max * 4)?;
        out.push_str(" \"");
        let mut ended = false;
        for _ in 0..max {
            let c = self.u32()? as u8;
            ended |= c == 0;
            if !ended {
                print_char(out, c);
            }
        }
        out.push('"');
        Ok(())
    }

    fn store_attr(&mut self, out: &mut String) -> Step {
        self.check(24)?;
        let mask = self.u32()?;
        if mask != 0 {
            out.push_str(" StoreStatus");
        }
        if mask & 1 != 0 {
            out.push_str(" date");
            self.date(out)?;
        } else {
            self.skip(4);
        }
        let v = self.u32()?;
        if mask & 2 != 0 {
            let _ = write!(out, " owner {v}");
        }
        let v = self.u32()?;
        if mask & 4 != 0 {
            let _ = write!(out, " group {v}");
        }
        let v = self.u32()?;
        if mask & 8 != 0 {
            let _ = write!(out, " mode {:o}", v & 0o7777);
        }
        let v = self.u32()?;
        if mask & 16 != 0 {
            let _ = write!(out, " segsize {v}");
        }
        if mask & 1024 != 0 {
            out.push_str(" fsync");
        }
        Ok(())
    }

    fn ubik_version(&mut self, out: &mut String) -> Step {
        self.check(8)?;
        let (e, c) = (self.u32()?, self.u32()?);
        let _ = write!(out, " {e}.{c}");
        Ok(())
    }

    fn uuid(&mut self, out: &mut String) -> Step {
        self.check(44)?;
        let _ = write!(out, " {:08x}", self.u32()?);
        let _ = write!(out, "{:04x}", self.u32()?);
        let _ = write!(out, "{:04x}", self.u32()?);
        for _ in 0..8 {
            let _ = write!(out, "{:02x}", self.u32()? as u8);
        }
        Ok(())
    }

    fn dest_server(&mut self, out: &mut String) -> Step {
        self.check(12)?;
        let (a, b, c) = (self.u32()?, self.u32()?, self.u32()?);
        let _ = write!(out, " server {a}:{b}:{c}");
        Ok(())
    }

    /// A count, then that many FIDs separated by commas (`<none!>` for none).
    fn fids(&mut self, out: &mut String) -> Step {
        let j = self.u32()?;
        for i in 0..j {
            self.fid(out)?;
            if i != j - 1 {
                out.push(',');
            }
        }
        if j == 0 {
            out.push_str(" <none!>");
        }
        Ok(())
    }

    /// A count, then that many signed numbers (`<none!>` for none).
    fn ints(&mut self, out: &mut String) -> Step {
        let j = self.u32()?;
        for _ in 0..j {
            self.int(out)?;
        }
        if j == 0 {
            out.push_str(" <none!>");
        }
        Ok(())
    }

    /// A count, then that many VECOUT names.
    fn names(&mut self, out: &mut String, max: usize) -> Step {
        let j = self.u32()?;
        for _ in 0..j {
            self.vec_out(out, max)?;
        }
        if j == 0 {
            out.push_str(" <none!>");
        }
        Ok(())
    }

    /// The ACL string a counted opaque holds.
    fn acl(&mut self, out: &mut String) -> Step {
        let n = self.u32()? as usize;
        self.check(n)?;
        let raw = self.b.get(self.at, n.min(AFSOPAQUEMAX))?;
        let text = raw.split(|&c| c == 0).next().unwrap_or_default();
        acl_print(out, text);
        Ok(())
    }

    /// A VLDB entry's servers, partitions and volume ids (`n` of each).
    fn vldb_servers(&mut self, out: &mut String, n: u32, uuids: bool) -> Step {
        let nservers = self.u32()?;
        let _ = write!(out, " numservers {nservers} servers");
        for i in 0..n {
            if uuids {
                if i < nservers {
                    out.push_str(" afsuuid");
                    self.uuid(out)?;
                } else {
                    self.check(44)?;
                    self.skip(44);
                }
            } else {
                self.check(4)?;
                if i < nservers {
                    let a = self.b.get(self.at, 4)?;
                    // tcpdump's intoa(): always numeric, whatever -n says.
                    let _ = write!(out, " {}.{}.{}.{}", a[0], a[1], a[2], a[3]);
                }
                self.skip(4);
            }
        }
        if uuids {
            self.check(4 * 13)?;
            self.skip(4 * 13);
        }
        out.push_str(" partitions");
        for i in 0..n {
            let j = self.u32()?;
            if i < nservers && j <= 26 {
                let _ = write!(out, " {}", char::from(b'a' + j as u8));
            } else if i < nservers {
                let _ = write!(out, " {j}");
            }
        }
        self.check(n as usize * 4)?;
        self.skip(n as usize * 4);
        out.push_str(" rwvol");
        self.uint(out)?;
        out.push_str(" rovol");
        self.uint(out)?;
        out.push_str(" backup");
        self.uint(out)
    }
}

/// A C `%d` read as sscanf does: leading white space, a sign, digits.
fn scan_int(s: &[u8], at: &mut usize) -> Option<i32> {
    while s.get(*at).is_some_and(u8::is_ascii_whitespace) {
        *at += 1;
    }
    let start = *at;
    if matches!(s.get(*at), Some(b'+' | b'-')) {
        *at += 1;
    }
    let digits = *at;
    while s.get(*at).is_some_and(u8::is_ascii_digit) {
        *at += 1;
    }
    if *at == digits {
        return None;
    }
    let text = std::str::from_utf8(&s[start..*at]).ok()?;
    Some(text.parse::<i64>().map_or(-1, |v| v as i32))
}

fn skip_space(s: &[u8], at: &mut usize) {
    while s.get(*at).is_some_and(u8::is_ascii_whitespace) {
        *at += 1;
    }
}

/// tcpdump's `acl_print`: "<positive> <negative>\n" then "<user> <rights>\n" lines.
fn acl_print(out: &mut String, s: &[u8]) {
    let mut at = 0;
    let Some(pos) = scan_int(s, &mut at) else {
        return;
    };
    let Some(neg) = scan_int(s, &mut at) else {
        return;
    };
    skip_space(s, &mut at);
    for (count, sign) in [(pos, '+'), (neg, '-')] {
        for _ in 0..count.max(0) {
            skip_space(s, &mut at);
            let start = at;
            while s
                .get(at)
                .is_some_and(|c| !c.is_ascii_whitespace() && at - start < 1024)
            {
                at += 1;
            }
            if at == start {
                return;
            }
            let user = &s[start..at];
            let Some(acl) = scan_int(s, &mut at) else {
                return;
            };
            skip_space(s, &mut at);
            let _ = write!(out, " {sign}{{");
            for &c in user {
                print_char(out, c);
            }
            out.push(' ');
            for (bit, c) in [(1, 'r'), (8, 'l'), (4, 'i'), (16, 'd'), (2, 'w'), (32, 'k')] {
                if acl & bit != 0 {
                    out.push(c);
                }
            }
            if acl & 64 != 0 {
                out.push('a');
            }
            out.push('}');
        }
    }
}

const RX_TYPES: &[(u32, &str)] = &[
    (1, "data"),
    (2, "ack"),
    (3, "busy"),
    (4, "abort"),
    (5, "ackall"),
    (6, "challenge"),
    (7, "response"),
    (8, "debug"),
    (9, "params"),
    (13, "version"),
];

/// Flag bit, packet type it applies to (0: any), name.
const RX_FLAGS: &[(u8, u8, &str)] = &[
    (1, 0, "client-init"),
    (2, 0, "req-ack"),
    (4, 0, "last-pckt"),
    (8, 0, "more-pckts"),
    (16, 0, "free-pckt"),
    (32, ACK, "slow-start"),
    (32, DATA, "jumbogram"),
];

const FS_REQ: &[(u32, &str)] = &[
    (130, "fetch-data"),
    (131, "fetch-acl"),
    (132, "fetch-status"),
    (133, "store-data"),
    (134, "store-acl"),
    (135, "store-status"),
    (136, "remove-file"),
    (137, "create-file"),
    (138, "rename"),
    (139, "symlink"),
    (140, "link"),
    (141, "makedir"),
    (142, "rmdir"),
    (143, "oldsetlock"),
    (144, "oldextlock"),
    (145, "oldrellock"),
    (146, "get-stats"),
    (147, "give-cbs"),
    (148, "get-vlinfo"),
    (149, "get-vlstats"),
    (150, "set-vlstats"),
    (151, "get-rootvl"),
    (152, "check-token"),
    (153, "get-time"),
    (154, "nget-vlinfo"),
    (155, "bulk-stat"),
    (156, "setlock"),
    (157, "extlock"),
    (158, "rellock"),
    (159, "xstat-ver"),
    (160, "get-xstat"),
    (161, "dfs-lookup"),
    (162, "dfs-flushcps"),
    (163, "dfs-symlink"),
    (220, "residency"),
    (65536, "inline-bulk-status"),
    (65537, "fetch-data-64"),
    (65538, "store-data-64"),
    (65539, "give-up-all-cbs"),
    (65540, "get-caps"),
    (65541, "cb-rx-conn-addr"),
];

const CB_REQ: &[(u32, &str)] = &[
    (204, "callback"),
    (205, "initcb"),
    (206, "probe"),
    (207, "getlock"),
    (208, "getce"),
    (209, "xstatver"),
    (210, "getxstat"),
    (211, "initcb2"),
    (212, "whoareyou"),
    (213, "initcb3"),
    (214, "probeuuid"),
    (215, "getsrvprefs"),
    (216, "getcellservdb"),
    (217, "getlocalcell"),
    (218, "getcacheconf"),
    (65536, "getce64"),
    (65537, "getcellbynum"),
    (65538, "tellmeaboutyourself"),
];

const PT_REQ: &[(u32, &str)] = &[
    (500, "new-user"),
    (501, "where-is-it"),
    (502, "dump-entry"),
    (503, "add-to-group"),
    (504, "name-to-id"),
    (505, "id-to-name"),
    (506, "delete"),
    (507, "remove-from-group"),
    (508, "get-cps"),
    (509, "new-entry"),
    (510, "list-max"),
    (511, "set-max"),
    (512, "list-entry"),
    (513, "change-entry"),
    (514, "list-elements"),
    (515, "same-mbr-of"),
    (516, "set-fld-sentry"),
    (517, "list-owned"),
    (518, "get-cps2"),
    (519, "get-host-cps"),
    (520, "update-entry"),
    (521, "list-entries"),
    (530, "list-super-groups"),
];

const VLDB_REQ: &[(u32, &str)] = &[
    (501, "create-entry"),
    (502, "delete-entry"),
    (503, "get-entry-by-id"),
    (504, "get-entry-by-name"),
    (505, "get-new-volume-id"),
    (506, "replace-entry"),
    (507, "update-entry"),
    (508, "setlock"),
    (509, "releaselock"),
    (510, "list-entry"),
    (511, "list-attrib"),
    (512, "linked-list"),
    (513, "get-stats"),
    (514, "probe"),
    (515, "get-addrs"),
    (516, "change-addr"),
    (517, "create-entry-n"),
    (518, "get-entry-by-id-n"),
    (519, "get-entry-by-name-n"),
    (520, "replace-entry-n"),
    (521, "list-entry-n"),
    (522, "list-attrib-n"),
    (523, "linked-list-n"),
    (524, "update-entry-by-name"),
    (525, "create-entry-u"),
    (526, "get-entry-by-id-u"),
    (527, "get-entry-by-name-u"),
    (528, "replace-entry-u"),
    (529, "list-entry-u"),
    (530, "list-attrib-u"),
    (531, "linked-list-u"),
    (532, "regaddr"),
    (533, "get-addrs-u"),
    (534, "list-attrib-n2"),
];

const KAUTH_REQ: &[(u32, &str)] = &[
    (1, "auth-old"),
    (21, "authenticate"),
    (22, "authenticate-v2"),
    (2, "change-pw"),
    (3, "get-ticket-old"),
    (23, "get-ticket"),
    (4, "set-pw"),
    (5, "set-fields"),
    (6, "create-user"),
    (7, "delete-user"),
    (8, "get-entry"),
    (9, "list-entry"),
    (10, "get-stats"),
    (11, "debug"),
    (12, "get-pw"),
    (13, "get-random-key"),
    (14, "unlock"),
    (15, "lock-status"),
];

const VOL_REQ: &[(u32, &str)] = &[
    (100, "create-volume"),
    (101, "delete-volume"),
    (102, "restore"),
    (103, "forward"),
    (104, "end-trans"),
    (105, "clone"),
    (106, "set-flags"),
    (107, "get-flags"),
    (108, "trans-create"),
    (109, "dump"),
    (110, "get-nth-volume"),
    (111, "set-forwarding"),
    (112, "get-name"),
    (113, "get-status"),
    (114, "sig-restore"),
    (115, "list-partitions"),
    (116, "list-volumes"),
    (117, "set-id-types"),
    (118, "monitor"),
    (119, "partition-info"),
    (120, "reclone"),
    (121, "list-one-volume"),
    (122, "nuke"),
    (123, "set-date"),
    (124, "x-list-volumes"),
    (125, "x-list-one-volume"),
    (126, "set-info"),
    (127, "x-list-partitions"),
    (128, "forward-multiple"),
    (65536, "convert-ro"),
    (65537, "get-size"),
    (65538, "dump-v2"),
];

const BOS_REQ: &[(u32, &str)] = &[
    (80, "create-bnode"),
    (81, "delete-bnode"),
    (82, "set-status"),
    (83, "get-status"),
    (84, "enumerate-instance"),
    (85, "get-instance-info"),
    (86, "get-instance-parm"),
    (87, "add-superuser"),
    (88, "delete-superuser"),
    (89, "list-superusers"),
    (90, "list-keys"),
    (91, "add-key"),
    (92, "delete-key"),
    (93, "set-cell-name"),
    (94, "get-cell-name"),
    (95, "get-cell-host"),
    (96, "add-cell-host"),
    (97, "delete-cell-host"),
    (98, "set-t-status"),
    (99, "shutdown-all"),
    (100, "restart-all"),
    (101, "startup-all"),
    (102, "set-noauth-flag"),
    (103, "re-bozo"),
    (104, "restart"),
    (105, "start-bozo-install"),
    (106, "uninstall"),
    (107, "get-dates"),
    (108, "exec"),
    (109, "prune"),
    (110, "set-restart-time"),
    (111, "get-restart-time"),
    (112, "start-bozo-log"),
    (113, "wait-all"),
    (114, "get-instance-strings"),
    (115, "get-restricted"),
    (116, "set-restricted"),
];

const UBIK_REQ: &[(u32, &str)] = &[
    (10000, "vote-beacon"),
    (10001, "vote-debug-old"),
    (10002, "vote-sdebug-old"),
    (10003, "vote-getsyncsite"),
    (10004, "vote-debug"),
    (10005, "vote-sdebug"),
    (10006, "vote-xdebug"),
    (10007, "vote-xsdebug"),
    (20000, "disk-begin"),
    (20001, "disk-commit"),
    (20002, "disk-lock"),
    (20003, "disk-write"),
    (20004, "disk-getversion"),
    (20005, "disk-getfile"),
    (20006, "disk-sendfile"),
    (20007, "disk-abort"),
    (20008, "disk-releaselocks"),
    (20009, "disk-truncate"),
    (20010, "disk-probe"),
    (20011, "disk-writev"),
    (20012, "disk-interfaceaddr"),
    (20013, "disk-setversion"),
];

const AFS_FS_ERRORS: &[(u32, &str)] = &[
    (101, "salvage volume"),
    (102, "no such vnode"),
    (103, "no such volume"),
    (104, "volume exist"),
    (105, "no service"),
    (106, "volume offline"),
    (107, "voline online"),
    (108, "diskfull"),
    (109, "diskquota exceeded"),
    (110, "volume busy"),
    (111, "volume moved"),
    (112, "AFS IO error"),
    (0xffff_ff9c, "restarting fileserver"),
];

const ACK_REASONS: &[(u32, &str)] = &[
    (1, "ack requested"),
    (2, "duplicate packet"),
    (3, "out of sequence"),
    (4, "exceeds window"),
    (5, "no buffer space"),
    (6, "ping"),
    (7, "ping response"),
    (8, "delay"),
    (9, "idle"),
];

const VOLTYPE: [&str; 3] = ["read-write", "read-only", "backup"];

fn is_ubik(op: u32) -> bool {
    (10000..=10007).contains(&op) || (20000..=20013).contains(&op)
}

fn name(out: &mut String, table: &[(u32, &'static str)], v: u32) {
    match tok(table, v) {
        Some(n) => out.push_str(n),
        None => {
            let _ = write!(out, "op#{v}");
        }
    }
}

/// Runs a service printer: its own checks end in `[|svc]`, a read past the captured
/// bytes ends the packet.
fn service(out: &mut String, svc: &str, f: impl FnOnce(&mut String) -> Step) -> Walk {
    match f(out) {
        Ok(()) => Ok(()),
        Err(Stop::Label) => {
            let _ = write!(out, " [|{svc}]");
            Ok(())
        }
        Err(Stop::Jump(t)) => Err(t),
    }
}

impl Dissector {
    pub(super) fn rx(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "rx");
        let length = m.length;
        if !b.has(0, HEADER) {
            let _ = write!(out, " [|rx] ({length})");
            return Ok(());
        }
        let (sport, dport) = m.ports.unwrap_or_default();
        let ty = b.u8(20)?;
        out.push_str(" rx ");
        match tok(RX_TYPES, u32::from(ty)) {
            Some(n) => out.push_str(n),
            None => {
                let _ = write!(out, "type {ty}");
            }
        }
        let flags = b.u8(21)?;
        let v = self.opts.verbose;
        if v > 0 {
            if v > 1 {
                let _ = write!(out, " cid {:08x} call# {}", b.be32(4)?, b.be32(8)?);
            }
            let _ = write!(out, " seq {} ser {}", b.be32(12)?, b.be32(16)?);
            if v > 2 {
                let _ = write!(out, " secindex {} serviceid {}", b.u8(23)?, b.be16(26)?);
            }
            if v > 1 {
                let mut first = true;
                for &(flag, only, s) in RX_FLAGS {
                    if flags & flag != 0 && (only == 0 || ty == only) {
                        out.push(if first { ' ' } else { ',' });
                        first = false;
                        let _ = write!(out, "<{s}>");
                    }
                }
            }
        }
        let seq = b.be32(12)?;
        let length_over = length as usize > HEADER;
        if ty == DATA && seq == 1 && flags & CLIENT_INITIATED != 0 {
            self.rx_cache.insert(b, m, dport)?;
            if length_over {
                call(out, b, dport)?;
            }
        } else if ((ty == DATA && seq == 1) || ty == ABORT) && flags & CLIENT_INITIATED == 0 {
            if let Some(op) = self.rx_cache.find(b, m, sport)? {
                // pt, vldb and ubik replies print with a length of exactly the header.
                let at_least = length as usize >= HEADER;
                reply(out, b, sport, op, ty, length_over, at_least)?;
            }
        } else if ty == ACK && length as usize >= HEADER {
            self.rx_ack(out, b)?;
        }
        let _ = write!(out, " ({length})");
        Ok(())
    }

    fn rx_ack(&self, out: &mut String, b: Bytes<'_>) -> Walk {
        let v = self.opts.verbose;
        service(out, "ack", |out| {
            let mut c = Cur { b, at: HEADER };
            c.check(18)?;
            if v > 2 {
                let _ = write!(out, " bufspace {} maxskew {}", b.be16(28)?, b.be16(30)?);
            }
            let first = b.be32(32)?;
            let reason = b.u8(44)?;
            let _ = write!(out, " first {first} serial {} reason ", b.be32(40)?);
            match tok(ACK_REASONS, u32::from(reason)) {
                Some(n) => out.push_str(n),
                None => {
                    let _ = write!(out, "#{reason}");
                }
            }
            let n = usize::from(b.u8(45)?);
            c.skip(18);
            if n != 0 {
                c.check(n)?;
                for want in [1u8, 0] {
                    ack_ranges(out, c.b, c.at, n, first, want)?;
                }
                c.skip(n);
            }
            c.skip(3);
            if v > 1 {
                for word in ["ifmtu", "maxmtu", "rwind", "maxpackets"] {
                    // TRUNCRET(4): four bytes left, or the ack ends quietly.
                    if !b.has(c.at, 4) {
                        return Ok(());
                    }
                    let _ = write!(out, " {word}");
                    c.uint(out)?;
                }
            }
            Ok(())
        })
    }
}

/// The acked (`want` 1) or nacked (0) packet numbers as runs: " acked 1-3,5".
fn ack_ranges(out: &mut String, b: Bytes<'_>, at: usize, n: usize, first: u32, want: u8) -> Step {
    let word = if want == 1 { "acked" } else { "nacked" };
    let (mut start, mut last): (isize, isize) = (-2, -2);
    let num = |i: isize| first.wrapping_add(i as u32);
    let mut i: isize = 0;
    while (i as usize) < n {
        if b.u8(at + i as usize)? == want {
            if last == -2 {
                let _ = write!(out, " {word} {}", num(i));
                start = i;
            } else if last != i - 1 {
                let _ = write!(out, ",{}", num(i));
                start = i;
            }
            last = i;
        } else if last == i - 1 && start != last {
            let _ = write!(out, "-{}", num(i - 1));
        }
        i += 1;
    }
    if last == i - 1 && start != last {
        let _ = write!(out, "-{}", num(i - 1));
    }
    Ok(())
}

/// A call (client-initiated data, sequence 1) to the service at `dport`.
fn call(out: &mut String, b: Bytes<'_>, dport: u16) -> Walk {
    let op = b.be32(HEADER)?;
    let mut c = Cur { b, at: HEADER + 4 };
    match dport {
        7000 => {
            out.push_str(" fs call ");
            name(out, FS_REQ, op);
            service(out, "fs", |out| fs_call(out, &mut c, op))
        }
        7001 => {
            out.push_str(" cb call ");
            name(out, CB_REQ, op);
            service(out, "cb", |out| cb_call(out, &mut c, op))
        }
        7002 => {
            out.push_str(" pt");
            if is_ubik(op) {
                return ubik_call(out, c, op);
            }
            out.push_str(" call ");
            name(out, PT_REQ, op);
            service(out, "pt", |out| pt_call(out, &mut c, op))
        }
        7003 => {
            out.push_str(" vldb");
            if is_ubik(op) {
                return ubik_call(out, c, op);
            }
            out.push_str(" call ");
            name(out, VLDB_REQ, op);
            service(out, "vldb", |out| vldb_call(out, &mut c, op))
        }
        7004 => {
            out.push_str(" kauth");
            if is_ubik(op) {
                return ubik_call(out, c, op);
            }
            out.push_str(" call ");
            name(out, KAUTH_REQ, op);
            service(out, "kauth", |out| kauth_call(out, &mut c, op))
        }
        7005 => {
            out.push_str(" vol call ");
            name(out, VOL_REQ, op);
            service(out, "vol", |out| vol_call(out, &mut c, op))
        }
        7007 => {
            out.push_str(" bos call ");
            name(out, BOS_REQ, op);
            service(out, "bos", |out| bos_call(out, &mut c, op))
        }
        _ => Ok(()),
    }
}

/// A reply (not client-initiated: data with sequence 1, or an abort) from the service at
/// `sport` to a call with opcode `op`. tcpdump's fs, cb, kauth, vol and bos printers want
/// more than a header (`over`), pt, vldb and ubik at least one (`at_least`).
fn reply(
    out: &mut String,
    b: Bytes<'_>,
    sport: u16,
    op: u32,
    ty: u8,
    over: bool,
    at_least: bool,
) -> Walk {
    let mut c = Cur { b, at: HEADER };
    let data = ty == DATA;
    let errcode = |out: &mut String, c: &mut Cur<'_>| -> Step {
        out.push_str(" errcode");
        c.int(out)
    };
    match sport {
        7000 if over => {
            out.push_str(" fs reply ");
            name(out, FS_REQ, op);
            service(out, "fs", |out| {
                if data {
                    match op {
                        131 => c.acl(out)?,
                        137 | 141 => {
                            out.push_str(" new");
                            c.fid(out)?;
                        }
                        151 => {
                            out.push_str(" root volume");
                            c.str_out(out, AFSNAMEMAX)?;
                        }
                        153 => c.date(out)?,
                        _ => {}
                    }
                } else if ty == ABORT {
                    let e = c.u32()?;
                    out.push_str(" error ");
                    match tok(AFS_FS_ERRORS, e) {
                        Some(n) => out.push_str(n),
                        None => {
                            let _ = write!(out, "#{}", e as i32);
                        }
                    }
                } else {
                    let _ = write!(out, " strange fs reply of type {ty}");
                }
                Ok(())
            })
        }
        7001 if over => {
            out.push_str(" cb reply ");
            name(out, CB_REQ, op);
            service(out, "cb", |out| {
                if data {
                    if op == 213 {
                        c.uuid(out)?;
                    }
                    Ok(())
                } else {
                    errcode(out, &mut c)
                }
            })
        }
        7002 if at_least => {
            out.push_str(" pt");
            if is_ubik(op) {
                return ubik_reply(out, c, op, data);
            }
            out.push_str(" reply ");
            name(out, PT_REQ, op);
            service(out, "pt", |out| {
                if !data {
                    return errcode(out, &mut c);
                }
                match op {
                    504 => {
                        out.push_str(" ids:");
                        c.ints(out)
                    }
                    505 => c.names(out, PRNAMEMAX),
                    508 | 514 | 517 | 518 | 519 => c.ints(out),
                    510 => {
                        out.push_str(" maxuid");
                        c.int(out)?;
                        out.push_str(" maxgid");
                        c.int(out)
                    }
                    _ => Ok(()),
                }
            })
        }
        7003 if at_least => {
            out.push_str(" vldb");
            if is_ubik(op) {
                return ubik_reply(out, c, op, data);
            }
            out.push_str(" reply ");
            name(out, VLDB_REQ, op);
            service(out, "vldb", |out| {
                if !data {
                    return errcode(out, &mut c);
                }
                match op {
                    510 | 503 | 504 => {
                        if op == 510 {
                            out.push_str(" count");
                            c.int(out)?;
                            out.push_str(" nextindex");
                            c.int(out)?;
                        }
                        c.vec_out(out, VLNAMEMAX)?;
                        c.check(4)?;
                        c.skip(4);
                        c.vldb_servers(out, 8, false)
                    }
                    505 => {
                        out.push_str(" newvol");
                        c.uint(out)
                    }
                    521 | 529 | 518 | 519 => {
                        if op == 521 || op == 529 {
                            out.push_str(" count");
                            c.int(out)?;
                            out.push_str(" nextindex");
                            c.int(out)?;
                        }
                        c.vec_out(out, VLNAMEMAX)?;
                        c.vldb_servers(out, 13, false)
                    }
                    526 | 527 => {
                        c.vec_out(out, VLNAMEMAX)?;
                        c.vldb_servers(out, 13, true)
                    }
                    _ => Ok(()),
                }
            })
        }
        7004 if over => {
            out.push_str(" kauth");
            if is_ubik(op) {
                return ubik_reply(out, c, op, data);
            }
            out.push_str(" reply ");
            name(out, KAUTH_REQ, op);
            service(out, "kauth", |out| {
                if data {
                    Ok(())
                } else {
                    errcode(out, &mut c)
                }
            })
        }
        7005 if over => {
            out.push_str(" vol reply ");
            name(out, VOL_REQ, op);
            service(out, "vol", |out| {
                if !data {
                    return errcode(out, &mut c);
                }
                vol_reply(out, &mut c, op)
            })
        }
        7007 if over => {
            out.push_str(" bos reply ");
            name(out, BOS_REQ, op);
            service(
                out,
                "bos",
                |out| if data { Ok(()) } else { errcode(out, &mut c) },
            )
        }
        _ => Ok(()),
    }
}

fn fs_call(out: &mut String, c: &mut Cur<'_>, op: u32) -> Step {
    match op {
        130 => {
            c.fid(out)?;
            out.push_str(" offset");
            c.uint(out)?;
            out.push_str(" length");
            c.uint(out)
        }
        131 | 132 | 143 | 144 | 145 | 156 | 157 | 158 => c.fid(out),
        135 => {
            c.fid(out)?;
            c.store_attr(out)
        }
        133 => {
            c.fid(out)?;
            c.store_attr(out)?;
            for w in [" offset", " length", " flen"] {
                out.push_str(w);
                c.uint(out)?;
            }
            Ok(())
        }
        134 => {
            c.fid(out)?;
            c.acl(out)
        }
        137 | 141 => {
            c.fid(out)?;
            c.str_out(out, AFSNAMEMAX)?;
            c.store_attr(out)
        }
        136 | 142 => {
            c.fid(out)?;
            c.str_out(out, AFSNAMEMAX)
        }
        138 => {
            out.push_str(" old");
            c.fid(out)?;
            c.str_out(out, AFSNAMEMAX)?;
            out.push_str(" new");
            c.fid(out)?;
            c.str_out(out, AFSNAMEMAX)
        }
        139 => {
            c.fid(out)?;
            c.str_out(out, AFSNAMEMAX)?;
            out.push_str(" link to");
            c.str_out(out, AFSNAMEMAX)
        }
        140 => {
            c.fid(out)?;
            c.str_out(out, AFSNAMEMAX)?;
            out.push_str(" link to");
            c.fid(out)
        }
        148 => c.str_out(out, AFSNAMEMAX),
        149 | 150 => {
            out.push_str(" volid");
            c.uint(out)
        }
        154 => {
            out.push_str(" volname");
            c.str_out(out, AFSNAMEMAX)
        }
        155 | 65536 => c.fids(out),
        65537 => {
            c.fid(out)?;
            out.push_str(" offset");
            c.uint64(out)?;
            out.push_str(" length");
            c.uint64(out)
        }
        65538 => {
            c.fid(out)?;
            c.store_attr(out)?;
            for w in [" offset", " length", " flen"] {
                out.push_str(w);
                c.uint64(out)?;
            }
            Ok(())
        }
        65541 => {
            out.push_str(" addr");
            c.uint(out)
        }
        _ => Ok(()),
    }
}

fn cb_call(out: &mut String, c: &mut Cur<'_>, op: u32) -> Step {
    match op {
        204 => {
            c.fids(out)?;
            let j = c.u32()?;
            if j != 0 {
                out.push(';');
            }
            for _ in 0..j {
                out.push_str(" ver");
                c.int(out)?;
                out.push_str(" expires");
                c.date(out)?;
                // tcpdump looks the callback type up and prints nothing.
                c.u32()?;
            }
            Ok(())
        }
        214 => {
            out.push_str(" afsuuid");
            c.uuid(out)
        }
        _ => Ok(()),
    }
}

fn pt_call(out: &mut String, c: &mut Cur<'_>, op: u32) -> Step {
    let pr = PRNAMEMAX as u32;
    match op {
        500 => {
            c.str_out(out, pr)?;
            out.push_str(" id");
            c.int(out)?;
            out.push_str(" oldid");
            c.int(out)
        }
        501 | 506 | 508 | 512 | 514 | 517 | 518 | 519 | 530 => {
            out.push_str(" id");
            c.int(out)
        }
        502 => {
            out.push_str(" pos");
            c.int(out)
        }
        503 | 507 | 515 => {
            out.push_str(" uid");
            c.int(out)?;
            out.push_str(" gid");
            c.int(out)
        }
        504 => c.names(out, PRNAMEMAX),
        505 => {
            out.push_str(" ids:");
            c.ints(out)
        }
        509 => {
            c.str_out(out, pr)?;
            out.push_str(" flag");
            c.int(out)?;
            out.push_str(" oid");
            c.int(out)
        }
        511 => {
            out.push_str(" id");
            c.int(out)?;
            out.push_str(" gflag");
            c.int(out)
        }
        513 => {
            out.push_str(" id");
            c.int(out)?;
            c.str_out(out, pr)?;
            out.push_str(" oldid");
            c.int(out)?;
            out.push_str(" newid");
            c.int(out)
        }
        520 => {
            out.push_str(" id");
            c.int(out)?;
            c.str_out(out, pr)
        }
        _ => Ok(()),
    }
}

fn vldb_call(out: &mut String, c: &mut Cur<'_>, op: u32) -> Step {
    match op {
        501 | 517 => c.vec_out(out, VLNAMEMAX),
        502 | 503 | 507 | 508 | 509 | 518 | 506 | 520 => {
            out.push_str(" volid");
            c.int(out)?;
            let i = c.u32()?;
            if let Some(t) = VOLTYPE.get(i as usize) {
                let _ = write!(out, " type {t}");
            }
            if op == 506 || op == 520 {
                c.vec_out(out, VLNAMEMAX)?;
            }
            Ok(())
        }
        504 | 519 | 524 | 527 => c.str_out(out, VLNAMEMAX as u32),
        505 => {
            out.push_str(" bump");
            c.int(out)
        }
        510 | 521 => {
            out.push_str(" index");
            c.int(out)
        }
        _ => Ok(()),
    }
}

fn kauth_call(out: &mut String, c: &mut Cur<'_>, op: u32) -> Step {
    match op {
        1 | 21 | 22 | 2 | 5 | 6 | 7 | 8 | 14 | 15 | 4 => {
            out.push_str(" principal");
            c.str_out(out, KANAMEMAX)?;
            c.str_out(out, KANAMEMAX)?;
            if op == 4 {
                out.push_str(" kvno");
                c.int(out)?;
            }
            Ok(())
        }
        3 | 23 => {
            out.push_str(" kvno");
            c.int(out)?;
            out.push_str(" domain");
            c.str_out(out, KANAMEMAX)?;
            let n = c.u32()? as usize;
            c.check(n)?;
            c.skip(n);
            out.push_str(" principal");
            c.str_out(out, KANAMEMAX)?;
            c.str_out(out, KANAMEMAX)
        }
        12 => {
            out.push_str(" name");
            c.str_out(out, KANAMEMAX)
        }
        _ => Ok(()),
    }
}

/// Words printed one after another: `(label, how)`, 'u' unsigned, 'd' signed, 't' a date,
/// 's' a name.
fn fields(out: &mut String, c: &mut Cur<'_>, list: &[(&str, char)]) -> Step {
    for &(label, how) in list {
        out.push_str(label);
        match how {
            'u' => c.uint(out)?,
            'd' => c.int(out)?,
            't' => c.date(out)?,
            _ => c.str_out(out, AFSNAMEMAX)?,
        }
    }
    Ok(())
}

fn vol_call(out: &mut String, c: &mut Cur<'_>, op: u32) -> Step {
    match op {
        100 => fields(
            out,
            c,
            &[
                (" partition", 'u'),
                (" name", 's'),
                (" type", 'u'),
                (" parent", 'u'),
            ],
        ),
        101 | 107 | 104 => fields(out, c, &[(" trans", 'u')]),
        102 => fields(out, c, &[(" totrans", 'u'), (" flags", 'u')]),
        103 => {
            fields(out, c, &[(" fromtrans", 'u'), (" fromdate", 't')])?;
            c.dest_server(out)?;
            fields(out, c, &[(" desttrans", 'd')])
        }
        105 => fields(
            out,
            c,
            &[
                (" trans", 'u'),
                (" purgevol", 'u'),
                (" newtype", 'u'),
                (" newname", 's'),
            ],
        ),
        106 => fields(out, c, &[(" trans", 'u'), (" flags", 'u')]),
        108 => fields(
            out,
            c,
            &[(" vol", 'u'), (" partition", 'u'), (" flags", 'u')],
        ),
        // 655537 is tcpdump's (sic) for get-size.
        109 | 655_537 => fields(out, c, &[(" fromtrans", 'u'), (" fromdate", 't')]),
        110 => fields(out, c, &[(" index", 'u')]),
        111 => fields(out, c, &[(" tid", 'u'), (" newsite", 'u')]),
        112 | 113 => {
            out.push_str(" tid");
            Ok(())
        }
        114 => fields(
            out,
            c,
            &[
                (" name", 's'),
                (" type", 'u'),
                (" pid", 'u'),
                (" cloneid", 'u'),
            ],
        ),
        116 => fields(out, c, &[(" partition", 'u'), (" flags", 'u')]),
        117 => fields(
            out,
            c,
            &[
                (" tid", 'u'),
                (" name", 's'),
                (" type", 'u'),
                (" pid", 'u'),
                (" clone", 'u'),
                (" backup", 'u'),
            ],
        ),
        119 => fields(out, c, &[(" name", 's')]),
        120 | 126 => fields(out, c, &[(" tid", 'u')]),
        121 | 122 | 124 | 125 | 65536 => fields(out, c, &[(" partid", 'u'), (" volid", 'u')]),
        123 => fields(out, c, &[(" tid", 'u'), (" date", 't')]),
        128 => {
            fields(out, c, &[(" fromtrans", 'u'), (" fromdate", 't')])?;
            let j = c.u32()?;
            for i in 0..j {
                c.dest_server(out)?;
                if i != j - 1 {
                    out.push(',');
                }
            }
            if j == 0 {
                out.push_str(" <none!>");
            }
            Ok(())
        }
        65538 => fields(
            out,
            c,
            &[(" fromtrans", 'u'), (" fromdate", 't'), (" flags", 'u')],
        ),
        _ => Ok(()),
    }
}

fn vol_reply(out: &mut String, c: &mut Cur<'_>, op: u32) -> Step {
    match op {
        100 => fields(out, c, &[(" volid", 'u'), (" trans", 'u')]),
        104 | 107 => fields(out, c, &[("", 'u')]),
        105 => fields(out, c, &[(" newvol", 'u')]),
        108 => fields(out, c, &[(" trans", 'u')]),
        110 => fields(out, c, &[(" volume", 'u'), (" partition", 'u')]),
        112 => fields(out, c, &[("", 's')]),
        113 => fields(
            out,
            c,
            &[
                (" volid", 'u'),
                (" nextuniq", 'u'),
                (" type", 'u'),
                (" parentid", 'u'),
                (" clone", 'u'),
                (" backup", 'u'),
                (" restore", 'u'),
                (" maxquota", 'u'),
                (" minquota", 'u'),
                (" owner", 'u'),
                (" create", 't'),
                (" access", 't'),
                (" update", 't'),
                (" expire", 't'),
                (" backup", 't'),
                (" copy", 't'),
            ],
        ),
        116 | 121 => {
            let j = c.u32()?;
            for i in 0..j {
                out.push_str(" name");
                c.vec_out(out, 32)?;
                out.push_str(" volid");
                c.uint(out)?;
                out.push_str(" type");
                c.skip(4 * 21);
                if i != j - 1 {
                    out.push(',');
                }
            }
            if j == 0 {
                out.push_str(" <none!>");
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn bos_call(out: &mut String, c: &mut Cur<'_>, op: u32) -> Step {
    match op {
        80 => {
            out.push_str(" type");
            c.str_out(out, BOSNAMEMAX)?;
            out.push_str(" instance");
            c.str_out(out, BOSNAMEMAX)
        }
        81 | 83 | 85 | 87 | 88 | 93 | 96 | 97 | 104 | 106 | 108 | 112 | 114 => {
            c.str_out(out, BOSNAMEMAX)
        }
        82 | 98 => {
            c.str_out(out, BOSNAMEMAX)?;
            out.push_str(" status");
            c.int(out)
        }
        86 => {
            c.str_out(out, BOSNAMEMAX)?;
            out.push_str(" num");
            c.int(out)
        }
        84 | 89 | 90 | 91 | 92 | 95 => c.int(out),
        105 => {
            c.str_out(out, BOSNAMEMAX)?;
            for w in [" size", " flags", " date"] {
                out.push_str(w);
                c.int(out)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn ubik_call(out: &mut String, mut c: Cur<'_>, op: u32) -> Walk {
    out.push_str(" ubik call ");
    name(out, UBIK_REQ, op);
    service(out, "ubik", |out| {
        let c = &mut c;
        match op {
            10000 => {
                let t = c.u32()?;
                let _ = write!(out, " syncsite {}", if t != 0 { "yes" } else { "no" });
                out.push_str(" votestart");
                c.date(out)?;
                out.push_str(" dbversion");
                c.ubik_version(out)?;
                out.push_str(" tid");
                c.ubik_version(out)
            }
            10003 => {
                out.push_str(" site");
                c.uint(out)
            }
            20000 | 20001 | 20007 | 20008 | 20010 => {
                out.push_str(" tid");
                c.ubik_version(out)
            }
            20002 | 20003 | 20009 => {
                out.push_str(" tid");
                c.ubik_version(out)?;
                let words: &[&str] = match op {
                    20002 => &[" file", " pos", " length"],
                    20003 => &[" file", " pos"],
                    _ => &[" file", " length"],
                };
                for w in words {
                    out.push_str(w);
                    c.int(out)?;
                }
                if op == 20002 {
                    // tcpdump looks the lock type up and prints nothing.
                    c.u32()?;
                }
                Ok(())
            }
            20005 => {
                out.push_str(" file");
                c.int(out)
            }
            20006 => {
                out.push_str(" file");
                c.int(out)?;
                out.push_str(" length");
                c.int(out)?;
                out.push_str(" dbversion");
                c.ubik_version(out)
            }
            20012 => {
                for w in [" tid", " oldversion", " newversion"] {
                    out.push_str(w);
                    c.ubik_version(out)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    })
}

fn ubik_reply(out: &mut String, mut c: Cur<'_>, op: u32, data: bool) -> Walk {
    out.push_str(" ubik reply ");
    name(out, UBIK_REQ, op);
    service(out, "ubik", |out| {
        let c = &mut c;
        match (data, op) {
            (true, 10000) => {
                out.push_str(" vote no");
                Ok(())
            }
            (true, 20004) => {
                out.push_str(" dbversion");
                c.ubik_version(out)
            }
            (true, _) => Ok(()),
            (false, 10000) => {
                out.push_str(" vote yes until");
                c.date(out)
            }
            (false, _) => {
                out.push_str(" errcode");
                c.int(out)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acls_read_as_sscanf_does() {
        let mut s = String::new();
        acl_print(&mut s, b"2 1\nsystem:administrators 127\nbob 9\nevil 2\n");
        assert_eq!(s, " +{system:administrators rlidwka} +{bob rl} -{evil w}");
        s.clear();
        acl_print(&mut s, b"1 0\n");
        assert_eq!(s, "");
        acl_print(&mut s, b"x");
        assert_eq!(s, "");
    }

    #[test]
    fn ack_runs() {
        let mut s = String::new();
        let acks = [1, 1, 1, 0, 1, 0, 0];
        let b = Bytes::new(&acks, "rx");
        for want in [1, 0] {
            assert!(ack_ranges(&mut s, b, 0, acks.len(), 10, want).is_ok());
        }
        assert_eq!(s, " acked 10-12,14 nacked 13,15-16");
    }
}
