//! The running kernel's layout as the drop program needs it ([`DropLayout`]): offsets of the
//! `sk_buff`, `net_device`, `sock` and `net` fields it reads, and what the `kfree_skb`
//! tracepoint passes, all from the kernel's BTF.

use netdump_common::{DropLayout, SKB_READ_MAX};
use thiserror::Error;

use crate::kernel::btf::{Btf, KIND_ENUM, KIND_ENUM64, KIND_STRUCT, KIND_TYPEDEF};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LayoutError {
    #[error("this kernel has no {0} tracepoint (its BTF has no btf_trace_{0})")]
    NoTracepoint(String),
    #[error("this kernel's BTF has no struct {0}")]
    NoStruct(&'static str),
    #[error("this kernel's struct {0} has no field {1}")]
    NoField(&'static str, &'static str),
    #[error("this kernel's {0}.{1} has a layout netdump does not read ({2})")]
    Odd(&'static str, &'static str, &'static str),
}

/// What the tracepoint gives, from its BTF prototype.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tracepoint {
    /// Arguments after the context pointer: (skb, location) before 5.17, then the reason,
    /// then (6.11+) the receiving socket.
    pub args: usize,
    /// The third argument is an `enum skb_drop_reason`.
    pub has_reason: bool,
}

/// The tracepoint `name`'s arguments, from `typedef ... (*btf_trace_NAME)(void *, ...)`.
pub fn tracepoint(btf: &Btf, name: &str) -> Result<Tracepoint, LayoutError> {
    let no = || LayoutError::NoTracepoint(name.to_string());
    let td = btf
        .find(&format!("btf_trace_{name}"), KIND_TYPEDEF)
        .ok_or_else(no)?;
    let params = btf.params(td).ok_or_else(no)?;
    let args = params.len().saturating_sub(1);
    let has_reason = params.get(3).is_some_and(|&t| {
        let t = btf.resolve(t);
        matches!(btf.kind(t), KIND_ENUM | KIND_ENUM64) && btf.name(t) == "skb_drop_reason"
    });
    if args < 2 {
        return Err(no());
    }
    Ok(Tracepoint { args, has_reason })
}

/// A field's byte offset and size.
struct Field {
    byte: u32,
    size: u32,
}

fn strukt(btf: &Btf, name: &'static str) -> Result<u32, LayoutError> {
    btf.find(name, KIND_STRUCT)
        .ok_or(LayoutError::NoStruct(name))
}

/// A whole-byte field of `sname` (id `sid`) and its size.
fn field(btf: &Btf, sid: u32, sname: &'static str, f: &'static str) -> Result<Field, LayoutError> {
    let m = btf.member(sid, f).ok_or(LayoutError::NoField(sname, f))?;
    if m.bitfield_size != 0 || m.bit_offset % 8 != 0 {
        return Err(LayoutError::Odd(sname, f, "a bit-field"));
    }
    let size = btf
        .size(m.type_id)
        .ok_or(LayoutError::Odd(sname, f, "no size"))?;
    Ok(Field {
        byte: m.bit_offset / 8,
        size,
    })
}

/// A field of `sname` that must be `size` bytes.
fn sized(
    btf: &Btf,
    sid: u32,
    sname: &'static str,
    f: &'static str,
    size: u32,
) -> Result<u32, LayoutError> {
    let fl = field(btf, sid, sname, f)?;
    if fl.size != size {
        return Err(LayoutError::Odd(sname, f, "an unexpected size"));
    }
    if fl.byte % size != 0 {
        return Err(LayoutError::Odd(sname, f, "not aligned"));
    }
    Ok(fl.byte)
}

/// `possible_net_t`'s `net` pointer inside member `f` of `sname`, or NONE when the kernel has
/// no network namespaces (then the member does not exist).
fn net_ptr(btf: &Btf, sid: u32, sname: &'static str, f: &'static str) -> Result<u32, LayoutError> {
    let Some(m) = btf.member(sid, f) else {
        return Ok(DropLayout::NONE);
    };
    let inner = btf
        .member(m.type_id, "net")
        .ok_or(LayoutError::NoField(sname, "net"))?;
    let off = (m.bit_offset + inner.bit_offset) / 8;
    if off % 8 != 0 || btf.size(inner.type_id) != Some(8) {
        return Err(LayoutError::Odd(sname, f, "not a pointer"));
    }
    Ok(off)
}

/// The layout of everything the drop program reads. `netns` is netdump's own namespace
/// inode, `any`: drops on every interface; `window`: frame bytes the filter may read.
pub fn layout(
    btf: &Btf,
    tp: Tracepoint,
    netns: u32,
    any: bool,
    window: u32,
) -> Result<DropLayout, LayoutError> {
    const SKB: &str = "sk_buff";
    let skb = strukt(btf, SKB)?;
    let s = |f, size| sized(btf, skb, SKB, f, size);
    let mut l = DropLayout {
        skb_dev: s("dev", 8)?,
        skb_sk: s("sk", 8)?,
        skb_len: s("len", 4)?,
        skb_head: s("head", 8)?,
        skb_data: s("data", 8)?,
        // sk_buff_data_t: an offset from `head` on 64-bit kernels, a pointer elsewhere.
        skb_tail: s("tail", 4)?,
        skb_mac_header: s("mac_header", 2)?,
        skb_network_header: s("network_header", 2)?,
        skb_protocol: s("protocol", 2)?,
        skb_vlan_proto: s("vlan_proto", 2)?,
        skb_vlan_tci: s("vlan_tci", 2)?,
        ..DropLayout::default()
    };
    let pt = btf
        .member(skb, "pkt_type")
        .ok_or(LayoutError::NoField(SKB, "pkt_type"))?;
    if pt.bitfield_size == 0 || pt.bit_offset % 8 + pt.bitfield_size.max(3) > 8 {
        return Err(LayoutError::Odd(
            SKB,
            "pkt_type",
            "not a 3-bit field in one byte",
        ));
    }
    l.skb_pkt_type = pt.bit_offset / 8;
    l.pkt_type_shift = pt.bit_offset % 8;
    // Kernels before 6.2 say whether a tag is there in a bit of its own.
    match btf.member(skb, "vlan_present") {
        Some(m) if m.bitfield_size == 1 => {
            l.skb_vlan_present = m.bit_offset / 8;
            l.vlan_present_mask = 1 << (m.bit_offset % 8);
        }
        Some(_) => return Err(LayoutError::Odd(SKB, "vlan_present", "not a bit")),
        None => {
            l.skb_vlan_present = DropLayout::NONE;
            l.vlan_present_mask = 0;
        }
    }
    let ends = [
        (l.skb_dev, 8),
        (l.skb_sk, 8),
        (l.skb_len, 4),
        (l.skb_head, 8),
        (l.skb_data, 8),
        (l.skb_tail, 4),
        (l.skb_mac_header, 2),
        (l.skb_network_header, 2),
        (l.skb_protocol, 2),
        (l.skb_pkt_type, 1),
        (l.skb_vlan_proto, 2),
        (l.skb_vlan_tci, 2),
    ];
    let mut end = ends.iter().map(|(o, n)| o + n).max().unwrap_or(0);
    if l.skb_vlan_present != DropLayout::NONE {
        end = end.max(l.skb_vlan_present + 1);
    }
    l.skb_read = end.div_ceil(8) * 8;
    if l.skb_read > SKB_READ_MAX {
        return Err(LayoutError::Odd(
            SKB,
            "len",
            "its fields span more than 256 bytes",
        ));
    }

    const DEV: &str = "net_device";
    let dev = strukt(btf, DEV)?;
    l.dev_ifindex = sized(btf, dev, DEV, "ifindex", 4)?;
    l.dev_type = sized(btf, dev, DEV, "type", 2)?;
    l.dev_net = net_ptr(btf, dev, DEV, "nd_net")?;
    const SOCK: &str = "sock_common";
    let sock = strukt(btf, SOCK)?;
    l.sk_net = net_ptr(btf, sock, SOCK, "skc_net")?;
    if l.dev_net != DropLayout::NONE {
        let net = strukt(btf, "net")?;
        let ns = btf
            .member(net, "ns")
            .ok_or(LayoutError::NoField("net", "ns"))?;
        let inum = btf
            .member(ns.type_id, "inum")
            .ok_or(LayoutError::NoField("ns_common", "inum"))?;
        if btf.size(inum.type_id) != Some(4) || (ns.bit_offset + inum.bit_offset) % 32 != 0 {
            return Err(LayoutError::Odd(
                "ns_common",
                "inum",
                "not a 4-byte integer",
            ));
        }
        l.net_inum = (ns.bit_offset + inum.bit_offset) / 8;
    } else {
        l.net_inum = DropLayout::NONE;
    }
    l.netns = if l.dev_net == DropLayout::NONE {
        0
    } else {
        netns
    };
    l.has_reason = u32::from(tp.has_reason);
    l.consumed = DropLayout::NONE;
    if tp.has_reason {
        if let Some(e) = btf.find("skb_drop_reason", KIND_ENUM) {
            if let Some((_, v)) = btf
                .enum_values(e)
                .into_iter()
                .find(|(n, _)| n == "SKB_CONSUMED")
            {
                l.consumed = v as u32;
            }
        }
    }
    l.any_iface = u32::from(any);
    l.window = window.min(netdump_common::DROP_WINDOW_MAX);
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::btf::{tests::Builder, KIND_ENUM, KIND_FUNC_PROTO, KIND_PTR, KIND_TYPEDEF};

    /// A miniature kernel: the structs and the tracepoint prototype, with 6.1-like
    /// `vlan_present` when asked.
    fn kernel(vlan_present: bool, reason: bool) -> Vec<u8> {
        let mut b = Builder::new();
        let u8t = b.int("u8", 1);
        let u16t = b.int("u16", 2);
        let u32t = b.int("u32", 4);
        let voidp = b.ty("", KIND_PTR, false, 0, 0, &[]);
        let inum_s = b.strukt("ns_common", 16, &[("inum", u32t, 64, 0)]);
        let net_full = b.strukt("net", 64, &[("ns", inum_s, 128, 0)]);
        let netp = b.ty("", KIND_PTR, false, 0, net_full, &[]);
        let pnet = b.strukt("", 8, &[("net", netp, 0, 0)]);
        let pnet_t = b.ty("possible_net_t", KIND_TYPEDEF, false, 0, pnet, &[]);
        let dev = b.strukt(
            "net_device",
            256,
            &[
                ("ifindex", u32t, 8 * 16, 0),
                ("type", u16t, 8 * 20, 0),
                ("nd_net", pnet_t, 8 * 24, 0),
            ],
        );
        let devp = b.ty("", KIND_PTR, false, 0, dev, &[]);
        let sockc = b.strukt("sock_common", 64, &[("skc_net", pnet_t, 8 * 48, 0)]);
        let sockp = b.ty("", KIND_PTR, false, 0, sockc, &[]);
        let anon = b.strukt("", 16, &[("next", voidp, 0, 0), ("dev", devp, 64, 0)]);
        let mut members = vec![
            ("", anon, 0, 0),
            ("sk", sockp, 8 * 16, 0),
            ("len", u32t, 8 * 24, 0),
            ("pkt_type", u8t, 8 * 28, 3),
            ("protocol", u16t, 8 * 30, 0),
            ("vlan_proto", u16t, 8 * 32, 0),
            ("vlan_tci", u16t, 8 * 34, 0),
            ("mac_header", u16t, 8 * 36, 0),
            ("network_header", u16t, 8 * 38, 0),
            ("tail", u32t, 8 * 40, 0),
            ("head", voidp, 8 * 48, 0),
            ("data", voidp, 8 * 56, 0),
        ];
        if vlan_present {
            members.push(("vlan_present", u8t, 8 * 29 + 5, 1));
        }
        let skb = b.strukt("sk_buff", 64, &members);
        let skbp = b.ty("", KIND_PTR, false, 0, skb, &[]);
        let n0 = b.s("SKB_NOT_DROPPED_YET");
        let n1 = b.s("SKB_CONSUMED");
        let reasons = b.ty("skb_drop_reason", KIND_ENUM, false, 2, 4, &[n0, 0, n1, 1]);
        let mut params = vec![0, voidp, 0, skbp, 0, voidp];
        if reason {
            params.extend([0, reasons]);
        }
        let proto = b.ty(
            "",
            KIND_FUNC_PROTO,
            false,
            (params.len() / 2) as u16,
            0,
            &params,
        );
        let pp = b.ty("", KIND_PTR, false, 0, proto, &[]);
        b.ty("btf_trace_kfree_skb", KIND_TYPEDEF, false, 0, pp, &[]);
        b.finish()
    }

    #[test]
    fn reads_the_fields_the_program_needs() {
        let btf = Btf::parse(&kernel(false, true)).unwrap();
        let tp = tracepoint(&btf, "kfree_skb").unwrap();
        assert_eq!(
            tp,
            Tracepoint {
                args: 3,
                has_reason: true
            }
        );
        let l = layout(&btf, tp, 4026531840, false, 100).unwrap();
        assert_eq!((l.skb_dev, l.skb_sk, l.skb_len), (8, 16, 24));
        assert_eq!((l.skb_pkt_type, l.pkt_type_shift), (28, 0));
        assert_eq!((l.skb_tail, l.skb_head, l.skb_data), (40, 48, 56));
        assert_eq!(l.skb_read, 64);
        assert_eq!((l.dev_ifindex, l.dev_type, l.dev_net), (16, 20, 24));
        assert_eq!((l.sk_net, l.net_inum), (48, 24));
        assert_eq!(l.skb_vlan_present, DropLayout::NONE);
        assert_eq!((l.has_reason, l.consumed, l.netns), (1, 1, 4026531840));
    }

    #[test]
    fn old_kernels_have_a_vlan_bit_and_maybe_no_reason() {
        let btf = Btf::parse(&kernel(true, false)).unwrap();
        let tp = tracepoint(&btf, "kfree_skb").unwrap();
        assert!(!tp.has_reason);
        let l = layout(&btf, tp, 1, true, 100).unwrap();
        assert_eq!((l.skb_vlan_present, l.vlan_present_mask), (29, 1 << 5));
        assert_eq!(
            (l.has_reason, l.consumed, l.any_iface),
            (0, DropLayout::NONE, 1)
        );
        assert_eq!(
            tracepoint(&btf, "no_such_event"),
            Err(LayoutError::NoTracepoint("no_such_event".into()))
        );
    }

    #[test]
    fn this_kernel_if_it_has_btf() {
        let Ok(data) = std::fs::read("/sys/kernel/btf/vmlinux") else {
            eprintln!("no /sys/kernel/btf/vmlinux: skipped");
            return;
        };
        let btf = Btf::parse(&data).unwrap();
        let tp = tracepoint(&btf, "kfree_skb").unwrap();
        let l = layout(&btf, tp, 1, false, 64).unwrap();
        assert!(l.skb_read <= SKB_READ_MAX && l.skb_read > l.skb_data);
    }
}
