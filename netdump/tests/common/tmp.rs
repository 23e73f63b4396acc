//! Temporary directories that go away with the test, also when it fails.

use std::{
    ops::Deref,
    path::{Path, PathBuf},
    process::Command,
};

/// A fresh, empty directory under the system temp dir, removed (with its contents) on drop.
pub struct TmpDir(PathBuf);

impl TmpDir {
    /// `netdump-<name>-<pid>` in the temp dir, emptied if it was left by an earlier run.
    pub fn new(name: &str) -> TmpDir {
        let d = std::env::temp_dir().join(format!("netdump-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("create {}: {e}", d.display()));
        TmpDir(d)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Deref for TmpDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TmpDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A tmpfs of `size` (as mount's `size=` takes it) mounted at `dir`; unmounted on drop.
pub struct Tmpfs(PathBuf);

impl Tmpfs {
    pub fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let st = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "netdump-test"])
            .arg(dir)
            .status()
            .expect("run mount");
        assert!(st.success(), "mount tmpfs at {}", dir.display());
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}
