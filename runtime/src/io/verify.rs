//! Checking a finished output against its manifest: `wasmprep verify`.
//!
//! Holds when `_SUCCESS` is there, the manifest reads, and every partition
//! it lists has its part file with the recorded size and sha256, a footer
//! whose row count is the partition's rows written and whose provenance
//! names the manifest's job digest, its quarantine file if it rejected
//! rows, and balanced counts (read = written + filtered + rejected); the
//! totals are the partitions' sums; no part file is unaccounted for.
//! Every problem is reported, not just the first.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use super::output::{size_and_sha256, PartitionCommit, MANIFEST, PROVENANCE_PREFIX, SUCCESS};

/// What a verification found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verification {
    pub partitions: usize,
    pub rows: u64,
    /// Empty when the output holds.
    pub problems: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The parts of `_manifest.json` that are checked.
#[derive(Deserialize)]
struct Manifest {
    job_digest: String,
    partitions: Vec<PartitionCommit>,
    totals: Totals,
}

#[derive(Deserialize)]
struct Totals {
    partitions: usize,
    rows_read: u64,
    rows_filtered: u64,
    rows_rejected: u64,
    rows_written: u64,
    bytes_written: u64,
}

/// Verifies the output directory `dir`. Problems are in the result, not
/// errors: only an unreadable directory is an error.
pub fn verify(dir: &Path) -> std::io::Result<Verification> {
    let mut report = Verification::default();
    if !dir.join(SUCCESS).is_file() {
        report
            .problems
            .push(format!("{SUCCESS} is missing: the run did not finish"));
    }
    let manifest = match read_manifest(dir) {
        Ok(m) => m,
        Err(problem) => {
            report.problems.push(problem);
            return Ok(report);
        }
    };
    report.partitions = manifest.partitions.len();
    report.rows = manifest.totals.rows_written;
    for (index, commit) in manifest.partitions.iter().enumerate() {
        if commit.id != index {
            report.problems.push(format!(
                "{MANIFEST}: partition {index} has id {} (ids must be 0..{})",
                commit.id,
                manifest.partitions.len()
            ));
        }
        report
            .problems
            .extend(partition(dir, commit, &manifest.job_digest));
    }
    report.problems.extend(totals(&manifest));
    report.problems.extend(strays(dir, &manifest)?);
    Ok(report)
}

fn read_manifest(dir: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(dir.join(MANIFEST))
        .map_err(|e| format!("{MANIFEST} cannot be read: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{MANIFEST} is not a wasmprep manifest: {e}"))
}

/// The problems of one partition: its record, then its part file.
fn partition(dir: &Path, commit: &PartitionCommit, job_digest: &str) -> Vec<String> {
    let mut problems = record(dir, commit, job_digest);
    problems.extend(part_file(dir, commit, job_digest));
    problems
}

/// The partition's counts, job digest and quarantine file.
fn record(dir: &Path, commit: &PartitionCommit, job_digest: &str) -> Vec<String> {
    let name = &commit.file;
    let mut problems = Vec::new();
    if !commit.balanced() {
        problems.push(format!(
            "{name}: rows do not balance: {} read != {} written + {} filtered + {} rejected",
            commit.rows_read, commit.rows_written, commit.rows_filtered, commit.rows_rejected
        ));
    }
    if commit.job_digest != job_digest {
        problems.push(format!(
            "{name}: committed by job {}, the manifest's is {job_digest}",
            commit.job_digest
        ));
    }
    if let Some(rejected) = &commit.rejected_file {
        if !dir.join(rejected).is_file() {
            problems.push(format!(
                "{name}: its rejected rows, {rejected}, are missing"
            ));
        }
    }
    problems
}

/// The part file: present, with the recorded size and sha256, and a
/// footer that agrees.
fn part_file(dir: &Path, commit: &PartitionCommit, job_digest: &str) -> Vec<String> {
    let name = &commit.file;
    let path = dir.join(name);
    let (bytes, sha256) = match size_and_sha256(&path) {
        Ok(facts) => facts,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return vec![format!("{name}: missing")];
        }
        Err(e) => return vec![format!("{name}: cannot be read: {e}")],
    };
    let mut problems = Vec::new();
    if bytes != commit.bytes {
        problems.push(format!(
            "{name}: {bytes} bytes, the manifest says {}",
            commit.bytes
        ));
    }
    if sha256 != commit.sha256 {
        problems.push(format!(
            "{name}: sha256 {sha256}, the manifest says {}",
            commit.sha256
        ));
    }
    problems.extend(footer(&path, commit, job_digest));
    problems
}

/// The part file's footer: its row count and provenance.
fn footer(path: &Path, commit: &PartitionCommit, job_digest: &str) -> Vec<String> {
    let name = &commit.file;
    let metadata = std::fs::File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|f| {
            parquet::file::metadata::ParquetMetaDataReader::new()
                .parse_and_finish(&f)
                .map_err(|e| e.to_string())
        });
    let metadata = match metadata {
        Ok(m) => m,
        Err(e) => return vec![format!("{name}: the Parquet footer does not read: {e}")],
    };
    let mut problems = Vec::new();
    let rows = metadata.file_metadata().num_rows() as u64;
    if rows != commit.rows_written {
        problems.push(format!(
            "{name}: its footer holds {rows} rows, the manifest says {} written",
            commit.rows_written
        ));
    }
    let key = format!("{PROVENANCE_PREFIX}job_digest");
    let written_by = metadata
        .file_metadata()
        .key_value_metadata()
        .and_then(|kvs| kvs.iter().find(|kv| kv.key == key))
        .and_then(|kv| kv.value.clone());
    match written_by {
        Some(digest) if digest == job_digest => {}
        Some(digest) => problems.push(format!(
            "{name}: written by job {digest}, the manifest's is {job_digest}"
        )),
        None => problems.push(format!("{name}: its footer has no {key}")),
    }
    problems
}

/// The manifest's totals against the sum of its partitions.
fn totals(manifest: &Manifest) -> Vec<String> {
    let parts = &manifest.partitions;
    let sum = |f: fn(&PartitionCommit) -> u64| parts.iter().map(f).sum::<u64>();
    let t = &manifest.totals;
    let checks = [
        ("partitions", t.partitions as u64, parts.len() as u64),
        ("rows_read", t.rows_read, sum(|c| c.rows_read)),
        ("rows_filtered", t.rows_filtered, sum(|c| c.rows_filtered)),
        ("rows_rejected", t.rows_rejected, sum(|c| c.rows_rejected)),
        ("rows_written", t.rows_written, sum(|c| c.rows_written)),
        ("bytes_written", t.bytes_written, sum(|c| c.bytes)),
    ];
    checks
        .into_iter()
        .filter(|(_, total, sum)| total != sum)
        .map(|(what, total, sum)| {
            format!("{MANIFEST}: totals.{what} is {total}, its partitions add up to {sum}")
        })
        .collect()
}

/// Part files in the directory that the manifest does not list.
fn strays(dir: &Path, manifest: &Manifest) -> std::io::Result<Vec<String>> {
    let listed: BTreeSet<&str> = manifest
        .partitions
        .iter()
        .map(|c| c.file.as_str())
        .collect();
    let mut found: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with("part-") && n.ends_with(".parquet") && !listed.contains(n.as_str())
        })
        .collect();
    found.sort();
    Ok(found
        .into_iter()
        .map(|n| format!("{n}: not in {MANIFEST}"))
        .collect())
}
