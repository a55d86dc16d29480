import * as wp from 'wasmprep-plugin';

// Refuses a `factor` that is not a number.
export class Case extends wp.Plugin {
  configure(config: wp.Config): wp.Contract {
    const factor: string = config.get('factor', '1');
    if (factor.trim() === '' || Number.isNaN(Number(factor))) {
      throw new wp.InvalidConfig(`factor must be a number, not \`${factor}\``);
    }
    return new wp.Contract('invalid-config', '0.1.0').input('n', wp.DataType.INT32).nullableOutput('n', wp.DataType.INT32);
  }

  process(batch: wp.Batch): wp.Output {
    return new wp.Output(batch.get('n'));
  }
}
