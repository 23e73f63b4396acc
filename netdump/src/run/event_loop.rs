//! The capture's event loop: wait for the kernel (or the 10 ms drain timer), turn each record
//! into a [`Packet`] and hand it to the output; watch signals, the interface, `-c`, `--stats`.

use std::{
    collections::BTreeMap,
    io::{self, Write},
    ops::ControlFlow,
    sync::Arc,
    time::Duration,
};

use netdump_common::IfaceKey;
use tokio::signal::unix::{signal, Signal, SignalKind};

use super::{
    report,
    watch::{Ended, Watch},
    Capture, RunError,
};
use crate::{
    drops, iface,
    output::{self, Output, OutputError},
    owner::{CgroupInfo, Owners},
    packet::{LinkType, Netns, Packet, NO_DEVICE},
    ring::{clock::WallClock, sample},
};

/// How long after the last drain the ring is drained again when the kernel has not woken
/// us: the most a quiet link's packet waits before it is printed.
const DRAIN_INTERVAL: Duration = Duration::from_millis(10);
/// The same when packets only go to a file (`-w` without `-U`): nobody watches each line
/// come, so the wait is longer and the process sleeps more (each wakeup costs ~50-150 us of
/// CPU on a VM). tcpdump's own `-w` waits up to 1 s (its capture timeout) and then for its
/// stdio buffer to fill.
const FILE_DRAIN_INTERVAL: Duration = Duration::from_millis(250);

/// Why reading stopped early.
enum Stop {
    Count,
    Output(output::Stop),
    Error(OutputError),
    Watch(Ended),
}

/// What a sample's namespace and ifindex stand for.
struct Named {
    name: String,
    netns: Option<Netns>,
    link_type: LinkType,
    /// Packets of this interface handed to the output.
    count: u64,
}

/// Turns kernel samples into output.
struct Handler<'n, W: Write> {
    output: Output<W>,
    /// `--drops`: reason names and kernel symbols.
    drop_names: Option<&'n mut drops::Names>,
    clock: WallClock,
    /// Every interface attached, by namespace key and ifindex (also deleted ones: late
    /// samples still come): where in `named` it is.
    names: BTreeMap<IfaceKey, usize>,
    named: Vec<Named>,
    /// The last key looked up and its place: a flood comes from one interface, and the
    /// tree walk was a visible share of each packet's cost.
    last: Option<(IfaceKey, usize)>,
    /// Names of interfaces nobody told us of are looked up in this namespace only.
    own_namespace: bool,
    vlan_buf: Vec<u8>,
    limit: Option<u64>,
    bad_samples: u64,
    /// Packets handed to the output that carried an owner record without an owner (the
    /// kernel does not count these: see `OwnerCounters`).
    unattributed: u64,
    /// Attribution: owners' cgroup ids to paths and containers.
    owners: Option<Owners>,
    /// The last cgroup named, and how many more records may take it without asking
    /// `owners` again: a flood comes from one cgroup, and asking (a lock, a hash lookup, a
    /// clock read) was ~30 ns a record, +68% of the reader's CPU on an owned flood.
    last_cgroup: Option<(u64, Arc<CgroupInfo>, u32)>,
}

/// Records that reuse [`Handler::last_cgroup`] before `Owners` is asked again (which is
/// also when it notices an entry is due for another walk or runtime question).
const CGROUP_REUSE: u32 = 1024;

/// The cgroup `id` as `owners` names it, through `memo` (see [`Handler::last_cgroup`]).
/// Only what is final is kept: a cgroup whose container name is still being asked of the
/// runtime (or not named yet) is asked for again at the next record.
fn named_cgroup(
    owners: &Owners,
    memo: &mut Option<(u64, Arc<CgroupInfo>, u32)>,
    id: u64,
) -> Option<Arc<CgroupInfo>> {
    if let Some((last, info, left)) = memo {
        if *last == id && *left > 0 {
            *left -= 1;
            return Some(info.clone());
        }
    }
    let (info, complete) = owners.cgroup_final(id);
    *memo = match &info {
        Some(i) if complete => Some((id, i.clone(), CGROUP_REUSE)),
        _ => None,
    };
    info
}

