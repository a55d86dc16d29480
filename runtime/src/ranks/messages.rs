//! The messages ranks exchange, and how they are read and written.

use serde::{Deserialize, Serialize};

use crate::exec::{Error, Result};
use crate::io::output::PartitionCommit;

/// Rank 0's decision to start, broadcast to every rank.
#[derive(Serialize, Deserialize)]
pub struct Start {
    /// Why the job cannot start (rank 0 could not plan it or open the output).
    pub error: Option<String>,
    pub digest: String,
    pub todo: usize,
}

/// A partition that failed, or a rank that could not take part.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub rank: usize,
    pub partition: Option<usize>,
    pub message: String,
}

/// worker → 0.
#[derive(Serialize, Deserialize)]
pub struct Request {
    /// Partitions this rank can start now (idle workers).
    pub idle: usize,
    /// Partitions it would take, counting one queued ahead.
    pub want: usize,
    pub commits: Vec<PartitionCommit>,
    pub failure: Option<Failure>,
}

/// 0 → worker.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Assign {
    pub partitions: Vec<usize>,
    /// No more partitions will come.
    pub stop: bool,
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

    pub(crate) fn count(&mut self, c: &PartitionCommit) {
        self.partitions += 1;
        self.rows += c.rows_read;
        self.busy_seconds += c.seconds;
    }
}

/// worker → 0 at the end.
#[derive(Serialize, Deserialize)]
pub struct Done {
    pub commits: Vec<PartitionCommit>,
    pub failure: Option<Failure>,
    pub stats: RankStats,
}

/// 0 → worker at the end.
#[derive(Serialize, Deserialize)]
pub struct Final {
    pub error: Option<String>,
}

pub fn encode(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).expect("messages serialize")
}

/// Reads a message from `from`. Ranks of different wasmprep builds meet
/// only if their job digests (which include the version) were never
/// compared; a message that does not read is then an error naming the
/// rank, never a panic.
pub fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8], from: usize) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::Protocol(format!(
            "a message from rank {from} could not be read ({e}); do all ranks run wasmprep {}?",
            crate::version::VERSION
        ))
    })
}

/// A rank's failure to read a message.
pub fn unreadable(rank: usize, e: Error) -> Failure {
    Failure {
        rank,
        partition: None,
        message: crate::error::chain(&e),
    }
}

/// The error a rank returns when the job failed elsewhere.
pub fn failed_elsewhere(message: String) -> Error {
    Error::Remote { message }
}

/// A transport's error as the job's.
pub fn lost(e: super::Error) -> Error {
    Error::Protocol(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_that_does_not_read_is_an_error_naming_its_rank() {
        // What a rank of another build might send: fields this one lacks.
        let foreign = br#"{"partitions":"all","stop":1,"extra":true}"#;
        let err = decode::<Assign>(foreign, 3).expect_err("refused");
        let text = err.to_string();
        assert!(
            text.contains("a message from rank 3 could not be read"),
            "{text}"
        );
        assert!(text.contains(crate::version::VERSION), "{text}");
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
