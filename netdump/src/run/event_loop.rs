//! The capture's event loop: wait for the kernel (or the 10 ms drain timer), turn each record
//! into a [`Packet`] and hand it to the output; watch signals, the interface, `-c`, `--stats`.

use std::{
    io::{self, Write},
    ops::ControlFlow,
    time::Duration,
};

use tokio::signal::unix::{signal, SignalKind};

use super::{report, Capture, RunError};
use crate::{
    iface,
    output::{self, Output, OutputError},
    packet::{LinkType, Packet},
    ring::{clock::WallClock, sample},
};

/// How often the ring is drained when the kernel has not woken us: the most a quiet link's
/// packet waits before it is printed.
const DRAIN_INTERVAL: Duration = Duration::from_millis(10);

/// Why reading stopped early.
enum Stop {
    Count,
    Output(output::Stop),
    Error(OutputError),
    Interface(iface::State),
}

/// Turns kernel samples into output.
struct Handler<W: Write> {
    output: Output<W>,
    clock: WallClock,
    ifname: String,
    vlan_buf: Vec<u8>,
    limit: Option<u64>,
    bad_samples: u64,
}

impl<W: Write> Handler<W> {
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
        let pkt = Packet {
            ts: self.clock.wall(sample.header.ts_ns),
            ifname: &self.ifname,
            direction: sample.direction(),
            pkt_type: sample.header.pkt_type,
            hook: sample.hook(),
            link_type: LinkType::ETHERNET,
            orig_len,
            data,
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
) -> Result<(u64, i32), RunError> {
    for note in capture.notes() {
        eprintln!("netdump: {note}");
    }
    eprintln!("netdump: {}", capture.banner());
    let ifname = capture.iface.name.clone();
    let ifindex = capture.iface.index;
    let mut stats_tick = opts.stats_every.map(|s| {
        let mut t = tokio::time::interval(Duration::from_secs(s));
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });

    let mut sigint = signal(SignalKind::interrupt()).map_err(RunError::Signals)?;
    let mut sigterm = signal(SignalKind::terminate()).map_err(RunError::Signals)?;
    let mut tick = tokio::time::interval(DRAIN_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let mut handler = Handler {
        output,
        clock: WallClock::new(),
        ifname: ifname.clone(),
        vlan_buf: Vec::with_capacity(netdump_common::MAX_SNAPLEN as usize + 4),
        limit: opts.count,
        bad_samples: 0,
    };
    // The interface can vanish or go down under us: look every half second.
    let mut iface_tick = tokio::time::interval(Duration::from_millis(500));
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
                let st = iface::state(&ifname, ifindex);
                if st != iface::State::Up {
                    break Some(Stop::Interface(st));
                }
            }
            _ = async { stats_tick.as_mut().unwrap().tick().await }, if stats_tick.is_some() => {
                let _ = report::write_periodic(&mut io::stderr().lock(), &capture.counters.read());
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
        Some(Stop::Interface(st)) => {
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
