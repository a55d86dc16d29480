//! `taxi-features`: the seed job's features of a NYC-taxi trip.
//!
//! From pickup_datetime and dropoff_datetime (`timestamp[ms]`, read as UTC
//! wall time) and the four float32 coordinates, adds:
//! - hour, year, month, day, day_of_week (Monday = 0), is_weekend: int32 of
//!   the pickup time. is_weekend is `day_of_week > 5` (Sundays only), the
//!   seed's rule, kept on purpose so results match it.
//! - diff = dropoff_datetime − pickup_datetime: `duration[ms]`.
//! - pickup_latitude_r, pickup_longitude_r, dropoff_latitude_r,
//!   dropoff_longitude_r = floor(x / 0.01) · 0.01: float32.
//! - h_distance: haversine distance in km (earth radius 6371): float32.
//!
//! An output is null where an input it is computed from is null. No
//! configuration.

use wasmprep_sdk::civil::civil_from_days;
use wasmprep_sdk::math;
use wasmprep_sdk::{
    Batch, Column, Config, Contract, DataType, Output, Plugin, PrimitiveBuilder, Result, TimeUnit,
};

const MS_PER_DAY: i64 = 86_400_000;
const MS_PER_HOUR: i64 = 3_600_000;
const EARTH_RADIUS_KM: f64 = 6371.0;
const GRID: f64 = 0.01;

const COORDS: [&str; 4] = [
    "pickup_latitude",
    "pickup_longitude",
    "dropoff_latitude",
    "dropoff_longitude",
];

pub struct TaxiFeatures;

impl Plugin for TaxiFeatures {
    fn configure(_config: &mut Config) -> Result<Self> {
        Ok(TaxiFeatures)
    }

    fn contract(&self) -> Contract {
        let ts = DataType::Timestamp(TimeUnit::Millisecond, None);
        let mut c = Contract::new("taxi-features", env!("CARGO_PKG_VERSION"))
            .input("pickup_datetime", ts.clone())
            .input("dropoff_datetime", ts);
        for name in COORDS {
            c = c.input(name, DataType::Float32);
        }
        for name in ["hour", "year", "month", "day", "day_of_week", "is_weekend"] {
            c = c.nullable_output(name, DataType::Int32);
        }
        c = c.nullable_output("diff", DataType::Duration(TimeUnit::Millisecond));
        for name in COORDS {
            c = c.nullable_output(format!("{name}_r"), DataType::Float32);
        }
        c.nullable_output("h_distance", DataType::Float32)
    }

    fn process(&mut self, batch: Batch) -> Result<Output> {
        let n = batch.len();
        let pickup = batch.primitive::<i64>("pickup_datetime")?;
        let dropoff = batch.primitive::<i64>("dropoff_datetime")?;
        let coords = COORDS
            .iter()
            .map(|name| batch.primitive::<f32>(name))
            .collect::<Result<Vec<_>>>()?;

        // A loop per group of outputs: few live values per loop keeps the
        // sandbox's code generator from spilling registers.
        let mut date_parts: [PrimitiveBuilder<i32>; 6] =
            std::array::from_fn(|_| PrimitiveBuilder::with_capacity(n));
        for &ms in pickup.values() {
            let parts = DateParts::of(ms);
            for (builder, value) in date_parts.iter_mut().zip(parts.as_array()) {
                builder.push(value);
            }
        }
        let mut out = Output::new();
        for builder in date_parts {
            out = out.column(builder.finish().with_nulls_from(&[pickup.validity()]));
        }

        let (p, d) = (pickup.values(), dropoff.values());
        let diff = Column::from_fn(n, |i| d[i].wrapping_sub(p[i]))
            .with_nulls_from(&[pickup.validity(), dropoff.validity()]);
        out = out.column(diff);

        for c in &coords {
            let v = c.values();
            out = out
                .column(Column::from_fn(n, |i| round_down(v[i])).with_nulls_from(&[c.validity()]));
        }

        let [lat1, lon1, lat2, lon2] = [coords[0], coords[1], coords[2], coords[3]];
        let (a, b, c, e) = (lat1.values(), lon1.values(), lat2.values(), lon2.values());
        let distance = Column::from_fn(n, |i| haversine_km(a[i], b[i], c[i], e[i]))
            .with_nulls_from(&[
                lat1.validity(),
                lon1.validity(),
                lat2.validity(),
                lon2.validity(),
            ]);
        Ok(out.column(distance))
    }
}

wasmprep_sdk::export_plugin!(TaxiFeatures);

/// The calendar fields of a timestamp in milliseconds since the epoch.
#[derive(Debug, PartialEq, Eq)]
pub struct DateParts {
    pub hour: i32,
    pub year: i32,
    pub month: i32,
    pub day: i32,
    pub day_of_week: i32,
    pub is_weekend: i32,
}

