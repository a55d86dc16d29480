//! Golden test cases for plugins: an input, an optional configuration and
//! the expected output (or expected error), run in the production sandbox.
//!
//! A case is a directory:
//!
//! ```text
//! cases/keeps-valid-trips/
//!   input.csv       typed CSV (see `io::typed_csv`) or input.parquet
//!   case.toml       optional: [config] for the plugin, float_tolerance
//!   expected.csv    typed CSV of the whole output batch
//!   error.txt       instead of expected.csv: text the error must contain
//!   logs.txt        optional: every message the plugin logs, in order, one
//!                   `level: message` line each (stdout lines are `info`,
//!                   stderr lines `warn`)
//!   fit.csv         a fitting plugin's case: fitted first (see `fit`), the
//!                   input then transformed with the fitted parameters
//!   fitted.json     optional: the plugin's JSON view of them
//! ```

use std::path::{Path, PathBuf};

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::datatypes::DataType;
use serde::Deserialize;

mod fit;
mod logs;

use crate::io::{self, typed_csv};
use crate::sandbox::{BatchLocation, PluginSettings, Sandbox};

/// A case's optional settings (`case.toml`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaseSettings {
    /// Configuration passed to the plugin.
    pub config: toml::Table,
    /// Largest absolute difference accepted between float values (0: exact).
    pub float_tolerance: f64,
}

/// How a case ended.
#[derive(Debug)]
pub enum Outcome {
    Passed,
    /// Output differs from expected.csv.
    Mismatch(Vec<Difference>),
    /// The plugin failed where an output was expected, or the error did not
    /// contain the expected text.
    WrongError {
        expected: Option<String>,
        got: Option<String>,
    },
    /// The plugin's log messages differ from logs.txt.
    WrongLogs {
        expected: Vec<String>,
        got: Vec<String>,
    },
    /// expected.csv (and logs.txt, when the case has one) was (re)written
    /// from the actual output.
    Blessed,
}

/// One difference between expected and actual output.
#[derive(Clone, Debug, PartialEq)]
pub enum Difference {
    Schema {
        expected: String,
        got: String,
    },
    Rows {
        expected: usize,
        got: usize,
    },
    Value {
        column: String,
        row: usize,
        expected: String,
        got: String,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Schema { expected, got } => {
                write!(f, "schema: expected {expected}\n        got      {got}")
            }
            Difference::Rows { expected, got } => write!(f, "rows: expected {expected}, got {got}"),
            Difference::Value {
                column,
                row,
                expected,
                got,
            } => write!(
                f,
                "column `{column}`, row {row}: expected {expected:?}, got {got:?}"
            ),
        }
    }
}

/// A case on disk.
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub dir: PathBuf,
}

