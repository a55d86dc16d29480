//! Drawing rank 0's progress: a bar on a terminal, a log line every few
//! seconds otherwise (`WASMPREP_NO_PROGRESS_BAR` forces lines).

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use wasmprep::exec::{Progress, ProgressObserver};

/// How often a log line is written when there is no bar.
const LOG_EVERY: Duration = Duration::from_secs(5);
/// How often the bar is redrawn.
const BAR_EVERY: Duration = Duration::from_millis(200);
const BAR_WIDTH: u64 = 30;

#[derive(Debug)]
pub struct ProgressView {
    bar: bool,
    every: Duration,
    last: Mutex<Instant>,
}

impl ProgressView {
    pub fn new() -> Self {
        let bar = std::io::stderr().is_terminal()
            && std::env::var_os("WASMPREP_NO_PROGRESS_BAR").is_none();
        ProgressView {
            bar,
            every: if bar { BAR_EVERY } else { LOG_EVERY },
            last: Mutex::new(Instant::now()),
        }
    }

    /// Whether it is time to show progress again.
    fn due(&self) -> bool {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() < self.every {
            return false;
        }
        *last = Instant::now();
        true
    }
}

fn line(p: &Progress) -> String {
    let secs = p.elapsed.as_secs_f64().max(1e-9);
    format!(
        "{}/{} partitions, {} rows, {:.0} MB/s",
        p.done,
        p.partitions,
        p.rows,
        p.bytes as f64 / secs / 1e6
    )
}

impl ProgressObserver for ProgressView {
    fn update(&self, p: &Progress) {
        if p.partitions == 0 || !self.due() {
            return;
        }
        if !self.bar {
            tracing::info!("Progress: {}.", line(p));
            return;
        }
        let filled = (BAR_WIDTH * p.bytes / p.total_bytes.max(1)).min(BAR_WIDTH) as usize;
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {}   ",
            "#".repeat(filled),
            " ".repeat(BAR_WIDTH as usize - filled),
            line(p)
        );
        let _ = err.flush();
    }

    fn finish(&self) {
        if self.bar {
            let _ = write!(std::io::stderr(), "\r{}\r", " ".repeat(100));
        }
    }
}
