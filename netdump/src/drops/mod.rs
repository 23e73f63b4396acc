//! `--drops`, the userspace half: what the running kernel offers ([`probe`]: the
//! `kfree_skb` tracepoint's arguments, the layout of the structures the drop program reads,
//! from BTF), the drop reasons' names ([`reasons`]), and kernel addresses as symbols
//! ([`kallsyms`]).
//!
//! Two environment variables stand in for other kernels in tests: `NETDUMP_BTF` names the
//! BTF file to read instead of `/sys/kernel/btf/vmlinux`, and `NETDUMP_DROP_TRACEPOINT` the
//! tracepoint instead of `kfree_skb` (a name the kernel lacks acts as a kernel without it).

pub mod kallsyms;
pub mod layout;
pub mod reasons;

use std::os::unix::fs::MetadataExt as _;

use netdump_common::{names, DropLayout};
use thiserror::Error;

pub use kallsyms::Symbols;
pub use reasons::Reasons;

/// Where the kernel's own BTF is.
const VMLINUX_BTF: &str = crate::kernel::btf::VMLINUX;

#[derive(Debug, Error)]
pub enum DropsError {
    #[error("--drops needs the kernel's BTF to find its packet structures, and {path} cannot be read: {source} (the kernel needs CONFIG_DEBUG_INFO_BTF)")]
    NoBtf {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("--drops: {path}: {source}")]
    BadBtf {
        path: String,
        #[source]
        source: crate::kernel::btf::BtfError,
    },
    #[error("--drops is not supported on this kernel: {0}")]
    Kernel(#[from] layout::LayoutError),
}

/// What the running kernel offers the drop path.
#[derive(Debug)]
pub struct Probe {
    /// The tracepoint the drop program attaches to.
    pub tracepoint: String,
    /// The layout, with `any_iface`, `window` and `netns` still to be set by the capture.
    pub layout: DropLayout,
    pub reasons: Reasons,
}

impl Probe {
    /// Whether the kernel passes a drop reason (5.17+); before, only the location.
    pub fn has_reason(&self) -> bool {
        self.layout.has_reason != 0
    }
}

/// Reads the kernel's BTF and works out whether and how drops can be captured.
pub fn probe() -> Result<Probe, DropsError> {
    let path = std::env::var("NETDUMP_BTF").unwrap_or_else(|_| VMLINUX_BTF.to_string());
    let tracepoint = std::env::var("NETDUMP_DROP_TRACEPOINT")
        .unwrap_or_else(|_| names::DROP_TRACEPOINT.to_string());
    let data = std::fs::read(&path).map_err(|source| DropsError::NoBtf {
        path: path.clone(),
        source,
    })?;
    let btf = crate::kernel::btf::Btf::parse(&data).map_err(|source| DropsError::BadBtf {
        path: path.clone(),
        source,
    })?;
    let tp = layout::tracepoint(&btf, &tracepoint)?;
    let layout = layout::layout(&btf, tp, own_netns(), false, 0)?;
    Ok(Probe {
        tracepoint,
        layout,
        reasons: Reasons::from_btf(&btf),
    })
}

/// The inode of netdump's network namespace (what `net->ns.inum` holds), 0 if unknown.
pub fn own_netns() -> u32 {
    std::fs::metadata("/proc/self/ns/net")
        .map(|m| m.ino() as u32)
        .unwrap_or(0)
}

/// What turns a drop sample's numbers into words: reason names and kernel symbols.
#[derive(Debug)]
pub struct Names {
    pub reasons: Reasons,
    pub symbols: Symbols,
    /// The kernel passes reasons (5.17+).
    pub has_reason: bool,
}

impl Names {
    /// The reason and location of `info`, named.
    pub fn dropped(&mut self, info: &netdump_common::DropInfo) -> crate::packet::Dropped<'_> {
        let Names {
            reasons,
            symbols,
            has_reason,
        } = self;
        crate::packet::Dropped {
            reason: has_reason.then(|| reasons.name(info.reason)),
            location: symbols.locate(info.location),
        }
    }

    /// The kernel's per-reason counts (counter slot, drops) as (name, drops), most first;
    /// without reasons, one total under no name.
    pub fn counts(&mut self, slots: &[(u32, u64)]) -> Vec<(Option<String>, u64)> {
        if !self.has_reason {
            let total = slots.iter().map(|(_, n)| n).sum();
            return vec![(None, total)];
        }
        let mut v: Vec<(Option<String>, u64)> = slots
            .iter()
            .map(|&(slot, n)| (Some(self.reasons.slot_name(slot)), n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }
}
