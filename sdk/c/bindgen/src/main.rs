//! `wasmprep-c-bindgen generate OUT_DIR` writes the C bindings;
//! `wasmprep-c-bindgen componentize MODULE.wasm COMPONENT.wasm` wraps a
//! compiled module as a component.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage:\n  wasmprep-c-bindgen generate OUT_DIR [WIT_DIR]\n  wasmprep-c-bindgen componentize MODULE.wasm COMPONENT.wasm";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let default_wit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../wit");
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["generate", out] => wasmprep_c_bindgen::generate(&default_wit, Path::new(out)).map(report),
        ["generate", out, wit] => {
            wasmprep_c_bindgen::generate(Path::new(wit), Path::new(out)).map(report)
        }
        ["componentize", module, component] => std::fs::read(module)
            .map_err(|e| format!("{module}: {e}"))
            .and_then(|bytes| wasmprep_c_bindgen::componentize(&bytes))
            .and_then(|c| std::fs::write(component, c).map_err(|e| format!("{component}: {e}"))),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn report(paths: Vec<PathBuf>) {
    for p in paths {
        println!("{}", p.display());
    }
}
