//! Splitting a record into fields: a fast path for lines without quotes,
//! csv-core for the rest. Records end at line feeds only, where byte ranges
//! are cut.

use super::CsvReader;
use crate::io::Result;

impl CsvReader {
    /// Splits the record at `pos` into fields (in `field_buf`/`ends`).
    /// Returns (bytes consumed, number of fields), or None at the end.
    pub(super) fn split_record(
        &mut self,
        core: &mut csv_core::Reader,
    ) -> Result<Option<(usize, usize)>> {
        if self.buf_offset + self.pos as u64 == 0 && self.buf.len() < 3 && !self.eof {
            self.fill()?;
        }
        if self.buf_offset == 0 && self.pos == 0 && self.buf.starts_with(b"\xEF\xBB\xBF") {
            self.pos = 3; // UTF-8 byte order mark
        }
        loop {
            if let Some(found) = self.split_unquoted() {
                return Ok(Some(found));
            }
            let input = &self.buf[self.pos..];
            let complete = memchr::memchr(b'\n', input).is_some() || self.eof;
            if !complete || input.is_empty() {
                if self.eof && input.is_empty() {
                    return Ok(None);
                }
                if !self.fill()? && self.pos >= self.buf.len() {
                    return Ok(None);
                }
                continue;
            }
            return self.split_quoted(core);
        }
    }

