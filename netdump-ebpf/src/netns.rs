//! Which network namespace a packet's interface lives in, as that namespace's cookie: read
//! through `skb->dev->nd_net.net->net_cookie` at byte offsets userspace takes from the
//! running kernel's BTF and sets as `.rodata` globals.
//!
//! `bpf_get_netns_cookie(skb)` (which recent kernels, 6.18 here, offer to sched_cls and socket
//! filters) does not answer this: for an skb it returns the namespace of `skb->sk`, the socket
//! that sent the packet (a veth keeps it across namespaces), or init_net's when there is
//! none; it never looks at the device
//! (<https://elixir.bootlin.com/linux/v6.18/source/net/core/filter.c>, `bpf_get_netns_cookie`).
//! Checked on 6.18: on a veth's ingress in namespace B, a ping from namespace A reads A's
//! cookie through the helper and B's through `skb->dev`.

use aya_ebpf::{helpers::bpf_probe_read_kernel, programs::sk_buff::SkBuff};

use crate::config;

/// The cookie of the namespace of the device `skb` is crossing; 0 if it cannot be read.
///
/// # Minimum kernel version
/// `bpf_probe_read_kernel` from TC and socket-filter programs (bpf_base_func_proto, for a
/// loader with CAP_PERFMON or CAP_SYS_ADMIN): 5.8; `net->net_cookie` as a plain `u64`: 5.12.
#[inline(always)]
pub fn cookie(skb: &SkBuff) -> u64 {
    // The context of TC and socket-filter programs is the kernel's `struct sk_buff` itself
    // (`__sk_buff` is a view the verifier rewrites accesses to).
    let base = skb.skb as *const u8;
    let dev_at = base.wrapping_add(config::SKB_DEV_OFFSET.load() as usize);
    // SAFETY: bpf_probe_read_kernel copies kernel memory and reports a fault as an error;
    // nothing is dereferenced directly.
    let Ok(dev) = (unsafe { bpf_probe_read_kernel(dev_at as *const *const u8) }) else {
        return 0;
    };
    if dev.is_null() {
        return 0;
    }
    let net_at = dev.wrapping_add(config::DEV_NET_OFFSET.load() as usize);
    // SAFETY: as above.
    let Ok(net) = (unsafe { bpf_probe_read_kernel(net_at as *const *const u8) }) else {
        return 0;
    };
    if net.is_null() {
        return 0;
    }
    let cookie_at = net.wrapping_add(config::NET_COOKIE_OFFSET.load() as usize);
    // SAFETY: as above.
    unsafe { bpf_probe_read_kernel(cookie_at as *const u64) }.unwrap_or(0)
}
