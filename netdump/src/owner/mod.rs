//! Who owns a packet, the userspace half: a cgroup v2 id (which the kernel records per
//! socket) becomes its cgroup path and, from that, the container or systemd unit and the
//! Kubernetes pod; owner filters (`--cgroup`, `--container`, `--pod`) become the cgroup ids
//! the kernel matches.
//!
//! [`Owners`] never blocks the capture: [`Owners::cgroup`] answers from a cache and queues
//! unknown ids for a worker thread, which walks the hierarchy ([`hierarchy`]), reads the
//! container's identity from the path ([`path`]), then asks the runtime for names: the
//! Docker-compatible Engine API over its unix socket ([`engine`]: Docker, podman), then the
//! bundles the runtimes keep on disk ([`state`]: containerd's CRI plugin, CRI-O, and `ctr`
//! containers, which only containerd's own record identifies). Without either, the container
//! id and the pod UID from the path still show; names are never guessed.

pub mod engine;
pub mod hierarchy;
pub mod mounts;
pub mod path;
mod select;
pub mod state;

use std::{
    collections::{HashMap, HashSet},
    fmt, fs, io,
    path::PathBuf,
    sync::{
        mpsc::{self, Receiver, SyncSender},
        Arc, Mutex, PoisonError, RwLock,
    },
    thread,
    time::{Duration, Instant},
};

use thiserror::Error;

pub use hierarchy::Hierarchy;
pub use select::Selector;
pub use state::StateDirs;

/// cgroups and containers remembered at most; past it the caches start over (bounded memory
/// whatever a host does).
const CACHE_MAX: usize = 65_536;
/// Ids waiting for the worker at most; past it an id is queued again by a later packet.
const QUEUE_MAX: usize = 4_096;
/// The hierarchy is walked again for an unknown id at most this often in the background...
const WALK_INTERVAL: Duration = Duration::from_millis(100);
/// ...and, while the root's count of descendants stays what it was at the last walk, at
/// most this often: a walk of 2,000 cgroups takes ~17 ms, and ids no walk finds (dying
/// cgroups, another cgroup namespace's) keep coming back.
const QUIET_WALK_INTERVAL: Duration = Duration::from_secs(1);
/// An id the last walk did not find is queued again after this long.
const MISSING_RETRY: Duration = Duration::from_millis(500);
/// containerd's task list is read again at most this often.
const TASKS_INTERVAL: Duration = Duration::from_secs(1);

#[derive(Debug, Error)]
pub enum Error {
    #[error("read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("no cgroup v2 hierarchy is mounted (none in {mounts}): process and container attribution needs cgroup v2, pure or hybrid")]
    NoV2Mount { mounts: PathBuf },
    #[error("start the cgroup worker thread: {0}")]
    Spawn(#[source] io::Error),
    #[error("{flag} {value:?}: {why}")]
    BadSelector {
        flag: &'static str,
        value: String,
        why: &'static str,
    },
    #[error("--cgroup {path}: no such cgroup under {root}")]
    NoCgroup { path: String, root: PathBuf },
    #[error("--container {0}: no running container has this id or name")]
    NoContainer(String),
    #[error(
        "--container {prefix}: the ids of several containers start so ({ids}); give more of the id"
    )]
    Ambiguous { prefix: String, ids: String },
    #[error("--pod {0}: no running container belongs to a pod of this name (pod names come from the runtime's API socket or its state files)")]
    NoPod(String),
}

/// A cgroup and what owns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CgroupInfo {
    /// The cgroup v2 id (its directory's inode number).
    pub id: u64,
    /// From the hierarchy's root, as /proc/PID/cgroup writes it (`/system.slice/x.service`).
    pub path: String,
    pub container: Option<Container>,
}

