//! Watching what a capture runs on while it runs: interfaces going down, deleted or created,
//! and, with `--netns`, namespaces that go away or (with `--netns all`) come.
//!
//! In this process's namespace, link events come from a NETLINK_ROUTE socket bound to
//! RTMGRP_LINK. In other namespaces they come from one socket here that listens to every
//! namespace with an id here (NETLINK_LISTEN_ALL_NSID), tagged with that id, and RTM_DELNSID
//! on it says a namespace died: no socket or descriptor is held inside a namespace, so a
//! deleted one really goes, and its interfaces with it. With `--netns all`, new namespaces
//! are found by an inotify watch on /run/netns (`ip netns add`), by RTM_NEWNSID (a veth moved
//! into a namespace gives it an id), and by a scan every two seconds for the rest (those only
//! a process or another mount holds): one readlink per process.

use std::{collections::BTreeSet, path::Path};

use netdump_common::IfaceKey;

use super::{capture::Capture, spaces::Scope};
use crate::{
    iface::{self, Interface},
    netns::{discover, nsid::Events},
    sys::{inotify::DirWatch, socket::RouteSocket},
};

/// Why watching ends the capture.
pub enum Ended {
    /// The one interface named went down or away: (what became of it, its name).
    Interface(iface::State, String),
    /// The one namespace of `--netns NAME` is gone.
    Namespace(String),
}

/// Looks every 100 ms (500 ms for a fixed set in one namespace).
pub struct Watch {
    /// One interface named (or chosen by default): its going away ends the capture.
    single: bool,
    /// Own namespace, `-i any` or a pattern: its link events (`None` inside if the socket
    /// could not be opened: then every look lists the interfaces).
    links: Option<Option<RouteSocket>>,
    /// Other namespaces: link events of every namespace with an id here, and ids coming and
    /// going (`None` inside if the socket could not be opened: then every look rescans).
    all: Option<Option<RouteSocket>>,
    /// `--netns all`: entries created in /run/netns.
    named: Option<DirWatch>,
    /// `--netns all`: looks left in which to scan for new namespaces (a name appears in
    /// /run/netns before its namespace is mounted there).
    scan_soon: u8,
    /// `--netns all`: looks since the last full scan.
    since_scan: u32,
    /// Interfaces already reported down (said once each).
    down: BTreeSet<IfaceKey>,
}

/// Looks between two full scans of the host's namespaces (`--netns all`): two seconds.
const SCAN_EVERY: u32 = 20;

