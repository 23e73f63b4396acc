//! Host names by reverse lookup (the system resolver: /etc/hosts, then DNS, as
//! nsswitch.conf says), cached for the whole run.
//!
//! In the background mode a lookup never blocks the caller: the first time an address is
//! seen it is queued for a worker thread and printed as a number; once the answer is in,
//! later lines show the name. The queue and the cache are bounded, so a flood of new
//! addresses costs a bounded amount of memory and lines simply stay numeric.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{
        mpsc::{self, SyncSender, TrySendError},
        Arc, Mutex,
    },
    thread,
};

/// Addresses remembered at most (names and failures); past it, new ones stay numeric.
const CACHE_MAX: usize = 65_536;
/// Lookups waiting for the worker at most; past it, an address is tried again later.
const QUEUE_MAX: usize = 1_024;

/// How lookups are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Wait for the answer (reading a file: the same output on every run).
    Blocking,
    /// Ask a worker thread; print the address until it answers (live captures).
    Background,
}

/// A reverse lookup: the address's host name, or None.
pub type Lookup = fn(IpAddr) -> Option<String>;

/// The system resolver (getnameinfo with NI_NAMEREQD, through the dns-lookup crate).
pub fn system_lookup(addr: IpAddr) -> Option<String> {
    dns_lookup::lookup_addr(&addr).ok()
}

#[derive(Clone, Debug)]
enum Entry {
    /// Queued for the worker.
    Pending,
    Name(Arc<str>),
    /// The resolver had no name.
    Numeric,
}

type Cache = Arc<Mutex<HashMap<IpAddr, Entry>>>;

/// The cache of host names and, in the background mode, the worker's queue.
#[derive(Debug)]
pub struct Hosts {
    cache: Cache,
    queue: Option<SyncSender<IpAddr>>,
    lookup: Lookup,
    short: bool,
}

impl Hosts {
    /// `short`: cut names at their first dot (`-N`).
    pub fn new(mode: Mode, short: bool, lookup: Lookup) -> Hosts {
        let cache: Cache = Arc::default();
        let queue = (mode == Mode::Background).then(|| {
            let (tx, rx) = mpsc::sync_channel::<IpAddr>(QUEUE_MAX);
            let cache = Arc::clone(&cache);
            // The worker ends when the sender (this Hosts) is dropped.
            let spawned = thread::Builder::new()
                .name("netdump-resolve".into())
                .spawn(move || {
                    for addr in rx {
                        let entry = name_entry(lookup(addr), short);
                        if let Ok(mut c) = cache.lock() {
                            c.insert(addr, entry);
                        }
                    }
                });
            // No thread: every address stays numeric (the queue's receiver is gone).
            drop(spawned);
            tx
        });
        Hosts {
            cache,
            queue,
            lookup,
            short,
        }
    }

    /// Appends the name of `addr`, or `addr` itself while no name is known.
    pub fn write(&self, out: &mut String, addr: IpAddr) {
        match self.entry(addr) {
            Some(Entry::Name(n)) => out.push_str(&n),
            _ => super::write_addr(out, addr),
        }
    }

    fn entry(&self, addr: IpAddr) -> Option<Entry> {
        let Ok(mut cache) = self.cache.lock() else {
            return None;
        };
        if let Some(e) = cache.get(&addr) {
            return Some(e.clone());
        }
        if cache.len() >= CACHE_MAX {
            return None;
        }
        match &self.queue {
            None => {
                drop(cache);
                let e = name_entry((self.lookup)(addr), self.short);
                self.cache.lock().ok()?.insert(addr, e.clone());
                Some(e)
            }
            Some(q) => match q.try_send(addr) {
                Ok(()) => {
                    cache.insert(addr, Entry::Pending);
                    Some(Entry::Pending)
                }
                // Full: ask again next time. Disconnected: the worker never started.
                Err(TrySendError::Full(_)) => None,
                Err(TrySendError::Disconnected(_)) => {
                    cache.insert(addr, Entry::Numeric);
                    Some(Entry::Numeric)
                }
            },
        }
    }
}

fn name_entry(name: Option<String>, short: bool) -> Entry {
    match name {
        Some(mut n) => {
            if short {
                if let Some(dot) = n.find('.') {
                    n.truncate(dot);
                }
            }
            Entry::Name(n.into())
        }
        None => Entry::Numeric,
    }
}

#[cfg(test)]
mod tests {
    use std::{
        net::{Ipv4Addr, Ipv6Addr},
        time::{Duration, Instant},
    };

    use super::*;

    fn fake(addr: IpAddr) -> Option<String> {
        match addr {
            IpAddr::V4(a) if a.octets()[3] == 1 => Some("one.example.test".into()),
            IpAddr::V6(a) if a.segments()[7] == 1 => Some("six.example.test".into()),
            _ => None,
        }
    }

    fn slow(addr: IpAddr) -> Option<String> {
        thread::sleep(Duration::from_millis(300));
        fake(addr)
    }

    fn text(h: &Hosts, a: IpAddr) -> String {
        let mut s = String::new();
        h.write(&mut s, a);
        s
    }

    #[test]
    fn blocking_names_and_numbers() {
        let h = Hosts::new(Mode::Blocking, false, fake);
        let one = IpAddr::V4(Ipv4Addr::new(198, 18, 0, 1));
        let two = IpAddr::V4(Ipv4Addr::new(198, 18, 0, 2));
        assert_eq!(text(&h, one), "one.example.test");
        assert_eq!(text(&h, two), "198.18.0.2");
        let six = IpAddr::V6(Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 1));
        assert_eq!(text(&h, six), "six.example.test");
        let short = Hosts::new(Mode::Blocking, true, fake);
        assert_eq!(text(&short, one), "one");
    }

    #[test]
    fn background_never_waits_and_names_later() {
        let h = Hosts::new(Mode::Background, false, slow);
        let one = IpAddr::V4(Ipv4Addr::new(198, 18, 0, 1));
        let t = Instant::now();
        assert_eq!(text(&h, one), "198.18.0.1");
        assert!(
            t.elapsed() < Duration::from_millis(100),
            "{:?}",
            t.elapsed()
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        while text(&h, one) != "one.example.test" {
            assert!(Instant::now() < deadline, "the worker never answered");
            thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn the_cache_is_bounded() {
        let h = Hosts::new(Mode::Blocking, false, fake);
        for i in 0..(CACHE_MAX as u32 + 10) {
            text(&h, IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i * 2)));
        }
        assert_eq!(h.cache.lock().unwrap().len(), CACHE_MAX);
    }
}
