//! Attribution's maps seen from userspace: filled at start-up with the sockets that existed
//! before the capture (sock_diag in every network namespace, owners from `/proc`), swept of
//! released sockets after a grace period, sized for the exit note, and the owner filter's
//! selection sets.
//!
//! Why sock_diag and /proc rather than a BPF iterator: the task_file iterator would give
//! every socket with its task in one pass, but reading `task_struct` and `struct sock`
//! fields needs CO-RE relocations aya-ebpf lacks (offsets by hand from BTF, as `--drops`
//! does, for a dozen fields across two structures), while inet_diag reports exactly the
//! cookie the kernel's helpers use. The cost is a /proc walk once at start.

use std::{
    collections::{HashMap as StdHashMap, HashSet},
    fs::File,
    net::IpAddr,
    os::fd::AsFd as _,
    os::unix::fs::MetadataExt as _,
    path::{Path, PathBuf},
    sync::atomic::Ordering,
    time::Duration,
};

use aya::{
    maps::{HashMap, MapData, MapError, PerCpuArray},
    Ebpf,
};
use netdump_common::owner::{
    names, owner_flags, seen, FlowKey, ListenerKey, OwnerCounters, OwnerEntry, OwnerInfo, PortKey,
    SockEntry,
};
use thiserror::Error;

use crate::sys::{
    mmap::{page_size, Access, Mapping},
    sockdiag::{self, DiagSocket},
};

/// What the command line asks of attribution.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnerOptions {
    /// Look owners up and carry them in samples (`--context` or any owner filter).
    pub on: bool,
    /// `--context`: show them.
    pub context: bool,
    /// `--pid`.
    pub pids: Vec<u32>,
    /// `--uid`.
    pub uids: Vec<u32>,
    /// `--pname`, NUL-padded.
    pub pname: Option<[u8; 16]>,
    /// `--cgroup` paths, relative to the cgroup v2 mount.
    pub cgroups: Vec<String>,
    /// `--container` ids or names.
    pub containers: Vec<String>,
    /// `--pod` names (`NAME` or `NAMESPACE/NAME`).
    pub pods: Vec<String>,
}

impl OwnerOptions {
    /// The `OWNER_FILTER` bits.
    pub fn filter_bits(&self) -> u8 {
        use netdump_common::owner::owner_filter;
        let mut f = 0;
        if !self.pids.is_empty() {
            f |= owner_filter::PID;
        }
        if !self.uids.is_empty() {
            f |= owner_filter::UID;
        }
        if self.pname.is_some() {
            f |= owner_filter::PNAME;
        }
        if !self.cgroups.is_empty() || !self.containers.is_empty() || !self.pods.is_empty() {
            f |= owner_filter::CGROUP;
        }
        f
    }
}

#[derive(Debug, Error)]
pub enum OwnerMapError {
    #[error("the BPF object has no map {0}")]
    Missing(&'static str),
    #[error("owner map {name}: {source}")]
    Map {
        name: &'static str,
        #[source]
        source: MapError,
    },
    #[error("mapping owner map {name}: {source}")]
    Mmap {
        name: &'static str,
        #[source]
        source: std::io::Error,
    },
}

/// How long a released socket's entries stay: packets queued behind a veth or still in a
/// qdisc when the process closed (or exited) find their owner meanwhile.
pub const GRACE: Duration = Duration::from_secs(2);

/// Entries in each map, now and at their highest this run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sizes {
    pub socks: usize,
    pub flows: usize,
    pub ports: usize,
    /// Ports with a seen byte set (`OWNER_SEEN`), of any class.
    pub seen: usize,
}

impl Sizes {
    fn max(self, o: Sizes) -> Sizes {
        Sizes {
            socks: self.socks.max(o.socks),
            flows: self.flows.max(o.flows),
            ports: self.ports.max(o.ports),
            seen: self.seen.max(o.seen),
        }
    }
}

/// A bit per (seen class, port).
struct PortBits(Vec<u64>);

impl PortBits {
    fn new() -> PortBits {
        PortBits(vec![0; (seen::CLASSES as usize) << 10])
    }

