// The export glue: the shapes componentize-js 0.23's generated bindings take
// for the world's `transform` export (read from its generated bindings:
// records with camelCase fields, variants as { tag, val } with kebab-case
// tags, enums as strings, options as value-or-undefined, list<u8> as
// Uint8Array, results returned as { tag: 'ok' | 'err', val }).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as wp from '../src/index.js';
import { columnToWit, contractToWit, dataTypeToWit, errorToWit } from '../src/glue.js';

const { DataType } = wp;

test('every boundary type maps to its WIT variant case', () => {
  const cases = {
    bool: { tag: 'boolean' },
    int8: { tag: 'int8' },
    int16: { tag: 'int16' },
    int32: { tag: 'int32' },
    int64: { tag: 'int64' },
    uint8: { tag: 'uint8' },
    uint16: { tag: 'uint16' },
    uint32: { tag: 'uint32' },
    uint64: { tag: 'uint64' },
    float32: { tag: 'float32' },
    float64: { tag: 'float64' },
    utf8: { tag: 'utf8' },
    large_utf8: { tag: 'large-utf8' },
    binary: { tag: 'binary' },
    large_binary: { tag: 'large-binary' },
    date32: { tag: 'date32' },
    'timestamp[ms]': { tag: 'timestamp', val: { unit: 'millisecond', timezone: undefined } },
    'timestamp[ns, UTC]': { tag: 'timestamp', val: { unit: 'nanosecond', timezone: 'UTC' } },
    'duration[s]': { tag: 'duration', val: 'second' },
    'duration[us]': { tag: 'duration', val: 'microsecond' },
  };
  for (const [name, wit] of Object.entries(cases)) assert.deepEqual(dataTypeToWit(DataType.parse(name)), wit, name);
});

test('every variant case of the WIT data-type is covered', async () => {
  const { readFile } = await import('node:fs/promises');
  const wit = await readFile(new URL('../wit/plugin.wit', import.meta.url), 'utf8');
  const body = wit.slice(wit.indexOf('variant data-type {'), wit.indexOf('}', wit.indexOf('variant data-type {')));
  const cases = [...body.matchAll(/^\s+([a-z0-9-]+)(\(|,)/gm)].map((m) => m[1]);
  const produced = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64', 'utf8',
    'large_utf8', 'binary', 'large_binary', 'date32', 'timestamp[s]', 'duration[s]'].map((n) => dataTypeToWit(DataType.parse(n)).tag);
  assert.deepEqual(produced.sort(), cases.sort());
});

test('a contract maps to the WIT record', () => {
  const c = new wp.Contract('p', '0.1.0').requiredInput('a', 'float64').nullableOutput('b', 'utf8').filters();
  assert.deepEqual(contractToWit(c), {
    name: 'p',
    version: '0.1.0',
    inputs: [{ name: 'a', dataType: { tag: 'float64' }, nullable: false }],
    outputs: [{ name: 'b', dataType: { tag: 'utf8' }, nullable: true }],
    filters: true,
  });
});

test('a column maps to the WIT record with exact-size Uint8Array buffers', () => {
  const f = columnToWit(new wp.Float64Builder(100).extend([1, null]).finish());
  assert.equal(f.len, 2);
  assert.equal(f.nullCount, 1);
  assert.deepEqual([...f.validity], [0b01]);
  assert.equal(f.offsets, undefined);
  assert.ok(f.values instanceof Uint8Array);
  assert.equal(f.values.length, 16);
  const t = columnToWit(new wp.Utf8Builder(10).extend(['ab', 'c']).finish());
  assert.equal(t.validity, undefined);
  assert.deepEqual([...new Int32Array(t.offsets.slice().buffer)], [0, 2, 3]);
  assert.deepEqual([...t.values], [97, 98, 99]);
  assert.equal(columnToWit(wp.columnFromArray('bool', [true, false, true])).values.length, 1);
});

