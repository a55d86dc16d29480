//! A rank's worker threads: each takes one partition at a time from the
//! rank's queue and reports what became of it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Condvar, Mutex};
use std::thread::Scope;

use super::partition::run_partition;
use super::{Error, Prepared};
use crate::io::output::{OutputDir, PartitionCommit};
use crate::job::Job;

/// What became of a partition.
pub enum Event {
    Committed(PartitionCommit),
    Failed {
        partition: usize,
        error: Error,
    },
    /// Given up because the job is stopping.
    Cancelled,
}

#[derive(Default)]
struct Queue {
    items: VecDeque<usize>,
    closed: bool,
    /// Time workers spent waiting for a partition that then came.
    waited: std::time::Duration,
}

/// Worker threads fed through a queue of partition indices.
pub struct Pool<'a> {
    queue: &'a (Mutex<Queue>, Condvar),
    pub events: Receiver<Event>,
    /// Set to make workers give up between batches.
    pub stop: &'a AtomicBool,
    threads: usize,
    in_flight: usize,
    /// An event received while parked, handed out by the next `try_event`.
    parked: Option<Event>,
}

/// What the pool's threads share; lives on the caller's stack for the
/// scope's duration.
#[derive(Default)]
pub struct Shared {
    queue: (Mutex<Queue>, Condvar),
    stop: AtomicBool,
}

impl<'a> Pool<'a> {
    /// Starts `threads` workers in `scope`.
    pub fn start<'scope, 'env: 'scope>(
        scope: &'scope Scope<'scope, 'env>,
        shared: &'env Shared,
        threads: usize,
        job: &'env Job,
        prepared: &'env Prepared,
        out: &'env OutputDir,
        batch_rows: usize,
    ) -> Pool<'env> {
        let (tx, rx) = mpsc::channel();
        for worker in 0..threads {
            let tx: Sender<Event> = tx.clone();
            let span = tracing::Span::current();
            scope.spawn(move || {
                let _span = span.enter();
                let mut steps = super::steps::Steps::new(&prepared.pipeline);
                while let Some(index) = next(&shared.queue) {
                    let partition = &prepared.plan.partitions[index];
                    let event = match run_partition(
                        job,
                        prepared,
                        &mut steps,
                        partition,
                        out,
                        batch_rows,
                        &shared.stop,
                    ) {
                        Ok(commit) => {
                            tracing::debug!(
                                worker,
                                partition = partition.id,
                                rows = commit.rows_written,
                                "Committed partition."
                            );
                            Event::Committed(commit)
                        }
                        Err(Error::Cancelled) => Event::Cancelled,
                        Err(error) => Event::Failed {
                            partition: index,
                            error,
                        },
                    };
                    if tx.send(event).is_err() {
                        break;
                    }
                }
            });
        }
        Pool {
            queue: &shared.queue,
            events: rx,
            stop: &shared.stop,
            threads,
            in_flight: 0,
            parked: None,
        }
    }

    /// Queues a partition.
    pub fn submit(&mut self, index: usize) {
        let (lock, ready) = self.queue;
        lock.lock()
            .unwrap_or_else(|e| e.into_inner())
            .items
            .push_back(index);
        self.in_flight += 1;
        ready.notify_one();
    }

    /// Partitions queued or running.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// How many more partitions the pool can start now: one per idle worker.
    pub fn idle(&self) -> usize {
        self.threads.saturating_sub(self.in_flight)
    }

    /// How many more partitions the pool would like: one per idle worker
    /// plus one queued ahead, so a worker that finishes starts the next
    /// partition at once instead of waiting for a reply from rank 0.
    pub fn wants(&self) -> usize {
        (self.threads + 1).saturating_sub(self.in_flight)
    }

    /// Time workers spent waiting for partitions that then came.
    pub fn waited(&self) -> std::time::Duration {
        let (lock, _) = self.queue;
        lock.lock().unwrap_or_else(|e| e.into_inner()).waited
    }

    /// The next event, if any; keeps the count of partitions in flight.
    pub fn try_event(&mut self) -> Option<Event> {
        let event = self.parked.take().or_else(|| self.events.try_recv().ok())?;
        self.in_flight -= 1;
        Some(event)
    }

    /// Waits up to `timeout` for an event (then returned by `try_event`).
    pub fn park(&mut self, timeout: std::time::Duration) {
        if self.parked.is_none() {
            self.parked = self.events.recv_timeout(timeout).ok();
        }
    }

    /// Makes workers give up at their next batch and drops queued work.
    pub fn abort(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let dropped = {
            let (lock, _) = self.queue;
            let mut q = lock.lock().unwrap_or_else(|e| e.into_inner());
            let n = q.items.len();
            q.items.clear();
            n
        };
        self.in_flight -= dropped;
    }

    /// Lets the workers exit once the queue is empty.
    pub fn close(&self) {
        let (lock, ready) = self.queue;
        lock.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        ready.notify_all();
    }
}

impl Drop for Pool<'_> {
    fn drop(&mut self) {
        self.close();
    }
}

fn next(queue: &(Mutex<Queue>, Condvar)) -> Option<usize> {
    let (lock, ready) = queue;
    let mut q = lock.lock().unwrap_or_else(|e| e.into_inner());
    let started = std::time::Instant::now();
    loop {
        if let Some(i) = q.items.pop_front() {
            q.waited += started.elapsed();
            return Some(i);
        }
        if q.closed {
            return None;
        }
        q = ready.wait(q).unwrap_or_else(|e| e.into_inner());
    }
}
