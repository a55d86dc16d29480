//! The pipeline: the job's steps checked against the input schema, before
//! any data flows. Running it over batches is `exec`'s (`exec::steps`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};

use super::spec::{PluginStep, Step};
use super::{Error, Result};
use crate::sandbox::{Plugin, PluginSettings, Sandbox, StepPlan};
use crate::schema::type_name;

/// One step, bound to the schema it receives: what `exec` runs.
#[derive(Clone)]
pub(crate) enum Stage {
    Select(Vec<usize>),
    Rename,
    Cast(Vec<(usize, DataType)>),
    FillNull(Vec<(usize, ArrayRef)>),
    Plugin(Arc<Plugin>, StepPlan),
}

/// A step's place in the pipeline and the schema it produces, for display.
#[derive(Clone, Debug)]
pub struct StagePlan {
    pub index: usize,
    pub kind: &'static str,
    pub detail: String,
    pub schema: SchemaRef,
}

/// The steps of a job bound to its input schema.
pub struct Pipeline {
    /// Each step bound, with the schema it produces.
    pub(crate) stages: Vec<(Stage, SchemaRef)>,
    /// Input columns the pipeline uses (indices into the full input
    /// schema, in order); the others are never read.
    pub projection: Vec<usize>,
    /// Schema of what is read: the input's used columns.
    pub source_schema: SchemaRef,
    pub output_schema: SchemaRef,
    /// Each step's output schema, for `validate`.
    pub plans: Vec<StagePlan>,
}

fn kind(step: &Step) -> &'static str {
    match step {
        Step::Select(_) => "select",
        Step::Rename(_) => "rename",
        Step::Cast(_) => "cast",
        Step::FillNull(_) => "fill_null",
        Step::Plugin(_) => "plugin",
    }
}

