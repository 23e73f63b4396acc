//! RADIUS wording (tcpdump's print-radius.c): code, id and length by default; with `-v`
//! the authenticator and every attribute in its own format (numbers with their standard
//! values, addresses, tagged tunnel strings, vendor attributes, EAP messages, RFC 5580
//! location data), with `-vv` each attribute's bytes too.

use std::fmt::Write as _;

use super::{
    ntp::ntp_time,
    payload::{
        be16_at, be24_at, be32_at, bittok2str, bytes_at, has, hex_and_ascii, ipv4_at, ipv6_at,
        printjnp, printn, tok2str, u8_at, unknown_data, Get,
    },
    Dissector,
};
use crate::decode::radius::{Radius, MIN_LEN};

/// How tcpdump prints an attribute's value (its `print_func`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fmt {
    None,
    Str,
    Num,
    Vendor,
    Addr,
    Addr6,
    Netmask6,
    Mip6Prefix,
    OperatorName,
    LocationInfo,
    LocationData,
    Blpr,
    Time,
    Vector64,
    Strange,
}

/// One entry of tcpdump's `attr_type`.
struct Attr {
    name: &'static str,
    /// Standard values, indexed by value.
    values: &'static [&'static str],
    siz: u32,
    first: u32,
    fmt: Fmt,
}

const COMMANDS: &[(u32, &str)] = &[
    (1, "Access-Request"),
    (2, "Access-Accept"),
    (3, "Access-Reject"),
    (4, "Accounting-Request"),
    (5, "Accounting-Response"),
    (11, "Access-Challenge"),
    (12, "Status-Server"),
    (13, "Status-Client"),
    (40, "Disconnect-Request"),
    (41, "Disconnect-ACK"),
    (42, "Disconnect-NAK"),
    (43, "CoA-Request"),
    (44, "CoA-ACK"),
    (45, "CoA-NAK"),
    (255, "Reserved"),
];

const RFC4675_TAGGED: &[(u32, &str)] = &[(0x31, "Tagged"), (0x32, "Untagged")];

const ERROR_CAUSES: &[(u32, &str)] = &[
    (201, "Residual Session Context Removed"),
    (202, "Invalid EAP Packet (Ignored)"),
    (401, "Unsupported Attribute"),
    (402, "Missing Attribute"),
    (403, "NAS Identification Mismatch"),
    (404, "Invalid Request"),
    (405, "Unsupported Service"),
    (406, "Unsupported Extension"),
    (407, "Invalid Attribute Value"),
    (501, "Administratively Prohibited"),
    (502, "Request Not Routable (Proxy)"),
    (503, "Session Context Not Found"),
    (504, "Session Context Not Removable"),
    (505, "Other Proxy Processing Error"),
    (506, "Resources Unavailable"),
    (507, "Request Initiated"),
    (508, "Multiple Session Selection Unsupported"),
    (509, "Location Info Required"),
];

const MIP6_FEATURES: &[(u64, &str)] = &[
    (0x0000_0000_0000_0001, "MIP6_INTEGRATED"),
    (0x0000_0000_0000_0002, "LOCAL_HOME_AGENT_ASSIGNMENT"),
    (0x0000_0100_0000_0000, "PMIP6_SUPPORTED"),
    (0x0000_0200_0000_0000, "IP4_HOA_SUPPORTED"),
    (0x0000_0400_0000_0000, "LOCAL_MAG_ROUTING_SUPPORTED"),
    (0x0000_0800_0000_0000, "ASSIGN_LOCAL_IP"),
    (0x0000_1000_0000_0000, "MIP4_SUPPORTED"),
    (0x0000_2000_0000_0000, "OPTIMIZED_IDLE_MODE_MOBILITY"),
    (0x0000_4000_0000_0000, "GTPv2_SUPPORTED"),
    (0x0000_8000_0000_0000, "IP4_TRANSPORT_SUPPORTED"),
    (0x0001_0000_0000_0000, "IP4_HOA_ONLY_SUPPORTED"),
    (0x0002_0000_0000_0000, "INTER_MAG_ROUTING_SUPPORTED"),
];

const OPERATOR_NAMESPACES: &[(u32, &str)] = &[
    (0x30, "TADIG"),
    (0x31, "REALM"),
    (0x32, "E212"),
    (0x33, "ICC"),
];
const LOCATION_CODES: &[(u32, &str)] = &[(0, "Civic"), (1, "Geospatial")];
const LOCATION_ENTITIES: &[(u32, &str)] = &[(0, "User"), (1, "RADIUS")];
const BLPR_FLAGS: &[(u32, &str)] = &[
    (0x0001, "MBZ-15"),
    (0x0002, "MBZ-14"),
    (0x0004, "MBZ-13"),
    (0x0008, "MBZ-12"),
    (0x0010, "MBZ-11"),
    (0x0020, "MBZ-10"),
    (0x0040, "MBZ-9"),
    (0x0080, "MBZ-8"),
    (0x0100, "MBZ-7"),
    (0x0200, "MBZ-6"),
    (0x0400, "MBZ-5"),
    (0x0800, "MBZ-4"),
    (0x1000, "MBZ-3"),
    (0x2000, "MBZ-2"),
    (0x4000, "MBZ-1"),
    (0x8000, "Retransmission Allowed"),
];

