use wasmprep_sdk::{Batch, Config, Contract, DataType, Error, Output, Plugin, Result};

/// Refuses a `factor` that is not a number.
pub struct Case;

impl Plugin for Case {
    fn configure(config: &mut Config) -> Result<Self> {
        let factor = config.str_or("factor", "1");
        match factor.parse::<f64>() {
            Ok(_) => Ok(Case),
            Err(_) => Err(Error::config(format!("factor must be a number, not `{factor}`"))),
        }
    }

    fn contract(&self) -> Contract {
        Contract::new("invalid-config", "0.1.0").input("n", DataType::Int32)
            .nullable_output("n", DataType::Int32)
    }

    fn process(&mut self, mut batch: Batch) -> Result<Output> {
        Ok(Output::new().column(batch.take("n")?))
    }
}
