use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Int64Type};

use super::*;

fn columns(spec: &[(&str, DataType)]) -> Vec<CsvColumn> {
    spec.iter()
        .map(|(n, t)| CsvColumn {
            name: n.to_string(),
            data_type: t.clone(),
            format: None,
        })
        .collect()
}

fn ids(path: &Path, range: Option<(u64, u64)>, batch: usize) -> Vec<i64> {
    let cols = columns(&[("id", DataType::Int64), ("name", DataType::Utf8)]);
    let reader = CsvReader::open(
        path,
        &CsvOptions::default(),
        &cols,
        None,
        range,
        batch,
        BadRows::Fail,
    )
    .unwrap();
    reader
        .flat_map(|b| {
            b.unwrap()
                .column(0)
                .as_primitive::<Int64Type>()
                .values()
                .to_vec()
        })
        .collect()
}

#[test]
fn byte_ranges_read_every_record_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    let mut text = String::from("id,name\n");
    for i in 0..500 {
        // Quoted fields (one with a comma) go through csv-core; the rest are split in place.
        if i % 7 == 0 {
            text.push_str(&format!("{i},\"n, {i}\"\r\n"));
        } else {
            text.push_str(&format!("{i},n{i}\n"));
        }
    }
    std::fs::write(&path, &text).unwrap();
    let len = text.len() as u64;
    for target in [7, 97, 1000, len] {
        let mut all = Vec::new();
        for range in split_ranges(len, target) {
            all.extend(ids(&path, Some(range), 64));
        }
        assert_eq!(
            all,
            (0..500).collect::<Vec<_>>(),
            "ranges of {target} bytes"
        );
    }
}

#[test]
fn quoting_bom_blank_lines_and_a_missing_final_newline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    std::fs::write(&path, "\u{feff}id,name\n1,\"say \"\"hi\"\"\"\n\n2,\n3,last").unwrap();
    let cols = columns(&[("id", DataType::Int64), ("name", DataType::Utf8)]);
    let mut reader = CsvReader::open(
        &path,
        &CsvOptions::default(),
        &cols,
        None,
        None,
        10,
        BadRows::Fail,
    )
    .unwrap();
    let batch = reader.next_batch().unwrap().unwrap();
    assert_eq!(batch.num_rows(), 3);
    let names = batch.column(1).as_string::<i32>();
    assert_eq!(names.value(0), "say \"hi\"");
    assert!(names.is_null(1));
    assert_eq!(names.value(2), "last");
    assert!(reader.next_batch().unwrap().is_none());
}

#[test]
fn a_bad_row_names_file_line_and_column_or_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trips.csv");
    std::fs::write(&path, "id,x\n1,1.5\n2,abc\n3\n4,2.5\n").unwrap();
    let cols = columns(&[("id", DataType::Int64), ("x", DataType::Float64)]);
    let options = CsvOptions::default();
    let mut failing =
        CsvReader::open(&path, &options, &cols, None, None, 10, BadRows::Fail).unwrap();
    let err = failing.next_batch().unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "bad row at {}:3, column `x`: cannot parse \"abc\" as float64",
            path.display()
        )
    );

    let mut rejecting =
        CsvReader::open(&path, &options, &cols, None, None, 10, BadRows::Reject).unwrap();
    let batch = rejecting.next_batch().unwrap().unwrap();
    assert_eq!(
        batch
            .column(0)
            .as_primitive::<Int64Type>()
            .values()
            .to_vec(),
        vec![1, 4]
    );
    let rejected = rejecting.take_rejected();
    assert_eq!(rejected.len(), 2);
    assert_eq!(
        (rejected[0].line, rejected[0].record.as_slice()),
        (3, &b"2,abc"[..])
    );
    assert_eq!(rejected[1].line, 4);
    assert_eq!(rejected[1].reason, "has 1 fields, the schema has 2 columns");
    assert_eq!(rejecting.rows_read(), 4);
}

#[test]
fn the_header_must_match_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    std::fs::write(&path, "id,nom\n1,a\n").unwrap();
    let cols = columns(&[("id", DataType::Int64), ("name", DataType::Utf8)]);
    let mut reader = CsvReader::open(
        &path,
        &CsvOptions::default(),
        &cols,
        None,
        None,
        10,
        BadRows::Fail,
    )
    .unwrap();
    let err = reader.next_batch().unwrap_err().to_string();
    assert!(
        err.ends_with("column 2 is `nom` in the file but `name` in the schema"),
        "{err}"
    );
}

#[test]
fn projection_reads_only_the_listed_columns_and_out_of_range_ints_fail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    std::fs::write(&path, "a,b,c\n1,x,3\n2,y,300\n").unwrap();
    let cols = columns(&[
        ("a", DataType::Int8),
        ("b", DataType::Utf8),
        ("c", DataType::Int8),
    ]);
    let mut r = CsvReader::open(
        &path,
        &CsvOptions::default(),
        &cols,
        Some(&[0, 1]),
        None,
        10,
        BadRows::Fail,
    )
    .unwrap();
    let batch = r.next_batch().unwrap().unwrap();
    assert_eq!(batch.num_columns(), 2);
    assert_eq!(
        batch.num_rows(),
        2,
        "column c is not parsed, so 300 is no error"
    );
    let mut r = CsvReader::open(
        &path,
        &CsvOptions::default(),
        &cols,
        None,
        None,
        10,
        BadRows::Fail,
    )
    .unwrap();
    let err = r.next_batch().unwrap_err().to_string();
    assert!(
        err.ends_with(":3, column `c`: 300 is out of range for int8"),
        "{err}"
    );
}
