//! Jobs end to end through the `wasmprep` binary: the NYC-taxi example,
//! determinism, commits and resume, bad rows, input errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wasmprep::job::JobSpec;

use crate::{manifest, manifest_identity, part_files, root, taxi_job};
use wasmprep::sample::{write_taxi_csv, TaxiSample};

pub(crate) fn wasmprep(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmprep"))
        .env("WASMPREP_CACHE_DIR", crate::cache_dir())
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "warn")
        .args(args)
        .output()
        .unwrap()
}

/// `wasmprep run JOB --input DATA --output OUT EXTRA...`.
pub(crate) fn run_job(job: &Path, data: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        job.to_str().unwrap(),
        "--input",
        data.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    wasmprep(&args)
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn sample(dir: &Path, rows: u64, files: usize, bad_per_million: u32) -> PathBuf {
    let data = dir.join("data");
    write_taxi_csv(
        &data,
        &TaxiSample {
            rows,
            files,
            seed: 7,
            bad_rows_per_million: bad_per_million,
        },
    )
    .unwrap();
    data
}

pub(crate) fn parquet_rows(out: &Path) -> u64 {
    part_files(out)
        .iter()
        .map(|(name, _)| {
            let (_, batches) = wasmprep::io::parquet::read(&out.join(name), None, 65_536).unwrap();
            batches.iter().map(|b| b.num_rows() as u64).sum::<u64>()
        })
        .sum()
}

#[test]
fn every_shipped_job_spec_parses_and_checks() {
    let mut n = 0;
    for entry in glob::glob(&format!("{}/jobs/*/*.toml", root().display())).unwrap() {
        let path = entry.unwrap();
        let spec = JobSpec::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        wasmprep::job::Job::from_spec(
            spec,
            path.parent().unwrap(),
            &path,
            Some("in"),
            Some(Path::new("out")),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        n += 1;
    }
    assert!(n >= 1);
}

#[test]
fn spec_mistakes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let typo = taxi_job(dir.path(), |t| {
        t.replace("partition_mib = 64", "partition_mb = 64")
    });
    let err = JobSpec::load(&typo).unwrap_err().to_string();
    assert!(err.contains("unknown field `partition_mb`"), "{err}");

    let two = taxi_job(dir.path(), |t| {
        t.replace(
            "fill_null = { \"*\" = -1 }",
            "fill_null = { \"*\" = -1 }\nselect = [\"a\"]",
        )
    });
    let spec = JobSpec::load(&two).unwrap();
    let err =
        wasmprep::job::Job::from_spec(spec, dir.path(), &two, Some("in"), Some(Path::new("out")))
            .unwrap_err()
            .to_string();
    assert_eq!(
        err,
        "steps[3]: a step needs exactly one of select, rename, cast, fill_null or plugin (found: select, fill_null)"
    );

    let bad_type = taxi_job(dir.path(), |t| {
        t.replacen("type = \"int32\"", "type = \"int33\"", 1)
    });
    let out = wasmprep(&["validate", bad_type.to_str().unwrap(), "--input", "."]);
    assert!(
        stderr(&out).contains("input.columns: `VendorID` has unknown type `int33`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn nyc_taxi_runs_and_accounts_for_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 40_000, 3, 0);
    // Small partitions: several per file.
    let job = taxi_job(dir.path(), |t| {
        t.replace("partition_mib = 64", "partition_mib = 0.5")
    });
    let out = dir.path().join("out");
    let run = run_job(&job, &data, &out, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stderr(&run).contains("40000 rows read"), "{}", stderr(&run));
    assert!(out.join("_SUCCESS").is_file());

    let m = manifest(&out);
    let parts = m["partitions"].as_array().unwrap();
    assert!(parts.len() >= 6, "{} partitions", parts.len());
    assert_eq!(m["rows_balanced"], true);
    let totals = &m["totals"];
    assert_eq!(totals["rows_read"], 40_000);
    let (read, written, filtered, rejected) = (
        totals["rows_read"].as_u64().unwrap(),
        totals["rows_written"].as_u64().unwrap(),
        totals["rows_filtered"].as_u64().unwrap(),
        totals["rows_rejected"].as_u64().unwrap(),
    );
    assert_eq!(read, written + filtered + rejected);
    assert!(
        filtered > 1_000 && filtered < 8_000,
        "the sample's outliers are dropped: {filtered}"
    );
    assert_eq!(parquet_rows(&out), written);
    assert_eq!(m["schema"].as_array().unwrap().len(), 26);
    assert_eq!(m["plugins"][0]["name"], "taxi-clean");
    assert_eq!(m["plugins"][1]["name"], "taxi-features");
    // Provenance: the version, and the git revision of this checkout.
    assert_eq!(m["wasmprep_version"], env!("CARGO_PKG_VERSION"));
    if root().join(".git").exists() {
        let revision = m["wasmprep_revision"].as_str().unwrap_or_default();
        assert!(
            revision.len() == 40 && revision.bytes().all(|b| b.is_ascii_hexdigit()),
            "wasmprep_revision: {revision:?}"
        );
    }
    for p in parts {
        assert_eq!(p["sha256"].as_str().unwrap().len(), 64);
    }
}

#[test]
fn nyc_taxi_output_matches_duckdb_read_by_pyarrow_and_polars() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 30_000, 2, 0);
    let job = taxi_job(dir.path(), |t| {
        t.replace("partition_mib = 64", "partition_mib = 1")
    });
    let out = dir.path().join("out");
    let run = run_job(&job, &data, &out, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let python = root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `make deps` (duckdb, pyarrow and polars from PyPI)",
        python.display()
    );
    let check = Command::new(python)
        .arg(root().join("tests/python/compare_duckdb.py"))
        .arg(format!("{}/*.csv", data.display()))
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(text.starts_with("ok: "), "{text}");
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 20_000, 2, 0);
    let job = taxi_job(dir.path(), |t| {
        t.replace("partition_mib = 64", "partition_mib = 0.3")
    });
    let mut outs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = dir.path().join(format!("out-{threads}"));
        let run = wasmprep(&[
            "run",
            job.to_str().unwrap(),
            "--input",
            data.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--threads",
            threads,
        ]);
        assert!(run.status.success(), "{}", stderr(&run));
        outs.push(out);
    }
    let reference = part_files(&outs[0]);
    assert!(reference.len() >= 4);
    for out in &outs[1..] {
        assert!(
            part_files(out) == reference,
            "part files differ in {}",
            out.display()
        );
        assert_eq!(manifest_identity(out), manifest_identity(&outs[0]));
    }
}

