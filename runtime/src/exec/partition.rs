//! One partition: read → steps → write, batch by batch, then commit.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use arrow::record_batch::RecordBatch;

use super::{Error, Prepared, Result};
use crate::io::commit::{write_atomic, OutputDir, PartitionCommit};
use crate::io::csv::{BadRows, CsvReader, RowError};
use crate::job::{BadRowPolicy, Format, Job, Partition, PartitionInput, QuarantineFormat, Worker};
use crate::sandbox::BatchLocation;

/// Batches of one partition's input.
enum Source {
    Csv(Box<CsvReader>),
    Parquet(parquet::arrow::arrow_reader::ParquetRecordBatchReader),
}

impl Source {
    fn open(
        job: &Job,
        prepared: &Prepared,
        partition: &Partition,
        batch_rows: usize,
    ) -> Result<Self> {
        let input = &job.spec.input;
        let projection = &prepared.pipeline.projection;
        Ok(match (&partition.input, input.format) {
            (PartitionInput::CsvRange { start, end }, Format::Csv) => {
                let columns = input.csv_columns()?;
                let policy = match input.bad_rows {
                    BadRowPolicy::Fail => BadRows::Fail,
                    BadRowPolicy::Quarantine => BadRows::Reject,
                };
                Source::Csv(Box::new(CsvReader::open(
                    &partition.file,
                    &input.csv,
                    &columns,
                    Some(projection),
                    Some((*start, *end)),
                    batch_rows,
                    policy,
                )?))
            }
            (PartitionInput::RowGroups { groups, .. }, _) => {
                Source::Parquet(crate::io::parquet::open_projected(
                    &partition.file,
                    groups.clone(),
                    projection,
                    batch_rows,
                )?)
            }
            (PartitionInput::CsvRange { .. }, Format::Parquet) => {
                unreachable!("planned from the format")
            }
        })
    }

    fn next(&mut self, partition: &Partition) -> Result<Option<RecordBatch>> {
        match self {
            Source::Csv(r) => Ok(r.next_batch()?),
            Source::Parquet(r) => r.next().transpose().map_err(|e| {
                Error::Io(crate::io::Error::Format {
                    path: partition.file.clone(),
                    message: e.to_string(),
                })
            }),
        }
    }

    /// Checks a Parquet partition read every row its footer holds (a
    /// reader that misreads a layout may yield none, which must not pass for
    /// an empty input).
    fn check_complete(&self, partition: &Partition, rows: u64) -> Result<()> {
        match (self, &partition.input) {
            (
                Source::Parquet(_),
                PartitionInput::RowGroups {
                    groups,
                    rows: expected,
                },
            ) => Ok(crate::io::parquet::check_rows_read(
                &partition.file,
                &format!("row groups {groups:?}"),
                *expected,
                rows,
            )?),
            _ => Ok(()),
        }
    }

    fn take_rejected(&mut self) -> Vec<RowError> {
        match self {
            Source::Csv(r) => r.take_rejected(),
            Source::Parquet(_) => Vec::new(),
        }
    }
}

/// Quarantined rows of a partition, written to `_rejected/` at commit.
struct Quarantine {
    format: QuarantineFormat,
    text: Vec<u8>,
    rows: u64,
}

impl Quarantine {
    fn push(&mut self, e: &RowError) {
        self.rows += 1;
        let record = String::from_utf8_lossy(&e.record);
        let file = e.file.display().to_string();
        let column = e.column.clone().unwrap_or_default();
        match self.format {
            QuarantineFormat::Csv => {
                if self.text.is_empty() {
                    self.text
                        .extend_from_slice(b"file,line,column,reason,record\n");
                }
                let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
                let _ = writeln!(
                    self.text,
                    "{},{},{},{},{}",
                    q(&file),
                    e.line,
                    q(&column),
                    q(&e.reason),
                    q(&record)
                );
            }
            QuarantineFormat::Jsonl => {
                let line = serde_json::json!({
                    "file": file, "line": e.line, "column": e.column, "reason": e.reason, "record": record,
                });
                let _ = writeln!(self.text, "{line}");
            }
        }
    }
}

/// Reads, transforms and writes one partition, then commits it. Checks
/// `stop` between batches and gives up (leaving no file) when it is set.
pub fn run_partition(
    job: &Job,
    prepared: &Prepared,
    pipeline: &mut Worker<'_>,
    partition: &Partition,
    out: &OutputDir,
    batch_rows: usize,
    stop: &AtomicBool,
) -> Result<PartitionCommit> {
    let started = Instant::now();
    let name = partition.part_name();
    let mut source = Source::open(job, prepared, partition, batch_rows)?;
    let mut writer = out.part_writer(
        &name,
        prepared.pipeline.output_schema.clone(),
        &job.spec.output.write_options(),
        &prepared.provenance,
    )?;
    let mut quarantine = Quarantine {
        format: job.spec.input.quarantine_format,
        text: Vec::new(),
        rows: 0,
    };
    let (mut rows_in, mut rows_out, mut index) = (0u64, 0u64, 0usize);
    let source_name = format!("{} ({})", partition.part_name(), partition.describe());
    while let Some(batch) = source.next(partition)? {
        if stop.load(Ordering::SeqCst) {
            return Err(Error::Cancelled);
        }
        for e in source.take_rejected() {
            quarantine.push(&e);
        }
        let at = BatchLocation {
            source: source_name.clone(),
            batch: index,
            first_row: rows_in,
            rows: batch.num_rows(),
        };
        rows_in += batch.num_rows() as u64;
        index += 1;
        let result = pipeline.process(batch, &at)?;
        rows_out += result.num_rows() as u64;
        if result.num_rows() > 0 {
            writer.write(&result)?;
        }
    }
    for e in source.take_rejected() {
        quarantine.push(&e);
    }
    source.check_complete(partition, rows_in)?;
    let (bytes, sha256) = writer.finish()?;
    let rejected_file = if quarantine.rows > 0 {
        let ext = match quarantine.format {
            QuarantineFormat::Csv => "csv",
            QuarantineFormat::Jsonl => "jsonl",
        };
        let file = format!("part-{:05}.{ext}", partition.id);
        let path = out.rejected_path(&file);
        std::fs::create_dir_all(path.parent().expect("in _rejected")).map_err(|source| {
            crate::io::Error::Io {
                path: path.clone(),
                source,
            }
        })?;
        write_atomic(&path, &quarantine.text)?;
        Some(format!("{}/{file}", crate::io::commit::REJECTED))
    } else {
        None
    };
    let commit = PartitionCommit {
        id: partition.id,
        input: partition.describe(),
        rows_read: rows_in + quarantine.rows,
        rows_filtered: rows_in - rows_out,
        rows_rejected: quarantine.rows,
        rows_written: rows_out,
        file: name,
        bytes,
        sha256,
        rejected_file,
        job_digest: prepared.digest.clone(),
        seconds: started.elapsed().as_secs_f64(),
    };
    out.commit(&commit)?;
    Ok(commit)
}
