//! The pcapng format (libpcap's `sf-pcapng.c`): section headers in either byte order,
//! interfaces with their time resolution, offset and name, enhanced, simple and (obsolete)
//! packet blocks; other blocks are skipped.
//!
//! Where libpcap gives up on a file whose interfaces differ in link type or snapshot length,
//! netdump reads on: every packet carries its own interface's.

use std::io::Read;

use super::{adjust_snaplen, link_type, max_snaplen, read_full, read_into, Bad, Endian};
use crate::packet::{Direction, Hook, LinkType, Packet, Timestamp};

/// The section header block's type, the same in both byte orders.
pub(super) const SHB_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];
const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;

const SHB: u32 = 0x0a0d_0d0a;
const IDB: u32 = 1;
const PB: u32 = 2;
const SPB: u32 = 3;
const EPB: u32 = 6;

/// Block type and total length in front, total length again behind.
const BLOCK_OVERHEAD: usize = 12;
/// libpcap's `BT_SHB_INSANE_MAX`.
const SHB_MAX: u32 = 1024 * 1024;
/// libpcap's `INITIAL_MAX_BLOCKSIZE`.
const INITIAL_MAX_BLOCK: u32 = 16 * 1024 * 1024;

const OPT_ENDOFOPT: u16 = 0;
const OPT_COMMENT: u16 = 1;
const IF_NAME: u16 = 2;
const IF_TSRESOL: u16 = 9;
const IF_TSOFFSET: u16 = 14;
const EPB_FLAGS: u16 = 2;

/// One interface (IDB) of the current section.
struct Interface {
    link_type: LinkType,
    /// Adjusted as libpcap adjusts it; a longer captured length is an error.
    snaplen: u32,
    /// Timestamp units per second.
    units: u64,
    /// Seconds added to every timestamp.
    offset: u64,
    name: String,
}

pub(super) struct PcapNgReader<R> {
    input: R,
    endian: Endian,
    interfaces: Vec<Interface>,
    pub(super) first_link_type: LinkType,
    pub(super) first_snaplen: u32,
    max_block: u32,
    /// The current block's body (after type and length, before the trailer).
    block: Vec<u8>,
}

/// The options in `b` as (code, value) pairs, until the end of `b`; the caller stops at an
/// end marker. An option that runs past the block is libpcap's "too short".
fn options(
    b: &[u8],
    endian: Endian,
    block_type: u32,
) -> impl Iterator<Item = Result<(u16, &[u8]), Bad>> {
    let mut rest = b;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let code = endian.u16(rest, 0);
        let len = usize::from(endian.u16(rest, 2));
        let padded = 4 + len.div_ceil(4) * 4;
        match (rest.get(4..4 + len), rest.get(padded..)) {
            (Some(value), Some(after)) if rest.len() >= 4 => {
                rest = after;
                Some(Ok((code, value)))
            }
            _ => {
                rest = &[];
                Some(Err(Bad(format!(
                    "block of type {block_type} in pcapng dump file is too short"
                ))))
            }
        }
    })
}

impl<R: Read> PcapNgReader<R> {
    /// Reads the first section header (its type has been read) and blocks up to the first
    /// interface, as libpcap does on open. `None`: no byte-order magic, so not pcapng.
    pub(super) fn new(mut input: R) -> Result<Option<Self>, Bad> {
        let mut head = [0u8; 8];
        if read_full(&mut input, &mut head)? < head.len() {
            return Ok(None);
        }
        let endian = if u32::from_le_bytes([head[4], head[5], head[6], head[7]]) == BYTE_ORDER_MAGIC
        {
            Endian::Little
        } else if u32::from_be_bytes([head[4], head[5], head[6], head[7]]) == BYTE_ORDER_MAGIC {
            Endian::Big
        } else {
            return Ok(None);
        };
        let total = endian.u32(&head, 0);
        if !(28..=SHB_MAX).contains(&total) {
            return Err(Bad(format!(
                "section header block in pcapng dump file has invalid length {total} (not 28 to {SHB_MAX})"
            )));
        }
        let mut r = PcapNgReader {
            input,
            endian,
            interfaces: Vec::new(),
            first_link_type: LinkType::ETHERNET,
            first_snaplen: 0,
            max_block: INITIAL_MAX_BLOCK,
            block: Vec::new(),
        };
        // libpcap reads the rest of the first section header without checking its trailer.
        let rest = total as usize - 12;
        let got = read_into(&mut r.input, &mut r.block, rest)?;
        if got < rest {
            return Err(Bad(format!(
                "truncated pcapng dump file; tried to read {rest} bytes, only got {got}"
            )));
        }
        let (major, minor) = (endian.u16(&r.block, 0), endian.u16(&r.block, 2));
        if !(major == 1 && (minor == 0 || minor == 2)) {
            return Err(Bad(format!(
                "unsupported pcapng savefile version {major}.{minor}"
            )));
        }
        loop {
            let Some(block_type) = r.read_block()? else {
                return Err(Bad(
                    "the capture file has no Interface Description Blocks".into()
                ));
            };
            match block_type {
                IDB => {
                    r.add_interface()?;
                    if let Some(first) = r.interfaces.first() {
                        r.first_link_type = first.link_type;
                        r.first_snaplen = first.snaplen;
                    }
                    return Ok(Some(r));
                }
                EPB | SPB | PB => return Err(Bad(
                    "the capture file has a packet block before any Interface Description Blocks"
                        .into(),
                )),
                _ => {}
            }
        }
    }

