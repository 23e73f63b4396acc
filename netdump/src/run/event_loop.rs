//! The capture's event loop: wait for the kernel (or the 10 ms drain timer), turn each record
//! into a [`Packet`] and hand it to the output; watch signals, the interface, `-c`, `--stats`.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::{self, Write},
    ops::ControlFlow,
    time::Duration,
};

use tokio::signal::unix::{signal, SignalKind};

use super::{report, Capture, RunError};
use crate::{
    drops, iface,
    output::{self, Output, OutputError},
    packet::{LinkType, Packet, NO_DEVICE},
    ring::{clock::WallClock, sample},
    sys::socket::RouteSocket,
};

/// How often the ring is drained when the kernel has not woken us: the most a quiet link's
/// packet waits before it is printed.
const DRAIN_INTERVAL: Duration = Duration::from_millis(10);

/// Why reading stopped early.
enum Stop {
    Count,
    Output(output::Stop),
    Error(OutputError),
    Interface(iface::State, String),
}

/// What a sample's ifindex stands for.
struct Named {
    name: String,
    link_type: LinkType,
}

/// Turns kernel samples into output.
struct Handler<'n, W: Write> {
    output: Output<W>,
    /// `--drops`: reason names and kernel symbols.
    drop_names: Option<&'n mut drops::Names>,
    clock: WallClock,
    /// Every interface attached, by ifindex (also deleted ones: late samples still come).
    names: BTreeMap<u32, Named>,
    vlan_buf: Vec<u8>,
    limit: Option<u64>,
    bad_samples: u64,
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
        let (data, orig_len) = sample::wire_frame(&sample, &mut self.vlan_buf);
        let ifindex = sample.header.ifindex;
        // A drop on an interface netdump did not attach to (-i any) is named here; one
        // before the packet had a device has none.
        let named = if ifindex == 0 && sample.drop.is_some() {
            None
        } else {
            let output = &mut self.output;
            Some(self.names.entry(ifindex).or_insert_with(|| {
                let name = iface::name_of(ifindex).unwrap_or_else(|| format!("if{ifindex}"));
                if let Some(hatype) = crate::sys::iface::hw_type(&name) {
                    output.learn_interface(&name, ifindex, hatype);
                }
                Named {
                    name,
                    link_type: LinkType::ETHERNET,
                }
            }))
        };
        let named: Option<&Named> = named.map(|n| &*n);
        let dropped = match (sample.drop.as_ref(), self.drop_names.as_deref_mut()) {
            (Some(info), Some(names)) => Some(names.dropped(info)),
            _ => None,
        };
        let pkt = Packet {
            ts: self.clock.wall(sample.header.ts_ns),
            ifname: named.map_or(NO_DEVICE, |n| n.name.as_str()),
            direction: sample.direction(),
            pkt_type: sample.header.pkt_type,
            hook: sample.hook(),
            link_type: sample
                .drop_link_type()
                .or(named.map(|n| n.link_type))
                .unwrap_or(LinkType::ETHERNET),
            orig_len,
            data,
            drop: dropped,
        };
        match self.output.emit(&pkt) {
            Ok(None) => {}
            Ok(Some(stop)) => return ControlFlow::Break(Stop::Output(stop)),
            Err(e) => return ControlFlow::Break(Stop::Error(e)),
        }
        if self.limit.is_some_and(|l| self.output.count >= l) {
            return ControlFlow::Break(Stop::Count);
        }
        ControlFlow::Continue(())
    }
}

impl<W: Write> Handler<'_, W> {
    /// Takes in the names and link types of interfaces attached since the last call.
    fn learn(&mut self, capture: &Capture) {
        for (index, k) in &capture.ifaces {
            if self.names.contains_key(index) {
                continue;
            }
            self.output.learn_interface(&k.iface.name, *index, k.hatype);
            self.names.insert(
                *index,
                Named {
                    name: k.iface.name.clone(),
                    link_type: k.link_type,
                },
            );
        }
    }
}

/// Watches the capture's interfaces: with a fixed set, whether each is still there and up;
/// with `-i any` or a pattern, interfaces appearing and disappearing.
struct Watch {
    /// One interface named (or chosen by default): its going away ends the capture.
    single: bool,
    /// rtnetlink's link events, with `-i any` or a pattern (`None` if the socket could not
    /// be opened: then every look lists the interfaces).
    links: Option<Option<RouteSocket>>,
    /// Interfaces already reported down (said once each).
    down: BTreeSet<u32>,
}

impl Watch {
    fn new(capture: &Capture) -> Watch {
        let dynamic = capture.selection.is_dynamic();
        Watch {
            single: !capture.selection.is_several(),
            links: dynamic.then(|| match RouteSocket::monitor_links() {
                Ok(s) => Some(s),
                Err(e) => {
                    eprintln!("netdump: cannot hear of new interfaces ({e}): looking every 100 ms");
                    None
                }
            }),
            down: BTreeSet::new(),
        }
    }

    /// One look; `Some` ends the capture.
    fn look(&mut self, capture: &mut Capture) -> Option<Stop> {
        match &self.links {
            Some(sock) => {
                if sock.as_ref().is_none_or(|s| s.drain()) {
                    Self::rescan(capture);
                }
                None
            }
            None => self.check_fixed(capture),
        }
    }

