//! Logging a run to MLflow over its REST API, as the seed's script does with
//! `mlflow.log_metric`: when `MLFLOW_TRACKING_URI` names a server (Azure ML
//! sets it, with `MLFLOW_RUN_ID` and a token, in every job), rank 0 logs the
//! job's parameters, its progress as metrics with steps, the final figures,
//! and the manifest and run report as artifacts.
//!
//! Tracking never fails or stalls a job: requests run on their own thread,
//! each bounded in time; the first that fails is one warning and the rest
//! of the run is not logged; the end of the job waits for the last requests
//! a bounded time only.

mod client;
pub mod endpoint;
mod run;
mod tracker;

pub use endpoint::Endpoint;
pub use tracker::{Ending, Settings, Tracker};

/// Why tracking stopped (it never stops the job).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The environment names no server wasmprep can log to.
    #[error("{0}")]
    Config(String),
    /// The server could not be reached, or did not answer in time.
    #[error("{0}")]
    Transport(String),
    /// The server answered with an error.
    #[error("{call}: HTTP {status}: {message}")]
    Server {
        call: String,
        status: u16,
        message: String,
    },
    /// Artifacts cannot go where the run keeps them.
    #[error("{0}")]
    Artifacts(String),
}
