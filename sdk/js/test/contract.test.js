// DataType names, the contract builder, Config and the errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as wp from '../src/index.js';

const { DataType, TimeUnit } = wp;

test('DataType.parse reads every boundary type name and the aliases', () => {
  const names = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64',
    'utf8', 'large_utf8', 'binary', 'large_binary', 'date32', 'timestamp[s]', 'timestamp[ms, UTC]', 'timestamp[ns, +01:00]',
    'duration[us]'];
  for (const name of names) assert.equal(String(DataType.parse(name)), name);
  assert.equal(DataType.parse('double'), DataType.FLOAT64);
  assert.equal(DataType.parse('string'), DataType.UTF8);
  assert.equal(DataType.parse('boolean'), DataType.BOOL);
  assert.equal(DataType.parse(' date '), DataType.DATE32);
  assert.ok(DataType.parse('timestamp[ms, UTC]').equals(DataType.timestamp(TimeUnit.MILLISECOND, 'UTC')));
  for (const bad of ['timestamp', 'timestamp[h]', 'duration[ms, UTC]', 'timestamp[ms, ]', 'int128']) {
    assert.throws(() => DataType.parse(bad), /unknown type .*; known: bool, int8/, bad);
  }
});

test('DataType checks its parameters', () => {
  assert.throws(() => new DataType('timestamp'), /needs time unit/);
  assert.throws(() => new DataType('int8', 's'), /takes no time unit/);
  assert.throws(() => DataType.timestamp('h'), /unknown time unit/);
  assert.throws(() => new DataType('duration', 's', 'UTC'), /only timestamps/);
});

test('same layouts: int64 and timestamp, int32 and date32, utf8 and binary', () => {
  assert.ok(DataType.INT64.sameLayout(DataType.timestamp('ms')));
  assert.ok(DataType.INT32.sameLayout(DataType.DATE32));
  assert.ok(DataType.UTF8.sameLayout(DataType.BINARY));
  assert.ok(!DataType.INT32.sameLayout(DataType.FLOAT32));
  assert.ok(!DataType.UTF8.sameLayout(DataType.LARGE_UTF8));
});

test('Contract builds inputs and outputs in order', () => {
  const c = new wp.Contract('p', '1.2.3')
    .input('a', DataType.FLOAT64)
    .requiredInput('b', 'int32')
    .output('c', 'utf8')
    .nullableOutput('d', DataType.duration('ms'))
    .filters();
  assert.deepEqual(c.inputs.map((s) => [s.name, String(s.dataType), s.nullable]), [['a', 'float64', true], ['b', 'int32', false]]);
  assert.deepEqual(c.outputs.map((s) => [s.name, String(s.dataType), s.nullable]), [['c', 'utf8', false], ['d', 'duration[ms]', true]]);
  assert.equal(c.filtersRows, true);
  assert.equal(c.inputIndex('b'), 1);
  assert.equal(c.inputIndex('z'), -1);
  assert.throws(() => c.input('x', 'float128'), /unknown type/);
});

test('Config reads text, numbers, bools and JSON, and refuses keys never read', () => {
  const config = new wp.Config([['rate', '0.5'], ['n', '3'], ['on', 'true'], ['list', '[1,2]'], ['typo', 'x']]);
  assert.equal(config.getNumber('rate'), 0.5);
  assert.equal(config.getInt('n'), 3);
  assert.equal(config.getBool('on'), true);
  assert.deepEqual(config.getJson('list'), [1, 2]);
  assert.equal(config.get('absent', 'dflt'), 'dflt');
  assert.equal(config.getNumber('absent2', 7), 7);
  assert.deepEqual(config.unknown(), ['typo']);
  assert.throws(() => config.finish(), (e) => e instanceof wp.InvalidConfig && e.message === 'unknown key(s): typo');
  assert.deepEqual(config.entries().length, 5);
  config.finish();
});

test('Config names the key and value it cannot parse', () => {
  const config = new wp.Config({ rate: 'fast', n: '1.5', on: 'yes', j: '{', empty: '' });
  assert.throws(() => config.getNumber('rate'), /`rate` = "fast" is not a valid number/);
  assert.throws(() => config.getInt('n'), /`n` = "1.5" is not a valid integer/);
  assert.throws(() => config.getBool('on'), /not a valid bool \(true or false\)/);
  assert.throws(() => config.getJson('j'), /not a valid JSON value/);
  assert.throws(() => config.getNumber('empty'), /not a valid number/);
});

test('Config takes JS values as the host would send them', () => {
  const config = new wp.Config({ n: 2, on: false, list: ['a'] });
  assert.equal(config.get('n'), '2');
  assert.equal(config.get('on'), 'false');
  assert.equal(config.get('list'), '["a"]');
  assert.equal(new wp.Config(new Map([['k', 'v']])).get('k'), 'v');
});

test('errors carry their WIT shape and print as the host prints them', () => {
  const e = new wp.InvalidInput('negative', 'fare', 3);
  assert.ok(e instanceof wp.PluginError && e instanceof Error);
  assert.equal(String(e), 'invalid input in column `fare` at row 3: negative');
  assert.equal(String(new wp.InvalidInput('bad')), 'invalid input: bad');
  assert.equal(String(new wp.InvalidConfig('x')), 'invalid config: x');
  assert.equal(String(new wp.Failure('y')), 'failure: y');
  assert.equal(new wp.Failure('y').name, 'Failure');
});

test('log captures messages outside a component', () => {
  wp.log.takeCaptured();
  wp.log.info('hello');
  wp.log.warn(42);
  assert.deepEqual(wp.log.takeCaptured(), [['info', 'hello'], ['warn', '42']]);
  assert.throws(() => wp.log.log('loud', 'x'), /unknown log level/);
});
