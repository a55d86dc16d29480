//! Fitting plugins in the production sandbox (`sdk/wit/fit.wit`): the fit
//! of standard-scaler gives, byte for byte, the parameters its native build
//! gives; a plugin that does not fit says so whether it exports the stubs
//! (every Rust SDK plugin) or nothing (a C plugin); a bad state or bad
//! parameters are errors naming the plugin and the call.

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use wasmprep::sandbox::{BatchLocation, PluginSettings};
use wasmprep_sdk::testing::{FitHarness, TestBatch};
use wasmprep_sdk::Column;

use crate::sandbox;

const CONFIG: &[(&str, &str)] = &[("columns", "[\"a\", \"b\"]")];

fn settings(fitted: Option<&[u8]>) -> PluginSettings {
    PluginSettings {
        config: CONFIG
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        fitted: fitted.map(Arc::from),
        ..PluginSettings::default()
    }
}

/// Partition `p`'s values of a and b (b null every third row).
fn values(p: usize) -> (Vec<f64>, Vec<Option<f64>>) {
    let n = 50 + 13 * p;
    let a = (0..n)
        .map(|i| 1e3 + ((i * 7919 + p) % 101) as f64 / 3.0)
        .collect();
    let b = (0..n)
        .map(|i| (i % 3 != 0).then(|| -(i as f64) * 0.25 + p as f64))
        .collect();
    (a, b)
}

fn arrow_batch(p: usize) -> RecordBatch {
    let (a, b) = values(p);
    let schema = Arc::new(Schema::new(vec![
        Field::new("a", DataType::Float64, true),
        Field::new("b", DataType::Float64, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Float64Array::from(a)),
        Arc::new(Float64Array::from(b)),
    ];
    RecordBatch::try_new(schema, columns).unwrap()
}

fn at(p: usize, rows: usize) -> BatchLocation {
    BatchLocation {
        source: format!("partition {p}"),
        batch: 0,
        first_row: 0,
        rows,
    }
}

#[test]
fn the_sandboxed_fit_gives_the_native_fits_parameters_byte_for_byte() {
    let sandbox = sandbox();
    let plugin = sandbox
        .load(wasmprep_artifacts::STANDARD_SCALER.as_ref(), settings(None))
        .unwrap();
    let mut fitter = plugin.fitter().unwrap();
    let schema = arrow_batch(0).schema();
    let plan = fitter.contract().bind(&schema).unwrap();
    let mut merged = fitter.empty().unwrap();
    for p in 0..4 {
        let batch = arrow_batch(p);
        let empty = fitter.empty().unwrap();
        let state = fitter
            .update(&empty, &plan, &batch, &at(p, batch.num_rows()))
            .unwrap();
        merged = fitter.merge(&merged, &state).unwrap();
    }
    let fitted = fitter.finish(&merged).unwrap();

    let native = FitHarness::<standard_scaler::ScalerFit>::new(CONFIG).unwrap();
    let partitions = (0..4)
        .map(|p| {
            let (a, b) = values(p);
            vec![TestBatch::new()
                .with("a", Column::from_values(a))
                .with("b", Column::from_options(b))]
        })
        .collect();
    let expected = native.fit(partitions).unwrap();
    assert_eq!(fitted.parameters, expected.parameters);
    assert_eq!(fitted.json, expected.json);

    // The transform configured with them; other parameters are refused.
    let scaler = sandbox
        .load(
            wasmprep_artifacts::STANDARD_SCALER.as_ref(),
            settings(Some(&fitted.parameters)),
        )
        .unwrap();
    let names: Vec<&str> = scaler
        .contract()
        .outputs
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["a_z", "b_z"]);
    let wrong = sandbox
        .load(
            wasmprep_artifacts::STANDARD_SCALER.as_ref(),
            settings(Some(b"nonsense")),
        )
        .err()
        .unwrap()
        .to_string();
    assert!(
        wrong.contains("standard") && wrong.contains("not a standard-scaler parameters"),
        "{wrong}"
    );
}

#[test]
fn a_state_that_is_not_the_plugins_is_an_error_naming_the_call() {
    let sandbox = sandbox();
    let plugin = sandbox
        .load(wasmprep_artifacts::STANDARD_SCALER.as_ref(), settings(None))
        .unwrap();
    let mut fitter = plugin.fitter().unwrap();
    let empty = fitter.empty().unwrap();
    let err = fitter.merge(&empty, b"garbage").unwrap_err().to_string();
    assert!(
        err.contains("plugin standard-scaler, fit merge")
            && err.contains("not a standard-scaler state"),
        "{err}"
    );
    // The instance is still usable: that was the plugin's error, not a trap.
    assert_eq!(fitter.merge(&empty, &empty).unwrap(), empty);
}

#[test]
fn a_plugin_that_does_not_fit_says_so() {
    let sandbox = sandbox();
    for wasm in [
        wasmprep_artifacts::TAXI_FEATURES,
        wasmprep_artifacts::HAVERSINE,
    ] {
        let plugin = sandbox
            .load(wasm.as_ref(), PluginSettings::default())
            .unwrap();
        let err = plugin.fitter().err().unwrap().to_string();
        assert!(err.contains("does not fit"), "{wasm}: {err}");
        let fitted = PluginSettings {
            fitted: Some(Arc::from(&b"x"[..])),
            ..PluginSettings::default()
        };
        let err = sandbox
            .load(wasm.as_ref(), fitted)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("does not fit"), "{wasm}: {err}");
    }
}

