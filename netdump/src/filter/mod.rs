//! pcap-filter expressions: compiled by libpcap (a dead Ethernet handle, so the syntax and
//! semantics are the reference implementation's), judged offline by libpcap itself
//! (`pcap_offline_filter`, for `-r`), and translated to eBPF for the kernel hooks.

pub mod cbpf;
pub mod ebpf;
pub mod kernel;
pub mod translate;

use pcap::{BpfProgram, Capture, Linktype};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum FilterError {
    #[error("bad filter expression '{expr}': {message}")]
    Compile { expr: String, message: String },
    #[error("'{keyword}' in '{expr}' needs a live libpcap handle (a Linux BPF extension), which netdump's in-kernel filter cannot evaluate{hint}")]
    Extension {
        expr: String,
        keyword: String,
        hint: &'static str,
    },
    #[error("translate filter '{expr}': {source}")]
    Translate {
        expr: String,
        #[source]
        source: translate::TranslateError,
    },
    #[error("load filter '{expr}': {source}")]
    Load {
        expr: String,
        #[source]
        source: kernel::KernelError,
    },
}

/// libpcap's loads at SKF_AD_OFF and above are Linux ancillary data (packet type, ifindex...).
const SKF_AD_OFF: u32 = 0xffff_f000;

/// A compiled filter.
pub struct Filter {
    program: BpfProgram,
    pub expression: String,
}

/// libpcap's `struct bpf_program`, which `pcap::BpfProgram` wraps transparently.
#[repr(C)]
struct RawProgram {
    len: libc::c_uint,
    insns: *const libc::c_void,
}

#[repr(C)]
struct PktHdr {
    ts: libc::timeval,
    caplen: u32,
    len: u32,
}

unsafe extern "C" {
    fn pcap_offline_filter(
        prog: *const RawProgram,
        hdr: *const PktHdr,
        pkt: *const u8,
    ) -> libc::c_int;
}

impl Filter {
    /// Compiles `expr` as tcpdump would for an Ethernet interface (optimized).
    pub fn compile(expr: &str) -> Result<Filter, FilterError> {
        Self::compile_for(expr, Linktype::ETHERNET)
    }

    /// Compiles `expr` for packets that start at the IP header (DLT_RAW: tun and tunnel
    /// devices).
    pub fn compile_raw(expr: &str) -> Result<Filter, FilterError> {
        // DLT_RAW is 12 on Linux (LINKTYPE_RAW, 101, in files).
        Self::compile_for(expr, Linktype(12))
    }

    fn compile_for(expr: &str, link: Linktype) -> Result<Filter, FilterError> {
        let err = |message: String| FilterError::Compile {
            expr: expr.to_string(),
            message,
        };
        let dead = Capture::dead(link).map_err(|e| err(e.to_string()))?;
        let program = dead.compile(expr, true).map_err(|e| err(e.to_string()))?;
        Ok(Filter {
            program,
            expression: expr.to_string(),
        })
    }

    /// libpcap's verdict on a frame of `orig_len` bytes of which `data` were captured.
    pub fn matches(&self, data: &[u8], orig_len: u32) -> bool {
        let hdr = PktHdr {
            ts: libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            },
            caplen: data.len() as u32,
            len: orig_len,
        };
        let prog = (&self.program as *const BpfProgram).cast::<RawProgram>();
        // SAFETY: BpfProgram is repr(transparent) over libpcap's bpf_program, which RawProgram
        // mirrors; the header and packet pointers are valid for the call.
        unsafe { pcap_offline_filter(prog, &hdr, data.as_ptr()) != 0 }
    }

    /// Refuses programs that read Linux ancillary data: libpcap emits those for keywords that
    /// need a live socket (`inbound`, `outbound`, `ifindex`...). Offline they never match, so
    /// running them would silently capture nothing.
    pub fn check_evaluable(&self) -> Result<(), FilterError> {
        let uses_ext = self.cbpf().iter().any(|i| {
            cbpf::class(i.code) <= cbpf::LDX
                && matches!(cbpf::mode(i.code), cbpf::ABS | cbpf::IND)
                && i.k >= SKF_AD_OFF
        });
        if !uses_ext {
            return Ok(());
        }
        let known = ["inbound", "outbound", "ifindex", "vlan", "mpls"];
        let keyword = self
            .expression
            .split(|c: char| !c.is_ascii_alphanumeric())
            .find(|w| known.contains(w))
            .unwrap_or("an extension")
            .to_string();
        let hint = match keyword.as_str() {
            "inbound" | "outbound" => ": use -Q in or -Q out",
            _ => "",
        };
        Err(FilterError::Extension {
            expr: self.expression.clone(),
            keyword,
            hint,
        })
    }

    /// The eBPF program for one hook (see [`translate::Action`]).
    pub fn ebpf(&self, action: translate::Action) -> Result<Vec<ebpf::Insn>, FilterError> {
        translate::translate(&self.cbpf(), action).map_err(|source| FilterError::Translate {
            expr: self.expression.clone(),
            source,
        })
    }

    /// Translates and loads the program for one hook into the kernel.
    pub fn load(
        &self,
        ty: kernel::ProgType,
        action: translate::Action,
    ) -> Result<std::os::fd::OwnedFd, FilterError> {
        let insns = self.ebpf(action)?;
        kernel::load(ty, "netdump_filter", &insns).map_err(|source| FilterError::Load {
            expr: self.expression.clone(),
            source,
        })
    }

    /// The classic BPF program libpcap compiled.
    pub fn cbpf(&self) -> Vec<cbpf::CInsn> {
        self.program
            .get_instructions()
            .iter()
            .map(|i| {
                // SAFETY: BpfInstruction is repr(transparent) over libpcap's bpf_insn, whose
                // layout CInsn mirrors exactly.
                unsafe { std::ptr::read((i as *const pcap::BpfInstruction).cast::<cbpf::CInsn>()) }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_and_judges_like_libpcap() {
        let f = Filter::compile("udp and port 53").unwrap();
        let mut frame = vec![0u8; 42];
        frame[12] = 0x08; // IPv4
        frame[14] = 0x45;
        frame[23] = 17; // UDP
        frame[36] = 0;
        frame[37] = 53; // dport 53
        assert!(f.matches(&frame, 42));
        frame[37] = 54;
        assert!(!f.matches(&frame, 42));
        let long = Filter::compile("greater 1000").unwrap();
        assert!(
            long.matches(&frame, 1500),
            "uses the original length, not the captured one"
        );
    }

    #[test]
    fn syntax_errors_name_the_expression() {
        let e = Filter::compile("tcp port").err().unwrap().to_string();
        assert!(e.starts_with("bad filter expression 'tcp port': "), "{e}");
        assert!(e.contains("syntax error"), "{e}");
    }
}
