//! Classic BPF (libpcap's output) to eBPF, for the TC and socket-filter program types.
//!
//! The shape follows the kernel's `bpf_convert_filter` and cloudflare/cbpfc: A and X live in
//! registers, the 16 scratch words on the stack, and every packet load is bounds-checked,
//! a load past the end meaning "no match" exactly as in classic BPF. Two things differ:
//!
//! - Loads go through `bpf_skb_load_bytes`, which works for both program types and for
//!   non-linear skbs, and whose failure we turn into "no match" (the legacy LD_ABS
//!   instructions would end the program with 0, which for TC is a verdict change).
//! - The filter sees the frame as it was on the wire. When the kernel has moved an 802.1Q
//!   tag into skb metadata (`vlan_present`), bytes 12..16 of the frame are that tag, rebuilt
//!   from `vlan_proto`/`vlan_tci`, and everything after is read 4 bytes earlier from the skb;
//!   `len` counts the tag too. That is what libpcap's code expects.
//!
//! Registers: r6 the context, w7 A, w8 X, w9 "a tag was offloaded" (0/1); r0-r5 scratch.
//! Stack: M[0..16] at fp-64, the rebuilt tag at fp-68, the load buffer at fp-72, a saved
//! offset at fp-80.
//!
//! The drop path's programs have no skb to load from: for them the packet's first bytes
//! are in a per-CPU buffer, read with direct, bounds-checked loads ([`Source::Scratch`], in
//! `buffer.rs`). Only the prologue, `len` and the loads differ; the rest is shared.

mod buffer;
mod direct;

use thiserror::Error;

pub use buffer::window;

use super::{
    cbpf::{self, CInsn},
    ebpf::{self as e, Asm, Insn, Label},
};

const CTX: u8 = 6;
const A: u8 = 7;
const XR: u8 = 8;
const VLAN: u8 = 9;

const MEM_BASE: i16 = -64;
const TAG: i16 = -68;
const TMP: i16 = -72;
const SAVE: i16 = -80;
/// The CPU number, the key of the `COUNTERS` lookup (below the scratch mode's key).
const CPU_KEY: i16 = -92;

/// Where `seen` is in a `COUNTERS` value.
const SEEN: i16 = std::mem::offset_of!(netdump_common::Counters, seen) as i16;

// Offsets in `struct __sk_buff` (uapi, stable).
const SKB_LEN: i16 = 0;
const SKB_VLAN_PRESENT: i16 = 20;
const SKB_VLAN_TCI: i16 = 24;
const SKB_VLAN_PROTO: i16 = 28;

/// What the translated program does with its verdict.
#[derive(Clone, Copy, Debug)]
pub enum Action {
    /// On a match, tail-call `index` of the program array `emitters_fd`; otherwise, or if the
    /// tail call fails, return `pass` (the hook's pass-through verdict).
    ///
    /// With `counters_fd` (the `COUNTERS` array), the program first counts the packet as
    /// seen in this CPU's slot: a TC entry with a filter tail-calls it at once and leaves
    /// the counting to it (see `netdump-ebpf/src/lib.rs`).
    TailCall {
        emitters_fd: i32,
        index: u32,
        pass: i32,
        counters_fd: Option<i32>,
    },
    /// Return 1 on a match and 0 otherwise (for BPF_PROG_TEST_RUN).
    Return,
}

/// Where the translated program reads the packet from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The skb, with `bpf_skb_load_bytes` (TC and socket filters).
    Skb,
    /// The bytes the program can read copied to the stack once, straight from the packet
    /// when the skb's linear part holds them (TC only: socket filters cannot read
    /// `data`/`data_end`), else with one `bpf_skb_load_bytes`; see `direct.rs`.
    Direct,
    /// As `Direct`, always copying with `bpf_skb_load_bytes` (socket filters).
    Window,
    /// The per-CPU `DropScratch` of the drop path, in the array map `map_fd` (raw tracepoint
    /// programs, which have no skb context).
    Scratch { map_fd: i32 },
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum TranslateError {
    #[error("classic BPF instruction {at} ({code:#06x}) is not supported")]
    Unsupported { at: usize, code: u16 },
    #[error("classic BPF instruction {at} jumps outside the program")]
    BadJump { at: usize },
    #[error("classic BPF instruction {at} divides by the constant 0")]
    DivByZero { at: usize },
    #[error("classic BPF instruction {at} uses scratch word {k} (there are 16)")]
    BadMem { at: usize, k: u32 },
    #[error("the program does not end in a return")]
    NoReturn,
    #[error("translated program: {0}")]
    Asm(String),
}

