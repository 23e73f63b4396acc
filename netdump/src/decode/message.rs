//! Messages of protocols whose printer walks their bytes (tcpdump's tier-2 printers: PIM,
//! OSPF, AoE, DECnet, Babel, BGP, ...): the decoder only recognises and delimits them.
//!
//! tcpdump's printers for these protocols are long byte walkers whose output depends on
//! every field in turn; parsing them into typed structures first would mean writing each
//! structure twice. So the decoder records which protocol the registry chose, the captured
//! bytes and the message's length on the wire, and `print/text/<proto>.rs` walks the bytes
//! (every read checked, as everywhere: a cut-short message ends in tcpdump's `[|proto]`).

use super::{Context, IpInfo, Layer, Next, Upper};

/// The protocols decoded as [`Message`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    /// Protocol Independent Multicast (IP protocol 103).
    Pim,
    /// OSPFv2 or OSPFv3 (IP protocol 89).
    Ospf,
    /// Cisco EIGRP (IP protocol 88).
    Eigrp,
    /// ATA over Ethernet (ethertype 0x88a2).
    Aoe,
    /// DECnet Phase IV routing (ethertype 0x6003).
    Decnet,
    /// Babel routing (UDP 6696, and 6697 as it was first assigned).
    Babel,
    /// ETSI GeoNetworking (ethertype 0x8947, and 0x0707 before 2013).
    Geonet,
    /// ISO CALM FAST (ethertype 0x1111).
    CalmFast,
    /// Broadcom lawful-intercept shim (from UDP port 49152).
    BcmLi,
    /// OpenFlow 1.0 to 1.5 (TCP 6653, and 6633 before IANA's assignment).
    OpenFlow,
    /// The Redis serialization protocol (TCP 6379, `-T resp`).
    Resp,
    /// sFlow v5 (UDP 6343).
    Sflow,
    /// LISP control messages (UDP 4342).
    Lisp,
    /// OSI network-layer PDUs (IS-IS, ES-IS, CLNP) after LLC SAP 0xfe.
    IsoClns,
    /// Cisco UDLD (SNAP, OUI Cisco, PID 0x0111).
    Udld,
    /// Cisco VTP (SNAP, OUI Cisco, PID 0x2003).
    Vtp,
    /// Cisco DTP (SNAP, OUI Cisco, PID 0x2004).
    Dtp,
    /// AFS RX (UDP 7000 to 7009).
    Rx,
    /// The SSH version banner (TCP 22).
    Ssh,
    /// BGP-4 (TCP 179).
    Bgp,
    /// RIPv1 and RIPv2 (UDP 520).
    Rip,
    /// RTP (`-T rtp` only: tcpdump never guesses it from ports).
    Rtp,
    /// RTCP (`-T rtcp` only).
    Rtcp,
    /// PGM (IP protocol 113, or in UDP with `-T pgm`).
    Pgm,
    /// PGM whose ODATA/RDATA carry ZMTP/1.0 datagrams (`-T pgm_zmtp1`).
    PgmZmtp1,
    /// ZMTP/1.0 over TCP (`-T zmtp1`).
    Zmtp1,
    /// LMP (UDP 701, `-T lmp`).
    Lmp,
    /// HNCP (UDP 8231).
    Hncp,
    /// The Ethernet configuration testing protocol (ethertype 0x9000).
    Loopback,
}

