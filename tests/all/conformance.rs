//! The conformance matrix (tests/conformance, see its README): every
//! language's guests run every case in the production sandbox. A language
//! is a folder under `tests/conformance/languages/` (a router project and a
//! `conformance.toml`); a case is a golden case folder holding one guest
//! file per language. Nothing here names a language or a case.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use wasmprep::golden::{discover, Case, Outcome};

/// How a language's router project takes the cases' guests
/// (`languages/<lang>/conformance.toml`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Spec {
    /// The guest's file name in each case folder (`guest.rs`).
    guest: String,
    /// Where the staged project holds a case's guest; `{ident}` is the
    /// case's name with `-` as `_`.
    copy_to: String,
    /// The file listing the cases, written into the staged project.
    index: String,
    #[serde(default)]
    index_header: String,
    /// One line per case: `{ident}` and `{case}` (the case's name).
    index_line: String,
    #[serde(default)]
    index_footer: String,
    /// A command run in the staged project before `plugin build`.
    #[serde(default)]
    setup: Vec<String>,
}

struct Language {
    name: String,
    dir: PathBuf,
    spec: Spec,
}

fn conformance_dir() -> PathBuf {
    crate::root().join("tests/conformance")
}

fn languages() -> Vec<Language> {
    let dir = conformance_dir().join("languages");
    let mut languages: Vec<Language> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("conformance.toml").is_file())
        .map(|dir| {
            let text = std::fs::read_to_string(dir.join("conformance.toml")).unwrap();
            let spec = toml::from_str(&text)
                .unwrap_or_else(|e| panic!("{}/conformance.toml: {e}", dir.display()));
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            Language { name, dir, spec }
        })
        .collect();
    languages.sort_by(|a, b| a.name.cmp(&b.name));
    languages
}

/// The case whose guests a case runs: its own, or the one its
/// `[config] case` names (a data-only case).
fn guest_case(case: &Case) -> String {
    let settings = case.settings().unwrap();
    match settings.config.get("case") {
        Some(toml::Value::String(name)) => name.clone(),
        _ => case.name.clone(),
    }
}

fn ident(case: &str) -> String {
    case.replace('-', "_")
}

/// Copies `from` into `to`, `@ROOT@` in text files replaced by the
/// repository's root (router projects refer to the kits by path).
fn copy_project(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let target = to.join(name);
        if path.is_dir() {
            copy_project(&path, &target);
        } else if name != "conformance.toml" {
            let bytes = std::fs::read(&path).unwrap();
            let bytes = match String::from_utf8(bytes) {
                Ok(text) => text
                    .replace("@ROOT@", &crate::root().display().to_string())
                    .into_bytes(),
                Err(e) => e.into_bytes(),
            };
            std::fs::write(&target, bytes).unwrap();
        }
    }
}

/// The language's router project with every case's guest and the index of
/// cases, in `stage`.
fn stage(language: &Language, guests: &[String], stage: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(stage);
    copy_project(&language.dir, stage);
    let spec = &language.spec;
    let mut index = spec.index_header.clone();
    if !index.is_empty() && !index.ends_with('\n') {
        index.push('\n');
    }
    for case in guests {
        let guest = conformance_dir().join(case).join(&spec.guest);
        if !guest.is_file() {
            return Err(format!(
                "no guest for case `{case}`: {} is missing",
                guest.display()
            ));
        }
        let to = stage.join(spec.copy_to.replace("{ident}", &ident(case)));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&guest, &to).unwrap();
        let line = spec
            .index_line
            .replace("{ident}", &ident(case))
            .replace("{case}", case);
        index.push_str(&line);
        index.push('\n');
    }
    index.push_str(&spec.index_footer);
    let index_path = stage.join(&spec.index);
    std::fs::create_dir_all(index_path.parent().unwrap()).unwrap();
    std::fs::write(index_path, index).unwrap();
    Ok(())
}

/// A copy of `case` whose configuration names the guest to run.
fn staged_case(case: &Case, guest: &str, into: &Path) -> Case {
    let dir = into.join(&case.name);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&case.dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("guest.") && name != "case.toml" {
            std::fs::copy(&path, dir.join(&name)).unwrap();
        }
    }
    let mut settings: toml::Table = std::fs::read_to_string(case.dir.join("case.toml"))
        .map(|t| toml::from_str(&t).unwrap())
        .unwrap_or_default();
    let config = settings
        .entry("config")
        .or_insert_with(|| toml::Value::Table(Default::default()));
    config
        .as_table_mut()
        .unwrap()
        .insert("case".into(), toml::Value::String(guest.into()));
    std::fs::write(dir.join("case.toml"), toml::to_string(&settings).unwrap()).unwrap();
    Case {
        name: case.name.clone(),
        dir,
    }
}

fn setup(command: &[String], project: &Path) -> Result<(), String> {
    let Some((program, args)) = command.split_first() else {
        return Ok(());
    };
    let out = std::process::Command::new(program)
        .args(args)
        .current_dir(project)
        .output()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed: {}",
            command.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// Builds one language's component and runs every case on it: the cases
/// that failed, with why.
fn run_language(language: &Language, cases: &[Case]) -> BTreeMap<String, String> {
    let mut guests: Vec<String> = cases.iter().map(guest_case).collect();
    guests.sort();
    guests.dedup();
    let stage_dir = crate::root()
        .join("target/tmp/conformance")
        .join(&language.name);
    let all_failed = |why: String| {
        cases
            .iter()
            .map(|c| (c.name.clone(), why.clone()))
            .collect()
    };
    if let Err(why) = stage(language, &guests, &stage_dir.join("project")) {
        return all_failed(why);
    }
    if let Err(why) = setup(&language.spec.setup, &stage_dir.join("project")) {
        return all_failed(why);
    }
    let wasm = stage_dir.join(format!("{}.wasm", language.name));
    let out = crate::kits::wasmprep(
        &stage_dir,
        &["plugin", "build", "project", "-o", wasm.to_str().unwrap()],
    );
    if !out.status.success() {
        return all_failed(format!(
            "plugin build failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let sandbox = crate::sandbox();
    let mut failed = BTreeMap::new();
    for case in cases {
        let staged = staged_case(case, &guest_case(case), &stage_dir.join("cases"));
        match staged.run(&sandbox, &wasm, false) {
            Ok(Outcome::Passed) => {}
            other => {
                failed.insert(case.name.clone(), format!("{other:?}"));
            }
        }
    }
    failed
}

#[test]
fn every_language_passes_every_case() {
    let cases = discover(&conformance_dir()).unwrap();
    let languages = languages();
    assert!(cases.len() >= 10, "{} cases", cases.len());
    assert!(languages.len() >= 4, "{} languages", languages.len());
    let mut report = String::new();
    let mut failures = Vec::new();
    for language in &languages {
        let failed = run_language(language, &cases);
        report.push_str(&format!(
            "{:<8} {}/{} cases\n",
            language.name,
            cases.len() - failed.len(),
            cases.len()
        ));
        for (case, why) in failed {
            failures.push(format!("{} / {case}: {why}", language.name));
        }
    }
    eprintln!("conformance matrix:\n{report}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
