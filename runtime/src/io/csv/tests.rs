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

fn read_all(
    path: &Path,
    options: &CsvOptions,
    cols: &[CsvColumn],
    range: Option<(u64, u64)>,
) -> Result<Vec<RecordBatch>> {
    CsvReader::open(path, options, cols, None, range, 1000, BadRows::Fail)?.collect()
}

/// A reader of all of `path` with the default layout.
fn open_all(path: &Path, cols: &[CsvColumn], batch: usize, bad_rows: BadRows) -> CsvReader {
    CsvReader::open(
        path,
        &CsvOptions::default(),
        cols,
        None,
        None,
        batch,
        bad_rows,
    )
    .unwrap()
}

/// A file whose quoted values hold line breaks, the lines inside them
/// shaped like records of their own.
fn multiline_file(dir: &Path) -> (PathBuf, u64) {
    let path = dir.join("m.csv");
    let mut text = String::from("id,name\n");
    for i in 0..200 {
        if i % 10 == 3 {
            text.push_str(&format!("{i},\"line one\n{}000,fake\n{}001,fake\"\n", i, i));
        } else {
            text.push_str(&format!("{i},n{i}\n"));
        }
    }
    std::fs::write(&path, &text).unwrap();
    (path, text.len() as u64)
}

#[test]
fn a_quoted_line_break_is_an_error_at_any_partition_size_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, len) = multiline_file(dir.path());
    let cols = columns(&[("id", DataType::Int64), ("name", DataType::Utf8)]);
    let options = CsvOptions::default();
    let err = read_all(&path, &options, &cols, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("m.csv: line 5:"), "{err}");
    assert!(err.contains("newlines_in_values = true"), "{err}");
    // Cut anywhere, the range holding the first such record fails, so a job
    // never writes the rows the other ranges invent.
    for target in [7, 50, 333, 1000, len] {
        let failed = split_ranges(len, target)
            .into_iter()
            .filter(|&r| read_all(&path, &options, &cols, Some(r)).is_err())
            .count();
        assert!(failed >= 1, "target {target}: no range failed");
    }
    let allowed = CsvOptions {
        newlines_in_values: true,
        ..CsvOptions::default()
    };
    let batches = read_all(&path, &allowed, &cols, None).unwrap();
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    assert_eq!(rows, 200);
    let names = batches[0].column(1).as_string::<i32>();
    assert_eq!(names.value(3), "line one\n3000,fake\n3001,fake");
}

#[test]
fn batches_end_before_their_text_outgrows_the_byte_cap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    let mut text = String::from("id,name\n");
    for i in 0..300 {
        text.push_str(&format!("{i},{}\n", "é".repeat(i % 17)));
    }
    text.push_str(&format!("300,{}\n", "x".repeat(500)));
    std::fs::write(&path, &text).unwrap();
    let cols = columns(&[("id", DataType::Int64), ("name", DataType::Utf8)]);
    let mut reader = open_all(&path, &cols, 1000, BadRows::Reject);
    reader.set_max_batch_bytes(200);
    let mut ids = Vec::new();
    let mut batches = 0;
    while let Some(batch) = reader.next_batch().unwrap() {
        batches += 1;
        let names = batch.column(1);
        // The offsets and UTF-8 of every batch hold (the unchecked
        // constructor's reasons), and no batch passes the cap.
        names.to_data().validate_full().unwrap();
        assert!(names.as_string::<i32>().value_data().len() <= 200);
        ids.extend(
            batch
                .column(0)
                .as_primitive::<Int64Type>()
                .values()
                .iter()
                .copied(),
        );
    }
    assert!(batches > 10, "{batches} batches");
    assert_eq!(ids, (0..300).collect::<Vec<i64>>());
    // A value longer than a batch may hold is a bad row naming its column.
    let rejected = reader.take_rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].column.as_deref(), Some("name"));
    assert!(
        rejected[0].reason.contains("large_utf8"),
        "{}",
        rejected[0].reason
    );
}

