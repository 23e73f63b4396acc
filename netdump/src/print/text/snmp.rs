//! SNMP wording (tcpdump's print-snmp.c without libsmi).

use super::Dissector;

impl Dissector {
    pub(super) fn snmp(&mut self, _out: &mut String, _b: &[u8], _length: u32) {}
}
