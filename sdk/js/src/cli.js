#!/usr/bin/env node
// `wasmprep-plugin build app.js -o plugin.wasm`: bundle a plugin module with
// the kit (rolldown) and make it a WebAssembly component (componentize-js)
// for the kit's WIT, world `plugin`, every WASI feature disabled (the
// sandbox grants none). TypeScript sources (.ts) are bundled the same way.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, parse, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const KIT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WIT_DIR = join(KIT, 'wit');
export const WORLD = 'plugin';
export const COMPONENTIZE_JS_VERSION = '0.23.0';
export const ROLLDOWN_VERSION = '1.3.2';
/** Everything componentize-js can leave out: the component then imports no WASI interface. */
export const DISABLED_FEATURES = ['stdio', 'random', 'clocks', 'http', 'fetch-event'];

// componentize-js 0.23.0 imports preview2-shim without declaring it (its own
// tests use ^0.17.4). It is pinned here so that npm puts it where
// componentize-js finds it: 0.26 no longer preopens the host's `/`, and the
// build then fails reading the WIT (`No such file or directory`).
export const PREVIEW2_SHIM_VERSION = '0.17.9';

const TOOLS = {
  '@bytecodealliance/componentize-js': COMPONENTIZE_JS_VERSION,
  '@bytecodealliance/preview2-shim': PREVIEW2_SHIM_VERSION,
  rolldown: ROLLDOWN_VERSION,
};

export class BuildError extends Error {}

/** The npm command that installs the pinned build tools into the current project. */
export function npmHint() {
  return `npm install --save-dev ${Object.entries(TOOLS).map(([name, v]) => `${name}@${v}`).join(' ')}`;
}

/**
 * The folder of an installed package: beside the kit (its own node_modules
 * or a parent's), else in the current project's node_modules.
 * @param {string} name
 */