    /// A fixed set: with one interface, its going away or down ends the capture; with
    /// several, a deleted one is detached and the others go on.
    fn check_fixed(&mut self, capture: &mut Capture) -> Option<Stop> {
        let attached = capture.attached();
        for (index, name) in &attached {
            let st = iface::state(name, *index);
            if self.single {
                if st != iface::State::Up {
                    return Some(Stop::Interface(st, name.clone()));
                }
                continue;
            }
            match st {
                iface::State::Up => {
                    self.down.remove(index);
                }
                iface::State::Down => {
                    if self.down.insert(*index) {
                        eprintln!("netdump: interface {name} went down; capturing goes on");
                    }
                }
                iface::State::Gone => {
                    capture.forget_interface(*index);
                    if capture.attached().is_empty() {
                        return Some(Stop::Interface(st, name.clone()));
                    }
                    eprintln!(
                        "netdump: interface {name} was deleted; capturing goes on on the others"
                    );
                }
            }
        }
        None
    }

    /// `-i any` or a pattern: attach to new interfaces, forget deleted ones.
    fn rescan(capture: &mut Capture) {
        let Ok(now) = iface::list() else {
            return;
        };
        for (index, name) in capture.attached() {
            if !now.iter().any(|i| i.index == index) {
                capture.forget_interface(index);
                eprintln!("netdump: interface {name} was deleted");
            }
        }
        for i in now {
            if !capture.knows(i.index) && capture.selection.wants(&i.name) {
                if let Some(note) = capture.add_interface(i) {
                    eprintln!("netdump: {note}");
                }
            }
        }
    }
}

/// What the loop itself is asked to do.
#[derive(Clone, Copy, Debug)]
pub struct LoopOptions {
    /// `-c`: stop after this many packets.
    pub count: Option<u64>,
    /// `--stats`: print the kernel's counters every so many seconds.
    pub stats_every: Option<u64>,
}

/// Reads and prints until a signal, `-c`, a closed pipe, a full rotation, or the interface
/// going away. Returns the packets handled and the exit code.
pub async fn run<W: Write>(
    capture: &mut Capture,
    output: Output<W>,
    opts: &LoopOptions,
    drop_names: Option<&mut drops::Names>,
) -> Result<(u64, i32), RunError> {
    // Signal handlers before the banner: whoever waits for "listening on" to send SIGINT
    // must not find the default action (or an inherited SIG_IGN) still in place.
    let mut sigint = signal(SignalKind::interrupt()).map_err(RunError::Signals)?;
    let mut sigterm = signal(SignalKind::terminate()).map_err(RunError::Signals)?;
    for note in capture.notes() {
        eprintln!("netdump: {note}");
    }
    eprintln!("netdump: {}", capture.banner());
    let mut watch = Watch::new(capture);
    let mut stats_tick = opts.stats_every.map(|s| {
        let mut t = tokio::time::interval(Duration::from_secs(s));
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });

    let mut tick = tokio::time::interval(DRAIN_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let mut handler = Handler {
        output,
        drop_names,
        clock: WallClock::new(),
        names: BTreeMap::new(),
        vlan_buf: Vec::with_capacity(netdump_common::MAX_SNAPLEN as usize + 4),
        limit: opts.count,
        bad_samples: 0,
    };
    handler.learn(capture);
    // Interfaces can vanish or go down under us (look every half second), or appear (with
    // -i any or a pattern: a look every 100 ms at what rtnetlink said).
    let mut iface_tick = tokio::time::interval(if watch.links.is_some() {
        Duration::from_millis(100)
    } else {
        Duration::from_millis(500)
    });
    iface_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut stopped_by_signal = false;
    let stop = loop {
        tokio::select! {
            biased;
            _ = sigint.recv() => { stopped_by_signal = true; }
            _ = sigterm.recv() => { stopped_by_signal = true; }
            r = capture.reader.wait() => r?,
            _ = tick.tick() => {}
            _ = iface_tick.tick() => {
                if let Some(stop) = watch.look(capture) {
                    break Some(stop);
                }
                handler.learn(capture);
            }
            _ = async { stats_tick.as_mut().unwrap().tick().await }, if stats_tick.is_some() => {
                let drops = capture.drop_counts(handler.drop_names.as_deref_mut());
                let _ = report::write_periodic(
                    &mut io::stderr().lock(),
                    &capture.counters.read(),
                    drops.as_deref(),
                );
            }
        }
        capture.flush_log();
        handler.clock.sync();
        let flow = capture.reader.drain(|rec| handler.handle(rec));
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
    let handled = handler.output.count;
    match stop {
        Some(Stop::Interface(st, ifname)) => {
            // Print what was captured before it went, close the file, then say why.
            let _ = capture.reader.drain(|rec| handler.handle(rec));
            let _ = handler.output.flush();
            Err(match st {
                iface::State::Down => RunError::InterfaceDown(ifname),
                _ => RunError::InterfaceGone(ifname),
            })
        }
        Some(Stop::Error(e)) => {
            // Close what was written so far before reporting.
            let _ = handler.output.flush();
            Err(e.into())
        }
        Some(Stop::Output(output::Stop::BrokenPipe)) => {
            // `netdump | head`: the reader is gone; stop quietly.
            std::mem::forget(handler.output);
            Ok((handled, 0))
        }
        Some(Stop::Output(output::Stop::RotationDone)) | Some(Stop::Count) | None => {
            handler.output.flush()?;
            Ok((handled, 0))
        }
    }
}
