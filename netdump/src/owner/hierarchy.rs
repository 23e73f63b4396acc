//! The cgroup v2 hierarchy as id → path: a walk of the mounted tree.
//!
//! A v2 cgroup's id (what `bpf_skb_cgroup_id`, `bpf_sk_cgroup_id` and
//! `bpf_get_current_cgroup_id` return) is its kernfs node id, which is also the inode number
//! of its directory on 64-bit kernels (`kernfs_ino`, fs/kernfs/mount.c, since 5.5). Reading a
//! directory tree needs no privilege, unlike `open_by_handle_at`, so this works after netdump
//! drops its capabilities. A walk costs one `stat` per cgroup; the caller decides how often.

use std::{
    collections::HashMap,
    fs,
    os::unix::fs::MetadataExt as _,
    path::{Path, PathBuf},
};

/// Deeper than any hierarchy a host builds; a bound on the walk, not a kernel limit.
const MAX_DEPTH: usize = 64;
/// cgroups read at most in one walk.
const MAX_CGROUPS: usize = 1 << 18;

/// The mounted v2 hierarchy.
#[derive(Clone, Debug)]
pub struct Hierarchy {
    root: PathBuf,
}

impl Hierarchy {
    pub fn new(root: PathBuf) -> Hierarchy {
        Hierarchy { root }
    }

    /// Where the hierarchy is mounted.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every cgroup now: id → path from the hierarchy's root (`/` for the root,
    /// `/system.slice/x.service` below it, as /proc/PID/cgroup writes them). cgroups that
    /// vanish while walking are left out; an unreadable root gives an empty map.
    pub fn walk(&self) -> HashMap<u64, String> {
        let mut ids = HashMap::new();
        let Ok(meta) = fs::metadata(&self.root) else {
            return ids;
        };
        ids.insert(meta.ino(), "/".to_owned());
        let mut stack = vec![(self.root.clone(), String::new(), 0usize)];
        while let Some((dir, path, depth)) = stack.pop() {
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                // Only directories are cgroups; interface files are regular files.
                if !entry.file_type().is_ok_and(|t| t.is_dir()) || ids.len() >= MAX_CGROUPS {
                    continue;
                }
                let Ok(meta) = entry.metadata() else {
                    continue;
                };
                let child = format!("{path}/{}", entry.file_name().to_string_lossy());
                ids.insert(meta.ino(), child.clone());
                if depth + 1 < MAX_DEPTH {
                    stack.push((entry.path(), child, depth + 1));
                }
            }
        }
        ids
    }

    /// How many cgroups live below the root (`nr_descendants` in its cgroup.stat, kept by
    /// the kernel): unchanged since a walk, the walk most likely still holds. None where the
    /// file cannot be read.
    pub fn descendants(&self) -> Option<u64> {
        let stat = fs::read_to_string(self.root.join("cgroup.stat")).ok()?;
        stat.lines()
            .find_map(|l| l.strip_prefix("nr_descendants "))
            .and_then(|n| n.trim().parse().ok())
    }

    /// The hierarchy path a user wrote (`/system.slice/x.service`, `system.slice`, or the
    /// directory under the mount point, `/sys/fs/cgroup/unified/system.slice`), normalised to
    /// the form [`walk`](Self::walk) gives; None for `..` or a directory outside the mount.
    pub fn normalise(&self, written: &str) -> Option<String> {
        let relative = Path::new(written)
            .strip_prefix(&self.root)
            .ok()
            .and_then(Path::to_str)
            .unwrap_or(written);
        let parts: Vec<&str> = relative
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        if parts.contains(&"..") {
            return None;
        }
        Some(format!("/{}", parts.join("/")))
    }
}

/// Whether `path` is `top` or below it.
pub fn is_under(path: &str, top: &str) -> bool {
    top == "/"
        || path == top
        || path
            .strip_prefix(top)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_maps_inodes_to_paths() {
        let tmp = std::env::temp_dir().join(format!("netdump-owner-walk-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        fs::create_dir_all(tmp.join("system.slice/a.service")).unwrap();
        fs::create_dir_all(tmp.join("libpod_parent/libpod-x/sub")).unwrap();
        fs::write(tmp.join("system.slice/cgroup.procs"), "").unwrap();
        let h = Hierarchy::new(tmp.clone());
        let ids = h.walk();
        let ino = |p: &str| fs::metadata(tmp.join(p)).unwrap().ino();
        assert_eq!(ids.len(), 6, "{ids:?}");
        assert_eq!(ids[&ino("")], "/");
        assert_eq!(
            ids[&ino("system.slice/a.service")],
            "/system.slice/a.service"
        );
        assert_eq!(
            ids[&ino("libpod_parent/libpod-x/sub")],
            "/libpod_parent/libpod-x/sub"
        );
        fs::remove_dir_all(&tmp).unwrap();
        assert!(Hierarchy::new(tmp).walk().is_empty());
    }

    #[test]
    fn descendants_from_cgroup_stat() {
        let tmp = std::env::temp_dir().join(format!("netdump-owner-stat-{}", std::process::id()));
        fs::create_dir_all(&tmp).unwrap();
        let h = Hierarchy::new(tmp.clone());
        assert_eq!(h.descendants(), None);
        fs::write(
            tmp.join("cgroup.stat"),
            "nr_descendants 42\nnr_dying_descendants 3\n",
        )
        .unwrap();
        assert_eq!(h.descendants(), Some(42));
        fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn normalise_written_paths() {
        let h = Hierarchy::new("/sys/fs/cgroup/unified".into());
        for (written, want) in [
            ("/system.slice/a.service", Some("/system.slice/a.service")),
            ("system.slice/a.service/", Some("/system.slice/a.service")),
            ("/sys/fs/cgroup/unified/system.slice", Some("/system.slice")),
            ("/sys/fs/cgroup/unified", Some("/")),
            ("/", Some("/")),
            ("//a/./b", Some("/a/b")),
            ("/a/../b", None),
        ] {
            assert_eq!(h.normalise(written).as_deref(), want, "{written}");
        }
    }

    #[test]
    fn under() {
        assert!(is_under("/a/b", "/a"));
        assert!(is_under("/a", "/a"));
        assert!(is_under("/a", "/"));
        assert!(!is_under("/ab", "/a"));
        assert!(!is_under("/", "/a"));
    }
}
