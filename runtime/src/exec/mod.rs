//! Running partitions: a rank's worker threads (`pool`) take partitions
//! one at a time and stream each batch by batch ([`stream`]: read from a
//! [`source`], run the [`steps`], write), so memory does not grow with the
//! input; [`run_partition`] commits each. [`prepare()`] and [`finish()`]
//! come before and after. Which rank runs which partition is
//! [`crate::ranks`]'s business; progress leaves as [`progress`] events.

mod finish;
pub mod fit;
mod partition;
pub(crate) mod pool;
mod prepare;
pub mod progress;
pub mod source;
pub mod steps;
pub mod stream;

use std::path::PathBuf;

use crate::io::output::ExistingOutput;

pub use crate::io::output::Totals;
pub use crate::ranks::RankStats;
pub use finish::finish;
pub use partition::run_partition;
pub use prepare::{job_digest, prepare, Prepared};
pub use progress::{Observers, Progress, ProgressObserver, RunStart};

/// An error running a job.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Job(#[from] crate::job::Error),
    #[error(transparent)]
    Io(#[from] crate::io::Error),
    /// A step failed on a batch; `origin` is where the batch's first row
    /// sits in the user's file (`trips.csv line 1204`, `trips.parquet row
    /// group 3, row 1200`).
    #[error("the failing batch starts at {origin}")]
    Batch {
        origin: String,
        source: crate::job::Error,
    },
    /// A partition failed; the partitions already committed stay. The
    /// reason is the error's source (`{:#}` shows it).
    #[error("partition {id} ({input}) failed")]
    Partition {
        id: usize,
        input: String,
        source: Box<Error>,
    },
    #[error("stopped because another partition failed")]
    Cancelled,
    /// Another rank failed, or could not start; `message` is its error.
    #[error("{message}")]
    Remote { message: String },
    /// The ranks could not talk: a message lost or unreadable.
    #[error("the ranks lost touch: {0}")]
    Protocol(String),
    /// The run ended with partitions uncommitted (a bug, or a rank gone).
    #[error("{committed} of {expected} partitions are committed; run again with --resume")]
    Incomplete { committed: usize, expected: usize },
    /// Counts that must add up did not (a bug).
    #[error("row counts do not add up (read != written + filtered + rejected); this is a bug")]
    Unbalanced,
}

/// `Result` with the execution [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Execution knobs (command-line flags, not part of the job).
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Worker threads.
    pub threads: usize,
    /// Rows per batch.
    pub batch_rows: usize,
    pub existing: ExistingOutput,
    /// Told of rank 0's progress (the binary draws it; tests need not).
    pub progress: Option<std::sync::Arc<dyn ProgressObserver>>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: crate::ranks::default_threads(),
            batch_rows: 65_536,
            existing: ExistingOutput::Refuse,
            progress: None,
        }
    }
}

/// A summary of a finished run.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub totals: Totals,
    /// Partitions kept from an earlier run (`--resume`).
    pub resumed: usize,
    pub input_bytes: u64,
    pub seconds: f64,
    pub output: PathBuf,
    /// What each rank did (on rank 0).
    pub ranks: Vec<RankStats>,
}
