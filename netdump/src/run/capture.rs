//! A live capture's set-up and tear-down: [`Capture`] owns everything attached to the kernel
//! (the BPF object, its attachment, the reader, the counters), and [`capture`] runs set-up,
//! the event loop and tear-down as three steps.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::{self, BufWriter},
};

use aya::Ebpf;
use netdump_common::{Counters, DropLayout};
use thiserror::Error;

use super::{event_loop, RunError};
use crate::{
    cli::Config,
    drops,
    filter::{Filter, FilterError},
    iface::{self, Interface, Selection},
    kernel::{self, Attachment, CounterView, DropPlan, ReasonView, TcMode, Transport},
    output::Output,
    packet::LinkType,
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
    /// `--drops`: the kernel's drop counts by reason.
    reasons: Option<ReasonView>,
    logger: Option<Logger>,
    /// Every interface attached so far, by ifindex, also those since deleted (their last
    /// samples may still be in the ring).
    pub ifaces: BTreeMap<u32, Known>,
    /// Interfaces left out (netdump cannot read them, or attaching failed): not tried again.
    left_out: BTreeSet<u32>,
    /// The capture's interfaces as `-i` chose them.
    pub selection: Selection,
    pub transport: Transport,
    opts: kernel::Options,
    filter: FilterFit,
}

/// The drop path's part of a capture (`--drops`).
#[derive(Clone, Copy)]
pub struct DropSetup<'a> {
    /// The tracepoint (`kfree_skb`).
    pub tracepoint: &'a str,
    /// Where the drop program finds the kernel's fields, and what it selects.
    pub layout: DropLayout,
    /// The expression compiled for raw IP (drops without an Ethernet header), if it applies.
    pub raw: Option<&'a Filter>,
}

/// An interface a capture has attached to.
#[derive(Clone, Debug)]
pub struct Known {
    pub iface: Interface,
    pub link_type: LinkType,
    /// Its ARPHRD type (1 Ethernet, 772 loopback, 65534 none...).
    pub hatype: u16,
}

#[derive(Debug, Error)]
pub enum SkipError {
    #[error(
        "interface {name} has hardware type {kind}, which netdump cannot read: capture on another"
    )]
    Unsupported { name: String, kind: String },
    #[error("interface {0} is an L3 device (no Ethernet header): a filter on its socket tap is not supported; use --hook tc or no filter")]
    FilterOnL3(String),
    #[error("interface {name} is an L3 device (raw IP, no Ethernet header) and the filter does not apply to it: {message}")]
    RawFilter { name: String, message: String },
    #[error(
        "interface {0} is an L3 device (no Ethernet header): -s headers is not supported on it"
    )]
    HeadersOnL3(String),
}

/// The filter, as far as deciding where a capture can run goes.
#[derive(Clone, Debug)]
pub enum FilterFit {
    None,
    /// Compiled for Ethernet; for raw IP (L3 devices) too, or why not.
    Some {
        raw: Result<(), String>,
    },
}

/// How to read `iface`'s frames and its ARPHRD type (what a cooked header records), or why
/// netdump cannot capture on it.
fn classify(
    iface: &Interface,
    filter: &FilterFit,
    opts: &kernel::Options,
) -> Result<(LinkType, u16), SkipError> {
    let hw = crate::sys::iface::hw_type(&iface.name);
    let Some((lt, hatype)) = hw.and_then(|t| Some((iface::link_type_of(t)?, t))) else {
        let kind = std::fs::read_to_string(format!("/sys/class/net/{}/type", iface.name))
            .map(|t| t.trim().to_string())
            .unwrap_or_else(|_| "unknown".into());
        return Err(SkipError::Unsupported {
            name: iface.name.clone(),
            kind,
        });
    };
    if let (LinkType::RAW, FilterFit::Some { raw }) = (lt, filter) {
        if opts.hooks.socket {
            return Err(SkipError::FilterOnL3(iface.name.clone()));
        }
        if let Err(message) = raw {
            return Err(SkipError::RawFilter {
                name: iface.name.clone(),
                message: message.clone(),
            });
        }
    }
    if lt == LinkType::RAW && opts.headers_only {
        return Err(SkipError::HeadersOnL3(iface.name.clone()));
    }
    Ok((lt, hatype))
}

