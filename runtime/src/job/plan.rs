//! Partition planning: CSV files split into byte ranges, Parquet files into
//! groups of row groups. Files are sorted and ranges computed from sizes
//! alone, so the same input always gives the same partitions, whoever
//! plans them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::{Schema, SchemaRef};
use serde::Serialize;

use super::{Error, Format, Job, Result};
use crate::io::csv::{split_ranges, BadRows, CsvColumn, CsvReader};

/// What one partition reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PartitionInput {
    /// The CSV records starting in bytes `start..end` of a file.
    CsvRange { start: u64, end: u64 },
    /// These row groups of a Parquet file.
    RowGroups { groups: Vec<usize>, rows: u64 },
}

/// A unit of work: part of one input file, written to one output file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Partition {
    /// Position in the plan; names the output `part-{id:05}.parquet`.
    pub id: usize,
    pub file: PathBuf,
    #[serde(flatten)]
    pub input: PartitionInput,
    /// Input bytes, for scheduling the largest first.
    pub bytes: u64,
}

impl Partition {
    pub fn part_name(&self) -> String {
        format!("part-{:05}.parquet", self.id)
    }

    /// Where the partition reads, for messages: `file.csv bytes 0..67108864`.
    pub fn describe(&self) -> String {
        match &self.input {
            PartitionInput::CsvRange { start, end } => {
                format!("{} bytes {start}..{end}", self.file.display())
            }
            PartitionInput::RowGroups { groups, .. } => {
                format!("{} row groups {groups:?}", self.file.display())
            }
        }
    }
}

/// The partitions of a job's input and the schema of what is read.
#[derive(Clone, Debug)]
pub struct Plan {
    pub partitions: Vec<Partition>,
    /// Every input file with its size.
    pub files: Vec<(PathBuf, u64)>,
    /// Schema of the input as read (before any step).
    pub schema: SchemaRef,
}

/// The files an input names: a file, a directory (its files with the
/// format's extension) or a glob; sorted.
pub fn input_files(input: &str, format: Format) -> Result<Vec<PathBuf>> {
    let ext = match format {
        Format::Csv => "csv",
        Format::Parquet => "parquet",
    };
    let path = Path::new(input);
    let mut files: Vec<PathBuf> = if input.contains(['*', '?', '[']) {
        let paths =
            glob::glob(input).map_err(|e| Error::Input(format!("{input}: bad pattern: {e}")))?;
        paths
            .filter_map(|p| p.ok())
            .filter(|p| p.is_file())
            .collect()
    } else if path.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)))
            .collect()
    } else if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        return Err(Error::Input(format!("{input} does not exist")));
    };
    if files.is_empty() {
        return Err(Error::Input(format!(
            "{input} matches no {ext} file{}",
            if path.is_dir() {
                format!(" (looked for *.{ext} in the directory)")
            } else {
                String::new()
            }
        )));
    }
    files.sort();
    Ok(files)
}

/// Checks that a CSV file's first line names the schema's columns.
fn check_csv_header(path: &Path, job: &Job, columns: &[CsvColumn]) -> Result<()> {
    let options = &job.spec.input.csv;
    if options.header && file_size(path)? == 0 {
        return Err(Error::Input(format!(
            "{}: the file is empty but the job expects a header",
            path.display()
        )));
    }
    if options.header {
        // The records starting in byte 0..1: the header alone, read and
        // compared with the schema as a run would.
        CsvReader::open(
            path,
            options,
            columns,
            Some(&[]),
            Some((0, 1)),
            1,
            BadRows::Fail,
        )?
        .next_batch()?;
    }
    Ok(())
}

/// Plans the partitions of `job`'s input. Reads only headers and footers.
pub fn plan(job: &Job) -> Result<Plan> {
    let input = &job.spec.input;
    let files = input_files(&job.input, input.format)?;
    let target = ((input.partition_mib * (1u64 << 20) as f64) as u64).max(1);
    let mut sized = Vec::with_capacity(files.len());
    let mut partitions = Vec::new();
    let schema = match input.format {
        Format::Csv => {
            let columns = input.csv_columns()?;
            for path in &files {
                check_csv_header(path, job, &columns)?;
                let size = file_size(path)?;
                sized.push((path.clone(), size));
                let ranges = if input.csv.newlines_in_values {
                    vec![(0, size)]
                } else {
                    split_ranges(size, target)
                };
                for (start, end) in ranges {
                    partitions.push(Partition {
                        id: partitions.len(),
                        file: path.clone(),
                        input: PartitionInput::CsvRange { start, end },
                        bytes: end - start,
                    });
                }
            }
            let fields: Vec<arrow::datatypes::Field> = columns
                .iter()
                .map(|c| arrow::datatypes::Field::new(&c.name, c.data_type.clone(), true))
                .collect();
            Arc::new(Schema::new(fields))
        }
        Format::Parquet => {
            let mut schema: Option<SchemaRef> = None;
            for path in &files {
                let (file_schema, groups) = crate::io::parquet::layout(path)?;
                match &schema {
                    None => schema = Some(file_schema),
                    Some(s) if s.fields() != file_schema.fields() => {
                        return Err(Error::Input(format!(
                            "{}: its schema differs from {}'s",
                            path.display(),
                            files[0].display()
                        )))
                    }
                    Some(_) => {}
                }
                sized.push((path.clone(), file_size(path)?));
                let mut current: Vec<usize> = Vec::new();
                let (mut bytes, mut rows) = (0u64, 0u64);
                for (i, (group_rows, group_bytes)) in groups.iter().enumerate() {
                    if !current.is_empty() && bytes + group_bytes > target {
                        partitions.push(Partition {
                            id: partitions.len(),
                            file: path.clone(),
                            input: PartitionInput::RowGroups {
                                groups: std::mem::take(&mut current),
                                rows,
                            },
                            bytes,
                        });
                        bytes = 0;
                        rows = 0;
                    }
                    current.push(i);
                    bytes += group_bytes;
                    rows += group_rows;
                }
                if !current.is_empty() || groups.is_empty() {
                    partitions.push(Partition {
                        id: partitions.len(),
                        file: path.clone(),
                        input: PartitionInput::RowGroups {
                            groups: current,
                            rows,
                        },
                        bytes,
                    });
                }
            }
            schema.expect("at least one file")
        }
    };
    Ok(Plan {
        partitions,
        files: sized,
        schema,
    })
}

fn file_size(path: &Path) -> Result<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
}