test('errors map to the WIT error variant; rows and columns outside the WIT are left out', () => {
  assert.deepEqual(errorToWit(new wp.InvalidConfig('bad')), { tag: 'invalid-config', val: 'bad' });
  assert.deepEqual(errorToWit(new wp.Failure('boom')), { tag: 'failure', val: 'boom' });
  assert.deepEqual(errorToWit(new wp.InvalidInput('neg', 'fare', 3)), {
    tag: 'invalid-input',
    val: { message: 'neg', row: 3, column: 'fare' },
  });
  assert.deepEqual(errorToWit(new wp.InvalidInput('neg', null, -1)).val, { message: 'neg', row: undefined, column: undefined });
  assert.equal(errorToWit(new wp.InvalidInput('neg', null, 2 ** 32)).val.row, undefined);
  assert.equal(errorToWit(new wp.InvalidInput('neg', null, 1.5)).val.row, undefined);
});

class Ratio extends wp.Plugin {
  configure(config) {
    this.output = config.get('output', 'ratio');
    return new wp.Contract('ratio', '0.1.0').input('a', 'float64').input('b', 'float64').nullableOutput(this.output, 'float64');
  }

  process(batch) {
    const a = batch.get('a').f64();
    const b = batch.get('b').f64();
    const out = new wp.Float64Builder(batch.length);
    for (let row = 0; row < batch.length; row++) {
      if (b[row] < 0) throw new wp.InvalidInput('negative', 'b', row);
      if (b[row] === 0) throw new RangeError('zero');
      batch.get('a').valid(row) ? out.append(a[row] / b[row]) : out.appendNull();
    }
    return new wp.Output(out.finish());
  }
}

/** A column as componentize-js hands it to `process`. */
function wire(values, validity) {
  const c = wp.columnFromArray('float64', values);
  const w = columnToWit(c);
  return { len: w.len, nullCount: w.nullCount, validity: validity ?? w.validity?.slice(), offsets: undefined, values: w.values.slice() };
}

test('the export configures from [key, value] pairs and returns ok / err results', () => {
  const transform = wp.exportPlugin(Ratio);
  assert.equal(wp.export, wp.exportPlugin);
  assert.deepEqual(transform.configure([['output', 'r']]).val.outputs[0].name, 'r');
  assert.equal(transform.configure([['output', 'r']]).tag, 'ok');
  assert.deepEqual(transform.configure([['outptu', 'r']]), { tag: 'err', val: { tag: 'invalid-config', val: 'unknown key(s): outptu' } });
});

test('the export processes WIT columns and returns WIT columns', () => {
  const transform = wp.exportPlugin(Ratio);
  assert.deepEqual(transform.process([]).val, { tag: 'failure', val: 'process was called before configure' });
  transform.configure([]);
  const out = transform.process([wire([1, null, 3]), wire([2, 2, 4])]);
  assert.equal(out.tag, 'ok');
  assert.equal(out.val.selection, undefined);
  const [col] = out.val.columns;
  assert.equal(col.len, 3);
  assert.equal(col.nullCount, 1);
  assert.deepEqual([...new Float64Array(col.values.slice().buffer)], [0.5, 0, 0.75]);
});

test('the export reports input errors with their row, and other exceptions as failures', () => {
  const transform = wp.exportPlugin(Ratio);
  transform.configure([]);
  assert.deepEqual(transform.process([wire([1, 2]), wire([1, -1])]), {
    tag: 'err',
    val: { tag: 'invalid-input', val: { message: 'negative', row: 1, column: 'b' } },
  });
  const failed = transform.process([wire([1]), wire([0])]);
  assert.equal(failed.val.tag, 'failure');
  assert.match(failed.val.val, /^RangeError: zero/);
  const short = transform.process([wire([1]), { len: 1, nullCount: 0, values: new Uint8Array(4) }]);
  assert.deepEqual(short.val, { tag: 'failure', val: 'input `b`: float64 column of 1 rows needs 8 bytes of values, has 4' });
  const mismatched = transform.process([wire([1]), wire([1, 2])]);
  assert.deepEqual(mismatched.val, { tag: 'failure', val: 'input `b` has 2 rows, the first input 1' });
});

test('a plain object with configure and process works as a plugin', () => {
  const transform = wp.exportPlugin({
    configure: () => new wp.Contract('obj', '1.0.0').input('a', 'float64').output('a', 'float64'),
    process: (batch) => batch.get('a'),
  });
  assert.equal(transform.configure([]).tag, 'ok');
  assert.equal(transform.process([wire([1, 2])]).val.columns[0].len, 2);
});
