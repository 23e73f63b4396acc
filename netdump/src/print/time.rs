//! Timestamps as tcpdump prints them (`-t`, `-tt`, `-ttt`, `-tttt`, `-ttttt`).

use std::fmt::Write as _;

use crate::packet::Timestamp;
use crate::sys::time::local;

/// Which `-t` form to print; the count of `t`s, as tcpdump counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeFormat {
    /// No `-t`: local `HH:MM:SS.uuuuuu`.
    #[default]
    Local,
    /// `-t`: nothing.
    None,
    /// `-tt`: seconds since the epoch.
    Unix,
    /// `-ttt`: time since the previous packet.
    SincePrevious,
    /// `-tttt`: local date and time.
    LocalDate,
    /// `-ttttt`: time since the first packet.
    SinceFirst,
}

impl TimeFormat {
    pub fn from_count(count: u8) -> TimeFormat {
        match count {
            0 => TimeFormat::Local,
            1 => TimeFormat::None,
            2 => TimeFormat::Unix,
            3 => TimeFormat::SincePrevious,
            4 => TimeFormat::LocalDate,
            _ => TimeFormat::SinceFirst,
        }
    }
}

/// Formats timestamps, remembering the reference the relative forms need.
#[derive(Debug, Default)]
pub struct Clock {
    format: TimeFormat,
    reference: Option<Timestamp>,
    /// `--nano`: nine digits of fraction; otherwise six, the nanoseconds cut to
    /// microseconds first (as libpcap hands a nanosecond file to tcpdump), so deltas are
    /// differences of what is printed.
    nano: bool,
}

impl Clock {
    pub fn new(format: TimeFormat) -> Clock {
        Clock::with_precision(format, false)
    }

    /// A clock printing nanoseconds (`--nano`) or microseconds.
    pub fn with_precision(format: TimeFormat, nano: bool) -> Clock {
        Clock {
            format,
            reference: None,
            nano,
        }
    }

    /// The fraction of a second as printed, and its width.
    fn frac(&self, ts: Timestamp) -> (u32, usize) {
        if self.nano {
            (ts.nsec, 9)
        } else {
            (ts.nsec / 1000, 6)
        }
    }

    /// Appends the timestamp with its trailing space (nothing for `-t`).
    pub fn write(&mut self, out: &mut String, ts: Timestamp) {
        match self.format {
            TimeFormat::None => {}
            TimeFormat::Local => {
                let tm = local(ts.sec);
                let (frac, w) = self.frac(ts);
                let _ = write!(
                    out,
                    "{:02}:{:02}:{:02}.{frac:0w$} ",
                    tm.hour, tm.minute, tm.second,
                );
            }
            TimeFormat::LocalDate => {
                let tm = local(ts.sec);
                let (frac, w) = self.frac(ts);
                let _ = write!(
                    out,
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{frac:0w$} ",
                    tm.year, tm.month, tm.day, tm.hour, tm.minute, tm.second,
                );
            }
            TimeFormat::Unix => {
                let (frac, w) = self.frac(ts);
                let _ = write!(out, "{}.{frac:0w$} ", ts.sec);
            }
            TimeFormat::SincePrevious | TimeFormat::SinceFirst => {
                let reference = *self.reference.get_or_insert(ts);
                let (unit, w) = if self.nano {
                    (1_000_000_000, 9)
                } else {
                    (1_000_000, 6)
                };
                let at = |t: Timestamp| i128::from(t.sec) * unit + i128::from(self.frac(t).0);
                let delta = at(ts) - at(reference);
                let sign = if delta < 0 { '-' } else { ' ' };
                let delta = delta.unsigned_abs();
                let secs = delta / unit.unsigned_abs();
                let _ = write!(
                    out,
                    "{sign}{:02}:{:02}:{:02}.{:0w$} ",
                    secs / 3600,
                    secs / 60 % 60,
                    secs % 60,
                    delta % unit.unsigned_abs()
                );
                if self.format == TimeFormat::SincePrevious {
                    self.reference = Some(ts);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(clock: &mut Clock, sec: i64, nsec: u32) -> String {
        let mut s = String::new();
        clock.write(&mut s, Timestamp { sec, nsec });
        s
    }

    #[test]
    fn unix_and_none() {
        assert_eq!(
            fmt(&mut Clock::new(TimeFormat::Unix), 1700000000, 123_456_789),
            "1700000000.123456 "
        );
        assert_eq!(fmt(&mut Clock::new(TimeFormat::None), 1, 2), "");
    }

    #[test]
    fn deltas_since_previous_and_first() {
        let mut prev = Clock::new(TimeFormat::SincePrevious);
        assert_eq!(fmt(&mut prev, 100, 0), " 00:00:00.000000 ");
        assert_eq!(fmt(&mut prev, 101, 500_000), " 00:00:01.000500 ");
        assert_eq!(fmt(&mut prev, 3702, 500_000), " 01:00:01.000000 ");
        let mut first = Clock::new(TimeFormat::SinceFirst);
        fmt(&mut first, 100, 0);
        fmt(&mut first, 101, 0);
        assert_eq!(fmt(&mut first, 102, 0), " 00:00:02.000000 ");
    }

    #[test]
    fn deltas_are_differences_of_what_is_printed() {
        // 0.127521999 after 0.000000999: tcpdump (microseconds) says .127521, not .127521000.
        let mut prev = Clock::new(TimeFormat::SincePrevious);
        fmt(&mut prev, 0, 999);
        assert_eq!(fmt(&mut prev, 0, 127_522_001), " 00:00:00.127522 ");
        let mut nano = Clock::with_precision(TimeFormat::SincePrevious, true);
        fmt(&mut nano, 0, 999);
        assert_eq!(fmt(&mut nano, 0, 127_522_001), " 00:00:00.127521002 ");
        assert_eq!(
            fmt(&mut Clock::with_precision(TimeFormat::Unix, true), 5, 7),
            "5.000000007 "
        );
    }
}
