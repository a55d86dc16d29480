//! Running a job over ranks. Rank 0 plans, prepares the output and hands
//! partitions out one at a time to whichever rank has an idle worker
//! (largest first); it works too. Any failure stops every rank between
//! batches; rank 0 then reports it and every rank exits non-zero.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::pool::{Event, Pool, Shared};
use super::progress::Progress;
use super::{finish, prepare, schedule, Error, Prepared, Result, RunOptions, Summary};
use crate::io::commit::{OutputDir, PartitionCommit};
use crate::job::Job;
use crate::ranks::{Tag, Transport};
use crate::sandbox::Sandbox;

/// Rank 0's decision to start, broadcast to every rank.
#[derive(Serialize, Deserialize)]
struct Start {
    /// Why the job cannot start (rank 0 could not plan it or open the output).
    error: Option<String>,
    digest: String,
    todo: usize,
}

/// A partition that failed, or a rank that could not take part.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Failure {
    rank: usize,
    partition: Option<usize>,
    message: String,
}

/// worker → 0.
#[derive(Serialize, Deserialize)]
struct Request {
    /// Partitions this rank can start now (idle workers).
    idle: usize,
    /// Partitions it would take, counting one queued ahead.
    want: usize,
    commits: Vec<PartitionCommit>,
    failure: Option<Failure>,
}

/// 0 → worker.
#[derive(Serialize, Deserialize)]
struct Assign {
    partitions: Vec<usize>,
    /// No more partitions will come.
    stop: bool,
}

/// What a rank did.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RankStats {
    pub rank: usize,
    pub threads: usize,
    pub partitions: usize,
    pub rows: u64,
    /// Time its workers spent on partitions, summed.
    pub busy_seconds: f64,
    pub wall_seconds: f64,
    /// Mean wait between asking rank 0 for work and getting it, ms.
    pub mean_request_ms: f64,
    pub requests: usize,
    /// Mean time a worker waited for its next partition, ms: the
    /// scheduling overhead per partition as the workers see it.
    pub mean_partition_wait_ms: f64,
}

impl RankStats {
    /// Share of the rank's worker time spent on partitions.
    pub fn busy(&self) -> f64 {
        self.busy_seconds / (self.wall_seconds * self.threads.max(1) as f64).max(1e-9)
    }

    fn count(&mut self, c: &PartitionCommit) {
        self.partitions += 1;
        self.rows += c.rows_read;
        self.busy_seconds += c.seconds;
    }
}

/// worker → 0 at the end.
#[derive(Serialize, Deserialize)]
struct Done {
    commits: Vec<PartitionCommit>,
    failure: Option<Failure>,
    stats: RankStats,
}

/// 0 → worker at the end.
#[derive(Serialize, Deserialize)]
struct Final {
    error: Option<String>,
}

fn encode(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).expect("messages serialize")
}

/// Reads a message from `from`. Ranks of different wasmprep builds meet
/// only if their job digests (which include the version) were never
/// compared; a message that does not read is then an error naming the
/// rank, never a panic.
fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8], from: usize) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        failed_elsewhere(format!(
            "a message from rank {from} could not be read ({e}); do all ranks run wasmprep {}?",
            env!("CARGO_PKG_VERSION")
        ))
    })
}

/// How long a rank's main thread waits for its workers before looking for
/// messages again. Partitions are queued one ahead, so the round trip to
/// rank 0 is hidden from the workers and a coarse period costs nothing.
const POLL: Duration = Duration::from_millis(1);
/// The same while a reply from rank 0 is awaited.
const POLL_REPLY: Duration = Duration::from_micros(100);

/// Runs `job` on this rank. Every rank calls it; rank 0 returns the
/// summary, the others a summary of their own part.
pub fn run(
    job: &Job,
    sandbox: &Sandbox,
    options: &RunOptions,
    transport: &dyn Transport,
) -> Result<Summary> {
    let started = Instant::now();
    let rank = transport.rank();
    let prepared = prepare(job, sandbox);
    if rank == 0 {
        lead(job, prepared, options, transport, started)
    } else {
        follow(job, prepared, options, transport, started)
    }
}

/// A rank's failure to read a message.
fn unreadable(rank: usize, e: Error) -> Failure {
    Failure {
        rank,
        partition: None,
        message: e.to_string(),
    }
}

