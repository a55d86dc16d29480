//! `quantile-bins`: a column binned by quantiles of **all** of the data:
//! `bins = 10` gives deciles, and `<column>_bin` (int32) is the index of the
//! bin a value falls in, 0 to bins - 1 (null where the value is null or
//! NaN).
//!
//! Configuration: `column` (required), `type` (`float64`, the default, or
//! `float32`), `bins` (10; 2 to 1000), `suffix` (`_bin`), `k` (1024: the
//! sketch's size, 64 to 65536).
//!
//! The fit keeps a mergeable quantile sketch of the column's non-null
//! values: levels of at most `k` values, a value at level `i` standing for
//! `2^i` of the input; a full level is sorted and every other value moves
//! up a level (the first or the second of each pair, alternating), so the
//! state stays within `k` values a level and about `log2(n / k)` levels.
//! Merging two sketches joins their levels and compacts what overflows. It
//! is deterministic: the same states merged in the same order give the same
//! sketch.
//!
//! **Rank error**: a compaction at level `i` moves the rank of any value by
//! at most `2^i`, and level `i` is compacted at most `n / (k 2^i)` times, so
//! the rank of a boundary is off by at most `n (L + 1) / k` where `L` is the
//! number of levels above the first: `epsilon <= (L + 1) / k` of the count.
//! The JSON view reports the bound it guarantees (`rank_error`) with the
//! boundaries. A boundary `b_j` is the sketch's `j / bins` quantile: a value
//! `x` goes to the first bin whose upper boundary is `>= x`.

use wasmprep_sdk::{
    Aggregate, Batch, ColumnSpec, Config, Contract, DataType, Error, Fitted, FittedPlugin, Output,
    Plugin, PrimitiveBuilder, Result,
};

const STATE_MAGIC: &[u8; 8] = b"QBSTATE1";
const PARAMS_MAGIC: &[u8; 8] = b"QBINS  1";

#[derive(Clone, Debug)]
struct Settings {
    column: String,
    data_type: DataType,
    bins: usize,
    suffix: String,
    k: usize,
}

impl Settings {
    fn read(config: &mut Config) -> Result<Settings> {
        let column = config.str_or("column", "");
        if column.is_empty() {
            return Err(Error::config("column: name the column to bin"));
        }
        let data_type = match config.str_or("type", "float64").as_str() {
            "float64" => DataType::Float64,
            "float32" => DataType::Float32,
            other => return Err(Error::config(format!("type {other:?}: float64 or float32"))),
        };
        let bins = config.parse_or("bins", 10usize)?;
        let k = config.parse_or("k", 1024usize)?;
        if !(2..=1000).contains(&bins) {
            return Err(Error::config(format!("bins {bins}: 2 to 1000")));
        }
        if !(64..=65536).contains(&k) {
            return Err(Error::config(format!("k {k}: 64 to 65536")));
        }
        Ok(Settings {
            column,
            data_type,
            bins,
            suffix: config.str_or("suffix", "_bin"),
            k,
        })
    }

    fn input(&self) -> ColumnSpec {
        ColumnSpec {
            name: self.column.clone(),
            data_type: self.data_type.clone(),
            nullable: true,
        }
    }

    /// The column's values as f64 (None where null or NaN).
    fn values(&self, batch: &Batch) -> Result<Vec<Option<f64>>> {
        let n = batch.len();
        let values: Vec<Option<f64>> = match self.data_type {
            DataType::Float32 => {
                let v = batch.primitive::<f32>(&self.column)?;
                (0..n).map(|i| v.get(i).map(f64::from)).collect()
            }
            _ => {
                let v = batch.primitive::<f64>(&self.column)?;
                (0..n).map(|i| v.get(i)).collect()
            }
        };
        Ok(values
            .into_iter()
            .map(|v| v.filter(|x| !x.is_nan()))
            .collect())
    }
}

/// The mergeable quantile sketch (see the crate's documentation).
#[derive(Clone, Debug, PartialEq)]
pub struct Sketch {
    k: usize,
    /// Values seen.
    pub count: u64,
    /// Level `i`'s values, each standing for `2^i` inputs.
    levels: Vec<Vec<f64>>,
    /// Compactions so far, per level: which of each pair moves up alternates.
    compactions: Vec<u64>,
}

impl Sketch {
    pub fn new(k: usize) -> Sketch {
        Sketch {
            k,
            count: 0,
            levels: vec![Vec::new()],
            compactions: vec![0],
        }
    }

