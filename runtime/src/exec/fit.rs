//! The fit pass: one pass over the partitions that fits one or more fit
//! steps (`fit = true`) at once. It runs the job's steps up to the last of
//! them, less those none of them needs, and taps the batch where each
//! fitting step stands, so that every fit sees the rows and columns it
//! would see in the job; only the columns some fit needs are read. Each
//! partition's batches fold into one state per fitting step, from the
//! plugin's empty one. Merging the states (in partition order) and
//! finishing them is [`FitPass::finish`]; which rank fits which partition
//! is [`crate::ranks`]'s business.
//!
//! Fit steps share a pass when none of them needs another one's output:
//! the NYC-taxi scaler (fare and distance) and the deciles of the haversine
//! distance are fitted in one read of the data. A fit step that reads what
//! an earlier one writes (or follows one that filters rows) waits for the
//! next pass, when the earlier one transforms with its parameters.

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

/// Each partition's states, one per fitting step of the pass, in step
/// order.
pub type States = Vec<(usize, Vec<Vec<u8>>)>;

/// A fitting step of a pass.
struct Member {
    /// Its index in the job's steps.
    step: usize,
    plugin: Arc<Plugin>,
    /// Its fit's inputs, bound to the schema where it stands.
    plan: StepPlan,
}

/// One or more fit steps, ready to fit partitions in one pass.
pub struct FitPass {
    members: Vec<Member>,
    /// The steps up to the first member, as `Source::partition` and
    /// `Steps` take them.
    prefix: Prepared,
    /// The steps from each member to the next (the first one's to the
    /// second's, ...), on the columns the previous segment ends with.
    segments: Vec<Pipeline>,
}

/// A fit step while its pass is planned: its plugin and a fit instance
/// (whose contract names the fit's inputs).
struct Candidate {
    step: usize,
    plugin: Arc<Plugin>,
    fitter: Fitter,
}

impl Candidate {
    fn new(sandbox: &Sandbox, steps: &[Step], step: usize) -> Result<Candidate> {
        let Step::Plugin(ps) = &steps[step] else {
            unreachable!("only plugin steps fit");
        };
        let plugin = crate::job::load_plugin(sandbox, step, ps)?;
        let fitter = plugin.fitter().map_err(|e| step_error(step, e))?;
        Ok(Candidate {
            step,
            plugin,
            fitter,
        })
    }

    fn inputs(&self) -> impl Iterator<Item = String> + '_ {
        self.fitter.contract().inputs.iter().map(|c| c.name.clone())
    }
}

