//! eBPF instructions: encoding, a small assembler with labels, and a disassembler for
//! `--dump-ebpf`.

use std::fmt::Write as _;

/// One eBPF instruction, laid out as the kernel's `struct bpf_insn`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Insn {
    pub code: u8,
    /// dst_reg in the low nibble, src_reg in the high nibble.
    pub regs: u8,
    pub off: i16,
    pub imm: i32,
}

const _: () = assert!(std::mem::size_of::<Insn>() == 8);

// Instruction classes, sizes, modes, operations (linux/bpf.h, linux/bpf_common.h).
pub const LD: u8 = 0x00;
pub const LDX: u8 = 0x01;
pub const ST: u8 = 0x02;
pub const STX: u8 = 0x03;
pub const ALU: u8 = 0x04;
pub const JMP: u8 = 0x05;
pub const JMP32: u8 = 0x06;
pub const ALU64: u8 = 0x07;
pub const W: u8 = 0x00;
pub const H: u8 = 0x08;
pub const B: u8 = 0x10;
pub const DW: u8 = 0x18;
pub const IMM: u8 = 0x00;
pub const MEM: u8 = 0x60;
pub const K: u8 = 0x00;
pub const X: u8 = 0x08;
pub const ADD: u8 = 0x00;
pub const SUB: u8 = 0x10;
pub const MUL: u8 = 0x20;
pub const DIV: u8 = 0x30;
pub const OR: u8 = 0x40;
pub const AND: u8 = 0x50;
pub const LSH: u8 = 0x60;
pub const RSH: u8 = 0x70;
pub const NEG: u8 = 0x80;
pub const MOD: u8 = 0x90;
pub const XOR: u8 = 0xa0;
pub const MOV: u8 = 0xb0;
pub const END: u8 = 0xd0;
pub const TO_BE: u8 = 0x08;
pub const JA: u8 = 0x00;
pub const JEQ: u8 = 0x10;
pub const JGT: u8 = 0x20;
pub const JGE: u8 = 0x30;
pub const JSET: u8 = 0x40;
pub const JNE: u8 = 0x50;
pub const JLT: u8 = 0xa0;
pub const JLE: u8 = 0xb0;
pub const CALL: u8 = 0x80;
pub const EXIT: u8 = 0x90;

pub const FP: u8 = 10;

/// Helper function ids.
pub const FN_MAP_LOOKUP_ELEM: i32 = 1;
pub const FN_TAIL_CALL: i32 = 12;
pub const FN_SKB_LOAD_BYTES: i32 = 26;
pub const FN_GET_SMP_PROCESSOR_ID: i32 = 8;

/// `src_reg` of a 64-bit immediate load that the kernel replaces with a map.
pub const PSEUDO_MAP_FD: u8 = 1;

pub fn insn(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
    Insn {
        code,
        regs: (src << 4) | (dst & 0x0f),
        off,
        imm,
    }
}

impl Insn {
    pub fn dst(&self) -> u8 {
        self.regs & 0x0f
    }

    pub fn src(&self) -> u8 {
        self.regs >> 4
    }
}

/// A jump target not yet placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Label(usize);

/// Emits instructions, with forward and backward jumps to labels resolved at the end.
#[derive(Debug, Default)]
pub struct Asm {
    pub insns: Vec<Insn>,
    labels: Vec<Option<usize>>,
    fixups: Vec<(usize, Label)>,
}

