//! pcap-filter expressions: compiled by libpcap (a dead handle of Ethernet, or of a capture
//! file's link type, so the syntax and semantics are the reference implementation's), judged offline by libpcap itself
//! (`pcap_offline_filter`, for `-r`), and translated to eBPF for the kernel hooks.

pub mod cbpf;
pub mod ebpf;
pub mod kernel;
pub mod translate;

use thiserror::Error;

use crate::{
    packet::{LinkType, Packet},
    sys::libpcap::{LibpcapError, Program},
};

#[derive(Debug, Error)]
pub enum FilterError {
    #[error("bad filter expression '{expr}': {message}")]
    Compile { expr: String, message: String },
    #[error(transparent)]
    NoLibpcap(LibpcapError),
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
    program: Program,
    pub expression: String,
}

/// The DLT_ value libpcap's compiler knows a LINKTYPE_ value by, on Linux: they differ only
/// for a few old types (libpcap's `linktype_to_dlt`).
fn dlt(link_type: LinkType) -> i32 {
    match link_type.0 {
        100 => 11, // ATM_RFC1483
        101 => 12, // RAW
        102 => 15, // SLIP_BSDOS
        103 => 16, // PPP_BSDOS
        106 => 19, // ATM_CLIP
        n => i32::from(n),
    }
}

/// One expression compiled for each link type it meets: a pcapng file may mix interfaces
/// of several link types, and libpcap compiles for one.
pub struct FilterSet {
    expression: String,
    compiled: Vec<(LinkType, Filter)>,
}

impl FilterSet {
    /// Compiles `expr` for `first` (the file's link type) now, so a bad expression is
    /// reported before any packet.
    pub fn new(expr: &str, first: LinkType) -> Result<FilterSet, FilterError> {
        Ok(FilterSet {
            expression: expr.to_string(),
            compiled: vec![(first, Filter::compile_for(expr, first)?)],
        })
    }

    /// libpcap's verdict on `pkt`, compiling for its link type when it is the first of it.
    pub fn matches(&mut self, pkt: &Packet<'_>) -> Result<bool, FilterError> {
        let i = match self.compiled.iter().position(|(l, _)| *l == pkt.link_type) {
            Some(i) => i,
            None => {
                let f = Filter::compile_for(&self.expression, pkt.link_type)?;
                self.compiled.push((pkt.link_type, f));
                self.compiled.len() - 1
            }
        };
        Ok(self
            .compiled
            .get(i)
            .is_some_and(|(_, f)| f.matches(pkt.data, pkt.orig_len)))
    }
}

impl Filter {
    /// Compiles `expr` as tcpdump would for an Ethernet interface (optimized).
    pub fn compile(expr: &str) -> Result<Filter, FilterError> {
        Filter::compile_for(expr, LinkType::ETHERNET)
    }

    /// Compiles `expr` for packets that start at the IP header (tun and tunnel devices).
    pub fn compile_raw(expr: &str) -> Result<Filter, FilterError> {
        Filter::compile_for(expr, LinkType::RAW)
    }

    /// Compiles `expr` as tcpdump would for packets of `link_type` (a capture file's).
    pub fn compile_for(expr: &str, link_type: LinkType) -> Result<Filter, FilterError> {
        let program = Program::compile(dlt(link_type), expr).map_err(|e| match e {
            LibpcapError::Compile(message) => FilterError::Compile {
                expr: expr.to_string(),
                message,
            },
            missing => FilterError::NoLibpcap(missing),
        })?;
        Ok(Filter {
            program,
            expression: expr.to_string(),
        })
    }

    /// libpcap's verdict on a frame of `orig_len` bytes of which `data` were captured.
    pub fn matches(&self, data: &[u8], orig_len: u32) -> bool {
        self.program.matches(data, orig_len)
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
        self.ebpf_from(action, translate::Source::Skb)
    }

    /// The eBPF program for one hook, reading the packet from `source`.
    pub fn ebpf_from(
        &self,
        action: translate::Action,
        source: translate::Source,
    ) -> Result<Vec<ebpf::Insn>, FilterError> {
        translate::translate_from(&self.cbpf(), action, source).map_err(|source| {
            FilterError::Translate {
                expr: self.expression.clone(),
                source,
            }
        })
    }

    /// How many of a frame's first bytes the program may read (what the drop path copies).
    pub fn window(&self) -> u32 {
        translate::window(&self.cbpf())
    }

    /// Translates and loads the program for one hook into the kernel, reading the packet
    /// from `source`.
    pub fn load(
        &self,
        ty: kernel::ProgType,
        action: translate::Action,
        source: translate::Source,
    ) -> Result<std::os::fd::OwnedFd, FilterError> {
        let insns = self.ebpf_from(action, source)?;
        kernel::load(ty, "netdump_filter", &insns).map_err(|source| FilterError::Load {
            expr: self.expression.clone(),
            source,
        })
    }

    /// The classic BPF program libpcap compiled.
    pub fn cbpf(&self) -> Vec<cbpf::CInsn> {
        self.program.insns().to_vec()
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
    fn compiles_for_the_link_type() {
        // Raw IP: the IPv4 header is at offset 0.
        let raw = Filter::compile_for("udp", LinkType::RAW).unwrap();
        let mut ip = vec![0u8; 28];
        ip[0] = 0x45;
        ip[9] = 17;
        assert!(raw.matches(&ip, 28));
        assert!(!Filter::compile("udp").unwrap().matches(&ip, 28));
        let e = Filter::compile_for("ether host 1:2:3:4:5:6", LinkType::RAW)
            .err()
            .unwrap()
            .to_string();
        assert!(e.starts_with("bad filter expression"), "{e}");
    }

    #[test]
    fn filter_set_compiles_per_link_type() {
        let mut set = FilterSet::new("udp", LinkType::ETHERNET).unwrap();
        let mut ip = vec![0u8; 28];
        ip[0] = 0x45;
        ip[9] = 17;
        let mut pkt = Packet {
            ts: crate::packet::Timestamp::default(),
            ifname: "",
            netns: None,
            direction: crate::packet::Direction::Unknown,
            pkt_type: 0,
            hook: crate::packet::Hook::Tc,
            link_type: LinkType::RAW,
            orig_len: 28,
            data: &ip,
            drop: None,
            owner: None,
            cgroup: None,
        };
        assert!(set.matches(&pkt).unwrap());
        pkt.link_type = LinkType::ETHERNET;
        assert!(!set.matches(&pkt).unwrap());
    }

    #[test]
    fn syntax_errors_name_the_expression() {
        let e = Filter::compile("tcp port").err().unwrap().to_string();
        assert!(e.starts_with("bad filter expression 'tcp port': "), "{e}");
        assert!(e.contains("syntax error"), "{e}");
    }
}
