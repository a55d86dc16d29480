//! CSV to Arrow with an explicit schema: no inference, every value parsed
//! to its declared type, every bad row reported with its file and line.

mod decode;
mod infer;
mod options;
mod split;
pub(crate) mod values;

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::{Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;

use self::decode::{ColumnBuilder, Parser};
pub use self::infer::infer_columns;
pub use self::options::{CsvColumn, CsvOptions};
pub(crate) use self::split::{header_fields, split_line};
use self::split::{spans_lines, trim_terminator};
use super::compression::Compression;
use super::{Error, Result};

/// A problem with one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub file: PathBuf,
    /// 1-based line where the record starts.
    pub line: u64,
    /// The column, when one field is at fault.
    pub column: Option<String>,
    pub reason: String,
    /// The raw record, without its line terminator.
    pub record: Vec<u8>,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)?;
        if let Some(c) = &self.column {
            write!(f, ", column `{c}`")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What to do with a row that does not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadRows {
    /// Stop with an error naming the file, line and column.
    Fail,
    /// Set the row aside (see [`CsvReader::take_rejected`]) and go on.
    Reject,
}

/// Reads the records of one file whose first byte lies in a byte range,
/// as record batches of the schema's columns.
pub struct CsvReader {
    /// The file's bytes (decompressed), from the range's start.
    input: Box<dyn Read + Send>,
    /// Whether the file is compressed: then it is read whole, and lines are
    /// counted as the buffer moves on (it cannot be read again cheaply).
    compressed: bool,
    /// With `compressed`: lines before `buf[0]`, 1-based.
    buf_line: u64,
    path: PathBuf,
    columns: Vec<CsvColumn>,
    /// For each file column, its builder (None: not read).
    builders: Vec<Option<ColumnBuilder>>,
    schema: SchemaRef,
    bad_rows: BadRows,
    rejected: Vec<RowError>,
    batch_size: usize,
    /// Most text and binary bytes in one batch ([`MAX_BATCH_BYTES`]): a batch
    /// ends early rather than grow past it.
    max_batch_bytes: usize,
    /// Raw bytes of the records read into the batch being built.
    batch_raw_bytes: usize,
    /// File offset of the first row of the batch being built, and of the
    /// last batch returned (for [`CsvReader::first_line_of_last_batch`]).
    batch_first: u64,
    last_batch_first: u64,
    /// `CsvOptions::newlines_in_values`: whether a record may span lines.
    newlines_in_values: bool,
    nulls: Vec<Vec<u8>>,

    /// File offset of `buf[0]`.
    buf_offset: u64,
    buf: Vec<u8>,
    /// Start of unconsumed data in `buf`.
    pos: usize,
    /// Records starting at or after this offset belong to the next range.
    end: u64,
    eof: bool,
    /// Whether the next record is the header, to check and skip.
    header_pending: bool,
    /// A line number known for an offset, for counting lines lazily.
    line_mark: (u64, u64),
    rows_read: u64,
    /// Scratch space for csv-core (records with quotes).
    field_buf: Vec<u8>,
    ends: Vec<usize>,
    /// Where the current record's fields are: byte ranges of `buf` (records
    /// without quotes, split in place) or of `field_buf` (unquoted by
    /// csv-core).
    spans: Vec<(usize, usize)>,
    spans_in_buf: bool,
    /// Fast null check for the common `null_values = [""]`.
    only_empty_is_null: bool,
    delimiter: u8,
    quote: Option<u8>,
    /// csv-core's reader for quoted records, built once (between calls of
    /// `next_batch` it is always here).
    core: Option<csv_core::Reader>,
}

const READ_BLOCK: usize = 4 << 20;

/// Raw record bytes one batch holds at most (so its text and binary values
/// too): bounds a batch's memory whatever the rows per batch, and keeps
/// utf8/binary offsets (32-bit) far from overflow.
pub const MAX_BATCH_BYTES: usize = 256 << 20;

impl CsvReader {
    /// A reader of the records starting in `range` of `path` (all of it when
    /// `None`). `projection` lists the file columns to read (all when None).
    pub fn open(
        path: &Path,
        options: &CsvOptions,
        columns: &[CsvColumn],
        projection: Option<&[usize]>,
        range: Option<(u64, u64)>,
        batch_size: usize,
        bad_rows: BadRows,
    ) -> Result<Self> {
        let (input, compression, (start, end)) = open_range(path, range)?;
        let (builders, schema) = builders(columns, projection, batch_size)?;
        let mut reader = CsvReader {
            path: path.to_path_buf(),
            columns: columns.to_vec(),
            builders,
            schema,
            bad_rows,
            rejected: Vec::new(),
            batch_size: batch_size.max(1),
            max_batch_bytes: MAX_BATCH_BYTES,
            batch_raw_bytes: 0,
            batch_first: 0,
            last_batch_first: 0,
            newlines_in_values: options.newlines_in_values,
            nulls: options
                .null_values
                .iter()
                .map(|s| s.as_bytes().to_vec())
                .collect(),
            buf_offset: start,
            buf: Vec::new(),
            pos: 0,
            end,
            eof: false,
            header_pending: options.header && start == 0,
            line_mark: (0, 1),
            rows_read: 0,
            field_buf: vec![0; 64 * 1024],
            ends: vec![0; columns.len() + 8],
            spans: Vec::with_capacity(columns.len() + 8),
            spans_in_buf: false,
            only_empty_is_null: options.null_values.len() == 1 && options.null_values[0].is_empty(),
            delimiter: CsvOptions::ascii(options.delimiter, "delimiter")?,
            quote: if options.quoting {
                Some(CsvOptions::ascii(options.quote, "quote")?)
            } else {
                None
            },
            core: Some(options.core_reader()?),
            input,
            compressed: compression != Compression::None,
            buf_line: 1,
        };
        if start > 0 {
            reader.skip_to_line_start()?;
        }
        Ok(reader)
    }

    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// Rows set aside since the last call (with [`BadRows::Reject`]).
    pub fn take_rejected(&mut self) -> Vec<RowError> {
        std::mem::take(&mut self.rejected)
    }

    /// Records read so far (parsed or rejected; not the header).
    pub fn rows_read(&self) -> u64 {
        self.rows_read
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// Reads more of the file into the buffer. Returns false at EOF.
    #[cfg_attr(feature = "stage-profile", inline(never))]
    fn fill(&mut self) -> Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            if self.compressed {
                self.buf_line += memchr::memchr_iter(b'\n', &self.buf[..self.pos]).count() as u64;
            }
            self.buf.drain(..self.pos);
            self.buf_offset += self.pos as u64;
            self.pos = 0;
        }
        let old = self.buf.len();
        // Read what the range still needs (plus a margin for the record
        // straddling its end), up to a block.
        let file_pos = self.buf_offset + old as u64;
        let wanted = usize::try_from(self.end.saturating_sub(file_pos))
            .unwrap_or(usize::MAX)
            .saturating_add(64 << 10);
        self.buf.resize(old + wanted.clamp(64 << 10, READ_BLOCK), 0);
        let mut filled = old;
        while filled < self.buf.len() {
            match self.input.read(&mut self.buf[filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io(e)),
            }
        }
        self.buf.truncate(filled);
        Ok(filled > old)
    }

    /// Positions at the first record starting at or after the range start:
    /// the reader was seeked one byte before it, so a record starting right
    /// at the range start (preceded by a newline) is kept.
    fn skip_to_line_start(&mut self) -> Result<()> {
        self.buf_offset -= 1;
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.pos..]) {
                self.pos += i + 1;
                return Ok(());
            }
            self.pos = self.buf.len();
            if !self.fill()? {
                return Ok(());
            }
        }
    }

    /// 1-based line number of the record starting at file offset `offset`,
    /// counting newlines lazily from the last known mark.
    fn line_of(&mut self, offset: u64) -> Result<u64> {
        if self.compressed {
            // The record is in the buffer: count from its start.
            let upto = (offset - self.buf_offset) as usize;
            let within = memchr::memchr_iter(b'\n', &self.buf[..upto]).count() as u64;
            return Ok(self.buf_line + within);
        }
        let (mark_offset, mark_line) = self.line_mark;
        let (from, base) = if offset >= mark_offset {
            (mark_offset, mark_line)
        } else {
            (0, 1)
        };
        let mut file = File::open(&self.path).map_err(|e| self.io(e))?;
        file.seek(SeekFrom::Start(from)).map_err(|e| self.io(e))?;
        let mut remaining = offset - from;
        let mut lines = base;
        let mut chunk = vec![0u8; 1 << 20];
        while remaining > 0 {
            let want = remaining.min(chunk.len() as u64) as usize;
            let n = file.read(&mut chunk[..want]).map_err(|e| self.io(e))?;
            if n == 0 {
                break;
            }
            lines += memchr::memchr_iter(b'\n', &chunk[..n]).count() as u64;
            remaining -= n as u64;
        }
        self.line_mark = (offset, lines);
        Ok(lines)
    }

    /// The file read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// 1-based line of the first row of the last batch returned (lines are
    /// counted on demand: a partition far into a file reads up to it).
    pub fn first_line_of_last_batch(&mut self) -> Result<u64> {
        self.line_of(self.last_batch_first)
    }

    /// A record spanning lines in a file read as one record per line: not a
    /// bad row but a wrong setting, since the file's other partitions may
    /// have cut such records apart. Always stops the job.
    fn multiline_error(&mut self, record_offset: u64) -> Result<Error> {
        let line = self.line_of(record_offset)?;
        Ok(Error::Format {
            path: self.path.clone(),
            message: format!(
                "line {line}: a quoted value holds a line break (or a quote is never closed), \
                 but input.csv.newlines_in_values is false, so the file is split at line breaks; \
                 set newlines_in_values = true if values may hold line breaks"
            ),
        })
    }

    /// Whether a record of `len` raw bytes fits the batch being built. The
    /// fields of a record are disjoint parts of it, so the text and binary
    /// values of a batch never hold more bytes than its raw records: bounding
    /// those (in O(1) a record) bounds every column's values.
    fn fits_batch(&self, len: usize) -> bool {
        self.batch_raw_bytes.saturating_add(len) <= self.max_batch_bytes
    }

    /// Lowers the value bytes a batch may hold (tests reach the limits of
    /// a batch's text with little data).
    #[cfg(test)]
    pub(crate) fn set_max_batch_bytes(&mut self, max: usize) {
        self.max_batch_bytes = self.max_batch_bytes.min(max);
        let builders = std::mem::take(&mut self.builders);
        self.builders = builders
            .into_iter()
            .map(|b| b.map(|b| b.with_max_var_bytes(max)))
            .collect();
    }

    fn pending_rows(&self) -> usize {
        self.builders
            .iter()
            .flatten()
            .next()
            .map_or(0, ColumnBuilder::len)
    }

    /// The next batch, or None when the range is exhausted.
    pub fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        let mut core = self.core.take().expect("put back after every call");
        let result = self.read_batch(&mut core);
        self.core = Some(core);
        result
    }

    fn read_batch(&mut self, core: &mut csv_core::Reader) -> Result<Option<RecordBatch>> {
        loop {
            let pending = self.pending_rows();
            if pending >= self.batch_size {
                return self.flush().map(Some);
            }
            let record_offset = self.buf_offset + self.pos as u64;
            if record_offset >= self.end && !self.header_pending {
                break;
            }
            // Find one complete record in the buffer.
            let (nin, nfields) = match self.split_record(core)? {
                Some(r) => r,
                None => break,
            };
            if pending > 0 && !self.fits_batch(nin) {
                // The record would overflow a column's offsets or the batch
                // byte cap: end the batch here, read the record again next.
                return self.flush().map(Some);
            }
            let start = self.pos;
            self.pos += nin;
            self.batch_raw_bytes += nin;
            let raw_end = trim_terminator(&self.buf[start..self.pos]);
            if !self.spans_in_buf
                && !self.newlines_in_values
                && spans_lines(&self.buf[start..start + raw_end])
            {
                return Err(self.multiline_error(record_offset)?);
            }
            if nfields == 1 && raw_end == 0 {
                continue; // blank line
            }
            if self.header_pending {
                self.header_pending = false;
                self.check_header(nfields)?;
                continue;
            }
            self.rows_read += 1;
            let appended = self.append_record(nfields);
            if appended.is_ok() && pending == 0 {
                self.batch_first = record_offset;
            }
            if let Err((column, reason)) = appended {
                let line = self.line_of(record_offset)?;
                let error = RowError {
                    file: self.path.clone(),
                    line,
                    column,
                    reason,
                    record: self.buf[start..start + raw_end].to_vec(),
                };
                match self.bad_rows {
                    BadRows::Fail => return Err(Error::BadRow(Box::new(error))),
                    BadRows::Reject => self.rejected.push(error),
                }
            }
        }
        if self.pending_rows() > 0 {
            return self.flush().map(Some);
        }
        Ok(None)
    }

    fn check_header(&mut self, nfields: usize) -> Result<()> {
        let names: Vec<String> = (0..nfields)
            .map(|i| String::from_utf8_lossy(self.field(i)).trim().to_string())
            .collect();
        let expected: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        if names
            .iter()
            .map(String::as_str)
            .eq(expected.iter().copied())
        {
            return Ok(());
        }
        let detail = match names.iter().zip(&expected).position(|(a, b)| a != b) {
            Some(i) => format!(
                "column {} is `{}` in the file but `{}` in the schema",
                i + 1,
                names[i],
                expected[i]
            ),
            None => format!(
                "the file has {} columns, the schema {}",
                names.len(),
                expected.len()
            ),
        };
        Err(Error::HeaderMismatch {
            path: self.path.clone(),
            detail,
        })
    }

    /// Appends the split record to the builders, or rolls it back and says
    /// which column failed and why.
    #[cfg_attr(feature = "stage-profile", inline(never))]
    fn append_record(&mut self, nfields: usize) -> Result<(), (Option<String>, String)> {
        if nfields != self.columns.len() {
            return Err((
                None,
                format!(
                    "has {nfields} fields, the schema has {} columns",
                    self.columns.len()
                ),
            ));
        }
        let len = self.pending_rows();
        for i in 0..nfields {
            let Some(builder) = self.builders[i].as_mut() else {
                continue;
            };
            let (start, end) = self.spans[i];
            let field = if self.spans_in_buf {
                &self.buf[start..end]
            } else {
                &self.field_buf[start..end]
            };
            let null = if self.only_empty_is_null {
                field.is_empty()
            } else {
                self.nulls.iter().any(|n| n.as_slice() == field)
            };
            let result = if null {
                builder.append_null();
                Ok(())
            } else {
                builder.append(field)
            };
            if let Err(reason) = result {
                for b in self.builders.iter_mut().flatten() {
                    b.truncate(len);
                }
                return Err((Some(self.columns[i].name.clone()), reason));
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<RecordBatch> {
        self.batch_raw_bytes = 0;
        self.last_batch_first = self.batch_first;
        let arrays = self
            .builders
            .iter_mut()
            .flatten()
            .map(ColumnBuilder::finish)
            .collect();
        RecordBatch::try_new(self.schema.clone(), arrays).map_err(Error::Arrow)
    }
}

impl Iterator for CsvReader {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_batch().transpose()
    }
}

/// An opened input: its (decompressed) bytes, compression and byte range.
type Opened = (Box<dyn Read + Send>, Compression, (u64, u64));

/// The file's (decompressed) content from the record boundary at or before
/// `range`'s start, with the compression and the range (the whole file
/// without one). A compressed file cannot be cut at byte offsets.
fn open_range(path: &Path, range: Option<(u64, u64)>) -> Result<Opened> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let compression = Compression::of_file(path)?;
    let compressed = compression != Compression::None;
    let (start, end) = match (range, compressed) {
        (None, false) => (0, len),
        (None, true) => (0, u64::MAX),
        // The header alone (planning reads records starting in 0..1).
        (Some((0, end)), true) => (0, end),
        (Some(_), true) => {
            return Err(Error::Options(format!(
                "{}: a {} file cannot be split into byte ranges",
                path.display(),
                compression.name()
            )))
        }
        (Some(r), false) => r,
    };
    if start > 0 {
        file.seek(SeekFrom::Start(start - 1)).map_err(io)?;
    }
    Ok((compression.reader(file, path)?, compression, (start, end)))
}

