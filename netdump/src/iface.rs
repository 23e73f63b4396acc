//! Network interfaces: listing them (`-D`), finding one by name, choosing the default.

use std::io;

use crate::{packet::LinkType, sys};

use thiserror::Error;

/// One interface as `getifaddrs` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    pub index: u32,
    pub flags: u32,
    /// Its ARPHRD type (1 Ethernet, 772 loopback, 65534 none...), if it could be read.
    pub hatype: Option<u16>,
}

impl Interface {
    pub fn is_up(&self) -> bool {
        self.flags & libc::IFF_UP as u32 != 0
    }

    pub fn is_loopback(&self) -> bool {
        self.flags & libc::IFF_LOOPBACK as u32 != 0
    }

    /// tcpdump -D's description: `[Up, Running, Loopback]`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.is_up() {
            parts.push("Up");
        }
        if self.flags & libc::IFF_RUNNING as u32 != 0 {
            parts.push("Running");
        }
        if self.is_loopback() {
            parts.push("Loopback");
        }
        format!("[{}]", parts.join(", "))
    }
}

/// Which interfaces a capture runs on (`-i`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// No `-i`: tcpdump's default choice.
    Default,
    /// These, which must exist at start; a fixed set.
    Named(Vec<String>),
    /// `-i any`: every interface, also those created while capturing.
    Any,
    /// These names (which must exist at start) and whatever matches the patterns, now or
    /// later.
    Match {
        names: Vec<String>,
        patterns: Vec<Pattern>,
    },
}

impl Selection {
    /// More than one interface, or a set that can change while capturing.
    pub fn is_several(&self) -> bool {
        match self {
            Selection::Default => false,
            Selection::Named(n) => n.len() > 1,
            Selection::Any | Selection::Match { .. } => true,
        }
    }

    /// Interfaces created while capturing are attached too.
    pub fn is_dynamic(&self) -> bool {
        matches!(self, Selection::Any | Selection::Match { .. })
    }

    /// Whether interface `name` belongs to the selection in a capture of every namespace,
    /// where names and patterns apply in each namespace and no `-i` means any.
    pub fn wants_everywhere(&self, name: &str) -> bool {
        match self {
            Selection::Default | Selection::Any => true,
            Selection::Named(names) => names.iter().any(|n| n == name),
            Selection::Match { .. } => self.wants(name),
        }
    }

    /// What `-i` asked for, as a message names it: `'veth*', 'eth0'`.
    pub fn describe(&self) -> String {
        let quoted = |v: Vec<&str>| {
            v.iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Selection::Default | Selection::Any => "any".to_string(),
            Selection::Named(n) => quoted(n.iter().map(String::as_str).collect()),
            Selection::Match { names, patterns } => quoted(
                names
                    .iter()
                    .map(String::as_str)
                    .chain(patterns.iter().map(Pattern::source))
                    .collect(),
            ),
        }
    }

    /// Whether an interface called `name` belongs to a dynamic selection.
    pub fn wants(&self, name: &str) -> bool {
        match self {
            Selection::Any => true,
            Selection::Match { names, patterns } => {
                names.iter().any(|n| n == name) || patterns.iter().any(|p| p.matches(name))
            }
            Selection::Default | Selection::Named(_) => false,
        }
    }
}

