//! Attribution: which process owns the socket a packet belongs to.
//!
//! Owners are recorded where the kernel runs in the owning process's context, so a process
//! that exits a millisecond after sending is already recorded:
//! - `cgroup/sock_create` (every inet socket): cookie → owner, in `OWNER_SOCKS`;
//! - `cgroup/post_bind4/6` and the sockops `TCP_LISTEN_CB`: (protocol, local port) → owner, in
//!   `OWNER_PORTS`;
//! - the sockops `TCP_CONNECT_CB` (in `connect()`, before the SYN) and `*_ESTABLISHED_CB`:
//!   the 4-tuple → owner, in `OWNER_FLOWS`; an accepted socket (created in softirq, no process)
//!   takes its listener's owner, found by local port;
//! - `cgroup_skb/egress`: a socket's first packet gives the port no hook above saw (UDP
//!   autobound by sendmsg or connect; for ping sockets the echo id) → the socket's owner;
//! - `cgroup/sock_release` marks a socket's entries released; userspace deletes them after a
//!   grace period (packets still queued behind a veth find their owner meanwhile).
//!
//! Per captured packet, [`lookup`] tries the skb's own socket (egress in the socket's
//! namespace), then the TCP flow with the source as the local end, then the destination,
//! then the (protocol, port) of the source, then of the destination: the sender first. An
//! ICMP error is looked up by the packet it quotes (whose source is the local end), so an
//! unreachable or a time exceeded names the process whose packet died.

use aya_ebpf::{
    bindings::{bpf_sock_ops, BPF_F_MMAPABLE},
    helpers::{
        bpf_get_current_comm, bpf_get_current_pid_tgid, bpf_get_current_uid_gid,
        generated::{
            bpf_get_current_cgroup_id, bpf_get_netns_cookie, bpf_get_smp_processor_id,
            bpf_get_socket_cookie, bpf_ktime_get_ns,
        },
    },
    macros::map,
    maps::{Array, HashMap, LruHashMap, PerCpuArray},
    programs::{sk_buff::SkBuff, SockContext, SockOpsContext},
    EbpfContext, Global,
};
use netdump_common::owner::{
    owner_filter, owner_flags, seen, sock_flow, FlowKey, ListenerKey, OwnerCounters, OwnerEntry,
    OwnerInfo, PortKey, SockEntry, OWNER_MAP_ENTRIES, OWNER_SELECT_ENTRIES,
};

use core::mem::MaybeUninit;

use crate::helpers::{skb_load_bytes, skb_load_bytes_relative, Bytes};

/// Socket cookie → owner.
#[map]
pub static OWNER_SOCKS: LruHashMap<u64, SockEntry> =
    LruHashMap::with_max_entries(OWNER_MAP_ENTRIES, 0);

/// TCP 4-tuple (local first) → owner.
#[map]
pub static OWNER_FLOWS: LruHashMap<FlowKey, OwnerEntry> =
    LruHashMap::with_max_entries(OWNER_MAP_ENTRIES, 0);

/// (protocol, local port or echo id) → owner.
#[map]
pub static OWNER_PORTS: LruHashMap<PortKey, OwnerEntry> =
    LruHashMap::with_max_entries(OWNER_MAP_ENTRIES, 0);

/// TCP listeners by (namespace, port) → owner: what an accepted socket takes.
#[map]
pub static OWNER_LISTENERS: LruHashMap<ListenerKey, OwnerEntry> =
    LruHashMap::with_max_entries(OWNER_SELECT_ENTRIES, 0);

/// Non-zero: sockops programs may call `bpf_get_netns_cookie` (5.15); a constant to the
/// verifier, which then never sees the call on older kernels.
#[unsafe(no_mangle)]
pub static OWNER_NETNS_OK: Global<u8> = Global::new(0);

/// Non-zero: sockops programs may ask for the current task (`bpf_get_current_pid_tgid`,
/// `_uid_gid`, `_comm`, `_cgroup_id`: 6.10); before, the verifier refuses the whole program, so
/// older kernels never see the calls and take a socket's owner from `cgroup/sock_create`.
#[unsafe(no_mangle)]
pub static OWNER_OPS_CURRENT: Global<u8> = Global::new(0);

/// The current task as a sockops program's owner, where the kernel lets it ask.
#[inline(always)]
fn ops_current() -> Option<OwnerInfo> {
    if OWNER_OPS_CURRENT.load() == 0 {
        return None;
    }
    Some(current())
}

/// The sockops socket's namespace cookie; 0 where the kernel cannot tell.
#[inline(always)]
fn ops_netns(ctx: &SockOpsContext) -> u64 {
    if OWNER_NETNS_OK.load() == 0 {
        return 0;
    }
    // SAFETY: the program's context, of a type the helper accepts (5.15+, checked above).
    unsafe { bpf_get_netns_cookie(ctx.as_ptr()) }
}

/// The owner of the listener on `port` in the namespace `netns`, else of any listener on
/// `port` (sockets that were listening before the capture are keyed by port alone).
#[inline(always)]
fn listener_owner(netns: u64, port: &PortKey) -> Option<OwnerInfo> {
    if netns != 0 {
        let key = ListenerKey {
            netns,
            port: port.port,
            _pad: [0; 6],
        };
        if let Some(o) = known(OWNER_LISTENERS.get_ptr_mut(key)) {
            return Some(o);
        }
    }
    known(OWNER_PORTS.get_ptr_mut(*port))
}

/// [`seen`] bytes: which ports the maps above may hold, so most packets of unknown owners
/// skip their hash lookups.
#[map]
pub static OWNER_SEEN: Array<[u8; seen::LINE as usize]> =
    Array::with_max_entries(seen::ENTRIES, BPF_F_MMAPABLE);

/// One CPU's last attribution from a packet's headers: floods, bulk transfers and packet
/// trains send one flow's packets back to back, and each would otherwise pay the same hash
/// lookups again (in place, a flood to a bound UDP port cost ~50 ns a packet more than one no
/// socket owns, mostly the lookup). Valid while the packet's ports' seen words, which the
/// lookup reads first anyway, are the ones it was filled under ([`seen::CHANGE`]).
/// 128 bytes, one aligned pair of cache lines: what the comparison reads fills the first,
/// the owner the second.
#[repr(C, align(128))]
struct OwnerCache {
    /// The source and destination ports' seen words when filled.
    words: [u64; 2],
    /// The protocol (0: empty) and key [`by_seen`] was given, ports as the packet has them.
    proto: u64,
    key: [u64; 5],
    /// What it returned.
    owner: OwnerInfo,
}

const _: () = assert!(core::mem::offset_of!(OwnerCache, owner) == 64);

/// Non-zero: lookups from headers go through [`OWNER_CACHE`]. Set where the kernel's verifier
/// accepts the programs with it (see `kernel/load.rs`); a constant to the verifier, so
/// elsewhere the code is gone.
#[unsafe(no_mangle)]
pub static OWNER_CACHE_ON: Global<u8> = Global::new(0);

