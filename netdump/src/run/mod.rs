//! The commands netdump runs, start to exit: a live capture ([`capture`]: set-up, the event
//! loop, tear-down), reading a file ([`read`]), and printing a filter's programs ([`dump`]).

mod capture;
mod classify;
mod dump;
mod event_loop;
mod list;
pub mod owner;
mod read;
mod report;
mod spaces;
mod watch;

use std::io;

use thiserror::Error;

pub use capture::{capture, Capture, DropSetup, Known};
pub use classify::SkipError;
pub use dump::dump_filter;
pub use list::list_interfaces;
pub use read::read;

use crate::{
    drops::DropsError,
    filter::FilterError,
    iface::IfaceError,
    kernel::{AttachError, LoadError},
    netns::NetnsError,
    output::OutputError,
    privilege::{DropError, PrivilegeError},
    ring::ReaderError,
    savefile::ReadError,
};

#[derive(Debug, Error)]
pub enum RunError {
    #[error(transparent)]
    Iface(#[from] IfaceError),
    #[error(transparent)]
    Skip(#[from] SkipError),
    #[error(transparent)]
    Privilege(#[from] PrivilegeError),
    #[error(transparent)]
    Drop(#[from] DropError),
    #[error(transparent)]
    Drops(#[from] DropsError),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Attach(#[from] AttachError),
    #[error(transparent)]
    Reader(#[from] ReaderError),
    #[error("set up signal handling: {0}")]
    Signals(#[source] io::Error),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Filter(#[from] FilterError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("map the kernel's counters: {0}")]
    Counters(#[source] io::Error),
    #[error("interface {0} was deleted while capturing")]
    InterfaceGone(String),
    #[error("interface {0} went down while capturing")]
    InterfaceDown(String),
    #[error(transparent)]
    Netns(#[from] NetnsError),
    #[error("in {what}: {source}")]
    InNamespace {
        what: String,
        #[source]
        source: IfaceError,
    },
    #[error("no interface matches {0} in any network namespace: netdump does not wait for one to appear")]
    NoMatchAnywhere(String),
    #[error("{0}")]
    NeedsKernel(String),
    #[error("{0} was deleted while capturing")]
    NamespaceGone(String),
}
