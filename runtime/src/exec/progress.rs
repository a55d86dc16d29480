//! Rank 0's progress, as events: the library counts, and tells a
//! [`ProgressObserver`] (the binary draws a bar on a terminal, or logs
//! lines); it never draws.

use std::time::{Duration, Instant};

use crate::io::output::{PartitionCommit, PluginDigest};

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Partitions to run (not counting those kept by `--resume`), and done.
    pub partitions: usize,
    pub done: usize,
    /// Input bytes of the partitions to run, and of those done.
    pub total_bytes: u64,
    pub bytes: u64,
    /// Rows read by the partitions done, and what became of them.
    pub rows: u64,
    pub rows_filtered: u64,
    pub rows_rejected: u64,
    pub rows_written: u64,
    /// Since the run started.
    pub elapsed: Duration,
}

/// Told of progress. `update` is called often (every turn of rank 0's
/// loop, and after each commit): it decides itself how often to show it.
pub trait ProgressObserver: Send + Sync + std::fmt::Debug {
    /// The run is planned and starts (rank 0, once).
    fn start(&self, _run: &RunStart<'_>) {}
    fn update(&self, progress: &Progress);
    /// The run is over (it succeeded or not).
    fn finish(&self) {}
}

/// What a run is, as it starts.
#[derive(Clone, Copy, Debug)]
pub struct RunStart<'a> {
    pub job: &'a str,
    pub job_digest: &'a str,
    /// In step order.
    pub plugins: &'a [PluginDigest],
    pub ranks: usize,
    /// Worker threads of rank 0 (each rank decides its own).
    pub threads: usize,
    /// What started the ranks (`Open MPI`, `PMIx`, ...; `none`).
    pub launcher: &'a str,
    /// Partitions to run, and kept from an earlier run (`--resume`).
    pub partitions: usize,
    pub resumed: usize,
}

/// Several observers told of the same run.
#[derive(Debug)]
pub struct Observers(pub Vec<std::sync::Arc<dyn ProgressObserver>>);

impl ProgressObserver for Observers {
    fn start(&self, run: &RunStart<'_>) {
        self.0.iter().for_each(|o| o.start(run));
    }

    fn update(&self, progress: &Progress) {
        self.0.iter().for_each(|o| o.update(progress));
    }

    fn finish(&self) {
        self.0.iter().for_each(|o| o.finish());
    }
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
                rows_filtered: 0,
                rows_rejected: 0,
                rows_written: 0,
                elapsed: Duration::ZERO,
            },
            started: Instant::now(),
        }
    }

    /// Counts a committed partition of `input_bytes`.
    pub fn add(&mut self, commit: &PartitionCommit, input_bytes: u64) {
        self.progress.done += 1;
        self.progress.rows += commit.rows_read;
        self.progress.rows_filtered += commit.rows_filtered;
        self.progress.rows_rejected += commit.rows_rejected;
        self.progress.rows_written += commit.rows_written;
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
