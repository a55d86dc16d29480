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
    let mut build = c_bindgen();
    build
        .current_dir(dir)
        .arg("build")
        .arg("-o")
        .arg(out)
        .args(sources);
    run_c_bindgen(&mut build, "build")
}

/// The C kit's tool (`$WASMPREP_C_BINDGEN`, else on PATH); the Go and Zig
/// builds use it too.
pub fn c_bindgen() -> Command {
    Command::new(
        std::env::var_os("WASMPREP_C_BINDGEN")
            .map_or_else(|| "wasmprep-c-bindgen".into(), PathBuf::from),
    )
}

/// Runs the C kit's tool (`what`: its subcommand), saying how to install it
/// when it is absent.
pub fn run_c_bindgen(cmd: &mut Command, what: &str) -> anyhow::Result<()> {
    match cmd.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => bail!("wasmprep-c-bindgen {what} failed ({status})"),
        Err(e) => bail!(
            "cannot start {} ({e}): install it with `cargo install --path {}/c/bindgen`",
            cmd.get_program().to_string_lossy(),
            super::sdk_hint()
        ),
    }
}
