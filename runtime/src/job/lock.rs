//! Pinning a job's plugins: each plugin step's `sha256` written into the
//! job file (like a lock file), comments and layout kept.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, Value};

use super::spec::{resolve, JobSpec};
use super::{Error, Result};
use crate::io::output::write_atomic;
use crate::sandbox::component_digest;

/// One plugin step of a locked job.
#[derive(Clone, Debug, PartialEq)]
pub struct Pinned {
    /// Its index in `steps`.
    pub index: usize,
    /// The component, resolved against the job file.
    pub path: PathBuf,
    pub sha256: String,
    /// The digest the step pinned before, if any.
    pub was: Option<String>,
}

/// Writes the sha256 of every plugin step's component into the job file at
/// `path` (atomically; the rest of the file as it was), and returns them.
pub fn lock(path: &Path) -> Result<Vec<Pinned>> {
    // The job must be valid as it stands (and its plugins must exist).
    JobSpec::load(path)?;
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| Error::Spec(format!("{}: {e}", path.display())))?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut pinned = Vec::new();
    for (index, step) in steps(&mut doc).into_iter().enumerate() {
        if let Some(p) = pin(step, index, &base)? {
            pinned.push(p);
        }
    }
    write_atomic(path, doc.to_string().as_bytes())?;
    Ok(pinned)
}

/// A step table, however the file writes it (`[[steps]]` or an array of
/// inline tables).
pub(crate) enum StepTable<'a> {
    Table(&'a mut Table),
    Inline(&'a mut toml_edit::InlineTable),
}

impl StepTable<'_> {
    /// A text value of the step (`plugin`, `sha256`).
    pub(crate) fn text(&self, key: &str) -> Option<String> {
        match self {
            StepTable::Table(t) => t.get(key).and_then(|i| i.as_str()).map(String::from),
            StepTable::Inline(t) => t.get(key).and_then(|v| v.as_str()).map(String::from),
        }
    }

    /// Sets a text value, keeping the rest of the step as written.
    pub(crate) fn set_text(&mut self, key: &str, value: &str) {
        match self {
            StepTable::Table(t) => {
                t.insert(key, toml_edit::value(value));
            }
            StepTable::Inline(t) => {
                t.insert(key, value.into());
            }
        }
    }

    /// The `host` values of the step's `grants.dirs`, however they are
    /// written (inline, `[steps.grants]`, `[[steps.grants.dirs]]`).
    pub(crate) fn dir_hosts(&mut self) -> Vec<&mut Value> {
        let grants = match self {
            StepTable::Table(t) => t.get_mut("grants").and_then(Item::as_table_like_mut),
            StepTable::Inline(t) => t
                .get_mut("grants")
                .and_then(Value::as_inline_table_mut)
                .map(|t| t as &mut dyn toml_edit::TableLike),
        };
        let Some(dirs) = grants.and_then(|g| g.get_mut("dirs")) else {
            return Vec::new();
        };
        match dirs {
            Item::ArrayOfTables(tables) => tables
                .iter_mut()
                .filter_map(|t| t.get_mut("host").and_then(Item::as_value_mut))
                .collect(),
            Item::Value(Value::Array(array)) => array
                .iter_mut()
                .filter_map(Value::as_inline_table_mut)
                .filter_map(|t| t.get_mut("host"))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Every step table of a job document, in order.
pub(crate) fn steps(doc: &mut DocumentMut) -> Vec<StepTable<'_>> {
    match doc.get_mut("steps") {
        Some(Item::ArrayOfTables(tables)) => tables.iter_mut().map(StepTable::Table).collect(),
        Some(Item::Value(Value::Array(array))) => array
            .iter_mut()
            .filter_map(|v| v.as_inline_table_mut().map(StepTable::Inline))
            .collect(),
        _ => Vec::new(),
    }
}

/// Pins one step, if it is a plugin step.
fn pin(mut step: StepTable<'_>, index: usize, base: &Path) -> Result<Option<Pinned>> {
    let Some(plugin) = step.text("plugin") else {
        return Ok(None);
    };
    let was = step.text("sha256");
    let path = resolve(base, Path::new(&plugin));
    let sha256 = component_digest(&read(&path)?);
    step.set_text("sha256", &sha256);
    Ok(Some(Pinned {
        index,
        path,
        sha256,
        was,
    }))
}

/// Reads a file, naming it on error.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A job with a plugin step of each spelling, comments around them.
    const JOB: &str = "# my job\n\
        [input]\npath = \"in\"\nformat = \"csv\"\n[output]\npath = \"out\"\n\n\
        [[steps]]\nselect = [\"a\"]\n\n\
        [[steps]]\n# the cleaner\nplugin = \"p.wasm\"  # built by make\nconfig = { x = 1 }\n";

    #[test]
    fn lock_pins_every_plugin_and_keeps_the_rest_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p.wasm"), b"not really a component").unwrap();
        let job = dir.path().join("job.toml");
        std::fs::write(&job, JOB).unwrap();
        let pinned = lock(&job).unwrap();
        let digest = component_digest(b"not really a component");
        assert_eq!(pinned.len(), 1);
        assert_eq!(
            (pinned[0].index, pinned[0].sha256.as_str()),
            (1, digest.as_str())
        );
        assert_eq!(pinned[0].was, None);
        let text = std::fs::read_to_string(&job).unwrap();
        assert!(text.starts_with("# my job\n"), "{text}");
        assert!(
            text.contains("# the cleaner\nplugin = \"p.wasm\"  # built by make\n"),
            "{text}"
        );
        assert!(text.contains(&format!("sha256 = \"{digest}\"")), "{text}");
        // The spec reads it back, and a second lock changes nothing.
        let spec = JobSpec::load(&job).unwrap();
        assert_eq!(spec.steps[1].sha256.as_deref(), Some(digest.as_str()));
        let again = lock(&job).unwrap();
        assert_eq!(again[0].was.as_deref(), Some(digest.as_str()));
        assert_eq!(std::fs::read_to_string(&job).unwrap(), text);
    }

    #[test]
    fn inline_steps_are_pinned_too_and_a_missing_plugin_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p.wasm"), b"x").unwrap();
        let job = dir.path().join("job.toml");
        std::fs::write(
            &job,
            "steps = [{ plugin = \"p.wasm\" }, { select = [\"a\"] }]\n[input]\npath = \"in\"\nformat = \"csv\"\n[output]\npath = \"out\"\n",
        )
        .unwrap();
        assert_eq!(lock(&job).unwrap()[0].sha256, component_digest(b"x"));
        assert!(std::fs::read_to_string(&job).unwrap().contains("sha256 = "));
        std::fs::remove_file(dir.path().join("p.wasm")).unwrap();
        let err = lock(&job).unwrap_err();
        assert!(
            matches!(&err, Error::Io { path, .. } if path.ends_with("p.wasm")),
            "{err:?}"
        );
    }
}
