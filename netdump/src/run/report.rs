//! What a capture reports on stderr: tcpdump's exit lines, the knobs' counts, `--stats`.

use std::{
    collections::BTreeMap,
    io::{self, Write},
};

use netdump_common::{Counters, IfaceKey};

use super::capture::IfaceReport;

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// One line per interface before tcpdump's totals, when a capture ran on several: packets
/// netdump handled from it, and what the kernel matched and could not queue there. The
/// lines start with the interface, so scripts reading tcpdump's `N packets captured` lines
/// still find only the totals.
pub fn write_iface_lines(
    out: &mut impl Write,
    reports: &[(IfaceKey, IfaceReport)],
    captured: &BTreeMap<IfaceKey, u64>,
) -> io::Result<()> {
    for (key, r) in reports {
        let c = captured.get(key).copied().unwrap_or(0);
        writeln!(
            out,
            "{}: {c} packet{} captured, {} received by filter, {} dropped by kernel",
            r.label,
            plural(c),
            r.kernel.matched,
            r.kernel.dropped
        )?;
    }
    Ok(())
}

/// tcpdump's three lines: packets netdump handled, packets the kernel matched, packets the
/// kernel could not queue.
pub fn write_exit_lines(out: &mut impl Write, captured: u64, kernel: &Counters) -> io::Result<()> {
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

/// `--stats`: one line with every kernel counter (and, with `--drops`, the drops by reason),
/// then one per interface when the capture runs on several.
pub fn write_periodic(
    out: &mut impl Write,
    k: &Counters,
    reports: &[(IfaceKey, IfaceReport)],
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
    writeln!(out)?;
    for (_, r) in reports {
        writeln!(
            out,
            "netdump:   {}: matched {}, captured {}, dropped {}",
            r.label, r.kernel.matched, r.kernel.captured, r.kernel.dropped
        )?;
    }
    Ok(())
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
    fn interface_lines_name_the_interface_first() {
        let key = |i| IfaceKey {
            netns: 9,
            ifindex: i,
            _pad: 0,
        };
        let report = |label: &str, matched, dropped| IfaceReport {
            label: label.into(),
            kernel: netdump_common::IfaceCounters {
                matched,
                captured: matched,
                dropped,
                _pad: 0,
            },
        };
        let reports = vec![
            (key(1), report("lo@blue", 1, 0)),
            (key(2), report("veth0@blue", 4, 1)),
        ];
        let captured = [(key(1), 1), (key(2), 3)].into();
        let mut out = Vec::new();
        write_iface_lines(&mut out, &reports, &captured).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "lo@blue: 1 packet captured, 1 received by filter, 0 dropped by kernel\n\
             veth0@blue: 3 packets captured, 4 received by filter, 1 dropped by kernel\n"
        );
        let mut out = Vec::new();
        write_periodic(&mut out, &Counters::default(), &reports, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.ends_with("netdump:   veth0@blue: matched 4, captured 4, dropped 1\n"),
            "{text}"
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
        write_periodic(&mut out, &Counters::default(), &[], Some(&[])).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .ends_with("dropped 0; 0 packets dropped by the network stack\n"));
    }
}