/// One [`OwnerCache`] per CPU, indexed by CPU number; sized by userspace at load. A plain
/// array, not a per-CPU one: its address is a constant in the program, where a per-CPU
/// array's lookup first loads the CPU's pointer from the map (a cache line of its own a
/// packet), and mmap-able only so that its data starts on a page, each entry on its own pair
/// of cache lines (a per-CPU array's entries are 8-aligned). Userspace never maps it.
#[map]
static OWNER_CACHE: Array<OwnerCache> = Array::with_max_entries(1, BPF_F_MMAPABLE);

/// This CPU's [`OwnerCache`].
#[inline(always)]
fn cache() -> Option<&'static mut OwnerCache> {
    // SAFETY: a helper with no arguments.
    let cpu = unsafe { bpf_get_smp_processor_id() };
    let c = OWNER_CACHE.get_ptr_mut(cpu)?;
    // SAFETY: this CPU's slot; programs on one CPU do not preempt each other in softirq.
    Some(unsafe { &mut *c })
}

/// A [`FlowKey`] as the five words it is made of.
#[inline(always)]
fn key_words(key: &FlowKey) -> &[u64; 5] {
    const { assert!(core::mem::size_of::<FlowKey>() == 40) };
    // SAFETY: the same 40 bytes; every key this is called with lives in a [`KeySlot`],
    // aligned to 8.
    unsafe { &*(key as *const FlowKey).cast::<[u64; 5]>() }
}

/// Whether `c` holds the lookup of `proto`, `key` and the ports' seen `words`: one branch
/// (every difference or-ed together), since each comparison the verifier has to follow
/// separately multiplies the paths it walks (on 6.1 past its million instructions).
#[inline(always)]
fn cached(c: &OwnerCache, proto: u8, key: &FlowKey, words: [u64; 2]) -> bool {
    let k = key_words(key);
    let diff = (c.proto ^ u64::from(proto))
        | (c.words[0] ^ words[0])
        | (c.words[1] ^ words[1])
        | (c.key[0] ^ k[0])
        | (c.key[1] ^ k[1])
        | (c.key[2] ^ k[2])
        | (c.key[3] ^ k[3])
        | (c.key[4] ^ k[4]);
    diff == 0
}

#[map]
pub static OWNER_PIDS: HashMap<u32, u8> = HashMap::with_max_entries(OWNER_SELECT_ENTRIES, 0);

#[map]
pub static OWNER_UIDS: HashMap<u32, u8> = HashMap::with_max_entries(OWNER_SELECT_ENTRIES, 0);

#[map]
pub static OWNER_CGROUPS: HashMap<u64, u8> = HashMap::with_max_entries(OWNER_SELECT_ENTRIES, 0);

#[map]
pub static OWNER_COUNTERS: PerCpuArray<OwnerCounters> = PerCpuArray::with_max_entries(1, 0);

/// Non-zero: captured packets carry their owner.
#[unsafe(no_mangle)]
pub static OWNER_ON: Global<u8> = Global::new(0);

/// [`owner_filter`] bits.
#[unsafe(no_mangle)]
pub static OWNER_FILTER: Global<u8> = Global::new(0);

/// `--pname`, NUL-padded.
#[unsafe(no_mangle)]
pub static OWNER_PNAME: Global<[u8; 16]> = Global::new([0; 16]);

const IPPROTO_ICMP: u8 = 1;
const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;
const IPPROTO_ICMPV6: u8 = 58;
const AF_INET: u32 = 2;
const AF_INET6: u32 = 10;

/// The current thread as an owner. Process context only.
#[inline(always)]
fn current() -> OwnerInfo {
    let pid_tgid = bpf_get_current_pid_tgid();
    let uid = bpf_get_current_uid_gid() as u32;
    // SAFETY: a helper with no arguments.
    let cgroup = unsafe { bpf_get_current_cgroup_id() };
    OwnerInfo {
        tgid: (pid_tgid >> 32) as u32,
        tid: pid_tgid as u32,
        uid,
        flags: owner_flags::KNOWN,
        cgroup,
        comm: bpf_get_current_comm().unwrap_or([0; 16]),
    }
}

/// Notes that the maps may now hold an entry for `port` of `class`, and that what CPUs cached
/// under `port` is stale (after inserting it).
#[inline(always)]
fn mark_seen(class: u32, port: u16) {
    let (i, b) = seen::slot(class, port);
    let Some(line) = OWNER_SEEN.get_ptr_mut(i) else {
        return;
    };
    let line = line.cast::<u8>();
    // SAFETY: `b` < LINE, within the value; a one-byte store, which no other CPU's store
    // to a neighbouring byte can undo.
    unsafe { core::ptr::write_volatile(line.add(b), 1) };
    let word = b - class as usize;
    // SAFETY: the port's word, within the value and aligned to 8 (`seen::slot`); the change
    // count is only ever added to atomically, here and by userspace. The old value is unused,
    // so LLVM emits the plain atomic add every kernel with BPF has.
    #[cfg(target_arch = "bpf")]
    unsafe {
        use core::intrinsics::{atomic_xadd, AtomicOrdering};
        atomic_xadd::<u64, u64, { AtomicOrdering::Relaxed }>(
            line.add(word).cast::<u64>(),
            seen::CHANGE,
        );
    }
    // (The host build only type-checks this crate.)
    #[cfg(not(target_arch = "bpf"))]
    let _ = word;
}

/// The seen bytes of `port`, every class's (byte `class` of the word); all set when the map
/// cannot be read.
#[inline(always)]
fn seen_word(port: u16) -> u64 {
    let (i, b) = seen::slot(0, port);
    match OWNER_SEEN.get_ptr(i) {
        // SAFETY: `b` is a multiple of 8 below LINE, so the word is within the value and
        // aligned; bytes are set by single-byte stores, and a racing one is either seen or
        // not, both fine.
        Some(line) => unsafe { core::ptr::read_volatile(line.cast::<u8>().add(b).cast::<u64>()) },
        None => u64::MAX,
    }
}

/// `OWNER_PORTS[key] = e`, with no owner when another process's open socket holds the key
/// ([`OwnerEntry::conflicts_with`]), and its seen byte.
#[inline(always)]
fn insert_port(key: &PortKey, mut e: OwnerEntry) {
    if let Some(old) = OWNER_PORTS.get_ptr(key) {
        // SAFETY: a pointer into the map's value, read at once; a racing update at worst
        // misses a conflict, as the table did before it looked.
        if unsafe { (*old).conflicts_with(&e) } {
            e.owner = OwnerInfo::default();
        }
    }
    let _ = OWNER_PORTS.insert(key, e, 0);
    if let Some(class) = seen::class_of(key.proto) {
        mark_seen(class, key.port);
    }
}

/// `OWNER_FLOWS[key] = e`, and its seen byte.
#[inline(always)]
fn insert_flow(key: &FlowKey, e: OwnerEntry) {
    let _ = OWNER_FLOWS.insert(key, e, 0);
    mark_seen(seen::FLOW, key.local_port);
}

