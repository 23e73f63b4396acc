//! Kernel timestamps (`bpf_ktime_get_ns`, CLOCK_MONOTONIC) to wall-clock time.

use crate::{
    packet::Timestamp,
    sys::time::{now_ns, Clock},
};

/// The offset between CLOCK_REALTIME and CLOCK_MONOTONIC, taken when [`WallClock::sync`]
/// last ran (once per batch of samples, so a clock step is followed within one batch).
#[derive(Clone, Copy, Debug)]
pub struct WallClock {
    /// CLOCK_REALTIME less CLOCK_MONOTONIC, in i64 (good until 2262): the conversion runs for
    /// every packet, and i128 division is a library call costing tens of nanoseconds.
    offset_ns: i64,
}

impl WallClock {
    pub fn new() -> WallClock {
        let mut c = WallClock { offset_ns: 0 };
        c.sync();
        c
    }

    pub fn sync(&mut self) {
        let mono = now_ns(Clock::Monotonic);
        let real = now_ns(Clock::Realtime);
        self.offset_ns = (real - mono).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    }

    /// The wall-clock time of a monotonic kernel timestamp.
    pub fn wall(&self, mono_ns: u64) -> Timestamp {
        let ns = i64::try_from(mono_ns)
            .unwrap_or(i64::MAX)
            .saturating_add(self.offset_ns);
        Timestamp {
            sec: ns.div_euclid(1_000_000_000),
            nsec: ns.rem_euclid(1_000_000_000) as u32,
        }
    }
}

impl Default for WallClock {
    fn default() -> Self {
        WallClock::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kernel_timestamp_taken_now_is_now() {
        let c = WallClock::new();
        let ts = c.wall(now_ns(Clock::Monotonic) as u64);
        let real = now_ns(Clock::Realtime);
        let got = i128::from(ts.sec) * 1_000_000_000 + i128::from(ts.nsec);
        assert!((real - got).abs() < 50_000_000, "off by {} ns", real - got);
    }
}
