use wasmprep_sdk::{Batch, Config, Contract, DataType, Output, Plugin, Result};

/// Panics: the host reports a trap with the panic's text.
pub struct Case;

impl Plugin for Case {
    fn configure(_: &mut Config) -> Result<Self> {
        Ok(Case)
    }

    fn contract(&self) -> Contract {
        Contract::new("trap", "0.1.0").input("n", DataType::Int32)
            .nullable_output("n", DataType::Int32)
    }

    fn process(&mut self, _: Batch) -> Result<Output> {
        panic!("conformance trap: boom")
    }
}
