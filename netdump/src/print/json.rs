//! `--json`: one JSON object per packet, for jq and log pipelines.
//!
//! Schema (stable field names; a field absent from a layer was not captured):
//! ```text
//! { "time": "2026-11-29T12:24:17.096653123Z", "ts_ns": 1795955057096653123,
//!   "interface": "eth0" | null, "direction": "in" | "out" | null,
//!   "hook": "tc" | "socket" | "drop",
//!   "netns": {"inode": 4026531840, "name": "blue" | null},   (live captures only)
//!   "drop": {"reason": "NETFILTER_DROP" | null, "location": "nf_hook_slow+0x9c"},
//!   "process": {"pid", "tid", "comm", "uid"}, "cgroup": {"id", "path"},
//!   "container": {"id", "name", "runtime", "pod", "namespace", "pod_uid"},
//!                                          (attribution on, owner known; fields when known)
//!   "len": 98, "caplen": 98, "truncated": false,
//!   "layers": [ {"type": "ethernet", "src": "..", "dst": "..", "ethertype": 2048},
//!               {"type": "vlan", "id": 20, "pcp": 0, "ethertype": 2048},
//!               {"type": "arp", "op": 1, "sender_mac", "sender_ip", "target_mac", "target_ip"},
//!               {"type": "ipv4", "src", "dst", "ttl", "id", "protocol", "len", "df", "mf", "frag_offset"},
//!               {"type": "ipv6", "src", "dst", "hop_limit", "next_header", "payload_len", "flow_label"},
//!               {"type": "tcp", "sport", "dport", "seq", "ack", "flags", "win", "payload_len"},
//!               {"type": "udp", "sport", "dport", "len"},
//!               {"type": "icmp" | "icmpv6", "icmp_type", "code", "id", "seq"},
//!                                          (id and seq: echo and timestamp messages)
//!               {"type": "gre", "version", "protocol", "key", "seq", "call_id"},
//!               {"type": "vxlan" | "vxlan_gpe" | "otv", "vni", "flags", "next_protocol"},
//!               {"type": "geneve", "vni", "protocol", "options": [{"class", "type", "len"}]},
//!               {"type": "mpls", "labels": [{"label", "tc", "bottom", "ttl"}]},
//!               {"type": "nsh", "spi", "si", "next_protocol"},
//!               {"type": "pppoe", "code", "session"}, {"type": "ppp", "protocol"},
//!               {"type": "l2tp", "control", "tunnel", "session"},
//!               {"type": "pptp", "ctrl_type"},
//!               {"type": "ntp", "version", "mode", "stratum"},
//!               {"type": "dhcp" | "bootp", "op", "xid", "client_mac", "message_type",
//!                "message_type_name", "options": [tags]},
//!               {"type": "dhcpv6", "msg_type", "xid", "options": [codes]},
//!               {"type": "syslog", "facility", "severity"},
//!               {"type": "tftp", "opcode", "file"},
//!               {"type": "radius", "code", "id", "attributes": [types]},
//!               {"type": "http", "method", "path", "host", "status", "version"},
//!               {"type": "llc", "dsap", "ssap", "control", "oui", "pid"},
//!               {"type": "stp", "version", "bpdu_type", "flags", "root_id", "root_path_cost", "bridge_id", "port_id"},
//!               {"type": "lldp", "chassis_id": {"subtype", "id"}, "port_id": {..}, "ttl", "system_name"},
//!               {"type": "slow", "subtype", "actor_system", "actor_port"},
//!               {"type": "cdp", "version", "ttl", "device_id", "port_id"},
//!               {"type": "vrrp", "version", "vrid", "priority"}, {"type": "carp", "version", "vhid", "advskew"},
//!               {"type": "hsrp", "version", "op_code", "state", "group", "priority", "virtual_ip"},
//!               {"type": "bfd", "kind", "version", "state", "diagnostic", "my_discriminator", "your_discriminator"},
//!               {"type": "ptp", "version", "message_type", "domain", "sequence_id", "clock_identity"},
//!               {"type": "dns" | "mdns" | "llmnr", "id", "response", "opcode", "rcode",
//!                "counts": [qd, an, ns, ar], "questions": [{"name", "type", "class"}],
//!                "answers" | "authority" | "additional": [{"name", "type", "class", "ttl",
//!                "data"}]},

