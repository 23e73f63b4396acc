//! `--json`: one JSON object per packet, for jq and log pipelines.
//!
//! Schema (stable field names; a field absent from a layer was not captured):
//! ```text
//! { "time": "2026-11-29T12:24:17.096653123Z", "ts_ns": 1795955057096653123,
//!   "interface": "eth0", "direction": "in" | "out" | null, "hook": "tc" | "socket",
//!   "len": 98, "caplen": 98, "truncated": false,
//!   "layers": [ {"type": "ethernet", "src": "..", "dst": "..", "ethertype": 2048},
//!               {"type": "vlan", "id": 20, "pcp": 0, "ethertype": 2048},
//!               {"type": "arp", "op": 1, "sender_mac", "sender_ip", "target_mac", "target_ip"},
//!               {"type": "ipv4", "src", "dst", "ttl", "id", "protocol", "len", "df", "mf", "frag_offset"},
//!               {"type": "ipv6", "src", "dst", "hop_limit", "next_header", "payload_len", "flow_label"},
//!               {"type": "tcp", "sport", "dport", "seq", "ack", "flags", "win", "payload_len"},
//!               {"type": "udp", "sport", "dport", "len"},
//!               {"type": "icmp" | "icmpv6", "icmp_type", "code"} ] }
//! ```
//! `flags` uses tcpdump's letters (`S`, `.`, `P`, `F`, `R`, `U`, `E`, `W`).

use std::io::{self, Write};

use etherparse::{LaxNetSlice, LaxSlicedPacket, LinkSlice, TransportSlice};
use serde_json::{json, Map, Value};

use crate::packet::{Direction, Packet};

