//! A worker rank's side of the protocol: it asks rank 0 for partitions as
//! its workers go idle, reports commits and failures with each request,
//! stops when told to (or when it fails), and reports its statistics as it
//! leaves. [`follow`] is the thin loop that feeds it.

use std::time::{Duration, Instant};

use super::messages::{
    decode, encode, failed_elsewhere, lost, unreadable, Assign, Done, Failure, Final, Request,
};
use super::runner::{drain, Outcome, Runner};
use super::{RankStats, Received, Tag, Transport};
use crate::exec::{Result, Summary};
use crate::io::output::PartitionCommit;

/// How long a worker rank waits for its workers before looking for
/// messages again (see [`super::coordinator::POLL`]).
pub const POLL: Duration = Duration::from_millis(1);
/// The same while a reply from rank 0 is awaited.
pub const POLL_REPLY: Duration = Duration::from_micros(100);

/// What a worker rank does next.
pub enum Step {
    /// Sends rank 0 this request.
    Ask(Request),
    /// Waits for its workers or for rank 0.
    Wait,
    /// Leaves: stopping, and nothing is running.
    Leave,
}

/// A worker rank's protocol state.
pub struct Worker {
    rank: usize,
    stats: RankStats,
    /// Commits not yet reported.
    pending: Vec<PartitionCommit>,
    failure: Option<Failure>,
    failure_reported: bool,
    stopping: bool,
    /// When the request awaiting a reply was sent.
    outstanding: Option<Instant>,
    request_time: Duration,
}

impl Worker {
    pub fn new(rank: usize, threads: usize) -> Self {
        Worker {
            rank,
            stats: RankStats {
                rank,
                threads,
                ..RankStats::default()
            },
            pending: Vec::new(),
            failure: None,
            failure_reported: false,
            stopping: false,
            outstanding: None,
            request_time: Duration::ZERO,
        }
    }

    /// A rank that cannot take part: it reports why as it leaves.
    pub fn failed(mut self, failure: Failure) -> Self {
        self.failure = Some(failure);
        self.stopping = true;
        self
    }

    /// Stops taking partitions; running ones give up between batches.
    fn stop(&mut self, runner: &mut impl Runner) {
        self.stopping = true;
        runner.abort();
    }

    /// What became of one of this rank's partitions.
    pub fn on_outcome(&mut self, outcome: Outcome, runner: &mut impl Runner) {
        match outcome {
            Outcome::Committed(c) => {
                self.stats.count(&c);
                self.pending.push(c);
            }
            Outcome::Failed { partition, message } => {
                self.failure.get_or_insert(Failure {
                    rank: self.rank,
                    partition: Some(partition),
                    message,
                });
                self.stop(runner);
            }
            Outcome::Cancelled => {}
        }
    }

    /// A message from rank 0.
    pub fn on_message(&mut self, msg: Received, runner: &mut impl Runner) {
        match msg.tag {
            Tag::Assign => match decode(&msg.bytes, msg.from) {
                Ok(assign) => self.on_assign(assign, runner),
                Err(e) => {
                    self.failure.get_or_insert(unreadable(self.rank, e));
                    self.stop(runner);
                }
            },
            Tag::Abort => self.stop(runner),
            other => tracing::warn!(tag = ?other, "Unexpected message."),
        }
    }

    /// Partitions to run, or stop.
    pub fn on_assign(&mut self, assign: Assign, runner: &mut impl Runner) {
        if let Some(sent) = self.outstanding.take() {
            self.request_time += sent.elapsed();
            self.stats.requests += 1;
        }
        if !self.stopping {
            assign.partitions.into_iter().for_each(|i| runner.submit(i));
        }
        self.stopping |= assign.stop;
    }

    /// Whether a request awaits rank 0's reply.
    pub fn awaiting_reply(&self) -> bool {
        self.outstanding.is_some()
    }

    /// Asks for work (reporting commits and any failure) when workers are
    /// idle, leaves once stopping and idle.
    pub fn next(&mut self, runner: &impl Runner) -> Step {
        if self.outstanding.is_some() {
            return Step::Wait;
        }
        let report_failure = self.failure.is_some() && !self.failure_reported;
        let want = if self.stopping { 0 } else { runner.wants() };
        if !report_failure && want == 0 {
            let idle = self.stopping && runner.in_flight() == 0;
            return if idle { Step::Leave } else { Step::Wait };
        }
        self.failure_reported |= report_failure;
        self.outstanding = Some(Instant::now());
        Step::Ask(Request {
            idle: if self.stopping { 0 } else { runner.idle() },
            want,
            commits: std::mem::take(&mut self.pending),
            failure: self.failure.clone().filter(|_| report_failure),
        })
    }

    /// The last report, as the rank leaves.
    pub fn done(mut self, waited: Duration, started: Instant) -> Done {
        let stats = &mut self.stats;
        stats.mean_partition_wait_ms = waited.as_secs_f64() * 1e3 / stats.partitions.max(1) as f64;
        stats.wall_seconds = started.elapsed().as_secs_f64();
        stats.mean_request_ms = if stats.requests > 0 {
            self.request_time.as_secs_f64() * 1e3 / stats.requests as f64
        } else {
            0.0
        };
        Done {
            commits: self.pending,
            failure: self.failure.filter(|_| !self.failure_reported),
            stats: self.stats,
        }
    }
}

/// A worker rank's loop: its workers' outcomes, rank 0's messages, until
/// it is told to stop and its workers are idle. Returns its last report,
/// already sent to rank 0.
pub fn follow(
    transport: &dyn Transport,
    runner: &mut impl Runner,
    mut worker: Worker,
    started: Instant,
) -> Result<Done> {
    loop {
        let mut busy = drain(runner, |outcome, runner| worker.on_outcome(outcome, runner));
        while let Some(msg) = transport.try_recv() {
            busy = true;
            worker.on_message(msg, runner);
        }
        match worker.next(runner) {
            Step::Ask(request) => {
                transport
                    .send(0, Tag::Request, &encode(&request))
                    .map_err(lost)?;
                busy = true;
            }
            Step::Leave => break,
            Step::Wait => {}
        }
        if !busy {
            runner.park(if worker.awaiting_reply() {
                POLL_REPLY
            } else {
                POLL
            });
        }
    }
    let done = worker.done(runner.waited(), started);
    transport.send(0, Tag::Done, &encode(&done)).map_err(lost)?;
    Ok(done)
}

/// Waits for rank 0's verdict.
pub fn wait_final(transport: &dyn Transport) -> Result<Summary> {
    loop {
        let msg = transport.recv().map_err(lost)?;
        if msg.tag == Tag::Final {
            let f: Final = decode(&msg.bytes, msg.from)?;
            return match f.error {
                Some(e) => Err(failed_elsewhere(format!("the job failed: {e}"))),
                None => Ok(Summary::default()),
            };
        }
    }
}
