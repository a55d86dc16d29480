//! Output you can trust: one Parquet file per partition, written under a
//! hidden temporary name and renamed into place when complete; a commit
//! record per partition; a manifest and a `_SUCCESS` marker written last.
//!
//! ```text
//! OUTPUT/
//!   part-00000.parquet ...       one per partition, complete or absent
//!   _rejected/part-00000.csv     quarantined rows, when there are any
//!   _commits/part-00000.json     per-partition commit records
//!   _manifest.json               job digest, plugin digests, per-partition counts
//!   _SUCCESS                     written last
//! ```

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::parquet::WriteOptions;
use super::{Error, Result};

pub const MANIFEST: &str = "_manifest.json";
pub const SUCCESS: &str = "_SUCCESS";
pub const COMMITS: &str = "_commits";
pub const REJECTED: &str = "_rejected";

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

/// Key-value metadata keys of a part file's footer start with this.
pub const PROVENANCE_PREFIX: &str = "wasmprep.";

/// A plugin as the output records it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct PluginDigest {
    pub name: String,
    pub version: String,
    pub sha256: String,
}

/// What wrote a part file, in its footer's key-value metadata
/// (`wasmprep.job`, `wasmprep.job_digest`, `wasmprep.plugins` as JSON,
/// `wasmprep.version`), so a file copied away from its manifest still says
/// where it came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    pub job: String,
    pub job_digest: String,
    /// In step order.
    pub plugins: Vec<PluginDigest>,
}

impl Provenance {
    /// The footer's key-value pairs.
    pub fn key_values(&self) -> Vec<parquet::file::metadata::KeyValue> {
        let plugins = serde_json::to_string(&self.plugins).expect("plugins serialize");
        [
            ("job", self.job.clone()),
            ("job_digest", self.job_digest.clone()),
            ("plugins", plugins),
            ("version", env!("CARGO_PKG_VERSION").to_string()),
        ]
        .into_iter()
        .map(|(k, v)| parquet::file::metadata::KeyValue::new(format!("{PROVENANCE_PREFIX}{k}"), v))
        .collect()
    }
}

/// Row counts and file facts of one committed partition.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionCommit {
    pub id: usize,
    /// Where the partition read from: `file bytes a..b` or `file row groups [..]`.
    pub input: String,
    pub rows_read: u64,
    pub rows_filtered: u64,
    pub rows_rejected: u64,
    pub rows_written: u64,
    /// The part file's name and size.
    pub file: String,
    pub bytes: u64,
    /// sha256 of the part file.
    pub sha256: String,
    /// Quarantine file of this partition, if rows were rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_file: Option<String>,
    /// The job it belongs to (see [`crate::exec::job_digest`]).
    pub job_digest: String,
    /// Wall time spent, seconds (a timing field: not part of the output's
    /// identity).
    pub seconds: f64,
}

impl PartitionCommit {
    /// rows read = written + filtered + rejected.
    pub fn balanced(&self) -> bool {
        self.rows_read == self.rows_written + self.rows_filtered + self.rows_rejected
    }
}

