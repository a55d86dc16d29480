//! Sandbox cost, measured against native code in the same process.
//!
//! 1. taxi-features per row: the plugin compiled to a component and run in
//!    the production sandbox (host conversion, copies in and out, output
//!    validation, batch assembly), against the same Rust code compiled
//!    natively and called through the SDK's native harness.
//! 2. Passthrough per value: 64-bit columns sent into the sandbox and back
//!    unchanged.
//!
//! Runs alternate and the best of each is kept, so a busy machine skews both
//! sides alike. `cargo bench -p wasmprep --bench sandbox [-- ROWS]`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{
    Array, ArrayRef, Float32Array, Int64Array, RecordBatch, TimestampMillisecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use taxi_features::TaxiFeatures;
use wasmprep::sandbox::{BatchLocation, ModuleCache, PluginSettings, Sandbox};
use wasmprep_sdk::testing::{Harness, TestBatch};
use wasmprep_sdk::{Column, PrimitiveBuilder};

use common::Rng;

const BATCH: usize = 65_536;
const ROUNDS: usize = 7;

fn taxi_batches(rows: usize) -> Vec<RecordBatch> {
    let ts = DataType::Timestamp(TimeUnit::Millisecond, None);
    let schema = Arc::new(Schema::new(vec![
        Field::new("pickup_datetime", ts.clone(), true),
        Field::new("dropoff_datetime", ts, true),
        Field::new("pickup_latitude", DataType::Float32, true),
        Field::new("pickup_longitude", DataType::Float32, true),
        Field::new("dropoff_latitude", DataType::Float32, true),
        Field::new("dropoff_longitude", DataType::Float32, true),
    ]));
    let mut rng = Rng(0x5eed);
    let start_2015 = 1_420_070_400_000i64;
    (0..rows.div_ceil(BATCH))
        .map(|b| {
            let n = BATCH.min(rows - b * BATCH);
            let pickup: Vec<i64> = (0..n)
                .map(|_| start_2015 + (rng.next() % 31_536_000_000) as i64)
                .collect();
            let dropoff: Vec<i64> = pickup
                .iter()
                .map(|p| p + (rng.next() % 3_600_000) as i64)
                .collect();
            let coord = |rng: &mut Rng, base: f32| -> ArrayRef {
                Arc::new(Float32Array::from_iter_values(
                    (0..n).map(|_| base + rng.unit() * 0.2),
                ))
            };
            let columns: Vec<ArrayRef> = vec![
                Arc::new(TimestampMillisecondArray::from(pickup)),
                Arc::new(TimestampMillisecondArray::from(dropoff)),
                coord(&mut rng, 40.65),
                coord(&mut rng, -74.05),
                coord(&mut rng, 40.65),
                coord(&mut rng, -74.05),
            ];
            RecordBatch::try_new(schema.clone(), columns).unwrap()
        })
        .collect()
}

/// The batch as SDK columns, buffers copied as the canonical ABI would.
fn sdk_batch(batch: &RecordBatch) -> TestBatch {
    let mut t = TestBatch::new();
    for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
        let column = match array.data_type() {
            DataType::Float32 => Column::from_values(
                array
                    .as_any()
                    .downcast_ref::<Float32Array>()
                    .unwrap()
                    .values()
                    .iter()
                    .copied(),
            ),
            _ => {
                let values = array
                    .as_any()
                    .downcast_ref::<TimestampMillisecondArray>()
                    .unwrap()
                    .values();
                let mut b = PrimitiveBuilder::<i64>::with_type(
                    wasmprep_sdk::DataType::Timestamp(wasmprep_sdk::TimeUnit::Millisecond, None),
                    values.len(),
                );
                values.iter().for_each(|v| b.push(*v));
                b.finish()
            }
        };
        t = t.with(field.name(), column);
    }
    t
}

fn best(times: &[Duration]) -> Duration {
    *times.iter().min().unwrap()
}

