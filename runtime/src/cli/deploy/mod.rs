//! `wasmprep deploy ...`: generate what a cluster scheduler takes to run a job.

mod azureml;
mod kubernetes;
mod slurm;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum DeployCommand {
    Azureml(azureml::Args),
    Slurm(slurm::Args),
    Kubernetes(kubernetes::Args),
}

pub fn run(cmd: DeployCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        DeployCommand::Azureml(args) => azureml::run(args),
        DeployCommand::Slurm(args) => slurm::run(args),
        DeployCommand::Kubernetes(args) => kubernetes::run(args),
    }
}

/// What every target takes: the job and where to write.
#[derive(clap::Args, Debug)]
pub struct Common {
    /// The job spec (TOML).
    pub job: PathBuf,
    /// The directory to generate (replaced as a whole when generated again;
    /// a directory `wasmprep deploy` did not write is refused).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Where an image's wasmprep is built from.
#[derive(clap::Args, Debug)]
pub struct SourceArgs {
    /// The git repository the image builds wasmprep from.
    #[arg(long, value_name = "URL")]
    pub source_repo: Option<String>,
    /// The commit or tag to build (default: the revision this wasmprep was
    /// built from, checked against its --version in the image).
    #[arg(long, value_name = "REV")]
    pub source_rev: Option<String>,
}

impl SourceArgs {
    pub fn source(&self) -> wasmprep::deploy::Source {
        wasmprep::deploy::Source::of_this_build(self.source_repo.clone(), self.source_rev.clone())
    }
}

/// Prints what was bundled.
fn print_bundle(bundle: &wasmprep::deploy::bundle::Bundle) {
    for p in &bundle.plugins {
        println!(
            "  steps[{}] {} -> bundle/{} (sha256 {})",
            p.step,
            p.from.display(),
            p.file,
            p.sha256
        );
    }
}
