//! Rust: `cargo build --release --target wasm32-wasip2`, the SDK by path.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use super::{capture, check};

pub fn build(dir: &Path, out: &Path) -> anyhow::Result<()> {
    let target = "wasm32-wasip2";
    let sysroot = capture(Command::new("rustc").args(["--print", "sysroot"]), "rustc")
        .context("Rust is not installed: see https://rustup.rs")?;
    if !Path::new(sysroot.trim())
        .join("lib/rustlib")
        .join(target)
        .is_dir()
    {
        bail!("the Rust target {target} is not installed: `rustup target add {target}`");
    }
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.current_dir(dir).args([
        "build",
        "--release",
        "--target",
        target,
        "--message-format",
        "short",
    ]);
    check(&mut cargo, "cargo build")?;
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(dir.join("Cargo.toml"))?)
        .context("reading Cargo.toml")?;
    let package = manifest
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .context("Cargo.toml has no package.name")?;
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join("target"));
    let built = target_dir
        .join(target)
        .join("release")
        .join(format!("{}.wasm", package.replace('-', "_")));
    std::fs::copy(&built, out)
        .with_context(|| format!("copying {} to {}", built.display(), out.display()))?;
    Ok(())
}
