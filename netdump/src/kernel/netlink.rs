//! The one rtnetlink request aya lacks: deleting the clsact qdisc netdump created.

use std::io;

use crate::sys::socket::RouteSocket;

const RTM_DELQDISC: u16 = 37;
const TC_H_CLSACT: u32 = 0xffff_fff1;
const TCA_KIND: u16 = 1;
/// `struct nlmsghdr`.
const NLMSG_HDR_LEN: usize = 16;

/// The RTM_DELQDISC message: nlmsghdr, tcmsg, and one TCA_KIND attribute "clsact".
fn request(ifindex: u32) -> Vec<u8> {
    let mut m = Vec::with_capacity(48);
    // nlmsghdr: length (filled in below), type, flags, sequence, port id.
    m.extend_from_slice(&0u32.to_ne_bytes());
    m.extend_from_slice(&RTM_DELQDISC.to_ne_bytes());
    m.extend_from_slice(&((libc::NLM_F_REQUEST | libc::NLM_F_ACK) as u16).to_ne_bytes());
    m.extend_from_slice(&1u32.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes());
    // tcmsg: family, 3 bytes of padding, ifindex, handle, parent, info.
    m.extend_from_slice(&[0, 0, 0, 0]);
    m.extend_from_slice(&ifindex.to_ne_bytes());
    m.extend_from_slice(&0xffff_0000u32.to_ne_bytes());
    m.extend_from_slice(&TC_H_CLSACT.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes());
    // rtattr TCA_KIND = "clsact\0", padded to 4 bytes.
    m.extend_from_slice(&(4u16 + 7).to_ne_bytes());
    m.extend_from_slice(&TCA_KIND.to_ne_bytes());
    m.extend_from_slice(b"clsact\0\0");
    let len = m.len() as u32;
    m[..4].copy_from_slice(&len.to_ne_bytes());
    m
}

/// `tc qdisc del dev <ifindex> clsact`.
pub fn delete_clsact(ifindex: u32) -> io::Result<()> {
    let sock = RouteSocket::open()?;
    sock.send(&request(ifindex))?;
    let mut buf = [0u8; 1024];
    let n = sock.recv(&mut buf)?;
    let ack = &buf[..n];
    // An NLMSG_ERROR with a non-zero code is the kernel's no; code 0 is the ack.
    if ack.len() >= NLMSG_HDR_LEN + 4 {
        let ty = u16::from_ne_bytes([ack[4], ack[5]]);
        if ty == libc::NLMSG_ERROR as u16 {
            let err = i32::from_ne_bytes([
                ack[NLMSG_HDR_LEN],
                ack[NLMSG_HDR_LEN + 1],
                ack[NLMSG_HDR_LEN + 2],
                ack[NLMSG_HDR_LEN + 3],
            ]);
            if err != 0 {
                return Err(io::Error::from_raw_os_error(-err));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_is_laid_out_as_the_kernel_reads_it() {
        let m = request(7);
        // nlmsghdr (16) + tcmsg (20) + rtattr (4) + "clsact\0" padded (8).
        assert_eq!(m.len(), 48);
        assert_eq!(u32::from_ne_bytes(m[..4].try_into().unwrap()), 48);
        assert_eq!(u32::from_ne_bytes(m[20..24].try_into().unwrap()), 7);
        assert_eq!(
            u32::from_ne_bytes(m[28..32].try_into().unwrap()),
            TC_H_CLSACT
        );
        assert_eq!(&m[40..46], b"clsact");
    }
}
