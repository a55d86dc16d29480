//! The SDK's math gives a plugin the same bits in the sandbox as natively:
//! every function of `wasmprep_sdk::math`, through the test-math plugin,
//! over magnitudes from 1e-3 to 1e3 (argument reduction included) and the
//! edges (zeros, infinities, where exp overflows).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Float64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};

use crate::{at, load, sandbox};

/// A low-discrepancy spread of [-1, 1) at each magnitude, and the edges.
fn inputs() -> Vec<f64> {
    let mut xs = vec![
        0.0,
        -0.0,
        1e-300,
        f64::INFINITY,
        f64::NEG_INFINITY,
        709.8,
        -745.2,
    ];
    // Either side of pi/4 and 3pi/4, where sin and cos change kernels, and
    // arguments that need the long reduction.
    let pi_4 = std::f64::consts::FRAC_PI_4;
    xs.extend(
        [pi_4.next_down(), pi_4, pi_4 + 1e-6, 3.0 * pi_4, 1e22, 3.0e9]
            .iter()
            .flat_map(|x| [*x, -x]),
    );
    for magnitude in -3..=3 {
        let scale = 10f64.powi(magnitude);
        xs.extend(
            (0..5_000).map(|j| ((j as f64 * 0.618_033_988_749_895).fract() * 2.0 - 1.0) * scale),
        );
    }
    xs
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn every_math_function_gives_the_native_bits_in_the_sandbox() {
    let sandbox = sandbox();
    let plugin = load(&sandbox, wasmprep_artifacts::MATH, &[]).unwrap();
    let xs = inputs();
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Float64, false)]));
    let x: ArrayRef = Arc::new(Float64Array::from(xs.clone()));
    let batch = RecordBatch::try_new(schema, vec![x]).unwrap();
    let plan = plugin.contract().bind(&batch.schema()).unwrap();
    let out = plugin
        .instantiate()
        .unwrap()
        .process(&plan, &batch, &at(0, 0, xs.len()))
        .unwrap();
    for (name, f) in test_math::FUNCTIONS {
        let column = out.column_by_name(name).unwrap();
        let column = column.as_any().downcast_ref::<Float64Array>().unwrap();
        assert_eq!(column.len(), xs.len());
        for (i, &x) in xs.iter().enumerate() {
            let (sandboxed, native) = (column.value(i), f(x));
            assert!(
                same(sandboxed, native),
                "{name}({x:e}): {sandboxed:e} in the sandbox, {native:e} natively"
            );
        }
    }
}
