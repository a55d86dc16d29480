//! A golden case of a fitting plugin: `fit.csv` (typed CSV) is fitted first,
//! as the job fits partitions (split in two halves, each folded from the
//! empty state, the halves merged in order); the case's input then goes
//! through the transform configured with the fitted parameters. An optional
//! `fitted.json` holds the plugin's JSON view of them (compared as JSON;
//! `--bless` writes it).

use std::path::Path;
use std::sync::Arc;

use arrow::record_batch::RecordBatch;

use crate::io::typed_csv;
use crate::sandbox::{BatchLocation, Fitted, Plugin};

/// The case's data to fit, if it has any.
pub fn input(dir: &Path) -> Result<Option<RecordBatch>, String> {
    let path = dir.join("fit.csv");
    if !path.is_file() {
        return Ok(None);
    }
    typed_csv::read(&path)
        .map(Some)
        .map_err(|e| crate::error::chain(&e))
}

/// Fits `plugin` on `data` in two partitions, merged in order.
pub fn fit(plugin: &Arc<Plugin>, data: &RecordBatch, case: &str) -> Result<Fitted, String> {
    let chain = |e: crate::sandbox::Error| crate::error::chain(&e);
    let mut fitter = plugin.fitter().map_err(chain)?;
    let plan = fitter.contract().bind(&data.schema()).map_err(chain)?;
    let half = data.num_rows() / 2;
    let mut merged = fitter.empty().map_err(chain)?;
    for (i, (first, rows)) in [(0, half), (half, data.num_rows() - half)]
        .into_iter()
        .enumerate()
    {
        let at = BatchLocation {
            source: format!("case {case}, fit.csv"),
            batch: i,
            first_row: first as u64,
            rows,
        };
        let empty = fitter.empty().map_err(chain)?;
        let state = fitter
            .update(&empty, &plan, &data.slice(first, rows), &at)
            .map_err(chain)?;
        merged = fitter.merge(&merged, &state).map_err(chain)?;
    }
    fitter.finish(&merged).map_err(chain)
}

/// Checks the fitted parameters' JSON view against `fitted.json`, if the
/// case has one (with `bless`, writes it).
pub fn check_json(dir: &Path, fitted: &Fitted, bless: bool) -> Result<(), String> {
    let path = dir.join("fitted.json");
    let got = fitted.json.as_deref().unwrap_or("null");
    if bless {
        let value: serde_json::Value = serde_json::from_str(got)
            .map_err(|e| format!("the plugin's fitted JSON does not parse: {e}"))?;
        let text = serde_json::to_string_pretty(&value).expect("values serialize") + "\n";
        return std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()));
    }
    if !path.is_file() {
        return Ok(());
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let expected: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let got_value: serde_json::Value = serde_json::from_str(got)
        .map_err(|e| format!("the plugin's fitted JSON does not parse: {e}"))?;
    if expected == got_value {
        Ok(())
    } else {
        Err(format!(
            "fitted parameters differ from fitted.json:\n  expected {expected}\n  got      {got_value}"
        ))
    }
}
