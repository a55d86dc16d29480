//! The job spec: a TOML file saying what to read, which steps to apply and
//! where to write. Every table refuses unknown fields, so a typo is an
//! error, not a silently ignored setting.
//!
//! Relative paths in the spec (inputs, plugins, granted directories, the
//! output) are resolved against the directory of the job file, so a job
//! directory can be moved as a whole. Paths given on the command line are
//! resolved against the current directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Error, Result};
use crate::io::csv::{CsvColumn, CsvOptions};
pub use crate::io::output::QuarantineFormat;
use crate::io::parquet::{Codec, WriteOptions};
use crate::sandbox::{Grants, Limits};
use crate::schema::{parse_type, TYPE_NAMES};

/// A whole job, as written in its TOML file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JobSpec {
    /// A name for logs and the manifest (default: the job file's stem).
    #[serde(default)]
    pub name: Option<String>,
    pub input: InputSpec,
    /// Applied in order to every batch.
    #[serde(default)]
    pub steps: Vec<StepSpec>,
    pub output: OutputSpec,
}

/// Input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Parquet,
}

/// What to do with a CSV row that cannot be parsed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BadRowPolicy {
    /// Stop the job with an error naming the file, line and column.
    #[default]
    Fail,
    /// Write the raw line under the output's `_rejected/` and go on.
    Quarantine,
}

/// The data to read.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// A file, a directory (every file in it with the format's extension) or
    /// a glob (`data/yellow_tripdata_2015-*.csv`). `--input` overrides it.
    #[serde(default)]
    pub path: Option<String>,
    pub format: Format,
    /// Target size of a partition, in MiB (fractions allowed): CSV files are
    /// split into byte ranges of about this size; Parquet row groups are
    /// grouped up to it.
    #[serde(default = "default_partition_mib")]
    pub partition_mib: f64,
    /// CSV layout (CSV only).
    #[serde(default)]
    pub csv: CsvOptions,
    /// The CSV columns, in file order, with their types (CSV only; required:
    /// nothing is inferred).
    #[serde(default)]
    pub columns: Vec<ColumnSpec>,
    /// What to do with a row that does not parse (CSV only).
    #[serde(default)]
    pub bad_rows: BadRowPolicy,
    /// Format of quarantined rows.
    #[serde(default)]
    pub quarantine_format: QuarantineFormat,
}

fn default_partition_mib() -> f64 {
    64.0
}

/// One CSV column.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    pub name: String,
    /// Type name: bool, int8..int64, uint8..uint64, float32, float64, utf8,
    /// large_utf8, binary, date32, timestamp[s|ms|us|ns], duration[..].
    #[serde(rename = "type")]
    pub data_type: String,
    /// strftime format of a date or timestamp (default ISO 8601:
    /// `YYYY-MM-DD[ HH:MM:SS[.fff]]`).
    #[serde(default)]
    pub format: Option<String>,
}

/// One step, written as a table with exactly one of `select`, `rename`,
/// `cast`, `fill_null` or `plugin`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    /// Keeps these columns, in this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Vec<String>>,
    /// Renames columns: `{ old = "new" }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rename: Option<BTreeMap<String, String>>,
    /// Converts columns to types: `{ column = "float32" }`. A value that
    /// does not convert is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cast: Option<BTreeMap<String, String>>,
    /// Replaces nulls: `{ column = value }`; the key `"*"` applies the value
    /// to every numeric column (the seed's `fillna(-1)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_null: Option<BTreeMap<String, toml::Value>>,
    /// A plugin component (.wasm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin: Option<PathBuf>,
    /// The plugin's configuration (scalars as text, arrays and tables as
    /// JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<toml::Table>,
    /// The plugin's resource limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    /// Capabilities granted to the plugin (none by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grants: Option<Grants>,
    /// The plugin's sha256 (64 hex digits): another component is refused.
    /// `wasmprep lock` writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Fit the plugin on all of the data first (a fitting plugin: see
    /// `sdk/wit/fit.wit`), then transform with what it learned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit: Option<bool>,
    /// Transform with parameters another job fitted (its
    /// `_fitted/steps-N.bin`) instead of fitting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fitted: Option<PathBuf>,
}

