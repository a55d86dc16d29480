//! Run a plugin natively under `cargo test`, through the same configure →
//! contract → process → output-check path the sandbox uses.
//!
//! ```
//! # use wasmprep_sdk::*;
//! # struct Double;
//! # impl Plugin for Double {
//! #     fn configure(_: &mut Config) -> Result<Self> { Ok(Double) }
//! #     fn contract(&self) -> Contract {
//! #         Contract::new("double", "0.1.0").input("x", DataType::Int64).output("x", DataType::Int64)
//! #     }
//! #     fn process(&mut self, batch: Batch) -> Result<Output> {
//! #         let x = batch.primitive::<i64>("x")?;
//! #         Ok(Output::new().column(Column::from_fn(batch.len(), |i| x.values()[i] * 2)))
//! #     }
//! # }
//! use wasmprep_sdk::testing::{Harness, TestBatch};
//!
//! let mut double = Harness::<Double>::new(&[]).unwrap();
//! let out = double
//!     .process(TestBatch::new().with("x", Column::from_values([1i64, 2, 3])))
//!     .unwrap();
//! assert_eq!(out.primitive::<i64>("x"), vec![Some(2), Some(4), Some(6)]);
//! ```

use crate::{
    Aggregate, Column, ColumnSpec, Contract, Error, FitInstance, Fitted, FittedPlugin, Instance,
    Native, Plugin, Result, Selection,
};

/// A configured plugin, run natively.
pub struct Harness<P> {
    instance: Instance<P>,
}

impl<P: FittedPlugin> Harness<P> {
    /// Configures a fitting plugin's transform with fitted parameters.
    pub fn fitted(config: &[(&str, &str)], parameters: &[u8]) -> Result<Self> {
        Ok(Harness {
            instance: Instance::configure_fitted(pairs(config), parameters)?,
        })
    }
}

fn pairs(config: &[(&str, &str)]) -> Vec<(String, String)> {
    config
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The declared inputs of `batch`, in order, checked as the host checks
/// them: a missing input, a wrong type or nulls where none are declared are
/// refused.
fn select_inputs(specs: &[ColumnSpec], batch: &TestBatch) -> Result<Vec<Column>> {
    let mut columns = Vec::with_capacity(specs.len());
    for spec in specs {
        let Some((_, column)) = batch.columns.iter().find(|(n, _)| *n == spec.name) else {
            return Err(Error::failure(format!(
                "missing input column `{}`",
                spec.name
            )));
        };
        if column.data_type() != &spec.data_type {
            return Err(Error::failure(format!(
                "input `{}`: expected {}, got {}",
                spec.name,
                spec.data_type,
                column.data_type()
            )));
        }
        if !spec.nullable && column.null_count() > 0 {
            return Err(Error::failure(format!(
                "input `{}` is declared without nulls but has {}",
                spec.name,
                column.null_count()
            )));
        }
        columns.push(column.clone());
    }
    Ok(columns)
}

/// A configured aggregate, run natively: states as the bytes the host
/// keeps, batches checked as the host checks them.
pub struct FitHarness<A> {
    fit: FitInstance<A>,
}

impl<A: Aggregate> FitHarness<A> {
    pub fn new(config: &[(&str, &str)]) -> Result<Self> {
        Ok(FitHarness {
            fit: FitInstance::configure(pairs(config))?,
        })
    }

    pub fn inputs(&self) -> &[ColumnSpec] {
        self.fit.inputs()
    }

    pub fn empty(&self) -> Vec<u8> {
        self.fit.empty()
    }

    pub fn update(&self, state: &[u8], batch: TestBatch) -> Result<Vec<u8>> {
        self.fit
            .update(state, select_inputs(self.fit.inputs(), &batch)?)
    }

    pub fn merge(&self, left: &[u8], right: &[u8]) -> Result<Vec<u8>> {
        self.fit.merge(left, right)
    }

    pub fn finish(&self, state: &[u8]) -> Result<Fitted> {
        self.fit.finish(state)
    }

    /// The state of one partition: its batches folded from the empty state.
    pub fn partition(&self, batches: Vec<TestBatch>) -> Result<Vec<u8>> {
        batches
            .into_iter()
            .try_fold(self.empty(), |state, batch| self.update(&state, batch))
    }

    /// Fits as the host does: a state per partition, merged in order.
    pub fn fit(&self, partitions: Vec<Vec<TestBatch>>) -> Result<Fitted> {
        let mut merged = self.empty();
        for batches in partitions {
            let state = self.partition(batches)?;
            merged = self.merge(&merged, &state)?;
        }
        self.finish(&merged)
    }
}

impl<P: Plugin> Harness<P> {
    /// Configures the plugin with `config` key/values.
    pub fn new(config: &[(&str, &str)]) -> Result<Self> {
        Ok(Harness {
            instance: Instance::configure(pairs(config))?,
        })
    }

    pub fn contract(&self) -> &Contract {
        self.instance.contract()
    }

    /// Runs one batch. Like the host, passes only the declared inputs, in
    /// contract order, and refuses a missing input, a wrong type or nulls in
    /// an input declared without them.
    pub fn process(&mut self, batch: TestBatch) -> Result<TestOutput> {
        let contract = self.instance.contract().clone();
        let columns = select_inputs(&contract.inputs, &batch)?;
        let (columns, selection) = self.instance.process(columns)?;
        Ok(TestOutput {
            names: contract.outputs.iter().map(|s| s.name.clone()).collect(),
            columns,
            selection,
        })
    }
}

/// Named input columns for [`Harness::process`].
#[derive(Clone, Debug, Default)]
pub struct TestBatch {
    columns: Vec<(String, Column)>,
}

impl TestBatch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a column. Build timestamps and other typed columns with
    /// [`crate::PrimitiveBuilder::with_type`].
    pub fn with(mut self, name: &str, column: Column) -> Self {
        self.columns.push((name.to_string(), column));
        self
    }
}

/// What a plugin returned for a [`TestBatch`].
#[derive(Debug)]
pub struct TestOutput {
    names: Vec<String>,
    columns: Vec<Column>,
    selection: Option<Selection>,
}

impl TestOutput {
    /// The output column `name`; panics when the contract has none.
    pub fn column(&self, name: &str) -> &Column {
        let i = self
            .names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no output `{name}` among {:?}", self.names));
        &self.columns[i]
    }

    /// The values of output `name` read as `T`, nulls as `None`.
    pub fn primitive<T: Native>(&self, name: &str) -> Vec<Option<T>> {
        self.column(name)
            .primitive::<T>()
            .unwrap_or_else(|e| panic!("output `{name}`: {e}"))
            .iter()
            .collect()
    }

    /// The values of utf8 output `name`, nulls as `None`.
    pub fn utf8(&self, name: &str) -> Vec<Option<String>> {
        self.column(name)
            .utf8()
            .unwrap_or_else(|e| panic!("output `{name}`: {e}"))
            .iter()
            .map(|v| v.map(str::to_string))
            .collect()
    }

    pub fn selection(&self) -> Option<&Selection> {
        self.selection.as_ref()
    }

    /// Indices of the rows kept, when the plugin filters.
    pub fn kept_rows(&self) -> Option<Vec<usize>> {
        self.selection
            .as_ref()
            .map(|s| (0..s.len()).filter(|&i| s.get(i)).collect())
    }
}