/// The schema of CSV `columns`: every column nullable (an empty field is
/// null).
pub fn schema_of(columns: &[CsvColumn]) -> SchemaRef {
    let fields: Vec<Field> = columns
        .iter()
        .map(|c| Field::new(&c.name, c.data_type.clone(), true))
        .collect();
    Arc::new(Schema::new(fields))
}

/// A value builder for each column in `projection` (None for the others),
/// and the schema of what is read.
fn builders(
    columns: &[CsvColumn],
    projection: Option<&[usize]>,
    batch_size: usize,
) -> Result<(Vec<Option<ColumnBuilder>>, SchemaRef)> {
    let mut builders = Vec::with_capacity(columns.len());
    let mut read = Vec::new();
    for (i, c) in columns.iter().enumerate() {
        if projection.is_some_and(|p| !p.contains(&i)) {
            builders.push(None);
            continue;
        }
        let parser = Parser::for_type(&c.data_type, c.format.as_deref()).ok_or_else(|| {
            Error::Options(format!(
                "column `{}`: CSV cannot hold {}",
                c.name,
                crate::schema::type_name(&c.data_type)
            ))
        })?;
        builders.push(Some(ColumnBuilder::new(
            c.data_type.clone(),
            parser,
            batch_size,
        )));
        read.push(c.clone());
    }
    Ok((builders, schema_of(&read)))
}

/// Byte offsets splitting a file of `len` bytes into ranges of about
/// `target` bytes. Each range owns the records that start in it, so the
/// cut points need no scan.
pub fn split_ranges(len: u64, target: u64) -> Vec<(u64, u64)> {
    let target = target.max(1);
    let n = len.div_ceil(target).max(1);
    (0..n).map(|i| (i * len / n, (i + 1) * len / n)).collect()
}

#[cfg(test)]
mod tests;
