//! The fit pass of a fitting step (`fit = true`): the job's steps before it
//! and then a selection of the fit's inputs, so that only the columns the
//! fit needs are read, streamed over partitions; each partition's batches
//! fold into a state from the plugin's empty one. Merging the states (in
//! partition order) and finishing them is [`FitPass::finish`]; which rank
//! fits which partition is [`crate::ranks`]'s business.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use arrow::record_batch::RecordBatch;

use super::source::Source;
use super::steps::Steps;
use super::stream::{stream, Sink};
use super::{Error, Prepared, Result};
use crate::io::csv::RowError;
use crate::job::spec::Step;
use crate::job::{Job, Pipeline};
use crate::sandbox::{BatchLocation, Fitted, Fitter, Plugin, Sandbox, StepPlan};

/// A fit step, ready to fit partitions.
pub struct FitPass {
    /// Its index in the job's steps.
    pub step: usize,
    plugin: Arc<Plugin>,
    /// The steps before it and the selection of the fit's inputs, as
    /// `Source::partition` and `Steps` take them.
    prefix: Prepared,
    /// The fit's inputs bound to what the prefix produces.
    plan: StepPlan,
}

impl FitPass {
    /// The pass of step `step` of `steps` (earlier fit steps already
    /// carrying their parameters), over `prepared`'s plan.
    pub fn new(
        sandbox: &Sandbox,
        steps: &[Step],
        step: usize,
        prepared: &Prepared,
    ) -> Result<FitPass> {
        let Step::Plugin(ps) = &steps[step] else {
            unreachable!("only plugin steps fit");
        };
        let plugin = crate::job::load_plugin(sandbox, step, ps)?;
        let fitter = plugin.fitter().map_err(|e| step_error(step, e))?;
        let inputs: Vec<String> = fitter
            .contract()
            .inputs
            .iter()
            .map(|c| c.name.clone())
            .collect();
        let mut prefix_steps = needed_steps(sandbox, &steps[..step], &inputs)?;
        prefix_steps.push(Step::Select(inputs));
        let pipeline = Pipeline::build(sandbox, &prefix_steps, &prepared.plan.schema)?;
        let plan = fitter
            .contract()
            .bind(&pipeline.output_schema)
            .map_err(|e| step_error(step, e))?;
        let prefix = Prepared {
            plan: prepared.plan.clone(),
            pipeline,
            digest: prepared.digest.clone(),
            provenance: prepared.provenance.clone(),
            fitted: Vec::new(),
        };
        Ok(FitPass {
            step,
            plugin,
            prefix,
            plan,
        })
    }

