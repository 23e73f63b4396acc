//! A captured packet as the printers and writers see it, whatever produced it.

use crate::print::Timestamp;

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
}

impl Hook {
    pub fn name(self) -> &'static str {
        match self {
            Hook::Tc => "tc",
            Hook::Socket => "socket",
        }
    }
}

/// One packet: the frame as it was on the wire (an offloaded VLAN tag put back) and its
/// metadata.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    pub ts: Timestamp,
    pub ifname: &'a str,
    pub direction: Direction,
    /// `skb->pkt_type`: 0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing.
    pub pkt_type: u8,
    pub hook: Hook,
    /// The frame's length on the wire.
    pub orig_len: u32,
    /// The captured bytes, at most `orig_len`.
    pub data: &'a [u8],
}
