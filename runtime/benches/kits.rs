//! The per-language cost table: the conformance matrix's `fare-per-km`
//! kernel (tests/conformance/fare-per-km) in every language's component,
//! per row, against the same Rust guest compiled natively and called
//! through the SDK's native harness.
//!
//! The components are the ones the conformance test builds
//! (`target/tmp/conformance/<lang>/<lang>.wasm`): `make bench-kits` runs it
//! first. Each plugin call is timed in the production sandbox (host
//! conversion, copies in and out, output validation); for each language,
//! rounds alternate with the native baseline and the best of each is kept.
//! `cargo bench -p wasmprep --bench kits [-- ROWS]`.

#[path = "../../tests/conformance/fare-per-km/guest.rs"]
mod fare_per_km;

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{Array, Float64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use wasmprep::sandbox::{BatchLocation, ModuleCache, PluginSettings, Sandbox};
use wasmprep_sdk::testing::{Harness, TestBatch};
use wasmprep_sdk::Column;

use common::Rng;

const BATCH: usize = 65_536;
const ROUNDS: usize = 7;

/// The targets: a language's cost per row, at most this many times
/// native Rust's.
fn target(language: &str) -> f64 {
    match language {
        "rust" | "c" | "cpp" | "zig" => 1.2,
        "go" => 3.0,
        "js" | "ts" => 10.0,
        _ => 30.0,
    }
}

/// Fares of 2.5-80 and distances of 0-20 miles; 1% of each null, 1% of the
/// distances zero.
fn batches(rows: usize) -> Vec<RecordBatch> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("fare_amount", DataType::Float64, true),
        Field::new("trip_distance", DataType::Float64, true),
    ]));
    let mut rng = Rng(0x5eed);
    let mut column = |n: usize, low: f64, high: f64| -> Float64Array {
        (0..n)
            .map(|_| {
                let r = rng.next();
                match r % 100 {
                    0 => None,
                    1 => Some(0.0),
                    _ => Some(low + (r >> 11) as f64 / (1u64 << 53) as f64 * (high - low)),
                }
            })
            .collect()
    };
    (0..rows.div_ceil(BATCH))
        .map(|b| {
            let n = BATCH.min(rows - b * BATCH);
            let (fare, distance) = (column(n, 2.5, 80.0), column(n, 0.0, 20.0));
            RecordBatch::try_new(schema.clone(), vec![Arc::new(fare), Arc::new(distance)]).unwrap()
        })
        .collect()
}

/// The batch as SDK columns, buffers copied as the canonical ABI would.
fn sdk_batch(batch: &RecordBatch) -> TestBatch {
    let mut t = TestBatch::new();
    for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
        let floats = array.as_any().downcast_ref::<Float64Array>().unwrap();
        t = t.with(field.name(), Column::from_options(floats.iter()));
    }
    t
}

/// The components the conformance test built, by language.
fn components() -> Vec<(String, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/tmp/conformance");
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let lang = e.ok()?.file_name().to_string_lossy().into_owned();
            let wasm = dir.join(&lang).join(format!("{lang}.wasm"));
            wasm.is_file().then_some((lang, wasm))
        })
        .collect();
    found.sort();
    found
}

/// Times `native` and `sandbox` over every batch, alternating, once per
/// round each: the best time of each (a busy machine skews both alike)
/// and the nulls each counted (the check that both computed the same).
fn alternate(
    mut native: impl FnMut() -> usize,
    mut sandbox: impl FnMut() -> usize,
) -> ([Duration; 2], [usize; 2]) {
    let mut best = [Duration::MAX; 2];
    let mut nulls = [0; 2];
    for _ in 0..ROUNDS {
        for (side, f) in [&mut native as &mut dyn FnMut() -> usize, &mut sandbox]
            .into_iter()
            .enumerate()
        {
            let t = Instant::now();
            nulls[side] = f();
            best[side] = best[side].min(t.elapsed());
        }
    }
    (best, nulls)
}

fn main() {
    wasmprep::alloc::tune();
    let rows: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_048_576);
    let components = components();
    if components.is_empty() {
        eprintln!("no components in target/tmp/conformance: run `make bench-kits` (it runs the conformance test first)");
        std::process::exit(1);
    }
    let cache = std::env::temp_dir().join("wasmprep-bench-cache");
    let sandbox = Sandbox::new(ModuleCache::at(cache)).unwrap();
    let batches = batches(rows);
    let sdk_batches: Vec<TestBatch> = batches.iter().map(sdk_batch).collect();

    let mut native = Harness::<fare_per_km::Case>::new(&[]).unwrap();
    let mut run_native = || -> usize {
        sdk_batches
            .iter()
            .map(|b| {
                native
                    .process(b.clone())
                    .unwrap()
                    .column("fare_per_km")
                    .null_count()
            })
            .sum()
    };
    let per_row = |d: Duration| d.as_nanos() as f64 / rows as f64;
    let mut results = Vec::new();
    for (language, wasm) in components {
        let settings = PluginSettings {
            config: vec![("case".into(), "fare-per-km".into())],
            ..PluginSettings::default()
        };
        let plugin = sandbox.load(&wasm, settings).unwrap();
        let plan = plugin.contract().bind(&batches[0].schema()).unwrap();
        let mut instance = plugin.instantiate().unwrap();
        let run_sandbox = || -> usize {
            batches
                .iter()
                .map(|b| {
                    let out = instance
                        .process(&plan, b, &BatchLocation::default())
                        .unwrap();
                    out.column(2).null_count()
                })
                .sum()
        };
        let ([native_time, time], [native_nulls, nulls]) = alternate(&mut run_native, run_sandbox);
        assert_eq!(
            nulls, native_nulls,
            "{language} computed other nulls than native Rust"
        );
        results.push((language, per_row(time), per_row(native_time)));
    }
    // The baseline: native Rust's best round of the whole run (rounds next
    // to an interpreter's are slower: its memory traffic evicts the caches).
    let base = results.iter().map(|r| r.2).fold(f64::INFINITY, f64::min);
    println!(
        "fare-per-km, {rows} rows in batches of {BATCH}, best of {ROUNDS} rounds alternating with native Rust \
         (best {base:.2} ns/row):"
    );
    println!(
        "  {:<8} {:>10} {:>8} {:>8} {:>16}",
        "language", "ns/row", "ratio", "target", "native that run"
    );
    for (language, cost, native_cost) in results {
        let ratio = cost / base;
        let verdict = if ratio <= target(&language) {
            ""
        } else {
            "  (over target)"
        };
        println!(
            "  {language:<8} {cost:>10.2} {ratio:>7.2}x {:>7.1}x {native_cost:>16.2}{verdict}",
            target(&language)
        );
    }
}
