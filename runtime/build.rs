//! Records the source revision wasmprep is built from (`git rev-parse
//! HEAD`), when it is built from a git checkout, as `WASMPREP_REVISION`:
//! the manifest and `--report` carry it beside the version, and
//! `WASMPREP_VERSION_LINE` (what `--version` prints) names it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap();
    let Some(revision) = git(&manifest, &["rev-parse", "HEAD"]) else {
        println!("cargo:rustc-env=WASMPREP_VERSION_LINE={version}");
        return;
    };
    println!("cargo:rustc-env=WASMPREP_REVISION={revision}");
    println!(
        "cargo:rustc-env=WASMPREP_VERSION_LINE={version} (git {})",
        &revision[..revision.len().min(12)]
    );
    // Built again when HEAD moves: HEAD itself, the branch it names, and
    // packed refs (only files that exist, or Cargo would rerun every time).
    let Some(git_dir) = git(&manifest, &["rev-parse", "--absolute-git-dir"]) else {
        return;
    };
    let git_dir = PathBuf::from(git_dir);
    let mut watched = vec![git_dir.join("HEAD"), git_dir.join("packed-refs")];
    if let Some(branch) = git(&manifest, &["symbolic-ref", "-q", "HEAD"]) {
        watched.push(git_dir.join(branch));
    }
    for path in watched.iter().filter(|p| p.is_file()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