    fn at(class: u32, port: u16) -> (usize, u64) {
        let i = ((class as usize) << 16) | usize::from(port);
        (i >> 6, 1 << (i & 63))
    }

    fn set(&mut self, class: u32, port: u16) {
        let (i, bit) = Self::at(class, port);
        self.0[i] |= bit;
    }

    fn has(&self, class: u32, port: u16) -> bool {
        let (i, bit) = Self::at(class, port);
        self.0[i] & bit != 0
    }
}

/// The `OWNER_PORTS` protocol of a seen class.
fn class_proto(class: u32) -> u8 {
    match class {
        seen::TCP => libc::IPPROTO_TCP as u8,
        seen::UDP => libc::IPPROTO_UDP as u8,
        seen::ICMP => libc::IPPROTO_ICMP as u8,
        _ => libc::IPPROTO_ICMPV6 as u8,
    }
}

/// The owner maps, taken out of the object (the programs keep their own references).
pub struct OwnerMaps {
    socks: HashMap<MapData, u64, SockEntry>,
    flows: HashMap<MapData, FlowKey, OwnerEntry>,
    ports: HashMap<MapData, PortKey, OwnerEntry>,
    listeners: HashMap<MapData, ListenerKey, OwnerEntry>,
    counters: PerCpuArray<MapData, OwnerCounters>,
    /// `OWNER_SEEN`, mapped read-write: the seed sets bytes with one-byte stores, as the
    /// kernel does.
    seen: Mapping,
    peak: Sizes,
}

fn take<K: aya::Pod, V: aya::Pod>(
    ebpf: &mut Ebpf,
    name: &'static str,
) -> Result<HashMap<MapData, K, V>, OwnerMapError> {
    let map = ebpf.take_map(name).ok_or(OwnerMapError::Missing(name))?;
    HashMap::try_from(map).map_err(|source| OwnerMapError::Map { name, source })
}

impl OwnerMaps {
    pub fn take(ebpf: &mut Ebpf) -> Result<OwnerMaps, OwnerMapError> {
        let counters = ebpf
            .take_map(names::OWNER_COUNTERS)
            .ok_or(OwnerMapError::Missing(names::OWNER_COUNTERS))?;
        Ok(OwnerMaps {
            socks: take(ebpf, names::OWNER_SOCKS)?,
            flows: take(ebpf, names::OWNER_FLOWS)?,
            ports: take(ebpf, names::OWNER_PORTS)?,
            listeners: take(ebpf, names::OWNER_LISTENERS)?,
            counters: PerCpuArray::try_from(counters).map_err(|source| OwnerMapError::Map {
                name: names::OWNER_COUNTERS,
                source,
            })?,
            seen: map_seen(ebpf)?,
            peak: Sizes::default(),
        })
    }

    /// Sets the seen byte of `port` in `class` and counts a change under `port`, as the
    /// kernel does after its inserts.
    fn mark_seen(&self, class: u32, port: u16) {
        let at = seen_offset(class, port);
        if at < self.seen.len() {
            // SAFETY: within the mapping; a one-byte store into shared memory the kernel also
            // only ever sets bytes of.
            unsafe { self.seen.as_ptr().add(at).write_volatile(1) };
        }
        self.changed(port);
    }

    /// Clears the seen byte of `port` in `class` (the word changes with it, so what the
    /// programs cached under the port is stale).
    fn clear_seen(&self, class: u32, port: u16) {
        let at = seen_offset(class, port);
        if at < self.seen.len() {
            // SAFETY: within the mapping; a one-byte store, as the kernel's.
            unsafe { self.seen.as_ptr().add(at).write_volatile(0) };
        }
    }

    /// Ports with any seen byte set.
    fn seen_ports(&self) -> usize {
        let words = self.seen.len() / seen::WORD as usize;
        (0..words)
            .filter(|&w| {
                self.seen
                    .atomic_u64(w * seen::WORD as usize)
                    .is_some_and(|v| v.load(Ordering::Relaxed) & (seen::CHANGE - 1) != 0)
            })
            .count()
    }

