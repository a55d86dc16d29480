//! The fit steps of a job across ranks, before the transform pass: for
//! each step with `fit = true`, in step order, every rank fits its share of
//! the partitions (largest first, dealt round the ranks), sends their
//! states to rank 0, which merges all of them **in partition order** and
//! finishes them; every rank then transforms with the same parameters. The
//! parameters therefore depend on the partitions only, never on how many
//! ranks or threads fitted them. Rank 0 keeps them in the output
//! (`_fitted/steps-N.bin` and `.json`, digested in the manifest), and a
//! resumed run that kept committed partitions reuses them.

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::messages::{decode, encode, lost};
use super::{Tag, Transport};
use crate::exec::fit::FitPass;
use crate::exec::{Error, Prepared, Result, RunOptions};
use crate::io::output::layout::fitted_files;
use crate::io::output::{size_and_sha256, write_atomic, FittedRecord, OutputDir};
use crate::job::spec::Step;
use crate::job::{Job, Pipeline};
use crate::sandbox::{Fitted, Sandbox};

/// A rank's fitted states: `(partition, base64 state)`.
#[derive(Serialize, Deserialize)]
struct States(Vec<(usize, String)>);

/// Rank 0's word on a step's parameters, to every rank.
#[derive(Serialize, Deserialize)]
struct Parameters {
    /// Base64 of the parameters, or the error that stopped the fit.
    result: std::result::Result<(String, Option<String>), String>,
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// Where rank 0 keeps what was fitted: the output, and whether the run
/// resumes committed partitions of the same job.
pub struct Keep<'a> {
    pub out: &'a OutputDir,
    pub resumed: bool,
}

/// Fits every fit step of `job` (every rank calls it; rank 0 with `keep`)
/// and returns `prepared` with a pipeline whose fitting plugins carry
/// their parameters.
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
    for &index in &fit {
        let fitted = step(
            job,
            sandbox,
            &steps,
            index,
            &prepared,
            options,
            transport,
            keep.as_ref(),
        )?;
        if let Some(keep) = &keep {
            prepared.fitted.push(record(keep.out, index, &fitted)?);
        }
        if let Step::Plugin(p) = &mut steps[index] {
            p.parameters = Some(fitted.parameters.into());
        }
    }
    prepared.pipeline = Pipeline::build(sandbox, &steps, &prepared.plan.schema)?;
    Ok(prepared)
}

/// One fit step's parameters, on every rank.
#[allow(clippy::too_many_arguments)]
fn step(
    job: &Job,
    sandbox: &Sandbox,
    steps: &[Step],
    index: usize,
    prepared: &Prepared,
    options: &RunOptions,
    transport: &dyn Transport,
    keep: Option<&Keep<'_>>,
) -> Result<Fitted> {
    let reused = keep.and_then(|k| reuse(k, index));
    let reused: Option<(String, Option<String>)> = decode(
        &transport.broadcast(
            0,
            encode(&reused.map(|f| (b64().encode(&f.parameters), f.json))),
        ),
        0,
    )?;
    if let Some((parameters, json)) = reused {
        tracing::info!(
            step = index,
            "Reusing the parameters fitted before (resume)."
        );
        return Ok(Fitted {
            parameters: decode_b64(&parameters)?,
            json,
        });
    }
    let started = std::time::Instant::now();
    let local = FitPass::new(sandbox, steps, index, prepared).and_then(|pass| {
        let mine = share(prepared, transport.rank(), transport.size());
        let states = pass.states(job, &mine, options.threads, options.batch_rows)?;
        Ok((pass, states))
    });
    if !transport.all_ok(local.is_ok()) {
        return Err(match local {
            Err(e) => e,
            Ok(_) => Error::Remote {
                message: format!("another rank failed while fitting steps[{index}]"),
            },
        });
    }
    let (pass, states) = local.expect("checked on every rank");
    let word = if transport.rank() == 0 {
        let own: usize = states.iter().map(|(_, s)| s.len()).sum();
        let all = gather(transport, states)?;
        let fitted = pass.finish(&all);
        let total: usize = all.iter().map(|(_, s)| s.len()).sum();
        tracing::info!(
            step = index,
            seconds = started.elapsed().as_secs_f64(),
            partitions = all.len(),
            state_bytes = total,
            gathered_bytes = total - own,
            "Fitted."
        );
        let result = fitted
            .as_ref()
            .map(|f| (b64().encode(&f.parameters), f.json.clone()))
            .map_err(|e| crate::error::chain(e));
        transport.broadcast(0, encode(&Parameters { result }));
        return fitted;
    } else {
        let encoded: Vec<(usize, String)> = states
            .iter()
            .map(|(id, s)| (*id, b64().encode(s)))
            .collect();
        transport
            .send(0, Tag::FitStates, &encode(&States(encoded)))
            .map_err(lost)?;
        decode::<Parameters>(&transport.broadcast(0, Vec::new()), 0)?
    };
    match word.result {
        Ok((parameters, json)) => Ok(Fitted {
            parameters: decode_b64(&parameters)?,
            json,
        }),
        Err(message) => Err(Error::Remote { message }),
    }
}

/// This rank's partitions to fit: all of them, largest first, dealt round
/// the ranks.
fn share(prepared: &Prepared, rank: usize, size: usize) -> Vec<usize> {
    let mut ids: Vec<usize> = (0..prepared.plan.partitions.len()).collect();
    ids.sort_by_key(|&i| (std::cmp::Reverse(prepared.plan.partitions[i].bytes), i));
    ids.into_iter().skip(rank).step_by(size).collect()
}

/// Rank 0: its own states and every other rank's, in partition order.
fn gather(transport: &dyn Transport, own: Vec<(usize, Vec<u8>)>) -> Result<Vec<(usize, Vec<u8>)>> {
    let mut all = own;
    for _ in 1..transport.size() {
        let message = transport.recv().map_err(lost)?;
        if message.tag != Tag::FitStates {
            return Err(Error::Protocol(format!(
                "rank {} sent {:?} while the ranks were fitting",
                message.from, message.tag
            )));
        }
        let States(states) = decode(&message.bytes, message.from)?;
        for (id, state) in states {
            all.push((id, decode_b64(&state)?));
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