fn column_list(schema: &Schema) -> String {
    schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn is_numeric(t: &DataType) -> bool {
    t.is_integer() || t.is_floating()
}

/// The fill value as a one-element array of `data_type`.
fn fill_value(value: &toml::Value, data_type: &DataType) -> Option<ArrayRef> {
    let raw: ArrayRef = match value {
        toml::Value::Integer(i) => Arc::new(Int64Array::from(vec![*i])),
        toml::Value::Float(f) => Arc::new(Float64Array::from(vec![*f])),
        toml::Value::String(s) => Arc::new(StringArray::from(vec![s.as_str()])),
        toml::Value::Boolean(b) => Arc::new(BooleanArray::from(vec![*b])),
        _ => return None,
    };
    let strict = CastOptions {
        safe: false,
        ..CastOptions::default()
    };
    let cast = cast_with_options(&raw, data_type, &strict).ok()?;
    (cast.null_count() == 0).then_some(cast)
}

impl Pipeline {
    /// Loads the plugins and checks every step against `input` (the full
    /// input schema), then narrows the input to the columns the steps and
    /// the output use.
    pub fn build(sandbox: &Sandbox, steps: &[Step], input: &SchemaRef) -> Result<Pipeline> {
        let mut plugins: HashMap<usize, Arc<Plugin>> = HashMap::new();
        for (i, step) in steps.iter().enumerate() {
            if let Step::Plugin(p) = step {
                plugins.insert(i, load_plugin(sandbox, i, p)?);
            }
        }
        // Bind on the full schema first: errors then speak of the input as
        // the user wrote it.
        let full = bind(steps, input, &plugins)?;
        let needed = needed_input(steps, input, &full, &plugins);
        let projection: Vec<usize> = (0..input.fields().len())
            .filter(|&i| needed.contains(input.field(i).name()))
            .collect();
        let source_schema = Arc::new(input.project(&projection).expect("indices in range"));
        let stages = bind(steps, &source_schema, &plugins)?;
        let output_schema = stages
            .last()
            .map_or_else(|| source_schema.clone(), |(_, s)| s.clone());
        let plans = steps
            .iter()
            .zip(&full)
            .enumerate()
            .map(|(index, (step, (_, schema)))| StagePlan {
                index,
                kind: kind(step),
                detail: describe(step, plugins.get(&index)),
                schema: schema.clone(),
            })
            .collect();
        Ok(Pipeline {
            stages,
            projection,
            source_schema,
            output_schema,
            plans,
        })
    }

    /// The plugins of the pipeline, in step order.
    pub fn plugins(&self) -> Vec<Arc<Plugin>> {
        self.stages
            .iter()
            .filter_map(|(s, _)| match s {
                Stage::Plugin(p, _) => Some(p.clone()),
                _ => None,
            })
            .collect()
    }
}

/// Loads step `index`'s plugin; a component other than the one the step
/// pins is that step's error.
pub(crate) fn load_plugin(
    sandbox: &Sandbox,
    index: usize,
    step: &PluginStep,
) -> Result<Arc<Plugin>> {
    let settings = PluginSettings {
        config: step.config.clone(),
        limits: step.limits.clone(),
        grants: step.grants.clone(),
        sha256: step.sha256.clone(),
        fitted: step.parameters.clone(),
    };
    sandbox.load(&step.path, settings).map_err(|e| match e {
        e @ crate::sandbox::Error::DigestMismatch { .. } => Error::Step {
            index,
            kind: "plugin",
            message: e.to_string(),
            source: None,
        },
        e => e.into(),
    })
}

fn describe(step: &Step, plugin: Option<&Arc<Plugin>>) -> String {
    match step {
        Step::Select(cols) => cols.join(", "),
        Step::Rename(map) => map
            .iter()
            .map(|(a, b)| format!("{a} → {b}"))
            .collect::<Vec<_>>()
            .join(", "),
        Step::Cast(casts) => casts
            .iter()
            .map(|(c, t)| format!("{c}: {}", type_name(t)))
            .collect::<Vec<_>>()
            .join(", "),
        Step::FillNull(values) => values
            .iter()
            .map(|(c, v)| format!("{c} = {v}"))
            .collect::<Vec<_>>()
            .join(", "),
        Step::Plugin(p) => {
            let c = plugin.expect("loaded").contract();
            format!("{} {} ({})", c.name, c.version, p.path.display())
        }
    }
}

/// Binds each step to the schema it receives.
fn bind(
    steps: &[Step],
    input: &SchemaRef,
    plugins: &HashMap<usize, Arc<Plugin>>,
) -> Result<Vec<(Stage, SchemaRef)>> {
    let mut schema = input.clone();
    let mut out = Vec::with_capacity(steps.len());
    for (index, step) in steps.iter().enumerate() {
        let bound = match step {
            Step::Select(columns) => bind_select(columns, &schema),
            Step::Rename(map) => bind_rename(map, &schema),
            Step::Cast(casts) => bind_cast(casts, &schema),
            Step::FillNull(values) => bind_fill_null(values, &schema)
                .map(|fills| (Stage::FillNull(fills), schema.clone())),
            Step::Plugin(_) => {
                let plugin = plugins.get(&index).expect("plugins are loaded first");
                plugin
                    .contract()
                    .bind(&schema)
                    .map(|plan| (plan.output_schema.clone(), plan))
                    .map(|(s, plan)| (Stage::Plugin(plugin.clone(), plan), s))
                    .map_err(|e| crate::error::chain(&e))
            }
        };
        let (stage, next) = bound.map_err(|message| Error::Step {
            index,
            kind: kind(step),
            message,
            source: None,
        })?;
        schema = next;
        out.push((stage, schema.clone()));
    }
    Ok(out)
}

fn missing(name: &str, schema: &Schema) -> String {
    format!("no column `{name}` (columns: {})", column_list(schema))
}

fn bind_select(columns: &[String], schema: &SchemaRef) -> Result<(Stage, SchemaRef), String> {
    let indices = columns
        .iter()
        .map(|c| schema.index_of(c).map_err(|_| missing(c, schema)))
        .collect::<Result<Vec<_>, _>>()?;
    let projected = Arc::new(schema.project(&indices).expect("indices in range"));
    Ok((Stage::Select(indices), projected))
}

fn bind_rename(
    map: &BTreeMap<String, String>,
    schema: &SchemaRef,
) -> Result<(Stage, SchemaRef), String> {
    for old in map.keys() {
        schema.index_of(old).map_err(|_| missing(old, schema))?;
    }
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match map.get(f.name()) {
            Some(new) => f.as_ref().clone().with_name(new),
            None => f.as_ref().clone(),
        })
        .collect();
    let mut names = BTreeSet::new();
    if let Some(twice) = fields.iter().find(|f| !names.insert(f.name().clone())) {
        return Err(format!("two columns would be called `{}`", twice.name()));
    }
    let renamed = Schema::new_with_metadata(fields, schema.metadata().clone());
    Ok((Stage::Rename, Arc::new(renamed)))
}

