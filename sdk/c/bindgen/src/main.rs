//! `wasmprep-c-bindgen`: the C/C++ kit's tool. See USAGE.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  wasmprep-c-bindgen build -o PLUGIN.wasm [--wasi-stdio] SOURCE... [-- CLANG_FLAGS...]
      compile C/C++ sources (with wasmprep.h and the bindings on the include
      path) for wasm32-wasi and make the component, in one go; stdout and
      stderr go to the host log unless --wasi-stdio (then they go through
      WASI, and the plugin needs the dirs and clock grants)
  wasmprep-c-bindgen generate OUT_DIR [--wit WIT_DIR]
      write plugin.h, plugin.c, plugin_component_type.o, wasmprep.h and
      wasmprep_stdio.c
      (the WIT is built in; --wit uses another one, without wasmprep.h)
  wasmprep-c-bindgen componentize MODULE.wasm PLUGIN.wasm
      make a component of a module linked with plugin_component_type.o
      (adapting WASI preview 1 when the module imports it)
  wasmprep-c-bindgen build-go -o PLUGIN.wasm [DIR] [-- GO_BUILD_FLAGS...]
      build the Go plugin in DIR (default .) with the Go kit (sdk/go):
      GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared, then
      componentize-go; the module goes to PLUGIN.wasm.build/
  wasmprep-c-bindgen componentize-go MODULE.wasm PLUGIN.wasm
      make a component of a module built by go (wasip1, c-shared) with the
      Go kit: embeds the world and adapts WASI preview 1 without grants
  wasmprep-c-bindgen wit
      print the plugin contract (WIT) built into this tool

example:
  wasmprep-c-bindgen build -o my_plugin.wasm my_plugin.c -- -Wall -Werror

environment: CLANG, CLANGXX (compilers), WASI_SYSROOT (a wasi-libc sysroot),
  GO (the go command)
exit status: 0 on success, 1 on any error, 2 on a usage error";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["build", rest @ ..] => build(rest),
        ["generate", out] => wasmprep_c_bindgen::generate(Path::new(out)).map(report),
        ["generate", out, "--wit", wit] => {
            wasmprep_c_bindgen::generate_from_dir(Path::new(wit), Path::new(out)).map(report)
        }
        ["componentize", module, component] => std::fs::read(module)
            .map_err(|e| format!("{module}: {e}"))
            .and_then(|bytes| wasmprep_c_bindgen::componentize(&bytes))
            .and_then(|c| std::fs::write(component, c).map_err(|e| format!("{component}: {e}"))),
        ["build-go", rest @ ..] => build_go(rest),
        ["componentize-go", module, component] => std::fs::read(module)
            .map_err(|e| format!("{module}: {e}"))
            .and_then(|bytes| wasmprep_c_bindgen::componentize_go(&bytes))
            .and_then(|c| std::fs::write(component, c).map_err(|e| format!("{component}: {e}"))),
        ["wit"] => {
            print!("{}", wasmprep_c_bindgen::WIT);
            Ok(())
        }
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `build -o OUT SOURCE... [-- FLAGS...]`; the bindings and objects go to
/// a folder beside OUT (`OUT.build/`), kept for inspection.
fn build(args: &[&str]) -> Result<(), String> {
    let (ours, flags) = match args.iter().position(|a| *a == "--") {
        Some(i) => (&args[..i], &args[i + 1..]),
        None => (args, &[][..]),
    };
    let mut output = None;
    let mut sources = Vec::new();
    let mut wasi_stdio = false;
    let mut it = ours.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "-o" => output = it.next().map(PathBuf::from),
            "--wasi-stdio" => wasi_stdio = true,
            a if a.starts_with('-') => return Err(format!("unknown option {a}\n{USAGE}")),
            a => sources.push(PathBuf::from(a)),
        }
    }
    let output = output.ok_or_else(|| format!("build needs -o PLUGIN.wasm\n{USAGE}"))?;
    let mut work_dir = output.clone().into_os_string();
    work_dir.push(".build");
    wasmprep_c_bindgen::build(&wasmprep_c_bindgen::Build {
        sources,
        output: output.clone(),
        work_dir: PathBuf::from(work_dir),
        flags: flags.iter().map(|f| f.to_string()).collect(),
        wasi_stdio,
    })?;
    println!("{}", output.display());
    Ok(())
}

/// `build-go -o OUT [DIR] [-- FLAGS...]`; the module goes to `OUT.build/`.
fn build_go(args: &[&str]) -> Result<(), String> {
    let (ours, flags) = match args.iter().position(|a| *a == "--") {
        Some(i) => (&args[..i], &args[i + 1..]),
        None => (args, &[][..]),
    };
    let mut output = None;
    let mut dir = None;
    let mut it = ours.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "-o" => output = it.next().map(PathBuf::from),
            a if a.starts_with('-') => return Err(format!("unknown option {a}\n{USAGE}")),
            a if dir.is_none() => dir = Some(PathBuf::from(a)),
            a => return Err(format!("one directory only, not also {a}\n{USAGE}")),
        }
    }
    let output = output.ok_or_else(|| format!("build-go needs -o PLUGIN.wasm\n{USAGE}"))?;
    let output = std::path::absolute(&output).map_err(|e| format!("{}: {e}", output.display()))?;
    let mut work_dir = output.clone().into_os_string();
    work_dir.push(".build");
    let flags: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
    wasmprep_c_bindgen::build_go(
        &dir.unwrap_or_else(|| PathBuf::from(".")),
        &output,
        Path::new(&work_dir),
        &flags,
    )?;
    println!("{}", output.display());
    Ok(())
}

fn report(paths: Vec<PathBuf>) {
    for p in paths {
        println!("{}", p.display());
    }
}