impl Proto {
    /// tcpdump's short name for the protocol (its `ndo_protocol`, as in `[|pim]`).
    pub fn name(self) -> &'static str {
        match self {
            Proto::Pim => "pim",
            Proto::Ospf => "ospf",
            Proto::Eigrp => "eigrp",
            Proto::Aoe => "aoe",
            Proto::Decnet => "decnet",
            Proto::Babel => "babel",
            Proto::Geonet => "geonet",
            Proto::CalmFast => "calm_fast",
            Proto::BcmLi => "bcm_li",
            Proto::OpenFlow => "openflow",
            Proto::Resp => "resp",
            Proto::Sflow => "sflow",
            Proto::Lisp => "lisp",
            Proto::IsoClns => "isoclns",
            Proto::Udld => "udld",
            Proto::Vtp => "vtp",
            Proto::Dtp => "dtp",
            Proto::Rx => "rx",
            Proto::Ssh => "ssh",
            Proto::Bgp => "bgp",
            Proto::Rip => "rip",
            Proto::Rtp => "rtp",
            Proto::Rtcp => "rtcp",
            Proto::Pgm | Proto::PgmZmtp1 => "pgm",
            Proto::Zmtp1 => "zmtp1",
            Proto::Lmp => "lmp",
            Proto::Hncp => "hncp",
            Proto::Loopback => "loopback",
        }
    }
}

/// A message: its protocol, its captured bytes, and its length on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    pub proto: Proto,
    /// The captured bytes (up to the length the outer headers give it).
    pub raw: &'a [u8],
    /// The length the outer headers give the message (IP payload, rest of the frame);
    /// the captured bytes may be fewer.
    pub length: u32,
    /// The enclosing IP header's facts, for checksums over a pseudo-header.
    pub ip: Option<IpInfo>,
    /// The Ethernet source address, for printers that name it (GeoNetworking).
    pub link_src: Option<[u8; 6]>,
    /// The UDP or TCP source and destination ports, for printers that tell calls from
    /// replies by them (RX).
    pub ports: Option<(u16, u16)>,
}

impl<'a> Message<'a> {
    /// The byte at `at`, if captured.
    pub fn u8(&self, at: usize) -> Option<u8> {
        self.raw.get(at).copied()
    }
}

/// Records `b` as one message of `proto`: nothing follows it in the walk.
fn message<'a>(
    proto: Proto,
    b: &'a [u8],
    cx: &mut Context,
    layers: &mut Vec<Layer<'a>>,
) -> Next<'a> {
    // The length tcpdump hands the protocol's printer: a UDP datagram's payload by the UDP
    // header, a TCP segment's by the IP header less the TCP header, an IP payload by the IP
    // header, else what the link layer had on the wire.
    let captured = b.len() as u32;
    let length = match (layers.last(), cx.ip) {
        // udp_print hands on the smaller of the UDP and the IP payload lengths.
        (Some(Layer::Udp(u)), ip) => {
            let ulen = u
                .length()
                .map_or(captured, |l| u32::from(l).saturating_sub(8));
            ip.map_or(ulen, |ip| ulen.min(ip.length.saturating_sub(8)))
        }
        (Some(Layer::Tcp(t)), Some(ip)) => ip.length.saturating_sub(t.header_len().unwrap_or(0)),
        (_, Some(ip)) => ip.length,
        (_, None) => cx.wire_len.unwrap_or(captured),
    };
    let link_src = layers.iter().find_map(|l| match l {
        Layer::Ethernet(e) => Some(e.src),
        _ => None,
    });
    let ports = match layers.last() {
        Some(Layer::Udp(u)) => u.ports(),
        Some(Layer::Tcp(t)) => t.ports(),
        _ => None,
    };
    layers.push(Layer::Message(Message {
        proto,
        raw: b,
        length,
        ip: cx.ip,
        link_src,
        ports,
    }));
    Next::consumed(b, Upper::Nothing)
}

// The registry's decoders, one per protocol.

pub fn pim<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Pim, b, cx, layers)
}

pub fn isoclns<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::IsoClns, b, cx, layers)
}

pub fn udld<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Udld, b, cx, layers)
}

pub fn vtp<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Vtp, b, cx, layers)
}

pub fn dtp<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Dtp, b, cx, layers)
}

pub fn ospf<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Ospf, b, cx, layers)
}

pub fn eigrp<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Eigrp, b, cx, layers)
}

pub fn aoe<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Aoe, b, cx, layers)
}

pub fn decnet<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Decnet, b, cx, layers)
}

pub fn babel<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Babel, b, cx, layers)
}

pub fn geonet<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Geonet, b, cx, layers)
}