fn bind_cast(
    casts: &[(String, DataType)],
    schema: &SchemaRef,
) -> Result<(Stage, SchemaRef), String> {
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    let mut bound = Vec::new();
    for (column, to) in casts {
        let i = schema
            .index_of(column)
            .map_err(|_| missing(column, schema))?;
        let from = schema.field(i).data_type();
        if !arrow::compute::can_cast_types(from, to) {
            return Err(format!(
                "`{column}` cannot be cast from {} to {}",
                type_name(from),
                type_name(to)
            ));
        }
        fields[i] = fields[i].clone().with_data_type(to.clone());
        bound.push((i, to.clone()));
    }
    let cast = Schema::new_with_metadata(fields, schema.metadata().clone());
    Ok((Stage::Cast(bound), Arc::new(cast)))
}

/// The fill values of a `fill_null` step, as (column index, one-value
/// array). `"*"` fills every numeric column its value fits (-1 skips the
/// unsigned ones) and must fit at least one.
fn bind_fill_null(
    values: &[(String, toml::Value)],
    schema: &Schema,
) -> Result<Vec<(usize, ArrayRef)>, String> {
    for (column, _) in values {
        if column != "*" && schema.index_of(column).is_err() {
            return Err(missing(column, schema));
        }
    }
    let all = values.iter().find(|(c, _)| c == "*").map(|(_, v)| v);
    let mut bound: Vec<(usize, ArrayRef)> = Vec::new();
    let mut by_star = 0;
    for (i, field) in schema.fields().iter().enumerate() {
        let explicit = values
            .iter()
            .find(|(c, _)| c == field.name())
            .map(|(_, v)| v);
        let value = match (explicit, all) {
            (Some(v), _) => v,
            (None, Some(v)) if is_numeric(field.data_type()) => v,
            _ => continue,
        };
        match fill_value(value, field.data_type()) {
            Some(array) => {
                by_star += usize::from(explicit.is_none());
                bound.push((i, array));
            }
            None if explicit.is_some() => {
                return Err(format!(
                    "{value} does not fit column `{}` ({})",
                    field.name(),
                    type_name(field.data_type())
                ))
            }
            None => {}
        }
    }
    if let (Some(value), 0) = (all, by_star) {
        return Err(format!(
            "\"*\" = {value} fills no column: no other numeric column can hold it (columns: {})",
            column_list(schema)
        ));
    }
    Ok(bound)
}

/// Names of input columns the steps read or carry to the output: every
/// column that reaches the output (all of them when there are no steps),
/// traced back through the steps, plus what plugins read. Only a column that
/// a `select` leaves out or a plugin replaces without reading is dropped.
fn needed_input(
    steps: &[Step],
    input: &Schema,
    bound: &[(Stage, SchemaRef)],
    plugins: &HashMap<usize, Arc<Plugin>>,
) -> BTreeSet<String> {
    let output = bound.last().map_or(input, |(_, schema)| schema.as_ref());
    let mut needed: BTreeSet<String> = output.fields().iter().map(|f| f.name().clone()).collect();
    for (index, step) in steps.iter().enumerate().rev() {
        needed = needed_before(step, needed, plugins.get(&index).map(|p| p.contract()));
    }
    needed
}

/// The columns `step` needs to give `needed` (its plugin's contract, for a
/// plugin step). A step needs the columns it names, used later or not (a
/// select of a column that is not read fails, as would a rename).
pub(crate) fn needed_before(
    step: &Step,
    needed: BTreeSet<String>,
    contract: Option<&crate::sandbox::PluginContract>,
) -> BTreeSet<String> {
    match step {
        Step::Select(columns) => columns.iter().cloned().collect(),
        Step::Rename(map) => needed
            .into_iter()
            .map(|name| {
                map.iter()
                    .find(|(_, new)| **new == name)
                    .map_or(name, |(old, _)| old.clone())
            })
            .chain(map.keys().cloned())
            .collect(),
        Step::Cast(casts) => needed
            .into_iter()
            .chain(casts.iter().map(|(c, _)| c.clone()))
            .collect(),
        Step::FillNull(fills) => needed
            .into_iter()
            .chain(fills.iter().map(|(c, _)| c.clone()).filter(|c| c != "*"))
            .collect(),
        Step::Plugin(_) => {
            let contract = contract.expect("plugin steps come with their contract");
            let mut before: BTreeSet<String> = needed
                .into_iter()
                .filter(|n| !contract.outputs.iter().any(|o| &o.name == n))
                .collect();
            before.extend(contract.inputs.iter().map(|i| i.name.clone()));
            before
        }
    }
}
