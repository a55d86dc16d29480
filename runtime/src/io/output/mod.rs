//! Output you can trust: one Parquet file per partition, written under a
//! hidden temporary name and renamed into place when complete
//! ([`PartWriter`]); a commit record per partition ([`PartitionCommit`]);
//! quarantined rows beside them ([`Quarantine`]); a [`Manifest`] and a
//! `_SUCCESS` marker written last. The names are in [`layout`].

mod atomic;
mod commit;
mod hashing;
pub mod layout;
mod manifest;
mod part;
mod quarantine;

use std::path::{Path, PathBuf};

use super::{Error, Result};
use atomic::{io_err, write_atomic_at};
pub use atomic::{size_and_sha256, write_atomic};
pub use commit::PartitionCommit;
pub use layout::{COMMITS, FITTED, MANIFEST, REJECTED, SUCCESS};
pub use manifest::{FieldRecord, FittedRecord, InputRecord, Manifest, PluginRecord, Totals};
pub use part::{PartWriter, PluginDigest, Provenance, PROVENANCE_PREFIX};
pub use quarantine::{Quarantine, QuarantineFormat};

/// How a run treats an output directory that already holds results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExistingOutput {
    /// Refuse.
    #[default]
    Refuse,
    /// Keep the partitions with a valid commit; redo the rest.
    Resume,
    /// Delete wasmprep's files first and start over.
    Overwrite,
}

/// An output directory being written.
#[derive(Clone, Debug)]
pub struct OutputDir {
    path: PathBuf,
}

impl OutputDir {
    /// Opens `path` for a run. Returns the commits that may be kept (with
    /// [`ExistingOutput::Resume`]; they are checked against `job_digest`).
    pub fn open(
        path: &Path,
        mode: ExistingOutput,
        job_digest: &str,
    ) -> Result<(Self, Vec<PartitionCommit>)> {
        std::fs::create_dir_all(path).map_err(io_err(path))?;
        let dir = OutputDir {
            path: path.to_path_buf(),
        };
        let existing: Vec<String> = std::fs::read_dir(path)
            .map_err(io_err(path))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| layout::is_ours(n))
            .collect();
        let mut kept = Vec::new();
        match mode {
            ExistingOutput::Refuse if !existing.is_empty() => {
                return Err(Error::OutputInUse {
                    path: path.to_path_buf(),
                    complete: existing.iter().any(|n| n == SUCCESS),
                })
            }
            ExistingOutput::Overwrite => {
                for name in &existing {
                    let p = path.join(name);
                    let r = if p.is_dir() {
                        std::fs::remove_dir_all(&p)
                    } else {
                        std::fs::remove_file(&p)
                    };
                    r.map_err(io_err(&p))?;
                }
            }
            ExistingOutput::Resume => {
                kept = dir.valid_commits(job_digest)?;
                // Anything not backed by a valid commit is redone.
                for name in &existing {
                    let p = path.join(name);
                    let keep =
                        name == COMMITS || name == REJECTED || kept.iter().any(|c| &c.file == name);
                    if !keep && p.is_file() {
                        std::fs::remove_file(&p).map_err(io_err(&p))?;
                    }
                }
                dir.remove_unbacked_rejected(&kept)?;
            }
            ExistingOutput::Refuse => {}
        }
        std::fs::create_dir_all(path.join(COMMITS)).map_err(io_err(path))?;
        Ok((dir, kept))
    }

    /// The directory rank 0 opened, as another rank writes into it.
    pub fn attach(path: &Path) -> Self {
        OutputDir {
            path: path.to_path_buf(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes from `_rejected/` what no kept commit names: quarantine
    /// files of partitions to redo, and temporary files of a killed run.
    fn remove_unbacked_rejected(&self, kept: &[PartitionCommit]) -> Result<()> {
        let dir = self.path.join(REJECTED);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(());
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let name = format!("{REJECTED}/{}", entry.file_name().to_string_lossy());
            if !kept.iter().any(|c| c.rejected_file.as_ref() == Some(&name)) {
                let p = entry.path();
                std::fs::remove_file(&p).map_err(io_err(&p))?;
            }
        }
        Ok(())
    }

    /// Commits whose part file (and quarantine file, if any) is present
    /// with the recorded size, written by the same job. Other records, and
    /// temporary files of a killed run, are removed.
    fn valid_commits(&self, job_digest: &str) -> Result<Vec<PartitionCommit>> {
        let commits = self.path.join(COMMITS);
        let Ok(entries) = std::fs::read_dir(&commits) else {
            return Ok(Vec::new());
        };
        let mut valid = Vec::new();
        for entry in entries.filter_map(|e| e.ok()) {
            let path = entry.path();
            match self.read_commit(&path)? {
                Some(commit) => valid.push(commit),
                None => std::fs::remove_file(&path).map_err(io_err(&path))?,
            }
        }
        if let Some(other) = valid.iter().find(|c| c.job_digest != job_digest) {
            return Err(Error::OtherJob {
                path: self.path.clone(),
                file: other.file.clone(),
                digest: other.job_digest.chars().take(12).collect(),
            });
        }
        valid.sort_by_key(|c| c.id);
        Ok(valid)
    }

    /// The commit record at `path` if it is one whose files are all there.
    fn read_commit(&self, path: &Path) -> Result<Option<PartitionCommit>> {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if !(name.starts_with("part-") && name.ends_with(".json")) {
            return Ok(None);
        }
        let text = std::fs::read_to_string(path).map_err(io_err(path))?;
        let Ok(commit) = serde_json::from_str::<PartitionCommit>(&text) else {
            tracing::warn!(path = %path.display(), "Removing an unreadable commit record.");
            return Ok(None);
        };
        let stem = layout::part_stem(commit.id);
        let size = |file: &str| {
            std::fs::metadata(self.path.join(file))
                .map(|m| m.len())
                .ok()
        };
        let whole = name == layout::commit_file(commit.id)
            && commit.file == layout::part_file(commit.id)
            && size(&commit.file) == Some(commit.bytes)
            && commit
                .rejected_file
                .as_deref()
                .is_none_or(|f| f.starts_with(&format!("{REJECTED}/{stem}.")) && size(f).is_some());
        Ok(whole.then_some(commit))
    }

    /// Records a partition as committed (its part file is already in place).
    pub fn commit(&self, commit: &PartitionCommit) -> Result<()> {
        let path = self.path.join(COMMITS).join(layout::commit_file(commit.id));
        let text = serde_json::to_vec_pretty(commit).expect("commits serialize");
        write_atomic(&path, &text)
    }

    /// Writes the manifest, then `_SUCCESS`.
    pub fn finish(&self, manifest: &Manifest<'_>) -> Result<()> {
        let text = serde_json::to_vec_pretty(manifest).expect("manifests serialize");
        write_atomic_at(&self.path.join(MANIFEST), &text, "manifest-synced")?;
        crate::crash::point("manifest-written");
        write_atomic_at(&self.path.join(SUCCESS), b"", "success-synced")?;
        crate::crash::point("success-written");
        Ok(())
    }

    /// Writes partition `id`'s quarantined rows, if it has any; returns
    /// the file's name relative to the output directory.
    pub fn write_rejected(&self, id: usize, rows: &Quarantine) -> Result<Option<String>> {
        if rows.rows() == 0 {
            return Ok(None);
        }
        let name = layout::rejected_file(id, rows.format().extension());
        let path = self.path.join(&name);
        let dir = self.path.join(REJECTED);
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        write_atomic(&path, rows.bytes())?;
        crate::crash::point("rejected-written");
        Ok(Some(name))
    }
}
