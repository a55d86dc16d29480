//! Reading and writing data: CSV with an explicit schema, Parquet, and the
//! typed CSV of golden test cases. Readers and writers know no plugins.

pub mod compression;
pub mod csv;
pub mod output;
pub mod parquet;
pub mod typed_csv;
pub mod verify;

use std::path::PathBuf;

/// An error reading or writing data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The OS error is the source (`{:#}` shows it).
    #[error("{}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The Parquet library's error is the source.
    #[error("{}: {context}", path.display())]
    Parquet {
        path: PathBuf,
        /// What was being done: `reading`, `writing`, `reading the footer`.
        context: &'static str,
        source: ::parquet::errors::ParquetError,
    },
    /// Decoding a batch of a Parquet file failed; Arrow's error is the
    /// source.
    #[error("{}: reading a batch", path.display())]
    ReadBatch {
        path: PathBuf,
        source: arrow::error::ArrowError,
    },
    /// An option or setting out of range, or that does not fit the input.
    #[error("{0}")]
    Options(String),
    /// The output directory holds another run's results.
    #[error(
        "{} already holds results ({}); pass --resume to finish that run or --overwrite to replace it",
        path.display(),
        if *complete { "a complete run" } else { "an unfinished run" }
    )]
    OutputInUse { path: PathBuf, complete: bool },
    /// `--resume` into results of another job.
    #[error(
        "{} was written by a different job (its spec, plugins, input files or wasmprep version \
         changed since; {file} records job {digest}); use --overwrite to start over",
        path.display()
    )]
    OtherJob {
        path: PathBuf,
        file: String,
        digest: String,
    },
    #[error("bad row at {0}")]
    BadRow(Box<csv::RowError>),
    #[error("{}: the header does not match the schema: {detail}", path.display())]
    HeaderMismatch { path: PathBuf, detail: String },
    #[error("{}: {message}", path.display())]
    Format { path: PathBuf, message: String },
    #[error("building a batch")]
    Arrow(#[from] arrow::error::ArrowError),
    /// Something in a Parquet file the reader cannot represent faithfully.
    #[error("{}: {}{what}", path.display(), column.as_ref().map(|c| format!("column `{c}`: ")).unwrap_or_default())]
    Unsupported {
        path: PathBuf,
        column: Option<String>,
        what: String,
    },
    /// Fewer (or more) rows read than the file's footer holds.
    #[error(
        "{}: {what}: the footer holds {expected} rows but {read} were read \
         (the file is damaged, or its layout is one the Parquet reader misreads)",
        path.display()
    )]
    RowCount {
        path: PathBuf,
        what: String,
        expected: u64,
        read: u64,
    },
}

/// `Result` with the I/O [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
