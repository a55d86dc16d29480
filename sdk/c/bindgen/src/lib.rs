//! Generates the C bindings of the wasmprep plugin world from `sdk/wit`,
//! and turns a core module compiled from C into a component.
//!
//! Used by the plugin build (`tests/artifacts`) and, through the
//! `wasmprep-c-bindgen` binary, by anyone writing a plugin in C.

use std::path::{Path, PathBuf};

use wit_bindgen_core::wit_parser::Resolve;

/// The world every plugin targets.
pub const WORLD: &str = "plugin";

/// Writes `plugin.h`, `plugin.c` and `plugin_component_type.o` for the
/// world in `wit_dir` into `out_dir`; returns the paths written.
pub fn generate(wit_dir: &Path, out_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut resolve = Resolve::default();
    let (package, _) = resolve
        .push_dir(wit_dir)
        .map_err(|e| format!("reading {}: {e:#}", wit_dir.display()))?;
    let world = resolve
        .select_world(&[package], Some(WORLD))
        .map_err(|e| format!("{e:#}"))?;
    let mut files = wit_bindgen_core::Files::default();
    wit_bindgen_c::Opts::default()
        .build()
        .generate(&mut resolve, world, &mut files)
        .map_err(|e| format!("generating C bindings: {e:#}"))?;
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let mut written = Vec::new();
    for (name, contents) in files.iter() {
        let path = out_dir.join(name);
        std::fs::write(&path, contents).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// Turns a core module (linked with the bindings' `*_component_type.o`)
/// into a component.
pub fn componentize(module: &[u8]) -> Result<Vec<u8>, String> {
    wit_component::ComponentEncoder::default()
        .module(module)
        .and_then(|e| e.validate(true).encode())
        .map_err(|e| format!("making a component: {e:#}"))
}
