//! Checking the parsed flags against each other and turning them into each stage's options:
//! [`kernel::Options`], [`OutputOptions`] (print and save), and the loop's own.

use netdump_common::{direction, DEFAULT_SNAPLEN, MAX_SNAPLEN};
use thiserror::Error;

use super::{Args, PrecisionArg, QDirection, TcAttachArg, TransportArg};
use crate::{
    iface::{Pattern, Selection},
    kernel::{self, Hooks, TcAttach, TransportChoice},
    names::{self, Names},
    netns::Target,
    output::OutputOptions,
    packet::LinkType,
    print::{DissectOptions, Dump, PrintOptions, TimeFormat},
    savefile::{Format, Precision, Rotation, SaveOptions},
};

/// A checked configuration for a live capture.
#[derive(Debug)]
pub struct Config {
    /// Which network namespaces to capture in (`--netns`).
    pub netns: Target,
    /// Which interfaces to capture on (`-i`).
    pub interfaces: Selection,
    pub count: Option<u64>,
    /// What the kernel side is asked to do.
    pub kernel: kernel::Options,
    /// Attribution (`--context`, `--pid`, `--pname`, `--uid`, `--cgroup`).
    pub owner: kernel::OwnerOptions,
    /// `--stats SECONDS`.
    pub stats_every: Option<u64>,
    /// `-Z USER`.
    pub user: Option<String>,
    /// The filter expression, compiled by libpcap and evaluated in the kernel.
    pub filter: Option<String>,
    pub output: OutputOptions,
    /// One-line notes to print before capturing (values adjusted).
    pub notes: Vec<String>,
}

/// A checked configuration for reading a file (`-r`).
#[derive(Debug)]
pub struct ReadConfig {
    pub path: String,
    pub count: Option<u64>,
    pub filter: Option<String>,
    pub output: OutputOptions,
}

/// What the command line asks for.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "one value per run, moved once: boxing buys nothing"
)]
pub enum Command {
    /// `-D`, in the namespaces `--netns` names.
    ListInterfaces(Target),
    /// `-d`/`-dd`/`-ddd` (1-3) or `--dump-ebpf` (0) for an expression.
    DumpFilter {
        expression: String,
        cbpf: u8,
    },
    Capture(Config),
    Read(ReadConfig),
}