/// Where a packet load reads from.
#[derive(Clone, Copy)]
enum Off {
    Abs(u32),
    Ind(u32),
}

struct Tr {
    asm: Asm,
    source: Source,
    labels: Vec<Label>,
    matched: Label,
    nomatch: Label,
    match_used: bool,
    nomatch_used: bool,
    /// Bit i: scratch word M[i] is used, so the prologue zeroes it (the verifier refuses
    /// reads of stack it has not seen written).
    mem_used: u16,
    /// The direct mode's window: how many of the frame's first bytes the program can read,
    /// at most `direct::WINDOW_MAX`.
    win: u32,
}

/// Which scratch words `prog` stores to or loads from.
fn mem_used(prog: &[CInsn]) -> u16 {
    let mut used = 0u16;
    for c in prog {
        let mem = match cbpf::class(c.code) {
            cbpf::ST | cbpf::STX => true,
            cbpf::LD | cbpf::LDX => cbpf::mode(c.code) == cbpf::MEM,
            _ => false,
        };
        if mem && c.k < cbpf::MEMWORDS {
            used |= 1 << c.k;
        }
    }
    used
}

/// Which instructions can run: libpcap's unoptimized code may hold dead ones, and the
/// verifier rejects unreachable eBPF.
fn reachable(prog: &[CInsn]) -> Result<Vec<bool>, TranslateError> {
    let mut seen = vec![false; prog.len()];
    // (instruction, the one that leads to it)
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, from)) = stack.pop() {
        if i >= prog.len() {
            return Err(TranslateError::BadJump { at: from });
        }
        if seen[i] {
            continue;
        }
        seen[i] = true;
        let c = prog[i];
        match cbpf::class(c.code) {
            cbpf::RET => {}
            cbpf::JMP if cbpf::op(c.code) == 0x00 => stack.push((i + 1 + c.k as usize, i)),
            cbpf::JMP => {
                stack.push((i + 1 + c.jt as usize, i));
                stack.push((i + 1 + c.jf as usize, i));
            }
            _ => stack.push((i + 1, i)),
        }
    }
    Ok(seen)
}

/// Translates `prog` for the TC and socket-filter hooks (loads from the skb).
pub fn translate(prog: &[CInsn], action: Action) -> Result<Vec<Insn>, TranslateError> {
    translate_from(prog, action, Source::Skb)
}

/// Translates `prog`, reading the packet from `source`.
pub fn translate_from(
    prog: &[CInsn],
    action: Action,
    source: Source,
) -> Result<Vec<Insn>, TranslateError> {
    if prog.is_empty() || cbpf::class(prog[prog.len() - 1].code) != cbpf::RET {
        return Err(TranslateError::NoReturn);
    }
    let live = reachable(prog)?;
    let mut asm = Asm::default();
    let labels = (0..prog.len()).map(|_| asm.label()).collect();
    let matched = asm.label();
    let nomatch = asm.label();
    let mut t = Tr {
        asm,
        source,
        labels,
        matched,
        nomatch,
        match_used: false,
        nomatch_used: false,
        mem_used: mem_used(prog),
        win: window(prog).min(direct::WINDOW_MAX),
    };
    t.prologue();
    if let Action::TailCall {
        counters_fd: Some(fd),
        ..
    } = action
    {
        t.count_seen(fd);
    }
    for (i, c) in prog.iter().enumerate() {
        if !live[i] {
            continue;
        }
        let l = t.labels[i];
        t.asm.bind(l);
        t.insn(i, *c, prog.len())?;
    }
    t.epilogue(action);
    t.asm.finish().map_err(TranslateError::Asm)
}

