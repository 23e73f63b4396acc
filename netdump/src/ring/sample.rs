//! The one place where bytes from the kernel become records: [`parse`] checks every length
//! before reading, and [`wire_frame`] puts an offloaded VLAN tag back where it was on the wire.

use netdump_common::{
    direction, drop_link, hook, owner::OwnerInfo, sample_flags, DropInfo, SampleHeader,
};
use thiserror::Error;

use crate::packet::{Direction, Hook, LinkType};

const HEADER_LEN: usize = core::mem::size_of::<SampleHeader>();
const DROP_LEN: usize = core::mem::size_of::<DropInfo>();
const OWNER_LEN: usize = core::mem::size_of::<OwnerInfo>();

/// A sample whose header has been checked against the bytes that carry it.
#[derive(Clone, Copy, Debug)]
pub struct Sample<'a> {
    pub header: SampleHeader,
    /// A drop's reason and location ([`hook::DROP`] samples).
    pub drop: Option<DropInfo>,
    /// The owner record ([`sample_flags::OWNER`]): who owns the packet's socket, or a record
    /// without `KNOWN` when the kernel found nobody.
    pub owner: Option<OwnerInfo>,
    /// The captured packet bytes (`header.cap_len` of them), without an offloaded VLAN tag.
    pub data: &'a [u8],
}

impl Sample<'_> {
    pub fn direction(&self) -> Direction {
        match self.header.direction {
            direction::INGRESS => Direction::Ingress,
            direction::EGRESS => Direction::Egress,
            _ => Direction::Unknown,
        }
    }

    pub fn hook(&self) -> Hook {
        match self.header.hook {
            hook::SOCKET => Hook::Socket,
            hook::DROP => Hook::Drop,
            _ => Hook::Tc,
        }
    }

    /// How a drop's bytes start (a hook's depend on its interface).
    pub fn drop_link_type(&self) -> Option<LinkType> {
        self.drop.map(|d| match d.link {
            drop_link::RAW => LinkType::RAW,
            _ => LinkType::ETHERNET,
        })
    }

    /// The offloaded VLAN tag (TPID, TCI), if the kernel had moved one into metadata.
    pub fn offloaded_vlan(&self) -> Option<(u16, u16)> {
        (self.header.flags & sample_flags::VLAN_OFFLOADED != 0).then(|| {
            let tpid = if self.header.vlan_proto == 0 {
                0x8100
            } else {
                self.header.vlan_proto
            };
            (tpid, self.header.vlan_tci)
        })
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SampleError {
    #[error("sample of {len} bytes is shorter than its {HEADER_LEN}-byte header")]
    Short { len: usize },
    #[error("sample says it carries {cap_len} packet bytes but only {have} follow its header")]
    Truncated { cap_len: u32, have: usize },
    #[error("sample has unknown hook {hook} or direction {direction}")]
    BadField { hook: u8, direction: u8 },
    #[error("drop sample of {len} bytes is shorter than its header and drop record")]
    ShortDrop { len: usize },
    #[error("drop sample has unknown link {0}")]
    BadLink(u8),
    #[error("sample of {len} bytes is shorter than its header and owner record")]
    ShortOwner { len: usize },
}

/// Reads one sample from a ring-buffer or perf-buffer record.
pub fn parse(record: &[u8]) -> Result<Sample<'_>, SampleError> {
    let Some(head) = record.get(..HEADER_LEN) else {
        return Err(SampleError::Short { len: record.len() });
    };
    // SAFETY: `head` is exactly size_of::<SampleHeader>() bytes, SampleHeader is repr(C)
    // plain data valid for any bit pattern, and read_unaligned needs no alignment.
    let header: SampleHeader = unsafe { core::ptr::read_unaligned(head.as_ptr().cast()) };
    let mut rest = &record[HEADER_LEN..];
    let drop = match header.hook {
        hook::TC | hook::SOCKET
            if matches!(header.direction, direction::INGRESS | direction::EGRESS) =>
        {
            None
        }
        // A drop has no direction.
        hook::DROP if header.direction == 0 => {
            let Some(info) = rest.get(..DROP_LEN) else {
                return Err(SampleError::ShortDrop { len: record.len() });
            };
            // SAFETY: as above, for DropInfo.
            let info: DropInfo = unsafe { core::ptr::read_unaligned(info.as_ptr().cast()) };
            if !matches!(info.link, drop_link::ETHERNET | drop_link::RAW) {
                return Err(SampleError::BadLink(info.link));
            }
            rest = &rest[DROP_LEN..];
            Some(info)
        }
        _ => {
            return Err(SampleError::BadField {
                hook: header.hook,
                direction: header.direction,
            })
        }
    };
    let owner = if header.flags & sample_flags::OWNER != 0 {
        let Some(o) = rest.get(..OWNER_LEN) else {
            return Err(SampleError::ShortOwner { len: record.len() });
        };
        // SAFETY: as above, for OwnerInfo.
        let o: OwnerInfo = unsafe { core::ptr::read_unaligned(o.as_ptr().cast()) };
        rest = &rest[OWNER_LEN..];
        Some(o)
    } else {
        None
    };
    let Some(data) = rest.get(..header.cap_len as usize) else {
        return Err(SampleError::Truncated {
            cap_len: header.cap_len,
            have: rest.len(),
        });
    };
    Ok(Sample {
        header,
        drop,
        owner,
        data,
    })
}

