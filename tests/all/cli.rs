//! The `wasmprep` binary: plugin inspect, run and test.

use std::process::Command;

use arrow::array::Array;

use wasmprep_artifacts::{TAXI_CLEAN, TIP_RATIO};

fn wasmprep() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmprep"));
    cmd.env("WASMPREP_CACHE_DIR", crate::cache_dir())
        .env("NO_COLOR", "1");
    cmd
}

#[test]
fn inspect_prints_the_contract() {
    let out = wasmprep()
        .args(["plugin", "inspect", TIP_RATIO])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("plugin:  tip-ratio 0.1.0"), "{text}");
    assert!(text.contains("filters: no"), "{text}");
    assert!(text.contains("  tip_amount   float32"), "{text}");
    assert!(text.contains("outputs:\n  tip_ratio  float32"), "{text}");
    assert!(text.contains("wasmprep:plugin/host@0.1.0"), "{text}");
}

#[test]
fn test_exits_2_and_prints_the_difference_on_a_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("wrong");
    std::fs::create_dir(&case).unwrap();
    let header = "fare_amount:float32,passenger_count:int32,pickup_longitude:float32,pickup_latitude:float32,dropoff_longitude:float32,dropoff_latitude:float32";
    std::fs::write(
        case.join("input.csv"),
        format!("{header}\n10,1,-73.9,40.7,-73.9,40.7\n10,9,-73.9,40.7,-73.9,40.7\n"),
    )
    .unwrap();
    // Row 1 has 9 passengers: dropped. The expected file keeps it and
    // misstates row 0.
    std::fs::write(
        case.join("expected.csv"),
        format!("{header}\n10,2,-73.9,40.7,-73.9,40.7\n10,9,-73.9,40.7,-73.9,40.7\n"),
    )
    .unwrap();
    let out = wasmprep()
        .args(["plugin", "test", TAXI_CLEAN])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("FAILED   wrong: 2 difference(s)"), "{text}");
    assert!(text.contains("rows: expected 2, got 1"), "{text}");
    assert!(
        text.contains("column `passenger_count`, row 0: expected \"2\", got \"1\""),
        "{text}"
    );

    std::fs::write(
        case.join("expected.csv"),
        format!("{header}\n10,1,-73.9,40.7,-73.9,40.7\n"),
    )
    .unwrap();
    let out = wasmprep()
        .args(["plugin", "test", TAXI_CLEAN])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn run_writes_parquet_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "tip_amount,fare_amount\n1,4\n2,\n").unwrap();
    let output = dir.path().join("out.parquet");
    let out = wasmprep()
        .args([
            "plugin",
            "run",
            TIP_RATIO,
            "--schema",
            "tip_amount:float32,fare_amount:float32",
            "--input",
        ])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, batches) = wasmprep::io::parquet::read(&output, None, 1024).unwrap();
    let ratio = batches[0].column_by_name("tip_ratio").unwrap();
    let ratio = ratio
        .as_any()
        .downcast_ref::<arrow::array::Float32Array>()
        .unwrap();
    assert_eq!(ratio.value(0), 0.25);
    assert!(ratio.is_null(1));
    // Float statistics under the column order every reader knows.
    let metadata = parquet::file::metadata::ParquetMetaDataReader::new()
        .parse_and_finish(&std::fs::File::open(&output).unwrap())
        .unwrap();
    let orders = metadata.file_metadata().column_orders().unwrap();
    assert!(
        orders
            .iter()
            .all(|o| matches!(o, parquet::basic::ColumnOrder::TYPE_DEFINED_ORDER(_))),
        "{orders:?}"
    );
}