/// The error every rank but 0 returns when the job failed elsewhere.
fn failed_elsewhere(message: String) -> Error {
    Error::Io(crate::io::Error::Options(message))
}

fn lead(
    job: &Job,
    prepared: Result<Prepared>,
    options: &RunOptions,
    transport: &dyn Transport,
    started: Instant,
) -> Result<Summary> {
    let opened = prepared.and_then(|p| {
        let (out, kept) = OutputDir::open(&job.output, options.existing, &p.digest)?;
        Ok((p, out, kept))
    });
    let (prepared, out, kept) = match opened {
        Ok(v) => v,
        Err(e) => {
            let start = Start {
                error: Some(format!("{e:#}")),
                digest: String::new(),
                todo: 0,
            };
            transport.broadcast(0, encode(&start));
            return Err(e);
        }
    };
    crate::crash::point("output-opened");
    for (file, reason) in &prepared.plan.skipped {
        tracing::info!(file = %file.display(), reason, "Not reading a file of the input.");
    }
    let todo = schedule(&prepared.plan.partitions, &kept);
    let start = Start {
        error: None,
        digest: prepared.digest.clone(),
        todo: todo.len(),
    };
    transport.broadcast(0, encode(&start));
    if !kept.is_empty() {
        tracing::info!(
            resumed = kept.len(),
            todo = todo.len(),
            "Resuming: keeping committed partitions."
        );
    }
    let size = transport.size();
    tracing::info!(
        ranks = size,
        threads = options.threads,
        launcher = transport.launcher(),
        partitions = todo.len(),
        "Running."
    );

    let total_bytes: u64 = todo
        .iter()
        .map(|&i| prepared.plan.partitions[i].bytes)
        .sum();
    let mut progress = Progress::new(todo.len(), total_bytes, options.progress_every);
    let mut queue: VecDeque<usize> = todo.iter().copied().collect();
    let mut commits: Vec<PartitionCommit> = Vec::new();
    let mut failure: Option<Failure> = None;
    let mut stats: BTreeMap<usize, RankStats> = BTreeMap::new();
    let mut own = RankStats {
        rank: 0,
        threads: options.threads,
        ..RankStats::default()
    };
    let shared = Shared::default();
    let mut aborted = false;

    std::thread::scope(|scope| {
        let mut pool = Pool::start(
            scope,
            &shared,
            options.threads,
            job,
            &prepared,
            &out,
            options.batch_rows,
        );
        loop {
            let mut busy = false;
            while let Some(event) = pool.try_event() {
                busy = true;
                match event {
                    Event::Committed(c) => {
                        own.count(&c);
                        progress.add(&c, prepared.plan.partitions[c.id].bytes);
                        commits.push(c);
                    }
                    Event::Failed { partition, error } => {
                        let p = &prepared.plan.partitions[partition];
                        failure.get_or_insert(Failure {
                            rank: 0,
                            partition: Some(p.id),
                            message: format!("{error:#}"),
                        });
                    }
                    Event::Cancelled => {}
                }
            }
            while let Some(msg) = transport.try_recv() {
                busy = true;
                match msg.tag {
                    Tag::Request => {
                        let req: Request = match decode(&msg.bytes, msg.from) {
                            Ok(r) => r,
                            Err(e) => {
                                failure.get_or_insert(unreadable(msg.from, e));
                                continue;
                            }
                        };
                        for c in req.commits {
                            progress.add(&c, prepared.plan.partitions[c.id].bytes);
                            commits.push(c);
                        }
                        if let Some(f) = req.failure {
                            failure.get_or_insert(f);
                        }
                        let mut partitions = Vec::new();
                        if failure.is_none() {
                            // Queue ahead only while plenty is left, so no
                            // rank sits on a partition another could start.
                            let grant = if queue.len() > 2 * size {
                                req.want
                            } else {
                                req.idle
                            };
                            while partitions.len() < grant {
                                match queue.pop_front() {
                                    Some(i) => partitions.push(i),
                                    None => break,
                                }
                            }
                        }
                        let stop = failure.is_some() || queue.is_empty();
                        transport.send(
                            msg.from,
                            Tag::Assign,
                            &encode(&Assign { partitions, stop }),
                        );
                    }
                    Tag::Done => {
                        let done: Done = match decode(&msg.bytes, msg.from) {
                            Ok(d) => d,
                            Err(e) => {
                                failure.get_or_insert(unreadable(msg.from, e));
                                stats.insert(msg.from, RankStats::default());
                                continue;
                            }
                        };
                        for c in done.commits {
                            progress.add(&c, prepared.plan.partitions[c.id].bytes);
                            commits.push(c);
                        }
                        if let Some(f) = done.failure {
                            failure.get_or_insert(f);
                        }
                        stats.insert(msg.from, done.stats);
                    }
                    other => tracing::warn!(from = msg.from, tag = ?other, "Unexpected message."),
                }
            }
            if failure.is_some() && !aborted {
                aborted = true;
                pool.abort();
                queue.clear();
                for r in 1..size {
                    transport.send(r, Tag::Abort, &[]);
                }
            }
            while failure.is_none()
                && (if queue.len() > 2 * size {
                    pool.wants()
                } else {
                    pool.idle()
                }) > 0
            {
                match queue.pop_front() {
                    Some(i) => {
                        pool.submit(i);
                        busy = true;
                    }
                    None => break,
                }
            }
            progress.tick();
            let finished = (failure.is_some() || queue.is_empty())
                && pool.in_flight() == 0
                && stats.len() == size - 1;
            if finished {
                break;
            }
            if !busy {
                pool.park(POLL);
            }
        }
        own.mean_partition_wait_ms =
            pool.waited().as_secs_f64() * 1e3 / own.partitions.max(1) as f64;
        pool.close();
    });
    progress.finish();
    own.wall_seconds = started.elapsed().as_secs_f64();
    stats.insert(0, own);
    let stats: Vec<RankStats> = stats.into_values().collect();

    let outcome = match failure {
        Some(f) => Err(failure_error(&prepared, &f)),
        None => {
            let mut all = kept;
            all.extend(commits);
            all.sort_by_key(|c| c.id);
            let resumed = all.len() - todo.len();
            finish(job, &prepared, &out, &all, started, resumed)
        }
    };
    let message = outcome.as_ref().err().map(|e| format!("{e:#}"));
    for r in 1..size {
        transport.send(
            r,
            Tag::Final,
            &encode(&Final {
                error: message.clone(),
            }),
        );
    }
    outcome.map(|mut summary| {
        summary.ranks = stats;
        summary
    })
}

