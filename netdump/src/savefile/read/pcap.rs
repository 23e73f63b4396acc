//! The pcap format (libpcap's `sf-pcap.c`): micro- and nanosecond magics in both byte orders,
//! and Alexey Kuznetzov's modified pcap with its longer record header.

use std::io::Read;

use super::{adjust_snaplen, link_type, max_snaplen, read_full, read_into, Bad, Endian};
use crate::packet::{Direction, Hook, LinkType, Packet, Timestamp};

const MICRO: u32 = 0xa1b2_c3d4;
const NANO: u32 = 0xa1b2_3c4d;
const KUZNETZOV: u32 = 0xa1b2_cd34;

/// The byte order of a pcap file, if `magic` starts one.
pub(super) fn magic(magic: [u8; 4]) -> Option<Endian> {
    if [MICRO, NANO, KUZNETZOV].contains(&u32::from_le_bytes(magic)) {
        Some(Endian::Little)
    } else if [MICRO, NANO, KUZNETZOV].contains(&u32::from_be_bytes(magic)) {
        Some(Endian::Big)
    } else {
        None
    }
}

/// Whether a record header's captured and original lengths are in the pre-2.3 order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lengths {
    InOrder,
    Swapped,
    /// Version 2.3 files were written both ways: swapped if caplen > len.
    Maybe,
}

pub(super) struct PcapReader<R> {
    input: R,
    endian: Endian,
    nano: bool,
    /// 16 bytes, or 24 in Kuznetzov's modified format (ifindex, protocol, pkt_type, pad).
    record_header: usize,
    lengths: Lengths,
    raw_link_type: u32,
    pub(super) link_type: LinkType,
    /// libpcap's adjusted snapshot length: records longer are cut to it.
    pub(super) snaplen: u32,
    data: Vec<u8>,
}

impl<R: Read> PcapReader<R> {
    /// Reads the rest of the file header; `magic` (its first 4 bytes) has been read.
    pub(super) fn new(mut input: R, magic: [u8; 4], endian: Endian) -> Result<Self, Bad> {
        let mut header = [0u8; 24];
        header[..4].copy_from_slice(&magic);
        let got = read_full(&mut input, &mut header[4..])?;
        if got < 20 {
            return Err(Bad(format!(
                "truncated dump file; tried to read 24 file header bytes, only got {got}"
            )));
        }
        let magic = endian.u32(&header, 0);
        let (major, minor) = (endian.u16(&header, 4), endian.u16(&header, 6));
        if major < 2 {
            return Err(Bad("archaic pcap savefile format".into()));
        }
        // Versions 2.0 to 2.4, and 543.0 (DG/UX tcpdump).
        if !((major == 2 && minor <= 4) || (major == 543 && minor == 0)) {
            return Err(Bad(format!(
                "unsupported pcap savefile version {major}.{minor}"
            )));
        }
        // The upper 6 bits are the FCS length and flags (LT_LINKTYPE_EXT), not the link type.
        let raw_link_type = endian.u32(&header, 20) & 0x03ff_ffff;
        let mut snaplen = adjust_snaplen(raw_link_type, endian.u32(&header, 16));
        let lengths = match (major, minor) {
            (2, 0..=2) | (543, _) => Lengths::Swapped,
            (2, 3) => Lengths::Maybe,
            _ => Lengths::InOrder,
        };
        let record_header = if magic == KUZNETZOV {
            // libpcap assumes a cooked-mode capture, whose faked Ethernet header came on
            // top of the snapshot length.
            if raw_link_type == 1 {
                snaplen = snaplen.saturating_add(14).min(i32::MAX as u32);
            }
            24
        } else {
            16
        };
        Ok(PcapReader {
            input,
            endian,
            nano: magic == NANO,
            record_header,
            lengths,
            raw_link_type,
            link_type: link_type(raw_link_type)?,
            snaplen,
            data: Vec::new(),
        })
    }

    /// The next record, as libpcap's `pcap_next_packet` reads it.
    pub(super) fn next_packet(&mut self) -> Result<Option<Packet<'_>>, Bad> {
        let mut header = [0u8; 24];
        let want = self.record_header;
        let got = read_full(&mut self.input, &mut header[..want])?;
        if got == 0 {
            return Ok(None);
        }
        if got < want {
            return Err(Bad(format!(
                "truncated dump file; tried to read {want} header bytes, only got {got}"
            )));
        }
        let e = self.endian;
        let sec = e.u32(&header, 0) as i32;
        let frac = e.u32(&header, 4);
        let (mut caplen, mut len) = (e.u32(&header, 8), e.u32(&header, 12));
        if self.lengths == Lengths::Swapped || (self.lengths == Lengths::Maybe && caplen > len) {
            std::mem::swap(&mut caplen, &mut len);
        }
        let max = max_snaplen(self.raw_link_type);
        if caplen > max {
            return Err(Bad(if caplen > self.snaplen {
                format!(
                    "invalid packet capture length {caplen}, bigger than snaplen of {}",
                    self.snaplen
                )
            } else {
                format!("invalid packet capture length {caplen}, bigger than maximum of {max}")
            }));
        }
        if caplen > self.snaplen {
            // libpcap keeps the first snaplen bytes and skips the rest of the record.
            let snap = self.snaplen as usize;
            let got = read_into(&mut self.input, &mut self.data, snap)?;
            if got < snap {
                return Err(Bad(format!(
                    "truncated dump file; tried to read {snap} captured bytes, only got {got}"
                )));
            }
            let extra = u64::from(caplen - self.snaplen);
            let skipped = std::io::copy(&mut (&mut self.input).take(extra), &mut std::io::sink())?;
            if skipped < extra {
                return Err(Bad(format!(
                    "truncated dump file; tried to read {caplen} captured bytes, only got {}",
                    snap as u64 + skipped
                )));
            }
        } else {
            let got = read_into(&mut self.input, &mut self.data, caplen as usize)?;
            if got < caplen as usize {
                return Err(Bad(format!(
                    "truncated dump file; tried to read {caplen} captured bytes, only got {got}"
                )));
            }
        }
        let nsec = if self.nano {
            frac
        } else {
            frac.saturating_mul(1000)
        };
        Ok(Some(Packet {
            ts: Timestamp {
                sec: i64::from(sec),
                nsec,
            },
            ifname: "",
            netns: None,
            direction: Direction::Unknown,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type: self.link_type,
            orig_len: len,
            data: &self.data,
            drop: None,
            owner: None,
            cgroup: None,
        }))
    }
}