#[inline(always)]
fn now() -> u64 {
    // SAFETY: a helper with no arguments.
    unsafe { bpf_ktime_get_ns() }
}

#[inline(always)]
fn entry(owner: OwnerInfo, cookie: u64) -> OwnerEntry {
    OwnerEntry {
        owner,
        cookie,
        closed_ns: 0,
    }
}

/// Marks `e` released if it belongs to the socket `cookie`.
#[inline(always)]
fn mark_closed(e: Option<*mut OwnerEntry>, cookie: u64, at: u64) {
    if let Some(e) = e {
        // SAFETY: a pointer into the map's value; the entry may be raced by another CPU
        // updating it, which at worst leaves it open until the LRU evicts it.
        unsafe {
            if (*e).cookie == cookie {
                (*e).closed_ns = at;
            }
        }
    }
}

#[inline(always)]
fn sock_cookie<C: EbpfContext>(ctx: &C) -> u64 {
    // SAFETY: the program's context, of a type the helper accepts for this program type.
    unsafe { bpf_get_socket_cookie(ctx.as_ptr()) }
}

/// `cgroup/sock_create`: every inet socket a process creates.
#[inline(always)]
pub fn sock_create(ctx: &SockContext) {
    let cookie = sock_cookie(ctx);
    let e = SockEntry {
        entry: entry(current(), cookie),
        ..SockEntry::default()
    };
    let _ = OWNER_SOCKS.insert(cookie, e, 0);
}

/// The socket's recorded owner.
#[inline(always)]
fn sock_owner(cookie: u64) -> Option<OwnerInfo> {
    let e = OWNER_SOCKS.get_ptr_mut(cookie)?;
    // SAFETY: a pointer into the map's value, copied at once.
    let o = unsafe { (*e).entry.owner };
    if o.flags & owner_flags::KNOWN != 0 {
        Some(o)
    } else {
        None
    }
}

/// Notes in the socket's entry the port key (and flow key) recorded for it, so its release
/// marks them; creates the entry, with `owner`, for sockets created before the capture or
/// accepted in softirq.
#[inline(always)]
fn note_keys(
    cookie: u64,
    owner: &OwnerInfo,
    port: Option<&PortKey>,
    flow: Option<(&FlowKey, u32)>,
) {
    if let Some(e) = OWNER_SOCKS.get_ptr_mut(cookie) {
        // SAFETY: a pointer into the map's value; a racing update at worst loses a key, which
        // leaves that entry to the LRU.
        unsafe {
            (*e).entry.owner = *owner;
            if let Some(p) = port {
                (*e).port = *p;
            }
            if let Some((f, bits)) = flow {
                (*e).flow = *f;
                (*e).has_flow = bits;
            }
        }
        return;
    }
    let mut e = SockEntry {
        entry: entry(*owner, cookie),
        ..SockEntry::default()
    };
    if let Some(p) = port {
        e.port = *p;
    }
    if let Some((f, bits)) = flow {
        e.flow = *f;
        e.has_flow = bits;
    }
    let _ = OWNER_SOCKS.insert(cookie, e, 0);
}

/// `cgroup/post_bind4/6`: an explicit bind; its port is now known.
#[inline(always)]
pub fn post_bind(ctx: &SockContext) {
    // SAFETY: the context the kernel passed.
    let (proto, port) = unsafe { ((*ctx.sock).protocol as u8, (*ctx.sock).src_port as u16) };
    if port == 0 {
        return;
    }
    let cookie = sock_cookie(ctx);
    let owner = current();
    let key = PortKey {
        proto,
        _pad: 0,
        port,
    };
    insert_port(&key, entry(owner, cookie));
    note_keys(cookie, &owner, Some(&key), None);
}

/// `cgroup/sock_release`: close() of the socket's last file reference. The program cannot
/// read the socket's ports, so the keys come from the socket's entry.
#[inline(always)]
pub fn sock_release(ctx: &SockContext) {
    let cookie = sock_cookie(ctx);
    let Some(e) = OWNER_SOCKS.get_ptr_mut(cookie) else {
        return;
    };
    let at = now();
    // SAFETY: a pointer into the map's value.
    let (port, has_flow, flow, listener_netns) = unsafe {
        (*e).entry.closed_ns = at;
        ((*e).port, (*e).has_flow, (*e).flow, (*e).listener_netns)
    };
    if port.proto != 0 {
        mark_closed(OWNER_PORTS.get_ptr_mut(port), cookie, at);
    }
    if listener_netns != 0 {
        let key = ListenerKey {
            netns: listener_netns,
            port: port.port,
            _pad: [0; 6],
        };
        mark_closed(OWNER_LISTENERS.get_ptr_mut(key), cookie, at);
    }
    // A socket that reports its state changes has its flow marked when the connection
    // closes (`state_changed`): after close() a TCP socket still sends and receives its FIN
    // and last ACK, which may come long after (an orphaned FIN_WAIT2 waits for the peer).
    if has_flow & sock_flow::VALID != 0 && has_flow & sock_flow::STATE_TRACKED == 0 {
        mark_closed(OWNER_FLOWS.get_ptr_mut(flow), cookie, at);
    }
}

#[inline(always)]
fn copy_ip6(to: &mut [u8; 16], from: &[u32; 4]) {
    let mut i = 0;
    while i < 4 {
        to[i * 4..i * 4 + 4].copy_from_slice(&from[i].to_ne_bytes());
        i += 1;
    }
}

/// An IPv6 socket talking IPv4 (`::ffff:a.b.c.d`) sends IPv4 packets: key it as IPv4.
#[inline(always)]
fn normalize_mapped(key: &mut FlowKey) {
    if is_mapped(&key.local) && is_mapped(&key.remote) {
        key.version = 4;
        let (l, r) = (
            [key.local[12], key.local[13], key.local[14], key.local[15]],
            [
                key.remote[12],
                key.remote[13],
                key.remote[14],
                key.remote[15],
            ],
        );
        key.local = [0; 16];
        key.remote = [0; 16];
        key.local[..4].copy_from_slice(&l);
        key.remote[..4].copy_from_slice(&r);
    }
}

#[inline(always)]
fn is_mapped(a: &[u8; 16]) -> bool {
    a[..10] == [0; 10] && a[10] == 0xff && a[11] == 0xff
}

const SOCK_OPS_TIMEOUT_INIT: u32 = 1;
const SOCK_OPS_RWND_INIT: u32 = 2;
const SOCK_OPS_TCP_CONNECT_CB: u32 = 3;
const SOCK_OPS_ACTIVE_ESTABLISHED_CB: u32 = 4;
const SOCK_OPS_PASSIVE_ESTABLISHED_CB: u32 = 5;
const SOCK_OPS_STATE_CB: u32 = 10;
const SOCK_OPS_TCP_LISTEN_CB: u32 = 11;
const SOCK_OPS_STATE_CB_FLAG: i32 = 4;
const TCP_CLOSE: u32 = 7;

