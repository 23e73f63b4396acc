//! Reading pcap and pcapng files (`-r`), from a path or standard input.

use std::{
    fs::File,
    io::{self, BufRead, BufReader, Read},
    ops::ControlFlow,
};

use pcap_file::{
    pcap::PcapReader,
    pcapng::{
        blocks::{
            enhanced_packet::EnhancedPacketOption,
            interface_description::InterfaceDescriptionOption,
        },
        Block, PcapNgReader,
    },
    DataLink, PcapError,
};
use thiserror::Error;

use crate::{
    packet::Timestamp,
    packet::{Direction, Hook, Packet},
};

#[derive(Debug, Error)]
pub enum ReadError {
    #[error("cannot open {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("{path} is not a pcap or pcapng file (it starts with {magic})")]
    NotACapture { path: String, magic: String },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    #[error("{path} has link type {linktype}: netdump reads Ethernet captures only")]
    LinkType { path: String, linktype: String },
}

fn ts_from_nanos(n: u128) -> Timestamp {
    Timestamp {
        sec: (n / 1_000_000_000) as i64,
        nsec: (n % 1_000_000_000) as u32,
    }
}

/// Calls `f` with each packet of the capture at `path` (`-` is standard input) until it
/// breaks. Returns how many packets were handed out.
pub fn read_file(
    path: &str,
    f: impl FnMut(&Packet<'_>) -> ControlFlow<()>,
) -> Result<u64, ReadError> {
    let input: Box<dyn Read> = if path == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(path).map_err(|source| ReadError::Open {
            path: path.to_string(),
            source,
        })?)
    };
    read_from(input, path, f)
}

/// As [`read_file`], from any reader; `path` names it in errors.
pub fn read_from(
    input: impl Read,
    path: &str,
    mut f: impl FnMut(&Packet<'_>) -> ControlFlow<()>,
) -> Result<u64, ReadError> {
    let mut input = BufReader::with_capacity(256 * 1024, input);
    let head = input.fill_buf().map_err(|source| ReadError::Open {
        path: path.to_string(),
        source,
    })?;
    let magic: [u8; 4] = head
        .get(..4)
        .and_then(|m| m.try_into().ok())
        .unwrap_or([0; 4]);
    let format_err = |e: PcapError| ReadError::Format {
        path: path.to_string(),
        message: e.to_string(),
    };
    let mut count = 0u64;
    match magic {
        [0xd4, 0xc3, 0xb2, 0xa1]
        | [0xa1, 0xb2, 0xc3, 0xd4]
        | [0x4d, 0x3c, 0xb2, 0xa1]
        | [0xa1, 0xb2, 0x3c, 0x4d] => {
            let mut r = PcapReader::new(input).map_err(format_err)?;
            let dl = r.header().datalink;
            if dl != DataLink::ETHERNET {
                return Err(ReadError::LinkType {
                    path: path.to_string(),
                    linktype: format!("{dl:?}"),
                });
            }
            while let Some(p) = r.next_packet() {
                let p = p.map_err(format_err)?;
                let pkt = Packet {
                    ts: ts_from_nanos(p.timestamp.as_nanos()),
                    ifname: "",
                    direction: Direction::Unknown,
                    pkt_type: 0,
                    hook: Hook::Tc,
                    link_type: crate::packet::LinkType::ETHERNET,
                    orig_len: p.orig_len,
                    data: &p.data,
                };
                count += 1;
                if f(&pkt).is_break() {
                    break;
                }
            }
        }
        [0x0a, 0x0d, 0x0d, 0x0a] => {
            let mut r = PcapNgReader::new(input).map_err(format_err)?;
            // Per interface: name, and the factor that turns pcap-file's "nanoseconds" (the raw
            // timestamp count) into real nanoseconds.
            let mut ifaces: Vec<(String, u128, bool)> = Vec::new();
            while let Some(block) = r.next_block() {
                let block = block.map_err(format_err)?;
                match block {
                    Block::SectionHeader(_) => ifaces.clear(),
                    Block::InterfaceDescription(idb) => {
                        let mut name = String::new();
                        let mut scale = 1000u128; // default resolution: microseconds
                        for o in &idb.options {
                            match o {
                                InterfaceDescriptionOption::IfName(n) => name = n.to_string(),
                                InterfaceDescriptionOption::IfTsResol(r) => {
                                    scale = if r & 0x80 == 0 {
                                        10u128.pow(9u32.saturating_sub(u32::from(*r)))
                                    } else {
                                        1
                                    };
                                }
                                _ => {}
                            }
                        }
                        ifaces.push((name, scale, idb.linktype == DataLink::ETHERNET));
                    }
                    Block::EnhancedPacket(epb) => {
                        let Some((name, scale, ethernet)) = ifaces.get(epb.interface_id as usize)
                        else {
                            return Err(ReadError::Format {
                                path: path.to_string(),
                                message: format!(
                                    "packet for undeclared interface {}",
                                    epb.interface_id
                                ),
                            });
                        };
                        if !ethernet {
                            continue;
                        }
                        let mut direction = Direction::Unknown;
                        let mut pkt_type = 0;
                        let mut hook = Hook::Tc;
                        for o in &epb.options {
                            match o {
                                EnhancedPacketOption::Flags(fl) => {
                                    direction = match fl & 3 {
                                        1 => Direction::Ingress,
                                        2 => Direction::Egress,
                                        _ => Direction::Unknown,
                                    };
                                    pkt_type = match (fl >> 2) & 7 {
                                        2 => 2,
                                        3 => 1,
                                        4 => 3,
                                        _ => 0,
                                    };
                                    if direction == Direction::Egress {
                                        pkt_type = 4;
                                    }
                                }
                                EnhancedPacketOption::Comment(c) if c == "hook: socket" => {
                                    hook = Hook::Socket
                                }
                                _ => {}
                            }
                        }
                        let pkt = Packet {
                            ts: ts_from_nanos(epb.timestamp.as_nanos() * scale),
                            ifname: name,
                            direction,
                            pkt_type,
                            hook,
                            link_type: crate::packet::LinkType::ETHERNET,
                            orig_len: epb.original_len,
                            data: &epb.data,
                        };
                        count += 1;
                        if f(&pkt).is_break() {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {
            return Err(ReadError::NotACapture {
                path: path.to_string(),
                magic: format!(
                    "{:02x}{:02x}{:02x}{:02x}",
                    magic[0], magic[1], magic[2], magic[3]
                ),
            })
        }
    }
    Ok(count)
}
