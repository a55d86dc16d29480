//! wasmprep: prepare data at cluster scale by running sandboxed
//! WebAssembly plugins over Arrow record batches.
//!
//! Data flows one way: a job is planned into partitions and its steps are
//! bound to the input schema ([`job`]); partitions are handed out to ranks
//! and their workers ([`ranks`]); each partition is streamed batch by batch
//! from a source through the steps into its part file ([`exec`]), reading
//! and writing with [`io`] (which knows no plugins) and running plugins in
//! the [`sandbox`] (which knows no files or ranks). The library never
//! prints: progress leaves as [`exec::progress`] events, errors as values
//! whose causes are their `source()` ([`error::chain`] flattens one).

pub mod alloc;
pub mod crash;
pub mod deploy;
pub mod error;
pub mod exec;
pub mod golden;
pub mod io;
pub mod job;
#[cfg(feature = "mlflow")]
pub mod mlflow;
pub mod ranks;
pub mod sample;
pub mod sandbox;
pub mod schema;
pub mod version;
