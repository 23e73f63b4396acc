//! The translator's unit tests: shapes of the emitted code; verdicts are tested against
//! libpcap in the kernel by `netdump/tests/filter.rs`.

use super::*;

fn ins(code: u16, jt: u8, jf: u8, k: u32) -> CInsn {
    CInsn { code, jt, jf, k }
}

#[test]
fn accept_all_translates_without_loads() {
    let p = translate(&[ins(cbpf::RET, 0, 0, 262_144)], Action::Return).unwrap();
    let text = e::disassemble(&p);
    assert!(!text.contains("bpf_skb_load_bytes"), "{text}");
    assert!(text.trim_end().ends_with("exit"), "{text}");
    assert!(
        !text.contains("r0 = 0x0\n"),
        "no unreachable no-match block: {text}"
    );
}

#[test]
fn rejects_bad_programs() {
    assert_eq!(
        translate(&[], Action::Return),
        Err(TranslateError::NoReturn)
    );
    let jump_out = [ins(cbpf::JMP | 0x10, 5, 0, 1), ins(cbpf::RET, 0, 0, 1)];
    assert_eq!(
        translate(&jump_out, Action::Return),
        Err(TranslateError::BadJump { at: 0 })
    );
    let div0 = [ins(cbpf::ALU | 0x30, 0, 0, 0), ins(cbpf::RET, 0, 0, 1)];
    assert_eq!(
        translate(&div0, Action::Return),
        Err(TranslateError::DivByZero { at: 0 })
    );
    let mem = [ins(cbpf::ST, 0, 0, 16), ins(cbpf::RET, 0, 0, 1)];
    assert_eq!(
        translate(&mem, Action::Return),
        Err(TranslateError::BadMem { at: 0, k: 16 })
    );
}

#[test]
fn tail_call_names_the_emitter_map() {
    let p = translate(
        &[ins(cbpf::RET, 0, 0, 1)],
        Action::TailCall {
            emitters_fd: 42,
            index: 1,
            pass: -1,
            counters_fd: None,
        },
    )
    .unwrap();
    let text = e::disassemble(&p);
    assert!(
        text.contains("map[fd 42]") && text.contains("bpf_tail_call"),
        "{text}"
    );
}

#[test]
fn direct_mode_copies_the_window_once_then_reads_the_stack() {
    let f = crate::filter::Filter::compile("udp port 53").unwrap();
    let p = translate_from(&f.cbpf(), Action::Return, Source::Direct).unwrap();
    let text = e::disassemble(&p);
    // data and data_end, once, in the prologue.
    assert_eq!(text.matches("*(u32 *)(r6 +76)").count(), 1, "{text}");
    assert_eq!(text.matches("*(u32 *)(r6 +80)").count(), 1, "{text}");
    // The first helper call is the window's copy, before the first load is taken.
    let first_call = text.find("bpf_skb_load_bytes").unwrap();
    let first_stack_byte = text.find("= *(u8 *)(r3 -").unwrap();
    assert!(first_call < first_stack_byte, "{text}");
    // The helper mode has no window.
    let h = translate_from(&f.cbpf(), Action::Return, Source::Skb).unwrap();
    assert!(!e::disassemble(&h).contains("(r6 +76)"));
}

#[test]
fn only_used_scratch_words_are_zeroed() {
    let zeroes = |expr: &str| {
        let f = crate::filter::Filter::compile(expr).unwrap();
        let p = translate(&f.cbpf(), Action::Return).unwrap();
        let text = e::disassemble(&p);
        (0..16)
            .filter(|i| text.contains(&format!("*(u32 *)(r10 {}) = 0\n", MEM_BASE + 4 * i)))
            .count()
    };
    assert_eq!(zeroes("udp"), 0);
    // M[3] stored and read back: that word alone.
    let p = [
        ins(cbpf::ST, 0, 0, 3),
        ins(cbpf::LD | cbpf::MEM, 0, 0, 3),
        ins(cbpf::RET | cbpf::RVAL_A, 0, 0, 0),
    ];
    let text = e::disassemble(&translate(&p, Action::Return).unwrap());
    let zeroed: Vec<i16> = (0..16)
        .filter(|i| text.contains(&format!("*(u32 *)(r10 {}) = 0\n", MEM_BASE + 4 * i)))
        .collect();
    assert_eq!(zeroed, vec![3], "{text}");
}

#[test]
fn tc_filters_count_the_packet_as_seen() {
    let action = |counters_fd| Action::TailCall {
        emitters_fd: 42,
        index: 0,
        pass: -1,
        counters_fd,
    };
    let p = translate(&[ins(cbpf::RET, 0, 0, 1)], action(Some(9))).unwrap();
    let text = e::disassemble(&p);
    assert!(
        text.contains("bpf_get_smp_processor_id") && text.contains("map[fd 9]"),
        "{text}"
    );
    let p = translate(&[ins(cbpf::RET, 0, 0, 1)], action(None)).unwrap();
    assert!(!e::disassemble(&p).contains("bpf_get_smp_processor_id"));
}
