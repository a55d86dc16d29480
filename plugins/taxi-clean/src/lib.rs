//! `taxi-clean`: keeps the NYC-taxi trips that make sense, as the seed job
//! does.
//!
//! A row is kept when all of these hold (every bound strict; a null fails):
//! - 0 < fare_amount < 500
//! - 0 < passenger_count < 6
//! - -75 < pickup_longitude < -73 and -75 < dropoff_longitude < -73
//! - 40 < pickup_latitude < 42 and 40 < dropoff_latitude < 42
//!
//! Reads fare_amount, the four coordinates (float32) and passenger_count
//! (int32); writes no column, only a row selection. No configuration.

use wasmprep_sdk::{
    Batch, Config, Contract, DataType, Output, Plugin, PrimitiveView, Result, Selection,
};

/// (column, lower bound, upper bound), both exclusive.
const FLOAT_BOUNDS: [(&str, f32, f32); 5] = [
    ("fare_amount", 0.0, 500.0),
    ("pickup_longitude", -75.0, -73.0),
    ("dropoff_longitude", -75.0, -73.0),
    ("pickup_latitude", 40.0, 42.0),
    ("dropoff_latitude", 40.0, 42.0),
];
const PASSENGERS: (&str, i32, i32) = ("passenger_count", 0, 6);

pub struct TaxiClean;

impl Plugin for TaxiClean {
    fn configure(_config: &mut Config) -> Result<Self> {
        Ok(TaxiClean)
    }

    fn contract(&self) -> Contract {
        let mut contract = Contract::new("taxi-clean", env!("CARGO_PKG_VERSION"));
        for (name, _, _) in FLOAT_BOUNDS {
            contract = contract.input(name, DataType::Float32);
        }
        contract.input(PASSENGERS.0, DataType::Int32).filters()
    }

    fn process(&mut self, batch: Batch) -> Result<Output> {
        let floats = FLOAT_BOUNDS
            .iter()
            .map(|(name, lo, hi)| Ok((batch.primitive::<f32>(name)?, *lo, *hi)))
            .collect::<Result<Vec<(PrimitiveView<'_, f32>, f32, f32)>>>()?;
        let passengers = batch.primitive::<i32>(PASSENGERS.0)?;
        let keep = Selection::from_fn(batch.len(), |i| {
            let p = passengers.values()[i];
            p > PASSENGERS.1
                && p < PASSENGERS.2
                && passengers.is_valid(i)
                && floats.iter().all(|(col, lo, hi)| {
                    let v = col.values()[i];
                    v > *lo && v < *hi && col.is_valid(i)
                })
        });
        Ok(Output::new().select(keep))
    }
}

wasmprep_sdk::export_plugin!(TaxiClean);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmprep_sdk::testing::{Harness, TestBatch};
    use wasmprep_sdk::Column;

    fn batch(fare: &[Option<f32>], passengers: &[Option<i32>], lon: f32, lat: f32) -> TestBatch {
        let n = fare.len();
        TestBatch::new()
            .with("fare_amount", Column::from_options(fare.iter().copied()))
            .with(
                "passenger_count",
                Column::from_options(passengers.iter().copied()),
            )
            .with("pickup_longitude", Column::from_values(vec![lon; n]))
            .with("dropoff_longitude", Column::from_values(vec![-73.9f32; n]))
            .with("pickup_latitude", Column::from_values(vec![lat; n]))
            .with("dropoff_latitude", Column::from_values(vec![40.7f32; n]))
    }

    #[test]
    fn bounds_are_strict_and_nulls_fail() {
        let mut p = Harness::<TaxiClean>::new(&[]).unwrap();
        let out = p
            .process(batch(
                &[
                    Some(10.0),
                    Some(0.0),
                    Some(500.0),
                    Some(499.9),
                    None,
                    Some(5.0),
                    Some(5.0),
                ],
                &[Some(1), Some(1), Some(1), Some(5), Some(1), Some(6), None],
                -73.9,
                40.7,
            ))
            .unwrap();
        assert_eq!(out.kept_rows(), Some(vec![0, 3]));
    }

    #[test]
    fn coordinates_outside_new_york_are_dropped() {
        let mut p = Harness::<TaxiClean>::new(&[]).unwrap();
        let out = p
            .process(batch(&[Some(10.0)], &[Some(1)], 0.0, 40.7))
            .unwrap();
        assert_eq!(out.kept_rows(), Some(vec![]));
        let out = p
            .process(batch(&[Some(10.0)], &[Some(1)], -73.9, 42.0))
            .unwrap();
        assert_eq!(out.kept_rows(), Some(vec![]));
    }

    #[test]
    fn unknown_config_is_refused() {
        let err = Harness::<TaxiClean>::new(&[("max_fare", "100")])
            .err()
            .unwrap();
        assert!(err.to_string().contains("max_fare"), "{err}");
    }
}
