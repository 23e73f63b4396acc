//! Arbitrary bytes as a pcap or pcapng file: the reader must return packets or an error,
//! never panic, and every packet it returns, of whatever link type, must print.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netdump::{
    print::{PrintOptions, Printer},
    savefile::Reader,
};

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = Reader::new(data, "fuzz") else {
        return;
    };
    let _ = (reader.link_type(), reader.snaplen());
    let mut printer = Printer::new(PrintOptions::default());
    let mut out = Vec::new();
    while let Ok(Some(pkt)) = reader.next_packet() {
        assert!(
            pkt.data.len() <= data.len(),
            "a packet is never longer than its file"
        );
        out.clear();
        printer.print(&mut out, &pkt).unwrap();
    }
});
