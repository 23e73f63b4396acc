//! Linux "cooked" v2 headers (LINKTYPE_LINUX_SLL2), what `tcpdump -i any -w` writes: one
//! pcap link type for interfaces of any kind, each packet tagged with its interface index,
//! hardware type and packet type. Frames are rewritten here as libpcap would have read them
//! from a cooked AF_PACKET socket.

use std::collections::HashMap;

use crate::packet::{Direction, LinkType, Packet};

/// The 20-byte header's length.
pub const HEADER_LEN: usize = 20;

const ARPHRD_ETHER: u16 = 1;
const ARPHRD_NONE: u16 = 65534;
const PACKET_OUTGOING: u8 = 4;

/// Interfaces by name (index and ARPHRD type), and a buffer for the rewritten frame.
#[derive(Debug, Default)]
pub struct Cooker {
    ifaces: HashMap<String, (u32, u16)>,
    buf: Vec<u8>,
}

impl Cooker {
    /// Tells the cooker interface `name`'s index and ARPHRD type.
    pub fn learn(&mut self, name: &str, ifindex: u32, hatype: u16) {
        self.ifaces.insert(name.to_string(), (ifindex, hatype));
    }

    /// `pkt` with a cooked v2 header in place of its link header: (bytes, original length).
    pub fn cook(&mut self, pkt: &Packet<'_>) -> (&[u8], u32) {
        let raw = pkt.link_type != LinkType::ETHERNET;
        let (ifindex, hatype) = self
            .ifaces
            .get(pkt.ifname)
            .copied()
            .unwrap_or((0, if raw { ARPHRD_NONE } else { ARPHRD_ETHER }));
        let pkt_type = match pkt.direction {
            Direction::Egress => PACKET_OUTGOING,
            _ => pkt.pkt_type,
        };
        let d = pkt.data;
        let (protocol, addr, payload, link_len): (u16, &[u8], &[u8], u32) = if raw {
            let proto = match d.first().map(|b| b >> 4) {
                Some(6) => 0x86dd,
                _ => 0x0800,
            };
            (proto, &[], d, 0)
        } else if d.len() >= 14 {
            let ty = u16::from_be_bytes([d[12], d[13]]);
            // An 802.3 length field: the kernel's protocol is 802.3 raw (IPX) or 802.2.
            let proto = match ty {
                0x0600.. => ty,
                _ if d.get(14..16) == Some(&[0xff, 0xff]) => 0x0001,
                _ => 0x0004,
            };
            (proto, &d[6..12], &d[14..], 14)
        } else {
            (0, &[], d, d.len() as u32)
        };
        self.buf.clear();
        self.buf.extend_from_slice(&protocol.to_be_bytes());
        self.buf.extend_from_slice(&[0, 0]);
        self.buf.extend_from_slice(&ifindex.to_be_bytes());
        self.buf.extend_from_slice(&hatype.to_be_bytes());
        self.buf.push(pkt_type);
        self.buf.push(addr.len() as u8);
        let mut a = [0u8; 8];
        a[..addr.len()].copy_from_slice(addr);
        self.buf.extend_from_slice(&a);
        self.buf.extend_from_slice(payload);
        let orig = pkt.orig_len.saturating_sub(link_len) + HEADER_LEN as u32;
        (&self.buf, orig)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::{Hook, Timestamp};

    fn pkt<'a>(data: &'a [u8], link_type: LinkType, direction: Direction) -> Packet<'a> {
        Packet {
            ts: Timestamp::default(),
            ifname: "eth0",
            netns: None,
            direction,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type,
            orig_len: data.len() as u32,
            data,
            drop: None,
            owner: None,
            cgroup: None,
        }
    }

    #[test]
    fn ethernet_and_raw_ip() {
        let mut c = Cooker::default();
        c.learn("eth0", 7, 1);
        let mut frame = vec![0xff; 6];
        frame.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45, 0]);
        let (b, orig) = c.cook(&pkt(&frame, LinkType::ETHERNET, Direction::Egress));
        assert_eq!(
            b,
            &[8, 0, 0, 0, 0, 0, 0, 7, 0, 1, 4, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x45, 0]
        );
        assert_eq!(orig, 22);
        let ip6 = [0x60, 0, 0, 0];
        let (b, orig) = c.cook(&pkt(&ip6, LinkType::RAW, Direction::Ingress));
        assert_eq!(&b[..12], &[0x86, 0xdd, 0, 0, 0, 0, 0, 7, 0, 1, 0, 0]);
        assert_eq!(&b[20..], &ip6);
        assert_eq!(orig, 24);
    }
}
