//! `standard-scaler`: each configured column standardised with the mean and
//! standard deviation of all of the data, `<col>_z = (x - mean) / std`, as
//! scikit-learn's `StandardScaler` (population deviation by default).
//!
//! Configuration:
//! - `columns`: the columns to scale (an array of names);
//! - `type`: their type, `float64` (default) or `float32`;
//! - `suffix`: added to each name for its output (`_z`);
//! - `ddof`: 0 (population deviation, the default) or 1 (sample).
//!
//! The fit keeps, per column, the count, mean and sum of squared deviations
//! of its non-null values, and merges two states with Chan's parallel
//! formula. A null stays null; a column whose deviation is 0 scales to 0.
//! The parameters are `SCALER 1` then, per column, its count, mean and
//! deviation; their JSON view names the columns.

use wasmprep_sdk::{
    Aggregate, Batch, ColumnSpec, Config, Contract, DataType, Error, Fitted, FittedPlugin, Output,
    Plugin, PrimitiveBuilder, Result,
};

/// What a state's and the parameters' bytes start with (format version 1).
const STATE_MAGIC: &[u8; 8] = b"SCSTATE1";
const PARAMS_MAGIC: &[u8; 8] = b"SCALER 1";

/// The configuration both sides read.
#[derive(Clone, Debug)]
struct Settings {
    columns: Vec<String>,
    data_type: DataType,
    suffix: String,
    ddof: u64,
}

impl Settings {
    fn read(config: &mut Config) -> Result<Settings> {
        let columns = names(&config.str_or("columns", ""))?;
        let data_type = match config.str_or("type", "float64").as_str() {
            "float64" => DataType::Float64,
            "float32" => DataType::Float32,
            other => return Err(Error::config(format!("type {other:?}: float64 or float32"))),
        };
        let ddof = config.parse_or("ddof", 0u64)?;
        if ddof > 1 {
            return Err(Error::config(format!("ddof {ddof}: 0 or 1")));
        }
        Ok(Settings {
            columns,
            data_type,
            suffix: config.str_or("suffix", "_z"),
            ddof,
        })
    }

    fn inputs(&self) -> Vec<ColumnSpec> {
        self.columns
            .iter()
            .map(|c| ColumnSpec {
                name: c.clone(),
                data_type: self.data_type.clone(),
                nullable: true,
            })
            .collect()
    }

    /// A column's values as f64 (None where null).
    fn values(&self, batch: &Batch, column: &str) -> Result<Vec<Option<f64>>> {
        let n = batch.len();
        Ok(match self.data_type {
            DataType::Float32 => {
                let v = batch.primitive::<f32>(column)?;
                (0..n).map(|i| v.get(i).map(f64::from)).collect()
            }
            _ => {
                let v = batch.primitive::<f64>(column)?;
                (0..n).map(|i| v.get(i)).collect()
            }
        })
    }
}

/// `["a", "b"]` (as the host passes an array) or `a,b`.
fn names(text: &str) -> Result<Vec<String>> {
    let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
    let names: Vec<String> = inner
        .split(',')
        .map(|n| n.trim().trim_matches('"').to_string())
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return Err(Error::config("columns: name at least one column"));
    }
    Ok(names)
}

/// One column's running moments (Welford's, merged with Chan's formula).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    pub count: u64,
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
}

impl Moments {
    fn add(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// The moments of both sets of values (Chan et al.'s parallel formula).
    pub fn merge(self, other: Moments) -> Moments {
        if self.count == 0 {
            return other;
        }
        if other.count == 0 {
            return self;
        }
        let count = self.count + other.count;
        let (na, nb, n) = (self.count as f64, other.count as f64, count as f64);
        let delta = other.mean - self.mean;
        Moments {
            count,
            mean: self.mean + delta * nb / n,
            m2: self.m2 + other.m2 + delta * delta * na * nb / n,
        }
    }

    fn std(&self, ddof: u64) -> f64 {
        if self.count <= ddof {
            return 0.0;
        }
        (self.m2 / (self.count - ddof) as f64).sqrt()
    }
}

/// The fit: moments per column.
pub struct ScalerFit {
    settings: Settings,
}

impl Aggregate for ScalerFit {
    type State = Vec<Moments>;

    fn configure(config: &mut Config) -> Result<Self> {
        Ok(ScalerFit {
            settings: Settings::read(config)?,
        })
    }

    fn inputs(&self) -> Vec<ColumnSpec> {
        self.settings.inputs()
    }

    fn empty(&self) -> Vec<Moments> {
        vec![Moments::default(); self.settings.columns.len()]
    }

    fn update(&self, state: &mut Vec<Moments>, batch: Batch) -> Result<()> {
        for (moments, column) in state.iter_mut().zip(&self.settings.columns) {
            for x in self.settings.values(&batch, column)?.into_iter().flatten() {
                moments.add(x);
            }
        }
        Ok(())
    }