    pub fn add(&mut self, x: f64) {
        self.count += 1;
        self.levels[0].push(x);
        self.compact();
    }

    /// The sketch of both inputs, `self`'s first.
    pub fn merge(mut self, other: Sketch) -> Sketch {
        self.count += other.count;
        for (i, (level, done)) in other.levels.into_iter().zip(other.compactions).enumerate() {
            if i == self.levels.len() {
                self.levels.push(Vec::new());
                self.compactions.push(0);
            }
            self.levels[i].extend(level);
            self.compactions[i] += done;
        }
        self.compact();
        self
    }

    /// Compacts every level over `k`, from the bottom up.
    fn compact(&mut self) {
        let mut i = 0;
        while i < self.levels.len() {
            if self.levels[i].len() >= self.k {
                let mut level = std::mem::take(&mut self.levels[i]);
                level.sort_by(f64::total_cmp);
                let odd = level.len() % 2 == 1;
                // An odd value out stays at this level.
                if odd {
                    self.levels[i].push(level.pop().expect("non-empty"));
                }
                let offset = (self.compactions[i] % 2) as usize;
                self.compactions[i] += 1;
                let up: Vec<f64> = level.into_iter().skip(offset).step_by(2).collect();
                if i + 1 == self.levels.len() {
                    self.levels.push(Vec::new());
                    self.compactions.push(0);
                }
                self.levels[i + 1].extend(up);
            }
            i += 1;
        }
    }

    /// The guaranteed bound on a quantile's rank error, as a fraction of
    /// the count: `(L + 1) / k`, L the levels above the first.
    pub fn rank_error(&self) -> f64 {
        let levels_above = self.levels.len().saturating_sub(1);
        if levels_above == 0 {
            return 0.0;
        }
        (levels_above as f64 + 1.0) / self.k as f64
    }

    /// The `q` quantiles (0 < q < 1) of the sketch, in order.
    pub fn quantiles(&self, qs: &[f64]) -> Vec<f64> {
        let mut weighted: Vec<(f64, u64)> = self
            .levels
            .iter()
            .enumerate()
            .flat_map(|(i, level)| level.iter().map(move |&x| (x, 1u64 << i)))
            .collect();
        weighted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: u64 = weighted.iter().map(|(_, w)| w).sum();
        let mut out = Vec::with_capacity(qs.len());
        let (mut seen, mut next) = (0u64, 0usize);
        for &q in qs {
            let target = (q * total as f64).ceil().max(1.0) as u64;
            while next < weighted.len() && seen + weighted[next].1 < target {
                seen += weighted[next].1;
                next += 1;
            }
            out.push(weighted.get(next).map_or(f64::NAN, |(x, _)| *x));
        }
        out
    }

    fn encode(&self) -> Vec<u8> {
        let mut b = STATE_MAGIC.to_vec();
        b.extend((self.k as u64).to_le_bytes());
        b.extend(self.count.to_le_bytes());
        b.extend((self.levels.len() as u64).to_le_bytes());
        for (level, done) in self.levels.iter().zip(&self.compactions) {
            b.extend(done.to_le_bytes());
            b.extend((level.len() as u64).to_le_bytes());
            level.iter().for_each(|x| b.extend(x.to_le_bytes()));
        }
        b
    }

    fn decode(bytes: &[u8], k: usize) -> Result<Sketch> {
        let bad = || Error::failure(format!("not a quantile-bins state of k = {k}"));
        let mut words = bytes
            .strip_prefix(STATE_MAGIC.as_slice())
            .filter(|b| b.len() % 8 == 0)
            .ok_or_else(bad)?
            .chunks_exact(8)
            .map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")));
        let mut next = || words.next().ok_or_else(bad);
        if next()? != k as u64 {
            return Err(bad());
        }
        let count = next()?;
        let n_levels = next()?;
        if n_levels == 0 || n_levels > 64 {
            return Err(bad());
        }
        let mut sketch = Sketch {
            k,
            count,
            levels: Vec::new(),
            compactions: Vec::new(),
        };
        for _ in 0..n_levels {
            sketch.compactions.push(next()?);
            let len = next()?;
            if len > k as u64 {
                return Err(bad());
            }
            let level = (0..len)
                .map(|_| next().map(f64::from_bits))
                .collect::<Result<_>>()?;
            sketch.levels.push(level);
        }
        if words.next().is_some() {
            return Err(bad());
        }
        Ok(sketch)
    }
}

/// The fit: a sketch of the column.
pub struct BinsFit {
    settings: Settings,
}

