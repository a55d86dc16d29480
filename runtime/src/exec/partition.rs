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
        let range = match &partition.input {
            PartitionInput::CsvRange { start, end } => Some((*start, *end)),
            _ => None,
        };
        Ok(match (&partition.input, input.format) {
            (PartitionInput::CsvRange { .. } | PartitionInput::CsvFile { .. }, Format::Csv) => {
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
                    range,
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
            (PartitionInput::CsvRange { .. } | PartitionInput::CsvFile { .. }, Format::Parquet) => {
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
    /// Adds a rejected row. The record is kept byte for byte: in CSV as a
    /// quoted field (quotes doubled, nothing else changed, even bytes that
    /// are not UTF-8); in JSON lines as text, or base64 with
    /// `"record_encoding": "base64"` when it is not UTF-8.
    fn push(&mut self, e: &RowError) {
        self.rows += 1;
        let file = e.file.display().to_string();
        let column = e.column.clone().unwrap_or_default();
        match self.format {
            QuarantineFormat::Csv => {
                if self.text.is_empty() {
                    self.text
                        .extend_from_slice(b"file,line,column,reason,record\n");
                }
                push_csv_field(&mut self.text, file.as_bytes());
                let _ = write!(self.text, ",{},", e.line);
                push_csv_field(&mut self.text, column.as_bytes());
                self.text.push(b',');
                push_csv_field(&mut self.text, e.reason.as_bytes());
                self.text.push(b',');
                push_csv_field(&mut self.text, &e.record);
                self.text.push(b'\n');
            }
            QuarantineFormat::Jsonl => {
                let mut line = serde_json::json!({
                    "file": file, "line": e.line, "column": e.column, "reason": e.reason,
                });
                match std::str::from_utf8(&e.record) {
                    Ok(text) => line["record"] = text.into(),
                    Err(_) => {
                        use base64::Engine;
                        line["record"] = base64::engine::general_purpose::STANDARD
                            .encode(&e.record)
                            .into();
                        line["record_encoding"] = "base64".into();
                    }
                }
                let _ = writeln!(self.text, "{line}");
            }
        }
    }
}

/// Appends `field` quoted, its quotes doubled: the bytes otherwise as they are.
fn push_csv_field(out: &mut Vec<u8>, field: &[u8]) {
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
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
    crate::crash::point("part-created");
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
            crate::crash::point("batch-written");
        }
    }
    for e in source.take_rejected() {
        quarantine.push(&e);
    }
    source.check_complete(partition, rows_in)?;
    let (bytes, sha256) = writer.finish()?;
    crate::crash::point("part-renamed");
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
        crate::crash::point("rejected-written");
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
    crate::crash::point("commit-written");
    Ok(commit)
}