impl Capture {
    /// Loads the object, maps its ring and counters, and attaches it to `start_on` (what
    /// `selection` chose at start), and the drop program with `drops`. On error nothing
    /// stays attached.
    pub fn start(
        opts: &kernel::Options,
        selection: Selection,
        start_on: Vec<Interface>,
        filter: Option<&Filter>,
        raw: Option<&Result<Filter, FilterError>>,
        drops: Option<DropSetup<'_>>,
    ) -> Result<Capture, RunError> {
        let fit = match (filter, raw) {
            (None, _) => FilterFit::None,
            (Some(_), Some(Ok(_))) => FilterFit::Some { raw: Ok(()) },
            (Some(_), Some(Err(e))) => FilterFit::Some {
                raw: Err(e.to_string()),
            },
            (Some(_), None) => FilterFit::Some {
                raw: Err("not compiled for raw IP".into()),
            },
        };
        let mut ifaces = BTreeMap::new();
        let mut left_out = BTreeSet::new();
        let mut skipped = Vec::new();
        for iface in start_on {
            match classify(&iface, &fit, opts) {
                Ok((link_type, hatype)) => {
                    ifaces.insert(
                        iface.index,
                        Known {
                            iface,
                            link_type,
                            hatype,
                        },
                    );
                }
                // A named interface netdump cannot read is an error; with any or a pattern
                // it is left out, with a note.
                Err(e) if selection.is_dynamic() => {
                    left_out.insert(iface.index);
                    skipped.push(e.to_string());
                }
                Err(e) => return Err(e.into()),
            }
        }
        let list: Vec<(Interface, bool)> = ifaces
            .values()
            .map(|k| (k.iface.clone(), k.link_type == LinkType::RAW))
            .collect();
        // The raw-IP filter is loaded when an L3 device is (or may come) among them.
        let l3 = selection.is_dynamic() || list.iter().any(|(_, l3)| *l3);
        let raw = match raw {
            Some(Ok(f)) if l3 => Some(f),
            _ => None,
        };
        let transport = Transport::resolve(opts.transport)?;
        let mut load = opts.load_options(transport, filter.is_some());
        load.drops = drops.map(|d| d.layout);
        let mut ebpf = kernel::load::load(&load)?;
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
        let reasons = match drops {
            Some(_) => Some(ReasonView::open(&ebpf).map_err(RunError::Counters)?),
            None => None,
        };
        let reader = Reader::open(&mut ebpf, transport, opts.ring_bytes)?;
        let plan = drops.map(|d| DropPlan {
            tracepoint: d.tracepoint,
            raw: d.raw,
            any: d.layout.any_iface != 0,
        });
        let mut attachment = kernel::attach::attach(
            &mut ebpf,
            &list,
            opts.hooks,
            opts.tc_attach,
            filter,
            raw,
            plan,
        )?;
        for s in skipped {
            attachment.notes.push(format!("not capturing: {s}"));
        }
        Ok(Capture {
            ebpf: Some(ebpf),
            attachment: Some(attachment),
            reader,
            counters,
            reasons,
            logger,
            ifaces,
            left_out,
            selection,
            transport,
            opts: *opts,
            filter: fit,
        })
    }