#[test]
fn existing_output_is_refused_and_resume_redoes_only_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 20_000, 2, 0);
    let job = taxi_job(dir.path(), |t| {
        t.replace("partition_mib = 64", "partition_mib = 0.3")
    });
    let out = dir.path().join("out");
    let args = [
        "run",
        job.to_str().unwrap(),
        "--input",
        data.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    assert!(wasmprep(&args).status.success());
    let clean = part_files(&out);

    let again = wasmprep(&args);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already holds results (a complete run); pass --resume"),
        "{}",
        stderr(&again)
    );

    // Lose two partitions (one file gone, one commit record gone) and the
    // success marker, as a crash would.
    std::fs::remove_file(out.join("part-00001.parquet")).unwrap();
    std::fs::remove_file(out.join("_commits/part-00003.json")).unwrap();
    std::fs::remove_file(out.join("_SUCCESS")).unwrap();
    let before = std::fs::metadata(out.join("part-00000.parquet"))
        .unwrap()
        .modified()
        .unwrap();
    let resumed = wasmprep(&[&args[..], &["--resume"]].concat());
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(
        stderr(&resumed).contains(&format!("({} resumed)", clean.len() - 2)),
        "{}",
        stderr(&resumed)
    );
    assert_eq!(
        std::fs::metadata(out.join("part-00000.parquet"))
            .unwrap()
            .modified()
            .unwrap(),
        before
    );
    assert!(
        part_files(&out) == clean,
        "resumed output differs from a clean run"
    );
    assert!(out.join("_SUCCESS").is_file());

    let overwritten = wasmprep(&[&args[..], &["--overwrite"]].concat());
    assert!(overwritten.status.success(), "{}", stderr(&overwritten));
    assert!(part_files(&out) == clean);
}

