//! A batch at the boundary: the inputs a plugin declared (checked against
//! their nullability), and what it hands back turned into a checked batch
//! (column count, selection, types, declared nulls).

use arrow::array::{Array, ArrayData, BooleanArray, RecordBatch};
use arrow::buffer::{BooleanBuffer, Buffer};

use super::bindings::wasmprep::plugin::types as wit;
use super::contract::{PluginContract, StepPlan};
use super::convert::adopt;
use super::error::BatchProblem;
use super::text::{bounded, MAX_ERROR_TEXT};

/// The batch's columns a plugin reads, in its contract's order; a null in
/// an input declared without nulls is a problem naming its row.
pub(super) fn inputs(
    contract: &PluginContract,
    plan: &StepPlan,
    batch: &RecordBatch,
    first_row: u64,
) -> Result<Vec<ArrayData>, BatchProblem> {
    let datas: Vec<ArrayData> = plan
        .inputs
        .iter()
        .map(|&i| batch.column(i).to_data())
        .collect();
    for (spec, data) in contract.inputs.iter().zip(&datas) {
        if !spec.nullable && data.null_count() > 0 {
            let row = (0..data.len()).find(|&r| data.is_null(r)).unwrap_or(0);
            return Err(BatchProblem::NullInput {
                column: spec.name.clone(),
                row: first_row + row as u64,
            });
        }
    }
    Ok(datas)
}

/// A plugin's reported error as a problem, its row counted from the
/// source's first row.
pub(super) fn plugin_problem(e: wit::Error, first_row: u64) -> BatchProblem {
    match e {
        wit::Error::InvalidInput(ie) => BatchProblem::InvalidInput {
            message: bounded(&ie.message, MAX_ERROR_TEXT),
            row: ie.row.map(|r| first_row + u64::from(r)),
            column: ie
                .column
                .map(|c| bounded(&c, super::contract::MAX_NAME_BYTES)),
        },
        other => BatchProblem::Failure(plugin_error_text(&other)),
    }
}

/// A plugin's error text, control characters escaped, at most
/// [`MAX_ERROR_TEXT`] bytes of it.
pub(super) fn plugin_error_text(e: &wit::Error) -> String {
    let text = match e {
        wit::Error::InvalidConfig(m) => m,
        wit::Error::InvalidInput(ie) => &ie.message,
        wit::Error::Failure(m) => m,
    };
    bounded(text, MAX_ERROR_TEXT)
}

/// The output batch: the input's columns with the plugin's outputs placed
/// (replacing or appended), filtered by its selection. Everything the
/// plugin returned is checked before it is used.
pub(super) fn assemble(
    contract: &PluginContract,
    plan: &StepPlan,
    batch: &RecordBatch,
    output: wit::BatchOutput,
) -> Result<RecordBatch, BatchProblem> {
    let rows = batch.num_rows();
    let bad = BatchProblem::BadOutput;
    if output.columns.len() != contract.outputs.len() {
        return Err(bad(format!(
            "{} columns returned, {} declared",
            output.columns.len(),
            contract.outputs.len()
        )));
    }
    let keep = selection(output.selection, contract.filters, rows).map_err(bad)?;
    let mut columns = batch.columns().to_vec();
    for ((column, spec), &place) in output
        .columns
        .into_iter()
        .zip(&contract.outputs)
        .zip(&plan.placement)
    {
        let array = adopt(column, &spec.data_type, rows).map_err(|m| {
            bad(format!(
                "column `{}` ({}): {m}",
                spec.name,
                crate::schema::type_name(&spec.data_type)
            ))
        })?;
        if !spec.nullable {
            check_no_kept_nulls(&array, keep.as_ref()).map_err(|n| {
                bad(format!(
                    "column `{}` has {n} nulls in rows it keeps but is declared without nulls",
                    spec.name
                ))
            })?;
        }
        if place < columns.len() {
            columns[place] = array;
        } else {
            columns.push(array);
        }
    }
    filtered(plan, columns, keep, rows)
}

/// The batch of `columns`, only the rows `keep` keeps. Filtering comes
/// before assembling: a non-nullable output may hold nulls in the rows it
/// drops.
fn filtered(
    plan: &StepPlan,
    mut columns: Vec<arrow::array::ArrayRef>,
    keep: Option<BooleanArray>,
    rows: usize,
) -> Result<RecordBatch, BatchProblem> {
    let bad = |e: arrow::error::ArrowError| BatchProblem::BadOutput(e.to_string());
    let rows_kept = match keep {
        Some(keep) if keep.true_count() < rows => {
            let filter = arrow::compute::FilterBuilder::new(&keep).optimize().build();
            for c in &mut columns {
                *c = filter.filter(c).map_err(bad)?;
            }
            keep.true_count()
        }
        _ => rows,
    };
    let options = arrow::array::RecordBatchOptions::new().with_row_count(Some(rows_kept));
    RecordBatch::try_new_with_options(plan.output_schema.clone(), columns, &options).map_err(bad)
}

/// The rows a plugin keeps, from the selection it returned: exactly
/// `ceil(rows / 8)` bytes, present if and only if its contract filters.
fn selection(
    bits: Option<Vec<u8>>,
    filters: bool,
    rows: usize,
) -> std::result::Result<Option<BooleanArray>, String> {
    match (bits, filters) {
        (None, false) => Ok(None),
        (Some(bits), true) => {
            if bits.len() != rows.div_ceil(8) {
                return Err(format!(
                    "a selection of {} bytes for {rows} rows (it must be {} bytes)",
                    bits.len(),
                    rows.div_ceil(8)
                ));
            }
            let keep = BooleanBuffer::new(Buffer::from_vec(bits), 0, rows);
            Ok(Some(BooleanArray::new(keep, None)))
        }
        (None, true) => Err("the contract filters rows but no selection was returned".into()),
        (Some(_), false) => Err("a selection was returned but the contract does not filter".into()),
    }
}

/// Checks that `array` has no null in a row `keep` keeps (every row when
/// nothing is filtered): the WIT says dropped rows are never seen. Returns
/// the number of such nulls otherwise.
fn check_no_kept_nulls(
    array: &arrow::array::ArrayRef,
    keep: Option<&BooleanArray>,
) -> std::result::Result<(), usize> {
    let Some(nulls) = array.logical_nulls().filter(|n| n.null_count() > 0) else {
        return Ok(());
    };
    let kept_nulls = match keep {
        None => nulls.null_count(),
        Some(keep) => (0..array.len())
            .filter(|&i| nulls.is_null(i) && keep.value(i))
            .count(),
    };
    if kept_nulls == 0 {
        Ok(())
    } else {
        Err(kept_nulls)
    }
}