const EAP_CODES: &[(u32, &str)] = &[
    (1, "Request"),
    (2, "Response"),
    (3, "Success"),
    (4, "Failure"),
];
const EAP_TYPES: &[(u32, &str)] = &[
    (0, "No proposed"),
    (1, "Identity"),
    (2, "Notification"),
    (3, "Nak"),
    (4, "MD5-challenge"),
    (5, "OTP"),
    (6, "GTC"),
    (13, "TLS"),
    (18, "SIM"),
    (21, "TTLS"),
    (23, "AKA"),
    (43, "FAST"),
    (254, "Expanded types"),
    (255, "Experimental"),
];
const EAP_TLS_FLAGS: &[(u32, &str)] = &[
    (0x80, "L bit"),
    (0x40, "More fragments bit"),
    (0x20, "Start bit"),
];
const EAP_AKA_SUBTYPES: &[(u32, &str)] = &[
    (1, "Challenge"),
    (2, "Auth reject"),
    (4, "Sync failure"),
    (5, "Identity"),
    (10, "Start"),
    (11, "Challenge"),
    (12, "Notification"),
    (13, "Reauth"),
    (14, "Client error"),
];

const SERV_TYPE: &[&str] = &[
    "",
    "Login",
    "Framed",
    "Callback Login",
    "Callback Framed",
    "Outbound",
    "Administrative",
    "NAS Prompt",
    "Authenticate Only",
    "Callback NAS Prompt",
    "Call Check",
    "Callback Administrative",
    "Voice",
    "Fax",
    "Modem Relay",
    "IAPP-Register",
    "IAPP-AP-Check",
    "Authorize Only",
    "Framed-Management",
    "Additional-Authorization",
];
const FRM_PROTO: &[&str] = &[
    "",
    "PPP",
    "SLIP",
    "ARAP",
    "Gandalf proprietary",
    "Xylogics IPX/SLIP",
    "X.75 Synchronous",
    "GPRS PDP Context",
];
const FRM_ROUTING: &[&str] = &["None", "Send", "Listen", "Send&Listen"];
const FRM_COMP: &[&str] = &["None", "VJ TCP/IP", "IPX", "Stac-LZS"];
const LOGIN_SERV: &[&str] = &[
    "Telnet",
    "Rlogin",
    "TCP Clear",
    "PortMaster(proprietary)",
    "LAT",
    "X.25-PAD",
    "X.25-T3POS",
    "Unassigned",
    "TCP Clear Quiet",
];
const TERM_ACTION: &[&str] = &["Default", "RADIUS-Request"];
const INGRESS_FILTERS: &[&str] = &["", "Enabled", "Disabled"];
const NAS_PORT_TYPE: &[&str] = &[
    "Async",
    "Sync",
    "ISDN Sync",
    "ISDN Async V.120",
    "ISDN Async V.110",
    "Virtual",
    "PIAFS",
    "HDLC Clear Channel",
    "X.25",
    "X.75",
    "G.3 Fax",
    "SDSL",
    "ADSL-CAP",
    "ADSL-DMT",
    "ISDN-DSL",
    "Ethernet",
    "xDSL",
    "Cable",
    "Wireless - Other",
    "Wireless - IEEE 802.11",
    "Token-Ring",
    "FDDI",
    "Wireless - CDMA200",
    "Wireless - UMTS",
    "Wireless - 1X-EV",
    "IAPP",
    "FTTP",
    "Wireless - IEEE 802.16",
    "Wireless - IEEE 802.20",
    "Wireless - IEEE 802.22",
    "PPPoA",
    "PPPoEoA",
    "PPPoEoE",
    "PPPoEoVLAN",
    "PPPoEoQinQ",
    "xPON",
    "Wireless - XGP",
    "WiMAX Pre-Release 8 IWK Function",
    "WIMAX-WIFI-IWK",
    "WIMAX-SFF",
    "WIMAX-HA-LMA",
    "WIMAX-DHCP",
    "WIMAX-LBS",
    "WIMAX-WVS",
];
const ACCT_STATUS: &[&str] = &[
    "",
    "Start",
    "Stop",
    "Interim-Update",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Accounting-On",
    "Accounting-Off",
    "Tunnel-Start",
    "Tunnel-Stop",
    "Tunnel-Reject",
    "Tunnel-Link-Start",
    "Tunnel-Link-Stop",
    "Tunnel-Link-Reject",
    "Failed",
];
const ACCT_AUTH: &[&str] = &["", "RADIUS", "Local", "Remote", "Diameter"];
const ACCT_TERM: &[&str] = &[
    "",
    "User Request",
    "Lost Carrier",
    "Lost Service",
    "Idle Timeout",
    "Session Timeout",
    "Admin Reset",
    "Admin Reboot",
    "Port Error",
    "NAS Error",
    "NAS Request",
    "NAS Reboot",
    "Port Unneeded",
    "Port Preempted",
    "Port Suspended",
    "Service Unavailable",
    "Callback",
    "User Error",
    "Host Request",
    "Supplicant Restart",
    "Reauthentication Failure",
    "Port Reinitialized",
    "Port Administratively Disabled",
    "Lost Power",
];
const TUNNEL_TYPE: &[&str] = &[
    "",
    "PPTP",
    "L2F",
    "L2TP",
    "ATMP",
    "VTP",
    "AH",
    "IP-IP",
    "MIN-IP-IP",
    "ESP",
    "GRE",
    "DVS",
    "IP-in-IP Tunneling",
    "VLAN",
];
const TUNNEL_MEDIUM: &[&str] = &[
    "",
    "IPv4",
    "IPv6",
    "NSAP",
    "HDLC",
    "BBN 1822",
    "802",
    "E.163",
    "E.164",
    "F.69",
    "X.121",
    "IPX",
    "Appletalk",
    "Decnet IV",
    "Banyan Vines",
    "E.164 with NSAP subaddress",
];
const ARAP_ZONE: &[&str] = &[
    "",
    "Only access to dfl zone",
    "Use zone filter inc.",
    "Not used",
    "Use zone filter exc.",
];
const PROMPT: &[&str] = &["No Echo", "Echo"];
/// tcpdump's `attr_type`, indexed by attribute type.
const ATTRS: &[Attr] = &[
    Attr {
        name: "",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::None,
    },
    Attr {
        name: "User-Name",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "User-Password",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::None,
    },
    Attr {
        name: "CHAP-Password",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::None,
    },
    Attr {
        name: "NAS-IP-Address",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Addr,
    },
    Attr {
        name: "NAS-Port",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Service-Type",
        values: SERV_TYPE,
        siz: 19,
        first: 1,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Framed-Protocol",
        values: FRM_PROTO,
        siz: 7,
        first: 1,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Framed-IP-Address",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Addr,
    },
    Attr {
        name: "Framed-IP-Netmask",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Addr,
    },
    Attr {
        name: "Framed-Routing",
        values: FRM_ROUTING,
        siz: 4,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Filter-Id",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Framed-MTU",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Framed-Compression",
        values: FRM_COMP,
        siz: 4,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Login-IP-Host",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Addr,
    },
    Attr {
        name: "Login-Service",
        values: LOGIN_SERV,
        siz: 9,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Login-TCP-Port",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Unassigned",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::None,
    },
    Attr {
        name: "Reply-Message",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Callback-Number",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Callback-Id",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Unassigned",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::None,
    },
    Attr {
        name: "Framed-Route",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Framed-IPX-Network",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "State",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Class",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Vendor-Specific",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Vendor,
    },
    Attr {
        name: "Session-Timeout",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Idle-Timeout",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Termination-Action",
        values: TERM_ACTION,
        siz: 2,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Called-Station-Id",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Calling-Station-Id",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "NAS-Identifier",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Proxy-State",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Login-LAT-Service",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Login-LAT-Node",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Login-LAT-Group",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Framed-AppleTalk-Link",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Framed-AppleTalk-Network",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Framed-AppleTalk-Zone",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Acct-Status-Type",
        values: ACCT_STATUS,
        siz: 15,
        first: 1,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Acct-Delay-Time",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Acct-Input-Octets",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Acct-Output-Octets",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Acct-Session-Id",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Acct-Authentic",
        values: ACCT_AUTH,
        siz: 4,
        first: 1,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Acct-Session-Time",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Acct-Input-Packets",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Acct-Output-Packets",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Acct-Terminate-Cause",
        values: ACCT_TERM,
        siz: 23,
        first: 1,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Acct-Multi-Session-Id",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Acct-Link-Count",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Acct-Input-Gigawords",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Acct-Output-Gigawords",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Unassigned",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::None,
    },
    Attr {
        name: "Event-Timestamp",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Time,
    },
    Attr {
        name: "Egress-VLANID",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Ingress-Filters",
        values: INGRESS_FILTERS,
        siz: 2,
        first: 1,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Egress-VLAN-Name",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "User-Priority-Table",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::None,
    },
    Attr {
        name: "CHAP-Challenge",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "NAS-Port-Type",
        values: NAS_PORT_TYPE,
        siz: 44,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Port-Limit",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Login-LAT-Port",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Tunnel-Type",
        values: TUNNEL_TYPE,
        siz: 13,
        first: 1,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Tunnel-Medium-Type",
        values: TUNNEL_MEDIUM,
        siz: 15,
        first: 1,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Tunnel-Client-Endpoint",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Tunnel-Server-Endpoint",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Acct-Tunnel-Connection",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Tunnel-Password",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "ARAP-Password",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Strange,
    },
    Attr {
        name: "ARAP-Features",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Strange,
    },
    Attr {
        name: "ARAP-Zone-Access",
        values: ARAP_ZONE,
        siz: 4,
        first: 1,
        fmt: Fmt::Num,
    },
    Attr {
        name: "ARAP-Security",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "ARAP-Security-Data",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Password-Retry",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Prompt",
        values: PROMPT,
        siz: 2,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Connect-Info",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Configuration-Token",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "EAP-Message",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Message-Authenticator",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Tunnel-Private-Group-ID",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Tunnel-Assignment-ID",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Tunnel-Preference",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "ARAP-Challenge-Response",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Strange,
    },
    Attr {
        name: "Acct-Interim-Interval",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "Acct-Tunnel-Packets-Lost",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Num,
    },
    Attr {
        name: "NAS-Port-Id",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Framed-Pool",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "CUI",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Tunnel-Client-Auth-ID",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Tunnel-Server-Auth-ID",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "NAS-Filter-Rule",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Unassigned",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::None,
    },
    Attr {
        name: "Originating-Line-Info",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::None,
    },
    Attr {
        name: "NAS-IPv6-Address",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Addr6,
    },
    Attr {
        name: "Framed-Interface-ID",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::None,
    },
    Attr {
        name: "Framed-IPv6-Prefix",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Netmask6,
    },
    Attr {
        name: "Login-IPv6-Host",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Addr6,
    },
    Attr {
        name: "Framed-IPv6-Route",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Framed-IPv6-Pool",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Error-Cause",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Strange,
    },
    Attr {
        name: "EAP-Key-Name",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::None,
    },
    Attr {
        name: "Digest-Response",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Realm",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Nonce",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Response-Auth",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Nextnonce",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Method",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-URI",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Qop",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Algorithm",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Entity-Body-Hash",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-CNonce",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Nonce-Count",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Username",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Opaque",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Auth-Param",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-AKA-Auts",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Domain",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-Stale",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Digest-HA1",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "SIP-AOR",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Str,
    },
    Attr {
        name: "Delegated-IPv6-Prefix",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Netmask6,
    },
    Attr {
        name: "MIP6-Feature-Vector",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Vector64,
    },
    Attr {
        name: "MIP6-Home-Link-Prefix",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Mip6Prefix,
    },
    Attr {
        name: "Operator-Name",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::OperatorName,
    },
    Attr {
        name: "Location-Information",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::LocationInfo,
    },
    Attr {
        name: "Location-Data",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::LocationData,
    },
    Attr {
        name: "Basic-Location-Policy-Rules",
        values: &[],
        siz: 0,
        first: 0,
        fmt: Fmt::Blpr,
    },
];
/// SMI network management private enterprise codes (tcpdump's `smi_values`).
const SMI: &[(u32, &str)] = &[
    (0, "IETF (reserved)"),
    (5, "ACC"),
    (9, "Cisco"),
    (11, "Hewlett Packard"),
    (42, "Sun Microsystems"),
    (61, "Merit"),
    (74, "AT&T"),
    (161, "Motorola"),
    (166, "Shiva"),
    (193, "Ericsson AB"),
    (255, "Cisco VPN 5000"),
    (307, "Livingston"),
    (311, "Microsoft"),
    (429, "3Com"),
    (529, "Ascend"),
    (1584, "Bay Networks"),
    (1991, "Foundry"),
    (2180, "Versanet"),
    (2352, "Redback"),
    (2636, "Juniper Networks"),
    (2637, "Aptis"),
    (2937, "Deutsche Telekom AG"),
    (3054, "Ixia Communications"),
    (3076, "Cisco VPN 3000"),
    (3085, "CoSine Communications"),
    (3224, "Netscreen"),
    (3199, "Shasta"),
    (3309, "Nomadix"),
    (3414, "T-Mobile"),
    (3561, "The Broadband Forum"),
    (3902, "ZTE"),
    (4329, "Siemens"),
    (4491, "CableLabs"),
    (4874, "Unisphere Networks"),
    (5263, "Cisco BBSM"),
    (5535, "3rd Generation Partnership Project 2 (3GPP2)"),
    (5806, "SK Telecom"),
    (5925, "ipUnplugged"),
    (5948, "Issanni Communications"),
    (5951, "Netscaler"),
    (6490, "T-Mobile"),
    (6618, "Quintum"),
    (6728, "Interlink"),
    (7951, "CNCTC"),
    (8164, "Starent Networks"),
    (8744, "Colubris"),
    (10415, "3GPP"),
    (10529, "Gemtek-Systems"),
    (10704, "Barracuda Networks"),
    (10923, "Ericsson AB - Packet Core Networks"),
    (11665, "dacom"),
    (11862, "Columbia University"),
    (12356, "Fortinet"),
    (12951, "Verizon Wireless"),
    (13745, "Plixer"),
    (14122, "Wi-Fi Alliance"),
    (16787, "T-Systems Nova"),
    (20942, "China Telecom - Guangzhou Research Institute"),
    (26866, "Gigamon Systems"),
    (32622, "CACE Technologies"),
    (35632, "ntop"),
    (46098, "Ericsson Canada"),
];

