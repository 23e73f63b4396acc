//! Where the cgroup v2 hierarchy is mounted, read from /proc/mounts.
//!
//! Hosts run two layouts: pure v2 (`cgroup2` at /sys/fs/cgroup) and hybrid, where the v1
//! controllers keep /sys/fs/cgroup and v2 sits at /sys/fs/cgroup/unified (systemd's hybrid
//! mode, and these machines). Other places happen too (a container bind-mounting the host's
//! hierarchy elsewhere), so the answer always comes from the mount table.

use std::path::PathBuf;

/// The mount points the kernel's usual layouts use, most likely first: when a table lists
/// several cgroup2 mounts, one of these is the host's own.
const PREFERRED: &[&str] = &["/sys/fs/cgroup", "/sys/fs/cgroup/unified"];

/// The cgroup v2 mount point in `mounts` (the text of /proc/mounts), or None without one.
pub fn find_v2(mounts: &str) -> Option<PathBuf> {
    let all: Vec<String> = mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_ascii_whitespace();
            let (_dev, dir, fstype) = (fields.next()?, fields.next()?, fields.next()?);
            (fstype == "cgroup2").then(|| unescape(dir))
        })
        .collect();
    PREFERRED
        .iter()
        .find_map(|p| all.iter().find(|m| m == p))
        .or_else(|| all.first())
        .map(PathBuf::from)
}

/// Undoes the kernel's octal escapes in a mount table field (`\040` for a space, `\011`,
/// `\012`, `\134`): anything else is kept as written.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| bytes[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)))
            .map(|d| d.iter().fold(0u32, |v, c| v * 8 + u32::from(c - b'0')));
        match octal.and_then(|v| u8::try_from(v).ok()) {
            Some(v) => {
                out.push(v);
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HYBRID: &str = "\
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
";
    const PURE: &str = "\
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0
none /sys/fs/bpf bpf rw,relatime 0 0
";

    #[test]
    fn hybrid_layout() {
        assert_eq!(find_v2(HYBRID), Some("/sys/fs/cgroup/unified".into()));
    }

    #[test]
    fn pure_v2_layout() {
        assert_eq!(find_v2(PURE), Some("/sys/fs/cgroup".into()));
    }

    #[test]
    fn v1_only_has_none() {
        let v1 = "cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\ntmpfs /sys/fs/cgroup tmpfs rw 0 0\n";
        assert_eq!(find_v2(v1), None);
        assert_eq!(find_v2(""), None);
    }

    #[test]
    fn host_mount_preferred_over_a_bind_mount() {
        let t = "cgroup2 /var/lib/x/cgroup cgroup2 rw 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n";
        assert_eq!(find_v2(t), Some("/sys/fs/cgroup".into()));
        let t = "cgroup2 /mnt/my\\040cgroups cgroup2 rw 0 0\n";
        assert_eq!(find_v2(t), Some("/mnt/my cgroups".into()));
    }

    #[test]
    fn unescape_keeps_what_is_not_an_escape() {
        assert_eq!(unescape("a\\134b"), "a\\b");
        assert_eq!(unescape("a\\9b\\"), "a\\9b\\");
        assert_eq!(unescape("\\011\\012"), "\t\n");
        assert_eq!(unescape("\\777"), "\\777");
    }
}
