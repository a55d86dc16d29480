//! What a plugin may do: resource limits and capability grants.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Resource limits of one plugin instance. Every field has a default.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Cap on the instance's memory, in MiB: all its linear memories and
    /// tables together (a table element counts 8 bytes). Growing past it
    /// fails (and, in most plugins, traps).
    pub memory_mib: u64,
    /// Wall-time cap for one `process` call (and for `configure`), seconds.
    pub timeout_secs: f64,
    /// Longest log message kept, in bytes; longer ones are truncated.
    pub log_message_bytes: usize,
    /// Log bytes a plugin may write per call (each message counts 64 bytes
    /// more than its text); past it messages are counted and reported as
    /// dropped.
    pub log_bytes_per_call: usize,
    /// Log bytes one instance may write in all (over a whole job).
    pub log_bytes_total: u64,
    /// Most bytes one call may hand back to the host (the columns of a
    /// batch, a log message), in MiB.
    pub output_mib: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_mib: 512,
            timeout_secs: 60.0,
            log_message_bytes: 4096,
            log_bytes_per_call: 64 * 1024,
            log_bytes_total: 16 << 20,
            output_mib: 256,
        }
    }
}

/// The largest values the limits take: beyond them a limit is no limit, and
/// some (an infinite timeout) cannot even be represented.
pub const MAX_MEMORY_MIB: u64 = 1 << 20;
pub const MAX_TIMEOUT_SECS: f64 = 7.0 * 24.0 * 3600.0;
pub const MAX_LOG_MESSAGE_BYTES: usize = 1 << 20;
pub const MAX_LOG_BYTES_PER_CALL: usize = 64 << 20;
pub const MAX_LOG_BYTES_TOTAL: u64 = 1 << 30;
pub const MAX_OUTPUT_MIB: u64 = 16 << 10;

/// `limits.NAME` is `min..=max` (a `min` of 0 is not said).
fn in_range(name: &str, value: u64, min: u64, max: u64) -> Result<(), String> {
    if (min..=max).contains(&value) {
        return Ok(());
    }
    let range = if min == 0 {
        format!("at most {max}")
    } else {
        format!("{min} to {max}")
    };
    Err(format!("limits.{name} must be {range}, not {value}"))
}

impl Limits {
    /// Checks every limit is in range, naming the one that is not. Called
    /// when a spec is read, so a bad value never reaches the sandbox.
    pub fn check(&self) -> Result<(), String> {
        in_range("memory_mib", self.memory_mib, 1, MAX_MEMORY_MIB)?;
        if !(self.timeout_secs > 0.0 && self.timeout_secs <= MAX_TIMEOUT_SECS) {
            return Err(format!(
                "limits.timeout_secs must be more than 0 and at most {MAX_TIMEOUT_SECS} (7 days), not {}",
                self.timeout_secs
            ));
        }
        let message_bytes = self.log_message_bytes as u64;
        in_range(
            "log_message_bytes",
            message_bytes,
            1,
            MAX_LOG_MESSAGE_BYTES as u64,
        )?;
        let per_call = self.log_bytes_per_call as u64;
        in_range(
            "log_bytes_per_call",
            per_call,
            0,
            MAX_LOG_BYTES_PER_CALL as u64,
        )?;
        in_range(
            "log_bytes_total",
            self.log_bytes_total,
            0,
            MAX_LOG_BYTES_TOTAL,
        )?;
        in_range("output_mib", self.output_mib, 1, MAX_OUTPUT_MIB)
    }

    /// [`Limits::output_mib`] in bytes.
    pub fn output_bytes(&self) -> usize {
        usize::try_from(self.output_mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX)
    }

    pub fn memory_bytes(&self) -> u64 {
        self.memory_mib.saturating_mul(1 << 20)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout_secs.max(0.0))
    }
}

/// Capabilities granted to a plugin. A plugin gets none by default: no
/// files, no network, no environment variables, no clock.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Grants {
    /// Host directories the plugin may open (`wasi:filesystem`).
    pub dirs: Vec<DirGrant>,
    /// Environment variables passed through from the host, by name. Without
    /// this grant a plugin sees an empty environment (`wasi:cli/environment`
    /// itself is always linked: Rust's standard library imports it). A name
    /// the host does not have is skipped.
    pub env: Vec<String>,
    /// Wall and monotonic clocks (`wasi:clocks`).
    pub clock: bool,
    /// TCP, UDP and name lookup (`wasi:sockets`).
    pub network: bool,
}

/// A host directory made visible to a plugin.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DirGrant {
    /// Directory on the host.
    pub host: PathBuf,
    /// Path the plugin sees it at.
    pub guest: String,
    /// Whether the plugin may write in it.
    #[serde(default)]
    pub writable: bool,
}

/// The grant an import needs, `Ok(None)` when it needs none, or `Err` for
/// an import wasmprep does not provide at all.
pub(crate) fn grant_for_import(import: &str) -> Result<Option<&'static str>, ()> {
    let (package, rest) = import.split_once('/').unwrap_or((import, ""));
    let interface = rest.split('@').next().unwrap_or("");
    match package {
        "wasmprep:plugin" if matches!(interface, "host" | "types") => Ok(None),
        "wasi:io" | "wasi:random" => Ok(None),
        // The environment interface is always there (every Rust program
        // imports it, to read RUST_BACKTRACE when panicking); it is empty
        // but for the variables granted in `env`.
        "wasi:cli" => match interface {
            "environment" | "stdin" | "stdout" | "stderr" | "exit" | "terminal-input"
            | "terminal-output" | "terminal-stdin" | "terminal-stdout" | "terminal-stderr" => {
                Ok(None)
            }
            _ => Err(()),
        },
        "wasi:filesystem" => Ok(Some("dirs")),
        "wasi:sockets" => Ok(Some("network")),
        "wasi:clocks" => Ok(Some("clock")),
        _ => Err(()),
    }
}

impl Grants {
    pub(crate) fn allows(&self, grant: &str) -> bool {
        match grant {
            "dirs" => !self.dirs.is_empty(),
            "clock" => self.clock,
            "network" => self.network,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_map_to_grants() {
        assert_eq!(grant_for_import("wasi:io/streams@0.2.6"), Ok(None));
        assert_eq!(grant_for_import("wasi:cli/stderr@0.2.0"), Ok(None));
        assert_eq!(grant_for_import("wasi:cli/environment@0.2.0"), Ok(None));
        assert_eq!(
            grant_for_import("wasi:filesystem/preopens@0.2.0"),
            Ok(Some("dirs"))
        );
        assert_eq!(
            grant_for_import("wasi:sockets/tcp@0.2.0"),
            Ok(Some("network"))
        );
        assert_eq!(
            grant_for_import("wasi:clocks/wall-clock@0.2.0"),
            Ok(Some("clock"))
        );
        assert_eq!(grant_for_import("wasmprep:plugin/host@0.1.0"), Ok(None));
        assert_eq!(
            grant_for_import("wasi:http/outgoing-handler@0.2.0"),
            Err(())
        );
    }
}
