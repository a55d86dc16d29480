//! Part files: one Parquet file per partition, invisible until complete,
//! its footer saying what wrote it.

use std::io::Write;
use std::path::PathBuf;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use serde::{Deserialize, Serialize};

use super::atomic::{io_err, temp_builder};
use super::hashing::HashingFile;
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
        Ok(PartWriter {
            writer: None,
            pending: Pending {
                schema,
                options: options.clone(),
                provenance: provenance.key_values(),
            },
            tmp,
            final_path,
        })
    }
}

/// What a part file's Parquet writer is made of, at its first batch.
struct Pending {
    schema: SchemaRef,
    options: WriteOptions,
    provenance: Vec<parquet::file::metadata::KeyValue>,
}

/// One partition's Parquet file, invisible until [`PartWriter::finish`].
/// Its Parquet writer starts at the first batch with rows, which decides
/// the columns' encodings ([`WriteOptions::properties`]).
pub struct PartWriter {
    writer: Option<ArrowWriter<HashingFile>>,
    pending: Pending,
    tmp: tempfile::NamedTempFile,
    final_path: PathBuf,
}

impl PartWriter {
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 && self.writer.is_none() {
            return Ok(());
        }
        self.writer(Some(batch))?
            .write(batch)
            .map_err(writing(&self.final_path))
    }

    /// The Parquet writer, started with `sample` if it was not yet.
    fn writer(&mut self, sample: Option<&RecordBatch>) -> Result<&mut ArrowWriter<HashingFile>> {
        if self.writer.is_none() {
            let pending = &self.pending;
            let file = HashingFile::new(self.tmp.reopen().map_err(io_err(self.tmp.path()))?);
            let props = pending.options.properties(&pending.schema, sample)?;
            let mut writer = ArrowWriter::try_new(file, pending.schema.clone(), Some(props))
                .map_err(writing(&self.final_path))?;
            for kv in &pending.provenance {
                writer.append_key_value_metadata(kv.clone());
            }
            self.writer = Some(writer);
        }
        Ok(self.writer.as_mut().expect("started above"))
    }

    /// Completes the file (its float column orders made readable by older
    /// readers, see [`crate::io::parquet::footer`]), syncs it and renames it
    /// into place. Returns (bytes, sha256), hashed as it was written.
    pub fn finish(mut self) -> Result<(u64, String)> {
        self.writer(None)?;
        let writer = self.writer.take().expect("started above");
        let mut file = writer.into_inner().map_err(writing(&self.final_path))?;
        let io = |e| io_err(&self.final_path)(e);
        file.flush().map_err(io)?;
        crate::io::parquet::footer::type_defined_float_order(file.file_mut()).map_err(io)?;
        let (file, bytes, digest) = file.finish().map_err(io)?;
        file.sync_all().map_err(io)?;
        crate::crash::point("part-synced");
        self.tmp.persist(&self.final_path).map_err(|e| Error::Io {
            path: self.final_path.clone(),
            source: e.error,
        })?;
        Ok((bytes, digest))
    }
}
