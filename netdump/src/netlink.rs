//! The one rtnetlink request aya lacks: deleting the clsact qdisc netdump created.

use std::{io, mem};

const RTM_DELQDISC: u16 = 37;
const TC_H_CLSACT: u32 = 0xffff_fff1;
const TCA_KIND: u16 = 1;

#[repr(C)]
struct Request {
    hdr: libc::nlmsghdr,
    family: u8,
    pad1: u8,
    pad2: u16,
    ifindex: i32,
    handle: u32,
    parent: u32,
    info: u32,
    rta_len: u16,
    rta_type: u16,
    kind: [u8; 8],
}

/// `tc qdisc del dev <ifindex> clsact`.
pub fn delete_clsact(ifindex: u32) -> io::Result<()> {
    // SAFETY: plain socket(2); the fd is closed below on every path.
    let fd = unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            libc::NETLINK_ROUTE,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    let result = (|| {
        let req = Request {
            hdr: libc::nlmsghdr {
                nlmsg_len: mem::size_of::<Request>() as u32,
                nlmsg_type: RTM_DELQDISC,
                nlmsg_flags: (libc::NLM_F_REQUEST | libc::NLM_F_ACK) as u16,
                nlmsg_seq: 1,
                nlmsg_pid: 0,
            },
            family: 0,
            pad1: 0,
            pad2: 0,
            ifindex: ifindex as i32,
            handle: 0xffff_0000,
            parent: TC_H_CLSACT,
            info: 0,
            rta_len: 4 + 7,
            rta_type: TCA_KIND,
            kind: *b"clsact\0\0",
        };
        // SAFETY: `req` is a fully initialised repr(C) value of the length we pass.
        let sent = unsafe {
            libc::send(
                fd,
                (&req as *const Request).cast(),
                mem::size_of::<Request>(),
                0,
            )
        };
        if sent < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut buf = [0u8; 1024];
        // SAFETY: recv writes at most buf.len() bytes into buf.
        let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = n as usize;
        let hdr_len = mem::size_of::<libc::nlmsghdr>();
        if n >= hdr_len + 4 {
            let ty = u16::from_ne_bytes([buf[4], buf[5]]);
            if ty == libc::NLMSG_ERROR as u16 {
                let err = i32::from_ne_bytes([
                    buf[hdr_len],
                    buf[hdr_len + 1],
                    buf[hdr_len + 2],
                    buf[hdr_len + 3],
                ]);
                if err != 0 {
                    return Err(io::Error::from_raw_os_error(-err));
                }
            }
        }
        Ok(())
    })();
    // SAFETY: fd is ours.
    unsafe { libc::close(fd) };
    result
}