    /// Counts a change to the entries under `port` ([`seen::CHANGE`]): what the programs
    /// cached of lookups under it is stale.
    fn changed(&self, port: u16) {
        if let Some(word) = self.seen.atomic_u64(seen_offset(0, port)) {
            word.fetch_add(seen::CHANGE, Ordering::SeqCst);
        }
    }

    /// The kernel's attribution counters, summed over CPUs.
    pub fn counters(&self) -> OwnerCounters {
        let mut sum = OwnerCounters::default();
        if let Ok(per_cpu) = self.counters.get(&0, 0) {
            for c in per_cpu.iter() {
                sum.add(c);
            }
        }
        sum
    }

    /// Adds the sockets `seed` found, without replacing what the kernel recorded meanwhile.
    /// Returns how many sockets got an owner.
    pub fn seed(&mut self, sockets: &[(DiagSocket, OwnerInfo)]) -> usize {
        const NOEXIST: u64 = 1; // BPF_NOEXIST
        let mut n = 0;
        for (s, owner) in sockets {
            let e = OwnerEntry {
                owner: *owner,
                cookie: s.cookie,
                closed_ns: 0,
            };
            let mut se = SockEntry {
                entry: e,
                ..SockEntry::default()
            };
            let tcp = s.proto == libc::IPPROTO_TCP as u8;
            if tcp && s.remote_port != 0 {
                if let Some(k) = flow_key(s) {
                    let _ = self.flows.insert(k, e, NOEXIST);
                    self.mark_seen(seen::FLOW, k.local_port);
                    se.flow = k;
                    se.has_flow = 1;
                }
            } else if s.local_port != 0 && (!tcp || s.state == TCP_LISTEN) {
                let k = PortKey {
                    proto: s.proto,
                    _pad: 0,
                    port: s.local_port,
                };
                if self.ports.insert(k, e, NOEXIST).is_err() {
                    // Taken: by another process's open socket, the key is ambiguous (as the
                    // kernel's inserts decide).
                    if self
                        .ports
                        .get(&k, 0)
                        .is_ok_and(|old| old.conflicts_with(&e))
                    {
                        let unknown = OwnerEntry {
                            owner: OwnerInfo::default(),
                            ..e
                        };
                        let _ = self.ports.insert(k, unknown, 0);
                    }
                }
                if let Some(class) = seen::class_of(k.proto) {
                    self.mark_seen(class, k.port);
                }
                se.port = k;
            }
            if self.socks.insert(s.cookie, se, NOEXIST).is_ok() {
                n += 1;
            }
        }
        self.sweep(0);
        n
    }

    /// Deletes entries of sockets released more than [`GRACE`] before `now_ns`
    /// (CLOCK_MONOTONIC, as the kernel's), and notes the sizes. Runs without privileges
    /// (map fds are enough on 5.19+ kernels; earlier ones keep entries until LRU eviction).
    pub fn sweep(&mut self, now_ns: u64) -> Sizes {
        let grace = GRACE.as_nanos() as u64;
        let stale = |e: &OwnerEntry| e.closed_ns != 0 && now_ns > e.closed_ns + grace;
        let mut kept = PortBits::new();
        let (socks, _) = sweep_map(&mut self.socks, &|e: &SockEntry| stale(&e.entry), |_| ());
        let (flows, gone_flows) = sweep_map(&mut self.flows, &stale, |k| {
            kept.set(seen::FLOW, k.local_port)
        });
        let (ports, gone_ports) = sweep_map(&mut self.ports, &stale, |k| {
            if let Some(class) = seen::class_of(k.proto) {
                kept.set(class, k.port);
            }
        });
        let (listeners, _) = sweep_map(&mut self.listeners, &stale, |_| ());
        // Packets are looked up in flows and ports (listeners only serve the hooks): a port
        // whose last entry of a class went has that class's seen byte cleared, so the seen
        // bytes do not fill up over a long capture (ephemeral ports, one flow each) until
        // every packet pays the hash lookups.
        let gone = gone_flows.iter().map(|k| (seen::FLOW, k.local_port)).chain(
            gone_ports
                .iter()
                .filter_map(|k| Some((seen::class_of(k.proto)?, k.port))),
        );
        let mut cleared = PortBits::new();
        let mut cleared_list = Vec::new();
        for (class, port) in gone {
            if !kept.has(class, port) && !cleared.has(class, port) {
                cleared.set(class, port);
                cleared_list.push((class, port));
                self.clear_seen(class, port);
            }
        }
        self.restore_seen(&cleared, &cleared_list);
        for port in gone_flows.iter().map(|k| k.local_port) {
            self.changed(port);
        }
        for port in gone_ports.iter().map(|k| k.port) {
            self.changed(port);
        }
        let sizes = Sizes {
            socks,
            flows,
            // Listeners by namespace count with the ports they also have an entry in.
            ports: ports + listeners,
            seen: self.seen_ports(),
        };
        self.peak = self.peak.max(sizes);
        sizes
    }

