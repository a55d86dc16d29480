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
//!
//! **Blocks.** States are merged where they are made, in an order that
//! depends on the partitions alone: the partitions are cut into at most
//! [`MAX_BLOCKS`] runs of consecutive ids ([`blocks`]), a worker folds each
//! partition's state of a block into the block's state in partition order,
//! and rank 0 merges the blocks' states in block order. The grouping is
//! the same at any number of ranks and threads, so the parameters are too,
//! bit for bit, even for merges that are associative only up to rounding;
//! and rank 0 receives at most `MAX_BLOCKS` states per fit, however many
//! partitions the data has.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
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

/// Each block's states, one per fitting step of the pass, in step order;
/// a block is named by its first partition.
pub type States = Vec<(usize, Vec<Vec<u8>>)>;

/// At most this many blocks of partitions: the states rank 0 merges.
pub const MAX_BLOCKS: usize = 1024;

/// The partitions `0..partitions` cut into at most [`MAX_BLOCKS`] runs of
/// consecutive ids, all of one length but the last.
pub fn blocks(partitions: usize) -> Vec<Range<usize>> {
    let size = partitions.div_ceil(MAX_BLOCKS).max(1);
    (0..partitions)
        .step_by(size)
        .map(|start| start..(start + size).min(partitions))
        .collect()
}

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

    /// The state of each of `blocks` (one per fitting step), on up to
    /// `threads` threads.
    pub fn states(
        &self,
        job: &Job,
        blocks: &[Range<usize>],
        threads: usize,
        batch_rows: usize,
    ) -> Result<States> {
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let results = Mutex::new(Vec::with_capacity(blocks.len()));
        let first_error = Mutex::new(None);
        std::thread::scope(|scope| {
            for _ in 0..threads.clamp(1, blocks.len().max(1)) {
                scope.spawn(|| {
                    if let Err(e) = self.work(job, blocks, &next, &stop, batch_rows, &results) {
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

    /// One thread: blocks from the shared counter until none is left.
    fn work(
        &self,
        job: &Job,
        blocks: &[Range<usize>],
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
        while let Some(block) = blocks.get(next.fetch_add(1, Ordering::SeqCst)) {
            let states = self.block(job, block.clone(), &mut worker, stop, batch_rows)?;
            results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((block.start, states));
        }
        Ok(())
    }

    /// A block's states: its partitions' states merged in partition order,
    /// the first one as it is (so a block of one partition is that
    /// partition's states, exactly).
    fn block(
        &self,
        job: &Job,
        block: Range<usize>,
        worker: &mut Worker<'_>,
        stop: &AtomicBool,
        batch_rows: usize,
    ) -> Result<Vec<Vec<u8>>> {
        let mut merged: Option<Vec<Vec<u8>>> = None;
        for id in block {
            let states = self.partition(job, id, worker, stop, batch_rows)?;
            let Some(so_far) = merged.as_mut() else {
                merged = Some(states);
                continue;
            };
            for (j, state) in states.iter().enumerate() {
                let step = self.members[j].step;
                so_far[j] = (worker.fitters[j].merge(&so_far[j], state))
                    .map_err(|e| self.partition_error(id, step_error(step, e)))?;
            }
        }
        match merged {
            Some(states) => Ok(states),
            None => self.empty(&mut worker.fitters),
        }
    }

    /// Each fit's empty state.
    fn empty(&self, fitters: &mut [Fitter]) -> Result<Vec<Vec<u8>>> {
        (fitters.iter_mut().zip(&self.members))
            .map(|(f, m)| f.empty().map_err(|e| step_error(m.step, e)))
            .collect()
    }

    /// `e`, in partition `id`.
    fn partition_error(&self, id: usize, e: Error) -> Error {
        Error::Partition {
            id,
            input: self.prefix.plan.partitions[id].describe(),
            source: Box::new(e),
        }
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
        let fail = |e: Error| self.partition_error(id, e);
        let mut source =
            Source::partition(job, &self.prefix, partition, batch_rows).map_err(fail)?;
        let states = self.empty(&mut worker.fitters).map_err(fail)?;
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

    /// Each fitting step's parameters: all blocks' states, in block
    /// order, merged and finished.
    pub fn finish(&self, states: &States) -> Result<Vec<Fitted>> {
        let mut fitted = Vec::with_capacity(self.members.len());
        for (j, member) in self.members.iter().enumerate() {
            let fail = |e| step_error(member.step, e);
            let mut fitter = member.plugin.fitter().map_err(fail)?;
            let mut merged = fitter.empty().map_err(fail)?;
            for (_, block) in states {
                merged = fitter.merge(&merged, &block[j]).map_err(fail)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_partition_once_in_order_and_are_at_most_max_blocks() {
        for partitions in [
            0,
            1,
            2,
            24,
            MAX_BLOCKS,
            MAX_BLOCKS + 1,
            2 * MAX_BLOCKS + 3,
            10_000,
        ] {
            let all = blocks(partitions);
            assert!(
                all.len() <= MAX_BLOCKS,
                "{partitions}: {} blocks",
                all.len()
            );
            let ids: Vec<usize> = all.iter().flat_map(|b| b.clone()).collect();
            assert_eq!(ids, (0..partitions).collect::<Vec<_>>(), "{partitions}");
            assert!(all.iter().all(|b| !b.is_empty()), "{partitions}");
            let first = all.first().map_or(0, |b| b.len());
            assert!(all.iter().all(|b| b.len() <= first), "{partitions}");
        }
        assert_eq!(blocks(24).len(), 24, "one partition a block below the cap");
        assert_eq!(blocks(MAX_BLOCKS + 1)[0], 0..2);
    }
}
