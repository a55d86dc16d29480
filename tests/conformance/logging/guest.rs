use wasmprep_sdk::log::{log, Level};
use wasmprep_sdk::{Batch, Config, Contract, DataType, Output, Plugin, Result};

/// Logs one message at each level per batch; the batch passes unchanged.
pub struct Case;

impl Plugin for Case {
    fn configure(_: &mut Config) -> Result<Self> {
        Ok(Case)
    }

    fn contract(&self) -> Contract {
        Contract::new("logging", "0.1.0").input("n", DataType::Int32)
            .nullable_output("n", DataType::Int32)
    }

    fn process(&mut self, mut batch: Batch) -> Result<Output> {
        log(Level::Trace, "trace message");
        log(Level::Debug, "debug message");
        log(Level::Info, "info message");
        log(Level::Warn, "warn message");
        log(Level::Error, &format!("error message, {} rows", batch.len()));
        Ok(Output::new().column(batch.take("n")?))
    }
}
