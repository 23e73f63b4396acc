//! The network namespaces a live capture runs in: its own, one named by `--netns`, or every
//! one on the host (`--netns all`, including those created while capturing).
//!
//! Each namespace has a key, what the kernel's samples carry to say where a packet was: its
//! cookie with `--netns all`; 0 otherwise, as all interfaces are then in one namespace and
//! the programs do not read it.

use std::collections::BTreeMap;

use crate::{
    netns::{self, discover, Namespace, NetnsError, Target},
    packet::Netns,
};

use super::RunError;

/// How many namespaces a capture runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// This process's own (no `--netns`).
    Own,
    /// One other namespace (`--netns NAME|PATH|pid:PID`).
    One,
    /// Every namespace (`--netns all`).
    All,
}

/// A namespace of the capture.
#[derive(Clone, Debug)]
pub struct Space {
    pub ns: Namespace,
    /// Its id in this namespace, through which its link events reach our monitor socket
    /// (`None` for this process's own namespace).
    pub nsid: Option<i32>,
}

/// The namespaces of a capture, by key.
#[derive(Debug)]
pub struct Spaces {
    pub scope: Scope,
    by_key: BTreeMap<u64, Space>,
    own_inode: u64,
}

impl Spaces {
    /// The namespaces `target` names, as they are now.
    pub fn open(target: &Target) -> Result<Spaces, RunError> {
        let own_inode = netns::own_inode()?;
        let mut spaces = Spaces {
            scope: Scope::Own,
            by_key: BTreeMap::new(),
            own_inode,
        };
        match target {
            Target::Own => {
                spaces.by_key.insert(
                    0,
                    Space {
                        ns: netns::own()?,
                        nsid: None,
                    },
                );
            }
            Target::One(spec) => {
                let ns = netns::resolve(spec)?;
                spaces.scope = if ns.own { Scope::Own } else { Scope::One };
                let nsid = ns.nsid()?;
                spaces.by_key.insert(0, Space { ns, nsid });
            }
            Target::All => {
                spaces.scope = Scope::All;
                for f in discover::scan().values() {
                    // One that vanished between the scan and now is simply not there.
                    match spaces.register(Namespace::from_found(f, own_inode)) {
                        Ok(_) | Err(RunError::Netns(NetnsError::Gone(_))) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok(spaces)
    }

    /// Adds namespace `ns` (`--netns all`): its cookie is its key. Returns the key.
    fn register(&mut self, ns: Namespace) -> Result<u64, RunError> {
        let cookie = ns.cookie()?.map_err(|e| {
            RunError::NeedsKernel(format!(
                "--netns all tells namespaces apart by their cookie (SO_NETNS_COOKIE, Linux 5.14): {e}"
            ))
        })?;
        let nsid = ns.nsid()?;
        self.by_key.insert(cookie, Space { ns, nsid });
        Ok(cookie)
    }

    /// Whether samples carry their namespace (several namespaces, or new ones may come).
    pub fn tagged(&self) -> bool {
        self.scope == Scope::All
    }

    pub fn get(&self, key: u64) -> Option<&Space> {
        self.by_key.get(&key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (u64, &Space)> {
        self.by_key.iter().map(|(k, s)| (*k, s))
    }

    pub fn keys(&self) -> Vec<u64> {
        self.by_key.keys().copied().collect()
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The namespace whose id here is `nsid`.
    pub fn by_nsid(&self, nsid: i32) -> Option<u64> {
        self.by_key
            .iter()
            .find(|(_, s)| s.nsid == Some(nsid))
            .map(|(k, _)| *k)
    }

    /// The namespace of the capture when it has one (`--netns NAME` or none).
    pub fn single(&self) -> Option<&Space> {
        match self.scope {
            Scope::All => None,
            _ => self.by_key.values().next(),
        }
    }

    /// How lines name interface `name` of namespace `key`: `eth0@blue` when the capture
    /// spans namespaces, else `eth0` as tcpdump would print it.
    pub fn label(&self, key: u64, name: &str) -> String {
        match (self.scope, self.by_key.get(&key)) {
            (Scope::All, Some(s)) => format!("{name}@{}", s.ns.id.label()),
            _ => name.to_string(),
        }
    }

    /// The namespace identity packets of namespace `key` carry.
    pub fn netns(&self, key: u64) -> Option<Netns> {
        self.by_key.get(&key).map(|s| s.ns.id.clone())
    }

    /// Forgets namespace `key` (it is gone).
    pub fn remove(&mut self, key: u64) -> Option<Space> {
        self.by_key.remove(&key)
    }

    /// `--netns all`: looks at the host's namespaces again. Registers new ones (returning
    /// their keys) and returns the keys of those that can no longer be found or entered.
    pub fn rescan(&mut self) -> (Vec<u64>, Vec<u64>) {
        let found = discover::scan();
        let mut gone = Vec::new();
        for (key, s) in &self.by_key {
            if !found.contains_key(&s.ns.id.inode) && !s.ns.reachable() {
                gone.push(*key);
            }
        }
        let known: Vec<u64> = self.by_key.values().map(|s| s.ns.id.inode).collect();
        let mut new = Vec::new();
        for f in found.values() {
            if known.contains(&f.inode) {
                continue;
            }
            if let Ok(k) = self.register(Namespace::from_found(f, self.own_inode)) {
                new.push(k);
            }
        }
        (new, gone)
    }
}