#[test]
fn compressed_files_read_like_plain_ones_with_their_line_numbers() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("id,name\n");
    for i in 0..5000 {
        text.push_str(&format!("{i},n{i}\n"));
    }
    text.push_str("oops,bad\n");
    let path = dir.path().join("t.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    let cols = columns(&[("id", DataType::Int64), ("name", DataType::Utf8)]);
    let mut reader = open_all(&path, &cols, 64, BadRows::Reject);
    let mut rows = 0;
    while let Some(b) = reader.next_batch().unwrap() {
        rows += b.num_rows();
    }
    assert_eq!(rows, 5000);
    let rejected = reader.take_rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].line, 5002);
    // A truncated file is an error naming it, not a short read.
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = read_all(&path, &CsvOptions::default(), &cols, None).unwrap_err();
    assert!(err.to_string().contains("t.csv.gz"), "{err}");
}

#[test]
fn floats_too_large_for_their_type_are_out_of_range() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.csv");
    std::fs::write(&path, "a,b\n1e40,1e300\ninf,-Infinity\n1,1e400\n").unwrap();
    let cols = columns(&[("a", DataType::Float32), ("b", DataType::Float64)]);
    let mut reader = open_all(&path, &cols, 10, BadRows::Reject);
    let batch = reader.next_batch().unwrap().unwrap();
    assert_eq!(batch.num_rows(), 1, "only the row of infinities is kept");
    let rejected = reader.take_rejected();
    let reasons: Vec<_> = rejected
        .iter()
        .map(|r| (r.line, r.column.clone().unwrap(), r.reason.clone()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert_eq!((reasons[0].0, reasons[0].1.as_str()), (2, "a"));
    assert!(
        reasons[0].2.contains("1e40 is out of range for float32"),
        "{reasons:?}"
    );
    assert_eq!((reasons[1].0, reasons[1].1.as_str()), (4, "b"));
}

#[test]
fn records_end_only_at_line_feeds_so_ranges_agree_with_the_reader() {
    // Carriage returns alone (old Mac files) end no record: the byte
    // ranges are cut at line feeds, and the reader must split where they do,
    // or rows between a range's end and the next line feed are lost.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cr.csv");
    let mut text = String::from("id,name\r");
    for i in 0..300 {
        text.push_str(&format!("{i},\"n{i}\"\r"));
    }
    std::fs::write(&path, &text).unwrap();
    let cols = columns(&[("id", DataType::Int64), ("name", DataType::Utf8)]);
    let len = text.len() as u64;
    for target in [100, len] {
        let results: Vec<_> = split_ranges(len, target)
            .into_iter()
            .map(|r| read_all(&path, &CsvOptions::default(), &cols, Some(r)))
            .collect();
        assert!(
            results.iter().any(|r| r.is_err()),
            "target {target}: a file of one line (no line feed) does not match the schema"
        );
    }
    // CRLF files: the carriage return is no part of the last field, quoted
    // or not; inside quotes it is.
    std::fs::write(&path, "id,name\r\n1,\"a\"\r\n2,b\r\n3,\"c\r\"\r\n").unwrap();
    let batches = read_all(&path, &CsvOptions::default(), &cols, None).unwrap();
    let names = batches[0].column(1).as_string::<i32>();
    let got: Vec<&str> = names.iter().map(Option::unwrap).collect();
    assert_eq!(got, ["a", "b", "c\r"]);
}

#[test]
fn a_layout_with_one_character_in_two_roles_is_refused() {
    let with = |f: &dyn Fn(&mut CsvOptions)| {
        let mut o = CsvOptions::default();
        f(&mut o);
        o.check().map_err(|e| e.to_string())
    };
    assert_eq!(with(&|_| {}), Ok(()));
    assert_eq!(
        with(&|o| o.quote = ','),
        Err("input.csv.quote and input.csv.delimiter are both ','".into())
    );
    assert_eq!(
        with(&|o| o.delimiter = '\n'),
        Err("input.csv.delimiter cannot be a line break".into())
    );
    assert_eq!(
        with(&|o| o.escape = Some('"')),
        Err("input.csv.escape and input.csv.quote are both '\"' (leave escape unset for quotes escaped by doubling them)".into())
    );
    assert!(with(&|o| o.delimiter = 'é').unwrap_err().contains("ASCII"));
    // Without quoting, the quote character plays no role.
    assert_eq!(
        with(&|o| {
            o.quoting = false;
            o.quote = ',';
        }),
        Ok(())
    );
}
