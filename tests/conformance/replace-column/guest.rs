use wasmprep_sdk::{Batch, BytesBuilder, Column, Config, Contract, DataType, Output, Plugin, Result};

/// Replaces `x` (int64) with x * 2 and `s` (utf8) with s + "!"; nulls stay.
pub struct Case;

impl Plugin for Case {
    fn configure(_: &mut Config) -> Result<Self> {
        Ok(Case)
    }

    fn contract(&self) -> Contract {
        Contract::new("replace-column", "0.1.0")
            .input("x", DataType::Int64)
            .input("s", DataType::Utf8)
            .nullable_output("x", DataType::Int64)
            .nullable_output("s", DataType::Utf8)
    }

    fn process(&mut self, batch: Batch) -> Result<Output> {
        let x = batch.primitive::<i64>("x")?;
        let doubled = Column::from_options(x.iter().map(|v| v.map(|v| v * 2)));
        let s = batch.utf8("s")?;
        let mut shouted = BytesBuilder::utf8(s.len());
        for value in s.iter() {
            match value {
                Some(text) => shouted.push_str(&format!("{text}!")),
                None => shouted.push_null(),
            }
        }
        Ok(Output::new().column(doubled).column(shouted.finish()))
    }
}
