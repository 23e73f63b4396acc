//! The translator's load mode for TC programs ([`Source::Direct`]): the bytes the filter can
//! read (its `window`, at most [`WINDOW_MAX`]) are copied to the stack once, in the prologue,
//! and loads read them there:
//!
//! - straight from the packet (`__sk_buff` `data`/`data_end`, a few 8-byte moves) when the
//!   skb's linear part holds the window;
//! - else with one `bpf_skb_load_bytes` (frames built from page fragments, as AF_PACKET
//!   senders such as trafgen make them, have little more than the Ethernet header in the
//!   linear part).
//!
//! Socket filters have no `data`/`data_end`: their mode, [`Source::Window`], always takes the
//! helper for the copy.
//!
//! A load outside the window, or past the bytes copied, falls back to `bpf_skb_load_bytes`
//! exactly as in the helper mode, so verdicts are the helper mode's. In place (a 64-byte flood
//! on a veth) a helper call per load cost ~25-30 ns; a load from the window a few
//! instructions. Reading the packet in place at each load would need a fresh `data_end` check
//! per load (the verifier drops a packet pointer's range once a variable is added), and the
//! copy also serves frames whose headers are not linear.

use super::{e, Label, Source, Tr, CTX, SKB_LEN};

// Offsets in `struct __sk_buff` (uapi, stable).
const SKB_DATA: i16 = 76;
const SKB_DATA_END: i16 = 80;

/// The most bytes a window holds: stack room (the verifier allows 512 bytes of stack).
pub(super) const WINDOW_MAX: u32 = 256;
/// How many bytes of the window are valid.
const WIN_LEN: i16 = -96;
/// The window's copy ends here.
const WIN_END: i16 = -96;

impl Tr {
    /// Whether loads read a window copied in the prologue.
    pub(super) fn windowed(&self) -> bool {
        matches!(self.source, Source::Direct | Source::Window)
    }

    /// The window rounded up to whole 8-byte words: what is copied.
    fn win8(&self) -> i32 {
        (self.win.div_ceil(8) * 8) as i32
    }

    /// The stack offset of the window's copy.
    fn win_base(&self) -> i16 {
        WIN_END - self.win8() as i16
    }

    /// After the common prologue (ctx in r6): the window copied to the stack, its valid
    /// length at `WIN_LEN`.
    pub(super) fn direct_prologue(&mut self) {
        let win = self.win8();
        let base = self.win_base();
        let a = &mut self.asm;
        a.st(e::W, e::FP, WIN_LEN, 0);
        if win == 0 {
            return;
        }
        let done = a.label();
        if self.source == Source::Direct {
            let copy = a.label();
            a.ldx(e::W, 3, CTX, SKB_DATA);
            a.ldx(e::W, 4, CTX, SKB_DATA_END);
            a.alu64_x(e::MOV, 5, 3);
            a.alu64_k(e::ADD, 5, win);
            a.jmp64_x(e::JGT, 5, 4, copy);
            for i in 0..(win / 8) as i16 {
                a.ldx(e::DW, 1, 3, 8 * i);
                a.stx(e::DW, e::FP, base + 8 * i, 1);
            }
            a.st(e::W, e::FP, WIN_LEN, win);
            a.ja(done);
            a.bind(copy);
        }
        // Zeroed first: the verifier reads a variable-offset stack load only from bytes it
        // knows are written, whatever the helper's length turns out to be.
        for i in 0..(win / 8) as i16 {
            a.st(e::DW, e::FP, base + 8 * i, 0);
        }
        // The helper's length must be provably in [1, win]. 6.1's verifier learns nothing
        // from `!= 0`, so bound `len - 1` to [0, win - 1] and add one.
        a.ldx(e::W, 4, CTX, SKB_LEN);
        a.jmp64_k(e::JEQ, 4, 0, done);
        a.alu64_k(e::ADD, 4, -1);
        let capped = a.label();
        a.jmp64_k(e::JLE, 4, win - 1, capped);
        a.alu64_k(e::MOV, 4, win - 1);
        a.bind(capped);
        a.alu64_k(e::ADD, 4, 1);
        a.stx(e::W, e::FP, WIN_LEN, 4);
        a.alu64_x(e::MOV, 1, CTX);
        a.alu32_k(e::MOV, 2, 0);
        a.alu64_x(e::MOV, 3, e::FP);
        a.alu64_k(e::ADD, 3, i32::from(base));
        a.call(e::FN_SKB_LOAD_BYTES);
        a.jmp64_k(e::JEQ, 0, 0, done);
        // Nothing usable was copied: every load takes the helper (and fails as it would).
        a.st(e::W, e::FP, WIN_LEN, 0);
        a.bind(done);
    }

    /// With w2 the offset in the skb: when its `n` bytes are in the window, w0 = their
    /// big-endian value and a jump to `value`; otherwise falls through (to the helper).
    /// Uses r1, r3; keeps r2 for the fallback.
    pub(super) fn direct_load(&mut self, n: i32, value: Label) {
        if !self.windowed() || self.win8() < n {
            return;
        }
        let slow = self.asm.label();
        let base = self.win_base();
        let win = self.win8();
        let a = &mut self.asm;
        // r2 came from 32-bit operations (its upper half is zero). The constant bound is
        // the one the verifier needs, the window's valid length the real one.
        a.jmp64_k(e::JGT, 2, win - n, slow);
        a.ldx(e::W, 1, e::FP, WIN_LEN);
        a.alu64_x(e::MOV, 3, 2);
        a.alu64_k(e::ADD, 3, n);
        a.jmp64_x(e::JGT, 3, 1, slow);
        a.alu64_x(e::MOV, 3, e::FP);
        a.alu64_x(e::ADD, 3, 2);
        // Byte by byte, most significant first: the verifier checks the alignment of every
        // stack access, and a field's offset in the frame need not be aligned.
        a.ldx(e::B, 0, 3, base);
        for i in 1..n as i16 {
            a.alu32_k(e::LSH, 0, 8);
            a.ldx(e::B, 1, 3, base + i);
            a.alu32_x(e::OR, 0, 1);
        }
        a.ja(value);
        a.bind(slow);
    }
}
