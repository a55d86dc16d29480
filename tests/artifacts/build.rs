//! Builds every plugin under `plugins/` (examples) and `tests/plugins/`
//! (test plugins) into `target/plugins/<name>.wasm`:
//!
//! - Rust (a `Cargo.toml`): `cargo build --target wasm32-wasip2 --profile plugin`
//!   in its own target directory (`target/wasm`, so the nested cargo does
//!   not wait on the outer one's lock);
//! - C and C++ (`*.c`, `*.cpp`): the C kit's `wasmprep_c_bindgen::build`
//!   (bindings and `wasmprep.h`, clang for wasm32-wasi, then a component);
//!   a file `wasi-stdio` in the folder keeps libc's WASI stdio (the
//!   preview 1 adapter) instead of sending stdout and stderr to the log;
//! - Python (`app.py`): the Python kit's build command (componentize-py,
//!   with WASI stubbed out and the kit on its path, the world picked from
//!   the module's exports); the kit's copy of the WIT must equal `sdk/wit`;
//! - WebAssembly text (`plugin.wat`): a core module written by hand (for
//!   attacks no language compiles to, like many memories or tables), with
//!   the plugin world's metadata embedded, made a component.
//!
//! An example plugin without golden cases (`tests/cases`) fails the build.

use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug)]
struct Plugin {
    name: String,
    dir: PathBuf,
    language: &'static str,
    example: bool,
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.join("../..").canonicalize().unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|t| if t.is_absolute() { t } else { root.join(t) })
        .unwrap_or_else(|| root.join("target"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let plugins_dir = target.join("plugins");
    std::fs::create_dir_all(&plugins_dir).unwrap();

    for watched in [
        "plugins",
        "tests/plugins",
        "sdk/wit",
        "sdk/rust",
        "sdk/c",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    // The Python kit's sources, file by file: a watched folder would count
    // the bytecode Python writes beside them as a change.
    for file in python_kit_files(&root.join("sdk/python/src/wasmprep_plugin")) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    println!("cargo:rerun-if-env-changed=COMPONENTIZE_PY");
    println!("cargo:rerun-if-env-changed=WASI_SYSROOT");
    println!("cargo:rerun-if-env-changed=CLANG");
    println!("cargo:rerun-if-env-changed=CLANGXX");

    let mut plugins = discover(&root.join("plugins"), true);
    plugins.extend(discover(&root.join("tests/plugins"), false));
    for p in plugins.iter().filter(|p| p.example) {
        if !p.dir.join("tests/cases").is_dir() {
            panic!(
                "example plugin {} has no golden cases in {}/tests/cases",
                p.name,
                p.dir.display()
            );
        }
    }

    let rust: Vec<&Plugin> = plugins.iter().filter(|p| p.language == "rust").collect();
    build_rust(&root, &target, &plugins_dir, &rust);
    for p in plugins.iter().filter(|p| p.language.starts_with('c')) {
        check_c_kit_wit(&root);
        build_c(&out_dir, &plugins_dir, p);
    }
    for p in plugins.iter().filter(|p| p.language == "python") {
        build_python(&root, &plugins_dir, p);
    }
    for p in plugins.iter().filter(|p| p.language == "wat") {
        build_wat(&root, &plugins_dir, p);
    }
    write_paths(&out_dir, &plugins_dir, &plugins);
}

fn discover(dir: &Path, example: bool) -> Vec<Plugin> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let has = |pred: &dyn Fn(&Path) -> bool| {
            std::fs::read_dir(&path)
                .map(|rd| rd.flatten().any(|e| pred(&e.path())))
                .unwrap_or(false)
        };
        let language = if path.join("Cargo.toml").is_file() {
            "rust"
        } else if path.join("app.py").is_file() {
            "python"
        } else if path.join("plugin.wat").is_file() {
            "wat"
        } else if has(&|p: &Path| p.extension().is_some_and(|e| e == "cpp")) {
            "c++"
        } else if has(&|p: &Path| p.extension().is_some_and(|e| e == "c")) {
            "c"
        } else {
            continue;
        };
        out.push(Plugin {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            dir: path,
            language,
            example,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn run(cmd: &mut Command, what: &str) {
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("{what}: cannot run {:?}: {e}", cmd.get_program()));
    if !status.success() {
        panic!("{what} failed ({status}): {cmd:?}");
    }
}

fn package_name(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    manifest["package"]["name"].as_str().unwrap().to_string()
}

fn build_rust(root: &Path, target: &Path, plugins_dir: &Path, plugins: &[&Plugin]) {
    if plugins.is_empty() {
        return;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let wasm_target = target.join("wasm");
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args([
            "build",
            "--target",
            "wasm32-wasip2",
            "--profile",
            "plugin",
            "--target-dir",
        ])
        .arg(&wasm_target);
    for p in plugins {
        cmd.arg("-p").arg(package_name(&p.dir));
    }
    // The outer build's flags are for the host, not for WebAssembly.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_LLVM_COV",
        "LLVM_PROFILE_FILE",
    ] {
        cmd.env_remove(var);
    }
    run(
        &mut cmd,
        "building the Rust plugins (is the target installed? `rustup target add wasm32-wasip2`)",
    );
    for p in plugins {
        let file = package_name(&p.dir).replace('-', "_") + ".wasm";
        let built = wasm_target.join("wasm32-wasip2/plugin").join(file);
        copy_if_changed(&built, &plugins_dir.join(format!("{}.wasm", p.name)));
    }
}

fn copy_if_changed(from: &Path, to: &Path) {
    let bytes = std::fs::read(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    if std::fs::read(to).ok().as_deref() != Some(&bytes[..]) {
        std::fs::write(to, bytes).unwrap();
    }
}

/// The C kit's tool carries its own copy of the WIT (so that it works
/// outside a checkout), and builds every C plugin with it.
fn check_c_kit_wit(root: &Path) {
    let repo = root.join("sdk/wit/plugin.wit");
    let repo = std::fs::read_to_string(&repo).unwrap_or_else(|e| panic!("{}: {e}", repo.display()));
    if repo != wasmprep_c_bindgen::WIT {
        panic!("the C kit's WIT differs from sdk/wit: `cp sdk/wit/plugin.wit sdk/c/bindgen/wit/`");
    }
}

fn build_c(out_dir: &Path, plugins_dir: &Path, p: &Plugin) {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&p.dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|f| f.extension().is_some_and(|e| e == "c" || e == "cpp"))
        .collect();
    sources.sort();
    let build = wasmprep_c_bindgen::Build {
        sources,
        output: plugins_dir.join(format!("{}.wasm", p.name)),
        work_dir: out_dir.join(format!("c-{}", p.name)),
        flags: vec!["-Wall".into(), "-Wextra".into(), "-Werror".into()],
        wasi_stdio: p.dir.join("wasi-stdio").is_file(),
    };
    wasmprep_c_bindgen::build(&build).unwrap_or_else(|e| {
        panic!(
            "building C/C++ plugin {} (needs Debian's clang, lld and wasi-libc: `make deps`): {e}",
            p.name
        )
    });
}

fn build_wat(root: &Path, plugins_dir: &Path, p: &Plugin) {
    let mut module = wat::parse_file(p.dir.join("plugin.wat"))
        .unwrap_or_else(|e| panic!("{}: parsing: {e:#}", p.name));
    let mut resolve = wit_parser::Resolve::default();
    let (package, _) = resolve
        .push_dir(root.join("sdk/wit"))
        .unwrap_or_else(|e| panic!("{}: reading sdk/wit: {e:#}", p.name));
    let world = resolve
        .select_world(&[package], Some("plugin"))
        .unwrap_or_else(|e| panic!("{}: selecting the world: {e:#}", p.name));
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
        false,
    )
    .unwrap_or_else(|e| panic!("{}: embedding the world: {e:#}", p.name));
    let component =
        wasmprep_c_bindgen::componentize(&module).unwrap_or_else(|e| panic!("{}: {e}", p.name));
    std::fs::write(plugins_dir.join(format!("{}.wasm", p.name)), component).unwrap();
}

fn componentize_py(root: &Path) -> PathBuf {
    if let Some(p) = std::env::var_os("COMPONENTIZE_PY") {
        return PathBuf::from(p);
    }
    let venv = root.join(".venv/bin/componentize-py");
    if venv.is_file() {
        return venv;
    }
    PathBuf::from("componentize-py")
}

fn python_kit_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for sub in [dir.to_path_buf(), dir.join("wit")] {
        for entry in std::fs::read_dir(&sub).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "py" || e == "wit") {
                files.push(path);
            }
        }
    }
    files
}