impl Tr {
    fn prologue(&mut self) {
        if let Source::Scratch { map_fd } = self.source {
            self.scratch_prologue(map_fd);
            return;
        }
        let a = &mut self.asm;
        a.alu64_x(e::MOV, CTX, 1);
        a.alu32_k(e::MOV, A, 0);
        a.alu32_k(e::MOV, XR, 0);
        self.zero_mem();
        self.asm.ldx(e::W, VLAN, CTX, SKB_VLAN_PRESENT);
        if self.windowed() {
            self.direct_prologue();
        }
        let a = &mut self.asm;
        // The tag as it sits on the wire: TPID (already in network order), then the TCI.
        a.ldx(e::W, 1, CTX, SKB_VLAN_PROTO);
        a.ldx(e::W, 2, CTX, SKB_VLAN_TCI);
        a.emit(e::insn(e::ALU | e::END | e::TO_BE, 2, 0, 0, 16));
        a.alu32_k(e::LSH, 2, 16);
        a.alu32_x(e::OR, 1, 2);
        a.stx(e::W, e::FP, TAG, 1);
    }

    /// Zeroes the scratch words the program uses.
    fn zero_mem(&mut self) {
        for i in 0..cbpf::MEMWORDS as i16 {
            if self.mem_used & (1 << i) != 0 {
                self.asm.st(e::W, e::FP, MEM_BASE + 4 * i, 0);
            }
        }
    }

    /// `COUNTERS[cpu].seen += 1`: the same plain add as `capture::enter` (each CPU has its
    /// own slot, and programs on one CPU do not preempt each other).
    fn count_seen(&mut self, counters_fd: i32) {
        let skip = self.asm.label();
        let a = &mut self.asm;
        a.call(e::FN_GET_SMP_PROCESSOR_ID);
        a.stx(e::W, e::FP, CPU_KEY, 0);
        a.ld_map_fd(1, counters_fd);
        a.alu64_x(e::MOV, 2, e::FP);
        a.alu64_k(e::ADD, 2, i32::from(CPU_KEY));
        a.call(e::FN_MAP_LOOKUP_ELEM);
        a.jmp64_k(e::JEQ, 0, 0, skip);
        a.ldx(e::DW, 1, 0, SEEN);
        a.alu64_k(e::ADD, 1, 1);
        a.stx(e::DW, 0, SEEN, 1);
        a.bind(skip);
    }

    fn epilogue(&mut self, action: Action) {
        let (matched, nomatch) = (self.matched, self.nomatch);
        if self.match_used {
            self.asm.bind(matched);
            match action {
                Action::TailCall {
                    emitters_fd, index, ..
                } => {
                    self.asm.alu64_x(e::MOV, 1, CTX);
                    self.asm.ld_map_fd(2, emitters_fd);
                    self.asm.alu32_k(e::MOV, 3, index as i32);
                    self.asm.call(e::FN_TAIL_CALL);
                    // The tail call failed: let the packet go on, uncounted.
                    if !self.nomatch_used {
                        self.nomatch_used = true;
                    }
                }
                Action::Return => {
                    self.asm.alu64_k(e::MOV, 0, 1);
                    self.asm.exit();
                }
            }
        }
        if self.nomatch_used {
            self.asm.bind(nomatch);
            let verdict = match action {
                Action::TailCall { pass, .. } => pass,
                Action::Return => 0,
            };
            self.asm.alu64_k(e::MOV, 0, verdict);
            self.asm.exit();
        }
    }

    fn match_label(&mut self) -> Label {
        self.match_used = true;
        self.matched
    }

    fn nomatch_label(&mut self) -> Label {
        self.nomatch_used = true;
        self.nomatch
    }

