//! Attaching the loaded programs to an interface: TC ingress/egress (TCX link or clsact +
//! netlink) and the socket filter on an AF_PACKET tap; detaching them; and removing what a
//! crashed run left behind.
//!
//! Architecture Invariant: every program attached here returns its pass-through verdict;
//! attaching never changes what happens to a packet.

use std::{
    fs::{self, File},
    io,
    os::fd::{AsFd as _, AsRawFd as _, FromRawFd as _, OwnedFd},
};

use aya::{
    maps::{Map, ProgramArray},
    programs::{
        tc::{self, NlOptions, TcAttachOptions},
        LinkOrder, ProgramError, SchedClassifier, SocketFilter, TcAttachType,
    },
    util::KernelVersion,
    Ebpf,
};
use netdump_common::names;
use thiserror::Error;

use crate::{
    cli::{Hooks, TcAttach},
    filter::{
        kernel::{self, ProgType},
        translate::Action,
        Filter,
    },
    iface::Interface,
    netlink,
};

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
        source: tc::TcError,
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

fn classifier<'a>(
    ebpf: &'a mut Ebpf,
    name: &'static str,
) -> Result<&'a mut SchedClassifier, AttachError> {
    let prog: &mut SchedClassifier = ebpf
        .program_mut(name)
        .ok_or(AttachError::MissingProgram(name))?
        .try_into()
        .map_err(|source| AttachError::Load { name, source })?;
    Ok(prog)
}

/// Loads and attaches the programs for `hooks` on `iface`.
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
        att._filters = load_filter(ebpf, f, hooks)?;
    }
    if hooks.tc {
        let (lock, exclusive) = take_lock(iface.index);
        att._lock = lock;
        if exclusive {
            remove_stale_filters(iface, &mut att.notes);
        }
        for name in [names::PROG_TC_INGRESS, names::PROG_TC_EGRESS] {
            classifier(ebpf, name)?
                .load()
                .map_err(|source| AttachError::Load { name, source })?;
        }
        let tcx_ok = KernelVersion::current().is_ok_and(|v| v >= KernelVersion::new(6, 6, 0));
        let use_tcx = match mode {
            TcAttach::Tcx if !tcx_ok => {
                let v = KernelVersion::current()
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                return Err(AttachError::NoTcx(v));
            }
            TcAttach::Tcx => true,
            TcAttach::Netlink => false,
            TcAttach::Auto => tcx_ok,
        };
        if use_tcx {
            attach_tc(ebpf, iface, true)?;
            att.tc_mode = Some(TcMode::Tcx);
        } else {
            match tc::qdisc_add_clsact(&iface.name) {
                Ok(()) => att.created_clsact = Some(iface.index),
                Err(tc::TcError::NetlinkError(e)) if e.raw_os_error() == Some(libc::EEXIST) => {}
                Err(source) => {
                    return Err(AttachError::Clsact {
                        iface: iface.name.clone(),
                        source,
                    })
                }
            }
            attach_tc(ebpf, iface, false)?;
            att.tc_mode = Some(TcMode::Netlink);
        }
    }
    if hooks.socket {
        let name = names::PROG_SOCKET;
        let prog: &mut SocketFilter = ebpf
            .program_mut(name)
            .ok_or(AttachError::MissingProgram(name))?
            .try_into()
            .map_err(|source| AttachError::Load { name, source })?;
        prog.load()
            .map_err(|source| AttachError::Load { name, source })?;
        let sock = packet_socket().map_err(|source| AttachError::Socket {
            iface: iface.name.clone(),
            source,
        })?;
        // The filter goes on before bind, so no packet is ever queued unfiltered.
        prog.attach(sock.as_fd())
            .map_err(|source| AttachError::Attach {
                what: "socket filter",
                iface: iface.name.clone(),
                source,
            })?;
        bind_all(&sock, iface.index).map_err(|source| AttachError::Socket {
            iface: iface.name.clone(),
            source,
        })?;
        att.socket = Some(sock);
    }
    Ok(att)
}

fn attach_tc(ebpf: &mut Ebpf, iface: &Interface, tcx: bool) -> Result<(), AttachError> {
    for (name, kind, what) in [
        (names::PROG_TC_INGRESS, TcAttachType::Ingress, "tc ingress"),
        (names::PROG_TC_EGRESS, TcAttachType::Egress, "tc egress"),
    ] {
        let options = if tcx {
            // Appended last: programs already there see packets first, as they did before.
            TcAttachOptions::TcxOrder(LinkOrder::default())
        } else {
            TcAttachOptions::Netlink(NlOptions::default())
        };
        classifier(ebpf, name)?
            .attach_with_options(&iface.name, kind, options)
            .map_err(|source| AttachError::Attach {
                what,
                iface: iface.name.clone(),
                source,
            })?;
    }
    Ok(())
}

/// A lock file per interface: every netdump using TC on it holds a shared lock while it
/// runs. Whoever gets the lock exclusively knows no other netdump is alive there, so any
/// netdump filter still attached is stale. Locks die with their process, even on SIGKILL.
fn take_lock(ifindex: u32) -> (Option<File>, bool) {
    let dir = "/run/netdump";
    if fs::create_dir_all(dir).is_err() {
        return (None, false);
    }
    let Ok(file) = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(format!("{dir}/tc-{ifindex}.lock"))
    else {
        return (None, false);
    };
    let fd = file.as_raw_fd();
    // SAFETY: flock on a file we own.
    let exclusive = unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } == 0;
    // SAFETY: as above; converting (or taking) a shared lock.
    unsafe { libc::flock(fd, libc::LOCK_SH) };
    (Some(file), exclusive)
}

