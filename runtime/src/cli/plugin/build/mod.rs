//! `wasmprep plugin build`: build a plugin project with its language's
//! toolchain (one module each), saying what is missing and how to install
//! it.

mod c;
mod go;
mod js;
mod python;
mod rust;
mod zig;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use anyhow::{bail, Context};

/// Build a plugin project (as `plugin new` makes them) into NAME.wasm.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  wasmprep plugin build fare-scale\n\n\
    Rust (Cargo.toml): cargo build --release --target wasm32-wasip2.\n\
    C, C++ (.c/.cpp files): wasmprep-c-bindgen build (or $WASMPREP_C_BINDGEN).\n\
    Python (app.py): python -m wasmprep_plugin build app.py, with .venv/bin/python when the\n\
    project has one (or $WASMPREP_PYTHON, else python3).\n\
    JavaScript, TypeScript (package.json): the kit's wasmprep-plugin build (componentize-js),\n\
    from the project's node_modules (`npm install` first).\n\
    Go (go.mod): wasmprep-c-bindgen build-go, with $GO, .venv/bin/go or go on PATH.\n\
    Zig (plugin.zig, or one .zig file): the Zig kit's build.sh (zig from $ZIG, PATH or .venv's ziglang).")]
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
    // Toolchains run in the project folder: the output path must not
    // depend on it.
    let out = match args.output {
        Some(out) if out.is_relative() => std::env::current_dir()?.join(out),
        Some(out) => out,
        None => dir.join(format!("{name}.wasm")),
    };
    if dir.join("Cargo.toml").is_file() {
        rust::build(&dir, &out)?;
    } else if dir.join("app.py").is_file() {
        python::build(&dir, &out)?;
    } else if dir.join("package.json").is_file() {
        js::build(&dir, &out)?;
    } else if dir.join("go.mod").is_file() {
        go::build(&dir, &out)?;
    } else if let Some(source) = zig::source(&dir) {
        zig::build(&dir, &source, &out)?;
    } else if let Some(sources) = c::sources(&dir)? {
        c::build(&dir, &sources, &out)?;
    } else {
        bail!(
            "{}: no Cargo.toml (Rust), app.py (Python), package.json (JavaScript, TypeScript), \
             go.mod (Go), a .zig file (Zig) or .c/.cpp files (C, C++); make a project with \
             `wasmprep plugin new`",
            dir.display()
        );
    }
    println!("Built {}.", out.display());
    Ok(ExitCode::SUCCESS)
}

/// The kits' folder for a hint: where this binary's checkout has it.
fn sdk_hint() -> String {
    super::new::sdk_dir(None).map_or("PATH/TO/wasmprep/sdk".into(), |d| d.display().to_string())
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
