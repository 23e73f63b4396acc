//! Container identity from a cgroup v2 path, by the runtimes' naming conventions (no I/O).
//!
//! Each runtime names the cgroup it makes for a container after the container's 64-hex id,
//! with a prefix that says which runtime it is (`docker-ID.scope`, `cri-containerd-ID.scope`,
//! `crio-ID.scope`, `libpod-ID.scope` with systemd's driver; `/docker/ID`,
//! `/libpod_parent/libpod-ID`, `/kubepods/.../pod<UID>/ID` with the cgroupfs one). The
//! kubelet adds the pod's UID to the slice or folder above. A container's own sub-cgroups
//! (`libpod-ID.scope/container`, a systemd inside it) belong to it, so the deepest container
//! component of a path wins; a path without one may still be a systemd service or scope.
//! Conmon's cgroups (`libpod-conmon-ID.scope`, `crio-conmon-ID.scope`) hold the runtime's
//! monitor, not the container: a systemd scope at most. A path shape that says nothing certain yields None: names
//! are never guessed.

use super::{Container, Runtime};

/// The container (or systemd unit) a cgroup path belongs to, or None.
pub fn parse(path: &str) -> Option<Container> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let found = (0..parts.len())
        .rev()
        .find_map(|i| container_at(&parts, i).map(|(runtime, id)| (i, runtime, id)));
    match found {
        Some((i, runtime, id)) => Some(Container {
            id: id.to_owned(),
            name: None,
            runtime,
            pod: None,
            namespace: None,
            pod_uid: pod_uid_in(&parts[..i]),
        }),
        None => systemd_unit(&parts),
    }
}

/// The Kubernetes pod UID in a path's slices or folders (`kubepods-besteffort-pod<UID>.slice`
/// with `_` for `-`, or `kubepods/besteffort/pod<UID>`), or None.
pub fn pod_uid(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    pod_uid_in(&parts)
}

/// Systemd-driver prefixes and the runtime each names (the `.scope` suffix is optional: the
/// cgroupfs driver of CRI-O and podman uses the same names without it).
const PREFIXES: &[(&str, Runtime)] = &[
    ("docker-", Runtime::Docker),
    ("cri-containerd-", Runtime::Containerd),
    ("crio-", Runtime::CriO),
    ("libpod-", Runtime::Podman),
];

/// Whether `parts[i]` names a container, and which.
fn container_at<'a>(parts: &[&'a str], i: usize) -> Option<(Runtime, &'a str)> {
    let part = parts[i];
    let bare = part.strip_suffix(".scope").unwrap_or(part);
    for (prefix, runtime) in PREFIXES {
        if let Some(id) = bare.strip_prefix(prefix).filter(|id| is_container_id(id)) {
            return Some((*runtime, id));
        }
    }
    if !is_container_id(part) || i == 0 {
        return None;
    }
    // A bare id: Docker's cgroupfs driver (`/docker/ID`), or a container under a kubelet pod
    // folder (`/kubepods/besteffort/pod<UID>/ID`), whose runtime the path does not say.
    if parts[i - 1] == "docker" {
        Some((Runtime::Docker, part))
    } else if pod_folder(parts[i - 1]).is_some() && parts[..i - 1].contains(&"kubepods") {
        Some((Runtime::Cri, part))
    } else {
        None
    }
}

