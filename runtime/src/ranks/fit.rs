//! The fit steps of a job across ranks, before the transform pass: for
//! each pass over the data (one for all fit steps that can share it, see
//! [`FitPass`]), every rank fits its share of the blocks of partitions
//! ([`blocks`]: largest first, dealt round the ranks), each block's
//! partitions merged in partition order where they are fitted, and sends
//! the blocks' states to rank 0, which merges them **in block order** and
//! finishes them; every rank then transforms with the same parameters. The
//! parameters therefore depend on the partitions only, never on how many
//! ranks or threads fitted them. Rank 0 keeps them in the output
//! (`_fitted/steps-N.bin` and `.json`, digested in the manifest), and a
//! resumed run that kept committed partitions reuses them.

use std::ops::Range;

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::messages::{decode, encode, lost};
use super::{Tag, Transport};
use crate::exec::fit::{blocks, FitPass, States};
use crate::exec::{Error, Prepared, Result, RunOptions};
use crate::io::output::layout::fitted_files;
use crate::io::output::{size_and_sha256, write_atomic, FittedRecord, OutputDir};
use crate::job::spec::Step;
use crate::job::{Job, Pipeline};
use crate::sandbox::{Fitted, Sandbox};

/// A rank's fitted states: `(block's first partition, base64 state of
/// each fit step of the pass)`.
#[derive(Serialize, Deserialize)]
struct Shipped(Vec<(usize, Vec<String>)>);

/// One fit step's parameters: base64, and the JSON view.
type Encoded = (String, Option<String>);

/// Rank 0's word on a pass's parameters, to every rank.
#[derive(Serialize, Deserialize)]
struct Parameters {
    /// Each fit step's parameters, or the error that stopped the fit.
    result: std::result::Result<Vec<Encoded>, String>,
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn encoded(fitted: &Fitted) -> Encoded {
    (b64().encode(&fitted.parameters), fitted.json.clone())
}

fn decoded((parameters, json): Encoded) -> Result<Fitted> {
    Ok(Fitted {
        parameters: decode_b64(&parameters)?,
        json,
    })
}

/// Where rank 0 keeps what was fitted: the output, and whether the run
/// resumes committed partitions of the same job.
pub struct Keep<'a> {
    pub out: &'a OutputDir,
    pub resumed: bool,
}

/// Fits every fit step of `job` (every rank calls it; rank 0 with `keep`)
/// and returns `prepared` with a pipeline whose fitting plugins carry
/// their parameters. Steps are fitted in as few passes as they allow
/// ([`FitPass`]); parameters kept by a run this one resumes are reused.
pub fn fit_steps(
    job: &Job,
    sandbox: &Sandbox,
    mut prepared: Prepared,
    options: &RunOptions,
    transport: &dyn Transport,
    keep: Option<Keep<'_>>,
) -> Result<Prepared> {
    let mut steps = job.steps.clone();
    let fit: Vec<usize> = (0..steps.len())
        .filter(|&i| matches!(&steps[i], Step::Plugin(p) if p.fit))
        .collect();
    if fit.is_empty() {
        return Ok(prepared);
    }
    let mut pending = Vec::new();
    for index in fit {
        match reused(transport, keep.as_ref(), index)? {
            Some(fitted) => apply(&mut steps, &mut prepared, keep.as_ref(), index, fitted)?,
            None => pending.push(index),
        }
    }
    while !pending.is_empty() {
        let pass = fit_pass(
            job, sandbox, &steps, &pending, &prepared, options, transport,
        )?;
        for (index, fitted) in pass {
            apply(&mut steps, &mut prepared, keep.as_ref(), index, fitted)?;
            pending.retain(|&p| p != index);
        }
    }
    prepared.fitted.sort_by_key(|r| r.step);
    prepared.pipeline = Pipeline::build(sandbox, &steps, &prepared.plan.schema)?;
    Ok(prepared)
}

/// Gives step `index` its parameters, and rank 0 keeps them in the output.
fn apply(
    steps: &mut [Step],
    prepared: &mut Prepared,
    keep: Option<&Keep<'_>>,
    index: usize,
    fitted: Fitted,
) -> Result<()> {
    if let Some(keep) = keep {
        prepared.fitted.push(record(keep.out, index, &fitted)?);
    }
    if let Step::Plugin(p) = &mut steps[index] {
        p.parameters = Some(fitted.parameters.into());
    }
    Ok(())
}

/// Rank 0's word on whether step `index`'s parameters are reused (a
/// resumed run's), on every rank.
fn reused(
    transport: &dyn Transport,
    keep: Option<&Keep<'_>>,
    index: usize,
) -> Result<Option<Fitted>> {
    let mine = keep.and_then(|k| reuse(k, index)).map(|f| encoded(&f));
    let word: Option<Encoded> = decode(&transport.broadcast(0, encode(&mine)), 0)?;
    let Some(word) = word else {
        return Ok(None);
    };
    tracing::info!(
        step = index,
        "Reusing the parameters fitted before (resume)."
    );
    decoded(word).map(Some)
}