/// The sockops program: TCP sockets' connect, listen and establishment.
#[inline(always)]
pub fn sock_ops(ctx: &SockOpsContext) {
    let op = ctx.op();
    if op == SOCK_OPS_TIMEOUT_INIT || op == SOCK_OPS_RWND_INIT {
        request_flow(ctx);
        return;
    }
    if op == SOCK_OPS_STATE_CB {
        state_changed(ctx);
        return;
    }
    if op != SOCK_OPS_TCP_CONNECT_CB
        && op != SOCK_OPS_ACTIVE_ESTABLISHED_CB
        && op != SOCK_OPS_PASSIVE_ESTABLISHED_CB
        && op != SOCK_OPS_TCP_LISTEN_CB
    {
        return;
    }
    let cookie = sock_cookie(ctx);
    let s: &bpf_sock_ops =
        // SAFETY: the context the kernel passed.
        unsafe { &*ctx.ops };
    let local_port = s.local_port as u16;
    let port_key = PortKey {
        proto: IPPROTO_TCP,
        _pad: 0,
        port: local_port,
    };
    if op == SOCK_OPS_TCP_LISTEN_CB {
        // listen() runs in the process; a listener bound before may have been passed on.
        let Some(owner) = sock_owner(cookie).or_else(ops_current) else {
            return;
        };
        insert_port(&port_key, entry(owner, cookie));
        note_keys(cookie, &owner, Some(&port_key), None);
        let netns = ops_netns(ctx);
        if netns != 0 {
            let key = ListenerKey {
                netns,
                port: local_port,
                _pad: [0; 6],
            };
            let _ = OWNER_LISTENERS.insert(key, entry(owner, cookie), 0);
            if let Some(e) = OWNER_SOCKS.get_ptr_mut(cookie) {
                // SAFETY: a pointer into the map's value.
                unsafe { (*e).listener_netns = netns };
            }
        }
        return;
    }
    let owner = if op == SOCK_OPS_PASSIVE_ESTABLISHED_CB {
        // softirq: the accepted socket takes its listener's owner.
        let Some(o) = listener_owner(ops_netns(ctx), &port_key) else {
            return;
        };
        o
    } else {
        // connect() (process context) or its SYN-ACK (softirq): the socket's creator.
        match sock_owner(cookie) {
            Some(o) => o,
            None if op == SOCK_OPS_TCP_CONNECT_CB => match ops_current() {
                Some(o) => o,
                None => return,
            },
            None => return,
        }
    };
    let Some(key) = ops_flow(s) else {
        return;
    };
    insert_flow(&key, entry(owner, cookie));
    // Ask for the socket's state changes, so its flow stays until the connection is closed.
    let tracked = ctx
        .set_cb_flags(ctx.cb_flags() as i32 | SOCK_OPS_STATE_CB_FLAG)
        .is_ok();
    let bits = if tracked {
        sock_flow::VALID | sock_flow::STATE_TRACKED
    } else {
        sock_flow::VALID
    };
    note_keys(cookie, &owner, None, Some((&key, bits)));
}

/// A tracked TCP socket changed state: on reaching CLOSE (from TIME_WAIT's start, LAST_ACK,
/// a reset or a failed connect) its flow entry is marked closed; the sweeper deletes it after
/// the grace, as for released sockets.
#[inline(always)]
fn state_changed(ctx: &SockOpsContext) {
    if ctx.arg(1) != TCP_CLOSE {
        return;
    }
    let s: &bpf_sock_ops =
        // SAFETY: the context the kernel passed.
        unsafe { &*ctx.ops };
    let Some(key) = ops_flow(s) else {
        return;
    };
    mark_closed(OWNER_FLOWS.get_ptr_mut(key), sock_cookie(ctx), now());
}

/// The connection a sockops callback is about, from its local end.
#[inline(always)]
fn ops_flow(s: &bpf_sock_ops) -> Option<FlowKey> {
    let mut key = FlowKey {
        local_port: s.local_port as u16,
        // network byte order in the upper 16 bits (sock_ops_convert_ctx_access).
        remote_port: u16::from_be((s.remote_port >> 16) as u16),
        ..FlowKey::default()
    };
    if s.family == AF_INET {
        key.version = 4;
        key.local[..4].copy_from_slice(&s.local_ip4.to_ne_bytes());
        key.remote[..4].copy_from_slice(&s.remote_ip4.to_ne_bytes());
    } else if s.family == AF_INET6 {
        key.version = 6;
        copy_ip6(&mut key.local, &s.local_ip6);
        copy_ip6(&mut key.remote, &s.remote_ip6);
        normalize_mapped(&mut key);
    } else {
        return None;
    }
    Some(key)
}

/// A SYN reached a listener (the kernel asks for the request socket's initial timeout and
/// window before it sends the SYN-ACK): record the server's side of the flow with the
/// listener's owner, so the SYN-ACK is its sender's and not taken for the client's, whose
/// flow the lookup would otherwise find reversed when both ends are on this host. The entry
/// is born released: `PASSIVE_ESTABLISHED` replaces it with the accepted socket's, and a
/// handshake that never completes (a SYN flood) leaves it to the sweeper after the grace.
/// The request socket is no full socket: no cookie is asked for it.
#[inline(always)]
fn request_flow(ctx: &SockOpsContext) {
    let s: &bpf_sock_ops =
        // SAFETY: the context the kernel passed.
        unsafe { &*ctx.ops };
    if s.is_fullsock != 0 {
        return;
    }
    let port_key = PortKey {
        proto: IPPROTO_TCP,
        _pad: 0,
        port: s.local_port as u16,
    };
    let Some(owner) = listener_owner(ops_netns(ctx), &port_key) else {
        return;
    };
    let Some(key) = ops_flow(s) else {
        return;
    };
    let e = OwnerEntry {
        owner,
        cookie: 0,
        closed_ns: now(),
    };
    insert_flow(&key, e);
}

#[inline(always)]
fn known(e: Option<*mut OwnerEntry>) -> Option<OwnerInfo> {
    let e = e?;
    // SAFETY: a pointer into the map's value, copied at once.
    let o = unsafe { (*e).owner };
    if o.flags & owner_flags::KNOWN != 0 {
        Some(o)
    } else {
        None
    }
}

/// `cgroup_skb/egress` at the root: a socket's first packet teaches its port (or echo id)
/// where no process-context hook saw one: connected or unbound UDP senders (autobound in
/// sendmsg or connect), ping sockets. It runs in every namespace, for sockets of every
/// cgroup; after the first packet a socket costs one lookup per packet.
#[inline(always)]
pub fn learn_egress(skb: &SkBuff) {
    let cookie = skb_cookie(skb);
    let Some(e) = OWNER_SOCKS.get_ptr_mut(cookie) else {
        return;
    };
    // SAFETY: a pointer into the map's value, copied at once.
    let (owner, known_port) = unsafe { ((*e).entry.owner, (*e).port.proto != 0) };
    if known_port || owner.flags & owner_flags::KNOWN == 0 {
        return;
    }
    let Some((proto, port)) = local_port(skb) else {
        return;
    };
    let key = PortKey {
        proto,
        _pad: 0,
        port,
    };
    insert_port(&key, entry(owner, cookie));
    // SAFETY: as above.
    unsafe { (*e).port = key };
}

