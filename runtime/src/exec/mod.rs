//! Running a job on one process: worker threads take partitions one at a
//! time and stream each batch by batch (read → steps → write), so memory
//! does not grow with the input.

mod partition;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::io::commit::{ExistingOutput, OutputDir, PartitionCommit};
use crate::job::{Job, Partition, Pipeline, Plan};
use crate::sandbox::Sandbox;

pub use partition::run_partition;

/// An error running a job.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Job(#[from] crate::job::Error),
    #[error(transparent)]
    Io(#[from] crate::io::Error),
    /// A partition failed; the partitions already committed stay.
    #[error("partition {id} ({input}) failed: {source}")]
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
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
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
#[derive(Clone, Debug)]
pub struct Summary {
    pub totals: Totals,
    /// Partitions kept from an earlier run (`--resume`).
    pub resumed: usize,
    pub input_bytes: u64,
    pub seconds: f64,
    pub output: PathBuf,
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

/// Identifies what a run computes: the spec (less its input and output
/// paths), the plugins' digests, the input files and their sizes.
pub fn job_digest(job: &Job, plan: &Plan, pipeline: &Pipeline) -> String {
    let mut spec = job.spec.clone();
    spec.input.path = None;
    spec.output.path = None;
    let mut h = Sha256::new();
    h.update(serde_json::to_vec(&spec).expect("specs serialize"));
    for p in pipeline.plugins() {
        h.update(p.digest().as_bytes());
    }
    for (file, size) in &plan.files {
        h.update(file.display().to_string().as_bytes());
        h.update(size.to_le_bytes());
    }
    h.update(plan.partitions.len().to_le_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Everything a run needs, prepared before any output is written.
pub struct Prepared {
    pub plan: Plan,
    pub pipeline: Pipeline,
    pub digest: String,
}

/// Plans the job and checks its pipeline: no output is touched.
pub fn prepare(job: &Job, sandbox: &Sandbox) -> Result<Prepared> {
    let plan = crate::job::plan::plan(job)?;
    let pipeline = Pipeline::build(sandbox, &job.steps, &plan.schema)?;
    let digest = job_digest(job, &plan, &pipeline);
    Ok(Prepared {
        plan,
        pipeline,
        digest,
    })
}

/// The order partitions are handed out: largest first (so a long one does
/// not start last), then by id.
pub fn schedule(partitions: &[Partition], done: &[PartitionCommit]) -> Vec<usize> {
    let mut todo: Vec<usize> = (0..partitions.len())
        .filter(|&i| !done.iter().any(|c| c.id == partitions[i].id))
        .collect();
    todo.sort_by(|&a, &b| {
        partitions[b]
            .bytes
            .cmp(&partitions[a].bytes)
            .then(a.cmp(&b))
    });
    todo
}

/// Runs `job` on this process with `options.threads` workers.
pub fn run(job: &Job, sandbox: &Sandbox, options: &RunOptions) -> Result<Summary> {
    let started = Instant::now();
    let prepared = prepare(job, sandbox)?;
    let (out, kept) = OutputDir::open(&job.output, options.existing, &prepared.digest)?;
    let todo = schedule(&prepared.plan.partitions, &kept);
    let resumed = kept.len();
    if resumed > 0 {
        tracing::info!(
            resumed,
            todo = todo.len(),
            "Resuming: keeping committed partitions."
        );
    }
    let commits = run_partitions(job, &prepared, &out, &todo, options)?;
    let mut all = kept;
    all.extend(commits);
    all.sort_by_key(|c| c.id);
    finish(job, &prepared, &out, &all, started, resumed)
}

/// Runs the partitions at `todo` (indices into the plan) on worker threads.
/// Stops every worker at the first error.
pub fn run_partitions(
    job: &Job,
    prepared: &Prepared,
    out: &OutputDir,
    todo: &[usize],
    options: &RunOptions,
) -> Result<Vec<PartitionCommit>> {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    let (tx, rx) = mpsc::channel::<PartitionCommit>();
    let threads = options.threads.max(1).min(todo.len().max(1));
    let total_bytes: u64 = todo
        .iter()
        .map(|&i| prepared.plan.partitions[i].bytes)
        .sum();
    let mut commits = Vec::with_capacity(todo.len());
    std::thread::scope(|scope| {
        for worker in 0..threads {
            let tx = tx.clone();
            let (next, stop, failure) = (&next, &stop, &failure);
            let span = tracing::Span::current();
            scope.spawn(move || {
                let _span = span.enter();
                let mut pipeline = prepared.pipeline.worker();
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    if k >= todo.len() || stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let partition = &prepared.plan.partitions[todo[k]];
                    match run_partition(
                        job,
                        prepared,
                        &mut pipeline,
                        partition,
                        out,
                        options.batch_rows,
                        stop,
                    ) {
                        Ok(commit) => {
                            tracing::debug!(
                                worker,
                                partition = partition.id,
                                rows = commit.rows_written,
                                "Committed partition."
                            );
                            let _ = tx.send(commit);
                        }
                        Err(Error::Cancelled) => break,
                        Err(e) => {
                            stop.store(true, Ordering::SeqCst);
                            let mut f = failure.lock().unwrap_or_else(|e| e.into_inner());
                            f.get_or_insert(Error::Partition {
                                id: partition.id,
                                input: partition.describe(),
                                source: Box::new(e),
                            });
                            break;
                        }
                    }
                }
            });
        }
        drop(tx);
        let started = Instant::now();
        let mut last = Instant::now();
        let mut done_bytes = 0u64;
        let mut rows = 0u64;
        loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(commit) => {
                    done_bytes += prepared.plan.partitions[commit.id].bytes;
                    rows += commit.rows_read;
                    commits.push(commit);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            if last.elapsed() >= options.progress_every {
                last = Instant::now();
                let secs = started.elapsed().as_secs_f64();
                tracing::info!(
                    partitions = format!("{}/{}", commits.len(), todo.len()),
                    rows,
                    mb_per_s = format!("{:.0}", done_bytes as f64 / secs / 1e6),
                    "Progress: {:.0}% of the input.",
                    100.0 * done_bytes as f64 / total_bytes.max(1) as f64
                );
            }
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    Ok(commits)
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
    })
}
