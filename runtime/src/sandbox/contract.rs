//! The plugin contract on the host side, in Arrow terms, and its check
//! against a batch schema before any data flows.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use wasmprep_contract as boundary;

use super::bindings::wasmprep::plugin::types as wit;
use super::error::{Error, Result};
use super::text::bounded;

/// A column a plugin reads or writes, in Arrow terms.
pub type ColumnSpec = boundary::ColumnSpec<DataType>;

/// What a plugin declared it does with its configuration, in Arrow terms:
/// the shared [`boundary::Contract`] (its fields are reached through
/// `Deref`), with the host's checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginContract(boundary::Contract<DataType>);

impl std::ops::Deref for PluginContract {
    type Target = boundary::Contract<DataType>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// The boundary type a plugin declared: the one mapping from the WIT's
/// types (Arrow's follows through [`crate::schema::to_arrow`]).
fn boundary_type(t: &wit::DataType) -> boundary::DataType {
    use boundary::{DataType as B, TimeUnit as U};
    use wit::DataType as W;
    let unit = |u: wit::TimeUnit| match u {
        wit::TimeUnit::Second => U::Second,
        wit::TimeUnit::Millisecond => U::Millisecond,
        wit::TimeUnit::Microsecond => U::Microsecond,
        wit::TimeUnit::Nanosecond => U::Nanosecond,
    };
    match t {
        W::Boolean => B::Boolean,
        W::Int8 => B::Int8,
        W::Int16 => B::Int16,
        W::Int32 => B::Int32,
        W::Int64 => B::Int64,
        W::Uint8 => B::UInt8,
        W::Uint16 => B::UInt16,
        W::Uint32 => B::UInt32,
        W::Uint64 => B::UInt64,
        W::Float32 => B::Float32,
        W::Float64 => B::Float64,
        W::Utf8 => B::Utf8,
        W::LargeUtf8 => B::LargeUtf8,
        W::Binary => B::Binary,
        W::LargeBinary => B::LargeBinary,
        W::Date32 => B::Date32,
        W::Timestamp(ts) => B::Timestamp(unit(ts.unit), ts.timezone.clone()),
        W::Duration(u) => B::Duration(unit(*u)),
    }
}

/// The Arrow type of a type a plugin declared.
pub(crate) fn arrow_type(t: &wit::DataType) -> DataType {
    crate::schema::to_arrow(&boundary_type(t))
}

/// Whether the boundary carries this Arrow type.
pub fn is_supported(t: &DataType) -> bool {
    crate::schema::from_arrow(t).is_some()
}

fn specs(list: &[wit::ColumnSpec]) -> Vec<ColumnSpec> {
    list.iter()
        .map(|s| ColumnSpec {
            name: s.name.clone(),
            data_type: arrow_type(&s.data_type),
            nullable: s.nullable,
        })
        .collect()
}

/// Bounds of a contract: a plugin's answer to `configure` is data the host
/// keeps, prints and builds writers for, so its size is limited.
pub const MAX_NAME_BYTES: usize = 256;
pub const MAX_VERSION_BYTES: usize = 64;
pub const MAX_INPUTS: usize = 4096;
pub const MAX_OUTPUTS: usize = 1024;

/// Checks a name or version: not longer than `max`, no control characters.
fn check_text(what: &str, text: &str, max: usize) -> std::result::Result<(), String> {
    if text.len() > max {
        return Err(format!(
            "{what} is {} bytes long, more than {max} (starts {})",
            text.len(),
            bounded(text, 40)
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(format!(
            "{what} `{}` holds a control character",
            bounded(text, max)
        ));
    }
    Ok(())
}

impl PluginContract {
    pub(crate) fn from_wit(c: &wit::Contract) -> Result<Self> {
        let contract = PluginContract(boundary::Contract {
            name: c.name.clone(),
            version: c.version.clone(),
            inputs: specs(&c.inputs),
            outputs: specs(&c.outputs),
            filters: c.filters,
        });
        contract.validate(true)?;
        Ok(contract)
    }

    /// The inputs of a fitting plugin's fit, as a contract that writes
    /// nothing (named as the plugin's transform is).
    pub(crate) fn for_fit(transform: &PluginContract, inputs: &[wit::ColumnSpec]) -> Result<Self> {
        let contract = PluginContract(boundary::Contract {
            name: transform.name.clone(),
            version: transform.version.clone(),
            inputs: specs(inputs),
            outputs: Vec::new(),
            filters: false,
        });
        contract.validate(false)?;
        Ok(contract)
    }

    /// Checks names, sizes and zones, and that a transform does something.
    fn validate(&self, transform: bool) -> Result<()> {
        let fail = |message: String| {
            Err(Error::Contract {
                plugin: bounded(&self.name, MAX_NAME_BYTES),
                message,
            })
        };
        if self.name.trim().is_empty() {
            return fail("the plugin name is empty".into());
        }
        check_text("the plugin name", &self.name, MAX_NAME_BYTES).or_else(fail)?;
        check_text("the version", &self.version, MAX_VERSION_BYTES).or_else(fail)?;
        for (what, list, max) in [
            ("input", &self.inputs, MAX_INPUTS),
            ("output", &self.outputs, MAX_OUTPUTS),
        ] {
            if list.len() > max {
                return fail(format!(
                    "it declares {} {what} columns, more than the {max} a plugin may",
                    list.len()
                ));
            }
            let mut seen = std::collections::HashSet::new();
            for c in list {
                if c.name.is_empty() {
                    return fail(format!("an {what} column has an empty name"));
                }
                check_text(&format!("an {what} column name"), &c.name, MAX_NAME_BYTES)
                    .or_else(fail)?;
                if !seen.insert(&c.name) {
                    return fail(format!("{what} `{}` is declared twice", c.name));
                }
                if let DataType::Timestamp(_, Some(zone)) = &c.data_type {
                    check_text("a time zone", zone, MAX_NAME_BYTES)
                        .and_then(|()| crate::schema::check_timezone(zone))
                        .map_err(|e| format!("{what} `{}`: {e}", c.name))
                        .or_else(fail)?;
                }
            }
        }
        if transform && self.outputs.is_empty() && !self.filters {
            return fail("it neither writes a column nor filters rows".into());
        }
        Ok(())
    }

    /// Checks the contract against the schema of the batches it will see
    /// and plans where its inputs come from and its outputs go.
    pub fn bind(&self, schema: &SchemaRef) -> Result<StepPlan> {
        let mut inputs = Vec::with_capacity(self.inputs.len());
        for spec in &self.inputs {
            let Ok(index) = schema.index_of(&spec.name) else {
                let available: Vec<&str> =
                    schema.fields().iter().map(|f| f.name().as_str()).collect();
                return Err(Error::MissingColumn {
                    plugin: self.name.clone(),
                    column: spec.name.clone(),
                    available: available.join(", "),
                });
            };
            let actual = schema.field(index).data_type();
            if actual != &spec.data_type {
                return Err(Error::ColumnType {
                    plugin: self.name.clone(),
                    column: spec.name.clone(),
                    expected: crate::schema::type_name(&spec.data_type),
                    actual: crate::schema::type_name(actual),
                });
            }
            inputs.push(index);
        }
        let mut fields: Vec<Arc<Field>> = schema.fields().iter().cloned().collect();
        let mut placement = Vec::with_capacity(self.outputs.len());
        for spec in &self.outputs {
            let field = Arc::new(Field::new(
                &spec.name,
                spec.data_type.clone(),
                spec.nullable,
            ));
            match schema.index_of(&spec.name) {
                Ok(i) => {
                    fields[i] = field;
                    placement.push(i);
                }
                Err(_) => {
                    placement.push(fields.len());
                    fields.push(field);
                }
            }
        }
        Ok(StepPlan {
            inputs,
            placement,
            output_schema: Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())),
        })
    }
}

/// A contract bound to a schema.
#[derive(Clone, Debug)]
pub struct StepPlan {
    /// Index in the input schema of each declared input.
    pub inputs: Vec<usize>,
    /// Index in the output schema of each declared output.
    pub placement: Vec<usize>,
    /// Schema of the batches the step produces.
    pub output_schema: SchemaRef,
}