/// The NYC-taxi job with a standard-scaler step fitted on its cleaned data
/// (`fit = true`), or applying parameters fitted elsewhere (`fitted`).
fn scaler_job(dir: &std::path::Path, how: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    crate::taxi_job(dir, |t| {
        format!(
            "{}\n[[steps]]\nplugin = \"{}\"\n{how}\n\
             config = {{ columns = [\"fare_amount\", \"trip_distance\"], type = \"float32\" }}\n",
            t.replace("partition_mib = 64", "partition_mib = 0.3"),
            wasmprep_artifacts::STANDARD_SCALER
        )
    })
}

fn sample(dir: &std::path::Path, rows: u64) -> std::path::PathBuf {
    let data = dir.join("data");
    let sample = wasmprep::sample::TaxiSample {
        rows,
        files: 3,
        ..Default::default()
    };
    wasmprep::sample::write_taxi_csv(&data, &sample).unwrap();
    data
}

fn run(
    job: &std::path::Path,
    data: &std::path::Path,
    out: &std::path::Path,
    extra: &[&str],
) -> String {
    let result = crate::wasmprep_run(job, data, out)
        .args(extra)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(result.status.success(), "{err}");
    err
}

/// The standard-scaler's parameters in an output (steps[5] of the NYC-taxi
/// jobs) against DuckDB's exact mean and population deviation over the same
/// rows: relative error at most 1e-9.
fn check_scaler_against_duckdb(out: &std::path::Path) {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("_fitted/steps-5.json")).unwrap())
            .unwrap();
    for (i, column) in ["fare_amount", "trip_distance"].into_iter().enumerate() {
        let fitted = &json["columns"][i];
        assert_eq!(fitted["column"], column);
        let (count, mean, std) = duckdb_moments(out, column);
        assert_eq!(fitted["count"].as_u64(), Some(count));
        let rel = |a: f64, b: f64| (a - b).abs() / b.abs();
        assert!(
            rel(fitted["mean"].as_f64().unwrap(), mean) <= 1e-9,
            "{fitted} vs {mean}"
        );
        assert!(
            rel(fitted["std"].as_f64().unwrap(), std) <= 1e-9,
            "{fitted} vs {std}"
        );
    }
}

/// DuckDB's count, mean and population deviation of `column` in an output
/// (the rows the fit saw: the cleaned ones).
fn duckdb_moments(out: &std::path::Path, column: &str) -> (u64, f64, f64) {
    duckdb_row(&format!(
        "select count({column}), avg({column}::double), stddev_pop({column}::double) \
         from '{}/part-*.parquet'",
        out.display()
    ))
}

/// The first row of a DuckDB query, read as `T`.
fn duckdb_row<T: serde::de::DeserializeOwned>(query: &str) -> T {
    duckdb_rows(query).remove(0)
}

