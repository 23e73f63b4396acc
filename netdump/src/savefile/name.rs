//! Rotated file names, as tcpdump makes them: a strftime expansion of the name with `-G`,
//! then a file number with `-C` (padded to the width of `-W`'s largest number).

use std::ffi::CString;

/// The name of file number `n` of a rotation started at `epoch_secs`.
pub fn file_name(
    pattern: &str,
    time_based: bool,
    epoch_secs: i64,
    n: u32,
    count: Option<u32>,
    numbered: bool,
) -> String {
    let base = if time_based {
        strftime(pattern, epoch_secs)
    } else {
        pattern.to_string()
    };
    if !numbered {
        return base;
    }
    let width = count
        .map(|c| c.saturating_sub(1).to_string().len())
        .unwrap_or(0);
    if n == 0 && width == 0 {
        base
    } else {
        format!("{base}{n:0width$}")
    }
}

fn strftime(pattern: &str, epoch_secs: i64) -> String {
    let Ok(fmt) = CString::new(pattern) else {
        return pattern.to_string();
    };
    // SAFETY: localtime_r and strftime write only into the buffers we pass, bounded by len.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&epoch_secs, &mut tm);
        let mut buf = vec![0u8; pattern.len() * 4 + 256];
        let n = libc::strftime(buf.as_mut_ptr().cast(), buf.len(), fmt.as_ptr(), &tm);
        if n == 0 && !pattern.is_empty() {
            return pattern.to_string();
        }
        buf.truncate(n);
        String::from_utf8_lossy(&buf).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_follows_tcpdump() {
        assert_eq!(file_name("t.pcap", false, 0, 0, None, true), "t.pcap");
        assert_eq!(file_name("t.pcap", false, 0, 2, None, true), "t.pcap2");
        assert_eq!(file_name("t.pcap", false, 0, 0, Some(3), true), "t.pcap0");
        assert_eq!(file_name("t.pcap", false, 0, 7, Some(12), true), "t.pcap07");
        assert_eq!(file_name("t.pcap", false, 0, 5, None, false), "t.pcap");
    }

    #[test]
    fn time_patterns_expand() {
        let s = file_name("cap-%Y.pcap", true, 0, 0, None, false);
        assert!(s == "cap-1970.pcap" || s == "cap-1969.pcap", "{s}");
    }
}