    fn target(&self, from: usize, rel: u32, len: usize) -> Result<Label, TranslateError> {
        let t = from + 1 + rel as usize;
        if t >= len {
            return Err(TranslateError::BadJump { at: from });
        }
        Ok(self.labels[t])
    }

    fn mem(at: usize, k: u32) -> Result<i16, TranslateError> {
        if k >= cbpf::MEMWORDS {
            return Err(TranslateError::BadMem { at, k });
        }
        Ok(MEM_BASE + 4 * k as i16)
    }

    fn insn(&mut self, at: usize, c: CInsn, len: usize) -> Result<(), TranslateError> {
        let unsupported = TranslateError::Unsupported { at, code: c.code };
        let k = c.k;
        match cbpf::class(c.code) {
            cbpf::LD | cbpf::LDX => {
                let dst = if cbpf::class(c.code) == cbpf::LD {
                    A
                } else {
                    XR
                };
                let n = match cbpf::size(c.code) {
                    cbpf::W => 4,
                    cbpf::H => 2,
                    cbpf::B => 1,
                    _ => return Err(unsupported),
                };
                match cbpf::mode(c.code) {
                    cbpf::IMM => self.asm.alu32_k(e::MOV, dst, k as i32),
                    cbpf::ABS if dst == A => {
                        self.load(n, Off::Abs(k));
                        self.asm.alu32_x(e::MOV, A, 0);
                    }
                    cbpf::IND if dst == A => {
                        self.load(n, Off::Ind(k));
                        self.asm.alu32_x(e::MOV, A, 0);
                    }
                    cbpf::MEM => {
                        let off = Self::mem(at, k)?;
                        self.asm.ldx(e::W, dst, e::FP, off);
                    }
                    cbpf::LEN if matches!(self.source, Source::Scratch { .. }) => {
                        self.scratch_len(dst);
                    }
                    cbpf::LEN => {
                        self.asm.ldx(e::W, dst, CTX, SKB_LEN);
                        self.asm.alu32_x(e::MOV, 1, VLAN);
                        self.asm.alu32_k(e::LSH, 1, 2);
                        self.asm.alu32_x(e::ADD, dst, 1);
                    }
                    cbpf::MSH if dst == XR && n == 1 => {
                        self.load(1, Off::Abs(k));
                        self.asm.alu32_x(e::MOV, XR, 0);
                        self.asm.alu32_k(e::AND, XR, 0x0f);
                        self.asm.alu32_k(e::LSH, XR, 2);
                    }
                    _ => return Err(unsupported),
                }
            }
            cbpf::ST => {
                let off = Self::mem(at, k)?;
                self.asm.stx(e::W, e::FP, off, A);
            }
            cbpf::STX => {
                let off = Self::mem(at, k)?;
                self.asm.stx(e::W, e::FP, off, XR);
            }
            cbpf::ALU => {
                let op = cbpf::op(c.code) as u8;
                let by_x = c.code & cbpf::SRC_X != 0;
                match op {
                    e::NEG => self.asm.emit(e::insn(e::ALU | e::NEG, A, 0, 0, 0)),
                    e::ADD
                    | e::SUB
                    | e::MUL
                    | e::OR
                    | e::AND
                    | e::XOR
                    | e::LSH
                    | e::RSH
                    | e::DIV
                    | e::MOD => {
                        if by_x {
                            if op == e::DIV || op == e::MOD {
                                // Classic BPF: dividing by X == 0 ends the filter with 0.
                                let l = self.nomatch_label();
                                self.asm.jmp32_k(e::JEQ, XR, 0, l);
                            }
                            self.asm.alu32_x(op, A, XR);
                        } else if (op == e::DIV || op == e::MOD) && k == 0 {
                            return Err(TranslateError::DivByZero { at });
                        } else if (op == e::LSH || op == e::RSH) && k >= 32 {
                            self.asm.alu32_k(e::MOV, A, 0);
                        } else {
                            self.asm.alu32_k(op, A, k as i32);
                        }
                    }
                    _ => return Err(unsupported),
                }
            }
            cbpf::JMP => {
                let op = cbpf::op(c.code) as u8;
                if op == e::JA {
                    let l = self.target(at, k, len)?;
                    self.asm.ja(l);
                    return Ok(());
                }
                if !matches!(op, e::JEQ | e::JGT | e::JGE | e::JSET) {
                    return Err(unsupported);
                }
                let by_x = c.code & cbpf::SRC_X != 0;
                let jt = self.target(at, c.jt as u32, len)?;
                let jf = self.target(at, c.jf as u32, len)?;
                let cond = |a: &mut Asm, op: u8, to: Label| {
                    if by_x {
                        a.jmp32_x(op, A, XR, to);
                    } else {
                        a.jmp32_k(op, A, k as i32, to);
                    }
                };
                if c.jf == 0 {
                    cond(&mut self.asm, op, jt);
                } else if c.jt == 0 && op != e::JSET {
                    // Jump away on the inverse condition, fall through when true.
                    let inv = match op {
                        e::JEQ => e::JNE,
                        e::JGT => e::JLE,
                        _ => e::JLT,
                    };
                    cond(&mut self.asm, inv, jf);
                } else {
                    cond(&mut self.asm, op, jt);
                    self.asm.ja(jf);
                }
            }
            cbpf::RET => match c.code & 0x18 {
                0x00 => {
                    let l = if k != 0 {
                        self.match_label()
                    } else {
                        self.nomatch_label()
                    };
                    self.asm.ja(l);
                }
                cbpf::RVAL_A => {
                    let no = self.nomatch_label();
                    self.asm.jmp32_k(e::JEQ, A, 0, no);
                    let yes = self.match_label();
                    self.asm.ja(yes);
                }
                cbpf::RVAL_X => {
                    let no = self.nomatch_label();
                    self.asm.jmp32_k(e::JEQ, XR, 0, no);
                    let yes = self.match_label();
                    self.asm.ja(yes);
                }
                _ => return Err(unsupported),
            },
            cbpf::MISC => match c.code & 0xf8 {
                cbpf::TAX => self.asm.alu32_x(e::MOV, XR, A),
                cbpf::TXA => self.asm.alu32_x(e::MOV, A, XR),
                _ => return Err(unsupported),
            },
            _ => return Err(unsupported),
        }
        Ok(())
    }

