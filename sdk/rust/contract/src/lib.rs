//! What the wasmprep host and the plugin SDK must agree on, defined once.
//!
//! - [`DataType`] and [`TimeUnit`]: the types a column may have at the plugin
//!   boundary, their canonical names ([`std::fmt::Display`]) and how a name
//!   is read back ([`DataType::parse`], with one table of aliases).
//! - [`Contract`] and [`ColumnSpec`]: what a plugin declares (generic over
//!   the type's representation), and the wording of its input errors.
//! - [`offsets`]: the offsets of text columns, read and rebased.
//! - [`hex`], [`unhex`]: lowercase hex of bytes (digests, binary values in
//!   text) and back.
//! - [`civil`]: days since the Unix epoch ⇄ proleptic Gregorian dates.
//!
//! The crate has no dependencies (no Arrow, no wasmtime) so that it builds
//! for every target a plugin does; the host converts [`DataType`] to and
//! from Arrow's, and checks time zones, on its side.
//!
//! ```
//! use wasmprep_contract::{DataType, TimeUnit};
//!
//! let t = DataType::parse("timestamp[ms, UTC]").unwrap();
//! assert_eq!(t, DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())));
//! assert_eq!(t.to_string(), "timestamp[ms, UTC]");
//! assert_eq!(DataType::parse("double"), Some(DataType::Float64));
//! ```

pub mod civil;
mod contract;
mod hex;
pub mod offsets;
mod types;

pub use contract::{describe_invalid_input, ColumnSpec, Contract};
pub use hex::{hex, unhex};
pub use types::{DataType, TimeUnit, ALIASES, TYPE_NAMES};
