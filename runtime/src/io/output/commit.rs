//! The commit record of a partition: written after its part file (and
//! quarantine file) are in place, read back by `--resume`.

use serde::{Deserialize, Serialize};

/// Row counts and file facts of one committed partition.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionCommit {
    pub id: usize,
    /// Where the partition read from: `file bytes a..b` or `file row groups [..]`.
    pub input: String,
    pub rows_read: u64,
    pub rows_filtered: u64,
    pub rows_rejected: u64,
    pub rows_written: u64,
    /// The part file's name and size.
    pub file: String,
    pub bytes: u64,
    /// sha256 of the part file.
    pub sha256: String,
    /// Quarantine file of this partition, if rows were rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_file: Option<String>,
    /// The job it belongs to (see [`crate::exec::job_digest`]).
    pub job_digest: String,
    /// Wall time spent, seconds (a timing field: not part of the output's
    /// identity).
    pub seconds: f64,
}

impl PartitionCommit {
    /// rows read = written + filtered + rejected.
    pub fn balanced(&self) -> bool {
        self.rows_read == self.rows_written + self.rows_filtered + self.rows_rejected
    }
}
