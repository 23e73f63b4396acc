//! Where each packet goes: tcpdump-style text, JSON lines, and/or a capture file.

use std::io::{self, Write};

use thiserror::Error;

use crate::{
    packet::Packet,
    print::{json, PrintOptions, Printer},
    savefile::{self, SaveOptions, Saver, WriteError},
};

#[derive(Debug, Error)]
pub enum OutputError {
    #[error("write to standard output: {0}")]
    Stdout(#[source] io::Error),
    #[error(transparent)]
    File(#[from] WriteError),
}

/// What to produce for each packet.
#[derive(Clone, Debug)]
pub struct OutputOptions {
    /// Text lines on standard output.
    pub text: bool,
    /// JSON lines on standard output (instead of text).
    pub json: bool,
    pub print: PrintOptions,
    pub save: Option<SaveOptions>,
    /// Flush standard output after every packet (`-l`, `-U`).
    pub flush_each: bool,
}

/// Why output stopped taking packets.
#[derive(Debug)]
pub enum Stop {
    /// The reader of standard output went away (`| head`): a normal end.
    BrokenPipe,
    /// `-W` files written with `-G`.
    RotationDone,
}

pub struct Output<W: Write> {
    printer: Option<Printer>,
    json: bool,
    decode: crate::decode::Options,
    saver: Option<Saver>,
    out: W,
    flush_each: bool,
    /// Packets handed to every sink.
    pub count: u64,
}

impl<W: Write> Output<W> {
    /// Opens the capture file, if any: an unwritable path fails here.
    pub fn new(opts: &OutputOptions, out: W) -> Result<Output<W>, OutputError> {
        let saver = match &opts.save {
            Some(s) => Some(Saver::create(s.clone())?),
            None => None,
        };
        Ok(Output {
            printer: (opts.text && !opts.json).then(|| Printer::new(opts.print)),
            json: opts.json,
            decode: opts.print.decode,
            saver,
            out,
            flush_each: opts.flush_each,
            count: 0,
        })
    }

    fn stdout_err(e: io::Error) -> Result<Option<Stop>, OutputError> {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Ok(Some(Stop::BrokenPipe))
        } else {
            Err(OutputError::Stdout(e))
        }
    }

    /// Sends one packet everywhere it should go. `Ok(Some(stop))` ends the capture normally.
    pub fn emit(&mut self, pkt: &Packet<'_>) -> Result<Option<Stop>, OutputError> {
        if let Some(s) = &mut self.saver {
            match s.write(pkt) {
                Ok(savefile::write::Saved::More) => {}
                Ok(savefile::write::Saved::Done) => return Ok(Some(Stop::RotationDone)),
                Err(WriteError::Write { source, .. })
                    if source.kind() == io::ErrorKind::BrokenPipe =>
                {
                    return Ok(Some(Stop::BrokenPipe))
                }
                Err(e) => return Err(e.into()),
            }
        }
        let r = if let Some(p) = &mut self.printer {
            p.print(&mut self.out, pkt)
        } else if self.json {
            json::write_line(&mut self.out, pkt, self.decode)
        } else {
            Ok(())
        };
        if let Err(e) = r.and_then(|()| {
            if self.flush_each {
                self.out.flush()
            } else {
                Ok(())
            }
        }) {
            return Self::stdout_err(e);
        }
        self.count += 1;
        Ok(None)
    }

    /// Whether someone may be watching packets as they come: lines on standard output, or
    /// a file flushed after every packet (`-U`).
    pub fn watched(&self) -> bool {
        self.printer.is_some()
            || self.json
            || self.flush_each
            || self.saver.as_ref().is_some_and(Saver::flushes_each)
    }

    /// Tells the file writer interface `name`'s index and ARPHRD type (cooked files
    /// record them).
    pub fn learn_interface(&mut self, name: &str, ifindex: u32, hatype: u16) {
        if let Some(s) = &mut self.saver {
            s.learn_interface(name, ifindex, hatype);
        }
    }

    /// Gives the capture file, if any, to `-Z`'s user.
    pub fn chown_files(&self, uid: u32, gid: u32) -> Result<(), OutputError> {
        match &self.saver {
            Some(s) => Ok(s.chown(uid, gid)?),
            None => Ok(()),
        }
    }

    /// Pushes buffered output out (after each batch, and at exit).
    pub fn flush(&mut self) -> Result<Option<Stop>, OutputError> {
        if let Some(s) = &mut self.saver {
            match s.flush() {
                Ok(()) => {}
                Err(WriteError::Write { source, .. })
                    if source.kind() == io::ErrorKind::BrokenPipe =>
                {
                    return Ok(Some(Stop::BrokenPipe))
                }
                Err(e) => return Err(e.into()),
            }
        }
        match self.out.flush() {
            Ok(()) => Ok(None),
            Err(e) => Self::stdout_err(e),
        }
    }
}
