//! Fitting: plugins that learn from all of the data before they transform
//! it (`sdk/wit/fit.wit`). An [`Aggregate`] folds batches into a state,
//! merges states and finishes one into fitted parameters; a
//! [`FittedPlugin`] is the transform configured with those parameters.
//! Both run natively under `cargo test` ([`crate::testing::FitHarness`]).

use crate::{Batch, Column, ColumnSpec, Config, Contract, Error, Plugin, Result};

/// What a fit learns, as `finish` returns it.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    /// Read back by [`FittedPlugin::configure_fitted`]: a layout the plugin
    /// owns (put a version in it).
    pub parameters: Vec<u8>,
    /// The same parameters as JSON, for people (the host writes it beside
    /// them).
    pub json: Option<String>,
}

/// The fit side of a plugin: a state per partition, folded batch by batch,
/// states merged in partition order, the merged state finished.
///
/// `merge` must be associative, `merge(merge(a, b), c) == merge(a, merge(b,
/// c))`, for the parameters to be the same at any number of ranks and
/// threads (the host merges in partition order, grouped as it likes).
pub trait Aggregate: Sized + 'static {
    /// The state of the rows seen so far.
    type State;

    /// Reads the configuration (the step's, as [`Plugin::configure`] gets
    /// it). Keys it does not read are reported as unknown.
    fn configure(config: &mut Config) -> Result<Self>;

    /// The columns [`Aggregate::update`] reads.
    fn inputs(&self) -> Vec<ColumnSpec>;

    /// The state of no rows.
    fn empty(&self) -> Self::State;

    /// Folds one batch (the inputs, in order) into `state`.
    fn update(&self, state: &mut Self::State, batch: Batch) -> Result<()>;

    /// The state of `left`'s rows followed by `right`'s.
    fn merge(&self, left: Self::State, right: Self::State) -> Result<Self::State>;

    /// The fitted parameters of a state.
    fn finish(&self, state: Self::State) -> Result<Fitted>;

    /// A state as bytes (it crosses ranks and is kept between passes).
    fn encode(&self, state: &Self::State) -> Vec<u8>;

    /// A state from [`Aggregate::encode`]'s bytes.
    fn decode(&self, bytes: &[u8]) -> Result<Self::State>;
}

/// The transform side of a fitting plugin: configured with the parameters
/// its [`Aggregate`] fitted.
pub trait FittedPlugin: Plugin {
    /// Reads the configuration and the fitted parameters. Its contract must
    /// be the one [`Plugin::configure`] gives for the same configuration
    /// (the host plans the job with that one, before fitting).
    fn configure_fitted(config: &mut Config, parameters: &[u8]) -> Result<Self>;
}

/// A configured aggregate: what the exported functions (and the harness)
/// call, with states as bytes.
#[doc(hidden)]
pub struct FitInstance<A> {
    aggregate: A,
    contract: Contract,
}

impl<A: Aggregate> FitInstance<A> {
    pub fn configure(pairs: Vec<(String, String)>) -> Result<Self> {
        let mut config = Config::from_pairs(pairs);
        let aggregate = A::configure(&mut config)?;
        config.finish()?;
        let mut contract = Contract::new("fit", "0");
        contract.inputs = aggregate.inputs();
        Ok(FitInstance {
            aggregate,
            contract,
        })
    }

    pub fn inputs(&self) -> &[ColumnSpec] {
        &self.contract.inputs
    }

    pub fn empty(&self) -> Vec<u8> {
        self.aggregate.encode(&self.aggregate.empty())
    }

    pub fn update(&self, state: &[u8], columns: Vec<Column>) -> Result<Vec<u8>> {
        let mut state = self.aggregate.decode(state)?;
        let batch = Batch::new(&self.contract, columns)?;
        self.aggregate.update(&mut state, batch)?;
        Ok(self.aggregate.encode(&state))
    }

    pub fn merge(&self, left: &[u8], right: &[u8]) -> Result<Vec<u8>> {
        let (left, right) = (self.aggregate.decode(left)?, self.aggregate.decode(right)?);
        Ok(self.aggregate.encode(&self.aggregate.merge(left, right)?))
    }

    pub fn finish(&self, state: &[u8]) -> Result<Fitted> {
        self.aggregate.finish(self.aggregate.decode(state)?)
    }
}

/// The error of a fit function called on a plugin that does not fit.
#[doc(hidden)]
pub fn does_not_fit() -> Error {
    Error::failure("this plugin does not fit (it exports no Aggregate)")
}
