//! The data path under unusual and hostile input: nothing lost, nothing
//! invented, every refusal named (issue 7).

use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use arrow::compute::concat_batches;

use crate::job::{run_job, stderr, wasmprep};
use crate::{manifest, part_files};

/// Every type a CSV column can have, with a value of each (and nulls).
const ALL_TYPES: &[(&str, &str, &str)] = &[
    ("b", "bool", "true"),
    ("i8", "int8", "-128"),
    ("i16", "int16", "32767"),
    ("i32", "int32", "-2147483648"),
    ("i64", "int64", "9223372036854775807"),
    ("u8", "uint8", "255"),
    ("u16", "uint16", "65535"),
    ("u32", "uint32", "4294967295"),
    ("u64", "uint64", "18446744073709551615"),
    ("f32", "float32", "1.5"),
    ("f64", "float64", "-2.25e300"),
    ("s", "utf8", "héllo"),
    ("ls", "large_utf8", "wörld"),
    ("bin", "binary", "raw"),
    ("lbin", "large_binary", "more raw"),
    ("d", "date32", "2015-01-31"),
    ("ts", "timestamp[s]", "2015-01-31 12:00:01"),
    ("tms", "timestamp[ms]", "2015-01-31 12:00:01.123"),
    ("tus", "timestamp[us]", "2015-01-31 12:00:01.123456"),
    ("tns", "timestamp[ns]", "2015-01-31 12:00:01.123456789"),
    ("dur", "duration[ms]", "86400000"),
];

