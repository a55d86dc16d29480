use wasmprep_sdk::{Batch, BoolBuilder, BytesBuilder, Column, Config, Contract, DataType, Output, Plugin, Result};

/// Adds sum = a + b, label = "big" when sum > 10 else "small", and
/// positive = sum > 0; all three null where a or b is.
pub struct Case;

impl Plugin for Case {
    fn configure(_: &mut Config) -> Result<Self> {
        Ok(Case)
    }

    fn contract(&self) -> Contract {
        Contract::new("add-columns", "0.1.0")
            .input("a", DataType::Float64)
            .input("b", DataType::Float64)
            .nullable_output("sum", DataType::Float64)
            .nullable_output("label", DataType::Utf8)
            .nullable_output("positive", DataType::Boolean)
    }

    fn process(&mut self, batch: Batch) -> Result<Output> {
        let (a, b) = (batch.primitive::<f64>("a")?, batch.primitive::<f64>("b")?);
        let sums: Vec<Option<f64>> = (0..batch.len())
            .map(|i| Some(a.get(i)? + b.get(i)?))
            .collect();
        let mut label = BytesBuilder::utf8(sums.len());
        let mut positive = BoolBuilder::with_capacity(sums.len());
        for sum in &sums {
            match sum {
                Some(s) => {
                    label.push_str(if *s > 10.0 { "big" } else { "small" });
                    positive.push(*s > 0.0);
                }
                None => {
                    label.push_null();
                    positive.push_null();
                }
            }
        }
        Ok(Output::new()
            .column(Column::from_options(sums))
            .column(label.finish())
            .column(positive.finish()))
    }
}
