//! Type names as users write them: `int32`, `float64`, `utf8`,
//! `timestamp[ms]`, `timestamp[us, UTC]`, `duration[ms]`, ...

use std::sync::Arc;

use arrow::datatypes::{DataType, TimeUnit};

/// The names `parse_type` accepts, for error messages.
pub const TYPE_NAMES: &str = "bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, \
     float32, float64, utf8, large_utf8, binary, large_binary, date32, \
     timestamp[s|ms|us|ns] or timestamp[ms, ZONE], duration[s|ms|us|ns]";

fn unit_name(u: &TimeUnit) -> &'static str {
    match u {
        TimeUnit::Second => "s",
        TimeUnit::Millisecond => "ms",
        TimeUnit::Microsecond => "us",
        TimeUnit::Nanosecond => "ns",
    }
}

fn parse_unit(s: &str) -> Option<TimeUnit> {
    Some(match s.trim() {
        "s" => TimeUnit::Second,
        "ms" => TimeUnit::Millisecond,
        "us" => TimeUnit::Microsecond,
        "ns" => TimeUnit::Nanosecond,
        _ => return None,
    })
}

/// The user-facing name of a type; `parse_type` reads it back.
pub fn type_name(t: &DataType) -> String {
    match t {
        DataType::Boolean => "bool".into(),
        DataType::Int8 => "int8".into(),
        DataType::Int16 => "int16".into(),
        DataType::Int32 => "int32".into(),
        DataType::Int64 => "int64".into(),
        DataType::UInt8 => "uint8".into(),
        DataType::UInt16 => "uint16".into(),
        DataType::UInt32 => "uint32".into(),
        DataType::UInt64 => "uint64".into(),
        DataType::Float32 => "float32".into(),
        DataType::Float64 => "float64".into(),
        DataType::Utf8 => "utf8".into(),
        DataType::LargeUtf8 => "large_utf8".into(),
        DataType::Binary => "binary".into(),
        DataType::LargeBinary => "large_binary".into(),
        DataType::Date32 => "date32".into(),
        DataType::Timestamp(u, None) => format!("timestamp[{}]", unit_name(u)),
        DataType::Timestamp(u, Some(tz)) => format!("timestamp[{}, {tz}]", unit_name(u)),
        DataType::Duration(u) => format!("duration[{}]", unit_name(u)),
        other => other.to_string(),
    }
}

/// Checks a timestamp's zone: an IANA name (`America/New_York`, `UTC`) or a
/// fixed offset (`+01:00`), as Arrow readers parse them.
pub fn check_timezone(zone: &str) -> Result<(), String> {
    zone.parse::<arrow::array::timezone::Tz>()
        .map(drop)
        .map_err(|_| format!("`{zone}` is not a time zone (an IANA name such as `Europe/Paris`, or an offset such as `+01:00`)"))
}

/// Parses a type name (see [`TYPE_NAMES`]). Also accepts the common
/// aliases `boolean`, `string`, `int`, `float`, `double`, `date`.
pub fn parse_type(s: &str) -> Option<DataType> {
    let s = s.trim();
    if let Some(args) = s
        .strip_prefix("timestamp[")
        .and_then(|r| r.strip_suffix(']'))
    {
        let mut parts = args.splitn(2, ',');
        let unit = parse_unit(parts.next()?)?;
        let tz = parts.next().map(str::trim);
        if tz.is_some_and(|z| check_timezone(z).is_err()) {
            return None;
        }
        return Some(DataType::Timestamp(unit, tz.map(Arc::from)));
    }
    if let Some(args) = s
        .strip_prefix("duration[")
        .and_then(|r| r.strip_suffix(']'))
    {
        return Some(DataType::Duration(parse_unit(args)?));
    }
    Some(match s {
        "bool" | "boolean" => DataType::Boolean,
        "int8" => DataType::Int8,
        "int16" => DataType::Int16,
        "int32" | "int" => DataType::Int32,
        "int64" => DataType::Int64,
        "uint8" => DataType::UInt8,
        "uint16" => DataType::UInt16,
        "uint32" => DataType::UInt32,
        "uint64" => DataType::UInt64,
        "float32" | "float" => DataType::Float32,
        "float64" | "double" => DataType::Float64,
        "utf8" | "string" => DataType::Utf8,
        "large_utf8" => DataType::LargeUtf8,
        "binary" => DataType::Binary,
        "large_binary" => DataType::LargeBinary,
        "date32" | "date" => DataType::Date32,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in [
            DataType::Boolean,
            DataType::UInt16,
            DataType::Float32,
            DataType::LargeUtf8,
            DataType::Date32,
            DataType::Timestamp(TimeUnit::Millisecond, None),
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            DataType::Duration(TimeUnit::Nanosecond),
        ] {
            assert_eq!(parse_type(&type_name(&t)), Some(t));
        }
        assert_eq!(
            parse_type("timestamp[ms, +01:00]"),
            Some(DataType::Timestamp(
                TimeUnit::Millisecond,
                Some("+01:00".into())
            ))
        );
        assert_eq!(parse_type("int33"), None);
        assert_eq!(parse_type("timestamp[hours]"), None);
    }
}
