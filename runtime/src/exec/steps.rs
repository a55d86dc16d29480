//! Running a bound pipeline over batches: each step in turn, with the
//! worker's own plugin instances (made on first use, dropped after a
//! failure so a trapped instance is never reused).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array, RecordBatch, Scalar};
use arrow::compute::kernels::zip::zip;
use arrow::compute::{cast_with_options, is_not_null, CastOptions};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::error::ArrowError;

use crate::job::{Error, Pipeline, Result, Stage};
use crate::sandbox::{BatchLocation, Plugin, PluginInstance, StepPlan};
use crate::schema::type_name;

/// A worker thread's instance of a pipeline: its own plugin instances.
pub struct Steps<'p> {
    pipeline: &'p Pipeline,
    instances: Vec<Option<PluginInstance>>,
}

impl<'p> Steps<'p> {
    pub fn new(pipeline: &'p Pipeline) -> Self {
        Steps {
            pipeline,
            instances: pipeline.stages.iter().map(|_| None).collect(),
        }
    }

    /// Runs every step over `batch` (of the pipeline's source schema).
    pub fn process(&mut self, mut batch: RecordBatch, at: &BatchLocation) -> Result<RecordBatch> {
        for (index, (stage, schema)) in self.pipeline.stages.iter().enumerate() {
            let fail = |kind: &'static str| {
                move |Failed(message, source)| Error::Step {
                    index,
                    kind,
                    message,
                    source,
                }
            };
            batch = match stage {
                Stage::Select(indices) => batch
                    .project(indices)
                    .map_err(|e| fail("select")(Failed::arrow("selecting columns", e)))?,
                Stage::Rename => RecordBatch::try_new(schema.clone(), batch.columns().to_vec())
                    .map_err(|e| fail("rename")(Failed::arrow("renaming columns", e)))?,
                Stage::Cast(casts) => cast(&batch, casts, schema, at).map_err(fail("cast"))?,
                Stage::FillNull(fills) => {
                    fill_null(&batch, fills, schema).map_err(fail("fill_null"))?
                }
                Stage::Plugin(plugin, plan) => self.plugin(index, plugin, plan, &batch, at)?,
            };
        }
        Ok(batch)
    }

    fn plugin(
        &mut self,
        index: usize,
        plugin: &Arc<Plugin>,
        plan: &StepPlan,
        batch: &RecordBatch,
        at: &BatchLocation,
    ) -> Result<RecordBatch> {
        let instance = match &mut self.instances[index] {
            Some(i) => i,
            slot => slot.insert(plugin.instantiate()?),
        };
        instance.process(plan, batch, at).map_err(|e| {
            // A failed instance is not reused.
            self.instances[index] = None;
            e.into()
        })
    }
}

/// Why a built-in step failed on a batch, and Arrow's error if it was one.
struct Failed(String, Option<ArrowError>);

impl Failed {
    fn arrow(what: impl Into<String>, e: ArrowError) -> Self {
        Failed(what.into(), Some(e))
    }
}

fn strict() -> CastOptions<'static> {
    CastOptions {
        safe: false,
        ..CastOptions::default()
    }
}

/// A `cast` step: each listed column to its type, failing on a value that
/// does not fit (naming the column and row) rather than making it null.
fn cast(
    batch: &RecordBatch,
    casts: &[(usize, DataType)],
    schema: &SchemaRef,
    at: &BatchLocation,
) -> Result<RecordBatch, Failed> {
    let mut columns = batch.columns().to_vec();
    for (i, to) in casts {
        let name = schema.field(*i).name();
        let cast = cast_with_options(&columns[*i], to, &strict())
            .map_err(|e| Failed::arrow(format!("{at}: column `{name}`"), e))?;
        if let Some(row) = float_overflow(&columns[*i], &cast) {
            let message = format!(
                "{at}: column `{name}`, row {}: the value is out of range for {}",
                at.first_row + row as u64,
                type_name(to)
            );
            return Err(Failed(message, None));
        }
        columns[*i] = cast;
    }
    RecordBatch::try_new(schema.clone(), columns).map_err(|e| Failed::arrow("assembling", e))
}

/// A `fill_null` step: each listed column's nulls replaced by its value.
fn fill_null(
    batch: &RecordBatch,
    fills: &[(usize, ArrayRef)],
    schema: &SchemaRef,
) -> Result<RecordBatch, Failed> {
    let mut columns = batch.columns().to_vec();
    for (i, value) in fills {
        if columns[*i].null_count() == 0 {
            continue;
        }
        let failed = |e| Failed::arrow(format!("column `{}`", schema.field(*i).name()), e);
        let mask = is_not_null(&columns[*i]).map_err(failed)?;
        columns[*i] = zip(&mask, &columns[*i], &Scalar::new(value.clone())).map_err(failed)?;
    }
    RecordBatch::try_new(schema.clone(), columns).map_err(|e| Failed::arrow("assembling", e))
}

/// The first row where a cast to a float type turned a finite value (or a
/// number written in text) into an infinity: arrow's casts saturate there
/// silently, as `1e40` becomes `inf` in a float32.
fn float_overflow(from: &ArrayRef, to: &ArrayRef) -> Option<usize> {
    if !to.data_type().is_floating() {
        return None;
    }
    let wide = arrow::compute::cast(to, &DataType::Float64).ok()?;
    let wide = wide.as_any().downcast_ref::<Float64Array>()?;
    let infinite = |i: usize| wide.is_valid(i) && wide.value(i).is_infinite();
    let first = (0..wide.len()).find(|&i| infinite(i))?;
    let source_infinite: Box<dyn Fn(usize) -> bool> = match from.data_type() {
        t if t.is_floating() => {
            let f = arrow::compute::cast(from, &DataType::Float64).ok()?;
            Box::new(move |i| {
                f.as_primitive::<arrow::datatypes::Float64Type>()
                    .value(i)
                    .is_infinite()
            })
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            let text = arrow::compute::cast(from, &DataType::Utf8).ok()?;
            Box::new(move |i| {
                let t = text.as_string::<i32>().value(i).trim();
                let t = t.trim_start_matches(['+', '-']);
                t.eq_ignore_ascii_case("inf") || t.eq_ignore_ascii_case("infinity")
            })
        }
        _ => Box::new(|_| false),
    };
    (first..wide.len()).find(|&i| infinite(i) && !source_infinite(i))
}
