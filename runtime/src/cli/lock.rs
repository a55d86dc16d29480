//! `wasmprep lock`: pin every plugin of a job by its sha256.

use std::path::PathBuf;
use std::process::ExitCode;

/// Write each plugin step's sha256 into the job file (comments and layout
/// kept). A job run then refuses a component with another digest, naming
/// the step and both digests.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  wasmprep lock jobs/nyc-taxi/job.toml\n\n\
    Run it again after rebuilding a plugin on purpose; commit the job file with its digests.")]
pub struct Args {
    /// The job spec (TOML), rewritten in place.
    pub job: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let pinned = wasmprep::job::lock::lock(&args.job)?;
    for p in &pinned {
        let change = match &p.was {
            Some(was) if *was == p.sha256 => "unchanged".to_string(),
            Some(was) => format!("was {was}"),
            None => "newly pinned".to_string(),
        };
        println!(
            "steps[{}] {}: sha256 {} ({change})",
            p.index,
            p.path.display(),
            p.sha256
        );
    }
    if pinned.is_empty() {
        println!("{}: no plugin steps to pin", args.job.display());
    }
    Ok(ExitCode::SUCCESS)
}