/// The Python kit ships its own copy of the WIT (so that it works outside a
/// checkout); a plugin built here must see the same contract as the host.
fn check_python_kit_wit(root: &Path) {
    let kit = root.join("sdk/python/src/wasmprep_plugin/wit");
    let read = |p: &Path| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    for entry in std::fs::read_dir(root.join("sdk/wit")).unwrap().flatten() {
        let repo = entry.path();
        let copy = kit.join(entry.file_name());
        if !copy.is_file() || read(&repo) != read(&copy) {
            panic!(
                "the Python kit's WIT differs from sdk/wit: `cp {} {}`",
                repo.display(),
                copy.display()
            );
        }
    }
}

/// Builds a Python plugin with the kit's own build command (which picks
/// the world: `fitting-plugin` when the module exports `Fit`).
fn build_python(root: &Path, plugins_dir: &Path, p: &Plugin) {
    check_python_kit_wit(root);
    let out = plugins_dir.join(format!("{}.wasm", p.name));
    let venv = root.join(".venv/bin/python");
    let python = if venv.is_file() {
        venv
    } else {
        "python3".into()
    };
    let mut cmd = Command::new(python);
    cmd.current_dir(&p.dir)
        .args(["-m", "wasmprep_plugin", "build", "app.py", "-o"])
        .arg(&out)
        .env("PYTHONPATH", root.join("sdk/python/src"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("COMPONENTIZE_PY", componentize_py(root));
    run(
        &mut cmd,
        &format!(
            "building Python plugin {} (needs componentize-py: `make deps` puts it in .venv)",
            p.name
        ),
    );
}

fn write_paths(out_dir: &Path, plugins_dir: &Path, plugins: &[Plugin]) {
    let mut src = String::new();
    let mut all = String::from("/// Every plugin built.\npub const ALL: &[Artifact] = &[\n");
    for p in plugins {
        let wasm = plugins_dir.join(format!("{}.wasm", p.name));
        let konst = p.name.to_uppercase().replace('-', "_");
        src += &format!(
            "/// `{}` ({}).\npub const {konst}: &str = {:?};\n",
            p.name,
            p.language,
            wasm.display().to_string()
        );
        let cases = p.dir.join("tests/cases");
        let cases = if cases.is_dir() {
            format!("Some({:?})", cases.display().to_string())
        } else {
            "None".into()
        };
        all += &format!(
            "    Artifact {{ name: {:?}, language: {:?}, wasm: {konst}, cases: {cases} }},\n",
            p.name, p.language
        );
    }
    all += "];\n";
    std::fs::write(out_dir.join("plugins.rs"), src + &all).unwrap();
}
