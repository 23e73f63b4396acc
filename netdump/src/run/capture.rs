//! A live capture's set-up and tear-down: [`Capture`] owns everything attached to the kernel
//! (the BPF object, its attachment, the reader, the counters) and the namespaces it runs in,
//! and [`capture`] runs set-up, the event loop and tear-down as three steps.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::{self, BufWriter},
};

use aya::Ebpf;
use netdump_common::{Counters, DropLayout, IfaceCounters, IfaceKey};

use super::{
    classify::{classify, FilterFit},
    event_loop,
    spaces::{Scope, Spaces},
    watch::Watch,
    RunError,
};
use crate::{
    cli::Config,
    drops,
    filter::{Filter, FilterError},
    iface::{self, Interface, Selection},
    kernel::{
        self, attach::Target as AttachTarget, btf::NetnsOffsets, counters::IfaceStats, AttachError,
        Attachment, CounterView, DropPlan, ReasonView, TcMode, Transport,
    },
    output::Output,
    packet::{LinkType, Netns},
    privilege,
    ring::Reader,
    run::event_loop::LoopOptions,
};

type Logger = aya_log::EbpfLogger<&'static dyn log::Log>;

/// Everything a live capture holds, from attach to detach.
pub struct Capture {
    /// Attribution, when asked for (`--context`, owner filters).
    pub owner_run: Option<super::owner::OwnerRun>,
    /// The loaded object; `None` once detached.
    ebpf: Option<Ebpf>,
    attachment: Option<Attachment>,
    pub reader: Reader,
    pub counters: CounterView,
    /// Per-interface counters, when the capture can have several interfaces.
    iface_stats: Option<IfaceStats>,
    /// `--drops`: the kernel's drop counts by reason.
    reasons: Option<ReasonView>,
    logger: Option<Logger>,
    /// Every interface attached so far, by namespace key and ifindex, also those since
    /// deleted (their last samples may still be in the ring, and they are reported at exit).
    pub ifaces: BTreeMap<IfaceKey, Known>,
    /// Interfaces left out (netdump cannot read them, or attaching failed): not tried again.
    left_out: BTreeSet<IfaceKey>,
    /// The capture's interfaces as `-i` chose them.
    pub selection: Selection,
    /// The namespaces it runs in.
    pub spaces: Spaces,
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
    /// How lines name it: its name, with `@namespace` when the capture spans namespaces.
    pub label: String,
    /// Its namespace.
    pub netns: Option<Netns>,
    /// Its per-interface counts when it was detached (deleted while capturing).
    pub last_counts: Option<IfaceCounters>,
}

/// One interface's line in the exit statistics and `--stats`.
pub struct IfaceReport {
    pub label: String,
    pub kernel: IfaceCounters,
}