impl<W: Write> Handler<'_, W> {
    fn handle(&mut self, record: &[u8]) -> ControlFlow<Stop> {
        let sample = match sample::parse(record) {
            Ok(s) => s,
            Err(e) => {
                if self.bad_samples == 0 {
                    eprintln!("netdump: skipping a malformed sample: {e}");
                }
                self.bad_samples += 1;
                return ControlFlow::Continue(());
            }
        };
        let key = IfaceKey {
            netns: sample.header.netns,
            ifindex: sample.header.ifindex,
            _pad: 0,
        };
        // A drop before the packet had a device has no interface; one on an interface
        // netdump did not attach to (--drops with -i any) is named here.
        let at = if key.ifindex == 0 && sample.drop.is_some() {
            None
        } else {
            Some(self.place_of(key))
        };
        let (data, orig_len) = sample::wire_frame(&sample, &mut self.vlan_buf);
        let named = at.map(|i| &self.named[i]);
        let dropped = match (sample.drop.as_ref(), self.drop_names.as_deref_mut()) {
            (Some(info), Some(names)) => Some(names.dropped(info)),
            _ => None,
        };
        let link_type = sample
            .drop_link_type()
            .or(named.as_ref().map(|n| n.link_type))
            .unwrap_or(LinkType::ETHERNET);
        let (ifname, netns) = match named {
            Some(n) => (n.name.as_str(), n.netns.as_ref()),
            None => (NO_DEVICE, None),
        };
        // Never waits: an id the worker has not named yet goes without path this time.
        let cgroup = match (&self.owners, &sample.owner) {
            (Some(o), Some(info))
                if info.flags & netdump_common::owner::owner_flags::KNOWN != 0 =>
            {
                named_cgroup(o, &mut self.last_cgroup, info.cgroup)
            }
            _ => None,
        };
        let pkt = Packet {
            ts: self.clock.wall(sample.header.ts_ns),
            ifname,
            netns,
            direction: sample.direction(),
            pkt_type: sample.header.pkt_type,
            hook: sample.hook(),
            link_type,
            orig_len,
            data,
            drop: dropped,
            owner: sample.owner,
            cgroup: cgroup.as_deref(),
        };
        if sample
            .owner
            .is_some_and(|o| o.flags & netdump_common::owner::owner_flags::KNOWN == 0)
        {
            self.unattributed += 1;
        }
        match self.output.emit(&pkt) {
            Ok(None) => {}
            Ok(Some(stop)) => return ControlFlow::Break(Stop::Output(stop)),
            Err(e) => return ControlFlow::Break(Stop::Error(e)),
        }
        if let Some(i) = at {
            self.named[i].count += 1;
        }
        if self.limit.is_some_and(|l| self.output.count >= l) {
            return ControlFlow::Break(Stop::Count);
        }
        ControlFlow::Continue(())
    }

    /// Where interface `key` is in `named`; one nobody told us of is named here.
    fn place_of(&mut self, key: IfaceKey) -> usize {
        if let Some((k, i)) = self.last {
            if k == key {
                return i;
            }
        }
        let i = match self.names.get(&key) {
            Some(&i) => i,
            None => {
                let own = self.own_namespace;
                let name = own
                    .then(|| iface::name_of(key.ifindex))
                    .flatten()
                    .unwrap_or_else(|| format!("if{}", key.ifindex));
                if own {
                    if let Some(hatype) = crate::sys::iface::hw_type(&name) {
                        self.output.learn_interface(&name, key.ifindex, hatype);
                    }
                }
                self.add(
                    key,
                    Named {
                        name,
                        netns: None,
                        link_type: LinkType::ETHERNET,
                        count: 0,
                    },
                )
            }
        };
        self.last = Some((key, i));
        i
    }

    fn add(&mut self, key: IfaceKey, named: Named) -> usize {
        let i = self.named.len();
        self.named.push(named);
        self.names.insert(key, i);
        i
    }

    /// Takes in the names and link types of interfaces attached since the last call.
    fn learn(&mut self, capture: &Capture) {
        for (key, k) in &capture.ifaces {
            if self.names.contains_key(key) {
                continue;
            }
            self.output
                .learn_interface(&k.iface.name, key.ifindex, k.hatype);
            self.add(
                *key,
                Named {
                    name: k.iface.name.clone(),
                    netns: k.netns.clone(),
                    link_type: k.link_type,
                    count: 0,
                },
            );
        }
    }

    /// Packets handed to the output, per interface.
    fn counts(&self) -> BTreeMap<IfaceKey, u64> {
        self.names
            .iter()
            .map(|(k, &i)| (*k, self.named[i].count))
            .collect()
    }
}

/// How a capture's loop ended.
pub struct Outcome {
    /// Packets handed to the output.
    pub handled: u64,
    /// The same, per interface.
    pub per_iface: BTreeMap<IfaceKey, u64>,
    /// Of those, packets captured with attribution on whose owner was not found.
    pub unattributed: u64,
    /// The process's exit code.
    pub code: i32,
}

/// What the loop itself is asked to do.
#[derive(Clone, Copy, Debug)]
pub struct LoopOptions {
    /// `-c`: stop after this many packets.
    pub count: Option<u64>,
    /// `--stats`: print the kernel's counters every so many seconds.
    pub stats_every: Option<u64>,
}

/// SIGINT and SIGTERM, caught from the start of a capture (`Signals::catch` comes first in
/// `capture()`): one that comes while the programs load (a second with attribution) ends the
/// capture as soon as the loop runs, with a whole file, where the default action would kill
/// netdump mid-set-up and an inherited SIG_IGN (a script's background job) would lose it.
pub struct Signals {
    int: Signal,
    term: Signal,
}

impl Signals {
    /// Installs the handlers; needs the runtime.
    pub fn catch() -> Result<Signals, RunError> {
        Ok(Signals {
            int: signal(SignalKind::interrupt()).map_err(RunError::Signals)?,
            term: signal(SignalKind::terminate()).map_err(RunError::Signals)?,
        })
    }
}

