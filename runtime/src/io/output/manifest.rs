//! `_manifest.json`: what a finished run wrote, from what.

use serde::Serialize;

use super::PartitionCommit;

/// What a run did: the sums of its partitions' counts.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub partitions: usize,
    pub rows_read: u64,
    pub rows_filtered: u64,
    pub rows_rejected: u64,
    pub rows_written: u64,
    pub bytes_written: u64,
}

impl Totals {
    pub fn add(&mut self, c: &PartitionCommit) {
        self.partitions += 1;
        self.rows_read += c.rows_read;
        self.rows_filtered += c.rows_filtered;
        self.rows_rejected += c.rows_rejected;
        self.rows_written += c.rows_written;
        self.bytes_written += c.bytes;
    }
}

/// A plugin of the job.
#[derive(Clone, Debug, Serialize)]
pub struct PluginRecord {
    pub name: String,
    pub version: String,
    pub path: String,
    pub sha256: String,
}

/// Parameters a fit step learned, as the output keeps them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FittedRecord {
    /// The step's index in the job's steps.
    pub step: usize,
    /// Under the output directory: `_fitted/steps-3.bin`.
    pub file: String,
    pub sha256: String,
    /// The plugin's JSON view of them, beside them, if it offers one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json: Option<String>,
}

/// An input file and its size.
#[derive(Clone, Debug, Serialize)]
pub struct InputRecord {
    pub file: String,
    pub bytes: u64,
}

/// A column of the output.
#[derive(Clone, Debug, Serialize)]
pub struct FieldRecord {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: String,
    pub nullable: bool,
}

/// `_manifest.json`. Everything in it but the `seconds` fields is the same
/// for the same job and input, whatever the number of threads or ranks.
#[derive(Clone, Debug, Serialize)]
pub struct Manifest<'a> {
    pub job: &'a str,
    pub job_digest: &'a str,
    pub wasmprep_version: &'static str,
    /// The git revision wasmprep was built from, when built from a checkout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wasmprep_revision: Option<&'static str>,
    pub plugins: Vec<PluginRecord>,
    /// What the job's fit steps learned.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fitted: Vec<FittedRecord>,
    pub inputs: Vec<InputRecord>,
    pub schema: Vec<FieldRecord>,
    pub partitions: &'a [PartitionCommit],
    pub totals: &'a Totals,
    /// rows_read = rows_written + rows_filtered + rows_rejected, for every
    /// partition and in total.
    pub rows_balanced: bool,
    pub seconds: f64,
}
