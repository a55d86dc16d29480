//! What the parquet crate does not expose of a footer's Thrift: modular
//! encryption (without its `encryption` feature) and the column order it
//! writes for floats.
//!
//! ## Encryption
//!
//! Without that feature the crate refuses a file whose footer is encrypted
//! (magic `PARE`) but reads a *plaintext* footer of a file whose columns are
//! encrypted as if nothing were: it skips the Thrift fields that say so
//! (`FileMetaData.encryption_algorithm`, field 8, and
//! `ColumnChunk.crypto_metadata` / `encrypted_column_metadata`, fields 8
//! and 9), and the column data then fails to decode, or decodes to garbage,
//! late in a run. So the footer is walked here, with a minimal reader of
//! Thrift's compact protocol that only looks for those fields. (Enabling
//! the `encryption` feature would expose them, but adds a crypto library to
//! every build for files we refuse anyway; keys are never available to a
//! wasmprep job.)

//!
//! ## Float column order
//!
//! The parquet crate (60) declares every float column's order
//! `IEEE_754_TOTAL_ORDER`, a 2025 addition to the format. Readers that
//! predate it (pyarrow 26, parquet-mr, Spark) must ignore statistics whose
//! column order they do not know, so our part files had no usable min/max
//! for floats. [`type_defined_float_order`] rewrites those orders to
//! `TYPE_DEFINED_ORDER`, which every reader knows, in place: both are empty
//! structs in a union, so only the union's field id changes. The statistics
//! themselves stay valid under it: NaN is left out of min/max (the crate
//! does so for both orders), and for the two cases the orders treat
//! differently (a chunk of NaNs only, a zero bound) the format tells readers
//! what to do (ignore a NaN bound, read a +0 min as -0 and a -0 max as +0).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

/// How a file is encrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Encryption {
    /// Footer encrypted (magic `PARE`): nothing can be read.
    Footer,
    /// Plaintext footer; the listed leaf columns (indices into the schema's
    /// leaves, from the first row group) are encrypted. Empty when only the
    /// file's `encryption_algorithm` says so.
    Columns(Vec<usize>),
}

const FOOTER_TAIL: u64 = 8;
/// Thrift compact types used below.
const BOOL_TRUE: u8 = 1;
const BOOL_FALSE: u8 = 2;
const LIST: u8 = 9;
const SET: u8 = 10;
const MAP: u8 = 11;
const STRUCT: u8 = 12;
/// Nesting deeper than this is not a Parquet footer.
const MAX_DEPTH: usize = 64;

/// The file's encryption, if any. Errors only on I/O or a footer that is
/// not Thrift (the parquet crate then names the problem better).
pub fn encryption(file: &mut File) -> std::io::Result<Option<Encryption>> {
    let size = file.metadata()?.len();
    if size < FOOTER_TAIL {
        return Ok(None);
    }
    let mut magic = [0u8; 4];
    file.seek(SeekFrom::Start(size - 4))?;
    file.read_exact(&mut magic)?;
    if &magic == b"PARE" {
        return Ok(Some(Encryption::Footer));
    }
    let footer = read_footer(file)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(footer.and_then(|(_, footer)| Thrift::new(&footer).file_metadata().unwrap_or(None)))
}

/// Rewrites the file's float column orders from `IEEE_754_TOTAL_ORDER` to
/// `TYPE_DEFINED_ORDER` (see the module doc), in place. Returns how many
/// columns changed.
pub fn type_defined_float_order(file: &mut File) -> std::io::Result<usize> {
    let Some((start, footer)) = read_footer(file)? else {
        return Ok(0);
    };
    let positions = Thrift::new(&footer).total_orders().unwrap_or_default();
    for &at in &positions {
        file.seek(SeekFrom::Start(start + at as u64))?;
        file.write_all(&[TYPE_ORDER])?;
    }
    file.seek(SeekFrom::End(0))?;
    Ok(positions.len())
}

/// A plaintext footer and where it starts; `None` if the file has none.
fn read_footer(file: &mut File) -> std::io::Result<Option<(u64, Vec<u8>)>> {
    let size = file.metadata()?.len();
    let Some(start) = footer_start(file, size)? else {
        return Ok(None);
    };
    let mut footer = vec![0u8; (size - FOOTER_TAIL - start) as usize];
    file.seek(SeekFrom::Start(start))?;
    file.read_exact(&mut footer)?;
    Ok(Some((start, footer)))
}

/// Where the plaintext footer of a file of `size` bytes starts, from its
/// last 8 bytes (the footer's length and `PAR1`); `None` if they are not a
/// Parquet tail or claim more than the file holds.
pub fn footer_start(file: &mut File, size: u64) -> std::io::Result<Option<u64>> {
    if size < FOOTER_TAIL {
        return Ok(None);
    }
    let mut tail = [0u8; FOOTER_TAIL as usize];
    file.seek(SeekFrom::Start(size - FOOTER_TAIL))?;
    file.read_exact(&mut tail)?;
    let len = u64::from(u32::from_le_bytes(tail[..4].try_into().expect("4 bytes")));
    Ok((&tail[4..] == b"PAR1" && len + FOOTER_TAIL <= size).then(|| size - FOOTER_TAIL - len))
}

