//! Part files: one Parquet file per partition, invisible until complete,
//! its footer saying what wrote it.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use serde::{Deserialize, Serialize};

use super::atomic::{io_err, size_and_sha256, temp_builder};
use super::OutputDir;
use crate::io::parquet::{writing, WriteOptions};
use crate::io::{Error, Result};

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
            ("version", crate::version::VERSION.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| parquet::file::metadata::KeyValue::new(format!("{PROVENANCE_PREFIX}{k}"), v))
        .collect()
    }
}

impl OutputDir {
    /// Starts writing partition `id`'s part file, its footer carrying
    /// `provenance`.
    pub fn part_writer(
        &self,
        id: usize,
        schema: SchemaRef,
        options: &WriteOptions,
        provenance: &Provenance,
    ) -> Result<PartWriter> {
        let name = super::layout::part_file(id);
        let final_path = self.path.join(&name);
        let tmp = temp_builder(&format!(".{name}."))
            .tempfile_in(&self.path)
            .map_err(io_err(&self.path))?;
        let file = tmp.reopen().map_err(io_err(tmp.path()))?;
        let props = options.properties(&schema)?;
        let mut writer =
            ArrowWriter::try_new(file, schema, Some(props)).map_err(writing(&final_path))?;
        for kv in provenance.key_values() {
            writer.append_key_value_metadata(kv);
        }
        Ok(PartWriter {
            writer,
            tmp,
            final_path,
        })
    }
}

/// One partition's Parquet file, invisible until [`PartWriter::finish`].
pub struct PartWriter {
    writer: ArrowWriter<File>,
    tmp: tempfile::NamedTempFile,
    final_path: PathBuf,
}

impl PartWriter {
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer.write(batch).map_err(writing(&self.final_path))
    }

    /// Completes the file (its float column orders made readable by older
    /// readers, see [`crate::io::parquet::footer`]), then hashes it and renames
    /// it into place. Returns (bytes, sha256).
    pub fn finish(self) -> Result<(u64, String)> {
        let mut file = self
            .writer
            .into_inner()
            .map_err(writing(&self.final_path))?;
        file.flush().map_err(io_err(&self.final_path))?;
        crate::io::parquet::footer::type_defined_float_order(&mut file)
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
