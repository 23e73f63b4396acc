//! tcpdump-style text output: one line per packet (plus dump lines with `-x`/`-X`/`-A`).
//!
//! The [`Printer`] writes into any `impl Write`, so tests compare exact strings.

pub mod hexdump;
pub mod json;
mod json_lan;
pub mod text;
pub mod time;

use std::io::{self, Write};

use netdump_common::pkt_type;

use crate::{
    decode::{self, Decoded},
    packet::{Direction, Packet},
};
pub use text::Options as DissectOptions;
pub use time::TimeFormat;

/// Which payload dump follows each line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dump {
    #[default]
    None,
    /// `-x` (or `-xx` with `link` set).
    Hex { link: bool },
    /// `-X` / `-XX`.
    HexAscii { link: bool },
    /// `-A` (`-AA` with `link`).
    Ascii { link: bool },
}

/// Everything that shapes a printed line.
#[derive(Clone, Copy, Debug, Default)]
pub struct PrintOptions {
    pub dissect: DissectOptions,
    pub time: TimeFormat,
    /// `--nano`: timestamps with nanoseconds.
    pub time_nano: bool,
    pub dump: Dump,
    /// Print the interface and direction, as `tcpdump -i any` does.
    pub iface_prefix: bool,
    /// Say which hook saw the packet (when more than one hook runs).
    pub hook_tag: bool,
    /// `--context`: append the packet's owner.
    pub context: bool,
    /// Name the interface's network namespace after it, `eth0@blue` (`--netns all`).
    pub netns_suffix: bool,
    /// `-#`: number each packet, as tcpdump does.
    pub number: bool,
    /// How to decode (`-T`).
    pub decode: decode::Options,
}

/// Turns packets into text lines.
pub struct Printer {
    opts: PrintOptions,
    clock: time::Clock,
    dissector: text::Dissector,
    line: String,
    /// Packets printed so far (for `-#`).
    printed: u64,
}

impl Printer {
    pub fn new(opts: PrintOptions) -> Printer {
        Printer {
            opts,
            clock: time::Clock::with_precision(opts.time, opts.time_nano),
            dissector: text::Dissector::new(DissectOptions {
                udp_forced: opts.decode.udp_as.is_some(),
                udp_silent: opts.decode.udp_as.is_none()
                    && (opts.decode.tcp_as.is_some() || opts.decode.carp),
                ..opts.dissect
            }),
            line: String::with_capacity(256),
            printed: 0,
        }
    }

    /// Writes one packet's line(s) to `out`.
    pub fn print(&mut self, out: &mut impl Write, pkt: &Packet<'_>) -> io::Result<()> {
        let decoded = decode::decode_with(pkt.link_type, pkt.data, pkt.orig_len, self.opts.decode);
        self.print_decoded(out, pkt, &decoded)
    }

