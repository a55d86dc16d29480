//! Jobs: the spec (TOML), its inputs resolved to files, the partition plan
//! and the pipeline of steps checked against the input schema (running the
//! steps over batches is [`crate::exec`]'s).

pub mod lock;
mod pipeline;
pub mod plan;
pub mod spec;

use std::path::{Path, PathBuf};

pub(crate) use pipeline::Stage;
pub(crate) use pipeline::{load_plugin, needed_before};
pub use pipeline::{Pipeline, StagePlan};
pub use plan::{Partition, PartitionInput, Plan};
pub use spec::{BadRowPolicy, Format, JobSpec, QuarantineFormat, Step};

/// An error in a job's spec, inputs or steps.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{0}")]
    Spec(String),
    /// The OS error is the source.
    #[error("{}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("input {0}")]
    Input(String),
    /// A step that does not fit its input (before data flows), or that
    /// failed on a batch; Arrow's error, if any, is the source.
    #[error("steps[{index}] ({kind}): {message}")]
    Step {
        index: usize,
        kind: &'static str,
        message: String,
        source: Option<arrow::error::ArrowError>,
    },
    #[error(transparent)]
    Data(#[from] crate::io::Error),
    #[error(transparent)]
    Sandbox(Box<crate::sandbox::Error>),
}

impl From<crate::sandbox::Error> for Error {
    fn from(e: crate::sandbox::Error) -> Self {
        Error::Sandbox(Box::new(e))
    }
}

/// `Result` with the job [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The largest partition (1 TiB): beyond it a partition is a file.
const MAX_PARTITION_MIB: f64 = (1u64 << 20) as f64;

/// A job ready to plan: its spec, with the input and output locations
/// decided (the spec's, or the command line's).
#[derive(Clone, Debug)]
pub struct Job {
    pub name: String,
    pub spec: JobSpec,
    /// The input: a file, a directory or a glob.
    pub input: String,
    pub output: PathBuf,
    /// The checked steps, paths resolved.
    pub steps: Vec<Step>,
}

impl Job {
    /// Loads `path`; `input` and `output` override the spec's.
    pub fn load(path: &Path, input: Option<&str>, output: Option<&Path>) -> Result<Self> {
        let spec = JobSpec::load(path)?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Self::from_spec(spec, &base, path, input, output)
    }

    /// A job from a parsed spec whose relative paths are against `base`.
    pub fn from_spec(
        spec: JobSpec,
        base: &Path,
        origin: &Path,
        input: Option<&str>,
        output: Option<&Path>,
    ) -> Result<Self> {
        let input = match (input, &spec.input.path) {
            (Some(i), _) => i.to_string(),
            (None, Some(p)) => spec::resolve(base, Path::new(p)).display().to_string(),
            (None, None) => {
                return Err(Error::Spec(
                    "no input: set input.path in the job or pass --input".into(),
                ))
            }
        };
        let output = match (output, &spec.output.path) {
            (Some(o), _) => o.to_path_buf(),
            (None, Some(p)) => spec::resolve(base, Path::new(p)),
            (None, None) => {
                return Err(Error::Spec(
                    "no output: set output.path in the job or pass --output".into(),
                ))
            }
        };
        let steps = spec
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| s.check(i, base))
            .collect::<Result<Vec<_>>>()?;
        if spec.input.format == Format::Csv {
            spec.input.csv_columns()?;
            spec.input.csv.check()?;
        }
        if spec.input.format == Format::Parquet && !spec.input.columns.is_empty() {
            return Err(Error::Spec(
                "input.columns is for CSV; a Parquet file carries its schema".into(),
            ));
        }
        if !(spec.input.partition_mib > 0.0 && spec.input.partition_mib <= MAX_PARTITION_MIB) {
            return Err(Error::Spec(format!(
                "input.partition_mib must be more than 0 and at most {MAX_PARTITION_MIB}, not {}",
                spec.input.partition_mib
            )));
        }
        spec.output.check()?;
        let name = spec.name.clone().unwrap_or_else(|| {
            origin
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "job".into())
        });
        Ok(Job {
            name,
            spec,
            input,
            output,
            steps,
        })
    }
}
