//! What the Parquet reader cannot represent, found from the footer before
//! any data is read: `validate` and `run` refuse such a file up front,
//! naming the file, the column and the feature.

use std::fs::File;
use std::path::Path;

use parquet::basic::Compression;
use parquet::file::metadata::{
    ColumnChunkMetaData, FileMetaData, ParquetMetaData, ParquetMetaDataBuilder,
};

use super::footer::Encryption;
use crate::io::Error;

/// The error for an encrypted file, naming its encrypted columns when the
/// footer is readable.
pub fn encrypted(path: &Path, encryption: &Encryption, file: &File) -> Error {
    let unsupported = |column, what: &str| Error::Unsupported {
        path: path.to_path_buf(),
        column,
        what: format!("{what}; encrypted Parquet files are not supported (decrypt them first)"),
    };
    let columns = match encryption {
        Encryption::Footer => return unsupported(None, "the footer is encrypted (magic PARE)"),
        Encryption::Columns(columns) => columns,
    };
    let names = leaf_names(file);
    let named: Vec<String> = columns
        .iter()
        .map(|&i| names.get(i).cloned().unwrap_or_else(|| format!("#{i}")))
        .collect();
    match named.split_first() {
        Some((first, [])) => unsupported(Some(first.clone()), "encrypted (plaintext footer)"),
        Some(_) => unsupported(
            None,
            &format!(
                "columns {} are encrypted (plaintext footer)",
                named.join(", ")
            ),
        ),
        None => unsupported(
            None,
            "the file declares an encryption algorithm (plaintext footer)",
        ),
    }
}

/// Dotted paths of the schema's leaf columns, in order (empty if the
/// footer does not parse).
fn leaf_names(file: &File) -> Vec<String> {
    let metadata = file.try_clone().ok().and_then(|f| {
        parquet::file::metadata::ParquetMetaDataReader::new()
            .parse_and_finish(&f)
            .ok()
    });
    let Some(metadata) = metadata else {
        return Vec::new();
    };
    metadata
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.path().string())
        .collect()
}

/// The footer with its total row count made the sum of its row groups'
/// when the two disagree (`None` when they agree). The reader sizes its
/// batches by the total, so a writer that left it 0 (as early parquet-rs
/// did for `repeated_no_annotation.parquet`) made every row vanish; the row
/// groups are what pyarrow and DuckDB read.
pub fn total_from_row_groups(path: &Path, metadata: &ParquetMetaData) -> Option<ParquetMetaData> {
    let rows: i64 = metadata.row_groups().iter().map(|g| g.num_rows()).sum();
    let file = metadata.file_metadata();
    if file.num_rows() == rows {
        return None;
    }
    tracing::warn!(
        path = %path.display(),
        footer = file.num_rows(),
        row_groups = rows,
        "The footer's row count is not its row groups' sum; reading the row groups."
    );
    let fixed = FileMetaData::new(
        file.version(),
        rows,
        file.created_by().map(str::to_string),
        file.key_value_metadata().cloned(),
        file.schema_descr_ptr(),
        file.column_orders().cloned(),
    );
    Some(
        ParquetMetaDataBuilder::new(fixed)
            .set_row_groups(metadata.row_groups().to_vec())
            .build(),
    )
}

/// Checks every column chunk of every row group.
pub fn readable(path: &Path, metadata: &ParquetMetaData) -> Result<(), Error> {
    for group in metadata.row_groups() {
        for column in group.columns() {
            codec(path, column)?;
            values(path, column, group.num_rows())?;
        }
    }
    Ok(())
}

/// The codecs this build decodes (the parquet crate's features in the
/// workspace's Cargo.toml).
fn codec(path: &Path, column: &ColumnChunkMetaData) -> Result<(), Error> {
    match column.compression() {
        Compression::UNCOMPRESSED
        | Compression::SNAPPY
        | Compression::GZIP(_)
        | Compression::LZ4
        | Compression::LZ4_RAW
        | Compression::BROTLI(_)
        | Compression::ZSTD(_) => Ok(()),
        other => Err(Error::Unsupported {
            path: path.to_path_buf(),
            column: Some(column.column_path().string()),
            what: format!(
                "compression codec {other} is not supported \
                 (supported: uncompressed, snappy, gzip, lz4, lz4_raw, brotli, zstd)"
            ),
        }),
    }
}

/// A column chunk holds a value (or a null, or an empty list) per row: at
/// least as many as its row group's rows, exactly as many when the column
/// is not repeated. Anything else is a footer the reader would misread.
fn values(path: &Path, column: &ColumnChunkMetaData, rows: i64) -> Result<(), Error> {
    let repeated = column.column_descr().max_rep_level() > 0;
    let values = column.num_values();
    let consistent = if repeated {
        values >= rows
    } else {
        values == rows
    };
    if consistent {
        return Ok(());
    }
    Err(Error::Unsupported {
        path: path.to_path_buf(),
        column: Some(column.column_path().string()),
        what: format!(
            "its row group has {rows} rows but the column {values} values; the footer is inconsistent"
        ),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use parquet::schema::parser::parse_message_type;
    use parquet::schema::types::SchemaDescriptor;

    use super::*;

    fn chunk(compression: Compression, values: i64) -> ColumnChunkMetaData {
        let schema = parse_message_type("message m { required int32 x; }").unwrap();
        let descr = SchemaDescriptor::new(Arc::new(schema));
        ColumnChunkMetaData::builder(descr.column(0))
            .set_compression(compression)
            .set_num_values(values)
            .build()
            .unwrap()
    }

    #[test]
    fn an_unsupported_codec_is_named_with_file_and_column() {
        let path = Path::new("in.parquet");
        assert!(codec(path, &chunk(Compression::ZSTD(Default::default()), 1)).is_ok());
        let err = codec(path, &chunk(Compression::LZO, 1))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("in.parquet: column `x`: compression codec LZO is not supported"),
            "{err}"
        );
    }

    #[test]
    fn a_column_with_fewer_values_than_rows_is_refused() {
        let path = Path::new("in.parquet");
        assert!(values(path, &chunk(Compression::UNCOMPRESSED, 6), 6).is_ok());
        let err = values(path, &chunk(Compression::UNCOMPRESSED, 5), 6)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("column `x`: its row group has 6 rows but the column 5"),
            "{err}"
        );
    }
}
