//! The Arrow types some columns are read as, where the reader's default
//! would lose data.
//!
//! **INT96 timestamps are read as microseconds.** INT96 (deprecated,
//! written by Spark, Hive and Impala) holds a day and the nanoseconds
//! within it. Read as Arrow's default, int64 nanoseconds, any instant
//! outside 1677-09-21..2262-04-11 wraps silently into a wrong date (pyarrow
//! does the same) — and Spark data is full of such instants: `9999-12-31`
//! is the usual "no end" sentinel. Spark's own timestamps are
//! microseconds, so reading INT96 at that unit keeps every instant Spark
//! wrote, exactly, over ±294,000 years. What is lost: the sub-microsecond
//! digits of nanosecond INT96 (Impala), which no job so far needs; a date
//! that is right matters more than a nanosecond that fits.
//!
//! **Byte arrays of more than 2 GiB in a column chunk are read as
//! `large_utf8` / `large_binary`** (64-bit offsets): with 32-bit offsets a
//! batch of them overflows ("index overflow decoding byte array").
//! Smaller chunks keep `utf8` / `binary`, whose batches cannot overflow.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, FieldRef, Schema, TimeUnit};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use parquet::basic::Type as PhysicalType;
use parquet::file::metadata::ParquetMetaData;

/// How a leaf column's Arrow type is changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    /// `timestamp[ns]` to `timestamp[us]`.
    Micros,
    /// `utf8` / `binary` to their large forms.
    Large,
}

/// `metadata` with its INT96 columns read as microseconds and its huge
/// byte-array columns as large types (unchanged when it has neither).
pub fn adjust(metadata: ArrowReaderMetadata) -> parquet::errors::Result<ArrowReaderMetadata> {
    let changes = leaf_changes(metadata.metadata());
    if changes.is_empty() {
        return Ok(metadata);
    }
    let schema = metadata.schema();
    let mut fields: Vec<FieldRef> = schema.fields().iter().cloned().collect();
    for (path, change) in &changes {
        for field in fields.iter_mut().filter(|f| f.name() == &path[0]) {
            *field = Arc::new(retype(field, &path[1..], *change));
        }
    }
    let schema = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
    ArrowReaderMetadata::try_new(
        metadata.metadata().clone(),
        ArrowReaderOptions::new().with_schema(schema),
    )
}

/// The leaf columns (by path) whose type changes.
fn leaf_changes(metadata: &ParquetMetaData) -> Vec<(Vec<String>, Change)> {
    let huge = |i: usize| {
        metadata
            .row_groups()
            .iter()
            .any(|g| g.column(i).uncompressed_size() > i64::from(i32::MAX))
    };
    let leaves = metadata.file_metadata().schema_descr().columns().iter();
    leaves
        .enumerate()
        .filter_map(|(i, c)| {
            let change = match c.physical_type() {
                PhysicalType::INT96 => Change::Micros,
                PhysicalType::BYTE_ARRAY if huge(i) => Change::Large,
                _ => return None,
            };
            Some((c.path().parts().to_vec(), change))
        })
        .collect()
}

/// The leaf's new type, if `change` applies to it.
fn changed(data_type: &DataType, change: Change) -> Option<DataType> {
    Some(match (data_type, change) {
        (DataType::Timestamp(TimeUnit::Nanosecond, tz), Change::Micros) => {
            DataType::Timestamp(TimeUnit::Microsecond, tz.clone())
        }
        (DataType::Utf8, Change::Large) => DataType::LargeUtf8,
        (DataType::Binary, Change::Large) => DataType::LargeBinary,
        _ => return None,
    })
}

/// `field` with the leaf at `path` (the Parquet path below it) changed.
/// Path parts with no Arrow counterpart (a list's `list` group, a map's
/// `key_value`) are skipped.
fn retype(field: &Field, path: &[String], change: Change) -> Field {
    let Some((next, rest)) = path.split_first() else {
        return match changed(field.data_type(), change) {
            Some(data_type) => field.clone().with_data_type(data_type),
            None => field.clone(),
        };
    };
    let data_type = match field.data_type() {
        DataType::Struct(children) => DataType::Struct(
            children
                .iter()
                .map(|c| {
                    if c.name() == next {
                        Arc::new(retype(c, rest, change))
                    } else {
                        c.clone()
                    }
                })
                .collect(),
        ),
        DataType::List(c) | DataType::LargeList(c) | DataType::Map(c, _) if c.name() != next => {
            return retype(field, rest, change)
        }
        DataType::List(c) => DataType::List(Arc::new(retype(c, rest, change))),
        DataType::LargeList(c) => DataType::LargeList(Arc::new(retype(c, rest, change))),
        DataType::Map(c, sorted) => DataType::Map(Arc::new(retype(c, rest, change)), *sorted),
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
        let got = retype(&list, &path, Change::Micros);
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
        let got = retype(&s, &["t".to_string()], Change::Micros);
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

    /// A map's string keys past 2 GiB in one column chunk become
    /// `large_utf8`; the INT96 column becomes microseconds; the rest stays.
    #[test]
    fn huge_byte_arrays_and_int96_are_the_changed_leaves() {
        use parquet::file::metadata::{
            ColumnChunkMetaData, FileMetaData, ParquetMetaDataBuilder, RowGroupMetaData,
        };
        use parquet::schema::{parser::parse_message_type, types::SchemaDescriptor};
        let message = "message m { optional group arr (MAP) { repeated group key_value { \
                       required binary key (UTF8); optional int32 value; } } \
                       optional binary small (UTF8); optional int96 ts; }";
        let descr = Arc::new(SchemaDescriptor::new(Arc::new(
            parse_message_type(message).unwrap(),
        )));
        let sizes = [3i64 << 30, 10, 10, 10];
        let columns = sizes
            .iter()
            .enumerate()
            .map(|(i, &size)| {
                ColumnChunkMetaData::builder(descr.column(i))
                    .set_total_uncompressed_size(size)
                    .build()
                    .unwrap()
            })
            .collect();
        let group = RowGroupMetaData::builder(descr.clone())
            .set_column_metadata(columns)
            .build()
            .unwrap();
        let file = FileMetaData::new(1, 0, None, None, descr, None);
        let metadata = ParquetMetaDataBuilder::new(file)
            .add_row_group(group)
            .build();
        let changes = leaf_changes(&metadata);
        let path = |p: &str| p.split('.').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            changes,
            vec![
                (path("arr.key_value.key"), Change::Large),
                (path("ts"), Change::Micros)
            ]
        );

        let entries = Field::new(
            "key_value",
            DataType::Struct(
                vec![
                    Field::new("key", DataType::Utf8, false),
                    Field::new("value", DataType::Int32, true),
                ]
                .into(),
            ),
            false,
        );
        let map = Field::new("arr", DataType::Map(Arc::new(entries), false), true);
        let got = retype(&map, &changes[0].0[1..], Change::Large);
        let DataType::Map(entries, _) = got.data_type() else {
            panic!("{got:?}")
        };
        let DataType::Struct(children) = entries.data_type() else {
            panic!("{entries:?}")
        };
        assert_eq!(children[0].data_type(), &DataType::LargeUtf8);
        assert_eq!(children[1].data_type(), &DataType::Int32);
    }
}
