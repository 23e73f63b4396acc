//! The command line: tcpdump's flags as clap parses them ([`Args`]), then one step
//! ([`config`]) that checks them and turns them into each stage's own options.

mod config;
#[cfg(test)]
mod tests;

pub use config::{CliError, Command, Config, ReadConfig, DEFAULT_RING_KIB};

use clap::{ArgAction, Parser, ValueEnum};

/// Capture packets with eBPF and print them the way tcpdump does.
#[derive(Debug, Parser)]
#[command(name = "netdump", version, disable_version_flag = true)]
pub struct Args {
    /// Interface(s) to capture on: a name, a comma list, `any` (every interface, also those
    /// created while capturing) or a glob such as `veth*`; repeatable (default: the first up,
    /// non-loopback interface).
    #[arg(short = 'i', long = "interface", value_name = "IFACE", action = ArgAction::Append)]
    pub interface: Vec<String>,

    /// Capture in another network namespace: a name from `ip netns`, a path such as
    /// /proc/PID/ns/net or /run/netns/NAME, `pid:PID`, or `all` (every namespace, also those
    /// created while capturing; each line then names the interface's namespace as
    /// IFACE@NAMESPACE). With -D: list that namespace's interfaces.
    #[arg(long = "netns", value_name = "NETNS")]
    pub netns: Option<String>,

    /// Exit after printing COUNT packets.
    #[arg(short = 'c', value_name = "COUNT")]
    pub count: Option<u64>,

    /// Snapshot length: bytes of each packet to capture (0 or 262144 = as much as netdump
    /// supports, 9216), or `headers` for exactly each packet's L2-L4 headers.
    #[arg(short = 's', long = "snapshot-length", value_name = "SNAPLEN")]
    pub snaplen: Option<String>,

    /// Capture one matched packet in N (per CPU); the rest are counted as sampled out.
    #[arg(long = "sample", value_name = "N")]
    pub sample: Option<u32>,

    /// Capture at most PPS packets a second (a token bucket in the kernel, per CPU share);
    /// the excess is counted as rate limited.
    #[arg(long = "max-rate", value_name = "PPS")]
    pub max_rate: Option<u64>,

    /// Once capturing, switch to USER (capabilities are dropped in any case).
    #[arg(short = 'Z', long = "relinquish-privileges", value_name = "USER")]
    pub user: Option<String>,

    /// Print the kernel's counters to stderr every SECONDS.
    #[arg(long = "stats", value_name = "SECONDS")]
    pub stats_every: Option<u64>,

    /// Ring buffer size in KiB (rounded up to a power of two).
    #[arg(short = 'B', long = "buffer-size", value_name = "KIB")]
    pub buffer_kib: Option<u32>,

    /// Capture only packets going this way: in, out or inout (applied in the kernel).
    #[arg(short = 'Q', long = "direction", value_name = "DIR")]
    pub direction: Option<QDirection>,

    /// Print addresses and ports as numbers (default: host names by reverse lookup, in the
    /// background while capturing; port names from /etc/services).
    #[arg(short = 'n', action = ArgAction::Count)]
    pub numeric: u8,

    /// Print host names without their domain.
    #[arg(short = 'N')]
    pub short_hosts: bool,

    /// Print 'foreign' IPv4 addresses (outside this host's networks) as numbers.
    #[arg(short = 'f')]
    pub foreign_numeric: bool,

    /// Print the link-level header on each line.
    #[arg(short = 'e')]
    pub link_header: bool,

    /// Print each packet in hex (-xx: including its link-level header).
    #[arg(short = 'x', action = ArgAction::Count)]
    pub hex: u8,

    /// Print each packet in hex and ASCII (-XX: including its link-level header).
    #[arg(short = 'X', action = ArgAction::Count)]
    pub hex_ascii: u8,

    /// Print each packet in ASCII (-AA: including its link-level header).
    #[arg(short = 'A', action = ArgAction::Count)]
    pub ascii: u8,

    /// Timestamps: -t none, -tt epoch seconds, -ttt since previous, -tttt date, -ttttt since
    /// first.
    #[arg(short = 't', action = ArgAction::Count)]
    pub time: u8,

    /// More protocol detail (-vv, -vvv for more).
    #[arg(short = 'v', action = ArgAction::Count)]
    pub verbose: u8,

    /// Less protocol detail.
    #[arg(short = 'q')]
    pub quiet: bool,

    /// Print a packet number at the start of each line.
    #[arg(short = '#', long = "number")]
    pub number: bool,

    /// Read every UDP (or TCP) payload as protocol TYPE whatever its ports (tcpdump's
    /// names: vxlan, domain, ...).
    #[arg(short = 'T', value_name = "TYPE")]
    pub packet_type: Option<String>,

    /// Print absolute TCP sequence numbers.
    #[arg(short = 'S', long = "absolute-tcp-sequence-numbers")]
    pub absolute_seq: bool,

    /// List the interfaces netdump can capture on, and exit.
    #[arg(short = 'D', long = "list-interfaces")]
    pub list_interfaces: bool,

    /// Line-buffer standard output.
    #[arg(short = 'l')]
    pub line_buffered: bool,

    /// Flush output after every packet.
    #[arg(short = 'U', long = "packet-buffered")]
    pub packet_buffered: bool,

