//! sFlow v5 (UDP 6343) as tcpdump's print-sflow.c says it: the datagram header line. The
//! samples tcpdump lists from `-v` on are not printed yet.

use std::fmt::Write as _;

use super::message::{Bytes, Walk};
use super::Dissector;
use crate::decode::message::Message;

const V4_HEADER: usize = 28;
const V6_HEADER: usize = 40;

impl Dissector {
    pub(super) fn sflow(&mut self, out: &mut String, m: &Message<'_>) -> Walk {
        let b = Bytes::new(m.raw, "sflow");
        let len = m.length as usize;
        let ip_version = b.be32(4)?;
        if (len < V4_HEADER && ip_version == 1) || (len < V6_HEADER && ip_version == 2) {
            let _ = write!(
                out,
                "sFlowv{} [length {len} < {V4_HEADER}] (invalid)",
                b.be32(0)?
            );
            return Ok(());
        }
        b.get(0, V4_HEADER)?;
        let version = b.be32(0)?;
        if version != 5 {
            let _ = write!(out, "sFlow version {version} packet not supported");
            return Ok(());
        }
        let (agent, rest) = if ip_version == 1 {
            (b.ipv4(8)?.to_string(), 12)
        } else {
            (b.ipv6(8)?.to_string(), 24)
        };
        let family = if ip_version == 1 { "IPv4" } else { "IPv6" };
        let agent_id = b.be32(rest)?;
        if self.opts.verbose == 0 {
            let _ = write!(
                out,
                "sFlowv{version}, {family} agent {agent}, agent-id {agent_id}, length {len}"
            );
            return Ok(());
        }
        let _ = write!(
            out,
            "sFlowv{version}, {family} agent {agent}, agent-id {agent_id}, seqnum {}, uptime {}, samples {}, length {len}",
            b.be32(rest + 4)?,
            b.be32(rest + 8)?,
            b.be32(rest + 12)?
        );
        Ok(())
    }
}