fn mac(m: [u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn utc(ts: crate::packet::Timestamp) -> String {
    let tm = crate::sys::time::utc(ts.sec);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
        tm.year, tm.month, tm.day, tm.hour, tm.minute, tm.second, ts.nsec
    )
}

/// The JSON object for one packet.
pub fn packet_json(pkt: &Packet<'_>) -> Value {
    let mut layers: Vec<Value> = Vec::new();
    let mut truncated = pkt.data.len() < pkt.orig_len as usize;
    match LaxSlicedPacket::from_ethernet(pkt.data) {
        Err(_) => truncated = true,
        Ok(p) => {
            if let Some(LinkSlice::Ethernet2(e)) = &p.link {
                layers.push(json!({
                    "type": "ethernet",
                    "src": mac(e.source()),
                    "dst": mac(e.destination()),
                    "ethertype": e.ether_type().0,
                }));
            }
            for ext in &p.link_exts {
                if let etherparse::LaxLinkExtSlice::Vlan(v) = ext {
                    layers.push(json!({
                        "type": "vlan",
                        "id": v.vlan_identifier().value(),
                        "pcp": v.priority_code_point().value(),
                        "ethertype": v.ether_type().0,
                    }));
                }
            }
            match &p.net {
                Some(LaxNetSlice::Ipv4(ip)) => {
                    let h = ip.header();
                    layers.push(json!({
                        "type": "ipv4",
                        "src": h.source_addr().to_string(),
                        "dst": h.destination_addr().to_string(),
                        "ttl": h.ttl(),
                        "id": h.identification(),
                        "protocol": h.protocol().0,
                        "len": h.total_len(),
                        "df": h.dont_fragment(),
                        "mf": h.more_fragments(),
                        "frag_offset": h.fragments_offset().value(),
                    }));
                }
                Some(LaxNetSlice::Ipv6(ip)) => {
                    let h = ip.header();
                    layers.push(json!({
                        "type": "ipv6",
                        "src": h.source_addr().to_string(),
                        "dst": h.destination_addr().to_string(),
                        "hop_limit": h.hop_limit(),
                        "next_header": h.next_header().0,
                        "payload_len": h.payload_length(),
                        "flow_label": h.flow_label().value(),
                    }));
                }
                Some(LaxNetSlice::Arp(a)) => {
                    let a = a.to_packet();
                    let mut m = Map::new();
                    m.insert("type".into(), json!("arp"));
                    m.insert("op".into(), json!(a.operation.0));
                    if let Ok(x) = a.try_eth_ipv4() {
                        m.insert("sender_mac".into(), json!(mac(x.sender_mac)));
                        m.insert(
                            "sender_ip".into(),
                            json!(std::net::Ipv4Addr::from(x.sender_ipv4).to_string()),
                        );
                        m.insert("target_mac".into(), json!(mac(x.target_mac)));
                        m.insert(
                            "target_ip".into(),
                            json!(std::net::Ipv4Addr::from(x.target_ipv4).to_string()),
                        );
                    }
                    layers.push(Value::Object(m));
                }
                None => {}
            }
            match &p.transport {
                Some(TransportSlice::Tcp(t)) => {
                    let flags: String = [
                        (t.fin(), 'F'),
                        (t.syn(), 'S'),
                        (t.rst(), 'R'),
                        (t.psh(), 'P'),
                        (t.ack(), '.'),
                        (t.urg(), 'U'),
                        (t.ece(), 'E'),
                        (t.cwr(), 'W'),
                    ]
                    .iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, c)| *c)
                    .collect();
                    layers.push(json!({
                        "type": "tcp",
                        "sport": t.source_port(),
                        "dport": t.destination_port(),
                        "seq": t.sequence_number(),
                        "ack": t.acknowledgment_number(),
                        "flags": flags,
                        "win": t.window_size(),
                        "payload_len": t.payload().len(),
                    }));
                }
                Some(TransportSlice::Udp(u)) => {
                    layers.push(json!({
                        "type": "udp",
                        "sport": u.source_port(),
                        "dport": u.destination_port(),
                        "len": u.length(),
                    }));
                }
                Some(TransportSlice::Icmpv4(i)) => {
                    layers.push(
                        json!({"type": "icmp", "icmp_type": i.type_u8(), "code": i.code_u8()}),
                    );
                }
                Some(TransportSlice::Icmpv6(i)) => {
                    layers.push(
                        json!({"type": "icmpv6", "icmp_type": i.type_u8(), "code": i.code_u8()}),
                    );
                }
                _ => {}
            }
            if p.stop_err.is_some() {
                truncated = true;
            }
        }
    }
    let ts_ns = i128::from(pkt.ts.sec) * 1_000_000_000 + i128::from(pkt.ts.nsec);
    json!({
        "time": utc(pkt.ts),
        "ts_ns": ts_ns as i64,
        "interface": pkt.ifname,
        "direction": match pkt.direction {
            Direction::Ingress => json!("in"),
            Direction::Egress => json!("out"),
            Direction::Unknown => Value::Null,
        },
        "hook": pkt.hook.name(),
        "len": pkt.orig_len,
        "caplen": pkt.data.len(),
        "truncated": truncated,
        "layers": layers,
    })
}

/// Writes one packet as a line of JSON.
pub fn write_line(out: &mut impl Write, pkt: &Packet<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &packet_json(pkt))?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::{Hook, Timestamp};

    #[test]
    fn udp_packet_has_every_layer() {
        let mut f = Vec::new();
        etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
            .udp(5555, 40000)
            .write(&mut f, &[1; 32])
            .unwrap();
        let pkt = Packet {
            ts: Timestamp { sec: 0, nsec: 5 },
            ifname: "eth0",
            direction: Direction::Ingress,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len: f.len() as u32,
            data: &f,
        };
        let v = packet_json(&pkt);
        assert_eq!(v["time"], "1970-01-01T00:00:00.000000005Z");
        assert_eq!(v["direction"], "in");
        assert_eq!(v["truncated"], false);
        let types: Vec<&str> = v["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["ethernet", "ipv4", "udp"]);
        assert_eq!(v["layers"][2]["dport"], 40000);
        assert_eq!(v["layers"][1]["src"], "198.18.0.1");
    }

    #[test]
    fn garbage_is_marked_truncated() {
        let pkt = Packet {
            ts: Timestamp::default(),
            ifname: "eth0",
            direction: Direction::Unknown,
            pkt_type: 0,
            hook: Hook::Socket,
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len: 3,
            data: &[1, 2, 3],
        };
        let v = packet_json(&pkt);
        assert_eq!(v["truncated"], true);
        assert_eq!(v["direction"], Value::Null);
    }
}