impl Aggregate for BinsFit {
    type State = Sketch;

    fn configure(config: &mut Config) -> Result<Self> {
        Ok(BinsFit {
            settings: Settings::read(config)?,
        })
    }

    fn inputs(&self) -> Vec<ColumnSpec> {
        vec![self.settings.input()]
    }

    fn empty(&self) -> Sketch {
        Sketch::new(self.settings.k)
    }

    fn update(&self, state: &mut Sketch, batch: Batch) -> Result<()> {
        self.settings
            .values(&batch)?
            .into_iter()
            .flatten()
            .for_each(|x| state.add(x));
        Ok(())
    }

    fn merge(&self, left: Sketch, right: Sketch) -> Result<Sketch> {
        Ok(left.merge(right))
    }

    fn finish(&self, state: Sketch) -> Result<Fitted> {
        let bins = self.settings.bins;
        let qs: Vec<f64> = (1..bins).map(|j| j as f64 / bins as f64).collect();
        let bounds = state.quantiles(&qs);
        let mut parameters = PARAMS_MAGIC.to_vec();
        parameters.extend((bounds.len() as u64).to_le_bytes());
        bounds
            .iter()
            .for_each(|b| parameters.extend(b.to_le_bytes()));
        let list: Vec<String> = bounds.iter().map(|b| number(*b)).collect();
        let json = format!(
            "{{\"version\":1,\"column\":{},\"count\":{},\"bins\":{bins},\"rank_error\":{},\"boundaries\":[{}]}}",
            quote(&self.settings.column),
            state.count,
            number(state.rank_error()),
            list.join(",")
        );
        Ok(Fitted {
            parameters,
            json: Some(json),
        })
    }

    fn encode(&self, state: &Sketch) -> Vec<u8> {
        state.encode()
    }

    fn decode(&self, bytes: &[u8]) -> Result<Sketch> {
        Sketch::decode(bytes, self.settings.k)
    }
}

