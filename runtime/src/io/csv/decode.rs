//! Typed columns built from CSV fields, one row at a time; a row that fails
//! to parse is rolled back whole, so a bad row never leaves half its values
//! behind.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BinaryArray, BooleanArray, LargeBinaryArray, LargeStringArray, PrimitiveArray,
    StringArray,
};
use arrow::buffer::{BooleanBuffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow::datatypes::*;

use super::values::*;

/// How one column's fields are parsed.
#[derive(Clone, Debug)]
pub(crate) enum Parser {
    Bool,
    Signed {
        min: i64,
        max: i64,
    },
    Unsigned {
        max: u64,
    },
    Float32,
    Float64,
    Date {
        format: Option<String>,
    },
    Timestamp {
        unit: TimeUnit,
        format: Option<String>,
    },
    Duration,
    Text,
    Bytes,
}

impl Parser {
    pub fn for_type(data_type: &DataType, format: Option<&str>) -> Option<Parser> {
        use DataType::*;
        let format = format.map(str::to_string);
        Some(match data_type {
            Boolean => Parser::Bool,
            Int8 => Parser::Signed {
                min: i8::MIN as i64,
                max: i8::MAX as i64,
            },
            Int16 => Parser::Signed {
                min: i16::MIN as i64,
                max: i16::MAX as i64,
            },
            Int32 => Parser::Signed {
                min: i32::MIN as i64,
                max: i32::MAX as i64,
            },
            Int64 => Parser::Signed {
                min: i64::MIN,
                max: i64::MAX,
            },
            UInt8 => Parser::Unsigned {
                max: u8::MAX as u64,
            },
            UInt16 => Parser::Unsigned {
                max: u16::MAX as u64,
            },
            UInt32 => Parser::Unsigned {
                max: u32::MAX as u64,
            },
            UInt64 => Parser::Unsigned { max: u64::MAX },
            Float32 => Parser::Float32,
            Float64 => Parser::Float64,
            Date32 => Parser::Date { format },
            Timestamp(unit, _) => Parser::Timestamp {
                unit: *unit,
                format,
            },
            Duration(_) => Parser::Duration,
            Utf8 | LargeUtf8 => Parser::Text,
            Binary | LargeBinary => Parser::Bytes,
            _ => return None,
        })
    }
}

/// Values of one column: a vector per physical type.
enum Values {
    Bool(Vec<bool>),
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    /// Offsets (as i64, narrowed at the end) and bytes.
    Var(Vec<i64>, Vec<u8>),
}

/// One column under construction.
pub(crate) struct ColumnBuilder {
    data_type: DataType,
    parser: Parser,
    values: Values,
    valid: Vec<bool>,
    nulls: usize,
    /// Most value bytes of a text or binary column: what its offsets can
    /// address (`i32::MAX` for utf8 and binary). An append past it fails,
    /// so offsets always fit their type.
    max_var_bytes: usize,
}

/// Value bytes that 32-bit offsets (utf8, binary) can address.
pub(crate) const SMALL_OFFSETS_MAX: usize = i32::MAX as usize;

impl ColumnBuilder {
    pub fn new(data_type: DataType, parser: Parser, capacity: usize) -> Self {
        use DataType::*;
        let values = match &data_type {
            Boolean => Values::Bool(Vec::with_capacity(capacity)),
            Int8 => Values::I8(Vec::with_capacity(capacity)),
            Int16 => Values::I16(Vec::with_capacity(capacity)),
            Int32 | Date32 => Values::I32(Vec::with_capacity(capacity)),
            Int64 | Timestamp(..) | Duration(_) => Values::I64(Vec::with_capacity(capacity)),
            UInt8 => Values::U8(Vec::with_capacity(capacity)),
            UInt16 => Values::U16(Vec::with_capacity(capacity)),
            UInt32 => Values::U32(Vec::with_capacity(capacity)),
            UInt64 => Values::U64(Vec::with_capacity(capacity)),
            Float32 => Values::F32(Vec::with_capacity(capacity)),
            Float64 => Values::F64(Vec::with_capacity(capacity)),
            _ => {
                let mut offsets = Vec::with_capacity(capacity + 1);
                offsets.push(0);
                Values::Var(offsets, Vec::with_capacity(capacity * 8))
            }
        };
        let max_var_bytes = match &data_type {
            LargeUtf8 | LargeBinary => i64::MAX as usize,
            _ => SMALL_OFFSETS_MAX,
        };
        ColumnBuilder {
            data_type,
            parser,
            values,
            valid: Vec::with_capacity(capacity),
            nulls: 0,
            max_var_bytes,
        }
    }

    /// Lowers the value bytes a text or binary column may hold (tests use
    /// it to reach the limit without gigabytes of data).
    #[cfg(test)]
    pub fn with_max_var_bytes(mut self, max: usize) -> Self {
        self.max_var_bytes = max.min(self.max_var_bytes);
        self
    }

    fn too_long(&self, field: &[u8]) -> String {
        format!(
            "a value of {} bytes does not fit a {} batch (at most {} bytes of values; declare the column large_{})",
            field.len(),
            crate::schema::type_name(&self.data_type),
            self.max_var_bytes,
            crate::schema::type_name(&self.data_type),
        )
    }

    pub fn len(&self) -> usize {
        self.valid.len()
    }

    pub fn append_null(&mut self) {
        match &mut self.values {
            Values::Bool(v) => v.push(false),
            Values::I8(v) => v.push(0),
            Values::I16(v) => v.push(0),
            Values::I32(v) => v.push(0),
            Values::I64(v) => v.push(0),
            Values::U8(v) => v.push(0),
            Values::U16(v) => v.push(0),
            Values::U32(v) => v.push(0),
            Values::U64(v) => v.push(0),
            Values::F32(v) => v.push(0.0),
            Values::F64(v) => v.push(0.0),
            Values::Var(o, d) => o.push(d.len() as i64),
        }
        self.valid.push(false);
        self.nulls += 1;
    }

    /// Parses `field` and appends it; on failure appends nothing and says
    /// why.
    #[inline]
    pub fn append(&mut self, field: &[u8]) -> Result<(), String> {
        let parsed = match self.parser {
            Parser::Float64 | Parser::Float32 => self.append_float(field)?,
            Parser::Signed { .. } | Parser::Unsigned { .. } => self.append_integer(field)?,
            Parser::Text | Parser::Bytes => self.append_var(field)?,
            _ => self.append_other(field),
        };
        match parsed {
            Some(()) => {
                self.valid.push(true);
                Ok(())
            }
            None => Err(format!(
                "cannot parse {:?} as {}{}",
                String::from_utf8_lossy(field),
                crate::schema::type_name(&self.data_type),
                self.format_hint()
            )),
        }
    }

    /// A float: None if it does not parse, an error if it overflows to an
    /// infinity that the text does not spell.
    #[cfg_attr(not(feature = "stage-profile"), inline)]
    #[cfg_attr(feature = "stage-profile", inline(never))]
    fn append_float(&mut self, field: &[u8]) -> Result<Option<()>, String> {
        let pushed = match &mut self.values {
            Values::F64(v) => match parse_f64(field) {
                Some(x) if x.is_infinite() && !is_infinity(field) => None,
                x => return Ok(x.map(|x| v.push(x))),
            },
            Values::F32(v) => match parse_f32(field) {
                Some(x) if x.is_infinite() && !is_infinity(field) => None,
                x => return Ok(x.map(|x| v.push(x))),
            },
            _ => unreachable!("float parser on a non-float column"),
        };
        pushed.ok_or_else(|| self.out_of_range(field))
    }

    /// An integer of the column's width: None if it does not parse, an
    /// error if it does not fit.
    #[cfg_attr(not(feature = "stage-profile"), inline)]
    #[cfg_attr(feature = "stage-profile", inline(never))]
    fn append_integer(&mut self, field: &[u8]) -> Result<Option<()>, String> {
        let fits = match self.parser {
            Parser::Signed { min, max } => match parse_i64(field) {
                Some(x) if x >= min && x <= max => push_signed(&mut self.values, x),
                Some(_) => false,
                None => return Ok(None),
            },
            Parser::Unsigned { max } => match parse_u64(field) {
                Some(x) if x <= max => push_unsigned(&mut self.values, x),
                Some(_) => false,
                None => return Ok(None),
            },
            _ => unreachable!("integer parser on a non-integer column"),
        };
        if fits {
            Ok(Some(()))
        } else {
            Err(self.out_of_range(field))
        }
    }

    /// Text (checked to be UTF-8) or bytes, within the batch's byte cap.
    #[cfg_attr(not(feature = "stage-profile"), inline)]
    #[cfg_attr(feature = "stage-profile", inline(never))]
    fn append_var(&mut self, field: &[u8]) -> Result<Option<()>, String> {
        let Values::Var(o, d) = &mut self.values else {
            unreachable!("text parser on a fixed-width column")
        };
        if d.len().saturating_add(field.len()) > self.max_var_bytes {
            return Err(self.too_long(field));
        }
        if matches!(self.parser, Parser::Text) && std::str::from_utf8(field).is_err() {
            return Err("is not valid UTF-8".into());
        }
        d.extend_from_slice(field);
        o.push(d.len() as i64);
        Ok(Some(()))
    }

    /// Timestamps, dates, durations and booleans: None if it does not parse.
    #[cfg_attr(not(feature = "stage-profile"), inline)]
    #[cfg_attr(feature = "stage-profile", inline(never))]
    fn append_other(&mut self, field: &[u8]) -> Option<()> {
        match (&self.parser, &mut self.values) {
            (Parser::Timestamp { unit, format }, Values::I64(v)) => match format {
                None => parse_iso_timestamp(field, *unit),
                Some(f) => std::str::from_utf8(field)
                    .ok()
                    .and_then(|s| parse_timestamp_format(s.trim(), f, *unit)),
            }
            .map(|x| v.push(x)),
            (Parser::Date { format }, Values::I32(v)) => match format {
                None => parse_iso_date(field.trim_ascii()),
                Some(f) => std::str::from_utf8(field)
                    .ok()
                    .and_then(|s| parse_date_format(s.trim(), f)),
            }
            .and_then(|d| i32::try_from(d).ok())
            .map(|x| v.push(x)),
            (Parser::Duration, Values::I64(v)) => parse_i64(field).map(|x| v.push(x)),
            (Parser::Bool, Values::Bool(v)) => parse_bool(field).map(|x| v.push(x)),
            _ => unreachable!("parser and values are made together"),
        }
    }

    fn out_of_range(&self, field: &[u8]) -> String {
        format!(
            "{} is out of range for {}",
            String::from_utf8_lossy(field).trim(),
            crate::schema::type_name(&self.data_type)
        )
    }

    fn format_hint(&self) -> String {
        match &self.parser {
            Parser::Timestamp {
                format: Some(f), ..
            }
            | Parser::Date { format: Some(f) } => {
                format!(" with format {f:?}")
            }
            Parser::Timestamp { format: None, .. } => {
                " (expected YYYY-MM-DD HH:MM:SS[.fff])".into()
            }
            Parser::Date { format: None } => " (expected YYYY-MM-DD)".into(),
            _ => String::new(),
        }
    }

    /// Drops rows from `len` on: rolls back a partly appended row.
    pub fn truncate(&mut self, len: usize) {
        if self.valid.len() <= len {
            return;
        }
        self.nulls -= self.valid[len..].iter().filter(|v| !**v).count();
        self.valid.truncate(len);
        match &mut self.values {
            Values::Bool(v) => v.truncate(len),
            Values::I8(v) => v.truncate(len),
            Values::I16(v) => v.truncate(len),
            Values::I32(v) => v.truncate(len),
            Values::I64(v) => v.truncate(len),
            Values::U8(v) => v.truncate(len),
            Values::U16(v) => v.truncate(len),
            Values::U32(v) => v.truncate(len),
            Values::U64(v) => v.truncate(len),
            Values::F32(v) => v.truncate(len),
            Values::F64(v) => v.truncate(len),
            Values::Var(o, d) => {
                o.truncate(len + 1);
                d.truncate(o[len] as usize);
            }
        }
    }

    /// The column built so far, as an Arrow array; the builder starts over.
    pub fn finish(&mut self) -> ArrayRef {
        let capacity = self.valid.capacity();
        let valid = std::mem::replace(&mut self.valid, Vec::with_capacity(capacity));
        let nulls = (self.nulls > 0).then(|| NullBuffer::new(BooleanBuffer::from(valid)));
        self.nulls = 0;
        let mut fresh = ColumnBuilder::new(self.data_type.clone(), self.parser.clone(), capacity);
        fresh.max_var_bytes = self.max_var_bytes;
        let values = std::mem::replace(&mut self.values, fresh.values);
        let dt = &self.data_type;
        fn prim<T: ArrowPrimitiveType>(
            v: Vec<T::Native>,
            nulls: Option<NullBuffer>,
            dt: &DataType,
        ) -> ArrayRef {
            Arc::new(
                PrimitiveArray::<T>::new(ScalarBuffer::from(v), nulls).with_data_type(dt.clone()),
            )
        }
        match values {
            Values::Bool(v) => Arc::new(BooleanArray::new(BooleanBuffer::from(v), nulls)),
            Values::I8(v) => prim::<Int8Type>(v, nulls, dt),
            Values::I16(v) => prim::<Int16Type>(v, nulls, dt),
            Values::I32(v) => match dt {
                DataType::Date32 => prim::<Date32Type>(v, nulls, dt),
                _ => prim::<Int32Type>(v, nulls, dt),
            },
            Values::I64(v) => match dt {
                DataType::Timestamp(TimeUnit::Second, _) => {
                    prim::<TimestampSecondType>(v, nulls, dt)
                }
                DataType::Timestamp(TimeUnit::Millisecond, _) => {
                    prim::<TimestampMillisecondType>(v, nulls, dt)
                }
                DataType::Timestamp(TimeUnit::Microsecond, _) => {
                    prim::<TimestampMicrosecondType>(v, nulls, dt)
                }
                DataType::Timestamp(TimeUnit::Nanosecond, _) => {
                    prim::<TimestampNanosecondType>(v, nulls, dt)
                }
                DataType::Duration(TimeUnit::Second) => prim::<DurationSecondType>(v, nulls, dt),
                DataType::Duration(TimeUnit::Millisecond) => {
                    prim::<DurationMillisecondType>(v, nulls, dt)
                }
                DataType::Duration(TimeUnit::Microsecond) => {
                    prim::<DurationMicrosecondType>(v, nulls, dt)
                }
                DataType::Duration(TimeUnit::Nanosecond) => {
                    prim::<DurationNanosecondType>(v, nulls, dt)
                }
                _ => prim::<Int64Type>(v, nulls, dt),
            },
            Values::U8(v) => prim::<UInt8Type>(v, nulls, dt),
            Values::U16(v) => prim::<UInt16Type>(v, nulls, dt),
            Values::U32(v) => prim::<UInt32Type>(v, nulls, dt),
            Values::U64(v) => prim::<UInt64Type>(v, nulls, dt),
            Values::F32(v) => prim::<Float32Type>(v, nulls, dt),
            Values::F64(v) => prim::<Float64Type>(v, nulls, dt),
            Values::Var(offsets, data) => var_array(dt, offsets, data, nulls),
        }
    }
}

/// Whether a float field spells infinity (`inf`, `-Infinity`, ...), as
/// opposed to a finite number too large for its type.
fn is_infinity(field: &[u8]) -> bool {
    let s = field.trim_ascii();
    let s = s.strip_prefix(b"-").or(s.strip_prefix(b"+")).unwrap_or(s);
    s.eq_ignore_ascii_case(b"inf") || s.eq_ignore_ascii_case(b"infinity")
}

fn var_array(
    dt: &DataType,
    offsets: Vec<i64>,
    data: Vec<u8>,
    nulls: Option<NullBuffer>,
) -> ArrayRef {
    // `append` keeps a small-offset column's bytes within `i32::MAX`
    // (`max_var_bytes`), so every offset converts; `OffsetBuffer::new`
    // checks they start at 0 and never decrease (panicking, not UB, if the
    // invariant were ever broken).
    let small = || {
        OffsetBuffer::new(ScalarBuffer::from(
            offsets
                .iter()
                .map(|&o| i32::try_from(o).expect("append keeps offsets within i32"))
                .collect::<Vec<i32>>(),
        ))
    };
    let large = || OffsetBuffer::new(ScalarBuffer::from(offsets.clone()));
    debug_assert_eq!(offsets.last().copied(), Some(data.len() as i64));
    let values = arrow::buffer::Buffer::from_vec(data);
    // SAFETY (for the unchecked string constructors): every value appended
    // to a text column was checked to be UTF-8 (`append`, Parser::Text) and
    // a row that fails is truncated away whole, so the values are UTF-8
    // split only at the offsets; the offsets are valid (above) and the last
    // one is the values' length (each append pushes `d.len()`). Only the
    // UTF-8 check is skipped: a test builds columns at the offset limit and
    // across rolled-back rows and validates them with `to_data().validate_full()`.
    match dt {
        DataType::Utf8 => Arc::new(unsafe { StringArray::new_unchecked(small(), values, nulls) }),
        DataType::LargeUtf8 => {
            Arc::new(unsafe { LargeStringArray::new_unchecked(large(), values, nulls) })
        }
        DataType::LargeBinary => Arc::new(LargeBinaryArray::new(large(), values, nulls)),
        _ => Arc::new(BinaryArray::new(small(), values, nulls)),
    }
}

/// Pushes a signed value that fits the column's width; false if the
/// column is not signed.
#[inline]
fn push_signed(values: &mut Values, x: i64) -> bool {
    match values {
        Values::I8(v) => v.push(x as i8),
        Values::I16(v) => v.push(x as i16),
        Values::I32(v) => v.push(x as i32),
        Values::I64(v) => v.push(x),
        _ => unreachable!("signed parser on a non-signed column"),
    }
    true
}

/// Pushes an unsigned value that fits the column's width.
#[inline]
fn push_unsigned(values: &mut Values, x: u64) -> bool {
    match values {
        Values::U8(v) => v.push(x as u8),
        Values::U16(v) => v.push(x as u16),
        Values::U32(v) => v.push(x as u32),
        Values::U64(v) => v.push(x),
        _ => unreachable!("unsigned parser on a non-unsigned column"),
    }
    true
}
