//! `-D`: the interfaces `-i` accepts, in tcpdump's format, in the namespaces `--netns`
//! names (with `--netns all`, each named `IFACE@NAMESPACE` as capture lines name them).

use super::{spaces::Spaces, RunError};
use crate::{iface, netns::Target};

/// The text `-D` prints.
pub fn list_interfaces(target: &Target) -> Result<String, RunError> {
    let spaces = Spaces::open(target)?;
    let mut names = Vec::new();
    for (key, space) in spaces.iter() {
        let list = match space.ns.enter(iface::list) {
            Ok(list) => list.map_err(|source| match target {
                Target::One(_) => RunError::InNamespace {
                    what: space.ns.describe(),
                    source,
                },
                _ => RunError::Iface(source),
            })?,
            // With `--netns all`, one that went away meanwhile is not listed.
            Err(_) if *target == Target::All => continue,
            Err(e) => return Err(e.into()),
        };
        for i in list {
            names.push(format!("{} {}", spaces.label(key, &i.name), i.describe()));
        }
    }
    let mut text: String = names
        .iter()
        .enumerate()
        .map(|(n, line)| format!("{}.{line}\n", n + 1))
        .collect();
    // As libpcap lists it.
    text.push_str(&format!(
        "{}.any (Pseudo-device that captures on all interfaces) [Up, Running]\n",
        names.len() + 1
    ));
    Ok(text)
}
