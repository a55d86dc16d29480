//! What this wasmprep is: its version, and the source revision it was built
//! from when it was built from a git checkout (`build.rs`).

/// The crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `git rev-parse HEAD` of the checkout it was built from, if any.
pub const REVISION: Option<&str> = option_env!("WASMPREP_REVISION");

/// What `wasmprep --version` prints after the name: `0.1.0 (git 59d6bfa919c7)`.
pub const LINE: &str = env!("WASMPREP_VERSION_LINE");

/// A version tag for artifacts built from this wasmprep: `0.1.0-g59d6bfa919c7`
/// (or the bare version when the revision is unknown). Safe as an Azure ML
/// asset version and an image tag.
pub fn tag() -> String {
    match REVISION {
        Some(rev) => format!("{VERSION}-g{}", &rev[..rev.len().min(12)]),
        None => VERSION.to_string(),
    }
}
