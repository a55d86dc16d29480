//! Each way a plugin can break its contract gets an error naming the
//! plugin, and for a batch, the batch and its rows.

use std::sync::Arc;

use arrow::array::{Float64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use wasmprep::sandbox::Error;
use wasmprep_artifacts::{MISBEHAVE, TAXI_FEATURES};

use crate::{load, process_err, sandbox, x_batch};

#[test]
fn contract_mismatch_names_plugin_column_and_both_types() {
    let sandbox = sandbox();
    let plugin = load(&sandbox, MISBEHAVE, &[]).unwrap();
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Float64, true)]));
    let err = plugin.contract().bind(&schema).unwrap_err();
    assert_eq!(
        err.to_string(),
        "plugin misbehave reads column `x` as int64, but the input's is float64"
    );
    assert!(matches!(err, Error::ColumnType { .. }));
}

#[test]
fn missing_column_names_plugin_column_and_what_there_is() {
    let sandbox = sandbox();
    let plugin = load(&sandbox, TAXI_FEATURES, &[]).unwrap();
    let batch = RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new(
            "fare",
            DataType::Float64,
            true,
        )])),
        vec![Arc::new(Float64Array::from(vec![1.0]))],
    )
    .unwrap();
    let err = plugin
        .contract()
        .bind(&batch.schema())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "plugin taxi-features reads column `pickup_datetime`, which the input does not have (it has: fare)"
    );
}

#[test]
fn output_of_wrong_length_is_refused() {
    let sandbox = sandbox();
    let plugin = load(&sandbox, MISBEHAVE, &[("mode", "wrong-length")]).unwrap();
    assert_eq!(
        process_err(&plugin, &x_batch(10)),
        "plugin misbehave, batch 3 (rows 1000..1010) of test.csv: returned an output that breaks its \
         contract: column `y` (int64): 9 rows for a batch of 10"
    );
}

#[test]
fn output_of_wrong_type_is_refused() {
    let sandbox = sandbox();
    let plugin = load(&sandbox, MISBEHAVE, &[("mode", "wrong-type")]).unwrap();
    let err = process_err(&plugin, &x_batch(10));
    assert!(
        err.starts_with(
            "plugin misbehave, batch 3 (rows 1000..1010) of test.csv: returned an output that breaks \
             its contract: column `y` (float64): "
        ),
        "{err}"
    );
    assert!(
        err.contains("80"),
        "names the bytes a float64 column of 10 rows needs: {err}"
    );
}

#[test]
fn invalid_utf8_output_is_refused() {
    let sandbox = sandbox();
    let plugin = load(&sandbox, MISBEHAVE, &[("mode", "bad-utf8")]).unwrap();
    let err = process_err(&plugin, &x_batch(4));
    assert!(
        err.contains("column `y` (utf8)") && err.contains("UTF8"),
        "{err}"
    );
}

#[test]
fn a_filtering_plugin_without_selection_is_refused() {
    let sandbox = sandbox();
    let plugin = load(&sandbox, MISBEHAVE, &[("mode", "no-selection")]).unwrap();
    let err = process_err(&plugin, &x_batch(4));
    assert!(
        err.ends_with("the contract filters rows but no selection was returned"),
        "{err}"
    );
}

#[test]
fn a_trap_names_plugin_batch_rows_and_the_panic_message() {
    let sandbox = sandbox();
    let plugin = load(&sandbox, MISBEHAVE, &[("mode", "panic")]).unwrap();
    let err = process_err(&plugin, &x_batch(7));
    assert!(
        err.starts_with("plugin misbehave, batch 3 (rows 1000..1007) of test.csv: trapped: "),
        "{err}"
    );
    assert!(
        err.contains("misbehave: panicking on purpose in batch of 7 rows"),
        "{err}"
    );
}

#[test]
fn an_instance_that_trapped_runs_no_more_and_a_new_one_starts_afresh() {
    let sandbox = sandbox();
    let plugin = load(&sandbox, MISBEHAVE, &[("mode", "trap-once")]).unwrap();
    let batch = x_batch(5);
    let plan = plugin.contract().bind(&batch.schema()).unwrap();
    let mut instance = plugin.instantiate().unwrap();
    let first = instance.process(&plan, &batch, &crate::at(0, 0, 5));
    assert!(first
        .unwrap_err()
        .to_string()
        .contains("trapping on the first batch only"));
    // The trapped instance refuses (its memory may be half-updated)...
    let again = instance.process(&plan, &batch, &crate::at(1, 5, 5));
    assert_eq!(
        again.unwrap_err().to_string(),
        "plugin misbehave: this instance trapped on an earlier batch and runs no more; make a new one"
    );
    // ...and a new one is new: its call counter starts at zero, so it traps
    // on its first batch too.
    let mut fresh = plugin.instantiate().unwrap();
    let err = fresh
        .process(&plan, &batch, &crate::at(1, 5, 5))
        .unwrap_err();
    assert!(
        err.to_string().contains("trapping on the first batch only"),
        "{err}"
    );
}