/// Reads and prints until a signal, `-c`, a closed pipe, a full rotation, or the interface
/// (or the namespace of `--netns NAME`) going away.
pub async fn run<W: Write>(
    capture: &mut Capture,
    mut watch: Watch,
    output: Output<W>,
    opts: &LoopOptions,
    signals: Signals,
    drop_names: Option<&mut drops::Names>,
) -> Result<Outcome, RunError> {
    let Signals {
        int: mut sigint,
        term: mut sigterm,
    } = signals;
    for note in capture.notes() {
        eprintln!("netdump: {note}");
    }
    eprintln!("netdump: {}", capture.banner());
    let mut stats_tick = opts.stats_every.map(|s| {
        let mut t = tokio::time::interval(Duration::from_secs(s));
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });

    // One timer for the drain and the interface look, set after each wakeup to whichever
    // comes first: a drain is due some time after the last one (under load the kernel's
    // wakeups come first and it never fires), a look at the interfaces on its own beat and
    // at any wakeup after that. Each wakeup costs CPU: the two share them.
    let drain_every = if output.watched() {
        DRAIN_INTERVAL
    } else {
        FILE_DRAIN_INTERVAL
    };
    // The first wakeup is at once: a look, as soon as the loop runs.
    let timer = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(timer);

    let mut handler = Handler {
        output,
        drop_names,
        clock: WallClock::new(),
        names: BTreeMap::new(),
        named: Vec::new(),
        last: None,
        own_namespace: capture.spaces.scope == super::spaces::Scope::Own,
        vlan_buf: Vec::with_capacity(netdump_common::MAX_SNAPLEN as usize + 4),
        limit: opts.count,
        bad_samples: 0,
        unattributed: 0,
        owners: capture.owner_run.as_ref().and_then(|r| r.owners.clone()),
        last_cgroup: None,
    };
    handler.learn(capture);
    // Interfaces can vanish or go down under us (look every half second), or appear (with
    // -i any, a pattern or other namespaces: a look every 100 ms at what rtnetlink said).
    let look_every = if watch.often() {
        Duration::from_millis(100)
    } else {
        Duration::from_millis(500)
    };
    let mut next_look = tokio::time::Instant::now();
    let mut stopped_by_signal = false;
    let stop = loop {
        tokio::select! {
            biased;
            _ = sigint.recv() => { stopped_by_signal = true; }
            _ = sigterm.recv() => { stopped_by_signal = true; }
            r = capture.reader.wait() => r?,
            () = &mut timer => {}
            _ = async { stats_tick.as_mut().unwrap().tick().await }, if stats_tick.is_some() => {
                let drops = capture.drop_counts(handler.drop_names.as_deref_mut());
                let _ = report::write_periodic(
                    &mut io::stderr().lock(),
                    &capture.counters.read(),
                    &capture.iface_reports(),
                    drops.as_deref(),
                );
            }
        }
        if tokio::time::Instant::now() >= next_look {
            if let Some(ended) = watch.look(capture) {
                break Some(Stop::Watch(ended));
            }
            handler.learn(capture);
            next_look = tokio::time::Instant::now() + look_every;
        }
        capture.flush_log();
        handler.clock.sync();
        let flow = capture.reader.drain(|rec| handler.handle(rec));
        timer
            .as_mut()
            .reset((tokio::time::Instant::now() + drain_every).min(next_look));
        match handler.output.flush() {
            Ok(None) => {}
            Ok(Some(stop)) => break Some(Stop::Output(stop)),
            Err(e) => break Some(Stop::Error(e)),
        }
        if let ControlFlow::Break(stop) = flow {
            break Some(stop);
        }
        if stopped_by_signal {
            break None;
        }
    };
    let outcome = |handler: &Handler<W>, code| Outcome {
        handled: handler.output.count,
        per_iface: handler.counts(),
        unattributed: handler.unattributed,
        code,
    };
    match stop {
        Some(Stop::Watch(ended)) => {
            // Print what was captured before it went, close the file, then say why.
            let _ = capture.reader.drain(|rec| handler.handle(rec));
            let _ = handler.output.flush();
            Err(match ended {
                Ended::Interface(iface::State::Down, name) => RunError::InterfaceDown(name),
                Ended::Interface(_, name) => RunError::InterfaceGone(name),
                Ended::Namespace(what) => RunError::NamespaceGone(what),
            })
        }
        Some(Stop::Error(e)) => {
            // Close what was written so far before reporting.
            let _ = handler.output.flush();
            Err(e.into())
        }
        Some(Stop::Output(output::Stop::BrokenPipe)) => {
            // `netdump | head`: the reader is gone; stop quietly.
            let done = outcome(&handler, 0);
            std::mem::forget(handler.output);
            Ok(done)
        }
        Some(Stop::Output(output::Stop::RotationDone)) | Some(Stop::Count) | None => {
            handler.output.flush()?;
            Ok(outcome(&handler, 0))
        }
    }
}
