//! Python: the kit's build (componentize-py), with the project's `.venv`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::bail;

use super::check;

pub fn build(dir: &Path, out: &Path) -> anyhow::Result<()> {
    let python = python(dir);
    let probe = Command::new(&python)
        .args(["-c", "import wasmprep_plugin"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        let sdk = super::sdk_hint();
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

/// The project's `.venv` Python, `$WASMPREP_PYTHON`, or `python3`.
fn python(dir: &Path) -> PathBuf {
    let venv = dir.join(".venv/bin/python");
    if venv.is_file() {
        return venv;
    }
    std::env::var_os("WASMPREP_PYTHON").map_or_else(|| PathBuf::from("python3"), PathBuf::from)
}
