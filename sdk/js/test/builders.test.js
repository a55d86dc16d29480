// Builders: values, validity and null count; Selection.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as wp from '../src/index.js';

test('Float64Builder makes values, a validity bitmap and a null count', () => {
  const b = new wp.Float64Builder(2);
  for (let i = 0; i < 20; i++) (i % 4 === 0 ? b.appendNull() : b.append(i / 2));
  const column = b.finish();
  assert.equal(column.length, 20);
  assert.equal(column.nullCount, 5);
  assert.equal(column.values.byteLength, 160);
  assert.deepEqual([...column.validity.toBytes()], [0b1110_1110, 0b1110_1110, 0b1110]);
  assert.deepEqual(column.toArray().slice(0, 5), [null, 0.5, 1, 1.5, null]);
});

test('a builder without nulls makes a column without a bitmap', () => {
  const column = new wp.Int32Builder().extend([1, 2, 3]).finish();
  assert.equal(column.validity, null);
  assert.equal(column.nullCount, 0);
});

test('64-bit builders take bigints and safe integers, and refuse fractions', () => {
  const column = new wp.Int64Builder().extend([1, 2n ** 62n, null]).finish();
  assert.deepEqual(column.toArray(), [1n, 2n ** 62n, null]);
  assert.throws(() => new wp.Int64Builder().append(1.5), /bigint or an integer/);
  assert.deepEqual(new wp.UInt64Builder().extend([2n ** 64n - 1n]).finish().toArray(), [2n ** 64n - 1n]);
});

test('timestamp, duration and date32 builders carry their type', () => {
  const ts = new wp.TimestampBuilder(wp.TimeUnit.MILLISECOND, 'UTC').extend([0n, null]).finish();
  assert.equal(String(ts.dataType), 'timestamp[ms, UTC]');
  assert.equal(String(new wp.DurationBuilder('s').finish().dataType), 'duration[s]');
  assert.equal(new wp.Date32Builder().extend([19000]).finish().dataType, wp.DataType.DATE32);
});

test('BoolBuilder packs values and validity as bits', () => {
  const column = new wp.BoolBuilder().extend([true, null, false, true, true, true, true, true, true]).finish();
  assert.deepEqual([...column.values], [0b1111_1001, 0b1]);
  assert.equal(column.nullCount, 1);
  assert.deepEqual(column.toArray(), [true, null, false, true, true, true, true, true, true]);
});

test('Utf8Builder and BinaryBuilder write offsets and bytes', () => {
  const text = new wp.Utf8Builder().extend(['a', null, 'é', '']).finish();
  assert.deepEqual([...new Int32Array(text.offsets.slice().buffer)], [0, 1, 1, 3, 3]);
  assert.deepEqual(text.toArray(), ['a', null, 'é', '']);
  const large = new wp.Utf8Builder(0, true).extend(['xy']).finish();
  assert.equal(large.dataType, wp.DataType.LARGE_UTF8);
  const bin = new wp.BinaryBuilder().extend([new Uint8Array([0, 255]), new Uint16Array([1])]).finish();
  assert.deepEqual(bin.toArray(), [new Uint8Array([0, 255]), new Uint8Array([1, 0])]);
});

test('builders grow past their capacity', () => {
  const b = new wp.Utf8Builder(1);
  const words = Array.from({ length: 1000 }, (_, i) => `word${i}`);
  b.extend(words);
  assert.deepEqual(b.finish().toArray(), words);
  const n = new wp.Float32Builder(0);
  for (let i = 0; i < 1000; i++) n.append(i);
  assert.equal(n.finish().f32()[999], 999);
});

test('builderFor picks the builder of any boundary type', () => {
  assert.ok(wp.builderFor('bool') instanceof wp.BoolBuilder);
  assert.ok(wp.builderFor('string') instanceof wp.BytesBuilder);
  assert.ok(wp.builderFor('double') instanceof wp.PrimitiveBuilder);
  assert.throws(() => new wp.PrimitiveBuilder('utf8'), /not built with a PrimitiveBuilder/);
  assert.throws(() => new wp.BytesBuilder('int8'), /not built with a BytesBuilder/);
});

test('columnFromArray wraps a filled typed array without copying, with a validity', () => {
  const values = new Float64Array([1, 2, 3]);
  const validity = wp.ValidityBuilder.allValid(3);
  validity.setNull(1);
  validity.setNull(1);
  const column = wp.columnFromArray(wp.DataType.FLOAT64, values, validity);
  assert.equal(column.values.buffer, values.buffer);
  assert.equal(column.nullCount, 1);
  assert.deepEqual(column.toArray(), [1, null, 3]);
  assert.throws(() => wp.columnFromArray('float32', values), /made from a Float32Array, not a Float64Array/);
  assert.throws(() => wp.columnFromArray('float64', values, wp.ValidityBuilder.allValid(2)), /validity of 2 rows for 3 values/);
});

test('ValidityBuilder counts nulls and clears bits past its length', () => {
  const v = new wp.ValidityBuilder();
  assert.equal(v.finish(), null);
  [true, false, true].forEach((x) => v.append(x));
  assert.equal(v.nullCount, 1);
  assert.deepEqual([...v.finish().toBytes()], [0b101]);
});

test('Selection keeps and drops rows', () => {
  const s = wp.Selection.fromFn(10, (row) => row % 3 === 0);
  assert.deepEqual(s.keptRows(), [0, 3, 6, 9]);
  s.drop(0);
  s.keep(1);
  assert.equal(s.count(), 4);
  assert.deepEqual([...s.toBytes()], [0b0100_1010, 0b10]);
  assert.equal(wp.Selection.all(9).count(), 9);
  assert.deepEqual([...wp.Selection.all(9).toBytes()], [0xff, 1]);
  assert.equal(wp.Selection.none(9).count(), 0);
  assert.deepEqual(wp.Selection.fromBools([0, 1]).keptRows(), [1]);
  assert.throws(() => s.get(10), RangeError);
});

test('ValidityBuilder.validWhereAll ANDs the inputs\' bitmaps', () => {
  const a = wp.columnFromArray('float64', [1, null, 3, 4, 5, 6, 7, 8, null, 10]);
  const b = wp.columnFromArray('float64', [1, 2, null, 4, 5, 6, 7, 8, 9, 10]);
  const none = wp.columnFromArray('float64', Array.from({ length: 10 }, (_, i) => i));
  const v = wp.ValidityBuilder.validWhereAll(10, a, b, none);
  assert.equal(v.nullCount, 3);
  assert.deepEqual(Array.from({ length: 10 }, (_, r) => v.valid(r)), [true, false, false, true, true, true, true, true, false, true]);
  v.setNull(0);
  v.setNull(1);
  assert.equal(v.nullCount, 4);
  assert.deepEqual([...v.finish().toBytes()], [0b1111_1000, 0b10]);
  assert.equal(wp.ValidityBuilder.validWhereAll(10, none).finish(), null);
});
