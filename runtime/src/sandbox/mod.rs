//! The sandbox: runs plugin components under wasmtime with memory, time and
//! capability limits, and moves Arrow batches in and out of them.
//!
//! The sandbox knows nothing of files, jobs or ranks: it loads a plugin,
//! checks its contract against a schema ([`PluginContract::bind`]), and
//! transforms batches ([`PluginInstance::process`]).

mod batch;
mod bindings;
mod cache;
mod contract;
mod convert;
mod error;
mod fit;
mod host;
mod instance;
mod policy;
mod text;

pub use cache::ModuleCache;
pub use contract::{is_supported, ColumnSpec, PluginContract, StepPlan};
pub use error::{BatchLocation, BatchProblem, Error, Result};
pub use fit::{Fitted, Fitter};
pub use instance::{component_digest, Plugin, PluginInstance, PluginSettings, Sandbox};
pub use policy::{DirGrant, Grants, Limits};