/// A shell-style glob over interface names: `*`, `?` and `[...]` (ranges, `!` or `^` to
/// negate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    src: String,
    atoms: Vec<Atom>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Atom {
    Char(char),
    Any,
    Star,
    Class {
        negate: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Pattern {
    /// Whether `s` uses glob syntax at all.
    pub fn is_glob(s: &str) -> bool {
        s.contains(['*', '?', '['])
    }

    /// Parses `s`; `None` for an unclosed or empty `[...]`.
    pub fn new(s: &str) -> Option<Pattern> {
        let mut atoms = Vec::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            atoms.push(match c {
                '*' => Atom::Star,
                '?' => Atom::Any,
                '[' => {
                    let negate = chars.next_if(|c| *c == '!' || *c == '^').is_some();
                    let mut ranges = Vec::new();
                    loop {
                        let lo = chars.next()?;
                        if lo == ']' && !ranges.is_empty() {
                            break;
                        }
                        if chars.next_if_eq(&'-').is_some() {
                            let hi = chars.next()?;
                            if hi == ']' || hi < lo {
                                return None;
                            }
                            ranges.push((lo, hi));
                        } else {
                            ranges.push((lo, lo));
                        }
                    }
                    Atom::Class { negate, ranges }
                }
                c => Atom::Char(c),
            });
        }
        Some(Pattern {
            src: s.to_string(),
            atoms,
        })
    }

    /// The pattern as it was written.
    pub fn source(&self) -> &str {
        &self.src
    }

    pub fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = name.chars().collect();
        fn go(p: &[Atom], s: &[char]) -> bool {
            match p.split_first() {
                None => s.is_empty(),
                Some((Atom::Star, rest)) => (0..=s.len()).any(|i| go(rest, &s[i..])),
                Some((atom, rest)) => match s.split_first() {
                    None => false,
                    Some((c, s_rest)) => {
                        let ok = match atom {
                            Atom::Char(x) => x == c,
                            Atom::Any => true,
                            Atom::Class { negate, ranges } => {
                                ranges.iter().any(|(lo, hi)| (lo..=hi).contains(&c)) != *negate
                            }
                            Atom::Star => unreachable!("handled above"),
                        };
                        ok && go(rest, s_rest)
                    }
                },
            }
        }
        go(&self.atoms, &name)
    }
}

/// How a capture reads an interface's frames, from its ARPHRD type: Ethernet (also loopback,
/// whose frames carry a zeroed Ethernet header) or raw IP (tun, tunnels). `None` for types
/// netdump cannot read.
pub fn link_type(name: &str) -> Option<LinkType> {
    link_type_of(sys::iface::hw_type(name)?)
}

/// How to read the frames of an interface of ARPHRD type `hatype`, if netdump can.
pub fn link_type_of(hatype: u16) -> Option<LinkType> {
    const ETHER: u16 = 1;
    const LOOPBACK: u16 = 772;
    const NONE: u16 = 65534;
    const RAWIP: u16 = 519;
    const TUNNEL: u16 = 768;
    const TUNNEL6: u16 = 769;
    const SIT: u16 = 776;
    const IPGRE: u16 = 778;
    const IP6GRE: u16 = 823;
    match hatype {
        ETHER | LOOPBACK => Some(LinkType::ETHERNET),
        NONE | RAWIP | TUNNEL | TUNNEL6 | SIT | IPGRE | IP6GRE => Some(LinkType::RAW),
        _ => None,
    }
}

#[derive(Debug, Error)]
pub enum IfaceError {
    #[error("list interfaces: {0}")]
    List(#[source] io::Error),
    #[error("no interface named '{name}' (interfaces here: {known})")]
    Unknown { name: String, known: String },
    #[error("interface {name} is down: bring it up (ip link set {name} up) or pick another")]
    Down { name: String },
    #[error("no interface matches {patterns} (interfaces here: {known}): netdump does not wait for one to appear")]
    NoMatch { patterns: String, known: String },
    #[error(
        "no interface that is up, other than loopback: name one with -i (netdump -D lists them)"
    )]
    NoDefault,
}

/// Every interface of the calling thread's namespace, by index, with its hardware type.
pub fn list() -> Result<Vec<Interface>, IfaceError> {
    let mut out: Vec<Interface> = sys::iface::links()
        .map_err(IfaceError::List)?
        .into_iter()
        .map(|l| Interface {
            hatype: sys::iface::hw_type(&l.name),
            name: l.name,
            index: l.index,
            flags: l.flags,
        })
        .collect();
    out.sort_by_key(|i| i.index);
    Ok(out)
}

