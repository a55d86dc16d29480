//! The contract's vocabulary: data types, column specs, the contract itself
//! and the errors a plugin reports.

use std::fmt;

/// Resolution of timestamps and durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    Second,
    Millisecond,
    Microsecond,
    Nanosecond,
}

impl TimeUnit {
    /// How many units make one second.
    pub fn per_second(self) -> i64 {
        match self {
            TimeUnit::Second => 1,
            TimeUnit::Millisecond => 1_000,
            TimeUnit::Microsecond => 1_000_000,
            TimeUnit::Nanosecond => 1_000_000_000,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            TimeUnit::Second => "s",
            TimeUnit::Millisecond => "ms",
            TimeUnit::Microsecond => "us",
            TimeUnit::Nanosecond => "ns",
        }
    }
}

/// The Arrow types a column may have at the plugin boundary.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DataType {
    Boolean,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Float32,
    Float64,
    Utf8,
    LargeUtf8,
    Binary,
    LargeBinary,
    /// Days since the Unix epoch, as i32.
    Date32,
    /// A count of `unit`s since the Unix epoch, as i64, with an optional zone.
    Timestamp(TimeUnit, Option<String>),
    /// A count of `unit`s, as i64.
    Duration(TimeUnit),
}

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

impl DataType {
    pub(crate) fn layout(&self) -> Layout {
        use DataType::*;
        match self {
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

impl DataType {
    /// Parses a type name as the host writes it: `bool`, `int8` ..
    /// `uint64`, `float32`, `float64`, `utf8`, `large_utf8`, `binary`,
    /// `large_binary`, `date32`, `timestamp[ms]`, `timestamp[us, UTC]`,
    /// `duration[ns]`.
    ///
    /// ```
    /// use wasmprep_sdk::{DataType, TimeUnit};
    /// assert_eq!(DataType::parse("timestamp[ms]"), Some(DataType::Timestamp(TimeUnit::Millisecond, None)));
    /// assert_eq!(DataType::parse("float32").unwrap().to_string(), "float32");
    /// ```
    pub fn parse(name: &str) -> Option<DataType> {
        let name = name.trim();
        let unit = |u: &str| match u.trim() {
            "s" => Some(TimeUnit::Second),
            "ms" => Some(TimeUnit::Millisecond),
            "us" => Some(TimeUnit::Microsecond),
            "ns" => Some(TimeUnit::Nanosecond),
            _ => None,
        };
        if let Some(args) = name
            .strip_prefix("timestamp[")
            .and_then(|r| r.strip_suffix(']'))
        {
            let mut parts = args.splitn(2, ',');
            let u = unit(parts.next()?)?;
            return Some(DataType::Timestamp(
                u,
                parts.next().map(|z| z.trim().to_string()),
            ));
        }
        if let Some(args) = name
            .strip_prefix("duration[")
            .and_then(|r| r.strip_suffix(']'))
        {
            return Some(DataType::Duration(unit(args)?));
        }
        use DataType::*;
        Some(match name {
            "bool" | "boolean" => Boolean,
            "int8" => Int8,
            "int16" => Int16,
            "int32" => Int32,
            "int64" => Int64,
            "uint8" => UInt8,
            "uint16" => UInt16,
            "uint32" => UInt32,
            "uint64" => UInt64,
            "float32" => Float32,
            "float64" => Float64,
            "utf8" | "string" => Utf8,
            "large_utf8" => LargeUtf8,
            "binary" => Binary,
            "large_binary" => LargeBinary,
            "date32" => Date32,
            _ => return None,
        })
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DataType::*;
        let name = match self {
            Boolean => "bool",
            Int8 => "int8",
            Int16 => "int16",
            Int32 => "int32",
            Int64 => "int64",
            UInt8 => "uint8",
            UInt16 => "uint16",
            UInt32 => "uint32",
            UInt64 => "uint64",
            Float32 => "float32",
            Float64 => "float64",
            Utf8 => "utf8",
            LargeUtf8 => "large_utf8",
            Binary => "binary",
            LargeBinary => "large_binary",
            Date32 => "date32",
            Timestamp(unit, None) => return write!(f, "timestamp[{}]", unit.suffix()),
            Timestamp(unit, Some(tz)) => return write!(f, "timestamp[{}, {tz}]", unit.suffix()),
            Duration(unit) => return write!(f, "duration[{}]", unit.suffix()),
        };
        f.write_str(name)
    }
}

/// A column a plugin reads or writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: String,
    pub data_type: DataType,
    /// For an input, whether nulls are accepted; for an output, whether
    /// nulls may be produced.
    pub nullable: bool,
}

/// What a plugin does with a given configuration: which columns it reads,
/// which it writes and whether it filters rows.
///
/// ```
/// use wasmprep_sdk::{Contract, DataType};
///
/// let contract = Contract::new("tip-ratio", "0.1.0")
///     .input("tip_amount", DataType::Float32)
///     .input("fare_amount", DataType::Float32)
///     .nullable_output("tip_ratio", DataType::Float32);
/// assert_eq!(contract.inputs.len(), 2);
/// assert!(!contract.filters);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contract {
    pub name: String,
    pub version: String,
    pub inputs: Vec<ColumnSpec>,
    pub outputs: Vec<ColumnSpec>,
    pub filters: bool,
}

impl Contract {
    /// A contract with no columns that does not filter.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Contract {
            name: name.into(),
            version: version.into(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            filters: false,
        }
    }

    /// Reads a column that may hold nulls.
    pub fn input(mut self, name: impl Into<String>, data_type: DataType) -> Self {
        self.inputs.push(ColumnSpec {
            name: name.into(),
            data_type,
            nullable: true,
        });
        self
    }

    /// Reads a column that must not hold nulls: the host refuses a batch
    /// whose column has any.
    pub fn required_input(mut self, name: impl Into<String>, data_type: DataType) -> Self {
        self.inputs.push(ColumnSpec {
            name: name.into(),
            data_type,
            nullable: false,
        });
        self
    }

    /// Writes a column without nulls.
    pub fn output(mut self, name: impl Into<String>, data_type: DataType) -> Self {
        self.outputs.push(ColumnSpec {
            name: name.into(),
            data_type,
            nullable: false,
        });
        self
    }

    /// Writes a column that may hold nulls.
    pub fn nullable_output(mut self, name: impl Into<String>, data_type: DataType) -> Self {
        self.outputs.push(ColumnSpec {
            name: name.into(),
            data_type,
            nullable: true,
        });
        self
    }

    /// Declares that `process` returns a row selection.
    pub fn filters(mut self) -> Self {
        self.filters = true;
        self
    }

    /// Position of an input column by name.
    pub fn input_index(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|c| c.name == name)
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
            } => {
                write!(f, "invalid input")?;
                if let Some(c) = column {
                    write!(f, " in column `{c}`")?;
                }
                if let Some(r) = row {
                    write!(f, " at row {r}")?;
                }
                write!(f, ": {message}")
            }
            Error::Failure(m) => write!(f, "failure: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// `Result` with the plugin [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