    /// Attaches to `iface`, created while capturing. Returns a note for the user (`None`
    /// when it was attached already).
    pub fn add_interface(&mut self, iface: Interface) -> Option<String> {
        let (Some(ebpf), Some(att)) = (self.ebpf.as_mut(), self.attachment.as_mut()) else {
            return None;
        };
        if att.has(iface.index) {
            return None;
        }
        let (link_type, hatype) = match classify(&iface, &self.filter, &self.opts) {
            Ok(known) => known,
            Err(e) => {
                // Remembered so it is not tried again.
                self.left_out.insert(iface.index);
                return Some(format!("not capturing: {e}"));
            }
        };
        match att.add(ebpf, &iface, link_type == LinkType::RAW) {
            Ok(()) => {
                let note = format!("capturing on {} too", iface.name);
                self.ifaces.insert(
                    iface.index,
                    Known {
                        iface,
                        link_type,
                        hatype,
                    },
                );
                Some(note)
            }
            Err(e) => {
                self.left_out.insert(iface.index);
                Some(format!("not capturing on {}: {e}", iface.name))
            }
        }
    }

    /// Detaches from interface `ifindex` (deleted while capturing); the others go on.
    pub fn forget_interface(&mut self, ifindex: u32) {
        if let (Some(ebpf), Some(att)) = (self.ebpf.as_mut(), self.attachment.as_mut()) {
            att.forget(ebpf, ifindex);
        }
    }

    /// The interfaces attached now: (ifindex, name).
    pub fn attached(&self) -> Vec<(u32, String)> {
        self.attachment.as_ref().map_or_else(Vec::new, |a| {
            a.interfaces().map(|(i, n)| (i, n.to_string())).collect()
        })
    }

