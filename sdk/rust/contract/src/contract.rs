//! The contract a plugin declares: its name and version, the columns it
//! reads and writes, whether it filters rows; and the wording of the errors
//! a plugin reports, which the host and the SDK print alike.

use std::fmt;

use crate::DataType;

/// A column a plugin reads or writes. `T` is the type's representation:
/// [`DataType`] in plugins, Arrow's on the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnSpec<T = DataType> {
    pub name: String,
    pub data_type: T,
    /// For an input, whether nulls are accepted; for an output, whether
    /// nulls may be produced.
    pub nullable: bool,
}

/// What a plugin does with a given configuration: which columns it reads,
/// which it writes and whether it filters rows.
///
/// ```
/// use wasmprep_contract::{Contract, DataType};
///
/// let contract = Contract::new("tip-ratio", "0.1.0")
///     .input("tip_amount", DataType::Float32)
///     .input("fare_amount", DataType::Float32)
///     .nullable_output("tip_ratio", DataType::Float32);
/// assert_eq!(contract.inputs.len(), 2);
/// assert!(!contract.filters);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contract<T = DataType> {
    pub name: String,
    pub version: String,
    pub inputs: Vec<ColumnSpec<T>>,
    pub outputs: Vec<ColumnSpec<T>>,
    pub filters: bool,
}

impl<T> Contract<T> {
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
    pub fn input(mut self, name: impl Into<String>, data_type: T) -> Self {
        self.inputs.push(ColumnSpec {
            name: name.into(),
            data_type,
            nullable: true,
        });
        self
    }

    /// Reads a column that must not hold nulls: the host refuses a batch
    /// whose column has any.
    pub fn required_input(mut self, name: impl Into<String>, data_type: T) -> Self {
        self.inputs.push(ColumnSpec {
            name: name.into(),
            data_type,
            nullable: false,
        });
        self
    }

    /// Writes a column without nulls.
    pub fn output(mut self, name: impl Into<String>, data_type: T) -> Self {
        self.outputs.push(ColumnSpec {
            name: name.into(),
            data_type,
            nullable: false,
        });
        self
    }

    /// Writes a column that may hold nulls.
    pub fn nullable_output(mut self, name: impl Into<String>, data_type: T) -> Self {
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

/// Writes a plugin's "invalid input" error: `invalid input in column `c`
/// at row r: message` (column and row when known).
pub fn describe_invalid_input(
    f: &mut fmt::Formatter<'_>,
    message: &str,
    column: Option<&str>,
    row: Option<impl fmt::Display>,
) -> fmt::Result {
    write!(f, "invalid input")?;
    if let Some(c) = column {
        write!(f, " in column `{c}`")?;
    }
    if let Some(r) = row {
        write!(f, " at row {r}")?;
    }
    write!(f, ": {message}")
}
