//! Namespace ids (nsids) and the link events they let one socket hear: a namespace that has
//! an id in ours sends its RTM_NEWLINK/RTM_DELLINK to a NETLINK_LISTEN_ALL_NSID socket here,
//! tagged with that id, and its death is announced by RTM_DELNSID. Giving a namespace an id
//! does not keep it alive (a socket or an open fd inside it would).

use std::{collections::BTreeSet, io};

use crate::sys::{netns::NsFile, socket::RouteSocket};

const RTM_NEWLINK: u16 = 16;
const RTM_DELLINK: u16 = 17;
const RTM_NEWNSID: u16 = 88;
const RTM_DELNSID: u16 = 89;
const RTM_GETNSID: u16 = 90;
const NETNSA_NSID: u16 = 1;
const NETNSA_FD: u16 = 3;
const NLMSG_HDR_LEN: usize = 16;
/// `struct rtgenmsg`, padded to 4 bytes.
const RTGEN_LEN: usize = 4;

/// An RTM_*NSID request: nlmsghdr, rtgenmsg, and NETNSA_* attributes (s32/u32 values).
fn request(ty: u16, flags: u16, attrs: &[(u16, u32)]) -> Vec<u8> {
    let mut m = Vec::with_capacity(48);
    m.extend_from_slice(&0u32.to_ne_bytes());
    m.extend_from_slice(&ty.to_ne_bytes());
    m.extend_from_slice(&(libc::NLM_F_REQUEST as u16 | flags).to_ne_bytes());
    m.extend_from_slice(&1u32.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes());
    m.extend_from_slice(&[libc::AF_UNSPEC as u8, 0, 0, 0]);
    for (kind, value) in attrs {
        m.extend_from_slice(&8u16.to_ne_bytes());
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&value.to_ne_bytes());
    }
    let len = m.len() as u32;
    m[..4].copy_from_slice(&len.to_ne_bytes());
    m
}

/// The netlink messages in `buf`: (type, payload).
fn messages(buf: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let head = buf.get(at..at + NLMSG_HDR_LEN)?;
        let len = u32::from_ne_bytes(head[..4].try_into().ok()?) as usize;
        let ty = u16::from_ne_bytes(head[4..6].try_into().ok()?);
        if len < NLMSG_HDR_LEN {
            return None;
        }
        let body = buf.get(at + NLMSG_HDR_LEN..at + len)?;
        at += len.next_multiple_of(4);
        Some((ty, body))
    })
}

/// The NETNSA_NSID attribute of an RTM_*NSID message body.
fn nsid_attr(body: &[u8]) -> Option<i32> {
    let mut at = RTGEN_LEN;
    while let Some(head) = body.get(at..at + 4) {
        let len = u16::from_ne_bytes([head[0], head[1]]) as usize;
        let kind = u16::from_ne_bytes([head[2], head[3]]) & 0x3fff;
        if len < 4 {
            return None;
        }
        if kind == NETNSA_NSID {
            return Some(i32::from_ne_bytes(
                body.get(at + 4..at + 8)?.try_into().ok()?,
            ));
        }
        at += len.next_multiple_of(4);
    }
    None
}

/// The kernel's answer to a request: an error code (0 is the ack), or an RTM_NEWNSID
/// message's id.
fn answer(sock: &RouteSocket) -> io::Result<Option<i32>> {
    let mut buf = [0u8; 1024];
    let n = sock.recv(&mut buf)?;
    for (ty, body) in messages(&buf[..n]) {
        if ty == libc::NLMSG_ERROR as u16 {
            let code = i32::from_ne_bytes(
                body.get(..4)
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| io::Error::other("short netlink error message"))?,
            );
            if code != 0 {
                return Err(io::Error::from_raw_os_error(-code));
            }
            return Ok(None);
        }
        if ty == RTM_NEWNSID {
            return Ok(nsid_attr(body));
        }
    }
    Err(io::Error::other("no answer to an nsid request"))
}

/// The id namespace `ns` has in ours, giving it one if it has none (as `ip netns set NAME
/// auto` would). Needs CAP_NET_ADMIN.
pub fn id_of(ns: &NsFile) -> io::Result<i32> {
    let fd = ns.raw_fd();
    let get = || -> io::Result<Option<i32>> {
        let sock = RouteSocket::open()?;
        sock.send(&request(RTM_GETNSID, 0, &[(NETNSA_FD, fd)]))?;
        Ok(answer(&sock)?.filter(|id| *id >= 0))
    };
    if let Some(id) = get()? {
        return Ok(id);
    }
    let sock = RouteSocket::open()?;
    let auto = -1i32 as u32;
    sock.send(&request(
        RTM_NEWNSID,
        libc::NLM_F_ACK as u16,
        &[(NETNSA_NSID, auto), (NETNSA_FD, fd)],
    ))?;
    match answer(&sock) {
        // Someone else gave it one meanwhile: fine.
        Ok(_) => {}
        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {}
        Err(e) => return Err(e),
    }
    get()?.ok_or_else(|| io::Error::other("the namespace got no id"))
}