    /// Writes one packet's line(s) from its layers, decoded once by the caller (who may
    /// also hand them to [`json::packet_json_decoded`]).
    pub fn print_decoded(
        &mut self,
        out: &mut impl Write,
        pkt: &Packet<'_>,
        decoded: &Decoded<'_>,
    ) -> io::Result<()> {
        self.line.clear();
        self.printed += 1;
        if self.opts.number {
            use std::fmt::Write as _;
            let _ = write!(self.line, "{:5}  ", self.printed);
        }
        if invalid_header(&mut self.line, pkt.data.len(), pkt.orig_len) {
            self.line.push('\n');
            return out.write_all(self.line.as_bytes());
        }
        self.clock.write(&mut self.line, pkt.ts);
        if self.opts.iface_prefix {
            // A drop says so where a delivered packet says which way it went: a word tcpdump
            // never prints there, so a drop cannot pass for a packet that got through.
            let dir = match pkt.direction {
                _ if pkt.drop.is_some() => "Drop",
                Direction::Egress => "Out",
                Direction::Ingress => match pkt.pkt_type {
                    pkt_type::BROADCAST => "B",
                    pkt_type::MULTICAST => "M",
                    pkt_type::OTHERHOST => "P",
                    _ => "In",
                },
                Direction::Unknown => "",
            };
            use std::fmt::Write as _;
            match pkt.netns.filter(|_| self.opts.netns_suffix) {
                // One word where tcpdump prints the interface: stripping `@...` gives
                // tcpdump's line back.
                Some(ns) => {
                    let name = format!("{}@{}", pkt.ifname, ns.label());
                    let _ = write!(self.line, "{name:<5} {dir:<3} ");
                }
                None => {
                    let _ = write!(self.line, "{:<5} {dir:<3} ", pkt.ifname);
                }
            }
            if self.opts.hook_tag && pkt.drop.is_none() {
                let _ = write!(self.line, "[{}] ", pkt.hook.name());
            }
        }
        let info = self.dissector.frame(&mut self.line, decoded, pkt.orig_len);
        // tcpdump's line for the packet, then why and where it died.
        if let Some(d) = pkt.drop {
            use std::fmt::Write as _;
            let _ = write!(self.line, ", {d}");
        }
        if self.opts.context {
            if let Some(o) = &pkt.owner {
                self.line
                    .push_str(&crate::packet::context_suffix(o, pkt.cgroup));
            }
        }
        let link = info.link_len.min(pkt.data.len());
        // As tcpdump: nothing to dump past the link header, no dump (unless it includes it).
        let rest = &pkt.data[link..];
        match self.opts.dump {
            Dump::Hex { link: false }
            | Dump::HexAscii { link: false }
            | Dump::Ascii { link: false }
                if rest.is_empty() => {}
            Dump::None => {}
            Dump::Hex { link: all } => hexdump::hex(
                &mut self.line,
                if all { pkt.data } else { &pkt.data[link..] },
            ),
            Dump::HexAscii { link: all } => hexdump::hex_ascii(
                &mut self.line,
                if all { pkt.data } else { &pkt.data[link..] },
            ),
            Dump::Ascii { link: all } => hexdump::ascii(
                &mut self.line,
                if all { pkt.data } else { &pkt.data[link..] },
            ),
        }
        self.line.push('\n');
        out.write_all(self.line.as_bytes())
    }
}

/// tcpdump's largest snap length (`MAXIMUM_SNAPLEN`).
const MAXIMUM_SNAPLEN: u64 = 262_144;

