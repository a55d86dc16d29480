//! Parquet files: read by row group, written with a codec of choice.

use std::fs::File;
use std::path::Path;

use parquet::errors::ParquetError;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use serde::{Deserialize, Serialize};

use super::{Error, Result};

mod check;
pub mod encoding;
pub mod footer;
mod read_types;

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
    /// Bytes per row group, at most (the writer's estimate of the encoded
    /// size): a row group is held in memory until it is complete, so this
    /// bounds a writer's memory whatever the partition size.
    pub row_group_bytes: usize,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            codec: Codec::Zstd,
            zstd_level: 1,
            row_group_rows: 1 << 20,
            row_group_bytes: 8 << 20,
        }
    }
}

impl WriteOptions {
    /// Writer properties for `schema`. Dictionary encoding is kept for the
    /// columns it suits (integers, text, booleans); floats, timestamps and
    /// durations get it where `sample` (the first rows to be written) shows
    /// that their values repeat, and are plain (floats) or delta-encoded
    /// (timestamps, durations) elsewhere ([`encoding`]).
    pub fn properties(
        &self,
        schema: &arrow::datatypes::Schema,
        sample: Option<&RecordBatch>,
    ) -> Result<WriterProperties> {
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
            .set_max_row_group_bytes(Some(self.row_group_bytes.max(1)))
            .set_created_by(format!("wasmprep {}", crate::version::VERSION));
        for (i, field) in schema.fields().iter().enumerate() {
            let column = sample.and_then(|b| b.columns().get(i));
            let Some(choice) = encoding::Choice::of(field.data_type(), column) else {
                continue;
            };
            let path = ColumnPath::from(field.name().as_str());
            builder = builder.set_column_dictionary_enabled(
                path.clone(),
                choice == encoding::Choice::Dictionary,
            );
            if choice == encoding::Choice::Delta {
                builder = builder.set_column_encoding(path, Encoding::DELTA_BINARY_PACKED);
            }
        }
        Ok(builder.build())
    }
}

/// A Parquet library error, reading `path`.
pub fn reading(path: &Path) -> impl FnOnce(ParquetError) -> Error + '_ {
    move |source| Error::Parquet {
        path: path.to_path_buf(),
        context: "reading",
        source,
    }
}

/// An error decoding a batch of `path`.
pub fn decoding(path: &Path) -> impl FnOnce(arrow::error::ArrowError) -> Error + '_ {
    move |source| Error::ReadBatch {
        path: path.to_path_buf(),
        source,
    }
}

/// A Parquet library error, writing `path`.
pub fn writing(path: &Path) -> impl FnOnce(ParquetError) -> Error + '_ {
    move |source| Error::Parquet {
        path: path.to_path_buf(),
        context: "writing",
        source,
    }
}

/// Opens a Parquet file and reads its footer, refusing what the reader
/// cannot represent (see [`check`]). INT96 timestamps are read as
/// microseconds, huge byte arrays as large types ([`read_types`]).
fn load(path: &Path) -> Result<(File, ArrowReaderMetadata)> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    if let Some(encryption) = footer::encryption(&mut file).map_err(io)? {
        return Err(check::encrypted(path, &encryption, &file));
    }
    let mut metadata =
        ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(|source| {
            Error::Parquet {
                path: path.to_path_buf(),
                context: "the footer cannot be read",
                source,
            }
        })?;
    check::readable(path, metadata.metadata())?;
    if let Some(fixed) = check::total_from_row_groups(path, metadata.metadata()) {
        metadata =
            ArrowReaderMetadata::try_new(std::sync::Arc::new(fixed), ArrowReaderOptions::new())
                .map_err(reading(path))?;
    }
    let metadata = read_types::adjust(metadata).map_err(reading(path))?;
    Ok((file, metadata))
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
        .map_err(decoding(path))?;
    Ok((schema, batches))
}

