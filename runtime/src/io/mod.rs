//! Reading and writing data: CSV with an explicit schema, Parquet, and the
//! typed CSV of golden test cases. Readers and writers know no plugins.

pub mod commit;
pub mod compression;
pub mod csv;
pub mod parquet;
pub mod typed_csv;

use std::path::PathBuf;

/// An error reading or writing data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Options(String),
    #[error("bad row at {0}")]
    BadRow(Box<csv::RowError>),
    #[error("{}: the header does not match the schema: {detail}", path.display())]
    HeaderMismatch { path: PathBuf, detail: String },
    #[error("{}: {message}", path.display())]
    Format { path: PathBuf, message: String },
    #[error("{0}")]
    Arrow(String),
}

/// `Result` with the I/O [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
