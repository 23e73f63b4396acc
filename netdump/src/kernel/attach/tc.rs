//! The TC programs on ingress and egress: TCX links (6.6+, appended last) or a clsact qdisc
//! with netlink filters.

use aya::{
    programs::{
        tc::SchedClassifierLink,
        tc::{self, NlOptions, TcAttachOptions},
        LinkOrder, SchedClassifier, TcAttachType,
    },
    util::KernelVersion,
    Ebpf,
};
use netdump_common::names;

use super::{AttachError, TcAttach, TcMode};
use crate::iface::Interface;

/// The sched_cls program `name` of the object.
pub(super) fn classifier<'a>(
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

/// Loads both TC programs and decides how they will be attached.
pub(super) fn load(ebpf: &mut Ebpf, mode: TcAttach) -> Result<TcMode, AttachError> {
    for name in [
        names::PROG_TC_INGRESS,
        names::PROG_TC_EGRESS,
        names::PROG_TC_INGRESS_L3,
        names::PROG_TC_EGRESS_L3,
    ] {
        classifier(ebpf, name)?
            .load()
            .map_err(|source| AttachError::Load { name, source })?;
    }
    let tcx_ok = KernelVersion::current().is_ok_and(|v| v >= KernelVersion::new(6, 6, 0));
    match mode {
        TcAttach::Tcx if !tcx_ok => {
            let v = KernelVersion::current()
                .map(|v| v.to_string())
                .unwrap_or_default();
            Err(AttachError::NoTcx(v))
        }
        TcAttach::Tcx => Ok(TcMode::Tcx),
        TcAttach::Netlink => Ok(TcMode::Netlink),
        TcAttach::Auto if tcx_ok => Ok(TcMode::Tcx),
        TcAttach::Auto => Ok(TcMode::Netlink),
    }
}

/// The links of one interface, owned (dropping one detaches it), and whether netdump
/// created its clsact qdisc.
type Attached = (Vec<SchedClassifierLink>, bool);

/// Attaches the TC programs on `iface` (ingress only if `ingress_only`; the L3 entries if
/// `l3`: the device has no Ethernet header), in the calling thread's network namespace.
/// Returns the links, taken out of the program so that their owner decides where they are
/// detached (a netlink filter must be removed from inside its namespace), and whether
/// netdump created the interface's clsact qdisc (to remove at exit). On error, what was
/// attached is detached again.
pub(super) fn attach(
    ebpf: &mut Ebpf,
    iface: &Interface,
    mode: TcMode,
    ingress_only: bool,
    l3: bool,
) -> Result<Attached, AttachError> {
    let created = match mode {
        TcMode::Tcx => false,
        TcMode::Netlink => match tc::qdisc_add_clsact(&iface.name) {
            Ok(()) => true,
            Err(tc::TcError::NetlinkError(e)) if e.raw_os_error() == Some(libc::EEXIST) => false,
            Err(source) => {
                return Err(AttachError::Clsact {
                    iface: iface.name.clone(),
                    source,
                })
            }
        },
    };
    let mut links = Vec::new();
    let (ingress, egress) = if l3 {
        (names::PROG_TC_INGRESS_L3, names::PROG_TC_EGRESS_L3)
    } else {
        (names::PROG_TC_INGRESS, names::PROG_TC_EGRESS)
    };
    for (name, kind, what) in [
        (ingress, TcAttachType::Ingress, "tc ingress"),
        (egress, TcAttachType::Egress, "tc egress"),
    ] {
        if ingress_only && kind == TcAttachType::Egress {
            continue;
        }
        let options = match mode {
            // Appended last: programs already there see packets first, as they did before.
            TcMode::Tcx => TcAttachOptions::TcxOrder(LinkOrder::default()),
            TcMode::Netlink => TcAttachOptions::Netlink(NlOptions::default()),
        };
        let prog = classifier(ebpf, name)?;
        match prog
            .attach_with_options(&iface.name, kind, options)
            .and_then(|id| prog.take_link(id))
        {
            Ok(link) => links.push(link),
            Err(source) => {
                // Dropping them detaches them.
                drop(links);
                if created {
                    let _ = crate::kernel::netlink::delete_clsact(iface.index);
                }
                return Err(AttachError::Attach {
                    what,
                    iface: iface.name.clone(),
                    source,
                });
            }
        }
    }
    Ok((links, created))
}
