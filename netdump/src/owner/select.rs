//! Owner filters (`--cgroup`, `--container`, `--pod`) and the cgroup ids they select.
//!
//! A filter selects cgroups, each with all its descendants, because processes live in the
//! leaves: a container's runtime may split it (`libpod-ID.scope/container`), a service may
//! have sub-cgroups. The ids are those of the cgroups that exist when the filter is resolved;
//! a live capture resolves it again every 2 s (`run/owner.rs`), so a container started later
//! joins within that.

use std::{collections::BTreeSet, fmt};

use super::{hierarchy::is_under, path, Container, Error, Runtime, Shared};

/// One owner filter as the user wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// `--cgroup PATH`: from the hierarchy's root (`/system.slice/x.service`) or the
    /// directory under its mount point.
    Cgroup(String),
    /// `--container ID|NAME`: a full id, a runtime's name, or a unique id prefix (Docker's
    /// order).
    Container(String),
    /// `--pod NAME` or `--pod NAMESPACE/NAME`.
    Pod {
        namespace: Option<String>,
        name: String,
    },
}

impl Selector {
    pub fn cgroup(value: &str) -> Result<Selector, Error> {
        check("--cgroup", value)?;
        if value.split('/').any(|p| p == "..") {
            return Err(bad("--cgroup", value, "a cgroup path cannot contain `..`"));
        }
        Ok(Selector::Cgroup(value.to_owned()))
    }

    pub fn container(value: &str) -> Result<Selector, Error> {
        check("--container", value)?;
        if value.contains('/') {
            return Err(bad(
                "--container",
                value,
                "a container id or name has no `/`",
            ));
        }
        Ok(Selector::Container(value.to_owned()))
    }

    pub fn pod(value: &str) -> Result<Selector, Error> {
        check("--pod", value)?;
        match value.split_once('/') {
            None => Ok(Selector::Pod {
                namespace: None,
                name: value.to_owned(),
            }),
            Some((ns, name)) if !ns.is_empty() && !name.is_empty() && !name.contains('/') => {
                Ok(Selector::Pod {
                    namespace: Some(ns.to_owned()),
                    name: name.to_owned(),
                })
            }
            Some(_) => Err(bad("--pod", value, "write NAME or NAMESPACE/NAME")),
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Cgroup(p) => write!(f, "--cgroup {p}"),
            Selector::Container(c) => write!(f, "--container {c}"),
            Selector::Pod {
                namespace: Some(ns),
                name,
            } => write!(f, "--pod {ns}/{name}"),
            Selector::Pod {
                namespace: None,
                name,
            } => write!(f, "--pod {name}"),
        }
    }
}

fn bad(flag: &'static str, value: &str, why: &'static str) -> Error {
    Error::BadSelector {
        flag,
        value: value.to_owned(),
        why,
    }
}

fn check(flag: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(bad(flag, value, "empty"));
    }
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad(flag, value, "no spaces or control characters"));
    }
    Ok(())
}

/// The ids `sel` selects in the hierarchy as it is now, sorted.
pub(super) fn resolve(shared: &Shared, sel: &Selector) -> Result<Vec<u64>, Error> {
    let all: Vec<(u64, String)> = shared.walk().into_iter().collect();
    let tops: Vec<String> = match sel {
        Selector::Cgroup(written) => {
            let want = shared
                .hierarchy
                .normalise(written)
                .ok_or_else(|| bad("--cgroup", written, "a cgroup path cannot contain `..`"))?;
            if !all.iter().any(|(_, p)| *p == want) {
                return Err(Error::NoCgroup {
                    path: written.clone(),
                    root: shared.hierarchy.root().to_owned(),
                });
            }
            vec![want]
        }
        Selector::Container(q) => containers(shared, &all, q)?,
        Selector::Pod { namespace, name } => pods(shared, &all, namespace.as_deref(), name)?,
    };
    let ids: BTreeSet<u64> = all
        .iter()
        .filter(|(_, p)| tops.iter().any(|top| is_under(p, top)))
        .map(|(id, _)| *id)
        .collect();
    Ok(ids.into_iter().collect())
}

/// Every container cgroup now (not systemd units), with its names from the runtime.
fn named_containers(shared: &Shared, all: &[(u64, String)]) -> Vec<(String, Container)> {
    all.iter()
        .filter_map(|(_, p)| Some((p.clone(), shared.identify(p)?)))
        .filter(|(_, c)| c.runtime != Runtime::Systemd)
        .map(|(p, mut c)| {
            let (names, _) = shared.names_of(&c);
            super::merge(&mut c, names);
            (p, c)
        })
        .collect()
}

