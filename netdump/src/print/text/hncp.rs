//! HNCP (RFC 7788, UDP 8231) as tcpdump's print-hncp.c says it.

use super::message::Walk;
use super::Dissector;
use crate::decode::message::Message;

impl Dissector {
    pub(super) fn hncp(&mut self, _out: &mut String, _m: &Message<'_>) -> Walk {
        Ok(())
    }
}
