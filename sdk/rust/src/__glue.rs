//! Conversions between the generated WIT types and the SDK's (WebAssembly
//! only). Buffers move; nothing is copied.

use crate::__bindings::wasmprep::plugin::types as wit;
use crate::{Column, Contract, DataType, Error, Instance, Plugin, TimeUnit};

pub fn error_to_wit(e: Error) -> wit::Error {
    match e {
        Error::InvalidConfig(m) => wit::Error::InvalidConfig(m),
        Error::InvalidInput {
            message,
            row,
            column,
        } => wit::Error::InvalidInput(wit::InputError {
            message,
            row,
            column,
        }),
        Error::Failure(m) => wit::Error::Failure(m),
    }
}

pub fn not_configured() -> wit::Error {
    wit::Error::Failure("process called before configure".into())
}

fn unit_to_wit(u: TimeUnit) -> wit::TimeUnit {
    match u {
        TimeUnit::Second => wit::TimeUnit::Second,
        TimeUnit::Millisecond => wit::TimeUnit::Millisecond,
        TimeUnit::Microsecond => wit::TimeUnit::Microsecond,
        TimeUnit::Nanosecond => wit::TimeUnit::Nanosecond,
    }
}

fn type_to_wit(t: &DataType) -> wit::DataType {
    use wit::DataType as W;
    match t {
        DataType::Boolean => W::Boolean,
        DataType::Int8 => W::Int8,
        DataType::Int16 => W::Int16,
        DataType::Int32 => W::Int32,
        DataType::Int64 => W::Int64,
        DataType::UInt8 => W::Uint8,
        DataType::UInt16 => W::Uint16,
        DataType::UInt32 => W::Uint32,
        DataType::UInt64 => W::Uint64,
        DataType::Float32 => W::Float32,
        DataType::Float64 => W::Float64,
        DataType::Utf8 => W::Utf8,
        DataType::LargeUtf8 => W::LargeUtf8,
        DataType::Binary => W::Binary,
        DataType::LargeBinary => W::LargeBinary,
        DataType::Date32 => W::Date32,
        DataType::Timestamp(unit, tz) => W::Timestamp(wit::TimestampType {
            unit: unit_to_wit(*unit),
            timezone: tz.clone(),
        }),
        DataType::Duration(unit) => W::Duration(unit_to_wit(*unit)),
    }
}

fn specs_to_wit(specs: &[crate::ColumnSpec]) -> Vec<wit::ColumnSpec> {
    specs
        .iter()
        .map(|s| wit::ColumnSpec {
            name: s.name.clone(),
            data_type: type_to_wit(&s.data_type),
            nullable: s.nullable,
        })
        .collect()
}

pub fn contract_to_wit(c: &Contract) -> wit::Contract {
    wit::Contract {
        name: c.name.clone(),
        version: c.version.clone(),
        inputs: specs_to_wit(&c.inputs),
        outputs: specs_to_wit(&c.outputs),
        filters: c.filters,
    }
}

pub fn process<P: Plugin>(
    instance: &mut Instance<P>,
    columns: Vec<wit::Column>,
) -> Result<wit::BatchOutput, wit::Error> {
    let received = columns_from_wit(&instance.contract().inputs, columns).map_err(error_to_wit)?;
    let (columns, selection) = instance.process(received).map_err(error_to_wit)?;
    Ok(wit::BatchOutput {
        columns: columns
            .into_iter()
            .map(|c| {
                let len = c.len() as u32;
                let null_count = c.null_count() as u32;
                let (validity, offsets, values) = c.into_buffers();
                wit::Column {
                    len,
                    null_count,
                    validity,
                    offsets,
                    values,
                }
            })
            .collect(),
        selection: selection.map(|s| s.into_bits()),
    })
}

/// The columns the host sent, typed as `inputs` declares them (the host
/// sends the declared types; the SDK re-types on arrival).
pub fn columns_from_wit(
    inputs: &[crate::ColumnSpec],
    columns: Vec<wit::Column>,
) -> crate::Result<Vec<Column>> {
    columns
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let data_type = inputs
                .get(i)
                .map(|s| s.data_type.clone())
                .unwrap_or(DataType::UInt8);
            Column::from_buffers(data_type, c.len as usize, c.validity, c.offsets, c.values)
        })
        .collect()
}

use crate::__bindings::exports::wasmprep::plugin::fit as wit_fit;

pub fn fit_contract_to_wit(inputs: &[crate::ColumnSpec]) -> wit_fit::FitContract {
    wit_fit::FitContract {
        inputs: specs_to_wit(inputs),
    }
}

pub fn fitted_to_wit(f: crate::Fitted) -> wit_fit::Fitted {
    wit_fit::Fitted {
        parameters: f.parameters,
        json: f.json,
    }
}
