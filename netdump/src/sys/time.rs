//! Clocks and calendar conversion: `clock_gettime`, `gmtime_r`, `localtime_r`, `strftime`.

use std::ffi::CString;

/// The kernel clocks netdump reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// CLOCK_MONOTONIC, the clock of `bpf_ktime_get_ns`.
    Monotonic,
    /// CLOCK_REALTIME, wall-clock time.
    Realtime,
}

/// Nanoseconds on `clock`.
pub fn now_ns(clock: Clock) -> i128 {
    let id = match clock {
        Clock::Monotonic => libc::CLOCK_MONOTONIC,
        Clock::Realtime => libc::CLOCK_REALTIME,
    };
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes only the timespec we pass; both clocks always exist.
    unsafe { libc::clock_gettime(id, &mut ts) };
    i128::from(ts.tv_sec) * 1_000_000_000 + i128::from(ts.tv_nsec)
}

/// A broken-down calendar time (`struct tm`'s fields, with the year and month as people
/// write them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    pub year: i32,
    /// 1-12.
    pub month: u32,
    /// 1-31.
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl From<&libc::tm> for Calendar {
    fn from(tm: &libc::tm) -> Calendar {
        Calendar {
            year: tm.tm_year + 1900,
            month: (tm.tm_mon + 1) as u32,
            day: tm.tm_mday as u32,
            hour: tm.tm_hour as u32,
            minute: tm.tm_min as u32,
            second: tm.tm_sec as u32,
        }
    }
}

fn gmtime_tm(sec: i64) -> libc::tm {
    // SAFETY: gmtime_r writes only the tm we pass; an all-zero tm is a valid value.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        libc::gmtime_r(&sec, &mut tm);
        tm
    }
}

fn localtime_tm(sec: i64) -> libc::tm {
    // SAFETY: localtime_r writes only the tm we pass; an all-zero tm is a valid value.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&sec, &mut tm);
        tm
    }
}

/// `sec` seconds since the epoch in UTC.
pub fn utc(sec: i64) -> Calendar {
    Calendar::from(&gmtime_tm(sec))
}

/// `sec` seconds since the epoch in the local time zone (`TZ`).
pub fn local(sec: i64) -> Calendar {
    Calendar::from(&localtime_tm(sec))
}

/// `strftime(pattern)` of `sec` in the local time zone; the pattern itself when it cannot be
/// expanded (an interior NUL, or an expansion that does not fit).
pub fn strftime_local(pattern: &str, sec: i64) -> String {
    let Ok(fmt) = CString::new(pattern) else {
        return pattern.to_string();
    };
    let tm = localtime_tm(sec);
    let mut buf = vec![0u8; pattern.len() * 4 + 256];
    // SAFETY: strftime writes at most buf.len() bytes into buf and reads the tm and the
    // NUL-terminated format we pass.
    let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), buf.len(), fmt.as_ptr(), &tm) };
    if n == 0 && !pattern.is_empty() {
        return pattern.to_string();
    }
    buf.truncate(n);
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_breaks_down_a_known_instant() {
        // 2023-11-14 22:13:20 UTC.
        assert_eq!(
            utc(1_700_000_000),
            Calendar {
                year: 2023,
                month: 11,
                day: 14,
                hour: 22,
                minute: 13,
                second: 20
            }
        );
    }

    #[test]
    fn clocks_advance() {
        let a = now_ns(Clock::Monotonic);
        let b = now_ns(Clock::Monotonic);
        assert!(b >= a);
        assert!(now_ns(Clock::Realtime) > 1_600_000_000 * 1_000_000_000);
    }

    #[test]
    fn strftime_expands_and_keeps_what_it_cannot() {
        let s = strftime_local("cap-%Y.pcap", 0);
        assert!(s == "cap-1970.pcap" || s == "cap-1969.pcap", "{s}");
        assert_eq!(strftime_local("a\0b", 0), "a\0b");
    }
}
