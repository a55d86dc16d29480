//! A job over ranks: rank 0 plans, opens the output and leads; the other
//! ranks check they see the same job, then follow. The protocol runs the
//! job's worker pool; rank 0 writes the manifest at the end and tells every
//! rank the outcome.

use std::time::Instant;

use super::coordinator::{self, largest_first, Coordinator};
use super::fit;
use super::messages::{decode, encode, failed_elsewhere, Done, Failure, Start};
use super::worker::{self, Worker};
use super::{Tag, Transport};
use crate::exec::pool::{Pool, Shared};
use crate::exec::{finish, prepare, Error, Prepared, Result, RunOptions, RunStart, Summary};
use crate::io::output::{OutputDir, PartitionCommit};
use crate::job::Job;
use crate::sandbox::Sandbox;

/// Runs `job` on this rank. Every rank calls it; rank 0 returns the
/// summary, the others a summary of their own part.
pub fn run(
    job: &Job,
    sandbox: &Sandbox,
    options: &RunOptions,
    transport: &dyn Transport,
) -> Result<Summary> {
    let cx = Context {
        job,
        sandbox,
        options,
        transport,
        started: Instant::now(),
    };
    let prepared = prepare(job, sandbox);
    if transport.rank() == 0 {
        lead(&cx, prepared)
    } else {
        follow(&cx, prepared)
    }
}

/// What every part of a rank's run needs.
#[derive(Clone, Copy)]
struct Context<'a> {
    job: &'a Job,
    sandbox: &'a Sandbox,
    options: &'a RunOptions,
    transport: &'a dyn Transport,
    started: Instant,
}

/// Opens the output and tells every rank whether and what to start.
fn start(
    job: &Job,
    prepared: Result<Prepared>,
    options: &RunOptions,
    transport: &dyn Transport,
) -> Result<(Prepared, OutputDir, Vec<PartitionCommit>)> {
    let opened = prepared.and_then(|p| {
        let (out, kept) = OutputDir::open(&job.output, options.existing, &p.digest)?;
        Ok((p, out, kept))
    });
    let start = match &opened {
        Ok((p, _, kept)) => Start {
            error: None,
            digest: p.digest.clone(),
            todo: p.plan.partitions.len() - kept.len(),
        },
        Err(e) => Start {
            error: Some(crate::error::chain(e)),
            digest: String::new(),
            todo: 0,
        },
    };
    transport.broadcast(0, encode(&start));
    opened
}

fn lead(cx: &Context<'_>, prepared: Result<Prepared>) -> Result<Summary> {
    let (job, options, transport, started) = (cx.job, cx.options, cx.transport, cx.started);
    let (prepared, out, kept) = start(job, prepared, options, transport)?;
    crate::crash::point("output-opened");
    // Fit steps run once every rank has checked it sees this job.
    let prepared = if transport.all_ok(true) {
        let keep = fit::Keep {
            out: &out,
            resumed: !kept.is_empty(),
        };
        fit::fit_steps(job, cx.sandbox, prepared, options, transport, Some(keep))?
    } else {
        prepared
    };
    for (file, reason) in &prepared.plan.skipped {
        tracing::info!(file = %file.display(), reason, "Not reading a file of the input.");
    }
    let bytes: Vec<u64> = prepared.plan.partitions.iter().map(|p| p.bytes).collect();
    let committed: Vec<usize> = kept.iter().map(|c| c.id).collect();
    let todo = largest_first(&bytes, &committed);
    if !kept.is_empty() {
        tracing::info!(
            resumed = kept.len(),
            todo = todo.len(),
            "Resuming: keeping committed partitions."
        );
    }
    tracing::info!(
        ranks = transport.size(),
        threads = options.threads,
        launcher = transport.launcher(),
        partitions = todo.len(),
        "Running."
    );
    let partitions = todo.len();
    let mut coordinator = Coordinator::new(transport.size(), options.threads, todo, bytes);
    if let Some(observer) = &options.progress {
        observer.start(&RunStart {
            job: &job.name,
            job_digest: &prepared.digest,
            plugins: &prepared.provenance.plugins,
            ranks: transport.size(),
            threads: options.threads,
            launcher: transport.launcher(),
            partitions,
            resumed: kept.len(),
        });
        coordinator = coordinator.with_progress(observer.clone());
    }
    let shared = Shared::default();
    let gathered = std::thread::scope(|scope| {
        let mut pool = pool(scope, &shared, job, &prepared, &out, options);
        coordinator::lead(transport, &mut pool, coordinator, started)
    })?;
    let outcome = match gathered.failure {
        Some(f) => Err(failure_error(&prepared, &f)),
        None => conclude(job, &prepared, &out, kept, gathered.commits, started),
    };
    coordinator::announce(
        transport,
        outcome.as_ref().err().map(|e| crate::error::chain(e)),
    )?;
    outcome.map(|summary| Summary {
        ranks: gathered.stats,
        ..summary
    })
}