    /// The state of each of `partitions`, on up to `threads` threads.
    pub fn states(
        &self,
        job: &Job,
        partitions: &[usize],
        threads: usize,
        batch_rows: usize,
    ) -> Result<Vec<(usize, Vec<u8>)>> {
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let results = Mutex::new(Vec::with_capacity(partitions.len()));
        let first_error = Mutex::new(None);
        std::thread::scope(|scope| {
            for _ in 0..threads.clamp(1, partitions.len().max(1)) {
                scope.spawn(|| {
                    if let Err(e) = self.work(job, partitions, &next, &stop, batch_rows, &results) {
                        stop.store(true, Ordering::SeqCst);
                        let mut first = first_error.lock().unwrap_or_else(|e| e.into_inner());
                        if first.is_none() || matches!(*first, Some(Error::Cancelled)) {
                            *first = Some(e);
                        }
                    }
                });
            }
        });
        if let Some(e) = first_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(e);
        }
        let mut states = results.into_inner().unwrap_or_else(|e| e.into_inner());
        states.sort_by_key(|(id, _)| *id);
        Ok(states)
    }

    /// One thread: partitions from the shared counter until none is left.
    fn work(
        &self,
        job: &Job,
        partitions: &[usize],
        next: &AtomicUsize,
        stop: &AtomicBool,
        batch_rows: usize,
        results: &Mutex<Vec<(usize, Vec<u8>)>>,
    ) -> Result<()> {
        let mut steps = Steps::new(&self.prefix.pipeline);
        let mut fitter = self.plugin.fitter().map_err(|e| step_error(self.step, e))?;
        while let Some(&id) = partitions.get(next.fetch_add(1, Ordering::SeqCst)) {
            let state = self.partition(job, id, &mut steps, &mut fitter, stop, batch_rows)?;
            results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((id, state));
        }
        Ok(())
    }

    fn partition(
        &self,
        job: &Job,
        id: usize,
        steps: &mut Steps<'_>,
        fitter: &mut Fitter,
        stop: &AtomicBool,
        batch_rows: usize,
    ) -> Result<Vec<u8>> {
        let partition = &self.prefix.plan.partitions[id];
        let fail = |e: Error| Error::Partition {
            id,
            input: partition.describe(),
            source: Box::new(e),
        };
        let mut source =
            Source::partition(job, &self.prefix, partition, batch_rows).map_err(fail)?;
        let state = fitter.empty().map_err(|e| fail(step_error(self.step, e)))?;
        let name = format!("{} (fitting steps[{}])", partition.describe(), self.step);
        let mut sink = FitSink {
            fitter,
            plan: &self.plan,
            step: self.step,
            state,
        };
        stream(&mut source, steps, &name, stop, &mut sink).map_err(fail)?;
        Ok(sink.state)
    }

    /// All partitions' states, in partition order, merged and finished.
    pub fn finish(&self, states: &[(usize, Vec<u8>)]) -> Result<Fitted> {
        let mut fitter = self.plugin.fitter().map_err(|e| step_error(self.step, e))?;
        let fail = |e| step_error(self.step, e);
        let mut merged = fitter.empty().map_err(fail)?;
        for (_, state) in states {
            merged = fitter.merge(&merged, state).map_err(fail)?;
        }
        fitter.finish(&merged).map_err(fail)
    }
}

/// The steps before a fit, less the plugins it does not need: a plugin step
/// that neither filters rows nor writes a column the fit (or a step between)
/// uses becomes a step that does nothing (an empty rename, so every step
/// keeps its index in errors). The NYC-taxi scaler's fit needs taxi-clean,
/// which filters, but not taxi-features.
fn needed_steps(sandbox: &Sandbox, steps: &[Step], inputs: &[String]) -> Result<Vec<Step>> {
    let mut needed: BTreeSet<String> = inputs.iter().cloned().collect();
    let mut kept = steps.to_vec();
    for (index, step) in steps.iter().enumerate().rev() {
        let plugin = match step {
            Step::Plugin(p) => Some(crate::job::load_plugin(sandbox, index, p)?),
            _ => None,
        };
        if let Some(plugin) = &plugin {
            let c = plugin.contract();
            if !c.filters && !c.outputs.iter().any(|o| needed.contains(&o.name)) {
                kept[index] = Step::Rename(BTreeMap::new());
                continue;
            }
        }
        needed = crate::job::needed_before(step, needed, plugin.as_ref().map(|p| p.contract()));
    }
    Ok(kept)
}

/// Folds each batch the prefix hands on into the partition's state; rows
/// the reader rejects are the transform pass's to set aside.
struct FitSink<'a> {
    fitter: &'a mut Fitter,
    plan: &'a StepPlan,
    step: usize,
    state: Vec<u8>,
}

impl Sink for FitSink<'_> {
    fn rejected(&mut self, _row: RowError) {}

    fn write(&mut self, batch: RecordBatch, at: &BatchLocation) -> Result<()> {
        self.state = self
            .fitter
            .update(&self.state, self.plan, &batch, at)
            .map_err(|e| step_error(self.step, e))?;
        Ok(())
    }
}

fn step_error(index: usize, e: crate::sandbox::Error) -> Error {
    Error::Job(crate::job::Error::Step {
        index,
        kind: "plugin",
        message: format!("fitting: {}", crate::error::chain(&e)),
        source: None,
    })
}