//!               {"type": "ah", "spi", "seq", "next_header"}, {"type": "esp", "spi", "seq"},
//!               {"type": "dccp", "sport", "dport", "packet_type", "seq", "ack", "ccval",
//!                "cscov", "service", "reset_code"},
//!               {"type": "isakmp", "version", "exchange_type", "flags", "initiator_spi",
//!                "responder_spi", "message_id"}, {"type": "nat-t", "kind"},
//!               {"type": "snmp", "version", "community", "pdu"},
//!               {"type": "tls", "record_version": "TLS 1.0", "handshake": "client_hello",
//!                "sni", "alpn": [..], "versions": ["TLS 1.3", ..], "cipher_suites": N,
//!                "complete"} (a server_hello: "selected_version", "cipher_suite", "alpn"),
//!               {"type": "quic", "version": "0x00000001", "dcid", "scid" (hex),
//!                "packet_type": "initial", "decrypted", and when decrypted the ClientHello's
//!                "handshake", "sni", "alpn", "versions", "cipher_suites", "complete"} ] }
//! ```
//! A tunnel's layers are followed by the layers of the packet it carries, outermost first
//! (`ipv4`, `udp`, `vxlan`, `ethernet`, `ipv4`, `tcp`, ...).
//! `tls` and `quic` (which tcpdump does not print) follow a TCP or UDP layer whose payload no
//! registered decoder took, on any port; a hello's fields hold what was captured, and
//! `complete` says whether the whole handshake message was.
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
    packet_json_with(pkt, decode::Options::default())
}

/// [`packet_json`] with the user's decoding choices (`-T`).
pub fn packet_json_with(pkt: &Packet<'_>, opts: decode::Options) -> Value {
    let decoded = decode::decode_with(pkt.link_type, pkt.data, pkt.orig_len, opts);
    packet_json_decoded(pkt, &decoded)
}

/// The JSON object for one packet, from its layers (decoded once, shared with the text
/// printer).
pub fn packet_json_decoded(pkt: &Packet<'_>, d: &Decoded<'_>) -> Value {
    let mut layers: Vec<Value> = Vec::new();
    // A transport header is named only in a datagram that is not split into fragments.
    let mut fragmented = false;
    for (i, layer) in d.layers.iter().enumerate() {
        // A payload no registered decoder took (nothing follows its transport layer).
        let untaken = i + 1 == d.layers.len();
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
                m.insert(
                    "type".into(),
                    json!(if a.appletalk { "aarp" } else { "arp" }),
                );
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
                if untaken {
                    layers.extend(tls_json(t.payload()));
                }
            }
            Layer::Udp(u) if !fragmented && u.header_complete() => {
                let (sport, dport) = u.ports().unwrap_or_default();
                layers.push(json!({
                    "type": "udp",
                    "sport": sport,
                    "dport": dport,
                    "len": u.length(),
                }));
                if untaken {
                    let payload = u.payload();
                    let len = u
                        .length()
                        .map_or(payload.len(), |l| usize::from(l).saturating_sub(8));
                    layers.extend(quic_json(&payload[..payload.len().min(len)]));
                }
            }
            Layer::Icmp(i) if !fragmented && i.header_complete() => {
                let mut m = json!({"type": "icmp", "icmp_type": i.icmp_type(), "code": i.code()});
                if matches!(i.icmp_type(), Some(0 | 8 | 13 | 14)) {
                    echo_id_seq(&mut m, i.id_seq());
                }
                layers.push(m)
            }
            Layer::Icmpv6(i) if !fragmented && i.header_complete() => {
                let mut m = json!({"type": "icmpv6", "icmp_type": i.icmp_type(), "code": i.code()});
                if matches!(i.icmp_type(), Some(128 | 129)) {
                    echo_id_seq(&mut m, i.id_seq());
                }
                layers.push(m)
            }
            Layer::Gre(g) if g.flags.is_some() => {
                let mut m = Map::new();
                m.insert("type".into(), json!("gre"));
                m.insert("version".into(), json!(g.version()));
                m.insert("protocol".into(), json!(g.proto));
                if g.version() == Some(1) {
                    m.insert("call_id".into(), json!(g.key.map(|k| k & 0xffff)));
                } else if let Some(key) = g.key {
                    m.insert("key".into(), json!(key));
                }
                if let Some(seq) = g.seq {
                    m.insert("seq".into(), json!(seq));
                }
                layers.push(Value::Object(m));
            }
            Layer::Vxlan(v) if v.complete() => {
                let mut m = Map::new();
                m.insert("type".into(), json!(layer.name()));
                m.insert("vni".into(), json!(v.vni()));
                m.insert("flags".into(), json!(v.flags()));
                if v.kind == decode::vxlan::Kind::Gpe {
                    m.insert("next_protocol".into(), json!(v.next_protocol()));
                }
                layers.push(Value::Object(m));
            }
            Layer::Geneve(g) if g.vni().is_some() => {
                let options: Vec<Value> = g
                    .option_list()
                    .iter()
                    .map(|o| json!({"class": o.class, "type": o.kind, "len": o.len}))
                    .collect();
                layers.push(json!({
                    "type": "geneve",
                    "vni": g.vni(),
                    "protocol": g.protocol(),
                    "options": options,
                }));
            }
            Layer::Mpls(m) => {
                let labels: Vec<Value> = m
                    .entries
                    .iter()
                    .map(|e| {
                        json!({"label": e.label(), "tc": e.tc(), "bottom": e.bottom(), "ttl": e.ttl()})
                    })
                    .collect();
                layers.push(json!({"type": "mpls", "labels": labels}));
            }
            Layer::Nsh(n) if n.service_path().is_some() => {
                let (spi, si) = n.service_path().unwrap_or_default();
                layers.push(json!({
                    "type": "nsh",
                    "spi": spi,
                    "si": si,
                    "next_protocol": n.next_protocol(),
                }));
            }
            Layer::Pppoe(p) if p.code().is_some() => layers.push(json!({
                "type": "pppoe",
                "code": p.code(),
                "session": p.session(),
            })),
            Layer::Ppp(p) if p.protocol.is_some() => {
                layers.push(json!({"type": "ppp", "protocol": p.protocol}))
            }
            Layer::L2tp(l) if l.session.is_some() => layers.push(json!({
                "type": "l2tp",
                "control": l.flag(decode::l2tp::FLAG_TYPE),
                "tunnel": l.tunnel,
                "session": l.session,
            })),
            Layer::Pptp(p) if p.ctrl_type().is_some() => {
                layers.push(json!({"type": "pptp", "ctrl_type": p.ctrl_type()}))
            }
            Layer::Igmp(g) if !fragmented && g.group().is_some() => layers.push(json!({
                "type": "igmp",
                "igmp_type": g.igmp_type(),
                "group": g.group().map(|a| a.to_string()),
            })),
            Layer::Dns(m) if !fragmented => {
                if let Some(v) = dns_json(m) {
                    layers.push(v);
                }
            }
            Layer::Message(m) if !fragmented => layers.push(json!({
                "type": m.proto.name(),
                "length": m.length,
                "captured": m.raw.len(),
            })),
            other => match app_json(other) {
                Some(v) => layers.push(v),
                None => layers.extend(super::json_lan::layer(other)),
            },
        }
    }
    // A transport header cut short inside a fragment is not named, so not reported either.
    let transport_stop = matches!(d.stop, Some(s) if matches!(s.protocol, "tcp" | "udp" | "icmp" | "icmp6" | "igmp"));
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
    if let (Some(ns), Value::Object(m)) = (pkt.netns, &mut v) {
        m.insert(
            "netns".into(),
            json!({ "inode": ns.inode, "name": ns.name }),
        );
    }
    if let (Some(d), Value::Object(m)) = (pkt.drop, &mut v) {
        m.insert(
            "drop".into(),
            json!({"reason": d.reason, "location": d.location}),
        );
    }
    if let Value::Object(m) = &mut v {
        owner_json(m, pkt);
    }
    v
}

