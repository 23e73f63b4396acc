//! Reading capture files (`-r`), from a path or standard input: pcap (`read/pcap.rs`) and
//! pcapng (`read/pcapng.rs`), lenient exactly where libpcap 1.10 is, so netdump reads what
//! tcpdump reads.
//!
//! netdump's own code rather than the pcap-file crate: pcap-file refuses records libpcap
//! reads (captured length above the snapshot length, link types with the FCS bits, pcapng
//! option lists without an end marker), and its errors cannot say how far a truncated file
//! got. Both formats read through one [`Reader`], which knows the file's link type before the
//! first packet (the filter is compiled for it) and gives every packet its own.

mod pcap;
mod pcapng;

use std::{
    fs::File,
    io::{self, BufReader, Read},
    ops::ControlFlow,
};

use thiserror::Error;

use crate::packet::{LinkType, Packet};

#[derive(Debug, Error)]
pub enum ReadError {
    #[error("cannot open {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("{path} is not a pcap or pcapng file ({what})")]
    NotACapture { path: String, what: String },
    /// The file's header cannot be read; libpcap's words, which tcpdump prints alone.
    #[error("{message}")]
    Header { path: String, message: String },
    /// A record after the header cannot be read; the packets before it were handed out.
    /// tcpdump reports these as `pcap_loop: ` and libpcap's words.
    #[error("pcap_loop: {message}")]
    Record { message: String },
}

/// What went wrong inside a file, in libpcap's words; [`Reader`] says whether it was the
/// header or a record.
#[derive(Debug, Error)]
#[error("{0}")]
struct Bad(String);

impl From<io::Error> for Bad {
    fn from(e: io::Error) -> Bad {
        Bad(format!("error reading dump file: {e}"))
    }
}

