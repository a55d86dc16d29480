//! The `wasmprep-c-bindgen` binary, as a plugin author runs it (needs
//! clang, lld and wasi-libc: `make deps`).

use std::path::Path;
use std::process::{Command, Output};

const PRINTF_PLUGIN: &str = r#"
#include <stdio.h>
#include "wasmprep.h"

bool exports_wasmprep_plugin_transform_configure(wasmprep_config_t *config,
                                                 wasmprep_contract_t *ret,
                                                 wasmprep_error_t *err) {
  (void)err;
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "printf", "0.1.0", 0, 0, false);
  printf("configured with %d keys\n", 0);
  return true;
}

bool exports_wasmprep_plugin_transform_process(wasmprep_columns_t *in,
                                               wasmprep_batch_output_t *ret,
                                               wasmprep_error_t *err) {
  (void)err;
  wasmprep_columns_free(in);
  wasmprep_output_init(ret, 0);
  return true;
}
"#;

fn tool(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmprep-c-bindgen"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// Runs the tool, which must succeed.
fn tool_ok(dir: &Path, args: &[&str]) {
    let out = tool(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn module_imports_preview1(dir: &Path) -> bool {
    let module = std::fs::read(dir.join("p.wasm.build/module.wasm")).unwrap();
    wasmprep_c_bindgen::imports_preview1(&module).unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn build_sends_stdio_to_the_log_and_needs_no_wasi() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.c"), PRINTF_PLUGIN).unwrap();
    tool_ok(
        dir.path(),
        &["build", "-o", "p.wasm", "p.c", "--", "-Wall", "-Werror"],
    );
    assert!(!module_imports_preview1(dir.path()));
    let component = std::fs::read(dir.path().join("p.wasm")).unwrap();
    assert!(!contains(&component, "wasi:"));
}

#[test]
fn wasi_stdio_links_the_preview1_adapter() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.c"), PRINTF_PLUGIN).unwrap();
    tool_ok(
        dir.path(),
        &["build", "-o", "p.wasm", "--wasi-stdio", "p.c"],
    );
    assert!(module_imports_preview1(dir.path()));
    let component = std::fs::read(dir.path().join("p.wasm")).unwrap();
    // The adapter's fd_write imports the streams and, for files, the
    // filesystem: wasmprep asks for the `dirs` grant then.
    assert!(contains(&component, "wasi:cli/stdout"));
    assert!(contains(&component, "wasi:filesystem/types"));
}

#[test]
fn a_cxx_source_builds_against_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let source = PRINTF_PLUGIN.replace(
        "#include \"wasmprep.h\"",
        "#include \"wasmprep.h\"\nextern \"C\" {",
    ) + "}\n";
    std::fs::write(dir.path().join("p.cpp"), source).unwrap();
    tool_ok(
        dir.path(),
        &[
            "build",
            "-o",
            "p.wasm",
            "p.cpp",
            "--",
            "-std=c++17",
            "-Wall",
            "-Werror",
        ],
    );
}

#[test]
fn a_missing_compiler_is_named_with_the_packages_to_install() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.c"), PRINTF_PLUGIN).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wasmprep-c-bindgen"))
        .current_dir(dir.path())
        .env("CLANG", "/nonexistent/clang")
        .args(["build", "-o", "p.wasm", "p.c"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/nonexistent/clang")
            && stderr.contains("apt-get install clang lld wasi-libc"),
        "{stderr}"
    );
}

#[test]
fn generate_needs_no_wit_path_and_wit_prints_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    tool_ok(dir.path(), &["generate", "bindings"]);
    assert!(dir.path().join("bindings/plugin.h").is_file());
    assert!(dir.path().join("bindings/wasmprep.h").is_file());
    let out = tool(dir.path(), &["wit"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        wasmprep_c_bindgen::WIT
    );
    let out = tool(dir.path(), &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_readme_example_builds() {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(readme).unwrap();
    let start = readme
        .find("```c\n")
        .expect("a ```c block in sdk/c/README.md")
        + 5;
    let source = &readme[start..start + readme[start..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fare_per_km.c"), source).unwrap();
    tool_ok(
        dir.path(),
        &[
            "build",
            "-o",
            "p.wasm",
            "fare_per_km.c",
            "--",
            "-Wall",
            "-Wextra",
            "-Werror",
        ],
    );
}

#[test]
fn the_header_is_strict_c99_and_cxx11() {
    let dir = tempfile::tempdir().unwrap();
    tool_ok(dir.path(), &["generate", "gen"]);
    std::fs::write(dir.path().join("h.c"), "#include \"wasmprep.h\"\n").unwrap();
    std::fs::write(dir.path().join("h.cpp"), "#include \"wasmprep.h\"\n").unwrap();
    let clang = std::env::var("CLANG").unwrap_or_else(|_| "clang".into());
    let clangxx = std::env::var("CLANGXX").unwrap_or_else(|_| "clang++".into());
    for (compiler, std, source) in [(clang, "-std=c99", "h.c"), (clangxx, "-std=c++11", "h.cpp")] {
        let out = Command::new(&compiler)
            .current_dir(dir.path())
            .args([
                "--target=wasm32-wasi",
                std,
                "-pedantic",
                "-Wall",
                "-Wextra",
                "-Werror",
            ])
            .args(["-fsyntax-only", "-I", "gen", source])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{compiler} {std}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