/// ` [|radius]` where tcpdump's printers call `nd_print_trunc` and return (no longjmp).
fn trunc(out: &mut String) {
    out.push_str(" [|radius]");
}

impl Dissector {
    /// A RADIUS packet of `length` bytes by the UDP header.
    pub(super) fn radius(&mut self, out: &mut String, r: &Radius<'_>, length: u32) {
        let res = radius(out, r.raw, length as usize, self.opts.verbose);
        self.app_end(out, "radius", res);
    }
}

fn radius(out: &mut String, b: &[u8], length: usize, verbose: u8) -> Get<()> {
    if !has(b, 0, MIN_LEN) {
        trunc(out);
        return Ok(());
    }
    let mut len = usize::from(be16_at(b, 2)?);
    if len < MIN_LEN {
        trunc(out);
        return Ok(());
    }
    len = len.min(length);
    let code = u32::from(u8_at(b, 0)?);
    let id = u8_at(b, 1)?;
    if verbose == 0 {
        out.push_str("RADIUS, ");
        tok2str(out, COMMANDS, "Unknown Command", code);
        let _ = write!(out, " ({code}), id: 0x{id:02x} length: {len}");
        return Ok(());
    }
    let _ = write!(out, "RADIUS, length: {len}\n\t");
    tok2str(out, COMMANDS, "Unknown Command", code);
    let _ = write!(out, " ({code}), id: 0x{id:02x}, Authenticator: ");
    for c in bytes_at(b, 4, 16)? {
        let _ = write!(out, "{c:02x}");
    }
    if len > MIN_LEN {
        attributes(out, b, MIN_LEN, len - MIN_LEN, verbose)?;
    }
    Ok(())
}

