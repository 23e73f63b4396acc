//! Attribution during a live capture: attach the recording hooks, fill the selection maps,
//! seed the sockets that existed before the capture, and sweep released sockets' entries
//! every half second on a thread of its own (map fds are enough: it runs after the
//! privileges are dropped); that thread also resolves `--cgroup`, `--container` and `--pod`
//! again every 2 s, so cgroups made after the start (a container started or restarted, a
//! service's new sub-cgroup) join the selection.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    thread::JoinHandle,
    time::Duration,
};

use aya::Ebpf;
use netdump_common::owner::OwnerCounters;

use thiserror::Error;

use crate::{
    kernel::{
        attach::owner::{self as hooks, Support},
        owner_maps::{self, OwnerMapError, OwnerMaps, Sizes},
        OwnerOptions,
    },
    owner::{self as lookup, Owners, Selector},
    sys::time::{now_ns, Clock},
};

/// How often (in sweeper ticks of 500 ms) owner filters look for cgroups made since.
const RESELECT_TICKS: u64 = 4;

#[derive(Debug, Error)]
pub enum OwnerRunError {
    #[error(transparent)]
    Maps(#[from] OwnerMapError),
    /// A `--cgroup`, `--container` or `--pod` that selects nothing, or no cgroup v2.
    #[error(transparent)]
    Select(#[from] lookup::Error),
}

/// Where the owner module looks: the hooks' cgroup v2 root, and the Docker-compatible API
/// sockets in `NETDUMP_ENGINE_SOCKETS` (colon-separated, tried first) before the usual ones
/// (a podman or dockerd serving elsewhere, and the tests' own).
fn lookup_options(cgroup_root: Option<std::path::PathBuf>) -> lookup::OwnerOptions {
    let mut o = lookup::OwnerOptions {
        cgroup_root,
        ..lookup::OwnerOptions::default()
    };
    if let Some(extra) = std::env::var_os("NETDUMP_ENGINE_SOCKETS") {
        let mut sockets: Vec<std::path::PathBuf> = std::env::split_paths(&extra).collect();
        sockets.append(&mut o.engine_sockets);
        o.engine_sockets = sockets;
    }
    o
}

/// `--cgroup`, `--container` and `--pod` as the owner module's selectors.
fn selectors(opts: &OwnerOptions) -> Result<Vec<Selector>, lookup::Error> {
    let mut v = Vec::new();
    for c in &opts.cgroups {
        v.push(Selector::cgroup(c)?);
    }
    for c in &opts.containers {
        v.push(Selector::container(c)?);
    }
    for p in &opts.pods {
        v.push(Selector::pod(p)?);
    }
    Ok(v)
}

/// What the exit note reports.
#[derive(Clone, Copy, Debug, Default)]
pub struct OwnerReport {
    pub counters: OwnerCounters,
    pub peak: Sizes,
    pub last: Sizes,
    pub seeded: usize,
}

/// The running attribution: its maps, behind the sweeper.
pub struct OwnerRun {
    maps: Arc<Mutex<OwnerMaps>>,
    stop: Arc<AtomicBool>,
    sweeper: Option<JoinHandle<()>>,
    seeded: usize,
    /// cgroup ids to paths and containers (none without cgroup v2).
    pub owners: Option<Owners>,
    /// Keeps a private cgroup v2 mount (`/proc/self/fd/N`) reachable for `owners`.
    _root_dir: Option<std::fs::File>,
}

impl OwnerRun {
    /// Attaches the hooks (printing the probe's line when incomplete), fills the selection
    /// maps and seeds the maps. `None` when attribution is off.
    pub fn start(ebpf: &mut Ebpf, opts: &OwnerOptions) -> Result<Option<OwnerRun>, OwnerRunError> {
        if !opts.on {
            return Ok(None);
        }
        let attached = hooks::attach(ebpf);
        if let Some(w) = attached.support.warning() {
            eprintln!("{w}");
        }
        // cgroup ids → paths, containers and pods, on a worker thread; the root the hooks
        // found (also a private mount's, which no mount table shows).
        let selectors = selectors(opts)?;
        let owners = match Owners::new(lookup_options(attached.cgroup_root.clone())) {
            Ok(o) => Some(o),
            // An owner filter without cgroup v2 cannot select anything: say why.
            Err(e) if !selectors.is_empty() => return Err(e.into()),
            Err(e) => {
                log::debug!("attribution: no cgroup names: {e}");
                None
            }
        };
        let mut cgroups = Vec::new();
        if let Some(o) = &owners {
            for sel in &selectors {
                cgroups.extend(o.select(sel)?);
            }
        }
        owner_maps::select(ebpf, &opts.pids, &opts.uids, &cgroups)?;
        // The selectors again every few seconds: cgroups made since join the selection.
        let reselect = match &owners {
            Some(o) if !selectors.is_empty() => Some((
                o.clone(),
                selectors.clone(),
                owner_maps::CgroupSelection::take(ebpf, &cgroups)?,
            )),
            _ => None,
        };
        let mut maps = OwnerMaps::take(ebpf)?;
        let seeded = if matches!(attached.support, Support::None(_)) {
            0
        } else {
            let existing = owner_maps::existing_sockets(attached.cgroup_root.as_deref());
            // Have the cgroups of the sockets already there named before their packets come.
            if let Some(o) = &owners {
                for (_, owner) in &existing {
                    let _ = o.cgroup(owner.cgroup);
                }
            }
            maps.seed(&existing)
        };
        let maps = Arc::new(Mutex::new(maps));
        let stop = Arc::new(AtomicBool::new(false));
        let sweeper = {
            let (maps, stop) = (maps.clone(), stop.clone());
            let mut reselect = reselect;
            std::thread::Builder::new()
                .name("netdump-owner-sweep".into())
                .spawn(move || {
                    let mut tick = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(500));
                        if let Ok(mut m) = maps.lock() {
                            m.sweep(now_ns(Clock::Monotonic) as u64);
                        }
                        tick += 1;
                        if let Some((owners, selectors, selection)) = reselect.as_mut() {
                            if tick.is_multiple_of(RESELECT_TICKS) {
                                for sel in selectors.iter() {
                                    // A container gone since selects nothing: nothing to add.
                                    if let Ok(ids) = owners.select(sel) {
                                        selection.add(&ids);
                                    }
                                }
                            }
                        }
                    }
                })
                .ok()
        };
        Ok(Some(OwnerRun {
            maps,
            stop,
            sweeper,
            seeded,
            owners,
            _root_dir: attached.root_dir,
        }))
    }