pub fn calm_fast<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::CalmFast, b, cx, layers)
}

/// Broadcom's LI shim: tcpdump takes it by source port only.
pub fn bcm_li<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    match layers.last() {
        Some(Layer::Udp(u)) if u.ports().is_some_and(|(s, _)| s == UDP_BCM_LI) => {
            message(Proto::BcmLi, b, cx, layers)
        }
        _ => Next::consumed(b, Upper::Nothing),
    }
}

pub fn openflow<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::OpenFlow, b, cx, layers)
}

pub fn resp<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Resp, b, cx, layers)
}

pub fn sflow<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Sflow, b, cx, layers)
}

pub fn lisp<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Lisp, b, cx, layers)
}

pub fn rx<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Rx, b, cx, layers)
}

pub fn ssh<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Ssh, b, cx, layers)
}

pub fn bgp<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Bgp, b, cx, layers)
}

pub fn rip<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Rip, b, cx, layers)
}

pub fn rtp<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Rtp, b, cx, layers)
}

pub fn rtcp<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Rtcp, b, cx, layers)
}

/// PGM, native or in UDP; with `-T pgm_zmtp1` its data carries ZMTP/1.0.
pub fn pgm<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    let proto = if cx.opts.pgm_zmtp1 {
        Proto::PgmZmtp1
    } else {
        Proto::Pgm
    };
    message(proto, b, cx, layers)
}

pub fn zmtp1<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Zmtp1, b, cx, layers)
}

pub fn lmp<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Lmp, b, cx, layers)
}

pub fn hncp<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Hncp, b, cx, layers)
}

pub fn loopback<'a>(b: &'a [u8], cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    message(Proto::Loopback, b, cx, layers)
}

pub const PROTO_EIGRP: u8 = 88;
pub const ETHERTYPE_LOOPBACK: u16 = 0x9000;
pub const PROTO_PGM: u8 = 113;
pub const UDP_LMP: u16 = 701;
pub const UDP_HNCP: u16 = 8231;
pub const PROTO_OSPF: u8 = 89;
pub const PROTO_PIM: u8 = 103;
pub const ETHERTYPE_AOE: u16 = 0x88a2;
pub const ETHERTYPE_DECNET: u16 = 0x6003;
pub const ETHERTYPE_GEONET_OLD: u16 = 0x0707;
pub const ETHERTYPE_GEONET: u16 = 0x8947;
pub const ETHERTYPE_CALM_FAST: u16 = 0x1111;
pub const UDP_BABEL: u16 = 6696;
pub const UDP_BABEL_OLD: u16 = 6697;
pub const UDP_BCM_LI: u16 = 49152;
pub const UDP_SFLOW: u16 = 6343;
pub const UDP_LISP_CONTROL: u16 = 4342;
pub const TCP_OPENFLOW_OLD: u16 = 6633;
pub const TCP_OPENFLOW: u16 = 6653;
pub const TCP_RESP: u16 = 6379;
/// AFS RX: tcpdump's `RX_PORT_LOW` (to `RX_PORT_HIGH`, 7009), either port.
pub const UDP_RX_LOW: u16 = 7000;
pub const TCP_SSH: u16 = 22;
pub const TCP_BGP: u16 = 179;
pub const UDP_RIP: u16 = 520;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_keeps_its_bytes_and_the_ip_length() {
        let mut cx = Context {
            wire_len: Some(60),
            ..Context::default()
        };
        let mut layers = Vec::new();
        let next = aoe(&[0x10, 0, 0, 0], &mut cx, &mut layers);
        assert_eq!(next.upper, Upper::Nothing);
        assert!(next.rest.is_empty());
        let Some(Layer::Message(m)) = layers.first() else {
            panic!("{layers:?}")
        };
        assert_eq!((m.proto, m.length, m.raw.len()), (Proto::Aoe, 60, 4));
        assert_eq!(m.u8(0), Some(0x10));
        assert_eq!(m.u8(4), None);
    }
}
