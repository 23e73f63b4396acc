//! cgroup ids to containers and pods ([`netdump::owner`]).
//!
//! Without root: a cgroup tree made of plain directories (an id is a directory's inode
//! number there too) and a fake Docker Engine API on a temporary unix socket: names and
//! labels, the cache, a daemon that never answers, no daemon at all, `ctr` tasks from
//! containerd's state files, and the owner filters.
//!
//! As root (`#[ignore]`, run by `cargo xtask test`, under /tmp/netdump-root.lock): a real
//! podman container (busybox rootfs imported, runc, `--network none`, kubelet's labels) and
//! `podman system service` on a temporary socket.

use std::{
    collections::HashMap,
    fs,
    io::{Read as _, Write as _},
    os::unix::{fs::MetadataExt as _, net::UnixListener},
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    thread,
    time::{Duration, Instant},
};

use netdump::owner::{Error, OwnerOptions, Owners, Runtime, Selector, StateDirs};

mod common;

use common::podman::Podman;

use common::TmpDir;

const ID: &str = "4990adbd3017c4d0b7e4c82bec992560c98eb0ee2bfe2ee0447cdc1e3b29b79b";
const ID2: &str = "49a0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8";
const ID3: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const UID: &str = "5c0e8a2d-7f41-4b3e-9a6c-1d2e3f4a5b6c";

/// How the fake daemon answers.
#[derive(Clone, Copy, PartialEq)]
enum Daemon {
    /// Inspect answers for the containers it knows, 404 for the rest.
    Answers,
    /// Accepts and reads, never answers.
    Silent,
}

/// A Docker Engine API stand-in on a unix socket: counts the requests it is sent.
struct FakeEngine {
    socket: PathBuf,
    requests: Arc<AtomicUsize>,
}

impl FakeEngine {
    fn start(socket: PathBuf, mode: Daemon, known: HashMap<String, String>) -> FakeEngine {
        let listener = UnixListener::bind(&socket).unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&requests);
        thread::spawn(move || {
            let mut held = Vec::new();
            for mut conn in listener.incoming().flatten() {
                let mut req = Vec::new();
                let mut buf = [0u8; 1024];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                count.fetch_add(1, Ordering::SeqCst);
                if mode == Daemon::Silent {
                    held.push(conn);
                    continue;
                }
                let text = String::from_utf8_lossy(&req);
                let target = text.split(' ').nth(1).unwrap_or_default();
                let key = target
                    .strip_prefix("/containers/")
                    .and_then(|t| t.strip_suffix("/json"))
                    .unwrap_or_default();
                let answer = match known.get(key) {
                    // Chunked, as podman's compat API sends it, in two chunks.
                    Some(body) => {
                        let (a, b) = body.split_at(body.len() / 2);
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
                            a.len(),
                            b.len()
                        )
                    }
                    None => {
                        let body = r#"{"message":"no such container"}"#;
                        format!(
                            "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        )
                    }
                };
                let _ = conn.write_all(answer.as_bytes());
            }
        });
        FakeEngine { socket, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn inspect_json(id: &str, name: &str, labels: &[(&str, &str)]) -> String {
    let labels: serde_json::Map<String, serde_json::Value> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).into()))
        .collect();
    serde_json::json!({"Id": id, "Name": format!("/{name}"), "Config": {"Labels": labels}})
        .to_string()
}

/// A cgroup tree of plain directories: a podman container split in two, a Docker one, a
/// kubelet pod of the cgroupfs driver, a systemd service, a `ctr` container.
fn tree(dir: &Path) -> PathBuf {
    let root = dir.join("cgroup");
    for d in [
        format!("libpod_parent/libpod-{ID}/container"),
        format!("system.slice/docker-{ID2}.scope"),
        format!("kubepods/besteffort/pod{UID}/{ID3}"),
        "system.slice/nginx.service".to_owned(),
        "default/plain".to_owned(),
    ] {
        fs::create_dir_all(root.join(d)).unwrap();
    }
    root
}

fn ino(p: &Path) -> u64 {
    fs::metadata(p).unwrap().ino()
}

fn options(root: &Path, sockets: Vec<PathBuf>, state: StateDirs) -> OwnerOptions {
    OwnerOptions {
        cgroup_root: Some(root.to_owned()),
        engine_sockets: sockets,
        state,
        api_timeout: Duration::from_millis(300),
        retry_after: Duration::from_secs(60),
        ..OwnerOptions::default()
    }
}

