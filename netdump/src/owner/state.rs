//! What container runtimes leave on disk about running containers: the OCI bundle's
//! `config.json`, with its cgroup path and the annotations the CRI runtimes copy the pod's
//! identity into.
//!
//! - containerd keeps a task's bundle at `<state>/io.containerd.runtime.v2.task/<ns>/<id>/`
//!   (`<state>` is /run/containerd). Its CRI plugin annotates `io.kubernetes.cri.sandbox-name`,
//!   `-namespace`, `-uid` and `io.kubernetes.cri.container-name`. A container started with
//!   `ctr run` has no naming convention (its cgroup is `/<ns>/<id>` or whatever `--cgroup`
//!   said), so the bundle's `linux.cgroupsPath` is what confirms it is a container at all.
//! - CRI-O and podman keep `<storage>/<driver>-containers/<id>/userdata/config.json`, in
//!   containers/storage's run root (/run/containers/storage) or graph root
//!   (/var/lib/containers/storage); CRI-O annotates `io.kubernetes.pod.name`, `.namespace`,
//!   `.uid` and `io.kubernetes.container.name`. Podman's bundles carry no labels: its names
//!   come from its API socket only.
//!
//! Names found here are the runtime's own record, read where the engine API is absent
//! (containerd's API is gRPC, which netdump does not speak).

use std::{
    fs,
    path::{Path, PathBuf},
};

use super::Names;

/// containerd's v2 shim tasks, below its state directory.
const CONTAINERD_TASKS: &str = "io.containerd.runtime.v2.task";
/// Bundles read at most in one scan of containerd's tasks.
const MAX_TASKS: usize = 16_384;
/// config.json files larger than this are skipped (they are a few KiB).
const MAX_CONFIG: u64 = 1 << 20;

/// Where the runtimes keep their state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateDirs {
    /// containerd's state directory (/run/containerd).
    pub containerd: PathBuf,
    /// containers/storage's run and graph roots, shared by CRI-O and podman.
    pub storage: Vec<PathBuf>,
}

impl Default for StateDirs {
    fn default() -> StateDirs {
        StateDirs {
            containerd: "/run/containerd".into(),
            storage: vec![
                "/run/containers/storage".into(),
                "/var/lib/containers/storage".into(),
            ],
        }
    }
}

/// A containerd task: its namespace, id and the cgroup its bundle asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub namespace: String,
    pub id: String,
    pub cgroup: String,
}

impl StateDirs {
    /// The names the bundles of container `id` record, if any runtime here has one.
    pub fn names(&self, id: &str) -> Option<Names> {
        if id.contains('/') || id.starts_with('.') {
            return None;
        }
        // One folder per storage driver: overlay-containers, vfs-containers, ...
        let storage = self
            .storage
            .iter()
            .flat_map(|root| subdirs(root))
            .filter(|d| {
                d.file_name()
                    .is_some_and(|n| n.to_string_lossy().ends_with("-containers"))
            })
            .map(|d| d.join(id).join("userdata/config.json"));
        let containerd = subdirs(&self.containerd.join(CONTAINERD_TASKS))
            .into_iter()
            .map(|ns| ns.join(id).join("config.json"));
        storage
            .chain(containerd)
            .find_map(|p| read_config(&p))
            .map(|config| names_from(&config))
            .filter(|n| *n != Names::default())
    }

    /// containerd's running tasks (every namespace), each with its bundle's cgroup path.
    pub fn containerd_tasks(&self) -> Vec<Task> {
        let mut tasks = Vec::new();
        for ns_dir in subdirs(&self.containerd.join(CONTAINERD_TASKS)) {
            let Some(namespace) = file_name(&ns_dir) else {
                continue;
            };
            for task_dir in subdirs(&ns_dir) {
                if tasks.len() >= MAX_TASKS {
                    return tasks;
                }
                let (Some(id), Some(config)) = (
                    file_name(&task_dir),
                    read_config(&task_dir.join("config.json")),
                ) else {
                    continue;
                };
                if let Some(cgroup) = config
                    .pointer("/linux/cgroupsPath")
                    .and_then(|c| c.as_str())
                {
                    tasks.push(Task {
                        namespace: namespace.clone(),
                        id,
                        cgroup: cgroup.to_owned(),
                    });
                }
            }
        }
        tasks
    }
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect()
}

