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
    programs::{tc::SchedClassifierLink, tc::TcError, ProgramError},
    Ebpf,
};
use netdump_common::IfaceKey;
use thiserror::Error;

use crate::{filter::Filter, iface::Interface, kernel::netlink, netns::Namespace};

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
    /// The namespace could not be entered (it is gone): its message.
    #[error("{0}")]
    Unreachable(String),
}

/// What is attached on one interface.
#[derive(Debug)]
struct OnInterface {
    name: String,
    ifindex: u32,
    /// Its namespace: netlink filters and qdiscs are removed from inside it.
    ns: Namespace,
    /// The TC links (ingress, egress), owned: dropping one detaches it.
    links: Vec<SchedClassifierLink>,
    /// The AF_PACKET socket the socket filter lives on; closing it detaches the filter.
    socket: Option<OwnedFd>,
    /// Whether netdump created its clsact qdisc (removed again at exit).
    created_clsact: bool,
    /// Held while running; lets the next run tell live netdumps from stale filters.
    _lock: Option<File>,
}

/// Netlink-attached links, to be detached inside their namespace or not at all: a request
/// sent from another namespace would name an interface of that one. Dropped without
/// [`InNamespace::release`] (the namespace could not be entered: it is gone, and its
/// filters with it), they are leaked, never detached.
struct InNamespace(Option<Vec<SchedClassifierLink>>);

impl InNamespace {
    fn release(mut self) {
        drop(self.0.take());
    }
}

impl Drop for InNamespace {
    fn drop(&mut self) {
        if let Some(links) = self.0.take() {
            std::mem::forget(links);
        }
    }
}

impl OnInterface {
    /// Detaches everything on the interface: TCX links and the tap close anywhere; netlink
    /// filters (and, with `remove_clsact`, the clsact qdisc netdump created) are removed
    /// from inside the interface's namespace.
    fn detach(self, mode: Option<TcMode>, remove_clsact: bool) {
        let OnInterface {
            ifindex,
            ns,
            links,
            socket,
            created_clsact,
            ..
        } = self;
        drop(socket);
        if mode != Some(TcMode::Netlink) {
            drop(links);
            return;
        }
        let links = InNamespace(Some(links));
        let _ = ns.enter(move || {
            links.release();
            if created_clsact && remove_clsact {
                // The interface may be gone already; then so is its qdisc.
                let _ = netlink::delete_clsact(ifindex);
            }
        });
    }
}

/// What is attached; dropping it (after the `Ebpf` that owns the programs) leaves the
/// interfaces as they were.
#[derive(Debug)]
pub struct Attachment {
    pub tc_mode: Option<TcMode>,
    hooks: Hooks,
    /// By namespace key and ifindex.
    on: BTreeMap<IfaceKey, OnInterface>,
    /// The translated filter programs (they live in the program arrays while these are open).
    _filters: Vec<OwnedFd>,
    /// The drop program reports drops on the interfaces in DROP_IFACES, kept in step here
    /// (false with `-i any`, where it reports every interface).
    select_drops: bool,
    /// One-line notes for the user (stale filters removed, fallbacks taken).
    pub notes: Vec<String>,
}

/// An interface to attach to: where it is, what it is, and whether it is an L3 device (no
/// Ethernet header: tun, tunnels).
pub struct Target<'a> {
    pub key: IfaceKey,
    pub ns: &'a Namespace,
    pub iface: &'a Interface,
    pub l3: bool,
}

impl Attachment {
    /// Detaches everything: the links and taps first (netlink filters from inside their
    /// namespaces), then the filter's program arrays are emptied, then `ebpf` is dropped
    /// (its programs go once nothing holds them).
    pub fn detach(mut self, mut ebpf: Ebpf) {
        let mode = self.tc_mode;
        for (_, on) in std::mem::take(&mut self.on) {
            on.detach(mode, true);
        }
        if !self._filters.is_empty() {
            filters::clear(&mut ebpf);
        }
        drop(ebpf);
    }