fn no_state(dir: &Path) -> StateDirs {
    StateDirs {
        containerd: dir.join("no-containerd"),
        storage: vec![dir.join("no-storage")],
    }
}

/// The fake daemon knowing the podman container (with the kubelet's labels) and the pod's.
fn engine(dir: &Path, mode: Daemon) -> FakeEngine {
    let known = HashMap::from([
        (
            ID.to_owned(),
            inspect_json(
                ID,
                "web",
                &[
                    ("io.kubernetes.pod.name", "web-pod"),
                    ("io.kubernetes.pod.namespace", "shop"),
                ],
            ),
        ),
        (
            ID3.to_owned(),
            inspect_json(
                ID3,
                "k8s_app_db-0_data_x_0",
                &[
                    ("io.kubernetes.pod.name", "db-0"),
                    ("io.kubernetes.pod.namespace", "data"),
                    ("io.kubernetes.pod.uid", "ignored: the path's UID wins"),
                ],
            ),
        ),
        (ID2.to_owned(), inspect_json(ID2, "cache", &[])),
    ]);
    FakeEngine::start(dir.join("engine.sock"), mode, known)
}

#[test]
fn names_and_pods_from_the_engine_api_cached() {
    let dir = TmpDir::new("owner-api");
    let root = tree(&dir);
    let daemon = engine(&dir, Daemon::Answers);
    // A missing socket first: skipped, the next one asked.
    let sockets = vec![dir.join("absent.sock"), daemon.socket.clone()];
    let owners = Owners::new(options(&root, sockets, no_state(&dir))).unwrap();

    let id = ino(&root.join(format!("libpod_parent/libpod-{ID}")));
    let info = owners
        .cgroup_blocking(id)
        .expect("the podman container's cgroup");
    assert_eq!(info.path, format!("/libpod_parent/libpod-{ID}"));
    let c = info.container.as_ref().unwrap();
    assert_eq!((c.id.as_str(), c.runtime), (ID, Runtime::Podman));
    assert_eq!(c.name.as_deref(), Some("web"));
    assert_eq!(
        (c.pod.as_deref(), c.namespace.as_deref()),
        (Some("web-pod"), Some("shop"))
    );
    assert_eq!(c.pod_uid, None);

    // Its sub-cgroup is the same container: one question to the daemon for both.
    let sub = owners
        .cgroup_blocking(ino(
            &root.join(format!("libpod_parent/libpod-{ID}/container"))
        ))
        .unwrap();
    assert_eq!(sub.container, info.container);
    assert_eq!(daemon.requests(), 1);
    assert_eq!(owners.cgroup_blocking(id), Some(info.clone()));
    assert_eq!(daemon.requests(), 1, "answers are cached");

    // A kubelet pod of the cgroupfs driver: the UID from the path, the rest from labels.
    let pod = owners
        .cgroup_blocking(ino(
            &root.join(format!("kubepods/besteffort/pod{UID}/{ID3}"))
        ))
        .unwrap();
    let c = pod.container.as_ref().unwrap();
    assert_eq!((c.runtime, c.pod_uid.as_deref()), (Runtime::Cri, Some(UID)));
    assert_eq!(
        (c.pod.as_deref(), c.namespace.as_deref()),
        (Some("db-0"), Some("data"))
    );

    // A systemd service: no question to the daemon.
    let before = daemon.requests();
    let svc = owners
        .cgroup_blocking(ino(&root.join("system.slice/nginx.service")))
        .unwrap();
    let c = svc.container.as_ref().unwrap();
    assert_eq!(
        (c.runtime, c.name.as_deref()),
        (Runtime::Systemd, Some("nginx.service"))
    );
    assert_eq!(daemon.requests(), before);

    // The root and an id that is no cgroup.
    assert_eq!(owners.cgroup_blocking(ino(&root)).unwrap().path, "/");
    assert_eq!(owners.cgroup_blocking(ino(&root)).unwrap().container, None);
    assert_eq!(owners.cgroup_blocking(u64::MAX), None);
    assert_eq!(owners.cgroup(0), None);
}

