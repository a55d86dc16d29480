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
