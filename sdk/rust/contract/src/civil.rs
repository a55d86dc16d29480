//! Civil dates: a count of days since 1970-01-01 ⇄ (year, month, day) in
//! the proleptic Gregorian calendar, after Howard Hinnant's
//! `days_from_civil` and `civil_from_days`
//! (<https://howardhinnant.github.io/date_algorithms.html>).
//!
//! Year 0 is 1 BCE, as in ISO 8601. Every `i32` day count (Arrow's `date32`)
//! and every day of an `i64` timestamp of seconds or finer is in range.
//!
//! ```
//! use wasmprep_contract::civil::{civil_from_days, days_from_civil, format_date};
//!
//! assert_eq!(days_from_civil(2015, 1, 1), 16_436);
//! assert_eq!(civil_from_days(-1), (1969, 12, 31));
//! assert_eq!(format_date(11_016), "2000-02-29");
//! ```

/// Days from 0000-03-01 (the start of an era in these algorithms) to
/// 1970-01-01.
const DAYS_BEFORE_EPOCH: i64 = 719_468;
/// Days in 400 Gregorian years: the calendar repeats after this many.
const DAYS_PER_ERA: i64 = 146_097;

/// Whether `year` has a 29 February.
#[inline]
pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1-12) of `year`; 0 for a month outside 1-12.
#[inline]
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of `year`-`month`-`day` (negative before it). The
/// date is not checked: callers check `month` and `day` against
/// [`days_in_month`].
#[inline]
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * DAYS_PER_ERA + doe - DAYS_BEFORE_EPOCH
}

/// (year, month 1-12, day 1-31) of a count of days since 1970-01-01.
#[inline]
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + DAYS_BEFORE_EPOCH;
    let era = z.div_euclid(DAYS_PER_ERA);
    let doe = z.rem_euclid(DAYS_PER_ERA);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // doy < 366 and mp < 12, so day and month are small and positive.
    (year, month as u32, day as u32)
}

/// `YYYY-MM-DD` of a count of days since 1970-01-01. Years outside
/// 0000-9999 carry a sign and at least four digits (`+10000-01-01`,
/// `-0001-12-31`), as ISO 8601's expanded form and chrono's `%Y` write them.
pub fn format_date(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    if (0..=9999).contains(&year) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:+05}-{month:02}-{day:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks the calendar one day at a time from `days`' date, checking
    /// both directions against the walk.
    fn walk(mut date: (i64, u32, u32), days: std::ops::Range<i64>) {
        for n in days {
            assert_eq!(civil_from_days(n), date, "day {n}");
            assert_eq!(days_from_civil(date.0, date.1, date.2), n, "{date:?}");
            let (y, m, d) = date;
            date = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
    }

    #[test]
    fn agrees_with_a_day_by_day_walk_from_1600_to_2400() {
        let start = days_from_civil(1600, 1, 1);
        let end = days_from_civil(2400, 1, 1);
        assert_eq!(end - start, 2 * DAYS_PER_ERA);
        walk((1600, 1, 1), start..end);
    }

    #[test]
    fn agrees_with_a_walk_across_year_zero() {
        let start = days_from_civil(-5, 1, 1);
        walk((-5, 1, 1), start..start + 4000);
    }

    #[test]
    fn known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(-719_468), (0, 3, 1));
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
        assert_eq!(
            days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28),
            1
        );
        assert_eq!(
            days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28),
            2
        );
        assert_eq!(civil_from_days(i64::from(i32::MAX)), (5_881_580, 7, 11));
        assert_eq!(civil_from_days(i64::from(i32::MIN)), (-5_877_641, 6, 23));
    }

    #[test]
    fn round_trips_over_the_whole_date32_range() {
        for n in (i64::from(i32::MIN)..=i64::from(i32::MAX)).step_by(9_973) {
            let (y, m, d) = civil_from_days(n);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), n);
        }
    }

    #[test]
    fn leap_years() {
        for (year, leap) in [
            (1900, false),
            (2000, true),
            (2015, false),
            (2016, true),
            (0, true),
            (-4, true),
            (-100, false),
        ] {
            assert_eq!(is_leap_year(year), leap, "{year}");
            assert_eq!(days_in_month(year, 2), if leap { 29 } else { 28 });
        }
        assert_eq!(days_in_month(2015, 13), 0);
    }

    #[test]
    fn formats_years_as_iso_8601() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(-719_528), "0000-01-01");
        assert_eq!(format_date(-719_529), "-0001-12-31");
        assert_eq!(format_date(days_from_civil(10_000, 1, 1)), "+10000-01-01");
        assert_eq!(format_date(days_from_civil(9_999, 12, 31)), "9999-12-31");
    }
}
