//! Installing what netdump's build and tests need, each step only when it is missing.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{bail, Context as _, Result};

/// bpf-linker release built here; its `llvm-N` feature must match the nightly's LLVM.
const BPF_LINKER_VERSION: &str = "0.13.0";

/// Debian packages the build needs: bpf-linker links zlib; the pcap crate links libpcap.
const BUILD_PACKAGES: &[&str] = &["zlib1g-dev", "libpcap-dev"];
/// Debian packages the tests need: namespaces and links (iproute2), traffic (ping, arping),
/// the reference printer and readers (tcpdump, tshark), BPF inspection (bpftool), setpriv to
/// run netdump unprivileged, openssl for real TLS ClientHellos, nft to make the kernel drop
/// packets (`--drops`), /etc/services (netbase; no command, so checked as a file), and a
/// container runtime for the owner tests (podman with runc, a busybox-static image).
const TEST_PACKAGES: &[(&str, &str)] = &[
    ("ip", "iproute2"),
    ("ping", "iputils-ping"),
    ("arping", "iputils-arping"),
    ("tcpdump", "tcpdump"),
    ("bpftool", "bpftool"),
    ("tshark", "tshark"),
    ("setpriv", "util-linux"),
    ("openssl", "openssl"),
    ("nft", "nftables"),
    ("/etc/services", "netbase"),
    ("podman", "podman"),
    ("runc", "runc"),
    ("/bin/busybox", "busybox-static"),
];

pub enum Needs {
    Build,
    Test,
    Bench,
}

/// Traffic generators the benchmark drives.
const BENCH_PACKAGES: &[(&str, &str)] = &[("trafgen", "netsniff-ng"), ("iperf3", "iperf3")];

/// The environment builds run in: PATH with bpf-linker on it.
pub struct Env {
    pub path: OsString,
}

fn say(what: &str) {
    println!("xtask: {what}");
}

fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().with_context(|| format!("start {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn run(cmd: &mut Command) -> Result<()> {
    let st = cmd.status().with_context(|| format!("start {cmd:?}"))?;
    if !st.success() {
        bail!("{cmd:?} failed ({st})");
    }
    Ok(())
}

/// Where netdump's tools live: survives reboots, owned by this tool.
fn data_dir() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d).join("netdump"));
    }
    let home = std::env::var_os("HOME").context("HOME is not set: cannot place bpf-linker")?;
    Ok(PathBuf::from(home).join(".local/share/netdump"))
}

pub fn nightly(root: &Path) -> Result<String> {
    let f = root.join("netdump-ebpf/bpf-toolchain");
    let s = std::fs::read_to_string(&f).with_context(|| format!("read {}", f.display()))?;
    Ok(s.trim().to_string())
}

pub fn ensure(root: &Path, needs: Needs) -> Result<Env> {
    ensure_packages(BUILD_PACKAGES.iter().map(|p| (*p, *p)).collect(), true)?;
    if let Needs::Test | Needs::Bench = needs {
        ensure_packages(TEST_PACKAGES.to_vec(), false)?;
    }
    if let Needs::Bench = needs {
        ensure_packages(BENCH_PACKAGES.to_vec(), false)?;
    }
    let nightly = nightly(root)?;
    ensure_nightly(&nightly)?;
    let bin_dir = ensure_bpf_linker(&nightly)?;
    let mut path = OsString::from(bin_dir.as_os_str());
    if let Some(p) = std::env::var_os("PATH") {
        path.push(":");
        path.push(p);
    }
    Ok(Env { path })
}