/// The sending socket's (protocol, port) from an outgoing packet: the UDP source port or
/// the ICMP/ICMPv6 echo request's id. TCP is left to sockops.
#[inline(always)]
fn local_port(skb: &SkBuff) -> Option<(u8, u16)> {
    let mut buf = MaybeUninit::<Bytes<40>>::uninit();
    let ip = Bytes::zeroed_in(&mut buf);
    load(skb, 0, ip, 1)?;
    let (proto, l4) = match ip[0] >> 4 {
        4 => {
            load(skb, 0, ip, 20)?;
            if u16::from_be_bytes([ip[6], ip[7]]) & 0x1fff != 0 {
                return None;
            }
            (ip[9], ((ip[0] & 0x0f) as u32) * 4)
        }
        6 => {
            load(skb, 0, ip, 40)?;
            (ip[6], 40)
        }
        _ => return None,
    };
    let mut l4b = [0u8; 8];
    if proto == IPPROTO_UDP {
        load(skb, l4, &mut l4b, 2)?;
        Some((proto, u16::from_be_bytes([l4b[0], l4b[1]])))
    } else if proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 {
        load(skb, l4, &mut l4b, 8)?;
        let request = if proto == IPPROTO_ICMP { 8 } else { 128 };
        if l4b[0] != request {
            return None;
        }
        Some((proto, u16::from_be_bytes([l4b[4], l4b[5]])))
    } else {
        None
    }
}

/// What [`lookup`] found, and how.
#[inline(always)]
fn found(e: Option<*mut OwnerEntry>, via: u32) -> Option<OwnerInfo> {
    let mut o = known(e)?;
    o.flags |= via << owner_flags::VIA_SHIFT;
    Some(o)
}

const BPF_HDR_START_NET: u64 = 1;

/// The packet's owner: a zeroed record (no [`owner_flags::KNOWN`]) when none is found.
/// `sock_cookie` is the skb's socket cookie where the hook can have one (0 otherwise).
#[inline(always)]
pub fn lookup(skb: &SkBuff, cookie: u64) -> OwnerInfo {
    socket_owner(cookie)
        .or_else(|| lookup_headers(skb))
        .unwrap_or_default()
}

/// The owner of the skb's socket (`cookie`, 0 without one), marked as found through it.
#[inline(always)]
fn socket_owner(cookie: u64) -> Option<OwnerInfo> {
    if cookie == 0 {
        return None;
    }
    let mut o = sock_owner(cookie)?;
    o.flags |= owner_flags::VIA_SOCKET << owner_flags::VIA_SHIFT;
    Some(o)
}

#[inline(always)]
fn load(skb: &SkBuff, off: u32, to: &mut [u8], len: u64) -> Option<()> {
    // SAFETY: the program's skb; every call site passes a constant `len` no larger than `to`.
    let r =
        unsafe { skb_load_bytes_relative(skb.skb, off, to.as_mut_ptr(), len, BPF_HDR_START_NET) };
    if r == 0 {
        Some(())
    } else {
        None
    }
}

/// Where the IP header is read from.
#[derive(Clone, Copy)]
enum Net {
    /// The kernel's network header offset: linear bytes only.
    Header,
    /// This many bytes into the frame, read through `bpf_skb_load_bytes`, which also reads
    /// paged bytes (an Ethernet frame whose headers are not in the linear part: packet
    /// sockets' TX_RING frames, some drivers' receive buffers).
    Frame(u32),
}

#[inline(always)]
fn load_net(skb: &SkBuff, net: Net, off: u32, to: &mut [u8], len: u64) -> Option<()> {
    match net {
        Net::Header => load(skb, off, to, len),
        Net::Frame(base) => {
            // SAFETY: the program's skb; every call site passes a constant `len` no larger
            // than `to`.
            let r = unsafe { skb_load_bytes(skb.skb, base + off, to.as_mut_ptr(), len) };
            (r == 0).then_some(())
        }
    }
}

/// An Ethernet frame whose IP header is not in the linear part: its bytes from the EtherType
/// on (the EtherType, then 28 bytes of IP header and what follows it) into `head` with one
/// helper call, and the IP header's place, when the EtherType is the skb's protocol, the
/// version matches it and the IP length field matches the frame's (so an L3 device's packet
/// is never read at the wrong offset).
#[inline(always)]
fn paged_ethernet(skb: &SkBuff, head: &mut [u8; 32]) -> Option<Net> {
    // SAFETY: the context's fields, readable by socket filters and TC programs.
    let (protocol, len) = unsafe { ((*skb.skb).protocol, (*skb.skb).len) };
    let protocol = u16::from_be(protocol as u16);
    // SAFETY: the program's skb; 30 bytes into a 32-byte buffer.
    if unsafe { skb_load_bytes(skb.skb, 12, head.as_mut_ptr(), 30) } != 0 {
        return None;
    }
    let ok = u16::from_be_bytes([head[0], head[1]]) == protocol
        && ip_fits(&head[2..], protocol, len.wrapping_sub(14), false);
    ok.then_some(Net::Frame(14))
}

/// IPv4 without options: the addresses into `key`, the 8 bytes after the header into `l4b`;
/// the protocol. `None` for later fragments (no ports) and other shapes (the slow path).
#[inline(always)]
fn simple_v4(ip: &[u8], key: &mut FlowKey, l4b: &mut [u8; 8]) -> Option<Option<u8>> {
    let proto = simple_v4_l4(ip, l4b)?;
    if proto.is_some() {
        v4_addrs(ip, key);
    }
    Some(proto)
}

/// [`simple_v4`] without the addresses: the protocol and `l4b` only.
#[inline(always)]
fn simple_v4_l4(ip: &[u8], l4b: &mut [u8; 8]) -> Option<Option<u8>> {
    if ip[0] != 0x45 {
        return None;
    }
    // Later fragments have no ports.
    if u16::from_be_bytes([ip[6], ip[7]]) & 0x1fff != 0 {
        return Some(None);
    }
    l4b.copy_from_slice(&ip[20..28]);
    Some(Some(ip[9]))
}

/// An IPv4 header's addresses (`ip` holds at least its 20 bytes) into `key`, the source as
/// the local end.
#[inline(always)]
fn v4_addrs(ip: &[u8], key: &mut FlowKey) {
    key.version = 4;
    key.local[..4].copy_from_slice(&ip[12..16]);
    key.remote[..4].copy_from_slice(&ip[16..20]);
}

/// An IPv6 header's addresses (`ip` holds at least its 40 bytes) into `key`, the source as
/// the local end.
#[inline(always)]
fn v6_addrs(ip: &[u8], key: &mut FlowKey) {
    key.version = 6;
    key.local.copy_from_slice(&ip[8..24]);
    key.remote.copy_from_slice(&ip[24..40]);
}