#[test]
fn a_bad_row_under_fail_names_file_line_and_column_and_leaves_no_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let header = wasmprep::sample::TAXI_COLUMNS.map(|(n, _)| n).join(",");
    let good = "1,2015-01-15 19:05:39,2015-01-15 19:23:42,1,1.59,-73.99,40.75,1,N,-73.97,40.75,1,12,1,0.5,3.25,0,0.3,17.05";
    let bad = good.replace(",12,", ",12x,");
    let text = format!("{header}\n{good}\n{good}\n{bad}\n{good}\n");
    std::fs::write(data.join("trips.csv"), text).unwrap();
    let job = taxi_job(dir.path(), |t| t);
    let out = dir.path().join("out");
    let run = run_job(&job, &data, &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(
        err.contains("trips.csv:4, column `fare_amount`: cannot parse \"12x\" as float32"),
        "{err}"
    );
    assert!(!out.join("_SUCCESS").exists());
    assert!(
        part_files(&out).is_empty(),
        "no part file of the failed partition"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(leftovers.iter().all(|n| n == "_commits"), "{leftovers:?}");
}

#[test]
fn quarantine_sets_bad_rows_aside_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 20_000, 2, 5_000);
    for (format, ext) in [("csv", "csv"), ("jsonl", "jsonl")] {
        let job = taxi_job(dir.path(), |t| {
            t.replace(
                "bad_rows = \"fail\"",
                &format!("bad_rows = \"quarantine\"\nquarantine_format = \"{format}\""),
            )
        });
        let out = dir.path().join(format!("out-{format}"));
        let run = run_job(&job, &data, &out, &[]);
        assert!(run.status.success(), "{}", stderr(&run));
        let m = manifest(&out);
        let rejected = m["totals"]["rows_rejected"].as_u64().unwrap();
        assert!(
            (40..=200).contains(&rejected),
            "about 0.5% of 20000 rows: {rejected}"
        );
        assert_eq!(m["totals"]["rows_read"], 20_000);
        assert_eq!(m["rows_balanced"], true);
        let mut lines = 0;
        for p in m["partitions"].as_array().unwrap() {
            if let Some(file) = p["rejected_file"].as_str() {
                assert!(file.ends_with(ext));
                let text = std::fs::read_to_string(out.join(file)).unwrap();
                let rows: Vec<&str> = text.lines().collect();
                let body = if format == "csv" {
                    &rows[1..]
                } else {
                    &rows[..]
                };
                assert_eq!(body.len() as u64, p["rows_rejected"].as_u64().unwrap());
                lines += body.len() as u64;
                if format == "jsonl" {
                    let first: serde_json::Value = serde_json::from_str(body[0]).unwrap();
                    assert!(first["line"].as_u64().unwrap() > 1);
                    assert!(first["file"].as_str().unwrap().ends_with(".csv"));
                    assert!(!first["reason"].as_str().unwrap().is_empty());
                } else {
                    assert_eq!(rows[0], "file,line,column,reason,record");
                }
            }
        }
        assert_eq!(lines, rejected);
    }
}

#[test]
fn input_problems_are_reported_before_any_output_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let job = taxi_job(dir.path(), |t| t);
    let out = dir.path().join("out");
    let cases = [
        (
            dir.path().join("nowhere").display().to_string(),
            "does not exist",
        ),
        (
            format!("{}/*.csv", dir.path().display()),
            "matches no CSV file",
        ),
    ];
    for (input, expected) in cases {
        let run = wasmprep(&[
            "run",
            job.to_str().unwrap(),
            "--input",
            &input,
            "--output",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(1));
        assert!(stderr(&run).contains(expected), "{}", stderr(&run));
        assert!(!out.exists());
    }
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("a.csv"),
        "VendorID,pickup\n1,2015-01-01 00:00:00\n",
    )
    .unwrap();
    let run = run_job(&job, &data, &out, &[]);
    assert!(
        stderr(&run).contains("the header does not match the schema: column 2 is `pickup` in the file but `tpep_pickup_datetime` in the schema"),
        "{}",
        stderr(&run)
    );
    assert!(!out.exists());
}