/// The cases in `dir`, sorted by name. A directory with an input file is a
/// case; `dir` itself may be one.
pub fn discover(dir: &Path) -> io::Result<Vec<Case>> {
    let has_input = |d: &Path| d.join("input.csv").is_file() || d.join("input.parquet").is_file();
    if has_input(dir) {
        return Ok(vec![Case {
            name: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            dir: dir.to_path_buf(),
        }]);
    }
    let entries = std::fs::read_dir(dir).map_err(|source| io::Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut cases: Vec<Case> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir() && has_input(p))
        .map(|p| Case {
            name: p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            dir: p,
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cases)
}

fn read_input(dir: &Path) -> Result<RecordBatch, String> {
    let csv = dir.join("input.csv");
    if csv.is_file() {
        return typed_csv::read(&csv).map_err(|e| crate::error::chain(&e));
    }
    let path = dir.join("input.parquet");
    let (schema, batches) =
        io::parquet::read(&path, None, 65_536).map_err(|e| crate::error::chain(&e))?;
    arrow::compute::concat_batches(&schema, &batches).map_err(|e| crate::error::chain(&e))
}

impl Case {
    pub fn settings(&self) -> Result<CaseSettings, String> {
        let path = self.dir.join("case.toml");
        if !path.is_file() {
            return Ok(CaseSettings::default());
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Runs the case against the plugin at `plugin` with production limits
    /// and no grants. With `bless`, writes expected.csv from the output.
    pub fn run(&self, sandbox: &Sandbox, plugin: &Path, bless: bool) -> Result<Outcome, String> {
        let settings = self.settings()?;
        let input = read_input(&self.dir)?;
        let expected_error = std::fs::read_to_string(self.dir.join("error.txt"))
            .ok()
            .map(|s| s.trim().to_string());
        let (result, logged) =
            logs::capture(|| self.output(sandbox, plugin, &settings, &input, bless));
        if let Some(outcome) = self.check_logs(logged, bless)? {
            return Ok(outcome);
        }
        let output = match (result, expected_error) {
            (Err(got), Some(expected)) if got.contains(&expected) => return Ok(Outcome::Passed),
            (Err(got), expected) => {
                return Ok(Outcome::WrongError {
                    expected,
                    got: Some(got),
                })
            }
            (Ok(_), Some(expected)) => {
                return Ok(Outcome::WrongError {
                    expected: Some(expected),
                    got: None,
                })
            }
            (Ok(output), None) => output,
        };
        let expected_path = self.dir.join("expected.csv");
        if bless {
            let mut text = Vec::new();
            typed_csv::write(&output, &mut text).map_err(|e| crate::error::chain(&e))?;
            std::fs::write(&expected_path, text)
                .map_err(|e| format!("{}: {e}", expected_path.display()))?;
            return Ok(Outcome::Blessed);
        }
        if !expected_path.is_file() {
            return Err(format!(
                "{} is missing (write it by hand, or run with --bless to record the current output)",
                expected_path.display()
            ));
        }
        let expected = typed_csv::read(&expected_path).map_err(|e| crate::error::chain(&e))?;
        let differences = compare(&expected, &output, settings.float_tolerance);
        Ok(if differences.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Mismatch(differences)
        })
    }

    /// Compares what the plugin logged with logs.txt, if the case has one
    /// (with `bless`, rewrites it). None when there is nothing to report.
    fn check_logs(&self, got: Vec<String>, bless: bool) -> Result<Option<Outcome>, String> {
        let path = self.dir.join("logs.txt");
        if !path.is_file() {
            return Ok(None);
        }
        if bless {
            let text: String = got.iter().map(|l| format!("{l}\n")).collect();
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            return Ok(None);
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let expected = logs::expected(&text);
        Ok((expected != got).then_some(Outcome::WrongLogs { expected, got }))
    }

    fn output(
        &self,
        sandbox: &Sandbox,
        plugin: &Path,
        settings: &CaseSettings,
        input: &RecordBatch,
        bless: bool,
    ) -> Result<RecordBatch, String> {
        let mut plugin_settings = PluginSettings {
            config: crate::job::spec::plugin_config(&settings.config),
            ..PluginSettings::default()
        };
        if let Some(data) = fit::input(&self.dir)? {
            let unfitted = sandbox
                .load(plugin, plugin_settings.clone())
                .map_err(|e| crate::error::chain(&e))?;
            let fitted = fit::fit(&unfitted, &data, &self.name)?;
            fit::check_json(&self.dir, &fitted, bless)?;
            plugin_settings.fitted = Some(fitted.parameters.into());
        }
        let loaded = sandbox
            .load(plugin, plugin_settings)
            .map_err(|e| crate::error::chain(&e))?;
        let plan = loaded
            .contract()
            .bind(&input.schema())
            .map_err(|e| crate::error::chain(&e))?;
        let mut instance = loaded.instantiate().map_err(|e| crate::error::chain(&e))?;
        let at = BatchLocation {
            source: format!("case {}", self.name),
            batch: 0,
            first_row: 0,
            rows: input.num_rows(),
        };
        instance
            .process(&plan, input, &at)
            .map_err(|e| crate::error::chain(&e))
    }
}

fn schema_text(batch: &RecordBatch) -> String {
    batch
        .schema()
        .fields()
        .iter()
        .map(|f| format!("{}:{}", f.name(), crate::schema::type_name(f.data_type())))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Differences between two batches, by column name, row and value.
pub fn compare(expected: &RecordBatch, got: &RecordBatch, float_tolerance: f64) -> Vec<Difference> {
    let (e, g) = (schema_text(expected), schema_text(got));
    if e != g {
        return vec![Difference::Schema {
            expected: e,
            got: g,
        }];
    }
    let mut out = Vec::new();
    if expected.num_rows() != got.num_rows() {
        out.push(Difference::Rows {
            expected: expected.num_rows(),
            got: got.num_rows(),
        });
    }
    let rows = expected.num_rows().min(got.num_rows());
    for (i, field) in expected.schema().fields().iter().enumerate() {
        let (a, b) = (expected.column(i), got.column(i));
        for row in 0..rows {
            if !values_match(a, b, row, float_tolerance) {
                out.push(Difference::Value {
                    column: field.name().clone(),
                    row,
                    expected: typed_csv::format_value(a, row),
                    got: typed_csv::format_value(b, row),
                });
            }
        }
    }
    out
}

fn values_match(a: &ArrayRef, b: &ArrayRef, row: usize, tolerance: f64) -> bool {
    if a.is_null(row) || b.is_null(row) {
        return a.is_null(row) == b.is_null(row);
    }
    let float = |x: &ArrayRef| -> Option<f64> {
        match x.data_type() {
            DataType::Float32 => {
                Some(x.as_primitive::<arrow::datatypes::Float32Type>().value(row) as f64)
            }
            DataType::Float64 => Some(x.as_primitive::<arrow::datatypes::Float64Type>().value(row)),
            _ => None,
        }
    };
    if let (Some(x), Some(y)) = (float(a), float(b)) {
        return x == y || (x.is_nan() && y.is_nan()) || (x - y).abs() <= tolerance;
    }
    typed_csv::format_value(a, row) == typed_csv::format_value(b, row)
}
