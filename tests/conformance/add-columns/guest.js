import * as wp from 'wasmprep-plugin';

// Adds sum = a + b, label = "big" when sum > 10 else "small", and
// positive = sum > 0; all three null where a or b is.
export class Case extends wp.Plugin {
  configure() {
    return new wp.Contract('add-columns', '0.1.0')
      .input('a', wp.DataType.FLOAT64)
      .input('b', wp.DataType.FLOAT64)
      .nullableOutput('sum', wp.DataType.FLOAT64)
      .nullableOutput('label', wp.DataType.UTF8)
      .nullableOutput('positive', wp.DataType.BOOLEAN);
  }

  process(batch) {
    const a = batch.get('a');
    const b = batch.get('b');
    const sums = [];
    for (let row = 0; row < batch.length; row++) {
      sums.push(a.valid(row) && b.valid(row) ? a.get(row) + b.get(row) : null);
    }
    return new wp.Output(
      new wp.Float64Builder().extend(sums).finish(),
      new wp.Utf8Builder().extend(sums.map((s) => (s === null ? null : s > 10 ? 'big' : 'small'))).finish(),
      new wp.BoolBuilder().extend(sums.map((s) => (s === null ? null : s > 0))).finish(),
    );
  }
}