#[test]
fn run_on_an_untyped_csv_infers_types_that_schema_can_set() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "tip_amount,fare_amount,note\n1,4,x\n2,,y\n").unwrap();
    // Inferred: the amounts are int64, which tip-ratio (float32) refuses,
    // naming both types; the inferred columns are printed.
    let out = wasmprep()
        .args(["plugin", "run", TIP_RATIO, "--input"])
        .arg(&input)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("columns: tip_amount:int64,fare_amount:int64,note:utf8"),
        "{err}"
    );
    assert!(
        err.contains("as float32, but the input's is int64"),
        "{err}"
    );
    // --schema sets two of the three; the third is still inferred.
    let out = wasmprep()
        .args(["plugin", "run", TIP_RATIO, "--input"])
        .arg(&input)
        .args(["--schema", "tip_amount:float32,fare_amount:float32"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("columns: tip_amount:float32,fare_amount:float32,note:utf8"),
        "{err}"
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("0.25"), "{table}");
    // What the plugin cost.
    assert!(
        err.contains("plugin tip-ratio: 2 rows in 1 batch(es), ") && err.contains(" ns/row"),
        "{err}"
    );
    // A name the header does not have.
    let out = wasmprep()
        .args(["plugin", "run", TIP_RATIO, "--input"])
        .arg(&input)
        .args(["--schema", "tip:float32"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--schema names `tip`"), "{err}");
}

/// Exit codes: a plugin that cannot be loaded is an error (1), not a golden
/// mismatch (2).
#[test]
fn plugin_test_exits_1_when_the_plugin_cannot_be_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let cases = crate::root().join("plugins/tip-ratio/tests/cases");
    let not_wasm = dir.path().join("not.wasm");
    std::fs::write(&not_wasm, "not a component").unwrap();
    for plugin in [dir.path().join("missing.wasm"), not_wasm] {
        let out = wasmprep()
            .args(["plugin", "test"])
            .arg(&plugin)
            .arg(&cases)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {err}", plugin.display());
        assert!(err.contains(&plugin.display().to_string()), "{err}");
    }
}

/// A binary built without MPI, started by a launcher, says so instead of
/// running as N independent copies of rank 0.
#[cfg(not(feature = "mpi"))]
#[test]
fn without_mpi_a_launched_rank_refuses_to_run_alone() {
    let out = wasmprep()
        .env("OMPI_COMM_WORLD_SIZE", "2")
        .env("OMPI_COMM_WORLD_RANK", "1")
        .args(["run", "job.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("built without MPI (`--no-default-features`)"),
        "{err}"
    );
}

/// The same binary without a launcher is a job of one rank.
#[test]
fn without_a_launcher_a_run_is_one_rank() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.csv"), "x\n1\n2\n").unwrap();
    std::fs::write(
        dir.path().join("job.toml"),
        "[input]\nformat = \"csv\"\ncolumns = [{ name = \"x\", type = \"int64\" }]\n[[steps]]\ncast = { x = \"float64\" }\n[output]\n",
    )
    .unwrap();
    let out = wasmprep()
        .current_dir(dir.path())
        .env_remove("OMPI_COMM_WORLD_SIZE")
        .env_remove("PMIX_RANK")
        .env_remove("PMI_RANK")
        .env_remove("SLURM_PROCID")
        .args(["run", "job.toml", "--input", "x.csv", "--output", "out"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("ranks=1") && err.contains("launcher=\"single process\""),
        "{err}"
    );
    assert!(dir.path().join("out/_SUCCESS").is_file());
}

/// Issue 9: an error's cause is printed once ("File exists (os error 17)"
/// was printed twice, by the error and again as its source).
#[test]
fn an_os_error_is_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.csv"), "x\n1\n").unwrap();
    std::fs::write(dir.path().join("taken"), "a file, not a directory").unwrap();
    std::fs::write(
        dir.path().join("job.toml"),
        "[input]\nformat = \"csv\"\ncolumns = [{ name = \"x\", type = \"int64\" }]\n[output]\n",
    )
    .unwrap();
    let out = wasmprep()
        .current_dir(dir.path())
        .args(["run", "job.toml", "--input", "x.csv", "--output", "taken"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("taken: "), "{err}");
    assert_eq!(err.matches("(os error ").count(), 1, "{err}");
}

/// `--version` names the git revision the binary was built from, when it
/// was built from a checkout (the manifest records the whole revision).
#[test]
fn version_names_the_revision() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wasmprep"))
        .arg("--version")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.starts_with(&format!("wasmprep {}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    if crate::root().join(".git").exists() {
        assert!(text.contains(" (git "), "{text}");
    }
}