/// A container, or a systemd service or scope, and its Kubernetes pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    /// The runtime's id (64 hex digits), a `ctr` container's id, or the systemd unit's name.
    pub id: String,
    /// The runtime's name for it (Docker's and podman's `--name`, the Kubernetes container
    /// name), only as the runtime says.
    pub name: Option<String>,
    pub runtime: Runtime,
    /// The Kubernetes pod's name and namespace, from the runtime (labels, annotations).
    pub pod: Option<String>,
    pub namespace: Option<String>,
    /// The pod's UID: in the kubelet's cgroup path, or from the runtime.
    pub pod_uid: Option<String>,
}

/// Who made the cgroup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Runtime {
    Docker,
    /// containerd: its CRI plugin (`cri-containerd-ID.scope`) or `ctr`.
    Containerd,
    CriO,
    Podman,
    /// A container under a kubelet pod folder of the cgroupfs driver, whose path does not
    /// say which CRI runtime made it.
    Cri,
    /// A systemd service or scope, not a container.
    Systemd,
}

impl Runtime {
    /// The name JSON and `--context` show.
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Docker => "docker",
            Runtime::Containerd => "containerd",
            Runtime::CriO => "cri-o",
            Runtime::Podman => "podman",
            Runtime::Cri => "cri",
            Runtime::Systemd => "systemd",
        }
    }

    /// Whether the Docker-compatible Engine API may know its containers.
    fn has_engine_api(self) -> bool {
        matches!(self, Runtime::Docker | Runtime::Podman | Runtime::Cri)
    }
}

impl fmt::Display for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The names a runtime knows for a container.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    pub name: Option<String>,
    pub pod: Option<String>,
    pub namespace: Option<String>,
    pub pod_uid: Option<String>,
}

/// Where to look. Tests point every path at temporary files.
#[derive(Clone, Debug)]
pub struct OwnerOptions {
    /// The mount table to find the v2 hierarchy in.
    pub mounts: PathBuf,
    /// The hierarchy's mount point, instead of looking for it in `mounts`.
    pub cgroup_root: Option<PathBuf>,
    /// Docker-compatible Engine API sockets, asked in order (the first that knows a
    /// container answers).
    pub engine_sockets: Vec<PathBuf>,
    /// The runtimes' state directories.
    pub state: StateDirs,
    /// How long one question to a runtime may take.
    pub api_timeout: Duration,
    /// A container whose runtime failed to answer (timed out, refused) is asked again
    /// after this long; one that no runtime knows is not.
    pub retry_after: Duration,
}

impl Default for OwnerOptions {
    fn default() -> OwnerOptions {
        OwnerOptions {
            mounts: "/proc/mounts".into(),
            cgroup_root: None,
            engine_sockets: vec![
                "/run/docker.sock".into(),
                "/var/run/docker.sock".into(),
                "/run/podman/podman.sock".into(),
            ],
            state: StateDirs::default(),
            api_timeout: Duration::from_millis(500),
            retry_after: Duration::from_secs(5),
        }
    }
}

/// cgroup ids to owners, cached, with a worker thread that fills the cache. Cheap to clone;
/// the worker ends when the last clone is dropped.
#[derive(Clone, Debug)]
pub struct Owners {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    shared: Arc<Shared>,
    queue: SyncSender<u64>,
}

impl Owners {
    /// Finds the cgroup v2 mount (or takes `opts.cgroup_root`) and starts the worker.
    pub fn new(opts: OwnerOptions) -> Result<Owners, Error> {
        let root = match &opts.cgroup_root {
            Some(root) => root.clone(),
            None => {
                let text = fs::read_to_string(&opts.mounts).map_err(|source| Error::Read {
                    path: opts.mounts.clone(),
                    source,
                })?;
                mounts::find_v2(&text).ok_or_else(|| Error::NoV2Mount {
                    mounts: opts.mounts.clone(),
                })?
            }
        };
        let shared = Arc::new(Shared {
            hierarchy: Hierarchy::new(root),
            opts,
            index: Mutex::default(),
            cache: RwLock::default(),
            names: Mutex::default(),
            pending: Mutex::default(),
            tasks: Mutex::default(),
        });
        let (queue, rx) = mpsc::sync_channel(QUEUE_MAX);
        let worker = Arc::clone(&shared);
        thread::Builder::new()
            .name("netdump-owners".into())
            .spawn(move || worker.serve(rx))
            .map_err(Error::Spawn)?;
        Ok(Owners {
            inner: Arc::new(Inner { shared, queue }),
        })
    }