/// Where and how to write.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    /// The output directory. `--output` overrides it.
    #[serde(default)]
    pub path: Option<String>,
    /// Parquet compression: zstd (default), snappy or none.
    #[serde(default)]
    pub compression: Codec,
    /// zstd level, 1 (fast, default) to 22.
    #[serde(default = "default_zstd_level")]
    pub zstd_level: i32,
    /// Rows per Parquet row group.
    #[serde(default = "default_row_group_rows")]
    pub row_group_rows: usize,
    /// MiB per Parquet row group, at most (encoded, before compression): a
    /// writer holds its row group in memory until it is complete.
    #[serde(default = "default_row_group_mib")]
    pub row_group_mib: f64,
}

fn default_zstd_level() -> i32 {
    1
}

fn default_row_group_rows() -> usize {
    1 << 20
}

/// Bytes in a MiB, for the settings given in MiB.
pub(crate) const MIB: f64 = (1u64 << 20) as f64;

fn default_row_group_mib() -> f64 {
    8.0
}

impl OutputSpec {
    /// Checks the output settings, naming the one out of range.
    pub fn check(&self) -> Result<()> {
        if self.row_group_rows == 0 {
            return Err(Error::Spec(
                "output.row_group_rows must be at least 1".into(),
            ));
        }
        if !(self.row_group_mib * MIB >= 1.0 && self.row_group_mib.is_finite()) {
            return Err(Error::Spec(format!(
                "output.row_group_mib must be a positive number of MiB, not {}",
                self.row_group_mib
            )));
        }
        if !(1..=22).contains(&self.zstd_level) {
            return Err(Error::Spec(format!(
                "output.zstd_level must be 1 to 22, not {}",
                self.zstd_level
            )));
        }
        Ok(())
    }

    pub fn write_options(&self) -> WriteOptions {
        WriteOptions {
            codec: self.compression,
            zstd_level: self.zstd_level,
            row_group_rows: self.row_group_rows,
            row_group_bytes: (self.row_group_mib * MIB) as usize,
        }
    }
}

/// A step, checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Select(Vec<String>),
    Rename(BTreeMap<String, String>),
    Cast(Vec<(String, arrow::datatypes::DataType)>),
    FillNull(Vec<(String, toml::Value)>),
    Plugin(PluginStep),
}

/// A plugin step, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct PluginStep {
    /// The component, resolved against the job file.
    pub path: PathBuf,
    pub config: Vec<(String, String)>,
    pub limits: Limits,
    pub grants: Grants,
    /// The component's sha256 the job pins (lowercase hex).
    pub sha256: Option<String>,
    /// Whether the job fits this plugin on its data first.
    pub fit: bool,
    /// The fitted parameters it transforms with: read from the step's
    /// `fitted` file, or set by the fit pass.
    pub parameters: Option<std::sync::Arc<[u8]>>,
}

impl StepSpec {
    /// The step this table describes, with paths resolved against `base`.
    pub fn check(&self, index: usize, base: &Path) -> Result<Step> {
        self.check_kind()
            .and_then(|()| self.step(base))
            .map_err(|message| Error::Spec(format!("steps[{index}]: {message}")))
    }