/// A command on PATH, or (a name starting with '/') a file that exists.
fn have_command(name: &str) -> bool {
    if name.starts_with('/') {
        return Path::new(name).exists();
    }
    Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn have_package(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

/// Installs missing Debian packages with apt-get (as root) or says exactly what to install.
/// `by_package`: check with dpkg (libraries); otherwise by the command the package provides.
fn ensure_packages(wanted: Vec<(&str, &str)>, by_package: bool) -> Result<()> {
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(cmd, pkg)| {
            if by_package {
                !have_package(pkg)
            } else {
                !have_command(cmd)
            }
        })
        .map(|(_, pkg)| *pkg)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !have_command("apt-get") {
        bail!("missing packages {missing:?} and no apt-get: install them by hand");
    }
    say(&format!(
        "installing Debian packages: {}",
        missing.join(" ")
    ));
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut c = if sudo {
            Command::new("sudo")
        } else {
            Command::new("apt-get")
        };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run(&mut apt(&["update", "-qq"]))?;
    let mut install = apt(&["install", "-y", "-qq", "--no-install-recommends"]);
    install.args(&missing);
    run(&mut install).context("apt-get install")?;
    Ok(())
}

pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

fn ensure_nightly(nightly: &str) -> Result<()> {
    let has_src = Command::new("rustup")
        .args(["component", "list", "--installed", "--toolchain", nightly])
        .output()
        .map(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("rust-src"))
        .unwrap_or(false);
    if has_src {
        return Ok(());
    }
    say(&format!(
        "installing Rust {nightly} with rust-src (builds the BPF programs)"
    ));
    run(Command::new("rustup").args([
        "toolchain",
        "install",
        nightly,
        "--profile",
        "minimal",
        "--component",
        "rust-src",
    ]))
    .context("rustup toolchain install")
}

/// The nightly's LLVM major version and its libLLVM shared library.
fn nightly_llvm(nightly: &str) -> Result<(String, PathBuf)> {
    let vv = output(Command::new("rustc").args([&format!("+{nightly}"), "-vV"]))?;
    let version = vv
        .lines()
        .find_map(|l| l.strip_prefix("LLVM version: "))
        .context("rustc -vV printed no LLVM version")?;
    let major = version.split('.').next().unwrap_or_default().to_string();
    let sysroot =
        output(Command::new("rustc").args([&format!("+{nightly}"), "--print", "sysroot"]))?;
    let lib = Path::new(sysroot.trim()).join("lib");
    let found = std::fs::read_dir(&lib)
        .with_context(|| format!("read {}", lib.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("libLLVM.so."))
        })
        .with_context(|| format!("no libLLVM.so.* in {}", lib.display()))?;
    Ok((major, found))
}

/// Builds bpf-linker against the nightly's libLLVM (a plain `cargo install` cannot find an
/// LLVM here): a prefix folder whose lib/ links libLLVM.so and its soname to the nightly's
/// library, then `LLVM_PREFIX=<prefix> cargo install bpf-linker --features llvm-N`.
fn ensure_bpf_linker(nightly: &str) -> Result<PathBuf> {
    let home = data_dir()?.join("bpf-linker").join(nightly);
    let bin_dir = home.join("bin");
    let linker = bin_dir.join("bpf-linker");
    if linker.exists()
        && Command::new(&linker)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    {
        return Ok(bin_dir);
    }
    let (major, libllvm) = nightly_llvm(nightly)?;
    say(&format!(
        "building bpf-linker {BPF_LINKER_VERSION} against {nightly}'s LLVM {major} into {} (about a minute)",
        home.display()
    ));
    let prefix = home.join("llvm");
    let lib = prefix.join("lib");
    std::fs::create_dir_all(&lib).with_context(|| format!("create {}", lib.display()))?;
    let soname = libllvm
        .file_name()
        .context("libLLVM path has no file name")?;
    for name in [std::ffi::OsStr::new("libLLVM.so"), soname] {
        let link = lib.join(name);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&libllvm, &link)
            .with_context(|| format!("link {}", link.display()))?;
    }
    run(Command::new("cargo")
        .args([
            "install",
            "bpf-linker",
            "--version",
            BPF_LINKER_VERSION,
            "--locked",
            "--no-default-features",
            "--features",
            &format!("llvm-{major}"),
            "--root",
        ])
        .arg(&home)
        .env("LLVM_PREFIX", &prefix))
    .context("build bpf-linker")?;
    if !linker.exists() {
        bail!("bpf-linker was built but {} is missing", linker.display());
    }
    Ok(bin_dir)
}

/// cargo-fuzz, from crates.io, when it is missing.
pub fn ensure_cargo_fuzz() -> Result<()> {
    let ok = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Ok(());
    }
    say("installing cargo-fuzz 0.13.2 (about a minute)");
    run(Command::new("cargo").args(["install", "cargo-fuzz", "--version", "0.13.2", "--locked"]))
}

/// qemu, busybox (virtme-ng's init needs it) and virtme-ng, for `test --kernel`.
pub fn ensure_vm_tools() -> Result<()> {
    ensure_packages(
        vec![
            ("qemu-system-x86_64", "qemu-system-x86"),
            ("busybox", "busybox-static"),
        ],
        false,
    )?;
    if !have_command("vng") {
        say("installing virtme-ng from PyPI");
        run(Command::new("python3").args(["-m", "pip", "install", "--quiet", "virtme-ng"]))?;
    }
    Ok(())
}
