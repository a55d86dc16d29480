//! Builders for output columns and row selections.

use std::marker::PhantomData;

use crate::buffer::{pack_bits, Bytes};
use crate::column::{Column, Native};
use crate::types::DataType;

/// Validity bits, materialised at the first null.
#[derive(Debug, Default)]
struct ValidityBuilder {
    bits: Option<Vec<u8>>,
    nulls: usize,
}

impl ValidityBuilder {
    #[inline]
    fn push(&mut self, len_before: usize, valid: bool) {
        if valid {
            if let Some(bits) = &mut self.bits {
                set_bit(bits, len_before, true);
            }
            return;
        }
        let bits = self.bits.get_or_insert_with(|| {
            let mut bits = Vec::with_capacity(len_before.div_ceil(8) + 64);
            bits.resize(len_before / 8, 0xff);
            if !len_before.is_multiple_of(8) {
                bits.push((1u8 << (len_before % 8)) - 1);
            }
            bits
        });
        set_bit(bits, len_before, false);
        self.nulls += 1;
    }

    /// The column of `len` rows these validity bits belong to.
    fn column(
        self,
        data_type: DataType,
        len: usize,
        offsets: Option<Bytes>,
        values: Bytes,
    ) -> Column {
        let (validity, null_count) = self.finish();
        Column {
            data_type,
            len,
            null_count,
            validity: validity.map(Into::into),
            offsets,
            values,
        }
    }

    fn finish(self) -> (Option<Vec<u8>>, usize) {
        (self.bits, self.nulls)
    }
}

#[inline]
fn set_bit(bits: &mut Vec<u8>, i: usize, value: bool) {
    if i / 8 >= bits.len() {
        bits.push(0);
    }
    if value {
        bits[i / 8] |= 1 << (i % 8);
    }
}

/// Builds a fixed-width column of `T` values.
///
/// ```
/// use wasmprep_sdk::{DataType, PrimitiveBuilder};
///
/// let mut b = PrimitiveBuilder::<i32>::with_capacity(3);
/// b.push(7);
/// b.push_null();
/// b.push_option(Some(9));
/// let column = b.finish();
/// assert_eq!(column.data_type(), &DataType::Int32);
/// let view = column.primitive::<i32>().unwrap();
/// assert_eq!(view.iter().collect::<Vec<_>>(), vec![Some(7), None, Some(9)]);
/// ```
#[derive(Debug)]
pub struct PrimitiveBuilder<T> {
    values: Vec<u8>,
    len: usize,
    validity: ValidityBuilder,
    data_type: DataType,
    _t: PhantomData<T>,
}

impl<T: Native> PrimitiveBuilder<T> {
    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_type(T::default_type(), capacity)
    }

    /// A builder whose column has `data_type`, which `T` must be able to
    /// represent (`i64` for timestamp and duration, `i32` for date32).
    pub fn with_type(data_type: DataType, capacity: usize) -> Self {
        assert!(
            T::accepts(&data_type),
            "{data_type} is not built from {}",
            std::any::type_name::<T>()
        );
        PrimitiveBuilder {
            values: Vec::with_capacity(capacity * std::mem::size_of::<T>()),
            len: 0,
            validity: ValidityBuilder::default(),
            data_type,
            _t: PhantomData,
        }
    }

    #[inline]
    pub fn push(&mut self, value: T) {
        let size = std::mem::size_of::<T>();
        self.values.reserve(size);
        // SAFETY: `reserve` made room for one more value; `write_unaligned`
        // has no alignment requirement and `T: Pod` has no padding.
        unsafe {
            let end = self.values.as_mut_ptr().add(self.values.len());
            end.cast::<T>().write_unaligned(value);
            self.values.set_len(self.values.len() + size);
        }
        if self.validity.bits.is_some() {
            self.validity.push(self.len, true);
        }
        self.len += 1;
    }

    #[inline]
    pub fn push_null(&mut self) {
        self.validity.push(self.len, false);
        let size = std::mem::size_of::<T>();
        self.values.resize(self.values.len() + size, 0);
        self.len += 1;
    }

    #[inline]
    pub fn push_option(&mut self, value: Option<T>) {
        match value {
            Some(v) => self.push(v),
            None => self.push_null(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn finish(self) -> Column {
        (self.validity).column(self.data_type, self.len, None, self.values.into())
    }
}

impl<T: Native> FromIterator<T> for PrimitiveBuilder<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut b = Self::with_capacity(iter.size_hint().0);
        iter.for_each(|v| b.push(v));
        b
    }
}

impl<T: Native> FromIterator<Option<T>> for PrimitiveBuilder<T> {
    fn from_iter<I: IntoIterator<Item = Option<T>>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut b = Self::with_capacity(iter.size_hint().0);
        iter.for_each(|v| b.push_option(v));
        b
    }
}

impl Column {
    /// A column without nulls from values, of `T`'s default type.
    pub fn from_values<T: Native>(values: impl IntoIterator<Item = T>) -> Column {
        values.into_iter().collect::<PrimitiveBuilder<T>>().finish()
    }

