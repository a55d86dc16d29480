//! Typed CSV: a CSV file whose header carries each column's type,
//! `name:type` (`fare_amount:float32,pickup:timestamp[ms]`). Golden test
//! cases use it: small, readable, diffable, and exact (floats are written
//! in their shortest round-trip form).
//!
//! Values: an empty field is null; booleans `true`/`false`; timestamps
//! `YYYY-MM-DD HH:MM:SS[.fff]` (UTC); dates `YYYY-MM-DD`; durations an
//! integer count of their unit; binary in hex.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::concat_batches;
use arrow::datatypes::*;

use super::csv::{BadRows, CsvColumn, CsvOptions, CsvReader};
use super::{Error, Result};
use crate::schema::{parse_type, type_name, unit_from_arrow, TYPE_NAMES};
use wasmprep_contract::civil::format_date;
use wasmprep_contract::hex;

/// Splits a `name:type` header field at the first colon after which a
/// type follows.
pub fn parse_typed_name(field: &str) -> Option<(String, DataType)> {
    field
        .match_indices(':')
        .find_map(|(i, _)| parse_type(&field[i + 1..]).map(|t| (field[..i].trim().to_string(), t)))
}

/// Parses a `name:type,name:type` list (as given on a command line).
pub fn parse_columns(spec: &str) -> Result<Vec<CsvColumn>> {
    let fields = crate::io::csv::split_line(&mut csv_core::Reader::new(), spec.as_bytes());
    typed_columns(&fields, |f| {
        Error::Options(format!("`{f}` is not `name:type` (types: {TYPE_NAMES})"))
    })
}

/// The columns of a typed CSV file (its `name:type,...` header) and the
/// byte range of the rows after the header.
pub fn header_columns(path: &Path) -> Result<(Vec<CsvColumn>, (u64, u64))> {
    let (fields, header_len) = crate::io::csv::header_fields(path, &mut csv_core::Reader::new())?;
    let columns = typed_columns(&fields, |f| Error::Format {
        path: path.to_path_buf(),
        message: format!("header field `{f}` is not `name:type` (types: {TYPE_NAMES})"),
    })?;
    let len = std::fs::metadata(path)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?
        .len();
    Ok((columns, (header_len, len)))
}

/// The columns of the fields of a `name:type,...` header; `bad` says what
/// is wrong with a field that is not `name:type`.
fn typed_columns(fields: &[String], bad: impl Fn(&str) -> Error) -> Result<Vec<CsvColumn>> {
    fields
        .iter()
        .map(|f| {
            let (name, data_type) = parse_typed_name(f).ok_or_else(|| bad(f))?;
            Ok(CsvColumn {
                name,
                data_type,
                format: None,
            })
        })
        .collect()
}

/// Reads a typed CSV file into one batch. Binary values are hex (as
/// [`write()`] writes them).
pub fn read(path: &Path) -> Result<RecordBatch> {
    let (mut columns, range) = header_columns(path)?;
    // Binary columns are read as text, then their hex decoded.
    let binary: Vec<(usize, DataType)> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.data_type, DataType::Binary | DataType::LargeBinary))
        .map(|(i, c)| (i, c.data_type.clone()))
        .collect();
    for (i, t) in &binary {
        columns[*i].data_type = if *t == DataType::Binary {
            DataType::Utf8
        } else {
            DataType::LargeUtf8
        };
    }
    let options = CsvOptions {
        header: false,
        ..CsvOptions::default()
    };
    let reader = CsvReader::open(
        path,
        &options,
        &columns,
        None,
        Some(range),
        8192,
        BadRows::Fail,
    )?;
    let schema = reader.schema();
    let batches = reader.collect::<Result<Vec<_>>>()?;
    let text = concat_batches(&schema, &batches).map_err(Error::Arrow)?;
    unhex_columns(path, text, &binary)
}