impl Asm {
    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }

    pub fn bind(&mut self, l: Label) {
        self.labels[l.0] = Some(self.insns.len());
    }

    pub fn emit(&mut self, i: Insn) {
        self.insns.push(i);
    }

    /// `w{dst} op= imm` (32-bit ALU).
    pub fn alu32_k(&mut self, op: u8, dst: u8, imm: i32) {
        self.emit(insn(ALU | op | K, dst, 0, 0, imm));
    }

    /// `w{dst} op= w{src}`.
    pub fn alu32_x(&mut self, op: u8, dst: u8, src: u8) {
        self.emit(insn(ALU | op | X, dst, src, 0, 0));
    }

    /// `r{dst} op= imm` (64-bit ALU).
    pub fn alu64_k(&mut self, op: u8, dst: u8, imm: i32) {
        self.emit(insn(ALU64 | op | K, dst, 0, 0, imm));
    }

    pub fn alu64_x(&mut self, op: u8, dst: u8, src: u8) {
        self.emit(insn(ALU64 | op | X, dst, src, 0, 0));
    }

    /// `dst = *(size *)(src + off)`.
    pub fn ldx(&mut self, size: u8, dst: u8, src: u8, off: i16) {
        self.emit(insn(LDX | MEM | size, dst, src, off, 0));
    }

    /// `*(size *)(dst + off) = src`.
    pub fn stx(&mut self, size: u8, dst: u8, off: i16, src: u8) {
        self.emit(insn(STX | MEM | size, dst, src, off, 0));
    }

    /// `*(size *)(dst + off) = imm`.
    pub fn st(&mut self, size: u8, dst: u8, off: i16, imm: i32) {
        self.emit(insn(ST | MEM | size, dst, 0, off, imm));
    }

    /// A 32-bit conditional jump comparing `w{dst}` with `imm`.
    pub fn jmp32_k(&mut self, op: u8, dst: u8, imm: i32, to: Label) {
        self.fixups.push((self.insns.len(), to));
        self.emit(insn(JMP32 | op | K, dst, 0, 0, imm));
    }

    /// A 32-bit conditional jump comparing `w{dst}` with `w{src}`.
    pub fn jmp32_x(&mut self, op: u8, dst: u8, src: u8, to: Label) {
        self.fixups.push((self.insns.len(), to));
        self.emit(insn(JMP32 | op | X, dst, src, 0, 0));
    }

    /// A 64-bit conditional jump comparing `r{dst}` with `imm` (sign-extended).
    pub fn jmp64_k(&mut self, op: u8, dst: u8, imm: i32, to: Label) {
        self.fixups.push((self.insns.len(), to));
        self.emit(insn(JMP | op | K, dst, 0, 0, imm));
    }

    /// A 64-bit conditional jump comparing `r{dst}` with `r{src}`.
    pub fn jmp64_x(&mut self, op: u8, dst: u8, src: u8, to: Label) {
        self.fixups.push((self.insns.len(), to));
        self.emit(insn(JMP | op | X, dst, src, 0, 0));
    }

    pub fn ja(&mut self, to: Label) {
        self.fixups.push((self.insns.len(), to));
        self.emit(insn(JMP | JA, 0, 0, 0, 0));
    }

    pub fn call(&mut self, helper: i32) {
        self.emit(insn(JMP | CALL, 0, 0, 0, helper));
    }

    pub fn exit(&mut self) {
        self.emit(insn(JMP | EXIT, 0, 0, 0, 0));
    }

    /// `r{dst} = map` for the map behind file descriptor `fd` (two instruction slots).
    pub fn ld_map_fd(&mut self, dst: u8, fd: i32) {
        self.emit(insn(LD | DW | IMM, dst, PSEUDO_MAP_FD, 0, fd));
        self.emit(insn(0, 0, 0, 0, 0));
    }

    /// Resolves every jump; returns the finished program.
    pub fn finish(mut self) -> Result<Vec<Insn>, String> {
        for (at, l) in std::mem::take(&mut self.fixups) {
            let Some(target) = self.labels[l.0] else {
                return Err(format!("jump at {at} to a label that was never placed"));
            };
            let off = target as i64 - at as i64 - 1;
            self.insns[at].off =
                i16::try_from(off).map_err(|_| format!("jump of {off} instructions is too far"))?;
        }
        Ok(self.insns)
    }
}

fn alu_name(op: u8) -> &'static str {
    match op {
        ADD => "+=",
        SUB => "-=",
        MUL => "*=",
        DIV => "/=",
        OR => "|=",
        AND => "&=",
        LSH => "<<=",
        RSH => ">>=",
        MOD => "%=",
        XOR => "^=",
        MOV => "=",
        _ => "?=",
    }
}

fn jmp_name(op: u8) -> &'static str {
    match op {
        JEQ => "==",
        JGT => ">",
        JGE => ">=",
        JSET => "&",
        JNE => "!=",
        JLT => "<",
        JLE => "<=",
        _ => "?",
    }
}

