//! The C/C++ kit's tool: generates the C bindings of the wasmprep plugin
//! world from the WIT embedded here ([`WIT`], a copy of `sdk/wit`), writes
//! the kit's header ([`HEADER`]) beside them, compiles C and C++ sources
//! with clang for `wasm32-wasi` ([`build`]) and turns the module into a
//! component ([`componentize`]), adapting WASI preview 1 when the module
//! uses it (libc stdio).
//!
//! Used by the plugin build (`tests/artifacts`) and, through the
//! `wasmprep-c-bindgen` binary, by anyone writing a plugin in C or C++:
//! everything it needs is inside the binary, so it works outside a checkout.

use std::path::{Path, PathBuf};

use wit_bindgen_core::wit_parser::{PackageId, Resolve};

mod compile;
mod go;

pub use compile::{build, Build};
pub use go::{build_go, componentize_go, preview1_adapter, preview1_imports};

/// The world every plugin targets.
pub const WORLD: &str = "plugin";

/// The plugin contract, a copy of `sdk/wit/plugin.wit` (a test checks
/// they are equal).
pub const WIT: &str = include_str!("../wit/plugin.wit");

/// The kit's header, `sdk/c/include/wasmprep.h`.
pub const HEADER: &str = include_str!("../../include/wasmprep.h");

/// `sdk/c/include/wasmprep_stdio.c`: libc's stdout and stderr to the host
/// log, without WASI (see the file).
pub const STDIO_TO_LOG: &str = include_str!("../../include/wasmprep_stdio.c");

/// Writes the bindings of the embedded WIT (`plugin.h`, `plugin.c`,
/// `plugin_component_type.o`), the kit's header `wasmprep.h` and
/// `wasmprep_stdio.c` into `out_dir`; returns the paths written.
pub fn generate(out_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut resolve = Resolve::default();
    let package = resolve
        .push_str("plugin.wit", WIT)
        .map_err(|e| format!("reading the embedded WIT: {e:#}"))?;
    let mut written = write_bindings(&mut resolve, package, out_dir)?;
    written.push(write(&out_dir.join("wasmprep.h"), HEADER.as_bytes())?);
    written.push(write(
        &out_dir.join("wasmprep_stdio.c"),
        STDIO_TO_LOG.as_bytes(),
    )?);
    Ok(written)
}

/// Writes the bindings of the world in another WIT directory (no header).
pub fn generate_from_dir(wit_dir: &Path, out_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut resolve = Resolve::default();
    let (package, _) = resolve
        .push_dir(wit_dir)
        .map_err(|e| format!("reading {}: {e:#}", wit_dir.display()))?;
    write_bindings(&mut resolve, package, out_dir)
}

fn write_bindings(
    resolve: &mut Resolve,
    package: PackageId,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, String> {
    let world = resolve
        .select_world(&[package], Some(WORLD))
        .map_err(|e| format!("{e:#}"))?;
    let mut files = wit_bindgen_core::Files::default();
    wit_bindgen_c::Opts::default()
        .build()
        .generate(resolve, world, &mut files)
        .map_err(|e| format!("generating C bindings: {e:#}"))?;
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let mut written = Vec::new();
    for (name, contents) in files.iter() {
        written.push(write(&out_dir.join(name), contents)?);
    }
    Ok(written)
}

/// Writes `contents` unless the file already holds them (so that a build
/// watching the file does not rerun).
fn write(path: &Path, contents: &[u8]) -> Result<PathBuf, String> {
    if std::fs::read(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(path.to_path_buf())
}

/// Whether a core module imports WASI preview 1 (`wasi_snapshot_preview1`),
/// as one using libc stdio does.
pub fn imports_preview1(module: &[u8]) -> Result<bool, String> {
    use wasmparser::{Parser, Payload};
    let name = wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME;
    for payload in Parser::new(0).parse_all(module) {
        let payload = payload.map_err(|e| format!("reading the module: {e}"))?;
        if let Payload::ImportSection(imports) = payload {
            for import in imports.into_imports() {
                let import = import.map_err(|e| format!("reading the module's imports: {e}"))?;
                if import.module == name {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// Turns a core module (linked with the bindings' `*_component_type.o`)
/// into a component. A module that imports WASI preview 1 gets the
/// preview 1 -> component adapter (reactor flavour); only the adapter's
/// functions the module uses are kept, with the WASI 0.2 imports they need.
pub fn componentize(module: &[u8]) -> Result<Vec<u8>, String> {
    use wasi_preview1_component_adapter_provider::{
        WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
    };
    let mut encoder = wit_component::ComponentEncoder::default();
    encoder
        .module(module)
        .map_err(|e| format!("making a component: {e:#}"))?
        .validate(true);
    if imports_preview1(module)? {
        encoder
            .adapter(
                WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME,
                WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
            )
            .map_err(|e| format!("adding the WASI preview 1 adapter: {e:#}"))?;
    }
    encoder
        .encode()
        .map_err(|e| format!("making a component: {e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_wit_is_sdk_wit() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../wit/plugin.wit");
        let repo = std::fs::read_to_string(&repo).unwrap();
        assert!(
            repo == WIT,
            "sdk/c/bindgen/wit/plugin.wit differs from sdk/wit/plugin.wit: copy it over"
        );
    }

    #[test]
    fn generate_writes_the_bindings_and_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let written = generate(dir.path()).unwrap();
        let names: Vec<_> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        for name in [
            "plugin.h",
            "plugin.c",
            "plugin_component_type.o",
            "wasmprep.h",
            "wasmprep_stdio.c",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} not in {names:?}");
        }
        let header = std::fs::read_to_string(dir.path().join("wasmprep.h")).unwrap();
        assert!(header.contains("#include \"plugin.h\""));
    }

    #[test]
    fn preview1_imports_are_detected() {
        let plain = wat::parse_str("(module (func (export \"f\")))").unwrap();
        assert!(!imports_preview1(&plain).unwrap());
        let stdio = wat::parse_str(
            "(module (import \"wasi_snapshot_preview1\" \"fd_write\" \
             (func (param i32 i32 i32 i32) (result i32))))",
        )
        .unwrap();
        assert!(imports_preview1(&stdio).unwrap());
    }
}