/// `batch` with the text columns at `binary` turned into the binary type
/// beside each, their hex decoded.
fn unhex_columns(
    path: &Path,
    batch: RecordBatch,
    binary: &[(usize, DataType)],
) -> Result<RecordBatch> {
    if binary.is_empty() {
        return Ok(batch);
    }
    let mut fields: Vec<Field> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    let mut arrays = batch.columns().to_vec();
    for (i, data_type) in binary {
        let name = fields[*i].name().clone();
        let column = arrow::compute::cast(&arrays[*i], &DataType::Utf8).map_err(Error::Arrow)?;
        let mut bytes = Vec::with_capacity(column.len());
        for (row, value) in column.as_string::<i32>().iter().enumerate() {
            bytes.push(match value {
                None => None,
                Some(text) => {
                    Some(wasmprep_contract::unhex(text).ok_or_else(|| Error::Format {
                        path: path.to_path_buf(),
                        message: format!(
                            "row {}, column `{name}`: `{}` is not hex (a binary value is written \
                         as two hex digits per byte)",
                            row + 1,
                            text.chars().take(64).collect::<String>()
                        ),
                    })?)
                }
            });
        }
        let array: ArrayRef = Arc::new(arrow::array::BinaryArray::from_iter(bytes));
        arrays[*i] = arrow::compute::cast(&array, data_type).map_err(Error::Arrow)?;
        fields[*i] = Field::new(name, data_type.clone(), fields[*i].is_nullable());
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(Error::Arrow)
}

/// Writes `batch` as typed CSV.
pub fn write(batch: &RecordBatch, out: &mut dyn Write) -> std::io::Result<()> {
    let header: Vec<String> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| quote(&format!("{}:{}", f.name(), type_name(f.data_type()))))
        .collect();
    writeln!(out, "{}", header.join(","))?;
    for row in 0..batch.num_rows() {
        let fields: Vec<String> = batch
            .columns()
            .iter()
            .map(|c| format_value(c, row))
            .collect();
        writeln!(out, "{}", fields.join(","))?;
    }
    Ok(())
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One value as typed CSV text (empty for null).
pub fn format_value(array: &ArrayRef, row: usize) -> String {
    if array.is_null(row) {
        return String::new();
    }
    macro_rules! prim {
        ($t:ty) => {
            array.as_primitive::<$t>().value(row).to_string()
        };
    }
    match array.data_type() {
        DataType::Boolean => array.as_boolean().value(row).to_string(),
        DataType::Int8 => prim!(Int8Type),
        DataType::Int16 => prim!(Int16Type),
        DataType::Int32 => prim!(Int32Type),
        DataType::Int64 => prim!(Int64Type),
        DataType::UInt8 => prim!(UInt8Type),
        DataType::UInt16 => prim!(UInt16Type),
        DataType::UInt32 => prim!(UInt32Type),
        DataType::UInt64 => prim!(UInt64Type),
        DataType::Float32 => prim!(Float32Type),
        DataType::Float64 => prim!(Float64Type),
        DataType::Utf8 => quote(array.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => quote(array.as_string::<i64>().value(row)),
        DataType::Binary => hex(array.as_binary::<i32>().value(row)),
        DataType::LargeBinary => hex(array.as_binary::<i64>().value(row)),
        DataType::Date32 => {
            let days = array.as_primitive::<Date32Type>().value(row) as i64;
            format_date(days)
        }
        DataType::Timestamp(unit, _) => {
            let v = timestamp_value(array, row);
            format_timestamp(v, *unit)
        }
        DataType::Duration(_) => duration_value(array, row).to_string(),
        _ => arrow::util::display::array_value_to_string(array, row).unwrap_or_default(),
    }
}

fn timestamp_value(array: &ArrayRef, row: usize) -> i64 {
    match array.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => {
            array.as_primitive::<TimestampSecondType>().value(row)
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            array.as_primitive::<TimestampMillisecondType>().value(row)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            array.as_primitive::<TimestampMicrosecondType>().value(row)
        }
        _ => array.as_primitive::<TimestampNanosecondType>().value(row),
    }
}

fn duration_value(array: &ArrayRef, row: usize) -> i64 {
    match array.data_type() {
        DataType::Duration(TimeUnit::Second) => {
            array.as_primitive::<DurationSecondType>().value(row)
        }
        DataType::Duration(TimeUnit::Millisecond) => {
            array.as_primitive::<DurationMillisecondType>().value(row)
        }
        DataType::Duration(TimeUnit::Microsecond) => {
            array.as_primitive::<DurationMicrosecondType>().value(row)
        }
        _ => array.as_primitive::<DurationNanosecondType>().value(row),
    }
}

fn format_timestamp(v: i64, unit: TimeUnit) -> String {
    let per_second = unit_from_arrow(&unit).per_second();
    let secs = v.div_euclid(per_second);
    let frac = v.rem_euclid(per_second);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let mut s = format!(
        "{} {:02}:{:02}:{:02}",
        format_date(days),
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    );
    if frac != 0 {
        let digits = per_second.ilog10() as usize;
        let f = format!("{frac:0digits$}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    s
}

/// A batch's schema with every field nullable (typed CSV does not record
/// nullability), so batches compare by values.
pub fn nullable(batch: &RecordBatch) -> RecordBatch {
    let fields: Vec<Field> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| Field::new(f.name(), f.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), batch.columns().to_vec())
        .expect("same columns")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_csv_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(
            &path,
            "id:int32,name:utf8,\"at:timestamp[ms, UTC]\",d:duration[ms],x:float32,ok:bool,day:date32\n\
             1,\"a, b\",2015-01-15 19:05:39.25,600000,0.1,true,2015-01-15\n\
             2,,,,,,\n",
        )
        .unwrap();
        let batch = read(&path).unwrap();
        assert_eq!(batch.num_rows(), 2);
        assert_eq!(
            batch.schema().field(2).data_type(),
            &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
        );
        let mut out = Vec::new();
        write(&batch, &mut out).unwrap();
        std::fs::write(&path, &out).unwrap();
        assert_eq!(read(&path).unwrap(), batch);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("1,\"a, b\",2015-01-15 19:05:39.25,600000,0.1,true,2015-01-15"),
            "{text}"
        );
    }

    /// Binary values are written as hex, so they are read as hex: a golden
    /// case blessed from a plugin's binary output compares equal to it.
    #[test]
    fn binary_values_round_trip_as_hex() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(
            &path,
            "b:binary,l:large_binary,n:int8\n00ff,41,1\n,,2\n,C0DE,3\n",
        )
        .unwrap();
        let batch = read(&path).unwrap();
        assert_eq!(batch.column(0).as_binary::<i32>().value(0), [0x00, 0xff]);
        assert!(batch.column(0).is_null(1));
        assert!(batch.column(0).is_null(2));
        assert_eq!(batch.column(1).as_binary::<i64>().value(2), [0xc0, 0xde]);
        assert_eq!(batch.schema().field(1).data_type(), &DataType::LargeBinary);
        let mut out = Vec::new();
        write(&batch, &mut out).unwrap();
        std::fs::write(&path, &out).unwrap();
        assert_eq!(read(&path).unwrap(), batch);

        std::fs::write(&path, "n:int8,b:binary\n1,00\n2,0g\n").unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(
            err.contains("t.csv: row 2, column `b`: `0g` is not hex"),
            "{err}"
        );
    }

    #[test]
    fn bad_values_name_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "id:int32,x:float64\n1,2.5\n2,abc\n").unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(
            err.contains("t.csv:3, column `x`: cannot parse \"abc\" as float64"),
            "{err}"
        );
    }

    /// Every date32 prints: chrono, which this used before, panicked past
    /// ±262,143 years.
    #[test]
    fn dates_print_over_the_whole_date32_range() {
        let days: ArrayRef = Arc::new(arrow::array::Date32Array::from(vec![
            i32::MIN,
            -1,
            i32::MAX,
        ]));
        let printed: Vec<String> = (0..3).map(|row| format_value(&days, row)).collect();
        assert_eq!(printed, ["-5877641-06-23", "1969-12-31", "+5881580-07-11"]);
    }
}
