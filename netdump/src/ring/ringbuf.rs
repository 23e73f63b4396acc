//! A BPF ring buffer consumer that hands out a whole batch of records and then moves the
//! consumer position once.
//!
//! aya's `RingBuf` (like libbpf's) reads the producer position and publishes the consumer
//! position for every record. Both live on cache lines the producing CPU also touches, so
//! under a flood each record costs two cross-CPU cache-line transfers. Here the producer
//! position is read once per batch and the consumer position written once per batch.
//!
//! Layout (kernel/bpf/ringbuf.c): page 0 holds the consumer position (mapped read-write);
//! page 1 the producer position, followed by the data pages mapped twice in a row, so a
//! record that wraps around the end is still contiguous. Each record starts with an 8-byte
//! header: a u32 length carrying the BUSY and DISCARD bits, and a u32 page offset. Records
//! are 8-byte aligned.

use std::{
    io,
    ops::ControlFlow,
    os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd},
    sync::atomic::{AtomicU32, AtomicU64, Ordering},
};

use crate::sys::mmap::{page_size, Access, Mapping};

const BUSY_BIT: u32 = 1 << 31;
const DISCARD_BIT: u32 = 1 << 30;
const HEADER: u64 = 8;

/// The consumer side of one BPF_MAP_TYPE_RINGBUF.
pub struct RingConsumer<F: AsFd> {
    fd: F,
    /// Page 0: the consumer position (read-write).
    consumer: Mapping,
    /// The producer page, then the data pages twice (read-only).
    producer: Mapping,
    page: usize,
    size: u64,
}

impl<F: AsFd> RingConsumer<F> {
    /// Maps the ring of `size` data bytes (a power of two) behind map `fd`.
    pub fn new(fd: F, size: u64) -> io::Result<RingConsumer<F>> {
        let page = page_size();
        let consumer = Mapping::shared(fd.as_fd(), page, 0, Access::ReadWrite)?;
        let producer = Mapping::shared(fd.as_fd(), page + 2 * size as usize, page, Access::Read)?;
        Ok(RingConsumer {
            fd,
            consumer,
            producer,
            page,
            size,
        })
    }

    fn consumer_pos(&self) -> &AtomicU64 {
        // SAFETY: page 0 starts with the u64 consumer position, 8-byte aligned, shared with
        // the kernel, which only reads it.
        unsafe { &*self.consumer.as_ptr().cast::<AtomicU64>() }
    }

    fn producer_pos(&self) -> &AtomicU64 {
        // SAFETY: the producer page starts with the u64 producer position.
        unsafe { &*self.producer.as_ptr().cast::<AtomicU64>() }
    }

    fn data(&self) -> *const u8 {
        // SAFETY: the data pages follow the producer page in the same mapping.
        unsafe { self.producer.as_ptr().add(self.page) }
    }

    /// Hands the committed records to `f`, in order, up to where the producer was when the
    /// call began (or a record still being written, or `f` breaking); then releases what was
    /// consumed, once.
    pub fn drain<B>(&mut self, mut f: impl FnMut(&[u8]) -> ControlFlow<B>) -> ControlFlow<B> {
        let start = self.consumer_pos().load(Ordering::Acquire);
        let mut cons = start;
        let mut flow = ControlFlow::Continue(());
        let mask = self.size - 1;
        // One pass up to the producer position read here: the consumer position must be
        // published regularly, or a flood would fill the ring while we are still reading.
        let prod = self.producer_pos().load(Ordering::Acquire);
        while cons < prod {
            // SAFETY: `cons & mask` is inside the first copy of the data; the record's
            // header and body lie within the doubled mapping.
            let hdr = unsafe { self.data().add((cons & mask) as usize) };
            // SAFETY: the header's length word, 8-byte aligned, written by the kernel.
            let len_word = unsafe { &*hdr.cast::<AtomicU32>() }.load(Ordering::Acquire);
            if len_word & BUSY_BIT != 0 {
                break;
            }
            let len = u64::from(len_word & !(BUSY_BIT | DISCARD_BIT));
            let next = cons + ((len + HEADER + 7) & !7);
            if len_word & DISCARD_BIT == 0 && len <= self.size {
                // SAFETY: a committed record of `len` bytes after its header.
                let body =
                    unsafe { std::slice::from_raw_parts(hdr.add(HEADER as usize), len as usize) };
                if let ControlFlow::Break(b) = f(body) {
                    cons = next;
                    flow = ControlFlow::Break(b);
                    break;
                }
            }
            cons = next;
        }
        if cons != start {
            self.consumer_pos().store(cons, Ordering::Release);
        }
        flow
    }
}

impl<F: AsFd> AsRawFd for RingConsumer<F> {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_fd().as_raw_fd()
    }
}

impl<F: AsFd> AsFd for RingConsumer<F> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
