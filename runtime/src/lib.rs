//! wasmprep: prepare data at cluster scale by running sandboxed
//! WebAssembly plugins over Arrow record batches.
//!
//! Data flows one way: a job is planned into partitions ([`job`]), handed
//! out to ranks and their workers ([`ranks`]), and each partition is read
//! ([`io`]), passed batch by batch through the pipeline's steps (the
//! plugins run in the [`sandbox`]), and written ([`exec`]).

pub mod alloc;
pub mod crash;
pub mod error;
pub mod exec;
pub mod golden;
pub mod io;
pub mod job;
pub mod ranks;
pub mod sample;
pub mod sandbox;
pub mod schema;
