//! `-r`: a capture file filtered with libpcap's offline filter, printed or rewritten.

use std::io::{self, BufWriter};

use super::RunError;
use crate::{cli::ReadConfig, filter::FilterSet, output::Output, savefile::Reader};

/// Reads a capture file (`-r`), filters it with libpcap's offline filter, and prints or
/// rewrites it.
pub fn read(mut cfg: ReadConfig) -> Result<i32, RunError> {
    let mut reader = Reader::open(&cfg.path)?;
    // `-r X -w Y` keeps X's link type.
    if let Some(save) = &mut cfg.output.save {
        save.link_type = reader.link_type();
    }
    let mut filter = cfg
        .filter
        .as_deref()
        .map(|e| FilterSet::new(e, reader.link_type()))
        .transpose()?;
    let stdout = io::stdout();
    let mut output = Output::new(
        &cfg.output,
        BufWriter::with_capacity(64 * 1024, stdout.lock()),
    )?;
    let mut failure: Option<RunError> = None;
    let mut quiet_stop = false;
    loop {
        let pkt = match reader.next_packet() {
            Ok(Some(pkt)) => pkt,
            Ok(None) => break,
            Err(e) => {
                // A truncated file: what it had is printed, then the error, as tcpdump does.
                failure = Some(e.into());
                break;
            }
        };
        if let Some(f) = &mut filter {
            match f.matches(&pkt) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    failure = Some(e.into());
                    break;
                }
            }
        }
        match output.emit(&pkt) {
            Ok(None) => {}
            Ok(Some(_)) => {
                quiet_stop = true;
                break;
            }
            Err(e) => {
                failure = Some(e.into());
                break;
            }
        }
        if cfg.count.is_some_and(|c| output.count >= c) {
            break;
        }
    }
    if let Some(e) = failure {
        let _ = output.flush();
        return Err(e);
    }
    if quiet_stop {
        std::mem::forget(output);
        return Ok(0);
    }
    output.flush()?;
    Ok(0)
}