/// Removes netlink filters named like netdump's programs: left by a run that was killed.
fn remove_stale_filters(iface: &Interface, notes: &mut Vec<String>) {
    for (name, kind, what) in [
        (names::PROG_TC_INGRESS, TcAttachType::Ingress, "ingress"),
        (names::PROG_TC_EGRESS, TcAttachType::Egress, "egress"),
    ] {
        if tc::qdisc_detach_program(&iface.name, kind, name).is_ok() {
            notes.push(format!(
                "removed a stale netdump tc {what} filter on {} left by an earlier run",
                iface.name
            ));
        }
    }
}

fn packet_socket() -> io::Result<OwnedFd> {
    // Protocol 0: receives nothing until bound, so the filter is in place first.
    // SAFETY: plain socket(2).
    let fd = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh fd we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn bind_all(sock: &OwnedFd, ifindex: u32) -> io::Result<()> {
    // SAFETY: sockaddr_ll is plain data; zero is a valid start.
    let mut addr: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    addr.sll_family = libc::AF_PACKET as u16;
    addr.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
    addr.sll_ifindex = ifindex as i32;
    // SAFETY: addr is a valid sockaddr_ll of the size we pass.
    let rc = unsafe {
        libc::bind(
            sock.as_raw_fd(),
            (&addr as *const libc::sockaddr_ll).cast(),
            std::mem::size_of::<libc::sockaddr_ll>() as u32,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The raw fd of program array `name` (an owned duplicate, kept while it is needed).
fn prog_array_fd(ebpf: &Ebpf, name: &str) -> Result<aya::maps::MapFd, AttachError> {
    match ebpf.map(name) {
        Some(Map::ProgramArray(data)) => data
            .info()
            .and_then(|i| i.fd())
            .map_err(|e| AttachError::ProgramArray(format!("{name}: {e}"))),
        _ => Err(AttachError::ProgramArray(format!(
            "the BPF object has no program array {name}"
        ))),
    }
}

/// Loads the emitters into their program arrays, then the filter, translated once per hook
/// and direction, into the arrays the entry programs tail-call.
fn load_filter(
    ebpf: &mut Ebpf,
    filter: &Filter,
    hooks: Hooks,
) -> Result<Vec<OwnedFd>, AttachError> {
    let mut fds = Vec::new();
    let mut plan: Vec<(&'static str, &'static str, &'static str, u32, ProgType, i32)> = Vec::new();
    if hooks.tc {
        plan.push((
            names::PROG_TC_INGRESS_EMIT,
            names::TC_EMITTERS,
            names::TC_FILTERS,
            0,
            ProgType::SchedCls,
            -1,
        ));
        plan.push((
            names::PROG_TC_EGRESS_EMIT,
            names::TC_EMITTERS,
            names::TC_FILTERS,
            1,
            ProgType::SchedCls,
            -1,
        ));
    }
    if hooks.socket {
        plan.push((
            names::PROG_SOCKET_EMIT,
            names::SOCK_EMITTERS,
            names::SOCK_FILTERS,
            0,
            ProgType::SocketFilter,
            0,
        ));
    }
    for (emit, emitters, filters, index, ty, pass) in plan {
        let prog_fd = match ty {
            ProgType::SchedCls => {
                let p = classifier(ebpf, emit)?;
                p.load()
                    .map_err(|source| AttachError::Load { name: emit, source })?;
                p.fd()
                    .map_err(|source| AttachError::Load { name: emit, source })?
                    .try_clone()
            }
            ProgType::SocketFilter => {
                let p: &mut SocketFilter = ebpf
                    .program_mut(emit)
                    .ok_or(AttachError::MissingProgram(emit))?
                    .try_into()
                    .map_err(|source| AttachError::Load { name: emit, source })?;
                p.load()
                    .map_err(|source| AttachError::Load { name: emit, source })?;
                p.fd()
                    .map_err(|source| AttachError::Load { name: emit, source })?
                    .try_clone()
            }
        }
        .map_err(|e| AttachError::ProgramArray(format!("{emit}: {e}")))?;
        let map = ebpf
            .map_mut(emitters)
            .ok_or_else(|| AttachError::ProgramArray(format!("no map {emitters}")))?;
        let mut array = ProgramArray::try_from(map)
            .map_err(|e| AttachError::ProgramArray(format!("{emitters}: {e}")))?;
        array
            .set(index, &prog_fd, 0)
            .map_err(|e| AttachError::ProgramArray(format!("{emitters}[{index}]: {e}")))?;
        let emitters_fd = prog_array_fd(ebpf, emitters)?;
        let action = Action::TailCall {
            emitters_fd: emitters_fd.as_fd().as_raw_fd(),
            index,
            pass,
        };
        let fd = filter.load(ty, action)?;
        let filters_fd = prog_array_fd(ebpf, filters)?;
        kernel::set_prog(filters_fd.as_fd().as_raw_fd(), index, &fd)
            .map_err(|e| AttachError::ProgramArray(e.to_string()))?;
        fds.push(fd);
    }
    Ok(fds)
}