    /// Exactly one kind is set, and only plugins take plugin settings.
    fn check_kind(&self) -> Result<(), String> {
        let kinds: Vec<&str> = [
            ("select", self.select.is_some()),
            ("rename", self.rename.is_some()),
            ("cast", self.cast.is_some()),
            ("fill_null", self.fill_null.is_some()),
            ("plugin", self.plugin.is_some()),
        ]
        .iter()
        .filter(|(_, set)| *set)
        .map(|(k, _)| *k)
        .collect();
        if kinds.len() != 1 {
            let found = if kinds.is_empty() {
                "none".to_string()
            } else {
                kinds.join(", ")
            };
            return Err(format!(
                "a step needs exactly one of select, rename, cast, fill_null or plugin (found: {found})"
            ));
        }
        if self.plugin.is_none()
            && (self.config.is_some()
                || self.limits.is_some()
                || self.grants.is_some()
                || self.sha256.is_some()
                || self.fit.is_some()
                || self.fitted.is_some())
        {
            return Err(
                "config, limits, grants, sha256, fit and fitted belong to plugin steps".into(),
            );
        }
        if self.fit == Some(true) && self.fitted.is_some() {
            return Err(
                "fit = true and fitted are exclusive: fit here, or use what another job fitted"
                    .into(),
            );
        }
        Ok(())
    }

    fn step(&self, base: &Path) -> Result<Step, String> {
        if let Some(columns) = &self.select {
            return select(columns);
        }
        if let Some(map) = &self.rename {
            return Ok(Step::Rename(map.clone()));
        }
        if let Some(map) = &self.cast {
            return cast(map);
        }
        if let Some(map) = &self.fill_null {
            return fill_null(map);
        }
        let path = self.plugin.as_ref().expect("one kind is set");
        let limits = self.limits.clone().unwrap_or_default();
        limits.check()?;
        let mut grants = self.grants.clone().unwrap_or_default();
        for dir in &mut grants.dirs {
            dir.host = resolve(base, &dir.host);
        }
        let sha256 = self.sha256.as_deref().map(check_sha256).transpose()?;
        let parameters = match &self.fitted {
            Some(file) => {
                let file = resolve(base, file);
                let bytes =
                    std::fs::read(&file).map_err(|e| format!("fitted {}: {e}", file.display()))?;
                Some(std::sync::Arc::from(bytes))
            }
            None => None,
        };
        Ok(Step::Plugin(PluginStep {
            path: resolve(base, path),
            config: self.config.as_ref().map(plugin_config).unwrap_or_default(),
            limits,
            grants,
            sha256,
            fit: self.fit == Some(true),
            parameters,
        }))
    }
}

/// A pinned digest: 64 hex digits, either case (kept lowercase).
fn check_sha256(text: &str) -> Result<String, String> {
    let digest = text.trim().to_ascii_lowercase();
    if digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(digest)
    } else {
        Err(format!(
            "sha256 = \"{text}\" is not a sha256 digest (64 hex digits); `wasmprep lock JOB.toml` writes it"
        ))
    }
}

fn select(columns: &[String]) -> Result<Step, String> {
    if columns.is_empty() {
        return Err("select keeps no column".into());
    }
    if let Some(twice) = first_repeated(columns) {
        return Err(format!(
            "select names `{twice}` twice (a Parquet file cannot hold two columns of one name)"
        ));
    }
    Ok(Step::Select(columns.to_vec()))
}

fn cast(map: &BTreeMap<String, String>) -> Result<Step, String> {
    let mut casts = Vec::new();
    for (column, name) in map {
        let t = parse_type(name).ok_or_else(|| {
            format!("cast of `{column}`: unknown type `{name}` (types: {TYPE_NAMES})")
        })?;
        casts.push((column.clone(), t));
    }
    Ok(Step::Cast(casts))
}

fn fill_null(map: &BTreeMap<String, toml::Value>) -> Result<Step, String> {
    use toml::Value::{Boolean, Float, Integer, String as Text};
    if let Some(value) = map.get("*") {
        if !matches!(value, Integer(_) | Float(_)) {
            return Err(format!(
                "fill_null of \"*\" applies to the numeric columns, so its value must be a number, not {value}"
            ));
        }
    }
    for (column, value) in map {
        if !matches!(value, Integer(_) | Float(_) | Text(_) | Boolean(_)) {
            return Err(format!(
                "fill_null of `{column}`: the value must be a number, text or boolean"
            ));
        }
    }
    Ok(Step::FillNull(
        map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    ))
}

