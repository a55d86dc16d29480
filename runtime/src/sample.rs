//! Synthetic NYC yellow-taxi trips in the 2015 CSV schema, for the demo,
//! the tests and the benchmarks. Deterministic: the same seed gives the same
//! bytes. Realistic where the job cares: most trips are plausible, a few
//! are outliers the cleaning step must drop (zero coordinates, negative or
//! huge fares, no passengers), some fields are empty, and coordinates are
//! written like the real files (the exact decimal of a float32).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use wasmprep_contract::civil::{civil_from_days, days_from_civil, days_in_month};

/// The 2015 yellow-taxi columns and the types the NYC-taxi job reads them as.
pub const TAXI_COLUMNS: [(&str, &str); 19] = [
    ("VendorID", "int32"),
    ("tpep_pickup_datetime", "timestamp[ms]"),
    ("tpep_dropoff_datetime", "timestamp[ms]"),
    ("passenger_count", "int32"),
    ("trip_distance", "float32"),
    ("pickup_longitude", "float32"),
    ("pickup_latitude", "float32"),
    ("RatecodeID", "int32"),
    ("store_and_fwd_flag", "utf8"),
    ("dropoff_longitude", "float32"),
    ("dropoff_latitude", "float32"),
    ("payment_type", "int32"),
    ("fare_amount", "float32"),
    ("extra", "float32"),
    ("mta_tax", "float32"),
    ("tip_amount", "float32"),
    ("tolls_amount", "float32"),
    ("improvement_surcharge", "float32"),
    ("total_amount", "float32"),
];

/// What to generate.
#[derive(Clone, Debug)]
pub struct TaxiSample {
    /// Trips in all.
    pub rows: u64,
    /// Files to spread them over (`yellow_tripdata_2015-MM.csv`, months
    /// wrapping after 12 with a suffix).
    pub files: usize,
    pub seed: u64,
    /// Malformed lines per million rows (a letter in a number, a missing
    /// field), for testing bad-row policies. 0 by default.
    pub bad_rows_per_million: u32,
}

impl Default for TaxiSample {
    fn default() -> Self {
        TaxiSample {
            rows: 1_000_000,
            files: 4,
            seed: 2015,
            bad_rows_per_million: 0,
        }
    }
}

/// A small, fast, deterministic generator (xorshift64*); the crate's tests
/// draw their random inputs from it too.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    fn f64(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
}

fn file_name(index: usize) -> String {
    let month = index % 12 + 1;
    match index / 12 {
        0 => format!("yellow_tripdata_2015-{month:02}.csv"),
        n => format!("yellow_tripdata_2015-{month:02}-{n}.csv"),
    }
}

/// Writes the sample into `dir` (created if needed); returns the files.
pub fn write_taxi_csv(dir: &Path, sample: &TaxiSample) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let files = sample.files.max(1);
    let paths: Vec<PathBuf> = (0..files).map(|i| dir.join(file_name(i))).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .iter()
            .enumerate()
            .map(|(i, path)| {
                let rows =
                    sample.rows / files as u64 + u64::from((i as u64) < sample.rows % files as u64);
                scope.spawn(move || write_file(path, i, rows, sample))
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("generator thread panicked"))
    })?;
    Ok(paths)
}

fn write_timestamp(out: &mut Vec<u8>, secs: i64) {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    );
}

/// A coordinate as the 2015 files write them: the exact decimal of a float32.
fn write_coord(out: &mut Vec<u8>, value: f64) {
    let _ = write!(out, "{}", value as f32 as f64);
}

fn write_money(out: &mut Vec<u8>, cents: i64) {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.abs();
    if c % 100 == 0 {
        let _ = write!(out, "{sign}{}", c / 100);
    } else if c % 10 == 0 {
        let _ = write!(out, "{sign}{}.{}", c / 100, c % 100 / 10);
    } else {
        let _ = write!(out, "{sign}{}.{:02}", c / 100, c % 100);
    }
}

fn write_file(path: &Path, index: usize, rows: u64, sample: &TaxiSample) -> std::io::Result<()> {
    let mut rng = Rng::new(sample.seed ^ ((index as u64 + 1) << 32));
    let mut file = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let header: Vec<&str> = TAXI_COLUMNS.iter().map(|(n, _)| *n).collect();
    writeln!(file, "{}", header.join(","))?;
    let month = (index % 12) as u32 + 1;
    let month_start = days_from_civil(2015, month, 1) * 86_400;
    let month_secs = i64::from(days_in_month(2015, month)) * 86_400;
    let bad_rate = f64::from(sample.bad_rows_per_million) / 1e6;
    let mut line: Vec<u8> = Vec::with_capacity(256);
    for _ in 0..rows {
        line.clear();
        let trip = Trip::draw(&mut rng, month_start, month_secs);
        trip.write(&mut line, &mut rng);
        if bad_rate > 0.0 && rng.chance(bad_rate) {
            corrupt(&mut line, &mut rng);
        }
        line.push(b'\n');
        file.write_all(&line)?;
    }
    file.flush()
}

/// One made-up trip; money in cents.
struct Trip {
    vendor: u8,
    pickup: i64,
    dropoff: i64,
    miles: f64,
    passengers: Option<u8>,
    pickup_at: (f64, f64),
    dropoff_at: (f64, f64),
    ratecode: u8,
    payment: u8,
    fare: i64,
    extra: i64,
    tip: i64,
    tolls: i64,
}

