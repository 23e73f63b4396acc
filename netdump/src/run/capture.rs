//! A live capture's set-up and tear-down: [`Capture`] owns everything attached to the kernel
//! (the BPF object, its attachment, the reader, the counters), and [`capture`] runs set-up,
//! the event loop and tear-down as three steps.

use std::io::{self, BufWriter};

use aya::Ebpf;
use netdump_common::Counters;

use super::{event_loop, RunError};
use crate::{
    cli::Config,
    filter::Filter,
    iface::{self, Interface},
    kernel::{self, Attachment, CounterView, TcMode, Transport},
    output::Output,
    privilege,
    ring::Reader,
    run::event_loop::LoopOptions,
};

type Logger = aya_log::EbpfLogger<&'static dyn log::Log>;

/// Everything a live capture holds, from attach to detach.
pub struct Capture {
    /// The loaded object; `None` once detached.
    ebpf: Option<Ebpf>,
    attachment: Option<Attachment>,
    pub reader: Reader,
    pub counters: CounterView,
    logger: Option<Logger>,
    pub iface: Interface,
    pub transport: Transport,
    opts: kernel::Options,
}

impl Capture {
    /// Loads the object, maps its ring and counters, and attaches it to `iface`. On error
    /// nothing stays attached.
    pub fn start(
        opts: &kernel::Options,
        iface: Interface,
        filter: Option<&Filter>,
    ) -> Result<Capture, RunError> {
        let transport = Transport::resolve(opts.transport)?;
        let mut ebpf = kernel::load::load(&opts.load_options(transport, filter.is_some()))?;
        let logger = if opts.log {
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
        let counters = CounterView::open(&ebpf).map_err(RunError::Counters)?;
        let reader = Reader::open(&mut ebpf, transport, opts.ring_bytes)?;
        let attachment =
            kernel::attach::attach(&mut ebpf, &iface, opts.hooks, opts.tc_attach, filter)?;
        Ok(Capture {
            ebpf: Some(ebpf),
            attachment: Some(attachment),
            reader,
            counters,
            logger,
            iface,
            transport,
            opts: *opts,
        })
    }

    /// Netlink filters are removed through netlink at exit, which needs CAP_NET_ADMIN.
    pub fn needs_net_admin(&self) -> bool {
        self.attachment
            .as_ref()
            .is_some_and(|a| a.tc_mode == Some(TcMode::Netlink))
    }

    /// One-line notes from attaching (stale filters removed, fallbacks taken).
    pub fn notes(&self) -> &[String] {
        self.attachment.as_ref().map_or(&[], |a| &a.notes)
    }

    /// tcpdump's "listening on" line, with how netdump listens.
    pub fn banner(&self) -> String {
        let mut hooks = Vec::new();
        match self.attachment.as_ref().and_then(|a| a.tc_mode) {
            Some(TcMode::Tcx) => hooks.push("tc ingress+egress via tcx"),
            Some(TcMode::Netlink) => hooks.push("tc ingress+egress via clsact"),
            None => {}
        }
        if self.opts.hooks.socket {
            hooks.push("socket tap");
        }
        let snap = if self.opts.headers_only {
            "headers only".to_string()
        } else {
            format!("{} bytes", self.opts.snaplen)
        };
        format!(
            "listening on {} ({}, {} {} KiB), link-type EN10MB (Ethernet), snapshot length {snap}",
            self.iface.name,
            hooks.join(", "),
            self.transport.describe(),
            self.opts.ring_bytes / 1024,
        )
    }

    /// Prints what the kernel programs logged (`--bpf-log`).
    pub fn flush_log(&mut self) {
        if let Some(l) = self.logger.as_mut() {
            l.flush();
        }
    }

    /// Detaches everything: the object is dropped first (closing TCX links and removing
    /// netlink filters), then the tap and a clsact qdisc netdump added. Returns the final
    /// counters. Safe to call twice.
    pub fn stop(&mut self) -> Counters {
        let counters = self.counters.read();
        if let (Some(ebpf), Some(attachment)) = (self.ebpf.take(), self.attachment.take()) {
            attachment.detach(ebpf);
        }
        counters
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs a capture until Ctrl-C, SIGTERM, `-c` or a closed pipe. Returns the process exit code.
pub async fn capture(cfg: Config) -> Result<i32, RunError> {
    let iface = match &cfg.interface {
        Some(name) => iface::find(name)?,
        None => iface::default()?,
    };
    privilege::check()?;
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

    // Set-up: load and attach, then give up every privilege.
    let mut capture = Capture::start(&cfg.kernel, iface, filter.as_ref())?;
    if let Some(user) = cfg.user.as_deref() {
        let (uid, gid) = privilege::lookup_user(user)?;
        output.chown_files(uid, gid)?;
    }
    privilege::drop_privileges(cfg.user.as_deref(), capture.needs_net_admin())?;

    // The loop.
    let opts = LoopOptions {
        count: cfg.count,
        stats_every: cfg.stats_every,
    };
    let result = event_loop::run(&mut capture, output, &opts).await;

    // Tear-down, then the report.
    let kernel = capture.stop();
    let (handled, code) = result?;
    let mut err = io::stderr().lock();
    if cfg.stats_every.is_some() {
        let _ = super::report::write_periodic(&mut err, &kernel);
    }
    let _ = super::report::write_exit_lines(&mut err, handled, &kernel);
    if cfg.kernel.sample > 1 || cfg.kernel.max_rate.is_some() {
        let _ = super::report::write_knob_lines(&mut err, &kernel);
    }
    Ok(code)
}