    /// Reads the next block into `self.block`; returns its type, `None` at the end of the file.
    fn read_block(&mut self) -> Result<Option<u32>, Bad> {
        let mut head = [0u8; 8];
        let got = read_full(&mut self.input, &mut head)?;
        if got == 0 {
            return Ok(None);
        }
        if got < head.len() {
            return Err(Bad(format!(
                "truncated pcapng dump file; tried to read 8 bytes, only got {got}"
            )));
        }
        let block_type = self.endian.u32(&head, 0);
        let total = self.endian.u32(&head, 4);
        if (total as usize) < BLOCK_OVERHEAD {
            return Err(Bad(format!(
                "block in pcapng dump file has a length of {total} < {BLOCK_OVERHEAD}"
            )));
        }
        if !total.is_multiple_of(4) {
            return Err(Bad(format!(
                "block in pcapng dump file has a length of {total} that is not a multiple of 4"
            )));
        }
        if total > self.max_block {
            return Err(Bad(format!(
                "pcapng block size {total} > maximum {}",
                self.max_block
            )));
        }
        let rest = total as usize - 8;
        let got = read_into(&mut self.input, &mut self.block, rest)?;
        if got < rest {
            return Err(Bad(format!(
                "truncated pcapng dump file; tried to read {rest} bytes, only got {got}"
            )));
        }
        let body = rest - 4;
        if self.endian.u32(&self.block, body) != total {
            return Err(Bad(
                "block total length in header and trailer don't match".into()
            ));
        }
        self.block.truncate(body);
        Ok(Some(block_type))
    }

    /// Adds the interface in `self.block` (an IDB) to the section's.
    fn add_interface(&mut self) -> Result<(), Bad> {
        let e = self.endian;
        let b = &self.block;
        if b.len() < 8 {
            return Err(Bad(format!(
                "block of type {IDB} in pcapng dump file is too short"
            )));
        }
        let raw_link_type = u32::from(e.u16(b, 0));
        let snaplen = adjust_snaplen(raw_link_type, e.u32(b, 4));
        let mut units = 1_000_000u64;
        let mut offset = 0u64;
        let mut name = String::new();
        let (mut saw_tsresol, mut saw_tsoffset) = (false, false);
        for option in options(&b[8..], e, IDB) {
            let (code, value) = option?;
            match code {
                OPT_ENDOFOPT => {
                    if !value.is_empty() {
                        return Err(Bad(format!(
                            "Interface Description Block has opt_endofopt option with length {} != 0",
                            value.len()
                        )));
                    }
                    break;
                }
                IF_TSRESOL => {
                    let [r] = value else {
                        return Err(Bad(format!(
                            "Interface Description Block has if_tsresol option with length {} != 1",
                            value.len()
                        )));
                    };
                    if saw_tsresol {
                        return Err(Bad(
                            "Interface Description Block has more than one if_tsresol option"
                                .into(),
                        ));
                    }
                    saw_tsresol = true;
                    units = if r & 0x80 != 0 {
                        let shift = r & 0x7f;
                        if shift > 63 {
                            return Err(Bad(format!("Interface Description Block if_tsresol option resolution 2^-{shift} is too high")));
                        }
                        1u64 << shift
                    } else {
                        if *r > 19 {
                            return Err(Bad(format!("Interface Description Block if_tsresol option resolution 10^-{r} is too high")));
                        }
                        10u64.pow(u32::from(*r))
                    };
                }
                IF_TSOFFSET => {
                    if value.len() != 8 {
                        return Err(Bad(format!(
                            "Interface Description Block has if_tsoffset option with length {} != 8",
                            value.len()
                        )));
                    }
                    if saw_tsoffset {
                        return Err(Bad(
                            "Interface Description Block has more than one if_tsoffset option"
                                .into(),
                        ));
                    }
                    saw_tsoffset = true;
                    offset = e.u64(value, 0);
                }
                IF_NAME => {
                    name = String::from_utf8_lossy(value)
                        .trim_end_matches('\0')
                        .to_string();
                }
                _ => {}
            }
        }
        // libpcap's MAX_BLOCKSIZE_FOR_SNAPLEN: an EPB of the largest packet and 128 KiB of
        // options.
        let max_block = 8 + 20 + max_snaplen(raw_link_type) + 131_072 + 4;
        self.max_block = self.max_block.max(max_block);
        self.interfaces.push(Interface {
            link_type: link_type(raw_link_type)?,
            snaplen,
            units,
            offset,
            name,
        });
        Ok(())
    }

