//! INT96 timestamps are read as microseconds.
//!
//! INT96 (deprecated, written by Spark, Hive and Impala) holds a day and
//! the nanoseconds within it. Read as Arrow's default, int64 nanoseconds,
//! any instant outside 1677-09-21..2262-04-11 wraps silently into a wrong
//! date (pyarrow does the same) — and Spark data is full of such instants:
//! `9999-12-31` is the usual "no end" sentinel. Spark's own timestamps are
//! microseconds, so reading INT96 at that unit keeps every instant Spark
//! wrote, exactly, over ±294,000 years. What is lost: the sub-microsecond
//! digits of nanosecond INT96 (Impala), which no job so far needs; a date
//! that is right matters more than a nanosecond that fits.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, FieldRef, Schema, TimeUnit};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use parquet::basic::Type as PhysicalType;

/// `metadata` with its INT96 columns read as `Timestamp(Microsecond)`
/// (unchanged when it has none).
pub fn as_micros(metadata: ArrowReaderMetadata) -> parquet::errors::Result<ArrowReaderMetadata> {
    let paths: Vec<Vec<String>> = metadata
        .parquet_schema()
        .columns()
        .iter()
        .filter(|c| c.physical_type() == PhysicalType::INT96)
        .map(|c| c.path().parts().to_vec())
        .collect();
    if paths.is_empty() {
        return Ok(metadata);
    }
    let schema = metadata.schema();
    let mut fields: Vec<FieldRef> = schema.fields().iter().cloned().collect();
    for path in &paths {
        for field in fields.iter_mut().filter(|f| f.name() == &path[0]) {
            *field = Arc::new(micros(field, &path[1..]));
        }
    }
    let schema = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
    ArrowReaderMetadata::try_new(
        metadata.metadata().clone(),
        ArrowReaderOptions::new().with_schema(schema),
    )
}

/// `field` with the nanosecond timestamp at `path` (the Parquet path below
/// it) made microseconds. Path parts with no Arrow counterpart (a list's
/// `list` group, a map's `key_value`) are skipped.
fn micros(field: &Field, path: &[String]) -> Field {
    let Some((next, rest)) = path.split_first() else {
        return match field.data_type() {
            DataType::Timestamp(TimeUnit::Nanosecond, tz) => field
                .clone()
                .with_data_type(DataType::Timestamp(TimeUnit::Microsecond, tz.clone())),
            _ => field.clone(),
        };
    };
    let data_type = match field.data_type() {
        DataType::Struct(children) => DataType::Struct(
            children
                .iter()
                .map(|c| {
                    if c.name() == next {
                        Arc::new(micros(c, rest))
                    } else {
                        c.clone()
                    }
                })
                .collect(),
        ),
        DataType::List(c) | DataType::LargeList(c) | DataType::Map(c, _) if c.name() != next => {
            return micros(field, rest)
        }
        DataType::List(c) => DataType::List(Arc::new(micros(c, rest))),
        DataType::LargeList(c) => DataType::LargeList(Arc::new(micros(c, rest))),
        DataType::Map(c, sorted) => DataType::Map(Arc::new(micros(c, rest)), *sorted),
        _ => return field.clone(),
    };
    field.clone().with_data_type(data_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(unit: TimeUnit) -> DataType {
        DataType::Timestamp(unit, None)
    }

    #[test]
    fn nested_int96_paths_reach_their_timestamp() {
        let element = Field::new("element", ts(TimeUnit::Nanosecond), true);
        let list = Field::new("a", DataType::List(Arc::new(element)), true);
        let path = ["list".to_string(), "element".to_string()];
        let got = micros(&list, &path);
        let DataType::List(child) = got.data_type() else {
            panic!("{got:?}")
        };
        assert_eq!(child.data_type(), &ts(TimeUnit::Microsecond));

        let other = Field::new("b", ts(TimeUnit::Nanosecond), true);
        let s = Field::new(
            "s",
            DataType::Struct(vec![Field::new("t", ts(TimeUnit::Nanosecond), true), other].into()),
            true,
        );
        let got = micros(&s, &["t".to_string()]);
        let DataType::Struct(children) = got.data_type() else {
            panic!("{got:?}")
        };
        assert_eq!(children[0].data_type(), &ts(TimeUnit::Microsecond));
        assert_eq!(
            children[1].data_type(),
            &ts(TimeUnit::Nanosecond),
            "only the INT96 column"
        );
    }
}
