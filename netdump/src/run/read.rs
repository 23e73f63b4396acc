//! `-r`: a capture file filtered with libpcap's offline filter, printed or rewritten.

use std::{
    io::{self, BufWriter},
    ops::ControlFlow,
};

use super::RunError;
use crate::{
    cli::ReadConfig,
    filter::Filter,
    output::{Output, OutputError},
};

/// Reads a capture file (`-r`), filters it with libpcap's offline filter, and prints or
/// rewrites it.
pub fn read(cfg: ReadConfig) -> Result<i32, RunError> {
    let filter = cfg.filter.as_deref().map(Filter::compile).transpose()?;
    let stdout = io::stdout();
    let mut output = Output::new(
        &cfg.output,
        BufWriter::with_capacity(64 * 1024, stdout.lock()),
    )?;
    let mut failure: Option<OutputError> = None;
    let mut quiet_stop = false;
    crate::savefile::read_file(&cfg.path, |pkt| {
        if let Some(f) = &filter {
            if !f.matches(pkt.data, pkt.orig_len) {
                return ControlFlow::Continue(());
            }
        }
        match output.emit(pkt) {
            Ok(None) => {}
            Ok(Some(_)) => {
                quiet_stop = true;
                return ControlFlow::Break(());
            }
            Err(e) => {
                failure = Some(e);
                return ControlFlow::Break(());
            }
        }
        if cfg.count.is_some_and(|c| output.count >= c) {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    })?;
    if let Some(e) = failure {
        let _ = output.flush();
        return Err(e.into());
    }
    if quiet_stop {
        std::mem::forget(output);
        return Ok(0);
    }
    output.flush()?;
    Ok(0)
}
