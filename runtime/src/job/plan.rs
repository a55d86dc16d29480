//! Partition planning: CSV files split into byte ranges, Parquet files into
//! groups of row groups. Files are sorted and ranges computed from sizes
//! alone, so the same input always gives the same partitions, whoever
//! plans them.

use std::path::{Path, PathBuf};

use arrow::datatypes::SchemaRef;
use serde::Serialize;

use super::{Error, Format, Job, Result};
use crate::io::compression::{is_csv_name, Compression};
use crate::io::csv::{split_ranges, BadRows, CsvColumn, CsvReader};

/// What one partition reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PartitionInput {
    /// The CSV records starting in bytes `start..end` of a file.
    CsvRange { start: u64, end: u64 },
    /// A whole compressed CSV file (it cannot be cut at byte offsets).
    CsvFile { compression: String },
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
        crate::io::output::layout::part_file(self.id)
    }

    /// Where the partition reads, for messages: `file.csv bytes 0..67108864`.
    pub fn describe(&self) -> String {
        match &self.input {
            PartitionInput::CsvRange { start, end } => {
                format!("{} bytes {start}..{end}", self.file.display())
            }
            PartitionInput::CsvFile { compression } => {
                format!("{} (whole, {compression})", self.file.display())
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
    /// Files of the input's directory or glob that are not read, and why.
    pub skipped: Vec<(PathBuf, &'static str)>,
    /// Schema of the input as read (before any step).
    pub schema: SchemaRef,
}

/// The files an input names, sorted, and those of a directory or glob that
/// it leaves out with the reason.
#[derive(Clone, Debug, Default)]
pub struct InputFiles {
    pub files: Vec<PathBuf>,
    pub skipped: Vec<(PathBuf, &'static str)>,
}

/// Why a file of a directory or glob is not read, if it is not.
fn skip_reason(path: &Path, format: Format) -> Option<&'static str> {
    let name = path.file_name()?.to_string_lossy();
    if name.starts_with('.') {
        return Some("hidden");
    }
    if name.starts_with('_') {
        return Some("a marker or metadata file (name starts with _)");
    }
    let wanted = match format {
        Format::Csv => is_csv_name(&name),
        Format::Parquet => name.to_ascii_lowercase().ends_with(".parquet"),
    };
    (!wanted).then_some(match format {
        Format::Csv => "not .csv, .csv.gz, .csv.zst or .csv.bz2",
        Format::Parquet => "not .parquet",
    })
}

/// The files an input names: a file (read whatever its name), a directory
/// (its files with the format's extensions) or a glob; hidden files
/// (`.name`) and markers (`_name`) of a directory or glob are skipped.
pub fn input_files(input: &str, format: Format) -> Result<InputFiles> {
    let path = Path::new(input);
    let candidates: Vec<PathBuf> = if input.contains(['*', '?', '[']) {
        let options = glob::MatchOptions {
            require_literal_leading_dot: true,
            ..glob::MatchOptions::new()
        };
        glob::glob_with(input, options)
            .map_err(|e| Error::Input(format!("{input}: bad pattern: {e}")))?
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
            .filter(|p| p.is_file())
            .collect()
    } else if path.is_file() {
        return Ok(InputFiles {
            files: vec![path.to_path_buf()],
            skipped: Vec::new(),
        });
    } else {
        return Err(Error::Input(format!("{input} does not exist")));
    };
    let mut found = InputFiles::default();
    for p in candidates {
        match skip_reason(&p, format) {
            Some(reason) => found.skipped.push((p, reason)),
            None => found.files.push(p),
        }
    }
    if found.files.is_empty() {
        let looked_for = match format {
            Format::Csv => "*.csv, *.csv.gz, *.csv.zst, *.csv.bz2",
            Format::Parquet => "*.parquet",
        };
        return Err(Error::Input(format!(
            "{input} matches no {} file (looked for {looked_for}; {} other file(s) skipped)",
            match format {
                Format::Csv => "CSV",
                Format::Parquet => "Parquet",
            },
            found.skipped.len()
        )));
    }
    found.files.sort();
    found.skipped.sort();
    Ok(found)
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
    let InputFiles { files, skipped } = input_files(&job.input, input.format)?;
    let target = ((input.partition_mib * super::spec::MIB) as u64).max(1);
    let mut sized = Vec::with_capacity(files.len());
    let mut partitions: Vec<(PathBuf, PartitionInput, u64)> = Vec::new();
    let schema = match input.format {
        Format::Csv => {
            let columns = input.csv_columns()?;
            for path in &files {
                check_csv_header(path, job, &columns)?;
                let size = file_size(path)?;
                sized.push((path.clone(), size));
                let parts = csv_partitions(path, size, target, input.csv.newlines_in_values)?;
                partitions.extend(parts.into_iter().map(|(i, b)| (path.clone(), i, b)));
            }
            crate::io::csv::schema_of(&columns)
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
                let parts = row_group_partitions(&groups, target);
                partitions.extend(parts.into_iter().map(|(i, b)| (path.clone(), i, b)));
            }
            schema.expect("at least one file")
        }
    };
    let partitions = partitions
        .into_iter()
        .enumerate()
        .map(|(id, (file, input, bytes))| Partition {
            id,
            file,
            input,
            bytes,
        })
        .collect();
    Ok(Plan {
        partitions,
        files: sized,
        skipped,
        schema,
    })
}

/// A CSV file's partitions: byte ranges of about `target` bytes, or the
/// whole file when it is compressed or its records may span lines.
fn csv_partitions(
    path: &Path,
    size: u64,
    target: u64,
    newlines_in_values: bool,
) -> Result<Vec<(PartitionInput, u64)>> {
    let compression = Compression::of_file(path)?;
    if compression != Compression::None {
        let whole = PartitionInput::CsvFile {
            compression: compression.name().into(),
        };
        return Ok(vec![(whole, size)]);
    }
    let ranges = if newlines_in_values {
        vec![(0, size)]
    } else {
        split_ranges(size, target)
    };
    Ok(ranges
        .into_iter()
        .map(|(start, end)| (PartitionInput::CsvRange { start, end }, end - start))
        .collect())
}

/// A Parquet file's partitions: runs of whole row groups of about `target`
/// compressed bytes (a file without row groups is one empty partition).
/// `groups` holds each group's (rows, compressed bytes).
fn row_group_partitions(groups: &[(u64, u64)], target: u64) -> Vec<(PartitionInput, u64)> {
    let mut parts = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let (mut bytes, mut rows) = (0u64, 0u64);
    for (i, (group_rows, group_bytes)) in groups.iter().enumerate() {
        if !current.is_empty() && bytes + group_bytes > target {
            let groups = std::mem::take(&mut current);
            parts.push((PartitionInput::RowGroups { groups, rows }, bytes));
            (bytes, rows) = (0, 0);
        }
        current.push(i);
        bytes += group_bytes;
        rows += group_rows;
    }
    if !current.is_empty() || groups.is_empty() {
        parts.push((
            PartitionInput::RowGroups {
                groups: current,
                rows,
            },
            bytes,
        ));
    }
    parts
}

fn file_size(path: &Path) -> Result<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
}
