//! The drop program on the `kfree_skb` raw tracepoint, and the interfaces it reports drops
//! on (the DROP_IFACES map, kept in step with the capture's interfaces).
//!
//! The link is a raw tracepoint fd: it goes away with the process, also on SIGKILL.

use aya::{
    maps::HashMap,
    programs::{ProgramError, RawTracePoint},
    Ebpf,
};
use netdump_common::names;

use super::AttachError;

/// The raw tracepoint program `name` of the object, loaded (the first time it is asked for).
pub(super) fn program<'a>(
    ebpf: &'a mut Ebpf,
    name: &'static str,
) -> Result<&'a mut RawTracePoint, AttachError> {
    let prog: &mut RawTracePoint = ebpf
        .program_mut(name)
        .ok_or(AttachError::MissingProgram(name))?
        .try_into()
        .map_err(|source| AttachError::Load { name, source })?;
    if prog.fd().is_err() {
        prog.load()
            .map_err(|source| AttachError::Load { name, source })?;
    }
    Ok(prog)
}

/// Attaches the drop program to `tracepoint` (`kfree_skb`).
pub(super) fn attach(ebpf: &mut Ebpf, tracepoint: &str) -> Result<(), AttachError> {
    let prog = program(ebpf, names::PROG_DROP)?;
    prog.attach(tracepoint)
        .map(|_| ())
        .map_err(|source| match source {
            ProgramError::SyscallError(ref e)
                if e.io_error.raw_os_error() == Some(libc::ENOENT) =>
            {
                AttachError::NoTracepoint(tracepoint.to_string())
            }
            source => AttachError::Attach {
                what: "the drop program",
                iface: format!("tracepoint {tracepoint}"),
                source,
            },
        })
}

/// Reports drops on `ifindex` from now on (`on`), or no longer.
pub(super) fn select(ebpf: &mut Ebpf, ifindex: u32, on: bool) -> Result<(), AttachError> {
    let map = ebpf
        .map_mut(names::DROP_IFACES)
        .ok_or_else(|| AttachError::ProgramArray(format!("no map {}", names::DROP_IFACES)))?;
    let mut ifaces: HashMap<_, u32, u8> = HashMap::try_from(map)
        .map_err(|e| AttachError::ProgramArray(format!("{}: {e}", names::DROP_IFACES)))?;
    let r = if on {
        ifaces.insert(ifindex, 1, 0)
    } else {
        ifaces.remove(&ifindex)
    };
    r.map_err(|e| AttachError::ProgramArray(format!("{}[{ifindex}]: {e}", names::DROP_IFACES)))
}