/// A flow key on the stack, 8-byte aligned so [`KeySlot::zeroed_in`] and
/// [`KeySlot::clear`] zero it with five 8-byte stores: `FlowKey::default()` (alignment 2)
/// became a call to BPF's one-byte-at-a-time `memset`, a 40-iteration loop the 6.1 verifier
/// walks again on every path, which took a capture program with an owner filter past its
/// million-instruction limit.
#[repr(C, align(8))]
struct KeySlot(FlowKey);

const _: () = assert!(core::mem::size_of::<KeySlot>() == 40);

impl KeySlot {
    #[inline(always)]
    fn zeroed_in(slot: &mut MaybeUninit<KeySlot>) -> &mut KeySlot {
        // SAFETY: a FlowKey of zero bytes is valid, and `clear` writes every byte.
        let k = unsafe { &mut *slot.as_mut_ptr() };
        k.clear();
        k
    }

    #[inline(always)]
    fn clear(&mut self) {
        let p = (self as *mut KeySlot).cast::<u64>();
        let mut i = 0;
        while i < 5 {
            // SAFETY: 40 bytes aligned to 8: five u64s. Volatile, so LLVM does not merge
            // the stores back into a memset call.
            unsafe { p.add(i).write_volatile(0) };
            i += 1;
        }
    }
}

#[inline(always)]
fn lookup_headers(skb: &SkBuff) -> Option<OwnerInfo> {
    let mut slot = MaybeUninit::uninit();
    let slot = KeySlot::zeroed_in(&mut slot);
    let mut l4b = [0u8; 8];
    // The common case in one helper call: IPv4 without options, its 8 bytes after the
    // header (ports, or ICMP's type and echo id). Helper calls are most of a miss's cost;
    // paged headers cost a second (`skb_copy_bits` underneath).
    let mut buf = MaybeUninit::<Bytes<32>>::uninit();
    let head = Bytes::zeroed_in(&mut buf);
    let (net, simple) = if load(skb, 0, head, 28).is_some() {
        (Net::Header, simple_v4(&head[..28], &mut slot.0, &mut l4b))
    } else if let Some(net) = paged_ethernet(skb, head) {
        (net, simple_v4(&head[2..30], &mut slot.0, &mut l4b))
    } else {
        // Shorter than 28 bytes from the IP header on.
        (Net::Header, None)
    };
    let (proto, l4) = if let Some(proto) = simple {
        (proto?, 20)
    } else {
        slow_headers(skb, net, &mut slot.0, &mut l4b)?
    };
    let proto = if icmp_error(proto, l4b[0]) {
        // The packet that died is quoted after the ICMP header: its sender's socket.
        slot.clear();
        let base = match net {
            Net::Header => u32::MAX,
            Net::Frame(base) => base,
        };
        let q = quoted_headers(skb.skb, base, l4 + 8, &mut slot.0, &mut l4b);
        if q == 0 {
            return None;
        }
        q as u8
    } else {
        proto
    };
    by_headers(proto, &mut slot.0, &l4b)
}

/// Whether an ICMP (`proto` 1) or ICMPv6 (58) message of type `t` is an error, which quotes
/// the packet it is about: destination unreachable, source quench, redirect, time exceeded,
/// parameter problem; ICMPv6's unreachable, packet too big, time exceeded, parameter problem.
#[inline(always)]
fn icmp_error(proto: u8, t: u8) -> bool {
    (proto == IPPROTO_ICMP && matches!(t, 3 | 4 | 5 | 11 | 12))
        || (proto == IPPROTO_ICMPV6 && (1..=4).contains(&t))
}

/// The headers of the packet an ICMP error quotes at `at` (from the outer IP header) into
/// `key` and `l4b`, as [`slow_headers`] does: `0x100 | protocol`, 0 when they are not there.
/// The quoted source is the local end. IPv4 (with or without options) and IPv6 without
/// extension headers, with at least 8 bytes after them (RFC 792 and 4443 quote that much). A BPF
/// function of its own (`base`: [`Net::Frame`]'s offset, `u32::MAX` for [`Net::Header`]),
/// called for ICMP errors only: inlined, it made every capture program too large for LLVM to
/// inline the program's body into its section.
#[inline(never)]
fn quoted_headers(
    skb: *mut aya_ebpf::bindings::__sk_buff,
    base: u32,
    at: u32,
    key: &mut FlowKey,
    l4b: &mut [u8; 8],
) -> u32 {
    let skb = SkBuff { skb };
    let net = if base == u32::MAX {
        Net::Header
    } else {
        Net::Frame(base)
    };
    let mut buf = MaybeUninit::<Bytes<48>>::uninit();
    let q = Bytes::zeroed_in(&mut buf);
    if load_net(&skb, net, at, q, 1).is_none() {
        return 0;
    }
    if q[0] >> 4 == 4 {
        // The header's 20 fixed bytes, then the 8 after its options (if any).
        let ihl = u32::from(q[0] & 0x0f) * 4;
        if ihl < 20 || load_net(&skb, net, at, q, 20).is_none() {
            return 0;
        }
        if u16::from_be_bytes([q[6], q[7]]) & 0x1fff != 0 {
            return 0;
        }
        v4_addrs(q, key);
        if load_net(&skb, net, at + ihl, l4b, 8).is_none() {
            return 0;
        }
        0x100 | u32::from(q[9])
    } else if q[0] >> 4 == 6 {
        if load_net(&skb, net, at, q, 48).is_none() {
            return 0;
        }
        v6_addrs(q, key);
        l4b.copy_from_slice(&q[40..48]);
        0x100 | u32::from(q[6])
    } else {
        0
    }
}

/// A packet's ports (or ICMP echo id, as both) and their seen bytes of the classes its
/// protocol's lookups use.
#[derive(Clone, Copy)]
struct Seen {
    sport: u16,
    dport: u16,
    /// The ports' whole seen words, and their bytes of the classes looked up.
    sw: u64,
    dw: u64,
    s: u64,
    d: u64,
}

/// The [`Seen`] of a packet of `proto` whose first bytes after the IP header are `l4b`;
/// `None` when the maps can hold no owner for it (most packets of a busy host: no recorded
/// port), which ends a lookup before anything else is read.
#[inline(always)]
fn seen_ports(proto: u8, l4b: &[u8; 8]) -> Option<Seen> {
    let (sport, dport, classes) = if proto == IPPROTO_TCP {
        (
            u16::from_be_bytes([l4b[0], l4b[1]]),
            u16::from_be_bytes([l4b[2], l4b[3]]),
            seen::mask(seen::FLOW) | seen::mask(seen::TCP),
        )
    } else if proto == IPPROTO_UDP {
        (
            u16::from_be_bytes([l4b[0], l4b[1]]),
            u16::from_be_bytes([l4b[2], l4b[3]]),
            seen::mask(seen::UDP),
        )
    } else if proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 {
        let t = l4b[0];
        let (echo, class) = if proto == IPPROTO_ICMP {
            (t == 8 || t == 0, seen::ICMP)
        } else {
            (t == 128 || t == 129, seen::ICMPV6)
        };
        if !echo {
            return None;
        }
        let id = u16::from_be_bytes([l4b[4], l4b[5]]);
        (id, id, seen::mask(class))
    } else {
        return None;
    };
    let sw = seen_word(sport);
    let dw = if dport == sport { sw } else { seen_word(dport) };
    let (s, d) = (sw & classes, dw & classes);
    (s | d != 0).then_some(Seen {
        sport,
        dport,
        sw,
        dw,
        s,
        d,
    })
}

