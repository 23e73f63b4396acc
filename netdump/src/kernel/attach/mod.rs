//! Attaching the loaded programs to an interface: TC ingress/egress (TCX link or clsact +
//! netlink) and the socket filter on an AF_PACKET tap; the drop program on its tracepoint,
//! told which interfaces to report on; detaching them; and removing what a crashed run left
//! behind.
//!
//! Architecture Invariant: every program attached here returns its pass-through verdict;
//! attaching never changes what happens to a packet.

mod drops;
mod filters;
pub mod owner;
mod socket;
mod stale;
mod tc;

use std::{collections::BTreeMap, fs::File, io, os::fd::OwnedFd};

use aya::{
    programs::{tc::SchedClassifierLinkId, tc::TcError, ProgramError},
    Ebpf,
};
use thiserror::Error;

use crate::{filter::Filter, iface::Interface, kernel::netlink};

/// Which hooks run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hooks {
    pub tc: bool,
    pub socket: bool,
    /// `--drops`: packets the kernel frees as dropped.
    pub drops: bool,
}

/// How to attach the TC programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcAttach {
    /// TCX links where the kernel has them (6.6+), else clsact + netlink.
    Auto,
    Tcx,
    Netlink,
}

/// How the TC programs ended up attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcMode {
    Tcx,
    Netlink,
}