impl Capture {
    /// Loads the object, maps its ring and counters, and attaches it to `start_on` (what
    /// `selection` chose at start in each namespace, by key), and the drop program with
    /// `drops`. On error nothing stays attached.
    #[expect(
        clippy::too_many_arguments,
        reason = "each stage's options, as the CLI made them; a struct would only rename them"
    )]
    pub fn start(
        opts: &kernel::Options,
        selection: Selection,
        spaces: Spaces,
        start_on: Vec<(u64, Vec<Interface>)>,
        filter: Option<&Filter>,
        raw: Option<&Result<Filter, FilterError>>,
        drops: Option<DropSetup<'_>>,
        owner: &kernel::OwnerOptions,
    ) -> Result<Capture, RunError> {
        let fit = FilterFit::new(filter, raw);
        let dynamic = selection.is_dynamic() || spaces.scope == Scope::All;
        let mut chosen: Vec<(IfaceKey, Interface, LinkType, u16)> = Vec::new();
        let mut left_out = BTreeSet::new();
        let mut skipped = Vec::new();
        for (ns_key, list) in start_on {
            for iface in list {
                let key = IfaceKey {
                    netns: ns_key,
                    ifindex: iface.index,
                    _pad: 0,
                };
                match classify(&iface, &fit, opts) {
                    Ok((link_type, hatype)) => chosen.push((key, iface, link_type, hatype)),
                    // A named interface netdump cannot read is an error; with any or a
                    // pattern it is left out, with a note.
                    Err(e) if dynamic => {
                        left_out.insert(key);
                        skipped.push(e.to_string());
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        // The raw-IP filter is loaded when an L3 device is (or may come) among them.
        let l3 = dynamic || chosen.iter().any(|c| c.2 == LinkType::RAW);
        let raw = match raw {
            Some(Ok(f)) if l3 => Some(f),
            _ => None,
        };
        let transport = Transport::resolve(opts.transport)?;
        let offsets = if spaces.tagged() {
            Some(NetnsOffsets::from_sys().map_err(|e| {
                RunError::NeedsKernel(format!(
                    "--netns all reads each packet's namespace through the kernel's BTF: {e}"
                ))
            })?)
        } else {
            None
        };
        let per_iface = selection.is_several() || spaces.scope == Scope::All;
        let mut load = opts.load_options(transport, filter.is_some(), offsets, per_iface);
        load.drops = drops.map(|d| d.layout);
        load.owner_on = owner.on;
        load.owner_filter = owner.filter_bits();
        load.owner_pname = owner.pname.unwrap_or_default();
        let mut ebpf = kernel::load::load(&load)?;
        // Attribution's hooks record owners before the capture programs attach, so the first
        // packets find theirs.
        let owner_run = super::owner::OwnerRun::start(&mut ebpf, owner)
            .map_err(|e| RunError::NeedsKernel(format!("process attribution: {e}")))?;
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
        let mut iface_stats = if per_iface {
            Some(IfaceStats::open(&mut ebpf).map_err(RunError::Counters)?)
        } else {
            None
        };
        let reasons = match drops {
            Some(_) => Some(ReasonView::open(&ebpf).map_err(RunError::Counters)?),
            None => None,
        };
        // What parsing the object allocated is free by now: give it back before the ring is
        // mapped, so it does not add to the peak RSS.
        crate::sys::mmap::release_free_heap();
        let reader = Reader::open(&mut ebpf, transport, opts.ring_bytes)?;
        let mut ifaces = BTreeMap::new();
        for (key, iface, link_type, hatype) in &chosen {
            if let Some(s) = iface_stats.as_mut() {
                s.assign(*key);
            }
            ifaces.insert(
                *key,
                Known {
                    label: spaces.label(key.netns, &iface.name),
                    netns: spaces.netns(key.netns),
                    iface: iface.clone(),
                    link_type: *link_type,
                    hatype: *hatype,
                    last_counts: None,
                },
            );
        }
        let targets: Vec<AttachTarget<'_>> = chosen
            .iter()
            .filter_map(|(key, iface, lt, _)| {
                Some(AttachTarget {
                    key: *key,
                    ns: &spaces.get(key.netns)?.ns,
                    iface,
                    l3: *lt == LinkType::RAW,
                })
            })
            .collect();
        let plan = drops.map(|d| DropPlan {
            tracepoint: d.tracepoint,
            raw: d.raw,
            any: d.layout.any_iface != 0,
        });
        let mut attachment = kernel::attach::attach(
            &mut ebpf,
            &targets,
            opts.hooks,
            opts.tc_attach,
            filter,
            raw,
            plan,
        )
        .map_err(|e| match e {
                    AttachError::Load { .. } if offsets.is_some() => RunError::NeedsKernel(format!(
                        "--netns all: the kernel refused the programs that read each packet's namespace (bpf_probe_read_kernel from TC programs needs Linux 5.8 and no kernel lockdown): {e}"
                    )),
                    e => e.into(),
                })?;
        drop(targets);
        crate::sys::mmap::release_free_heap();
        for s in skipped {
            attachment.notes.push(format!("not capturing: {s}"));
        }
        if let Some(s) = iface_stats.as_mut() {
            attachment.notes.extend(s.overflow_note());
        }
        Ok(Capture {
            owner_run,
            ebpf: Some(ebpf),
            attachment: Some(attachment),
            reader,
            counters,
            iface_stats,
            reasons,
            logger,
            ifaces,
            left_out,
            selection,
            spaces,
            transport,
            opts: *opts,
            filter: fit,
        })
    }

    /// Attaches to interfaces of namespace `ns_key` that `-i` wants and that are not known
    /// yet (created while capturing, or found in a namespace just discovered). Returns notes
    /// for the user.
    pub fn add_interfaces(&mut self, ns_key: u64, list: Vec<Interface>) -> Vec<String> {
        let mut notes = Vec::new();
        let (Some(ebpf), Some(att)) = (self.ebpf.as_mut(), self.attachment.as_mut()) else {
            return notes;
        };
        let Some(space) = self.spaces.get(ns_key) else {
            return notes;
        };
        let all = self.spaces.scope == Scope::All;
        let mut chosen = Vec::new();
        for iface in list {
            let key = IfaceKey {
                netns: ns_key,
                ifindex: iface.index,
                _pad: 0,
            };
            let wanted = if all {
                self.selection.wants_everywhere(&iface.name)
            } else {
                self.selection.wants(&iface.name)
            };
            // Attached now, or left out: nothing to do. Known but detached (its namespace
            // was taken for gone and found again): attached anew.
            if !wanted || att.has(key) || self.left_out.contains(&key) {
                continue;
            }
            let label = self.spaces.label(ns_key, &iface.name);
            match classify(&iface, &self.filter, &self.opts) {
                Ok((link_type, hatype)) => chosen.push((key, iface, link_type, hatype, label)),
                Err(e) => {
                    // Remembered so it is not tried again.
                    self.left_out.insert(key);
                    notes.push(format!("not capturing: {e}"));
                }
            }
        }
        if chosen.is_empty() {
            return notes;
        }
        if let Some(s) = self.iface_stats.as_mut() {
            for c in &chosen {
                s.assign(c.0);
            }
            notes.extend(s.overflow_note());
        }
        let targets: Vec<AttachTarget<'_>> = chosen
            .iter()
            .map(|(key, iface, lt, _, _)| AttachTarget {
                key: *key,
                ns: &space.ns,
                iface,
                l3: *lt == LinkType::RAW,
            })
            .collect();
        let results = att.add(ebpf, &space.ns, &targets);
        drop(targets);
        let netns = Some(space.ns.id.clone());
        for ((key, iface, link_type, hatype, label), r) in chosen.into_iter().zip(results) {
            match r {
                Ok(()) => {
                    notes.push(format!("capturing on {label} too"));
                    self.ifaces.insert(
                        key,
                        Known {
                            iface,
                            link_type,
                            hatype,
                            label,
                            netns: netns.clone(),
                            last_counts: None,
                        },
                    );
                }
                Err(e) => {
                    if let Some(s) = self.iface_stats.as_mut() {
                        s.release(key);
                    }
                    self.left_out.insert(key);
                    notes.push(format!("not capturing on {label}: {e}"));
                }
            }
        }
        notes
    }

    /// Detaches from interface `key` (deleted while capturing); the others go on. Its counts
    /// so far are kept for the exit lines.
    pub fn forget_interface(&mut self, key: IfaceKey) {
        if let (Some(att), Some(ebpf)) = (self.attachment.as_mut(), self.ebpf.as_mut()) {
            att.forget(ebpf, key);
        }
        let counts = self.iface_stats.as_mut().and_then(|s| s.release(key));
        if let Some(k) = self.ifaces.get_mut(&key) {
            k.last_counts = counts.or(k.last_counts);
        }
    }

    /// Forgets namespace `ns_key` (it is gone) and every interface attached in it.
    pub fn forget_namespace(&mut self, ns_key: u64) {
        for (key, _) in self.attached() {
            if key.netns == ns_key {
                self.forget_interface(key);
            }
        }
        self.spaces.remove(ns_key);
    }

    /// The interfaces attached now: (key, name in its namespace).
    pub fn attached(&self) -> Vec<(IfaceKey, String)> {
        self.attachment.as_ref().map_or_else(Vec::new, |a| {
            a.interfaces().map(|(k, n)| (k, n.to_string())).collect()
        })
    }

    /// How messages name attached interface `key`.
    pub fn label(&self, key: IfaceKey) -> String {
        self.ifaces
            .get(&key)
            .map_or_else(|| format!("if{}", key.ifindex), |k| k.label.clone())
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

    /// Each interface's kernel counts, when they are kept per interface and more than one
    /// interface was captured on: the lines the exit statistics and `--stats` add. Only
    /// interfaces that saw a packet are listed (a container host has hundreds of idle
    /// ones), by namespace and index.
    pub fn iface_reports(&self) -> Vec<(IfaceKey, IfaceReport)> {
        let Some(stats) = self.iface_stats.as_ref() else {
            return Vec::new();
        };
        if self.ifaces.len() < 2 {
            return Vec::new();
        }
        let mut out: Vec<(IfaceKey, IfaceReport)> = self
            .ifaces
            .iter()
            .filter_map(|(key, k)| {
                let kernel = stats.read(*key).or(k.last_counts).unwrap_or_default();
                let busy = kernel.matched + kernel.captured + kernel.dropped > 0;
                busy.then(|| {
                    (
                        *key,
                        IfaceReport {
                            label: k.label.clone(),
                            kernel,
                        },
                    )
                })
            })
            .collect();
        let ns_label = |key: &IfaceKey| {
            self.ifaces
                .get(key)
                .and_then(|k| k.netns.as_ref())
                .map(|n| n.label().into_owned())
        };
        out.sort_by_key(|(key, _)| (ns_label(key), key.ifindex));
        out
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
        let all = self.spaces.scope == Scope::All;
        let names =
            if self.selection == Selection::Any || (all && self.selection == Selection::Default) {
                "any".to_string()
            } else {
                self.attached()
                    .iter()
                    .map(|(k, _)| self.label(*k))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
        let place = match (self.spaces.scope, self.spaces.single()) {
            (Scope::One, Some(s)) => format!(" in {}", s.ns.describe()),
            (Scope::All, _) => format!(" in every network namespace ({} now)", self.spaces.len()),
            _ => String::new(),
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
            "listening on {names}{place} ({}, {} {} KiB), link-type {link}, snapshot length {snap}",
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

    /// Detaches everything: the links and taps (netlink filters from inside their
    /// namespaces), then the object. Returns the final counters. Safe to call twice.
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

/// The interfaces a capture starts on, in each of its namespaces (by key): named ones must
/// exist (in a fixed set, and be up), patterns must match at least one. With `--netns all`
/// names and patterns apply in every namespace and must match somewhere.
fn select_start(spaces: &Spaces, sel: &Selection) -> Result<Vec<(u64, Vec<Interface>)>, RunError> {
    match spaces.scope {
        Scope::Own | Scope::One => {
            let Some(space) = spaces.single() else {
                return Ok(Vec::new());
            };
            let chosen =
                space
                    .ns
                    .enter(|| iface::select(sel))?
                    .map_err(|source| match spaces.scope {
                        Scope::One => RunError::InNamespace {
                            what: space.ns.describe(),
                            source,
                        },
                        _ => RunError::Iface(source),
                    })?;
            Ok(vec![(spaces.keys()[0], chosen)])
        }
        Scope::All => {
            let mut out = Vec::new();
            let mut any = false;
            for (key, space) in spaces.iter() {
                // A namespace that went away since it was found is simply not there.
                let Ok(Ok(list)) = space.ns.enter(iface::list) else {
                    continue;
                };
                let list: Vec<Interface> = list
                    .into_iter()
                    .filter(|i| sel.wants_everywhere(&i.name))
                    .collect();
                any |= !list.is_empty();
                out.push((key, list));
            }
            if !any && !matches!(sel, Selection::Any | Selection::Default) {
                return Err(RunError::NoMatchAnywhere(sel.describe()));
            }
            Ok(out)
        }
    }
}

/// Runs a capture until Ctrl-C, SIGTERM, `-c` or a closed pipe. Returns the process exit code.
pub async fn capture(cfg: Config) -> Result<i32, RunError> {
    let signals = event_loop::Signals::catch()?;
    let spaces = Spaces::open(&cfg.netns)?;
    let start_on = select_start(&spaces, &cfg.interfaces)?;
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
    if let (Some(save), [(_, one)], false) = (
        out_opts.save.as_mut(),
        start_on.as_slice(),
        cfg.kernel.hooks.drops,
    ) {
        if let [one] = one.as_slice() {
            if one.hatype.and_then(iface::link_type_of) == Some(LinkType::RAW) {
                save.link_type = LinkType::RAW;
            }
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
        spaces,
        start_on,
        filter.as_ref(),
        raw.as_ref(),
        drop_setup,
        &cfg.owner,
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
    // Its sockets are opened while privileged: hearing of every namespace's links needs
    // CAP_NET_BROADCAST once, when the socket is set up.
    let watch = Watch::new(&capture);
    // Interfaces created while capturing are attached then, and other namespaces are
    // entered to attach, look and detach: that needs the privileges.
    let keep = if capture.spaces.scope != Scope::Own {
        privilege::Keep::Namespaces
    } else if cfg.interfaces.is_dynamic() {
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
    let result = event_loop::run(
        &mut capture,
        watch,
        output,
        &opts,
        signals,
        drop_names.as_mut(),
    )
    .await;

    // Tear-down, then the report (the counters stay mapped after detaching).
    let kernel = capture.stop();
    let reports = capture.iface_reports();
    let by_reason = capture.drop_counts(drop_names.as_mut());
    let outcome = result?;
    let mut err = io::stderr().lock();
    if cfg.stats_every.is_some() {
        let _ = super::report::write_periodic(&mut err, &kernel, &reports, by_reason.as_deref());
    }
    let _ = super::report::write_iface_lines(&mut err, &reports, &outcome.per_iface);
    let _ = super::report::write_exit_lines(&mut err, outcome.handled, &kernel);
    if let Some(by_reason) = &by_reason {
        let _ = super::report::write_drop_line(&mut err, by_reason);
    }
    if cfg.kernel.sample > 1 || cfg.kernel.max_rate.is_some() {
        let _ = super::report::write_knob_lines(&mut err, &kernel);
    }
    if let Some(run) = capture.owner_run.as_mut() {
        let r = run.finish();
        let _ = super::owner::write_exit_lines(
            &mut err,
            &r,
            outcome.unattributed,
            cfg.owner.filter_bits() != 0,
        );
    }
    Ok(outcome.code)
}