    /// Attaches the programs on more interfaces of namespace `ns` (the programs and the
    /// filter are loaded already), entering it once. Attaching twice is a no-op. Returns
    /// what became of each target, in order.
    pub fn add(
        &mut self,
        ebpf: &mut Ebpf,
        ns: &Namespace,
        targets: &[Target<'_>],
    ) -> Vec<Result<(), AttachError>> {
        let mode = self.tc_mode;
        let socket_hook = self.hooks.socket;
        let fresh: Vec<&Target<'_>> = targets
            .iter()
            .filter(|t| !self.on.contains_key(&t.key))
            .collect();
        if fresh.is_empty() {
            return targets.iter().map(|_| Ok(())).collect();
        }
        let entered = ns.enter(|| {
            let mut notes = Vec::new();
            let done: Vec<Result<OnInterface, AttachError>> = fresh
                .iter()
                .map(|t| attach_one(ebpf, mode, socket_hook, t, &mut notes))
                .collect();
            (done, notes)
        });
        let (done, notes) = match entered {
            Ok(r) => r,
            Err(e) => {
                let msg = e.to_string();
                return targets
                    .iter()
                    .map(|_| Err(AttachError::Unreachable(msg.clone())))
                    .collect();
            }
        };
        self.notes.extend(notes);
        let mut by_key: BTreeMap<IfaceKey, Result<(), AttachError>> = BTreeMap::new();
        for (t, r) in fresh.iter().zip(done) {
            let r = r.map(|on| {
                self.on.insert(t.key, on);
            });
            by_key.insert(t.key, r);
        }
        if self.select_drops {
            for (key, r) in by_key.iter_mut() {
                if r.is_ok() {
                    if let Err(e) = drops::select(ebpf, key.ifindex, true) {
                        if let Some(on) = self.on.remove(key) {
                            on.detach(mode, true);
                        }
                        *r = Err(e);
                    }
                }
            }
        }
        targets
            .iter()
            .map(|t| by_key.remove(&t.key).unwrap_or(Ok(())))
            .collect()
    }

    /// Detaches interface `key` alone (it was deleted, or its namespace was); the others go
    /// on.
    pub fn forget(&mut self, ebpf: &mut Ebpf, key: IfaceKey) {
        if let Some(on) = self.on.remove(&key) {
            on.detach(self.tc_mode, false);
        }
        if self.select_drops {
            // Only fails if it was not there.
            let _ = drops::select(ebpf, key.ifindex, false);
        }
    }

    /// As [`Attachment::forget`], also removing a clsact qdisc netdump created (undoing a
    /// failed start).
    fn forget_and_clean(&mut self, key: IfaceKey) {
        if let Some(on) = self.on.remove(&key) {
            on.detach(self.tc_mode, true);
        }
    }

    /// Whether interface `key` is attached.
    pub fn has(&self, key: IfaceKey) -> bool {
        self.on.contains_key(&key)
    }

    /// The attached interfaces: (key, name).
    pub fn interfaces(&self) -> impl Iterator<Item = (IfaceKey, &str)> {
        self.on.iter().map(|(k, on)| (*k, on.name.as_str()))
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

/// Attaches on one interface, in the calling thread's namespace (the one `t` is in): TC
/// (after removing stale filters when no other netdump is there), then the tap. On error,
/// nothing stays attached.
fn attach_one(
    ebpf: &mut Ebpf,
    mode: Option<TcMode>,
    socket_hook: bool,
    t: &Target<'_>,
    notes: &mut Vec<String>,
) -> Result<OnInterface, AttachError> {
    let iface = t.iface;
    let mut on = OnInterface {
        name: iface.name.clone(),
        ifindex: iface.index,
        ns: t.ns.clone(),
        links: Vec::new(),
        socket: None,
        created_clsact: false,
        _lock: None,
    };
    if let Some(mode) = mode {
        let (lock, exclusive) = stale::take_lock(t.ns.id.inode, iface.index);
        on._lock = lock;
        if exclusive {
            let shown = if t.ns.own {
                iface.name.clone()
            } else {
                format!("{}@{}", iface.name, t.ns.id.label())
            };
            stale::remove_filters(&iface.name, &shown, notes);
        }
        // Loopback's egress is its ingress: hook it once, as tcpdump shows each packet on
        // lo once.
        let (links, created) = tc::attach(ebpf, iface, mode, iface.is_loopback(), t.l3)?;
        on.links = links;
        on.created_clsact = created;
    }
    if socket_hook {
        match socket::attach(ebpf, iface) {
            Ok(s) => on.socket = Some(s),
            Err(e) => {
                // Inside the namespace already: detach here.
                drop(std::mem::take(&mut on.links));
                if on.created_clsact {
                    let _ = netlink::delete_clsact(iface.index);
                }
                return Err(e);
            }
        }
    }
    Ok(on)
}

/// Loads the programs for `hooks` and attaches them on `targets` (grouped by namespace):
/// the filter first (so the entry programs never run without it; `raw` is the expression
/// compiled for L3 devices), then TC, then the socket tap. Stale filters a killed run left
/// anywhere else are removed on the way. On error nothing stays attached.
pub fn attach(
    ebpf: &mut Ebpf,
    targets: &[Target<'_>],
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
        let skip = |ns: u64, ifindex: u32| {
            targets
                .iter()
                .any(|t| t.ns.id.inode == ns && t.iface.index == ifindex)
        };
        stale::sweep(&skip, &mut att.notes);
    }
    // One namespace at a time, entering each once.
    let mut i = 0;
    while i < targets.len() {
        let ns = targets[i].ns;
        let n = targets[i..]
            .iter()
            .take_while(|t| t.ns.id.inode == ns.id.inode)
            .count();
        for r in att.add(ebpf, ns, &targets[i..i + n]) {
            if let Err(e) = r {
                for key in att.on.keys().copied().collect::<Vec<_>>() {
                    att.forget_and_clean(key);
                }
                return Err(e);
            }
        }
        i += n;
    }
    if let (true, Some(plan)) = (hooks.drops, drop_plan) {
        if let Err(e) = drops::attach(ebpf, plan.tracepoint) {
            for key in att.on.keys().copied().collect::<Vec<_>>() {
                att.forget_and_clean(key);
            }
            return Err(e);
        }
    }
    Ok(att)
}