    /// Where the v2 hierarchy is mounted.
    pub fn root(&self) -> &std::path::Path {
        self.inner.shared.hierarchy.root()
    }

    /// What is known about `cgroup_id` now, never blocking: an unknown id (or one whose
    /// names a runtime has not given yet) is queued for the worker, and a later call shows
    /// what it found.
    pub fn cgroup(&self, cgroup_id: u64) -> Option<Arc<CgroupInfo>> {
        self.cgroup_final(cgroup_id).0
    }

    /// [`cgroup`](Self::cgroup), and whether what it names is final (nothing more will be
    /// asked of the hierarchy or the runtime for it), so a caller may keep it.
    pub fn cgroup_final(&self, cgroup_id: u64) -> (Option<Arc<CgroupInfo>>, bool) {
        if cgroup_id == 0 {
            return (None, false);
        }
        let shared = &self.inner.shared;
        let known = read(&shared.cache).get(&cgroup_id).map(|e| {
            // An id not in the hierarchy may be a cgroup made since: walk again soon.
            let retry = if e.info.is_some() {
                shared.opts.retry_after
            } else {
                MISSING_RETRY
            };
            let due = !e.complete && e.at.elapsed() >= retry;
            (e.info.clone(), due, e.complete)
        });
        let (info, due, complete) = known.unwrap_or((None, true, false));
        if due
            && lock(&shared.pending).insert(cgroup_id)
            && self.inner.queue.try_send(cgroup_id).is_err()
        {
            lock(&shared.pending).remove(&cgroup_id);
        }
        (info, complete)
    }

    /// The same, waiting for the walk and the runtime's answer (files, start-up).
    pub fn cgroup_blocking(&self, cgroup_id: u64) -> Option<Arc<CgroupInfo>> {
        if cgroup_id == 0 {
            return None;
        }
        let shared = &self.inner.shared;
        if let Some(e) = read(&shared.cache).get(&cgroup_id) {
            // Found and final, or recently not in the hierarchy at all (no walk per call).
            if e.complete || (e.info.is_none() && e.at.elapsed() < MISSING_RETRY) {
                return e.info.clone();
            }
        }
        shared.resolve(cgroup_id, true)
    }

    /// The cgroup ids an owner filter selects now, each with its descendants, sorted.
    pub fn select(&self, sel: &Selector) -> Result<Vec<u64>, Error> {
        select::resolve(&self.inner.shared, sel)
    }
}

/// A cache entry: what the worker found (None: not in the hierarchy) and whether it is final.
#[derive(Debug)]
struct Entry {
    info: Option<Arc<CgroupInfo>>,
    /// Nothing more to learn: no container, or its names are in.
    complete: bool,
    at: Instant,
}

/// A runtime's answer for one container (None: nobody knew it, or a daemon failed), and
/// when it was asked.
#[derive(Debug)]
struct NamesEntry {
    names: Option<Names>,
    /// Nobody knew it, and nobody failed to answer: not asked again.
    settled: bool,
    at: Instant,
}

#[derive(Debug, Default)]
struct Index {
    paths: HashMap<u64, String>,
    walked: Option<Instant>,
    /// The root's `nr_descendants` when it was walked.
    descendants: Option<u64>,
}

