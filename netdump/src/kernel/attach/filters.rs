//! The translated filter between the entry programs and the emitters: entry → tail call
//! `*_FILTERS[i]` (the translated filter) → on a match, tail call `*_EMITTERS[i]`. The drop
//! path's filters read the per-CPU scratch instead of the skb.

use std::os::fd::{AsFd as _, AsRawFd as _, OwnedFd};

use aya::{
    maps::{Map, MapFd, ProgramArray},
    Ebpf,
};
use netdump_common::names;

use super::{drops, socket, tc, AttachError, Hooks};
use crate::filter::{
    kernel::{self, ProgType},
    translate::{Action, Source},
    Filter,
};

/// One slot of the filter plumbing: which emitter goes where, and where its filter goes.
struct Slot {
    emitter: &'static str,
    emitters: &'static str,
    filters: &'static str,
    index: u32,
    ty: ProgType,
    /// The verdict a filter returns when it does not match (the hook's pass-through value).
    pass: i32,
}

/// The slots the chosen hooks need: TC ingress and egress (also for L3 devices when `l3`),
/// the socket tap, and the drop path (frames with an Ethernet header, and raw IP when
/// `drop_raw`).
fn plan(hooks: Hooks, l3: bool, drop_raw: bool) -> Vec<Slot> {
    let mut plan = Vec::new();
    if hooks.tc {
        let mut slots = vec![
            (names::PROG_TC_INGRESS_EMIT, names::SLOT_INGRESS),
            (names::PROG_TC_EGRESS_EMIT, names::SLOT_EGRESS),
        ];
        if l3 {
            slots.push((names::PROG_TC_INGRESS_EMIT, names::SLOT_L3_INGRESS));
            slots.push((names::PROG_TC_EGRESS_EMIT, names::SLOT_L3_EGRESS));
        }
        for (emitter, index) in slots {
            plan.push(Slot {
                emitter,
                emitters: names::TC_EMITTERS,
                filters: names::TC_FILTERS,
                index,
                ty: ProgType::SchedCls,
                pass: -1,
            });
        }
    }
    if hooks.socket {
        plan.push(Slot {
            emitter: names::PROG_SOCKET_EMIT,
            emitters: names::SOCK_EMITTERS,
            filters: names::SOCK_FILTERS,
            index: 0,
            ty: ProgType::SocketFilter,
            pass: 0,
        });
    }
    if hooks.drops {
        let mut slots = vec![names::SLOT_DROP_ETHERNET];
        if drop_raw {
            slots.push(names::SLOT_DROP_RAW);
        }
        for index in slots {
            plan.push(Slot {
                emitter: names::PROG_DROP_EMIT,
                emitters: names::DROP_EMITTERS,
                filters: names::DROP_FILTERS,
                index,
                ty: ProgType::RawTracepoint,
                pass: 0,
            });
        }
    }
    plan
}

/// The raw fd of map `name` (a duplicate).
fn map_fd(ebpf: &Ebpf, name: &'static str) -> Result<MapFd, AttachError> {
    let map = ebpf
        .map(name)
        .ok_or_else(|| AttachError::ProgramArray(format!("the BPF object has no map {name}")))?;
    let data = match map {
        Map::PerCpuArray(d) | Map::Array(d) | Map::ProgramArray(d) => d,
        _ => return Err(AttachError::ProgramArray(format!("{name} is not an array"))),
    };
    data.info()
        .and_then(|i| i.fd())
        .map_err(|e| AttachError::ProgramArray(format!("{name}: {e}")))
}

/// The raw fd of program array `name` (an owned duplicate, kept while it is needed).
fn prog_array_fd(ebpf: &Ebpf, name: &str) -> Result<MapFd, AttachError> {
    match ebpf.map(name) {
        Some(Map::ProgramArray(data)) => data
            .info()
            .and_then(|i| i.fd())
            .map_err(|e| AttachError::ProgramArray(format!("{name}: {e}"))),
        _ => Err(AttachError::ProgramArray(format!(
            "the BPF object has no program array {name}"
        ))),
    }
}

