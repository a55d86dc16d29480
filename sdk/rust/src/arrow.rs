//! Arrow arrays in a plugin (feature `arrow`): turn an input column into an
//! arrow-rs array to use arrow's compute kernels, and an array back into an
//! output column.
//!
//! ```
//! use arrow_array::{Array, Float64Array};
//! use wasmprep_sdk::Column;
//!
//! let column = Column::from_options([Some(1.5f64), None, Some(4.0)]);
//! let array = column.clone().into_arrow().unwrap();
//! let floats = array.as_any().downcast_ref::<Float64Array>().unwrap();
//! assert_eq!(floats.value(2), 4.0);
//! assert!(floats.is_null(1));
//!
//! let back = Column::from_arrow(&array).unwrap();
//! assert_eq!(back.primitive::<f64>().unwrap().iter().collect::<Vec<_>>(), vec![Some(1.5), None, Some(4.0)]);
//! ```

use std::sync::Arc;

use arrow_array::{make_array, Array, ArrayRef};
use arrow_buffer::{BooleanBuffer, Buffer};
use arrow_data::ArrayData;
use arrow_schema::{DataType as ArrowType, TimeUnit as ArrowUnit};

use crate::buffer::Bytes;
use crate::types::Layout;
use crate::{Column, DataType, Error, Result, TimeUnit};

fn unit_to_arrow(u: TimeUnit) -> ArrowUnit {
    match u {
        TimeUnit::Second => ArrowUnit::Second,
        TimeUnit::Millisecond => ArrowUnit::Millisecond,
        TimeUnit::Microsecond => ArrowUnit::Microsecond,
        TimeUnit::Nanosecond => ArrowUnit::Nanosecond,
    }
}

fn unit_from_arrow(u: &ArrowUnit) -> TimeUnit {
    match u {
        ArrowUnit::Second => TimeUnit::Second,
        ArrowUnit::Millisecond => TimeUnit::Millisecond,
        ArrowUnit::Microsecond => TimeUnit::Microsecond,
        ArrowUnit::Nanosecond => TimeUnit::Nanosecond,
    }
}

/// Conversions between the boundary [`DataType`] and arrow-rs's (the
/// boundary type is defined in `wasmprep-contract`, which has no arrow
/// dependency, so they come with this trait: `use wasmprep_sdk::DataTypeExt`).
pub trait DataTypeExt: Sized {
    /// The arrow-rs type.
    fn to_arrow(&self) -> ArrowType;

    /// The boundary type of an arrow-rs type, if it has one.
    fn from_arrow(t: &ArrowType) -> Option<Self>;
}

impl DataTypeExt for DataType {
    fn to_arrow(&self) -> ArrowType {
        use DataType::*;
        match self {
            Boolean => ArrowType::Boolean,
            Int8 => ArrowType::Int8,
            Int16 => ArrowType::Int16,
            Int32 => ArrowType::Int32,
            Int64 => ArrowType::Int64,
            UInt8 => ArrowType::UInt8,
            UInt16 => ArrowType::UInt16,
            UInt32 => ArrowType::UInt32,
            UInt64 => ArrowType::UInt64,
            Float32 => ArrowType::Float32,
            Float64 => ArrowType::Float64,
            Utf8 => ArrowType::Utf8,
            LargeUtf8 => ArrowType::LargeUtf8,
            Binary => ArrowType::Binary,
            LargeBinary => ArrowType::LargeBinary,
            Date32 => ArrowType::Date32,
            Timestamp(u, tz) => {
                ArrowType::Timestamp(unit_to_arrow(*u), tz.as_deref().map(Arc::from))
            }
            Duration(u) => ArrowType::Duration(unit_to_arrow(*u)),
        }
    }

    fn from_arrow(t: &ArrowType) -> Option<DataType> {
        use DataType::*;
        Some(match t {
            ArrowType::Boolean => Boolean,
            ArrowType::Int8 => Int8,
            ArrowType::Int16 => Int16,
            ArrowType::Int32 => Int32,
            ArrowType::Int64 => Int64,
            ArrowType::UInt8 => UInt8,
            ArrowType::UInt16 => UInt16,
            ArrowType::UInt32 => UInt32,
            ArrowType::UInt64 => UInt64,
            ArrowType::Float32 => Float32,
            ArrowType::Float64 => Float64,
            ArrowType::Utf8 => Utf8,
            ArrowType::LargeUtf8 => LargeUtf8,
            ArrowType::Binary => Binary,
            ArrowType::LargeBinary => LargeBinary,
            ArrowType::Date32 => Date32,
            ArrowType::Timestamp(u, tz) => {
                Timestamp(unit_from_arrow(u), tz.as_deref().map(str::to_string))
            }
            ArrowType::Duration(u) => Duration(unit_from_arrow(u)),
            _ => return None,
        })
    }
}

