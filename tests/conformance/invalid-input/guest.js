import * as wp from 'wasmprep-plugin';

// Refuses the first negative `n`, naming its row and column.
export class Case extends wp.Plugin {
  configure() {
    return new wp.Contract('invalid-input', '0.1.0').input('n', wp.DataType.INT32).nullableOutput('n', wp.DataType.INT32);
  }

  process(batch) {
    const n = batch.get('n');
    for (let row = 0; row < batch.length; row++) {
      if (n.valid(row) && n.get(row) < 0) {
        throw new wp.InvalidInput(`negative value ${n.get(row)}`, 'n', row);
      }
    }
    return new wp.Output(batch.get('n'));
  }
}
