//! Columns as Arrow buffers, and zero-copy typed views over them.

use crate::buffer::{count_set_bits, get_bit, Bytes, Pod};
use crate::types::{DataType, Error, Layout, Result};

/// One column: Arrow's validity, offsets and values buffers.
///
/// Read it through a typed view ([`Column::primitive`], [`Column::bool`],
/// [`Column::utf8`], [`Column::binary`]); build one with a builder
/// ([`crate::PrimitiveBuilder`], ...).
#[derive(Clone, Debug)]
pub struct Column {
    pub(crate) data_type: DataType,
    pub(crate) len: usize,
    pub(crate) null_count: usize,
    pub(crate) validity: Option<Bytes>,
    pub(crate) offsets: Option<Bytes>,
    pub(crate) values: Bytes,
}

impl Column {
    /// Assembles a column from raw buffers, checking that their sizes fit
    /// the type and length.
    pub fn from_buffers(
        data_type: DataType,
        len: usize,
        validity: Option<Vec<u8>>,
        offsets: Option<Vec<u8>>,
        values: Vec<u8>,
    ) -> Result<Self> {
        let validity = validity.map(Bytes::new);
        let null_count = match &validity {
            Some(bits) => {
                if bits.len() < len.div_ceil(8) {
                    return Err(Error::failure(format!(
                        "validity bitmap of {} bytes is too short for {len} rows",
                        bits.len()
                    )));
                }
                len - count_set_bits(bits.as_bytes(), len)
            }
            None => 0,
        };
        let column = Column {
            data_type,
            len,
            null_count,
            validity,
            offsets: offsets.map(Bytes::new),
            values: Bytes::new(values),
        };
        column.check()?;
        Ok(column)
    }

    fn check(&self) -> Result<()> {
        let fail = |what: String| Err(Error::failure(format!("{} column: {what}", self.data_type)));
        match Layout::of(&self.data_type) {
            Layout::Bits if self.values.len() < self.len.div_ceil(8) => fail(format!(
                "{} value bytes for {} rows",
                self.values.len(),
                self.len
            )),
            Layout::Fixed(w)
                if self
                    .len
                    .checked_mul(w)
                    .is_none_or(|n| self.values.len() < n) =>
            {
                fail(format!(
                    "{} value bytes for {} rows",
                    self.values.len(),
                    self.len
                ))
            }
            Layout::Variable(w) => {
                let Some(offsets) = &self.offsets else {
                    return fail("no offsets buffer".into());
                };
                let needed = self.len.checked_add(1).and_then(|n| n.checked_mul(w));
                if needed.is_none_or(|n| offsets.len() < n) {
                    return fail(format!(
                        "{} offset bytes for {} rows",
                        offsets.len(),
                        self.len
                    ));
                }
                let end = if w == 4 {
                    offsets.typed::<i32>()[self.len] as i64
                } else {
                    offsets.typed::<i64>()[self.len]
                };
                if end < 0 || end as usize > self.values.len() {
                    return fail(format!(
                        "last offset {end} beyond {} value bytes",
                        self.values.len()
                    ));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    pub fn data_type(&self) -> &DataType {
        &self.data_type
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn null_count(&self) -> usize {
        self.null_count
    }

    /// The validity bitmap, if the column has nulls.
    pub fn validity(&self) -> Option<Bitmap<'_>> {
        self.validity.as_ref().map(|b| Bitmap {
            bits: b.as_bytes(),
            len: self.len,
        })
    }

    /// Whether row `i` holds a value (is not null).
    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        match &self.validity {
            None => true,
            Some(b) => get_bit(b.as_bytes(), i),
        }
    }

    /// A view of fixed-width values as `T`: `f64` for float64, `i64` for
    /// int64, timestamp and duration, `i32` for int32 and date32, and so on.
    pub fn primitive<T: Native>(&self) -> Result<PrimitiveView<'_, T>> {
        if !T::accepts(&self.data_type) {
            return Err(Error::failure(format!(
                "a {} column cannot be read as {}",
                self.data_type,
                std::any::type_name::<T>()
            )));
        }
        Ok(PrimitiveView {
            values: &self.values.typed::<T>()[..self.len],
            validity: self.validity(),
        })
    }

    /// A view of a boolean column.
    pub fn bool(&self) -> Result<BoolView<'_>> {
        if self.data_type != DataType::Boolean {
            return Err(self.wrong_view("bool"));
        }
        Ok(BoolView {
            values: Bitmap {
                bits: self.values.as_bytes(),
                len: self.len,
            },
            validity: self.validity(),
        })
    }

    /// A view of a utf8 or large_utf8 column.
    pub fn utf8(&self) -> Result<StrView<'_>> {
        match self.data_type {
            DataType::Utf8 | DataType::LargeUtf8 => Ok(StrView(self.bytes_view())),
            _ => Err(self.wrong_view("utf8")),
        }
    }