    /// A column without nulls of `len` values `f(0) .. f(len - 1)`, of `T`'s
    /// default type: the fastest way to build a column.
    pub fn from_fn<T: Native>(len: usize, mut f: impl FnMut(usize) -> T) -> Column {
        let size = std::mem::size_of::<T>();
        // Checked: on wasm32 an unchecked product wraps, and the loop below
        // would write past a small allocation.
        let bytes = len
            .checked_mul(size)
            .expect("Column::from_fn: the column's size overflows usize");
        let mut values: Vec<u8> = Vec::with_capacity(bytes);
        let out = values.as_mut_ptr().cast::<T>();
        for i in 0..len {
            // SAFETY: capacity holds `bytes = len * size` bytes, so `len`
            // values; unaligned writes are fine.
            unsafe { out.add(i).write_unaligned(f(i)) };
        }
        // SAFETY: the first `bytes` bytes were written above (T: Pod has no
        // padding, so every byte of each value is initialised).
        unsafe { values.set_len(bytes) };
        Column {
            data_type: T::default_type(),
            len,
            null_count: 0,
            validity: None,
            offsets: None,
            values: values.into(),
        }
    }

    /// The column with nulls wherever any of `validities` (typically the
    /// inputs it was computed from) has one.
    pub fn with_nulls_from(mut self, validities: &[Option<crate::Bitmap<'_>>]) -> Column {
        let present: Vec<&crate::Bitmap<'_>> = validities.iter().flatten().collect();
        if present.is_empty() {
            return self;
        }
        let bytes = self.len.div_ceil(8);
        let mut bits = match &self.validity {
            Some(own) => own.as_bytes()[..bytes].to_vec(),
            None => vec![0xff; bytes],
        };
        for v in present {
            assert_eq!(
                v.len(),
                self.len,
                "validity of {} rows for {} values",
                v.len(),
                self.len
            );
            for (b, o) in bits.iter_mut().zip(v.as_bytes()) {
                *b &= o;
            }
        }
        self.set_validity(bits);
        self
    }

    /// The column with a null at every row `i` where `null(i)` (and where
    /// it already had one): for values that have no meaning, like a ratio
    /// over a zero.
    ///
    /// ```
    /// use wasmprep_sdk::Column;
    /// let d = [2.0, 0.0, 4.0];
    /// let half = Column::from_fn(3, |i| 1.0 / d[i]).with_nulls_where(|i| d[i] == 0.0);
    /// assert_eq!(half.null_count(), 1);
    /// assert!(!half.is_valid(1));
    /// ```
    pub fn with_nulls_where(mut self, mut null: impl FnMut(usize) -> bool) -> Column {
        let mut bits = pack_bits(self.len, |i| !null(i));
        if let Some(own) = &self.validity {
            for (b, o) in bits.iter_mut().zip(own.as_bytes()) {
                *b &= o;
            }
        }
        self.set_validity(bits);
        self
    }

    /// Makes `bits` the column's validity, counting its nulls (no bitmap
    /// when there are none).
    fn set_validity(&mut self, bits: Vec<u8>) {
        let valid = crate::buffer::count_set_bits(&bits, self.len);
        self.null_count = self.len - valid;
        self.validity = (self.null_count > 0).then(|| bits.into());
    }

    /// A column from optional values, of `T`'s default type.
    pub fn from_options<T: Native>(values: impl IntoIterator<Item = Option<T>>) -> Column {
        values.into_iter().collect::<PrimitiveBuilder<T>>().finish()
    }
}

/// Builds a boolean column.
#[derive(Debug, Default)]
pub struct BoolBuilder {
    values: Vec<u8>,
    len: usize,
    validity: ValidityBuilder,
}

impl BoolBuilder {
    pub fn with_capacity(capacity: usize) -> Self {
        BoolBuilder {
            values: Vec::with_capacity(capacity.div_ceil(8)),
            ..Default::default()
        }
    }

    #[inline]
    pub fn push(&mut self, value: bool) {
        set_bit(&mut self.values, self.len, value);
        if self.validity.bits.is_some() {
            self.validity.push(self.len, true);
        }
        self.len += 1;
    }

    #[inline]
    pub fn push_null(&mut self) {
        set_bit(&mut self.values, self.len, false);
        self.validity.push(self.len, false);
        self.len += 1;
    }

    pub fn push_option(&mut self, value: Option<bool>) {
        match value {
            Some(v) => self.push(v),
            None => self.push_null(),
        }
    }

    pub fn finish(self) -> Column {
        (self.validity).column(DataType::Boolean, self.len, None, self.values.into())
    }
}

/// Builds a utf8 or binary column (i32 offsets), or with
/// [`BytesBuilder::large`] a large_utf8 or large_binary one (i64 offsets).
#[derive(Debug)]
pub struct BytesBuilder {
    data_type: DataType,
    offsets: Vec<u8>,
    data: Vec<u8>,
    len: usize,
    validity: ValidityBuilder,
}

impl BytesBuilder {
    /// A utf8 column builder.
    pub fn utf8(capacity: usize) -> Self {
        Self::new(DataType::Utf8, capacity)
    }

