//! `wasmprep deploy slurm`: an sbatch script with absolute, resolved paths.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use wasmprep::deploy::slurm::{self, Options};

use super::{print_bundle, Common};

/// Write a Slurm batch script: the bundle (job + plugins, pinned) and
/// job.sbatch, which starts one wasmprep rank per task with `srun --mpi=…`.
/// Every path in it is absolute: it runs the same from any directory.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  wasmprep deploy slurm jobs/nyc-taxi/job.toml --out /shared/deploy/nyc-taxi \\\n    \
    --nodes 4 --tasks-per-node 8 --input /shared/taxi --output /shared/taxi-out\n  \
    sbatch /shared/deploy/nyc-taxi/job.sbatch"
)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    nodes: u32,
    /// Tasks (ranks) per node.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    tasks_per_node: u32,
    /// CPUs per task: each rank runs one worker thread per CPU.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    cpus_per_task: u32,
    /// The time limit, as sbatch takes it.
    #[arg(long, default_value = "01:00:00")]
    time: String,
    #[arg(long)]
    partition: Option<String>,
    #[arg(long)]
    account: Option<String>,
    /// The input (default: the job's input.path); made absolute.
    #[arg(long, value_name = "PATH")]
    input: Option<PathBuf>,
    /// The output directory (default: the job's output.path); made absolute.
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// srun's MPI plugin (`srun --mpi=list` shows what the cluster has).
    #[arg(long, default_value = "pmix")]
    mpi: String,
    /// The wasmprep binary the nodes run (default: this one).
    #[arg(long, value_name = "PATH")]
    wasmprep: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let wasmprep = match args.wasmprep {
        Some(path) => path,
        None => std::env::current_exe()
            .and_then(std::fs::canonicalize)
            .context("finding this wasmprep binary (give --wasmprep)")?,
    };
    let options = Options {
        nodes: args.nodes,
        tasks_per_node: args.tasks_per_node,
        cpus_per_task: args.cpus_per_task,
        time: args.time,
        partition: args.partition,
        account: args.account,
        input: args.input,
        output: args.output,
        mpi: args.mpi,
        wasmprep,
    };
    let d = slurm::generate(&args.common.job, &args.common.out, &options)?;
    println!("wrote {} (job `{}`):", d.dir.display(), d.bundle.name);
    print_bundle(&d.bundle);
    for w in &d.warnings {
        tracing::warn!("{w}");
    }
    println!("submit: sbatch {}", d.script.display());
    Ok(ExitCode::SUCCESS)
}
