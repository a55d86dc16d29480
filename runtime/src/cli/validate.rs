//! `wasmprep validate`: check a job without processing data.

use std::path::PathBuf;
use std::process::ExitCode;

use wasmprep::job::Job;
use wasmprep::sandbox::{ModuleCache, Sandbox};
use wasmprep::schema::type_name;

/// Check the spec, the input's files and headers, and every step (each
/// plugin's contract) against the input schema, without processing data.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  wasmprep validate jobs/nyc-taxi/job.toml --input data/taxi")]
pub struct Args {
    /// The job spec (TOML).
    pub job: PathBuf,

    /// Input file, directory or glob (overrides input.path).
    #[arg(long)]
    pub input: Option<String>,
}

pub fn run(args: Args, cache: ModuleCache) -> anyhow::Result<ExitCode> {
    let placeholder = std::path::Path::new(".");
    let job = Job::load(&args.job, args.input.as_deref(), Some(placeholder))?;
    let sandbox = Sandbox::new(cache)?;
    let prepared = wasmprep::exec::prepare(&job, &sandbox)?;
    let p = &prepared.pipeline;
    println!(
        "input: {} file(s), {} partition(s); reads {} of {} columns",
        prepared.plan.files.len(),
        prepared.plan.partitions.len(),
        p.source_schema.fields().len(),
        prepared.plan.schema.fields().len()
    );
    for (file, reason) in &prepared.plan.skipped {
        println!("skipped: {} ({reason})", file.display());
    }
    for stage in &p.plans {
        println!("steps[{}] {}: {}", stage.index, stage.kind, stage.detail);
    }
    println!("output schema:");
    for f in p.output_schema.fields() {
        println!(
            "  {:24} {}{}",
            f.name(),
            type_name(f.data_type()),
            if f.is_nullable() { "" } else { " not null" }
        );
    }
    println!("ok");
    Ok(ExitCode::SUCCESS)
}