fn attributes(
    out: &mut String,
    b: &[u8],
    mut at: usize,
    mut length: usize,
    verbose: u8,
) -> Get<()> {
    while length > 0 {
        if length < 2 || !has(b, at, 2) {
            trunc(out);
            return Ok(());
        }
        let kind = u8_at(b, at)?;
        let len = usize::from(u8_at(b, at + 1)?);
        let attr = ATTRS.get(usize::from(kind));
        let name = match attr {
            Some(a) if kind != 0 => a.name,
            _ => "Unknown",
        };
        let _ = write!(out, "\n\t  {name} Attribute ({kind}), length: {len}");
        if len < 2 {
            out.push_str(" (bogus, must be >= 2)");
            return Ok(());
        }
        if len > length {
            out.push_str(" (bogus, goes past end of packet)");
            return Ok(());
        }
        out.push_str(", Value: ");
        if let Some(a) = attr {
            if len > 2 {
                value(out, b, at + 2, len - 2, kind, a)?;
            }
        }
        if verbose > 1 {
            unknown_data(out, b, at + 2, len - 2, "\n\t    ");
        }
        length -= len;
        at += len;
    }
    Ok(())
}

/// One attribute's value of `len` bytes at `at`, as its `print_func` prints it.
fn value(out: &mut String, b: &[u8], at: usize, len: usize, kind: u8, a: &Attr) -> Get<()> {
    match a.fmt {
        Fmt::None => Ok(()),
        Fmt::Str => string(out, b, at, len, kind),
        Fmt::Num => num(out, b, at, len, kind, a),
        Fmt::Vendor => vendor(out, b, at, len),
        Fmt::Addr => {
            if len != 4 {
                let _ = write!(out, "ERROR: length {len} != 4");
                return Ok(());
            }
            match (kind, be32_at(b, at)?) {
                (8 | 14, 0xffff_ffff) => out.push_str("User Selected"),
                (8 | 14, 0xffff_fffe) => out.push_str("NAS Select"),
                _ => {
                    let _ = write!(out, "{}", ipv4_at(b, at)?);
                }
            }
            Ok(())
        }
        Fmt::Addr6 => {
            if len != 16 {
                let _ = write!(out, "ERROR: length {len} != 16");
            } else {
                let _ = write!(out, "{}", ipv6_at(b, at)?);
            }
            Ok(())
        }
        Fmt::Netmask6 => {
            if !(2..=18).contains(&len) {
                let _ = write!(out, "ERROR: length {len} not in range (2..18)");
                return Ok(());
            }
            if !has(b, at, len) {
                trunc(out);
                return Ok(());
            }
            let bits = u8_at(b, at + 1)?;
            if bits > 128 {
                let _ = write!(out, "ERROR: netmask {bits} not in range (0..128)");
                return Ok(());
            }
            let mut addr = [0u8; 16];
            addr[..len - 2].copy_from_slice(bytes_at(b, at + 2, len - 2)?);
            let _ = write!(
                out,
                "{}/{bits}",
                super::Host::from(std::net::Ipv6Addr::from(addr))
            );
            if usize::from(bits) > 8 * (len - 2) {
                out.push_str(" (inconsistent prefix length)");
            }
            Ok(())
        }
        Fmt::Mip6Prefix => {
            if len != 17 {
                let _ = write!(out, "ERROR: length {len} != 17");
                return Ok(());
            }
            if !has(b, at, len) {
                trunc(out);
                return Ok(());
            }
            let bits = u8_at(b, at)?;
            if bits > 128 {
                let _ = write!(out, "ERROR: netmask {bits} not in range (0..128)");
                return Ok(());
            }
            let _ = write!(out, "{}/{bits}", ipv6_at(b, at + 1)?);
            Ok(())
        }
        Fmt::OperatorName => {
            if !has(b, at, len) {
                trunc(out);
                return Ok(());
            }
            if len < 2 {
                let _ = write!(out, "ERROR: length {len} < 2");
                return Ok(());
            }
            out.push('[');
            tok2str(
                out,
                OPERATOR_NAMESPACES,
                "unknown namespace %u",
                u32::from(u8_at(b, at)?),
            );
            out.push_str("] ");
            printn(out, b, at + 1, len - 1);
            Ok(())
        }
        Fmt::LocationInfo => {
            if !has(b, at, len) {
                trunc(out);
                return Ok(());
            }
            if len < 21 {
                let _ = write!(out, "ERROR: length {len} < 21");
                return Ok(());
            }
            let _ = write!(out, "index {}, code ", be16_at(b, at)?);
            tok2str(
                out,
                LOCATION_CODES,
                "Unknown (%u)",
                u32::from(u8_at(b, at + 2)?),
            );
            out.push_str(", entity ");
            tok2str(
                out,
                LOCATION_ENTITIES,
                "Unknown (%u)",
                u32::from(u8_at(b, at + 3)?),
            );
            out.push_str(", sighting time ");
            ntp_time(out, b, at + 4)?;
            out.push_str(", time to live ");
            ntp_time(out, b, at + 12)?;
            out.push_str(", method \"");
            printn(out, b, at + 20, len - 20);
            out.push('"');
            Ok(())
        }
        Fmt::LocationData => {
            if !has(b, at, len) {
                trunc(out);
                return Ok(());
            }
            if len < 3 {
                let _ = write!(out, "ERROR: length {len} < 3");
                return Ok(());
            }
            let _ = write!(out, "index {}, location", be16_at(b, at)?);
            hex_and_ascii(out, "\n\t    ", b, at + 2, len - 2)
        }
        Fmt::Blpr => {
            if !has(b, at, len) {
                trunc(out);
                return Ok(());
            }
            if len < 10 {
                let _ = write!(out, "ERROR: length {len} < 10");
                return Ok(());
            }
            let flags = u32::from(be16_at(b, at)?);
            let _ = write!(
                out,
                "flags [{}], ",
                bittok2str(BLPR_FLAGS, "none", flags, ", ")
            );
            out.push_str("retention expires ");
            ntp_time(out, b, at + 2)?;
            if len > 10 {
                out.push_str(", note well \"");
                printn(out, b, at + 10, len - 10);
                out.push('"');
            }
            Ok(())
        }
        Fmt::Time => {
            if len != 4 {
                let _ = write!(out, "ERROR: length {len} != 4");
                return Ok(());
            }
            let t = i64::from(be32_at(b, at)?);
            // ctime(3): local time, the day of the month padded with a space.
            out.push_str(&crate::sys::time::strftime_local("%a %b %e %H:%M:%S %Y", t));
            Ok(())
        }
        Fmt::Vector64 => {
            if len != 8 {
                let _ = write!(out, "ERROR: length {len} != 8");
                return Ok(());
            }
            let v = u64::from_be_bytes(
                bytes_at(b, at, 8)?
                    .try_into()
                    .map_err(|_| super::payload::Cut)?,
            );
            out.push('[');
            let mut sep = "";
            for &(bit, name) in MIP6_FEATURES {
                if v & bit != 0 {
                    let _ = write!(out, "{sep}{name}");
                    sep = ", ";
                }
            }
            out.push(']');
            Ok(())
        }
        Fmt::Strange => strange(out, b, at, len, kind),
    }
}

