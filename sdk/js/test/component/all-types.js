// A plugin that passes every boundary type through (each column replaced
// by itself), counts the nulls of each row, logs, and filters on `c_bool`
// when configured to: built into a component by component.test.js to check
// the kit's glue against componentize-js's real bindings in the sandbox.
import * as wp from 'wasmprep-plugin';

export const TYPES = [
  'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64',
  'utf8', 'large_utf8', 'binary', 'large_binary', 'date32', 'timestamp[ms]', 'timestamp[us, UTC]', 'duration[s]',
];

/** A column name for a type: c_timestamp_us_utc. */
export const columnName = (t) => 'c_' + t.replace(/[^a-z0-9]+/gi, '_').replace(/_$/, '').toLowerCase();

export class AllTypes extends wp.Plugin {
  configure(config) {
    this.filter = config.getBool('filter', false);
    const contract = new wp.Contract('all-types', '0.1.0');
    for (const t of TYPES) contract.input(columnName(t), t).nullableOutput(columnName(t), t);
    contract.output('row_nulls', 'int32');
    if (this.filter) contract.filters();
    return contract;
  }

  process(batch) {
    const nulls = new Int32Array(batch.length);
    for (const column of batch) for (let row = 0; row < batch.length; row++) if (!column.valid(row)) nulls[row]++;
    wp.log.info(`all-types: ${batch.length} rows, ${nulls.reduce((a, b) => a + b, 0)} nulls`);
    const out = new wp.Output(...batch, wp.columnFromArray('int32', nulls));
    if (this.filter) {
      const keep = batch.get('c_bool');
      out.select(wp.Selection.fromFn(batch.length, (row) => keep.get(row) === true));
    }
    return out;
  }
}

export const transform = wp.exportPlugin(AllTypes);