fn failure_error(prepared: &Prepared, f: &Failure) -> Error {
    let input = f
        .partition
        .map(|id| prepared.plan.partitions[id].describe())
        .unwrap_or_default();
    match f.partition {
        Some(id) => Error::Partition {
            id,
            input: format!("{input}, on rank {}", f.rank),
            source: Box::new(failed_elsewhere(f.message.clone())),
        },
        None => failed_elsewhere(format!(
            "rank {} could not take part: {}",
            f.rank, f.message
        )),
    }
}

fn follow(
    job: &Job,
    prepared: Result<Prepared>,
    options: &RunOptions,
    transport: &dyn Transport,
    started: Instant,
) -> Result<Summary> {
    let rank = transport.rank();
    let start: Start = decode(&transport.broadcast(0, Vec::new()), 0)?;
    if let Some(e) = start.error {
        tracing::debug!("Rank 0 could not start the job: {e}");
        return Err(failed_elsewhere(format!(
            "rank 0 could not start the job: {e}"
        )));
    }
    let mut failure: Option<Failure> = None;
    let prepared = match prepared {
        Ok(p) if p.digest == start.digest => Some(p),
        Ok(_) => {
            failure = Some(Failure {
                rank,
                partition: None,
                message:
                    "it sees a different job than rank 0 (input files, spec, plugins or wasmprep version differ)"
                        .into(),
            });
            None
        }
        Err(e) => {
            failure = Some(Failure {
                rank,
                partition: None,
                message: format!("{e:#}"),
            });
            None
        }
    };
    let mut stats = RankStats {
        rank,
        threads: options.threads,
        ..RankStats::default()
    };
    let Some(prepared) = prepared else {
        // Report, then wait for the end.
        let done = Done {
            commits: Vec::new(),
            failure,
            stats,
        };
        transport.send(0, Tag::Done, &encode(&done));
        return wait_final(transport);
    };
    let out = OutputDir::attach(&job.output);
    let shared = Shared::default();
    let mut pending: Vec<PartitionCommit> = Vec::new();
    let mut outstanding: Option<Instant> = None;
    let mut stopping = false;
    let mut failure_reported = false;
    let (mut request_time, mut requests) = (Duration::ZERO, 0usize);
    std::thread::scope(|scope| {
        let mut pool = Pool::start(
            scope,
            &shared,
            options.threads,
            job,
            &prepared,
            &out,
            options.batch_rows,
        );
        loop {
            let mut busy = false;
            while let Some(event) = pool.try_event() {
                busy = true;
                match event {
                    Event::Committed(c) => {
                        stats.count(&c);
                        pending.push(c);
                    }
                    Event::Failed { partition, error } => {
                        failure.get_or_insert(Failure {
                            rank,
                            partition: Some(prepared.plan.partitions[partition].id),
                            message: format!("{error:#}"),
                        });
                        stopping = true;
                        pool.abort();
                    }
                    Event::Cancelled => {}
                }
            }
            while let Some(msg) = transport.try_recv() {
                busy = true;
                match msg.tag {
                    Tag::Assign => {
                        let assign: Assign = match decode(&msg.bytes, msg.from) {
                            Ok(a) => a,
                            Err(e) => {
                                failure.get_or_insert(unreadable(rank, e));
                                stopping = true;
                                pool.abort();
                                continue;
                            }
                        };
                        if let Some(t) = outstanding.take() {
                            request_time += t.elapsed();
                            requests += 1;
                        }
                        if !stopping {
                            for i in assign.partitions {
                                pool.submit(i);
                            }
                        }
                        stopping |= assign.stop;
                    }
                    Tag::Abort => {
                        stopping = true;
                        pool.abort();
                    }
                    other => tracing::warn!(tag = ?other, "Unexpected message."),
                }
            }
            if outstanding.is_none() {
                let report_failure = failure.is_some() && !failure_reported;
                let want = if stopping { 0 } else { pool.wants() };
                if report_failure || want > 0 {
                    failure_reported |= report_failure;
                    let request = Request {
                        idle: if stopping { 0 } else { pool.idle() },
                        want,
                        commits: std::mem::take(&mut pending),
                        failure: if report_failure {
                            failure.clone()
                        } else {
                            None
                        },
                    };
                    transport.send(0, Tag::Request, &encode(&request));
                    outstanding = Some(Instant::now());
                    busy = true;
                } else if stopping && pool.in_flight() == 0 {
                    break;
                }
            }
            if !busy {
                pool.park(if outstanding.is_some() {
                    POLL_REPLY
                } else {
                    POLL
                });
            }
        }
        stats.mean_partition_wait_ms =
            pool.waited().as_secs_f64() * 1e3 / stats.partitions.max(1) as f64;
        pool.close();
    });
    stats.wall_seconds = started.elapsed().as_secs_f64();
    stats.requests = requests;
    stats.mean_request_ms = if requests > 0 {
        request_time.as_secs_f64() * 1e3 / requests as f64
    } else {
        0.0
    };
    let summary_rows = stats.rows;
    let done = Done {
        commits: pending,
        failure: if failure_reported { None } else { failure },
        stats,
    };
    transport.send(0, Tag::Done, &encode(&done));
    wait_final(transport).map(|mut s| {
        s.totals.rows_read = summary_rows;
        s
    })
}

/// Waits for rank 0's verdict.
fn wait_final(transport: &dyn Transport) -> Result<Summary> {
    loop {
        let msg = transport.recv();
        if msg.tag == Tag::Final {
            let f: Final = decode(&msg.bytes, msg.from)?;
            return match f.error {
                Some(e) => Err(failed_elsewhere(format!("the job failed: {e}"))),
                None => Ok(Summary::default()),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_that_does_not_read_is_an_error_naming_its_rank() {
        // What a rank of another build might send: fields this one lacks.
        let foreign = br#"{"partitions":"all","stop":1,"extra":true}"#;
        let err = decode::<Assign>(foreign, 3).err().expect("refused");
        let text = err.to_string();
        assert!(
            text.contains("a message from rank 3 could not be read"),
            "{text}"
        );
        assert!(text.contains(env!("CARGO_PKG_VERSION")), "{text}");
        let ok = decode::<Assign>(
            &encode(&Assign {
                partitions: vec![1, 2],
                stop: false,
            }),
            0,
        );
        assert_eq!(ok.map(|a| a.partitions).ok(), Some(vec![1, 2]));
    }
}
