//! The contract's vocabulary: column specs, the contract itself and the
//! errors a plugin reports. The data types and their names come from
//! `wasmprep-contract`, which the host uses too.

use std::fmt;

pub use wasmprep_contract::{DataType, TimeUnit};

/// How a type's values are laid out in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Packed bits.
    Bits,
    /// Fixed-width values of this many bytes.
    Fixed(usize),
    /// Offsets of this many bytes each, then the bytes.
    Variable(usize),
}

impl Layout {
    /// The layout of `data_type`'s values.
    pub(crate) fn of(data_type: &DataType) -> Layout {
        use DataType::*;
        match data_type {
            Boolean => Layout::Bits,
            Int8 | UInt8 => Layout::Fixed(1),
            Int16 | UInt16 => Layout::Fixed(2),
            Int32 | UInt32 | Float32 | Date32 => Layout::Fixed(4),
            Int64 | UInt64 | Float64 | Timestamp(..) | Duration(_) => Layout::Fixed(8),
            Utf8 | Binary => Layout::Variable(4),
            LargeUtf8 | LargeBinary => Layout::Variable(8),
        }
    }
}

/// An error a plugin reports to the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The configuration is wrong.
    InvalidConfig(String),
    /// A value cannot be processed.
    InvalidInput {
        message: String,
        /// Row within the batch.
        row: Option<u32>,
        column: Option<String>,
    },
    /// Anything else.
    Failure(String),
}

impl Error {
    pub fn config(message: impl Into<String>) -> Self {
        Error::InvalidConfig(message.into())
    }

    /// A bad value at `row` of `column`.
    pub fn input(message: impl Into<String>, column: impl Into<String>, row: usize) -> Self {
        Error::InvalidInput {
            message: message.into(),
            row: Some(u32::try_from(row).unwrap_or(u32::MAX)),
            column: Some(column.into()),
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        Error::Failure(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidConfig(m) => write!(f, "invalid config: {m}"),
            Error::InvalidInput {
                message,
                row,
                column,
            } => wasmprep_contract::describe_invalid_input(f, message, column.as_deref(), *row),
            Error::Failure(m) => write!(f, "failure: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// `Result` with the plugin [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use crate::{DataType, TimeUnit};

    /// Plugin authors name types through the SDK, with the host's aliases.
    #[test]
    fn data_types_parse_and_print_through_the_sdk() {
        assert_eq!(
            DataType::parse("timestamp[ms]"),
            Some(DataType::Timestamp(TimeUnit::Millisecond, None))
        );
        assert_eq!(DataType::parse("float32").unwrap().to_string(), "float32");
        for (alias, t) in [
            ("int", DataType::Int32),
            ("float", DataType::Float32),
            ("double", DataType::Float64),
            ("date", DataType::Date32),
            ("boolean", DataType::Boolean),
            ("string", DataType::Utf8),
        ] {
            assert_eq!(DataType::parse(alias), Some(t));
        }
    }
}
