//! How a CSV file is laid out, and its columns.

use arrow::datatypes::DataType;
use serde::{Deserialize, Serialize};

use crate::io::{Error, Result};

/// How a CSV file is laid out.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CsvOptions {
    /// Whether the first line names the columns (checked against the schema).
    pub header: bool,
    /// Field separator, one ASCII character.
    pub delimiter: char,
    /// Quote character, one ASCII character; `quoting = false` turns quoting off.
    pub quote: char,
    /// Whether quotes are honoured.
    pub quoting: bool,
    /// Escape character inside quotes (default: none, a quote is escaped by
    /// doubling it).
    pub escape: Option<char>,
    /// Field texts read as null. The empty field is null by default.
    pub null_values: Vec<String>,
    /// Whether quoted values may contain line breaks. Such files cannot be
    /// split at arbitrary byte offsets, so each is read as one partition.
    pub newlines_in_values: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            header: true,
            delimiter: ',',
            quote: '"',
            quoting: true,
            escape: None,
            null_values: vec![String::new()],
            newlines_in_values: false,
        }
    }
}

impl CsvOptions {
    /// Checks the layout: delimiter, quote and escape are ASCII, not line
    /// breaks, and distinct (one character with two roles would split
    /// records where the file does not).
    pub fn check(&self) -> Result<()> {
        let mut roles = vec![("delimiter", self.delimiter)];
        if self.quoting {
            roles.push(("quote", self.quote));
            roles.extend(self.escape.map(|e| ("escape", e)));
        }
        for (i, &(what, c)) in roles.iter().enumerate() {
            Self::ascii(c, what)?;
            if c == '\n' || c == '\r' {
                return Err(Error::Options(format!(
                    "input.csv.{what} cannot be a line break"
                )));
            }
            if let Some((other, _)) = roles[..i].iter().find(|(_, o)| *o == c) {
                let hint = if what == "escape" {
                    " (leave escape unset for quotes escaped by doubling them)"
                } else {
                    ""
                };
                return Err(Error::Options(format!(
                    "input.csv.{what} and input.csv.{other} are both {c:?}{hint}"
                )));
            }
        }
        Ok(())
    }

    pub(super) fn ascii(c: char, what: &str) -> Result<u8> {
        if c.is_ascii() {
            Ok(c as u8)
        } else {
            Err(Error::Options(format!(
                "{what} must be one ASCII character, not {c:?}"
            )))
        }
    }

    pub(super) fn core_reader(&self) -> Result<csv_core::Reader> {
        let mut b = csv_core::ReaderBuilder::new();
        b.delimiter(Self::ascii(self.delimiter, "delimiter")?)
            .quote(Self::ascii(self.quote, "quote")?)
            .quoting(self.quoting)
            .escape(self.escape.map(|e| Self::ascii(e, "escape")).transpose()?)
            .double_quote(self.escape.is_none())
            // Records end at line feeds only, where byte ranges are cut: with
            // csv-core's default, a lone carriage return would end a record
            // that the ranges do not see end, and rows between a range's end
            // and the next line feed would be read by no range.
            .terminator(csv_core::Terminator::Any(b'\n'));
        Ok(b.build())
    }
}

/// One column of a CSV file: its name, type and, for dates and timestamps,
/// an optional strftime format (ISO 8601 when none).
#[derive(Clone, Debug, PartialEq)]
pub struct CsvColumn {
    pub name: String,
    pub data_type: DataType,
    pub format: Option<String>,
}
