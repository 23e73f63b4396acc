//! Writing pcap and pcapng files, with rotation. Files are valid after every flush: the
//! formats have no trailer, so a flushed file can always be opened.

use std::{
    borrow::Cow,
    cell::RefCell,
    collections::HashMap,
    fs::File,
    io::{self, BufWriter, Write},
    rc::Rc,
};

use netdump_common::pkt_type;
use pcap_file::{
    pcap::{PcapHeader, PcapWriter},
    pcapng::{
        blocks::{
            interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption},
            section_header::{SectionHeaderBlock, SectionHeaderOption},
        },
        PcapNgWriter,
    },
    DataLink, Endianness, PcapError, TsResolution,
};
use thiserror::Error;

use super::{name::file_name, Format, Precision, SaveOptions};
use crate::packet::{Direction, LinkType, Netns, Packet};

#[derive(Debug, Error)]
pub enum WriteError {
    #[error("{path}: a packet of link type {packet} cannot go into a pcap file of link type {file}: write pcapng (--pcapng), which records a link type per interface")]
    LinkType {
        path: String,
        packet: u16,
        file: u16,
    },
    #[error("cannot create {path}: {source} (check the directory exists and is writable)")]
    Create {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: io::Error,
    },
}

/// The bytes of the current file, shared between the format writer and the [`Saver`]
/// (which flushes and counts them).
struct FileState {
    w: BufWriter<Box<dyn Write>>,
    bytes: u64,
}

#[derive(Clone)]
struct Shared(Rc<RefCell<FileState>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut o = self.0.borrow_mut();
        let n = o.w.write(buf)?;
        o.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.borrow_mut().w.flush()
    }
}

/// A pcapng file's Interface Description Block ids for one interface, by link type.
type IdbIds = Vec<(LinkType, u32)>;

enum Encoder {
    /// pcap-file wrote the file header; records are written here.
    Pcap,
    PcapNg {
        w: PcapNgWriter<Shared>,
        /// Interface Description Block ids by namespace inode (live captures) and interface
        /// name, one per link type, for this file (drops on one interface may or may not have
        /// an Ethernet header).
        ifaces: HashMap<(Option<u64>, String), IdbIds>,
        /// The last packet's interface (namespace inode, name, link type) and its block id:
        /// a flood comes from one interface, so most packets need no map lookup.
        last: Option<(Option<u64>, String, LinkType, u32)>,
        /// The options and trailer of the Enhanced Packet Block being written.
        tail: Vec<u8>,
    },
}

/// What [`Saver::write`] says about the capture.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    /// Go on.
    More,
    /// `-W` files were written with `-G`: tcpdump stops there.
    Done,
}

/// Writes packets to a file (or standard output), rotating as asked.
pub struct Saver {
    opts: SaveOptions,
    shared: Shared,
    enc: Encoder,
    path: String,
    /// Number of the current file in the rotation.
    n: u32,
    /// Files opened so far.
    opened: u32,
    /// With a LINUX_SLL2 pcap file: the interfaces, and the frame being rewritten.
    cooker: Option<super::sll2::Cooker>,
    /// Start of the current `-G` interval, in seconds since the epoch.
    interval_start: i64,
    pub packets: u64,
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn os_release() -> String {
    let r = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("Linux {}", r.trim())
}

impl Saver {
    /// Opens the first file; an unwritable path fails here, before anything is attached.
    pub fn create(opts: SaveOptions) -> Result<Saver, WriteError> {
        let start = now_secs();
        let path = Self::name(&opts, start, 0);
        let (shared, enc) = Self::open(&opts, &path)?;
        let cooker = (opts.format == Format::Pcap && opts.link_type == LinkType::LINUX_SLL2)
            .then(Default::default);
        Ok(Saver {
            opts,
            shared,
            enc,
            path,
            n: 0,
            opened: 1,
            cooker,
            interval_start: start,
            packets: 0,
        })
    }

    fn name(opts: &SaveOptions, secs: i64, n: u32) -> String {
        if opts.path == "-" {
            return opts.path.clone();
        }
        let r = opts.rotation;
        file_name(
            &opts.path,
            r.seconds.is_some(),
            secs,
            n,
            r.count,
            r.size_bytes.is_some(),
        )
    }