    /// A binary column builder.
    pub fn binary(capacity: usize) -> Self {
        Self::new(DataType::Binary, capacity)
    }

    /// A builder for large_utf8 (`text = true`) or large_binary.
    pub fn large(text: bool, capacity: usize) -> Self {
        Self::new(
            if text {
                DataType::LargeUtf8
            } else {
                DataType::LargeBinary
            },
            capacity,
        )
    }

    fn new(data_type: DataType, capacity: usize) -> Self {
        let mut b = BytesBuilder {
            data_type,
            offsets: Vec::with_capacity((capacity + 1) * 8),
            data: Vec::new(),
            len: 0,
            validity: ValidityBuilder::default(),
        };
        b.push_offset();
        b
    }

    fn is_large(&self) -> bool {
        matches!(self.data_type, DataType::LargeUtf8 | DataType::LargeBinary)
    }

    fn push_offset(&mut self) {
        if self.is_large() {
            self.offsets
                .extend_from_slice(&(self.data.len() as i64).to_le_bytes());
        } else {
            let end = i32::try_from(self.data.len())
                .expect("utf8/binary column over 2 GiB: use a large type");
            self.offsets.extend_from_slice(&end.to_le_bytes());
        }
    }

    /// Appends text (for a binary builder, its UTF-8 bytes).
    pub fn push_str(&mut self, value: &str) {
        self.push_bytes(value.as_bytes());
    }

    /// Appends bytes. For a utf8 builder they must be valid UTF-8: the host
    /// rejects a column that is not.
    pub fn push_bytes(&mut self, value: &[u8]) {
        self.data.extend_from_slice(value);
        self.push_offset();
        if self.validity.bits.is_some() {
            self.validity.push(self.len, true);
        }
        self.len += 1;
    }

    pub fn push_null(&mut self) {
        self.push_offset();
        self.validity.push(self.len, false);
        self.len += 1;
    }

    pub fn finish(self) -> Column {
        let offsets = Some(self.offsets.into());
        (self.validity).column(self.data_type, self.len, offsets, self.data.into())
    }
}

/// Which rows a filtering plugin keeps.
///
/// ```
/// use wasmprep_sdk::Selection;
///
/// let keep = Selection::from_fn(5, |row| row % 2 == 0);
/// assert_eq!(keep.count(), 3);
/// assert!(keep.get(4));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    bits: Vec<u8>,
    len: usize,
}

impl Selection {
    /// Keeps row `i` when `keep(i)`; packs 8 rows per byte.
    pub fn from_fn(len: usize, keep: impl FnMut(usize) -> bool) -> Self {
        Selection {
            bits: pack_bits(len, keep),
            len,
        }
    }

    /// Keeps every row.
    pub fn all(len: usize) -> Self {
        Self::from_fn(len, |_| true)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> bool {
        crate::buffer::get_bit(&self.bits, i)
    }

    /// Number of rows kept.
    pub fn count(&self) -> usize {
        crate::buffer::count_set_bits(&self.bits, self.len)
    }

    /// The packed bitmap.
    pub fn into_bits(self) -> Vec<u8> {
        self.bits
    }
}

#[cfg(test)]
mod tests {

    #[test]
    #[should_panic(expected = "the column's size overflows usize")]
    fn from_fn_refuses_a_size_that_overflows() {
        // On wasm32 `len * 8` would wrap to a small allocation; the loop
        // would then write past it.
        let _ = Column::from_fn::<u64>(usize::MAX / 4, |_| 0);
    }

    use super::*;

    #[test]
    fn nulls_after_values_backfill_validity() {
        let mut b = PrimitiveBuilder::<f64>::with_capacity(0);
        for i in 0..10 {
            b.push(i as f64);
        }
        b.push_null();
        b.push(11.0);
        let c = b.finish();
        assert_eq!(c.null_count(), 1);
        let v = c.primitive::<f64>().unwrap();
        assert_eq!(v.get(9), Some(9.0));
        assert_eq!(v.get(10), None);
        assert_eq!(v.get(11), Some(11.0));
    }

    #[test]
    fn strings_round_trip_with_nulls() {
        let mut b = BytesBuilder::utf8(3);
        b.push_str("a");
        b.push_null();
        b.push_str("héllo");
        let c = b.finish();
        let v = c.utf8().unwrap();
        assert_eq!(
            v.iter().collect::<Vec<_>>(),
            vec![Some("a"), None, Some("héllo")]
        );

        let mut b = BytesBuilder::large(false, 1);
        b.push_bytes(&[0, 1, 2]);
        let c = b.finish();
        assert_eq!(c.binary().unwrap().value(0), &[0, 1, 2]);
    }

    #[test]
    fn bools_round_trip() {
        let mut b = BoolBuilder::with_capacity(3);
        b.push(true);
        b.push_null();
        b.push(false);
        let c = b.finish();
        assert_eq!(
            c.bool().unwrap().iter().collect::<Vec<_>>(),
            vec![Some(true), None, Some(false)]
        );
    }
}
