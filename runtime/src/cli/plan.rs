//! `wasmprep plan`: print the partitions of a job's input.

use std::path::PathBuf;
use std::process::ExitCode;

use wasmprep::job::{plan::plan, Job, PartitionInput};

/// Print the partitions a run would process, in plan order.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  wasmprep plan jobs/nyc-taxi/job.toml --input data/taxi")]
pub struct Args {
    /// The job spec (TOML).
    pub job: PathBuf,

    /// Input file, directory or glob (overrides input.path).
    #[arg(long)]
    pub input: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let job = Job::load(
        &args.job,
        args.input.as_deref(),
        Some(std::path::Path::new(".")),
    )?;
    let plan = plan(&job)?;
    println!("{:>6}  {:>12}  {:>24}  file", "part", "bytes", "range");
    for p in &plan.partitions {
        let range = match &p.input {
            PartitionInput::CsvRange { start, end } => format!("{start}..{end}"),
            PartitionInput::CsvFile { compression } => format!("whole ({compression})"),
            PartitionInput::RowGroups { groups, rows } => {
                format!("row groups {groups:?} ({rows} rows)")
            }
        };
        println!(
            "{:>6}  {:>12}  {:>24}  {}",
            p.id,
            p.bytes,
            range,
            p.file.display()
        );
    }
    let total: u64 = plan.files.iter().map(|(_, b)| b).sum();
    println!(
        "{} partition(s) over {} file(s), {} bytes",
        plan.partitions.len(),
        plan.files.len(),
        total
    );
    Ok(ExitCode::SUCCESS)
}
