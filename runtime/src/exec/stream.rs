//! The batch loop, once for every caller (a job's partition, `plugin run`):
//! read a batch, run the steps, hand the result on; an error in a step
//! names where the batch's first row sits in the user's file.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use arrow::record_batch::RecordBatch;

use super::source::Source;
use super::steps::Steps;
use super::{Error, Result};
use crate::io::csv::RowError;
use crate::sandbox::BatchLocation;

/// Rows in and out of a stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Streamed {
    /// Rows read (not counting rejected ones).
    pub rows_in: u64,
    /// Rows the steps handed on.
    pub rows_out: u64,
    /// Batches read.
    pub batches: usize,
    /// Wall time spent in the steps (plugin calls included), not reading
    /// or writing.
    pub step_time: Duration,
}

/// Where the batches go: rejected rows, and what the steps make of each
/// batch (never empty), with where the batch it came from was read.
pub trait Sink {
    fn rejected(&mut self, row: RowError);
    fn write(&mut self, batch: RecordBatch, at: &BatchLocation) -> Result<()>;
}

/// Streams `source` through `steps` into `sink`, batch by batch, checking
/// `stop` between batches. `name` names the source in errors.
pub fn stream(
    source: &mut Source,
    steps: &mut Steps<'_>,
    name: &str,
    stop: &AtomicBool,
    sink: &mut impl Sink,
) -> Result<Streamed> {
    let mut counts = Streamed::default();
    while let Some(batch) = source.next_batch()? {
        if stop.load(Ordering::SeqCst) {
            return Err(Error::Cancelled);
        }
        source
            .take_rejected()
            .into_iter()
            .for_each(|r| sink.rejected(r));
        let at = BatchLocation {
            source: name.to_string(),
            batch: counts.batches,
            first_row: counts.rows_in,
            rows: batch.num_rows(),
        };
        counts.rows_in += batch.num_rows() as u64;
        counts.batches += 1;
        let started = Instant::now();
        let out = steps.process(batch, &at).map_err(|e| located(source, e))?;
        counts.step_time += started.elapsed();
        counts.rows_out += out.num_rows() as u64;
        if out.num_rows() > 0 {
            sink.write(out, &at)?;
        }
    }
    source
        .take_rejected()
        .into_iter()
        .for_each(|r| sink.rejected(r));
    source.check_complete()?;
    Ok(counts)
}

/// A step's error, with where the failing batch starts in the user's file
/// (when that can be told).
fn located(source: &mut Source, error: crate::job::Error) -> Error {
    match source.origin_of_last_batch() {
        Ok(origin) => Error::Batch {
            origin,
            source: error,
        },
        Err(_) => Error::Job(error),
    }
}