impl FitPass {
    /// The pass over `prepared`'s plan that fits `pending[0]` and as many
    /// of the fit steps after it in `pending` as can share its pass (in
    /// order, up to the first that cannot). Fit steps before the last one
    /// of the pass that are not in it must carry their parameters.
    pub fn new(
        sandbox: &Sandbox,
        steps: &[Step],
        pending: &[usize],
        prepared: &Prepared,
    ) -> Result<FitPass> {
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut planned = None;
        for &step in pending {
            candidates.push(Candidate::new(sandbox, steps, step)?);
            match tapped_prefix(sandbox, steps, &candidates)? {
                Some(taps) => planned = Some(taps),
                None => {
                    candidates.pop();
                    break;
                }
            }
        }
        let taps = planned.expect("a pass always takes its first fit step");
        let mut pipelines = segments(sandbox, &taps, &candidates, &prepared.plan.schema)?;
        let members = candidates
            .into_iter()
            .zip(&pipelines)
            .map(|(c, pipeline)| {
                let plan = c.fitter.contract().bind(&pipeline.output_schema);
                let plan = plan.map_err(|e| step_error(c.step, e))?;
                Ok(Member {
                    step: c.step,
                    plugin: c.plugin,
                    plan,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let first = pipelines.remove(0);
        let prefix = Prepared {
            plan: prepared.plan.clone(),
            pipeline: first,
            digest: prepared.digest.clone(),
            provenance: prepared.provenance.clone(),
            fitted: Vec::new(),
        };
        Ok(FitPass {
            members,
            prefix,
            segments: pipelines,
        })
    }

    /// The fit steps this pass fits, in order.
    pub fn steps(&self) -> Vec<usize> {
        self.members.iter().map(|m| m.step).collect()
    }

    /// The state of each of `partitions` (one per fitting step), on up to
    /// `threads` threads.
    pub fn states(
        &self,
        job: &Job,
        partitions: &[usize],
        threads: usize,
        batch_rows: usize,
    ) -> Result<States> {
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
        results: &Mutex<States>,
    ) -> Result<()> {
        let mut worker = Worker {
            prefix: Steps::new(&self.prefix.pipeline),
            later: self.segments.iter().map(Steps::new).collect(),
            fitters: self
                .members
                .iter()
                .map(|m| m.plugin.fitter().map_err(|e| step_error(m.step, e)))
                .collect::<Result<_>>()?,
        };
        while let Some(&id) = partitions.get(next.fetch_add(1, Ordering::SeqCst)) {
            let states = self.partition(job, id, &mut worker, stop, batch_rows)?;
            results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((id, states));
        }
        Ok(())
    }

    fn partition(
        &self,
        job: &Job,
        id: usize,
        worker: &mut Worker<'_>,
        stop: &AtomicBool,
        batch_rows: usize,
    ) -> Result<Vec<Vec<u8>>> {
        let partition = &self.prefix.plan.partitions[id];
        let fail = |e: Error| Error::Partition {
            id,
            input: partition.describe(),
            source: Box::new(e),
        };
        let mut source =
            Source::partition(job, &self.prefix, partition, batch_rows).map_err(fail)?;
        let states = (worker.fitters.iter_mut().zip(&self.members))
            .map(|(f, m)| f.empty().map_err(|e| fail(step_error(m.step, e))))
            .collect::<Result<Vec<_>>>()?;
        let name = format!("{} (fitting {})", partition.describe(), self.describe());
        let mut sink = FitSink {
            pass: self,
            later: &mut worker.later,
            fitters: &mut worker.fitters,
            states,
        };
        stream(&mut source, &mut worker.prefix, &name, stop, &mut sink).map_err(fail)?;
        Ok(sink.states)
    }

    /// "steps[5]", or "steps[5] and steps[6]".
    fn describe(&self) -> String {
        let names: Vec<String> = self.steps().iter().map(|s| format!("steps[{s}]")).collect();
        names.join(" and ")
    }

    /// Each fitting step's parameters: all partitions' states, in
    /// partition order, merged and finished.
    pub fn finish(&self, states: &States) -> Result<Vec<Fitted>> {
        let mut fitted = Vec::with_capacity(self.members.len());
        for (j, member) in self.members.iter().enumerate() {
            let fail = |e| step_error(member.step, e);
            let mut fitter = member.plugin.fitter().map_err(fail)?;
            let mut merged = fitter.empty().map_err(fail)?;
            for (_, partition) in states {
                merged = fitter.merge(&merged, &partition[j]).map_err(fail)?;
            }
            fitted.push(fitter.finish(&merged).map_err(fail)?);
        }
        Ok(fitted)
    }
}

/// A thread's instances: of the steps up to the first fitting step, of
/// each later segment, and of each fit.
struct Worker<'p> {
    prefix: Steps<'p>,
    later: Vec<Steps<'p>>,
    fitters: Vec<Fitter>,
}

/// A pass's steps, and the columns needed where each fit stands.
struct Taps {
    kept: Vec<Step>,
    needed: Vec<BTreeSet<String>>,
}

fn no_op() -> Step {
    Step::Rename(BTreeMap::new())
}

/// The steps before the last of `fits`, less what none of them needs, and
/// the columns needed where each of them stands. A plugin step that neither
/// filters rows nor writes a column a fit (or a step between) uses becomes
/// a step that does nothing (an empty rename, so every step keeps its index
/// in errors); so do the fits' own steps, which have nothing to transform
/// with yet. None when one of them would have to run for a later one: it
/// filters rows, or writes a column needed after it.
fn tapped_prefix(sandbox: &Sandbox, steps: &[Step], fits: &[Candidate]) -> Result<Option<Taps>> {
    let last = fits.last().expect("at least one fit").step;
    let mut kept = steps[..=last].to_vec();
    let mut needed = BTreeSet::new();
    let mut at = vec![BTreeSet::new(); fits.len()];
    let mut fit = fits.iter().enumerate().rev().peekable();
    for index in (0..=last).rev() {
        if let Some((j, candidate)) = fit.next_if(|(_, c)| c.step == index) {
            let c = candidate.plugin.contract();
            let later = j + 1 < fits.len();
            if later && (c.filters || c.outputs.iter().any(|o| needed.contains(&o.name))) {
                return Ok(None);
            }
            kept[index] = no_op();
            needed.extend(candidate.inputs());
            at[j] = needed.clone();
            continue;
        }
        let plugin = match &steps[index] {
            Step::Plugin(p) => Some(crate::job::load_plugin(sandbox, index, p)?),
            _ => None,
        };
        let contract = plugin.as_ref().map(|p| p.contract());
        if let Some(c) = contract {
            if !c.filters && !c.outputs.iter().any(|o| needed.contains(&o.name)) {
                kept[index] = no_op();
                continue;
            }
        }
        needed = crate::job::needed_before(&steps[index], needed, contract);
    }
    Ok(Some(Taps { kept, needed: at }))
}

/// The pipelines of a pass: from the input to the first fit, then from
/// each fit to the next, each ending with a selection of what is needed
/// where the next fit stands. Steps before a segment are no-ops in it, so
/// its steps keep their indices in errors.
fn segments(
    sandbox: &Sandbox,
    taps: &Taps,
    fits: &[Candidate],
    input: &arrow::datatypes::SchemaRef,
) -> Result<Vec<Pipeline>> {
    let mut pipelines: Vec<Pipeline> = Vec::with_capacity(fits.len());
    let mut start = 0;
    for (fit, needed) in fits.iter().zip(&taps.needed) {
        let mut steps: Vec<Step> = (0..start).map(|_| no_op()).collect();
        steps.extend_from_slice(&taps.kept[start..fit.step]);
        steps.push(Step::Select(needed.iter().cloned().collect()));
        let schema = pipelines.last().map_or(input, |p| &p.output_schema);
        pipelines.push(Pipeline::build(sandbox, &steps, schema)?);
        start = fit.step + 1;
    }
    Ok(pipelines)
}

/// Runs each batch the prefix hands on through the pass: the first fit's
/// update, then the next segment and the next fit's, and so on; rows the
/// reader rejects are the transform pass's to set aside.
struct FitSink<'a, 'p> {
    pass: &'a FitPass,
    later: &'a mut [Steps<'p>],
    fitters: &'a mut [Fitter],
    states: Vec<Vec<u8>>,
}

impl Sink for FitSink<'_, '_> {
    fn rejected(&mut self, _row: RowError) {}

    fn write(&mut self, mut batch: RecordBatch, at: &BatchLocation) -> Result<()> {
        for (j, member) in self.pass.members.iter().enumerate() {
            if j > 0 {
                let segment = &self.pass.segments[j - 1];
                batch =
                    batch
                        .project(&segment.projection)
                        .map_err(|e| crate::job::Error::Step {
                            index: member.step,
                            kind: "select",
                            message: "selecting the columns of the next fit".into(),
                            source: Some(e),
                        })?;
                batch = self.later[j - 1].process(batch, at)?;
                if batch.num_rows() == 0 {
                    break;
                }
            }
            self.states[j] = self.fitters[j]
                .update(&self.states[j], &member.plan, &batch, at)
                .map_err(|e| step_error(member.step, e))?;
        }
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
