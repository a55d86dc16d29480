//! JavaScript and TypeScript: the kit's `wasmprep-plugin build` (rolldown,
//! then componentize-js), from the project's `node_modules`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use super::{check, sdk_hint};

pub fn build(dir: &Path, out: &Path) -> anyhow::Result<()> {
    let entry = entry(dir)?;
    let kit = dir.join("node_modules/wasmprep-plugin/src/cli.js");
    if !kit.is_file() {
        bail!(
            "{} has no JavaScript kit in node_modules: `npm install` there (its package.json \
             names the kit), or `npm install {}/js`",
            dir.display(),
            sdk_hint()
        );
    }
    let node = std::env::var_os("NODE").map_or_else(|| PathBuf::from("node"), PathBuf::from);
    if Command::new(&node).arg("--version").output().is_err() {
        bail!(
            "cannot start {}: install node 20 or newer (Debian: `apt-get install nodejs npm`)",
            node.display()
        );
    }
    let mut build = Command::new(&node);
    build
        .current_dir(dir)
        .arg(&kit)
        .arg("build")
        .arg(&entry)
        .arg("-o")
        .arg(out);
    check(&mut build, "the JavaScript kit's build")
}

/// The module to bundle: package.json's `main`, else app.ts or app.js.
fn entry(dir: &Path) -> anyhow::Result<PathBuf> {
    let manifest = dir.join("package.json");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let package: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", manifest.display()))?;
    let main = package.get("main").and_then(|m| m.as_str());
    let candidates = main.into_iter().chain(["app.ts", "app.js"]);
    for name in candidates {
        if dir.join(name).is_file() {
            return Ok(dir.join(name));
        }
    }
    bail!(
        "{}: no entry module (package.json `main`, app.ts or app.js)",
        dir.display()
    )
}