    /// A view of a binary, large_binary, utf8 or large_utf8 column as bytes.
    pub fn binary(&self) -> Result<BytesView<'_>> {
        match self.data_type {
            DataType::Binary | DataType::LargeBinary | DataType::Utf8 | DataType::LargeUtf8 => {
                Ok(self.bytes_view())
            }
            _ => Err(self.wrong_view("binary")),
        }
    }

    fn bytes_view(&self) -> BytesView<'_> {
        let offsets = self.offsets.as_ref().expect("checked on construction");
        let offsets = match Layout::of(&self.data_type) {
            Layout::Variable(4) => Offsets::Small(&offsets.typed::<i32>()[..=self.len]),
            _ => Offsets::Large(&offsets.typed::<i64>()[..=self.len]),
        };
        BytesView {
            offsets,
            data: self.values.as_bytes(),
            validity: self.validity(),
        }
    }

    fn wrong_view(&self, view: &str) -> Error {
        Error::failure(format!(
            "a {} column cannot be read as {view}",
            self.data_type
        ))
    }

    /// The column with another type of the same layout (an `i64` column as a
    /// timestamp, an `i32` column as date32).
    pub(crate) fn retyped(mut self, data_type: &DataType) -> Result<Self> {
        if Layout::of(&self.data_type) != Layout::of(data_type) {
            return Err(Error::failure(format!(
                "a {} column cannot stand for a {data_type} column",
                self.data_type
            )));
        }
        self.data_type = data_type.clone();
        Ok(self)
    }

    /// The buffers, for the host: (validity, offsets, values).
    pub fn into_buffers(self) -> (Option<Vec<u8>>, Option<Vec<u8>>, Vec<u8>) {
        (
            self.validity.map(Bytes::into_vec),
            self.offsets.map(Bytes::into_vec),
            self.values.into_vec(),
        )
    }
}

/// A Rust type that reads fixed-width Arrow values in place.
pub trait Native: Pod {
    /// Whether a column of this type can be read as `Self`.
    fn accepts(data_type: &DataType) -> bool;
    /// The type a builder of `Self` produces unless told otherwise.
    fn default_type() -> DataType;
}

macro_rules! native {
    ($t:ty, $default:expr, $($pat:pat_param)|+) => {
        impl Native for $t {
            fn accepts(data_type: &DataType) -> bool {
                matches!(data_type, $($pat)|+)
            }
            fn default_type() -> DataType {
                $default
            }
        }
    };
}
native!(i8, DataType::Int8, DataType::Int8);
native!(i16, DataType::Int16, DataType::Int16);
native!(i32, DataType::Int32, DataType::Int32 | DataType::Date32);
native!(
    i64,
    DataType::Int64,
    DataType::Int64 | DataType::Timestamp(..) | DataType::Duration(_)
);
native!(u8, DataType::UInt8, DataType::UInt8);
native!(u16, DataType::UInt16, DataType::UInt16);
native!(u32, DataType::UInt32, DataType::UInt32);
native!(u64, DataType::UInt64, DataType::UInt64);
native!(f32, DataType::Float32, DataType::Float32);
native!(f64, DataType::Float64, DataType::Float64);