/// Every row of a DuckDB query (DuckDB from `.venv`), read as `T`s.
fn duckdb_rows<T: serde::de::DeserializeOwned>(query: &str) -> Vec<T> {
    let result = std::process::Command::new(crate::root().join(".venv/bin/python"))
        .args([
            "-c",
            "import duckdb, sys, json; print(json.dumps(duckdb.sql(sys.argv[1]).fetchall()))",
        ])
        .arg(query)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    serde_json::from_slice(&result.stdout).unwrap()
}

#[test]
fn a_fit_step_learns_from_all_partitions_what_duckdb_computes() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 20_000);
    let job = scaler_job(&dir.path().join("fit"), "fit = true");
    let out = dir.path().join("out");
    run(&job, &data, &out, &[]);
    let manifest = crate::manifest(&out);
    assert!(manifest["totals"]["partitions"].as_u64().unwrap() >= 4);
    let record = &manifest["fitted"][0];
    assert_eq!(record["step"], 5);
    let bin = std::fs::read(out.join(record["file"].as_str().unwrap())).unwrap();
    assert_eq!(record["sha256"], wasmprep::sandbox::component_digest(&bin));
    check_scaler_against_duckdb(&out);
    for column in ["fare_amount", "trip_distance"] {
        // The transform used them: the z-scores have mean 0 and deviation 1.
        let (_, z_mean, z_std) = duckdb_moments(&out, &format!("{column}_z"));
        assert!(
            z_mean.abs() < 1e-9 && (z_std - 1.0).abs() < 1e-9,
            "{z_mean} {z_std}"
        );
    }
}

#[test]
fn a_resumed_run_reuses_its_parameters_and_another_job_applies_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 8_000);
    let job = scaler_job(&dir.path().join("fit"), "fit = true");
    let out = dir.path().join("out");
    run(&job, &data, &out, &[]);
    let first = crate::part_digests(&out);
    let fitted = std::fs::read(out.join("_fitted/steps-5.bin")).unwrap();
    // A commit lost: resume redoes that partition with the same parameters.
    std::fs::remove_file(out.join("_commits/part-00001.json")).unwrap();
    let log = run(&job, &data, &out, &["--resume"]);
    assert!(
        log.contains("Reusing the parameters fitted before"),
        "{log}"
    );
    assert_eq!(crate::part_digests(&out), first);
    assert_eq!(
        std::fs::read(out.join("_fitted/steps-5.bin")).unwrap(),
        fitted
    );

    // Another job transforms with them (as scikit-learn's transform on a
    // test set): the same z-scores, and nothing fitted.
    let saved = dir.path().join("scaler.bin");
    std::fs::write(&saved, &fitted).unwrap();
    let apply = scaler_job(
        &dir.path().join("apply"),
        &format!("fitted = \"{}\"", saved.display()),
    );
    let applied = dir.path().join("applied");
    let log = run(&apply, &data, &applied, &[]);
    assert!(!applied.join("_fitted").exists(), "{log}");
    let z = |out: &std::path::Path| {
        format!(
            "select fare_amount_z from '{}/part-*.parquet'",
            out.display()
        )
    };
    let differ = duckdb_pair(&format!(
        "select (select count(*) from ({a} except all {b}))::double, \
         (select count(*) from ({b} except all {a}))::double",
        a = z(&applied),
        b = z(&out)
    ));
    assert_eq!(differ, (0.0, 0.0), "the same z-scores, value for value");
}

