//! `cargo xtask`: build, run and test netdump, installing what the build needs first.
//!
//! - `cargo xtask run [--release] -- <netdump flags>`: build and run netdump as root.
//! - `cargo xtask test`: unit tests, then the root-only integration tests.
//! - `cargo xtask build [--release]`: build only.
//! - `cargo xtask setup`: only install the build's prerequisites.
//! - `cargo xtask lint`: rustfmt and clippy.
//! - `cargo xtask bench [--quick] [--drops] [--attribution]`: netdump against tcpdump and
//!   no capture, as a table (`--drops`: what `--drops` costs; `--attribution`: what
//!   `--context` costs).
//! - `cargo xtask fuzz [--seconds N] [TARGET]`: the fuzz targets, N seconds each.
//! - `cargo xtask suite DIR`: `netdump -r` against `tcpdump -r` on every capture in DIR.
//!
//! The prerequisites, each installed when missing and announced while it happens: the dated
//! nightly named in `netdump-ebpf/bpf-toolchain` with rust-src, Debian packages the build and
//! tests use, and bpf-linker built against that nightly's own libLLVM, kept under
//! `~/.local/share/netdump/` (it must survive reboots: the binary's rpath points there).

mod bench;
/// Namespaces and veth pair, shared with the integration tests.
#[path = "../../netdump/tests/common/netns.rs"]
mod netns;
mod setup;
mod suite;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{bail, Context as _, Result};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Install the build's prerequisites (nightly, rust-src, bpf-linker, packages).
    Setup,
    /// Build netdump (and its BPF objects).
    Build {
        #[arg(long)]
        release: bool,
    },
    /// Build and run netdump as root; arguments after `--` go to netdump.
    Run {
        #[arg(long)]
        release: bool,
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// rustfmt --check and clippy -D warnings over the workspace.
    Lint,
    /// Run each fuzz target (cargo fuzz, libFuzzer) for a bounded time.
    Fuzz {
        /// Seconds per target.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Only this target (frame or savefile).
        target: Option<String>,
    },
    /// Measure netdump against tcpdump and no capture (needs root); prints a table.
    Bench {
        /// A shorter run (fewer packets, shorter TCP runs).
        #[arg(long)]
        quick: bool,
        /// Only what `--drops` costs: floods with nothing and with everything dropped, and
        /// the drop program's in-place cost per freed packet.
        #[arg(long)]
        drops: bool,
        /// Only what process attribution (`--context`) costs: the flood with and without
        /// it, rates, CPU and in-place ns per packet.
        #[arg(long)]
        attribution: bool,
    },
    /// tcpdump's own test suite (its `tests/` folder: TESTLIST, pcaps): every test run
    /// through netdump and the system tcpdump with the same flags, as tcpdump's TESTrun
    /// runs them (`-# -n -r FILE -tttt FLAGS`, TZ=GMT0); prints identical-output figures.
    /// Without TESTLIST (or with --files): `-n -r` on every capture file in DIR. No root.
    Suite {
        dir: PathBuf,
        /// Only tests whose name or file contains one of these comma-separated words.
        #[arg(long)]
        only: Option<String>,
        /// List every test that is not identical, with its figures.
        #[arg(long)]
        list: bool,
        /// Show the diff (tcpdump, then netdump) of this test.
        #[arg(long)]
        show: Option<String>,
        /// Every capture file with `-n -r` only (reading, not printing).
        #[arg(long)]
        files: bool,
    },
    /// Run every test: unit tests, then the integration tests that need root.
    Test {
        /// Only tests whose name contains this.
        filter: Option<String>,
        /// Also run the capture, filter and drops suites on this kernel image, booted under qemu
        /// with virtme-ng over this machine's root file system (e.g. Debian 12's 6.1).
        #[arg(long, value_name = "VMLINUZ")]
        kernel: Option<PathBuf>,
        /// With --kernel: skip the suites on this machine's own kernel.
        #[arg(long, requires = "kernel")]
        only_kernel: bool,
    },
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn main() {
    if let Err(e) = real_main() {
        eprintln!("xtask: {e:#}");
        std::process::exit(1);
    }
}

fn real_main() -> Result<()> {
    let cli = Cli::parse();
    let root = workspace_root();
    match cli.cmd {
        Cmd::Setup => {
            setup::ensure(&root, setup::Needs::Test)?;
        }
        Cmd::Build { release } => {
            let env = setup::ensure(&root, setup::Needs::Build)?;
            build(&root, &env, release)?;
        }
        Cmd::Run { release, args } => {
            let env = setup::ensure(&root, setup::Needs::Build)?;
            let bin = build(&root, &env, release)?;
            run_as_root(&bin, &args)?;
        }
        Cmd::Bench {
            quick,
            drops,
            attribution,
        } => {
            let env = setup::ensure(&root, setup::Needs::Bench)?;
            if !setup::is_root() {
                bail!("the benchmark creates namespaces and attaches programs: run `sudo cargo xtask bench`");
            }
            let bin = build(&root, &env, true)?;
            if drops {
                return bench::drops::run(&root, &bin, quick);
            }
            if attribution {
                return bench::attribution::run(&root, &bin, quick);
            }
            status(
                cargo(&root, &env).args([
                    "build",
                    "--release",
                    "--package",
                    "netdump",
                    "--example",
                    "filter_cost",
                ]),
                "build filter_cost",
            )?;
            let cost = root.join("target/release/examples/filter_cost");
            bench::run(&root, &bin, &cost, bench::BenchOptions { quick })?;
        }
        Cmd::Fuzz { seconds, target } => {
            let env = setup::ensure(&root, setup::Needs::Build)?;
            fuzz(&root, &env, seconds, target.as_deref())?;
        }
        Cmd::Suite {
            dir,
            only,
            list,
            show,
            files,
        } => {
            let env = setup::ensure(&root, setup::Needs::Test)?;
            let netdump = build(&root, &env, false)?;
            if files || !dir.join("TESTLIST").exists() {
                suite::run(&dir, &netdump)?;
            } else {
                suite::run_testlist(&dir, &netdump, &suite::TestlistOptions { only, list, show })?;
            }
        }
        Cmd::Lint => {
            let env = setup::ensure(&root, setup::Needs::Build)?;
            status(
                cargo(&root, &env).args(["fmt", "--all", "--", "--check"]),
                "cargo fmt --check",
            )?;
            status(
                cargo(&root, &env).args([
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ]),
                "cargo clippy",
            )?;
        }
        Cmd::Test {
            filter,
            kernel,
            only_kernel,
        } => {
            let env = setup::ensure(&root, setup::Needs::Test)?;
            if !only_kernel {
                test(&root, &env, filter.as_deref())?;
            }
            if let Some(k) = kernel {
                test_on_kernel(&root, &env, &k, filter.as_deref())?;
            }
        }
    }
    Ok(())
}

fn cargo(root: &Path, env: &setup::Env) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root).env("PATH", &env.path);
    cmd
}

