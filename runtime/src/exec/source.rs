//! Where batches come from: a CSV byte range or file, or row groups of a
//! Parquet file, read with only the columns the steps use. A source also
//! says where a batch's first row sits in the user's file (a CSV line, a
//! Parquet row group and row), for errors.

use std::path::{Path, PathBuf};

use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReader;

use super::{Prepared, Result};
use crate::io::csv::{BadRows, CsvReader, RowError};
use crate::job::{BadRowPolicy, Format, Job, Partition, PartitionInput};

/// Batches of one input.
pub enum Source {
    Csv(Box<CsvReader>),
    Parquet(ParquetSource),
}

/// Row groups of a Parquet file being read.
pub struct ParquetSource {
    reader: ParquetRecordBatchReader,
    path: PathBuf,
    /// (row group, rows) in read order.
    groups: Vec<(usize, u64)>,
    /// Rows the footer holds for these groups, and how to name them.
    expected: u64,
    what: String,
    /// Rows returned so far, and the first row of the last batch.
    rows: u64,
    last_first_row: u64,
}

impl Source {
    /// A partition of `job`'s plan, projected to the pipeline's columns.
    pub fn partition(
        job: &Job,
        prepared: &Prepared,
        partition: &Partition,
        batch_rows: usize,
    ) -> Result<Self> {
        let projection = &prepared.pipeline.projection;
        match (&partition.input, job.spec.input.format) {
            (PartitionInput::RowGroups { groups, rows }, Format::Parquet) => {
                let mut source = ParquetSource::open(
                    &partition.file,
                    Some(groups.clone()),
                    projection,
                    batch_rows,
                )?;
                source.expected = *rows;
                Ok(Source::Parquet(source))
            }
            (PartitionInput::CsvRange { start, end }, Format::Csv) => {
                csv_partition(job, partition, projection, Some((*start, *end)), batch_rows)
            }
            (PartitionInput::CsvFile { .. }, Format::Csv) => {
                csv_partition(job, partition, projection, None, batch_rows)
            }
            _ => unreachable!("partitions are planned from the input's format"),
        }
    }

    /// Every row group of a Parquet file, projected to `projection`.
    pub fn parquet(path: &Path, projection: &[usize], batch_rows: usize) -> Result<Self> {
        Ok(Source::Parquet(ParquetSource::open(
            path, None, projection, batch_rows,
        )?))
    }

    /// The next batch, or None at the end.
    pub fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        match self {
            Source::Csv(r) => Ok(r.next_batch()?),
            Source::Parquet(p) => p.next_batch(),
        }
    }

    /// Rows a CSV reader rejected since the last call.
    pub fn take_rejected(&mut self) -> Vec<RowError> {
        match self {
            Source::Csv(r) => r.take_rejected(),
            Source::Parquet(_) => Vec::new(),
        }
    }

    /// Checks a Parquet source read every row its footer holds (a reader
    /// that misreads a layout may yield none, which must not pass for an
    /// empty input).
    pub fn check_complete(&self) -> Result<()> {
        match self {
            Source::Parquet(p) => Ok(crate::io::parquet::check_rows_read(
                &p.path, &p.what, p.expected, p.rows,
            )?),
            Source::Csv(_) => Ok(()),
        }
    }

    /// Where the first row of the last batch sits in the user's file:
    /// `trips.csv line 1204` or `trips.parquet row group 3, row 1200`.
    pub fn origin_of_last_batch(&mut self) -> Result<String> {
        match self {
            Source::Csv(r) => {
                let line = r.first_line_of_last_batch()?;
                Ok(format!("{} line {line}", r.path().display()))
            }
            Source::Parquet(p) => Ok(p.origin_of_last_batch()),
        }
    }
}

fn csv_partition(
    job: &Job,
    partition: &Partition,
    projection: &[usize],
    range: Option<(u64, u64)>,
    batch_rows: usize,
) -> Result<Source> {
    let input = &job.spec.input;
    let policy = match input.bad_rows {
        BadRowPolicy::Fail => BadRows::Fail,
        BadRowPolicy::Quarantine => BadRows::Reject,
    };
    let reader = CsvReader::open(
        &partition.file,
        &input.csv,
        &input.csv_columns()?,
        Some(projection),
        range,
        batch_rows,
        policy,
    )?;
    Ok(Source::Csv(Box::new(reader)))
}

impl ParquetSource {
    fn open(
        path: &Path,
        groups: Option<Vec<usize>>,
        projection: &[usize],
        batch_rows: usize,
    ) -> Result<Self> {
        let what = match &groups {
            None => "the file".to_string(),
            Some(groups) => format!("row groups {groups:?}"),
        };
        let (reader, groups) =
            crate::io::parquet::open_projected(path, groups, projection, batch_rows)?;
        Ok(ParquetSource {
            reader,
            path: path.to_path_buf(),
            expected: groups.iter().map(|(_, rows)| rows).sum(),
            groups,
            what,
            rows: 0,
            last_first_row: 0,
        })
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        let Some(batch) = self
            .reader
            .next()
            .transpose()
            .map_err(crate::io::parquet::decoding(&self.path))?
        else {
            return Ok(None);
        };
        self.last_first_row = self.rows;
        self.rows += batch.num_rows() as u64;
        Ok(Some(batch))
    }

    fn origin_of_last_batch(&self) -> String {
        let mut row = self.last_first_row;
        for &(group, rows) in &self.groups {
            if row < rows {
                return format!("{} row group {group}, row {row}", self.path.display());
            }
            row -= rows;
        }
        format!("{} row {}", self.path.display(), self.last_first_row)
    }
}
