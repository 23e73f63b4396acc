//! Which network namespaces a capture runs in (`--netns NAME|PATH|pid:PID|all`) and how to
//! reach each one: by a path it can be opened by again, never by a descriptor kept open,
//! which would keep a deleted namespace (and its interfaces) alive.
//!
//! `discover.rs` finds every namespace on the host; `nsid.rs` gives namespaces ids here, so
//! one socket in this namespace hears of their interfaces and of their end.

pub mod discover;
pub mod nsid;

use std::{
    io,
    path::{Path, PathBuf},
};

use thiserror::Error;

use crate::{
    packet::Netns,
    sys::netns::{self as sys, NsFile, OpenError},
};

/// A namespace as `--netns` names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    /// An `ip netns` name (/run/netns/NAME).
    Name(String),
    /// A namespace file: /proc/PID/ns/net, /run/netns/X, a container runtime's mount.
    Path(PathBuf),
    /// `pid:PID`: the namespace of that process.
    Pid(u32),
}

/// Where a capture runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// This process's namespace (no `--netns`).
    Own,
    /// One other namespace.
    One(Spec),
    /// Every namespace on the host, also those created while capturing.
    All,
}

impl Target {
    /// Reads a `--netns` value: `all`, `pid:PID`, a path (it has a `/`), or a name.
    pub fn parse(s: &str) -> Result<Target, String> {
        if s == "all" {
            return Ok(Target::All);
        }
        if let Some(pid) = s.strip_prefix("pid:") {
            return match pid.parse::<u32>() {
                Ok(p) if p > 0 => Ok(Target::One(Spec::Pid(p))),
                _ => Err("pid:PID takes a process id (a number above 0)".into()),
            };
        }
        if s.is_empty() {
            return Err("give a name from ip netns, a path, pid:PID or all".into());
        }
        if s.contains('/') {
            return Ok(Target::One(Spec::Path(PathBuf::from(s))));
        }
        Ok(Target::One(Spec::Name(s.to_string())))
    }
}

#[derive(Debug, Error)]
pub enum NetnsError {
    #[error("no network namespace named '{name}' ({known}): see ip netns list")]
    NoName { name: String, known: String },
    #[error("{0} does not exist: --netns takes a name from ip netns, a path such as /run/netns/NAME or /proc/PID/ns/net, pid:PID, or all")]
    NoPath(String),
    #[error("{0} is not a network namespace: --netns takes a name from ip netns, a path such as /run/netns/NAME or /proc/PID/ns/net, pid:PID, or all")]
    NotNamespace(String),
    #[error("{path} is a {kind} namespace, not a network namespace (/proc/PID/ns/net is one)")]
    OtherKind { path: String, kind: &'static str },
    #[error("no process with pid {0}")]
    NoPid(u32),
    #[error("open {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("network namespace {0} no longer exists")]
    Gone(String),
    #[error("enter network namespace {what}: {source}")]
    Enter {
        what: String,
        #[source]
        source: io::Error,
    },
}

/// A network namespace a capture runs in.
#[derive(Clone, Debug)]
pub struct Namespace {
    /// Its inode and `ip netns` name: what packets are labelled with.
    pub id: Netns,
    /// Paths it can be opened by (an `ip netns` name's first).
    pub paths: Vec<PathBuf>,
    /// This process's own namespace: entered without setns.
    pub own: bool,
}

impl Namespace {
    /// How messages name it: `network namespace blue` or `network namespace 4026532247`.
    pub fn describe(&self) -> String {
        format!("network namespace {}", self.id.label())
    }

    /// Opens it again: the first of its paths that still leads to it, or else any path a
    /// scan of the host finds for its inode (the process named by `pid:PID` may have exited
    /// while others hold the namespace).
    fn open(&self) -> Result<NsFile, NetnsError> {
        let leads_here = |p: &Path| {
            NsFile::open(p)
                .ok()
                .filter(|f| f.id().is_ok_and(|(_, ino)| ino == self.id.inode))
        };
        if let Some(f) = self.paths.iter().find_map(|p| leads_here(p)) {
            return Ok(f);
        }
        discover::scan()
            .get(&self.id.inode)
            .and_then(|found| found.paths.iter().find_map(|p| leads_here(p)))
            .ok_or_else(|| NetnsError::Gone(self.id.label().into_owned()))
    }

    /// Whether it can still be opened (it exists and one of its paths leads to it).
    pub fn reachable(&self) -> bool {
        self.own || self.open().is_ok()
    }

    /// Runs `f` inside it: on a thread of its own, or here for this process's namespace.
    pub fn enter<T: Send>(&self, f: impl FnOnce() -> T + Send) -> Result<T, NetnsError> {
        if self.own {
            return Ok(f());
        }
        self.open()?.run_in(f).map_err(|source| NetnsError::Enter {
            what: self.id.label().into_owned(),
            source,
        })
    }

    /// Its cookie, what samples carry (`SO_NETNS_COOKIE`, Linux 5.14+).
    pub fn cookie(&self) -> Result<io::Result<u64>, NetnsError> {
        self.enter(sys::cookie_here)
    }

    /// Its id in this namespace, given one if needed (`None` for this namespace itself).
    pub fn nsid(&self) -> Result<Option<i32>, NetnsError> {
        if self.own {
            return Ok(None);
        }
        let f = self.open()?;
        nsid::id_of(&f)
            .map(Some)
            .map_err(|source| NetnsError::Enter {
                what: self.id.label().into_owned(),
                source,
            })
    }

