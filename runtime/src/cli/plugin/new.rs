//! `wasmprep plugin new`: a ready plugin project in a language with a kit.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};

/// Write a new plugin project: source, build file, unit tests, one golden
/// case and a README.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  \
    wasmprep plugin new fare-scale --lang python     (or rust, c, cpp, js, ts, go, zig)\n  \
    cd fare-scale && wasmprep plugin build . && wasmprep plugin test fare-scale.wasm tests/cases\n\n\
    The project multiplies a float64 column `value` by `factor` into `scaled`: replace\n\
    the contract and the loop with your own.")]
pub struct Args {
    /// The plugin's name (letters, digits, `-` and `_`): its folder and component.
    pub name: String,

    /// Its language.
    #[arg(long, value_enum)]
    pub lang: Lang,

    /// Where to create the project folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,

    /// wasmprep's `sdk/` folder (the kits), when this binary was not built
    /// from a checkout that still has it (or set WASMPREP_SDK).
    #[arg(long, value_name = "DIR")]
    pub sdk: Option<PathBuf>,
}

/// The languages with a kit.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Rust,
    Python,
    /// C (the C kit's header and wasmprep-c-bindgen).
    C,
    /// C++ (the C kit's header; clang++ without libc++).
    Cpp,
    /// JavaScript (the npm kit over componentize-js).
    Js,
    /// TypeScript (the same kit; the build and the tests strip the types).
    Ts,
    /// Go (the Go kit, GOOS=wasip1, componentized by wasmprep-c-bindgen).
    Go,
    /// Zig (the Zig kit over the C bindings).
    Zig,
}

/// A file of a template: its path in the project and its text.
type Template = (&'static str, &'static str);

const RUST: &[Template] = &[
    (
        "Cargo.toml",
        include_str!("../../../templates/rust/Cargo.toml"),
    ),
    (
        "src/lib.rs",
        include_str!("../../../templates/rust/src/lib.rs"),
    ),
    (
        "README.md",
        include_str!("../../../templates/rust/README.md"),
    ),
    (".gitignore", "/target\n*.wasm\n"),
];

const PYTHON: &[Template] = &[
    ("app.py", include_str!("../../../templates/python/app.py")),
    (
        "test_app.py",
        include_str!("../../../templates/python/test_app.py"),
    ),
    (
        "README.md",
        include_str!("../../../templates/python/README.md"),
    ),
    (".gitignore", ".venv/\n__pycache__/\n*.wasm\n"),
];

const C: &[Template] = &[
    ("plugin.c", include_str!("../../../templates/c/plugin.c")),
    ("README.md", include_str!("../../../templates/c/README.md")),
    (".gitignore", "*.wasm\n*.wasm.build/\n"),
];

const CPP: &[Template] = &[
    (
        "plugin.cpp",
        include_str!("../../../templates/cpp/plugin.cpp"),
    ),
    (
        "README.md",
        include_str!("../../../templates/cpp/README.md"),
    ),
    (".gitignore", "*.wasm\n*.wasm.build/\n"),
];

const JS: &[Template] = &[
    ("app.js", include_str!("../../../templates/js/app.js")),
    (
        "app.test.js",
        include_str!("../../../templates/js/app.test.js"),
    ),
    (
        "package.json",
        include_str!("../../../templates/js/package.json"),
    ),
    ("README.md", include_str!("../../../templates/js/README.md")),
    (".gitignore", "node_modules/\n*.wasm\n"),
];

const TS: &[Template] = &[
    ("app.ts", include_str!("../../../templates/ts/app.ts")),
    (
        "app.test.ts",
        include_str!("../../../templates/ts/app.test.ts"),
    ),
    (
        "package.json",
        include_str!("../../../templates/ts/package.json"),
    ),
    ("README.md", include_str!("../../../templates/ts/README.md")),
    (".gitignore", "node_modules/\n*.wasm\n"),
];

const GO: &[Template] = &[
    ("main.go", include_str!("../../../templates/go/main.go")),
    (
        "main_test.go",
        include_str!("../../../templates/go/main_test.go"),
    ),
    ("go.mod", include_str!("../../../templates/go/go.mod")),
    ("README.md", include_str!("../../../templates/go/README.md")),
    (".gitignore", "*.wasm\n*.wasm.build/\n.venv/\n"),
];

const ZIG: &[Template] = &[
    (
        "plugin.zig",
        include_str!("../../../templates/zig/plugin.zig"),
    ),
    (
        "README.md",
        include_str!("../../../templates/zig/README.md"),
    ),
    (".gitignore", "*.wasm\n*.wasm.build/\n.venv/\n"),
];

/// Every language's golden case.
const CASE: &[Template] = &[
    (
        "tests/cases/scale/input.csv",
        include_str!("../../../templates/common/input.csv"),
    ),
    (
        "tests/cases/scale/expected.csv",
        include_str!("../../../templates/common/expected.csv"),
    ),
    (
        "tests/cases/scale/case.toml",
        include_str!("../../../templates/common/case.toml"),
    ),
];

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    check_name(&args.name)?;
    let sdk = sdk_dir(args.sdk.as_deref())?;
    let dir = args.dir.join(&args.name);
    if dir.exists() {
        bail!("{} already exists", dir.display());
    }
    let files = match args.lang {
        Lang::Rust => RUST,
        Lang::Python => PYTHON,
        Lang::C => C,
        Lang::Cpp => CPP,
        Lang::Js => JS,
        Lang::Ts => TS,
        Lang::Go => GO,
        Lang::Zig => ZIG,
    };
    for (path, text) in files.iter().chain(CASE) {
        let text = text
            .replace("{{name}}", &args.name)
            .replace("{{sdk}}", &sdk.display().to_string());
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("in the project"))
            .and_then(|()| std::fs::write(&path, text))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "Created {} ({:?}); see its README.md.",
        dir.display(),
        args.lang
    );
    Ok(ExitCode::SUCCESS)
}

fn check_name(name: &str) -> anyhow::Result<()> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        bail!("`{name}` is not a plugin name: a letter, then letters, digits, `-` or `_`");
    }
    Ok(())
}

/// The kits' folder: `--sdk`, `WASMPREP_SDK`, or the checkout this binary
/// was built from.
pub fn sdk_dir(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    let dir = given
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("WASMPREP_SDK").map(PathBuf::from))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk"));
    if !dir.join("wit/plugin.wit").is_file() {
        bail!(
            "{} is not wasmprep's sdk/ folder (no wit/plugin.wit); pass --sdk PATH/TO/wasmprep/sdk",
            dir.display()
        );
    }
    dir.canonicalize()
        .with_context(|| format!("resolving {}", dir.display()))
}
