//! From the kernel's buffers to records: the BPF ring buffer (woken by the kernel in batches,
//! drained on a timer otherwise) or the per-CPU perf buffers ([`Reader`]), netdump's own ring
//! consumer ([`ringbuf`]), the one place bytes become records ([`sample`]), and kernel time
//! to wall-clock time ([`clock`]).

pub mod clock;
pub mod ringbuf;
pub mod sample;

use std::{io, ops::ControlFlow};

use aya::{
    maps::{
        perf::{PerfEvent, PerfEventArrayBuffer},
        Map, MapData, MapFd, PerfEventArray,
    },
    util::online_cpus,
    Ebpf,
};
use netdump_common::names;
use thiserror::Error;
use tokio::io::{unix::AsyncFd, Interest};

use crate::{kernel::Transport, sys::mmap::page_size};
use ringbuf::RingConsumer;

#[derive(Debug, Error)]
pub enum ReaderError {
    #[error("the BPF object has no {0} map")]
    MissingMap(&'static str),
    #[error("open the {what}: {source}")]
    Open {
        what: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("wait for samples: {0}")]
    Wait(#[source] io::Error),
}

pub enum Reader {
    Ring(AsyncFd<RingConsumer<MapFd>>),
    Perf {
        /// One per CPU, each registered with tokio: the kernel wakes it when a quarter of
        /// the buffer is pending (netdump's aya patch), the 10 ms timer drains the rest.
        buffers: Vec<AsyncFd<PerfEventArrayBuffer<MapData>>>,
        /// The samples of one drain, copied out of the per-CPU buffers.
        batch: Vec<u8>,
        /// (kernel timestamp, byte range in `batch`) of each sample, sorted before use.
        order: Vec<(u64, std::ops::Range<usize>)>,
    },
}

impl Reader {
    /// Takes the EVENTS map out of `ebpf`. `ring_bytes` is the ring's size (set at load), or
    /// what the perf buffers share out over the CPUs.
    pub fn open(
        ebpf: &mut Ebpf,
        transport: Transport,
        ring_bytes: u32,
    ) -> Result<Reader, ReaderError> {
        match transport {
            Transport::Ring => {
                let open_err = |e: Box<dyn std::error::Error + Send + Sync>| ReaderError::Open {
                    what: "ring buffer",
                    source: e,
                };
                // The map stays in `ebpf` (the programs refer to its fd); we map a duplicate.
                let Some(Map::RingBuf(data)) = ebpf.map(names::EVENTS) else {
                    return Err(ReaderError::MissingMap(names::EVENTS));
                };
                let fd = data
                    .info()
                    .and_then(|i| i.fd())
                    .map_err(|e| open_err(Box::new(e)))?;
                let ring = RingConsumer::new(fd, u64::from(ring_bytes))
                    .map_err(|e| open_err(Box::new(e)))?;
                // SAFETY: the map fd stays open and unchanged while the AsyncFd owns it.
                let fd = unsafe { AsyncFd::register_with_interest(ring, Interest::READABLE) }
                    .map_err(|e| open_err(Box::new(e.into_parts().1)))?;
                Ok(Reader::Ring(fd))
            }
            Transport::Perf => {
                let map = ebpf
                    .take_map(names::EVENTS)
                    .ok_or(ReaderError::MissingMap(names::EVENTS))?;
                let mut array = PerfEventArray::try_from(map).map_err(|e| ReaderError::Open {
                    what: "perf buffer",
                    source: Box::new(e),
                })?;
                let cpus = online_cpus().map_err(|(_, e)| ReaderError::Open {
                    what: "perf buffer (online CPUs)",
                    source: Box::new(e),
                })?;
                let page = page_size();
                let per_cpu = (ring_bytes as usize / cpus.len().max(1) / page).max(1);
                let pages = per_cpu.next_power_of_two();
                let mut buffers = Vec::with_capacity(cpus.len());
                for cpu in cpus {
                    let buf = array
                        .open(cpu, Some(pages))
                        .map_err(|e| ReaderError::Open {
                            what: "perf buffer",
                            source: Box::new(e),
                        })?;
                    // SAFETY: the perf event fd stays open and unchanged while the AsyncFd
                    // owns the buffer.
                    let buf = unsafe { AsyncFd::register_with_interest(buf, Interest::READABLE) }
                        .map_err(|e| ReaderError::Open {
                        what: "perf buffer",
                        source: Box::new(e.into_parts().1),
                    })?;
                    buffers.push(buf);
                }
                Ok(Reader::Perf {
                    buffers,
                    batch: Vec::new(),
                    order: Vec::new(),
                })
            }
        }
    }

    /// Waits until the kernel signals pending samples: the ring buffer, or any CPU's perf
    /// buffer (whatever wakes, `drain` reads them all).
    pub async fn wait(&mut self) -> Result<(), ReaderError> {
        match self {
            Reader::Ring(fd) => {
                let mut guard = fd.readable_mut().await.map_err(ReaderError::Wait)?;
                guard.clear_ready();
                Ok(())
            }
            Reader::Perf { buffers, .. } => {
                std::future::poll_fn(|cx| {
                    let mut woken = false;
                    for buf in buffers.iter_mut() {
                        match buf.poll_read_ready_mut(cx) {
                            std::task::Poll::Ready(Ok(mut guard)) => {
                                guard.clear_ready();
                                woken = true;
                            }
                            std::task::Poll::Ready(Err(e)) => {
                                return std::task::Poll::Ready(Err(ReaderError::Wait(e)))
                            }
                            std::task::Poll::Pending => {}
                        }
                    }
                    if woken {
                        std::task::Poll::Ready(Ok(()))
                    } else {
                        std::task::Poll::Pending
                    }
                })
                .await
            }
        }
    }

    /// Hands every pending sample to `f`, until it breaks.
    pub fn drain<B>(&mut self, mut f: impl FnMut(&[u8]) -> ControlFlow<B>) -> ControlFlow<B> {
        match self {
            Reader::Ring(fd) => fd.get_mut().drain(f),
            Reader::Perf {
                buffers,
                batch,
                order,
            } => {
                // Each CPU has its own buffer: merge them by kernel timestamp so packets
                // print in the order they were seen (TCP relative numbers depend on it).
                batch.clear();
                order.clear();
                for buf in buffers.iter_mut().map(AsyncFd::get_mut) {
                    if !buf.readable() {
                        continue;
                    }
                    buf.for_each(|event| {
                        // The kernel's `dropped` counter already counts lost samples.
                        if let PerfEvent::Sample { head, tail } = event {
                            let start = batch.len();
                            batch.extend_from_slice(head);
                            batch.extend_from_slice(tail);
                            let ts = batch
                                .get(start..start + 8)
                                .map(|b| u64::from_ne_bytes(b.try_into().unwrap_or([0; 8])))
                                .unwrap_or(0);
                            order.push((ts, start..batch.len()));
                        }
                    });
                }
                order.sort_by_key(|(ts, _)| *ts);
                for (_, range) in order.iter() {
                    f(&batch[range.clone()])?;
                }
                ControlFlow::Continue(())
            }
        }
    }
}
