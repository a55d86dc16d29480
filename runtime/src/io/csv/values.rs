//! Parsing one CSV field into a typed value, fast on the common formats.

use arrow::datatypes::TimeUnit;
use chrono::{NaiveDate, NaiveDateTime};
use wasmprep_contract::civil::{days_from_civil, days_in_month};

#[inline]
fn digits(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u32;
    }
    Some(v)
}

/// `YYYY-MM-DD` as days since the epoch.
#[inline]
pub(crate) fn parse_iso_date(s: &[u8]) -> Option<i64> {
    if s.len() != 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let year = digits(&s[0..4])? as i64;
    let month = digits(&s[5..7])?;
    let day = digits(&s[8..10])?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DD HH:MM:SS[.f{1,9}]`, with `T`
/// or a space between date and time and an optional trailing `Z`, as a count
/// of `unit` since the epoch. Sub-unit digits are truncated.
#[inline]
pub(crate) fn parse_iso_timestamp(s: &[u8], unit: TimeUnit) -> Option<i64> {
    let s = s.strip_suffix(b"Z").unwrap_or(s);
    if s.len() < 10 {
        return None;
    }
    let days = parse_iso_date(&s[..10])?;
    let mut nanos_of_day: i64 = 0;
    if s.len() > 10 {
        let t = &s[11..];
        if !(s[10] == b' ' || s[10] == b'T') || t.len() < 5 || t[2] != b':' {
            return None;
        }
        let hour = digits(&t[0..2])? as i64;
        let minute = digits(&t[3..5])? as i64;
        let mut second = 0i64;
        let mut frac_nanos = 0i64;
        if t.len() > 5 {
            if t[5] != b':' || t.len() < 8 {
                return None;
            }
            second = digits(&t[6..8])? as i64;
            if t.len() > 8 {
                let frac = &t[8..];
                if frac[0] != b'.' || frac.len() < 2 || frac.len() > 10 {
                    return None;
                }
                let f = digits(&frac[1..])? as i64;
                frac_nanos = f * 10i64.pow(10 - frac.len() as u32);
            }
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        nanos_of_day = ((hour * 60 + minute) * 60 + second) * 1_000_000_000 + frac_nanos;
    }
    let (per_day, nanos_per_unit) = match unit {
        TimeUnit::Second => (86_400, 1_000_000_000),
        TimeUnit::Millisecond => (86_400_000, 1_000_000),
        TimeUnit::Microsecond => (86_400_000_000, 1_000),
        TimeUnit::Nanosecond => (86_400_000_000_000, 1),
    };
    days.checked_mul(per_day)?
        .checked_add(nanos_of_day / nanos_per_unit)
}

/// A timestamp in a strftime `format` (chrono's syntax), as `unit`s.
pub(crate) fn parse_timestamp_format(s: &str, format: &str, unit: TimeUnit) -> Option<i64> {
    let t = NaiveDateTime::parse_from_str(s, format)
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, format)
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?
        .and_utc();
    match unit {
        TimeUnit::Second => Some(t.timestamp()),
        TimeUnit::Millisecond => Some(t.timestamp_millis()),
        TimeUnit::Microsecond => Some(t.timestamp_micros()),
        TimeUnit::Nanosecond => t.timestamp_nanos_opt(),
    }
}

/// A date in a strftime `format`, as days since the epoch.
pub(crate) fn parse_date_format(s: &str, format: &str) -> Option<i64> {
    let d = NaiveDate::parse_from_str(s, format).ok()?;
    Some(
        d.signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1)?)
            .num_days(),
    )
}

/// At least one decimal digit and nothing else, as a u64 (None on
/// overflow).
#[inline]
fn parse_digits(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(v)
}

/// A decimal integer with an optional sign (and surrounding spaces).
#[inline]
pub(crate) fn parse_i64(s: &[u8]) -> Option<i64> {
    let s = s.trim_ascii();
    let (neg, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.len() > 19 {
        return None;
    }
    let v = parse_digits(digits)?;
    if neg {
        // Down from 0, so that -9223372036854775808 (i64::MIN, whose
        // magnitude no i64 holds) parses too.
        0i64.checked_sub_unsigned(v)
    } else {
        i64::try_from(v).ok()
    }
}

/// A decimal unsigned integer (and surrounding spaces).
#[inline]
pub(crate) fn parse_u64(s: &[u8]) -> Option<u64> {
    let s = s.trim_ascii();
    let digits = s.strip_prefix(b"+").unwrap_or(s);
    if digits.len() > 20 {
        return None;
    }
    parse_digits(digits)
}

/// Exact powers of ten as f64 (all up to 1e22 are).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A plain decimal (`-12.345`, `7`, `.5`; no exponent) of at most 19
/// digits, 22 of them decimals: its digits as an integer (below 10^19 <
/// 2^64), scaled down by `10^scale`.
struct Decimal {
    negative: bool,
    mantissa: u64,
    scale: usize,
}

/// Below this a mantissa is an exact double.
const EXACT_MANTISSA: u64 = 1 << 53;

impl Decimal {
    #[inline]
    fn parse(s: &[u8]) -> Option<Decimal> {
        let (negative, digits) = match s.first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (mantissa, whole) = fold_digits(0, digits);
        let (mantissa, scale) = match digits.get(whole) {
            None => (mantissa, 0),
            Some(b'.') => {
                let (mantissa, decimals) = fold_digits(mantissa, &digits[whole + 1..]);
                if whole + 1 + decimals != digits.len() {
                    return None;
                }
                (mantissa, decimals)
            }
            Some(_) => return None,
        };
        let count = whole + scale;
        if count == 0 || count > 19 || scale > 22 {
            return None; // no digit, more than fit a u64, or too many decimals
        }
        Some(Decimal {
            negative,
            mantissa,
            scale,
        })
    }

    /// The value as the f64 nearest to `mantissa as f64 / 10^scale`: the
    /// decimal correctly rounded when the mantissa is an exact double (and
    /// 10^k always is: one division rounds once, Clinger's fast path), else
    /// within 4 ulps of it (the mantissa's rounding and the division's,
    /// 2^-53 each, relative).
    #[inline]
    fn to_f64(&self) -> f64 {
        let value = self.mantissa as f64 / POW10[self.scale];
        if self.negative {
            -value
        } else {
            value
        }
    }

    #[inline]
    fn exact(&self) -> bool {
        self.mantissa <= EXACT_MANTISSA
    }
}

/// `mantissa` with the leading decimal digits of `digits` appended (at
/// most 19 of them are read: the caller refuses longer text), and how many
/// there were.
#[inline(always)]
fn fold_digits(mut mantissa: u64, digits: &[u8]) -> (u64, usize) {
    let mut n = 0;
    for &c in digits.iter().take(20) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        mantissa = mantissa.wrapping_mul(10).wrapping_add(d as u64);
        n += 1;
    }
    (mantissa, n)
}

/// A plain decimal whose digits make an exact double (up to 15 digits,
/// often 16), exactly rounded (`None` sends the text to the general
/// parser).
#[inline]
fn parse_plain_f64(s: &[u8]) -> Option<f64> {
    let decimal = Decimal::parse(s)?;
    decimal.exact().then(|| decimal.to_f64())
}

/// A plain decimal of at most 19 digits as an f32, exactly rounded. Its
/// f64 value (exact to the last bit when the digits make an exact double,
/// within 4 ulps otherwise) is rounded again to f32; that is the f32
/// nearest to the decimal unless the f64 lies close to an f32 rounding
/// midpoint (the low 29 bits 1 followed by zeros): within 16 ulps of one
/// (or exactly on one, for an exact f64), the decimal may lie on either
/// side, and the general parser decides. The 2015 taxi files write their
/// coordinates with 16 or 17 digits (`40.750110626220703`).
#[inline]
fn parse_plain_f32(s: &[u8]) -> Option<f32> {
    const MIDPOINT: u64 = 0x1000_0000;
    let decimal = Decimal::parse(s)?;
    let wide = decimal.to_f64();
    let margin = if decimal.exact() { 0 } else { 16 };
    ((wide.to_bits() & 0x1FFF_FFFF).abs_diff(MIDPOINT) > margin).then_some(wide as f32)
}

#[inline]
pub(crate) fn parse_f64(s: &[u8]) -> Option<f64> {
    let s = s.trim_ascii();
    parse_plain_f64(s).or_else(|| lexical_core::parse::<f64>(s).ok())
}

#[inline]
pub(crate) fn parse_f32(s: &[u8]) -> Option<f32> {
    let s = s.trim_ascii();
    parse_plain_f32(s).or_else(|| lexical_core::parse::<f32>(s).ok())
}

pub(crate) fn parse_bool(s: &[u8]) -> Option<bool> {
    let s = s.trim_ascii();
    if s.eq_ignore_ascii_case(b"true")
        || s == b"1"
        || s.eq_ignore_ascii_case(b"t")
        || s.eq_ignore_ascii_case(b"yes")
    {
        Some(true)
    } else if s.eq_ignore_ascii_case(b"false")
        || s == b"0"
        || s.eq_ignore_ascii_case(b"f")
        || s.eq_ignore_ascii_case(b"no")
    {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every i64 parses, the extremes included (i64::MIN was refused: its
    /// magnitude does not fit an i64), and one past either end does not.
    #[test]
    fn integers_parse_to_both_ends_of_their_range() {
        for v in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX] {
            assert_eq!(parse_i64(v.to_string().as_bytes()), Some(v), "{v}");
        }
        assert_eq!(parse_i64(b" +42 "), Some(42));
        for bad in [
            "-9223372036854775809",
            "9223372036854775808",
            "-",
            "",
            "1-",
            "0x1",
        ] {
            assert_eq!(parse_i64(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
    }

    /// The fast path agrees with the general parser, bit for bit, on the
    /// kinds of text CSV files hold.
    #[test]
    fn fast_float_parsing_is_exactly_rounded() {
        let mut rng = crate::sample::Rng::new(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.next();
        for _ in 0..400_000 {
            let digits = (next() % 19) as usize + 1;
            let mantissa = next() % 10u64.pow(digits as u32);
            let scale = (next() % (digits as u64 + 3)) as usize;
            let mut text = mantissa.to_string();
            while text.len() <= scale {
                text.insert(0, '0');
            }
            if scale > 0 {
                text.insert(text.len() - scale, '.');
            }
            if next() % 2 == 0 {
                text.insert(0, '-');
            }
            let b = text.as_bytes();
            assert_eq!(
                parse_f64(b).map(f64::to_bits),
                lexical_core::parse::<f64>(b).ok().map(f64::to_bits),
                "{text}"
            );
            assert_eq!(
                parse_f32(b).map(f32::to_bits),
                lexical_core::parse::<f32>(b).ok().map(f32::to_bits),
                "{text}"
            );
        }
        // Coordinates as the 2015 files write them, and f32 midpoints.
        for text in [
            "-73.993896484375",
            "40.750110626220703",
            "16777217",
            "0.1",
            "3.4028235e38",
            "12345678901234567890",
            "9999999999999999999",
            "0000000000000000000001.5",
            "1.00000000000000000000001",
            "9007199254740993",
            "1.",
            ".5",
            "+.5",
            "-.",
            "1..2",
            "1.2.",
            "12a",
        ] {
            let b = text.as_bytes();
            assert_eq!(parse_f32(b), lexical_core::parse::<f32>(b).ok(), "{text}");
            assert_eq!(
                parse_f64(b).map(f64::to_bits),
                lexical_core::parse::<f64>(b).ok().map(f64::to_bits),
                "{text}"
            );
        }
    }

    /// Decimals of 16 to 19 digits a hair from an f32 rounding midpoint,
    /// on both sides and on it: where rounding through an f64 could go
    /// the wrong way, the f32 must still be the nearest one.
    #[test]
    fn long_decimals_near_f32_midpoints_round_to_the_nearest_f32() {
        let mut rng = crate::sample::Rng::new(0x9e37_79b9_7f4a_7c15);
        let mut next = || rng.next();
        let mut checked = 0;
        for _ in 0..200_000 {
            // A positive f32 between 1e-3 and 1e6 and the midpoint above it.
            let x = f32::from_bits(0x3A83_126F + (next() % 0x0E00_0000) as u32);
            let mid = (x as f64 + f32::from_bits(x.to_bits() + 1) as f64) / 2.0;
            let whole = (mid as u64).to_string().len();
            for significant in 16..=19usize {
                let decimals = significant.saturating_sub(whole).min(22);
                let text = format!("{mid:.decimals$}");
                for t in [text.clone(), nudge(&text, 1), nudge(&text, -1)] {
                    let b = t.as_bytes();
                    let want = lexical_core::parse::<f32>(b).ok().map(f32::to_bits);
                    assert_eq!(parse_f32(b).map(f32::to_bits), want, "{t}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 2_000_000);
    }

    /// `text` (digits and one dot) with its last digit moved by `by`, when
    /// that stays a digit.
    fn nudge(text: &str, by: i32) -> String {
        let mut bytes = text.as_bytes().to_vec();
        let last = bytes.len() - 1;
        let digit = (bytes[last] - b'0') as i32 + by;
        if (0..=9).contains(&digit) {
            bytes[last] = b'0' + digit as u8;
        }
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn iso_timestamps() {
        let ms = |s: &str| parse_iso_timestamp(s.as_bytes(), TimeUnit::Millisecond);
        assert_eq!(ms("2015-01-15 19:05:39"), Some(1_421_348_739_000));
        assert_eq!(ms("2015-01-15T19:05:39Z"), Some(1_421_348_739_000));
        assert_eq!(ms("2015-01-15 19:05:39.25"), Some(1_421_348_739_250));
        assert_eq!(ms("2015-01-15 19:05"), Some(1_421_348_700_000));
        assert_eq!(ms("2015-01-15"), Some(1_421_280_000_000));
        assert_eq!(ms("1969-12-31 23:00:00"), Some(-3_600_000));
        assert_eq!(
            parse_iso_timestamp(b"2015-01-15 19:05:39.123456789", TimeUnit::Nanosecond),
            Some(1_421_348_739_123_456_789)
        );
        for bad in [
            "2015-02-30 00:00:00",
            "2015-01-15 24:00:00",
            "2015-01-15 19:05:39.",
            "2015/01/15",
            "abc",
            "2015-01-15 19:5:39",
        ] {
            assert_eq!(ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_and_numbers() {
        assert_eq!(
            parse_timestamp_format(
                "01/15/2015 07:05:39 PM",
                "%m/%d/%Y %I:%M:%S %p",
                TimeUnit::Second
            ),
            Some(1_421_348_739)
        );
        assert_eq!(parse_date_format("15.01.2015", "%d.%m.%Y"), Some(16_450));
        assert_eq!(parse_iso_date(b"2015-01-15"), Some(16_450));
        assert_eq!(parse_i64(b" -42 "), Some(-42));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"4.0"), None);
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_f64(b"1e3"), Some(1000.0));
        assert_eq!(parse_f32(b"-73.99"), Some(-73.99));
        assert_eq!(parse_f64(b"abc"), None);
        assert_eq!(parse_bool(b"TRUE"), Some(true));
        assert_eq!(parse_f64(b"-"), None);
        assert_eq!(parse_f64(b"."), None);
        assert_eq!(parse_f64(b"1.2.3"), None);
        assert_eq!(parse_bool(b"2"), None);
    }
}