/// `process`, `cgroup` and `container` for a packet whose owner is known; each field only
/// when known (a cgroup's path and container once the owner module has named it).
fn owner_json(m: &mut serde_json::Map<String, Value>, pkt: &Packet<'_>) {
    use netdump_common::owner::owner_flags;
    let Some(o) = pkt.owner.filter(|o| o.flags & owner_flags::KNOWN != 0) else {
        return;
    };
    m.insert(
        "process".into(),
        json!({"pid": o.tgid, "tid": o.tid, "comm": crate::packet::comm(&o), "uid": o.uid}),
    );
    let mut cg = serde_json::Map::new();
    cg.insert("id".into(), json!(o.cgroup));
    if let Some(c) = pkt.cgroup.filter(|c| !c.path.is_empty()) {
        cg.insert("path".into(), json!(c.path));
    }
    m.insert("cgroup".into(), Value::Object(cg));
    if let Some(c) = pkt.cgroup.and_then(|c| c.container.as_ref()) {
        let mut ct = serde_json::Map::new();
        ct.insert("id".into(), json!(c.id));
        for (k, v) in [
            ("name", &c.name),
            ("pod", &c.pod),
            ("namespace", &c.namespace),
            ("pod_uid", &c.pod_uid),
        ] {
            if let Some(v) = v {
                ct.insert(k.into(), json!(v));
            }
        }
        ct.insert("runtime".into(), json!(c.runtime.name()));
        m.insert("container".into(), Value::Object(ct));
    }
}

