//! One partition: read → steps → write, batch by batch, then commit.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use arrow::record_batch::RecordBatch;

use super::source::Source;
use super::steps::Steps;
use super::stream::{stream, Sink};
use super::{Prepared, Result};
use crate::io::csv::RowError;
use crate::io::output::{OutputDir, PartWriter, PartitionCommit, Quarantine};
use crate::job::{Job, Partition};
use crate::sandbox::BatchLocation;

/// A partition's part file and quarantined rows, as the stream's sink.
struct PartSink {
    writer: PartWriter,
    quarantine: Quarantine,
}

impl Sink for PartSink {
    fn rejected(&mut self, row: RowError) {
        self.quarantine.push(&row);
    }

    fn write(&mut self, batch: RecordBatch, _at: &BatchLocation) -> Result<()> {
        self.writer.write(&batch)?;
        crate::crash::point("batch-written");
        Ok(())
    }
}

/// Reads, transforms and writes one partition, then commits it. Checks
/// `stop` between batches and gives up (leaving no file) when it is set.
pub fn run_partition(
    job: &Job,
    prepared: &Prepared,
    steps: &mut Steps<'_>,
    partition: &Partition,
    out: &OutputDir,
    batch_rows: usize,
    stop: &AtomicBool,
) -> Result<PartitionCommit> {
    let started = Instant::now();
    let mut source = Source::partition(job, prepared, partition, batch_rows)?;
    let writer = out.part_writer(
        partition.id,
        prepared.pipeline.output_schema.clone(),
        &job.spec.output.write_options(),
        &prepared.provenance,
    )?;
    crate::crash::point("part-created");
    let mut sink = PartSink {
        writer,
        quarantine: Quarantine::new(job.spec.input.quarantine_format),
    };
    let name = format!("{} ({})", partition.part_name(), partition.describe());
    let counts = stream(&mut source, steps, &name, stop, &mut sink)?;
    let PartSink { writer, quarantine } = sink;
    let (bytes, sha256) = writer.finish()?;
    crate::crash::point("part-renamed");
    let rejected_file = out.write_rejected(partition.id, &quarantine)?;
    let commit = PartitionCommit {
        id: partition.id,
        input: partition.describe(),
        rows_read: counts.rows_in + quarantine.rows(),
        rows_filtered: counts.rows_in - counts.rows_out,
        rows_rejected: quarantine.rows(),
        rows_written: counts.rows_out,
        file: partition.part_name(),
        bytes,
        sha256,
        rejected_file,
        job_digest: prepared.digest.clone(),
        seconds: started.elapsed().as_secs_f64(),
    };
    out.commit(&commit)?;
    crate::crash::point("commit-written");
    Ok(commit)
}
