//! Splitting a record into fields: a fast path for lines without quotes
//! (eight bytes at a time), csv-core for the rest. Records end at line
//! feeds only, where byte ranges are cut.

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
    /// common case): fields are byte ranges of the read buffer, found eight
    /// bytes at a time ([`Specials`]), nothing copied.
    #[cfg_attr(feature = "stage-profile", inline(never))]
    fn split_unquoted(&mut self) -> Option<(usize, usize)> {
        let input = &self.buf[self.pos..];
        let base = self.pos;
        let delimiter = self.delimiter;
        // Without quoting, searching for the delimiter twice costs nothing.
        let specials = Specials::new(delimiter, self.quote.unwrap_or(delimiter));
        let spans = &mut self.spans;
        spans.clear();
        let mut start = 0;
        // What the byte at `i` does: ends a field, ends the line (its
        // length), or is a quote (csv-core's job).
        let special = |i: usize| -> Option<Option<usize>> {
            let b = input[i];
            if b == delimiter {
                spans.push((base + start, base + i));
                start = i + 1;
                return None;
            }
            if b == b'\n' {
                let end = if i > start && input[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                spans.push((base + start, base + end));
                return Some(Some(i + 1));
            }
            Some(None)
        };
        if let Some(line) = specials.find(input, special) {
            return self.line_split(line);
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

    /// The answer of `split_unquoted` for a line of `len` bytes split into
    /// the spans, or for a line with a quote (None).
    #[inline]
    fn line_split(&mut self, len: Option<usize>) -> Option<(usize, usize)> {
        let len = len?;
        self.spans_in_buf = true;
        Some((len, self.spans.len()))
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

/// The bytes that end a field in an unquoted line (the delimiter, a line
/// feed, a quote), found eight at a time in a `u64` (SWAR): a CSV line has
/// a delimiter every few bytes, where a search that restarts after every
/// match spends more on starting than on searching.
#[derive(Clone, Copy)]
pub(super) struct Specials {
    delimiter: u64,
    quote: u64,
    bytes: [u8; 3],
}

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

impl Specials {
    pub(super) fn new(delimiter: u8, quote: u8) -> Self {
        Specials {
            delimiter: u64::from_ne_bytes([delimiter; 8]),
            quote: u64::from_ne_bytes([quote; 8]),
            bytes: [delimiter, b'\n', quote],
        }
    }

    /// The high bit of each byte of `word` that equals one of the bytes
    /// (exact: no carry crosses bytes, as the low seven bits of each are
    /// added alone).
    #[inline]
    fn mask(&self, word: u64) -> u64 {
        let equal = |pattern: u64| {
            let t = word ^ pattern;
            !(((t & LOW7) + LOW7) | t | LOW7)
        };
        equal(self.delimiter) | equal(u64::from_ne_bytes([b'\n'; 8])) | equal(self.quote)
    }

    /// Calls `f` with the position of each special byte of `input`, in
    /// order, until it answers.
    #[inline(always)]
    pub(super) fn find<R>(&self, input: &[u8], mut f: impl FnMut(usize) -> Option<R>) -> Option<R> {
        let mut words = input.chunks_exact(8);
        let mut offset = 0;
        for chunk in &mut words {
            let mut mask = self.mask(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
            while mask != 0 {
                let i = offset + mask.trailing_zeros() as usize / 8;
                mask &= mask - 1;
                if let Some(answer) = f(i) {
                    return Some(answer);
                }
            }
            offset += 8;
        }
        for (i, b) in words.remainder().iter().enumerate() {
            if self.bytes.contains(b) {
                if let Some(answer) = f(offset + i) {
                    return Some(answer);
                }
            }
        }
        None
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

#[cfg(test)]
mod tests {
    use super::Specials;

    /// Every position of a special byte, found eight at a time, equals a
    /// byte-by-byte search: inputs of every length up to 80 (so every tail
    /// length), from an alphabet of the special bytes and their neighbours
    /// with the high bit flipped or one off, where a carry or a borrow
    /// between bytes would show.
    #[test]
    fn special_bytes_are_found_exactly_as_one_by_one() {
        let mut rng = crate::sample::Rng::new(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.next();
        for (delimiter, quote) in [(b',', b'"'), (b'\t', b'\t'), (0u8, b'\''), (0xff, 0x80)] {
            let specials = Specials::new(delimiter, quote);
            let mut alphabet = vec![b'a', b'0', 0, 0x7f, 0x80, 0xff, b'\r'];
            for s in [delimiter, b'\n', quote] {
                alphabet.extend([s, s ^ 0x80, s.wrapping_add(1), s.wrapping_sub(1)]);
            }
            for len in 0..=80 {
                for _ in 0..50 {
                    let input: Vec<u8> = (0..len)
                        .map(|_| alphabet[next() as usize % alphabet.len()])
                        .collect();
                    let want: Vec<usize> = (0..len)
                        .filter(|&i| [delimiter, b'\n', quote].contains(&input[i]))
                        .collect();
                    let mut got = Vec::new();
                    specials.find(&input, |i| {
                        got.push(i);
                        None::<()>
                    });
                    assert_eq!(got, want, "{input:?}");
                }
            }
        }
    }
}