#[derive(Debug, Error)]
pub enum AttachError {
    #[error("the BPF object has no program {0}")]
    MissingProgram(&'static str),
    #[error("load program {name}: {source} (the kernel may lack BPF support for it; try --transport perf or a newer kernel)")]
    Load {
        name: &'static str,
        #[source]
        source: ProgramError,
    },
    #[error("attach {what} on {iface}: {source}")]
    Attach {
        what: &'static str,
        iface: String,
        #[source]
        source: ProgramError,
    },
    #[error("add clsact qdisc on {iface}: {source}")]
    Clsact {
        iface: String,
        #[source]
        source: TcError,
    },
    #[error("TCX links need Linux 6.6 or newer (this is {0}): use --tc-attach netlink or auto")]
    NoTcx(String),
    #[error(transparent)]
    Filter(#[from] crate::filter::FilterError),
    #[error("set up the filter's program arrays: {0}")]
    ProgramArray(String),
    #[error("this kernel has no {0} tracepoint, which --drops attaches to")]
    NoTracepoint(String),
    #[error("open AF_PACKET socket on {iface}: {source}")]
    Socket {
        iface: String,
        #[source]
        source: io::Error,
    },
}

/// What is attached on one interface.
#[derive(Debug)]
struct OnInterface {
    name: String,
    /// The TC links (ingress, egress), to detach this interface alone.
    links: Vec<(&'static str, SchedClassifierLinkId)>,
    /// The AF_PACKET socket the socket filter lives on; closing it detaches the filter.
    socket: Option<OwnedFd>,
    /// Held while running; lets the next run tell live netdumps from stale filters.
    _lock: Option<File>,
}

/// What is attached; dropping it (after the `Ebpf` that owns the programs) leaves the
/// interfaces as they were.
#[derive(Debug)]
pub struct Attachment {
    pub tc_mode: Option<TcMode>,
    hooks: Hooks,
    /// By ifindex.
    on: BTreeMap<u32, OnInterface>,
    /// The ifindexes whose clsact qdisc netdump added and must remove on exit.
    created_clsact: Vec<u32>,
    /// The translated filter programs (they live in the program arrays while these are open).
    _filters: Vec<OwnedFd>,
    /// The drop program reports drops on the interfaces in DROP_IFACES, kept in step here
    /// (false with `-i any`, where it reports every interface).
    select_drops: bool,
    /// One-line notes for the user (stale filters removed, fallbacks taken).
    pub notes: Vec<String>,
}

impl Attachment {
    /// Detaches everything: `ebpf` is dropped first (closing TCX links and removing netlink
    /// filters), then the clsact qdiscs netdump added, if any.
    pub fn detach(mut self, ebpf: Ebpf) {
        drop(ebpf);
        self.on.clear();
        for ifindex in self.created_clsact.drain(..) {
            // The interface may be gone already; then so is its qdisc.
            let _ = netlink::delete_clsact(ifindex);
        }
    }

    /// Attaches the programs on one more interface (the programs and the filter are loaded
    /// already); `l3`: it has no Ethernet header (tun, tunnels). Attaching twice is a no-op.
    pub fn add(&mut self, ebpf: &mut Ebpf, iface: &Interface, l3: bool) -> Result<(), AttachError> {
        if self.on.contains_key(&iface.index) {
            return Ok(());
        }
        let mut on = OnInterface {
            name: iface.name.clone(),
            links: Vec::new(),
            socket: None,
            _lock: None,
        };
        if let Some(mode) = self.tc_mode {
            let (lock, exclusive) = stale::take_lock(iface.index);
            on._lock = lock;
            if exclusive {
                stale::remove_filters(iface, &mut self.notes);
            }
            // Loopback's egress is its ingress: hook it once, as tcpdump shows each packet
            // on lo once.
            let ingress_only = iface.is_loopback();
            let (links, created) = match tc::attach(ebpf, iface, mode, ingress_only, l3) {
                Ok(r) => r,
                Err(e) => {
                    // Undo the half that got attached.
                    self.on.insert(iface.index, on);
                    self.forget(ebpf, iface.index);
                    return Err(e);
                }
            };
            on.links = links;
            if created {
                self.created_clsact.push(iface.index);
            }
        }
        if self.select_drops {
            if let Err(e) = drops::select(ebpf, iface.index, true) {
                self.on.insert(iface.index, on);
                self.forget(ebpf, iface.index);
                return Err(e);
            }
        }
        if self.hooks.socket {
            match socket::attach(ebpf, iface) {
                Ok(s) => on.socket = Some(s),
                Err(e) => {
                    self.on.insert(iface.index, on);
                    self.forget(ebpf, iface.index);
                    return Err(e);
                }
            }
        }
        self.on.insert(iface.index, on);
        Ok(())
    }

    /// Detaches interface `ifindex` alone (it was deleted); the others go on.
    pub fn forget(&mut self, ebpf: &mut Ebpf, ifindex: u32) {
        let Some(on) = self.on.remove(&ifindex) else {
            return;
        };
        for (name, link) in on.links {
            if let Ok(prog) = tc::classifier(ebpf, name) {
                // A deleted interface took its filters with it; a TCX link is only closed.
                let _ = prog.detach(link);
            }
        }
        self.created_clsact.retain(|i| *i != ifindex);
        drop(on.socket);
        if self.select_drops {
            // Only fails if it was not there.
            let _ = drops::select(ebpf, ifindex, false);
        }
    }

    /// Detaches what a failed [`attach`] had attached already.
    fn undo(&mut self, ebpf: &mut Ebpf) {
        for index in self.on.keys().copied().collect::<Vec<_>>() {
            self.forget(ebpf, index);
        }
        for ifindex in self.created_clsact.drain(..) {
            let _ = netlink::delete_clsact(ifindex);
        }
    }

    /// Whether interface `ifindex` is attached.
    pub fn has(&self, ifindex: u32) -> bool {
        self.on.contains_key(&ifindex)
    }

    /// The attached interfaces: (ifindex, name).
    pub fn interfaces(&self) -> impl Iterator<Item = (u32, &str)> {
        self.on.iter().map(|(i, on)| (*i, on.name.as_str()))
    }
}

/// What the drop path needs to attach (with `hooks.drops`).
#[derive(Clone, Copy)]
pub struct DropPlan<'a> {
    /// The tracepoint (`kfree_skb`).
    pub tracepoint: &'a str,
    /// The expression compiled for raw IP, for drops without an Ethernet header (`None`: the
    /// expression does not apply to them, or there is no expression).
    pub raw: Option<&'a Filter>,
    /// `-i any`: every interface (DROP_IFACES is not used).
    pub any: bool,
}

/// Loads the programs for `hooks` and attaches them on each of `ifaces` (with whether each is
/// an L3 device): the filter first (so the entry programs never run without it; `raw` is the
/// expression compiled for L3 devices), then TC, then the socket tap, then, once it knows the
/// interfaces, the drop program. On error nothing stays attached.
pub fn attach(
    ebpf: &mut Ebpf,
    ifaces: &[(Interface, bool)],
    hooks: Hooks,
    mode: TcAttach,
    filter: Option<&Filter>,
    raw: Option<&Filter>,
    drop_plan: Option<DropPlan<'_>>,
) -> Result<Attachment, AttachError> {
    let mut att = Attachment {
        tc_mode: None,
        hooks,
        on: BTreeMap::new(),
        created_clsact: Vec::new(),
        _filters: Vec::new(),
        select_drops: hooks.drops && !drop_plan.is_some_and(|p| p.any),
        notes: Vec::new(),
    };
    if let Some(f) = filter {
        let drop_raw = drop_plan.and_then(|p| p.raw);
        att._filters = filters::load(ebpf, f, raw, drop_raw, hooks)?;
    }
    if hooks.tc {
        att.tc_mode = Some(tc::load(ebpf, mode)?);
    }
    for (iface, l3) in ifaces {
        if let Err(e) = att.add(ebpf, iface, *l3) {
            att.undo(ebpf);
            return Err(e);
        }
    }
    if let (true, Some(plan)) = (hooks.drops, drop_plan) {
        if let Err(e) = drops::attach(ebpf, plan.tracepoint) {
            att.undo(ebpf);
            return Err(e);
        }
    }
    Ok(att)
}
