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
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
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

/// A hidden temporary file in the output, created mode 0666 less the
/// process umask (0644 under umask 022) like any file a tool writes, not
/// tempfile's private 0600: the output is for other users and services too.
fn temp_builder(prefix: &str) -> tempfile::Builder<'_, '_> {
    use std::os::unix::fs::PermissionsExt;
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(prefix)
        .permissions(std::fs::Permissions::from_mode(0o666));
    builder
}

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_at(path, bytes, "atomic-synced")
}

/// [`write_atomic`], with the crash point reached before the rename named.
fn write_atomic_at(path: &Path, bytes: &[u8], crash_point: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = temp_builder(".tmp-")
        .tempfile_in(dir)
        .map_err(io_err(dir))?;
    tmp.write_all(bytes).map_err(io_err(path))?;
    tmp.as_file().sync_all().map_err(io_err(path))?;
    crate::crash::point(crash_point);
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
            return Err(Error::Options(format!(
                "{} was written by a different job (its spec, plugins, input files or wasmprep \
                 version changed since; {} records job {}); use --overwrite to start over",
                self.path.display(),
                other.file,
                &other.job_digest[..other.job_digest.len().min(12)]
            )));
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
        let named = format!("part-{:05}", commit.id);
        let size = |file: &str| {
            std::fs::metadata(self.path.join(file))
                .map(|m| m.len())
                .ok()
        };
        let whole = name == format!("{named}.json")
            && commit.file == format!("{named}.parquet")
            && size(&commit.file) == Some(commit.bytes)
            && commit.rejected_file.as_deref().is_none_or(|f| {
                f.starts_with(&format!("{REJECTED}/{named}.")) && size(f).is_some()
            });
        Ok(whole.then_some(commit))
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
        let tmp = temp_builder(&format!(".{name}."))
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
        write_atomic_at(&self.path.join(MANIFEST), &text, "manifest-synced")?;
        crate::crash::point("manifest-written");
        write_atomic_at(&self.path.join(SUCCESS), b"", "success-synced")?;
        crate::crash::point("success-written");
        Ok(())
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
        crate::crash::point("part-synced");
        self.tmp.persist(&self.final_path).map_err(|e| Error::Io {
            path: self.final_path.clone(),
            source: e.error,
        })?;
        Ok((bytes, digest))
    }
}