/// What a look at the monitor socket found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Events {
    /// Interfaces of this namespace changed.
    pub here: bool,
    /// Interfaces changed in the namespaces with these ids.
    pub links_in: BTreeSet<i32>,
    /// Ids given to namespaces (a new one may have come).
    pub ids_new: BTreeSet<i32>,
    /// Ids taken back: those namespaces are gone.
    pub ids_gone: BTreeSet<i32>,
    /// Events were lost (the socket's queue overflowed): look at everything again.
    pub lost: bool,
}

impl Events {
    /// Adds what one datagram (from namespace `from`: `None` is ours) says. Ids come and go
    /// in every namespace: another namespace's RTM_NEWNSID/RTM_DELNSID speaks of its own
    /// ids, which mean nothing here (A's id 0 for B may be our id 0 for C), so only ours
    /// count.
    pub fn add(&mut self, buf: &[u8], from: Option<i32>) {
        for (ty, body) in messages(buf) {
            match (ty, from) {
                (RTM_NEWLINK | RTM_DELLINK, Some(id)) => {
                    self.links_in.insert(id);
                }
                (RTM_NEWLINK | RTM_DELLINK, None) => self.here = true,
                (RTM_NEWNSID, None) => {
                    if let Some(id) = nsid_attr(body) {
                        self.ids_new.insert(id);
                    }
                }
                (RTM_DELNSID, None) => {
                    if let Some(id) = nsid_attr(body) {
                        self.ids_gone.insert(id);
                    }
                }
                _ => {}
            }
        }
    }

    /// Reads everything queued on `sock` without waiting.
    pub fn drain(sock: &RouteSocket) -> Events {
        let mut ev = Events::default();
        let mut buf = vec![0u8; 32 * 1024];
        // Bounded: a socket's queue is finite, but a flood of link changes should not hold
        // the loop; what is left is read on the next look.
        for _ in 0..256 {
            match sock.recv_from_namespace(&mut buf) {
                Ok((0, _)) => break,
                Ok((n, from)) => ev.add(&buf[..n], from),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // ENOBUFS: events were dropped.
                Err(_) => {
                    ev.lost = true;
                    break;
                }
            }
        }
        ev
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(ty: u16, body: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&((NLMSG_HDR_LEN + body.len()) as u32).to_ne_bytes());
        m.extend_from_slice(&ty.to_ne_bytes());
        m.extend_from_slice(&[0; 10]);
        m.extend_from_slice(body);
        m
    }

    #[test]
    fn requests_are_laid_out_as_the_kernel_reads_them() {
        let m = request(RTM_GETNSID, 0, &[(NETNSA_FD, 7)]);
        assert_eq!(m.len(), NLMSG_HDR_LEN + RTGEN_LEN + 8);
        assert_eq!(
            u32::from_ne_bytes(m[..4].try_into().unwrap()) as usize,
            m.len()
        );
        assert_eq!(u16::from_ne_bytes([m[4], m[5]]), RTM_GETNSID);
        assert_eq!(u16::from_ne_bytes([m[22], m[23]]), NETNSA_FD);
        assert_eq!(u32::from_ne_bytes(m[24..28].try_into().unwrap()), 7);
    }

    #[test]
    fn events_say_where_links_changed_and_which_ids_came_and_went() {
        let mut nsid_body = vec![0u8; RTGEN_LEN];
        nsid_body.extend_from_slice(&8u16.to_ne_bytes());
        nsid_body.extend_from_slice(&NETNSA_NSID.to_ne_bytes());
        nsid_body.extend_from_slice(&5i32.to_ne_bytes());
        let mut buf = message(RTM_NEWLINK, &[0; 16]);
        buf.extend(message(RTM_DELNSID, &nsid_body));
        let mut ev = Events::default();
        ev.add(&message(RTM_NEWLINK, &[0; 16]), Some(3));
        ev.add(&message(RTM_DELNSID, &nsid_body), None);
        ev.add(&message(RTM_DELLINK, &[0; 16]), None);
        ev.add(&message(RTM_NEWNSID, &nsid_body), None);
        // Namespace 3's own ids are not ours.
        let mut other_body = vec![0u8; RTGEN_LEN];
        other_body.extend_from_slice(&8u16.to_ne_bytes());
        other_body.extend_from_slice(&NETNSA_NSID.to_ne_bytes());
        other_body.extend_from_slice(&9i32.to_ne_bytes());
        ev.add(&message(RTM_DELNSID, &other_body), Some(3));
        ev.add(&message(RTM_NEWNSID, &other_body), Some(3));
        assert_eq!(
            ev,
            Events {
                here: true,
                links_in: [3].into(),
                ids_new: [5].into(),
                ids_gone: [5].into(),
                lost: false,
            }
        );
        // Garbage is ignored, never a panic.
        for n in 0..buf.len() {
            Events::default().add(&buf[..n], None);
        }
        ev.add(&[0xff; 40], None);
    }
}