#[test]
fn invalid_input_reported_by_the_plugin_names_the_absolute_row_and_column() {
    let sandbox = sandbox();
    let plugin = load(&sandbox, MISBEHAVE, &[("mode", "invalid-input")]).unwrap();
    assert_eq!(
        process_err(&plugin, &x_batch(4)),
        "plugin misbehave, batch 3 (rows 1000..1004) of test.csv: invalid input in column `x` at row 1002: x must be even"
    );
}

#[test]
fn configuration_errors_name_the_plugin() {
    let sandbox = sandbox();
    let err = load(&sandbox, MISBEHAVE, &[("mode", "config-error")])
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        "plugin misbehave rejected its configuration: mode config-error refuses every configuration"
    );
    let err = load(&sandbox, TAXI_FEATURES, &[("resolution", "0.1")])
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        "plugin taxi-features rejected its configuration: unknown key(s): resolution"
    );
}

#[test]
fn a_file_that_is_not_a_component_is_refused_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.wasm");
    std::fs::write(&path, b"not wasm").unwrap();
    let err = sandbox()
        .load(&path, Default::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "plugin {} is not a usable WebAssembly component",
            path.display()
        )),
        "{err}"
    );
}

/// A job with one step, misbehave panicking on the batch that holds x = 537.
fn panic_at_537_job(dir: &std::path::Path, input: &str) -> std::path::PathBuf {
    let plugin = crate::root().join(MISBEHAVE);
    let text = format!(
        "{input}\n[[steps]]\nplugin = \"{}\"\nconfig = {{ mode = \"panic-at\", at = 537 }}\n[output]\n",
        plugin.display()
    );
    let path = dir.join("job.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Issue 9: a step's error names where the failing batch's first row is in
/// the user's file. Rows 0..1000 of x, a value holding a line break at
/// x = 2, so lines and rows differ: x = k (k >= 3) is on line k + 3, and the
/// batch of 100 holding 537 starts at x = 500, line 503.
#[test]
fn a_failing_batch_is_named_by_the_csv_line_of_its_first_row() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("x.csv");
    let mut text = String::from("x,note\n");
    for x in 0..1000 {
        let note = if x == 2 { "\"two\nlines\"" } else { "n" };
        text.push_str(&format!("{x},{note}\n"));
    }
    std::fs::write(&data, text).unwrap();
    let job = panic_at_537_job(
        dir.path(),
        "[input]\nformat = \"csv\"\ncolumns = [{ name = \"x\", type = \"int64\" }, \
         { name = \"note\", type = \"utf8\" }]\ncsv = { newlines_in_values = true }",
    );
    let out = dir.path().join("out");
    let run = crate::job::run_job(&job, &data, &out, &["--batch-rows", "100"]);
    let err = crate::job::stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    let origin = format!("the failing batch starts at {} line 503: ", data.display());
    assert!(err.contains(&origin), "{err}");
    assert!(err.contains("x = 537 is in this batch"), "{err}");
    // `plugin run` streams through the same loop (it reads one record a
    // line, so without the line break: x = 500 is on line 502).
    std::fs::write(
        &data,
        (0..1000).fold(String::from("x,note\n"), |t, x| t + &format!("{x},n\n")),
    )
    .unwrap();
    let run = crate::job::wasmprep(&[
        "plugin",
        "run",
        crate::root().join(MISBEHAVE).to_str().unwrap(),
        "--input",
        data.to_str().unwrap(),
        "--schema",
        "x:int64,note:utf8",
        "--batch-rows",
        "100",
        "--config",
        "mode=panic-at",
        "--config",
        "at=537",
    ]);
    let err = crate::job::stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains(&origin.replace("503", "502")), "{err}");
}

/// The same in Parquet: row groups of 300 rows, so the batch holding 537
/// (rows 500..600) starts in row group 1 at its row 200.
#[test]
fn a_failing_batch_is_named_by_the_parquet_row_group_and_row_of_its_first_row() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("x.parquet");
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)]));
    let x = arrow::array::Int64Array::from_iter_values(0..1000);
    let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(x)]).unwrap();
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(300))
        .build();
    let file = std::fs::File::create(&data).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let job = panic_at_537_job(dir.path(), "[input]\nformat = \"parquet\"");
    let out = dir.path().join("out");
    let run = crate::job::run_job(&job, &data, &out, &["--batch-rows", "100"]);
    let err = crate::job::stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    let origin = format!(
        "the failing batch starts at {} row group 1, row 200: ",
        data.display()
    );
    assert!(err.contains(&origin), "{err}");
}
