//! IP protocol names as tcpdump prints them without `-n` (`netdb_protoname`, ipproto.c in
//! tcpdump 4.99: the IANA keywords, lower case).

/// tcpdump's name for IP protocol `p`, if it has one.
pub fn protocol(p: u8) -> Option<&'static str> {
    NAMES[usize::from(p)]
}

#[rustfmt::skip]
const NAMES: [Option<&str>; 256] = [
    Some("hopopt"), Some("icmp"), Some("igmp"), Some("ggp"),
    Some("ipencap"), Some("st"), Some("tcp"), Some("cbt"),
    Some("egp"), Some("igp"), Some("bbn-rcc-mon"), Some("nvp-ii"),
    Some("pup"), Some("argus"), Some("emcon"), Some("xnet"),
    Some("chaos"), Some("udp"), Some("mux"), Some("dcn-meas"),
    Some("hmp"), Some("prm"), Some("xns-idp"), Some("trunk-1"),
    Some("trunk-2"), Some("leaf-1"), Some("leaf-2"), Some("rdp"),
    Some("irtp"), Some("iso-tp4"), Some("netblt"), Some("mfe-nsp"),
    Some("merit-inp"), Some("dccp"), Some("3pc"), Some("idpr"),
    Some("xtp"), Some("ddp"), Some("idpr-cmtp"), Some("tp++"),
    Some("il"), Some("ipv6"), Some("sdrp"), Some("ipv6-route"),
    Some("ipv6-frag"), Some("idrp"), Some("rsvp"), Some("gre"),
    Some("dsr"), Some("bna"), Some("esp"), Some("ah"),
    Some("i-nlsp"), Some("swipe"), Some("narp"), Some("mobile"),
    Some("tlsp"), Some("skip"), Some("ipv6-icmp"), Some("ipv6-nonxt"),
    Some("ipv6-opts"), None, Some("cftp"), None,
    Some("sat-expak"), Some("kryptolan"), Some("rvd"), Some("ippc"),
    None, Some("sat-mon"), Some("visa"), Some("ipcv"),
    Some("cpnx"), Some("rspf"), Some("wsn"), Some("pvp"),
    Some("br-sat-mon"), Some("sun-nd"), Some("wb-mon"), Some("wb-expak"),
    Some("iso-ip"), Some("vmtp"), Some("secure-vmtp"), Some("vines"),
    Some("ttp"), Some("nsfnet-igp"), Some("dgp"), Some("tcf"),
    Some("eigrp"), Some("ospf"), Some("sprite-rpc"), Some("larp"),
    Some("mtp"), Some("ax.25"), Some("ipip"), Some("micp"),
    Some("scc-sp"), Some("etherip"), Some("encap"), None,
    Some("gmtp"), Some("ifmp"), Some("pnni"), Some("pim"),
    Some("aris"), Some("scps"), Some("qnx"), Some("a/n"),
    Some("ipcomp"), Some("snp"), Some("compaq-peer"), Some("ipx-in-ip"),
    Some("vrrp"), Some("pgm"), None, Some("l2tp"),
    Some("ddx"), Some("iatp"), Some("stp"), Some("srp"),
    Some("uti"), Some("smp"), Some("sm"), Some("ptp"),
    Some("isis"), Some("fire"), Some("crtp"), Some("crudp"),
    Some("sscopmce"), Some("iplt"), Some("sps"), Some("pipe"),
    Some("sctp"), Some("fc"), Some("rsvp-e2e-ignore"), Some("mobility-header"),
    Some("udplite"), Some("mpls-in-ip"), Some("manet"), Some("hip"),
    Some("shim6"), Some("wesp"), Some("rohc"), None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, None, None, None,
    None, Some("exptest-253"), Some("exptest-254"), Some("reserved"),
];

#[cfg(test)]
mod tests {
    #[test]
    fn known_and_unnamed() {
        assert_eq!(super::protocol(17), Some("udp"));
        assert_eq!(super::protocol(6), Some("tcp"));
        assert_eq!(super::protocol(255), Some("reserved"));
        assert_eq!(super::protocol(143), None);
    }
}
