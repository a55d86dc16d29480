//! A self-contained job: the job file and every plugin it runs, in one
//! directory that can be copied to any node. Each plugin is copied to
//! `plugins/` and pinned by its sha256, parameters a step applies
//! (`fitted`) to `fitted/`; host directories granted to plugins become
//! absolute; the input and output paths leave the file (the generated
//! command names them, so they cannot point at the wrong place).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Value};

use super::{absolute, write, Result};
use crate::job::lock::{read, steps, StepTable};
use crate::job::spec::{resolve, JobSpec};
use crate::job::Error as JobError;
use crate::sandbox::component_digest;

/// The job file's name in a bundle.
pub const JOB_FILE: &str = "job.toml";

/// A job made self-contained.
#[derive(Clone, Debug)]
pub struct Bundle {
    /// The job's name (the spec's, or the original file's stem).
    pub name: String,
    /// The job file it was made from (absolute).
    pub origin: PathBuf,
    pub plugins: Vec<BundledPlugin>,
    /// The job's own input and output, absolute, if it names them.
    pub input: Option<PathBuf>,
    pub output: Option<PathBuf>,
    /// Host directories granted to plugins (absolute): they are not in the
    /// bundle and must exist on every node.
    pub granted_dirs: Vec<PathBuf>,
}

/// One plugin in a bundle.
#[derive(Clone, Debug, PartialEq)]
pub struct BundledPlugin {
    /// Its step's index in `steps`.
    pub step: usize,
    /// Its path in the bundle (`plugins/<name>.wasm`).
    pub file: String,
    pub sha256: String,
    /// Where it was copied from.
    pub from: PathBuf,
}

/// Writes the bundle of the job at `job` into `dir` (made if missing).
pub fn write_bundle(job: &Path, dir: &Path) -> Result<Bundle> {
    let origin = absolute(job)?;
    let spec = JobSpec::load(&origin)?;
    let base = origin.parent().map(Path::to_path_buf).unwrap_or_default();
    let text = String::from_utf8_lossy(&read(&origin)?).into_owned();
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| JobError::Spec(format!("{}: {e}", origin.display())))?;
    let name = spec.name.clone().unwrap_or_else(|| stem(&origin));
    if spec.name.is_none() {
        // Else the bundle's job would be called `job`, after its file.
        doc.insert("name", toml_edit::value(name.as_str()));
    }
    let input = take_path(&mut doc, "input", &base)?;
    let output = take_path(&mut doc, "output", &base)?;
    let mut names = BTreeMap::new();
    let mut plugins = Vec::new();
    let mut granted_dirs = Vec::new();
    for (index, mut step) in steps(&mut doc).into_iter().enumerate() {
        granted_dirs.extend(absolute_grants(&mut step, &base)?);
        bundle_fitted(&mut step, index, &base, dir)?;
        if let Some(plugin) = bundle_plugin(&mut step, index, &base, dir, &mut names)? {
            plugins.push(plugin);
        }
    }
    let header = format!(
        "# Bundled by `wasmprep deploy` (wasmprep {}) from {}:\n\
         # every plugin is in plugins/, pinned by its sha256; the input and output\n\
         # are named on the command line.\n\n",
        crate::version::LINE,
        origin.display()
    );
    let bundled = dir.join(JOB_FILE);
    write(&bundled, format!("{header}{doc}").as_bytes())?;
    JobSpec::load(&bundled)?;
    Ok(Bundle {
        name,
        origin,
        plugins,
        input,
        output,
        granted_dirs,
    })
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "job".into())
}

/// Removes `[table].path` from the document, returning it absolute.
fn take_path(doc: &mut DocumentMut, table: &str, base: &Path) -> Result<Option<PathBuf>> {
    let Some(t) = doc.get_mut(table).and_then(Item::as_table_like_mut) else {
        return Ok(None);
    };
    let Some(path) = t.remove("path") else {
        return Ok(None);
    };
    let path = path.as_str().map(|p| resolve(base, Path::new(p)));
    path.map(|p| absolute(&p)).transpose()
}

/// Makes a step's granted host directories absolute, returning them.
fn absolute_grants(step: &mut StepTable<'_>, base: &Path) -> Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for host in step.dir_hosts() {
        let Some(text) = host.as_str() else { continue };
        let path = absolute(&resolve(base, Path::new(text)))?;
        *host = Value::from(path.to_string_lossy().as_ref());
        dirs.push(path);
    }
    Ok(dirs)
}

