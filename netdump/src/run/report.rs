//! What a capture reports on stderr: tcpdump's exit lines, the knobs' counts, `--stats`.

use std::io::{self, Write};

use netdump_common::Counters;

/// tcpdump's three lines: packets netdump handled, packets the kernel matched, packets the
/// kernel could not queue.
pub fn write_exit_lines(out: &mut impl Write, captured: u64, kernel: &Counters) -> io::Result<()> {
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    writeln!(out, "{captured} packet{} captured", plural(captured))?;
    writeln!(
        out,
        "{} packet{} received by filter",
        kernel.matched,
        plural(kernel.matched)
    )?;
    writeln!(
        out,
        "{} packet{} dropped by kernel",
        kernel.dropped,
        plural(kernel.dropped)
    )
}

/// `--sample`/`--max-rate`: what those knobs held back.
pub fn write_knob_lines(out: &mut impl Write, kernel: &Counters) -> io::Result<()> {
    writeln!(out, "{} packets sampled out", kernel.sampled_out)?;
    writeln!(out, "{} packets rate limited", kernel.rate_limited)
}

/// `--drops`: the matched drops, by reason (most first), as the kernel counted them (before
/// `--sample`, `--max-rate` or a full buffer): "3 packets dropped by the network stack:
/// NETFILTER_DROP 2, NO_SOCKET 1". `None` is a kernel without reasons.
pub fn write_drop_line(
    out: &mut impl Write,
    by_reason: &[(Option<String>, u64)],
) -> io::Result<()> {
    writeln!(out, "{}", drop_summary(by_reason))
}

fn drop_summary(by_reason: &[(Option<String>, u64)]) -> String {
    let total: u64 = by_reason.iter().map(|(_, n)| n).sum();
    let mut line = format!(
        "{total} packet{} dropped by the network stack",
        if total == 1 { "" } else { "s" }
    );
    let named: Vec<String> = by_reason
        .iter()
        .filter_map(|(r, n)| r.as_ref().map(|r| format!("{r} {n}")))
        .collect();
    if !named.is_empty() {
        line.push_str(": ");
        line.push_str(&named.join(", "));
    }
    line
}

/// `--stats`: one line with every kernel counter (and, with `--drops`, the drops by reason).
pub fn write_periodic(
    out: &mut impl Write,
    k: &Counters,
    drops: Option<&[(Option<String>, u64)]>,
) -> io::Result<()> {
    write!(
        out,
        "netdump: seen {}, matched {}, sampled out {}, rate limited {}, captured {}, dropped {}",
        k.seen, k.matched, k.sampled_out, k.rate_limited, k.captured, k.dropped
    )?;
    if let Some(d) = drops {
        write!(out, "; {}", drop_summary(d))?;
    }
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_lines_read_like_tcpdump() {
        let mut out = Vec::new();
        let k = Counters {
            seen: 9,
            matched: 7,
            captured: 7,
            dropped: 1,
            ..Default::default()
        };
        write_exit_lines(&mut out, 6, &k).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "6 packets captured\n7 packets received by filter\n1 packet dropped by kernel\n"
        );
    }

    #[test]
    fn drops_are_counted_by_reason() {
        let mut out = Vec::new();
        let by = [
            (Some("NETFILTER_DROP".to_string()), 2),
            (Some("NO_SOCKET".to_string()), 1),
        ];
        write_drop_line(&mut out, &by).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "3 packets dropped by the network stack: NETFILTER_DROP 2, NO_SOCKET 1\n"
        );
        let mut out = Vec::new();
        write_drop_line(&mut out, &[(None, 1)]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1 packet dropped by the network stack\n"
        );
        let mut out = Vec::new();
        write_periodic(&mut out, &Counters::default(), Some(&[])).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .ends_with("dropped 0; 0 packets dropped by the network stack\n"));
    }
}