/// A streaming reader of a Parquet file (or the listed row groups).
pub fn open(
    path: &Path,
    row_groups: Option<Vec<usize>>,
    batch_size: usize,
) -> Result<ParquetRecordBatchReader> {
    let (file, metadata) = load(path)?;
    let mut builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata)
        .with_batch_size(batch_size);
    if let Some(groups) = row_groups {
        builder = builder.with_row_groups(groups);
    }
    builder.build().map_err(reading(path))
}

/// A streaming reader of some row groups of a Parquet file (all of them
/// with None), reading only the top-level columns at `projection`, and
/// each group's (index, rows).
pub fn open_projected(
    path: &Path,
    row_groups: Option<Vec<usize>>,
    projection: &[usize],
    batch_size: usize,
) -> Result<(ParquetRecordBatchReader, Vec<(usize, u64)>)> {
    let (file, metadata) = load(path)?;
    let groups = metadata.metadata().row_groups();
    let row_groups = row_groups.unwrap_or_else(|| (0..groups.len()).collect());
    if let Some(g) = row_groups.iter().find(|&&g| g >= groups.len()) {
        return Err(Error::Format {
            path: path.to_path_buf(),
            message: format!(
                "it has no row group {g} (it has {}): the file changed after the job was planned",
                groups.len()
            ),
        });
    }
    let group_rows = row_groups
        .iter()
        .map(|&g| (g, groups[g].num_rows().max(0) as u64))
        .collect();
    let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata);
    let mask = ProjectionMask::roots(builder.parquet_schema(), projection.iter().copied());
    let reader = builder
        .with_batch_size(batch_size)
        .with_row_groups(row_groups)
        .with_projection(mask)
        .build()
        .map_err(reading(path))?;
    Ok((reader, group_rows))
}

/// Rows in the file, by its footer's row groups.
pub fn footer_rows(path: &Path) -> Result<u64> {
    let (_, metadata) = load(path)?;
    let groups = metadata.metadata().row_groups();
    Ok(groups.iter().map(|g| g.num_rows() as u64).sum())
}

/// A Parquet file's Arrow schema (as wasmprep reads it) and its row
/// groups' (rows, compressed bytes), from its footer. Errors, naming the
/// file and column, on what the reader cannot represent.
pub fn layout(path: &Path) -> Result<(SchemaRef, Vec<(u64, u64)>)> {
    let (_, metadata) = load(path)?;
    let groups = metadata
        .metadata()
        .row_groups()
        .iter()
        .map(|g| (g.num_rows() as u64, g.compressed_size() as u64))
        .collect();
    Ok((metadata.schema().clone(), groups))
}

/// Checks that `rows` were read where the footer promised `expected`: a
/// reader that silently skips data must not pass for an empty input.
pub fn check_rows_read(path: &Path, what: &str, expected: u64, rows: u64) -> Result<()> {
    if rows == expected {
        return Ok(());
    }
    Err(Error::RowCount {
        path: path.to_path_buf(),
        what: what.to_string(),
        expected,
        read: rows,
    })
}

