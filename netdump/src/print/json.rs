//! `--json`: one JSON object per packet, for jq and log pipelines.
//!
//! Schema (stable field names; a field absent from a layer was not captured):
//! ```text
//! { "time": "2026-11-29T12:24:17.096653123Z", "ts_ns": 1795955057096653123,
//!   "interface": "eth0" | null, "direction": "in" | "out" | null,
//!   "hook": "tc" | "socket" | "drop",
//!   "drop": {"reason": "NETFILTER_DROP" | null, "location": "nf_hook_slow+0x9c"},
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
//! `flags` uses tcpdump's letters (`S`, `.`, `P`, `F`, `R`, `U`, `E`, `W`). `drop` is there
//! only for a packet the kernel dropped (`--drops`), whose direction is null, and whose
//! interface is null when the packet had no device yet.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use crate::{
    decode::{self, tcp::Tcp, Decoded, Layer},
    packet::{Direction, Packet, NO_DEVICE},
};

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
    let decoded = decode::decode(pkt.link_type, pkt.data, pkt.orig_len);
    packet_json_decoded(pkt, &decoded)
}

/// The JSON object for one packet, from its layers (decoded once, shared with the text
/// printer).
pub fn packet_json_decoded(pkt: &Packet<'_>, d: &Decoded<'_>) -> Value {
    let mut layers: Vec<Value> = Vec::new();
    // A transport header is named only in a datagram that is not split into fragments.
    let mut fragmented = false;
    for layer in &d.layers {
        match layer {
            Layer::Ethernet(e) => layers.push(json!({
                "type": "ethernet",
                "src": mac(e.src),
                "dst": mac(e.dst),
                "ethertype": e.ethertype,
            })),
            Layer::Vlan(v) => layers.push(json!({
                "type": "vlan",
                "id": v.id(),
                "pcp": v.pcp(),
                "ethertype": v.ethertype,
            })),
            Layer::Arp(a) if a.complete() => {
                let mut m = Map::new();
                m.insert("type".into(), json!("arp"));
                m.insert("op".into(), json!(a.op()));
                if let Some(x) = a.eth_ipv4() {
                    m.insert("sender_mac".into(), json!(mac(x.sha)));
                    m.insert("sender_ip".into(), json!(x.spa.to_string()));
                    m.insert("target_mac".into(), json!(mac(x.tha)));
                    m.insert("target_ip".into(), json!(x.tpa.to_string()));
                }
                layers.push(Value::Object(m));
            }
            Layer::Ipv4(ip) => {
                let Some(h) = ip.header else { continue };
                fragmented = h.fragmented();
                layers.push(json!({
                    "type": "ipv4",
                    "src": h.src().to_string(),
                    "dst": h.dst().to_string(),
                    "ttl": h.ttl(),
                    "id": h.id(),
                    "protocol": h.protocol(),
                    "len": h.total_len(),
                    "df": h.dont_fragment(),
                    "mf": h.more_fragments(),
                    "frag_offset": h.frag_offset(),
                }));
            }
            Layer::Ipv6(ip) => {
                let Some(h) = ip.header else { continue };
                fragmented = ip.fragmenting();
                layers.push(json!({
                    "type": "ipv6",
                    "src": h.src().to_string(),
                    "dst": h.dst().to_string(),
                    "hop_limit": h.hop_limit(),
                    "next_header": h.next_header(),
                    "payload_len": h.payload_len(),
                    "flow_label": h.flow_label(),
                }));
            }
            Layer::Tcp(t) if !fragmented && t.header_complete() => {
                let flags: String = Tcp::flag_letters(t.flags().unwrap_or(0)).collect();
                let (sport, dport) = t.ports().unwrap_or_default();
                layers.push(json!({
                    "type": "tcp",
                    "sport": sport,
                    "dport": dport,
                    "seq": t.seq(),
                    "ack": t.ack(),
                    "flags": flags,
                    "win": t.window(),
                    "payload_len": t.payload().len(),
                }));
            }
            Layer::Udp(u) if !fragmented && u.header_complete() => {
                let (sport, dport) = u.ports().unwrap_or_default();
                layers.push(json!({
                    "type": "udp",
                    "sport": sport,
                    "dport": dport,
                    "len": u.length(),
                }));
            }
            Layer::Icmp(i) if !fragmented && i.header_complete() => {
                layers.push(json!({"type": "icmp", "icmp_type": i.icmp_type(), "code": i.code()}))
            }
            Layer::Icmpv6(i) if !fragmented && i.header_complete() => {
                layers.push(json!({"type": "icmpv6", "icmp_type": i.icmp_type(), "code": i.code()}))
            }
            _ => {}
        }
    }
    // A transport header cut short inside a fragment is not named, so not reported either.
    let transport_stop =
        matches!(d.stop, Some(s) if matches!(s.protocol, "tcp" | "udp" | "icmp" | "icmp6"));
    let cut_short = d.cut_short() && !(fragmented && transport_stop);
    let truncated = pkt.data.len() < pkt.orig_len as usize || cut_short;
    let ts_ns = i128::from(pkt.ts.sec) * 1_000_000_000 + i128::from(pkt.ts.nsec);
    let interface = if pkt.drop.is_some() && pkt.ifname == NO_DEVICE {
        Value::Null
    } else {
        json!(pkt.ifname)
    };
    let mut v = json!({
        "time": utc(pkt.ts),
        "ts_ns": ts_ns as i64,
        "interface": interface,
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
    });
    if let (Some(d), Value::Object(m)) = (pkt.drop, &mut v) {
        m.insert(
            "drop".into(),
            json!({"reason": d.reason, "location": d.location}),
        );
    }
    v
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
            drop: None,
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
    fn a_drop_names_its_reason_and_location() {
        let pkt = Packet {
            ts: Timestamp::default(),
            ifname: NO_DEVICE,
            direction: Direction::Unknown,
            pkt_type: 0,
            hook: Hook::Drop,
            link_type: crate::packet::LinkType::RAW,
            orig_len: 3,
            data: &[0x45, 0, 0],
            drop: Some(crate::packet::Dropped {
                reason: Some("NO_SOCKET"),
                location: "__udp4_lib_rcv+0x7d2",
            }),
        };
        let v = packet_json(&pkt);
        assert_eq!(v["drop"]["reason"], "NO_SOCKET");
        assert_eq!(v["drop"]["location"], "__udp4_lib_rcv+0x7d2");
        assert_eq!(v["hook"], "drop");
        assert_eq!(v["interface"], Value::Null);
        assert_eq!(v["direction"], Value::Null);
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
            drop: None,
        };
        let v = packet_json(&pkt);
        assert_eq!(v["truncated"], true);
        assert_eq!(v["direction"], Value::Null);
    }
}
