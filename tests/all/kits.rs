//! The language kits as a newcomer meets them: `plugin new` writes a
//! project outside the repository, its own unit tests pass, `plugin build`
//! makes a component, and its golden case passes in the sandbox.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wasmprep(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmprep"))
        .current_dir(dir)
        .env("WASMPREP_CACHE_DIR", crate::cache_dir())
        .env("NO_COLOR", "1")
        // The Python kit and componentize-py from the checkout (`make deps`).
        .env("WASMPREP_PYTHON", crate::root().join(".venv/bin/python"))
        .env("PYTHONPATH", crate::root().join("sdk/python/src"))
        // Rust projects share a target folder across test runs.
        .env("CARGO_TARGET_DIR", crate::root().join("target/new-plugins"))
        .env("WASMPREP_C_BINDGEN", c_bindgen())
        .args(args)
        .output()
        .unwrap()
}

/// The C kit's tool, built beside the wasmprep binary (by this workspace's
/// test build, or here if it is not there yet).
fn c_bindgen() -> PathBuf {
    let tool = Path::new(env!("CARGO_BIN_EXE_wasmprep")).with_file_name("wasmprep-c-bindgen");
    if !tool.is_file() {
        let built = Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", "wasmprep-c-bindgen"])
            .current_dir(crate::root())
            .status()
            .unwrap();
        assert!(built.success(), "building wasmprep-c-bindgen");
    }
    tool
}

fn ok(out: &Output, what: &str) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what}: {text}");
    text
}

/// New, unit-tested with `unit` (run in the project), built, golden-tested.
fn new_build_and_test(lang: &str, unit: Option<&mut Command>) {
    let dir = tempfile::tempdir().unwrap();
    let name = format!("scale-{lang}");
    ok(
        &wasmprep(dir.path(), &["plugin", "new", &name, "--lang", lang]),
        "new",
    );
    let project: PathBuf = dir.path().join(&name);
    assert!(project.join("README.md").is_file());
    if let Some(unit) = unit {
        let unit = unit.current_dir(&project).output().unwrap();
        assert!(ok(&unit, "unit tests").contains("2 passed"));
    }
    ok(&wasmprep(&project, &["plugin", "build", "."]), "build");
    let wasm = format!("{name}.wasm");
    let golden = ok(
        &wasmprep(&project, &["plugin", "test", &wasm, "tests/cases"]),
        "golden",
    );
    assert!(golden.contains("1 passed, 0 failed"), "{golden}");
    // A second project of the same name is refused, not overwritten.
    let again = wasmprep(dir.path(), &["plugin", "new", &name, "--lang", lang]);
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn a_new_rust_plugin_builds_and_passes_its_tests() {
    let mut unit = Command::new(env!("CARGO"));
    unit.args(["test", "-q"])
        .env("CARGO_TARGET_DIR", crate::root().join("target/new-plugins"));
    new_build_and_test("rust", Some(&mut unit));
}

#[test]
fn a_new_python_plugin_builds_and_passes_its_tests() {
    let mut unit = Command::new(crate::root().join(".venv/bin/python"));
    unit.args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .env("PYTHONPATH", crate::root().join("sdk/python/src"))
        .env("PYTHONDONTWRITEBYTECODE", "1");
    new_build_and_test("python", Some(&mut unit));
}

/// C has no native unit-test runner in the kit: the golden case is its test.
#[test]
fn a_new_c_plugin_builds_and_passes_its_golden_case() {
    new_build_and_test("c", None);
}

#[test]
fn plugin_build_says_what_a_folder_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let out = wasmprep(dir.path(), &["plugin", "build", "."]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no Cargo.toml (Rust), app.py (Python) or .c/.cpp files (C, C++)"),
        "{err}"
    );
    let bad = wasmprep(dir.path(), &["plugin", "new", "9lives", "--lang", "rust"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a plugin name"));
}
