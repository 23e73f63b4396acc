//! Attaching the loaded programs to an interface: TC ingress/egress (TCX link or clsact +
//! netlink) and the socket filter on an AF_PACKET tap; detaching them; and removing what a
//! crashed run left behind.
//!
//! Architecture Invariant: every program attached here returns its pass-through verdict;
//! attaching never changes what happens to a packet.

mod filters;
mod socket;
mod stale;
mod tc;

use std::{fs::File, io, os::fd::OwnedFd};

use aya::{
    programs::{tc::TcError, ProgramError},
    Ebpf,
};
use thiserror::Error;

use crate::{filter::Filter, iface::Interface, kernel::netlink};

/// Which hooks run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hooks {
    pub tc: bool,
    pub socket: bool,
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
    #[error("open AF_PACKET socket on {iface}: {source}")]
    Socket {
        iface: String,
        #[source]
        source: io::Error,
    },
}

/// What is attached; dropping it (after the `Ebpf` that owns the programs) leaves the
/// interface as it was.
#[derive(Debug)]
pub struct Attachment {
    pub tc_mode: Option<TcMode>,
    /// The AF_PACKET socket the socket filter lives on; closing it detaches the filter.
    socket: Option<OwnedFd>,
    /// Set when netdump added the clsact qdisc and must remove it on exit.
    created_clsact: Option<u32>,
    /// Held while running; lets the next run tell live netdumps from stale filters.
    _lock: Option<File>,
    /// The translated filter programs (they live in the program arrays while these are open).
    _filters: Vec<OwnedFd>,
    /// One-line notes for the user (stale filters removed, fallbacks taken).
    pub notes: Vec<String>,
}

impl Attachment {
    /// Detaches everything: `ebpf` is dropped first (closing TCX links and removing netlink
    /// filters), then the clsact qdisc netdump added, if any.
    pub fn detach(mut self, ebpf: Ebpf) {
        drop(ebpf);
        self.socket.take();
        if let Some(ifindex) = self.created_clsact.take() {
            // The interface may be gone already; then so is its qdisc.
            let _ = netlink::delete_clsact(ifindex);
        }
    }
}

/// Loads and attaches the programs for `hooks` on `iface`: the filter first (so the entry
/// programs never run without it), then TC, then the socket tap.
pub fn attach(
    ebpf: &mut Ebpf,
    iface: &Interface,
    hooks: Hooks,
    mode: TcAttach,
    filter: Option<&Filter>,
) -> Result<Attachment, AttachError> {
    let mut att = Attachment {
        tc_mode: None,
        socket: None,
        created_clsact: None,
        _lock: None,
        _filters: Vec::new(),
        notes: Vec::new(),
    };
    if let Some(f) = filter {
        att._filters = filters::load(ebpf, f, hooks)?;
    }
    if hooks.tc {
        let (lock, exclusive) = stale::take_lock(iface.index);
        att._lock = lock;
        if exclusive {
            stale::remove_filters(iface, &mut att.notes);
        }
        let (tc_mode, created_clsact) = tc::attach(ebpf, iface, mode)?;
        att.tc_mode = Some(tc_mode);
        att.created_clsact = created_clsact;
    }
    if hooks.socket {
        att.socket = Some(socket::attach(ebpf, iface)?);
    }
    Ok(att)
}