fn status(cmd: &mut Command, what: &str) -> Result<()> {
    let st = cmd.status().with_context(|| format!("start {what}"))?;
    if !st.success() {
        bail!("{what} failed ({st})");
    }
    Ok(())
}

fn build(root: &Path, env: &setup::Env, release: bool) -> Result<PathBuf> {
    println!(
        "xtask: building netdump{} (the first build takes a few minutes)",
        if release { " (release)" } else { "" }
    );
    let mut cmd = cargo(root, env);
    cmd.args(["build", "--package", "netdump"]);
    if release {
        cmd.arg("--release");
    }
    status(&mut cmd, "cargo build")?;
    Ok(root
        .join("target")
        .join(if release { "release" } else { "debug" })
        .join("netdump"))
}

/// Runs `bin` with `args`, through sudo only when not already root; exits with its status.
fn run_as_root(bin: &Path, args: &[String]) -> Result<()> {
    let mut cmd = if setup::is_root() {
        Command::new(bin)
    } else {
        println!("xtask: netdump needs root; running it with sudo");
        let mut c = Command::new("sudo");
        c.arg(bin);
        c
    };
    cmd.args(args);
    let st = cmd
        .status()
        .with_context(|| format!("start {}", bin.display()))?;
    std::process::exit(st.code().unwrap_or(1));
}

fn test(root: &Path, env: &setup::Env, filter: Option<&str>) -> Result<()> {
    println!("xtask: unit tests (no root needed)");
    let mut cmd = cargo(root, env);
    cmd.args(["test", "--workspace"]);
    if let Some(f) = filter {
        cmd.args(["--", f]);
    }
    status(&mut cmd, "unit tests")?;

    if !setup::is_root() {
        bail!(
            "the integration tests attach BPF programs and create network namespaces: \
             run `sudo cargo xtask test` (or as root)"
        );
    }
    println!("xtask: integration tests (as root, in their own network namespaces)");
    let mut cmd = cargo(root, env);
    cmd.args([
        "test",
        "--package",
        "netdump",
        "--test",
        "capture",
        "--test",
        "files",
        "--test",
        "filter",
        "--test",
        "robustness",
        "--test",
        "interfaces",
        "--test",
        "netns",
        "--test",
        "drops",
        "--test",
        "names",
        "--test",
        "ipsec_vs_tcpdump",
        "--test",
        "owner",
        "--test",
        "owner_capture",
        "--",
        "--ignored",
        "--test-threads=1",
    ]);
    if let Some(f) = filter {
        cmd.arg(f);
    }
    status(&mut cmd, "integration tests")
}

