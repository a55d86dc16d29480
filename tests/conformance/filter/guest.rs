use wasmprep_sdk::{Batch, Config, Contract, DataType, Output, Plugin, Result, Selection};

/// Keeps the rows whose `n` is even (a null `n` is dropped).
pub struct Case;

impl Plugin for Case {
    fn configure(_: &mut Config) -> Result<Self> {
        Ok(Case)
    }

    fn contract(&self) -> Contract {
        Contract::new("filter", "0.1.0").input("n", DataType::Int32).filters()
    }

    fn process(&mut self, batch: Batch) -> Result<Output> {
        let n = batch.primitive::<i32>("n")?;
        let keep = Selection::from_fn(batch.len(), |i| n.get(i).is_some_and(|v| v % 2 == 0));
        Ok(Output::new().select(keep))
    }
}