fn known(all: &[Interface]) -> String {
    all.iter()
        .map(|i| i.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The interfaces a capture starts on: named ones must exist (and, in a fixed set, be up);
/// patterns must match at least one.
pub fn select(sel: &Selection) -> Result<Vec<Interface>, IfaceError> {
    match sel {
        Selection::Default => Ok(vec![default()?]),
        Selection::Named(names) => names.iter().map(|n| find(n)).collect(),
        Selection::Any => list(),
        Selection::Match { names, patterns } => {
            let all = list()?;
            for n in names {
                if !all.iter().any(|i| &i.name == n) {
                    return Err(IfaceError::Unknown {
                        name: n.clone(),
                        known: known(&all),
                    });
                }
            }
            let found: Vec<Interface> =
                all.iter().filter(|i| sel.wants(&i.name)).cloned().collect();
            if found.len() == names.len() {
                let patterns = patterns
                    .iter()
                    .map(|p| format!("'{}'", p.source()))
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(IfaceError::NoMatch {
                    patterns,
                    known: known(&all),
                });
            }
            Ok(found)
        }
    }
}

/// The interface called `name`, which must exist and be up.
pub fn find(name: &str) -> Result<Interface, IfaceError> {
    let all = list()?;
    let Some(found) = all.iter().find(|i| i.name == name) else {
        let known = known(&all);
        return Err(IfaceError::Unknown {
            name: name.to_string(),
            known,
        });
    };
    if !found.is_up() {
        return Err(IfaceError::Down {
            name: name.to_string(),
        });
    }
    Ok(found.clone())
}

/// tcpdump's default: the first interface that is up and not loopback.
pub fn default() -> Result<Interface, IfaceError> {
    list()?
        .into_iter()
        .find(|i| i.is_up() && !i.is_loopback())
        .ok_or(IfaceError::NoDefault)
}

/// What became of the interface a capture runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Up,
    Down,
    Gone,
}

/// Whether interface `index` (called `name`) still exists and is up, asked with
/// SIOCGIFFLAGS in this network namespace.
pub fn state(name: &str, index: u32) -> State {
    if name_of(index).as_deref() != Some(name) {
        return State::Gone;
    }
    match sys::iface::flags_of(name) {
        sys::iface::Flags::Known(flags) if flags & libc::IFF_UP as u32 != 0 => State::Up,
        sys::iface::Flags::Known(_) => State::Down,
        sys::iface::Flags::Missing => State::Gone,
        // No socket to ask with: say nothing changed rather than end the capture.
        sys::iface::Flags::Unknown => State::Up,
    }
}

/// The name of interface `index`, if it still exists.
pub fn name_of(index: u32) -> Option<String> {
    sys::iface::name_of(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_up_and_a_missing_index_is_gone() {
        let lo = list()
            .unwrap()
            .into_iter()
            .find(|i| i.is_loopback())
            .unwrap();
        assert_eq!(state(&lo.name, lo.index), State::Up);
        assert_eq!(state("nd-no-such0", 999_999), State::Gone);
    }

    #[test]
    fn patterns() {
        let p = |s: &str| Pattern::new(s).unwrap();
        assert!(p("veth*").matches("veth0") && p("veth*").matches("veth"));
        assert!(!p("veth*").matches("eth0"));
        assert!(p("v?th[0-3]").matches("veth2") && !p("v?th[0-3]").matches("veth4"));
        assert!(p("eth[!0]").matches("eth1") && !p("eth[!0]").matches("eth0"));
        assert!(p("*0").matches("eth0") && p("*").matches(""));
        assert!(Pattern::new("veth[0-").is_none() && Pattern::new("a[]").is_none());
        assert!(Pattern::is_glob("a*") && !Pattern::is_glob("eth0"));
    }

    #[test]
    fn loopback_is_ethernet() {
        assert_eq!(link_type("lo"), Some(LinkType::ETHERNET));
        assert_eq!(link_type("nd-no-such0"), None);
    }

    #[test]
    fn loopback_is_listed_and_unknown_names_are_errors() {
        let all = list().unwrap();
        assert!(all.iter().any(|i| i.is_loopback()), "{all:?}");
        match find("nd-no-such0") {
            Err(IfaceError::Unknown { known, .. }) => assert!(known.contains("lo")),
            other => panic!("expected Unknown, got {other:?}"),
        }
    }
}