#[derive(Debug)]
struct Shared {
    opts: OwnerOptions,
    hierarchy: Hierarchy,
    /// The last walk's id → path.
    index: Mutex<Index>,
    cache: RwLock<HashMap<u64, Entry>>,
    /// Container id → names.
    names: Mutex<HashMap<String, NamesEntry>>,
    /// Ids queued for the worker.
    pending: Mutex<HashSet<u64>>,
    tasks: Mutex<(Vec<state::Task>, Option<Instant>)>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// The worker: resolves queued ids until every `Owners` is gone.
    fn serve(&self, rx: Receiver<u64>) {
        while let Ok(id) = rx.recv() {
            self.resolve(id, false);
            lock(&self.pending).remove(&id);
        }
    }

    /// Finds `id`'s path, container and names, and caches them. `fresh` walks the
    /// hierarchy for an unknown id however recently it was walked.
    fn resolve(&self, id: u64, fresh: bool) -> Option<Arc<CgroupInfo>> {
        let Some(path) = self.path_of(id, fresh) else {
            self.store(id, None, false);
            return None;
        };
        let container = self.identify(&path);
        let mut info = CgroupInfo {
            id,
            path,
            container,
        };
        let Some(c) = info
            .container
            .as_ref()
            .filter(|c| c.runtime != Runtime::Systemd)
        else {
            return self.store(id, Some(info), true);
        };
        if !lock(&self.names).contains_key(&c.id) {
            // First sight of this container: show its id while the runtime is asked.
            self.store(id, Some(info.clone()), false);
        }
        let (names, complete) = self.names_of(c);
        if let Some(c) = info.container.as_mut() {
            merge(c, names);
        }
        self.store(id, Some(info), complete)
    }

    fn store(&self, id: u64, info: Option<CgroupInfo>, complete: bool) -> Option<Arc<CgroupInfo>> {
        let info = info.map(Arc::new);
        let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= CACHE_MAX && !cache.contains_key(&id) {
            cache.clear();
        }
        cache.insert(
            id,
            Entry {
                info: info.clone(),
                complete,
                at: Instant::now(),
            },
        );
        info
    }

    /// `id`'s path from the last walk, walking again if it is not there (at most every
    /// [`WALK_INTERVAL`] unless `fresh`).
    fn path_of(&self, id: u64, fresh: bool) -> Option<String> {
        {
            let index = lock(&self.index);
            if let Some(p) = index.paths.get(&id) {
                return Some(p.clone());
            }
            let since = index.walked.map(|t| t.elapsed());
            let quiet =
                || index.descendants.is_some() && self.hierarchy.descendants() == index.descendants;
            if !fresh
                && since.is_some_and(|s| s < WALK_INTERVAL || (s < QUIET_WALK_INTERVAL && quiet()))
            {
                return None;
            }
        }
        self.walk().remove(&id)
    }

    /// Walks the hierarchy now and keeps the result as the index.
    fn walk(&self) -> HashMap<u64, String> {
        let descendants = self.hierarchy.descendants();
        let paths = self.hierarchy.walk();
        let mut index = lock(&self.index);
        index.paths = paths.clone();
        index.walked = Some(Instant::now());
        index.descendants = descendants;
        paths
    }

    /// The container a path belongs to: its naming convention, or containerd's record of a
    /// task that asked for exactly this cgroup (`ctr run`).
    fn identify(&self, path: &str) -> Option<Container> {
        path::parse(path).or_else(|| {
            let mut tasks = lock(&self.tasks);
            if tasks.1.is_none_or(|t| t.elapsed() >= TASKS_INTERVAL) {
                *tasks = (self.opts.state.containerd_tasks(), Some(Instant::now()));
            }
            let want = path.trim_matches('/');
            tasks
                .0
                .iter()
                .find(|t| t.cgroup.trim_matches('/') == want)
                .map(|t| Container {
                    id: t.id.clone(),
                    name: None,
                    runtime: Runtime::Containerd,
                    pod: None,
                    namespace: None,
                    pod_uid: None,
                })
        })
    }

