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