/// Reads until `buf` is full or the input ends; returns how many bytes were read.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Replaces `buf` with the next `len` bytes of `input`; returns how many there were. Beyond
/// an ordinary packet's size the buffer grows with the bytes that arrive, not with what a
/// (maybe corrupt) length promises.
fn read_into(input: &mut impl Read, buf: &mut Vec<u8>, len: usize) -> io::Result<usize> {
    const ORDINARY: usize = 256 * 1024;
    if len <= ORDINARY {
        buf.resize(len, 0);
        let got = read_full(input, buf)?;
        buf.truncate(got);
        return Ok(got);
    }
    buf.clear();
    let mut limited = input.take(len as u64);
    loop {
        match limited.read_to_end(buf) {
            Ok(_) => return Ok(buf.len()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The byte order of a file (pcap) or section (pcapng).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

impl Endian {
    /// The `N` bytes at `at`, zeros where `b` is too short (callers check lengths first).
    fn bytes<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
        b.get(at..at.saturating_add(N))
            .and_then(|s| s.try_into().ok())
            .unwrap_or([0; N])
    }

    fn u16(self, b: &[u8], at: usize) -> u16 {
        let a = Self::bytes(b, at);
        match self {
            Endian::Little => u16::from_le_bytes(a),
            Endian::Big => u16::from_be_bytes(a),
        }
    }

    fn u32(self, b: &[u8], at: usize) -> u32 {
        let a = Self::bytes(b, at);
        match self {
            Endian::Little => u32::from_le_bytes(a),
            Endian::Big => u32::from_be_bytes(a),
        }
    }

    fn u64(self, b: &[u8], at: usize) -> u64 {
        let a = Self::bytes(b, at);
        match self {
            Endian::Little => u64::from_le_bytes(a),
            Endian::Big => u64::from_be_bytes(a),
        }
    }
}

/// libpcap's `max_snaplen_for_dlt`: the largest packet it believes for a link type.
fn max_snaplen(link_type: u32) -> u32 {
    match link_type {
        231 => 128 * 1024 * 1024, // D-Bus
        279 => 8 * 1024 * 1024,   // EBHSCR
        249 => 1024 * 1024,       // USBPcap
        _ => 262_144,
    }
}

/// libpcap's `pcap_adjust_snapshot`: a snapshot length of 0 or above `INT_MAX` means the
/// link type's maximum.
fn adjust_snaplen(link_type: u32, snaplen: u32) -> u32 {
    if snaplen == 0 || snaplen > i32::MAX as u32 {
        max_snaplen(link_type)
    } else {
        snaplen
    }
}

/// A link type as [`Packet`] carries it; libpcap accepts 26 bits, netdump's printers 16.
fn link_type(raw: u32) -> Result<LinkType, Bad> {
    u16::try_from(raw).map(LinkType).map_err(|_| {
        Bad(format!(
            "link type {raw} is unknown: no printer can read it"
        ))
    })
}

enum Format<R: Read> {
    Pcap(pcap::PcapReader<R>),
    PcapNg(pcapng::PcapNgReader<R>),
}

/// An open capture file: its header has been read, packets come one at a time.
pub struct Reader<R: Read> {
    format: Format<BufReader<R>>,
}

impl Reader<Box<dyn Read>> {
    /// Opens the capture at `path` (`-` is standard input) and reads its header.
    pub fn open(path: &str) -> Result<Self, ReadError> {
        let input: Box<dyn Read> = if path == "-" {
            Box::new(io::stdin().lock())
        } else {
            Box::new(File::open(path).map_err(|source| ReadError::Open {
                path: path.to_string(),
                source,
            })?)
        };
        Reader::new(input, path)
    }
}

impl<R: Read> Reader<R> {
    /// Reads the header of the capture in `input`; `path` names it in errors.
    pub fn new(input: R, path: &str) -> Result<Self, ReadError> {
        let mut input = BufReader::with_capacity(256 * 1024, input);
        let header = |message: String| ReadError::Header {
            path: path.to_string(),
            message,
        };
        let mut magic = [0u8; 4];
        let got = read_full(&mut input, &mut magic).map_err(|e| header(Bad::from(e).0))?;
        if got < magic.len() {
            // tcpdump: "truncated dump file; tried to read 4 file header bytes, only got 0",
            // which does not say which file, nor that it is empty.
            return Err(ReadError::NotACapture {
                path: path.to_string(),
                what: match got {
                    0 => "it is empty".into(),
                    n => format!("it is only {n} bytes long"),
                },
            });
        }
        let format = if let Some(endian) = pcap::magic(magic) {
            Format::Pcap(pcap::PcapReader::new(input, magic, endian).map_err(|e| header(e.0))?)
        } else if magic == pcapng::SHB_MAGIC {
            match pcapng::PcapNgReader::new(input).map_err(|e| header(e.0))? {
                Some(r) => Format::PcapNg(r),
                None => return Err(not_a_capture(path, magic)),
            }
        } else {
            return Err(not_a_capture(path, magic));
        };
        Ok(Reader { format })
    }

    /// The file's link type (for pcapng, its first interface's).
    pub fn link_type(&self) -> LinkType {
        match &self.format {
            Format::Pcap(r) => r.link_type,
            Format::PcapNg(r) => r.first_link_type,
        }
    }

    /// The file's snapshot length, as libpcap adjusts it.
    pub fn snaplen(&self) -> u32 {
        match &self.format {
            Format::Pcap(r) => r.snaplen,
            Format::PcapNg(r) => r.first_snaplen,
        }
    }

    /// The next packet, `None` at the end of the file.
    pub fn next_packet(&mut self) -> Result<Option<Packet<'_>>, ReadError> {
        let next = match &mut self.format {
            Format::Pcap(r) => r.next_packet(),
            Format::PcapNg(r) => r.next_packet(),
        };
        next.map_err(|e| ReadError::Record { message: e.0 })
    }
}

fn not_a_capture(path: &str, magic: [u8; 4]) -> ReadError {
    ReadError::NotACapture {
        path: path.to_string(),
        what: format!(
            "it starts with {:02x}{:02x}{:02x}{:02x}",
            magic[0], magic[1], magic[2], magic[3]
        ),
    }
}

/// Calls `f` with each packet of the capture at `path` (`-` is standard input) until it
/// breaks. Returns how many packets were handed out.
pub fn read_file(
    path: &str,
    f: impl FnMut(&Packet<'_>) -> ControlFlow<()>,
) -> Result<u64, ReadError> {
    drain(Reader::open(path)?, f)
}

/// As [`read_file`], from any reader; `path` names it in errors.
pub fn read_from(
    input: impl Read,
    path: &str,
    f: impl FnMut(&Packet<'_>) -> ControlFlow<()>,
) -> Result<u64, ReadError> {
    drain(Reader::new(input, path)?, f)
}

fn drain<R: Read>(
    mut reader: Reader<R>,
    mut f: impl FnMut(&Packet<'_>) -> ControlFlow<()>,
) -> Result<u64, ReadError> {
    let mut count = 0u64;
    while let Some(pkt) = reader.next_packet()? {
        count += 1;
        if f(&pkt).is_break() {
            break;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests;
