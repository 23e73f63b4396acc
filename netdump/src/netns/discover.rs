//! Finding every network namespace on the host (`--netns all`): those bind-mounted somewhere
//! (`ip netns add` under /run/netns, container runtimes elsewhere), read from this process's
//! mountinfo, and those only a process holds, read from /proc/PID/ns/net. Nothing is opened,
//! so a scan keeps no namespace alive. Its cost is one readlink per process and one read of
//! mountinfo.

use std::{collections::BTreeMap, fs, path::PathBuf};

/// Where `ip netns` keeps its names.
pub const NAMED_DIR: &str = "/run/netns";

/// A namespace a scan found: its inode, its `ip netns` name if it has one, and paths it can
/// be opened by (mounts first, then a process's link).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub inode: u64,
    pub name: Option<String>,
    pub paths: Vec<PathBuf>,
}

/// The inode in an nsfs name such as `net:[4026531840]`.
pub fn inode_of(link: &str) -> Option<u64> {
    link.strip_prefix("net:[")?.strip_suffix(']')?.parse().ok()
}

/// Undoes mountinfo's octal escapes (`\040` for a space, ...).
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let octal = b
            .get(i + 1..i + 4)
            .filter(|d| b[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match octal {
            Some(d) => {
                let v = d.iter().fold(0u32, |v, c| v * 8 + u32::from(c - b'0'));
                out.push(v as u8);
                i += 4;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Network namespaces mounted somewhere, from mountinfo's text: (inode, mount point).
pub fn mounted(mountinfo: &str) -> Vec<(u64, PathBuf)> {
    let mut out = Vec::new();
    for line in mountinfo.lines() {
        // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        if right.split_whitespace().next() != Some("nsfs") {
            continue;
        }
        let fields: Vec<&str> = left.split_whitespace().collect();
        let (Some(root), Some(point)) = (fields.get(3), fields.get(4)) else {
            continue;
        };
        if let Some(ino) = inode_of(root) {
            out.push((ino, PathBuf::from(unescape(point))));
        }
    }
    out
}

/// Every network namespace found now, by inode.
pub fn scan() -> BTreeMap<u64, Found> {
    let mut all: BTreeMap<u64, Found> = BTreeMap::new();
    let mountinfo = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    for (ino, point) in mounted(&mountinfo) {
        let named = point
            .parent()
            .is_some_and(|d| d == std::path::Path::new(NAMED_DIR));
        let f = all.entry(ino).or_insert_with(|| Found {
            inode: ino,
            name: None,
            paths: Vec::new(),
        });
        if named && f.name.is_none() {
            f.name = point.file_name().map(|n| n.to_string_lossy().into_owned());
            f.paths.insert(0, point);
        } else if !f.paths.contains(&point) {
            f.paths.push(point);
        }
    }
    if let Ok(dir) = fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let name = entry.file_name();
            let Some(pid) = name
                .to_str()
                .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
            else {
                continue;
            };
            let path = PathBuf::from(format!("/proc/{pid}/ns/net"));
            let Some(ino) = fs::read_link(&path)
                .ok()
                .and_then(|l| inode_of(&l.to_string_lossy()))
            else {
                continue;
            };
            let f = all.entry(ino).or_insert_with(|| Found {
                inode: ino,
                name: None,
                paths: Vec::new(),
            });
            // One process is enough to open it by; a second in case the first exits.
            if f.paths.iter().filter(|p| p.starts_with("/proc")).count() < 2 {
                f.paths.push(path);
            }
        }
    }
    all
}

/// The `ip netns` names, sorted (for messages).
pub fn names() -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(NAMED_DIR)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nsfs_mounts_are_read_from_mountinfo() {
        let text = "\
24 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
70 45 0:4 net:[4026532248] /run/netns/blue rw shared:2 - nsfs nsfs rw
71 45 0:4 net:[4026532249] /run/docker/netns/with\\040space rw - nsfs nsfs rw
72 45 0:4 mnt:[4026532250] /run/mntns/x rw - nsfs nsfs rw
garbage line
";
        assert_eq!(
            mounted(text),
            vec![
                (4026532248, PathBuf::from("/run/netns/blue")),
                (4026532249, PathBuf::from("/run/docker/netns/with space")),
            ]
        );
        assert_eq!(inode_of("net:[42]"), Some(42));
        assert_eq!(inode_of("mnt:[42]"), None);
        assert_eq!(unescape("a\\040b\\"), "a b\\");
    }

    #[test]
    fn a_scan_finds_this_process_namespace() {
        let own = fs::read_link("/proc/self/ns/net").unwrap();
        let ino = inode_of(&own.to_string_lossy()).unwrap();
        let all = scan();
        assert!(all.contains_key(&ino), "{all:?}");
    }
}