/// A container id as every runtime here makes them: 64 lowercase hex digits.
pub fn is_container_id(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

/// The pod UID in the last pod slice or folder among `parts`.
fn pod_uid_in(parts: &[&str]) -> Option<String> {
    parts.iter().rev().find_map(|part| {
        let kube_slice = part
            .strip_suffix(".slice")
            .filter(|s| s.starts_with("kubepods-") || s.contains("-kubepods-"));
        if let Some(slice) = kube_slice {
            // kubepods-pod<UID>.slice (guaranteed), kubepods-<class>-pod<UID>.slice, and
            // kind's kubelet-kubepods-<class>-pod<UID>.slice.
            let (_, uid) = slice.rsplit_once("-pod")?;
            let uid = uid.replace('_', "-");
            return is_pod_uid(&uid).then_some(uid);
        }
        pod_folder(part).map(str::to_owned)
    })
}

/// The UID of a cgroupfs-driver pod folder (`pod<UID>`).
fn pod_folder(part: &str) -> Option<&str> {
    part.strip_prefix("pod").filter(|uid| is_pod_uid(uid))
}

/// A pod UID: a UUID (36 characters), or the 32-hex hash the kubelet gives static pods.
fn is_pod_uid(s: &str) -> bool {
    (32..=36).contains(&s.len())
        && s.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-')
        && s.bytes().filter(|c| c.is_ascii_hexdigit()).count() == 32
}

/// The last systemd service or scope in a path (`system.slice/nginx.service`,
/// `user.slice/user-1000.slice/session-3.scope`): a unit, which systemd names uniquely.
fn systemd_unit(parts: &[&str]) -> Option<Container> {
    let unit = parts
        .iter()
        .rev()
        .find(|p| p.len() > 8 && (p.ends_with(".service") || p.ends_with(".scope")))?;
    Some(Container {
        id: (*unit).to_owned(),
        name: Some((*unit).to_owned()),
        runtime: Runtime::Systemd,
        pod: None,
        namespace: None,
        pod_uid: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3f1c2a9b8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615f4e3";
    const ID2: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const UID: &str = "5c0e8a2d-7f41-4b3e-9a6c-1d2e3f4a5b6c";
    const UID_: &str = "5c0e8a2d_7f41_4b3e_9a6c_1d2e3f4a5b6c";

    /// (path, runtime, container id, pod uid) for container paths real hosts show.
    fn containers() -> Vec<(String, Runtime, &'static str, Option<&'static str>)> {
        use Runtime::*;
        vec![
            // Docker, systemd driver and cgroupfs driver; docker in docker.
            (format!("/system.slice/docker-{ID}.scope"), Docker, ID, None),
            (format!("/docker/{ID}"), Docker, ID, None),
            (format!("/docker/{ID2}/docker/{ID}"), Docker, ID, None),
            (
                format!("/user.slice/user-1000.slice/user@1000.service/user.slice/docker-{ID}.scope"),
                Docker,
                ID,
                None,
            ),
            // containerd's CRI plugin, systemd driver, each QoS class.
            (
                format!(
                    "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{UID_}.slice/cri-containerd-{ID}.scope"
                ),
                Containerd,
                ID,
                Some(UID),
            ),
            (
                format!(
                    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{UID_}.slice/cri-containerd-{ID}.scope"
                ),
                Containerd,
                ID,
                Some(UID),
            ),
            (
                format!("/kubepods.slice/kubepods-pod{UID_}.slice/cri-containerd-{ID}.scope"),
                Containerd,
                ID,
                Some(UID),
            ),
            // The cgroupfs driver: the runtime is not in the path.
            (format!("/kubepods/besteffort/pod{UID}/{ID}"), Cri, ID, Some(UID)),
            (format!("/kubepods/burstable/pod{UID}/{ID}"), Cri, ID, Some(UID)),
            (format!("/kubepods/pod{UID}/{ID}"), Cri, ID, Some(UID)),
            // Static pods' UIDs are a 32-hex hash.
            (
                format!("/kubepods/pod6e25f2b7c0c7a8a5d1e8f0bd3c1c9c3f/{ID}"),
                Cri,
                ID,
                Some("6e25f2b7c0c7a8a5d1e8f0bd3c1c9c3f"),
            ),
            // kind/k3s: a kubelet inside a container or a service.
            (
                format!("/system.slice/docker-{ID2}.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod{UID_}.slice/cri-containerd-{ID}.scope"),
                Containerd,
                ID,
                Some(UID),
            ),
            // CRI-O, both drivers; dockershim.
            (
                format!("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{UID_}.slice/crio-{ID}.scope"),
                CriO,
                ID,
                Some(UID),
            ),
            (format!("/kubepods/burstable/pod{UID}/crio-{ID}"), CriO, ID, Some(UID)),
            (
                format!("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{UID_}.slice/docker-{ID}.scope"),
                Docker,
                ID,
                Some(UID),
            ),
            // podman: rootful systemd, rootless, cgroupfs (these machines), in a pod, and the
            // container's own sub-cgroup.
            (format!("/machine.slice/libpod-{ID}.scope"), Podman, ID, None),
            (
                format!("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-{ID}.scope"),
                Podman,
                ID,
                None,
            ),
            (format!("/libpod_parent/libpod-{ID}"), Podman, ID, None),
            (
                format!("/machine.slice/machine-libpod_pod_{ID2}.slice/libpod-{ID}.scope"),
                Podman,
                ID,
                None,
            ),
            (format!("/machine.slice/libpod-{ID}.scope/container"), Podman, ID, None),
            (format!("/machine.slice/libpod-{ID}.scope/container/init.scope"), Podman, ID, None),
        ]
    }

    #[test]
    fn container_paths() {
        for (path, runtime, id, uid) in containers() {
            let c = parse(&path).unwrap_or_else(|| panic!("{path}: no container"));
            assert_eq!((c.runtime, c.id.as_str()), (runtime, id), "{path}");
            assert_eq!(c.pod_uid.as_deref(), uid, "{path}");
            assert_eq!(
                (c.name, c.pod, c.namespace),
                (None, None, None),
                "{path}: guessed"
            );
        }
    }

    #[test]
    fn systemd_units() {
        let conmon = format!("libpod-conmon-{ID}.scope");
        let conmon_path = format!("/machine.slice/{conmon}");
        for (path, unit) in [
            (conmon_path.as_str(), conmon.as_str()),
            ("/system.slice/nginx.service", "nginx.service"),
            ("/system.slice/docker.service", "docker.service"),
            ("/system.slice/containerd.service", "containerd.service"),
            (
                "/user.slice/user-1000.slice/session-3.scope",
                "session-3.scope",
            ),
            (
                "/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service",
                "foo.service",
            ),
            (
                "/system.slice/system-getty.slice/getty@tty1.service",
                "getty@tty1.service",
            ),
            ("/machine.slice/machine-web.scope", "machine-web.scope"),
        ] {
            let c = parse(path).unwrap_or_else(|| panic!("{path}: no unit"));
            assert_eq!(c.runtime, Runtime::Systemd, "{path}");
            assert_eq!(
                (c.id.as_str(), c.name.as_deref()),
                (unit, Some(unit)),
                "{path}"
            );
        }
    }

    #[test]
    fn nothing_certain() {
        for path in [
            "/".to_owned(),
            String::new(),
            "/user.slice".to_owned(),
            "/kubepods.slice/kubepods-besteffort.slice".to_owned(),
            // ctr's `/<namespace>/<id>`: only containerd's own state can confirm it.
            "/default/web".to_owned(),
            format!("/default/{ID}"),
            // conmon, the runtime's monitor process (a plain scope with systemd's driver).
            format!("/kubepods/pod{UID}/crio-conmon-{ID}"),
            // ids that are not a runtime's: short, upper case, a pod folder's without kubepods.
            format!("/docker/{}", &ID[..12]),
            format!("/docker/{}", ID.to_uppercase()),
            format!("/other/pod{UID}/{ID}"),
            "/.scope".to_owned(),
        ] {
            assert_eq!(parse(&path), None, "{path}");
        }
    }

    #[test]
    fn a_bad_id_is_no_container() {
        // Still a systemd scope, which is all the path says.
        let c = parse(&format!("/system.slice/docker-{}.scope", &ID[1..])).unwrap();
        assert_eq!(c.runtime, Runtime::Systemd);
    }

    #[test]
    fn pod_uid_of_pod_level_cgroups() {
        assert_eq!(
            pod_uid(&format!(
                "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{UID_}.slice"
            ))
            .as_deref(),
            Some(UID)
        );
        assert_eq!(
            pod_uid(&format!("/kubepods/pod{UID}")).as_deref(),
            Some(UID)
        );
        assert_eq!(pod_uid("/kubepods.slice/kubepods-podnothex.slice"), None);
        assert_eq!(pod_uid("/system.slice/pod.service"), None);
    }
}
