// The testing harness and the checks every plugin's output goes through.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as wp from '../src/index.js';
import { Harness } from '../src/testing.js';

class KeepPositive extends wp.Plugin {
  configure(config) {
    this.column = config.get('column', 'x');
    wp.log.debug(`filters on \`${this.column}\``);
    return new wp.Contract('keep-positive', '0.1.0')
      .requiredInput(this.column, 'int64')
      .input('name', 'utf8')
      .output('name_length', 'int32')
      .filters();
  }

  process(batch) {
    const x = batch.get(this.column).i64();
    const names = batch.get('name');
    const lengths = new wp.Int32Builder(batch.length);
    for (let row = 0; row < batch.length; row++) lengths.append(names.valid(row) ? names.text().get(row).length : -1);
    wp.log.info(`${batch.length} rows`);
    return new wp.Output(lengths.finish()).select(wp.Selection.fromFn(batch.length, (row) => x[row] > 0n));
  }
}

test('the harness runs a batch from JS arrays and reads outputs back', () => {
  const plugin = new Harness(KeepPositive);
  assert.deepEqual(plugin.takeLogs(), [['debug', 'filters on `x`']]);
  const out = plugin.process({ x: [1n, -2, 3], name: ['ab', null, 'été'] });
  assert.deepEqual(out.get('name_length'), [2, -1, 3]);
  assert.deepEqual(out.keptRows, [0, 2]);
  assert.deepEqual(out.kept('name_length'), [2, 3]);
  assert.deepEqual(plugin.takeLogs(), [['info', '3 rows']]);
  assert.equal(out.column('name_length').dataType, wp.DataType.INT32);
  assert.throws(() => out.get('nope'), /no output `nope` \(outputs: name_length\)/);
});

test('the harness refuses nulls in a required input, missing and unknown inputs', () => {
  const plugin = new Harness(KeepPositive, { column: 'y' });
  assert.throws(() => plugin.process({ y: [null], name: ['a'] }), /declared without nulls/);
  assert.throws(() => plugin.process({ name: ['a'] }), /no values for input `y`/);
  assert.throws(() => plugin.process({ y: [1], name: ['a'], z: [1] }), /not inputs of the contract: z/);
});

test('configuration errors surface from the harness constructor', () => {
  assert.throws(() => new Harness(KeepPositive, { colunm: 'y' }), (e) => e instanceof wp.InvalidConfig && /unknown key\(s\): colunm/.test(e.message));
});

/** A plugin whose process returns `make(batch)`, for the output checks. */
function returning(make, contract = (c) => c) {
  return class extends wp.Plugin {
    configure() {
      return contract(new wp.Contract('t', '0.1.0').input('a', 'int32').output('b', 'int32'));
    }

    process(batch) {
      return make(batch);
    }
  };
}

test('output checks: count, rows, nulls, types and the selection', () => {
  const run = (make, contract) => new Harness(returning(make, contract)).process({ a: [1, 2] });
  const two = () => wp.columnFromArray('int32', [1, 2]);
  assert.throws(() => run(() => new wp.Output()), /returned 0 columns, the contract declares 1 outputs/);
  assert.throws(() => run(() => wp.columnFromArray('int32', [1])), /output `b` has 1 rows, the batch 2/);
  assert.throws(() => run(() => wp.columnFromArray('int32', [1, null])), /has 1 nulls but is declared without nulls/);
  assert.throws(() => run(() => wp.columnFromArray('float32', [1, 2])), /output `b` is float32, the contract declares int32/);
  assert.throws(() => run(() => 42), /process returned number, not an Output/);
  assert.throws(() => run(() => [two(), 'x']), /not an Output/);
  assert.throws(() => run(() => new wp.Output(two()).select(wp.Selection.all(2))), /the contract does not filter/);
  const filtering = (c) => c.filters();
  assert.throws(() => run(() => two(), filtering), /the contract filters but no selection was returned/);
  assert.throws(() => run(() => new wp.Output(two()).select(wp.Selection.all(3)), filtering), /selection has 3 rows, the batch 2/);
  assert.deepEqual(run(() => [two()]).get('b'), [1, 2]);
  assert.deepEqual(run(() => ({ columns: [two()], selection: wp.Selection.fromBools([0, 1]) }), filtering).keptRows, [1]);
});

test('an output of the same layout is retyped to the declared type', () => {
  const Plugin = class extends wp.Plugin {
    configure() {
      return new wp.Contract('t', '0.1.0').input('a', 'int64').output('ts', 'timestamp[ms]');
    }

    process(batch) {
      return batch.get('a');
    }
  };
  const out = new Harness(Plugin).process({ a: [5n] });
  assert.equal(String(out.column('ts').dataType), 'timestamp[ms]');
  assert.deepEqual(out.get('ts'), [5n]);
});

test('contracts that name a column twice are refused; unexpected exceptions become failures', () => {
  const Twice = class extends wp.Plugin {
    configure() {
      return new wp.Contract('t', '0.1.0').input('a', 'int32').input('a', 'int32');
    }
  };
  assert.throws(() => new Harness(Twice), /input `a` declared twice/);
  const NotContract = class extends wp.Plugin {
    configure() {
      return {};
    }
  };
  assert.throws(() => new Harness(NotContract), /configure returned Object, not a Contract/);
  const Throws = returning(() => {
    throw new TypeError('oops');
  });
  assert.throws(() => new Harness(Throws).process({ a: [1] }), (e) => e instanceof wp.Failure && /^TypeError: oops/.test(e.message));
  assert.throws(() => new Harness(wp.Plugin), /a plugin defines configure/);
});

test('every boundary type crosses the harness and back', () => {
  const types = {
    bool: [true, null, false],
    int8: [-1, null, 1],
    int16: [-1, null, 1],
    int32: [-1, null, 1],
    int64: [-1n, null, 1n],
    uint8: [0, null, 255],
    uint16: [0, null, 65535],
    uint32: [0, null, 2 ** 32 - 1],
    uint64: [0n, null, 2n ** 64n - 1n],
    float32: [0.5, null, -2],
    float64: [0.1, null, 1e300],
    utf8: ['a', null, 'é'],
    large_utf8: ['a', null, ''],
    binary: [new Uint8Array([1]), null, new Uint8Array()],
    large_binary: [new Uint8Array([1]), null, new Uint8Array([2, 3])],
    date32: [19000, null, -1],
    'timestamp[us, Europe/Paris]': [1n, null, -1n],
    'duration[ms]': [1n, null, 2n],
  };
  const names = Object.keys(types);
  const Pass = class extends wp.Plugin {
    configure() {
      const c = new wp.Contract('pass', '0.1.0');
      names.forEach((t, i) => c.input(`c${i}`, t).nullableOutput(`o${i}`, t));
      return c;
    }

    process(batch) {
      return [...batch];
    }
  };
  const out = new Harness(Pass).process(Object.fromEntries(names.map((t, i) => [`c${i}`, types[t]])));
  names.forEach((t, i) => assert.deepEqual(out.get(`o${i}`), types[t], t));
});
