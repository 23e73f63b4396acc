//! tcpdump's names for ethertypes and IP protocol numbers.

/// tcpdump's names for ethertypes (ethertype.c `ethertype_values`, the ones seen in practice).
pub(super) fn ethertype_name(t: u16) -> &'static str {
    match t {
        0x0800 => "IPv4",
        0x0806 => "ARP",
        0x86dd => "IPv6",
        0x8100 => "802.1Q",
        0x88a8 => "802.1Q-QinQ",
        0x9100 => "802.1Q-9100",
        0x8035 => "Reverse ARP",
        0x8847 => "MPLS unicast",
        0x8848 => "MPLS multicast",
        0x8863 => "PPPoE D",
        0x8864 => "PPPoE S",
        0x888e => "EAPOL",
        0x88cc => "LLDP",
        0x8809 => "Slow Protocols",
        0x88f7 => "PTP",
        0x8906 => "FCoE",
        0x22f0 => "AVB",
        0x88e5 => "802.1AE MACsec",
        0x9000 => "Loopback",
        0x6558 => "TEB",
        0x880b => "PPP",
        0x894f => "NSH",
        _ => "Unknown",
    }
}

/// tcpdump's names for IP protocols (`ipproto_values`).
pub(super) fn ipproto_name(p: u8) -> &'static str {
    match p {
        0 => "Options",
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        8 => "EGP",
        17 => "UDP",
        41 => "IPv6",
        43 => "Routing",
        44 => "Fragment",
        46 => "RSVP",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        59 => "NONE",
        89 => "OSPF",
        103 => "PIM",
        112 => "VRRP",
        132 => "SCTP",
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