/// A job of `steps` (TOML) over a CSV input of `columns` (name, type).
fn csv_job(dir: &Path, columns: &[(&str, &str)], csv: &str, steps: &str) -> PathBuf {
    let mut text = format!("[input]\nformat = \"csv\"\n{csv}\n");
    for (name, t) in columns {
        text.push_str(&format!(
            "[[input.columns]]\nname = \"{name}\"\ntype = \"{t}\"\n"
        ));
    }
    text.push_str(steps);
    text.push_str("\n[output]\n");
    let path = dir.join("job.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Every batch of every part file of `out`, in part order, as one batch.
fn output_batch(out: &Path) -> RecordBatch {
    let mut batches = Vec::new();
    for (name, _) in part_files(out) {
        let (_, b) = wasmprep::io::parquet::read(&out.join(name), None, 65_536).unwrap();
        batches.extend(b);
    }
    concat_batches(&batches[0].schema(), &batches).unwrap()
}

fn all_types_csv(dir: &Path, rows: usize) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let names: Vec<&str> = ALL_TYPES.iter().map(|c| c.0).collect();
    let mut text = names.join(",") + "\n";
    for r in 0..rows {
        let row: Vec<&str> = ALL_TYPES
            .iter()
            .enumerate()
            .map(|(i, c)| if (r + i) % 5 == 0 { "" } else { c.2 })
            .collect();
        text.push_str(&row.join(","));
        text.push('\n');
    }
    std::fs::write(data.join("all.csv"), text).unwrap();
    data
}

#[test]
fn a_job_without_steps_carries_every_column_of_every_type() {
    let dir = tempfile::tempdir().unwrap();
    let data = all_types_csv(dir.path(), 1000);
    let columns: Vec<(&str, &str)> = ALL_TYPES.iter().map(|c| (c.0, c.1)).collect();
    let job = csv_job(dir.path(), &columns, "partition_mib = 0.01", "");
    let out = dir.path().join("out");
    let run = run_job(&job, &data, &out, &["--batch-rows", "77"]);
    assert!(run.status.success(), "{}", stderr(&run));
    // What the CSV reader makes of the file is what the output holds.
    let csv_columns: Vec<wasmprep::io::csv::CsvColumn> = ALL_TYPES
        .iter()
        .map(|c| wasmprep::io::csv::CsvColumn {
            name: c.0.into(),
            data_type: wasmprep::schema::parse_type(c.1).unwrap(),
            format: None,
        })
        .collect();
    let expected: Vec<RecordBatch> = wasmprep::io::csv::CsvReader::open(
        &data.join("all.csv"),
        &Default::default(),
        &csv_columns,
        None,
        None,
        4096,
        wasmprep::io::csv::BadRows::Fail,
    )
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap();
    let expected = concat_batches(&expected[0].schema(), &expected).unwrap();
    let got = output_batch(&out);
    assert_eq!(got.num_columns(), ALL_TYPES.len());
    assert_eq!(got.num_rows(), 1000);
    assert_eq!(got.columns(), expected.columns());
    assert_eq!(manifest(&out)["totals"]["rows_written"], 1000);

    // The Parquet output, read back by a step-less Parquet job: the same.
    let job2 = dir.path().join("parquet.toml");
    std::fs::write(&job2, "[input]\nformat = \"parquet\"\n[output]\n").unwrap();
    let out2 = dir.path().join("out2");
    let run = run_job(&job2, &out, &out2, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(output_batch(&out2).columns(), expected.columns());
}

#[test]
fn a_quoted_line_break_fails_the_job_whatever_the_partition_size() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let mut text = String::from("id,note\n");
    for i in 0..4000 {
        if i % 100 == 50 {
            // The lines inside the quotes look like records.
            text.push_str(&format!("{i},\"a\n{}9,b\n{}8,c\"\n", i, i));
        } else {
            text.push_str(&format!("{i},plain\n"));
        }
    }
    std::fs::write(data.join("m.csv"), &text).unwrap();
    let columns = [("id", "int64"), ("note", "utf8")];
    for partition_mib in ["0.001", "0.01", "64"] {
        let job = csv_job(
            dir.path(),
            &columns,
            &format!("partition_mib = {partition_mib}\nbad_rows = \"quarantine\""),
            "",
        );
        let out = dir.path().join(format!("out-{partition_mib}"));
        let run = run_job(&job, &data, &out, &[]);
        assert_eq!(
            run.status.code(),
            Some(1),
            "{partition_mib}: {}",
            stderr(&run)
        );
        assert!(
            stderr(&run).contains("newlines_in_values = true"),
            "{}",
            stderr(&run)
        );
        assert!(!out.join("_SUCCESS").exists());
    }
    let job = csv_job(
        dir.path(),
        &columns,
        "partition_mib = 0.001\n[input.csv]\nnewlines_in_values = true",
        "",
    );
    let out = dir.path().join("out-multiline");
    let run = run_job(&job, &data, &out, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(manifest(&out)["totals"]["rows_written"], 4000);
    assert_eq!(output_batch(&out).num_rows(), 4000);
}

#[test]
fn zero_counts_and_ambiguous_steps_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("a.csv"), "b,i8\ntrue,1\n").unwrap();
    let columns = [("b", "bool"), ("i8", "int8")];
    let cases: &[(&str, &str, &str)] = &[
        (
            "",
            "row_group_rows = 0",
            "output.row_group_rows must be at least 1",
        ),
        ("", "zstd_level = 0", "output.zstd_level must be 1 to 22"),
        (
            "",
            "row_group_mib = 0",
            "output.row_group_mib must be a positive number of MiB, not 0",
        ),
        (
            "",
            "row_group_mib = inf",
            "output.row_group_mib must be a positive number of MiB, not inf",
        ),
        (
            "[[steps]]\nselect = [\"b\", \"b\"]",
            "",
            "select names `b` twice",
        ),
        (
            "[[steps]]\nfill_null = { \"*\" = \"x\" }",
            "",
            "its value must be a number",
        ),
        (
            "[[steps]]\nselect = [\"b\"]\n[[steps]]\nfill_null = { \"*\" = -1 }",
            "",
            "fills no column",
        ),
    ];
    for (steps, output, expected) in cases {
        let job = csv_job(dir.path(), &columns, "", steps);
        let text = std::fs::read_to_string(&job).unwrap() + output;
        std::fs::write(&job, text).unwrap();
        let run = wasmprep(&[
            "validate",
            job.to_str().unwrap(),
            "--input",
            data.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(1), "{steps} {output}");
        assert!(
            stderr(&run).contains(expected),
            "{expected}: {}",
            stderr(&run)
        );
    }
    let job = csv_job(dir.path(), &columns, "", "");
    let out = dir.path().join("out");
    let run = run_job(&job, &data, &out, &["--batch-rows", "0"]);
    assert_eq!(run.status.code(), Some(2), "clap's usage error");
    assert!(stderr(&run).contains("--batch-rows"), "{}", stderr(&run));
    assert!(!out.exists());
}

#[test]
fn limits_out_of_range_are_refused_when_the_spec_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = all_types_csv(dir.path(), 10);
    let plugin = crate::root().join("target/plugins/test-passthrough.wasm");
    for (limit, field) in [
        ("timeout_secs = inf", "limits.timeout_secs"),
        ("timeout_secs = nan", "limits.timeout_secs"),
        ("memory_mib = 0", "limits.memory_mib"),
    ] {
        let steps = format!(
            "[[steps]]\nplugin = \"{}\"\nlimits = {{ {limit} }}",
            plugin.display()
        );
        let job = csv_job(dir.path(), &[("b", "bool")], "", &steps);
        let run = wasmprep(&[
            "validate",
            job.to_str().unwrap(),
            "--input",
            data.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(1), "{limit}: {}", stderr(&run));
        assert!(stderr(&run).contains(field), "{}", stderr(&run));
        assert!(!stderr(&run).contains("panicked"), "{}", stderr(&run));
    }
}

#[test]
fn quarantined_rows_keep_their_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let bad_utf8: &[u8] = b"2,caf\xe9 \"au\" lait\r\n";
    let mut bytes = b"id,name\n1,ok\n".to_vec();
    bytes.extend_from_slice(bad_utf8);
    bytes.extend_from_slice(b"x3,fine\n");
    std::fs::write(data.join("q.csv"), &bytes).unwrap();
    for format in ["csv", "jsonl"] {
        let job = csv_job(
            dir.path(),
            &[("id", "int64"), ("name", "utf8")],
            &format!("bad_rows = \"quarantine\"\nquarantine_format = \"{format}\""),
            "",
        );
        let out = dir.path().join(format!("out-{format}"));
        let run = run_job(&job, &data, &out, &[]);
        assert!(run.status.success(), "{}", stderr(&run));
        assert_eq!(manifest(&out)["totals"]["rows_rejected"], 2);
        let text = std::fs::read(out.join(format!("_rejected/part-00000.{format}"))).unwrap();
        if format == "csv" {
            // The record, quotes doubled, every byte as it was.
            let quoted = b"\"2,caf\xe9 \"\"au\"\" lait\"";
            assert!(
                text.windows(quoted.len()).any(|w| w == quoted),
                "{}",
                String::from_utf8_lossy(&text)
            );
        } else {
            let lines: Vec<serde_json::Value> = text
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .map(|l| serde_json::from_slice(l).unwrap())
                .collect();
            use base64::Engine;
            let raw = base64::engine::general_purpose::STANDARD
                .decode(lines[0]["record"].as_str().unwrap())
                .unwrap();
            assert_eq!(lines[0]["record_encoding"], "base64");
            assert_eq!(raw, &bad_utf8[..bad_utf8.len() - 2]);
            assert_eq!(lines[1]["record"], "x3,fine");
            assert!(lines[1].get("record_encoding").is_none());
        }
    }
}

