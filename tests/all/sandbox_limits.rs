//! Limits and grants: time, memory, capabilities, logging.

use wasmprep::sandbox::{DirGrant, Grants, Limits, PluginSettings};
use wasmprep_artifacts::{FORBIDDEN_IMPORT, MISBEHAVE};

use crate::{process_err, sandbox, x_batch};

fn with_limits(mode: &str, limits: Limits) -> PluginSettings {
    PluginSettings {
        config: vec![("mode".into(), mode.into())],
        limits,
        ..PluginSettings::default()
    }
}

#[test]
fn a_batch_past_its_time_limit_is_interrupted() {
    let sandbox = sandbox();
    let limits = Limits {
        timeout_secs: 0.3,
        ..Limits::default()
    };
    let plugin = sandbox
        .load(MISBEHAVE.as_ref(), with_limits("loop", limits))
        .unwrap();
    let started = std::time::Instant::now();
    let err = process_err(&plugin, &x_batch(3));
    assert_eq!(
        err,
        "plugin misbehave, batch 3 (rows 1000..1003) of test.csv: timed out after 0.3 s \
         (raise limits.timeout_secs if the plugin is just slow)"
    );
    // Interrupted, not left running: well under the default limit of 60 s.
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn growing_past_the_memory_cap_is_reported_as_such() {
    let sandbox = sandbox();
    let limits = Limits {
        memory_mib: 64,
        ..Limits::default()
    };
    let plugin = sandbox
        .load(MISBEHAVE.as_ref(), with_limits("oom", limits))
        .unwrap();
    let err = process_err(&plugin, &x_batch(3));
    assert!(
        err.starts_with(
            "plugin misbehave, batch 3 (rows 1000..1003) of test.csv: exceeded its memory cap of 64 MiB"
        ),
        "{err}"
    );
}

#[test]
fn an_import_that_is_not_granted_fails_the_load_naming_it() {
    let sandbox = sandbox();
    let err = sandbox
        .load(FORBIDDEN_IMPORT.as_ref(), PluginSettings::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.starts_with("plugin forbidden-import imports what it was not granted: "),
        "{err}"
    );
    // Rust's std::fs brings in the filesystem and, for file times, the clock.
    assert!(
        err.contains("`wasi:filesystem/preopens@0.2.6` (needs the `dirs` grant)"),
        "{err}"
    );
    assert!(
        err.contains("`wasi:clocks/wall-clock@0.2.6` (needs the `clock` grant)"),
        "{err}"
    );
}

#[test]
fn a_granted_directory_is_readable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file.txt"), "12345").unwrap();
    let settings = PluginSettings {
        config: vec![("path".into(), "/data/file.txt".into())],
        grants: Grants {
            dirs: vec![DirGrant {
                host: dir.path().to_path_buf(),
                guest: "/data".into(),
                writable: false,
            }],
            clock: true,
            ..Grants::default()
        },
        ..PluginSettings::default()
    };
    let sandbox = sandbox();
    let plugin = sandbox.load(FORBIDDEN_IMPORT.as_ref(), settings).unwrap();
    let batch = x_batch(2);
    let plan = plugin.contract().bind(&batch.schema()).unwrap();
    let out = plugin
        .instantiate()
        .unwrap()
        .process(&plan, &batch, &crate::at(0, 0, 2))
        .unwrap();
    let len = out.column_by_name("file_len").unwrap();
    let len = len
        .as_any()
        .downcast_ref::<arrow::array::Int64Array>()
        .unwrap();
    assert_eq!(len.values(), &[5, 5]);
}

#[test]
fn plugin_logs_are_capped_per_call_and_prints_become_log_lines() {
    let limits = Limits {
        log_bytes_per_call: 2_000,
        ..Limits::default()
    };
    let text = crate::captured_log(|| {
        let sandbox = sandbox();
        let plugin = sandbox
            .load(MISBEHAVE.as_ref(), with_limits("log-flood", limits))
            .unwrap();
        let batch = x_batch(3);
        let plan = plugin.contract().bind(&batch.schema()).unwrap();
        let out = plugin
            .instantiate()
            .unwrap()
            .process(&plan, &batch, &crate::at(0, 0, 3));
        assert!(out.is_ok(), "a chatty plugin still works: {out:?}");
    });
    let kept = text.matches("message ").count();
    assert!(
        (10..=20).contains(&kept),
        "about 2000 bytes of 100-byte messages kept, got {kept}"
    );
    assert!(
        text.contains("dropped=") && text.contains("budget (2000 bytes a call"),
        "{text}"
    );
    assert!(text.contains("plugin=\"misbehave\""), "{text}");
}