    /// A namespace a scan found; `own`: this process's inode.
    pub fn from_found(f: &discover::Found, own: u64) -> Namespace {
        Namespace {
            id: Netns {
                inode: f.inode,
                name: f.name.clone(),
            },
            paths: f.paths.clone(),
            own: f.inode == own,
        }
    }
}

/// The inode of this process's network namespace.
pub fn own_inode() -> Result<u64, NetnsError> {
    let path = Path::new("/proc/self/ns/net");
    let f = open_checked(path)?;
    f.id()
        .map(|(_, ino)| ino)
        .map_err(|source| NetnsError::Open {
            path: path.display().to_string(),
            source,
        })
}

/// This process's namespace, named as `ip netns` names it (if it does).
pub fn own() -> Result<Namespace, NetnsError> {
    let inode = own_inode()?;
    Ok(Namespace {
        id: Netns {
            inode,
            name: name_of(inode),
        },
        paths: vec![PathBuf::from("/proc/self/ns/net")],
        own: true,
    })
}

/// The `ip netns` name of the namespace with inode `inode`, if it has one.
fn name_of(inode: u64) -> Option<String> {
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    discover::mounted(&mountinfo)
        .into_iter()
        .filter(|(ino, p)| *ino == inode && p.parent() == Some(Path::new(discover::NAMED_DIR)))
        .find_map(|(_, p)| Some(p.file_name()?.to_string_lossy().into_owned()))
}

fn open_checked(path: &Path) -> Result<NsFile, NetnsError> {
    let shown = || path.display().to_string();
    NsFile::open(path).map_err(|e| match e {
        OpenError::Io(e) if e.kind() == io::ErrorKind::NotFound => NetnsError::NoPath(shown()),
        OpenError::Io(source) => NetnsError::Open {
            path: shown(),
            source,
        },
        OpenError::NotNamespace => NetnsError::NotNamespace(shown()),
        OpenError::OtherKind(kind) => NetnsError::OtherKind {
            path: shown(),
            kind,
        },
    })
}

/// The namespace `spec` names, which must exist now.
pub fn resolve(spec: &Spec) -> Result<Namespace, NetnsError> {
    let own = own_inode()?;
    let (path, name) = match spec {
        Spec::Name(n) => {
            let path = Path::new(discover::NAMED_DIR).join(n);
            if !path.exists() {
                let names = discover::names();
                let known = if names.is_empty() {
                    "ip netns lists none".to_string()
                } else {
                    format!("ip netns lists: {}", names.join(", "))
                };
                return Err(NetnsError::NoName {
                    name: n.clone(),
                    known,
                });
            }
            (path, Some(n.clone()))
        }
        Spec::Path(p) => (p.clone(), None),
        Spec::Pid(pid) => {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                return Err(NetnsError::NoPid(*pid));
            }
            (PathBuf::from(format!("/proc/{pid}/ns/net")), None)
        }
    };
    let f = open_checked(&path)?;
    let (_, inode) = f.id().map_err(|source| NetnsError::Open {
        path: path.display().to_string(),
        source,
    })?;
    let name = name.or_else(|| name_of(inode));
    let mut paths = vec![path];
    // A process's link dies with the process: its mount (if named) outlives it.
    if let Some(n) = &name {
        let named = Path::new(discover::NAMED_DIR).join(n);
        if !paths.contains(&named) {
            paths.insert(0, named);
        }
    }
    Ok(Namespace {
        id: Netns { inode, name },
        paths,
        own: inode == own,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netns_values() {
        assert_eq!(Target::parse("all"), Ok(Target::All));
        assert_eq!(Target::parse("pid:42"), Ok(Target::One(Spec::Pid(42))));
        assert!(Target::parse("pid:x").is_err() && Target::parse("pid:0").is_err());
        assert!(Target::parse("").is_err());
        assert_eq!(
            Target::parse("/proc/1/ns/net"),
            Ok(Target::One(Spec::Path("/proc/1/ns/net".into())))
        );
        assert_eq!(
            Target::parse("blue"),
            Ok(Target::One(Spec::Name("blue".into())))
        );
    }

    #[test]
    fn bad_namespaces_are_one_clear_error_each() {
        let one = |spec: Spec| resolve(&spec).unwrap_err().to_string();
        assert!(one(Spec::Name("nd-no-such-ns".into()))
            .starts_with("no network namespace named 'nd-no-such-ns'"));
        assert!(one(Spec::Path("/etc/passwd".into()))
            .starts_with("/etc/passwd is not a network namespace"));
        assert!(one(Spec::Path("/etc".into())).starts_with("/etc is not a network namespace"));
        assert!(one(Spec::Path("/nd/no/such".into())).starts_with("/nd/no/such does not exist"));
        assert_eq!(
            one(Spec::Path("/proc/self/ns/mnt".into())),
            "/proc/self/ns/mnt is a mnt namespace, not a network namespace (/proc/PID/ns/net is one)"
        );
        assert_eq!(
            one(Spec::Pid(u32::MAX - 1)),
            format!("no process with pid {}", u32::MAX - 1)
        );
    }

    #[test]
    fn this_process_namespace_resolves_as_its_own() {
        let ns = resolve(&Spec::Path("/proc/self/ns/net".into())).unwrap();
        assert!(ns.own);
        assert_eq!(ns.id.inode, own_inode().unwrap());
        assert_eq!(ns.enter(|| 7).unwrap(), 7);
    }
}
