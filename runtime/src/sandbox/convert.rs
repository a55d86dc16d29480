//! Arrow arrays to and from the boundary's buffers.
//!
//! Inputs are lent to the guest as slices of Arrow's own buffers (the
//! canonical ABI copies them into guest memory: one memcpy). Outputs come
//! back as vectors and become Arrow buffers without another copy, after full
//! validation: a guest is never trusted to produce valid offsets or UTF-8.

use std::borrow::Cow;

use arrow::array::{make_array, ArrayData, ArrayRef};
use arrow::buffer::{BooleanBuffer, Buffer};
use arrow::datatypes::DataType;

use super::bindings::wasmprep::plugin::types::{ColumnParam, ColumnResult};

/// The byte buffers of one input column, borrowed where Arrow's layout
/// already matches the boundary's and rebuilt where it does not (a sliced
/// array whose bitmaps start mid-byte or whose offsets do not start at 0).
pub(crate) struct LentColumn<'a> {
    len: usize,
    null_count: usize,
    validity: Option<Cow<'a, [u8]>>,
    offsets: Option<Cow<'a, [u8]>>,
    values: Cow<'a, [u8]>,
}

impl<'a> LentColumn<'a> {
    pub fn param(&self) -> ColumnParam<'_> {
        ColumnParam {
            len: self.len as u32,
            null_count: self.null_count as u32,
            validity: self.validity.as_deref(),
            offsets: self.offsets.as_deref(),
            values: &self.values,
        }
    }
}

/// Bits `offset..offset + len` of a buffer, as bytes starting at bit 0.
fn bitmap(buffer: &Buffer, offset: usize, len: usize) -> Cow<'_, [u8]> {
    let bytes = len.div_ceil(8);
    if offset.is_multiple_of(8) {
        Cow::Borrowed(&buffer.as_slice()[offset / 8..offset / 8 + bytes])
    } else {
        let bits = BooleanBuffer::new(buffer.clone(), offset, len);
        Cow::Owned(bits.sliced().as_slice()[..bytes].to_vec())
    }
}

fn fixed_width(data_type: &DataType) -> Option<usize> {
    use DataType::*;
    Some(match data_type {
        Int8 | UInt8 => 1,
        Int16 | UInt16 => 2,
        Int32 | UInt32 | Float32 | Date32 => 4,
        Int64 | UInt64 | Float64 | Timestamp(..) | Duration(_) => 8,
        _ => return None,
    })
}

fn offset_width(data_type: &DataType) -> Option<usize> {
    use DataType::*;
    match data_type {
        Utf8 | Binary => Some(4),
        LargeUtf8 | LargeBinary => Some(8),
        _ => None,
    }
}

/// Lends `data`'s buffers. The type must be one the contract allows (the
/// contract check guarantees it).
pub(crate) fn lend(data: &ArrayData) -> LentColumn<'_> {
    let (offset, len) = (data.offset(), data.len());
    let validity = data
        .nulls()
        .filter(|n| n.null_count() > 0)
        .map(|n| bitmap(n.buffer(), n.offset(), n.len()));
    let null_count = data.null_count();
    let dt = data.data_type();
    if let Some(w) = fixed_width(dt) {
        let values = &data.buffers()[0].as_slice()[offset * w..(offset + len) * w];
        return LentColumn {
            len,
            null_count,
            validity,
            offsets: None,
            values: Cow::Borrowed(values),
        };
    }
    if let Some(w) = offset_width(dt) {
        let raw = &data.buffers()[0].as_slice()[offset * w..(offset + len + 1) * w];
        let read = |i: usize| wasmprep_contract::offsets::read_offset(raw, w, i);
        let (start, end) = (read(0), read(len));
        let values = &data.buffers()[1].as_slice()[start..end];
        let offsets = if start == 0 {
            Cow::Borrowed(raw)
        } else {
            Cow::Owned(wasmprep_contract::offsets::rebased(raw, w, len))
        };
        return LentColumn {
            len,
            null_count,
            validity,
            offsets: Some(offsets),
            values: Cow::Borrowed(values),
        };
    }
    debug_assert_eq!(dt, &DataType::Boolean);
    LentColumn {
        len,
        null_count,
        validity,
        offsets: None,
        values: bitmap(&data.buffers()[0], offset, len),
    }
}

