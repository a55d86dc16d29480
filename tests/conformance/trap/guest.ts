import * as wp from 'wasmprep-plugin';

// Throws an unexpected error: the host's error carries its text.
export class Case extends wp.Plugin {
  configure(): wp.Contract {
    return new wp.Contract('trap', '0.1.0').input('n', wp.DataType.INT32).nullableOutput('n', wp.DataType.INT32);
  }

  process(): wp.Output {
    throw new Error('conformance trap: boom');
  }
}