    /// Checks a section header in `self.block` and starts the section's interfaces afresh.
    fn new_section(&mut self) -> Result<(), Bad> {
        if self.block.len() < 16 {
            return Err(Bad(format!(
                "block of type {SHB} in pcapng dump file is too short"
            )));
        }
        match self.endian.u32(&self.block, 0) {
            BYTE_ORDER_MAGIC => {}
            m if m == BYTE_ORDER_MAGIC.swap_bytes() => {
                return Err(Bad(
                    "the file has sections with different byte orders".into()
                ))
            }
            _ => {
                return Err(Bad(
                    "the file has a section with a bad byte order magic field".into(),
                ))
            }
        }
        let major = self.endian.u16(&self.block, 4);
        if major != 1 {
            return Err(Bad(format!(
                "unknown pcapng savefile major version number {major}"
            )));
        }
        self.interfaces.clear();
        Ok(())
    }

    /// The next packet block, as libpcap's `pcap_ng_next_packet` reads it.
    pub(super) fn next_packet(&mut self) -> Result<Option<Packet<'_>>, Bad> {
        let e = self.endian;
        // (block type, interface, timestamp, caplen, len, where the data starts)
        let (block_type, iface, t, caplen, len, start) = loop {
            let Some(block_type) = self.read_block()? else {
                return Ok(None);
            };
            let b = &self.block;
            let too_short = || {
                Bad(format!(
                    "block of type {block_type} in pcapng dump file is too short"
                ))
            };
            match block_type {
                EPB => {
                    if b.len() < 20 {
                        return Err(too_short());
                    }
                    let t = (u64::from(e.u32(b, 4)) << 32) | u64::from(e.u32(b, 8));
                    break (EPB, e.u32(b, 0), t, e.u32(b, 12), e.u32(b, 16), 20);
                }
                PB => {
                    if b.len() < 20 {
                        return Err(too_short());
                    }
                    let t = (u64::from(e.u32(b, 4)) << 32) | u64::from(e.u32(b, 8));
                    break (
                        PB,
                        u32::from(e.u16(b, 0)),
                        t,
                        e.u32(b, 12),
                        e.u32(b, 16),
                        20,
                    );
                }
                SPB => {
                    if b.len() < 4 {
                        return Err(too_short());
                    }
                    let len = e.u32(b, 0);
                    // No captured length: the packet, cut to the first interface's snaplen.
                    let snaplen = self.interfaces.first().map_or(u32::MAX, |i| i.snaplen);
                    break (SPB, 0, 0, len.min(snaplen), len, 4);
                }
                IDB => self.add_interface()?,
                SHB => self.new_section()?,
                _ => {}
            }
        };
        let Some(interface) = self.interfaces.get(iface as usize) else {
            return Err(Bad(format!("a packet arrived on interface {iface}, but there's no Interface Description Block for that interface")));
        };
        if caplen > interface.snaplen {
            return Err(Bad(format!(
                "invalid packet capture length {caplen}, bigger than snaplen of {}",
                interface.snaplen
            )));
        }
        let Some(data) = self.block.get(start..start + caplen as usize) else {
            return Err(Bad(format!(
                "block of type {block_type} in pcapng dump file is too short"
            )));
        };
        let sec = (t / interface.units).wrapping_add(interface.offset);
        let frac = t % interface.units;
        let nsec = (u128::from(frac) * 1_000_000_000 / u128::from(interface.units)) as u32;
        let mut pkt = Packet {
            ts: Timestamp {
                sec: sec as i64,
                nsec,
            },
            ifname: &interface.name,
            netns: None,
            direction: Direction::Unknown,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type: interface.link_type,
            orig_len: len,
            data,
            drop: None,
            owner: None,
            cgroup: None,
        };
        if block_type == EPB {
            // EPB options netdump writes: direction and packet type, and the hook. libpcap
            // ignores them, so a malformed list is ignored too.
            let after = (start + caplen as usize).div_ceil(4) * 4;
            let opts = self.block.get(after..).unwrap_or_default();
            for (code, value) in options(opts, e, EPB).map_while(Result::ok) {
                match code {
                    EPB_FLAGS if value.len() == 4 => {
                        let flags = e.u32(value, 0);
                        pkt.direction = match flags & 3 {
                            1 => Direction::Ingress,
                            2 => Direction::Egress,
                            _ => Direction::Unknown,
                        };
                        pkt.pkt_type = match (flags >> 2) & 7 {
                            2 => 2,
                            3 => 1,
                            4 => 3,
                            _ => 0,
                        };
                        if pkt.direction == Direction::Egress {
                            pkt.pkt_type = 4;
                        }
                    }
                    OPT_COMMENT if value == b"hook: socket" => pkt.hook = Hook::Socket,
                    OPT_ENDOFOPT => break,
                    _ => {}
                }
            }
        }
        Ok(Some(pkt))
    }
}
