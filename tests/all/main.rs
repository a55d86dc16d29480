//! wasmprep's integration tests: one binary, a module per area. Plugins are
//! built from source by `wasmprep-artifacts` before these run.

mod c_kit;
mod cli;
mod conformance;
mod data_path;
mod deploy;
mod faults;
mod fit;
mod golden;
mod job;
mod kits;
mod math;
#[cfg(all(feature = "mpi", feature = "mlflow"))]
mod mlflow;
#[cfg(feature = "mpi")]
mod mpi;
mod parquet;
mod plugin_errors;
mod sandbox_attacks;
mod sandbox_limits;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use wasmprep::sandbox::{BatchLocation, ModuleCache, Plugin, PluginSettings, Sandbox};

/// Held by tests that start several processes (MPI ranks): they run one at
/// a time, so timing-based checks are not skewed by each other.
pub fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A sandbox whose compiled-plugin cache is shared by every test (so the
/// Python plugin is compiled once per build, not once per test).
pub fn sandbox() -> Sandbox {
    Sandbox::new(ModuleCache::at(cache_dir())).expect("creating the sandbox")
}

pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("module-cache")
}

/// Loads a test plugin with configuration entries.
pub fn load(
    sandbox: &Sandbox,
    wasm: &str,
    config: &[(&str, &str)],
) -> wasmprep::sandbox::Result<Arc<Plugin>> {
    let settings = PluginSettings {
        config: config
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..PluginSettings::default()
    };
    sandbox.load(wasm.as_ref(), settings)
}

/// A batch with one int64 column `x` = 0..n.
pub fn x_batch(n: i64) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, true)]));
    let x: ArrayRef = Arc::new(Int64Array::from_iter_values(0..n));
    RecordBatch::try_new(schema, vec![x]).unwrap()
}

/// Where a test batch sits.
pub fn at(batch: usize, first_row: u64, rows: usize) -> BatchLocation {
    BatchLocation {
        source: "test.csv".into(),
        batch,
        first_row,
        rows,
    }
}

/// Runs `plugin` once over `batch`, returning the error text.
pub fn process_err(plugin: &Arc<Plugin>, batch: &RecordBatch) -> String {
    let plan = plugin.contract().bind(&batch.schema()).unwrap();
    let mut instance = plugin.instantiate().unwrap();
    let err = instance
        .process(&plan, batch, &at(3, 1000, batch.num_rows()))
        .expect_err("the plugin should fail");
    err.to_string()
}

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// The NYC-taxi job in `dir`, its plugin paths made absolute and `edit`
/// applied to its text.
pub fn taxi_job(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(root().join("jobs/nyc-taxi/job.toml")).unwrap();
    let plugins = root().join("target/plugins");
    let text = text.replace("../../target/plugins", &plugins.display().to_string());
    let path = dir.join("job.toml");
    std::fs::write(&path, edit(text)).unwrap();
    path
}

/// An output's `_manifest.json`.
pub fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("_manifest.json")).unwrap()).unwrap()
}

/// The manifest without its timing fields: what must not change with the
/// number of threads or ranks.
pub fn manifest_identity(out: &Path) -> serde_json::Value {
    let mut m = manifest(out);
    m.as_object_mut().unwrap().remove("seconds");
    for p in m["partitions"].as_array_mut().unwrap() {
        p.as_object_mut().unwrap().remove("seconds");
    }
    m
}

/// The part files of an output, by name, with their bytes.
pub fn part_files(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("part-"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// `wasmprep run JOB --input DATA --output OUT` with the tests' plugin
/// cache, for a test to add to and run.
pub fn wasmprep_run(job: &Path, data: &Path, out: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_wasmprep"));
    cmd.env("WASMPREP_CACHE_DIR", cache_dir())
        .env("NO_COLOR", "1")
        .arg("run")
        .arg(job)
        .arg("--input")
        .arg(data)
        .arg("--output")
        .arg(out);
    cmd
}

/// The part files of an output by name and sha256 (a mismatch prints short).
pub fn part_digests(out: &Path) -> Vec<(String, String)> {
    part_files(out)
        .into_iter()
        .map(|(name, bytes)| (name, wasmprep::sandbox::component_digest(&bytes)))
        .collect()
}

/// Runs `cmd` to its end; returns its exit code (-1 if a signal ended it)
/// and its peak resident memory in KiB.
#[allow(clippy::zombie_processes)] // reaped by wait4, which std does not offer
pub fn run_peak_rss(cmd: &mut std::process::Command) -> (i32, i64) {
    let child = cmd.spawn().unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid, and wait4 fills it for our child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage.ru_maxrss)
}

/// What `tracing` prints on this thread while `f` runs.
///
/// One global subscriber writes each thread's events to that thread's
/// buffer (dropped unless the thread is capturing). A subscriber set per
/// thread (`with_default`) is not enough: while it is the only one, a
/// callsite first hit by another thread (a test without a subscriber) is
/// given that thread's "never" interest, for every thread, and the
/// capturing test sees nothing.
pub fn captured_log(f: impl FnOnce()) -> String {
    use std::cell::RefCell;
    thread_local! {
        static CAPTURE: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
    }
    struct ThreadSink;
    impl std::io::Write for ThreadSink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            CAPTURE.with(|c| {
                if let Some(bytes) = c.borrow_mut().as_mut() {
                    bytes.extend_from_slice(buf);
                }
            });
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(|| ThreadSink)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in the tests");
    });
    CAPTURE.with(|c| *c.borrow_mut() = Some(Vec::new()));
    f();
    let bytes = CAPTURE.with(|c| c.borrow_mut().take()).unwrap_or_default();
    String::from_utf8(bytes).unwrap()
}