    /// Sets back the cleared seen bytes (`list`, and as bits `cleared`) whose class has an
    /// entry under the port now: one the kernel added between the sweep's look at the maps
    /// and the clear, whose byte the kernel set before the clear overwrote it (one added after
    /// the clear sets its byte itself).
    fn restore_seen(&self, cleared: &PortBits, list: &[(u32, u16)]) {
        if list.iter().any(|&(class, _)| class == seen::FLOW) {
            for (k, _) in self.flows.iter().flatten() {
                if cleared.has(seen::FLOW, k.local_port) {
                    self.mark_seen(seen::FLOW, k.local_port);
                }
            }
        }
        for &(class, port) in list.iter().filter(|&&(class, _)| class != seen::FLOW) {
            let k = PortKey {
                proto: class_proto(class),
                _pad: 0,
                port,
            };
            if self.ports.get(&k, 0).is_ok() {
                self.mark_seen(class, port);
            }
        }
    }

    /// The largest sizes [`sweep`](Self::sweep) saw.
    pub fn peak(&self) -> Sizes {
        self.peak
    }
}

const TCP_LISTEN: u8 = 10;

/// Where `port`'s byte of `class` lies in the `OWNER_SEEN` mapping (class 0: its word).
fn seen_offset(class: u32, port: u16) -> usize {
    let (i, b) = seen::slot(class, port);
    i as usize * seen::LINE as usize + b
}

/// Maps `OWNER_SEEN` (a BPF_F_MMAPABLE array) read-write.
fn map_seen(ebpf: &Ebpf) -> Result<Mapping, OwnerMapError> {
    let name = names::OWNER_SEEN;
    let err = |source: std::io::Error| OwnerMapError::Mmap { name, source };
    let map = ebpf.map(name).ok_or(OwnerMapError::Missing(name))?;
    let data = match map {
        aya::maps::Map::Array(d) => d,
        _ => return Err(err(std::io::Error::other("not an array"))),
    };
    let info = data.info().map_err(|e| err(std::io::Error::other(e)))?;
    let fd = info.fd().map_err(|e| err(std::io::Error::other(e)))?;
    let len = (info.max_entries() as usize * info.value_size() as usize).div_ceil(page_size())
        * page_size();
    Mapping::shared(fd.as_fd(), len, 0, Access::ReadWrite).map_err(err)
}

/// Deletes the stale entries: how many are left, and the keys deleted; `kept` sees every
/// key left.
fn sweep_map<K: aya::Pod + Copy, V: aya::Pod>(
    map: &mut HashMap<MapData, K, V>,
    stale: &impl Fn(&V) -> bool,
    mut kept: impl FnMut(&K),
) -> (usize, Vec<K>) {
    let mut gone = Vec::new();
    let mut total = 0;
    for (k, v) in map.iter().flatten() {
        total += 1;
        if stale(&v) {
            gone.push(k);
        } else {
            kept(&k);
        }
    }
    for k in &gone {
        let _ = map.remove(k);
    }
    (total - gone.len(), gone)
}

