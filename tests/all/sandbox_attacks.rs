//! Hostile plugins against the sandbox's budgets (issue 8): every budget
//! holds for the whole instance, and every byte a plugin can make the host
//! allocate or print is bounded.

use std::path::Path;
use std::process::Command;

use wasmprep::sandbox::{Limits, PluginSettings};
use wasmprep_artifacts::{MANY_MEMORIES, MANY_TABLES, MISBEHAVE};

use crate::{captured_log, process_err, sandbox, x_batch};

fn settings(mode: &str, limits: Limits) -> PluginSettings {
    PluginSettings {
        config: vec![("mode".into(), mode.into())],
        limits,
        ..PluginSettings::default()
    }
}

fn load_err(mode: &str) -> String {
    match sandbox().load(MISBEHAVE.as_ref(), settings(mode, Limits::default())) {
        Ok(_) => panic!("mode {mode}: the plugin loaded"),
        Err(e) => e.to_string(),
    }
}

/// Runs `wasmprep validate` on a job whose one step is `plugin` with
/// `memory_mib = 64`, returning (exit code, stderr, peak RSS in MiB).
fn validate_measured(dir: &Path, plugin: &str) -> (i32, String, i64) {
    let config = if plugin == MISBEHAVE {
        "config = { mode = \"ok\" }\n"
    } else {
        ""
    };
    std::fs::write(dir.join("a.csv"), "x\n1\n").unwrap();
    let job = dir.join("job.toml");
    std::fs::write(
        &job,
        format!(
            "[input]\nformat = \"csv\"\npath = \"a.csv\"\n[[input.columns]]\nname = \"x\"\ntype = \"int64\"\n\
             [[steps]]\nplugin = \"{plugin}\"\n{config}limits = {{ memory_mib = 64 }}\n[output]\n"
        ),
    )
    .unwrap();
    let err_path = dir.join("stderr");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmprep"));
    cmd.args(["validate", job.to_str().unwrap()])
        .env("WASMPREP_CACHE_DIR", crate::cache_dir())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&err_path).unwrap());
    let (code, peak_kib) = crate::run_peak_rss(&mut cmd);
    (
        code,
        std::fs::read_to_string(err_path).unwrap(),
        peak_kib / 1024,
    )
}

/// The host's peak RSS for a plugin that cannot grow: the baseline.
fn baseline_mib(dir: &Path) -> i64 {
    let (code, err, rss) = validate_measured(dir, MISBEHAVE);
    assert_eq!(code, 0, "{err}");
    rss
}

#[test]
fn many_memories_share_one_cap_and_host_memory_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let base = baseline_mib(dir.path());
    let (code, err, rss) = validate_measured(dir.path(), MANY_MEMORIES);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("exceeded its memory cap of 64 MiB"), "{err}");
    assert!(err.contains("then trapped"), "{err}");
    // 16 memories of 64 MiB each would be 1 GiB; one cap for all is 64 MiB.
    assert!(rss < base + 96, "peak RSS {rss} MiB (baseline {base} MiB)");
}

#[test]
fn tables_count_against_the_memory_cap() {
    let dir = tempfile::tempdir().unwrap();
    let base = baseline_mib(dir.path());
    let (code, err, rss) = validate_measured(dir.path(), MANY_TABLES);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("exceeded its memory cap of 64 MiB (growing a table"),
        "{err}"
    );
    assert!(rss < base + 96, "peak RSS {rss} MiB (baseline {base} MiB)");
}

#[test]
fn a_contract_too_large_or_with_bad_names_is_refused() {
    let wide = load_err("wide");
    assert!(
        wide.contains("declares 20001 output columns, more than the 1024"),
        "{wide}"
    );
    assert!(
        wide.starts_with("plugin misbehave declares an invalid contract"),
        "{wide}"
    );
    let long = load_err("long-name");
    assert!(
        long.contains("the plugin name is 1048576 bytes long, more than 256"),
        "{long}"
    );
    assert!(
        long.len() < 2000,
        "the name is not repeated whole: {} bytes",
        long.len()
    );
    let zone = load_err("bad-zone");
    assert!(
        zone.contains("output `y`: `Not/AZone` is not a time zone"),
        "{zone}"
    );
}

fn process_ok(mode: &str, limits: Limits) -> arrow::array::RecordBatch {
    let plugin = sandbox()
        .load(MISBEHAVE.as_ref(), settings(mode, limits))
        .unwrap();
    let batch = x_batch(3);
    let plan = plugin.contract().bind(&batch.schema()).unwrap();
    let mut instance = plugin.instantiate().unwrap();
    instance
        .process(&plan, &batch, &crate::at(0, 0, 3))
        .unwrap()
}

#[test]
fn empty_messages_cost_and_the_whole_log_is_bounded() {
    let text = captured_log(|| {
        process_ok("empty-logs", Limits::default());
    });
    // 3 million empty messages: the budget of 64 KiB a call, at 64 bytes a
    // message, lets about a thousand through.
    let lines = text.lines().count();
    assert!(lines <= 1100, "{lines} lines");
    assert!(text.len() < 200_000, "{} bytes logged", text.len());
    // (The warning that counts the dropped messages is checked by
    // sandbox_limits; tracing's per-thread subscribers make a second
    // check of it here racy.)
    assert!(
        text.matches(" plugin=\"misbehave\"").count() >= 900,
        "the budget lets about a thousand through"
    );
}

