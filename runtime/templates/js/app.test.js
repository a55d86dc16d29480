// Unit tests under node's own runner: `npm test` (no WebAssembly).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { InvalidConfig } from 'wasmprep-plugin';
import { Harness } from 'wasmprep-plugin/testing';

import { Scale } from './app.js';

test('scales and keeps nulls', () => {
  const out = new Harness(Scale, { factor: '3' }).process({ value: [1.5, null, -2] });
  assert.deepEqual(out.get('scaled'), [4.5, null, -6]);
});

test('a typo in the config is refused', () => {
  assert.throws(() => new Harness(Scale, { facter: '3' }), InvalidConfig);
});