/// The frame as it crossed the wire, and its original length: when the kernel had moved a
/// VLAN tag into skb metadata, the tag is re-inserted after the MAC addresses (as libpcap
/// does), using `buf` for the copy.
pub fn wire_frame<'a>(sample: &Sample<'a>, buf: &'a mut Vec<u8>) -> (&'a [u8], u32) {
    let data = sample.data;
    match sample.offloaded_vlan() {
        Some((tpid, tci)) if data.len() >= 12 => {
            buf.clear();
            buf.extend_from_slice(&data[..12]);
            buf.extend_from_slice(&tpid.to_be_bytes());
            buf.extend_from_slice(&tci.to_be_bytes());
            buf.extend_from_slice(&data[12..]);
            (&buf[..], sample.header.orig_len.saturating_add(4))
        }
        _ => (data, sample.header.orig_len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(header: SampleHeader, data: &[u8]) -> Vec<u8> {
        // SAFETY: SampleHeader is repr(C) plain data without implicit padding.
        let bytes: [u8; HEADER_LEN] = unsafe { core::mem::transmute(header) };
        let mut v = bytes.to_vec();
        v.extend_from_slice(data);
        v
    }

    fn header(cap_len: u32) -> SampleHeader {
        SampleHeader {
            cap_len,
            orig_len: 100,
            hook: hook::TC,
            direction: direction::INGRESS,
            ..Default::default()
        }
    }

    #[test]
    fn parses_header_and_data_ignoring_class_padding() {
        let mut rec = record(header(3), &[1, 2, 3]);
        rec.extend_from_slice(&[0; 61]);
        let s = parse(&rec).unwrap();
        assert_eq!(s.data, &[1, 2, 3]);
        assert_eq!(s.header.orig_len, 100);
    }

    #[test]
    fn rejects_short_truncated_and_garbage() {
        assert_eq!(parse(&[0; 5]).unwrap_err(), SampleError::Short { len: 5 });
        let rec = record(header(10), &[1, 2]);
        assert_eq!(
            parse(&rec).unwrap_err(),
            SampleError::Truncated {
                cap_len: 10,
                have: 2
            }
        );
        let mut bad = header(0);
        bad.hook = 9;
        assert!(matches!(
            parse(&record(bad, &[])),
            Err(SampleError::BadField { .. })
        ));
    }

    #[test]
    fn drop_samples_carry_their_record_before_the_bytes() {
        let mut h = header(2);
        h.hook = hook::DROP;
        h.direction = 0;
        let info = DropInfo {
            location: 0xffff_ffff_8100_019c,
            reason: 12,
            link: drop_link::RAW,
            _pad: [0; 3],
        };
        // SAFETY: DropInfo is repr(C) plain data without implicit padding.
        let info_bytes: [u8; DROP_LEN] = unsafe { core::mem::transmute(info) };
        let mut rec = record(h, &info_bytes);
        rec.extend_from_slice(&[0x45, 0]);
        let s = parse(&rec).unwrap();
        assert_eq!(s.drop, Some(info));
        assert_eq!(s.data, &[0x45, 0]);
        assert_eq!(s.hook(), Hook::Drop);
        assert_eq!(s.drop_link_type(), Some(LinkType::RAW));
        // Cut inside the drop record, or the data; a bad link; a drop with a direction.
        for len in HEADER_LEN..rec.len() {
            assert!(parse(&rec[..len]).is_err(), "cut at {len}");
        }
        let mut bad = rec.clone();
        bad[HEADER_LEN + 12] = 9;
        assert_eq!(parse(&bad).unwrap_err(), SampleError::BadLink(9));
        let mut dir = h;
        dir.direction = direction::INGRESS;
        assert!(matches!(
            parse(&record(dir, &info_bytes)),
            Err(SampleError::BadField { .. })
        ));
    }

    #[test]
    fn owner_records_sit_between_header_and_bytes() {
        let mut h = header(2);
        h.flags = sample_flags::OWNER;
        let owner = OwnerInfo {
            tgid: 42,
            tid: 43,
            uid: 1000,
            flags: netdump_common::owner::owner_flags::KNOWN,
            cgroup: 7,
            comm: *b"curl\0\0\0\0\0\0\0\0\0\0\0\0",
        };
        // SAFETY: OwnerInfo is repr(C) plain data without implicit padding.
        let o: [u8; OWNER_LEN] = unsafe { core::mem::transmute(owner) };
        let mut body = o.to_vec();
        body.extend_from_slice(&[9, 8]);
        let rec = record(h, &body);
        let s = parse(&rec).unwrap();
        assert_eq!(s.owner, Some(owner));
        assert_eq!(s.data, &[9, 8]);
        for cut in HEADER_LEN..rec.len() {
            assert!(parse(&rec[..cut]).is_err(), "cut at {cut}");
        }
        // Without the flag the same bytes are packet data.
        assert_eq!(parse(&record(header(2), &[9, 8])).unwrap().owner, None);
    }

    #[test]
    fn reinserts_offloaded_vlan_tag() {
        let mut h = header(14);
        h.flags = sample_flags::VLAN_OFFLOADED;
        h.vlan_tci = 20;
        h.vlan_proto = 0x8100;
        let frame: Vec<u8> = (0..14).collect();
        let rec = record(h, &frame);
        let s = parse(&rec).unwrap();
        let mut buf = Vec::new();
        let (wire, len) = wire_frame(&s, &mut buf);
        assert_eq!(len, 104);
        assert_eq!(&wire[..12], &frame[..12]);
        assert_eq!(&wire[12..16], &[0x81, 0x00, 0x00, 20]);
        assert_eq!(&wire[16..], &frame[12..]);
    }
}
