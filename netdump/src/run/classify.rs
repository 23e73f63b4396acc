//! Whether and how a capture can run on an interface: its link type from its ARPHRD type,
//! and what the filter and `-s headers` allow on L3 devices.

use thiserror::Error;

use crate::{
    filter::{Filter, FilterError},
    iface::{self, Interface},
    kernel,
    packet::LinkType,
};

#[derive(Debug, Error)]
pub enum SkipError {
    #[error(
        "interface {name} has hardware type {kind}, which netdump cannot read: capture on another"
    )]
    Unsupported { name: String, kind: String },
    #[error("interface {0} is an L3 device (no Ethernet header): a filter on its socket tap is not supported; use --hook tc or no filter")]
    FilterOnL3(String),
    #[error("interface {name} is an L3 device (raw IP, no Ethernet header) and the filter does not apply to it: {message}")]
    RawFilter { name: String, message: String },
    #[error(
        "interface {0} is an L3 device (no Ethernet header): -s headers is not supported on it"
    )]
    HeadersOnL3(String),
}

/// The filter, as far as deciding where a capture can run goes.
#[derive(Clone, Debug)]
pub enum FilterFit {
    None,
    /// Compiled for Ethernet; for raw IP (L3 devices) too, or why not.
    Some {
        raw: Result<(), String>,
    },
}

impl FilterFit {
    /// From the expression compiled for Ethernet and for raw IP.
    pub fn new(filter: Option<&Filter>, raw: Option<&Result<Filter, FilterError>>) -> FilterFit {
        match (filter, raw) {
            (None, _) => FilterFit::None,
            (Some(_), Some(Ok(_))) => FilterFit::Some { raw: Ok(()) },
            (Some(_), Some(Err(e))) => FilterFit::Some {
                raw: Err(e.to_string()),
            },
            (Some(_), None) => FilterFit::Some {
                raw: Err("not compiled for raw IP".into()),
            },
        }
    }
}

/// How to read `iface`'s frames and its ARPHRD type (what a cooked header records), or why
/// netdump cannot capture on it. Needs nothing of its namespace: the type was read when the
/// interface was listed.
pub fn classify(
    iface: &Interface,
    filter: &FilterFit,
    opts: &kernel::Options,
) -> Result<(LinkType, u16), SkipError> {
    let Some((lt, hatype)) = iface
        .hatype
        .and_then(|t| Some((iface::link_type_of(t)?, t)))
    else {
        return Err(SkipError::Unsupported {
            name: iface.name.clone(),
            kind: iface
                .hatype
                .map_or_else(|| "unknown".to_string(), |t| t.to_string()),
        });
    };
    if let (LinkType::RAW, FilterFit::Some { raw }) = (lt, filter) {
        if opts.hooks.socket {
            return Err(SkipError::FilterOnL3(iface.name.clone()));
        }
        if let Err(message) = raw {
            return Err(SkipError::RawFilter {
                name: iface.name.clone(),
                message: message.clone(),
            });
        }
    }
    if lt == LinkType::RAW && opts.headers_only {
        return Err(SkipError::HeadersOnL3(iface.name.clone()));
    }
    Ok((lt, hatype))
}