/// The job's worker pool, as the protocol's runner.
fn pool<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    shared: &'env Shared,
    job: &'env Job,
    prepared: &'env Prepared,
    out: &'env OutputDir,
    options: &RunOptions,
) -> Pool<'env> {
    Pool::start(
        scope,
        shared,
        options.threads,
        job,
        prepared,
        out,
        options.batch_rows,
    )
}

/// Writes the manifest over the kept and new commits.
fn conclude(
    job: &Job,
    prepared: &Prepared,
    out: &OutputDir,
    kept: Vec<PartitionCommit>,
    commits: Vec<PartitionCommit>,
    started: Instant,
) -> Result<Summary> {
    let resumed = kept.len();
    let mut all = kept;
    all.extend(commits);
    all.sort_by_key(|c| c.id);
    finish(job, prepared, out, &all, started, resumed)
}

fn failure_error(prepared: &Prepared, f: &Failure) -> Error {
    match f.partition {
        Some(id) => Error::Partition {
            id,
            input: format!(
                "{}, on rank {}",
                prepared.plan.partitions[id].describe(),
                f.rank
            ),
            source: Box::new(failed_elsewhere(f.message.clone())),
        },
        None => failed_elsewhere(format!(
            "rank {} could not take part: {}",
            f.rank, f.message
        )),
    }
}

/// Whether this rank sees the job rank 0 started.
fn check(rank: usize, prepared: Result<Prepared>, start: &Start) -> Result<Prepared, Failure> {
    let message = match prepared {
        Ok(p) if p.digest == start.digest => return Ok(p),
        Ok(_) => "it sees a different job than rank 0 (input files, spec, plugins or wasmprep \
                  version differ)"
            .to_string(),
        Err(e) => crate::error::chain(&e),
    };
    Err(Failure {
        rank,
        partition: None,
        message,
    })
}

fn follow(cx: &Context<'_>, prepared: Result<Prepared>) -> Result<Summary> {
    let (job, options, transport, started) = (cx.job, cx.options, cx.transport, cx.started);
    let rank = transport.rank();
    let start: Start = decode(&transport.broadcast(0, Vec::new()), 0)?;
    if let Some(e) = start.error {
        tracing::debug!("Rank 0 could not start the job: {e}");
        return Err(failed_elsewhere(format!(
            "rank 0 could not start the job: {e}"
        )));
    }
    let checked = check(rank, prepared, &start);
    let ready = transport.all_ok(checked.is_ok());
    let prepared = match checked {
        Ok(p) if ready => fit::fit_steps(job, cx.sandbox, p, options, transport, None)?,
        Ok(p) => p,
        Err(failure) => {
            // Report, then wait for the end.
            let worker = Worker::new(rank, options.threads).failed(failure);
            let done = worker.done(std::time::Duration::ZERO, started);
            transport
                .send(0, Tag::Done, &encode(&done))
                .map_err(super::messages::lost)?;
            return worker::wait_final(transport);
        }
    };
    let out = OutputDir::attach(&job.output);
    let shared = Shared::default();
    let done: Done = std::thread::scope(|scope| {
        let mut pool = pool(scope, &shared, job, &prepared, &out, options);
        worker::follow(
            transport,
            &mut pool,
            Worker::new(rank, options.threads),
            started,
        )
    })?;
    worker::wait_final(transport).map(|mut s| {
        s.totals.rows_read = done.stats.rows;
        s
    })
}
