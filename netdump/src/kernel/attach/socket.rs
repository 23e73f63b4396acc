//! The socket filter on an AF_PACKET tap (`ptype_all`): it sees both directions, after TC on
//! egress and before it on ingress.

use std::os::fd::{AsFd as _, OwnedFd};

use aya::{programs::SocketFilter, Ebpf};
use netdump_common::names;

use super::AttachError;
use crate::{iface::Interface, sys::socket};

/// The socket filter program of the object, loaded (the first time it is asked for).
pub(super) fn program<'a>(
    ebpf: &'a mut Ebpf,
    name: &'static str,
) -> Result<&'a mut SocketFilter, AttachError> {
    let prog: &mut SocketFilter = ebpf
        .program_mut(name)
        .ok_or(AttachError::MissingProgram(name))?
        .try_into()
        .map_err(|source| AttachError::Load { name, source })?;
    // Loaded once, attached to a tap per interface.
    if prog.fd().is_err() {
        prog.load()
            .map_err(|source| AttachError::Load { name, source })?;
    }
    Ok(prog)
}

/// Opens the tap on `iface` with the filter attached; closing the socket detaches it.
pub(super) fn attach(ebpf: &mut Ebpf, iface: &Interface) -> Result<OwnedFd, AttachError> {
    let prog = program(ebpf, names::PROG_SOCKET)?;
    let socket_err = |source| AttachError::Socket {
        iface: iface.name.clone(),
        source,
    };
    let sock = socket::packet_socket().map_err(socket_err)?;
    // The filter goes on before bind, so no packet is ever queued unfiltered.
    prog.attach(sock.as_fd())
        .map_err(|source| AttachError::Attach {
            what: "socket filter",
            iface: iface.name.clone(),
            source,
        })?;
    socket::bind_packet(&sock, iface.index).map_err(socket_err)?;
    Ok(sock)
}
