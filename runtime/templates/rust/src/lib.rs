//! {{name}}: multiplies the float64 column `value` by `factor` (default 2)
//! into a new column `scaled`; a null stays null.

use wasmprep_sdk::{Batch, Column, Config, Contract, DataType, Output, Plugin, Result};

pub struct Scale {
    factor: f64,
}

impl Plugin for Scale {
    fn configure(config: &mut Config) -> Result<Self> {
        // A key the plugin never reads is refused ("unknown key").
        Ok(Scale {
            factor: config.f64_or("factor", 2.0)?,
        })
    }

    fn contract(&self) -> Contract {
        Contract::new("{{name}}", "0.1.0")
            .input("value", DataType::Float64)
            .nullable_output("scaled", DataType::Float64)
    }

    fn process(&mut self, batch: Batch) -> Result<Output> {
        let value = batch.primitive::<f64>("value")?;
        let v = value.values();
        let scaled = Column::from_fn(batch.len(), |i| v[i] * self.factor)
            .with_nulls_from(&[value.validity()]);
        Ok(Output::new().column(scaled))
    }
}

wasmprep_sdk::export_plugin!(Scale);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmprep_sdk::testing::{Harness, TestBatch};

    #[test]
    fn scales_and_keeps_nulls() {
        let mut plugin = Harness::<Scale>::new(&[("factor", "3")]).unwrap();
        let value = Column::from_options([Some(1.5f64), None, Some(-2.0)]);
        let out = plugin.process(TestBatch::new().with("value", value)).unwrap();
        assert_eq!(out.primitive::<f64>("scaled"), vec![Some(4.5), None, Some(-6.0)]);
    }

    #[test]
    fn a_typo_in_the_config_is_refused() {
        assert!(Harness::<Scale>::new(&[("facter", "3")]).is_err());
    }
}
