import * as wp from 'wasmprep-plugin';

// Fails every batch with a failure (not an input or configuration error).
export class Case extends wp.Plugin {
  configure(): wp.Contract {
    return new wp.Contract('failure', '0.1.0').input('n', wp.DataType.INT32).nullableOutput('n', wp.DataType.INT32);
  }

  process(): wp.Output {
    throw new wp.Failure('the failure case fails on purpose');
  }
}
