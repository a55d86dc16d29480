// The kit's glue against componentize-js's real bindings, in the real
// sandbox: builds test/component/all-types.js (every boundary type passed
// through, a computed column, logging, a filter) and the example plugin
// plugins/fare-per-km-js, then runs their golden cases with
// `wasmprep plugin test`. Needs the build tools (npm ci) and a wasmprep
// binary: WASMPREP_BIN=path/to/wasmprep node --test test/component.test.js
// (~10-25 s per build, and ~15 s per first load; wasmprep caches the
// compiled components). Skipped without WASMPREP_BIN.
//
// The cases' binary columns follow the host's typed CSV as it is: it reads
// a binary field as the bytes of its text ("00ff" -> 30 30 66 66), in
// input.csv and expected.csv alike, but `--bless` writes binary as hex
// ("30306666"); so expected.csv holds the input's text, edited by hand.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

const wasmprep = process.env.WASMPREP_BIN;
const skip = !wasmprep ? 'set WASMPREP_BIN to a wasmprep binary to build and run components' : false;
const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'wasmprep-js-component-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Builds `app` and runs `plugin test` on `cases`; returns the test's output. */
function buildAndTest(app, cases, name) {
  const wasm = join(work, `${name}.wasm`);
  const built = spawnSync(process.execPath, [cli, 'build', app, '-o', wasm], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const run = spawnSync(wasmprep, ['plugin', 'test', wasm, cases], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  return run.stdout + run.stderr;
}

test('every boundary type, a computed column, a log line and a filter cross the real bindings', { skip, timeout: 300_000 }, () => {
  const here = (p) => fileURLToPath(new URL(p, import.meta.url));
  const out = buildAndTest(here('component/all-types.js'), here('component/cases'), 'all-types');
  assert.match(out, /2 passed, 0 failed/);
});

const example = fileURLToPath(new URL('../../../plugins/fare-per-km-js', import.meta.url));

test('the example plugin fare-per-km-js passes its golden cases', { skip: skip || (!existsSync(example) && 'not in a checkout'), timeout: 300_000 }, () => {
  const out = buildAndTest(join(example, 'app.js'), join(example, 'tests', 'cases'), 'fare-per-km');
  assert.match(out, /5 passed, 0 failed/);
});