impl DateParts {
    pub fn of(ms: i64) -> Self {
        let days = ms.div_euclid(MS_PER_DAY);
        let hour = (ms.rem_euclid(MS_PER_DAY) / MS_PER_HOUR) as i32;
        let (year, month, day) = civil_from_days(days);
        // An i64 count of milliseconds spans under 300 million years: the
        // year fits an i32, as do the month and day.
        let (year, month, day) = (year as i32, month as i32, day as i32);
        // 1970-01-01 was a Thursday: day 3 when Monday is 0.
        let day_of_week = (days + 3).rem_euclid(7) as i32;
        DateParts {
            hour,
            year,
            month,
            day,
            day_of_week,
            is_weekend: (day_of_week > 5) as i32,
        }
    }

    fn as_array(&self) -> [i32; 6] {
        [
            self.hour,
            self.year,
            self.month,
            self.day,
            self.day_of_week,
            self.is_weekend,
        ]
    }
}

/// floor(x / 0.01) · 0.01, computed in f64 like the seed's pandas code.
#[inline]
pub fn round_down(x: f32) -> f32 {
    ((x as f64 / GRID).floor() * GRID) as f32
}

/// Great-circle distance in km between two (lat, lon) points in degrees.
/// The trigonometry is the SDK's [`math`], which inlines into the row loop in
/// the sandbox and gives the same bits natively.
#[inline]
pub fn haversine_km(lat1: f32, lon1: f32, lat2: f32, lon2: f32) -> f32 {
    let (lat1, lon1) = ((lat1 as f64).to_radians(), (lon1 as f64).to_radians());
    let (lat2, lon2) = ((lat2 as f64).to_radians(), (lon2 as f64).to_radians());
    let s_lat = math::sin((lat2 - lat1) / 2.0);
    let s_lon = math::sin((lon2 - lon1) / 2.0);
    let a = s_lat * s_lat + math::cos(lat1) * math::cos(lat2) * s_lon * s_lon;
    (2.0 * EARTH_RADIUS_KM * math::asin(a.sqrt())) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmprep_sdk::testing::{Harness, TestBatch};

    fn ts(values: &[Option<i64>]) -> Column {
        let mut b =
            PrimitiveBuilder::<i64>::with_type(DataType::Timestamp(TimeUnit::Millisecond, None), 0);
        values.iter().for_each(|v| b.push_option(*v));
        b.finish()
    }

    #[test]
    fn calendar_fields_match_known_dates() {
        // 2015-01-15 19:05:39 was a Thursday.
        let p = DateParts::of(1_421_348_739_000);
        assert_eq!(
            (p.year, p.month, p.day, p.hour, p.day_of_week, p.is_weekend),
            (2015, 1, 15, 19, 3, 0)
        );
        // 2015-03-01 00:00:00 was a Sunday: the only weekend day by the seed's rule.
        let p = DateParts::of(1_425_168_000_000);
        assert_eq!(
            (p.year, p.month, p.day, p.hour, p.day_of_week, p.is_weekend),
            (2015, 3, 1, 0, 6, 1)
        );
        // A Saturday is not a weekend day for the seed.
        assert_eq!(DateParts::of(1_425_081_600_000).is_weekend, 0);
        // Before the epoch: 1969-12-31 23:00.
        let p = DateParts::of(-3_600_000);
        assert_eq!(
            (p.year, p.month, p.day, p.hour, p.day_of_week),
            (1969, 12, 31, 23, 2)
        );
    }

    #[test]
    fn distance_and_rounding() {
        // JFK to LaGuardia is about 17 km.
        let d = haversine_km(40.6413, -73.7781, 40.7769, -73.8740);
        assert!((d - 17.0).abs() < 0.5, "{d}");
        assert_eq!(haversine_km(40.7, -73.9, 40.7, -73.9), 0.0);
        assert_eq!(round_down(40.759), 40.75);
        assert_eq!(round_down(-73.981), -73.99);
    }

    #[test]
    fn outputs_follow_input_nulls() {
        let mut p = Harness::<TaxiFeatures>::new(&[]).unwrap();
        let out = p
            .process(
                TestBatch::new()
                    .with("pickup_datetime", ts(&[Some(1_421_348_739_000), None]))
                    .with("dropoff_datetime", ts(&[Some(1_421_349_339_000), Some(0)]))
                    .with("pickup_latitude", Column::from_values([40.75f32, 40.75]))
                    .with("pickup_longitude", Column::from_values([-73.99f32, -73.99]))
                    .with(
                        "dropoff_latitude",
                        Column::from_options([Some(40.76f32), None]),
                    )
                    .with(
                        "dropoff_longitude",
                        Column::from_values([-73.98f32, -73.98]),
                    ),
            )
            .unwrap();
        assert_eq!(out.primitive::<i32>("hour"), vec![Some(19), None]);
        assert_eq!(out.primitive::<i64>("diff"), vec![Some(600_000), None]);
        assert_eq!(
            out.primitive::<f32>("pickup_latitude_r"),
            vec![Some(40.75), Some(40.75)]
        );
        assert_eq!(out.primitive::<f32>("dropoff_latitude_r")[1], None);
        assert_eq!(out.primitive::<f32>("h_distance")[1], None);
        assert_eq!(
            out.column("diff").data_type(),
            &DataType::Duration(TimeUnit::Millisecond)
        );
    }
}
