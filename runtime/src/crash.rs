//! Crash points, for fault tests: the process kills itself (SIGKILL, so
//! nothing is flushed or cleaned up) at a named point of the data path, to
//! show that a run killed anywhere resumes to the same bytes.
//!
//! `WASMPREP_CRASH_AT=POINT[:N][@RANK]` kills the process the N-th time
//! (default: the first) it reaches POINT, only on rank RANK if given. Unset,
//! a crash point costs one relaxed atomic load. The points:
//!
//! | point | where |
//! |---|---|
//! | `output-opened` | the output directory is open, before any partition |
//! | `part-created` | a part's hidden temporary file exists, empty |
//! | `batch-written` | a batch went to the part writer |
//! | `part-synced` | a part's temporary file is complete and synced, not renamed |
//! | `part-renamed` | a part is in place, its commit record not yet written |
//! | `rejected-written` | a partition's quarantine file is written |
//! | `atomic-synced` | a commit record or quarantine file is synced under its temporary name |
//! | `commit-written` | a commit record is in place |
//! | `manifest-synced` | the manifest is synced under its temporary name |
//! | `manifest-written` | the manifest is in place, `_SUCCESS` not yet |
//! | `success-synced` | `_SUCCESS` is synced under its temporary name |
//! | `success-written` | `_SUCCESS` is in place |

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The variable naming the crash point.
pub const VAR: &str = "WASMPREP_CRASH_AT";

struct CrashAt {
    point: String,
    nth: usize,
    hits: AtomicUsize,
}

fn parse(spec: &str, rank: usize) -> Option<CrashAt> {
    let (spec, on_rank) = match spec.split_once('@') {
        Some((s, r)) => (s, Some(r.parse::<usize>().ok()?)),
        None => (spec, None),
    };
    if on_rank.is_some_and(|r| r != rank) {
        return None;
    }
    let (point, nth) = match spec.split_once(':') {
        Some((p, n)) => (p, n.parse().ok()?),
        None => (spec, 1),
    };
    Some(CrashAt {
        point: point.to_string(),
        nth,
        hits: AtomicUsize::new(0),
    })
}

fn configured() -> Option<&'static CrashAt> {
    static CRASH: OnceLock<Option<CrashAt>> = OnceLock::new();
    CRASH
        .get_or_init(|| parse(&std::env::var(VAR).ok()?, crate::ranks::rank_from_env()))
        .as_ref()
}

/// Kills this process if it is configured to die at `point` now.
pub fn point(point: &str) {
    let Some(crash) = configured() else {
        return;
    };
    if crash.point == point && crash.hits.fetch_add(1, Ordering::Relaxed) + 1 == crash.nth {
        let pid = std::process::id().to_string();
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &pid])
            .status();
        // `kill` should not return; if it could not run, die all the same.
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_with_count_and_rank() {
        let c = parse("batch-written:3@1", 1).unwrap();
        assert_eq!((c.point.as_str(), c.nth), ("batch-written", 3));
        assert!(parse("batch-written:3@1", 0).is_none());
        assert_eq!(parse("part-renamed", 0).unwrap().nth, 1);
        assert!(parse("x:y", 0).is_none());
    }
}