    /// Splits the next line in place when it holds no quote character (the
    /// common case): fields are byte ranges of the read buffer, found with
    /// SIMD searches, nothing copied.
    #[cfg_attr(feature = "stage-profile", inline(never))]
    fn split_unquoted(&mut self) -> Option<(usize, usize)> {
        let input = &self.buf[self.pos..];
        let base = self.pos;
        let delimiter = self.delimiter;
        // Without quoting, searching for the delimiter twice costs nothing.
        let quote = self.quote.unwrap_or(delimiter);
        self.spans.clear();
        let mut start = 0;
        for i in memchr::memchr3_iter(delimiter, b'\n', quote, input) {
            let b = input[i];
            if b == delimiter {
                self.spans.push((base + start, base + i));
                start = i + 1;
            } else if b == b'\n' {
                let end = if i > start && input[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                self.spans.push((base + start, base + end));
                self.spans_in_buf = true;
                return Some((i + 1, self.spans.len()));
            } else {
                return None; // a quote: csv-core's job
            }
        }
        if !self.eof || input.is_empty() {
            return None; // the line continues past the buffer
        }
        let end = if input.len() > start && input.ends_with(b"\r") {
            input.len() - 1
        } else {
            input.len()
        };
        self.spans.push((base + start, base + end));
        self.spans_in_buf = true;
        Some((input.len(), self.spans.len()))
    }

    /// Splits a record with quotes using csv-core (which unescapes fields
    /// into `field_buf`).
    #[cfg_attr(feature = "stage-profile", inline(never))]
    fn split_quoted(&mut self, core: &mut csv_core::Reader) -> Result<Option<(usize, usize)>> {
        loop {
            core.reset();
            let input = &self.buf[self.pos..];
            let (mut nin, mut nout, mut nend) = (0, 0, 0);
            loop {
                let (res, i, o, e) = core.read_record(
                    &input[nin..],
                    &mut self.field_buf[nout..],
                    &mut self.ends[nend..],
                );
                nin += i;
                nout += o;
                nend += e;
                match res {
                    csv_core::ReadRecordResult::Record => {
                        // csv-core keeps `ends` cumulative within a record.
                        self.set_spans_from_ends(nend, nin);
                        return Ok(Some((nin, nend)));
                    }
                    csv_core::ReadRecordResult::OutputFull => {
                        let n = self.field_buf.len();
                        self.field_buf.resize(n * 2, 0);
                    }
                    csv_core::ReadRecordResult::OutputEndsFull => {
                        let n = self.ends.len();
                        self.ends.resize(n * 2, 0);
                    }
                    csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => {
                        if self.eof {
                            if nin == 0 {
                                return Ok(None);
                            }
                            // The last record has no terminator: finish it.
                            let (res, _, o, e) = core.read_record(
                                &[],
                                &mut self.field_buf[nout..],
                                &mut self.ends[nend..],
                            );
                            nout += o;
                            nend += e;
                            debug_assert!(
                                matches!(res, csv_core::ReadRecordResult::Record),
                                "{res:?}"
                            );
                            let _ = nout;
                            self.set_spans_from_ends(nend, nin);
                            return Ok(Some((nin, nend)));
                        }
                        break;
                    }
                }
            }
            if !self.fill()? && self.pos >= self.buf.len() {
                return Ok(None);
            }
        }
    }

    /// Field spans from csv-core's `ends`, for the record in the next `raw`
    /// bytes of the buffer. Records end at line feeds only (as the byte
    /// ranges are cut), so the carriage return of a CRLF ending reaches the
    /// last field: it is dropped there, as the unquoted path drops it.
    fn set_spans_from_ends(&mut self, nfields: usize, raw: usize) {
        self.spans.clear();
        let mut start = 0;
        for &end in &self.ends[..nfields] {
            self.spans.push((start, end));
            start = end;
        }
        self.spans_in_buf = false;
        let record = &self.buf[self.pos..self.pos + raw];
        let record = record.strip_suffix(b"\n").unwrap_or(record);
        if record.ends_with(b"\r") {
            if let Some(last) = self.spans.last_mut() {
                if last.1 > last.0 && self.field_buf[last.1 - 1] == b'\r' {
                    last.1 -= 1;
                }
            }
        }
    }

    #[inline]
    pub(super) fn field(&self, i: usize) -> &[u8] {
        let (start, end) = self.spans[i];
        if self.spans_in_buf {
            &self.buf[start..end]
        } else {
            &self.field_buf[start..end]
        }
    }
}

/// Whether a record (without its terminator) holds a line break: csv-core
/// skips blank lines before a record, so those do not count.
pub(super) fn spans_lines(record: &[u8]) -> bool {
    let first = record
        .iter()
        .position(|&b| b != b'\n' && b != b'\r')
        .unwrap_or(record.len());
    memchr::memchr(b'\n', &record[first..]).is_some()
}

/// Length of a raw record without its trailing `\n` / `\r\n`.
pub(super) fn trim_terminator(raw: &[u8]) -> usize {
    let mut n = raw.len();
    if n > 0 && raw[n - 1] == b'\n' {
        n -= 1;
    }
    if n > 0 && raw[n - 1] == b'\r' {
        n -= 1;
    }
    n
}

/// The fields of one line (a header), trimmed, read by `core`.
pub(crate) fn split_line(core: &mut csv_core::Reader, line: &[u8]) -> Vec<String> {
    let mut out = vec![0u8; line.len() + 1];
    let mut ends = vec![0usize; line.len() + 2];
    let (_, _, _, nend) = core.read_record(line, &mut out, &mut ends);
    let (_, _, _, more) = core.read_record(&[], &mut out, &mut ends[nend..]);
    let mut fields = Vec::with_capacity(nend + more);
    let mut start = 0;
    for &end in &ends[..nend + more] {
        fields.push(String::from_utf8_lossy(&out[start..end]).trim().to_string());
        start = end;
    }
    fields
}

/// The fields of the first line of `path` (read through its compression)
/// split by `core`, and the bytes that line takes with its line feed.
pub(crate) fn header_fields(
    path: &std::path::Path,
    core: &mut csv_core::Reader,
) -> Result<(Vec<String>, u64)> {
    use std::io::BufRead;
    let io = |source| crate::io::Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut first = Vec::new();
    let compression = crate::io::compression::Compression::of_file(path)?;
    std::io::BufReader::new(compression.reader(file, path)?)
        .read_until(b'\n', &mut first)
        .map_err(io)?;
    let line = first.strip_suffix(b"\n").unwrap_or(&first);
    Ok((split_line(core, line), first.len() as u64))
}
