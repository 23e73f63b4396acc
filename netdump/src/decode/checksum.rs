//! The Internet checksum (RFC 1071) and the IPv4/IPv6 pseudo-header sums of TCP, UDP, ICMPv6.

use super::Addrs;

/// The ones'-complement sum of `data` plus `init`, folded and inverted: zero over data that
/// carries a right checksum.
pub fn internet_checksum(data: &[u8], init: u32) -> u16 {
    let mut sum = u64::from(init);
    for pair in data.chunks(2) {
        let w = match pair {
            [a, b] => u16::from_be_bytes([*a, *b]),
            [a] => u16::from_be_bytes([*a, 0]),
            _ => 0,
        };
        sum += u64::from(w);
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The checksum `data` should carry, the 16-bit field at `at` taken as zero.
pub fn expected(data: &[u8], at: usize, init: u32) -> u16 {
    let mut copy = data.to_vec();
    if let Some(field) = copy.get_mut(at..at.saturating_add(2)) {
        if field.len() == 2 {
            field.fill(0);
        }
    }
    internet_checksum(&copy, init)
}

/// The pseudo-header's sum for a transport segment of `len` bytes of protocol `proto`.
pub fn pseudo_sum(addrs: &Addrs, proto: u8, len: usize) -> u32 {
    let mut sum = 0u32;
    let mut add = |b: &[u8]| {
        for p in b.chunks(2) {
            sum += u32::from(u16::from_be_bytes([p[0], p.get(1).copied().unwrap_or(0)]));
        }
    };
    match addrs {
        Addrs::V4(s, d) => {
            add(&s.octets());
            add(&d.octets());
        }
        Addrs::V6(s, d) => {
            add(&s.octets());
            add(&d.octets());
        }
    }
    sum + u32::from(proto) + (len as u32 & 0xffff) + ((len as u32) >> 16)
}

/// Zero when the segment's checksum (with its pseudo-header) is right.
pub fn transport(addrs: &Addrs, proto: u8, seg: &[u8]) -> u16 {
    internet_checksum(seg, pseudo_sum(addrs, proto, seg.len()))
}

/// The checksum the segment should carry, its checksum field being at `at`.
pub fn transport_expected(addrs: &Addrs, proto: u8, seg: &[u8], at: usize) -> u16 {
    expected(seg, at, pseudo_sum(addrs, proto, seg.len()))
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    /// RFC 1071's example sums to 0xddf2 (before inversion).
    #[test]
    fn rfc1071_example() {
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(internet_checksum(&data, 0), !0xddf2);
    }

    #[test]
    fn odd_length_and_empty() {
        assert_eq!(internet_checksum(&[], 0), 0xffff);
        assert_eq!(internet_checksum(&[0xff], 0), !0xff00);
    }

    #[test]
    fn expected_then_verified() {
        let mut hdr = [
            0x45, 0, 0, 20, 0, 1, 0, 0, 64, 17, 0xaa, 0xbb, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        let want = expected(&hdr, 10, 0);
        hdr[10..12].copy_from_slice(&want.to_be_bytes());
        assert_eq!(internet_checksum(&hdr, 0), 0);
        // A field past the end is left alone.
        assert_eq!(expected(&hdr, 19, 0), internet_checksum(&hdr, 0));
    }

    #[test]
    fn udp_with_pseudo_header() {
        let addrs = Addrs::V4(Ipv4Addr::new(198, 18, 0, 1), Ipv4Addr::new(198, 18, 0, 2));
        let mut seg = [0x15, 0xb3, 0x9c, 0x40, 0, 10, 0, 0, 0x41, 0x42];
        let want = transport_expected(&addrs, 17, &seg, 6);
        seg[6..8].copy_from_slice(&want.to_be_bytes());
        assert_eq!(transport(&addrs, 17, &seg), 0);
    }
}
