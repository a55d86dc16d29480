// Unit tests of fare-per-km under node's test runner: `node --test` (no WebAssembly).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { InvalidConfig, InvalidInput } from 'wasmprep-plugin';
import { Harness } from 'wasmprep-plugin/testing';

import { FarePerKm } from './app.js';

test('fare per km is null where an input is null or the distance is zero', () => {
  const plugin = new Harness(FarePerKm, { distance_unit: 'km' });
  const out = plugin.process({
    fare_amount: [10, null, 7.5, 12, 0],
    trip_distance: [2, 3, 0, null, 0.8],
  });
  assert.deepEqual(out.get('fare_per_km'), [5, null, null, null, 0]);
  assert.equal(out.column('fare_per_km').nullCount, 3);
});

test('distances are in miles by default', () => {
  const out = new Harness(FarePerKm).process({ fare_amount: [16.09344], trip_distance: [10] });
  assert.deepEqual(out.get('fare_per_km'), [1]);
});

test('output renames the column, and the configuration is logged', () => {
  const plugin = new Harness(FarePerKm, { output: 'price_per_km' });
  assert.deepEqual(plugin.contract.outputs.map((c) => c.name), ['price_per_km']);
  assert.deepEqual(plugin.takeLogs(), [['debug', 'fare-per-km writes `price_per_km` (distances in mile)']]);
});

test('a negative distance is an invalid input naming its column and row', () => {
  const plugin = new Harness(FarePerKm);
  assert.throws(
    () => plugin.process({ fare_amount: [10, 8], trip_distance: [2, -1.5] }),
    (e) => e instanceof InvalidInput && e.column === 'trip_distance' && e.row === 1 && e.message === 'negative distance -1.5',
  );
});

test('unknown keys and units are refused', () => {
  assert.throws(() => new Harness(FarePerKm, { distance_units: 'km' }), (e) => e instanceof InvalidConfig && e.message === 'unknown key(s): distance_units');
  assert.throws(() => new Harness(FarePerKm, { distance_unit: 'furlong' }), /expected mile or km/);
});
