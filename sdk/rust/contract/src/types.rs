//! The types a column may have at the plugin boundary, and their names.
//!
//! A name is what users write in jobs, CSV headers and `--schema`, and what
//! the host prints in contracts and errors: `int32`, `float64`, `utf8`,
//! `timestamp[ms]`, `timestamp[us, UTC]`, `duration[ns]`. [`DataType::parse`]
//! reads a canonical name or one of the [`ALIASES`]; `Display` writes the
//! canonical name, which `parse` reads back. A timestamp's zone is returned
//! as written: the host checks it against the IANA database.

use std::fmt;

/// Resolution of timestamps and durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    Second,
    Millisecond,
    Microsecond,
    Nanosecond,
}

impl TimeUnit {
    /// Every unit, coarsest first.
    pub const ALL: [TimeUnit; 4] = [
        TimeUnit::Second,
        TimeUnit::Millisecond,
        TimeUnit::Microsecond,
        TimeUnit::Nanosecond,
    ];

    /// How many units make one second.
    pub fn per_second(self) -> i64 {
        match self {
            TimeUnit::Second => 1,
            TimeUnit::Millisecond => 1_000,
            TimeUnit::Microsecond => 1_000_000,
            TimeUnit::Nanosecond => 1_000_000_000,
        }
    }

    /// The unit as type names write it: `s`, `ms`, `us`, `ns`.
    pub fn suffix(self) -> &'static str {
        match self {
            TimeUnit::Second => "s",
            TimeUnit::Millisecond => "ms",
            TimeUnit::Microsecond => "us",
            TimeUnit::Nanosecond => "ns",
        }
    }

    /// Reads a [`suffix`](TimeUnit::suffix), ignoring surrounding spaces.
    pub fn parse(suffix: &str) -> Option<TimeUnit> {
        let suffix = suffix.trim();
        TimeUnit::ALL.into_iter().find(|u| u.suffix() == suffix)
    }
}

/// The Arrow types a column may have at the plugin boundary.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DataType {
    Boolean,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Float32,
    Float64,
    Utf8,
    LargeUtf8,
    Binary,
    LargeBinary,
    /// Days since the Unix epoch, as i32.
    Date32,
    /// A count of `unit`s since the Unix epoch, as i64, with an optional zone.
    Timestamp(TimeUnit, Option<String>),
    /// A count of `unit`s, as i64.
    Duration(TimeUnit),
}

/// Other names [`DataType::parse`] accepts, each with the canonical name it
/// stands for.
pub const ALIASES: [(&str, &str); 6] = [
    ("boolean", "bool"),
    ("string", "utf8"),
    ("int", "int32"),
    ("float", "float32"),
    ("double", "float64"),
    ("date", "date32"),
];

/// The names [`DataType::parse`] accepts, for error messages.
pub const TYPE_NAMES: &str = "bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, \
     float32, float64, utf8, large_utf8, binary, large_binary, date32, \
     timestamp[s|ms|us|ns] or timestamp[ms, ZONE], duration[s|ms|us|ns] \
     (aliases: boolean, string, int, float, double, date)";

/// The types without parameters, in the order of [`TYPE_NAMES`].
const PLAIN: [DataType; 16] = [
    DataType::Boolean,
    DataType::Int8,
    DataType::Int16,
    DataType::Int32,
    DataType::Int64,
    DataType::UInt8,
    DataType::UInt16,
    DataType::UInt32,
    DataType::UInt64,
    DataType::Float32,
    DataType::Float64,
    DataType::Utf8,
    DataType::LargeUtf8,
    DataType::Binary,
    DataType::LargeBinary,
    DataType::Date32,
];

impl DataType {
    /// Parses a type name: a canonical name (`bool`, `int8` .. `uint64`,
    /// `float32`, `float64`, `utf8`, `large_utf8`, `binary`, `large_binary`,
    /// `date32`, `timestamp[ms]`, `timestamp[us, UTC]`, `duration[ns]`) or
    /// an alias (`boolean`, `string`, `int`, `float`, `double`, `date`).
    /// Spaces around the name and its parts are ignored.
    ///
    /// ```
    /// use wasmprep_contract::{DataType, TimeUnit};
    /// assert_eq!(DataType::parse("timestamp[ms]"), Some(DataType::Timestamp(TimeUnit::Millisecond, None)));
    /// assert_eq!(DataType::parse("float32").unwrap().to_string(), "float32");
    /// assert_eq!(DataType::parse("int"), Some(DataType::Int32));
    /// ```
    pub fn parse(name: &str) -> Option<DataType> {
        let name = name.trim();
        if let Some(args) = bracketed(name, "timestamp") {
            let (unit, zone) = match args.split_once(',') {
                Some((unit, zone)) => (unit, Some(zone_name(zone)?)),
                None => (args, None),
            };
            return Some(DataType::Timestamp(
                TimeUnit::parse(unit)?,
                zone.map(String::from),
            ));
        }
        if let Some(args) = bracketed(name, "duration") {
            return Some(DataType::Duration(TimeUnit::parse(args)?));
        }
        let name = ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map_or(name, |(_, canonical)| canonical);
        PLAIN.into_iter().find(|t| t.plain_name() == Some(name))
    }