/// Copies a plugin step's component into `dir/plugins/` and points the step
/// at it, pinned. A step that pins another digest is refused.
fn bundle_plugin(
    step: &mut StepTable<'_>,
    index: usize,
    base: &Path,
    dir: &Path,
    names: &mut BTreeMap<String, String>,
) -> Result<Option<BundledPlugin>> {
    let Some(plugin) = step.text("plugin") else {
        return Ok(None);
    };
    let from = resolve(base, Path::new(&plugin));
    let bytes = read(&from)?;
    let from = std::fs::canonicalize(&from).unwrap_or(from);
    let sha256 = component_digest(&bytes);
    if let Some(pinned) = step.text("sha256").map(|p| p.trim().to_ascii_lowercase()) {
        if pinned != sha256 {
            let e = crate::sandbox::Error::DigestMismatch {
                path: from,
                pinned,
                actual: sha256,
            };
            return Err(step_error(index, e.to_string()).into());
        }
    }
    let file = format!("plugins/{}", file_name(&from, &sha256, names));
    if !dir.join(&file).exists() {
        write(&dir.join(&file), &bytes)?;
    }
    step.set_text("plugin", &file);
    step.set_text("sha256", &sha256);
    Ok(Some(BundledPlugin {
        step: index,
        file,
        sha256,
        from,
    }))
}

/// Copies the parameters a step applies (`fitted = "..."`) into
/// `dir/fitted/` and points the step at the copy.
fn bundle_fitted(step: &mut StepTable<'_>, index: usize, base: &Path, dir: &Path) -> Result<()> {
    let Some(fitted) = step.text("fitted") else {
        return Ok(());
    };
    let bytes = read(&resolve(base, Path::new(&fitted)))?;
    let file = format!("fitted/steps-{index}.bin");
    write(&dir.join(&file), &bytes)?;
    step.set_text("fitted", &file);
    Ok(())
}

fn step_error(index: usize, message: String) -> JobError {
    JobError::Step {
        index,
        kind: "plugin",
        message,
        source: None,
    }
}

/// The plugin's file name in the bundle: its own (characters other than
/// letters, digits, `.`, `_` and `-` replaced), with its digest's first
/// hex digits added when another component already has that name.
fn file_name(from: &Path, sha256: &str, names: &mut BTreeMap<String, String>) -> String {
    let stem: String = stem(from)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut name = format!("{stem}.wasm");
    if names.get(&name).is_some_and(|d| d != sha256) {
        name = format!("{stem}-{}.wasm", &sha256[..12]);
    }
    names.insert(name.clone(), sha256.to_string());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_pins_copies_and_renames_plugins_and_makes_granted_dirs_absolute() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, bytes) in [
            ("a/p.wasm", "one"),
            ("b/p.wasm", "two"),
            ("a/params.bin", "fit"),
        ] {
            write(&root.join(path), bytes.as_bytes()).unwrap();
        }
        std::fs::create_dir(root.join("ref")).unwrap();
        let job = root.join("my job.toml");
        std::fs::write(
            &job,
            "# mine\n[input]\npath = \"in\"\nformat = \"csv\"\n\
             [[input.columns]]\nname = \"x\"\ntype = \"int64\"\n\
             [output]\npath = \"out\"\n\
             [[steps]]\nplugin = \"a/p.wasm\"\ngrants = { dirs = [{ host = \"ref\", guest = \"/ref\" }] }\n\
             [[steps]]\nplugin = \"b/p.wasm\"\n\
             [[steps]]\nplugin = \"a/p.wasm\"\nfitted = \"a/params.bin\"\n",
        )
        .unwrap();
        let b = write_bundle(&job, &root.join("bundle")).unwrap();
        assert_eq!(b.name, "my job");
        assert_eq!(b.input.as_deref(), Some(root.join("in").as_path()));
        assert_eq!(b.output.as_deref(), Some(root.join("out").as_path()));
        assert_eq!(b.granted_dirs, [root.join("ref")]);
        let files: Vec<&str> = b.plugins.iter().map(|p| p.file.as_str()).collect();
        let two = component_digest(b"two");
        let renamed = format!("plugins/p-{}.wasm", &two[..12]);
        assert_eq!(
            files,
            ["plugins/p.wasm", renamed.as_str(), "plugins/p.wasm"]
        );
        assert_eq!(
            std::fs::read(root.join("bundle").join(&renamed)).unwrap(),
            b"two"
        );
        let spec = JobSpec::load(&root.join("bundle/job.toml")).unwrap();
        assert_eq!(spec.name.as_deref(), Some("my job"));
        assert_eq!((spec.input.path, spec.output.path), (None, None));
        assert_eq!(spec.steps[1].sha256.as_deref(), Some(two.as_str()));
        let grants = spec.steps[0].grants.as_ref().unwrap();
        assert_eq!(grants.dirs[0].host, root.join("ref"));
        let text = std::fs::read_to_string(root.join("bundle/job.toml")).unwrap();
        assert!(text.contains("# mine\n"), "comments kept: {text}");
        assert!(text.contains("fitted = \"fitted/steps-2.bin\""), "{text}");
        assert_eq!(
            std::fs::read(root.join("bundle/fitted/steps-2.bin")).unwrap(),
            b"fit"
        );
    }
}
