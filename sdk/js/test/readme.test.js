// The README's example plugin and its unit tests, run as written: the
// first ```js block is app.js, the second app.test.js.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

test("the README's plugin passes the README's unit tests", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 2, 'the README has the app.js and app.test.js blocks');
  const dir = mkdtempSync(join(tmpdir(), 'wasmprep-js-readme-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(fileURLToPath(new URL('..', import.meta.url)), join(dir, 'node_modules', 'wasmprep-plugin'), 'dir');
    writeFileSync(join(dir, 'app.js'), blocks[0]);
    writeFileSync(join(dir, 'app.test.js'), blocks[1]);
    // Without NODE_TEST_CONTEXT, which makes a nested `node --test` report to this runner instead of printing.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const run = spawnSync(process.execPath, ['--test', 'app.test.js'], { cwd: dir, encoding: 'utf8', env });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /# pass 3/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