    /// Hooks to capture on: tc, socket, drops, or a comma list (tc,socket; tc,drops: the
    /// packets and the drops, interleaved in time order). Default: tc.
    #[arg(long = "hook", value_name = "HOOKS")]
    pub hook: Option<String>,

    /// Show the packets the kernel drops (skb:kfree_skb), each with its reason and where it
    /// was dropped; the expression and -i select them. Alone it means --hook drops; with
    /// --hook, it adds drops to those hooks.
    #[arg(long = "drops")]
    pub drops: bool,

    /// Append each packet's owner to its line: ` [pid N tid N comm NAME uid N cgroup PATH
    /// container ID name NAME pod NS/NAME]` (found in the kernel at capture time; the cgroup's
    /// number until its path is known; JSON and pcapng comments carry it too).
    #[arg(long = "context")]
    pub context: bool,

    /// Capture only packets of sockets owned by process PID (repeatable); filtered in the
    /// kernel, with the expression. Packets whose owner is unknown do not match.
    #[arg(long = "pid", value_name = "PID", action = ArgAction::Append)]
    pub pid: Vec<u32>,

    /// Capture only packets of processes whose command name (comm, 15 bytes) is NAME.
    #[arg(long = "pname", value_name = "NAME")]
    pub pname: Option<String>,

    /// Capture only packets of processes running as UID (repeatable).
    #[arg(long = "uid", value_name = "UID", action = ArgAction::Append)]
    pub uid: Vec<u32>,

    /// Capture only packets of processes in the cgroup v2 PATH (relative to the cgroup v2
    /// mount, e.g. /system.slice/nginx.service; repeatable).
    #[arg(long = "cgroup", value_name = "PATH", action = ArgAction::Append)]
    pub cgroup: Vec<String>,

    /// Capture only packets of processes in the container ID (a full id, a unique prefix
    /// of one, or the runtime's name for it; repeatable). Its cgroups, with their
    /// descendants, as they are when the capture starts.
    #[arg(long = "container", value_name = "ID|NAME", action = ArgAction::Append)]
    pub container: Vec<String>,

    /// Capture only packets of the Kubernetes pod NAME or NAMESPACE/NAME (repeatable; pod
    /// names come from the container runtime).
    #[arg(long = "pod", value_name = "NAME|NS/NAME", action = ArgAction::Append)]
    pub pod: Vec<String>,

    /// How to attach the TC programs.
    #[arg(long = "tc-attach", value_enum, default_value_t = TcAttachArg::Auto)]
    pub tc_attach: TcAttachArg,

    /// How samples reach userspace (auto: ring buffer where the kernel has one).
    #[arg(long = "transport", value_enum, default_value_t = TransportArg::Auto)]
    pub transport: TransportArg,

    /// Print the kernel programs' debug messages (aya-log) to stderr.
    #[arg(long = "bpf-log")]
    pub bpf_log: bool,

    /// Write packets to FILE (pcap; pcapng with --pcapng or a .pcapng name); - is stdout.
    #[arg(short = 'w', value_name = "FILE")]
    pub write: Option<String>,

    /// Read packets from FILE (pcap or pcapng); - is stdin.
    #[arg(short = 'r', value_name = "FILE")]
    pub read: Option<String>,

    /// Write pcapng instead of pcap.
    #[arg(long = "pcapng")]
    pub pcapng: bool,

    /// Timestamp precision of written files.
    #[arg(long = "time-stamp-precision", value_enum, default_value_t = PrecisionArg::Micro)]
    pub precision: PrecisionArg,

    /// Timestamps with nanoseconds (the same as --time-stamp-precision=nano).
    #[arg(long = "nano")]
    pub nano: bool,

    /// With -w: start a new file when the current one exceeds SIZE million bytes.
    #[arg(short = 'C', value_name = "SIZE")]
    pub file_size: Option<u64>,

    /// With -C: keep at most COUNT files (overwriting the oldest); with -G: stop after COUNT.
    #[arg(short = 'W', value_name = "COUNT")]
    pub file_count: Option<u32>,

    /// With -w: start a new file every SECONDS (the name may hold strftime conversions).
    #[arg(short = 'G', value_name = "SECONDS")]
    pub rotate_seconds: Option<u64>,

    /// Print one JSON object per packet instead of text.
    #[arg(long = "json")]
    pub json: bool,

    /// With -w: print packets as well.
    #[arg(long = "print")]
    pub print: bool,

    /// Read the filter expression from FILE.
    #[arg(short = 'F', value_name = "FILE")]
    pub filter_file: Option<String>,

    /// Print the filter's classic BPF (-d readable, -dd as C, -ddd decimal) and exit.
    #[arg(short = 'd', action = ArgAction::Count)]
    pub dump_cbpf: u8,

    /// Print the eBPF netdump translates the filter into, and exit.
    #[arg(long = "dump-ebpf")]
    pub dump_ebpf: bool,

    /// Print the version and exit.
    #[arg(long = "version", action = ArgAction::Version)]
    pub version: (),

    /// A pcap-filter expression (tcpdump's filter language), evaluated in the kernel.
    #[arg(value_name = "EXPRESSION", trailing_var_arg = true)]
    pub expression: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum QDirection {
    In,
    Out,
    Inout,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PrecisionArg {
    Micro,
    Nano,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TcAttachArg {
    /// TCX links where the kernel has them (6.6+), else clsact + netlink.
    Auto,
    Tcx,
    Netlink,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TransportArg {
    Auto,
    Ring,
    Perf,
}