    /// Whether interface `ifindex` was seen (attached, or left out) already.
    pub fn knows(&self, ifindex: u32) -> bool {
        self.ifaces.contains_key(&ifindex) || self.left_out.contains(&ifindex)
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

    /// `--drops`: the kernel's drop counts, by reason name.
    pub fn drop_counts(
        &self,
        names: Option<&mut drops::Names>,
    ) -> Option<Vec<(Option<String>, u64)>> {
        let (view, names) = (self.reasons.as_ref()?, names?);
        Some(names.counts(&view.read()))
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
        if self.opts.hooks.drops {
            hooks.push("drops via raw tracepoint");
        }
        let snap = if self.opts.headers_only {
            "headers only".to_string()
        } else {
            format!("{} bytes", self.opts.snaplen)
        };
        let names = if self.selection == Selection::Any {
            "any".to_string()
        } else {
            self.attached()
                .iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let raw = self.ifaces.values().any(|k| k.link_type == LinkType::RAW);
        let eth = self
            .ifaces
            .values()
            .any(|k| k.link_type == LinkType::ETHERNET);
        let link = match (eth, raw) {
            (_, false) => "EN10MB (Ethernet)",
            (false, true) => "RAW (Raw IP)",
            (true, true) => "EN10MB (Ethernet) or RAW (Raw IP) by interface",
        };
        format!(
            "listening on {names} ({}, {} {} KiB), link-type {link}, snapshot length {snap}",
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
    let start_on = iface::select(&cfg.interfaces)?;
    privilege::check()?;
    if cfg.kernel.hooks.drops {
        privilege::check_drops()?;
    }
    // A bad expression is reported before anything is loaded.
    let filter = match &cfg.filter {
        Some(e) => {
            let f = Filter::compile(e)?;
            f.check_evaluable()?;
            Some(f)
        }
        None => None,
    };
    // L3 devices (tun, tunnels) need the expression compiled for raw IP.
    let raw = cfg.filter.as_deref().map(|e| {
        let f = Filter::compile_raw(e)?;
        f.check_evaluable()?;
        Ok(f)
    });
    for note in &cfg.notes {
        eprintln!("netdump: {note}");
    }
    // --drops: what this kernel offers, read before anything is loaded.
    let mut reasons = None;
    let mut symbols = None;
    let drop_probe = if cfg.kernel.hooks.drops {
        let probe = drops::probe()?;
        // Reading kallsyms takes a while (the kernel formats 100k+ lines): meanwhile the
        // programs load. It must be read before the privileges go.
        symbols = Some(std::thread::spawn(drops::Symbols::load));
        if !probe.has_reason() {
            eprintln!("netdump: this kernel gives no drop reasons (they came in Linux 5.17): drops show where they happened only");
        }
        if let Some(Err(e)) = &raw {
            eprintln!("netdump: drops without an Ethernet header (raw IP) are not shown: {e}");
        }
        let mut layout = probe.layout;
        layout.any_iface = u32::from(cfg.interfaces == Selection::Any);
        // The filter reads the frame's first bytes from a copy: as many as it can read.
        layout.window = match (&filter, &raw) {
            (Some(f), Some(Ok(r))) => f.window().max(r.window()),
            (Some(f), _) => f.window(),
            (None, _) => 0,
        };
        let has_reason = probe.has_reason();
        reasons = Some((probe.reasons, has_reason));
        Some((probe.tracepoint, layout))
    } else {
        None
    };
    let drop_setup = drop_probe.as_ref().map(|(tracepoint, layout)| DropSetup {
        tracepoint,
        layout: *layout,
        raw: match &raw {
            Some(Ok(r)) => Some(r),
            _ => None,
        },
    });
    // The file is created before anything is attached: a bad path costs the host nothing.
    let stdout = io::stdout();
    // A pcap file has one link type: that of the one interface (several are refused for
    // pcap by the CLI).
    let mut out_opts = cfg.output.clone();
    if let (Some(save), [one], false) = (
        out_opts.save.as_mut(),
        start_on.as_slice(),
        cfg.kernel.hooks.drops,
    ) {
        if iface::link_type(&one.name) == Some(LinkType::RAW) {
            save.link_type = LinkType::RAW;
        }
    }
    let output = Output::new(
        &out_opts,
        BufWriter::with_capacity(64 * 1024, stdout.lock()),
    )?;

    // Set-up: load and attach, then give up every privilege.
    let mut capture = Capture::start(
        &cfg.kernel,
        cfg.interfaces.clone(),
        start_on,
        filter.as_ref(),
        raw.as_ref(),
        drop_setup,
    )?;
    let mut drop_names = match (reasons, symbols) {
        (Some((reasons, has_reason)), Some(symbols)) => {
            let symbols = symbols.join().unwrap_or_default();
            if symbols.is_empty() {
                eprintln!(
                    "netdump: /proc/kallsyms shows no addresses here: drop locations print as addresses"
                );
            }
            Some(drops::Names {
                reasons,
                symbols,
                has_reason,
            })
        }
        _ => None,
    };
    if let Some(user) = cfg.user.as_deref() {
        let (uid, gid) = privilege::lookup_user(user)?;
        output.chown_files(uid, gid)?;
    }
    // Interfaces created while capturing are attached then: that needs the privileges.
    let keep = if cfg.interfaces.is_dynamic() {
        privilege::Keep::Attach
    } else if capture.needs_net_admin() {
        privilege::Keep::NetAdmin
    } else {
        privilege::Keep::Nothing
    };
    privilege::drop_privileges(cfg.user.as_deref(), keep)?;

    // The loop.
    let opts = LoopOptions {
        count: cfg.count,
        stats_every: cfg.stats_every,
    };
    let result = event_loop::run(&mut capture, output, &opts, drop_names.as_mut()).await;

    // Tear-down, then the report.
    let kernel = capture.stop();
    let by_reason = capture.drop_counts(drop_names.as_mut());
    let (handled, code) = result?;
    let mut err = io::stderr().lock();
    if cfg.stats_every.is_some() {
        let _ = super::report::write_periodic(&mut err, &kernel, by_reason.as_deref());
    }
    let _ = super::report::write_exit_lines(&mut err, handled, &kernel);
    if let Some(by_reason) = &by_reason {
        let _ = super::report::write_drop_line(&mut err, by_reason);
    }
    if cfg.kernel.sample > 1 || cfg.kernel.max_rate.is_some() {
        let _ = super::report::write_knob_lines(&mut err, &kernel);
    }
    Ok(code)
}