#[test]
fn background_lookups_never_block() {
    let dir = TmpDir::new("owner-bg");
    let root = tree(&dir);
    let daemon = engine(&dir, Daemon::Answers);
    let owners = Owners::new(options(&root, vec![daemon.socket.clone()], no_state(&dir))).unwrap();
    let id = ino(&root.join(format!("system.slice/docker-{ID2}.scope")));
    let start = Instant::now();
    assert_eq!(owners.cgroup(id), None, "unknown at first: queued");
    assert!(start.elapsed() < Duration::from_millis(50));
    let deadline = Instant::now() + Duration::from_secs(5);
    let info = loop {
        match owners.cgroup(id) {
            Some(i) if i.container.as_ref().is_some_and(|c| c.name.is_some()) => break i,
            _ => assert!(Instant::now() < deadline, "the worker never answered"),
        }
        thread::sleep(Duration::from_millis(10));
    };
    let c = info.container.as_ref().unwrap();
    assert_eq!(
        (c.id.as_str(), c.runtime, c.name.as_deref()),
        (ID2, Runtime::Docker, Some("cache"))
    );
    assert_eq!(daemon.requests(), 1);

    // A cgroup made after the first walk is found by a later one.
    fs::create_dir_all(root.join("system.slice/late.service")).unwrap();
    let late = ino(&root.join("system.slice/late.service"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while owners.cgroup(late).is_none() {
        assert!(Instant::now() < deadline, "a new cgroup was never found");
        thread::sleep(Duration::from_millis(20));
    }
    // Clones share the cache.
    assert_eq!(owners.clone().cgroup(id), Some(info));
}

#[test]
fn a_silent_daemon_costs_the_timeout_and_the_id_still_shows() {
    let dir = TmpDir::new("owner-silent");
    let root = tree(&dir);
    let daemon = engine(&dir, Daemon::Silent);
    let owners = Owners::new(options(&root, vec![daemon.socket.clone()], no_state(&dir))).unwrap();
    let id = ino(&root.join(format!("libpod_parent/libpod-{ID}")));

    // In the background: the id shows as soon as the walk is done, while the daemon is asked.
    let start = Instant::now();
    assert_eq!(owners.cgroup(id), None);
    let deadline = Instant::now() + Duration::from_secs(5);
    let info = loop {
        let call = Instant::now();
        let got = owners.cgroup(id);
        assert!(
            call.elapsed() < Duration::from_millis(20),
            "cgroup() blocked"
        );
        if let Some(i) = got {
            break i;
        }
        assert!(Instant::now() < deadline);
        thread::sleep(Duration::from_millis(5));
    };
    assert!(
        start.elapsed() < Duration::from_millis(300),
        "{:?}: waited for the daemon",
        start.elapsed()
    );
    let c = info.container.as_ref().unwrap();
    assert_eq!(
        (c.id.as_str(), c.runtime, c.name.as_ref()),
        (ID, Runtime::Podman, None)
    );

    // Blocking: at most the timeout (300 ms), then the same, without names.
    let start = Instant::now();
    let other = owners
        .cgroup_blocking(ino(&root.join(format!("system.slice/docker-{ID2}.scope"))))
        .unwrap();
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    assert_eq!(other.container.as_ref().unwrap().name, None);
    assert_eq!(other.container.as_ref().unwrap().id, ID2);
}

#[test]
fn a_failed_daemon_is_asked_again_an_unknowing_one_is_not() {
    let dir = TmpDir::new("owner-retry");
    let root = tree(&dir);
    let retry = Duration::from_millis(400);
    let ask = |daemon: &FakeEngine, id: u64| {
        let opts = OwnerOptions {
            api_timeout: Duration::from_millis(100),
            retry_after: retry,
            ..options(&root, vec![daemon.socket.clone()], no_state(&dir))
        };
        let owners = Owners::new(opts).unwrap();
        let mut counts = Vec::new();
        for _ in 0..2 {
            owners.cgroup_blocking(id).unwrap();
            owners.cgroup_blocking(id).unwrap();
            counts.push(daemon.requests());
            thread::sleep(retry + Duration::from_millis(100));
        }
        counts
    };
    let podman = ino(&root.join(format!("libpod_parent/libpod-{ID}")));
    let silent = FakeEngine::start(dir.join("silent.sock"), Daemon::Silent, HashMap::new());
    assert_eq!(
        ask(&silent, podman),
        vec![1, 2],
        "a timeout is retried, not at once"
    );
    let unknowing = FakeEngine::start(dir.join("empty.sock"), Daemon::Answers, HashMap::new());
    assert_eq!(ask(&unknowing, podman), vec![1, 1], "a 404 is final");
}

#[test]
fn without_a_runtime_the_id_and_pod_uid_show_and_nothing_is_guessed() {
    let dir = TmpDir::new("owner-none");
    let root = tree(&dir);
    let owners = Owners::new(options(
        &root,
        vec![dir.join("absent.sock")],
        no_state(&dir),
    ))
    .unwrap();
    for (path, runtime, id, uid) in [
        (
            format!("libpod_parent/libpod-{ID}"),
            Runtime::Podman,
            ID,
            None,
        ),
        (
            format!("kubepods/besteffort/pod{UID}/{ID3}"),
            Runtime::Cri,
            ID3,
            Some(UID),
        ),
    ] {
        let info = owners.cgroup_blocking(ino(&root.join(&path))).unwrap();
        let c = info.container.as_ref().unwrap();
        assert_eq!(
            (c.runtime, c.id.as_str(), c.pod_uid.as_deref()),
            (runtime, id, uid),
            "{path}"
        );
        assert_eq!(
            (&c.name, &c.pod, &c.namespace),
            (&None, &None, &None),
            "{path}"
        );
    }
    // ctr's /<namespace>/<id> is no container without containerd's record of it.
    let plain = owners
        .cgroup_blocking(ino(&root.join("default/plain")))
        .unwrap();
    assert_eq!(plain.container, None);
    assert!(matches!(
        owners.select(&Selector::container("web").unwrap()),
        Err(Error::NoContainer(_))
    ));
    assert!(matches!(
        owners.select(&Selector::pod("shop/web-pod").unwrap()),
        Err(Error::NoPod(_))
    ));
}

#[test]
fn ctr_and_cri_containers_from_containerd_state() {
    let dir = TmpDir::new("owner-containerd");
    let root = tree(&dir);
    let state = dir.join("containerd");
    let task = state.join("io.containerd.runtime.v2.task/default/plain");
    fs::create_dir_all(&task).unwrap();
    fs::write(
        task.join("config.json"),
        r#"{"linux":{"cgroupsPath":"/default/plain"}}"#,
    )
    .unwrap();
    let cri = state.join(format!("io.containerd.runtime.v2.task/k8s.io/{ID3}"));
    fs::create_dir_all(&cri).unwrap();
    fs::write(
        cri.join("config.json"),
        r#"{"annotations":{"io.kubernetes.cri.container-name":"db","io.kubernetes.cri.sandbox-name":"db-0","io.kubernetes.cri.sandbox-namespace":"data"}}"#,
    )
    .unwrap();
    let dirs = StateDirs {
        containerd: state,
        storage: vec![dir.join("no-storage")],
    };
    let owners = Owners::new(options(&root, vec![], dirs)).unwrap();
    let plain = owners
        .cgroup_blocking(ino(&root.join("default/plain")))
        .unwrap();
    let c = plain
        .container
        .as_ref()
        .expect("confirmed by containerd's task");
    assert_eq!(
        (c.runtime, c.id.as_str(), c.name.as_ref()),
        (Runtime::Containerd, "plain", None)
    );
    let db = owners
        .cgroup_blocking(ino(
            &root.join(format!("kubepods/besteffort/pod{UID}/{ID3}"))
        ))
        .unwrap();
    let c = db.container.as_ref().unwrap();
    assert_eq!(
        (
            c.name.as_deref(),
            c.pod.as_deref(),
            c.namespace.as_deref(),
            c.pod_uid.as_deref()
        ),
        (Some("db"), Some("db-0"), Some("data"), Some(UID))
    );
    assert_eq!(
        owners
            .select(&Selector::container("plain").unwrap())
            .unwrap(),
        vec![ino(&root.join("default/plain"))]
    );
}

#[test]
fn owner_filters_select_cgroups_with_descendants() {
    let dir = TmpDir::new("owner-select");
    let root = tree(&dir);
    let daemon = engine(&dir, Daemon::Answers);
    let owners = Owners::new(options(&root, vec![daemon.socket.clone()], no_state(&dir))).unwrap();
    let ids = |paths: &[String]| -> Vec<u64> {
        let mut v: Vec<u64> = paths.iter().map(|p| ino(&root.join(p))).collect();
        v.sort_unstable();
        v
    };
    let podman = ids(&[
        format!("libpod_parent/libpod-{ID}"),
        format!("libpod_parent/libpod-{ID}/container"),
    ]);
    let sel = |f: fn(&str) -> Result<Selector, Error>, v: &str| owners.select(&f(v).unwrap());

    assert_eq!(sel(Selector::container, "web").unwrap(), podman, "by name");
    assert_eq!(sel(Selector::container, ID).unwrap(), podman, "by id");
    assert_eq!(
        sel(Selector::container, &ID[..12]).unwrap(),
        podman,
        "by id prefix"
    );
    assert_eq!(
        sel(Selector::container, "cache").unwrap(),
        ids(&[format!("system.slice/docker-{ID2}.scope")])
    );
    let e = sel(Selector::container, "49").unwrap_err().to_string();
    assert_eq!(e, "--container 49: the ids of several containers start so (4990adbd3017, 49a0c1d2e3f4); give more of the id");
    assert!(matches!(
        sel(Selector::container, "nope"),
        Err(Error::NoContainer(_))
    ));

    assert_eq!(sel(Selector::pod, "shop/web-pod").unwrap(), podman);
    assert_eq!(sel(Selector::pod, "web-pod").unwrap(), podman);
    assert!(matches!(
        sel(Selector::pod, "other/web-pod"),
        Err(Error::NoPod(_))
    ));
    // A kubelet pod: its containers and the pod's own cgroup.
    assert_eq!(
        sel(Selector::pod, "data/db-0").unwrap(),
        ids(&[
            format!("kubepods/besteffort/pod{UID}"),
            format!("kubepods/besteffort/pod{UID}/{ID3}")
        ])
    );

    let slice = ids(&[
        "system.slice".to_owned(),
        "system.slice/nginx.service".to_owned(),
        format!("system.slice/docker-{ID2}.scope"),
    ]);
    assert_eq!(sel(Selector::cgroup, "/system.slice").unwrap(), slice);
    assert_eq!(sel(Selector::cgroup, "system.slice/").unwrap(), slice);
    assert_eq!(
        sel(
            Selector::cgroup,
            root.join("system.slice").to_str().unwrap()
        )
        .unwrap(),
        slice
    );
    assert_eq!(
        sel(Selector::cgroup, "/").unwrap().len(),
        13,
        "every cgroup"
    );
    let e = sel(Selector::cgroup, "/system.slice/nope.service")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!(
            "--cgroup /system.slice/nope.service: no such cgroup under {}",
            root.display()
        )
    );
}

#[test]
fn the_v2_mount_comes_from_the_mount_table() {
    let dir = TmpDir::new("owner-mounts");
    let root = tree(&dir);
    let mounts = dir.join("mounts");
    fs::write(
        &mounts,
        format!(
            "tmpfs /sys/fs/cgroup tmpfs rw 0 0\ncgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\ncgroup2 {} cgroup2 rw 0 0\n",
            root.display()
        ),
    )
    .unwrap();
    let opts = OwnerOptions {
        mounts: mounts.clone(),
        ..OwnerOptions::default()
    };
    assert_eq!(Owners::new(opts.clone()).unwrap().root(), root);
    fs::write(&mounts, "cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n").unwrap();
    let e = Owners::new(opts).unwrap_err().to_string();
    assert!(
        e.starts_with("no cgroup v2 hierarchy is mounted (none in"),
        "{e}"
    );
    // This machine's own table has one, wherever it is.
    let here = Owners::new(OwnerOptions::default()).unwrap();
    assert!(
        here.root().join("cgroup.procs").exists(),
        "{}",
        here.root().display()
    );
}

// ---- as root: a real podman container ----

/// The v2 cgroup a process is in, as a directory under the v2 mount.
fn v2_cgroup_of(pid: &str, mount: &Path) -> PathBuf {
    let text = fs::read_to_string(format!("/proc/{pid}/cgroup")).unwrap();
    let rel = text
        .lines()
        .find_map(|l| l.strip_prefix("0::"))
        .expect("a cgroup v2 line");
    mount.join(rel.trim_start_matches('/'))
}

#[test]
#[ignore = "needs root and podman; run by cargo xtask test"]
fn a_real_podman_container_and_its_pod() {
    let mut podman = Podman::new();
    podman.import_busybox();
    let socket = podman.serve();
    let name = format!("netdump-owner-{}", std::process::id());
    let id = podman.start(
        &name,
        &[
            "io.kubernetes.pod.name=web-pod",
            "io.kubernetes.pod.namespace=shop",
        ],
    );
    assert!(netdump::owner::path::is_container_id(&id), "{id}");
    let pid = podman.run(&["inspect", "--format", "{{.State.Pid}}", &name]);

    let owners = Owners::new(OwnerOptions {
        engine_sockets: vec![socket.clone()],
        state: StateDirs {
            containerd: podman.dir.join("no-containerd"),
            storage: vec![podman.dir.join("root"), podman.dir.join("runroot")],
        },
        ..OwnerOptions::default()
    })
    .unwrap();
    let dir = v2_cgroup_of(&pid, owners.root());
    let cgroup_id = ino(&dir);
    // The id BPF programs see (the kernfs node id, from the file handle) is the inode number.
    assert_eq!(netdump::sys::cgroup::id_of(&dir).unwrap(), cgroup_id);
    assert_eq!(
        dir.file_name().unwrap().to_str().unwrap(),
        format!("libpod-{id}")
    );

    let info = owners
        .cgroup_blocking(cgroup_id)
        .expect("the container's cgroup");
    assert_eq!(info.path, format!("{}/libpod-{id}", podman.parent));
    let c = info.container.as_ref().unwrap();
    assert_eq!((c.id.as_str(), c.runtime), (id.as_str(), Runtime::Podman));
    assert_eq!(c.name.as_deref(), Some(name.as_str()));
    assert_eq!(
        (c.pod.as_deref(), c.namespace.as_deref()),
        (Some("web-pod"), Some("shop"))
    );

    // The capture's path: not blocking, the same answer once the worker has it.
    let other = Owners::new(OwnerOptions {
        engine_sockets: vec![socket],
        ..OwnerOptions::default()
    })
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while other
        .cgroup(cgroup_id)
        .and_then(|i| i.container.clone())
        .and_then(|c| c.name)
        .is_none()
    {
        assert!(
            Instant::now() < deadline,
            "the worker never named the container"
        );
        thread::sleep(Duration::from_millis(20));
    }

    for sel in [
        Selector::container(&name).unwrap(),
        Selector::container(&id[..12]).unwrap(),
        Selector::pod("shop/web-pod").unwrap(),
        Selector::pod("web-pod").unwrap(),
    ] {
        assert_eq!(owners.select(&sel).unwrap(), vec![cgroup_id], "{sel}");
    }
    assert!(matches!(
        owners.select(&Selector::pod("other/web-pod").unwrap()),
        Err(Error::NoPod(_))
    ));
    assert_eq!(
        owners
            .select(&Selector::cgroup(&podman.parent).unwrap())
            .unwrap(),
        {
            let mut v = vec![ino(dir.parent().unwrap()), cgroup_id];
            v.sort_unstable();
            v
        }
    );

    // A container started after the walks: the kernel's count of cgroups changed, so the
    // next unknown id walks again at once.
    let late_name = format!("{name}-late");
    let late_id = podman.start(&late_name, &[]);
    let late_pid = podman.run(&["inspect", "--format", "{{.State.Pid}}", &late_name]);
    let late_cgroup = ino(&v2_cgroup_of(&late_pid, owners.root()));
    let start = Instant::now();
    let late = loop {
        if let Some(i) = other
            .cgroup(late_cgroup)
            .filter(|i| i.container.as_ref().is_some_and(|c| c.name.is_some()))
        {
            break i;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the late container was never found"
        );
        thread::sleep(Duration::from_millis(10));
    };
    let c = late.container.as_ref().unwrap();
    assert_eq!(
        (c.id.as_str(), c.name.as_deref(), &c.pod),
        (late_id.as_str(), Some(late_name.as_str()), &None)
    );
    eprintln!("late container named after {:?}", start.elapsed());

    // Without the socket: the id, no names.
    let bare = Owners::new(OwnerOptions {
        engine_sockets: vec![],
        state: StateDirs {
            containerd: podman.dir.join("no-containerd"),
            storage: vec![podman.dir.join("root"), podman.dir.join("runroot")],
        },
        ..OwnerOptions::default()
    })
    .unwrap();
    let c = bare
        .cgroup_blocking(cgroup_id)
        .unwrap()
        .container
        .clone()
        .unwrap();
    assert_eq!(
        (c.id.as_str(), c.runtime, &c.name, &c.pod),
        (id.as_str(), Runtime::Podman, &None, &None)
    );
}
