import * as wp from 'wasmprep-plugin';

// Keeps the rows whose `n` is even (a null `n` is dropped).
export class Case extends wp.Plugin {
  configure() {
    return new wp.Contract('filter', '0.1.0').input('n', wp.DataType.INT32).filters();
  }

  process(batch) {
    const n = batch.get('n');
    const keep = wp.Selection.fromFn(batch.length, (row) => n.valid(row) && n.get(row) % 2 === 0);
    return new wp.Output().select(keep);
  }
}
