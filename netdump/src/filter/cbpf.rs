//! Classic BPF as libpcap produces it: the instruction layout, and tcpdump's `-d`, `-dd`
//! and `-ddd` listings (the first through libpcap's own `bpf_image`).

/// One classic BPF instruction, laid out as libpcap's `struct bpf_insn`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CInsn {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

// Classes, sizes, modes, sources, operations (pcap/bpf.h).
pub const LD: u16 = 0x00;
pub const LDX: u16 = 0x01;
pub const ST: u16 = 0x02;
pub const STX: u16 = 0x03;
pub const ALU: u16 = 0x04;
pub const JMP: u16 = 0x05;
pub const RET: u16 = 0x06;
pub const MISC: u16 = 0x07;
pub const W: u16 = 0x00;
pub const H: u16 = 0x08;
pub const B: u16 = 0x10;
pub const IMM: u16 = 0x00;
pub const ABS: u16 = 0x20;
pub const IND: u16 = 0x40;
pub const MEM: u16 = 0x60;
pub const LEN: u16 = 0x80;
pub const MSH: u16 = 0xa0;
pub const SRC_X: u16 = 0x08;
pub const RVAL_A: u16 = 0x10;
pub const RVAL_X: u16 = 0x08;
pub const TAX: u16 = 0x00;
pub const TXA: u16 = 0x80;
/// Scratch memory words.
pub const MEMWORDS: u32 = 16;

pub fn class(code: u16) -> u16 {
    code & 0x07
}

pub fn size(code: u16) -> u16 {
    code & 0x18
}

pub fn mode(code: u16) -> u16 {
    code & 0xe0
}

pub fn op(code: u16) -> u16 {
    code & 0xf0
}

/// `tcpdump -d`: libpcap's own rendering of each instruction.
pub fn image(prog: &[CInsn]) -> String {
    let mut out = String::new();
    for (n, i) in prog.iter().enumerate() {
        out.push_str(&crate::sys::libpcap::image(i, n));
        out.push('\n');
    }
    out
}

/// `tcpdump -dd`: a C array.
pub fn c_array(prog: &[CInsn]) -> String {
    prog.iter()
        .map(|i| format!("{{ 0x{:x}, {}, {}, 0x{:08x} }},\n", i.code, i.jt, i.jf, i.k))
        .collect()
}

/// `tcpdump -ddd`: the count, then `code jt jf k` in decimal.
pub fn decimal(prog: &[CInsn]) -> String {
    let mut out = format!("{}\n", prog.len());
    for i in prog {
        out.push_str(&format!("{} {} {} {}\n", i.code, i.jt, i.jf, i.k));
    }
    out
}