/// One pass: the first of `pending` and the steps that share its pass,
/// with their parameters, on every rank.
fn fit_pass(
    job: &Job,
    sandbox: &Sandbox,
    steps: &[Step],
    pending: &[usize],
    prepared: &Prepared,
    options: &RunOptions,
    transport: &dyn Transport,
) -> Result<Vec<(usize, Fitted)>> {
    let started = std::time::Instant::now();
    let local = FitPass::new(sandbox, steps, pending, prepared).and_then(|pass| {
        let mine = share(prepared, transport.rank(), transport.size());
        let states = pass.states(job, &mine, options.threads, options.batch_rows)?;
        Ok((pass, states))
    });
    if !transport.all_ok(local.is_ok()) {
        return Err(match local {
            Err(e) => e,
            Ok(_) => Error::Remote {
                message: format!("another rank failed while fitting steps[{}]", pending[0]),
            },
        });
    }
    let (pass, states) = local.expect("checked on every rank");
    let members = pass.steps();
    let word = if transport.rank() == 0 {
        let own = state_bytes(&states);
        let all = gather(transport, states, members.len())?;
        let fitted = pass.finish(&all);
        let total = state_bytes(&all);
        tracing::info!(
            steps = %members.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(","),
            seconds = started.elapsed().as_secs_f64(),
            states = all.len(),
            state_bytes = total,
            gathered_bytes = total - own,
            "Fitted."
        );
        let result = fitted
            .as_ref()
            .map(|f| f.iter().map(encoded).collect())
            .map_err(|e| crate::error::chain(e));
        transport.broadcast(0, encode(&Parameters { result }));
        return Ok(members.into_iter().zip(fitted?).collect());
    } else {
        let shipped: Vec<(usize, Vec<String>)> = states
            .iter()
            .map(|(id, s)| (*id, s.iter().map(|s| b64().encode(s)).collect()))
            .collect();
        transport
            .send(0, Tag::FitStates, &encode(&Shipped(shipped)))
            .map_err(lost)?;
        decode::<Parameters>(&transport.broadcast(0, Vec::new()), 0)?
    };
    let parameters = word.result.map_err(|message| Error::Remote { message })?;
    if parameters.len() != members.len() {
        return Err(Error::Protocol(format!(
            "rank 0 sent {} fitted parameters for a pass of {} steps",
            parameters.len(),
            members.len()
        )));
    }
    members
        .into_iter()
        .zip(parameters)
        .map(|(index, p)| Ok((index, decoded(p)?)))
        .collect()
}

fn state_bytes(states: &States) -> usize {
    states.iter().flat_map(|(_, s)| s).map(Vec::len).sum()
}

/// This rank's blocks to fit: all of them, largest first, dealt round
/// the ranks.
fn share(prepared: &Prepared, rank: usize, size: usize) -> Vec<Range<usize>> {
    let partitions = &prepared.plan.partitions;
    let mut all = blocks(partitions.len());
    let bytes = |b: &Range<usize>| -> u64 { partitions[b.clone()].iter().map(|p| p.bytes).sum() };
    all.sort_by_key(|b| (std::cmp::Reverse(bytes(b)), b.start));
    all.into_iter().skip(rank).step_by(size).collect()
}

/// Rank 0: its own states and every other rank's, in block order
/// (`members` states for each block).
fn gather(transport: &dyn Transport, own: States, members: usize) -> Result<States> {
    let mut all = own;
    for _ in 1..transport.size() {
        let message = transport.recv().map_err(lost)?;
        if message.tag != Tag::FitStates {
            return Err(Error::Protocol(format!(
                "rank {} sent {:?} while the ranks were fitting",
                message.from, message.tag
            )));
        }
        let Shipped(states) = decode(&message.bytes, message.from)?;
        for (id, state) in states {
            if state.len() != members {
                return Err(Error::Protocol(format!(
                    "rank {} sent {} states of the block at partition {id} for a pass of {members} steps",
                    message.from,
                    state.len()
                )));
            }
            let state = state.iter().map(|s| decode_b64(s)).collect::<Result<_>>()?;
            all.push((id, state));
        }
    }
    all.sort_by_key(|(id, _)| *id);
    Ok(all)
}

fn decode_b64(text: &str) -> Result<Vec<u8>> {
    b64()
        .decode(text)
        .map_err(|e| Error::Protocol(format!("fitted bytes that do not read: {e}")))
}

/// The parameters kept by a run this one resumes, if any.
fn reuse(keep: &Keep<'_>, index: usize) -> Option<Fitted> {
    if !keep.resumed {
        return None;
    }
    let (bin, json) = fitted_files(index);
    let parameters = std::fs::read(keep.out.path().join(bin)).ok()?;
    let json = std::fs::read_to_string(keep.out.path().join(json)).ok();
    Some(Fitted { parameters, json })
}

/// Writes a step's parameters (and their JSON view) into the output.
fn record(out: &OutputDir, index: usize, fitted: &Fitted) -> Result<FittedRecord> {
    let (bin, json) = fitted_files(index);
    let io = |path: std::path::PathBuf| {
        move |source| {
            Error::Io(crate::io::Error::Io {
                path: path.clone(),
                source,
            })
        }
    };
    let dir = out.path().join(crate::io::output::FITTED);
    std::fs::create_dir_all(&dir).map_err(io(dir.clone()))?;
    write_atomic(&out.path().join(&bin), &fitted.parameters)?;
    if let Some(text) = &fitted.json {
        write_atomic(&out.path().join(&json), text.as_bytes())?;
    }
    let path = out.path().join(&bin);
    let (_, sha256) = size_and_sha256(&path).map_err(io(path.clone()))?;
    Ok(FittedRecord {
        step: index,
        file: bin,
        sha256,
        json: fitted.json.as_ref().map(|_| json),
    })
}
