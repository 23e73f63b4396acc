//! Arbitrary bytes as a pcap or pcapng file: the reader must return packets or an error,
//! never panic, and every packet it returns must print.
#![no_main]

use std::ops::ControlFlow;

use libfuzzer_sys::fuzz_target;
use netdump::{
    print::{PrintOptions, Printer},
    savefile::read_from,
};

fuzz_target!(|data: &[u8]| {
    let mut printer = Printer::new(PrintOptions::default());
    let mut out = Vec::new();
    let _ = read_from(data, "fuzz", |pkt| {
        out.clear();
        printer.print(&mut out, pkt).unwrap();
        ControlFlow::Continue(())
    });
});