    fn merge(&self, left: Vec<Moments>, right: Vec<Moments>) -> Result<Vec<Moments>> {
        Ok(left
            .into_iter()
            .zip(right)
            .map(|(l, r)| l.merge(r))
            .collect())
    }

    fn finish(&self, state: Vec<Moments>) -> Result<Fitted> {
        let ddof = self.settings.ddof;
        let mut parameters = PARAMS_MAGIC.to_vec();
        let mut json = Vec::new();
        for (m, name) in state.iter().zip(&self.settings.columns) {
            let std = m.std(ddof);
            parameters.extend(m.count.to_le_bytes());
            parameters.extend(m.mean.to_le_bytes());
            parameters.extend(std.to_le_bytes());
            json.push(format!(
                "{{\"column\":{},\"count\":{},\"mean\":{},\"std\":{}}}",
                quote(name),
                m.count,
                number(m.mean),
                number(std)
            ));
        }
        Ok(Fitted {
            parameters,
            json: Some(format!(
                "{{\"version\":1,\"ddof\":{ddof},\"columns\":[{}]}}",
                json.join(",")
            )),
        })
    }

    fn encode(&self, state: &Vec<Moments>) -> Vec<u8> {
        let mut bytes = STATE_MAGIC.to_vec();
        for m in state {
            bytes.extend(m.count.to_le_bytes());
            bytes.extend(m.mean.to_le_bytes());
            bytes.extend(m.m2.to_le_bytes());
        }
        bytes
    }

