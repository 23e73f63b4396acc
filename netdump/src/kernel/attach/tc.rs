//! The TC programs on ingress and egress: TCX links (6.6+, appended last) or a clsact qdisc
//! with netlink filters.

use aya::{
    programs::{
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

/// Loads and attaches both TC programs on `iface`. Returns how, and the ifindex whose clsact
/// qdisc netdump created (to remove at exit).
pub(super) fn attach(
    ebpf: &mut Ebpf,
    iface: &Interface,
    mode: TcAttach,
) -> Result<(TcMode, Option<u32>), AttachError> {
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
        attach_both(ebpf, iface, true)?;
        return Ok((TcMode::Tcx, None));
    }
    let created = match tc::qdisc_add_clsact(&iface.name) {
        Ok(()) => Some(iface.index),
        Err(tc::TcError::NetlinkError(e)) if e.raw_os_error() == Some(libc::EEXIST) => None,
        Err(source) => {
            return Err(AttachError::Clsact {
                iface: iface.name.clone(),
                source,
            })
        }
    };
    attach_both(ebpf, iface, false)?;
    Ok((TcMode::Netlink, created))
}

fn attach_both(ebpf: &mut Ebpf, iface: &Interface, tcx: bool) -> Result<(), AttachError> {
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
