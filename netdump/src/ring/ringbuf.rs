//! A BPF ring buffer consumer that hands out a whole batch of records and then moves the
//! consumer position once.
//!
//! aya's `RingBuf` (like libbpf's) reads the producer position and publishes the consumer
//! position for every record. Both live on cache lines the producing CPU also touches, so
//! under a flood each record costs two cross-CPU cache-line transfers. Here the producer
//! position is read once per batch and the consumer position written once per batch.
//!
//! Layout (kernel/bpf/ringbuf.c): page 0 holds the consumer position (mapped read-write);
//! page 1 the producer position, followed by the data pages. The kernel offers the data
//! pages twice in a row, so that a record wrapping around the end is contiguous, and maps
//! every page of the range at mmap time (`remap_vmalloc_range`): the second copy would be
//! resident memory as large as the ring. We map the data once and copy the rare record
//! that wraps (at most one per lap of the ring) into a buffer instead. Each record starts
//! with an 8-byte header: a u32 length carrying the BUSY and DISCARD bits, and a u32 page
//! offset. Records are 8-byte aligned, so a header never wraps.

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
    /// The producer page, then the data pages once (read-only).
    producer: Mapping,
    page: usize,
    size: u64,
    /// A record that wraps around the end of the data, put back together.
    wrapped: Vec<u8>,
}

impl<F: AsFd> RingConsumer<F> {
    /// Maps the ring of `size` data bytes (a power of two) behind map `fd`.
    pub fn new(fd: F, size: u64) -> io::Result<RingConsumer<F>> {
        let page = page_size();
        let consumer = Mapping::shared(fd.as_fd(), page, 0, Access::ReadWrite)?;
        let producer = Mapping::shared(fd.as_fd(), page + size as usize, page, Access::Read)?;
        Ok(RingConsumer {
            fd,
            consumer,
            producer,
            page,
            size,
            wrapped: Vec::new(),
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
        let data = self.data();
        while cons < prod {
            // SAFETY: `cons & mask` is inside the data; an 8-byte aligned header ends at or
            // before the end of the data (its size is a multiple of the page size).
            let hdr = unsafe { data.add((cons & mask) as usize) };
            // SAFETY: the header's length word, 8-byte aligned, written by the kernel.
            let len_word = unsafe { &*hdr.cast::<AtomicU32>() }.load(Ordering::Acquire);
            if len_word & BUSY_BIT != 0 {
                break;
            }
            let len = u64::from(len_word & !(BUSY_BIT | DISCARD_BIT));
            let next = cons + ((len + HEADER + 7) & !7);
            if len_word & DISCARD_BIT == 0 && len <= self.size {
                let start = (cons + HEADER) & mask;
                let first = (self.size - start).min(len);
                // SAFETY: `first` committed bytes of the record from `start`, inside the data.
                let head =
                    unsafe { std::slice::from_raw_parts(data.add(start as usize), first as usize) };
                let body = if first == len {
                    head
                } else {
                    // SAFETY: the rest of the record, from the start of the data (`len` is at
                    // most the data's size).
                    let tail = unsafe { std::slice::from_raw_parts(data, (len - first) as usize) };
                    self.wrapped.clear();
                    self.wrapped.extend_from_slice(head);
                    self.wrapped.extend_from_slice(tail);
                    &self.wrapped[..]
                };
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

#[cfg(test)]
mod tests {
    use std::os::fd::{FromRawFd as _, OwnedFd};

    use super::*;

    /// A memfd laid out as a ring map (consumer page, producer page, `size` data bytes),
    /// and a writable mapping of it to play the kernel.
    fn fake_ring(size: usize) -> (OwnedFd, Mapping) {
        let page = page_size();
        // SAFETY: memfd_create with a valid C string; the fd is checked and owned below.
        let raw = unsafe { libc::memfd_create(c"netdump-ring-test".as_ptr(), 0) };
        assert!(raw >= 0, "memfd_create: {}", io::Error::last_os_error());
        // SAFETY: a fresh descriptor nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        // SAFETY: ftruncate on our own memfd.
        assert_eq!(unsafe { libc::ftruncate(raw, (2 * page + size) as i64) }, 0);
        let kernel = Mapping::shared(fd.as_fd(), 2 * page + size, 0, Access::ReadWrite).unwrap();
        (fd, kernel)
    }

    /// Writes a committed record of `body` at position `pos` (wrapping as the kernel's
    /// doubled mapping would), returns the next position.
    fn put(kernel: &Mapping, size: usize, pos: u64, body: &[u8]) -> u64 {
        let page = page_size();
        // SAFETY: offsets below stay inside the mapping (positions are taken modulo size).
        let data = unsafe { kernel.as_ptr().add(2 * page) };
        let at = |p: u64| (p % size as u64) as usize;
        let mut hdr = [0u8; 8];
        hdr[..4].copy_from_slice(&(body.len() as u32).to_ne_bytes());
        for (i, b) in hdr.iter().chain(body).enumerate() {
            // SAFETY: inside the data pages.
            unsafe { *data.add(at(pos + i as u64)) = *b };
        }
        pos + ((body.len() as u64 + HEADER + 7) & !7)
    }

    fn set_producer(kernel: &Mapping, pos: u64) {
        // SAFETY: the producer position starts the second page.
        unsafe {
            (*kernel.as_ptr().add(page_size()).cast::<AtomicU64>()).store(pos, Ordering::Release)
        };
    }

    fn set_consumer(kernel: &Mapping, pos: u64) {
        // SAFETY: the consumer position starts the first page.
        unsafe { (*kernel.as_ptr().cast::<AtomicU64>()).store(pos, Ordering::Release) };
    }

    /// Records before, across and after the end of the data come out whole and in order,
    /// and the consumer position moves past them.
    #[test]
    fn a_record_wrapping_around_the_end_comes_out_whole() {
        let size = page_size();
        let (fd, kernel) = fake_ring(size);
        // Start 40 bytes before the end: the first record fits, the second one's body wraps.
        let start = (3 * size - 40) as u64;
        set_consumer(&kernel, start);
        let bodies: Vec<Vec<u8>> = [12usize, 100, 7, 64]
            .iter()
            .enumerate()
            .map(|(k, &n)| (0..n).map(|i| (i * 7 + k) as u8).collect())
            .collect();
        let mut pos = start;
        for b in &bodies {
            pos = put(&kernel, size, pos, b);
        }
        set_producer(&kernel, pos);
        let mut ring = RingConsumer::new(fd, size as u64).unwrap();
        let mut got = Vec::new();
        let flow: ControlFlow<()> = ring.drain(|r| {
            got.push(r.to_vec());
            ControlFlow::Continue(())
        });
        assert!(flow.is_continue());
        assert_eq!(got, bodies);
        assert_eq!(ring.consumer_pos().load(Ordering::Acquire), pos);
    }
}
