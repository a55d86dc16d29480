//! Quarantined rows: the rows a reader rejected, kept byte for byte with
//! the file, line, column and reason, and written beside the partition's
//! part file (`_rejected/part-NNNNN.csv` or `.jsonl`) when it commits.

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::io::csv::RowError;

/// How quarantined rows are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuarantineFormat {
    /// `file,line,column,reason,record` per row.
    #[default]
    Csv,
    /// One JSON object per row.
    Jsonl,
}

impl QuarantineFormat {
    /// The quarantine file's extension.
    pub fn extension(self) -> &'static str {
        match self {
            QuarantineFormat::Csv => "csv",
            QuarantineFormat::Jsonl => "jsonl",
        }
    }
}

/// The quarantined rows of one partition, held until it commits.
#[derive(Debug)]
pub struct Quarantine {
    format: QuarantineFormat,
    text: Vec<u8>,
    rows: u64,
}

impl Quarantine {
    pub fn new(format: QuarantineFormat) -> Self {
        Quarantine {
            format,
            text: Vec::new(),
            rows: 0,
        }
    }

    /// Rows quarantined so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn format(&self) -> QuarantineFormat {
        self.format
    }

    /// The file's content.
    pub fn bytes(&self) -> &[u8] {
        &self.text
    }

    /// Adds a rejected row. The record is kept byte for byte: in CSV as a
    /// quoted field (quotes doubled, nothing else changed, even bytes that
    /// are not UTF-8); in JSON lines as text, or base64 with
    /// `"record_encoding": "base64"` when it is not UTF-8.
    pub fn push(&mut self, e: &RowError) {
        self.rows += 1;
        match self.format {
            QuarantineFormat::Csv => self.push_csv(e),
            QuarantineFormat::Jsonl => self.push_json(e),
        }
    }

    fn push_csv(&mut self, e: &RowError) {
        if self.text.is_empty() {
            self.text
                .extend_from_slice(b"file,line,column,reason,record\n");
        }
        let file = e.file.display().to_string();
        push_csv_field(&mut self.text, file.as_bytes());
        let _ = write!(self.text, ",{},", e.line);
        push_csv_field(&mut self.text, e.column.as_deref().unwrap_or("").as_bytes());
        self.text.push(b',');
        push_csv_field(&mut self.text, e.reason.as_bytes());
        self.text.push(b',');
        push_csv_field(&mut self.text, &e.record);
        self.text.push(b'\n');
    }

    fn push_json(&mut self, e: &RowError) {
        let mut line = serde_json::json!({
            "file": e.file.display().to_string(), "line": e.line, "column": e.column, "reason": e.reason,
        });
        match std::str::from_utf8(&e.record) {
            Ok(text) => line["record"] = text.into(),
            Err(_) => {
                use base64::Engine;
                line["record"] = base64::engine::general_purpose::STANDARD
                    .encode(&e.record)
                    .into();
                line["record_encoding"] = "base64".into();
            }
        }
        let _ = writeln!(self.text, "{line}");
    }
}

/// Appends `field` quoted, its quotes doubled: the bytes otherwise as they are.
fn push_csv_field(out: &mut Vec<u8>, field: &[u8]) {
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}