fn flow_key(s: &DiagSocket) -> Option<FlowKey> {
    let mut k = FlowKey {
        local_port: s.local_port,
        remote_port: s.remote_port,
        ..FlowKey::default()
    };
    match (canonical(s.local), canonical(s.remote)) {
        (IpAddr::V4(l), IpAddr::V4(r)) => {
            k.version = 4;
            k.local[..4].copy_from_slice(&l.octets());
            k.remote[..4].copy_from_slice(&r.octets());
        }
        (IpAddr::V6(l), IpAddr::V6(r)) => {
            k.version = 6;
            k.local = l.octets();
            k.remote = r.octets();
        }
        _ => return None,
    }
    Some(k)
}

/// An IPv4-mapped IPv6 address as the IPv4 address its packets carry.
fn canonical(a: IpAddr) -> IpAddr {
    match a {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(a),
        v4 => v4,
    }
}

/// The sockets that exist now in every network namespace a process is in, each with the
/// process holding it (the lowest pid when several do). Sockets no process holds (kernel
/// ones, or being closed) are left out.
pub fn existing_sockets(cgroup_root: Option<&Path>) -> Vec<(DiagSocket, OwnerInfo)> {
    let procs = processes();
    let mut sockets = Vec::new();
    let mut seen_ns = HashSet::new();
    for p in &procs {
        if !seen_ns.insert(p.netns) {
            continue;
        }
        let Ok(ns) = File::open(format!("/proc/{}/ns/net", p.pid)) else {
            continue;
        };
        match sockdiag::in_netns(ns, sockdiag::inet_sockets) {
            Ok(Ok(mut s)) => sockets.append(&mut s),
            Ok(Err(e)) | Err(e) => log::debug!("sock_diag in pid {}'s namespace: {e}", p.pid),
        }
    }
    let mut owner_of: StdHashMap<u64, (u32, u32)> = StdHashMap::new();
    let wanted: HashSet<u64> = sockets.iter().map(|s| u64::from(s.inode)).collect();
    for p in &procs {
        for inode in socket_inodes(p.pid) {
            if wanted.contains(&inode) {
                owner_of.entry(inode).or_insert((p.pid, p.uid));
            }
        }
    }
    let mut cache: StdHashMap<u32, OwnerInfo> = StdHashMap::new();
    sockets
        .into_iter()
        .filter_map(|s| {
            let (pid, _uid) = *owner_of.get(&u64::from(s.inode))?;
            let owner = *cache
                .entry(pid)
                .or_insert_with(|| process_owner(pid, s.uid, cgroup_root));
            Some((s, owner))
        })
        .collect()
}

struct Proc {
    pid: u32,
    uid: u32,
    netns: u64,
}

fn processes() -> Vec<Proc> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out: Vec<Proc> = dir
        .flatten()
        .filter_map(|e| {
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let netns = std::fs::metadata(format!("/proc/{pid}/ns/net")).ok()?.ino();
            let uid = std::fs::metadata(e.path()).ok()?.uid();
            Some(Proc { pid, uid, netns })
        })
        .collect();
    out.sort_by_key(|p| p.pid);
    out
}

/// The inodes of the sockets process `pid` holds open.
fn socket_inodes(pid: u32) -> Vec<u64> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| {
            let link = std::fs::read_link(e.path()).ok()?;
            let s = link.to_str()?;
            s.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
        })
        .collect()
}

/// A process as an owner record, read from /proc.
fn process_owner(pid: u32, uid: u32, cgroup_root: Option<&Path>) -> OwnerInfo {
    let mut comm = [0u8; 16];
    if let Ok(c) = std::fs::read(format!("/proc/{pid}/comm")) {
        let c = c.strip_suffix(b"\n").unwrap_or(&c);
        let n = c.len().min(15);
        comm[..n].copy_from_slice(&c[..n]);
    }
    let cgroup = cgroup_root
        .and_then(|root| {
            let text = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
            let path = cgroup_v2_path(&text)?;
            let dir: PathBuf = root.join(path.trim_start_matches('/'));
            Some(std::fs::metadata(dir).ok()?.ino())
        })
        .unwrap_or(0);
    OwnerInfo {
        tgid: pid,
        tid: pid,
        uid,
        flags: owner_flags::KNOWN | owner_flags::PREEXISTING,
        cgroup,
        comm,
    }
}

