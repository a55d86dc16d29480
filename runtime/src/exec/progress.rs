//! Rank 0's progress display: a bar on a terminal, periodic log lines
//! otherwise.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use crate::io::commit::PartitionCommit;

pub struct Progress {
    total: usize,
    total_bytes: u64,
    done: usize,
    bytes: u64,
    rows: u64,
    started: Instant,
    last: Instant,
    every: Duration,
    bar: bool,
}

impl Progress {
    pub fn new(total: usize, total_bytes: u64, every: Duration) -> Self {
        let bar = std::io::stderr().is_terminal()
            && std::env::var_os("WASMPREP_NO_PROGRESS_BAR").is_none();
        Progress {
            total,
            total_bytes,
            done: 0,
            bytes: 0,
            rows: 0,
            started: Instant::now(),
            last: Instant::now(),
            every: if bar {
                Duration::from_millis(200)
            } else {
                every
            },
            bar,
        }
    }

    pub fn add(&mut self, commit: &PartitionCommit, input_bytes: u64) {
        self.done += 1;
        self.rows += commit.rows_read;
        self.bytes += input_bytes;
    }

    fn line(&self) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        format!(
            "{}/{} partitions, {} rows, {:.0} MB/s",
            self.done,
            self.total,
            self.rows,
            self.bytes as f64 / secs / 1e6
        )
    }

    /// Shows progress if it is time to.
    pub fn tick(&mut self) {
        if self.last.elapsed() < self.every || self.total == 0 {
            return;
        }
        self.last = Instant::now();
        if self.bar {
            let width = 30;
            let filled = (width as u64 * self.bytes / self.total_bytes.max(1)) as usize;
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r[{}{}] {}   ",
                "#".repeat(filled),
                " ".repeat(width - filled.min(width)),
                self.line()
            );
            let _ = err.flush();
        } else {
            tracing::info!("Progress: {}.", self.line());
        }
    }

    /// Clears the bar.
    pub fn finish(&mut self) {
        if self.bar && self.total > 0 {
            let _ = write!(std::io::stderr(), "\r{}\r", " ".repeat(100));
        }
    }
}
