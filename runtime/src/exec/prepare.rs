//! Before any output is written: the plan, the pipeline checked against
//! the input, and the digest that identifies what the run computes.

use sha2::{Digest, Sha256};

use super::{Error, Result};
use crate::io::output::{FittedRecord, PluginDigest, Provenance};
use crate::job::{Job, Pipeline, Plan};
use crate::sandbox::Sandbox;

/// Identifies what a run computes: the wasmprep version, the spec (less
/// its input and output paths and where its plugins are), the plugins'
/// digests, and each input file's
/// path, size, modification time and sampled content (so an input rewritten
/// in place, even at the same size, is never resumed into a mix of old and
/// new partitions).
pub fn job_digest(job: &Job, plan: &Plan, pipeline: &Pipeline) -> Result<String> {
    let mut spec = job.spec.clone();
    spec.input.path = None;
    spec.output.path = None;
    // A plugin is its digest (hashed below), wherever it lies and whether
    // or not the job pins it: a bundle computes what its job computes.
    for step in spec.steps.iter_mut().filter(|s| s.plugin.is_some()) {
        step.plugin = Some(std::path::PathBuf::new());
        step.sha256 = None;
        step.fitted = None;
    }
    let mut h = Sha256::new();
    h.update(crate::version::VERSION.as_bytes());
    h.update(serde_json::to_vec(&spec).expect("specs serialize"));
    for p in pipeline.plugins() {
        h.update(p.digest().as_bytes());
    }
    // Parameters another job fitted (`fitted = "..."`): what they are, not
    // where they lie.
    for step in &job.steps {
        if let crate::job::spec::Step::Plugin(p) = step {
            if let Some(parameters) = &p.parameters {
                h.update(Sha256::digest(parameters));
            }
        }
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
    /// The parameters fitted by the job's fit steps (set by the fit pass).
    pub fitted: Vec<FittedRecord>,
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
        fitted: Vec::new(),
    })
}
