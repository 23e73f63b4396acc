//! Builds the BPF objects (`netdump-ring`, `netdump-perf`, each also `-owner`) with aya-build, on the pinned
//! nightly named in `netdump-ebpf/bpf-toolchain`. `cargo xtask` installs that nightly and
//! bpf-linker first; a plain `cargo build` needs both on the machine already.

use anyhow::{anyhow, Context as _};
use aya_build::{Package, Toolchain};

fn main() -> anyhow::Result<()> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../netdump-ebpf");
    let toolchain_file = format!("{root}/bpf-toolchain");
    println!("cargo:rerun-if-changed={toolchain_file}");
    let nightly = std::fs::read_to_string(&toolchain_file)
        .with_context(|| format!("read {toolchain_file}"))?;
    let nightly = nightly.trim();
    if nightly.is_empty() {
        return Err(anyhow!("{toolchain_file} is empty"));
    }
    // Four builds of one package: a transport and with or without attribution (see
    // netdump-ebpf's Cargo.toml for why they differ).
    let builds = [
        ["ring", "bare"],
        ["ring", "owner"],
        ["perf", "bare"],
        ["perf", "owner"],
    ];
    let packages = builds.each_ref().map(|features| Package {
        name: "netdump-ebpf",
        root_dir: root,
        features,
        ..Default::default()
    });
    aya_build::build_ebpf(packages, Toolchain::Custom(nightly))?;
    let out_dir = std::env::var("OUT_DIR").context("OUT_DIR not set")?;
    for object in [
        "netdump-ring",
        "netdump-ring-owner",
        "netdump-perf",
        "netdump-perf-owner",
    ] {
        strip_debug(&format!("{out_dir}/{object}"));
    }
    Ok(())
}

/// Removes the DWARF sections (`.debug_*` and their relocations) from an object embedded in
/// the binary: aya never reads them, but it collects the relocations of every section while
/// parsing, so they cost heap and touched pages at load time (~1.7 of the ring object's 2.1
/// MB; about 2 MiB of netdump's peak RSS, issue 13). BTF (`.BTF`, `.BTF.ext`) stays. The tool
/// is rustc's own llvm-objcopy (`rust-objcopy`, in the sysroot of every toolchain since
/// 1.70); without it the object goes in whole, with a warning.
fn strip_debug(object: &str) {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let host = std::env::var("HOST").unwrap_or_default();
    let sysroot = std::process::Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let Some(sysroot) = sysroot else {
        println!("cargo:warning=no sysroot from {rustc}: {object} keeps its debug sections");
        return;
    };
    let objcopy = format!("{sysroot}/lib/rustlib/{host}/bin/rust-objcopy");
    // Its libLLVM lives in the sysroot's lib/, which rustc puts on the library path of the
    // tools it runs itself.
    let lib_path = match std::env::var_os("LD_LIBRARY_PATH") {
        Some(p) if !p.is_empty() => format!("{sysroot}/lib:{}", p.to_string_lossy()),
        _ => format!("{sysroot}/lib"),
    };
    match std::process::Command::new(&objcopy)
        .env("LD_LIBRARY_PATH", lib_path)
        .args(["--strip-debug", object])
        .status()
    {
        Ok(s) if s.success() => {}
        Ok(s) => println!(
            "cargo:warning={objcopy} --strip-debug {object}: {s}: it keeps its debug sections"
        ),
        Err(e) => println!("cargo:warning=run {objcopy}: {e}: {object} keeps its debug sections"),
    }
}