/// Fuzz targets, each run for `seconds` on its corpus in `fuzz/corpus/<target>`; a crash
/// fails the command and leaves the input in `fuzz/artifacts/<target>/`.
fn fuzz(root: &Path, env: &setup::Env, seconds: u64, only: Option<&str>) -> Result<()> {
    let nightly = setup::nightly(root)?;
    setup::ensure_cargo_fuzz()?;
    for target in ["frame", "savefile"] {
        if only.is_some_and(|t| t != target) {
            continue;
        }
        println!("xtask: fuzzing {target} for {seconds} s");
        let out = Command::new("cargo")
            .current_dir(root)
            .env("PATH", &env.path)
            .args([
                &format!("+{nightly}"),
                "fuzz",
                "run",
                target,
                &format!("fuzz/corpus/{target}"),
                "--",
            ])
            .args([
                format!("-max_total_time={seconds}"),
                "-max_len=4096".into(),
                "-print_final_stats=1".into(),
            ])
            .output()
            .context("run cargo fuzz")?;
        let err = String::from_utf8_lossy(&out.stderr);
        let runs = err
            .lines()
            .find_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
            .map(str::trim)
            .unwrap_or("?");
        if !out.status.success() {
            let tail: Vec<&str> = err.lines().rev().take(40).collect();
            bail!(
                "fuzz target {target} failed after {runs} runs:\n{}",
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        println!("xtask: {target}: {runs} executions, no crash");
    }
    Ok(())
}

/// Tests left out of the qemu run, each with why (they run on the host kernel in every
/// `cargo xtask test`): podman does not run inside the guest.
fn kernel_skips(bin: &str) -> &'static str {
    if bin.contains("owner_capture-") {
        " --skip a_podman_container_and_its_pod"
    } else {
        ""
    }
}

/// The capture, filter, drops, netns and owner_capture suites on another kernel: qemu (no KVM here) boots `kernel` with
/// virtme-ng over this root file system and runs the already built test binaries as root.
fn test_on_kernel(
    root: &Path,
    env: &setup::Env,
    kernel: &Path,
    filter: Option<&str>,
) -> Result<()> {
    setup::ensure_vm_tools()?;
    if !kernel.exists() {
        bail!("no kernel image at {}", kernel.display());
    }
    println!("xtask: building the test binaries for {}", kernel.display());
    let out = cargo(root, env)
        .args([
            "test",
            "--package",
            "netdump",
            "--test",
            "capture",
            "--test",
            "filter",
            "--test",
            "drops",
            "--test",
            "netns",
            "--test",
            "owner_capture",
            "--no-run",
            "--message-format=json",
        ])
        .output()
        .context("cargo test --no-run")?;
    if !out.status.success() {
        bail!(
            "building the tests failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut bins: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"executable\":\"") && l.contains("\"kind\":[\"test\"]"))
        .filter_map(|l| {
            l.split("\"executable\":\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(str::to_string)
        })
        .collect();
    bins.sort();
    if bins.len() != 5 {
        bail!(
            "expected the capture, filter, drops, netns and owner_capture test binaries, found {bins:?}"
        );
    }
    const PASSED: &str = "NETDUMP-KERNEL-SUITES-PASSED";
    let script = format!(
        "mkdir -p /run/netns && uname -r && cd {}/netdump && {} && echo {PASSED}",
        root.display(),
        bins.iter()
            .map(|b| format!(
                "{b} --ignored --test-threads=1{}{}",
                kernel_skips(b),
                filter.map(|f| format!(" '{f}'")).unwrap_or_default()
            ))
            .collect::<Vec<_>>()
            .join(" && ")
    );
    println!(
        "xtask: booting {} under qemu (no KVM: about 30 s) and running the suites there",
        kernel.display()
    );
    let out = Command::new("vng")
        .arg("--run")
        .arg(kernel)
        .args([
            "--disable-kvm",
            "--memory",
            "2G",
            "--rwdir",
            "/tmp",
            "--exec",
            &script,
        ])
        .env("PATH", &env.path)
        .output()
        .context("run vng (pip install virtme-ng)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if !text.contains(PASSED) {
        bail!("the suites failed on {}", kernel.display());
    }
    println!(
        "xtask: capture, filter, drops, netns and owner_capture suites passed on {}",
        kernel.display()
    );
    Ok(())
}
