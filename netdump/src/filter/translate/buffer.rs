//! The translator's load mode for the drop path ([`Source::Scratch`]): a raw tracepoint
//! program has no skb to hand `bpf_skb_load_bytes`, so the drop program copies the frame's
//! first bytes (as they were on the wire, an offloaded VLAN tag put back) into a per-CPU
//! `DropScratch` once, and the filter reads them there with direct loads, each checked
//! against the bytes copied: a load past them means "no match", as a load past the end of a
//! packet does in classic BPF.
//!
//! r9 holds the scratch's address (the skb mode keeps its VLAN flag there), looked up once in
//! the prologue; the key of the lookup sits at fp-88, below the skb mode's stack slots.

use netdump_common::{drop_scratch, DROP_WINDOW_MAX};

use super::{
    cbpf::{self, CInsn},
    e, Off, Tr, A, CTX, XR,
};

/// The scratch's address.
const BASE: u8 = 9;
/// The map key (0) for `bpf_map_lookup_elem`.
const KEY: i16 = -88;

/// The frame bytes a classic BPF program can read, for the drop path to copy: the end of its
/// furthest absolute load, and of its indexed loads when X can only come from constants and
/// IP header lengths (`ldxb 4*([k]&0xf)`, at most 60). Anything else gets the whole window.
pub fn window(prog: &[CInsn]) -> u32 {
    let mut end = 0u64;
    let mut x_max = 0u64;
    let mut x_unknown = false;
    let mut indexed = Vec::new();
    for c in prog {
        let n = match cbpf::size(c.code) {
            cbpf::W => 4,
            cbpf::H => 2,
            _ => 1,
        };
        let k = u64::from(c.k);
        match (cbpf::class(c.code), cbpf::mode(c.code)) {
            (cbpf::LD | cbpf::LDX, cbpf::ABS) => end = end.max(k + n),
            (cbpf::LD, cbpf::IND) => indexed.push(k + n),
            (cbpf::LDX, cbpf::MSH) => {
                end = end.max(k + 1);
                x_max = x_max.max(60);
            }
            (cbpf::LDX, cbpf::IMM) => x_max = x_max.max(k),
            (cbpf::LDX, cbpf::LEN) => x_unknown = true,
            (cbpf::LDX, _) => x_unknown = true,
            (cbpf::MISC, _) if c.code & 0xf8 == cbpf::TAX => x_unknown = true,
            _ => {}
        }
    }
    for i in indexed {
        end = end.max(if x_unknown {
            u64::from(DROP_WINDOW_MAX)
        } else {
            i + x_max
        });
    }
    end.min(u64::from(DROP_WINDOW_MAX)) as u32
}

impl Tr {
    /// ctx in r6, A = X = 0, the scratch words zeroed, r9 = this CPU's scratch (no match if
    /// the lookup fails).
    pub(super) fn scratch_prologue(&mut self, map_fd: i32) {
        let a = &mut self.asm;
        a.alu64_x(e::MOV, CTX, 1);
        a.alu32_k(e::MOV, A, 0);
        a.alu32_k(e::MOV, XR, 0);
        self.zero_mem();
        let a = &mut self.asm;
        a.st(e::W, e::FP, KEY, 0);
        a.ld_map_fd(1, map_fd);
        a.alu64_x(e::MOV, 2, e::FP);
        a.alu64_k(e::ADD, 2, i32::from(KEY));
        a.call(e::FN_MAP_LOOKUP_ELEM);
        let no = self.nomatch_label();
        self.asm.jmp64_k(e::JEQ, 0, 0, no);
        self.asm.alu64_x(e::MOV, BASE, 0);
    }

    /// `len`: the frame's length on the wire.
    pub(super) fn scratch_len(&mut self, dst: u8) {
        self.asm.ldx(e::W, dst, BASE, drop_scratch::WIRE_LEN as i16);
    }

    /// w0 = the n-byte big-endian value at `off` in the copied frame; no match past the bytes
    /// copied.
    pub(super) fn scratch_load(&mut self, n: i32, off: Off) {
        let size = match n {
            1 => e::B,
            2 => e::H,
            _ => e::W,
        };
        let bytes = drop_scratch::BYTES as i16;
        let max = i64::from(DROP_WINDOW_MAX);
        match off {
            Off::Abs(k) if i64::from(k) + i64::from(n) > max => {
                // Never copied. The scratch pointer is known not to be null, so the verifier
                // takes this jump only; the move keeps the fall-through well-formed.
                let no = self.nomatch_label();
                self.asm.jmp64_k(e::JNE, BASE, 0, no);
                self.asm.alu32_k(e::MOV, 0, 0);
                return;
            }
            Off::Abs(k) => {
                let no = self.nomatch_label();
                self.asm.ldx(e::W, 1, BASE, drop_scratch::COPIED as i16);
                self.asm.jmp32_k(e::JLT, 1, k as i32 + n, no);
                self.asm.ldx(size, 0, BASE, bytes + k as i16);
            }
            Off::Ind(k) => {
                let no = self.nomatch_label();
                // r2 = X + k without wrapping (libpcap's bpf_filter checks it that way too).
                self.asm.alu32_x(e::MOV, 2, XR);
                self.asm.alu32_k(e::MOV, 3, k as i32);
                self.asm.alu64_x(e::ADD, 2, 3);
                // The constant bound the verifier needs for the pointer arithmetic...
                self.asm.jmp64_k(e::JGT, 2, (max - i64::from(n)) as i32, no);
                // ...and the real one: the bytes copied.
                self.asm.ldx(e::W, 1, BASE, drop_scratch::COPIED as i16);
                self.asm.alu64_x(e::MOV, 3, 2);
                self.asm.alu64_k(e::ADD, 3, n);
                self.asm.jmp64_x(e::JGT, 3, 1, no);
                self.asm.alu64_x(e::MOV, 1, BASE);
                self.asm.alu64_x(e::ADD, 1, 2);
                self.asm.ldx(size, 0, 1, bytes);
            }
        }
        if n > 1 {
            self.asm
                .emit(e::insn(e::ALU | e::END | e::TO_BE, 0, 0, 0, n * 8));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{translate::translate_from, translate::Action, Filter};

    #[test]
    fn window_covers_what_the_filter_reads() {
        let w = |e: &str| window(&Filter::compile(e).unwrap().cbpf());
        assert_eq!(w("len > 100"), 0, "reads no bytes");
        assert_eq!(w("ip"), 14);
        assert_eq!(w("ether[100:4] = 1"), 104);
        // The IPv4 header length is at most 60: ports sit at most 14 + 60 + 4 bytes in.
        assert_eq!(w("udp port 53"), 14 + 60 + 4);
        assert_eq!(w("ether[9999] = 1"), DROP_WINDOW_MAX, "capped");
        let raw = |e: &str| window(&Filter::compile_raw(e).unwrap().cbpf());
        assert_eq!(raw("ip"), 1);
    }

    #[test]
    fn scratch_mode_loads_directly() {
        let f = Filter::compile("udp port 53").unwrap();
        let p = translate_from(
            &f.cbpf(),
            Action::Return,
            super::super::Source::Scratch { map_fd: 7 },
        )
        .unwrap();
        let text = e::disassemble(&p);
        assert!(!text.contains("bpf_skb_load_bytes"), "{text}");
        assert!(
            text.contains("bpf_map_lookup_elem") && text.contains("map[fd 7]"),
            "{text}"
        );
    }
}
