//! What `process` receives and returns.

use crate::builder::Selection;
use crate::column::{BoolView, BytesView, Column, Native, PrimitiveView, StrView};
use crate::types::{Error, Layout, Result};
use crate::{ColumnSpec, Contract};

/// The input columns of one batch, as the contract declared them.
#[derive(Debug)]
pub struct Batch {
    specs: Vec<ColumnSpec>,
    columns: Vec<Option<Column>>,
    len: usize,
}

impl Batch {
    /// Pairs columns received from the host with the contract's inputs,
    /// checking their number, types and lengths.
    pub fn new(contract: &Contract, columns: Vec<Column>) -> Result<Self> {
        if columns.len() != contract.inputs.len() {
            return Err(Error::failure(format!(
                "received {} columns, the contract declares {} inputs",
                columns.len(),
                contract.inputs.len()
            )));
        }
        let len = columns.first().map_or(0, Column::len);
        let mut typed = Vec::with_capacity(columns.len());
        for (spec, column) in contract.inputs.iter().zip(columns) {
            if column.len() != len {
                return Err(Error::failure(format!(
                    "input `{}` has {} rows, the first input {len}",
                    spec.name,
                    column.len()
                )));
            }
            if Layout::of(column.data_type()) != Layout::of(&spec.data_type) {
                return Err(Error::failure(format!(
                    "input `{}` is {}, the contract declares {}",
                    spec.name,
                    column.data_type(),
                    spec.data_type
                )));
            }
            typed.push(Some(column.retyped(&spec.data_type)?));
        }
        Ok(Batch {
            specs: contract.inputs.clone(),
            columns: typed,
            len,
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The input column called `name`.
    pub fn column(&self, name: &str) -> Result<&Column> {
        let i = self.index(name)?;
        self.columns[i]
            .as_ref()
            .ok_or_else(|| Error::failure(format!("input `{name}` was taken out of the batch")))
    }

    /// Moves the input column called `name` out of the batch, to return it
    /// (or a column built in its buffers) without a copy.
    pub fn take(&mut self, name: &str) -> Result<Column> {
        let i = self.index(name)?;
        self.columns[i]
            .take()
            .ok_or_else(|| Error::failure(format!("input `{name}` was taken out of the batch")))
    }

    fn index(&self, name: &str) -> Result<usize> {
        self.specs
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| Error::failure(format!("`{name}` is not an input of the contract")))
    }

    /// The input `name` as fixed-width values of `T`.
    pub fn primitive<T: Native>(&self, name: &str) -> Result<PrimitiveView<'_, T>> {
        self.column(name)?
            .primitive::<T>()
            .map_err(|e| in_column(e, name))
    }

    pub fn bool(&self, name: &str) -> Result<BoolView<'_>> {
        self.column(name)?.bool().map_err(|e| in_column(e, name))
    }

    pub fn utf8(&self, name: &str) -> Result<StrView<'_>> {
        self.column(name)?.utf8().map_err(|e| in_column(e, name))
    }

    pub fn binary(&self, name: &str) -> Result<BytesView<'_>> {
        self.column(name)?.binary().map_err(|e| in_column(e, name))
    }
}

fn in_column(e: Error, name: &str) -> Error {
    match e {
        Error::Failure(m) => Error::failure(format!("input `{name}`: {m}")),
        other => other,
    }
}

/// What `process` returns: one column per declared output, in contract
/// order, and a selection when the contract filters.
#[derive(Debug, Default)]
pub struct Output {
    pub(crate) columns: Vec<Column>,
    pub(crate) selection: Option<Selection>,
}

impl Output {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the next declared output column.
    pub fn column(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }

    /// Sets the rows to keep.
    pub fn select(mut self, selection: Selection) -> Self {
        self.selection = Some(selection);
        self
    }

