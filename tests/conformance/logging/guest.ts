import * as wp from 'wasmprep-plugin';

// Logs one message at each level per batch; the batch passes unchanged.
export class Case extends wp.Plugin {
  configure(): wp.Contract {
    return new wp.Contract('logging', '0.1.0').input('n', wp.DataType.INT32).nullableOutput('n', wp.DataType.INT32);
  }

  process(batch: wp.Batch): wp.Output {
    wp.log.trace('trace message');
    wp.log.debug('debug message');
    wp.log.info('info message');
    wp.log.warn('warn message');
    wp.log.error(`error message, ${batch.length} rows`);
    return new wp.Output(batch.get('n'));
  }
}