/// Writes `batches` to a new Parquet file at `path` (float column orders
/// as older readers know them, see [`footer`]).
pub fn write(
    path: &Path,
    schema: SchemaRef,
    batches: &[RecordBatch],
    options: &WriteOptions,
) -> Result<()> {
    // Read and write: the footer is read back to fix its float orders.
    let file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let mut writer = ArrowWriter::try_new(
        file,
        schema.clone(),
        Some(options.properties(&schema, batches.first())?),
    )
    .map_err(writing(path))?;
    for b in batches {
        writer.write(b).map_err(writing(path))?;
    }
    let mut file = writer.into_inner().map_err(writing(path))?;
    footer::type_defined_float_order(&mut file).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that `batch`'s first column is encoded as `expected`, and that
    /// the batch reads back from a file equal to itself.
    fn assert_round_trips_as(batch: &RecordBatch, expected: encoding::Choice) {
        let choice = encoding::Choice::of(batch.column(0).data_type(), Some(batch.column(0)));
        assert_eq!(choice, Some(expected));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.parquet");
        let options = WriteOptions::default();
        write(&path, batch.schema(), std::slice::from_ref(batch), &options).unwrap();
        let (_, back) = read(&path, None, 1 << 16).unwrap();
        let back = arrow::compute::concat_batches(&back[0].schema(), &back).unwrap();
        assert_eq!(&back, batch, "{choice:?}");
    }

    /// Delta encoding (chosen for timestamps and durations that do not
    /// repeat) round-trips values whose differences overflow 64 bits, and
    /// nulls between them; so does a dictionary of the extremes.
    #[test]
    fn extreme_timestamps_and_durations_round_trip_in_every_encoding() {
        use arrow::array::{DurationSecondArray, TimestampMillisecondArray};
        let extremes = [i64::MIN, i64::MAX, 0, -1, i64::MIN + 1, 1, i64::MAX - 1];
        let spread = |n: usize| -> Vec<Option<i64>> {
            (0..n)
                .map(|i| (i % 5 != 3).then(|| extremes[i % extremes.len()] ^ (i as i64 * 7919)))
                .collect()
        };
        let repeated = |n: usize| -> Vec<Option<i64>> {
            (0..n)
                .map(|i| (i % 5 != 3).then(|| extremes[i % extremes.len()]))
                .collect()
        };
        for (values, expected) in [
            (spread(20_000), encoding::Choice::Delta),
            (repeated(20_000), encoding::Choice::Dictionary),
        ] {
            let ts: arrow::array::ArrayRef =
                std::sync::Arc::new(TimestampMillisecondArray::from(values.clone()));
            let d: arrow::array::ArrayRef = std::sync::Arc::new(DurationSecondArray::from(values));
            let batch = RecordBatch::try_from_iter([("ts", ts), ("d", d)]).unwrap();
            assert_round_trips_as(&batch, expected);
        }
    }

    /// Half floats (fixed-length byte arrays in Parquet) round-trip with a
    /// dictionary and without one.
    #[test]
    fn half_floats_round_trip_with_and_without_a_dictionary() {
        use arrow::array::Float16Array;
        use arrow::buffer::{Buffer, NullBuffer, ScalarBuffer};
        // Bit patterns: 50 values repeated, or 10,000 distinct ones (NaNs
        // among them), a null every seventh row.
        let half = |bits: Vec<u16>| -> arrow::array::ArrayRef {
            let n = bits.len();
            let nulls = NullBuffer::from_iter((0..n).map(|i| i % 7 != 0));
            let values = ScalarBuffer::new(Buffer::from_vec(bits), 0, n);
            std::sync::Arc::new(Float16Array::new(values, Some(nulls)))
        };
        let repeated = (0..10_000u16).map(|i| 0x3c00 + i % 50).collect();
        let spread = (0..10_000u16).map(|i| i.wrapping_mul(6553)).collect();
        for (x, expected) in [
            (half(repeated), encoding::Choice::Dictionary),
            (half(spread), encoding::Choice::Plain),
        ] {
            let batch = RecordBatch::try_from_iter([("x", x)]).unwrap();
            assert_round_trips_as(&batch, expected);
        }
    }

    /// A row group the plan named but the file no longer has is an error
    /// naming the file, not a panic.
    #[test]
    fn a_row_group_the_file_does_not_have_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.parquet");
        let x: arrow::array::ArrayRef =
            std::sync::Arc::new(arrow::array::Int32Array::from(vec![1, 2]));
        let batch = RecordBatch::try_from_iter([("x", x)]).unwrap();
        write(&path, batch.schema(), &[batch], &WriteOptions::default()).unwrap();
        let (_, all) = open_projected(&path, None, &[0], 16).unwrap();
        assert_eq!(all, vec![(0, 2)]);
        let err = open_projected(&path, Some(vec![0, 3]), &[0], 16).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("x.parquet") && text.contains("no row group 3"),
            "{text}"
        );
    }
}