#[derive(Debug, Error)]
pub enum CliError {
    #[error(
        "snapshot length {0} is out of range: use 1 to 262144 (0 means the largest, {MAX_SNAPLEN})"
    )]
    Snaplen(u32),
    #[error("snapshot length '{0}' is not a number: use 1 to 262144, or 'headers'")]
    SnaplenWord(String),
    #[error("buffer size {0} KiB is out of range: use 4 to 1048576")]
    Buffer(u32),
    #[error("packet count must be at least 1")]
    Count,
    #[error("unknown hook '{0}': use tc, socket, drops or a comma list such as tc,drops")]
    Hook(String),
    #[error("-Q selects a direction, and a drop has none: -Q cannot be used with --drops")]
    DropsDirection,
    #[error("-s headers is not supported with --drops: give a snapshot length")]
    DropsHeaders,
    #[error("{0} selects processes of the running system: it cannot be used with -r")]
    OwnerRead(&'static str),
    #[error("--pname takes a command name of 1 to 15 bytes (the kernel's comm), not '{0}'")]
    Pname(String),
    #[error("--drops watches the running kernel: it cannot be used with -r")]
    DropsRead,
    #[error("--drops reports drops in netdump's own namespace's terms (interface indexes): it cannot be used with --netns yet; run netdump inside the namespace (ip netns exec NAME netdump --drops)")]
    DropsNetns,
    #[error("interface name '{0}' is not valid: at most 15 characters, no '/', ':' or spaces")]
    InterfaceName(String),
    #[error("interface pattern '{0}' is not valid: use *, ? and [...] (e.g. -i 'veth*')")]
    InterfacePattern(String),
    #[error("{0} needs -w FILE")]
    NeedsWrite(&'static str),
    #[error("-W needs -C or -G")]
    CountNeedsRotation,
    #[error("{flag} must be at least 1")]
    Zero { flag: &'static str },
    #[error("-w - writes the capture to standard output, so {0} cannot print there too")]
    StdoutTaken(&'static str),
    #[error("--netns {value}: {why}")]
    Netns { value: String, why: String },
    #[error("--netns applies to live captures, not to -r")]
    NetnsWithRead,
    #[error("--netns all cannot write a pcap file: its cooked header records only an interface index, and indexes repeat across namespaces; write pcapng (--pcapng or a .pcapng name), whose interface blocks record each one's namespace")]
    NetnsAllPcap,
    #[error("--netns all cannot use --hook socket: a tap socket inside a namespace would keep it alive after it is deleted; use --hook tc")]
    NetnsAllSocket,
    #[error("unknown packet type '{0}' for -T: use one of {list}", list = crate::decode::PACKET_TYPES.iter().map(|(n, ..)| *n).collect::<Vec<_>>().join(", "))]
    PacketType(String),
    #[error("read filter file {path}: {source}")]
    FilterFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// tcpdump's default buffer size (the ring is mapped twice: 4 MiB of RSS).
pub const DEFAULT_RING_KIB: u32 = 2048;

impl Args {
    /// The tables for names (none with `-n`, with `--json`, or without text output): built
    /// once for the process's one printer, so they live as long as it.
    fn names(&self) -> Option<&'static Names> {
        if self.numeric > 0 || self.json || (self.write.is_some() && !self.print) {
            return None;
        }
        let opts = names::Options {
            resolve: true,
            short_hosts: self.short_hosts,
            // As tcpdump: -f judges by the capture's networks; a file has none, so every
            // address is local.
            local_networks: (self.foreign_numeric && self.read.is_none())
                .then(crate::sys::iface::ipv4_networks),
            blocking: self.read.is_some(),
        };
        Some(Box::leak(Box::new(Names::new(&opts))))
    }

    pub fn into_command(self) -> Result<Command, CliError> {
        let netns = match &self.netns {
            None => Target::Own,
            Some(v) => Target::parse(v).map_err(|why| CliError::Netns {
                value: v.clone(),
                why,
            })?,
        };
        if self.list_interfaces {
            return Ok(Command::ListInterfaces(netns));
        }
        if self.read.is_some() && netns != Target::Own {
            return Err(CliError::NetnsWithRead);
        }
        let expression = match &self.filter_file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| CliError::FilterFile {
                        path: path.clone(),
                        source,
                    })?;
                // tcpdump -F: '#' starts a comment to the end of the line.
                let joined: Vec<&str> = text
                    .lines()
                    .map(|l| l.split('#').next().unwrap_or(""))
                    .collect();
                Some(joined.join(" ").trim().to_string())
            }
            None if self.expression.is_empty() => None,
            None => Some(self.expression.join(" ")),
        }
        .filter(|e| !e.is_empty());
        if self.dump_cbpf > 0 || self.dump_ebpf {
            return Ok(Command::DumpFilter {
                expression: expression.unwrap_or_default(),
                cbpf: if self.dump_ebpf {
                    0
                } else {
                    self.dump_cbpf.min(3)
                },
            });
        }
        let mut notes = Vec::new();
        let headers_only = self.snaplen.as_deref() == Some("headers");
        let snaplen_value = match self.snaplen.as_deref() {
            None | Some("headers") => None,
            Some(v) => Some(
                v.parse::<u32>()
                    .map_err(|_| CliError::SnaplenWord(v.to_string()))?,
            ),
        };
        let snaplen = match snaplen_value {
            None => DEFAULT_SNAPLEN,
            Some(0) => {
                notes.push(format!(
                    "snapshot length 0 means the largest netdump supports: {MAX_SNAPLEN} bytes"
                ));
                MAX_SNAPLEN
            }
            Some(s) if s > 262_144 => return Err(CliError::Snaplen(s)),
            Some(s) if s > MAX_SNAPLEN => {
                notes.push(format!(
                    "snapshot length {s} is more than netdump supports: capturing {MAX_SNAPLEN} bytes"
                ));
                MAX_SNAPLEN
            }
            Some(s) => s,
        };
        let kib = self.buffer_kib.unwrap_or(DEFAULT_RING_KIB);
        if !(4..=1_048_576).contains(&kib) {
            return Err(CliError::Buffer(kib));
        }
        let rounded = kib.next_power_of_two();
        if rounded != kib {
            notes.push(format!("buffer size {kib} KiB rounded up to {rounded} KiB"));
        }
        if self.count == Some(0) {
            return Err(CliError::Count);
        }
        for (flag, v) in [
            ("--sample", self.sample.map(u64::from)),
            ("--max-rate", self.max_rate),
            ("--stats", self.stats_every),
        ] {
            if v == Some(0) {
                return Err(CliError::Zero { flag });
            }
        }
        let mut hooks = match &self.hook {
            Some(h) => parse_hooks(h)?,
            None if self.drops => Hooks {
                tc: false,
                socket: false,
                drops: true,
            },
            None => parse_hooks("tc")?,
        };
        hooks.drops |= self.drops;
        if hooks.drops && self.direction.is_some() {
            return Err(CliError::DropsDirection);
        }
        if hooks.drops && headers_only {
            return Err(CliError::DropsHeaders);
        }
        if hooks.drops && self.read.is_some() {
            return Err(CliError::DropsRead);
        }
        if hooks.drops && netns != Target::Own {
            return Err(CliError::DropsNetns);
        }
        let owner = self.owner_options()?;
        let interfaces = selection(&self.interface)?;
        if netns == Target::All && hooks.socket {
            return Err(CliError::NetnsAllSocket);
        }
        let directions = match self.direction.unwrap_or(QDirection::Inout) {
            QDirection::In => direction::INGRESS,
            QDirection::Out => direction::EGRESS,
            QDirection::Inout => direction::INGRESS | direction::EGRESS,
        };
        let dump = if self.hex_ascii > 0 {
            Dump::HexAscii {
                link: self.hex_ascii > 1,
            }
        } else if self.hex > 0 {
            Dump::Hex { link: self.hex > 1 }
        } else if self.ascii > 0 {
            Dump::Ascii {
                link: self.ascii > 1,
            }
        } else {
            Dump::None
        };
        let mut output = self.output_options()?;
        if netns == Target::All
            && output
                .save
                .as_ref()
                .is_some_and(|s| s.format == Format::Pcap)
        {
            return Err(CliError::NetnsAllPcap);
        }
        if let Some(save) = &mut output.save {
            // As tcpdump -i any: one link type for every kind of interface, the cooked v2
            // header (pcapng gives each interface its own block and link type instead).
            if save.format == Format::Pcap && interfaces.is_several() && self.read.is_none() {
                save.link_type = LinkType::LINUX_SLL2;
            }
            // Drops come with an Ethernet header or without one (raw IP), so a pcap file
            // takes them cooked; and it has no place for their reasons, which pcapng keeps.
            if save.format == Format::Pcap && hooks.drops && self.read.is_none() {
                save.link_type = LinkType::LINUX_SLL2;
                notes.push(
                    "a pcap file has no room for drop reasons: -w FILE.pcapng (or --pcapng) keeps them in each packet's comment"
                        .to_string(),
                );
            }
        }
        let print = PrintOptions {
            dissect: DissectOptions {
                link_header: self.link_header,
                verbose: self.verbose,
                quiet: self.quiet,
                absolute_seq: self.absolute_seq,
                suppress_default_print: matches!(dump, Dump::Hex { .. } | Dump::HexAscii { .. }),
                names: self.names(),
                ..DissectOptions::default()
            },
            time: TimeFormat::from_count(self.time),
            time_nano: self.nano || self.precision == PrecisionArg::Nano,
            dump,
            iface_prefix: self.read.is_none(),
            hook_tag: hooks.tc && hooks.socket,
            context: self.context,
            netns_suffix: netns == Target::All,
            number: self.number,
            decode: match &self.packet_type {
                None => crate::decode::Options::default(),
                Some(t) => crate::decode::Options::packet_type(t)
                    .ok_or_else(|| CliError::PacketType(t.clone()))?,
            },
        };
        let mut output = OutputOptions { print, ..output };
        if let Some(save) = &mut output.save {
            save.snaplen = if self.read.is_some() {
                262_144
            } else {
                snaplen
            };
        }
        if let Some(path) = self.read.clone() {
            return Ok(Command::Read(ReadConfig {
                path,
                count: self.count,
                filter: expression,
                output,
            }));
        }
        Ok(Command::Capture(Config {
            netns,
            interfaces,
            count: self.count,
            kernel: kernel::Options {
                transport: match self.transport {
                    TransportArg::Auto => TransportChoice::Auto,
                    TransportArg::Ring => TransportChoice::Ring,
                    TransportArg::Perf => TransportChoice::Perf,
                },
                snaplen,
                ring_bytes: rounded * 1024,
                directions,
                hooks,
                tc_attach: match self.tc_attach {
                    TcAttachArg::Auto => TcAttach::Auto,
                    TcAttachArg::Tcx => TcAttach::Tcx,
                    TcAttachArg::Netlink => TcAttach::Netlink,
                },
                log: self.bpf_log,
                headers_only,
                sample: self.sample.unwrap_or(1),
                max_rate: self.max_rate,
            },
            owner,
            stats_every: self.stats_every,
            user: self.user,
            filter: expression,
            output,
            notes,
        }))
    }

    /// Attribution and the owner filter.
    fn owner_options(&self) -> Result<kernel::OwnerOptions, CliError> {
        if self.read.is_some() {
            for (flag, set) in [
                ("--context", self.context),
                ("--pid", !self.pid.is_empty()),
                ("--pname", self.pname.is_some()),
                ("--uid", !self.uid.is_empty()),
                ("--cgroup", !self.cgroup.is_empty()),
                ("--container", !self.container.is_empty()),
                ("--pod", !self.pod.is_empty()),
            ] {
                if set {
                    return Err(CliError::OwnerRead(flag));
                }
            }
        }
        let pname = match &self.pname {
            None => None,
            Some(n) if n.is_empty() || n.len() > 15 || n.contains('\0') => {
                return Err(CliError::Pname(n.clone()))
            }
            Some(n) => {
                let mut comm = [0u8; 16];
                comm[..n.len()].copy_from_slice(n.as_bytes());
                Some(comm)
            }
        };
        let filtering = !self.pid.is_empty()
            || pname.is_some()
            || !self.uid.is_empty()
            || !self.cgroup.is_empty()
            || !self.container.is_empty()
            || !self.pod.is_empty();
        Ok(kernel::OwnerOptions {
            on: self.context || filtering,
            context: self.context,
            pids: self.pid.clone(),
            uids: self.uid.clone(),
            pname,
            cgroups: self.cgroup.clone(),
            containers: self.container.clone(),
            pods: self.pod.clone(),
        })
    }

    /// Text, JSON and file outputs, checked against each other.
    fn output_options(&self) -> Result<OutputOptions, CliError> {
        if self.write.is_none() {
            if self.file_size.is_some() {
                return Err(CliError::NeedsWrite("-C"));
            }
            if self.rotate_seconds.is_some() {
                return Err(CliError::NeedsWrite("-G"));
            }
            if self.print {
                return Err(CliError::NeedsWrite("--print"));
            }
        }
        if self.file_count.is_some() && self.file_size.is_none() && self.rotate_seconds.is_none() {
            return Err(CliError::CountNeedsRotation);
        }
        for (flag, v) in [
            ("-C", self.file_size.map(|v| v == 0)),
            ("-G", self.rotate_seconds.map(|v| v == 0)),
            ("-W", self.file_count.map(|v| v == 0)),
        ] {
            if v == Some(true) {
                return Err(CliError::Zero { flag });
            }
        }
        if self.write.as_deref() == Some("-") {
            if self.print {
                return Err(CliError::StdoutTaken("--print"));
            }
            if self.json {
                return Err(CliError::StdoutTaken("--json"));
            }
        }
        let save = self.write.as_ref().map(|path| SaveOptions {
            path: path.clone(),
            format: if self.pcapng || path.ends_with(".pcapng") {
                Format::PcapNg
            } else {
                Format::Pcap
            },
            precision: if self.nano || self.precision == PrecisionArg::Nano {
                Precision::Nano
            } else {
                Precision::Micro
            },
            snaplen: 0, // set with the snap length below
            rotation: Rotation {
                size_bytes: self.file_size.map(|m| m * 1_000_000),
                count: self.file_count,
                seconds: self.rotate_seconds,
            },
            flush_each: self.packet_buffered,
            // A live capture sets its interfaces' (or LINUX_SLL2), `-r` the file's own.
            link_type: LinkType::ETHERNET,
        });
        Ok(OutputOptions {
            text: self.write.is_none() || self.print,
            json: self.json,
            print: PrintOptions::default(),
            save,
            flush_each: self.packet_buffered || self.line_buffered,
        })
    }
}