/// The owner by the packet's addresses and ports (`key` has the addresses, `l4b` the first
/// bytes after the IP header).
#[inline(always)]
fn by_headers(proto: u8, key: &mut FlowKey, l4b: &[u8; 8]) -> Option<OwnerInfo> {
    by_seen(proto, key, seen_ports(proto, l4b)?)
}

/// [`by_headers`] once the seen bytes are read: only the tables they allow are looked up.
#[inline(always)]
fn by_seen(proto: u8, key: &mut FlowKey, p: Seen) -> Option<OwnerInfo> {
    key.local_port = p.sport;
    key.remote_port = p.dport;
    let words = [p.sw, p.dw];
    let mut c = if OWNER_CACHE_ON.load() != 0 {
        cache()
    } else {
        None
    };
    if let Some(c) = &c {
        if cached(c, proto, key, words) {
            return Some(c.owner);
        }
    }
    // The key goes into the cache before the lookup changes it (no copy on the stack, which
    // the programs have no room for); the entry is valid only once `proto` is set again.
    if let Some(c) = &mut c {
        c.proto = 0;
        c.key = *key_words(key);
    }
    let o = by_tables(proto, key, p)?;
    if let Some(c) = c {
        c.words = words;
        c.owner = o;
        c.proto = u64::from(proto);
    }
    Some(o)
}

/// [`by_seen`] without the cache: the maps, in the order the module's documentation gives.
#[inline(always)]
fn by_tables(proto: u8, key: &mut FlowKey, p: Seen) -> Option<OwnerInfo> {
    let class = if proto == IPPROTO_TCP {
        if p.s & seen::mask(seen::FLOW) != 0 {
            if let Some(o) = found(OWNER_FLOWS.get_ptr_mut(*key), owner_flags::VIA_FLOW) {
                return Some(o);
            }
        }
        if p.d & seen::mask(seen::FLOW) != 0 {
            core::mem::swap(&mut key.local, &mut key.remote);
            key.local_port = p.dport;
            key.remote_port = p.sport;
            if let Some(o) = found(OWNER_FLOWS.get_ptr_mut(*key), owner_flags::VIA_FLOW) {
                return Some(o);
            }
        }
        seen::TCP
    } else {
        seen::class_of(proto)?
    };
    let mut key = PortKey {
        proto,
        _pad: 0,
        port: p.sport,
    };
    if p.s & seen::mask(class) != 0 {
        if let Some(o) = found(OWNER_PORTS.get_ptr_mut(key), owner_flags::VIA_PORT) {
            return Some(o);
        }
    }
    if p.dport == p.sport || p.d & seen::mask(class) == 0 {
        return None;
    }
    key.port = p.dport;
    found(OWNER_PORTS.get_ptr_mut(key), owner_flags::VIA_PORT)
}

/// IPv4 with options or shorter than 28 bytes, and IPv6, from `net`: the addresses into `key`, the first
/// bytes after the IP header into `l4b` (4 for TCP and UDP, 8 for ICMP); the protocol and
/// where its header starts.
#[inline(always)]
fn slow_headers(skb: &SkBuff, net: Net, key: &mut FlowKey, l4b: &mut [u8; 8]) -> Option<(u8, u32)> {
    let mut buf = MaybeUninit::<Bytes<40>>::uninit();
    let ip = Bytes::zeroed_in(&mut buf);
    load_net(skb, net, 0, ip, 1)?;
    let version = ip[0] >> 4;
    let (proto, l4) = if version == 4 {
        load_net(skb, net, 0, ip, 20)?;
        if u16::from_be_bytes([ip[6], ip[7]]) & 0x1fff != 0 {
            return None;
        }
        v4_addrs(ip, key);
        (ip[9], ((ip[0] & 0x0f) as u32) * 4)
    } else if version == 6 {
        load_net(skb, net, 0, ip, 40)?;
        v6_addrs(ip, key);
        (ip[6], 40)
    } else {
        return None;
    };
    if proto == IPPROTO_TCP || proto == IPPROTO_UDP {
        load_net(skb, net, l4, l4b, 4)?;
    } else if proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 {
        load_net(skb, net, l4, l4b, 8)?;
    }
    Some((proto, l4))
}

/// This CPU's attribution counters.
#[inline(always)]
fn counters() -> Option<&'static mut OwnerCounters> {
    let c = OWNER_COUNTERS.get_ptr_mut(0)?;
    // SAFETY: this CPU's slot; programs on one CPU do not preempt each other in softirq.
    Some(unsafe { &mut *c })
}

/// Whether `o` passes the owner filter (`OWNER_FILTER`); an unknown owner passes none.
#[inline(always)]
pub fn selected(o: &OwnerInfo) -> bool {
    let f = OWNER_FILTER.load();
    if f == 0 {
        return true;
    }
    if o.flags & owner_flags::KNOWN == 0 {
        return false;
    }
    if f & owner_filter::PID != 0 && OWNER_PIDS.get_ptr(o.tgid).is_none() {
        return false;
    }
    if f & owner_filter::UID != 0 && OWNER_UIDS.get_ptr(o.uid).is_none() {
        return false;
    }
    if f & owner_filter::CGROUP != 0 && OWNER_CGROUPS.get_ptr(o.cgroup).is_none() {
        return false;
    }
    if f & owner_filter::PNAME != 0 && o.comm != OWNER_PNAME.load() {
        return false;
    }
    true
}

/// A placeholder for an owner looked up after the copy ([`resolve_copied`]): carries the
/// skb's socket cookie until then.
#[inline(always)]
pub fn pending(cookie: u64) -> OwnerInfo {
    OwnerInfo {
        flags: owner_flags::PENDING,
        cgroup: cookie,
        ..OwnerInfo::default()
    }
}

/// The owner of a captured packet from its copied first bytes `data` (`cap` of them valid),
/// into `owner` (which holds [`pending`]'s placeholder); without an owner filter
/// (every packet is kept). Reads the headers again through helpers only when the copy does
/// not hold them.
#[inline(always)]
pub fn resolve_copied(
    skb: *mut aya_ebpf::bindings::__sk_buff,
    data: &[u8; 64],
    cap: u32,
    owner: &mut OwnerInfo,
) {
    let skb = SkBuff { skb };
    match socket_owner(owner.cgroup).or_else(|| copied_headers(&skb, data, cap)) {
        Some(o) => *owner = o,
        None => {
            // The placeholder's other fields are zero already: two stores, not a record's.
            owner.flags = 0;
            owner.cgroup = 0;
        }
    }
}