    /// A container's names, cached per container, and whether they are final (found).
    fn names_of(&self, c: &Container) -> (Names, bool) {
        if let Some(e) = lock(&self.names).get(&c.id) {
            match &e.names {
                Some(n) => return (n.clone(), true),
                None if e.settled => return (Names::default(), true),
                None if e.at.elapsed() < self.opts.retry_after => return (Names::default(), false),
                None => {}
            }
        }
        let (found, failed) = self.ask_runtime(c);
        let mut names = lock(&self.names);
        if names.len() >= CACHE_MAX {
            names.clear();
        }
        names.insert(
            c.id.clone(),
            NamesEntry {
                names: found.clone(),
                settled: !failed,
                at: Instant::now(),
            },
        );
        let complete = found.is_some() || !failed;
        (found.unwrap_or_default(), complete)
    }

    /// Asks the Engine API sockets that exist, then the runtimes' state files; and whether
    /// a daemon failed to answer (worth asking again), as opposed to none knowing the
    /// container (a runtime knows its containers before it makes their cgroups).
    fn ask_runtime(&self, c: &Container) -> (Option<Names>, bool) {
        let mut failed = false;
        if c.runtime.has_engine_api() {
            let mut asked = HashSet::new();
            for socket in &self.opts.engine_sockets {
                // /var/run is /run on most hosts: ask each daemon once.
                let Ok(real) = fs::canonicalize(socket) else {
                    continue;
                };
                if !asked.insert(real.clone()) {
                    continue;
                }
                match engine::inspect(&real, &c.id, self.opts.api_timeout) {
                    Ok(Some(i)) => return (Some(names_from_labels(i)), false),
                    Ok(None) => {}
                    Err(e) => {
                        log::debug!("container {}: {}: {e}", c.id, real.display());
                        failed = true;
                    }
                }
            }
        }
        (self.opts.state.names(&c.id), failed)
    }
}

/// The names an Engine API answer carries: the container's name, and the pod from the
/// labels the kubelet sets.
fn names_from_labels(i: engine::Inspect) -> Names {
    let label = |k: &str| i.labels.get(k).filter(|v| !v.is_empty()).cloned();
    Names {
        pod: label("io.kubernetes.pod.name"),
        namespace: label("io.kubernetes.pod.namespace"),
        pod_uid: label("io.kubernetes.pod.uid"),
        name: i.name,
    }
}

/// Adds a runtime's names to what the path said (the path's pod UID stays).
fn merge(c: &mut Container, n: Names) {
    c.name = n.name;
    c.pod = n.pod;
    c.namespace = n.namespace;
    if c.pod_uid.is_none() {
        c.pod_uid = n.pod_uid;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_can_be_shared_across_threads() {
        fn shared<T: Send + Sync + Clone>() {}
        shared::<Owners>();
        fn sendable<T: Send + Sync>() {}
        sendable::<Arc<CgroupInfo>>();
    }

    #[test]
    fn labels_to_names() {
        let i = engine::Inspect {
            id: "x".into(),
            name: Some("web".into()),
            labels: [
                ("io.kubernetes.pod.name", "p"),
                ("io.kubernetes.pod.namespace", ""),
                ("io.kubernetes.pod.uid", "u"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        };
        let n = names_from_labels(i);
        assert_eq!(
            (
                n.name.as_deref(),
                n.pod.as_deref(),
                n.namespace,
                n.pod_uid.as_deref()
            ),
            (Some("web"), Some("p"), None, Some("u")),
            "an empty label is no name"
        );
        let mut c = path::parse("/kubepods/pod6e25f2b7c0c7a8a5d1e8f0bd3c1c9c3f/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef").unwrap();
        merge(
            &mut c,
            Names {
                pod_uid: Some("other".into()),
                ..Names::default()
            },
        );
        assert_eq!(
            c.pod_uid.as_deref(),
            Some("6e25f2b7c0c7a8a5d1e8f0bd3c1c9c3f"),
            "the path's UID stays"
        );
    }
}