impl Watch {
    pub fn new(capture: &Capture) -> Watch {
        let scope = capture.spaces.scope;
        let dynamic = capture.selection.is_dynamic();
        let open_all = || match RouteSocket::monitor_all_namespaces() {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!(
                    "netdump: cannot hear of other namespaces' interfaces ({e}): looking every 100 ms"
                );
                None
            }
        };
        Watch {
            single: !capture.selection.is_several() && scope != Scope::All,
            links: (scope == Scope::Own && dynamic).then(|| match RouteSocket::monitor_links() {
                Ok(s) => Some(s),
                Err(e) => {
                    eprintln!("netdump: cannot hear of new interfaces ({e}): looking every 100 ms");
                    None
                }
            }),
            all: (scope != Scope::Own).then(open_all),
            named: (scope == Scope::All)
                .then(|| DirWatch::new(Path::new(discover::NAMED_DIR)).ok())
                .flatten(),
            scan_soon: 0,
            since_scan: 0,
            down: BTreeSet::new(),
        }
    }

    /// Whether looks come every 100 ms (something can appear) rather than every 500 ms.
    pub fn often(&self) -> bool {
        self.links.is_some() || self.all.is_some()
    }

    /// One look; `Some` ends the capture.
    pub fn look(&mut self, capture: &mut Capture) -> Option<Ended> {
        match capture.spaces.scope {
            Scope::Own => match &self.links {
                Some(sock) => {
                    if sock.as_ref().is_none_or(|s| s.drain()) {
                        rescan(capture, 0);
                    }
                    None
                }
                None => self.check_fixed(capture),
            },
            Scope::One => self.look_one(capture),
            Scope::All => {
                self.look_all(capture);
                None
            }
        }
    }

    /// `--netns NAME`: the namespace going away ends the capture; otherwise as in ours.
    fn look_one(&mut self, capture: &mut Capture) -> Option<Ended> {
        let key = capture.spaces.keys().first().copied()?;
        let (nsid, what) = {
            let s = capture.spaces.get(key)?;
            (s.nsid, s.ns.describe())
        };
        let events = match &self.all {
            Some(Some(sock)) => Events::drain(sock),
            _ => Events {
                lost: true,
                ..Events::default()
            },
        };
        let gone = nsid.is_some_and(|id| events.ids_gone.contains(&id));
        if gone || !capture.spaces.get(key)?.ns.reachable() {
            return Some(Ended::Namespace(what));
        }
        if capture.selection.is_dynamic() {
            if events.lost || nsid.is_some_and(|id| events.links_in.contains(&id)) {
                rescan(capture, key);
            }
            return None;
        }
        self.check_fixed(capture)
    }

    /// `--netns all`: rescans namespaces whose interfaces changed, forgets dead ones, and
    /// looks for new ones.
    fn look_all(&mut self, capture: &mut Capture) {
        let events = match &self.all {
            Some(Some(sock)) => Events::drain(sock),
            _ => Events {
                lost: true,
                ..Events::default()
            },
        };
        for id in &events.ids_gone {
            if let Some(key) = capture.spaces.by_nsid(*id) {
                namespace_gone(capture, key);
            }
        }
        let mut keys: BTreeSet<u64> = BTreeSet::new();
        if events.lost {
            keys.extend(capture.spaces.keys());
        }
        if events.here {
            keys.extend(
                capture
                    .spaces
                    .iter()
                    .filter(|(_, s)| s.nsid.is_none())
                    .map(|(k, _)| k),
            );
        }
        for id in &events.links_in {
            match capture.spaces.by_nsid(*id) {
                Some(k) => {
                    keys.insert(k);
                }
                // Not one of ours yet: a namespace just made.
                None => self.scan_soon = self.scan_soon.max(1),
            }
        }
        for key in keys {
            rescan(capture, key);
        }
        if !events.ids_new.is_empty() || events.lost {
            self.scan_soon = self.scan_soon.max(1);
        }
        if self.named.as_ref().is_some_and(DirWatch::changed) {
            // `ip netns add` names the file before it mounts the namespace on it.
            self.scan_soon = 10;
        }
        self.since_scan += 1;
        if self.scan_soon > 0 || self.since_scan >= SCAN_EVERY {
            self.scan_soon = self.scan_soon.saturating_sub(1);
            self.since_scan = 0;
            let (new, gone) = capture.spaces.rescan();
            for key in gone {
                namespace_gone(capture, key);
            }
            if !new.is_empty() {
                self.scan_soon = 0;
            }
            for key in new {
                let what = capture
                    .spaces
                    .get(key)
                    .map(|s| s.ns.describe())
                    .unwrap_or_default();
                eprintln!("netdump: capturing in {what} too");
                rescan(capture, key);
            }
        }
    }

    /// A fixed set: with one interface, its going away or down ends the capture; with
    /// several, a deleted one is detached and the others go on. In another namespace the
    /// look is taken from inside it.
    fn check_fixed(&mut self, capture: &mut Capture) -> Option<Ended> {
        let attached = capture.attached();
        let key = capture.spaces.keys().first().copied().unwrap_or(0);
        let space = capture.spaces.get(key)?;
        let states: Vec<(IfaceKey, String, iface::State)> = match space.ns.enter(|| {
            attached
                .iter()
                .map(|(k, name)| (*k, name.clone(), iface::state(name, k.ifindex)))
                .collect()
        }) {
            Ok(s) => s,
            Err(_) => return Some(Ended::Namespace(space.ns.describe())),
        };
        for (key, name, st) in states {
            if self.single {
                if st != iface::State::Up {
                    return Some(Ended::Interface(st, name));
                }
                continue;
            }
            match st {
                iface::State::Up => {
                    self.down.remove(&key);
                }
                iface::State::Down => {
                    if self.down.insert(key) {
                        eprintln!("netdump: interface {name} went down; capturing goes on");
                    }
                }
                iface::State::Gone => {
                    capture.forget_interface(key);
                    if capture.attached().is_empty() {
                        return Some(Ended::Interface(st, name));
                    }
                    eprintln!(
                        "netdump: interface {name} was deleted; capturing goes on on the others"
                    );
                }
            }
        }
        None
    }
}

/// Namespace `key` died: its interfaces are forgotten, the capture goes on.
fn namespace_gone(capture: &mut Capture, key: u64) {
    let Some(what) = capture.spaces.get(key).map(|s| s.ns.describe()) else {
        return;
    };
    capture.forget_namespace(key);
    eprintln!("netdump: {what} is gone, and its interfaces with it; capturing goes on");
}

/// A dynamic selection in namespace `key`: attach to new interfaces, forget deleted ones.
fn rescan(capture: &mut Capture, key: u64) {
    let Some(space) = capture.spaces.get(key) else {
        return;
    };
    let listed: Vec<Interface> = match space.ns.enter(iface::list) {
        Ok(Ok(list)) => list,
        Ok(Err(_)) => return,
        // It cannot be entered any more: it is gone (`--netns all`; with one namespace the
        // next look says so and ends the capture).
        Err(_) => {
            if capture.spaces.scope == crate::run::spaces::Scope::All {
                namespace_gone(capture, key);
            }
            return;
        }
    };
    for (k, _) in capture.attached() {
        if k.netns == key && !listed.iter().any(|i| i.index == k.ifindex) {
            let label = capture.label(k);
            capture.forget_interface(k);
            eprintln!("netdump: interface {label} was deleted");
        }
    }
    for note in capture.add_interfaces(key, listed) {
        eprintln!("netdump: {note}");
    }
}