/// `-i` values: names, comma lists, `any` and globs.
fn selection(values: &[String]) -> Result<Selection, CliError> {
    let mut names = Vec::new();
    let mut patterns = Vec::new();
    let mut any = false;
    for name in values.iter().flat_map(|v| v.split(',')) {
        if name == "any" {
            any = true;
            continue;
        }
        if name.is_empty()
            || name.len() > 15
            || name
                .chars()
                .any(|c| c == '/' || c == ':' || c.is_whitespace() || c.is_control())
        {
            return Err(CliError::InterfaceName(name.to_string()));
        }
        if Pattern::is_glob(name) {
            let p =
                Pattern::new(name).ok_or_else(|| CliError::InterfacePattern(name.to_string()))?;
            patterns.push(p);
        } else if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    Ok(if any {
        Selection::Any
    } else if !patterns.is_empty() {
        Selection::Match { names, patterns }
    } else if names.is_empty() {
        Selection::Default
    } else {
        Selection::Named(names)
    })
}

fn parse_hooks(s: &str) -> Result<Hooks, CliError> {
    let mut hooks = Hooks {
        tc: false,
        socket: false,
        drops: false,
    };
    for part in s.split(',') {
        match part.trim() {
            "tc" => hooks.tc = true,
            "socket" => hooks.socket = true,
            "drops" => hooks.drops = true,
            _ => return Err(CliError::Hook(s.to_string())),
        }
    }
    Ok(hooks)
}
