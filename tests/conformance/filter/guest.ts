import * as wp from 'wasmprep-plugin';

// Keeps the rows whose `n` is even (a null `n` is dropped).
export class Case extends wp.Plugin {
  configure(): wp.Contract {
    return new wp.Contract('filter', '0.1.0').input('n', wp.DataType.INT32).filters();
  }

  process(batch: wp.Batch): wp.Output {
    const n = batch.get('n');
    const ns: Int32Array = n.i32();
    const keep = wp.Selection.fromFn(batch.length, (row) => n.valid(row) && ns[row] % 2 === 0);
    return new wp.Output().select(keep);
  }
}
