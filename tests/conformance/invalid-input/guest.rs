use wasmprep_sdk::{Batch, Config, Contract, DataType, Error, Output, Plugin, Result};

/// Refuses the first negative `n`, naming its row and column.
pub struct Case;

impl Plugin for Case {
    fn configure(_: &mut Config) -> Result<Self> {
        Ok(Case)
    }

    fn contract(&self) -> Contract {
        Contract::new("invalid-input", "0.1.0").input("n", DataType::Int32)
            .nullable_output("n", DataType::Int32)
    }

    fn process(&mut self, mut batch: Batch) -> Result<Output> {
        let n = batch.primitive::<i32>("n")?;
        if let Some(row) = (0..batch.len()).find(|&i| n.get(i).is_some_and(|v| v < 0)) {
            let message = format!("negative value {}", n.values()[row]);
            return Err(Error::input(message, "n", row));
        }
        Ok(Output::new().column(batch.take("n")?))
    }
}
