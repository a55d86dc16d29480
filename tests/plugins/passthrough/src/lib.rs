//! Returns its input columns unchanged, replacing them in place: measures
//! the cost of crossing the boundary and back.
//!
//! Configuration: `columns` (comma-separated names) and `type` (their type,
//! default int64).

use wasmprep_sdk::{Batch, Config, Contract, DataType, Error, Output, Plugin, Result};

pub struct Passthrough {
    columns: Vec<String>,
    data_type: DataType,
}

impl Plugin for Passthrough {
    fn configure(config: &mut Config) -> Result<Self> {
        let columns: Vec<String> = config
            .get("columns")
            .ok_or_else(|| Error::config("`columns` is required"))?
            .split(',')
            .map(|c| c.trim().to_string())
            .collect();
        let name = config.str_or("type", "int64");
        let data_type = DataType::parse(&name)
            .ok_or_else(|| Error::config(format!("unknown type `{name}`")))?;
        Ok(Passthrough { columns, data_type })
    }

    fn contract(&self) -> Contract {
        let mut c = Contract::new("passthrough", "0.1.0");
        for name in &self.columns {
            c = c
                .input(name, self.data_type.clone())
                .nullable_output(name, self.data_type.clone());
        }
        c
    }

    fn process(&mut self, mut batch: Batch) -> Result<Output> {
        let mut out = Output::new();
        for name in &self.columns {
            out = out.column(batch.take(name)?);
        }
        Ok(out)
    }
}

wasmprep_sdk::export_plugin!(Passthrough);