/// `PRINT_HEX`: `n` bytes as upper-case hex digits.
fn upper_hex(out: &mut String, b: &[u8], at: usize, n: usize) -> Get<()> {
    for i in 0..n {
        let _ = write!(out, "{:02X}", u8_at(b, at + i)?);
    }
    Ok(())
}

fn strange(out: &mut String, b: &[u8], at: usize, len: usize, kind: u8) -> Get<()> {
    match kind {
        70 => {
            if len != 16 {
                let _ = write!(out, "ERROR: length {len} != 16");
                return Ok(());
            }
            out.push_str("User_challenge (");
            upper_hex(out, b, at, 8)?;
            out.push_str(") User_resp(");
            upper_hex(out, b, at + 8, 8)?;
            out.push(')');
        }
        71 => {
            if len != 14 {
                let _ = write!(out, "ERROR: length {len} != 14");
                return Ok(());
            }
            out.push_str(if u8_at(b, at)? != 0 {
                "User can change password"
            } else {
                "User cannot change password"
            });
            let _ = write!(out, ", Min password length: {}", u8_at(b, at + 1)?);
            out.push_str(", created at: ");
            upper_hex(out, b, at + 2, 4)?;
            out.push_str(", expires in: ");
            upper_hex(out, b, at + 6, 4)?;
            out.push_str(", Current Time: ");
            upper_hex(out, b, at + 10, 4)?;
        }
        84 => {
            if len < 8 {
                let _ = write!(out, "ERROR: length {len} != 8");
                return Ok(());
            }
            upper_hex(out, b, at, 8)?;
        }
        101 => {
            if len != 4 {
                let _ = write!(out, "Error: length {len} != 4");
                return Ok(());
            }
            let v = be32_at(b, at)?;
            let _ = write!(out, "Error cause {v}: ");
            tok2str(out, ERROR_CAUSES, "Error-Cause %u not known", v);
        }
        _ => {}
    }
    Ok(())
}