    /// The columns and selection after checking them against the contract:
    /// count, types, lengths and nulls. Columns built from a type of the
    /// same layout (an `i64` builder for a timestamp) take the declared type.
    pub fn check(
        self,
        contract: &Contract,
        rows: usize,
    ) -> Result<(Vec<Column>, Option<Selection>)> {
        if self.columns.len() != contract.outputs.len() {
            return Err(Error::failure(format!(
                "returned {} columns, the contract declares {} outputs",
                self.columns.len(),
                contract.outputs.len()
            )));
        }
        let mut columns = Vec::with_capacity(self.columns.len());
        for (spec, column) in contract.outputs.iter().zip(self.columns) {
            if column.len() != rows {
                return Err(Error::failure(format!(
                    "output `{}` has {} rows, the batch {rows}",
                    spec.name,
                    column.len()
                )));
            }
            if !spec.nullable && column.null_count() > 0 {
                return Err(Error::failure(format!(
                    "output `{}` has {} nulls but is declared without nulls",
                    spec.name,
                    column.null_count()
                )));
            }
            let column = column
                .retyped(&spec.data_type)
                .map_err(|e| in_output(e, &spec.name))?;
            columns.push(column);
        }
        match (&self.selection, contract.filters) {
            (Some(s), true) if s.len() != rows => Err(Error::failure(format!(
                "selection has {} rows, the batch {rows}",
                s.len()
            ))),
            (None, true) => Err(Error::failure(
                "the contract filters but no selection was returned",
            )),
            (Some(_), false) => Err(Error::failure(
                "a selection was returned but the contract does not filter",
            )),
            _ => Ok((columns, self.selection)),
        }
    }
}

fn in_output(e: Error, name: &str) -> Error {
    match e {
        Error::Failure(m) => Error::failure(format!("output `{name}`: {m}")),
        other => other,
    }
}

/// What a plugin received as configuration: text keys and values. Reading
/// a key marks it used; keys never read are reported as unknown, so a typo
/// in a job's config is an error, not a silent default.
///
/// ```
/// use wasmprep_sdk::Config;
///
/// let mut config = Config::from_pairs([("resolution", "0.01"), ("output", "d")]);
/// assert_eq!(config.f64_or("resolution", 1.0).unwrap(), 0.01);
/// assert_eq!(config.str_or("output", "h_distance"), "d");
/// assert!(config.finish().is_ok());
///
/// let mut config = Config::from_pairs([("reslution", "0.01")]);
/// assert_eq!(config.f64_or("resolution", 1.0).unwrap(), 1.0);
/// assert!(config.finish().unwrap_err().to_string().contains("reslution"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Config {
    entries: Vec<(String, String, bool)>,
}

impl Config {
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Config {
            entries: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into(), false))
                .collect(),
        }
    }

    /// The text of `key`, if present.
    pub fn get(&mut self, key: &str) -> Option<&str> {
        let entry = self.entries.iter_mut().find(|(k, _, _)| k == key)?;
        entry.2 = true;
        Some(&entry.1)
    }

    pub fn str_or(&mut self, key: &str, default: &str) -> String {
        self.get(key).unwrap_or(default).to_string()
    }

    /// `key` parsed as `T`, or `default` when absent.
    pub fn parse_or<T: std::str::FromStr>(&mut self, key: &str, default: T) -> Result<T> {
        match self.get(key) {
            None => Ok(default),
            Some(text) => text.trim().parse().map_err(|_| {
                Error::config(format!(
                    "`{key}` = {text:?} is not a valid {}",
                    std::any::type_name::<T>()
                ))
            }),
        }
    }

    pub fn f64_or(&mut self, key: &str, default: f64) -> Result<f64> {
        self.parse_or(key, default)
    }

    pub fn i64_or(&mut self, key: &str, default: i64) -> Result<i64> {
        self.parse_or(key, default)
    }

    pub fn bool_or(&mut self, key: &str, default: bool) -> Result<bool> {
        self.parse_or(key, default)
    }

    /// Every key, for plugins that take free-form configuration; marks all
    /// of them used.
    pub fn entries(&mut self) -> Vec<(String, String)> {
        self.entries
            .iter_mut()
            .map(|e| {
                e.2 = true;
                (e.0.clone(), e.1.clone())
            })
            .collect()
    }

    /// Fails when a key was never read.
    pub fn finish(&self) -> Result<()> {
        let unknown: Vec<&str> = self
            .entries
            .iter()
            .filter(|e| !e.2)
            .map(|e| e.0.as_str())
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(Error::config(format!(
                "unknown key(s): {}",
                unknown.join(", ")
            )))
        }
    }
}
