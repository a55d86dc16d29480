//! Zig: the Zig kit's `build.sh` (the contract's C bindings, `zig cc` and
//! `zig build-exe` for wasm32-wasi, then the component).

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};

use super::check;

/// The plugin module of a Zig project: `plugin.zig`, else its only `.zig`
/// file.
pub fn source(dir: &Path) -> Option<String> {
    if dir.join("plugin.zig").is_file() {
        return Some("plugin.zig".into());
    }
    let zig: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zig"))
        .collect();
    match zig.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    }
}

pub fn build(dir: &Path, source: &str, out: &Path) -> anyhow::Result<()> {
    let sdk = super::super::new::sdk_dir(None)
        .context("the Zig kit's build.sh comes from wasmprep's sdk/ folder")?;
    let script = sdk.join("zig/build.sh");
    if !script.is_file() {
        bail!("{} is missing", script.display());
    }
    // build.sh finds Zig itself ($ZIG, zig on PATH, the project's .venv
    // with PyPI ziglang, python3 -m ziglang) and says how to install it.
    let mut build = Command::new("sh");
    build
        .current_dir(dir)
        .arg(&script)
        .arg(source)
        .arg("-o")
        .arg(out);
    check(&mut build, "the Zig kit's build")
}