/// A bitmap of `len` bits, least significant bit first.
#[derive(Clone, Copy, Debug)]
pub struct Bitmap<'a> {
    bits: &'a [u8],
    len: usize,
}

impl<'a> Bitmap<'a> {
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        assert!(i < self.len, "bit {i} out of {}", self.len);
        get_bit(self.bits, i)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The packed bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        &self.bits[..self.len.div_ceil(8)]
    }

    pub fn count_set(&self) -> usize {
        count_set_bits(self.bits, self.len)
    }
}

/// Fixed-width values read in place.
#[derive(Clone, Copy, Debug)]
pub struct PrimitiveView<'a, T> {
    values: &'a [T],
    validity: Option<Bitmap<'a>>,
}

impl<'a, T: Native> PrimitiveView<'a, T> {
    /// Every slot's value; a null slot holds an unspecified value.
    #[inline]
    pub fn values(&self) -> &'a [T] {
        self.values
    }

    pub fn validity(&self) -> Option<Bitmap<'a>> {
        self.validity
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        self.validity.is_none_or(|b| b.get(i))
    }

    /// The value of row `i`, or `None` when it is null.
    #[inline]
    pub fn get(&self, i: usize) -> Option<T> {
        self.is_valid(i).then(|| self.values[i])
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<T>> + 'a {
        let view = *self;
        (0..self.len()).map(move |i| view.get(i))
    }
}

/// A boolean column read in place.
#[derive(Clone, Copy, Debug)]
pub struct BoolView<'a> {
    values: Bitmap<'a>,
    validity: Option<Bitmap<'a>>,
}

impl<'a> BoolView<'a> {
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn values(&self) -> Bitmap<'a> {
        self.values
    }

    #[inline]
    pub fn get(&self, i: usize) -> Option<bool> {
        self.validity
            .is_none_or(|b| b.get(i))
            .then(|| self.values.get(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<bool>> + 'a {
        let view = *self;
        (0..self.len()).map(move |i| view.get(i))
    }
}

#[derive(Clone, Copy, Debug)]
enum Offsets<'a> {
    Small(&'a [i32]),
    Large(&'a [i64]),
}

/// A variable-length column (binary or utf8) read in place as bytes.
#[derive(Clone, Copy, Debug)]
pub struct BytesView<'a> {
    offsets: Offsets<'a>,
    data: &'a [u8],
    validity: Option<Bitmap<'a>>,
}

impl<'a> BytesView<'a> {
    pub fn len(&self) -> usize {
        match self.offsets {
            Offsets::Small(o) => o.len() - 1,
            Offsets::Large(o) => o.len() - 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of row `i`, whatever its validity.
    #[inline]
    pub fn value(&self, i: usize) -> &'a [u8] {
        let (start, end) = match self.offsets {
            Offsets::Small(o) => (o[i] as usize, o[i + 1] as usize),
            Offsets::Large(o) => (o[i] as usize, o[i + 1] as usize),
        };
        &self.data[start..end]
    }

    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        self.validity
            .is_none_or(|b| b.get(i))
            .then(|| self.value(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<&'a [u8]>> + 'a {
        let view = *self;
        (0..self.len()).map(move |i| view.get(i))
    }
}

/// A utf8 column read in place.
#[derive(Clone, Copy, Debug)]
pub struct StrView<'a>(BytesView<'a>);

impl<'a> StrView<'a> {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text of row `i`, whatever its validity. The host hands over valid
    /// UTF-8 only; invalid bytes from a hand-made column read as "\u{FFFD}".
    #[inline]
    pub fn value(&self, i: usize) -> &'a str {
        std::str::from_utf8(self.0.value(i)).unwrap_or("\u{FFFD}")
    }

    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a str> {
        self.0.get(i).map(|_| self.value(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<&'a str>> + 'a {
        let view = *self;
        (0..self.len()).map(move |i| view.get(i))
    }
}