fn buffer(bytes: Bytes) -> Buffer {
    Buffer::from_vec(bytes.into_vec())
}

/// The bytes of a buffer, without a copy when arrow gives its vector back.
fn bytes(buffer: Buffer) -> Vec<u8> {
    buffer
        .into_vec::<u8>()
        .unwrap_or_else(|b| b.as_slice().to_vec())
}

impl Column {
    /// The column as an arrow-rs array. Its buffers move into the array
    /// without a copy (unless they had to be realigned on arrival).
    pub fn into_arrow(self) -> Result<ArrayRef> {
        let mut builder = ArrayData::builder(self.data_type.to_arrow()).len(self.len);
        if let Some(v) = self.validity {
            builder = builder.null_bit_buffer(Some(buffer(v)));
        }
        if let Some(o) = self.offsets {
            builder = builder.add_buffer(buffer(o));
        }
        let data = builder
            .add_buffer(buffer(self.values))
            .align_buffers(true)
            .build()
            .map_err(|e| Error::failure(format!("not a valid Arrow array: {e}")))?;
        Ok(make_array(data))
    }

    /// A column from an arrow-rs array of a type the boundary carries.
    /// Sliced arrays are rebased to start at row 0; buffers are moved when
    /// arrow gives them back whole, copied otherwise.
    pub fn from_arrow(array: &dyn Array) -> Result<Column> {
        let data_type = DataType::from_arrow(array.data_type()).ok_or_else(|| {
            Error::failure(format!(
                "Arrow type {} does not cross the plugin boundary",
                array.data_type()
            ))
        })?;
        let data = array.to_data();
        let (len, offset) = (data.len(), data.offset());
        let validity = data
            .nulls()
            .filter(|n| n.null_count() > 0)
            .map(|n| bytes(n.inner().sliced()));
        let buffer = |i: usize| {
            data.buffers()
                .get(i)
                .cloned()
                .unwrap_or_else(|| Buffer::from_vec(Vec::<u8>::new()))
        };
        let (offsets, values) = match Layout::of(&data_type) {
            Layout::Bits => (
                None,
                bytes(BooleanBuffer::new(buffer(0), offset, len).sliced()),
            ),
            Layout::Fixed(w) => (
                None,
                bytes(buffer(0).slice_with_length(offset * w, len * w)),
            ),
            Layout::Variable(w) => {
                let raw = buffer(0);
                let raw_from = &raw.as_slice()[offset * w..];
                let read = |i: usize| wasmprep_contract::offsets::read_offset(raw_from, w, i);
                let (first, last) = (read(0), read(len));
                let values = bytes(buffer(1).slice_with_length(first, last - first));
                let offsets = if first == 0 {
                    bytes(raw.slice_with_length(offset * w, (len + 1) * w))
                } else {
                    wasmprep_contract::offsets::rebased(raw_from, w, len)
                };
                (Some(offsets), values)
            }
        };
        Column::from_buffers(data_type, len, validity, offsets, values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Int64Array, StringArray, TimestampMillisecondArray};

    #[test]
    fn columns_and_arrays_round_trip_with_nulls_slices_and_types() {
        let strings = StringArray::from(vec![Some("a"), None, Some("héllo"), Some("z")]);
        let sliced = strings.slice(1, 3);
        let column = Column::from_arrow(&sliced).unwrap();
        assert_eq!(
            column.utf8().unwrap().iter().collect::<Vec<_>>(),
            vec![None, Some("héllo"), Some("z")]
        );
        assert_eq!(column.into_arrow().unwrap().as_ref(), &sliced as &dyn Array);

        let ts = TimestampMillisecondArray::from(vec![1_000, 2_000]).with_timezone("UTC");
        let column = Column::from_arrow(&ts).unwrap();
        assert_eq!(
            column.data_type(),
            &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
        );
        assert_eq!(column.into_arrow().unwrap().as_ref(), &ts as &dyn Array);

        let ints = Int64Array::from(vec![Some(1), None, Some(3)]);
        let sum: i64 = Column::from_arrow(&ints)
            .unwrap()
            .primitive::<i64>()
            .unwrap()
            .iter()
            .flatten()
            .sum();
        assert_eq!(sum, 4);
    }
}