    fn decode(&self, bytes: &[u8]) -> Result<Vec<Moments>> {
        let fields = records(bytes, STATE_MAGIC, self.settings.columns.len(), "state")?;
        Ok(fields
            .into_iter()
            .map(|[count, mean, m2]| Moments {
                count,
                mean: f64::from_bits(mean),
                m2: f64::from_bits(m2),
            })
            .collect())
    }
}

/// `magic` then `n` records of three little-endian u64s.
fn records(bytes: &[u8], magic: &[u8; 8], n: usize, what: &str) -> Result<Vec<[u64; 3]>> {
    let body = bytes
        .strip_prefix(magic.as_slice())
        .filter(|b| b.len() == n * 24)
        .ok_or_else(|| Error::failure(format!("not a standard-scaler {what} for {n} column(s)")))?;
    Ok(body
        .chunks_exact(24)
        .map(|r| {
            let word =
                |i: usize| u64::from_le_bytes(r[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
            [word(0), word(1), word(2)]
        })
        .collect())
}

fn quote(name: &str) -> String {
    let escaped: String = name
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if (c as u32) < 0x20 => format!("\\u{:04x}", c as u32).chars().collect(),
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

/// A JSON number (JSON has no NaN or infinity: those are null).
fn number(x: f64) -> String {
    if x.is_finite() {
        format!("{x:?}")
    } else {
        "null".into()
    }
}

/// The transform: `<col>_z` from the fitted mean and deviation.
pub struct StandardScaler {
    settings: Settings,
    /// Per column: mean and deviation (none until fitted).
    fitted: Option<Vec<(f64, f64)>>,
}

impl Plugin for StandardScaler {
    fn configure(config: &mut Config) -> Result<Self> {
        Ok(StandardScaler {
            settings: Settings::read(config)?,
            fitted: None,
        })
    }

    fn contract(&self) -> Contract {
        let mut c = Contract::new("standard-scaler", env!("CARGO_PKG_VERSION"));
        c.inputs = self.settings.inputs();
        for name in &self.settings.columns {
            c = c.nullable_output(format!("{name}{}", self.settings.suffix), DataType::Float64);
        }
        c
    }

    fn process(&mut self, batch: Batch) -> Result<Output> {
        let Some(fitted) = &self.fitted else {
            return Err(Error::failure(
                "not fitted: give the step `fit = true` (or `fitted = \"...\"`) in the job",
            ));
        };
        let mut out = Output::new();
        for (name, &(mean, std)) in self.settings.columns.iter().zip(fitted) {
            let scale = if std > 0.0 { std } else { 1.0 };
            let values = self.settings.values(&batch, name)?;
            let mut b = PrimitiveBuilder::<f64>::with_capacity(values.len());
            for x in values {
                b.push_option(x.map(|x| (x - mean) / scale));
            }
            out = out.column(b.finish());
        }
        Ok(out)
    }
}

impl FittedPlugin for StandardScaler {
    fn configure_fitted(config: &mut Config, parameters: &[u8]) -> Result<Self> {
        let settings = Settings::read(config)?;
        let fitted = records(
            parameters,
            PARAMS_MAGIC,
            settings.columns.len(),
            "parameters",
        )?
        .into_iter()
        .map(|[_, mean, std]| (f64::from_bits(mean), f64::from_bits(std)))
        .collect();
        Ok(StandardScaler {
            settings,
            fitted: Some(fitted),
        })
    }
}

wasmprep_sdk::export_fitting_plugin!(StandardScaler, ScalerFit);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmprep_sdk::testing::{FitHarness, Harness, TestBatch};
    use wasmprep_sdk::Column;

    const CONFIG: &[(&str, &str)] = &[("columns", "[\"x\", \"y\"]")];

    fn batch(x: &[Option<f64>], y: &[Option<f64>]) -> TestBatch {
        TestBatch::new()
            .with("x", Column::from_options(x.iter().copied()))
            .with("y", Column::from_options(y.iter().copied()))
    }

    type Values = Vec<Option<f64>>;

    /// Six partitions of awkward values (large offsets, nulls, an empty
    /// one): x and y per partition.
    fn values() -> Vec<(Values, Values)> {
        (0..6)
            .map(|p| {
                let n = if p == 3 { 0 } else { 5 + p * 7 };
                let x = (0..n)
                    .map(|i| (i % 4 != 1).then(|| 1e6 + (i * 37 % 11) as f64 * 0.1 + p as f64))
                    .collect();
                let y = (0..n).map(|i| Some(-3.5 * i as f64 + p as f64)).collect();
                (x, y)
            })
            .collect()
    }

    fn partitions() -> Vec<Vec<TestBatch>> {
        values().iter().map(|(x, y)| vec![batch(x, y)]).collect()
    }

    /// Floating point is not associative: groupings agree to rounding (the
    /// host merges in partition order, so its result never varies).
    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn merge_is_associative_over_any_grouping() {
        let fit = FitHarness::<ScalerFit>::new(CONFIG).unwrap();
        let states: Vec<Vec<u8>> = partitions()
            .into_iter()
            .map(|p| fit.partition(p).unwrap())
            .collect();
        let decode = |s: &[u8]| {
            ScalerFit::configure(&mut Config::from_pairs(CONFIG.iter().copied()))
                .unwrap()
                .decode(s)
                .unwrap()
        };
        // Left fold, right fold, and pairs first: the same moments.
        let left = states
            .iter()
            .skip(1)
            .fold(states[0].clone(), |a, s| fit.merge(&a, s).unwrap());
        let right = states[..states.len() - 1]
            .iter()
            .rev()
            .fold(states.last().unwrap().clone(), |a, s| {
                fit.merge(s, &a).unwrap()
            });
        let pairs: Vec<Vec<u8>> = states
            .chunks(2)
            .map(|c| fit.merge(&c[0], &c[1]).unwrap())
            .collect();
        let paired = pairs
            .iter()
            .skip(1)
            .fold(pairs[0].clone(), |a, s| fit.merge(&a, s).unwrap());
        for other in [&right, &paired] {
            for (a, b) in decode(&left).iter().zip(decode(other)) {
                assert_eq!(a.count, b.count);
                assert!(close(a.mean, b.mean) && close(a.m2, b.m2), "{a:?} vs {b:?}");
            }
        }
        // The empty state is the identity.
        assert_eq!(fit.merge(&fit.empty(), &left).unwrap(), left);
        assert_eq!(fit.merge(&left, &fit.empty()).unwrap(), left);
    }

    #[test]
    fn fitted_parameters_are_the_mean_and_deviation_of_all_values() {
        let fit = FitHarness::<ScalerFit>::new(CONFIG).unwrap();
        let fitted = fit.fit(partitions()).unwrap();
        let all: Vec<f64> = values()
            .into_iter()
            .flat_map(|(x, _)| x)
            .flatten()
            .collect();
        let n = all.len() as f64;
        let mean = all.iter().sum::<f64>() / n;
        let std = (all.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        let mut scaler = Harness::<StandardScaler>::fitted(CONFIG, &fitted.parameters).unwrap();
        let out = scaler
            .process(batch(&[Some(mean + std), None], &[Some(0.0), Some(1.0)]))
            .unwrap();
        let z = out.primitive::<f64>("x_z");
        assert!((z[0].unwrap() - 1.0).abs() < 1e-9, "{z:?}");
        assert_eq!(z[1], None);
        let json = fitted.json.unwrap();
        assert!(
            json.starts_with("{\"version\":1,\"ddof\":0,\"columns\":[{\"column\":\"x\",\"count\":"),
            "{json}"
        );
    }

    #[test]
    fn unfitted_and_mismatched_parameters_are_refused() {
        let mut plain = Harness::<StandardScaler>::new(CONFIG).unwrap();
        let err = plain
            .process(batch(&[Some(1.0)], &[Some(1.0)]))
            .unwrap_err();
        assert!(err.to_string().contains("not fitted"), "{err}");
        let one = FitHarness::<ScalerFit>::new(&[("columns", "x")]).unwrap();
        let params = one
            .fit(vec![vec![
                TestBatch::new().with("x", Column::from_values([1.0f64]))
            ]])
            .unwrap();
        let err = Harness::<StandardScaler>::fitted(CONFIG, &params.parameters)
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .contains("not a standard-scaler parameters for 2"),
            "{err}"
        );
        let contract = plain.contract();
        assert_eq!(
            contract
                .outputs
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["x_z", "y_z"]
        );
    }
}