    /// Stops the sweeper after a last sweep; the counters and sizes for the exit note.
    pub fn finish(&mut self) -> OwnerReport {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.sweeper.take() {
            let _ = t.join();
        }
        let Ok(mut m) = self.maps.lock() else {
            return OwnerReport::default();
        };
        let last = m.sweep(now_ns(Clock::Monotonic) as u64);
        OwnerReport {
            counters: m.counters(),
            peak: m.peak(),
            last,
            seeded: self.seeded,
        }
    }
}

impl Drop for OwnerRun {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The exit lines: how many captured packets had no owner (`unattributed`, counted as their
/// records were read), how many the owner filter kept out in the kernel, and (with
/// `NETDUMP_OWNER_MAPS` set) the maps' sizes.
pub fn write_exit_lines(
    w: &mut impl std::io::Write,
    r: &OwnerReport,
    unattributed: u64,
    filtering: bool,
) -> std::io::Result<()> {
    writeln!(w, "{unattributed} packets unattributed")?;
    if filtering {
        writeln!(w, "{} packets filtered out by owner", r.counters.filtered)?;
    }
    if std::env::var_os("NETDUMP_OWNER_MAPS").is_some() {
        writeln!(
            w,
            "owner maps: seeded {}; peak sockets {} flows {} ports {} seen ports {}; at exit sockets {} flows {} ports {} seen ports {}",
            r.seeded, r.peak.socks, r.peak.flows, r.peak.ports, r.peak.seen, r.last.socks, r.last.flows, r.last.ports, r.last.seen
        )?;
    }
    Ok(())
}