#[test]
fn a_message_cannot_forge_a_host_line() {
    let text = captured_log(|| {
        process_ok("forge-log", Limits::default());
    });
    assert!(
        text.contains("done\\nrank=0 2026-01-01T00:00:00Z ERROR forged host line\\r"),
        "{text}"
    );
    assert!(
        !text.lines().any(|l| l.starts_with("rank=0 2026-01-01")),
        "{text}"
    );
}

#[test]
fn plugin_error_texts_are_cut_and_diagnoses_are_kept() {
    let plugin = |mode: &str, limits: Limits| {
        sandbox()
            .load(MISBEHAVE.as_ref(), settings(mode, limits))
            .unwrap()
    };
    let huge = process_err(&plugin("huge-error", Limits::default()), &x_batch(3));
    assert!(huge.len() < 10_000, "{} bytes", huge.len());
    assert!(huge.contains("more bytes cut"), "{}", &huge[..200]);

    let small = Limits {
        memory_mib: 64,
        ..Limits::default()
    };
    let grown = process_err(&plugin("grow-then-panic", small), &x_batch(3));
    assert!(
        grown.contains("exceeded its memory cap of 64 MiB"),
        "{grown}"
    );
    assert!(
        grown.contains("panicking after a refused allocation"),
        "the panic is kept: {grown}"
    );

    let noisy = process_err(&plugin("noisy-panic", Limits::default()), &x_batch(3));
    assert!(
        noisy.contains("the panic after the noise"),
        "{}",
        &noisy[noisy.len().saturating_sub(300)..]
    );
    assert!(noisy.len() < 20_000, "{} bytes", noisy.len());
}

#[test]
fn output_is_checked_exactly_as_the_wit_says() {
    // A null only in a row the plugin drops is never seen: accepted.
    let kept = process_ok("null-in-dropped", Limits::default());
    assert_eq!(kept.num_rows(), 2);
    let plugin = sandbox()
        .load(
            MISBEHAVE.as_ref(),
            settings("long-selection", Limits::default()),
        )
        .unwrap();
    let err = process_err(&plugin, &x_batch(3));
    assert!(
        err.contains("a selection of 2 bytes for 3 rows (it must be 1 bytes)"),
        "{err}"
    );
}

#[test]
fn output_past_its_byte_budget_is_refused_naming_the_limit() {
    let limits = Limits {
        output_mib: 32,
        ..Limits::default()
    };
    let plugin = sandbox()
        .load(MISBEHAVE.as_ref(), settings("alias-bomb", limits))
        .unwrap();
    let err = process_err(&plugin, &x_batch(3));
    assert!(
        err.starts_with(
            "plugin misbehave, batch 3 (rows 1000..1003) of test.csv: handed back more than 32 MiB"
        ),
        "{err}"
    );
    assert!(err.contains("limits.output_mib"), "{err}");
}

#[test]
fn a_cache_others_can_write_is_not_used() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let run = |cache: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_wasmprep"))
            .args(["plugin", "inspect", MISBEHAVE])
            .env("WASMPREP_CACHE_DIR", cache)
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(out.status.success(), "the plugin still loads, compiled");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert_eq!(run(&cache), "", "a private cache is used quietly");
    let entries: Vec<_> = walk(&cache);
    assert_eq!(entries.len(), 1, "{entries:?}");
    // Another user may write the directory: refused, whatever is in it.
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o777)).unwrap();
    let said = run(&cache);
    assert!(
        said.contains("Not using the plugin cache")
            && said.contains("can be written by other users"),
        "{said}"
    );
    // An entry another user owns: refused.
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::chown(&entries[0], Some(65534), Some(65534)).unwrap();
    let said = run(&cache);
    assert!(said.contains("belongs to user 65534"), "{said}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn logs_and_errors_use_one_name_the_contracts() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("renamed-file.wasm");
    std::fs::copy(MISBEHAVE, &renamed).unwrap();
    let text = captured_log(|| {
        let plugin = sandbox()
            .load(&renamed, settings("forge-log", Limits::default()))
            .unwrap();
        let batch = x_batch(3);
        let plan = plugin.contract().bind(&batch.schema()).unwrap();
        // The instance made at load time (the first worker's), then a new one.
        for _ in 0..2 {
            let mut instance = plugin.instantiate().unwrap();
            instance
                .process(&plan, &batch, &crate::at(0, 0, 3))
                .unwrap();
        }
    });
    assert_eq!(text.matches("plugin=\"misbehave\"").count(), 2, "{text}");
    assert!(!text.contains("renamed-file"), "{text}");
}

#[test]
fn an_instance_logs_no_more_than_its_total_over_a_job() {
    let limits = Limits {
        log_bytes_total: 10_000,
        ..Limits::default()
    };
    let text = captured_log(|| {
        let plugin = sandbox()
            .load(MISBEHAVE.as_ref(), settings("log-flood", limits))
            .unwrap();
        let batch = x_batch(3);
        let plan = plugin.contract().bind(&batch.schema()).unwrap();
        let mut instance = plugin.instantiate().unwrap();
        for i in 0..5 {
            instance
                .process(&plan, &batch, &crate::at(i, 0, 3))
                .unwrap();
        }
    });
    // Five calls of 10,000 messages: within one call's budget, ~390 would
    // pass each time; the instance's 10,000 bytes let ~60 through in all.
    let kept = text.matches("message ").count();
    assert!((40..=70).contains(&kept), "{kept} messages kept");
}
