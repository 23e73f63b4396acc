//! The "empty TC program" contender: `r0 = -1; exit` on the flood's receiving veth, attached
//! as netdump attaches its own (a TCX link appended last on 6.6+, else a clsact qdisc and a
//! direct-action `tc` filter), so that the in-place cost of netdump's programs can be given as
//! a multiple of the least any TC program costs, measured the same way in the same run.

use std::{os::fd::OwnedFd, process::Command};

use anyhow::{bail, Context as _, Result};

use super::{bpf, progs};
use crate::netns;

/// How the empty program (and netdump, given the same choice) attaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcAttach {
    /// TCX where the kernel has it, else clsact + netlink (netdump's `auto`).
    Auto,
    Tcx,
    Netlink,
}

impl TcAttach {
    /// `NETDUMP_BENCH_TC_ATTACH=auto|tcx|netlink` (default auto): forcing netlink measures
    /// the clsact path on a kernel that has TCX.
    pub fn from_env() -> Result<TcAttach> {
        match std::env::var("NETDUMP_BENCH_TC_ATTACH").as_deref() {
            Err(_) | Ok("auto") | Ok("") => Ok(TcAttach::Auto),
            Ok("tcx") => Ok(TcAttach::Tcx),
            Ok("netlink") => Ok(TcAttach::Netlink),
            Ok(other) => bail!("NETDUMP_BENCH_TC_ATTACH={other}: auto, tcx or netlink"),
        }
    }

    /// netdump's spelling of the same choice.
    pub fn flag(self) -> &'static str {
        match self {
            TcAttach::Auto => "auto",
            TcAttach::Tcx => "tcx",
            TcAttach::Netlink => "netlink",
        }
    }
}

/// The empty program attached at ingress of `dev` in namespace `ns`; detached on drop.
pub struct Attached {
    /// The TCX link (None in netlink mode); closing it detaches.
    _link: Option<OwnedFd>,
    /// The program itself, kept open so its id stays the same across rounds' snapshots.
    prog: OwnedFd,
    /// In netlink mode: the namespace and device whose clsact qdisc we added.
    qdisc: Option<(String, String)>,
    /// How it is attached, for the report.
    pub how: &'static str,
}

fn ifindex(ns: &str, dev: &str) -> Result<u32> {
    let out = Command::new("ip")
        .args(["-n", ns, "-o", "link", "show", "dev", dev])
        .output()
        .context("run ip link show")?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split(':')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .with_context(|| format!("no ifindex for {dev} in {ns}: {text}"))
}

impl Attached {
    /// The loaded program's id (from our own descriptor's fdinfo).
    pub fn prog_id(&self) -> Option<u32> {
        use std::os::fd::AsRawFd as _;
        let path = format!("/proc/self/fdinfo/{}", self.prog.as_raw_fd());
        progs::prog_id_in(&std::fs::read_to_string(path).ok()?)
    }

    pub fn attach(ns: &str, dev: &str, mode: TcAttach) -> Result<Attached> {
        let prog = bpf::load_empty_tc().context("load the empty TC program")?;
        if mode != TcAttach::Netlink {
            let index = ifindex(ns, dev)?;
            // The link's ifindex is looked up in the calling thread's namespace.
            match netns::in_ns(ns, || bpf::tcx_attach(&prog, index, true)) {
                Ok(link) => {
                    return Ok(Attached {
                        _link: Some(link),
                        prog,
                        qdisc: None,
                        how: "tcx",
                    })
                }
                Err(e) if mode == TcAttach::Tcx => {
                    return Err(e).context("attach the empty program with a TCX link")
                }
                // No TCX (before 6.6): EINVAL for the unknown attach type.
                Err(_) => {}
            }
        }
        Self::attach_netlink(ns, dev, prog)
    }

    /// clsact + `tc filter ... bpf direct-action object-pinned`, through a bpffs of our own
    /// (`tc -n` remounts /sys in the namespace, so /sys/fs/bpf would not be the host's).
    fn attach_netlink(ns: &str, dev: &str, prog: OwnedFd) -> Result<Attached> {
        let dir = std::env::temp_dir().join(format!("ndbench-bpffs-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let dir_s = dir.display().to_string();
        let mounted = Command::new("mount")
            .args(["-t", "bpf", "bpf", &dir_s])
            .status()
            .is_ok_and(|s| s.success());
        let result = (|| -> Result<()> {
            if !mounted {
                bail!("mount a bpffs on {dir_s}");
            }
            let pinned = format!("{dir_s}/empty");
            bpf::pin(&prog, &pinned).context("pin the empty program")?;
            let tc = |args: &[&str]| -> Result<()> {
                let out = Command::new("tc").arg("-n").arg(ns).args(args).output()?;
                if !out.status.success() {
                    bail!("tc {args:?}: {}", String::from_utf8_lossy(&out.stderr));
                }
                Ok(())
            };
            tc(&["qdisc", "add", "dev", dev, "clsact"])?;
            tc(&[
                "filter",
                "add",
                "dev",
                dev,
                "ingress",
                "bpf",
                "direct-action",
                "object-pinned",
                &pinned,
            ])
        })();
        // The filter holds the program; the pin and the mount were only the way to name it.
        if mounted {
            let _ = Command::new("umount").arg(&dir_s).status();
        }
        let _ = std::fs::remove_dir(&dir);
        let attached = Attached {
            _link: None,
            prog,
            qdisc: Some((ns.into(), dev.into())),
            how: "clsact+netlink",
        };
        // On failure, drop removes a qdisc that may have been added.
        result.map(|()| attached)
    }
}

impl Drop for Attached {
    fn drop(&mut self) {
        if let Some((ns, dev)) = &self.qdisc {
            let _ = Command::new("tc")
                .args(["-n", ns, "qdisc", "del", "dev", dev, "clsact"])
                .output();
        }
    }
}