fn size_name(size: u8) -> &'static str {
    match size {
        B => "u8",
        H => "u16",
        W => "u32",
        _ => "u64",
    }
}

/// A readable listing, one instruction a line, in the style of `bpftool prog dump xlated`.
pub fn disassemble(insns: &[Insn]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < insns.len() {
        let n = &insns[i];
        let (class, op, src_x) = (n.code & 0x07, n.code & 0xf0, n.code & 0x08 != 0);
        let (d, s) = (n.dst(), n.src());
        let _ = write!(out, "{i:4}: ");
        match class {
            ALU | ALU64 => {
                let r = if class == ALU { 'w' } else { 'r' };
                if op == NEG {
                    let _ = write!(out, "{r}{d} = -{r}{d}");
                } else if op == END {
                    let _ = write!(out, "{r}{d} = be{} {r}{d}", n.imm);
                } else if src_x {
                    let _ = write!(out, "{r}{d} {} {r}{s}", alu_name(op));
                } else {
                    let _ = write!(out, "{r}{d} {} {}", alu_name(op), n.imm);
                }
            }
            JMP | JMP32 => {
                let r = if class == JMP32 { 'w' } else { 'r' };
                let target = i as i64 + 1 + i64::from(n.off);
                match op {
                    JA => {
                        let _ = write!(out, "goto {target}");
                    }
                    CALL => {
                        let name = match n.imm {
                            FN_MAP_LOOKUP_ELEM => "bpf_map_lookup_elem",
                            FN_TAIL_CALL => "bpf_tail_call",
                            FN_SKB_LOAD_BYTES => "bpf_skb_load_bytes",
                            FN_GET_SMP_PROCESSOR_ID => "bpf_get_smp_processor_id",
                            _ => "helper",
                        };
                        let _ = write!(out, "call {name}#{}", n.imm);
                    }
                    EXIT => out.push_str("exit"),
                    _ if src_x => {
                        let _ = write!(out, "if {r}{d} {} {r}{s} goto {target}", jmp_name(op));
                    }
                    _ => {
                        let _ = write!(
                            out,
                            "if {r}{d} {} {:#x} goto {target}",
                            jmp_name(op),
                            n.imm as u32
                        );
                    }
                }
            }
            LDX => {
                let _ = write!(
                    out,
                    "r{d} = *({} *)(r{s} {:+})",
                    size_name(n.code & 0x18),
                    n.off
                );
            }
            STX => {
                let _ = write!(
                    out,
                    "*({} *)(r{d} {:+}) = r{s}",
                    size_name(n.code & 0x18),
                    n.off
                );
            }
            ST => {
                let _ = write!(
                    out,
                    "*({} *)(r{d} {:+}) = {}",
                    size_name(n.code & 0x18),
                    n.off,
                    n.imm
                );
            }
            LD if n.code == LD | DW | IMM => {
                if s == PSEUDO_MAP_FD {
                    let _ = write!(out, "r{d} = map[fd {}]", n.imm);
                } else {
                    let _ = write!(out, "r{d} = {:#x}", n.imm);
                }
                i += 1;
            }
            _ => {
                let _ = write!(
                    out,
                    "code {:#04x} dst r{d} src r{s} off {} imm {}",
                    n.code, n.off, n.imm
                );
            }
        }
        out.push('\n');
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_resolve_forward_and_backward() {
        let mut a = Asm::default();
        let top = a.label();
        let end = a.label();
        a.bind(top);
        a.jmp32_k(JEQ, 7, 1, end);
        a.alu32_k(ADD, 7, 1);
        a.ja(top);
        a.bind(end);
        a.exit();
        let p = a.finish().unwrap();
        assert_eq!(p[0].off, 2);
        assert_eq!(p[2].off, -3);
        let text = disassemble(&p);
        assert!(text.contains("if w7 == 0x1 goto 3"), "{text}");
        assert!(text.contains("goto 0"), "{text}");
    }

    #[test]
    fn unplaced_labels_are_errors() {
        let mut a = Asm::default();
        let l = a.label();
        a.ja(l);
        assert!(a.finish().is_err());
    }
}
