//! Rank 0's progress, as events: the library counts, and tells a
//! [`ProgressObserver`] (the binary draws a bar on a terminal, or logs
//! lines); it never draws.

use std::time::{Duration, Instant};

use crate::io::output::PartitionCommit;

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Partitions to run (not counting those kept by `--resume`), and done.
    pub partitions: usize,
    pub done: usize,
    /// Input bytes of the partitions to run, and of those done.
    pub total_bytes: u64,
    pub bytes: u64,
    /// Rows read by the partitions done.
    pub rows: u64,
    /// Since the run started.
    pub elapsed: Duration,
}

/// Told of progress. `update` is called often (every turn of rank 0's
/// loop, and after each commit): it decides itself how often to show it.
pub trait ProgressObserver: Send + Sync + std::fmt::Debug {
    fn update(&self, progress: &Progress);
    /// The run is over (it succeeded or not).
    fn finish(&self) {}
}

/// The counts behind [`Progress`].
#[derive(Debug)]
pub(crate) struct Counter {
    progress: Progress,
    started: Instant,
}

impl Counter {
    pub fn new(partitions: usize, total_bytes: u64) -> Self {
        Counter {
            progress: Progress {
                partitions,
                done: 0,
                total_bytes,
                bytes: 0,
                rows: 0,
                elapsed: Duration::ZERO,
            },
            started: Instant::now(),
        }
    }

    /// Counts a committed partition of `input_bytes`.
    pub fn add(&mut self, commit: &PartitionCommit, input_bytes: u64) {
        self.progress.done += 1;
        self.progress.rows += commit.rows_read;
        self.progress.bytes += input_bytes;
    }

    /// Where the run stands now.
    pub fn now(&self) -> Progress {
        Progress {
            elapsed: self.started.elapsed(),
            ..self.progress
        }
    }
}