/// `print_attr_string`: tags of tunnel attributes, then printable characters up to a NUL.
fn string(out: &mut String, b: &[u8], mut at: usize, mut len: usize, kind: u8) -> Get<()> {
    if !has(b, at, len) {
        trunc(out);
        return Ok(());
    }
    match kind {
        69 => {
            if len < 3 {
                trunc(out);
                return Ok(());
            }
            let tag = u8_at(b, at)?;
            if tag != 0 && tag <= 0x1f {
                let _ = write!(out, "Tag[{tag}] ");
            } else {
                out.push_str("Tag[Unused] ");
            }
            let _ = write!(out, "Salt {} ", be16_at(b, at + 1)?);
            at += 3;
            len -= 3;
        }
        66 | 67 | 81 | 82 | 90 | 91 => {
            let tag = u8_at(b, at)?;
            if tag <= 0x1f {
                if tag != 0 {
                    let _ = write!(out, "Tag[{tag}] ");
                } else {
                    out.push_str("Tag[Unused] ");
                }
                at += 1;
                len -= 1;
            }
        }
        58 => {
            let tag = u8_at(b, at)?;
            tok2str(out, RFC4675_TAGGED, "Unknown tag", u32::from(tag));
            let _ = write!(out, " (0x{tag:02x}) ");
            at += 1;
            len -= 1;
        }
        79 => return eap(out, b, at, len),
        _ => {}
    }
    for i in 0..len {
        let c = u8_at(b, at + i)?;
        if c == 0 {
            break;
        }
        out.push(if (0x20..0x7f).contains(&c) {
            char::from(c)
        } else {
            '.'
        });
    }
    Ok(())
}

