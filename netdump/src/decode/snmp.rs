//! SNMP (RFC 1157, 3416, 3412) on UDP 161/162: recognised by port (or `-T snmp`), printed
//! from the payload bytes by `print/text/snmp.rs` (tcpdump's printer is an ASN.1 BER
//! walker); the fields JSON reports are read here.

use super::{Context, Layer, Next, Upper};

/// An SNMP message as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snmp<'a> {
    pub raw: &'a [u8],
}

/// Takes the whole payload as one SNMP message.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Snmp(Snmp { raw: b }));
    Next::consumed(b, Upper::Nothing)
}