function findPackage(name) {
  for (const start of [KIT, process.cwd()]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}

/** The ESM entry file of a package folder. @param {string} dir */
function entryOf(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  let e = pkg.exports;
  if (e && typeof e === 'object' && '.' in e) e = e['.'];
  if (e && typeof e === 'object') e = e.import ?? e.default;
  return { file: join(dir, typeof e === 'string' ? e : pkg.module ?? pkg.main ?? 'index.js'), version: pkg.version };
}

/** Imports a pinned build tool, or explains how to install it. @param {string} name */
async function loadTool(name) {
  const dir = findPackage(name);
  if (dir === null) throw new BuildError(`${name} is not installed; install the build tools with:\n  ${npmHint()}`);
  const { file, version } = entryOf(dir);
  if (version !== TOOLS[name] && !process.env.WASMPREP_ANY_TOOL_VERSION) {
    throw new BuildError(
      `${name} is version ${version}; the kit is tested with ${TOOLS[name]}:\n  ${npmHint()}\n` +
        '(set WASMPREP_ANY_TOOL_VERSION=1 to use it anyway)',
    );
  }
  return import(pathToFileURL(file).href);
}

/**
 * The entry module the bundle starts from: it routes the kit's log to the
 * host's import, then re-exports the plugin module (its `transform`).
 * @param {string} app
 */
export function entrySource(app) {
  return [
    "import { log } from 'wasmprep:plugin/host@0.1.0';",
    `import { setSink } from ${JSON.stringify(join(KIT, 'src', 'log.js'))};`,
    'setSink(log);',
    `export * from ${JSON.stringify(app)};`,
    '',
  ].join('\n');
}

/**
 * Bundles `app` with the kit into one ES module at `into`.
 * @param {string} app @param {string} into
 */
async function bundle(app, into) {
  const { rolldown } = await loadTool('rolldown');
  const entry = join(dirname(into), 'entry.js');
  await writeFile(entry, entrySource(app));
  const build = await rolldown({
    input: entry,
    platform: 'browser',
    external: [/^wasmprep:/],
    resolve: {
      alias: {
        'wasmprep-plugin/testing': join(KIT, 'src', 'testing.js'),
        'wasmprep-plugin': join(KIT, 'src', 'index.js'),
      },
    },
    logLevel: 'warn',
  });
  await build.write({ file: into, format: 'esm', codeSplitting: false });
  await build.close();
}

/**
 * Builds the plugin module `app` into the component `output`.
 * @param {string} app @param {string} output @param {{ keepBundle?: boolean }} [options]
 */
export async function build(app, output, options = {}) {
  app = resolve(app);
  if (!existsSync(app) || !['.js', '.mjs', '.ts', '.mts'].includes(extname(app))) {
    throw new BuildError(`${app}: not a JavaScript or TypeScript file`);
  }
  const started = performance.now();
  if (findPackage('@bytecodealliance/preview2-shim') === null) {
    throw new BuildError(`@bytecodealliance/preview2-shim (which componentize-js needs) is not installed:\n  ${npmHint()}`);
  }
  const { componentize } = await loadTool('@bytecodealliance/componentize-js');
  const work = await mkdtemp(join(tmpdir(), 'wasmprep-js-'));
  try {
    const bundled = join(work, 'plugin.js');
    await bundle(app, bundled);
    console.error(`+ componentize-js ${COMPONENTIZE_JS_VERSION}: ${app} (world ${WORLD}, WASI features disabled)`);
    const { component } = await componentize({
      sourcePath: bundled,
      witPath: WIT_DIR,
      worldName: WORLD,
      disableFeatures: DISABLED_FEATURES,
    });
    await writeFile(output, component);
    if (options.keepBundle) await writeFile(output.replace(/\.wasm$/, '') + '.bundle.js', readFileSync(bundled));
  } catch (e) {
    if (e instanceof BuildError) throw e;
    throw new BuildError(`componentize-js failed on ${app}:\n${e instanceof Error ? e.message : e}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const size = (await stat(output)).size;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.error(`built ${output} (${(size / 1048576).toFixed(1)} MiB in ${seconds} s)`);
}

/** Test files of a project folder: `*.test.js`, `.mjs`, `.ts`, `.mts`. @param {string} dir */
export function testFiles(dir) {
  return readdirSync(dir)
    .filter((f) => /\.test\.m?[jt]s$/.test(f))
    .sort();
}

/**
 * A TypeScript test as JavaScript at `into`: bundled with what it imports
 * from the project (rolldown strips the types); the kit and node's own
 * modules stay imports, so the test and the plugin share one kit.
 * @param {string} file @param {string} into
 */
async function transpile(file, into) {
  const { rolldown } = await loadTool('rolldown');
  const build = await rolldown({
    input: file,
    platform: 'node',
    external: [/^wasmprep-plugin(\/|$)/, /^node:/],
    logLevel: 'warn',
  });
  await build.write({ file: into, format: 'esm', codeSplitting: false });
  await build.close();
  return into;
}

/**
 * Runs a project's unit tests under `node --test`, TypeScript ones
 * transpiled first (node 20 does not run .ts). Returns node's exit status.
 * @param {string} dir @param {string[]} [files]
 */
export async function runTests(dir, files = []) {
  const found = files.length ? files : testFiles(dir);
  if (found.length === 0) throw new BuildError(`no test files (*.test.js, *.test.ts) in ${dir}`);
  // Inside node_modules, so that `wasmprep-plugin` resolves from there.
  const out = join(dir, 'node_modules', '.wasmprep-test');
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const run = [];
  for (const f of found) {
    const file = resolve(dir, f);
    run.push(/\.m?ts$/.test(f) ? await transpile(file, join(out, parse(f).name + '.mjs')) : file);
  }
  const node = spawnSync(process.execPath, ['--test', ...run], { cwd: dir, stdio: 'inherit' });
  return node.status ?? 1;
}

const USAGE = `usage: wasmprep-plugin <command>

commands:
  build APP [-o OUT.wasm] [--keep-bundle]
                  bundle APP (.js or .ts, ending with
                  \`export const transform = exportPlugin(MyPlugin)\`) with the kit and
                  make it a WebAssembly component (needs componentize-js and rolldown:
                  ${npmHint()})
  test [FILE...]  run the unit tests (*.test.js, *.test.ts here, or FILEs) under
                  node --test; TypeScript is transpiled first (rolldown)
  wit             print the folder of the WIT the kit targets
  version         print the kit's version and the componentize-js it runs

example: npx wasmprep-plugin build app.js -o fare-per-km.wasm`;

/** @param {string[]} argv @returns {Promise<number>} */
export async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        'keep-bundle': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : e}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && !parsed.values.help ? 2 : 0;
  }
  if (command === 'wit') {
    console.log(WIT_DIR);
    return 0;
  }
  if (command === 'version') {
    const pkg = JSON.parse(readFileSync(join(KIT, 'package.json'), 'utf8'));
    console.log(`wasmprep-plugin ${pkg.version} (componentize-js ${COMPONENTIZE_JS_VERSION}, rolldown ${ROLLDOWN_VERSION})`);
    return 0;
  }
  if (command === 'test') {
    try {
      return await runTests(process.cwd(), rest);
    } catch (e) {
      if (!(e instanceof BuildError)) throw e;
      console.error(`error: ${e.message}`);
      return 1;
    }
  }
  if (command !== 'build' || rest.length !== 1) {
    console.error(`error: ${command === 'build' ? 'build takes one plugin module' : `unknown command \`${command}\``}\n\n${USAGE}`);
    return 2;
  }
  const app = rest[0];
  const output = parsed.values.output ?? join(dirname(app), parse(app).name + '.wasm');
  try {
    await build(app, output, { keepBundle: parsed.values['keep-bundle'] });
  } catch (e) {
    if (!(e instanceof BuildError)) throw e;
    console.error(`error: ${e.message}`);
    return 1;
  }
  return 0;
}

// Run as a command (directly, or through npm's bin link), not when imported.
if (process.argv[1] && existsSync(process.argv[1]) && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
