use wasmprep_sdk::{Batch, Config, Contract, DataType, Error, Output, Plugin, Result};

/// Fails every batch with a failure (not an input or configuration error).
pub struct Case;

impl Plugin for Case {
    fn configure(_: &mut Config) -> Result<Self> {
        Ok(Case)
    }

    fn contract(&self) -> Contract {
        Contract::new("failure", "0.1.0").input("n", DataType::Int32)
            .nullable_output("n", DataType::Int32)
    }

    fn process(&mut self, _: Batch) -> Result<Output> {
        Err(Error::failure("the failure case fails on purpose"))
    }
}
