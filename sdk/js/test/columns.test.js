// Column views, bitmaps and the text/binary views.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Bitmap, Column, DataType, Failure, columnFromArray } from '../src/index.js';

test('f64() is a Float64Array over the same memory when aligned', () => {
  const values = new Float64Array([1.5, 2.5, 3.5]);
  const column = new Column(DataType.FLOAT64, 3, new Uint8Array(values.buffer));
  const view = column.f64();
  assert.ok(view instanceof Float64Array);
  assert.equal(view.buffer, values.buffer);
  values[1] = 9;
  assert.equal(view[1], 9);
});

test('a misaligned buffer is read through an aligned copy', () => {
  const bytes = new Uint8Array(8 * 2 + 1);
  new DataView(bytes.buffer).setFloat64(1, 4.25, true);
  new DataView(bytes.buffer).setFloat64(9, -1, true);
  const column = new Column(DataType.FLOAT64, 2, bytes.subarray(1));
  assert.deepEqual([...column.f64()], [4.25, -1]);
});

test('every fixed-width type reads through its typed array', () => {
  const cases = [
    ['int8', Int8Array, [-1, 2]],
    ['int16', Int16Array, [-300, 2]],
    ['int32', Int32Array, [-70000, 2]],
    ['int64', BigInt64Array, [-(2n ** 40n), 2n]],
    ['uint8', Uint8Array, [255, 2]],
    ['uint16', Uint16Array, [65535, 2]],
    ['uint32', Uint32Array, [2 ** 32 - 1, 2]],
    ['uint64', BigUint64Array, [2n ** 64n - 1n, 2n]],
    ['float32', Float32Array, [0.5, 2]],
    ['float64', Float64Array, [0.1, 2]],
    ['date32', Int32Array, [19000, -1]],
    ['timestamp[ms, UTC]', BigInt64Array, [1700000000000n, 0n]],
    ['duration[ns]', BigInt64Array, [5n, -5n]],
  ];
  for (const [name, ArrayType, values] of cases) {
    const column = columnFromArray(name, values);
    assert.ok(column.view() instanceof ArrayType, name);
    assert.deepEqual([...column.view()], values, name);
    assert.deepEqual(column.toArray(), values, name);
  }
});

test('typed readers refuse another type', () => {
  const column = columnFromArray('float32', [1]);
  assert.throws(() => column.f64(), (e) => e instanceof Failure && /float32 column read as float64/.test(e.message));
  assert.throws(() => columnFromArray('utf8', ['a']).view(), /no fixed-width values/);
  assert.deepEqual([...columnFromArray('date32', [3]).i32()], [3]);
  assert.deepEqual([...columnFromArray('timestamp[s]', [3n]).i64()], [3n]);
});

test('valid(row) reads the validity bitmap, least significant bit first', () => {
  const column = new Column(DataType.INT32, 10, new Uint8Array(40), null, new Uint8Array([0b1111_1101, 0b10]));
  assert.equal(column.nullCount, 2);
  assert.deepEqual(Array.from({ length: 10 }, (_, r) => column.valid(r)), [true, false, true, true, true, true, true, true, false, true]);
  assert.equal(column.isNull(1), true);
});

test('a column without nulls drops its bitmap; nulls need one', () => {
  const all = new Column(DataType.INT8, 3, new Uint8Array(3), null, new Uint8Array([0b111]));
  assert.equal(all.validity, null);
  assert.throws(() => new Column(DataType.INT8, 3, new Uint8Array(3), null, null, 1), /needs a validity bitmap/);
});

test('short buffers are refused', () => {
  assert.throws(() => new Column(DataType.FLOAT64, 2, new Uint8Array(15)), /needs 16 bytes of values, has 15/);
  assert.throws(() => new Column(DataType.UTF8, 2, new Uint8Array(0), new Uint8Array(8)), /needs 12 bytes of offsets/);
  assert.throws(() => new Bitmap(new Uint8Array(1), 9), /too short for 9 rows/);
});

test('text() decodes utf8 through the offsets; binary() gives byte views', () => {
  const offsets = new Int32Array([0, 2, 2, 8]);
  const values = new TextEncoder().encode('hiheé!!');
  const column = new Column(DataType.UTF8, 3, values, new Uint8Array(offsets.buffer), Bitmap.fromBools([1, 0, 1]));
  assert.deepEqual(column.toArray(), ['hi', null, 'heé!!']);
  assert.equal(column.text().get(2), 'heé!!');
  assert.deepEqual([...column.binary().get(0)], [104, 105]);
  assert.equal(column.binary().get(0).buffer, values.buffer);
});

test('large_utf8 and large_binary use 64-bit offsets', () => {
  assert.deepEqual(columnFromArray('large_utf8', ['a', null, 'bc']).toArray(), ['a', null, 'bc']);
  const bin = columnFromArray('large_binary', [new Uint8Array([1, 2]), null]);
  assert.equal(bin.offsets?.byteLength, 3 * 8);
  assert.deepEqual(bin.toArray(), [new Uint8Array([1, 2]), null]);
});

test('offsets past the values are refused', () => {
  const offsets = new Int32Array([0, 5]);
  assert.throws(() => new Column(DataType.BINARY, 1, new Uint8Array(2), new Uint8Array(offsets.buffer)).binary(), /do not fit its 2 bytes/);
});

test('bool columns read as bitmaps', () => {
  const column = columnFromArray('bool', [true, false, null, true]);
  assert.deepEqual(column.bools().toArray(), [true, false, false, true]);
  assert.deepEqual(column.toArray(), [true, false, null, true]);
});

test('Bitmap counts, iterates and clears bits past its length', () => {
  const b = new Bitmap(new Uint8Array([0xff, 0xff]), 10);
  assert.equal(b.countSet(), 10);
  assert.deepEqual([...b.toBytes()], [0xff, 0b11]);
  assert.deepEqual([...Bitmap.fromBools([1, 0, 0, 1])], [true, false, false, true]);
  assert.throws(() => b.get(10), RangeError);
});
