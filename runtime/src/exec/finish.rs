//! After the last partition: the manifest and `_SUCCESS`, once every
//! partition is committed and its rows add up.

use std::time::Instant;

use super::{Error, Prepared, Result, Summary};
use crate::io::output::{
    FieldRecord, InputRecord, Manifest, OutputDir, PartitionCommit, PluginRecord, Totals,
};
use crate::job::Job;

/// Writes the manifest and `_SUCCESS`, after checking that every partition
/// is committed and balanced.
pub fn finish(
    job: &Job,
    prepared: &Prepared,
    out: &OutputDir,
    commits: &[PartitionCommit],
    started: Instant,
    resumed: usize,
) -> Result<Summary> {
    let expected = prepared.plan.partitions.len();
    if commits.len() != expected || commits.iter().enumerate().any(|(i, c)| c.id != i) {
        return Err(Error::Incomplete {
            committed: commits.len(),
            expected,
        });
    }
    let mut totals = Totals::default();
    commits.iter().for_each(|c| totals.add(c));
    if !commits.iter().all(PartitionCommit::balanced) {
        return Err(Error::Unbalanced);
    }
    let seconds = started.elapsed().as_secs_f64();
    out.finish(&manifest(job, prepared, commits, &totals, seconds))?;
    Ok(Summary {
        totals,
        resumed,
        input_bytes: prepared.plan.files.iter().map(|(_, b)| b).sum(),
        seconds,
        output: out.path().to_path_buf(),
        ranks: Vec::new(),
    })
}

fn manifest<'a>(
    job: &'a Job,
    prepared: &'a Prepared,
    commits: &'a [PartitionCommit],
    totals: &'a Totals,
    seconds: f64,
) -> Manifest<'a> {
    Manifest {
        job: &job.name,
        job_digest: &prepared.digest,
        wasmprep_version: crate::version::VERSION,
        wasmprep_revision: crate::version::REVISION,
        plugins: plugins(prepared),
        fitted: prepared.fitted.clone(),
        inputs: prepared
            .plan
            .files
            .iter()
            .map(|(f, b)| InputRecord {
                file: f.display().to_string(),
                bytes: *b,
            })
            .collect(),
        schema: prepared
            .pipeline
            .output_schema
            .fields()
            .iter()
            .map(|f| FieldRecord {
                name: f.name().clone(),
                data_type: crate::schema::type_name(f.data_type()),
                nullable: f.is_nullable(),
            })
            .collect(),
        partitions: commits,
        totals,
        rows_balanced: true,
        seconds,
    }
}

fn plugins(prepared: &Prepared) -> Vec<PluginRecord> {
    prepared
        .pipeline
        .plugins()
        .iter()
        .map(|p| PluginRecord {
            name: p.contract().name.clone(),
            version: p.contract().version.clone(),
            path: p.path().display().to_string(),
            sha256: p.digest().to_string(),
        })
        .collect()
}