/// A plugin's configuration entries from a TOML table (a job step's
/// `config`, a golden case's `[config]`, `plugin run --config-file`):
/// scalars as their text, arrays and tables as JSON. The sandbox takes
/// text entries; TOML is the job's business.
pub fn plugin_config(table: &toml::Table) -> Vec<(String, String)> {
    table
        .iter()
        .map(|(k, v)| {
            let text = match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Datetime(d) => d.to_string(),
                other => serde_json::to_string(other).unwrap_or_default(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// The first name that occurs twice in `names`.
fn first_repeated(names: &[String]) -> Option<&str> {
    let mut seen = std::collections::HashSet::new();
    names
        .iter()
        .find(|n| !seen.insert(n.as_str()))
        .map(String::as_str)
}

/// `path` against `base` unless absolute.
pub fn resolve(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

impl InputSpec {
    /// The CSV columns, with types parsed.
    pub fn csv_columns(&self) -> Result<Vec<CsvColumn>> {
        if self.format == Format::Csv && self.columns.is_empty() {
            return Err(Error::Spec(
                "input.columns is required for CSV: list every column in file order with its type"
                    .into(),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        self.columns
            .iter()
            .map(|c| {
                if !seen.insert(c.name.as_str()) {
                    return Err(Error::Spec(format!(
                        "input.columns: `{}` is listed twice",
                        c.name
                    )));
                }
                let data_type = parse_type(&c.data_type).ok_or_else(|| {
                    Error::Spec(format!(
                        "input.columns: `{}` has unknown type `{}` (types: {TYPE_NAMES})",
                        c.name, c.data_type
                    ))
                })?;
                Ok(CsvColumn {
                    name: c.name.clone(),
                    data_type,
                    format: c.format.clone(),
                })
            })
            .collect()
    }
}

impl JobSpec {
    /// Parses a job file's text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Self> {
        toml::from_str(text).map_err(|e| Error::Spec(format!("{}: {e}", origin.display())))
    }

    /// Reads and parses a job file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_config_becomes_text_entries() {
        let table: toml::Table = toml::from_str(
            "resolution = 0.01\nname = \"x\"\nzones = [\"JFK\", \"LGA\"]\nlimits = { a = 1 }\nstrict = true\n",
        )
        .unwrap();
        let mut entries = plugin_config(&table);
        entries.sort();
        assert_eq!(
            entries,
            vec![
                ("limits".to_string(), "{\"a\":1}".to_string()),
                ("name".to_string(), "x".to_string()),
                ("resolution".to_string(), "0.01".to_string()),
                ("strict".to_string(), "true".to_string()),
                ("zones".to_string(), "[\"JFK\",\"LGA\"]".to_string()),
            ]
        );
    }

    #[test]
    fn limits_parse_with_defaults() {
        let l: Limits = toml::from_str("memory_mib = 64").unwrap();
        assert_eq!(l.check(), Ok(()));
        for bad in [
            "timeout_secs = inf",
            "timeout_secs = nan",
            "timeout_secs = -1.0",
            "timeout_secs = 0.0",
            "timeout_secs = 1e300",
            "memory_mib = 0",
            "memory_mib = 9223372036854775807",
            "log_message_bytes = 0",
        ] {
            let l: Limits = toml::from_str(bad).unwrap();
            let err = l.check().expect_err(bad);
            let field = bad.split(' ').next().unwrap();
            assert!(err.contains(field), "{bad}: {err}");
        }
        assert_eq!(l.memory_bytes(), 64 << 20);
        assert_eq!(l.timeout(), std::time::Duration::from_secs(60));
        assert!(toml::from_str::<Limits>("memory = 64").is_err());
    }
}