/// jobs/nyc-taxi-fit/job.toml in `dir`, plugin paths absolute, in small
/// partitions.
fn nyc_taxi_fit_job(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(crate::root().join("jobs/nyc-taxi-fit/job.toml")).unwrap();
    let plugins = crate::root().join("target/plugins");
    let text = text
        .replace("../../target/plugins", &plugins.display().to_string())
        .replace("partition_mib = 64", "partition_mib = 0.3");
    let path = dir.join("nyc-taxi-fit.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Checks an output of the NYC-taxi fit job against DuckDB's exact figures
/// over the same rows: the scaler's mean and deviation, the decile
/// boundaries' ranks within the rank error the sketch reports.
fn check_against_duckdb(out: &std::path::Path) {
    check_scaler_against_duckdb(out);
    check_deciles(out, 6, "h_distance");
}

/// The quantile-bins boundaries fitted by step `step` on `column`, against
/// the exact ranks DuckDB gives them in the output (the rows the fit saw):
/// within the rank error the sketch reports.
fn check_deciles(out: &std::path::Path, step: usize, column: &str) {
    let path = out.join(format!("_fitted/steps-{step}.json"));
    let bins: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(bins["column"], column);
    let eps = bins["rank_error"].as_f64().unwrap();
    assert!(eps < 0.02, "{bins}");
    // The boundaries as written: serde_json's reading of a float can be an
    // ulp off, and the data has ties.
    let text = std::fs::read_to_string(out.join(format!("_fitted/steps-{step}.json"))).unwrap();
    let list = text.split("\"boundaries\":[").nth(1).unwrap();
    let boundaries: Vec<&str> = list[..list.find(']').unwrap()].split(',').collect();
    assert_eq!(boundaries.len(), 9, "{text}");
    for (j, b) in boundaries.into_iter().enumerate() {
        let q = (j + 1) as f64 / 10.0;
        // The boundary as text cast to double: a numeric literal would be
        // read as a decimal, a rounding away from the value.
        let query = format!(
            "select avg(({column}::double < '{b}'::double)::int), \
             avg(({column}::double <= '{b}'::double)::int) from '{}/part-*.parquet'",
            out.display()
        );
        let (below, at_or_below) = duckdb_pair(&query);
        assert!(
            below <= q + eps && at_or_below >= q - eps,
            "decile {q} of {column}: {b} has rank {below}..{at_or_below}, bound {eps}"
        );
    }
}

/// The "Fitted." lines of a run's log: the steps each pass fitted.
fn passes(log: &str) -> Vec<String> {
    fitted_field(log, "steps")
}

/// Field `name` of each "Fitted." line of a run's log.
fn fitted_field(log: &str, name: &str) -> Vec<String> {
    log.lines()
        .filter(|l| l.contains("Fitted."))
        .map(|l| {
            let value = l.split(&format!("{name}=")).nth(1);
            let value = value.unwrap_or_else(|| panic!("a pass has no {name}: {l}"));
            value.split_whitespace().next().unwrap().to_string()
        })
        .collect()
}

fn duckdb_pair(query: &str) -> (f64, f64) {
    duckdb_row(query)
}

#[test]
fn the_nyc_taxi_fit_job_matches_duckdb() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 30_000);
    let job = nyc_taxi_fit_job(dir.path());
    let out = dir.path().join("out");
    let log = run(&job, &data, &out, &[]);
    // Neither fit needs the other's output: one read of the data fits both.
    assert_eq!(passes(&log), ["5,6"], "{log}");
    check_against_duckdb(&out);
    let deciles = duckdb_pair(&format!(
        "select min(h_distance_decile)::double, max(h_distance_decile)::double from '{}/part-*.parquet'",
        out.display()
    ));
    assert_eq!(deciles, (0.0, 9.0));
}

/// `wasmprep run` of `job` under `mpirun -n ranks`, one thread each; it
/// must succeed.
#[cfg(feature = "mpi")]
fn run_on_ranks(
    ranks: usize,
    job: &std::path::Path,
    data: &std::path::Path,
    out: &std::path::Path,
) {
    let args = [
        "run",
        job.to_str().unwrap(),
        "--input",
        data.to_str().unwrap(),
    ];
    let mut cmd = crate::mpi::mpirun(ranks, &args);
    cmd.arg("--output").arg(out).args(["--threads", "1"]);
    let result = crate::mpi::run(cmd);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

#[cfg(feature = "mpi")]
#[test]
fn the_nyc_taxi_fit_job_is_byte_identical_at_one_two_and_three_ranks() {
    let _one_at_a_time = crate::exclusive();
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 30_000);
    let job = nyc_taxi_fit_job(dir.path());
    let single = dir.path().join("single");
    run(&job, &data, &single, &[]);
    let fitted = |out: &std::path::Path| {
        [5, 6].map(|s| std::fs::read(out.join(format!("_fitted/steps-{s}.bin"))).unwrap())
    };
    for ranks in [1, 2, 3] {
        let out = dir.path().join(format!("ranks-{ranks}"));
        run_on_ranks(ranks, &job, &data, &out);
        assert_eq!(fitted(&out), fitted(&single), "{ranks} ranks");
        assert_eq!(
            crate::part_digests(&out),
            crate::part_digests(&single),
            "{ranks} ranks"
        );
        check_against_duckdb(&out);
    }
}

