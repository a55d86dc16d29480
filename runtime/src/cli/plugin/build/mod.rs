//! `wasmprep plugin build`: build a plugin project with its language's
//! toolchain, saying what is missing and how to install it.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context};

/// Build a plugin project (as `plugin new` makes them) into NAME.wasm.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  wasmprep plugin build fare-scale\n\n\
    Rust (Cargo.toml): cargo build --release --target wasm32-wasip2.\n\
    C, C++ (.c/.cpp files): wasmprep-c-bindgen build (or $WASMPREP_C_BINDGEN).\n\
    Python (app.py): python -m wasmprep_plugin build app.py, with .venv/bin/python when the\n\
    project has one (or $WASMPREP_PYTHON, else python3).")]
pub struct Args {
    /// The project folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The component to write (default: DIR/NAME.wasm, NAME being the folder's).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir = args
        .dir
        .canonicalize()
        .with_context(|| format!("{} is not a folder", args.dir.display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plugin".into());
    let out = args
        .output
        .unwrap_or_else(|| dir.join(format!("{name}.wasm")));
    if dir.join("Cargo.toml").is_file() {
        build_rust(&dir, &out)?;
    } else if dir.join("app.py").is_file() {
        build_python(&dir, &out)?;
    } else if let Some(sources) = c_sources(&dir)? {
        build_c(&dir, &sources, &out)?;
    } else {
        bail!(
            "{}: no Cargo.toml (Rust), app.py (Python) or .c/.cpp files (C, C++); make a project \
             with `wasmprep plugin new`",
            dir.display()
        );
    }
    println!("Built {}.", out.display());
    Ok(ExitCode::SUCCESS)
}

fn build_rust(dir: &Path, out: &Path) -> anyhow::Result<()> {
    let target = "wasm32-wasip2";
    let sysroot = capture(Command::new("rustc").args(["--print", "sysroot"]), "rustc")
        .context("Rust is not installed: see https://rustup.rs")?;
    if !Path::new(sysroot.trim())
        .join("lib/rustlib")
        .join(target)
        .is_dir()
    {
        bail!("the Rust target {target} is not installed: `rustup target add {target}`");
    }
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.current_dir(dir).args([
        "build",
        "--release",
        "--target",
        target,
        "--message-format",
        "short",
    ]);
    check(&mut cargo, "cargo build")?;
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(dir.join("Cargo.toml"))?)
        .context("reading Cargo.toml")?;
    let package = manifest
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .context("Cargo.toml has no package.name")?;
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join("target"));
    let built = target_dir
        .join(target)
        .join("release")
        .join(format!("{}.wasm", package.replace('-', "_")));
    std::fs::copy(&built, out)
        .with_context(|| format!("copying {} to {}", built.display(), out.display()))?;
    Ok(())
}

fn build_python(dir: &Path, out: &Path) -> anyhow::Result<()> {
    let python = python(dir);
    let probe = Command::new(&python)
        .args(["-c", "import wasmprep_plugin"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        let sdk = super::new::sdk_dir(None)
            .map_or("PATH/TO/wasmprep/sdk".into(), |d| d.display().to_string());
        bail!(
            "{} cannot import the Python kit: `python3 -m venv .venv && \
             .venv/bin/pip install \"{sdk}/python[build,test]\"` in {}",
            python.display(),
            dir.display()
        );
    }
    let mut build = Command::new(&python);
    build
        .current_dir(dir)
        .args(["-m", "wasmprep_plugin", "build", "app.py", "-o"])
        .arg(out);
    check(&mut build, "the Python kit's build")
}

/// The C and C++ sources at the top of `dir`, if it has any.
fn c_sources(dir: &Path) -> anyhow::Result<Option<Vec<PathBuf>>> {
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

fn build_c(dir: &Path, sources: &[PathBuf], out: &Path) -> anyhow::Result<()> {
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
            let sdk = super::new::sdk_dir(None)
                .map_or("PATH/TO/wasmprep/sdk".into(), |d| d.display().to_string());
            bail!(
                "cannot start {} ({e}): install it with `cargo install --path {sdk}/c/bindgen`",
                tool.display()
            )
        }
    }
}

/// The project's `.venv` Python, `$WASMPREP_PYTHON`, or `python3`.
fn python(dir: &Path) -> PathBuf {
    let venv = dir.join(".venv/bin/python");
    if venv.is_file() {
        return venv;
    }
    std::env::var_os("WASMPREP_PYTHON").map_or_else(|| PathBuf::from("python3"), PathBuf::from)
}

/// Runs `cmd`, its output going to the terminal; an error names `what`.
fn check(cmd: &mut Command, what: &str) -> anyhow::Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("{what}: cannot start {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// What `cmd` prints on stdout.
fn capture(cmd: &mut Command, what: &str) -> anyhow::Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("cannot start {what}"))?;
    if !out.status.success() {
        bail!("{what} failed");
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
