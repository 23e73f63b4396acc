//! A live capture from start to exit: check, load, attach, read and print, detach, report.

use std::{
    io::{self, BufWriter, Write},
    ops::ControlFlow,
    time::Duration,
};

use thiserror::Error;
use tokio::signal::unix::{signal, SignalKind};

use crate::{
    attach::{self, AttachError, TcMode},
    bpf::{self, LoadError, LoadOptions, Transport},
    cli::{Config, ReadConfig, TransportArg},
    clock::WallClock,
    filter::Filter,
    iface::{self, IfaceError},
    output::{self, Output, OutputError},
    packet::Packet,
    privilege::{self, PrivilegeError},
    reader::{Reader, ReaderError},
    sample, stats,
};

/// How often the ring is drained when the kernel has not woken us: the most a quiet link's
/// packet waits before it is printed.
const DRAIN_INTERVAL: Duration = Duration::from_millis(10);

#[derive(Debug, Error)]
pub enum RunError {
    #[error(transparent)]
    Iface(#[from] IfaceError),
    #[error(transparent)]
    Privilege(#[from] PrivilegeError),
    #[error(transparent)]
    Drop(#[from] privilege::DropError),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Attach(#[from] AttachError),
    #[error(transparent)]
    Reader(#[from] ReaderError),
    #[error("set up signal handling: {0}")]
    Signals(#[source] io::Error),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Filter(#[from] crate::filter::FilterError),
    #[error(transparent)]
    Read(#[from] crate::savefile::ReadError),
    #[error("this kernel has no BPF ring buffer (needs 5.8): use --transport perf or auto")]
    NoRingBuf,
    #[error("map the kernel's counters: {0}")]
    Counters(#[source] io::Error),
    #[error("interface {0} was deleted while capturing")]
    InterfaceGone(String),
    #[error("interface {0} went down while capturing")]
    InterfaceDown(String),
}

/// Why reading stopped early.
enum Stop {
    Count,
    Output(output::Stop),
    Error(OutputError),
    Interface(iface::State),
}

/// Turns kernel samples into output.
struct Handler<W: Write> {
    output: Output<W>,
    clock: WallClock,
    ifname: String,
    vlan_buf: Vec<u8>,
    limit: Option<u64>,
    bad_samples: u64,
}

impl<W: Write> Handler<W> {
    fn handle(&mut self, record: &[u8]) -> ControlFlow<Stop> {
        let sample = match sample::parse(record) {
            Ok(s) => s,
            Err(e) => {
                if self.bad_samples == 0 {
                    eprintln!("netdump: skipping a malformed sample: {e}");
                }
                self.bad_samples += 1;
                return ControlFlow::Continue(());
            }
        };
        let (data, orig_len) = sample::wire_frame(&sample, &mut self.vlan_buf);
        let pkt = Packet {
            ts: self.clock.wall(sample.header.ts_ns),
            ifname: &self.ifname,
            direction: sample.direction(),
            pkt_type: sample.header.pkt_type,
            hook: sample.hook(),
            link_type: crate::packet::LinkType::ETHERNET,
            orig_len,
            data,
        };
        match self.output.emit(&pkt) {
            Ok(None) => {}
            Ok(Some(stop)) => return ControlFlow::Break(Stop::Output(stop)),
            Err(e) => return ControlFlow::Break(Stop::Error(e)),
        }
        if self.limit.is_some_and(|l| self.output.count >= l) {
            return ControlFlow::Break(Stop::Count);
        }
        ControlFlow::Continue(())
    }
}

/// Runs a capture until Ctrl-C, SIGTERM, `-c` or a closed pipe. Returns the process exit code.
pub async fn capture(cfg: Config) -> Result<i32, RunError> {
    let iface = match &cfg.interface {
        Some(name) => iface::find(name)?,
        None => iface::default()?,
    };
    privilege::check()?;
    let transport = match cfg.transport {
        TransportArg::Auto => Transport::detect(),
        TransportArg::Ring => {
            if Transport::detect() != Transport::Ring {
                return Err(RunError::NoRingBuf);
            }
            Transport::Ring
        }
        TransportArg::Perf => Transport::Perf,
    };
    // A bad expression is reported before anything is loaded.
    let filter = match &cfg.filter {
        Some(e) => {
            let f = Filter::compile(e)?;
            f.check_evaluable()?;
            Some(f)
        }
        None => None,
    };
    for note in &cfg.notes {
        eprintln!("netdump: {note}");
    }
    // The file is created before anything is attached: a bad path costs the host nothing.
    let stdout = io::stdout();
    let output = Output::new(
        &cfg.output,
        BufWriter::with_capacity(64 * 1024, stdout.lock()),
    )?;
    let opts = LoadOptions {
        transport,
        snaplen: cfg.snaplen,
        directions: cfg.directions,
        ring_bytes: cfg.ring_bytes,
        log: cfg.bpf_log,
        filter: filter.is_some(),
        headers_only: cfg.headers_only,
        sample: cfg.sample,
        max_rate: cfg.max_rate,
    };
    let mut ebpf = bpf::load(&opts)?;
    let mut logger = if cfg.bpf_log {
        match aya_log::EbpfLogger::init(&mut ebpf) {
            Ok(l) => Some(l),
            Err(e) => {
                eprintln!("netdump: --bpf-log: {e}");
                None
            }
        }
    } else {
        None
    };
    let counters = stats::CounterView::open(&ebpf).map_err(RunError::Counters)?;
    let mut reader = Reader::open(&mut ebpf, transport, cfg.ring_bytes)?;
    let attachment = attach::attach(&mut ebpf, &iface, cfg.hooks, cfg.tc_attach, filter.as_ref())?;
    // Everything privileged is done: programs attached, ring and counters mapped, file open.
    let keep_net_admin = attachment.tc_mode == Some(TcMode::Netlink);
    let dropped = (|| -> Result<(), RunError> {
        if let Some(user) = cfg.user.as_deref() {
            let (uid, gid) = privilege::lookup_user(user)?;
            output.chown_files(uid, gid)?;
        }
        Ok(privilege::drop_privileges(
            cfg.user.as_deref(),
            keep_net_admin,
        )?)
    })();
    if let Err(e) = dropped {
        attachment.detach(ebpf);
        return Err(e);
    }
    // From here on, every exit path goes through `detach`.
    let result = read_loop(
        &cfg,
        &counters,
        &iface.name,
        iface.index,
        output,
        &mut reader,
        &mut logger,
        transport,
        &attachment,
    )
    .await;
    let kernel = counters.read();
    attachment.detach(ebpf);
    let (handled, code) = result?;
    let mut err = io::stderr().lock();
    if cfg.stats_every.is_some() {
        let _ = stats::write_periodic(&mut err, &kernel);
    }
    let _ = stats::write_exit_lines(&mut err, handled, &kernel);
    if cfg.sample > 1 || cfg.max_rate.is_some() {
        let _ = stats::write_knob_lines(&mut err, &kernel);
    }
    Ok(code)
}

#[expect(
    clippy::too_many_arguments,
    reason = "the parts of one capture, borrowed for its loop"
)]
async fn read_loop<W: Write>(
    cfg: &Config,
    counters: &stats::CounterView,
    ifname: &str,
    ifindex: u32,
    output: Output<W>,
    reader: &mut Reader,
    logger: &mut Option<aya_log::EbpfLogger<&'static dyn log::Log>>,
    transport: Transport,
    attachment: &attach::Attachment,
) -> Result<(u64, i32), RunError> {
    for note in &attachment.notes {
        eprintln!("netdump: {note}");
    }
    let mut hooks = Vec::new();
    match attachment.tc_mode {
        Some(TcMode::Tcx) => hooks.push("tc ingress+egress via tcx"),
        Some(TcMode::Netlink) => hooks.push("tc ingress+egress via clsact"),
        None => {}
    }
    if cfg.hooks.socket {
        hooks.push("socket tap");
    }
    let snap = if cfg.headers_only {
        "headers only".to_string()
    } else {
        format!("{} bytes", cfg.snaplen)
    };
    eprintln!(
        "netdump: listening on {ifname} ({}, {} {} KiB), link-type EN10MB (Ethernet), snapshot length {snap}",
        hooks.join(", "),
        transport.describe(),
        cfg.ring_bytes / 1024,
    );
    let mut stats_tick = cfg.stats_every.map(|s| {
        let mut t = tokio::time::interval(Duration::from_secs(s));
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });

    let mut sigint = signal(SignalKind::interrupt()).map_err(RunError::Signals)?;
    let mut sigterm = signal(SignalKind::terminate()).map_err(RunError::Signals)?;
    let mut tick = tokio::time::interval(DRAIN_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let mut handler = Handler {
        output,
        clock: WallClock::new(),
        ifname: ifname.to_string(),
        vlan_buf: Vec::with_capacity(netdump_common::MAX_SNAPLEN as usize + 4),
        limit: cfg.count,
        bad_samples: 0,
    };
    // The interface can vanish or go down under us: look every half second.
    let mut iface_tick = tokio::time::interval(Duration::from_millis(500));
    iface_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut stopped_by_signal = false;
    let stop = loop {
        tokio::select! {
            biased;
            _ = sigint.recv() => { stopped_by_signal = true; }
            _ = sigterm.recv() => { stopped_by_signal = true; }
            r = reader.wait() => r?,
            _ = tick.tick() => {}
            _ = iface_tick.tick() => {
                let st = iface::state(ifname, ifindex);
                if st != iface::State::Up {
                    break Some(Stop::Interface(st));
                }
            }
            _ = async { stats_tick.as_mut().unwrap().tick().await }, if stats_tick.is_some() => {
                let _ = stats::write_periodic(&mut io::stderr().lock(), &counters.read());
            }
        }
        if let Some(l) = logger.as_mut() {
            l.flush();
        }
        handler.clock.sync();
        let flow = reader.drain(|rec| handler.handle(rec));
        match handler.output.flush() {
            Ok(None) => {}
            Ok(Some(stop)) => break Some(Stop::Output(stop)),
            Err(e) => break Some(Stop::Error(e)),
        }
        if let ControlFlow::Break(stop) = flow {
            break Some(stop);
        }
        if stopped_by_signal {
            break None;
        }
    };
    let handled = handler.output.count;
    match stop {
        Some(Stop::Interface(st)) => {
            // Print what was captured before it went, close the file, then say why.
            let _ = reader.drain(|rec| handler.handle(rec));
            let _ = handler.output.flush();
            Err(match st {
                iface::State::Down => RunError::InterfaceDown(ifname.to_string()),
                _ => RunError::InterfaceGone(ifname.to_string()),
            })
        }
        Some(Stop::Error(e)) => {
            // Close what was written so far before reporting.
            let _ = handler.output.flush();
            Err(e.into())
        }
        Some(Stop::Output(output::Stop::BrokenPipe)) => {
            // `netdump | head`: the reader is gone; stop quietly.
            std::mem::forget(handler.output);
            Ok((handled, 0))
        }
        Some(Stop::Output(output::Stop::RotationDone)) | Some(Stop::Count) | None => {
            handler.output.flush()?;
            Ok((handled, 0))
        }
    }
}

/// Reads a capture file (`-r`), filters it with libpcap's offline filter, and prints or
/// rewrites it.
pub fn read(cfg: ReadConfig) -> Result<i32, RunError> {
    let mut reader = crate::savefile::Reader::open(&cfg.path)?;
    let mut filter = cfg
        .filter
        .as_deref()
        .map(|e| crate::filter::FilterSet::new(e, reader.link_type()))
        .transpose()?;
    let stdout = io::stdout();
    let mut output = Output::new(
        &cfg.output,
        BufWriter::with_capacity(64 * 1024, stdout.lock()),
    )?;
    let mut failure: Option<RunError> = None;
    let mut quiet_stop = false;
    loop {
        let pkt = match reader.next_packet() {
            Ok(Some(pkt)) => pkt,
            Ok(None) => break,
            Err(e) => {
                // A truncated file: what it had is printed, then the error, as tcpdump does.
                failure = Some(e.into());
                break;
            }
        };
        if let Some(f) = &mut filter {
            match f.matches(&pkt) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    failure = Some(e.into());
                    break;
                }
            }
        }
        match output.emit(&pkt) {
            Ok(None) => {}
            Ok(Some(_)) => {
                quiet_stop = true;
                break;
            }
            Err(e) => {
                failure = Some(e.into());
                break;
            }
        }
        if cfg.count.is_some_and(|c| output.count >= c) {
            break;
        }
    }
    if let Some(e) = failure {
        let _ = output.flush();
        return Err(e);
    }
    if quiet_stop {
        std::mem::forget(output);
        return Ok(0);
    }
    output.flush()?;
    Ok(0)
}

/// `-d`, `-dd`, `-ddd` (tcpdump's listings of the classic BPF) and `--dump-ebpf`.
pub fn dump_filter(expression: &str, cbpf: u8) -> Result<String, RunError> {
    let f = Filter::compile(expression)?;
    let prog = f.cbpf();
    Ok(match cbpf {
        1 => crate::filter::cbpf::image(&prog),
        2 => crate::filter::cbpf::c_array(&prog),
        3 => crate::filter::cbpf::decimal(&prog),
        _ => {
            f.check_evaluable()?;
            let insns = f.ebpf(crate::filter::translate::Action::TailCall {
                emitters_fd: -1,
                index: 0,
                pass: -1,
            })?;
            format!(
                "; {} classic BPF instructions -> {} eBPF instructions (TC ingress; the emitter map's fd is filled in at load)\n{}",
                prog.len(),
                insns.len(),
                crate::filter::ebpf::disassemble(&insns)
            )
        }
    })
}