/// The v2 path in a `/proc/PID/cgroup` text: the `0::PATH` line.
pub fn cgroup_v2_path(text: &str) -> Option<&str> {
    text.lines().find_map(|l| l.strip_prefix("0::"))
}

/// The selection maps of the owner filter.
pub fn select(
    ebpf: &mut Ebpf,
    pids: &[u32],
    uids: &[u32],
    cgroups: &[u64],
) -> Result<(), OwnerMapError> {
    fill(ebpf, names::OWNER_PIDS, pids)?;
    fill(ebpf, names::OWNER_UIDS, uids)?;
    fill(ebpf, names::OWNER_CGROUPS, cgroups)
}

/// `OWNER_CGROUPS`, kept after the start so cgroups made later (a container started, or a
/// service restarted, after the capture began) join the selection.
pub struct CgroupSelection {
    map: HashMap<MapData, u64, u8>,
    have: std::collections::BTreeSet<u64>,
}

impl CgroupSelection {
    /// Takes the map, which [`select`] filled with `ids`.
    pub fn take(ebpf: &mut Ebpf, ids: &[u64]) -> Result<CgroupSelection, OwnerMapError> {
        let name = names::OWNER_CGROUPS;
        let map = ebpf.take_map(name).ok_or(OwnerMapError::Missing(name))?;
        let map = HashMap::try_from(map).map_err(|source| OwnerMapError::Map { name, source })?;
        Ok(CgroupSelection {
            map,
            have: ids.iter().copied().collect(),
        })
    }

    /// Adds the ids not selected yet; how many. (Ids of removed cgroups stay: cgroup ids are
    /// never reused.)
    pub fn add(&mut self, ids: &[u64]) -> usize {
        let mut n = 0;
        for &id in ids {
            if !self.have.contains(&id) && self.map.insert(id, 1, 0).is_ok() {
                self.have.insert(id);
                n += 1;
            }
        }
        n
    }
}

fn fill<K: aya::Pod + Copy>(
    ebpf: &mut Ebpf,
    name: &'static str,
    keys: &[K],
) -> Result<(), OwnerMapError> {
    if keys.is_empty() {
        return Ok(());
    }
    let map = ebpf.map_mut(name).ok_or(OwnerMapError::Missing(name))?;
    let mut map: HashMap<&mut MapData, K, u8> =
        HashMap::try_from(map).map_err(|source| OwnerMapError::Map { name, source })?;
    for k in keys {
        map.insert(*k, 1, 0)
            .map_err(|source| OwnerMapError::Map { name, source })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgroup_line() {
        let t = "12:pids:/user.slice\n1:name=systemd:/x\n0::/netdump-test/a\n";
        assert_eq!(cgroup_v2_path(t), Some("/netdump-test/a"));
        assert_eq!(cgroup_v2_path("1:cpu:/\n"), None);
    }

    #[test]
    fn port_bits_are_per_class_and_port() {
        let mut b = PortBits::new();
        b.set(seen::UDP, 53);
        b.set(seen::ICMPV6, u16::MAX);
        assert!(b.has(seen::UDP, 53));
        assert!(!b.has(seen::TCP, 53) && !b.has(seen::UDP, 54) && !b.has(seen::UDP, 52));
        assert!(b.has(seen::ICMPV6, u16::MAX) && !b.has(seen::ICMP, u16::MAX));
        assert_eq!(class_proto(seen::UDP), 17);
    }

    #[test]
    fn mapped_flows_key_as_ipv4() {
        let s = DiagSocket {
            proto: 6,
            state: 1,
            local: "::ffff:198.18.0.1".parse().unwrap(),
            local_port: 80,
            remote: "::ffff:198.18.0.2".parse().unwrap(),
            remote_port: 40000,
            cookie: 1,
            inode: 1,
            uid: 0,
        };
        let k = flow_key(&s).unwrap();
        assert_eq!(k.version, 4);
        assert_eq!(&k.local[..4], &[198, 18, 0, 1]);
        assert_eq!(k.local[4..], [0; 12]);
    }
}