/// `ColumnOrder` union members as a field header: field 1 (`TYPE_ORDER`)
/// or 2 (`IEEE_754_TOTAL_ORDER`), each an empty struct.
const TYPE_ORDER: u8 = 0x1c;
const TOTAL_ORDER: u8 = 0x2c;

/// A reader of Thrift's compact protocol over a footer.
struct Thrift<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// `None` means the bytes are not what a footer should hold.
type Parsed<T> = Option<T>;

impl<'a> Thrift<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Thrift { buf, pos: 0 }
    }

    fn byte(&mut self) -> Parsed<u8> {
        let b = *self.buf.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn varint(&mut self) -> Parsed<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn advance(&mut self, n: u64) -> Parsed<()> {
        let end = self.pos.checked_add(usize::try_from(n).ok()?)?;
        (end <= self.buf.len()).then(|| self.pos = end)
    }

    /// The next field of a struct as (id, type); `None` inside at its end.
    fn field(&mut self, last: &mut i16) -> Parsed<Option<(i16, u8)>> {
        let b = self.byte()?;
        if b == 0 {
            return Some(None);
        }
        let delta = i16::from(b >> 4);
        let id = if delta == 0 {
            let v = self.varint()?;
            ((v >> 1) as i16) ^ -((v & 1) as i16)
        } else {
            last.checked_add(delta)?
        };
        *last = id;
        Some(Some((id, b & 0x0f)))
    }

    /// A list or set header: (size, element type).
    fn list(&mut self) -> Parsed<(u64, u8)> {
        let b = self.byte()?;
        let size = match b >> 4 {
            15 => self.varint()?,
            n => u64::from(n),
        };
        Some((size, b & 0x0f))
    }

    /// Skips a value of type `ty` (a field's type, or a collection's
    /// element type, where booleans take a byte).
    fn skip(&mut self, ty: u8, depth: usize) -> Parsed<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match ty {
            BOOL_TRUE | BOOL_FALSE => Some(()),
            3 => self.advance(1),
            4..=6 => self.varint().map(drop),
            7 => self.advance(8),
            8 => {
                let len = self.varint()?;
                self.advance(len)
            }
            LIST | SET => {
                let (size, element) = self.list()?;
                self.skip_elements(size, element, depth)
            }
            MAP => self.skip_map(depth),
            STRUCT => self.skip_struct(depth),
            _ => None,
        }
    }

    fn skip_elements(&mut self, size: u64, element: u8, depth: usize) -> Parsed<()> {
        for _ in 0..size {
            if matches!(element, BOOL_TRUE | BOOL_FALSE) {
                self.advance(1)?;
            } else {
                self.skip(element, depth + 1)?;
            }
        }
        Some(())
    }

    fn skip_map(&mut self, depth: usize) -> Parsed<()> {
        let size = self.varint()?;
        if size == 0 {
            return Some(());
        }
        let types = self.byte()?;
        for _ in 0..size {
            self.skip_elements(1, types >> 4, depth)?;
            self.skip_elements(1, types & 0x0f, depth)?;
        }
        Some(())
    }

    fn skip_struct(&mut self, depth: usize) -> Parsed<()> {
        let mut last = 0;
        while let Some((_, ty)) = self.field(&mut last)? {
            self.skip(ty, depth + 1)?;
        }
        Some(())
    }

    /// `FileMetaData`: field 8 is `encryption_algorithm`, field 4 the row
    /// groups.
    fn file_metadata(&mut self) -> Parsed<Option<Encryption>> {
        let (mut algorithm, mut columns) = (false, Vec::new());
        let mut last = 0;
        while let Some((id, ty)) = self.field(&mut last)? {
            match (id, ty) {
                (8, STRUCT) => {
                    algorithm = true;
                    self.skip(ty, 1)?;
                }
                (4, LIST) => columns = self.row_groups()?,
                _ => self.skip(ty, 1)?,
            }
        }
        Some((algorithm || !columns.is_empty()).then_some(Encryption::Columns(columns)))
    }

    /// Skips a struct's fields up to the next `want` (id, type): true, or
    /// false at the struct's end. `depth` is the struct's nesting.
    fn next_field(&mut self, last: &mut i16, want: (i16, u8), depth: usize) -> Parsed<bool> {
        while let Some(field) = self.field(last)? {
            if field == want {
                return Some(true);
            }
            self.skip(field.1, depth)?;
        }
        Some(false)
    }

    /// Positions of the `IEEE_754_TOTAL_ORDER` members of
    /// `FileMetaData.column_orders` (field 7).
    fn total_orders(&mut self) -> Parsed<Vec<usize>> {
        let mut positions = Vec::new();
        let mut last = 0;
        while self.next_field(&mut last, (7, LIST), 1)? {
            let (size, element) = self.list()?;
            for _ in 0..size {
                let at = self.pos;
                self.skip(element, 2)?;
                if self.buf[at..self.pos] == [TOTAL_ORDER, 0, 0] {
                    positions.push(at);
                }
            }
        }
        Some(positions)
    }

    /// The encrypted columns of the first row group (every row group
    /// encrypts the same columns).
    fn row_groups(&mut self) -> Parsed<Vec<usize>> {
        let (size, element) = self.list()?;
        if element != STRUCT {
            return None;
        }
        let mut first = Vec::new();
        for group in 0..size {
            let columns = self.row_group()?;
            if group == 0 {
                first = columns;
            }
        }
        Some(first)
    }

    /// `RowGroup`: field 1 is its column chunks.
    fn row_group(&mut self) -> Parsed<Vec<usize>> {
        let mut encrypted = Vec::new();
        let mut last = 0;
        while self.next_field(&mut last, (1, LIST), 2)? {
            let (size, element) = self.list()?;
            if element != STRUCT {
                return None;
            }
            for column in 0..size as usize {
                if self.column_chunk()? {
                    encrypted.push(column);
                }
            }
        }
        Some(encrypted)
    }

    /// `ColumnChunk`: fields 8 (`crypto_metadata`) and 9
    /// (`encrypted_column_metadata`) are set for an encrypted column.
    fn column_chunk(&mut self) -> Parsed<bool> {
        let mut encrypted = false;
        let mut last = 0;
        while let Some((id, ty)) = self.field(&mut last)? {
            encrypted |= id == 8 || id == 9;
            self.skip(ty, 3)?;
        }
        Some(encrypted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file written by the parquet crate (no encryption) is not
    /// reported, so the walk gets through a real footer.
    #[test]
    fn a_plain_file_is_not_encrypted() {
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plain.parquet");
        let batch = arrow::record_batch::RecordBatch::try_from_iter([(
            "x",
            Arc::new(arrow::array::Int32Array::from(vec![1, 2, 3])) as arrow::array::ArrayRef,
        )])
        .unwrap();
        super::super::write(&path, batch.schema(), &[batch], &Default::default()).unwrap();
        let mut file = File::open(&path).unwrap();
        assert_eq!(encryption(&mut file).unwrap(), None);
        let footer = std::fs::read(&path).unwrap();
        let len = u32::from_le_bytes(
            footer[footer.len() - 8..footer.len() - 4]
                .try_into()
                .unwrap(),
        );
        let start = footer.len() - 8 - len as usize;
        let mut thrift = Thrift::new(&footer[start..footer.len() - 8]);
        assert_eq!(thrift.file_metadata(), Some(None));
        assert_eq!(thrift.pos, len as usize, "the whole footer was walked");
    }

    /// A float column written by [`super::super::write`] declares the
    /// type-defined order, an integer column keeps its own.
    #[test]
    fn float_columns_declare_the_type_defined_order() {
        use parquet::basic::{ColumnOrder, SortOrder};
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("floats.parquet");
        let batch = arrow::record_batch::RecordBatch::try_from_iter([
            (
                "f",
                Arc::new(arrow::array::Float64Array::from(vec![1.5, f64::NAN, -2.0]))
                    as arrow::array::ArrayRef,
            ),
            (
                "i",
                Arc::new(arrow::array::Int32Array::from(vec![1, 2, 3])) as _,
            ),
        ])
        .unwrap();
        super::super::write(&path, batch.schema(), &[batch], &Default::default()).unwrap();
        let metadata = parquet::file::metadata::ParquetMetaDataReader::new()
            .parse_and_finish(&File::open(&path).unwrap())
            .unwrap();
        assert_eq!(
            metadata.file_metadata().column_orders().unwrap(),
            &vec![
                ColumnOrder::TYPE_DEFINED_ORDER(SortOrder::SIGNED),
                ColumnOrder::TYPE_DEFINED_ORDER(SortOrder::SIGNED)
            ]
        );
        let stats = metadata.row_group(0).column(0).statistics().unwrap();
        assert_eq!(stats.min_bytes_opt(), Some(&(-2.0f64).to_le_bytes()[..]));
        assert_eq!(stats.max_bytes_opt(), Some(&1.5f64.to_le_bytes()[..]));
    }

    /// A footer with `encryption_algorithm` (field 8) and one column chunk
    /// with `crypto_metadata` (field 8).
    #[test]
    fn encrypted_columns_are_found() {
        // FileMetaData { 4: [RowGroup { 1: [ColumnChunk {}, ColumnChunk { 8: {} }] }], 8: {} }
        let footer = [
            0x49, // field 4, list
            0x1c, // 1 struct
            0x19, // RowGroup field 1, list
            0x2c, // 2 structs
            0x00, // ColumnChunk {}
            0x8c, 0x00, // ColumnChunk { 8: {} }
            0x00, // }
            0x00, // end of RowGroup
            0x4c, 0x00, // field 8: {}
            0x00, // end of FileMetaData
        ];
        assert_eq!(
            Thrift::new(&footer).file_metadata(),
            Some(Some(Encryption::Columns(vec![1])))
        );
    }
}
