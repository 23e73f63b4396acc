//! Rotated file names, as tcpdump makes them: a strftime expansion of the name with `-G`,
//! then a file number with `-C` (padded to the width of `-W`'s largest number).

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
        crate::sys::time::strftime_local(pattern, epoch_secs)
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
