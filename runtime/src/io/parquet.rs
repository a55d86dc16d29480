//! Parquet files: read by row group, written with a codec of choice.

use std::fs::File;
use std::path::Path;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};

use super::{Error, Result};

/// Parquet compression of written files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Codec {
    None,
    Snappy,
    #[default]
    Zstd,
}

/// How Parquet files are written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    pub codec: Codec,
    /// zstd level (1-22).
    pub zstd_level: i32,
    /// Rows per row group.
    pub row_group_rows: usize,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            codec: Codec::Zstd,
            zstd_level: 1,
            row_group_rows: 1 << 20,
        }
    }
}

impl WriteOptions {
    pub fn properties(&self) -> Result<WriterProperties> {
        let compression = match self.codec {
            Codec::None => Compression::UNCOMPRESSED,
            Codec::Snappy => Compression::SNAPPY,
            Codec::Zstd => Compression::ZSTD(
                ZstdLevel::try_new(self.zstd_level).map_err(|e| Error::Options(format!("zstd level: {e}")))?,
            ),
        };
        Ok(WriterProperties::builder()
            .set_compression(compression)
            .set_max_row_group_row_count(Some(self.row_group_rows.max(1)))
            .set_created_by(format!("wasmprep {}", env!("CARGO_PKG_VERSION")))
            .build())
    }
}

fn format_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Reads a whole Parquet file (or the listed row groups) as batches.
pub fn read(path: &Path, row_groups: Option<Vec<usize>>, batch_size: usize) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let reader = open(path, row_groups, batch_size)?;
    let schema = arrow::record_batch::RecordBatchReader::schema(&reader);
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format_error(path, e))?;
    Ok((schema, batches))
}

/// A streaming reader of a Parquet file (or the listed row groups).
pub fn open(
    path: &Path,
    row_groups: Option<Vec<usize>>,
    batch_size: usize,
) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| format_error(path, e))?
        .with_batch_size(batch_size);
    if let Some(groups) = row_groups {
        builder = builder.with_row_groups(groups);
    }
    builder.build().map_err(|e| format_error(path, e))
}

/// Row counts of a Parquet file's row groups, from its footer.
pub fn row_groups(path: &Path) -> Result<Vec<u64>> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| format_error(path, e))?;
    Ok(builder
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.num_rows() as u64)
        .collect())
}

/// Writes `batches` to a new Parquet file at `path`.
pub fn write(path: &Path, schema: SchemaRef, batches: &[RecordBatch], options: &WriteOptions) -> Result<()> {
    let file = File::create(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut writer =
        ArrowWriter::try_new(file, schema, Some(options.properties()?)).map_err(|e| format_error(path, e))?;
    for b in batches {
        writer.write(b).map_err(|e| format_error(path, e))?;
    }
    writer.close().map_err(|e| format_error(path, e))?;
    Ok(())
}