/// The "Fitted." lines' count of states merged on rank 0.
#[cfg(feature = "mpi")]
fn states_merged(log: &str) -> Vec<usize> {
    let counts = fitted_field(log, "states");
    counts.iter().map(|n| n.parse().unwrap()).collect()
}

/// More partitions than blocks: each block's partitions are merged where
/// they are fitted, rank 0 merges at most `MAX_BLOCKS` states, and the
/// parameters are the same bytes at one process and at three ranks (the
/// blocks do not depend on the ranks), and DuckDB's figures.
#[cfg(feature = "mpi")]
#[test]
fn past_max_blocks_rank_0_merges_one_state_a_block_and_ranks_agree() {
    let _one_at_a_time = crate::exclusive();
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 12_000);
    let job = scaler_job(&dir.path().join("fit"), "fit = true");
    let text = std::fs::read_to_string(&job).unwrap();
    std::fs::write(
        &job,
        text.replace("partition_mib = 0.3", "partition_mib = 0.0012"),
    )
    .unwrap();
    let single = dir.path().join("single");
    let log = run(&job, &data, &single, &["--threads", "2"]);
    let partitions = crate::manifest(&single)["totals"]["partitions"]
        .as_u64()
        .unwrap() as usize;
    let max = wasmprep::exec::fit::MAX_BLOCKS;
    assert!(partitions > max, "{partitions} partitions");
    assert_eq!(
        states_merged(&log),
        [wasmprep::exec::fit::blocks(partitions).len()]
    );
    assert!(states_merged(&log)[0] <= max);
    check_scaler_against_duckdb(&single);
    let out = dir.path().join("ranks-3");
    run_on_ranks(3, &job, &data, &out);
    let bin = "_fitted/steps-5.bin";
    assert_eq!(
        std::fs::read(out.join(bin)).unwrap(),
        std::fs::read(single.join(bin)).unwrap()
    );
}

#[test]
fn fitting_a_plugin_that_does_not_fit_or_both_fitting_and_applying_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 1_000);
    let job = crate::taxi_job(dir.path(), |t| {
        t.replace("taxi-features.wasm\"", "taxi-features.wasm\"\nfit = true")
    });
    let result = crate::wasmprep_run(&job, &data, &dir.path().join("out"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success());
    assert!(
        err.contains("steps[4]") && err.contains("does not fit"),
        "{err}"
    );
    let both = scaler_job(&dir.path().join("both"), "fit = true\nfitted = \"x.bin\"");
    let out = dir.path().join("out-both");
    let err = wasmprep::job::Job::load(&both, Some("in"), Some(&out))
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("steps[5]") && err.contains("exclusive"),
        "{err}"
    );
}

#[test]
fn a_fit_that_reads_another_fits_output_waits_for_its_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 20_000);
    // Deciles of the scaler's own output: the scaler must transform first.
    let job = scaler_job(dir.path(), "fit = true");
    let mut text = std::fs::read_to_string(&job).unwrap();
    text += &format!(
        "\n[[steps]]\nplugin = \"{}\"\nfit = true\n\
         config = {{ column = \"fare_amount_z\", type = \"float64\", bins = 10 }}\n",
        wasmprep_artifacts::QUANTILE_BINS
    );
    std::fs::write(&job, text).unwrap();
    let out = dir.path().join("out");
    let log = run(&job, &data, &out, &[]);
    assert_eq!(passes(&log), ["5", "6"], "{log}");
    check_scaler_against_duckdb(&out);
    check_deciles(&out, 6, "fare_amount_z");
}