impl Trip {
    /// A trip starting in the month of `month_secs` seconds from
    /// `month_start`, with the seed job's share of dirty values.
    fn draw(rng: &mut Rng, month_start: i64, month_secs: i64) -> Trip {
        let vendor = if rng.chance(0.45) { 1 } else { 2 };
        let pickup = month_start + rng.below(month_secs as u64) as i64;
        let minutes = 2.0 + 40.0 * rng.f64() * rng.f64();
        let dropoff = pickup + (minutes * 60.0) as i64 + rng.below(60) as i64;
        let miles = (0.3 + minutes * 0.28 * (0.6 + 0.8 * rng.f64())).min(60.0);
        let passengers = match rng.below(1000) {
            0..=9 => None,
            10..=14 => Some(0),
            15..=714 => Some(1),
            715..=854 => Some(2),
            855..=894 => Some(3),
            895..=914 => Some(4),
            915..=964 => Some(5),
            _ => Some(6),
        };
        let pickup_at = if rng.chance(0.015) {
            (0.0, 0.0)
        } else {
            (-74.02 + 0.25 * rng.f64(), 40.63 + 0.22 * rng.f64())
        };
        let dropoff_at = if rng.chance(0.015) {
            (0.0, 0.0)
        } else if rng.chance(0.002) {
            (-72.5 - rng.f64(), 41.2 + rng.f64())
        } else {
            (-74.02 + 0.25 * rng.f64(), 40.63 + 0.22 * rng.f64())
        };
        let ratecode = match rng.below(100) {
            0..=96 => 1,
            97..=98 => 2,
            _ => 5,
        };
        let payment = match rng.below(100) {
            0..=59 => 1,
            60..=97 => 2,
            98 => 3,
            _ => 4,
        };
        let mut trip = Trip {
            vendor,
            pickup,
            dropoff,
            miles,
            passengers,
            pickup_at,
            dropoff_at,
            ratecode,
            payment,
            fare: 0,
            extra: 0,
            tip: 0,
            tolls: 0,
        };
        trip.price(rng);
        trip
    }

    /// The trip's money: fare by distance (some negative, huge or zero), a
    /// tip on card payments, tolls now and then.
    fn price(&mut self, rng: &mut Rng) {
        self.fare = 250 + (self.miles * 250.0) as i64 / 50 * 50;
        match rng.below(10_000) {
            0..=29 => self.fare = -self.fare,
            30..=34 => self.fare = 50_000 + rng.below(100_000) as i64,
            35..=54 => self.fare = 0,
            _ => {}
        }
        self.extra = [0, 50, 100][rng.below(3) as usize];
        if self.payment == 1 {
            self.tip = self.fare.max(0) * (10 + rng.below(15) as i64) / 100;
        }
        self.tolls = if rng.chance(0.05) { 554 } else { 0 };
    }

    /// The trip as a CSV line (without its line feed); a few values are
    /// left out, as in the real data.
    fn write(&self, line: &mut Vec<u8>, rng: &mut Rng) {
        let _ = write!(line, "{},", self.vendor);
        write_timestamp(line, self.pickup);
        line.push(b',');
        write_timestamp(line, self.dropoff);
        line.push(b',');
        if let Some(p) = self.passengers {
            let _ = write!(line, "{p}");
        }
        let _ = write!(line, ",{:.2},", self.miles);
        write_coord(line, self.pickup_at.0);
        line.push(b',');
        write_coord(line, self.pickup_at.1);
        let flag = if rng.chance(0.01) { "Y" } else { "N" };
        let _ = write!(line, ",{},{flag},", self.ratecode);
        if rng.chance(0.003) {
            line.push(b',');
        } else {
            write_coord(line, self.dropoff_at.0);
            line.push(b',');
            write_coord(line, self.dropoff_at.1);
        }
        let _ = write!(line, ",{},", self.payment);
        write_money(line, self.fare);
        line.push(b',');
        write_money(line, self.extra);
        line.extend_from_slice(b",0.5,");
        if !rng.chance(0.005) {
            write_money(line, self.tip);
        }
        line.push(b',');
        write_money(line, self.tolls);
        line.extend_from_slice(b",0.3,");
        let total = self.fare + self.extra + 50 + self.tip + self.tolls + 30;
        write_money(line, total);
    }
}

/// Makes a line a bad row: a letter where a number goes, or a field short.
fn corrupt(line: &mut Vec<u8>, rng: &mut Rng) {
    if rng.chance(0.5) {
        line.splice(0..1, *b"X");
    } else if let Some(cut) = line.iter().rposition(|&b| b == b',') {
        line.truncate(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let s = TaxiSample {
            rows: 500,
            files: 2,
            ..TaxiSample::default()
        };
        let a = write_taxi_csv(&dir.path().join("a"), &s).unwrap();
        let b = write_taxi_csv(&dir.path().join("b"), &s).unwrap();
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(std::fs::read(x).unwrap(), std::fs::read(y).unwrap());
        }
        let text = std::fs::read_to_string(&a[0]).unwrap();
        assert_eq!(text.lines().count(), 251);
        assert!(text.starts_with("VendorID,tpep_pickup_datetime,"));
        let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
        assert_eq!(row.len(), 19);
        assert!(row[1].starts_with("2015-01-"), "{row:?}");
    }
}