/// `print_vendor_attr`: the vendor and its sub-attributes as text.
fn vendor(out: &mut String, b: &[u8], mut at: usize, mut len: usize) -> Get<()> {
    if len < 4 {
        trunc(out);
        return Ok(());
    }
    let id = be32_at(b, at)?;
    at += 4;
    len -= 4;
    out.push_str("Vendor: ");
    tok2str(out, SMI, "Unknown", id);
    let _ = write!(out, " ({id})");
    while len >= 2 {
        let kind = u8_at(b, at)?;
        let vlen = usize::from(u8_at(b, at + 1)?);
        if vlen < 2 {
            let _ = write!(
                out,
                "\n\t    Vendor Attribute: {kind}, Length: {vlen} (bogus, must be >= 2)"
            );
            return Ok(());
        }
        if vlen > len {
            let _ = write!(
                out,
                "\n\t    Vendor Attribute: {kind}, Length: {vlen} (bogus, goes past end of vendor-specific attribute)"
            );
            return Ok(());
        }
        at += 2;
        let vlen = vlen - 2;
        len -= 2;
        if !has(b, at, vlen) {
            trunc(out);
            return Ok(());
        }
        let _ = write!(
            out,
            "\n\t    Vendor Attribute: {kind}, Length: {vlen}, Value: "
        );
        for c in bytes_at(b, at, vlen)? {
            out.push(if (0x20..0x7f).contains(c) {
                char::from(*c)
            } else {
                '.'
            });
        }
        at += vlen;
        len -= vlen;
    }
    Ok(())
}

/// `print_attr_num`: a 32-bit value, its standard name, or its special meaning.
fn num(out: &mut String, b: &[u8], at: usize, len: usize, kind: u8, a: &Attr) -> Get<()> {
    if len != 4 {
        let _ = write!(out, "ERROR: length {len} != 4");
        return Ok(());
    }
    let tag = |out: &mut String, t: u8| {
        if t == 0 {
            out.push_str("Tag[Unused] ");
        } else {
            let _ = write!(out, "Tag[{t}] ");
        }
    };
    if a.siz != 0 {
        let v = if kind == 64 || kind == 65 {
            tag(out, u8_at(b, at)?);
            be24_at(b, at + 1)?
        } else {
            be32_at(b, at)?
        };
        match a.values.get(v as usize) {
            Some(name) if v >= a.first && v <= a.siz - 1 + a.first => out.push_str(name),
            _ => {
                let _ = write!(out, "#{v}");
            }
        }
        return Ok(());
    }
    let v = be32_at(b, at)?;
    match kind {
        23 if v == 0xffff_fffe => out.push_str("NAS Select"),
        27 | 28 | 41 | 46 | 85 => {
            if v < 60 {
                let _ = write!(out, "{v:02} secs");
            } else if v < 3600 {
                let _ = write!(out, "{:02}:{:02} min", v / 60, v % 60);
            } else {
                let _ = write!(
                    out,
                    "{:02}:{:02}:{:02} hours",
                    v / 3600,
                    (v % 3600) / 60,
                    v % 60
                );
            }
        }
        37 if v == 0 => out.push_str("Unnumbered"),
        38 if v == 0 => out.push_str("NAS assigned"),
        83 => {
            tag(out, u8_at(b, at)?);
            let _ = write!(out, "{}", be24_at(b, at + 1)?);
        }
        56 => {
            let t = u8_at(b, at)?;
            tok2str(out, RFC4675_TAGGED, "Unknown tag", u32::from(t));
            let _ = write!(out, " (0x{t:02x}) {}", be24_at(b, at + 1)?);
        }
        _ => {
            let _ = write!(out, "{v}");
        }
    }
    Ok(())
}