fn main() {
    // As the `wasmprep` binary does.
    wasmprep::alloc::tune();
    let rows: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_048_576);
    let cache = std::env::temp_dir().join("wasmprep-bench-cache");
    let sandbox = Sandbox::new(ModuleCache::at(cache)).unwrap();

    // 1. taxi-features: native vs sandbox.
    let batches = taxi_batches(rows);
    let sdk_batches: Vec<TestBatch> = batches.iter().map(sdk_batch).collect();
    let mut native = Harness::<TaxiFeatures>::new(&[]).unwrap();
    let plugin = sandbox
        .load(
            wasmprep_artifacts::TAXI_FEATURES.as_ref(),
            PluginSettings::default(),
        )
        .unwrap();
    let plan = plugin.contract().bind(&batches[0].schema()).unwrap();
    let mut instance = plugin.instantiate().unwrap();
    let (mut native_times, mut sandbox_times) = (Vec::new(), Vec::new());
    let mut check = (0usize, 0usize);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for b in &sdk_batches {
            let out = native.process(b.clone()).unwrap();
            check.0 += out.column("h_distance").len();
        }
        native_times.push(t.elapsed());
        let t = Instant::now();
        for (i, b) in batches.iter().enumerate() {
            let at = BatchLocation {
                batch: i,
                rows: b.num_rows(),
                ..BatchLocation::default()
            };
            let out = instance.process(&plan, b, &at).unwrap();
            check.1 += out.num_rows();
        }
        sandbox_times.push(t.elapsed());
    }
    assert_eq!(check.0, check.1);
    let per_row = |d: Duration| d.as_nanos() as f64 / rows as f64;
    let (n, s) = (per_row(best(&native_times)), per_row(best(&sandbox_times)));
    println!("taxi-features, {rows} rows in batches of {BATCH} (best of {ROUNDS}):");
    println!("  native   {n:8.1} ns/row");
    println!("  sandbox  {s:8.1} ns/row");
    println!("  ratio    {:8.3}x  (target <= 1.15x)", s / n);

    // 2. Passthrough of 64-bit columns.
    let ncols: usize = 4;
    let schema = Arc::new(Schema::new(
        (0..ncols)
            .map(|i| Field::new(format!("c{i}"), DataType::Int64, true))
            .collect::<Vec<_>>(),
    ));
    let pass_batches: Vec<RecordBatch> = (0..rows.div_ceil(BATCH))
        .map(|b| {
            let n = BATCH.min(rows - b * BATCH);
            let cols: Vec<ArrayRef> = (0..ncols)
                .map(|c| {
                    Arc::new(Int64Array::from_iter_values(
                        (0..n as i64).map(|v| v * (c as i64 + 1)),
                    )) as ArrayRef
                })
                .collect();
            RecordBatch::try_new(schema.clone(), cols).unwrap()
        })
        .collect();
    let names: Vec<String> = (0..ncols).map(|i| format!("c{i}")).collect();
    let settings = PluginSettings {
        config: vec![
            ("columns".into(), names.join(",")),
            ("type".into(), "int64".into()),
        ],
        ..PluginSettings::default()
    };
    let pass = sandbox
        .load(wasmprep_artifacts::PASSTHROUGH.as_ref(), settings)
        .unwrap();
    let plan = pass.contract().bind(&schema).unwrap();
    let mut instance = pass.instantiate().unwrap();
    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for b in &pass_batches {
            let out = instance
                .process(&plan, b, &BatchLocation::default())
                .unwrap();
            assert_eq!(out.column(ncols - 1).len(), b.num_rows());
        }
        times.push(t.elapsed());
    }
    let values = (rows * ncols) as f64;
    let per_value = best(&times).as_nanos() as f64 / values;
    println!("passthrough, {ncols} int64 columns x {rows} rows (best of {ROUNDS}):");
    println!("  {per_value:.3} ns/value in and back  (target <= 1 ns)");
    let bytes = values * 8.0 * 2.0;
    println!(
        "  {:.1} GB/s across the boundary",
        bytes / best(&times).as_secs_f64() / 1e9
    );
}
