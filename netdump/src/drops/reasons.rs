//! Drop reason names, read from the running kernel's `enum skb_drop_reason`, so a kernel with
//! new reasons needs no new netdump. Names are printed as the kernel's own tracepoint prints
//! them (`perf trace`, `/sys/kernel/tracing`): without the `SKB_DROP_REASON_` prefix.

use std::collections::HashMap;

use netdump_common::REASON_SLOTS;

use crate::kernel::btf::{Btf, KIND_ENUM, KIND_ENUM64};

/// Reasons at or above this carry a subsystem in their upper 16 bits
/// (`SKB_DROP_REASON_SUBSYS_SHIFT`): mac80211, openvswitch.
const SUBSYS_SHIFT: u32 = 16;

/// Reason numbers to names.
#[derive(Debug, Default)]
pub struct Reasons {
    names: HashMap<u32, String>,
    /// `enum skb_drop_reason_subsys`, for reasons whose subsystem's own enum lives in a module.
    subsystems: HashMap<u32, String>,
}

/// `SKB_DROP_REASON_NETFILTER_DROP` → `NETFILTER_DROP`, `SKB_CONSUMED` → `CONSUMED`.
fn short(name: &str) -> &str {
    name.strip_prefix("SKB_DROP_REASON_")
        .or_else(|| name.strip_prefix("SKB_"))
        .unwrap_or(name)
}

impl Reasons {
    /// The kernel's reasons; an empty table when it has none (before 5.17).
    pub fn from_btf(btf: &Btf) -> Reasons {
        let mut r = Reasons::default();
        for kind in [KIND_ENUM, KIND_ENUM64] {
            for id in btf.find_all(kind, |n| n.ends_with("drop_reason")) {
                for (name, v) in btf.enum_values(id) {
                    // Markers, not reasons.
                    if name.ends_with("_MAX") || name.ends_with("_SUBSYS_MASK") {
                        continue;
                    }
                    let Ok(v) = u32::try_from(v) else { continue };
                    r.names.entry(v).or_insert_with(|| short(&name).to_string());
                }
            }
        }
        if let Some(id) = btf.find("skb_drop_reason_subsys", KIND_ENUM) {
            for (name, v) in btf.enum_values(id) {
                if let (Some(s), Ok(v)) = (
                    name.strip_prefix("SKB_DROP_REASON_SUBSYS_"),
                    u32::try_from(v),
                ) {
                    r.subsystems.insert(v, s.to_string());
                }
            }
        }
        r
    }

    /// Whether the kernel named any reason.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The name of `reason`; one the BTF does not name is shown as its subsystem and number
    /// (`OPENVSWITCH_3`) or as `REASON_<n>`, and remembered.
    pub fn name(&mut self, reason: u32) -> &str {
        let subsystems = &self.subsystems;
        self.names.entry(reason).or_insert_with(|| {
            let sub = reason >> SUBSYS_SHIFT;
            match subsystems.get(&sub) {
                Some(s) if sub != 0 => format!("{s}_{}", reason & 0xffff),
                _ => format!("REASON_{reason}"),
            }
        })
    }

    /// The name under which the kernel's per-reason counter `slot` counts: the reason itself,
    /// or "OTHER" for the last slot, which counts every reason from there on.
    pub fn slot_name(&mut self, slot: u32) -> String {
        if slot >= REASON_SLOTS - 1 {
            "OTHER".to_string()
        } else {
            self.name(slot).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::btf::tests::Builder;

    #[test]
    fn names_as_the_tracepoint_prints_them() {
        let mut b = Builder::new();
        let words: Vec<u32> = [
            ("SKB_NOT_DROPPED_YET", 0),
            ("SKB_CONSUMED", 1),
            ("SKB_DROP_REASON_NETFILTER_DROP", 12),
            ("SKB_DROP_REASON_MAX", 13),
        ]
        .iter()
        .flat_map(|(n, v)| [b.s(n), *v])
        .collect();
        b.ty("skb_drop_reason", KIND_ENUM, false, 4, 4, &words);
        let sub: Vec<u32> = [
            ("SKB_DROP_REASON_SUBSYS_CORE", 0),
            ("SKB_DROP_REASON_SUBSYS_OPENVSWITCH", 2),
        ]
        .iter()
        .flat_map(|(n, v)| [b.s(n), *v])
        .collect();
        b.ty("skb_drop_reason_subsys", KIND_ENUM, false, 2, 4, &sub);
        let btf = Btf::parse(&b.finish()).unwrap();
        let mut r = Reasons::from_btf(&btf);
        assert_eq!(r.name(12), "NETFILTER_DROP");
        assert_eq!(r.name(1), "CONSUMED");
        assert_eq!(r.name(13), "REASON_13", "MAX is a marker");
        assert_eq!(r.name((2 << 16) | 3), "OPENVSWITCH_3");
        assert_eq!(r.slot_name(REASON_SLOTS - 1), "OTHER");
        assert!(!r.is_empty());
    }
}
