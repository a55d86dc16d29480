//! Paths of the plugins built from source by this crate's build script
//! (Rust with `cargo build --target wasm32-wasip2`, C and C++ with the C
//! kit's tool, Python with componentize-py), one constant each
//! (`TAXI_CLEAN`, `HAVERSINE`, ...), and [`ALL`].

/// A built plugin.
#[derive(Clone, Copy, Debug)]
pub struct Artifact {
    /// Directory name: `taxi-clean`.
    pub name: &'static str,
    /// Language it is written in: rust, c, c++, python or wat.
    pub language: &'static str,
    /// The component.
    pub wasm: &'static str,
    /// Its golden cases (`<plugin>/tests/cases`), for example plugins.
    pub cases: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/plugins.rs"));
