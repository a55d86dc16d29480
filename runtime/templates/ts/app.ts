// {{name}}: multiplies the float64 column `value` by `factor` (default 2)
// into a new column `scaled`; a null stays null.
// Build: wasmprep plugin build .   (or npx wasmprep-plugin build app.ts -o {{name}}.wasm)
import * as wp from 'wasmprep-plugin';

export class Scale extends wp.Plugin {
  factor = 2;

  configure(config: wp.Config): wp.Contract {
    // A key the plugin never reads is refused ("unknown key").
    this.factor = config.getNumber('factor', 2);
    return new wp.Contract('{{name}}', '0.1.0')
      .input('value', wp.DataType.FLOAT64)
      .nullableOutput('scaled', wp.DataType.FLOAT64);
  }

  process(batch: wp.Batch): wp.Output {
    const value = batch.get('value');
    const values: Float64Array = value.f64(); // over the input buffer: no copy
    const scaled = new Float64Array(batch.length);
    for (let row = 0; row < batch.length; row++) scaled[row] = values[row] * this.factor;
    // Null where the input is null.
    const validity = wp.ValidityBuilder.validWhereAll(batch.length, value);
    return new wp.Output(wp.columnFromArray(wp.DataType.FLOAT64, scaled, validity));
  }
}

export const transform = wp.exportPlugin(Scale);