    /// `bpf_skb_load_bytes(ctx, w2, fp+to, n)`; a failure (past the end) is "no match".
    fn skb_load(&mut self, to: i16, n: i32) {
        let a = &mut self.asm;
        a.alu64_x(e::MOV, 1, CTX);
        a.alu64_x(e::MOV, 3, e::FP);
        a.alu64_k(e::ADD, 3, i32::from(to));
        a.alu32_k(e::MOV, 4, n);
        a.call(e::FN_SKB_LOAD_BYTES);
        let no = self.nomatch_label();
        self.asm.jmp64_k(e::JNE, 0, 0, no);
    }

    /// w0 = the n loaded bytes at TMP, as a big-endian number.
    fn read_tmp(&mut self, n: i32) {
        let size = match n {
            1 => e::B,
            2 => e::H,
            _ => e::W,
        };
        self.asm.ldx(size, 0, e::FP, TMP);
        if n > 1 {
            self.asm
                .emit(e::insn(e::ALU | e::END | e::TO_BE, 0, 0, 0, n * 8));
        }
    }

    /// Copies tag byte `t` (0..4) to TMP+j.
    fn tag_byte(&mut self, t: i16, j: i16) {
        self.asm.ldx(e::B, 1, e::FP, TAG + t);
        self.asm.stx(e::B, e::FP, TMP + j, 1);
    }