/// Turns a returned column into an Arrow array of `data_type` and `rows`
/// rows, validating every buffer.
pub(crate) fn adopt(
    column: ColumnResult,
    data_type: &DataType,
    rows: usize,
) -> Result<ArrayRef, String> {
    if column.len as usize != rows {
        return Err(format!("{} rows for a batch of {rows}", column.len));
    }
    let mut builder = ArrayData::builder(data_type.clone()).len(rows);
    if let Some(bits) = column.validity {
        if bits.len() < rows.div_ceil(8) {
            return Err(format!(
                "a validity bitmap of {} bytes for {rows} rows",
                bits.len()
            ));
        }
        builder = builder.null_bit_buffer(Some(Buffer::from_vec(bits)));
    }
    if offset_width(data_type).is_some() {
        let Some(offsets) = column.offsets else {
            return Err(format!(
                "no offsets buffer for a {} column",
                crate::schema::type_name(data_type)
            ));
        };
        builder = builder.add_buffer(Buffer::from_vec(offsets));
    }
    let data = builder
        .add_buffer(Buffer::from_vec(column.values))
        .align_buffers(true)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(make_array(data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, BooleanArray, Int64Array, StringArray};

    fn round_trip(array: &dyn Array) -> ArrayRef {
        let data = array.to_data();
        let lent = lend(&data);
        let p = lent.param();
        let result = ColumnResult {
            len: p.len,
            null_count: p.null_count,
            validity: p.validity.map(<[u8]>::to_vec),
            offsets: p.offsets.map(<[u8]>::to_vec),
            values: p.values.to_vec(),
        };
        adopt(result, array.data_type(), array.len()).unwrap()
    }

    #[test]
    fn sliced_arrays_cross_with_their_nulls() {
        let ints = Int64Array::from(vec![
            Some(1),
            None,
            Some(3),
            Some(4),
            None,
            Some(6),
            Some(7),
            Some(8),
            None,
            Some(10),
        ]);
        let sliced = ints.slice(3, 6);
        assert_eq!(round_trip(&sliced).as_ref(), &sliced as &dyn Array);

        let strings = StringArray::from(vec![Some("a"), None, Some("héllo"), Some(""), Some("z")]);
        let sliced = strings.slice(2, 3);
        assert_eq!(round_trip(&sliced).as_ref(), &sliced as &dyn Array);

        let bools = BooleanArray::from(vec![Some(true), Some(false), None, Some(true), Some(true)]);
        let sliced = bools.slice(1, 4);
        assert_eq!(round_trip(&sliced).as_ref(), &sliced as &dyn Array);
    }

    #[test]
    fn bad_buffers_are_refused() {
        let bad_utf8 = ColumnResult {
            len: 1,
            null_count: 0,
            validity: None,
            offsets: Some([0i32, 2].iter().flat_map(|o| o.to_le_bytes()).collect()),
            values: vec![0xff, 0xfe],
        };
        assert!(adopt(bad_utf8, &DataType::Utf8, 1)
            .unwrap_err()
            .contains("UTF8"));
        let short = ColumnResult {
            len: 4,
            null_count: 0,
            validity: None,
            offsets: None,
            values: vec![0; 8],
        };
        assert!(adopt(short, &DataType::Int64, 4).is_err());
        let wrong_len = ColumnResult {
            len: 3,
            null_count: 0,
            validity: None,
            offsets: None,
            values: vec![0; 24],
        };
        assert!(adopt(wrong_len, &DataType::Int64, 4)
            .unwrap_err()
            .contains("3 rows"));
    }
}
