//! Fitting plugins (`sdk/wit/fit.wit`): a [`Fitter`] runs a plugin's `fit`
//! export (states in, states out, as bytes the host never reads) under the
//! same limits as `process`; [`PluginSettings::fitted`] configures its
//! transform instances with the fitted parameters.
//!
//! [`PluginSettings::fitted`]: super::PluginSettings::fitted

use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use wasmtime::component::Instance;
use wasmtime::Store;

use super::batch;
use super::bindings::fitting::FittingPlugin;
use super::bindings::wasmprep::plugin::types as wit;
use super::contract::{PluginContract, StepPlan};
use super::convert::lend;
use super::error::{BatchLocation, BatchProblem, Error, Result};
use super::host::HostState;
use super::instance::{CallGuard, Fresh, Plugin};

/// What a fit learned.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    pub parameters: Vec<u8>,
    /// The plugin's JSON view of them, if it offers one.
    pub json: Option<String>,
}

/// `fit.configure-fitted`, for an instance's configuration with fitted
/// parameters (a component without the `fit` export answers with an error).
pub(super) fn configure_fitted(
    store: &mut Store<HostState>,
    instance: &Instance,
    config: &[(&str, &str)],
    parameters: &[u8],
) -> wasmtime::Result<std::result::Result<wit::Contract, wit::Error>> {
    match FittingPlugin::new(&mut *store, instance) {
        Ok(fitting) => fitting
            .wasmprep_plugin_fit()
            .call_configure_fitted(store, config, parameters),
        Err(_) => Ok(Err(not_fitting())),
    }
}

fn not_fitting() -> wit::Error {
    wit::Error::Failure("it does not fit: the component exports no wasmprep:plugin/fit".into())
}

/// One instance of a fitting plugin, running its fit.
pub struct Fitter {
    plugin: Arc<Plugin>,
    store: Store<HostState>,
    fitting: FittingPlugin,
    /// The fit's inputs (and the plugin's name), as a contract that writes
    /// nothing.
    contract: PluginContract,
    trapped: bool,
}

impl Plugin {
    /// A new instance configured for fitting (`fit.configure-fit` with the
    /// step's configuration).
    pub fn fitter(self: &Arc<Self>) -> Result<Fitter> {
        let template = &self.template;
        let Fresh {
            mut store,
            instance,
        } = template.instantiate()?;
        let fail = |problem: BatchProblem| Error::Fit {
            plugin: self.contract().name.clone(),
            call: "configure-fit",
            problem,
        };
        let fitting = FittingPlugin::new(&mut store, &instance).map_err(|_| {
            fail(BatchProblem::Failure(batch::plugin_error_text(
                &not_fitting(),
            )))
        })?;
        let config = template.settings.config_pairs();
        let mut guard = CallGuard::new(&mut store, &template.settings.limits);
        let answer = fitting
            .wasmprep_plugin_fit()
            .call_configure_fit(guard.store(), &config);
        let answer = match answer {
            Ok(a) => {
                guard.finish();
                a
            }
            Err(e) => return Err(fail(guard.problem(e))),
        };
        let fit = answer.map_err(|e| fail(BatchProblem::Failure(batch::plugin_error_text(&e))))?;
        let contract = PluginContract::for_fit(self.contract(), &fit.inputs)?;
        Ok(Fitter {
            plugin: Arc::clone(self),
            store,
            fitting,
            contract,
            trapped: false,
        })
    }
}

impl Fitter {
    /// The fit's inputs, to bind to the schema the fit sees.
    pub fn contract(&self) -> &PluginContract {
        &self.contract
    }

    /// The state of no rows.
    pub fn empty(&mut self) -> Result<Vec<u8>> {
        self.call("empty", |f, store| {
            f.wasmprep_plugin_fit().call_empty(store)
        })
    }

    /// `state` with `batch` folded in (its columns as `plan` bound them).
    pub fn update(
        &mut self,
        state: &[u8],
        plan: &StepPlan,
        batch: &RecordBatch,
        at: &BatchLocation,
    ) -> Result<Vec<u8>> {
        let to_error = |plugin: &Self, problem| Error::Batch {
            plugin: plugin.plugin.contract().name.clone(),
            at: Box::new(at.clone()),
            problem,
        };
        let datas = batch::inputs(&self.contract, plan, batch, at.first_row)
            .map_err(|p| to_error(self, p))?;
        let lent: Vec<_> = datas.iter().map(lend).collect();
        let params: Vec<_> = lent.iter().map(|l| l.param()).collect();
        self.guarded(|f, store| f.wasmprep_plugin_fit().call_update(store, state, &params))
            .map_err(|p| to_error(self, p))?
            .map_err(|e| to_error(self, batch::plugin_problem(e, at.first_row)))
    }

    /// The state of `left`'s rows followed by `right`'s.
    pub fn merge(&mut self, left: &[u8], right: &[u8]) -> Result<Vec<u8>> {
        self.call("merge", |f, store| {
            f.wasmprep_plugin_fit().call_merge(store, left, right)
        })
    }

    /// The fitted parameters of a state.
    pub fn finish(&mut self, state: &[u8]) -> Result<Fitted> {
        let fitted = self.call("finish", |f, store| {
            f.wasmprep_plugin_fit().call_finish(store, state)
        })?;
        Ok(Fitted {
            parameters: fitted.parameters,
            json: fitted.json,
        })
    }

    /// A fit call without a batch: a trap or the plugin's error is
    /// [`Error::Fit`] naming the call.
    fn call<T>(
        &mut self,
        call: &'static str,
        f: impl FnOnce(
            &FittingPlugin,
            &mut Store<HostState>,
        ) -> wasmtime::Result<std::result::Result<T, wit::Error>>,
    ) -> Result<T> {
        let fail = |plugin: &Self, problem| Error::Fit {
            plugin: plugin.plugin.contract().name.clone(),
            call,
            problem,
        };
        self.guarded(f)
            .map_err(|p| fail(self, p))?
            .map_err(|e| fail(self, batch::plugin_problem(e, 0)))
    }

    /// Runs one call under the plugin's limits; after a trap the instance
    /// refuses every further call.
    fn guarded<T>(
        &mut self,
        f: impl FnOnce(&FittingPlugin, &mut Store<HostState>) -> wasmtime::Result<T>,
    ) -> std::result::Result<T, BatchProblem> {
        if self.trapped {
            return Err(BatchProblem::Failure(
                "this instance trapped on an earlier call and runs no more".into(),
            ));
        }
        let limits = self.plugin.template.settings.limits.clone();
        let mut guard = CallGuard::new(&mut self.store, &limits);
        match f(&self.fitting, guard.store()) {
            Ok(answer) => {
                guard.finish();
                Ok(answer)
            }
            Err(e) => {
                let problem = guard.problem(e);
                self.trapped = true;
                Err(problem)
            }
        }
    }
}
