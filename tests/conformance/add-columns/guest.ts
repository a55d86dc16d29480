import * as wp from 'wasmprep-plugin';

// Adds sum = a + b, label = "big" when sum > 10 else "small", and
// positive = sum > 0; all three null where a or b is.
export class Case extends wp.Plugin {
  configure(): wp.Contract {
    return new wp.Contract('add-columns', '0.1.0')
      .input('a', wp.DataType.FLOAT64)
      .input('b', wp.DataType.FLOAT64)
      .nullableOutput('sum', wp.DataType.FLOAT64)
      .nullableOutput('label', wp.DataType.UTF8)
      .nullableOutput('positive', wp.DataType.BOOLEAN);
  }

  process(batch: wp.Batch): wp.Output {
    const a = batch.get('a');
    const b = batch.get('b');
    const as: Float64Array = a.f64();
    const bs: Float64Array = b.f64();
    const sums = new wp.Float64Builder(batch.length);
    const labels = new wp.Utf8Builder(batch.length);
    const positives = new wp.BoolBuilder(batch.length);
    for (let row = 0; row < batch.length; row++) {
      if (a.valid(row) && b.valid(row)) {
        const sum = as[row] + bs[row];
        sums.append(sum);
        labels.append(sum > 10 ? 'big' : 'small');
        positives.append(sum > 0);
      } else {
        sums.appendNull();
        labels.appendNull();
        positives.appendNull();
      }
    }
    return new wp.Output(sums.finish(), labels.finish(), positives.finish());
  }
}
