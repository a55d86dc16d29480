//! What runs partitions on a rank, as the protocol sees it: the seam
//! between "who runs which partition" and "how a partition runs". The job's
//! runner is exec's worker pool; [`Synthetic`] runs made-up partitions, so
//! the scheduler can be tested and measured on many simulated ranks.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::in_process::Doorbell;
use crate::exec::pool::{Event, Pool};
use crate::io::output::PartitionCommit;

/// What became of a partition (by index in the plan).
#[derive(Debug)]
pub enum Outcome {
    Committed(PartitionCommit),
    Failed {
        partition: usize,
        message: String,
    },
    /// Given up because the job is stopping.
    Cancelled,
}

/// Hands each outcome the runner has to `f`; whether there was any.
pub fn drain<R: Runner>(runner: &mut R, mut f: impl FnMut(Outcome, &mut R)) -> bool {
    let mut any = false;
    while let Some(outcome) = runner.try_outcome() {
        any = true;
        f(outcome, runner);
    }
    any
}

/// A rank's workers, fed one partition at a time.
pub trait Runner {
    /// Queues a partition.
    fn submit(&mut self, partition: usize);
    /// What became of a partition, if anything did since the last call.
    fn try_outcome(&mut self) -> Option<Outcome>;
    /// Partitions queued or running.
    fn in_flight(&self) -> usize;
    /// Partitions it can start now: one per idle worker.
    fn idle(&self) -> usize;
    /// Partitions it would take: `idle` plus one queued ahead.
    fn wants(&self) -> usize;
    /// Makes workers give up between batches; drops queued partitions.
    fn abort(&mut self);
    /// Waits up to `timeout` for an outcome.
    fn park(&mut self, timeout: Duration);
    /// Time workers spent waiting for partitions that then came.
    fn waited(&self) -> Duration;
}

impl Runner for Pool<'_> {
    fn submit(&mut self, partition: usize) {
        Pool::submit(self, partition);
    }
    fn try_outcome(&mut self) -> Option<Outcome> {
        Some(match self.try_event()? {
            Event::Committed(c) => Outcome::Committed(c),
            Event::Failed { partition, error } => Outcome::Failed {
                partition,
                message: crate::error::chain(&error),
            },
            Event::Cancelled => Outcome::Cancelled,
        })
    }
    fn in_flight(&self) -> usize {
        Pool::in_flight(self)
    }
    fn idle(&self) -> usize {
        Pool::idle(self)
    }
    fn wants(&self) -> usize {
        Pool::wants(self)
    }
    fn abort(&mut self) {
        Pool::abort(self);
    }
    fn park(&mut self, timeout: Duration) {
        Pool::park(self, timeout);
    }
    fn waited(&self) -> Duration {
        Pool::waited(self)
    }
}

/// Who ran which partition, in the order they finished: `(rank, partition)`.
pub type Ledger = Arc<Mutex<Vec<(usize, usize)>>>;

/// Made-up partitions run on the caller's thread: `threads` "workers" run
/// the oldest queued partitions, each for `work` (none in tests), in
/// order. Partitions listed in `fail` fail. Every finished partition is
/// written to the ledger with the rank that ran it.
pub struct Synthetic {
    rank: usize,
    threads: usize,
    work: Duration,
    /// Queued partitions, with when each started running.
    queued: VecDeque<(usize, Option<Instant>)>,
    /// Since when each idle worker has been idle.
    idle_since: Vec<Instant>,
    waited: Duration,
    fail: Vec<usize>,
    ledger: Ledger,
    aborted: bool,
    /// Rung when a message arrives; `park` then sleeps until it rings
    /// instead of polling.
    doorbell: Option<(Doorbell, u64)>,
}

impl Synthetic {
    pub fn new(rank: usize, threads: usize, ledger: Ledger) -> Self {
        Synthetic {
            rank,
            threads,
            work: Duration::ZERO,
            queued: VecDeque::new(),
            idle_since: vec![Instant::now(); threads],
            waited: Duration::ZERO,
            fail: Vec::new(),
            ledger,
            aborted: false,
            doorbell: None,
        }
    }

    /// Parks until `doorbell` rings (a message came) or a partition ends.
    pub fn waking_on(mut self, doorbell: Doorbell) -> Self {
        self.doorbell = Some((doorbell, 0));
        self
    }

    /// Each partition takes `work` (wall time: for benchmarks).
    pub fn working(mut self, work: Duration) -> Self {
        self.work = work;
        self
    }

    /// These partitions fail.
    pub fn failing(mut self, fail: Vec<usize>) -> Self {
        self.fail = fail;
        self
    }

    /// Idle workers start the next queued partitions.
    fn start(&mut self) {
        let now = Instant::now();
        for (_, started) in self.queued.iter_mut().take(self.threads) {
            if started.is_none() {
                let idle = self.idle_since.pop().unwrap_or(now);
                self.waited += now - idle;
                *started = Some(now);
            }
        }
    }

    /// When the oldest running partition ends.
    fn next_end(&self) -> Option<Instant> {
        self.queued.front()?.1.map(|s| s + self.work)
    }

    fn finish(&self, partition: usize) -> Outcome {
        self.ledger
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((self.rank, partition));
        if self.fail.contains(&partition) {
            return Outcome::Failed {
                partition,
                message: format!("synthetic failure of partition {partition}"),
            };
        }
        Outcome::Committed(PartitionCommit {
            id: partition,
            rows_read: 1,
            rows_written: 1,
            seconds: self.work.as_secs_f64(),
            ..PartitionCommit::default()
        })
    }
}

impl Runner for Synthetic {
    fn submit(&mut self, partition: usize) {
        self.queued.push_back((partition, None));
        self.start();
    }
    fn try_outcome(&mut self) -> Option<Outcome> {
        if !self.aborted && self.next_end()? > Instant::now() {
            return None;
        }
        let (partition, _) = self.queued.pop_front()?;
        self.idle_since.push(Instant::now());
        let outcome = if self.aborted {
            Outcome::Cancelled
        } else {
            self.finish(partition)
        };
        self.start();
        Some(outcome)
    }
    fn in_flight(&self) -> usize {
        self.queued.len()
    }
    fn idle(&self) -> usize {
        self.threads.saturating_sub(self.queued.len())
    }
    fn wants(&self) -> usize {
        (self.threads + 1).saturating_sub(self.queued.len())
    }
    fn abort(&mut self) {
        self.aborted = true;
        // Running partitions give up; queued ones are dropped.
        self.queued.truncate(self.threads);
    }
    fn park(&mut self, timeout: Duration) {
        let end = self.next_end();
        if let Some((bell, seen)) = &mut self.doorbell {
            // Nothing but a message or a partition's end can change anything.
            bell.wait(seen, end);
            return;
        }
        let until = Instant::now() + timeout;
        let end = self.next_end().map_or(until, |e| e.min(until));
        std::thread::sleep(end.saturating_duration_since(Instant::now()));
    }
    fn waited(&self) -> Duration {
        self.waited
    }
}