#[test]
fn compressed_csv_is_read_and_skipped_files_are_named() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let plain = all_types_csv(dir.path(), 3000);
    let text = std::fs::read(plain.join("all.csv")).unwrap();
    let data = dir.path().join("compressed");
    std::fs::create_dir(&data).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&text).unwrap();
    std::fs::write(data.join("a.csv.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        data.join("b.csv.zst"),
        zstd::encode_all(&text[..], 3).unwrap(),
    )
    .unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    bz.write_all(&text).unwrap();
    std::fs::write(data.join("c.csv.bz2"), bz.finish().unwrap()).unwrap();
    // Not read: hidden, a marker, another extension.
    std::fs::write(data.join(".d.csv"), b"garbage").unwrap();
    std::fs::write(data.join("_SUCCESS"), b"").unwrap();
    std::fs::write(data.join("notes.txt"), b"x").unwrap();
    let columns: Vec<(&str, &str)> = ALL_TYPES.iter().map(|c| (c.0, c.1)).collect();
    let job = csv_job(dir.path(), &columns, "partition_mib = 0.01", "");

    let check = wasmprep(&[
        "validate",
        job.to_str().unwrap(),
        "--input",
        data.to_str().unwrap(),
    ]);
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(said.contains("3 file(s), 3 partition(s)"), "{said}");
    for skipped in [
        ".d.csv (hidden)",
        "_SUCCESS (a marker",
        "notes.txt (not .csv",
    ] {
        assert!(said.contains(skipped), "{skipped}: {said}");
    }
    let out = dir.path().join("out");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_wasmprep"))
        .args([
            "run",
            job.to_str().unwrap(),
            "--input",
            data.to_str().unwrap(),
        ])
        .arg("--output")
        .arg(&out)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .env("WASMPREP_CACHE_DIR", crate::cache_dir())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains(".d.csv"),
        "skipped files are logged: {}",
        stderr(&run)
    );
    let reference = dir.path().join("reference");
    let run = run_job(&job, &plain, &reference, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let once = output_batch(&reference);
    let thrice = output_batch(&out);
    assert_eq!(thrice.num_rows(), 3 * once.num_rows());
    for i in 0..3 {
        assert_eq!(thrice.slice(i * once.num_rows(), once.num_rows()), once);
    }
}