/// Loads the emitters into their program arrays, then the filter, translated once per hook
/// and direction, into the arrays the entry programs tail-call; `raw` (the expression
/// compiled for raw IP), if any, goes to the L3 devices' slots, and `drop_raw` to the drop
/// path's raw IP slot. The returned fds keep the translated programs alive.
pub(super) fn load(
    ebpf: &mut Ebpf,
    filter: &Filter,
    raw: Option<&Filter>,
    drop_raw: Option<&Filter>,
    hooks: Hooks,
) -> Result<Vec<OwnedFd>, AttachError> {
    let mut fds = Vec::new();
    let scratch = if hooks.drops {
        Some(map_fd(ebpf, names::DROP_SCRATCH)?)
    } else {
        None
    };
    // The TC entries leave counting a packet as seen to the filter they tail-call.
    let counters = if hooks.tc {
        Some(map_fd(ebpf, names::COUNTERS)?)
    } else {
        None
    };
    for slot in plan(hooks, raw.is_some(), drop_raw.is_some()) {
        let emit = slot.emitter;
        let load_err = |source| AttachError::Load { name: emit, source };
        let prog_fd = match slot.ty {
            ProgType::SchedCls => {
                let p = tc::classifier(ebpf, emit)?;
                // The L3 slots share the Ethernet slots' emitters.
                if p.fd().is_err() {
                    p.load().map_err(load_err)?;
                }
                p.fd().map_err(load_err)?.try_clone()
            }
            ProgType::SocketFilter => socket::program(ebpf, emit)?
                .fd()
                .map_err(load_err)?
                .try_clone(),
            ProgType::RawTracepoint => drops::program(ebpf, emit)?
                .fd()
                .map_err(load_err)?
                .try_clone(),
        }
        .map_err(|e| AttachError::ProgramArray(format!("{emit}: {e}")))?;
        let map = ebpf
            .map_mut(slot.emitters)
            .ok_or_else(|| AttachError::ProgramArray(format!("no map {}", slot.emitters)))?;
        let mut array = ProgramArray::try_from(map)
            .map_err(|e| AttachError::ProgramArray(format!("{}: {e}", slot.emitters)))?;
        array.set(slot.index, &prog_fd, 0).map_err(|e| {
            AttachError::ProgramArray(format!("{}[{}]: {e}", slot.emitters, slot.index))
        })?;
        let emitters_fd = prog_array_fd(ebpf, slot.emitters)?;
        let action = Action::TailCall {
            emitters_fd: emitters_fd.as_fd().as_raw_fd(),
            index: slot.index,
            pass: slot.pass,
            counters_fd: match (slot.ty, &counters) {
                (ProgType::SchedCls, Some(c)) => Some(c.as_fd().as_raw_fd()),
                _ => None,
            },
        };
        let (this, source) = match (slot.ty, slot.index, raw, drop_raw, &scratch) {
            (ProgType::RawTracepoint, names::SLOT_DROP_RAW, _, Some(r), Some(s)) => (
                r,
                Source::Scratch {
                    map_fd: s.as_fd().as_raw_fd(),
                },
            ),
            (ProgType::RawTracepoint, _, _, _, Some(s)) => (
                filter,
                Source::Scratch {
                    map_fd: s.as_fd().as_raw_fd(),
                },
            ),
            (
                ProgType::SchedCls,
                names::SLOT_L3_INGRESS | names::SLOT_L3_EGRESS,
                Some(raw),
                _,
                _,
            ) => (raw, Source::Direct),
            (ProgType::SchedCls, ..) => (filter, Source::Direct),
            _ => (filter, Source::Window),
        };
        let fd = this.load(slot.ty, action, source)?;
        let filters_fd = prog_array_fd(ebpf, slot.filters)?;
        kernel::set_prog(filters_fd.as_fd().as_raw_fd(), slot.index, &fd)
            .map_err(|e| AttachError::ProgramArray(e.to_string()))?;
        fds.push(fd);
    }
    Ok(fds)
}

/// Empties the program arrays [`load`] filled, once nothing is attached any more: the
/// arrays then hold no program and the programs no array, and everything goes as its last
/// descriptor closes. Left to the kernel's deferred clearing when the descriptors close,
/// back-to-back runs (a start right after a stop) have left a `TC_EMITTERS` array behind
/// for good on 6.18.
pub(super) fn clear(ebpf: &mut Ebpf) {
    for name in [
        names::TC_FILTERS,
        names::SOCK_FILTERS,
        names::TC_EMITTERS,
        names::SOCK_EMITTERS,
    ] {
        let Some(Ok(mut array)) = ebpf.map_mut(name).map(ProgramArray::try_from) else {
            continue;
        };
        for index in [
            names::SLOT_INGRESS,
            names::SLOT_EGRESS,
            names::SLOT_L3_INGRESS,
            names::SLOT_L3_EGRESS,
        ] {
            // An empty slot (or one past a smaller array's end) is fine.
            let _ = array.clear_index(&index);
        }
    }
}
