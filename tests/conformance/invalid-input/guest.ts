import * as wp from 'wasmprep-plugin';

// Refuses the first negative `n`, naming its row and column.
export class Case extends wp.Plugin {
  configure(): wp.Contract {
    return new wp.Contract('invalid-input', '0.1.0').input('n', wp.DataType.INT32).nullableOutput('n', wp.DataType.INT32);
  }

  process(batch: wp.Batch): wp.Output {
    const n = batch.get('n');
    const ns: Int32Array = n.i32();
    for (let row = 0; row < batch.length; row++) {
      if (n.valid(row) && ns[row] < 0) {
        throw new wp.InvalidInput(`negative value ${ns[row]}`, 'n', row);
      }
    }
    return new wp.Output(n);
  }
}