/// An output directory being written.
#[derive(Clone, Debug)]
pub struct OutputDir {
    path: PathBuf,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(io_err(dir))?;
    tmp.write_all(bytes).map_err(io_err(path))?;
    tmp.as_file().sync_all().map_err(io_err(path))?;
    tmp.persist(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

fn is_ours(name: &str) -> bool {
    (name.starts_with("part-") && name.ends_with(".parquet"))
        || name == MANIFEST
        || name == SUCCESS
        || name == COMMITS
        || name == REJECTED
        || name.starts_with(".tmp-")
        || name.starts_with(".part-")
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
            .filter(|n| is_ours(n))
            .collect();
        let mut kept = Vec::new();
        match mode {
            ExistingOutput::Refuse if !existing.is_empty() => {
                return Err(Error::Options(format!(
                    "{} already holds results ({}); pass --resume to finish that run or --overwrite to replace it",
                    path.display(),
                    if existing.iter().any(|n| n == SUCCESS) { "a complete run" } else { "an unfinished run" }
                )))
            }
            ExistingOutput::Overwrite => {
                for name in &existing {
                    let p = path.join(name);
                    let r = if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) };
                    r.map_err(io_err(&p))?;
                }
            }
            ExistingOutput::Resume => {
                kept = dir.valid_commits(job_digest)?;
                // Anything not backed by a valid commit is redone.
                for name in &existing {
                    let p = path.join(name);
                    let keep = name == COMMITS
                        || name == REJECTED
                        || kept.iter().any(|c| &c.file == name);
                    if !keep && p.is_file() {
                        std::fs::remove_file(&p).map_err(io_err(&p))?;
                    }
                }
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

    /// Commits whose part file is present with the recorded size, written
    /// by the same job.
    fn valid_commits(&self, job_digest: &str) -> Result<Vec<PartitionCommit>> {
        let commits = self.path.join(COMMITS);
        let Ok(entries) = std::fs::read_dir(&commits) else {
            return Ok(Vec::new());
        };
        let mut valid = Vec::new();
        for entry in entries.filter_map(|e| e.ok()) {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(commit) = serde_json::from_str::<PartitionCommit>(&text) else {
                tracing::warn!(path = %path.display(), "Ignoring an unreadable commit record.");
                continue;
            };
            if commit.job_digest != job_digest {
                return Err(Error::Options(format!(
                    "{} was written by a different job (its spec, plugins or input changed); \
                     use --overwrite to start over",
                    self.path.display()
                )));
            }
            let size = std::fs::metadata(self.path.join(&commit.file))
                .map(|m| m.len())
                .ok();
            if size == Some(commit.bytes) {
                valid.push(commit);
            } else {
                let _ = std::fs::remove_file(&path);
            }
        }
        valid.sort_by_key(|c| c.id);
        Ok(valid)
    }

    /// Starts writing a partition's part file, its footer carrying
    /// `provenance`.
    pub fn part_writer(
        &self,
        name: &str,
        schema: SchemaRef,
        options: &WriteOptions,
        provenance: &Provenance,
    ) -> Result<PartWriter> {
        let final_path = self.path.join(name);
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .tempfile_in(&self.path)
            .map_err(io_err(&self.path))?;
        let file = tmp.reopen().map_err(io_err(tmp.path()))?;
        let props = options.properties(&schema)?;
        let mut writer =
            ArrowWriter::try_new(file, schema, Some(props)).map_err(|e| Error::Format {
                path: final_path.clone(),
                message: e.to_string(),
            })?;
        for kv in provenance.key_values() {
            writer.append_key_value_metadata(kv);
        }
        Ok(PartWriter {
            writer,
            tmp,
            final_path,
        })
    }

    /// Records a partition as committed (its part file is already in place).
    pub fn commit(&self, commit: &PartitionCommit) -> Result<()> {
        let path = self
            .path
            .join(COMMITS)
            .join(format!("part-{:05}.json", commit.id));
        let text = serde_json::to_vec_pretty(commit).expect("commits serialize");
        write_atomic(&path, &text)
    }

    /// Writes the manifest, then `_SUCCESS`.
    pub fn finish(&self, manifest: &impl Serialize) -> Result<()> {
        let text = serde_json::to_vec_pretty(manifest).expect("manifests serialize");
        write_atomic(&self.path.join(MANIFEST), &text)?;
        write_atomic(&self.path.join(SUCCESS), b"")
    }

    /// A writer of quarantined rows for a partition, created on first use.
    pub fn rejected_path(&self, name: &str) -> PathBuf {
        self.path.join(REJECTED).join(name)
    }
}

/// A file's size and sha256, read back from disk.
pub fn size_and_sha256(path: &Path) -> std::io::Result<(u64, String)> {
    use std::io::Read;
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    let digest = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((bytes, digest))
}

/// One partition's Parquet file, invisible until [`PartWriter::finish`].
pub struct PartWriter {
    writer: ArrowWriter<File>,
    tmp: tempfile::NamedTempFile,
    final_path: PathBuf,
}

impl PartWriter {
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer.write(batch).map_err(|e| Error::Format {
            path: self.final_path.clone(),
            message: e.to_string(),
        })
    }

    /// Completes the file (its float column orders made readable by older
    /// readers, see [`super::parquet::footer`]), then hashes it and renames
    /// it into place. Returns (bytes, sha256).
    pub fn finish(self) -> Result<(u64, String)> {
        let format = |e: parquet::errors::ParquetError| Error::Format {
            path: self.final_path.clone(),
            message: e.to_string(),
        };
        let mut file = self.writer.into_inner().map_err(format)?;
        file.flush().map_err(io_err(&self.final_path))?;
        super::parquet::footer::type_defined_float_order(&mut file)
            .map_err(io_err(&self.final_path))?;
        file.sync_all().map_err(io_err(&self.final_path))?;
        let (bytes, digest) = size_and_sha256(self.tmp.path()).map_err(io_err(&self.final_path))?;
        self.tmp.persist(&self.final_path).map_err(|e| Error::Io {
            path: self.final_path.clone(),
            source: e.error,
        })?;
        Ok((bytes, digest))
    }
}
