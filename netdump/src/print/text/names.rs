//! tcpdump's names for ethertypes and IP protocol numbers.

/// tcpdump's names for ethertypes (print-ether.c `ethertype_values`, all of it: ARP's
/// protocol type is named from the same table).
pub(super) fn ethertype_name(t: u16) -> &'static str {
    match t {
        0x0800 => "IPv4",
        0x8847 => "MPLS unicast",
        0x8848 => "MPLS multicast",
        0x86dd => "IPv6",
        0x8100 => "802.1Q",
        0x9100 => "802.1Q-9100",
        0x88a8 => "802.1Q-QinQ",
        0x9200 => "802.1Q-9200",
        0x88e5 => "802.1AE MACsec",
        0x0200 => "PUP",
        0x0806 => "ARP",
        0x8035 => "Reverse ARP",
        0x0600 => "NS",
        0x0500 => "Sprite",
        0x1000 => "Trail",
        0x6001 => "MOP DL",
        0x6002 => "MOP RC",
        0x6003 => "DN",
        0x6004 => "LAT",
        0x6007 => "SCA",
        0x6558 => "TEB",
        0x8038 => "Lanbridge",
        0x803c => "DEC DNS",
        0x803e => "DEC DTS",
        0x805b => "VEXP",
        0x805c => "VPROD",
        0x809b => "Appletalk",
        0x80f3 => "Appletalk ARP",
        0x8137 => "IPX",
        0x880b => "PPP",
        0x8808 => "MPCP",
        0x8809 => "Slow Protocols",
        0x8863 => "PPPoE D",
        0x8864 => "PPPoE S",
        0x888e => "EAPOL",
        0x8899 => "Realtek protocols",
        0x886f => "MS NLB heartbeat",
        0x8870 => "Jumbo",
        0x894f => "NSH",
        0x9000 => "Loopback",
        0xfefe => "OSI",
        0x00fe => "GRE-OSI",
        0xabcd => "CFM (old)",
        0x8902 => "CFM",
        0x893a => "IEEE1905.1",
        0x88cc => "LLDP",
        0x88ca => "TIPC",
        0x0707 => "GeoNet (old)",
        0x8947 => "GeoNet",
        0x1111 => "CALM FAST",
        0x88a2 => "AoE",
        0x88f7 => "PTP",
        0xd28b => "Arista Vendor Specific Protocol",
        _ => "Unknown",
    }
}

/// tcpdump's names for IP protocols (`ipproto_values`).
pub(super) fn ipproto_name(p: u8) -> &'static str {
    // All of ipproto.c's table: 59 (no next header) is not in it, so it is "unknown".
    match p {
        0 => "Options",
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        8 => "EGP",
        9 => "IGRP",
        17 => "UDP",
        33 => "DCCP",
        41 => "IPv6",
        43 => "Routing",
        44 => "Fragment",
        46 => "RSVP",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        55 => "Mobile IP",
        58 => "ICMPv6",
        62 => "Mobile IP (old)",
        88 => "EIGRP",
        89 => "OSPF",
        103 => "PIM",
        108 => "Compressed IP",
        112 => "VRRP",
        113 => "PGM",
        132 => "SCTP",
        135 => "Mobility",
        143 => "Ethernet",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown() {
        assert_eq!(ethertype_name(0x88a8), "802.1Q-QinQ");
        assert_eq!(ethertype_name(0x1234), "Unknown");
        assert_eq!(ipproto_name(58), "ICMPv6");
        assert_eq!(ipproto_name(255), "unknown");
    }
}