#[test]
fn fits_sharing_a_pass_each_see_the_rows_where_they_stand() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 20_000);
    // A scaler before taxi-clean (it sees every row read) and deciles after
    // taxi-features (only the cleaned rows): one pass, tapped at both.
    let job = crate::taxi_job(dir.path(), |t| {
        let scaler = format!(
            "[[steps]]\nplugin = \"{}\"\nfit = true\n\
             config = {{ columns = [\"fare_amount\", \"trip_distance\"], type = \"float32\" }}\n\n",
            wasmprep_artifacts::STANDARD_SCALER
        );
        let bins = format!(
            "[[steps]]\nplugin = \"{}\"\nfit = true\n\
             config = {{ column = \"h_distance\", type = \"float32\", bins = 10 }}\n\n[output]",
            wasmprep_artifacts::QUANTILE_BINS
        );
        t.replace("partition_mib = 64", "partition_mib = 0.3")
            .replacen("[[steps]]", &(scaler + "[[steps]]"), 1)
            .replace("[output]", &bins)
    });
    let out = dir.path().join("out");
    let log = run(&job, &data, &out, &[]);
    assert_eq!(passes(&log), ["0,6"], "{log}");
    check_deciles(&out, 6, "h_distance");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("_fitted/steps-0.json")).unwrap())
            .unwrap();
    let raw = format!("read_csv('{}/*.csv', header = true)", data.display());
    for (i, column) in ["fare_amount", "trip_distance"].into_iter().enumerate() {
        let fitted = &json["columns"][i];
        let (count, mean): (u64, f64) = duckdb_row(&format!(
            "select count({column}), avg({column}::float::double) from {raw}"
        ));
        assert_eq!(
            fitted["count"].as_u64(),
            Some(count),
            "{column}: every row read"
        );
        let rel = (fitted["mean"].as_f64().unwrap() - mean).abs() / mean.abs();
        assert!(rel <= 1e-9, "{column}: {fitted} vs {mean}");
    }
    let cleaned = crate::manifest(&out)["totals"]["rows_written"]
        .as_u64()
        .unwrap();
    let seen = json["columns"][0]["count"].as_u64().unwrap();
    assert!(cleaned < seen, "taxi-clean drops rows: {cleaned} of {seen}");
}

/// The NYC-taxi job, then payment_type as text and the Python
/// vocab-encoder fitted on it.
fn vocab_job(dir: &std::path::Path) -> std::path::PathBuf {
    crate::taxi_job(dir, |t| {
        format!(
            "{}\n[[steps]]\ncast = {{ payment_type = \"utf8\" }}\n\n\
             [[steps]]\nplugin = \"{}\"\nfit = true\nconfig = {{ column = \"payment_type\" }}\n",
            t.replace("partition_mib = 64", "partition_mib = 0.3"),
            wasmprep_artifacts::VOCAB_ENCODER
        )
    })
}

/// Every payment type's id in an output against DuckDB's ranking of the
/// same rows: by frequency, most frequent first, ties by value.
fn check_vocabulary_against_duckdb(out: &std::path::Path) {
    let rows: Vec<(String, i64, i64)> = duckdb_rows(&format!(
        "select payment_type, any_value(payment_type_id), \
         row_number() over (order by count(*) desc, payment_type) - 1 \
         from '{}/part-*.parquet' group by payment_type order by 3",
        out.display()
    ));
    assert!(rows.len() >= 3, "{rows:?}");
    for (value, id, rank) in &rows {
        assert_eq!(id, rank, "payment_type {value}: {rows:?}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("_fitted/steps-6.json")).unwrap())
            .unwrap();
    assert_eq!(json["vocabulary"].as_array().unwrap().len(), rows.len());
}

#[test]
fn a_python_vocab_encoder_fits_the_frequencies_duckdb_counts() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 20_000);
    let job = vocab_job(dir.path());
    let out = dir.path().join("out");
    run(&job, &data, &out, &[]);
    check_vocabulary_against_duckdb(&out);
    #[cfg(feature = "mpi")]
    {
        let _one_at_a_time = crate::exclusive();
        let ranks = dir.path().join("ranks-2");
        run_on_ranks(2, &job, &data, &ranks);
        assert_eq!(crate::part_digests(&ranks), crate::part_digests(&out));
        assert_eq!(
            std::fs::read(ranks.join("_fitted/steps-6.bin")).unwrap(),
            std::fs::read(out.join("_fitted/steps-6.bin")).unwrap()
        );
    }
}
