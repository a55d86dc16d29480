//! Reads a file: imports `wasi:filesystem`, so it loads only when the job
//! grants a directory.
//!
//! Configuration: `path`, the file to read. Adds `file_len` (int64): the
//! file's size, on every row.

use wasmprep_sdk::{Batch, Column, Config, Contract, DataType, Error, Output, Plugin, Result};

pub struct ReadsFile {
    path: String,
}

impl Plugin for ReadsFile {
    fn configure(config: &mut Config) -> Result<Self> {
        Ok(ReadsFile {
            path: config.str_or("path", "/data/file.txt"),
        })
    }

    fn contract(&self) -> Contract {
        Contract::new("reads-file", "0.1.0")
            .input("x", DataType::Int64)
            .output("file_len", DataType::Int64)
    }

    fn process(&mut self, batch: Batch) -> Result<Output> {
        let bytes =
            std::fs::read(&self.path).map_err(|e| Error::failure(format!("{}: {e}", self.path)))?;
        let len = bytes.len() as i64;
        Ok(Output::new().column(Column::from_fn(batch.len(), |_| len)))
    }
}

wasmprep_sdk::export_plugin!(ReadsFile);