/// A DNS message's header, questions and records (as far as they were captured); None when
/// not even its header was.
fn dns_json(m: &decode::dns::Dns<'_>) -> Option<Value> {
    use decode::dns::{self, Flavor, Rdata, Record};
    let h = m.header()?;
    let s = m.sections();
    let type_name = |t: u16| dns::type_name(t).map_or_else(|| format!("TYPE{t}"), str::to_owned);
    let class_name = |c: u16| dns::class_name(c).map_or_else(|| format!("CLASS{c}"), str::to_owned);
    // mDNS uses the class's top bit as a flag (unicast response, cache flush).
    let class_of = |c: u16| {
        if m.flavor == Flavor::Mdns {
            c & !dns::C_MDNS_BIT
        } else {
            c
        }
    };
    let records = |rs: &[Record<'_>]| -> Vec<Value> {
        rs.iter()
            .map(|r| {
                let data = match &r.data {
                    Rdata::A(a) => json!(a.to_string()),
                    Rdata::Aaaa(a) => json!(a.to_string()),
                    Rdata::Name(n) => json!(n),
                    Rdata::Mx {
                        preference,
                        exchange,
                    } => json!({"preference": preference, "exchange": exchange}),
                    Rdata::Srv {
                        priority,
                        weight,
                        port,
                        target,
                    } => json!({"priority": priority, "weight": weight, "port": port, "target": target}),
                    Rdata::Txt(t) => json!(t),
                    Rdata::Soa {
                        mname,
                        rname,
                        serial,
                    } => json!({"mname": mname, "rname": rname, "serial": serial}),
                    Rdata::Other(b) => json!(b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
                };
                json!({
                    "name": r.name,
                    "type": type_name(r.rtype),
                    "class": class_name(class_of(r.class)),
                    "ttl": r.ttl,
                    "data": data,
                })
            })
            .collect()
    };
    Some(json!({
        "type": match m.flavor {
            Flavor::Dns => "dns",
            Flavor::Mdns => "mdns",
            Flavor::Llmnr => "llmnr",
        },
        "id": h.id,
        "response": h.response(),
        "opcode": h.opcode(),
        "rcode": h.rcode(),
        "counts": [h.qdcount, h.ancount, h.nscount, h.arcount],
        "questions": s.questions.iter().map(|q| json!({
            "name": q.name,
            "type": type_name(q.qtype),
            "class": class_name(class_of(q.qclass)),
        })).collect::<Vec<_>>(),
        "answers": records(&s.answers),
        "authority": records(&s.authority),
        "additional": records(&s.additional),
    }))
}

/// A TLS handshake record at the start of a TCP payload (any port), with its hello's SNI,
/// ALPN and versions: tcpdump prints nothing of it, so JSON alone reports it.
fn tls_json(payload: &[u8]) -> Option<Value> {
    let r = decode::tls::record(payload)?;
    let mut m = Map::new();
    m.insert("type".into(), json!("tls"));
    m.insert(
        "record_version".into(),
        json!(decode::tls::version_name(r.version)),
    );
    if let Some(h) = &r.hello {
        m.insert("handshake".into(), json!(h.kind_name()));
        hello_fields(h, &mut m);
    }
    Some(Value::Object(m))
}

/// A hello's fields, for the `tls` layer and inside a `quic` one.
fn hello_fields(h: &decode::tls::Hello, m: &mut Map<String, Value>) {
    let versions: Vec<String> = h
        .versions()
        .into_iter()
        .map(decode::tls::version_name)
        .collect();
    if h.kind == decode::tls::CLIENT_HELLO {
        m.insert("sni".into(), json!(h.sni));
        m.insert("alpn".into(), json!(h.alpn));
        m.insert("versions".into(), json!(versions));
        if let Some(n) = h.cipher_suites {
            m.insert("cipher_suites".into(), json!(n));
        }
    } else {
        m.insert("selected_version".into(), json!(versions.first()));
        m.insert("cipher_suite".into(), json!(h.cipher_suite));
        m.insert("alpn".into(), json!(h.alpn));
    }
    m.insert("complete".into(), json!(h.complete));
}

/// A QUIC v1/v2 Initial at the start of a UDP payload (any port): its header, and the
/// ClientHello's SNI and ALPN when its Initial keys opened it.
fn quic_json(payload: &[u8]) -> Option<Value> {
    let q = decode::quic::initial(payload)?;
    let hex = |b: &[u8]| b.iter().map(|c| format!("{c:02x}")).collect::<String>();
    let mut m = Map::new();
    m.insert("type".into(), json!("quic"));
    m.insert(
        "version".into(),
        json!(decode::quic::version_hex(q.version)),
    );
    m.insert("dcid".into(), json!(hex(q.dcid)));
    m.insert("scid".into(), json!(hex(q.scid)));
    m.insert("packet_type".into(), json!("initial"));
    m.insert("decrypted".into(), json!(q.decrypted));
    if let Some(h) = &q.hello {
        m.insert("handshake".into(), json!(h.kind_name()));
        hello_fields(h, &mut m);
    }
    Some(Value::Object(m))
}

/// The application layers decoded from UDP and TCP payloads (NTP, DHCP, DHCPv6, syslog,
/// TFTP, RADIUS, HTTP, ISAKMP, SNMP) and IPsec headers: what operators filter on, from the decoders' accessors.
fn app_json(layer: &Layer<'_>) -> Option<Value> {
    Some(match layer {
        Layer::Ntp(n) => json!({
            "type": "ntp",
            "version": n.version()?,
            "mode": n.mode()?,
            "stratum": n.stratum(),
        }),
        Layer::Bootp(b) => {
            let kind = b.dhcp_message_type();
            let name = kind.and_then(|k| {
                decode::bootp::MESSAGES
                    .iter()
                    .find(|(v, _)| *v == u32::from(k))
                    .map(|(_, n)| *n)
            });
            json!({
                "type": if kind.is_some() { "dhcp" } else { "bootp" },
                "op": b.op()?,
                "xid": b.xid(),
                "client_mac": b.client_mac().map(mac),
                "message_type": kind,
                "message_type_name": name,
                "options": b.options().map(|(t, _)| t).collect::<Vec<_>>(),
            })
        }
        Layer::Dhcp6(d) => json!({
            "type": "dhcpv6",
            "msg_type": d.msg_type()?,
            "xid": d.xid(),
            "options": d.option_codes(),
        }),
        Layer::Syslog(s) => {
            let (facility, severity) = s.facility_severity()?;
            json!({"type": "syslog", "facility": facility, "severity": severity})
        }
        Layer::Tftp(t) => json!({
            "type": "tftp",
            "opcode": t.opcode()?,
            "file": t.file_name().map(String::from_utf8_lossy),
        }),
        Layer::Radius(r) => json!({
            "type": "radius",
            "code": r.code()?,
            "id": r.id(),
            "attributes": r.attribute_types(),
        }),
        Layer::Ah(a) => json!({
            "type": "ah",
            "spi": a.spi()?,
            "seq": a.seq(),
            "next_header": a.next_header(),
        }),
        Layer::Esp(e) => json!({"type": "esp", "spi": e.spi()?, "seq": e.seq()}),
        Layer::Dccp(d) if d.header_complete() => {
            let (sport, dport) = d.ports()?;
            let t = d.packet_type()?;
            json!({
                "type": "dccp",
                "sport": sport,
                "dport": dport,
                "packet_type": decode::dccp::type_name(t).unwrap_or("unknown"),
                "seq": d.seq(),
                "ack": (t != decode::dccp::DATA && t != decode::dccp::REQUEST).then(|| d.ack()).flatten(),
                "ccval": d.ccval(),
                "cscov": d.cscov(),
                "service": d.service(),
                "reset_code": d.reset_code(),
            })
        }
        Layer::Isakmp(i) => {
            let (major, minor) = i.version()?;
            let hex = |b: &[u8]| b.iter().map(|c| format!("{c:02x}")).collect::<String>();
            let (ispi, rspi) = i.cookies()?;
            json!({
                "type": "isakmp",
                "version": format!("{major}.{minor}"),
                "exchange_type": i.exchange_type(),
                "flags": i.flags(),
                "initiator_spi": hex(ispi),
                "responder_spi": hex(rspi),
                "message_id": i.message_id(),
            })
        }
        Layer::NatT(n) => json!({
            "type": "nat-t",
            "kind": match n.kind() {
                decode::isakmp::NatTKind::KeepAlive => "keepalive",
                decode::isakmp::NatTKind::Ike(_) => "ike",
                decode::isakmp::NatTKind::Esp => "esp",
                decode::isakmp::NatTKind::Short => return None,
            },
        }),
        Layer::Snmp(s) => json!({
            "type": "snmp",
            "version": s.version()?,
            "community": s.community().map(String::from_utf8_lossy),
            "pdu": s.pdu_type(),
        }),
        Layer::Http(h) => {
            let s = h.summary()?;
            json!({
                "type": "http",
                "method": s.method,
                "path": s.path,
                "host": s.host,
                "status": s.status,
                "version": s.version,
            })
        }
        _ => return None,
    })
}

/// Writes one packet as a line of JSON.
pub fn write_line(out: &mut impl Write, pkt: &Packet<'_>, opts: decode::Options) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &packet_json_with(pkt, opts))?;
    out.write_all(b"\n")
}

/// An echo (or timestamp) message's identifier and sequence number, when captured.
fn echo_id_seq(layer: &mut Value, id_seq: Option<(u16, u16)>) {
    if let (Some((id, seq)), Some(m)) = (id_seq, layer.as_object_mut()) {
        m.insert("id".into(), json!(id));
        m.insert("seq".into(), json!(seq));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::{Hook, Timestamp};

    /// An Ethernet frame captured whole on eth0 at TC, with no owner.
    fn tc_packet(data: &[u8], ts: Timestamp, direction: Direction) -> Packet<'_> {
        Packet {
            ts,
            ifname: "eth0",
            netns: None,
            direction,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len: data.len() as u32,
            data,
            drop: None,
            owner: None,
            cgroup: None,
        }
    }

    #[test]
    fn udp_packet_has_every_layer() {
        let mut f = Vec::new();
        etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
            .udp(5555, 40000)
            .write(&mut f, &[1; 32])
            .unwrap();
        let pkt = tc_packet(&f, Timestamp { sec: 0, nsec: 5 }, Direction::Ingress);
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

    /// Echo requests and replies carry their identifier and sequence number (tshark's
    /// icmp.ident and icmp.seq); other ICMP messages do not.
    #[test]
    fn icmp_echo_has_id_and_seq() {
        let layer = |icmp: etherparse::Icmpv4Type| {
            let mut f = Vec::new();
            etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
                .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
                .icmpv4(icmp)
                .write(&mut f, &[7; 8])
                .unwrap();
            let pkt = tc_packet(&f, Timestamp { sec: 0, nsec: 0 }, Direction::Egress);
            packet_json(&pkt)["layers"][2].clone()
        };
        let echo = etherparse::IcmpEchoHeader { id: 4660, seq: 3 };
        let req = layer(etherparse::Icmpv4Type::EchoRequest(echo));
        assert_eq!(
            req,
            json!({"type": "icmp", "icmp_type": 8, "code": 0, "id": 4660, "seq": 3})
        );
        let unreach = layer(etherparse::Icmpv4Type::DestinationUnreachable(
            etherparse::icmpv4::DestUnreachableHeader::Port,
        ));
        assert_eq!(unreach, json!({"type": "icmp", "icmp_type": 3, "code": 3}));
    }

    /// The owner's objects: every field the kernel and the owner module know, none they
    /// do not (no path, no container: absent, not null); nothing for an unknown owner.
    #[test]
    fn owner_objects_only_with_what_is_known() {
        use netdump_common::owner::{owner_flags, OwnerInfo};

        use crate::owner::{CgroupInfo, Container, Runtime};
        let mut f = Vec::new();
        etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
            .udp(5555, 40000)
            .write(&mut f, &[1; 4])
            .unwrap();
        let mut comm = [0u8; 16];
        comm[..4].copy_from_slice(b"curl");
        let owner = OwnerInfo {
            tgid: 42,
            tid: 43,
            uid: 1000,
            flags: owner_flags::KNOWN,
            cgroup: 77,
            comm,
        };
        let info = CgroupInfo {
            id: 77,
            path: "/libpod_parent/libpod-abc".into(),
            container: Some(Container {
                id: "ab".repeat(32),
                name: Some("web".into()),
                runtime: Runtime::Podman,
                pod: Some("web-pod".into()),
                namespace: Some("shop".into()),
                pod_uid: None,
            }),
        };
        let mut pkt = Packet {
            ts: Timestamp { sec: 0, nsec: 5 },
            ifname: "eth0",
            netns: None,
            direction: Direction::Egress,
            pkt_type: 4,
            hook: Hook::Tc,
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len: f.len() as u32,
            data: &f,
            drop: None,
            owner: Some(owner),
            cgroup: None,
        };
        let v = packet_json(&pkt);
        assert_eq!(
            v["process"],
            json!({"pid": 42, "tid": 43, "comm": "curl", "uid": 1000})
        );
        assert_eq!(v["cgroup"], json!({"id": 77}));
        assert!(v.get("container").is_none());
        pkt.cgroup = Some(&info);
        let v = packet_json(&pkt);
        assert_eq!(v["cgroup"]["path"], "/libpod_parent/libpod-abc");
        assert_eq!(
            v["container"],
            json!({"id": "ab".repeat(32), "name": "web", "runtime": "podman",
                   "pod": "web-pod", "namespace": "shop"})
        );
        assert_eq!(
            crate::packet::context_suffix(&owner, Some(&info)),
            " [pid 42 tid 43 comm curl uid 1000 cgroup /libpod_parent/libpod-abc \
             container abababababab name web pod shop/web-pod]"
        );
        assert_eq!(
            crate::packet::context_suffix(&owner, None),
            " [pid 42 tid 43 comm curl uid 1000 cgroup 77]"
        );
        pkt.owner = Some(OwnerInfo::default());
        let v = packet_json(&pkt);
        assert!(v.get("process").is_none() && v.get("cgroup").is_none());
        assert_eq!(
            crate::packet::context_suffix(&OwnerInfo::default(), None),
            " [no owner]"
        );
    }

    /// A VXLAN datagram (VNI 100) carrying an Ethernet frame with an IPv4/UDP packet.
    #[test]
    fn vxlan_vni_then_the_inner_layers() {
        let mut inner = Vec::new();
        etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 3], [2, 0, 0, 0, 0, 4])
            .ipv4([198, 18, 1, 1], [198, 18, 1, 2], 64)
            .udp(1000, 2000)
            .write(&mut inner, &[7; 4])
            .unwrap();
        let mut payload = vec![8, 0, 0, 0, 0, 0, 100, 0];
        payload.extend_from_slice(&inner);
        let mut f = Vec::new();
        etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
            .udp(40000, 4789)
            .write(&mut f, &payload)
            .unwrap();
        let pkt = Packet {
            ts: Timestamp::default(),
            ifname: "eth0",
            netns: None,
            direction: Direction::Ingress,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len: f.len() as u32,
            data: &f,
            drop: None,
            owner: None,
            cgroup: None,
        };
        let v = packet_json(&pkt);
        let types: Vec<&str> = v["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            types,
            ["ethernet", "ipv4", "udp", "vxlan", "ethernet", "ipv4", "udp"]
        );
        assert_eq!(v["layers"][3]["vni"], 100);
        assert_eq!(v["layers"][5]["src"], "198.18.1.1");
        assert_eq!(v["layers"][6]["dport"], 2000);
    }

    #[test]
    fn application_layers_have_their_fields() {
        let mut f = Vec::new();
        let mut dhcp = vec![0u8; 236];
        dhcp[..4].copy_from_slice(&[1, 1, 6, 0]);
        dhcp[28..34].copy_from_slice(&[2, 0, 0, 0, 0, 9]);
        dhcp.extend_from_slice(&[99, 130, 83, 99, 53, 1, 3, 255]);
        etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
            .udp(68, 67)
            .write(&mut f, &dhcp)
            .unwrap();
        let pkt = Packet {
            ts: Timestamp::default(),
            ifname: "eth0",
            netns: None,
            direction: Direction::Ingress,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len: f.len() as u32,
            data: &f,
            drop: None,
            owner: None,
            cgroup: None,
        };
        let v = packet_json(&pkt);
        let d = &v["layers"][3];
        assert_eq!(d["type"], "dhcp");
        assert_eq!(d["message_type_name"], "Request");
        assert_eq!(d["client_mac"], "02:00:00:00:00:09");
        assert_eq!(d["options"], json!([53]));

        let mut f = Vec::new();
        etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
            .tcp(40000, 80, 1, 1000)
            .write(&mut f, b"GET /a HTTP/1.1\r\nHost: example.org\r\n\r\n")
            .unwrap();
        let pkt = Packet {
            orig_len: f.len() as u32,
            data: &f,
            ..pkt
        };
        let v = packet_json(&pkt);
        let h = &v["layers"][3];
        assert_eq!(
            (h["method"].as_str(), h["path"].as_str()),
            (Some("GET"), Some("/a"))
        );
        assert_eq!(h["host"], "example.org");
    }

    #[test]
    fn ipsec_ike_and_snmp_layers_have_their_fields() {
        let json_of = |sport: u16, dport: u16, payload: &[u8]| {
            let mut f = Vec::new();
            etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
                .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
                .udp(sport, dport)
                .write(&mut f, payload)
                .unwrap();
            let pkt = Packet {
                ts: Timestamp::default(),
                ifname: "eth0",
                netns: None,
                direction: Direction::Ingress,
                pkt_type: 0,
                hook: Hook::Tc,
                link_type: crate::packet::LinkType::ETHERNET,
                orig_len: f.len() as u32,
                data: &f,
                drop: None,
                owner: None,
                cgroup: None,
            };
            packet_json(&pkt)["layers"].clone()
        };
        // DCCP: a Reset with 48-bit sequence numbers, after an IPv4 header built by hand.
        let dccp = [
            0x9c, 0x40, 0x13, 0x89, 7, 0x10, 0, 0, 0x0f, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0,
            9, 1, 0, 0, 0,
        ];
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0];
        f.extend([
            0x45, 0, 0, 48, 0, 0, 0x40, 0, 64, 33, 0, 0, 198, 18, 0, 1, 198, 18, 0, 2,
        ]);
        f.extend(dccp);
        let pkt = Packet {
            ts: Timestamp::default(),
            ifname: "eth0",
            netns: None,
            direction: Direction::Ingress,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len: f.len() as u32,
            data: &f,
            drop: None,
            owner: None,
            cgroup: None,
        };
        assert_eq!(
            packet_json(&pkt)["layers"][2],
            json!({"type": "dccp", "sport": 40000, "dport": 5001, "packet_type": "DCCP-Reset",
                   "seq": 5, "ack": 9, "ccval": 1, "cscov": 0, "service": null, "reset_code": 1})
        );
        let l = json_of(4500, 4500, &[0, 0, 1, 0, 0, 0, 0, 9, 0xee, 0xee]);
        assert_eq!(l[3], json!({"type": "nat-t", "kind": "esp"}));
        assert_eq!(l[4], json!({"type": "esp", "spi": 256, "seq": 9}));
        let mut ike = vec![0x11; 8];
        ike.extend([0; 8]);
        ike.extend([33, 0x20, 34, 0x08, 0, 0, 0, 0, 0, 0, 0, 28]);
        let l = json_of(500, 500, &ike);
        assert_eq!(l[3]["version"], "2.0");
        assert_eq!(l[3]["exchange_type"], 34);
        assert_eq!(l[3]["initiator_spi"], "1111111111111111");
        let snmp = [
            0x30, 0x1b, 0x02, 0x01, 0x00, 0x04, 0x03, b'a', b'b', b'c', 0xa1, 0x11, 0x02, 0x01,
            0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x06, 0x30, 0x04, 0x06, 0x00, 0x05,
            0x00,
        ];
        let l = json_of(40000, 161, &snmp);
        assert_eq!(
            l[3],
            json!({"type": "snmp", "version": 0, "community": "abc", "pdu": "GetNextRequest"})
        );
    }

    #[test]
    fn a_drop_names_its_reason_and_location() {
        let pkt = Packet {
            owner: None,
            cgroup: None,
            ts: Timestamp::default(),
            ifname: NO_DEVICE,
            netns: None,
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
            netns: None,
            direction: Direction::Unknown,
            pkt_type: 0,
            hook: Hook::Socket,
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len: 3,
            data: &[1, 2, 3],
            drop: None,
            owner: None,
            cgroup: None,
        };
        let v = packet_json(&pkt);
        assert_eq!(v["truncated"], true);
        assert_eq!(v["direction"], Value::Null);
    }

    #[test]
    fn dns_questions_and_answers() {
        let msg = [
            0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0, // header
            3, b'w', b'w', b'w', 7, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 3, b'c', b'o', b'm',
            0, 0, 1, 0, 1, // question
            0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 198, 18, 0, 1, // A
            0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 5, 0, 10, 1, b'm', 0, // MX
        ];
        let mut f = Vec::new();
        etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
            .udp(53, 40000)
            .write(&mut f, &msg)
            .unwrap();
        let pkt = |data| Packet {
            ts: Timestamp::default(),
            ifname: "eth0",
            netns: None,
            direction: Direction::Ingress,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len: f.len() as u32,
            data,
            drop: None,
            owner: None,
            cgroup: None,
        };
        let v = packet_json(&pkt(&f));
        let d = &v["layers"][3];
        assert_eq!(d["type"], "dns");
        assert_eq!(
            (&d["id"], &d["response"], &d["rcode"]),
            (&json!(0x1234), &json!(true), &json!(0))
        );
        assert_eq!(
            d["questions"],
            json!([{"name": "www.example.com.", "type": "A", "class": "IN"}])
        );
        assert_eq!(d["answers"][0]["data"], "198.18.0.1");
        assert_eq!(d["answers"][0]["ttl"], 3600);
        assert_eq!(d["answers"][1]["type"], "MX");
        assert_eq!(
            d["answers"][1]["data"],
            json!({"preference": 10, "exchange": "m."})
        );
        assert_eq!(v["truncated"], false);
        // Cut in the second answer: what was captured is there, and the packet is cut short.
        let v = packet_json(&pkt(&f[..f.len() - 3]));
        assert_eq!(v["layers"][3]["answers"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["truncated"], true);
    }

    fn eth_json(build: impl FnOnce(&mut Vec<u8>)) -> Value {
        let mut f = Vec::new();
        build(&mut f);
        let pkt = Packet {
            ts: Timestamp::default(),
            ifname: "eth0",
            netns: None,
            direction: Direction::Ingress,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len: f.len() as u32,
            data: &f,
            drop: None,
            owner: None,
            cgroup: None,
        };
        packet_json(&pkt)
    }

    fn types(v: &Value) -> Vec<String> {
        v["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["type"].as_str().unwrap().to_owned())
            .collect()
    }

    /// A ClientHello on any TCP port is a `tls` layer, unless a registered decoder took the
    /// payload (HTTP on port 80).
    #[test]
    fn tls_client_hello_on_untaken_tcp_payloads() {
        let hello = decode::tls::build::record(&decode::tls::build::client_hello(
            "x.example.test",
            &["h2", "http/1.1"],
        ));
        let tcp = |dport: u16| {
            eth_json(|f| {
                etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
                    .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
                    .tcp(40000, dport, 1, 1000)
                    .write(f, &hello)
                    .unwrap()
            })
        };
        let v = tcp(8443);
        assert_eq!(types(&v), ["ethernet", "ipv4", "tcp", "tls"]);
        assert_eq!(
            v["layers"][3],
            json!({"type": "tls", "record_version": "TLS 1.0", "handshake": "client_hello",
                   "sni": "x.example.test", "alpn": ["h2", "http/1.1"],
                   "versions": ["TLS 1.3", "TLS 1.2"], "cipher_suites": 3, "complete": true})
        );
        // HTTP's decoder took port 80's payload (and found no request line in it).
        assert_eq!(types(&tcp(80)), ["ethernet", "ipv4", "tcp"]);
    }

    /// A QUIC Initial on any UDP port is a `quic` layer with the ClientHello's SNI, unless a
    /// registered decoder took the payload (DNS on port 53); a fragment is not read.
    #[test]
    fn quic_initial_on_untaken_udp_payloads() {
        let mut frames = vec![0x06, 0, 0x40, 0];
        let hello = decode::tls::build::client_hello("q.example.test", &["h3"]);
        frames[3] = hello.len() as u8;
        frames.extend(&hello);
        frames.resize(1100, 0);
        let p =
            decode::quic::seal_client_initial(decode::quic::VERSION_1, &[7; 8], &[9], 0, &frames)
                .unwrap();
        let udp = |dport: u16| {
            eth_json(|f| {
                etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
                    .ipv6(
                        [0x20, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                        [0x20, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
                        64,
                    )
                    .udp(40000, dport)
                    .write(f, &p)
                    .unwrap()
            })
        };
        let v = udp(443);
        assert_eq!(types(&v), ["ethernet", "ipv6", "udp", "quic"]);
        let q = &v["layers"][3];
        assert_eq!(
            (
                &q["version"],
                &q["dcid"],
                &q["scid"],
                &q["packet_type"],
                &q["decrypted"]
            ),
            (
                &json!("0x00000001"),
                &json!("0707070707070707"),
                &json!("09"),
                &json!("initial"),
                &json!(true)
            )
        );
        assert_eq!(
            (&q["sni"], &q["alpn"]),
            (&json!("q.example.test"), &json!(["h3"]))
        );
        assert_eq!(types(&udp(53))[3], "dns");
    }
}