/// Whether `ip` (the bytes from where an IP header would start, `left` bytes from there to
/// the frame's end) is one of `protocol`: version and length fields agree. With `padded`, a
/// shorter IP length is accepted too (a minimum-size Ethernet frame carries padding).
#[inline(always)]
fn ip_fits(ip: &[u8], protocol: u16, left: u32, padded: bool) -> bool {
    let length = match protocol {
        0x0800 if ip[0] >> 4 == 4 => u32::from(u16::from_be_bytes([ip[2], ip[3]])),
        0x86dd if ip[0] >> 4 == 6 => u32::from(u16::from_be_bytes([ip[4], ip[5]])) + 40,
        _ => return false,
    };
    length == left || (padded && length < left)
}

/// The owner by the addresses and ports in the copy: after an Ethernet header whose EtherType
/// is the skb's protocol, or at the start (L3 devices), whichever the IP length fields
/// confirm; IPv4 without options and IPv6 without extension headers. Anything else, or a copy
/// too short, is read again from the skb. Most packets of a busy host belong to no recorded
/// port: the seen bytes of their ports end the lookup before the flow key is built.
#[inline(always)]
fn copied_headers(skb: &SkBuff, data: &[u8; 64], cap: u32) -> Option<OwnerInfo> {
    // SAFETY: the context's fields, readable by socket filters and TC programs.
    let (protocol, len) = unsafe { ((*skb.skb).protocol, (*skb.skb).len) };
    let protocol = u16::from_be(protocol as u16);
    let ethernet = cap >= 42
        && u16::from_be_bytes([data[12], data[13]]) == protocol
        && ip_fits(&data[14..], protocol, len.wrapping_sub(14), len == 60);
    let (ip, cap) = if ethernet {
        (&data[14..64], cap - 14)
    } else if cap >= 28 && ip_fits(&data[..], protocol, len, false) {
        (&data[..50], cap)
    } else {
        return lookup_headers(skb);
    };
    let mut l4b = [0u8; 8];
    let proto = match copied_l4(ip, cap, &mut l4b) {
        // (An ICMP error's quoted packet lies past the copied bytes: read from the skb.)
        Some(Some(proto)) if !icmp_error(proto, l4b[0]) => proto,
        // A later fragment.
        Some(None) => return None,
        _ => return lookup_headers(skb),
    };
    let seen = seen_ports(proto, &l4b)?;
    let mut slot = MaybeUninit::uninit();
    let key = &mut KeySlot::zeroed_in(&mut slot).0;
    if ip[0] >> 4 == 4 {
        v4_addrs(ip, key);
    } else {
        v6_addrs(ip, key);
    }
    by_seen(proto, key, seen)
}

/// IPv4 without options or IPv6 without extension headers in `ip` (`cap` bytes valid):
/// `Some(protocol)` with the first 8 bytes after the IP header in `l4b`, `Some(None)` for a
/// later fragment, `None` when the headers are not all there.
#[inline(always)]
fn copied_l4(ip: &[u8], cap: u32, l4b: &mut [u8; 8]) -> Option<Option<u8>> {
    if ip[0] >> 4 == 4 {
        if cap < 28 {
            return None;
        }
        return simple_v4_l4(&ip[..28], l4b);
    }
    let nh = ip[6];
    if cap < 48 || !(nh == IPPROTO_TCP || nh == IPPROTO_UDP || nh == IPPROTO_ICMPV6) {
        return None;
    }
    l4b.copy_from_slice(&ip[40..48]);
    Some(Some(nh))
}

/// The owner of a packet the filter matched into `o`; false when the owner filter keeps it
/// out (counted as filtered). Only called with attribution on. (An out parameter,
/// not an `Option`: LLVM spills a `None`'s undefined payload, which the verifier rejects.)
#[inline(always)]
pub fn resolve(skb: &SkBuff, cookie: u64, o: &mut OwnerInfo) -> bool {
    *o = lookup(skb, cookie);
    if !selected(o) {
        if let Some(c) = counters() {
            c.filtered += 1;
        }
        return false;
    }
    true
}

/// The cookie of the skb's socket on TC, where the program can read `skb->sk`: 0 without
/// one, and for sockets no attribution hook records (packet sockets, whose frames keep their
/// socket across a veth), so those skip the lookup.
#[inline(always)]
pub fn tc_skb_cookie(skb: &SkBuff) -> u64 {
    // SAFETY: the program's skb; TC programs may read `sk`, a nullable socket pointer.
    let sk = unsafe { (*skb.skb).__bindgen_anon_2.sk };
    if sk.is_null() {
        return 0;
    }
    // SAFETY: non-null, checked above; `family` is readable for every socket kind.
    let family = unsafe { (*sk).family };
    if family != AF_INET && family != AF_INET6 {
        return 0;
    }
    skb_cookie(skb)
}

/// The cookie of the skb's socket: TC programs see the sending socket on egress in its own
/// namespace (`skb->sk`), and across a veth in another; 0 when there is none.
#[inline(always)]
pub fn skb_cookie(skb: &SkBuff) -> u64 {
    // SAFETY: the program's skb; the helper returns 0 without a socket.
    unsafe { bpf_get_socket_cookie(skb.skb as *mut _) }
}

/// The attribution programs, defined once per object (they share its maps with the capture
/// programs' lookups).
#[macro_export]
macro_rules! define_owner_programs {
    () => {
        use aya_ebpf::{
            macros::{cgroup_skb, cgroup_sock, sock_ops},
            programs::{SockContext, SockOpsContext},
        };

        #[cgroup_sock(sock_create)]
        pub fn netdump_owner_create(ctx: SockContext) -> i32 {
            $crate::owner::sock_create(&ctx);
            1
        }

        #[cgroup_sock(sock_release)]
        pub fn netdump_owner_release(ctx: SockContext) -> i32 {
            $crate::owner::sock_release(&ctx);
            1
        }

        #[cgroup_sock(post_bind4)]
        pub fn netdump_owner_bind4(ctx: SockContext) -> i32 {
            $crate::owner::post_bind(&ctx);
            1
        }

        #[cgroup_sock(post_bind6)]
        pub fn netdump_owner_bind6(ctx: SockContext) -> i32 {
            $crate::owner::post_bind(&ctx);
            1
        }

        #[sock_ops]
        pub fn netdump_owner_sockops(ctx: SockOpsContext) -> u32 {
            $crate::owner::sock_ops(&ctx);
            1
        }

        #[cgroup_skb(egress)]
        pub fn netdump_owner_egress(ctx: SkBuffContext) -> i32 {
            $crate::owner::learn_egress(&ctx.skb);
            // Allow: a cgroup_skb verdict is ANDed with the other programs'; 1 changes nothing.
            1
        }
    };
}
