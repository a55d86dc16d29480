//! Column types guessed from a sample, for `plugin run` on a CSV file whose
//! header names the columns but not their types. A job never infers: its
//! spec declares every column.

use std::path::Path;

use arrow::array::AsArray;
use arrow::datatypes::{DataType, TimeUnit};

use super::values::{parse_bool, parse_f64, parse_i64, parse_iso_date, parse_iso_timestamp};
use super::{BadRows, CsvColumn, CsvOptions, CsvReader};
use crate::io::{Error, Result};

/// The narrowest type every value of a sample fits, tried in this order;
/// text when none does (or when the sample holds no value).
const CANDIDATES: &[DataType] = &[
    DataType::Int64,
    DataType::Float64,
    DataType::Boolean,
    DataType::Date32,
    DataType::Timestamp(TimeUnit::Microsecond, None),
];

/// The columns of `path`: names from its header, types from its first
/// `sample_rows` rows (empty fields are nulls and fit any type).
pub fn infer_columns(
    path: &Path,
    options: &CsvOptions,
    sample_rows: usize,
) -> Result<Vec<CsvColumn>> {
    let names = header_names(path, options)?;
    let text: Vec<CsvColumn> = names
        .iter()
        .map(|name| CsvColumn {
            name: name.clone(),
            data_type: DataType::Utf8,
            format: None,
        })
        .collect();
    let mut reader = CsvReader::open(
        path,
        options,
        &text,
        None,
        None,
        sample_rows.max(1),
        BadRows::Fail,
    )?;
    let Some(sample) = reader.next_batch()? else {
        return Ok(text);
    };
    Ok(text
        .into_iter()
        .zip(sample.columns())
        .map(|(column, values)| CsvColumn {
            data_type: narrowest(values.as_string::<i32>()),
            ..column
        })
        .collect())
}

/// The first type of [`CANDIDATES`] that every non-null value parses as.
fn narrowest(values: &arrow::array::StringArray) -> DataType {
    let present: Vec<&[u8]> = values.iter().flatten().map(str::as_bytes).collect();
    if present.is_empty() {
        return DataType::Utf8;
    }
    CANDIDATES
        .iter()
        .find(|t| present.iter().all(|v| fits(v, t)))
        .cloned()
        .unwrap_or(DataType::Utf8)
}

fn fits(value: &[u8], data_type: &DataType) -> bool {
    match data_type {
        DataType::Int64 => parse_i64(value).is_some(),
        DataType::Float64 => parse_f64(value).is_some(),
        DataType::Boolean => parse_bool(value).is_some(),
        DataType::Date32 => parse_iso_date(value.trim_ascii()).is_some(),
        DataType::Timestamp(unit, _) => parse_iso_timestamp(value, *unit).is_some(),
        _ => true,
    }
}

/// The names in the first line of `path`.
fn header_names(path: &Path, options: &CsvOptions) -> Result<Vec<String>> {
    let (names, _) = super::header_fields(path, &mut options.core_reader()?)?;
    if names.iter().all(String::is_empty) {
        return Err(Error::Format {
            path: path.to_path_buf(),
            message: "the first line names no column".into(),
        });
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_column_gets_the_narrowest_type_its_sample_fits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(
            &path,
            "n,x,ok,day,at,text,empty,\"quoted, name\"\n\
             1,1.5,true,2015-01-15,2015-01-15 19:05:39,a,,7\n\
             -2,,false,2015-02-01,2015-01-15T19:05:39.25Z,b,,\n\
             ,3,1,,2015-01-16 00:00:00,,,9\n",
        )
        .unwrap();
        let columns = infer_columns(&path, &CsvOptions::default(), 1000).unwrap();
        let got: Vec<(String, String)> = columns
            .iter()
            .map(|c| (c.name.clone(), crate::schema::type_name(&c.data_type)))
            .collect();
        let want = [
            ("n", "int64"),
            ("x", "float64"),
            ("ok", "bool"),
            ("day", "date32"),
            ("at", "timestamp[us]"),
            ("text", "utf8"),
            ("empty", "utf8"),
            ("quoted, name", "int64"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn only_the_sample_is_read_and_a_value_past_it_is_not_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, "a\n1\n2\nthree\n").unwrap();
        let two = infer_columns(&path, &CsvOptions::default(), 2).unwrap();
        assert_eq!(two[0].data_type, DataType::Int64);
        let all = infer_columns(&path, &CsvOptions::default(), 3).unwrap();
        assert_eq!(all[0].data_type, DataType::Utf8);
    }
}
