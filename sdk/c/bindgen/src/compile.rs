//! `build`: C and C++ sources → core module (clang for `wasm32-wasi`, with
//! the bindings and the kit's header) → component.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What Debian needs for a build; named in every "missing" message.
const INSTALL: &str = "apt-get install clang lld wasi-libc libclang-rt-dev-wasm32";

/// One plugin build.
#[derive(Clone, Debug, Default)]
pub struct Build {
    /// C (`.c`) and C++ (`.cc`, `.cpp`, `.cxx`) sources.
    pub sources: Vec<PathBuf>,
    /// The component to write.
    pub output: PathBuf,
    /// Where the bindings, objects and module go (created if needed).
    pub work_dir: PathBuf,
    /// Extra flags for every compile (`-I dir`, `-DNAME`, `-Wall`, ...).
    pub flags: Vec<String>,
    /// Leave out `wasmprep_stdio.c`: stdio then goes through WASI (the
    /// preview 1 adapter, and grants for its imports).
    pub wasi_stdio: bool,
}

/// The compilers and sysroot: `CLANG`, `CLANGXX` and `WASI_SYSROOT` when
/// set, else `clang`, `clang++` and clang's own default.
struct Toolchain {
    clang: String,
    clangxx: String,
    sysroot: Option<String>,
}

impl Toolchain {
    fn from_env() -> Self {
        Toolchain {
            clang: std::env::var("CLANG").unwrap_or_else(|_| "clang".into()),
            clangxx: std::env::var("CLANGXX").unwrap_or_else(|_| "clang++".into()),
            sysroot: std::env::var("WASI_SYSROOT").ok(),
        }
    }

    fn command(&self, cxx: bool) -> Command {
        let mut cmd = Command::new(if cxx { &self.clangxx } else { &self.clang });
        cmd.arg("--target=wasm32-wasi");
        if let Some(sysroot) = &self.sysroot {
            cmd.arg(format!("--sysroot={sysroot}"));
        }
        cmd
    }

    /// What clang prints for `args`, or why it cannot run.
    fn query(&self, args: &[&str]) -> Result<String, String> {
        let out = self.command(false).args(args).output().map_err(|e| {
            format!(
                "cannot run {} ({e}): install clang (Debian: `{INSTALL}`) or set CLANG",
                self.clang
            )
        })?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Checks clang, wasm-ld, wasi-libc and the wasm32 builtins are there,
    /// naming the one that is not.
    fn check(&self) -> Result<(), String> {
        self.query(&["--version"])?;
        let ld = self.query(&["-print-prog-name=wasm-ld"])?;
        if !Path::new(&ld).is_absolute() && which(&ld).is_none() {
            return Err(format!(
                "wasm-ld (the WebAssembly linker, in lld) is missing: `{INSTALL}`"
            ));
        }
        let libc = self.query(&["-print-file-name=libc.a"])?;
        if !Path::new(&libc).is_file() {
            return Err(format!(
                "wasi-libc (the C library for wasm32-wasi) is missing: `{INSTALL}`, or set \
                 WASI_SYSROOT to a wasi-sdk sysroot"
            ));
        }
        let builtins = self.query(&["-rtlib=compiler-rt", "-print-libgcc-file-name"])?;
        if !Path::new(&builtins).is_file() {
            return Err(format!(
                "clang's builtins for wasm32 ({builtins}) are missing: `{INSTALL}`"
            ));
        }
        Ok(())
    }
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn is_cxx(source: &Path) -> bool {
    source
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "cc" | "cpp" | "cxx" | "C" | "c++"))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed ({status})"))
    }
}

/// Generates the bindings and header into `work_dir`, compiles every
/// source (C++ without exceptions or RTTI, and without libc++: wasm32
/// builds of it are not packaged by Debian), links a reactor module and
/// writes it as a component to `output`.
pub fn build(b: &Build) -> Result<(), String> {
    if b.sources.is_empty() {
        return Err("no sources to build".into());
    }
    let tools = Toolchain::from_env();
    tools.check()?;
    let bindings = b.work_dir.join("bindings");
    crate::generate(&bindings)?;
    let objects_dir = b.work_dir.join("objects");
    std::fs::create_dir_all(&objects_dir).map_err(|e| format!("{}: {e}", objects_dir.display()))?;

    let mut objects = Vec::new();
    let mut all = b.sources.clone();
    all.push(bindings.join("plugin.c"));
    if !b.wasi_stdio {
        all.push(bindings.join("wasmprep_stdio.c"));
    }
    for (i, source) in all.iter().enumerate() {
        let cxx = is_cxx(source);
        let stem = source.file_stem().unwrap_or_default().to_string_lossy();
        let object = objects_dir.join(format!("{i}-{stem}.o"));
        let mut cmd = tools.command(cxx);
        cmd.args(["-O2", "-c"]).arg("-I").arg(&bindings);
        if cxx {
            cmd.args(["-fno-exceptions", "-fno-rtti"]);
        }
        // The generated plugin.c and the kit's wasmprep_stdio.c are
        // compiled as they are, without the plugin's flags.
        if i < b.sources.len() {
            cmd.args(&b.flags);
        }
        cmd.arg(source).arg("-o").arg(&object);
        run(&mut cmd).map_err(|e| format!("compiling {}: {e}", source.display()))?;
        objects.push(object);
    }

    let module = b.work_dir.join("module.wasm");
    let mut link = tools.command(false);
    link.arg("-mexec-model=reactor")
        .args(&objects)
        .arg(bindings.join("plugin_component_type.o"))
        .arg("-o")
        .arg(&module);
    run(&mut link).map_err(|e| format!("linking: {e}"))?;
    let bytes = std::fs::read(&module).map_err(|e| format!("{}: {e}", module.display()))?;
    let component = crate::componentize(&bytes)?;
    std::fs::write(&b.output, component).map_err(|e| format!("{}: {e}", b.output.display()))
}