/// tcpdump's sanity check of a record's lengths (in `pretty_print_packet`, before the
/// timestamp): a record with nothing captured, an original length of zero or below the
/// captured one, or either above the largest snap length is one bracketed line and nothing
/// else. Only files hold such records. True when it wrote that line.
fn invalid_header(line: &mut String, caplen: usize, len: u32) -> bool {
    let (caplen, len) = (caplen as u64, u64::from(len));
    let mut problems = Vec::new();
    if caplen == 0 {
        problems.push(" caplen==0".to_string());
    }
    if len == 0 {
        problems.push(" len==0".to_string());
    } else if len < caplen {
        problems.push(format!(" len({len}) < caplen({caplen})"));
    }
    if caplen > MAXIMUM_SNAPLEN {
        problems.push(format!(" caplen({caplen}) > {MAXIMUM_SNAPLEN}"));
    }
    if len > MAXIMUM_SNAPLEN {
        problems.push(format!(" len({len}) > {MAXIMUM_SNAPLEN}"));
    }
    if problems.is_empty() {
        return false;
    }
    // "[Invalid header: caplen==0, len==0]".
    line.push_str("[Invalid header:");
    line.push_str(&problems.join(","));
    line.push(']');
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::{Direction, Hook, Timestamp};

    fn line(opts: PrintOptions, data: &[u8]) -> String {
        let mut p = Printer::new(opts);
        let mut out = Vec::new();
        let pkt = Packet {
            ts: Timestamp { sec: 0, nsec: 0 },
            ifname: "eth0",
            netns: None,
            direction: Direction::Ingress,
            pkt_type: 0,
            hook: Hook::Tc,
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len: data.len() as u32,
            data,
            drop: None,
            owner: None,
            cgroup: None,
        };
        p.print(&mut out, &pkt).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// A UDP datagram 198.18.0.2:5555 -> 198.18.0.1:40000 with 32 bytes of payload.
    fn udp_frame() -> Vec<u8> {
        let mut f = Vec::new();
        etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1])
            .ipv4([198, 18, 0, 2], [198, 18, 0, 1], 64)
            .udp(5555, 40000)
            .write(&mut f, &[0x41; 32])
            .unwrap();
        f
    }

    #[test]
    fn a_drop_is_flagged_before_and_after_tcpdumps_words() {
        let opts = PrintOptions {
            time: TimeFormat::Unix,
            iface_prefix: true,
            hook_tag: true,
            context: false,
            ..Default::default()
        };
        let data = udp_frame();
        let mut pkt = Packet {
            owner: None,
            cgroup: None,
            ts: Timestamp { sec: 0, nsec: 0 },
            ifname: "eth0",
            netns: None,
            direction: Direction::Unknown,
            pkt_type: 0,
            hook: Hook::Drop,
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len: data.len() as u32,
            data: &data,
            drop: Some(crate::packet::Dropped {
                reason: Some("NETFILTER_DROP"),
                location: "nf_hook_slow+0x9c",
            }),
        };
        let mut out = Vec::new();
        Printer::new(opts).print(&mut out, &pkt).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0.000000 eth0  Drop IP 198.18.0.2.5555 > 198.18.0.1.40000: UDP, length 32, drop NETFILTER_DROP at nf_hook_slow+0x9c\n"
        );
        // No reason before 5.17; the hex dump follows the flagged line.
        pkt.drop = Some(crate::packet::Dropped {
            reason: None,
            location: "0xffffffff8100019c",
        });
        let mut out = Vec::new();
        let opts = PrintOptions {
            dump: Dump::Hex { link: false },
            ..opts
        };
        Printer::new(opts).print(&mut out, &pkt).unwrap();
        let text = String::from_utf8(out).unwrap();
        let first = text.lines().next().unwrap();
        assert!(
            first.ends_with("UDP, length 32, drop at 0xffffffff8100019c"),
            "{text}"
        );
        assert!(
            text.lines().nth(1).unwrap().starts_with("\t0x0000:"),
            "{text}"
        );
    }

    #[test]
    fn prints_the_issue_example_exactly() {
        let opts = PrintOptions {
            time: TimeFormat::Unix,
            iface_prefix: true,
            ..Default::default()
        };
        assert_eq!(
            line(opts, &udp_frame()),
            "0.000000 eth0  In  IP 198.18.0.2.5555 > 198.18.0.1.40000: UDP, length 32\n"
        );
    }

    /// Found by the `frame` fuzz target: an IPv6 hop-by-hop header whose length runs past
    /// the frame made etherparse's extension iterator build an out-of-bounds slice.
    #[test]
    fn ipv6_extension_header_longer_than_the_frame() {
        let frame = [
            2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 134, 221, 96, 0, 255, 0, 2, 0, 0, 0, 16, 17, 64,
            32, 1, 255, 255, 255, 0, 2, 255, 0, 0, 0, 0, 0, 0, 0, 18, 0, 2, 156, 64, 0, 80, 0, 0,
            0, 1, 0, 0, 0, 0, 0, 2, 156, 65, 156, 0, 2, 66, 0, 16, 0, 0, 112, 97, 0,
        ];
        let opts = PrintOptions {
            dissect: DissectOptions {
                link_header: true,
                verbose: 2,
                ..Default::default()
            },
            ..Default::default()
        };
        assert!(line(opts, &frame).ends_with('\n'));
        assert!(line(PrintOptions::default(), &frame).ends_with('\n'));
    }

    #[test]
    fn garbage_and_truncated_frames_never_panic() {
        // A fixed xorshift stream: the same frames on every run.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let valid = udp_frame();
        let all = [
            PrintOptions::default(),
            PrintOptions {
                dissect: DissectOptions {
                    link_header: true,
                    verbose: 3,
                    ..Default::default()
                },
                dump: Dump::HexAscii { link: true },
                ..Default::default()
            },
            PrintOptions {
                dissect: DissectOptions {
                    quiet: true,
                    ..Default::default()
                },
                dump: Dump::Ascii { link: false },
                ..Default::default()
            },
        ];
        for round in 0..20_000 {
            let mut f: Vec<u8> = if round % 2 == 0 {
                // Random bytes behind a plausible Ethernet type.
                let len = (next() % 200) as usize;
                let mut f: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                if f.len() > 13 {
                    let types = [0x0800u16, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x1234];
                    let t = types[(next() % types.len() as u64) as usize];
                    f[12..14].copy_from_slice(&t.to_be_bytes());
                }
                f
            } else {
                // A valid frame with a few bytes flipped and its tail cut off.
                let mut f = valid.clone();
                for _ in 0..(next() % 4) {
                    let i = (next() % f.len() as u64) as usize;
                    f[i] = next() as u8;
                }
                f.truncate((next() % (f.len() as u64 + 1)) as usize);
                f
            };
            if round % 7 == 0 {
                f.truncate(f.len() / 2);
            }
            for opts in all {
                let s = line(opts, &f);
                assert!(s.ends_with('\n'));
            }
        }
    }

    /// tcpdump's words for records a file may hold but no capture makes.
    #[test]
    fn invalid_record_headers() {
        for (caplen, len, want) in [
            (0, 0, "[Invalid header: caplen==0, len==0]"),
            (34, 0, "[Invalid header: len==0]"),
            (35, 34, "[Invalid header: len(34) < caplen(35)]"),
            (
                0,
                300_000,
                "[Invalid header: caplen==0, len(300000) > 262144]",
            ),
        ] {
            let mut s = String::new();
            assert!(invalid_header(&mut s, caplen, len));
            assert_eq!(s, want);
        }
        assert!(!invalid_header(&mut String::new(), 60, 60));
        assert!(!invalid_header(&mut String::new(), 60, 1514));
    }

    #[test]
    fn every_link_type_survives_garbage() {
        use crate::packet::LinkType;
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let udp = udp_frame();
        for link_type in [
            LinkType::LINUX_SLL,
            LinkType::LINUX_SLL2,
            LinkType::RAW,
            LinkType::IPV4,
            LinkType::IPV6,
            LinkType::NULL,
            LinkType::LOOP,
            LinkType(147),
        ] {
            for round in 0..3_000 {
                // Random bytes, or the IP datagram of a valid frame behind random bytes.
                let mut f: Vec<u8> = (0..next() % 40).map(|_| next() as u8).collect();
                if round % 2 == 0 {
                    f.extend_from_slice(&udp[14..]);
                }
                f.truncate((next() % (f.len() as u64 + 1)) as usize);
                for opts in [
                    PrintOptions::default(),
                    PrintOptions {
                        dissect: DissectOptions {
                            link_header: true,
                            verbose: 2,
                            quiet: round % 3 == 0,
                            ..Default::default()
                        },
                        dump: Dump::Hex { link: false },
                        ..Default::default()
                    },
                ] {
                    let pkt = Packet {
                        ts: Timestamp { sec: 0, nsec: 0 },
                        ifname: "eth0",
                        netns: None,
                        direction: Direction::Egress,
                        pkt_type: 4,
                        hook: Hook::Socket,
                        link_type,
                        orig_len: f.len() as u32 + 3,
                        data: &f,
                        drop: None,
                        owner: None,
                        cgroup: None,
                    };
                    let mut out = Vec::new();
                    Printer::new(opts).print(&mut out, &pkt).unwrap();
                    assert!(out.ends_with(b"\n"));
                    assert!(json::packet_json(&pkt)["truncated"].as_bool().unwrap());
                }
            }
        }
    }
}