#[test]
fn parquet_input_is_partitioned_by_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 20_000, 1, 0);
    let job = taxi_job(dir.path(), |t| {
        t.replace("row_group_rows = 1048576", "row_group_rows = 3000")
    });
    let first = dir.path().join("first");
    let run = run_job(&job, &data, &first, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let written = manifest(&first)["totals"]["rows_written"].as_u64().unwrap();

    let spec = r#"
name = "select-from-parquet"
[input]
format = "parquet"
partition_mib = 0.05
[[steps]]
select = ["VendorID", "h_distance"]
[[steps]]
cast = { VendorID = "int64" }
[output]
"#;
    let path = dir.path().join("parquet.toml");
    std::fs::write(&path, spec).unwrap();
    let plan = wasmprep(&[
        "plan",
        path.to_str().unwrap(),
        "--input",
        first.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&plan.stdout).into_owned();
    assert!(text.contains("row groups [0]"), "{text}");
    let second = dir.path().join("second");
    let run = run_job(&path, &first, &second, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let m = manifest(&second);
    assert_eq!(m["totals"]["rows_written"].as_u64().unwrap(), written);
    assert!(m["partitions"].as_array().unwrap().len() > 1);
    assert_eq!(m["schema"][0]["type"], "int64");
}

#[test]
fn validate_checks_every_plugin_contract_without_touching_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 100, 1, 0);
    let job = taxi_job(dir.path(), |t| {
        t.replace(
            "\"pickup_datetime\", \"dropoff_datetime\",",
            "\"pickup_datetime\",",
        )
    });
    let out = wasmprep(&[
        "validate",
        job.to_str().unwrap(),
        "--input",
        data.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("steps[4] (plugin): plugin taxi-features reads column `dropoff_datetime`, which the input does not have"),
        "{}",
        stderr(&out)
    );
    let job = taxi_job(dir.path(), |t| t);
    let ok = wasmprep(&[
        "validate",
        job.to_str().unwrap(),
        "--input",
        data.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(text.contains("reads 14 of 19 columns"), "{text}");
    assert!(text.contains("h_distance               float32"), "{text}");
}

/// Peak resident memory (KiB) of the child running `cmd`, which must succeed.
fn peak_rss_kib(cmd: &mut Command) -> i64 {
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let (code, peak) = crate::run_peak_rss(cmd);
    assert_eq!(code, 0, "the job failed");
    peak
}

#[test]
fn peak_memory_does_not_grow_with_the_input() {
    let _one_at_a_time = crate::exclusive();
    let dir = tempfile::tempdir().unwrap();
    let job = taxi_job(dir.path(), |t| {
        t.replace("partition_mib = 64", "partition_mib = 1")
    });
    let input = |rows: u64| {
        let data = dir.path().join(format!("data-{rows}"));
        write_taxi_csv(
            &data,
            &TaxiSample {
                rows,
                files: 1,
                seed: 3,
                bad_rows_per_million: 0,
            },
        )
        .unwrap();
        data
    };
    let peak = |data: &Path| {
        let out = dir.path().join("out");
        let _ = std::fs::remove_dir_all(&out);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmprep"));
        cmd.env("WASMPREP_CACHE_DIR", dir.path().join("cache"))
            .args([
                "run",
                job.to_str().unwrap(),
                "--input",
                data.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
                "--threads",
                "1",
            ]);
        peak_rss_kib(&mut cmd)
    };
    // Warm the plugin cache first (compiling takes memory a cached load
    // does not). Then an input of ~15 partitions, past the first few where
    // buffers and the sandbox's memory reach their working size, and one 4x
    // larger; each twice, keeping the lower peak (a busy machine only adds).
    peak(&input(1_000));
    let (small, big) = (input(100_000), input(400_000));
    let mut peaks = [i64::MAX, i64::MAX];
    for _ in 0..2 {
        peaks[0] = peaks[0].min(peak(&small));
        peaks[1] = peaks[1].min(peak(&big));
    }
    // 4x the input, streamed in partitions of the same size.
    assert!(
        peaks[1] < peaks[0] * 5 / 4,
        "peak RSS grew with the input: {peaks:?} KiB"
    );
}

/// `wasmprep lock` pins each plugin by its sha256; a component with another
/// digest is refused before any of its code runs, naming the step and both
/// digests; a pin that is not a digest is a spec error.
#[test]
fn a_pinned_plugin_with_another_digest_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 100, 1, 0);
    let job = taxi_job(dir.path(), |t| t);
    let validate = |job: &Path| {
        wasmprep(&[
            "validate",
            job.to_str().unwrap(),
            "--input",
            data.to_str().unwrap(),
        ])
    };
    let locked = wasmprep(&["lock", job.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&locked.stdout);
    assert!(locked.status.success(), "{}", stderr(&locked));
    let clean = std::fs::read(root().join("target/plugins/taxi-clean.wasm")).unwrap();
    let digest = wasmprep::sandbox::component_digest(&clean);
    assert!(
        text.contains("steps[0] ") && text.contains(&digest),
        "{text}"
    );
    assert!(text.contains("newly pinned"), "{text}");
    assert!(
        validate(&job).status.success(),
        "{}",
        stderr(&validate(&job))
    );

    let other = "ab".repeat(32);
    let pinned = std::fs::read_to_string(&job).unwrap();
    assert!(pinned.contains("# Relative paths here"), "comments kept");
    std::fs::write(&job, pinned.replace(&digest, &other)).unwrap();
    let refused = validate(&job);
    assert_eq!(refused.status.code(), Some(1));
    let err = stderr(&refused);
    assert!(
        err.contains(&format!(
            "steps[0] (plugin): plugin {} is not the component the job pins: its sha256 is {digest}, the job's is {other}",
            root().join("target/plugins/taxi-clean.wasm").display()
        )),
        "{err}"
    );

    std::fs::write(&job, pinned.replace(&digest, "abc")).unwrap();
    let err = stderr(&validate(&job));
    assert!(
        err.contains("steps[0]: sha256 = \"abc\" is not a sha256 digest"),
        "{err}"
    );
}
