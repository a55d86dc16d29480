//! Running partitions: a rank's worker threads (`pool`) take partitions
//! one at a time and stream each batch by batch (read → steps → write,
//! `partition`), so memory does not grow with the input. Which rank runs
//! which partition is [`crate::ranks`]'s business.

mod partition;
pub(crate) mod pool;
pub(crate) mod progress;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::io::commit::{ExistingOutput, OutputDir, PartitionCommit, PluginDigest, Provenance};
use crate::job::{Job, Pipeline, Plan};
use crate::sandbox::Sandbox;

pub use crate::ranks::RankStats;
pub use partition::run_partition;

/// An error running a job.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Job(#[from] crate::job::Error),
    #[error(transparent)]
    Io(#[from] crate::io::Error),
    /// A partition failed; the partitions already committed stay. The
    /// reason is the error's source (`{:#}` shows it).
    #[error("partition {id} ({input}) failed")]
    Partition {
        id: usize,
        input: String,
        source: Box<Error>,
    },
    #[error("stopped because another partition failed")]
    Cancelled,
}

/// `Result` with the execution [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Execution knobs (command-line flags, not part of the job).
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Worker threads.
    pub threads: usize,
    /// Rows per batch.
    pub batch_rows: usize,
    pub existing: ExistingOutput,
    /// How often progress is logged.
    pub progress_every: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: crate::ranks::default_threads(),
            batch_rows: 65_536,
            existing: ExistingOutput::Refuse,
            progress_every: Duration::from_secs(5),
        }
    }
}

/// What a run did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub partitions: usize,
    pub rows_read: u64,
    pub rows_filtered: u64,
    pub rows_rejected: u64,
    pub rows_written: u64,
    pub bytes_written: u64,
}

impl Totals {
    pub fn add(&mut self, c: &PartitionCommit) {
        self.partitions += 1;
        self.rows_read += c.rows_read;
        self.rows_filtered += c.rows_filtered;
        self.rows_rejected += c.rows_rejected;
        self.rows_written += c.rows_written;
        self.bytes_written += c.bytes;
    }
}

/// A summary of a finished run.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub totals: Totals,
    /// Partitions kept from an earlier run (`--resume`).
    pub resumed: usize,
    pub input_bytes: u64,
    pub seconds: f64,
    pub output: PathBuf,
    /// What each rank did (on rank 0).
    pub ranks: Vec<RankStats>,
}

#[derive(Serialize)]
struct PluginRecord {
    name: String,
    version: String,
    path: String,
    sha256: String,
}

#[derive(Serialize)]
struct InputRecord {
    file: String,
    bytes: u64,
}

#[derive(Serialize)]
struct FieldRecord {
    name: String,
    #[serde(rename = "type")]
    data_type: String,
    nullable: bool,
}

/// `_manifest.json`. Everything in it but the `seconds` fields is the same
/// for the same job and input, whatever the number of threads or ranks.
#[derive(Serialize)]
struct Manifest<'a> {
    job: &'a str,
    job_digest: &'a str,
    wasmprep_version: &'static str,
    plugins: Vec<PluginRecord>,
    inputs: Vec<InputRecord>,
    schema: Vec<FieldRecord>,
    partitions: &'a [PartitionCommit],
    totals: &'a Totals,
    /// rows_read = rows_written + rows_filtered + rows_rejected, for every
    /// partition and in total.
    rows_balanced: bool,
    seconds: f64,
}

/// Identifies what a run computes: the wasmprep version, the spec (less
/// its input and output paths), the plugins' digests, and each input file's
/// path, size, modification time and sampled content (so an input rewritten
/// in place, even at the same size, is never resumed into a mix of old and
/// new partitions).
pub fn job_digest(job: &Job, plan: &Plan, pipeline: &Pipeline) -> Result<String> {
    let mut spec = job.spec.clone();
    spec.input.path = None;
    spec.output.path = None;
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(serde_json::to_vec(&spec).expect("specs serialize"));
    for p in pipeline.plugins() {
        h.update(p.digest().as_bytes());
    }
    for (file, size) in &plan.files {
        h.update(file.display().to_string().as_bytes());
        h.update(size.to_le_bytes());
        file_identity(file, *size, &mut h)?;
    }
    h.update(plan.partitions.len().to_le_bytes());
    Ok(wasmprep_contract::hex(&h.finalize()))
}