/// tcpdump's `eap_print` for an EAP message carried in an attribute.
fn eap(out: &mut String, b: &[u8], at: usize, length: usize) -> Get<()> {
    let code = u8_at(b, at)?;
    let len = usize::from(be16_at(b, at + 2)?);
    if len != length {
        out.push_str("EAP fragment?");
        return Ok(());
    }
    tok2str(out, EAP_CODES, "unknown", u32::from(code));
    let _ = write!(out, " ({code}), id {}, len {len}", u8_at(b, at + 1)?);
    if len < 4 {
        out.push_str(" (too short for EAP header)");
        return Ok(());
    }
    if !has(b, at, len) {
        trunc(out);
        return Ok(());
    }
    if code != 1 && code != 2 {
        return Ok(());
    }
    if len < 5 {
        out.push_str(" (too short for EAP request/response)");
        return Ok(());
    }
    let sub = u8_at(b, at + 4)?;
    out.push_str("\n\t\t Type ");
    tok2str(out, EAP_TYPES, "unknown", u32::from(sub));
    let _ = write!(out, " ({sub})");
    let flags = |out: &mut String, what: &str| -> Get<()> {
        let f = u8_at(b, at + 5)?;
        let _ = write!(
            out,
            " flags [{}] 0x{f:02x}",
            bittok2str(EAP_TLS_FLAGS, "none", u32::from(f), ", ")
        );
        if f & 0x80 != 0 {
            if len < 10 {
                let _ = write!(
                    out,
                    " (too short for EAP {what} request/response with length)"
                );
                return Ok(());
            }
            let _ = write!(out, ", len {}", be32_at(b, at + 6)?);
        }
        Ok(())
    };
    match sub {
        1 if len > 5 => {
            out.push_str(", Identity: ");
            printjnp(out, b, at + 5, len - 5)?;
        }
        2 => {
            if len < 6 {
                out.push_str(" (too short for EAP Notification request/response)");
                return Ok(());
            }
            out.push_str(", Notification: ");
            printjnp(out, b, at + 5, len - 5)?;
        }
        3 => {
            if len < 6 {
                out.push_str(" (too short for EAP Legacy NAK request/response)");
                return Ok(());
            }
            let mut sep = "";
            for i in 5..len {
                let t = u8_at(b, at + i)?;
                let _ = write!(out, "{sep} ");
                tok2str(out, EAP_TYPES, "unknown", u32::from(t));
                let _ = write!(out, " ({t})");
                sep = ",";
            }
        }
        13 | 21 => {
            if len < 6 {
                out.push_str(" (too short for EAP TLS/TTLS request/response)");
                return Ok(());
            }
            if sub == 21 {
                let _ = write!(out, " TTLSv{}", u8_at(b, at + 5)? & 7);
            }
            flags(out, "TLS/TTLS")?;
        }
        43 => {
            if len < 6 {
                out.push_str(" (too short for EAP FAST request/response)");
                return Ok(());
            }
            let _ = write!(out, " FASTv{}", u8_at(b, at + 5)? & 7);
            flags(out, "FAST")?;
        }
        18 | 23 => {
            if len < 6 {
                out.push_str(" (too short for EAP SIM/AKA request/response)");
                return Ok(());
            }
            let s = u8_at(b, at + 5)?;
            out.push_str(" subtype [");
            tok2str(out, EAP_AKA_SUBTYPES, "unknown", u32::from(s));
            let _ = write!(out, "] 0x{s:02x}");
        }
        _ => {}
    }
    Ok(())
}

/// The standard name of a command code (for tests and callers outside the printer).
#[cfg(test)]
fn command_name(code: u8) -> Option<&'static str> {
    super::payload::tok(COMMANDS, u32::from(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_tcpdumps() {
        assert_eq!(ATTRS.len(), 130);
        assert_eq!(ATTRS[80].name, "Message-Authenticator");
        assert_eq!(ATTRS[129].name, "Basic-Location-Policy-Rules");
        assert_eq!(command_name(43), Some("CoA-Request"));
    }
}