/// The paths of the container `q` names: exact id, else name, else a unique id prefix.
fn containers(shared: &Shared, all: &[(u64, String)], q: &str) -> Result<Vec<String>, Error> {
    let found = named_containers(shared, all);
    let paths = |keep: &dyn Fn(&Container) -> bool| -> Vec<String> {
        found
            .iter()
            .filter(|(_, c)| keep(c))
            .map(|(p, _)| p.clone())
            .collect()
    };
    let by_id = paths(&|c| c.id == q);
    if !by_id.is_empty() {
        return Ok(by_id);
    }
    let by_name = paths(&|c| c.name.as_deref() == Some(q));
    if !by_name.is_empty() {
        return Ok(by_name);
    }
    let ids: BTreeSet<&str> = found
        .iter()
        .filter(|(_, c)| c.id.starts_with(q))
        .map(|(_, c)| c.id.as_str())
        .collect();
    match ids.len() {
        0 => Err(Error::NoContainer(q.to_owned())),
        1 => Ok(paths(&|c| c.id.starts_with(q))),
        _ => Err(Error::Ambiguous {
            prefix: q.to_owned(),
            ids: ids
                .iter()
                .map(|id| &id[..id.len().min(12)])
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// The paths of pod `name`'s containers and of its pod-level cgroup (the kubelet's slice or
/// folder for the pod's UID).
fn pods(
    shared: &Shared,
    all: &[(u64, String)],
    namespace: Option<&str>,
    name: &str,
) -> Result<Vec<String>, Error> {
    let matched: Vec<(String, Container)> = named_containers(shared, all)
        .into_iter()
        .filter(|(_, c)| {
            c.pod.as_deref() == Some(name)
                && namespace.is_none_or(|ns| c.namespace.as_deref() == Some(ns))
        })
        .collect();
    if matched.is_empty() {
        let shown = namespace.map_or(name.to_owned(), |ns| format!("{ns}/{name}"));
        return Err(Error::NoPod(shown));
    }
    let uids: BTreeSet<&str> = matched
        .iter()
        .filter_map(|(_, c)| c.pod_uid.as_deref())
        .collect();
    let mut tops: Vec<String> = matched.iter().map(|(p, _)| p.clone()).collect();
    // The pod's own cgroup: the shallowest path whose pod UID is one of these.
    for (_, p) in all {
        if path::pod_uid(p).is_some_and(|u| uids.contains(u.as_str())) && path::parse(p).is_none() {
            tops.push(p.clone());
        }
    }
    Ok(tops)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_selectors() {
        assert_eq!(
            Selector::cgroup("/system.slice/a.service").unwrap(),
            Selector::Cgroup("/system.slice/a.service".into())
        );
        assert_eq!(
            Selector::container("web").unwrap(),
            Selector::Container("web".into())
        );
        assert_eq!(
            Selector::pod("shop/web-7d9").unwrap(),
            Selector::Pod {
                namespace: Some("shop".into()),
                name: "web-7d9".into()
            }
        );
        assert_eq!(
            Selector::pod("web").unwrap(),
            Selector::Pod {
                namespace: None,
                name: "web".into()
            }
        );
        for (r, want) in [
            (Selector::cgroup(""), "--cgroup \"\": empty"),
            (
                Selector::cgroup("/a/../b"),
                "--cgroup \"/a/../b\": a cgroup path cannot contain `..`",
            ),
            (
                Selector::container("a/b"),
                "--container \"a/b\": a container id or name has no `/`",
            ),
            (
                Selector::container("a b"),
                "--container \"a b\": no spaces or control characters",
            ),
            (
                Selector::pod("/web"),
                "--pod \"/web\": write NAME or NAMESPACE/NAME",
            ),
            (
                Selector::pod("ns/"),
                "--pod \"ns/\": write NAME or NAMESPACE/NAME",
            ),
            (
                Selector::pod("a/b/c"),
                "--pod \"a/b/c\": write NAME or NAMESPACE/NAME",
            ),
        ] {
            assert_eq!(r.unwrap_err().to_string(), want);
        }
        assert_eq!(
            Selector::pod("shop/web").unwrap().to_string(),
            "--pod shop/web"
        );
    }
}