fn file_name(p: &Path) -> Option<String> {
    p.file_name()?.to_str().map(str::to_owned)
}

fn read_config(path: &Path) -> Option<serde_json::Value> {
    if fs::metadata(path).ok()?.len() > MAX_CONFIG {
        return None;
    }
    serde_json::from_slice(&fs::read(path).ok()?).ok()
}

/// The pod and container names an OCI config's annotations carry, by either runtime's keys.
pub fn names_from(config: &serde_json::Value) -> Names {
    let get = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            config
                .pointer(&format!(
                    "/annotations/{}",
                    k.replace('~', "~0").replace('/', "~1")
                ))
                .and_then(|v| v.as_str())
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        })
    };
    Names {
        name: get(&[
            "io.kubernetes.cri.container-name",
            "io.kubernetes.container.name",
        ]),
        pod: get(&["io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name"]),
        namespace: get(&[
            "io.kubernetes.cri.sandbox-namespace",
            "io.kubernetes.pod.namespace",
        ]),
        pod_uid: get(&["io.kubernetes.cri.sandbox-uid", "io.kubernetes.pod.uid"]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("netdump-owner-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn containerd_cri_and_ctr_bundles() {
        let root = tmp("containerd");
        let dirs = StateDirs {
            containerd: root.clone(),
            storage: vec![root.join("none")],
        };
        let cri = root.join("io.containerd.runtime.v2.task/k8s.io/abc");
        fs::create_dir_all(&cri).unwrap();
        fs::write(
            cri.join("config.json"),
            r#"{"linux":{"cgroupsPath":"kubepods-besteffort-podu.slice:cri-containerd:abc"},
               "annotations":{"io.kubernetes.cri.container-name":"web","io.kubernetes.cri.sandbox-name":"web-7d9",
               "io.kubernetes.cri.sandbox-namespace":"shop","io.kubernetes.cri.sandbox-uid":"u-1"}}"#,
        )
        .unwrap();
        let ctr = root.join("io.containerd.runtime.v2.task/default/plain");
        fs::create_dir_all(&ctr).unwrap();
        fs::write(
            ctr.join("config.json"),
            r#"{"linux":{"cgroupsPath":"/default/plain"}}"#,
        )
        .unwrap();
        assert_eq!(
            dirs.names("abc"),
            Some(Names {
                name: Some("web".into()),
                pod: Some("web-7d9".into()),
                namespace: Some("shop".into()),
                pod_uid: Some("u-1".into()),
            })
        );
        assert_eq!(dirs.names("plain"), None, "no annotations: no names");
        assert_eq!(dirs.names("missing"), None);
        assert_eq!(dirs.names("../k8s.io/abc"), None);
        let mut tasks = dirs.containerd_tasks();
        tasks.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(tasks.len(), 2);
        assert_eq!(
            (tasks[1].namespace.as_str(), tasks[1].cgroup.as_str()),
            ("default", "/default/plain")
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn crio_bundle() {
        let root = tmp("crio");
        let dirs = StateDirs {
            containerd: root.join("none"),
            storage: vec![root.join("none"), root.clone()],
        };
        let d = root.join("overlay-containers/c1/userdata");
        fs::create_dir_all(&d).unwrap();
        fs::write(
            d.join("config.json"),
            r#"{"annotations":{"io.kubernetes.pod.name":"p","io.kubernetes.pod.namespace":"ns","io.kubernetes.container.name":"c"}}"#,
        )
        .unwrap();
        let n = dirs.names("c1").unwrap();
        assert_eq!(
            (n.name.as_deref(), n.pod.as_deref(), n.namespace.as_deref()),
            (Some("c"), Some("p"), Some("ns"))
        );
        fs::write(d.join("config.json"), "{not json").unwrap();
        assert_eq!(dirs.names("c1"), None);
        fs::remove_dir_all(&root).unwrap();
    }
}
