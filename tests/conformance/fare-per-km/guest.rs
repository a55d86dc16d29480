use wasmprep_sdk::{Batch, Column, Config, Contract, DataType, Output, Plugin, Result};

/// The cost table's kernel (`make bench-kits`): fare_per_km =
/// fare_amount / (trip_distance in miles * 1.609344), null where an input
/// is null or the distance is not positive.
pub struct Case;

impl Plugin for Case {
    fn configure(_: &mut Config) -> Result<Self> {
        Ok(Case)
    }

    fn contract(&self) -> Contract {
        Contract::new("fare-per-km", "0.1.0")
            .input("fare_amount", DataType::Float64)
            .input("trip_distance", DataType::Float64)
            .nullable_output("fare_per_km", DataType::Float64)
    }

    fn process(&mut self, batch: Batch) -> Result<Output> {
        let fare = batch.primitive::<f64>("fare_amount")?;
        let distance = batch.primitive::<f64>("trip_distance")?;
        // Slices of exactly the batch's length: the compiler then drops the
        // bounds checks of the loops below.
        let n = batch.len();
        let (fares, distances) = (&fare.values()[..n], &distance.values()[..n]);
        let per_km = Column::from_fn(n, |i| fares[i] / (distances[i] * 1.609344))
            .with_nulls_from(&[fare.validity(), distance.validity()])
            .with_nulls_where(|i| distances[i].is_nan() || distances[i] <= 0.0);
        Ok(Output::new().column(per_km))
    }
}