    /// Every canonical name (timestamps without a zone and with `UTC`),
    /// then every alias: what parses, for tests and documentation.
    pub fn all_names() -> Vec<String> {
        let plain = PLAIN.iter().map(DataType::to_string);
        let units = TimeUnit::ALL.into_iter().flat_map(|u| {
            [
                DataType::Timestamp(u, None),
                DataType::Timestamp(u, Some("UTC".into())),
                DataType::Duration(u),
            ]
        });
        let aliases = ALIASES.iter().map(|(alias, _)| alias.to_string());
        plain
            .chain(units.map(|t| t.to_string()))
            .chain(aliases)
            .collect()
    }

    /// The canonical name of a type without parameters.
    fn plain_name(&self) -> Option<&'static str> {
        use DataType::*;
        Some(match self {
            Boolean => "bool",
            Int8 => "int8",
            Int16 => "int16",
            Int32 => "int32",
            Int64 => "int64",
            UInt8 => "uint8",
            UInt16 => "uint16",
            UInt32 => "uint32",
            UInt64 => "uint64",
            Float32 => "float32",
            Float64 => "float64",
            Utf8 => "utf8",
            LargeUtf8 => "large_utf8",
            Binary => "binary",
            LargeBinary => "large_binary",
            Date32 => "date32",
            Timestamp(..) | Duration(_) => return None,
        })
    }
}

/// A timestamp's zone as written, without surrounding spaces; never empty.
fn zone_name(zone: &str) -> Option<&str> {
    Some(zone.trim()).filter(|z| !z.is_empty())
}

/// The text between `prefix[` and a final `]`.
fn bracketed<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    name.strip_prefix(prefix)?
        .strip_prefix('[')?
        .strip_suffix(']')
}

impl fmt::Display for DataType {
    /// The canonical name, which [`DataType::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataType::Timestamp(unit, None) => write!(f, "timestamp[{}]", unit.suffix()),
            DataType::Timestamp(unit, Some(tz)) => write!(f, "timestamp[{}, {tz}]", unit.suffix()),
            DataType::Duration(unit) => write!(f, "duration[{}]", unit.suffix()),
            plain => f.write_str(plain.plain_name().unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_canonical_name_round_trips() {
        let names = DataType::all_names();
        let canonical = &names[..names.len() - ALIASES.len()];
        assert_eq!(canonical.len(), PLAIN.len() + 3 * TimeUnit::ALL.len());
        for name in canonical {
            let t = DataType::parse(name).unwrap_or_else(|| panic!("`{name}` does not parse"));
            assert_eq!(&t.to_string(), name);
        }
    }

    #[test]
    fn every_alias_parses_to_its_canonical_type() {
        let expected = [
            DataType::Boolean,
            DataType::Utf8,
            DataType::Int32,
            DataType::Float32,
            DataType::Float64,
            DataType::Date32,
        ];
        for ((alias, canonical), t) in ALIASES.iter().zip(expected) {
            assert_eq!(DataType::parse(alias), Some(t.clone()), "{alias}");
            assert_eq!(t.to_string(), *canonical);
        }
    }

    #[test]
    fn type_names_lists_every_plain_name_and_alias() {
        for name in PLAIN.iter().map(|t| t.to_string()) {
            assert!(TYPE_NAMES.contains(&format!("{name},")), "{name}");
        }
        for (alias, _) in ALIASES {
            assert!(TYPE_NAMES.contains(alias), "{alias}");
        }
    }

    #[test]
    fn parameters_and_spaces() {
        use TimeUnit::*;
        let parse = DataType::parse;
        assert_eq!(
            parse(" timestamp[ ns ] "),
            Some(DataType::Timestamp(Nanosecond, None))
        );
        assert_eq!(
            parse("timestamp[ms,+01:00]"),
            Some(DataType::Timestamp(Millisecond, Some("+01:00".into())))
        );
        assert_eq!(
            parse("timestamp[s, Europe/Paris]").map(|t| t.to_string()),
            Some("timestamp[s, Europe/Paris]".into())
        );
        assert_eq!(parse("duration[us]"), Some(DataType::Duration(Microsecond)));
        assert_eq!(
            TimeUnit::ALL.map(TimeUnit::per_second),
            [1, 1_000, 1_000_000, 1_000_000_000]
        );
    }

    #[test]
    fn rejects_what_is_not_a_name() {
        for name in [
            "",
            "int33",
            "Int32",
            "timestamp",
            "timestamp[hours]",
            "timestamp[ms, ]",
            "timestamp(ms)",
            "duration[ms, UTC]",
            "duration[]",
            "utf8[]",
            "double precision",
        ] {
            assert_eq!(DataType::parse(name), None, "`{name}`");
        }
    }
}