    fn open(opts: &SaveOptions, path: &str) -> Result<(Shared, Encoder), WriteError> {
        let sink: Box<dyn Write> = if path == "-" {
            Box::new(io::stdout())
        } else {
            let f = File::create(path).map_err(|source| WriteError::Create {
                path: path.to_string(),
                source,
            })?;
            Box::new(f)
        };
        let shared = Shared(Rc::new(RefCell::new(FileState {
            w: BufWriter::with_capacity(64 * 1024, sink),
            bytes: 0,
        })));
        let werr = |source: PcapError| WriteError::Write {
            path: path.to_string(),
            source: pcap_io(source),
        };
        let enc = match opts.format {
            Format::Pcap => {
                let header = PcapHeader {
                    version_major: 2,
                    version_minor: 4,
                    ts_correction: 0,
                    ts_accuracy: 0,
                    // A cooked header can be longer than the link header it replaces.
                    snaplen: if opts.link_type == LinkType::LINUX_SLL2 {
                        opts.snaplen + super::sll2::HEADER_LEN as u32
                    } else {
                        opts.snaplen
                    },
                    datalink: DataLink::from(u32::from(opts.link_type.0)),
                    ts_resolution: match opts.precision {
                        Precision::Micro => TsResolution::MicroSecond,
                        Precision::Nano => TsResolution::NanoSecond,
                    },
                    endianness: Endianness::native(),
                };
                {
                    PcapWriter::with_header(shared.clone(), header).map_err(werr)?;
                    Encoder::Pcap
                }
            }
            Format::PcapNg => {
                let section = SectionHeaderBlock {
                    endianness: Endianness::native(),
                    major_version: 1,
                    minor_version: 0,
                    section_length: -1,
                    options: vec![
                        SectionHeaderOption::UserApplication(Cow::Owned(format!(
                            "netdump {}",
                            env!("CARGO_PKG_VERSION")
                        ))),
                        SectionHeaderOption::OS(Cow::Owned(os_release())),
                        SectionHeaderOption::Comment(Cow::Owned(format!(
                            "captured on {}",
                            crate::sys::process::hostname()
                        ))),
                    ],
                };
                Encoder::PcapNg {
                    w: PcapNgWriter::with_section_header(shared.clone(), section).map_err(werr)?,
                    ifaces: HashMap::new(),
                    last: None,
                    tail: Vec::with_capacity(64),
                }
            }
        };
        Ok((shared, enc))
    }

    /// Tells a LINUX_SLL2 file's writer interface `name`'s index and ARPHRD type.
    pub fn learn_interface(&mut self, name: &str, ifindex: u32, hatype: u16) {
        if let Some(c) = self.cooker.as_mut() {
            c.learn(name, ifindex, hatype);
        }
    }

    /// Whether every packet is flushed as it comes (`-U`).
    pub fn flushes_each(&self) -> bool {
        self.opts.flush_each
    }

    /// The file being written now.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Gives the open file to `-Z`'s user, as tcpdump's files belong to it (files opened
    /// later by rotation are created by that user anyway).
    pub fn chown(&self, uid: u32, gid: u32) -> Result<(), WriteError> {
        if self.path == "-" {
            return Ok(());
        }
        std::os::unix::fs::chown(&self.path, Some(uid), Some(gid)).map_err(|e| self.werr(e))
    }

    fn werr(&self, source: io::Error) -> WriteError {
        WriteError::Write {
            path: self.path.clone(),
            source,
        }
    }

    /// Closes the current file and opens the next one of the rotation.
    fn rotate(&mut self, secs: i64) -> Result<Saved, WriteError> {
        self.flush()?;
        let r = self.opts.rotation;
        if r.seconds.is_some() && r.size_bytes.is_none() {
            if let Some(c) = r.count {
                if self.opened >= c {
                    return Ok(Saved::Done);
                }
            }
        }
        self.n += 1;
        if let (Some(c), Some(_)) = (r.count, r.size_bytes) {
            self.n %= c.max(1);
        }
        let path = Self::name(&self.opts, secs, self.n);
        let (shared, enc) = Self::open(&self.opts, &path)?;
        self.shared = shared;
        self.enc = enc;
        self.path = path;
        self.opened += 1;
        Ok(Saved::More)
    }

