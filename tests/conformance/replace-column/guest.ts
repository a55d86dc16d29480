import * as wp from 'wasmprep-plugin';

// Replaces `x` (int64) with x * 2 and `s` (utf8) with s + "!"; nulls stay.
export class Case extends wp.Plugin {
  configure(): wp.Contract {
    return new wp.Contract('replace-column', '0.1.0')
      .input('x', wp.DataType.INT64)
      .input('s', wp.DataType.UTF8)
      .nullableOutput('x', wp.DataType.INT64)
      .nullableOutput('s', wp.DataType.UTF8);
  }

  process(batch: wp.Batch): wp.Output {
    const x = batch.get('x');
    const s = batch.get('s');
    const xs: BigInt64Array = x.i64();
    const texts: wp.TextView = s.text();
    const doubled = new wp.Int64Builder(batch.length);
    const shouted = new wp.Utf8Builder(batch.length);
    for (let row = 0; row < batch.length; row++) {
      doubled.appendOption(x.valid(row) ? xs[row] * 2n : null);
      shouted.appendOption(s.valid(row) ? `${texts.get(row)}!` : null);
    }
    return new wp.Output(doubled.finish(), shouted.finish());
  }
}
