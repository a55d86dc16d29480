//! `wasmprep run`: run a job.

use std::path::PathBuf;
use std::process::ExitCode;

use wasmprep::exec::{self, RunOptions};
use wasmprep::io::output::ExistingOutput;
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

    /// Worker threads (default: the cores available; at least 1).
    #[arg(long, value_parser = crate::cli::at_least_one())]
    pub threads: Option<usize>,

    /// Rows per batch (at least 1).
    #[arg(long, default_value_t = 65_536, value_parser = crate::cli::at_least_one())]
    pub batch_rows: usize,

    /// Keep the partitions an earlier run committed; redo the rest.
    #[arg(long, conflicts_with = "overwrite")]
    pub resume: bool,

    /// Replace the results already in the output directory.
    #[arg(long)]
    pub overwrite: bool,

    /// Also write the run as JSON to this file (rank 0): the job's totals
    /// (as in the manifest), bytes read, seconds, the wasmprep version, and
    /// what each rank did (partitions, rows, seconds, busy time, MPI wait
    /// per request).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

pub fn run(args: Args, cache: ModuleCache) -> anyhow::Result<ExitCode> {
    let transport = wasmprep::ranks::connect().map_err(anyhow::Error::msg)?;
    let rank = transport.rank();
    // Every rank loads the job; if any cannot, none starts.
    let loaded = Job::load(&args.job, args.input.as_deref(), args.output.as_deref())
        .map_err(anyhow::Error::from)
        .and_then(|job| Ok((job, Sandbox::new(cache)?)));
    if !transport.all_ok(loaded.is_ok()) {
        match (&loaded, rank) {
            (Err(e), 0) => eprintln!("error: {e:#}"),
            (Err(e), _) => tracing::error!("{e:#}"),
            (Ok(_), 0) => {
                eprintln!("error: another rank could not load the job (see its log above)")
            }
            (Ok(_), _) => {}
        }
        transport.barrier();
        return Ok(ExitCode::from(crate::cli::EXIT_FAILURE));
    }
    let (job, sandbox) = loaded.expect("checked on every rank");
    let mut options = RunOptions {
        batch_rows: args.batch_rows,
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
        options.threads = t;
    }
    let tracker = if rank == 0 {
        super::tracking::start(&job)
    } else {
        None
    };
    if rank == 0 {
        tracing::info!(job = job.name.as_str(), output = %job.output.display(), "Starting.");
        let mut observers: Vec<std::sync::Arc<dyn exec::ProgressObserver>> =
            vec![std::sync::Arc::new(super::progress::ProgressView::new())];
        observers.extend(tracker.clone().map(|t| t as _));
        options.progress = Some(std::sync::Arc::new(exec::Observers(observers)));
    }
    let outcome = wasmprep::ranks::run(&job, &sandbox, &options, transport.as_ref());
    if let Some(tracker) = &tracker {
        let report = outcome
            .as_ref()
            .ok()
            .map(|summary| report_json(&job, summary));
        super::tracking::end(tracker, &outcome, report);
    }
    // Rank 0 reports, then every rank leaves together.
    let code = match outcome {
        Ok(summary) if rank == 0 => report(&job, &summary, args.report.as_deref()),
        Ok(_) => Ok(()),
        Err(e) if rank == 0 => {
            // With its causes, as main prints errors.
            eprintln!("error: {:#}", anyhow::Error::from(e));
            Err(())
        }
        Err(e) => {
            tracing::debug!("{e:#}");
            Err(())
        }
    };
    transport.barrier();
    Ok(match code {
        Ok(()) => ExitCode::SUCCESS,
        Err(()) => ExitCode::from(crate::cli::EXIT_FAILURE),
    })
}

/// The run as `--report` writes it.
fn report_json(job: &Job, summary: &exec::Summary) -> serde_json::Value {
    serde_json::json!({
        "job": job.name,
        "wasmprep_version": wasmprep::version::VERSION,
        "wasmprep_revision": wasmprep::version::REVISION,
        "output": summary.output,
        "totals": summary.totals,
        "resumed": summary.resumed,
        "input_bytes": summary.input_bytes,
        "seconds": summary.seconds,
        "ranks": summary.ranks,
    })
}

/// Rank 0's summary: a table per rank, the totals, and `--report`.
fn report(job: &Job, summary: &exec::Summary, report: Option<&std::path::Path>) -> Result<(), ()> {
    print_ranks(&summary.ranks);
    if let Some(path) = report {
        let report = report_json(job, summary);
        let written = path
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                std::fs::write(
                    path,
                    serde_json::to_vec_pretty(&report).expect("reports serialize"),
                )
            });
        if let Err(e) = written {
            eprintln!("error: writing {}: {e}", path.display());
            return Err(());
        }
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
    Ok(())
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
