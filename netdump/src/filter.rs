//! pcap-filter expressions compiled by libpcap (a dead Ethernet handle), and libpcap's own
//! offline verdict on a packet (`pcap_offline_filter`).

use pcap::{BpfProgram, Capture, Linktype};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum FilterError {
    #[error("bad filter expression '{expr}': {message}")]
    Compile { expr: String, message: String },
}

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
        let err = |message: String| FilterError::Compile {
            expr: expr.to_string(),
            message,
        };
        let dead = Capture::dead(Linktype::ETHERNET).map_err(|e| err(e.to_string()))?;
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

    /// The classic BPF instructions, as `tcpdump -ddd` prints them (code jt jf k).
    pub fn instructions(&self) -> Vec<String> {
        self.program
            .get_instructions()
            .iter()
            .map(|i| i.to_string())
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
