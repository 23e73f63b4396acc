//! `--json` fields of the LAN protocols (LLC/SNAP, STP, LLDP, slow protocols, CDP, VRRP and
//! CARP, HSRP, BFD, PTP): what operators look for in each — who is the root bridge, which
//! neighbour is on this port, who is master of a virtual router, is the BFD session up.

use serde_json::{json, Map, Value};

use crate::decode::{cdp, lldp, slow, Layer};

fn mac(m: &[u8]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// A bridge id as tcpdump writes it: `pppp.aa:bb:cc:dd:ee:ff`.
fn bridge_id(b: [u8; 8]) -> String {
    format!("{:02x}{:02x}.{}", b[0], b[1], mac(&b[2..]))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .trim_end_matches('\0')
        .to_string()
}

/// An LLDP chassis or port id: a MAC address for the MAC subtype (`mac_subtype`), the
/// text of the name subtypes, hex for the rest.
fn lldp_id(v: &[u8], mac_subtype: u8) -> Option<Value> {
    let (&sub, id) = v.split_first()?;
    let value = if sub == mac_subtype && id.len() == 6 {
        mac(id)
    } else if id.iter().all(|c| c.is_ascii_graphic() || *c == b' ') {
        text(id)
    } else {
        id.iter().map(|b| format!("{b:02x}")).collect()
    };
    Some(json!({"subtype": sub, "id": value}))
}

fn object(pairs: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        if !v.is_null() {
            m.insert(k.into(), v);
        }
    }
    Value::Object(m)
}

/// The JSON object for a LAN-protocol layer; None for other layers.
pub(super) fn layer(layer: &Layer<'_>) -> Option<Value> {
    Some(match layer {
        Layer::Llc(l) => {
            let h = l.header()?;
            let snap = l.snap();
            object(vec![
                ("type", json!("llc")),
                ("dsap", json!(h.dsap())),
                ("ssap", json!(h.ssap())),
                ("control", json!(h.control)),
                ("oui", json!(snap.map(|s| s.0))),
                ("pid", json!(snap.map(|s| s.1))),
            ])
        }
        Layer::Stp(s) => object(vec![
            ("type", json!("stp")),
            ("version", json!(s.version())),
            ("bpdu_type", json!(s.bpdu_type())),
            ("flags", json!(s.flags())),
            ("root_id", json!(s.root_id().map(bridge_id))),
            ("root_path_cost", json!(s.root_path_cost())),
            ("bridge_id", json!(s.bridge_id().map(bridge_id))),
            ("port_id", json!(s.port_id())),
        ]),
        Layer::Lldp(l) => object(vec![
            ("type", json!("lldp")),
            (
                "chassis_id",
                json!(l.tlv(lldp::CHASSIS_ID).and_then(|v| lldp_id(v, 4))),
            ),
            (
                "port_id",
                json!(l.tlv(lldp::PORT_ID).and_then(|v| lldp_id(v, 3))),
            ),
            (
                "ttl",
                json!(l
                    .tlv(lldp::TTL)
                    .and_then(|v| Some(u16::from_be_bytes(v.get(..2)?.try_into().ok()?)))),
            ),
            ("system_name", json!(l.tlv(lldp::SYSTEM_NAME).map(text))),
        ]),
        Layer::Slow(s) => {
            let actor = s.lacp_actor();
            object(vec![
                ("type", json!("slow")),
                (
                    "subtype",
                    json!(match s.subtype() {
                        Some(slow::LACP) => "lacp",
                        Some(slow::MARKER) => "marker",
                        Some(slow::OAM) => "oam",
                        _ => "unknown",
                    }),
                ),
                ("actor_system", json!(actor.map(|a| mac(&a.0)))),
                ("actor_port", json!(actor.map(|a| a.1))),
            ])
        }
        Layer::Cdp(c) => object(vec![
            ("type", json!("cdp")),
            ("version", json!(c.version())),
            ("ttl", json!(c.ttl())),
            ("device_id", json!(c.tlv(cdp::T_DEVICE_ID).map(text))),
            ("port_id", json!(c.tlv(cdp::T_PORT_ID).map(text))),
        ]),
        Layer::Vrrp(v) if v.carp => object(vec![
            ("type", json!("carp")),
            ("version", json!(v.version())),
            ("vhid", json!(v.vrid())),
            ("advskew", json!(v.priority())),
        ]),
        Layer::Vrrp(v) => object(vec![
            ("type", json!("vrrp")),
            ("version", json!(v.version())),
            ("vrid", json!(v.vrid())),
            ("priority", json!(v.priority())),
        ]),
        Layer::Hsrp(h) => object(vec![
            ("type", json!("hsrp")),
            ("version", json!(h.version())),
            ("op_code", json!(h.op_code())),
            ("state", json!(h.state())),
            ("group", json!(h.group())),
            ("priority", json!(h.priority())),
            ("virtual_ip", json!(h.virtual_addr().map(|a| a.to_string()))),
        ]),
        Layer::Bfd(b) if !b.is_control() => object(vec![
            ("type", json!("bfd")),
            ("kind", json!("echo")),
            ("port", json!(b.port)),
        ]),
        Layer::Bfd(b) => object(vec![
            ("type", json!("bfd")),
            ("kind", json!("control")),
            ("version", json!(b.version())),
            (
                "state",
                json!(b
                    .state()
                    .map(|s| ["AdminDown", "Down", "Init", "Up"][usize::from(s & 3)])),
            ),
            ("diagnostic", json!(b.diagnostic())),
            ("my_discriminator", json!(b.my_discriminator())),
            ("your_discriminator", json!(b.your_discriminator())),
        ]),
        Layer::Ptp(p) => object(vec![
            ("type", json!("ptp")),
            ("version", json!(p.version())),
            ("message_type", json!(p.message_type().map(ptp_message))),
            ("domain", json!(p.domain())),
            ("sequence_id", json!(p.sequence_id())),
            ("clock_identity", json!(p.clock_identity().map(|c| mac(&c)))),
        ]),
        Layer::Macsec(m) => object(vec![
            ("type", json!("macsec")),
            ("an", json!(m.an())),
            ("packet_number", json!(m.packet_number)),
            ("sci", json!(m.sci.map(|s| format!("{s:016x}")))),
            (
                "encrypted",
                json!(m.status == crate::decode::macsec::Status::Encrypted),
            ),
        ]),
        _ => return None,
    })
}

