//! `-d`, `-dd`, `-ddd` and `--dump-ebpf`: a filter's programs as text.

use super::RunError;
use crate::filter::{
    cbpf, ebpf,
    translate::{Action, Source},
    Filter,
};

/// `-d`, `-dd`, `-ddd` (tcpdump's listings of the classic BPF) and `--dump-ebpf`.
pub fn dump_filter(expression: &str, level: u8) -> Result<String, RunError> {
    let f = Filter::compile(expression)?;
    let prog = f.cbpf();
    Ok(match level {
        1 => cbpf::image(&prog),
        2 => cbpf::c_array(&prog),
        3 => cbpf::decimal(&prog),
        _ => {
            f.check_evaluable()?;
            let insns = f.ebpf_from(
                Action::TailCall {
                    emitters_fd: -1,
                    index: 0,
                    pass: -1,
                    counters_fd: Some(-1),
                },
                Source::Direct,
            )?;
            format!(
                "; {} classic BPF instructions -> {} eBPF instructions (TC ingress; map fds are filled in at load)\n{}",
                prog.len(),
                insns.len(),
                ebpf::disassemble(&insns)
            )
        }
    })
}
