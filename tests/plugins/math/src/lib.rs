//! Applies every function of `wasmprep_sdk::math` to the float64 column `x`
//! (and the inverse trigonometric ones to `x / (1 + |x|)`, inside their
//! domain), one float64 output per function, named after it: shows that a
//! plugin's math gives the same bits in the sandbox as natively.

use wasmprep_sdk::{math, Batch, Column, Config, Contract, DataType, Output, Plugin, Result};

/// An output's name and the function that computes it from `x`.
pub type Function = (&'static str, fn(f64) -> f64);

/// The functions, by output name; the inverse trigonometric ones take `x`
/// scaled into [-1, 1].
pub const FUNCTIONS: [Function; 20] = [
    ("sin", math::sin),
    ("cos", math::cos),
    ("tan", math::tan),
    ("asin", |x| math::asin(unit(x))),
    ("acos", |x| math::acos(unit(x))),
    ("atan", math::atan),
    ("sinh", math::sinh),
    ("cosh", math::cosh),
    ("tanh", math::tanh),
    ("exp", math::exp),
    ("exp2", math::exp2),
    ("exp_m1", math::exp_m1),
    ("ln", |x| math::ln(x.abs())),
    ("ln_1p", |x| math::ln_1p(x.abs())),
    ("log2", |x| math::log2(x.abs())),
    ("log10", |x| math::log10(x.abs())),
    ("cbrt", math::cbrt),
    ("atan2", |x| math::atan2(x, 1.5)),
    ("pow", |x| math::pow(x.abs(), 1.37)),
    ("hypot", |x| math::hypot(x, 3.0)),
];

fn unit(x: f64) -> f64 {
    x / (1.0 + x.abs())
}

pub struct MathProbe;

impl Plugin for MathProbe {
    fn configure(_config: &mut Config) -> Result<Self> {
        Ok(MathProbe)
    }

    fn contract(&self) -> Contract {
        let mut c = Contract::new("math", "0.1.0").input("x", DataType::Float64);
        for (name, _) in FUNCTIONS {
            c = c.output(name, DataType::Float64);
        }
        c
    }

    fn process(&mut self, batch: Batch) -> Result<Output> {
        let x = batch.primitive::<f64>("x")?;
        let x = x.values();
        let mut out = Output::new();
        for (_, f) in FUNCTIONS {
            out = out.column(Column::from_fn(x.len(), |i| f(x[i])));
        }
        Ok(out)
    }
}

wasmprep_sdk::export_plugin!(MathProbe);