fn ptp_message(t: u8) -> &'static str {
    match t {
        0x0 => "sync",
        0x1 => "delay_req",
        0x2 => "pdelay_req",
        0x3 => "pdelay_resp",
        0x8 => "follow_up",
        0x9 => "delay_resp",
        0xa => "pdelay_resp_follow_up",
        0xb => "announce",
        0xc => "signaling",
        0xd => "management",
        _ => "reserved",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode, packet::LinkType};

    fn layers(hex: &str) -> Vec<Value> {
        let f: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let d = decode::decode(LinkType::ETHERNET, &f, f.len() as u32);
        d.layers.iter().filter_map(layer).collect()
    }

    #[test]
    fn stp_root_and_bridge_ids() {
        let v = layers("0180c2000000020000000001002642420300000000818001001906eab880000000048001001906eab88180050100140002000f000000000000000000");
        assert_eq!(v[0]["type"], "llc");
        assert_eq!(v[1]["root_id"], "8001.00:19:06:ea:b8:80");
        assert_eq!(v[1]["bridge_id"], "8001.00:19:06:ea:b8:81");
        assert_eq!(v[1]["root_path_cost"], 4);
    }

    #[test]
    fn lldp_chassis_and_port_ids() {
        let v = layers("0180c200000e020000000001" /* dst, src */);
        assert!(v.is_empty());
        let v = layers(
            "0180c200000e02000000000188cc020704000130f9ada004040531\
                        2f310602007800000000",
        );
        assert_eq!(v[0]["chassis_id"]["id"], "00:01:30:f9:ad:a0");
        assert_eq!(v[0]["port_id"]["id"], "1/1");
        assert_eq!(v[0]["ttl"], 120);
    }
}