/// Bytes hashed at each end of an input file for its identity.
const IDENTITY_SAMPLE: u64 = 64 << 10;

/// Adds what identifies a file's content cheaply to `h`: its modification
/// time (ns) and its first and last 64 KiB (a Parquet file's footer, a CSV
/// file's header and last rows).
fn file_identity(path: &std::path::Path, size: u64, h: &mut Sha256) -> Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let io = |source| {
        Error::Io(crate::io::Error::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let modified = file.metadata().and_then(|m| m.modified()).map_err(io)?;
    let nanos = modified
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.update(nanos.to_le_bytes());
    let mut sample = Vec::new();
    (&mut file)
        .take(IDENTITY_SAMPLE)
        .read_to_end(&mut sample)
        .map_err(io)?;
    let tail = size
        .saturating_sub(IDENTITY_SAMPLE)
        .max(sample.len() as u64);
    file.seek(SeekFrom::Start(tail)).map_err(io)?;
    file.take(IDENTITY_SAMPLE)
        .read_to_end(&mut sample)
        .map_err(io)?;
    h.update(&sample);
    Ok(())
}

/// Everything a run needs, prepared before any output is written.
pub struct Prepared {
    pub plan: Plan,
    pub pipeline: Pipeline,
    pub digest: String,
    /// What every part file's footer records.
    pub provenance: Provenance,
}

/// Plans the job and checks its pipeline: no output is touched.
pub fn prepare(job: &Job, sandbox: &Sandbox) -> Result<Prepared> {
    let plan = crate::job::plan::plan(job)?;
    let pipeline = Pipeline::build(sandbox, &job.steps, &plan.schema)?;
    let digest = job_digest(job, &plan, &pipeline)?;
    let provenance = Provenance {
        job: job.name.clone(),
        job_digest: digest.clone(),
        plugins: pipeline
            .plugins()
            .iter()
            .map(|p| PluginDigest {
                name: p.contract().name.clone(),
                version: p.contract().version.clone(),
                sha256: p.digest().to_string(),
            })
            .collect(),
    };
    Ok(Prepared {
        plan,
        pipeline,
        digest,
        provenance,
    })
}

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
        return Err(Error::Io(crate::io::Error::Options(format!(
            "{} of {expected} partitions are committed; run again with --resume",
            commits.len()
        ))));
    }
    let mut totals = Totals::default();
    commits.iter().for_each(|c| totals.add(c));
    let balanced = commits.iter().all(PartitionCommit::balanced);
    if !balanced {
        return Err(Error::Io(crate::io::Error::Options(
            "row counts do not add up (read != written + filtered + rejected); this is a bug"
                .into(),
        )));
    }
    let seconds = started.elapsed().as_secs_f64();
    let manifest = Manifest {
        job: &job.name,
        job_digest: &prepared.digest,
        wasmprep_version: env!("CARGO_PKG_VERSION"),
        plugins: prepared
            .pipeline
            .plugins()
            .iter()
            .map(|p| PluginRecord {
                name: p.contract().name.clone(),
                version: p.contract().version.clone(),
                path: p.path().display().to_string(),
                sha256: p.digest().to_string(),
            })
            .collect(),
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
        totals: &totals,
        rows_balanced: balanced,
        seconds,
    };
    out.finish(&manifest)?;
    Ok(Summary {
        totals,
        resumed,
        input_bytes: prepared.plan.files.iter().map(|(_, b)| b).sum(),
        seconds,
        output: out.path().to_path_buf(),
        ranks: Vec::new(),
    })
}