fn quote(name: &str) -> String {
    let mut out = String::from("\"");
    for c in name.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn number(x: f64) -> String {
    if x.is_finite() {
        format!("{x:?}")
    } else {
        "null".into()
    }
}

/// The transform: the bin of each value.
pub struct QuantileBins {
    settings: Settings,
    /// The upper boundaries of bins 0 to bins - 2 (none until fitted).
    bounds: Option<Vec<f64>>,
}

impl Plugin for QuantileBins {
    fn configure(config: &mut Config) -> Result<Self> {
        Ok(QuantileBins {
            settings: Settings::read(config)?,
            bounds: None,
        })
    }

    fn contract(&self) -> Contract {
        let mut c = Contract::new("quantile-bins", env!("CARGO_PKG_VERSION"));
        c.inputs = vec![self.settings.input()];
        c.nullable_output(
            format!("{}{}", self.settings.column, self.settings.suffix),
            DataType::Int32,
        )
    }

    fn process(&mut self, batch: Batch) -> Result<Output> {
        let Some(bounds) = &self.bounds else {
            return Err(Error::failure(
                "not fitted: give the step `fit = true` (or `fitted = \"...\"`) in the job",
            ));
        };
        let values = self.settings.values(&batch)?;
        let mut b = PrimitiveBuilder::<i32>::with_capacity(values.len());
        for x in values {
            // The first bin whose upper boundary is >= x.
            b.push_option(x.map(|x| bounds.partition_point(|&upper| upper < x) as i32));
        }
        Ok(Output::new().column(b.finish()))
    }
}

impl FittedPlugin for QuantileBins {
    fn configure_fitted(config: &mut Config, parameters: &[u8]) -> Result<Self> {
        let settings = Settings::read(config)?;
        let bad = || {
            Error::failure(format!(
                "not quantile-bins parameters for {} bins",
                settings.bins
            ))
        };
        let body = parameters
            .strip_prefix(PARAMS_MAGIC.as_slice())
            .ok_or_else(bad)?;
        let words: Vec<u64> = body
            .chunks_exact(8)
            .map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")))
            .collect();
        if body.len() % 8 != 0 || words.first() != Some(&(settings.bins as u64 - 1)) {
            return Err(bad());
        }
        let bounds = words[1..]
            .iter()
            .map(|w| f64::from_bits(*w))
            .collect::<Vec<_>>();
        if bounds.len() != settings.bins - 1 {
            return Err(bad());
        }
        Ok(QuantileBins {
            settings,
            bounds: Some(bounds),
        })
    }
}

wasmprep_sdk::export_fitting_plugin!(QuantileBins, BinsFit);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmprep_sdk::testing::{FitHarness, Harness, TestBatch};
    use wasmprep_sdk::Column;

    /// A deterministic, skewed stream of values.
    fn stream(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let u = (x >> 11) as f64 / (1u64 << 53) as f64;
                -u.ln() * 3.0
            })
            .collect()
    }

    fn sketch_of(values: &[f64], k: usize) -> Sketch {
        let mut s = Sketch::new(k);
        values.iter().for_each(|&v| s.add(v));
        s
    }

    /// The fraction of `sorted` at or below `b`.
    fn rank(sorted: &[f64], b: f64) -> f64 {
        sorted.partition_point(|&x| x <= b) as f64 / sorted.len() as f64
    }

    #[test]
    fn quantiles_are_within_the_documented_rank_error() {
        let parts: Vec<Vec<f64>> = (0..7)
            .map(|p| stream(20_000 + 3_000 * p, p as u64 + 1))
            .collect();
        let merged = parts
            .iter()
            .map(|p| sketch_of(p, 256))
            .reduce(Sketch::merge)
            .unwrap();
        let mut all: Vec<f64> = parts.concat();
        all.sort_by(f64::total_cmp);
        assert_eq!(merged.count, all.len() as u64);
        let eps = merged.rank_error();
        assert!(eps > 0.0 && eps < 0.05, "{eps}");
        let qs: Vec<f64> = (1..20).map(|j| j as f64 / 20.0).collect();
        for (q, b) in qs.iter().zip(merged.quantiles(&qs)) {
            let r = rank(&all, b);
            assert!((r - q).abs() <= eps, "q {q}: rank {r}, bound {eps}");
        }
    }

    #[test]
    fn merge_is_associative_and_deterministic() {
        let parts: Vec<Sketch> = (0..5)
            .map(|p| sketch_of(&stream(3_000, p + 7), 128))
            .collect();
        let left = parts.iter().cloned().reduce(Sketch::merge).unwrap();
        let again = parts.iter().cloned().reduce(Sketch::merge).unwrap();
        assert_eq!(left, again, "the same order gives the same sketch");
        let right = parts[..4]
            .iter()
            .rev()
            .cloned()
            .fold(parts[4].clone(), |acc, s| s.merge(acc));
        // Another grouping: another sketch, but of the same data, within the
        // same bound.
        assert_eq!(left.count, right.count);
        let mut all: Vec<f64> = (0..5).flat_map(|p| stream(3_000, p + 7)).collect();
        all.sort_by(f64::total_cmp);
        let qs = [0.1, 0.5, 0.9];
        for s in [&left, &right] {
            for (q, b) in qs.iter().zip(s.quantiles(&qs)) {
                assert!((rank(&all, b) - q).abs() <= s.rank_error(), "{q}");
            }
        }
        let fit = FitHarness::<BinsFit>::new(&[("column", "x"), ("k", "128")]).unwrap();
        let empty = fit.empty();
        let state = BinsFit::configure(&mut Config::from_pairs([("column", "x"), ("k", "128")]))
            .unwrap()
            .encode(&left);
        assert_eq!(
            fit.merge(&empty, &state).unwrap(),
            state,
            "empty is the identity"
        );
    }

    #[test]
    fn values_go_to_the_bin_of_their_quantile() {
        let config = [("column", "x"), ("bins", "4")];
        let fit = FitHarness::<BinsFit>::new(&config).unwrap();
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let fitted = fit
            .fit(vec![vec![
                TestBatch::new().with("x", Column::from_values(values))
            ]])
            .unwrap();
        let mut bins = Harness::<QuantileBins>::fitted(&config, &fitted.parameters).unwrap();
        let out = bins
            .process(TestBatch::new().with(
                "x",
                Column::from_options([
                    Some(1.0),
                    Some(25.0),
                    Some(25.5),
                    Some(100.0),
                    None,
                    Some(f64::NAN),
                ]),
            ))
            .unwrap();
        assert_eq!(
            out.primitive::<i32>("x_bin"),
            [Some(0), Some(0), Some(1), Some(3), None, None]
        );
        assert!(fitted
            .json
            .unwrap()
            .contains("\"boundaries\":[25.0,50.0,75.0]"));
        let err = Harness::<QuantileBins>::fitted(&[("column", "x")], &fitted.parameters)
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .contains("not quantile-bins parameters for 10 bins"),
            "{err}"
        );
    }
}
