//! A captured packet as the printers and writers see it, whatever produced it.

/// A wall-clock instant: seconds and nanoseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp {
    pub sec: i64,
    pub nsec: u32,
}

impl Timestamp {
    pub fn as_nanos(self) -> i128 {
        i128::from(self.sec) * 1_000_000_000 + i128::from(self.nsec)
    }
}

/// What the first byte of a packet's data is: a pcap `LINKTYPE_*` value
/// (<https://www.tcpdump.org/linktypes.html>).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinkType(pub u16);

impl LinkType {
    /// BSD loopback: a 4-byte address family in host byte order.
    pub const NULL: LinkType = LinkType(0);
    /// Ethernet (DLT_EN10MB).
    pub const ETHERNET: LinkType = LinkType(1);
    /// PPP (DLT_PPP): a PPP frame, address and control bytes optional.
    pub const PPP: LinkType = LinkType(9);
    /// Raw IPv4 or IPv6, told apart by the version nibble.
    pub const RAW: LinkType = LinkType(101);
    /// OpenBSD loopback: a 4-byte address family in network byte order.
    pub const LOOP: LinkType = LinkType(108);
    /// Linux "cooked" capture, version 1 (16-byte header).
    pub const LINUX_SLL: LinkType = LinkType(113);
    /// Raw IPv4.
    pub const IPV4: LinkType = LinkType(228);
    /// Raw IPv6.
    pub const IPV6: LinkType = LinkType(229);
    /// Linux "cooked" capture, version 2 (20-byte header, with the interface index).
    pub const LINUX_SLL2: LinkType = LinkType(276);
}

/// Which way the packet was going.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
    /// Not known (a packet read from a file).
    Unknown,
}

/// Where the packet came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hook {
    Tc,
    Socket,
    /// The kernel freed it as dropped (`--drops`); the packet's [`Packet::drop`] says why.
    Drop,
}

impl Hook {
    pub fn name(self) -> &'static str {
        match self {
            Hook::Tc => "tc",
            Hook::Socket => "socket",
            Hook::Drop => "drop",
        }
    }
}

/// The interface name of a drop whose packet had no device yet.
pub const NO_DEVICE: &str = "-";

/// Why and where the kernel dropped a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dropped<'a> {
    /// The `skb_drop_reason` name (`NETFILTER_DROP`); `None` on kernels before 5.17, which
    /// give none.
    pub reason: Option<&'a str>,
    /// The function that freed it, `nf_hook_slow+0x9c` (an address when the kernel hides
    /// its symbols).
    pub location: &'a str,
}

impl std::fmt::Display for Dropped<'_> {
    /// `drop NETFILTER_DROP at nf_hook_slow+0x9c`, or `drop at ...` without a reason: the
    /// words a drop's line ends with and its pcapng comment holds.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.reason {
            Some(r) => write!(f, "drop {r} at {}", self.location),
            None => write!(f, "drop at {}", self.location),
        }
    }
}

/// The network namespace a live packet's interface lives in: its inode (what
/// `/proc/PID/ns/net` links to) and its `ip netns` name, if it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Netns {
    pub inode: u64,
    pub name: Option<String>,
}

impl Netns {
    /// Its `ip netns` name, or else its inode.
    pub fn label(&self) -> std::borrow::Cow<'_, str> {
        match &self.name {
            Some(n) => n.as_str().into(),
            None => self.inode.to_string().into(),
        }
    }
}

/// One packet: the frame as it was on the wire (an offloaded VLAN tag put back) and its
/// metadata.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    pub ts: Timestamp,
    pub ifname: &'a str,
    /// The namespace of the interface (live captures; `None` for packets read from a file).
    pub netns: Option<&'a Netns>,
    pub direction: Direction,
    /// `skb->pkt_type`: 0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing.
    pub pkt_type: u8,
    pub hook: Hook,
    /// How to read `data`'s first bytes.
    pub link_type: LinkType,
    /// The frame's length on the wire.
    pub orig_len: u32,
    /// The captured bytes, at most `orig_len`.
    pub data: &'a [u8],
    /// Set for a packet the kernel dropped (`--drops`).
    pub drop: Option<Dropped<'a>>,
    /// The packet's owner as the kernel found it at capture time (attribution on): `KNOWN`
    /// in its flags, or not when nobody was found. `None` when attribution is off.
    pub owner: Option<netdump_common::owner::OwnerInfo>,
    /// The owner's cgroup path and container, when the owner module knows them already
    /// (it never makes a packet wait: the first packets of a new cgroup go without).
    pub cgroup: Option<&'a crate::owner::CgroupInfo>,
}

/// An owner's command name: the comm bytes up to the first NUL.
pub fn comm(o: &netdump_common::owner::OwnerInfo) -> String {
    let end = o.comm.iter().position(|&b| b == 0).unwrap_or(o.comm.len());
    String::from_utf8_lossy(&o.comm[..end]).into_owned()
}

/// The `--context` suffix: ` [pid P tid T comm C uid U cgroup PATH ...]`, or ` [no owner]`.
/// It comes after everything tcpdump prints on the line, so removing the last ` [...]` gives
/// tcpdump's line back, and `pid N` greps.
pub fn context_suffix(
    o: &netdump_common::owner::OwnerInfo,
    cgroup: Option<&crate::owner::CgroupInfo>,
) -> String {
    match owner_words(o, cgroup) {
        Some(w) => format!(" [{w}]"),
        None => " [no owner]".to_string(),
    }
}

/// The owner in words, as `--context` and the pcapng comment show it: `pid P tid T comm C
/// uid U cgroup PATH` (the cgroup's id until its path is known), then ` container ID`
/// (` unit NAME` for a systemd service), ` name NAME` and ` pod NAMESPACE/NAME` when known.
/// Each value is one word (white space and control characters become `_`). None: no owner.
pub fn owner_words(
    o: &netdump_common::owner::OwnerInfo,
    cgroup: Option<&crate::owner::CgroupInfo>,
) -> Option<String> {
    use std::fmt::Write as _;

    use netdump_common::owner::owner_flags;
    if o.flags & owner_flags::KNOWN == 0 {
        return None;
    }
    let word = |s: &str| s.replace(|c: char| c.is_whitespace() || c.is_control(), "_");
    let mut w = format!(
        "pid {} tid {} comm {} uid {} cgroup ",
        o.tgid,
        o.tid,
        word(&comm(o)),
        o.uid,
    );
    match cgroup {
        Some(c) if !c.path.is_empty() => w.push_str(&word(&c.path)),
        _ => {
            let _ = write!(w, "{}", o.cgroup);
        }
    }
    if let Some(c) = cgroup.and_then(|c| c.container.as_ref()) {
        if c.runtime == crate::owner::Runtime::Systemd {
            let _ = write!(w, " unit {}", word(&c.id));
        } else {
            let _ = write!(w, " container {}", word(short_id(&c.id)));
            if let Some(n) = &c.name {
                let _ = write!(w, " name {}", word(n));
            }
            match (&c.namespace, &c.pod) {
                (Some(ns), Some(p)) => {
                    let _ = write!(w, " pod {}/{}", word(ns), word(p));
                }
                (None, Some(p)) => {
                    let _ = write!(w, " pod {}", word(p));
                }
                _ => {}
            }
        }
    }
    Some(w)
}

/// A runtime's 64-hex-digit container id cut to the 12 digits `docker ps` shows; other ids
/// (`ctr`'s, names) whole.
pub fn short_id(id: &str) -> &str {
    if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        &id[..12]
    } else {
        id
    }
}