    /// Appends one packet, rotating first when the current file is full or old enough.
    pub fn write(&mut self, pkt: &Packet<'_>) -> Result<Saved, WriteError> {
        if self.opts.path != "-" {
            let r = self.opts.rotation;
            if let Some(g) = r.seconds {
                let now = now_secs();
                if now >= self.interval_start + g as i64 {
                    self.interval_start = now;
                    if self.rotate(now)? == Saved::Done {
                        return Ok(Saved::Done);
                    }
                }
            }
            if let Some(size) = r.size_bytes {
                if self.shared.0.borrow().bytes > size {
                    self.rotate(now_secs())?;
                }
            }
        }
        match &mut self.enc {
            Encoder::Pcap => {
                // A packet goes in as it is when it has the file's link type; a cooked file
                // also takes Ethernet and raw IP packets, each given a cooked header below.
                let cook = pkt.link_type != self.opts.link_type
                    && matches!(pkt.link_type, LinkType::ETHERNET | LinkType::RAW);
                if pkt.link_type != self.opts.link_type && !(cook && self.cooker.is_some()) {
                    return Err(WriteError::LinkType {
                        path: self.path.clone(),
                        packet: pkt.link_type.0,
                        file: self.opts.link_type.0,
                    });
                }
                // pcap-file wrote the file header; a record is 16 bytes of header (native
                // endianness, as that header says) and the bytes. Written in two copies into
                // the buffer rather than pcap-file's five field writes: this is the per-packet
                // path of every capture to a file.
                let frac = match self.opts.precision {
                    Precision::Micro => pkt.ts.nsec / 1000,
                    Precision::Nano => pkt.ts.nsec,
                };
                let (data, orig_len) = match self.cooker.as_mut() {
                    Some(c) if cook => c.cook(pkt),
                    _ => (pkt.data, pkt.orig_len),
                };
                let caplen = data.len() as u32;
                let mut head = [0u8; 16];
                head[0..4].copy_from_slice(&(pkt.ts.sec as u32).to_ne_bytes());
                head[4..8].copy_from_slice(&frac.to_ne_bytes());
                head[8..12].copy_from_slice(&caplen.to_ne_bytes());
                head[12..16].copy_from_slice(&orig_len.max(caplen).to_ne_bytes());
                let mut out = self.shared.0.borrow_mut();
                let r = out.w.write_all(&head).and_then(|()| out.w.write_all(data));
                out.bytes += 16 + u64::from(caplen);
                drop(out);
                r.map_err(|e| self.werr(e))?;
            }
            Encoder::PcapNg {
                w,
                ifaces,
                last,
                tail,
            } => {
                let ns = pkt.netns.map(|n| n.inode);
                let cached = last
                    .as_ref()
                    .filter(|(n, name, l, _)| {
                        *n == ns && *l == pkt.link_type && name.as_str() == pkt.ifname
                    })
                    .map(|&(_, _, _, id)| id);
                let known = match cached {
                    Some(id) => Some((pkt.link_type, id)),
                    None => ifaces
                        .get(&(ns, pkt.ifname.to_string()))
                        .and_then(|v| v.iter().find(|(l, _)| *l == pkt.link_type))
                        .copied(),
                };
                let id = match known {
                    Some((_, id)) => id,
                    None => {
                        let next = ifaces.values().map(Vec::len).sum::<usize>() as u32;
                        let mut options = vec![InterfaceDescriptionOption::IfName(Cow::Owned(
                            pkt.ifname.to_string(),
                        ))];
                        // Interface names repeat across namespaces: the description says
                        // which one this is (tshark shows it as
                        // frame.interface_description).
                        if let Some(n) = pkt.netns {
                            options.push(InterfaceDescriptionOption::IfDescription(Cow::Owned(
                                describe_netns(n),
                            )));
                        }
                        options.push(InterfaceDescriptionOption::IfTsResol(
                            match self.opts.precision {
                                Precision::Micro => 6,
                                Precision::Nano => 9,
                            },
                        ));
                        let idb = InterfaceDescriptionBlock {
                            linktype: DataLink::from(u32::from(pkt.link_type.0)),
                            snaplen: self.opts.snaplen,
                            options,
                        };
                        w.write_pcapng_block(idb).map_err(pcap_io).map_err(|e| {
                            WriteError::Write {
                                path: self.path.clone(),
                                source: e,
                            }
                        })?;
                        ifaces
                            .entry((ns, pkt.ifname.to_string()))
                            .or_default()
                            .push((pkt.link_type, next));
                        next
                    }
                };
                if cached.is_none() {
                    *last = Some((ns, pkt.ifname.to_string(), pkt.link_type, id));
                }
                // The timestamp counts units of the interface's if_tsresol (6: microseconds).
                // u64 arithmetic: a u128 division per packet was a visible share of a
                // capture's CPU.
                let nanos = (pkt.ts.sec.max(0) as u64)
                    .saturating_mul(1_000_000_000)
                    .saturating_add(u64::from(pkt.ts.nsec));
                let stamp = match self.opts.precision {
                    Precision::Nano => nanos,
                    Precision::Micro => nanos / 1000,
                };
                // Options: flags, which hook saw it (for a drop, why and where it died;
                // tshark shows it as frame.comment), who sent it (attribution on: tshark
                // shows both comments, comma-separated), the end marker; then the trailer.
                tail.clear();
                if let Some(flags) = epb_flags(pkt) {
                    put_option(tail, 2, &flags.to_ne_bytes());
                }
                match (pkt.hook, pkt.drop) {
                    (_, Some(d)) => put_option(tail, 1, d.to_string().as_bytes()),
                    (crate::packet::Hook::Socket, None) => put_option(tail, 1, b"hook: socket"),
                    _ => put_option(tail, 1, b"hook: tc"),
                }
                if let Some(words) = pkt
                    .owner
                    .as_ref()
                    .and_then(|o| crate::packet::owner_words(o, pkt.cgroup))
                {
                    put_option(tail, 1, words.as_bytes());
                }
                tail.extend_from_slice(&[0; 4]);
                let caplen = pkt.data.len();
                let pad = (4 - caplen % 4) % 4;
                let block_len = (12 + 20 + caplen + pad + tail.len()) as u32;
                tail.extend_from_slice(&block_len.to_ne_bytes());
                let mut head = [0u8; 28];
                for (i, v) in [
                    ENHANCED_PACKET_BLOCK,
                    block_len,
                    id,
                    (stamp >> 32) as u32,
                    stamp as u32,
                    caplen as u32,
                    pkt.orig_len,
                ]
                .into_iter()
                .enumerate()
                {
                    head[i * 4..i * 4 + 4].copy_from_slice(&v.to_ne_bytes());
                }
                let mut out = self.shared.0.borrow_mut();
                let r = out
                    .w
                    .write_all(&head)
                    .and_then(|()| out.w.write_all(pkt.data))
                    .and_then(|()| out.w.write_all(&[0; 3][..pad]))
                    .and_then(|()| out.w.write_all(tail));
                out.bytes += u64::from(block_len);
                drop(out);
                r.map_err(|e| self.werr(e))?;
            }
        }
        self.packets += 1;
        if self.opts.flush_each {
            self.flush()?;
        }
        Ok(Saved::More)
    }

