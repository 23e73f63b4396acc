//! The program arrays that join the aya-built programs with the filter userspace translates
//! from libpcap's classic BPF and loads from raw instructions:
//!
//! ```text
//! entry (netdump_tc_ingress, ...) --tail call FILTERS[i]--> translated filter
//!     translated filter --match: tail call EMITTERS[i]--> emitter (netdump_tc_ingress_emit, ...)
//!     translated filter --no match: return the pass-through verdict
//! ```
//!
//! A program array holds programs of one type, so TC (sched_cls) and the socket tap
//! (socket_filter) each have their own pair. Index 0 is ingress (or the tap), 1 egress; in the
//! TC arrays 2 and 3 are ingress and egress on L3 devices, whose own entry programs
//! (`netdump_tc_*_l3`) call them, so the Ethernet entries stay as they were. The drop path
//! (raw tracepoint programs) has its own pair.

use aya_ebpf::{macros::map, maps::ProgramArray};

/// Translated filters for the TC programs: 0 ingress, 1 egress (Ethernet); 2 ingress,
/// 3 egress (L3 devices, compiled for raw IP).
#[map]
pub static TC_FILTERS: ProgramArray = ProgramArray::with_max_entries(4, 0);

/// Translated filter for the socket tap: 0.
#[map]
pub static SOCK_FILTERS: ProgramArray = ProgramArray::with_max_entries(1, 0);

/// TC emitters the filters tail-call on a match: 0 and 2 ingress, 1 and 3 egress.
#[map]
pub static TC_EMITTERS: ProgramArray = ProgramArray::with_max_entries(4, 0);

/// The socket tap's emitter: 0.
#[map]
pub static SOCK_EMITTERS: ProgramArray = ProgramArray::with_max_entries(1, 0);

/// Translated filters for the drop path (raw tracepoint programs, reading the frame from
/// the per-CPU scratch): 0 for frames with an Ethernet header, 1 for raw IP.
#[map]
pub static DROP_FILTERS: ProgramArray = ProgramArray::with_max_entries(2, 0);

/// The drop path's emitter, at 0 and 1 (the same program for both filters).
#[map]
pub static DROP_EMITTERS: ProgramArray = ProgramArray::with_max_entries(2, 0);
