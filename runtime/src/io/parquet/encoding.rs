//! How each column of a part file is encoded.
//!
//! Parquet's dictionary encoding stores each distinct value once and the
//! column as small integer indices (RLE and bit-packed). It pays when
//! values repeat (money in cents, rounded coordinates, durations in whole
//! seconds, categories): the data pages shrink to a few bits a value, and
//! with them the bytes zstd must compress. It costs when they do not
//! (raw coordinates, timestamps, distances): every value is hashed into a
//! dictionary that grows until the writer gives up on it and falls back to
//! plain encoding, work thrown away for each row group.
//!
//! Integers, text and booleans keep the writer's default (dictionary on).
//! Floats, timestamps and durations, which are mostly distinct in general
//! but not always, are decided from the data: a column gets a dictionary
//! when its values in the first rows the writer is given repeat on average
//! at least [`REPEATS`] times. Where they do not, floats are plain, and
//! timestamps and durations are delta-encoded (`DELTA_BINARY_PACKED`, in
//! every Parquet reader since format 2.0): 64-bit values whose differences
//! need fewer bits, which is less for zstd to compress, and far less when
//! they are sorted. The decision depends on the partition's data only, so
//! the same input still gives the same bytes.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use arrow::array::{Array, ArrayData, ArrayRef};
use arrow::buffer::ScalarBuffer;
use arrow::datatypes::DataType;

/// How many times, on average, a value must occur in the sample for the
/// column to get a dictionary.
pub const REPEATS: usize = 4;

/// At most this many rows of the first batch are looked at.
pub const SAMPLE_ROWS: usize = 1 << 16;

/// How a column whose type is decided by its data is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Dictionary, falling back to plain if it grows too large.
    Dictionary,
    Plain,
    /// `DELTA_BINARY_PACKED`.
    Delta,
}

impl Choice {
    /// The choice for a column of `data_type` whose first rows to be
    /// written are `sample` (None: no rows), or None where the column keeps
    /// the writer's default (integers, text, booleans, nested types).
    pub fn of(data_type: &DataType, sample: Option<&ArrayRef>) -> Option<Choice> {
        use DataType::*;
        let otherwise = match data_type {
            Float16 | Float32 | Float64 => Choice::Plain,
            Timestamp(..) | Duration(_) => Choice::Delta,
            _ => return None,
        };
        Some(if sample.is_some_and(pays) {
            Choice::Dictionary
        } else {
            otherwise
        })
    }
}

/// Whether `column`'s values repeat enough for a dictionary to pay: at
/// least [`REPEATS`] non-null values for each distinct one among the first
/// [`SAMPLE_ROWS`]. A column of nulls only, or an empty one, gets none.
fn pays(column: &ArrayRef) -> bool {
    let column = column.slice(0, column.len().min(SAMPLE_ROWS));
    let data = column.to_data();
    let valid = column.len() - column.null_count();
    let most = valid / REPEATS;
    let within = match data.data_type().primitive_width() {
        Some(2) => distinct_within::<u16>(&data, most),
        Some(4) => distinct_within::<u32>(&data, most),
        Some(8) => distinct_within::<u64>(&data, most),
        _ => return false,
    };
    valid > 0 && within
}

/// Whether the valid values of a fixed-width column have at most `most`
/// distinct bit patterns (so -0.0 and 0.0 are two, as they are to the
/// dictionary encoder). Stops counting as soon as they have more: a column
/// of distinct values costs a quarter of its sample.
fn distinct_within<T>(data: &ArrayData, most: usize) -> bool
where
    T: arrow::datatypes::ArrowNativeType + Into<u64>,
{
    let Some(values) = data.buffers().first() else {
        return true;
    };
    let values = ScalarBuffer::<T>::new(values.clone(), data.offset(), data.len());
    let nulls = data.nulls();
    let mut seen: HashSet<u64, BuildHasherDefault<Multiply>> =
        HashSet::with_capacity_and_hasher(most.min(4096), Default::default());
    for (i, v) in values.iter().enumerate() {
        let valid = nulls.is_none_or(|n| n.is_valid(i));
        if valid && seen.insert((*v).into()) && seen.len() > most {
            return false;
        }
    }
    true
}

/// A hasher for one `u64` at a time: a multiply and a rotate, enough to
/// spread the bits of numbers for a set that only counts them (the
/// standard SipHash costs more than the rest of the count).
#[derive(Default)]
struct Multiply(u64);

impl Hasher for Multiply {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0 ^ value)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(26);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{DurationMillisecondArray, Float32Array, Float64Array};

    use super::*;

    #[test]
    fn repeated_values_pay_and_distinct_ones_do_not() {
        let cents: ArrayRef = Arc::new(Float32Array::from_iter_values(
            (0..10_000).map(|i| (i % 500) as f32 / 100.0),
        ));
        assert!(pays(&cents));
        let unique: ArrayRef = Arc::new(Float64Array::from_iter_values(
            (0..10_000).map(|i| i as f64 * 1e-3),
        ));
        assert!(!pays(&unique));
    }

    #[test]
    fn the_threshold_is_repeats_per_distinct_value() {
        let at = |distinct: i64| -> ArrayRef {
            Arc::new(DurationMillisecondArray::from_iter_values(
                (0..4_000).map(move |i| i % distinct),
            ))
        };
        assert!(pays(&at(1_000)));
        assert!(!pays(&at(1_001)));
    }

    #[test]
    fn nulls_are_not_values_and_a_null_column_gets_no_dictionary() {
        let mostly_null: ArrayRef = Arc::new(Float32Array::from_iter(
            (0..1_000).map(|i| (i % 100 == 0).then_some(i as f32)),
        ));
        assert!(!pays(&mostly_null));
        let nulls: ArrayRef = Arc::new(Float32Array::from(vec![None::<f32>; 100]));
        assert!(!pays(&nulls));
        let empty: ArrayRef = Arc::new(Float32Array::from(Vec::<f32>::new()));
        assert!(!pays(&empty));
    }

    #[test]
    fn what_does_not_repeat_is_plain_or_delta_and_other_types_keep_the_default() {
        let unique: ArrayRef = Arc::new(DurationMillisecondArray::from_iter_values(0..1_000));
        let repeated: ArrayRef = Arc::new(DurationMillisecondArray::from_iter_values(
            (0..1_000).map(|i| i % 10),
        ));
        let duration = unique.data_type().clone();
        assert_eq!(Choice::of(&duration, Some(&unique)), Some(Choice::Delta));
        assert_eq!(
            Choice::of(&duration, Some(&repeated)),
            Some(Choice::Dictionary)
        );
        assert_eq!(Choice::of(&duration, None), Some(Choice::Delta));
        assert_eq!(Choice::of(&DataType::Float64, None), Some(Choice::Plain));
        assert_eq!(Choice::of(&DataType::Int64, Some(&unique)), None);
        assert_eq!(Choice::of(&DataType::Utf8, None), None);
    }

    #[test]
    fn a_sliced_column_is_read_from_its_offset() {
        let base =
            Float32Array::from_iter_values(
                (0..2_000).map(|i| if i < 1_000 { i as f32 } else { 1.0 }),
            );
        let tail: ArrayRef = Arc::new(base.slice(1_000, 1_000));
        assert!(pays(&tail));
        let head: ArrayRef = Arc::new(base.slice(0, 1_000));
        assert!(!pays(&head));
    }
}
