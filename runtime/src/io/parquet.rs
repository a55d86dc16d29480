//! Parquet files: read by row group, written with a codec of choice.

use std::fs::File;
use std::path::Path;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
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
    /// Writer properties for `schema`. Dictionary encoding is kept for the
    /// columns it suits (integers, text, booleans) and turned off for floats,
    /// timestamps and durations, whose mostly distinct values make building
    /// the dictionary cost more than it saves.
    pub fn properties(&self, schema: &arrow::datatypes::Schema) -> Result<WriterProperties> {
        let compression = match self.codec {
            Codec::None => Compression::UNCOMPRESSED,
            Codec::Snappy => Compression::SNAPPY,
            Codec::Zstd => Compression::ZSTD(
                ZstdLevel::try_new(self.zstd_level)
                    .map_err(|e| Error::Options(format!("zstd level: {e}")))?,
            ),
        };
        let mut builder = WriterProperties::builder()
            .set_compression(compression)
            .set_max_row_group_row_count(Some(self.row_group_rows.max(1)))
            .set_created_by(format!("wasmprep {}", env!("CARGO_PKG_VERSION")));
        for field in schema.fields() {
            use arrow::datatypes::DataType::*;
            if matches!(
                field.data_type(),
                Float16 | Float32 | Float64 | Timestamp(..) | Duration(_)
            ) {
                builder = builder
                    .set_column_dictionary_enabled(ColumnPath::from(field.name().as_str()), false);
            }
        }
        Ok(builder.build())
    }
}

fn format_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Reads a whole Parquet file (or the listed row groups) as batches.
pub fn read(
    path: &Path,
    row_groups: Option<Vec<usize>>,
    batch_size: usize,
) -> Result<(SchemaRef, Vec<RecordBatch>)> {
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

/// A streaming reader of some row groups of a Parquet file, reading only
/// the top-level columns at `projection`.
pub fn open_projected(
    path: &Path,
    row_groups: Vec<usize>,
    projection: &[usize],
    batch_size: usize,
) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| format_error(path, e))?;
    let mask =
        parquet::arrow::ProjectionMask::roots(builder.parquet_schema(), projection.iter().copied());
    builder
        .with_batch_size(batch_size)
        .with_row_groups(row_groups)
        .with_projection(mask)
        .build()
        .map_err(|e| format_error(path, e))
}

/// A Parquet file's Arrow schema and its row groups' (rows, compressed
/// bytes), from its footer.
pub fn layout(path: &Path) -> Result<(SchemaRef, Vec<(u64, u64)>)> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| format_error(path, e))?;
    let groups = builder
        .metadata()
        .row_groups()
        .iter()
        .map(|g| (g.num_rows() as u64, g.compressed_size() as u64))
        .collect();
    Ok((builder.schema().clone(), groups))
}

/// Writes `batches` to a new Parquet file at `path`.
pub fn write(
    path: &Path,
    schema: SchemaRef,
    batches: &[RecordBatch],
    options: &WriteOptions,
) -> Result<()> {
    let file = File::create(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(options.properties(&schema)?))
        .map_err(|e| format_error(path, e))?;
    for b in batches {
        writer.write(b).map_err(|e| format_error(path, e))?;
    }
    writer.close().map_err(|e| format_error(path, e))?;
    Ok(())
}
