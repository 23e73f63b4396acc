//! A podman of the test's own (storage, run root, API socket in a temp dir; cgroupfs under
//! a cgroup parent named for the test), removed with its containers and cgroups on drop.

use std::{
    fs,
    io::Write as _,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use super::TmpDir;

/// A podman of its own for the test: storage, run root and tmp dir in a temp dir (vfs, so
/// nothing is mounted), cgroupfs under a cgroup parent named for the test, a containers.conf
/// without default ulimits. On drop: the container, the API service and the cgroups go.
pub struct Podman {
    pub dir: TmpDir,
    /// The cgroup parent of its containers, from the v2 root.
    pub parent: String,
    service: Option<Child>,
    containers: Vec<String>,
}

impl Podman {
    pub fn new() -> Podman {
        for tool in ["podman", "runc"] {
            assert!(
                Command::new("sh")
                    .args(["-c", &format!("command -v {tool}")])
                    .stdout(Stdio::null())
                    .status()
                    .unwrap()
                    .success(),
                "{tool} is missing: `cargo xtask setup` installs podman and runc"
            );
        }
        let dir = TmpDir::new("owner-podman");
        fs::write(
            dir.join("containers.conf"),
            "[containers]\ndefault_ulimits = []\n",
        )
        .unwrap();
        Podman {
            dir,
            parent: format!("/netdump-owner-{}", std::process::id()),
            service: None,
            containers: Vec::new(),
        }
    }

    pub fn command(&self) -> Command {
        let d = self.dir.path();
        let mut c = Command::new("podman");
        c.env("CONTAINERS_CONF", d.join("containers.conf"))
            .arg("--root")
            .arg(d.join("root"))
            .arg("--runroot")
            .arg(d.join("runroot"))
            .arg("--tmpdir")
            .arg(d.join("tmp"))
            .args([
                "--storage-driver",
                "vfs",
                "--cgroup-manager",
                "cgroupfs",
                "--events-backend",
                "file",
            ]);
        c
    }

    pub fn run(&self, args: &[&str]) -> String {
        self.run_stdin(args, None)
    }

    pub fn run_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> String {
        let mut c = self.command();
        c.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("start podman");
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input).unwrap();
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "podman {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// `localhost/netdump-owner-busybox`: busybox-static's binary and applet links.
    pub fn import_busybox(&self) {
        let rootfs = self.dir.join("rootfs/bin");
        fs::create_dir_all(&rootfs).unwrap();
        fs::copy("/bin/busybox", rootfs.join("busybox")).expect("busybox-static's /bin/busybox");
        for applet in ["sh", "sleep", "nc"] {
            std::os::unix::fs::symlink("busybox", rootfs.join(applet)).unwrap();
        }
        let tar = Command::new("tar")
            .arg("-C")
            .arg(self.dir.join("rootfs"))
            .args(["-c", "."])
            .output()
            .unwrap();
        assert!(tar.status.success());
        self.run_stdin(
            &["import", "-", "localhost/netdump-owner-busybox"],
            Some(&tar.stdout),
        );
    }

    /// The API service on a socket in the temp dir, once it answers.
    pub fn serve(&mut self) -> PathBuf {
        let socket = self.dir.join("podman.sock");
        let mut c = self.command();
        c.args(["system", "service", "--time", "0"])
            .arg(format!("unix://{}", socket.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        self.service = Some(c.spawn().expect("start podman system service"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::os::unix::net::UnixStream::connect(&socket).is_err() {
            assert!(
                Instant::now() < deadline,
                "podman system service did not listen"
            );
            thread::sleep(Duration::from_millis(50));
        }
        socket
    }

    pub fn start(&mut self, name: &str, labels: &[&str]) -> String {
        self.containers.push(name.to_owned());
        let mut args = vec![
            "run",
            "-d",
            "--name",
            name,
            "--runtime",
            "runc",
            "--network",
            "none",
            "--cgroup-parent",
            &self.parent,
        ];
        for l in labels {
            args.extend(["--label", l]);
        }
        args.extend(["localhost/netdump-owner-busybox", "sleep", "600"]);
        self.run(&args)
    }
}

impl Drop for Podman {
    fn drop(&mut self) {
        for name in &self.containers {
            let _ = self.command().args(["rm", "-f", "-t", "0", name]).output();
        }
        let _ = self.command().args(["rmi", "-a", "-f"]).output();
        if let Some(mut s) = self.service.take() {
            let _ = s.kill();
            let _ = s.wait();
        }
        // The cgroup parent in every hierarchy (v1 controllers too), deepest first; only
        // empty cgroups can go, so nothing else's is touched.
        let mounts = fs::read_to_string("/proc/mounts").unwrap_or_default();
        for line in mounts.lines() {
            let f: Vec<&str> = line.split(' ').collect();
            if f.len() < 3 || !(f[2] == "cgroup" || f[2] == "cgroup2") {
                continue;
            }
            let top = Path::new(f[1]).join(self.parent.trim_start_matches('/'));
            let mut dirs = Vec::new();
            let mut stack = vec![top];
            while let Some(d) = stack.pop() {
                if let Ok(rd) = fs::read_dir(&d) {
                    stack.extend(
                        rd.flatten()
                            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                            .map(|e| e.path()),
                    );
                    dirs.push(d);
                }
            }
            for d in dirs.iter().rev() {
                let _ = fs::remove_dir(d);
            }
        }
    }
}
