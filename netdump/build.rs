//! Builds the BPF objects (`netdump-ring`, `netdump-perf`) with aya-build, on the pinned
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
    // Two builds of one package: each feature enables one object (see netdump-ebpf's
    // Cargo.toml for why they differ).
    let packages = [&["ring"], &["perf"]].map(|features: &[&str; 1]| Package {
        name: "netdump-ebpf",
        root_dir: root,
        features,
        ..Default::default()
    });
    aya_build::build_ebpf(packages, Toolchain::Custom(nightly))
}
