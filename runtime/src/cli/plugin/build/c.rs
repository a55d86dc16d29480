//! C and C++: `wasmprep-c-bindgen build` (clang for wasm32-wasi, then the
//! component).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::bail;

/// The C and C++ sources at the top of `dir`, if it has any.
pub fn sources(dir: &Path) -> anyhow::Result<Option<Vec<PathBuf>>> {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| ["c", "cc", "cpp", "cxx"].iter().any(|x| e == *x))
        })
        .collect();
    sources.sort();
    Ok((!sources.is_empty()).then_some(sources))
}

pub fn build(dir: &Path, sources: &[PathBuf], out: &Path) -> anyhow::Result<()> {
    let tool = std::env::var_os("WASMPREP_C_BINDGEN")
        .map_or_else(|| "wasmprep-c-bindgen".into(), PathBuf::from);
    let mut build = Command::new(&tool);
    build
        .current_dir(dir)
        .arg("build")
        .arg("-o")
        .arg(out)
        .args(sources);
    match build.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => bail!("wasmprep-c-bindgen build failed ({status})"),
        Err(e) => {
            let sdk = super::sdk_hint();
            bail!(
                "cannot start {} ({e}): install it with `cargo install --path {sdk}/c/bindgen`",
                tool.display()
            )
        }
    }
}