    /// w0 = the n-byte big-endian value at `off` in the frame as it was on the wire.
    fn load(&mut self, n: i32, off: Off) {
        if matches!(self.source, Source::Scratch { .. }) {
            self.scratch_load(n, off);
            return;
        }
        match off {
            Off::Abs(k) => {
                let k = u64::from(k);
                let end = k + n as u64;
                let value = self.asm.label();
                if end <= 12 {
                    // Before any tag: the same bytes either way.
                    self.asm.alu32_k(e::MOV, 2, k as i32);
                    self.direct_load(n, value);
                    self.skb_load(TMP, n);
                } else if k >= 16 {
                    // After the tag: 4 bytes earlier in the skb when it was offloaded.
                    self.asm.alu32_k(e::MOV, 2, k as i32);
                    self.asm.alu32_x(e::MOV, 3, VLAN);
                    self.asm.alu32_k(e::LSH, 3, 2);
                    self.asm.alu32_x(e::SUB, 2, 3);
                    self.direct_load(n, value);
                    self.skb_load(TMP, n);
                } else {
                    // Overlapping the tag: byte by byte when it was offloaded.
                    let plain = self.asm.label();
                    let done = self.asm.label();
                    self.asm.jmp32_k(e::JEQ, VLAN, 0, plain);
                    for j in 0..n as u64 {
                        let b = k + j;
                        if b < 12 {
                            self.asm.alu32_k(e::MOV, 2, b as i32);
                            self.skb_load(TMP + j as i16, 1);
                        } else if b < 16 {
                            self.tag_byte((b - 12) as i16, j as i16);
                        } else {
                            self.asm.alu32_k(e::MOV, 2, (b - 4) as i32);
                            self.skb_load(TMP + j as i16, 1);
                        }
                    }
                    self.asm.ja(done);
                    self.asm.bind(plain);
                    self.asm.alu32_k(e::MOV, 2, k as i32);
                    self.direct_load(n, value);
                    self.skb_load(TMP, n);
                    self.asm.bind(done);
                }
                self.read_tmp(n);
                self.asm.bind(value);
            }
            Off::Ind(k) => {
                let value = self.asm.label();
                let plain = self.asm.label();
                let shift = self.asm.label();
                let done = self.asm.label();
                self.asm.alu32_x(e::MOV, 2, XR);
                self.asm.alu32_k(e::ADD, 2, k as i32);
                self.asm.jmp32_k(e::JEQ, VLAN, 0, plain);
                self.asm.jmp32_k(e::JGE, 2, 16, shift);
                self.asm.alu32_x(e::MOV, 3, 2);
                self.asm.alu32_k(e::ADD, 3, n);
                self.asm.jmp32_k(e::JLE, 3, 12, plain);
                // Overlapping the offloaded tag: byte by byte, decided at run time.
                self.asm.stx(e::W, e::FP, SAVE, 2);
                for j in 0..n as i16 {
                    let from_skb = self.asm.label();
                    let next = self.asm.label();
                    self.asm.ldx(e::W, 2, e::FP, SAVE);
                    self.asm.alu32_k(e::ADD, 2, i32::from(j));
                    self.asm.jmp32_k(e::JLT, 2, 12, from_skb);
                    let after = self.asm.label();
                    self.asm.jmp32_k(e::JGE, 2, 16, after);
                    for t in 0..4i16 {
                        let other = self.asm.label();
                        self.asm.jmp32_k(e::JNE, 2, 12 + i32::from(t), other);
                        self.tag_byte(t, j);
                        self.asm.ja(next);
                        self.asm.bind(other);
                    }
                    // Not reached: w2 is 12..15 here. The verifier still needs a path.
                    self.asm.ja(next);
                    self.asm.bind(after);
                    self.asm.alu32_k(e::SUB, 2, 4);
                    self.asm.bind(from_skb);
                    self.skb_load(TMP + j, 1);
                    self.asm.bind(next);
                }
                self.asm.ja(done);
                self.asm.bind(shift);
                self.asm.alu32_k(e::SUB, 2, 4);
                self.asm.bind(plain);
                self.direct_load(n, value);
                self.skb_load(TMP, n);
                self.asm.bind(done);
                self.read_tmp(n);
                self.asm.bind(value);
            }
        }
    }
}

#[cfg(test)]
mod tests;
