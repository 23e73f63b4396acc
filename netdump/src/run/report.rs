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

/// `--stats`: one line with every kernel counter.
pub fn write_periodic(out: &mut impl Write, k: &Counters) -> io::Result<()> {
    writeln!(
        out,
        "netdump: seen {}, matched {}, sampled out {}, rate limited {}, captured {}, dropped {}",
        k.seen, k.matched, k.sampled_out, k.rate_limited, k.captured, k.dropped
    )
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
}
