//! `wasmprep run`: run a job.

use std::path::PathBuf;
use std::process::ExitCode;

use wasmprep::exec::{self, RunOptions};
use wasmprep::io::commit::ExistingOutput;
use wasmprep::job::Job;
use wasmprep::sandbox::{ModuleCache, Sandbox};

/// Run a job: read the input, apply the steps, write Parquet.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  wasmprep run jobs/nyc-taxi/job.toml --input data/taxi --output out/taxi\n\n\
    The output directory gets one part-NNNNN.parquet per partition (each renamed into\n\
    place when complete), _manifest.json and, last, _SUCCESS. A directory that already\n\
    holds results is refused unless --resume (redo only partitions without a valid\n\
    commit) or --overwrite."
)]
pub struct Args {
    /// The job spec (TOML).
    pub job: PathBuf,

    /// Input file, directory or glob (overrides input.path).
    #[arg(long)]
    pub input: Option<String>,

    /// Output directory (overrides output.path).
    #[arg(long)]
    pub output: Option<PathBuf>,

    /// Worker threads (default: the cores available).
    #[arg(long)]
    pub threads: Option<usize>,

    /// Rows per batch.
    #[arg(long, default_value_t = 65_536)]
    pub batch_rows: usize,

    /// Keep the partitions an earlier run committed; redo the rest.
    #[arg(long, conflicts_with = "overwrite")]
    pub resume: bool,

    /// Replace the results already in the output directory.
    #[arg(long)]
    pub overwrite: bool,

    /// Also write what each rank did (partitions, rows, seconds, busy time,
    /// MPI wait per request) as JSON to this file (rank 0).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

pub fn run(args: Args, cache: ModuleCache) -> anyhow::Result<ExitCode> {
    let transport = wasmprep::dist::connect().map_err(anyhow::Error::msg)?;
    let rank = transport.rank();
    let job = Job::load(&args.job, args.input.as_deref(), args.output.as_deref());
    let job = match job {
        Ok(job) => job,
        // Every rank reads the spec; only rank 0 says what is wrong with it.
        Err(e) if rank != 0 => {
            tracing::debug!("{e}");
            return Ok(ExitCode::from(crate::cli::EXIT_FAILURE));
        }
        Err(e) => return Err(e.into()),
    };
    let sandbox = Sandbox::new(cache)?;
    let mut options = RunOptions {
        batch_rows: args.batch_rows.max(1),
        existing: if args.resume {
            ExistingOutput::Resume
        } else if args.overwrite {
            ExistingOutput::Overwrite
        } else {
            ExistingOutput::Refuse
        },
        ..RunOptions::default()
    };
    if let Some(t) = args.threads {
        options.threads = t.max(1);
    }
    if rank == 0 {
        tracing::info!(job = job.name.as_str(), output = %job.output.display(), "Starting.");
    }
    let summary = match exec::run_ranks(&job, &sandbox, &options, transport.as_ref()) {
        Ok(s) => s,
        Err(e) if rank != 0 => {
            // Rank 0 reports the failure; the others just stop.
            tracing::debug!("{e:#}");
            return Ok(ExitCode::from(crate::cli::EXIT_FAILURE));
        }
        Err(e) => return Err(e.into()),
    };
    if rank != 0 {
        return Ok(ExitCode::SUCCESS);
    }
    print_ranks(&summary.ranks);
    if let Some(path) = &args.report {
        let report = serde_json::json!({ "ranks": summary.ranks, "seconds": summary.seconds });
        std::fs::write(path, serde_json::to_vec_pretty(&report)?)?;
    }
    let t = &summary.totals;
    eprintln!(
        "{}: {} partitions ({} resumed), {} rows read, {} filtered, {} rejected, {} written, {:.1} MB in {:.2} s ({:.0} MB/s) -> {}",
        job.name,
        t.partitions,
        summary.resumed,
        t.rows_read,
        t.rows_filtered,
        t.rows_rejected,
        t.rows_written,
        summary.input_bytes as f64 / 1e6,
        summary.seconds,
        summary.input_bytes as f64 / 1e6 / summary.seconds.max(1e-9),
        summary.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The per-rank summary table.
fn print_ranks(ranks: &[exec::RankStats]) {
    if ranks.is_empty() {
        return;
    }
    eprintln!(
        "{:>5} {:>8} {:>11} {:>12} {:>9} {:>6} {:>12}",
        "rank", "threads", "partitions", "rows", "seconds", "busy", "wait/part"
    );
    for r in ranks {
        eprintln!(
            "{:>5} {:>8} {:>11} {:>12} {:>9.2} {:>5.0}% {:>9.2} ms",
            r.rank,
            r.threads,
            r.partitions,
            r.rows,
            r.wall_seconds,
            100.0 * r.busy(),
            r.mean_partition_wait_ms
        );
    }
}