#[test]
fn output_files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = all_types_csv(dir.path(), 10);
    let job = csv_job(
        dir.path(),
        &[("b", "bool"), ("i8", "int8")],
        "bad_rows = \"quarantine\"",
        "",
    );
    std::fs::write(data.join("all.csv"), "b,i8\ntrue,1\nbad,2\n").unwrap();
    let out = dir.path().join("out");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 022 && exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_wasmprep"))
        .args(["run", job.to_str().unwrap(), "--input"])
        .arg(&data)
        .arg("--output")
        .arg(&out)
        .env("WASMPREP_CACHE_DIR", crate::cache_dir())
        .status()
        .unwrap();
    assert!(status.success());
    for file in [
        "part-00000.parquet",
        "_manifest.json",
        "_SUCCESS",
        "_commits/part-00000.json",
        "_rejected/part-00000.csv",
    ] {
        let mode = std::fs::metadata(out.join(file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "{file}: {:o}", mode & 0o777);
    }
}

#[test]
fn an_input_rewritten_in_place_is_not_resumed_into_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let write = |digit: char| {
        let mut text = String::from("id,v\n");
        for i in 0..20_000 {
            text.push_str(&format!("{i:06},{}\n", digit.to_string().repeat(4)));
        }
        std::fs::write(data.join("a.csv"), text).unwrap();
    };
    write('1');
    let job = csv_job(
        dir.path(),
        &[("id", "int64"), ("v", "int64")],
        "partition_mib = 0.05",
        "",
    );
    let out = dir.path().join("out");
    let run = run_job(&job, &data, &out, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    // An interrupted run: two partitions' files and commits gone.
    for name in ["part-00001", "part-00003"] {
        std::fs::remove_file(out.join(format!("{name}.parquet"))).unwrap();
        std::fs::remove_file(out.join(format!("_commits/{name}.json"))).unwrap();
    }
    std::fs::remove_file(out.join("_SUCCESS")).unwrap();
    // The same size, the same rows, other values; the same first and last
    // bytes would not hide it either (the time changes).
    std::thread::sleep(std::time::Duration::from_millis(20));
    write('2');
    let resume = run_job(&job, &data, &out, &["--resume"]);
    assert_eq!(resume.status.code(), Some(1), "{}", stderr(&resume));
    assert!(
        stderr(&resume).contains("written by a different job"),
        "{}",
        stderr(&resume)
    );
}

#[test]
fn a_cast_that_overflows_a_float_fails_naming_column_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let columns = [("wide", "float64"), ("text", "utf8")];
    let cases = [
        ("wide", "1.5,x\n-inf,y\n1e300,z\n", "column `wide`, row 2"),
        (
            "text",
            "1,2.5\n2,Infinity\n3,1e40\n",
            "column `text`, row 2",
        ),
    ];
    for (column, rows, expected) in cases {
        std::fs::write(data.join("a.csv"), format!("wide,text\n{rows}")).unwrap();
        let steps = format!("[[steps]]\ncast = {{ {column} = \"float32\" }}");
        let job = csv_job(dir.path(), &columns, "", &steps);
        let out = dir.path().join(format!("out-{column}"));
        let run = run_job(&job, &data, &out, &[]);
        assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
        assert!(
            stderr(&run).contains(expected),
            "{expected}: {}",
            stderr(&run)
        );
        assert!(
            stderr(&run).contains("out of range for float32"),
            "{}",
            stderr(&run)
        );
        // Without the overflowing row, the infinities written as such pass.
        let kept: String = rows.lines().take(2).map(|l| format!("{l}\n")).collect();
        std::fs::write(data.join("a.csv"), format!("wide,text\n{kept}")).unwrap();
        let run = run_job(&job, &data, &dir.path().join(format!("ok-{column}")), &[]);
        assert!(run.status.success(), "{}", stderr(&run));
    }
}
