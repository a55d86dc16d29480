// The package: its WIT equals the repository's, its entry points resolve,
// its TypeScript declarations name every export, the build command explains
// what is missing.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import * as wp from '../src/index.js';
import { entrySource, main, npmHint, WIT_DIR } from '../src/cli.js';

const kit = fileURLToPath(new URL('..', import.meta.url));
const repoWit = fileURLToPath(new URL('../../wit/plugin.wit', import.meta.url));

test('the WIT shipped in the kit equals sdk/wit', { skip: !existsSync(repoWit) && 'not in a checkout' }, () => {
  const shipped = readFileSync(new URL('../wit/plugin.wit', import.meta.url), 'utf8');
  assert.equal(shipped, readFileSync(repoWit, 'utf8'), 'sdk/js/wit/plugin.wit differs from sdk/wit/plugin.wit: copy it over');
});

test('package.json: ESM, the bin, the exports, the WIT in the published files, tools pinned exactly', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.name, 'wasmprep-plugin');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.bin['wasmprep-plugin'], 'src/cli.js');
  assert.ok(pkg.files.includes('wit'));
  for (const target of Object.values(pkg.exports)) {
    const files = typeof target === 'string' ? [target] : Object.values(target);
    for (const f of files) assert.ok(existsSync(new URL(`../${f}`, import.meta.url)), f);
  }
  for (const [name, version] of Object.entries(pkg.devDependencies)) {
    assert.match(version, /^\d+\.\d+\.\d+$/, `${name} is pinned exactly`);
    assert.equal(pkg.peerDependencies[name], version, `${name}: the same version as a peer`);
  }
  assert.equal(pkg.devDependencies['@bytecodealliance/componentize-js'], wp.COMPONENTIZE_JS_VERSION);
  assert.equal(pkg.version, wp.VERSION);
  assert.equal(WIT_DIR, fileURLToPath(new URL('../wit', import.meta.url)));
});

test('the kit resolves by its package name (exports map)', () => {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e',
    "import * as wp from 'wasmprep-plugin'; import { Harness } from 'wasmprep-plugin/testing'; console.log(typeof wp.exportPlugin, typeof Harness)"],
  { cwd: kit, encoding: 'utf8' });
  assert.equal(out.trim(), 'function function');
});

test('index.d.ts declares every runtime export', () => {
  const dts = readFileSync(new URL('../src/index.d.ts', import.meta.url), 'utf8');
  for (const name of Object.keys(wp)) {
    if (name === 'export') continue; // a reserved word: declared as `exportPlugin as export`
    assert.match(dts, new RegExp(`\\b(class|function|const|namespace|interface|type) ${name}\\b`), `${name} is not declared in index.d.ts`);
  }
  const testing = readFileSync(new URL('../src/testing.d.ts', import.meta.url), 'utf8');
  assert.match(testing, /class Harness/);
  assert.match(testing, /class Result/);
});

test('the build entry routes logs to the host import and re-exports the plugin module', () => {
  const src = entrySource('/x/app.js');
  assert.match(src, /import \{ log \} from 'wasmprep:plugin\/host@0\.1\.0';/);
  assert.match(src, /setSink\(log\);/);
  assert.match(src, /export \* from "\/x\/app\.js";/);
});

test('the CLI prints usage, version and the WIT folder, and names the npm command for the build tools', async () => {
  const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url));
  const run = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  assert.equal(run('wit').stdout.trim(), WIT_DIR);
  assert.match(run('version').stdout, /^wasmprep-plugin 0\.1\.0 \(componentize-js 0\.23\.0/);
  const usage = run();
  assert.equal(usage.status, 2);
  assert.match(usage.stdout, /npx wasmprep-plugin build app\.js/);
  assert.equal(run('frobnicate').status, 2);
  const missing = run('build', 'no-such-file.js');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /not a JavaScript or TypeScript file/);
  assert.match(npmHint(), /^npm install --save-dev @bytecodealliance\/componentize-js@0\.23\.0 @bytecodealliance\/preview2-shim@0\.17\.9 rolldown@1\.3\.2$/);
  assert.equal(typeof main, 'function');
});

test('without the build tools, build names the npm command that installs them', () => {
  // A copy of the kit with no node_modules beside it or above the project.
  const dir = mkdtempSync(join(tmpdir(), 'wasmprep-js-notools-'));
  try {
    for (const part of ['src', 'wit', 'package.json']) cpSync(join(kit, part), join(dir, 'kit', part), { recursive: true });
    writeFileSync(join(dir, 'app.js'), 'export const transform = {};\n');
    const run = spawnSync(process.execPath, [join(dir, 'kit', 'src', 'cli.js'), 'build', 'app.js'], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /is not installed/);
    assert.ok(run.stderr.includes(npmHint()), run.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