    /// Pushes everything written so far to the file (or pipe).
    pub fn flush(&mut self) -> Result<(), WriteError> {
        let r = self.shared.0.borrow_mut().w.flush();
        r.map_err(|e| self.werr(e))
    }
}

/// pcapng's Enhanced Packet Block type.
const ENHANCED_PACKET_BLOCK: u32 = 6;

/// Appends a pcapng option (code, length, value padded to 4 bytes) in native byte order,
/// the section's.
fn put_option(buf: &mut Vec<u8>, code: u16, value: &[u8]) {
    // An option's length is 16 bits: a longer value (never seen) is cut.
    let value = &value[..value.len().min(usize::from(u16::MAX) & !3)];
    buf.extend_from_slice(&code.to_ne_bytes());
    buf.extend_from_slice(&(value.len() as u16).to_ne_bytes());
    buf.extend_from_slice(value);
    buf.extend_from_slice(&[0; 3][..(4 - value.len() % 4) % 4]);
}

/// An interface block's description of namespace `n`: `netns blue (inode 4026532247)`, or
/// `netns inode 4026532247` for one without an `ip netns` name.
fn describe_netns(n: &Netns) -> String {
    match &n.name {
        Some(name) => format!("netns {name} (inode {})", n.inode),
        None => format!("netns inode {}", n.inode),
    }
}

/// pcapng `epb_flags`: direction in bits 0-1 (1 inbound, 2 outbound), reception type in
/// bits 2-4 (1 unicast, 2 multicast, 3 broadcast, 4 promiscuous).
fn epb_flags(pkt: &Packet<'_>) -> Option<u32> {
    match pkt.direction {
        Direction::Egress => Some(2),
        Direction::Ingress => {
            let reception = match pkt.pkt_type {
                pkt_type::BROADCAST => 3,
                pkt_type::MULTICAST => 2,
                pkt_type::OTHERHOST => 4,
                _ => 1,
            };
            Some(1 | (reception << 2))
        }
        Direction::Unknown => None,
    }
}

fn pcap_io(e: PcapError) -> io::Error {
    match e {
        PcapError::IoError(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use pcap_file::pcapng::{blocks::enhanced_packet::EnhancedPacketOption, Block, PcapNgReader};

    use super::*;
    use crate::{
        packet::{Dropped, Hook, Timestamp},
        savefile::Rotation,
    };

    fn packet<'a>(
        ifname: &'a str,
        data: &'a [u8],
        hook: Hook,
        drop: Option<Dropped<'a>>,
    ) -> Packet<'a> {
        Packet {
            ts: Timestamp {
                sec: 1_700_000_000,
                nsec: 123_456_789,
            },
            ifname,
            netns: None,
            direction: Direction::Ingress,
            pkt_type: pkt_type::BROADCAST,
            hook,
            link_type: LinkType::ETHERNET,
            orig_len: 1000,
            data,
            drop,
            owner: None,
            cgroup: None,
        }
    }

    /// Netdump's own Enhanced Packet Blocks, read back by pcap-file: every field and option
    /// where pcap-file's writer put them, for data lengths needing each padding.
    #[test]
    fn pcapng_packet_blocks_read_back() {
        for precision in [Precision::Micro, Precision::Nano] {
            let path = std::env::temp_dir().join(format!(
                "netdump-write-test-{}-{precision:?}.pcapng",
                std::process::id()
            ));
            let mut saver = Saver::create(SaveOptions {
                path: path.display().to_string(),
                format: Format::PcapNg,
                precision,
                snaplen: 262_144,
                rotation: Rotation::default(),
                flush_each: false,
                link_type: LinkType::ETHERNET,
            })
            .unwrap();
            let data: Vec<u8> = (0..67u8).collect();
            let drop = Dropped {
                reason: Some("NOT_SPECIFIED"),
                location: "kfree_skb+0x1",
            };
            let sent = [
                packet("eth0", &data[..60], Hook::Tc, None),
                packet("eth0", &data[..61], Hook::Socket, None),
                packet("eth1", &data[..62], Hook::Tc, None),
                packet("eth0", &data[..63], Hook::Tc, Some(drop)),
                packet("eth1", &data[..0], Hook::Tc, None),
            ];
            for p in &sent {
                assert_eq!(saver.write(p).unwrap(), Saved::More);
            }
            saver.flush().unwrap();
            let bytes = std::fs::read(&path).unwrap();
            let _ = std::fs::remove_file(&path);
            let mut reader = PcapNgReader::new(&bytes[..]).unwrap();
            let mut got = Vec::new();
            while let Some(block) = reader.next_block() {
                if let Block::EnhancedPacket(epb) = block.unwrap() {
                    got.push((
                        epb.interface_id,
                        epb.timestamp.as_nanos(),
                        epb.original_len,
                        epb.data.to_vec(),
                        epb.options
                            .into_iter()
                            .map(EnhancedPacketOption::into_owned)
                            .collect::<Vec<_>>(),
                    ));
                }
            }
            let units = match precision {
                Precision::Micro => 1_700_000_000_123_456u128,
                Precision::Nano => 1_700_000_000_123_456_789,
            };
            let flags = EnhancedPacketOption::Flags(1 | (3 << 2));
            let comment = |c: &str| EnhancedPacketOption::Comment(Cow::Owned(c.to_string()));
            let want = vec![
                (
                    0,
                    units,
                    1000,
                    data[..60].to_vec(),
                    vec![flags.clone(), comment("hook: tc")],
                ),
                (
                    0,
                    units,
                    1000,
                    data[..61].to_vec(),
                    vec![flags.clone(), comment("hook: socket")],
                ),
                (
                    1,
                    units,
                    1000,
                    data[..62].to_vec(),
                    vec![flags.clone(), comment("hook: tc")],
                ),
                (
                    0,
                    units,
                    1000,
                    data[..63].to_vec(),
                    vec![
                        flags.clone(),
                        comment("drop NOT_SPECIFIED at kfree_skb+0x1"),
                    ],
                ),
                (
                    1,
                    units,
                    1000,
                    Vec::new(),
                    vec![flags.clone(), comment("hook: tc")],
                ),
            ];
            assert_eq!(got, want, "{precision:?}");
        }
    }
}
