//! Type names as users write them (`int32`, `float64`, `utf8`,
//! `timestamp[ms]`, `timestamp[us, UTC]`, `duration[ms]`, and the aliases
//! `int`, `float`, `double`, `date`, `boolean`, `string`), and the boundary
//! types in Arrow's terms.
//!
//! The names, the aliases and the boundary types are defined once, in
//! `wasmprep-contract`, which the plugin SDK uses too; this module converts
//! them to and from Arrow's [`DataType`] and checks timestamp zones (which
//! needs the IANA database the SDK does not carry).

use std::sync::Arc;

use arrow::datatypes::{DataType, TimeUnit};
use wasmprep_contract as boundary;

/// The names [`parse_type`] accepts, for error messages.
pub use wasmprep_contract::TYPE_NAMES;

/// Arrow's time unit for a boundary one.
pub fn unit_to_arrow(u: boundary::TimeUnit) -> TimeUnit {
    match u {
        boundary::TimeUnit::Second => TimeUnit::Second,
        boundary::TimeUnit::Millisecond => TimeUnit::Millisecond,
        boundary::TimeUnit::Microsecond => TimeUnit::Microsecond,
        boundary::TimeUnit::Nanosecond => TimeUnit::Nanosecond,
    }
}

/// The boundary time unit for an Arrow one.
pub fn unit_from_arrow(u: &TimeUnit) -> boundary::TimeUnit {
    match u {
        TimeUnit::Second => boundary::TimeUnit::Second,
        TimeUnit::Millisecond => boundary::TimeUnit::Millisecond,
        TimeUnit::Microsecond => boundary::TimeUnit::Microsecond,
        TimeUnit::Nanosecond => boundary::TimeUnit::Nanosecond,
    }
}

/// The Arrow type of a boundary type.
pub fn to_arrow(t: &boundary::DataType) -> DataType {
    use boundary::DataType as B;
    match t {
        B::Boolean => DataType::Boolean,
        B::Int8 => DataType::Int8,
        B::Int16 => DataType::Int16,
        B::Int32 => DataType::Int32,
        B::Int64 => DataType::Int64,
        B::UInt8 => DataType::UInt8,
        B::UInt16 => DataType::UInt16,
        B::UInt32 => DataType::UInt32,
        B::UInt64 => DataType::UInt64,
        B::Float32 => DataType::Float32,
        B::Float64 => DataType::Float64,
        B::Utf8 => DataType::Utf8,
        B::LargeUtf8 => DataType::LargeUtf8,
        B::Binary => DataType::Binary,
        B::LargeBinary => DataType::LargeBinary,
        B::Date32 => DataType::Date32,
        B::Timestamp(u, tz) => DataType::Timestamp(unit_to_arrow(*u), tz.as_deref().map(Arc::from)),
        B::Duration(u) => DataType::Duration(unit_to_arrow(*u)),
    }
}

/// The boundary type of an Arrow type; `None` for a type plugins cannot
/// receive (lists, structs, decimals, ...).
pub fn from_arrow(t: &DataType) -> Option<boundary::DataType> {
    use boundary::DataType as B;
    Some(match t {
        DataType::Boolean => B::Boolean,
        DataType::Int8 => B::Int8,
        DataType::Int16 => B::Int16,
        DataType::Int32 => B::Int32,
        DataType::Int64 => B::Int64,
        DataType::UInt8 => B::UInt8,
        DataType::UInt16 => B::UInt16,
        DataType::UInt32 => B::UInt32,
        DataType::UInt64 => B::UInt64,
        DataType::Float32 => B::Float32,
        DataType::Float64 => B::Float64,
        DataType::Utf8 => B::Utf8,
        DataType::LargeUtf8 => B::LargeUtf8,
        DataType::Binary => B::Binary,
        DataType::LargeBinary => B::LargeBinary,
        DataType::Date32 => B::Date32,
        DataType::Timestamp(u, tz) => {
            B::Timestamp(unit_from_arrow(u), tz.as_deref().map(String::from))
        }
        DataType::Duration(u) => B::Duration(unit_from_arrow(u)),
        _ => return None,
    })
}

/// The user-facing name of a type; `parse_type` reads it back. A type
/// outside the boundary has Arrow's name.
pub fn type_name(t: &DataType) -> String {
    from_arrow(t).map_or_else(|| t.to_string(), |b| b.to_string())
}

/// Checks a timestamp's zone: an IANA name (`America/New_York`, `UTC`) or a
/// fixed offset (`+01:00`), as Arrow readers parse them.
pub fn check_timezone(zone: &str) -> Result<(), String> {
    zone.parse::<arrow::array::timezone::Tz>()
        .map(drop)
        .map_err(|_| format!("`{zone}` is not a time zone (an IANA name such as `Europe/Paris`, or an offset such as `+01:00`)"))
}

/// Parses a type name (see [`TYPE_NAMES`]), aliases included; a timestamp's
/// zone must be one [`check_timezone`] accepts.
pub fn parse_type(s: &str) -> Option<DataType> {
    let t = boundary::DataType::parse(s)?;
    if let boundary::DataType::Timestamp(_, Some(zone)) = &t {
        check_timezone(zone).ok()?;
    }
    Some(to_arrow(&t))
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

    #[test]
    fn aliases_and_zones() {
        assert_eq!(parse_type("double"), Some(DataType::Float64));
        assert_eq!(parse_type(" date "), Some(DataType::Date32));
        assert_eq!(parse_type("timestamp[ms, Mars/Olympus]"), None);
        assert_eq!(type_name(&DataType::Float16), "Float16");
    }

    /// Every boundary type survives the trip through Arrow's, and every
    /// Arrow type the boundary has comes back.
    #[test]
    fn arrow_conversions_are_inverse() {
        for name in boundary::DataType::all_names() {
            let Some(t) = boundary::DataType::parse(&name) else {
                panic!("`{name}` does not parse");
            };
            assert_eq!(from_arrow(&to_arrow(&t)), Some(t), "{name}");
        }
        assert_eq!(from_arrow(&DataType::Null), None);
    }

    /// The host and the plugin SDK read every name, aliases included, as
    /// the same type and print it alike (issue 9: they had drifted).
    #[test]
    fn host_and_sdk_agree_on_every_name() {
        for name in boundary::DataType::all_names() {
            let host = parse_type(&name);
            let sdk = wasmprep_sdk::DataType::parse(&name);
            assert!(host.is_some(), "the host does not read `{name}`");
            assert_eq!(host, sdk.as_ref().map(to_arrow), "`{name}`");
            assert_eq!(host.map(|t| type_name(&t)), sdk.map(|t| t.to_string()));
        }
    }
}
