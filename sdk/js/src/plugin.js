// The plugin base class and the instance that drives it: what the component
// glue and the test harness both call, with the same checks.

import { Batch, Config, asOutput } from './batch.js';
import { Selection } from './builders.js';
import { Column, describe } from './column.js';
import { Failure, PluginError } from './errors.js';
import { Contract } from './types.js';

/**
 * Extend this; the kit creates one instance per sandbox instance.
 *
 * - `configure(config)` reads the configuration (a `Config`) and returns
 *   the `Contract`: the columns read and written, whether rows are filtered.
 * - `process(batch)` receives the declared inputs (a `Batch`) and returns
 *   an `Output` (or a single `Column`, or an array of columns).
 *
 * Throw `InvalidConfig`, `InvalidInput` or `Failure` to report an error.
 * A plain object (or class) with these two methods works as well.
 */
export class Plugin {
  /** @param {Config} config @returns {Contract} */
  configure(config) {
    throw new Failure(`a plugin defines configure(config) returning a Contract (${describe(config)} given)`);
  }

  /** @param {Batch} batch @returns {any} */
  process(batch) {
    throw new Failure(`a plugin defines process(batch) returning an Output (${describe(batch)} given)`);
  }
}

/**
 * A new plugin object from a class, or the object itself.
 * @param {any} plugin
 */
function instantiate(plugin) {
  if (typeof plugin === 'function') return new plugin();
  if (plugin !== null && typeof plugin === 'object' && typeof plugin.configure === 'function') return plugin;
  throw new Failure(`a plugin is a class (or object) with configure and process, not ${describe(plugin)}`);
}

/**
 * The shape of a column as the host sends it (the WIT's `column` record
 * as componentize-js passes it).
 * @typedef {{ len: number, nullCount: number, validity?: Uint8Array | null, offsets?: Uint8Array | null, values: Uint8Array }} WireColumn
 */

/** A configured plugin and its contract. */
export class Instance {
  /** @param {any} plugin a class or object @param {any} [pairs] configuration */
  constructor(plugin, pairs = null) {
    const config = pairs instanceof Config ? pairs : new Config(pairs);
    this.plugin = instantiate(plugin);
    if (typeof this.plugin.process !== 'function') throw new Failure('the plugin has no process(batch) method');
    const contract = this.plugin.configure(config);
    if (!(contract instanceof Contract)) throw new Failure(`configure returned ${describe(contract)}, not a Contract`);
    config.finish();
    checkContract(contract);
    /** @type {Contract} */
    this.contract = contract;
  }

  /**
   * Runs one batch: the host's columns in, kit columns and the selection bytes out.
   * @param {WireColumn[]} columns
   * @returns {{ columns: Column[], selection: Uint8Array | null }}
   */
  process(columns) {
    const batch = this.batch(columns);
    return checkOutput(this.contract, asOutput(this.plugin.process(batch)), batch.length);
  }

  /** @param {WireColumn[]} columns */
  batch(columns) {
    const inputs = this.contract.inputs;
    if (columns.length !== inputs.length) throw new Failure(`received ${columns.length} columns, the contract declares ${inputs.length} inputs`);
    const rows = columns.length ? columns[0].len : 0;
    const typed = inputs.map((spec, i) => {
      const c = columns[i];
      if (c.len !== rows) throw new Failure(`input \`${spec.name}\` has ${c.len} rows, the first input ${rows}`);
      try {
        return new Column(spec.dataType, c.len, c.values, c.offsets ?? null, c.nullCount ? c.validity ?? null : null, c.nullCount);
      } catch (e) {
        if (e instanceof Failure) throw new Failure(`input \`${spec.name}\`: ${e.message}`);
        throw e;
      }
    });
    return new Batch(inputs.map((s) => s.name), typed, rows);
  }
}

/** @param {Contract} contract */
export function checkContract(contract) {
  for (const [what, specs] of /** @type {const} */ ([['input', contract.inputs], ['output', contract.outputs]])) {
    const seen = new Set();
    for (const spec of specs) {
      if (seen.has(spec.name)) throw new Failure(`${what} \`${spec.name}\` declared twice`);
      seen.add(spec.name);
    }
  }
}

/**
 * The output's columns, typed as declared, and its selection bitmap, after
 * checking count, lengths, types, nulls and the selection.
 * @param {Contract} contract
 * @param {import('./batch.js').Output} output
 * @param {number} rows
 */
export function checkOutput(contract, output, rows) {
  if (output.columns.length !== contract.outputs.length) {
    throw new Failure(`returned ${output.columns.length} columns, the contract declares ${contract.outputs.length} outputs`);
  }
  const columns = contract.outputs.map((spec, i) => {
    let column = output.columns[i];
    if (!(column instanceof Column)) throw new Failure(`output \`${spec.name}\` is a ${describe(column)}, not a Column`);
    if (column.length !== rows) throw new Failure(`output \`${spec.name}\` has ${column.length} rows, the batch ${rows}`);
    if (!spec.nullable && column.nullCount > 0) {
      throw new Failure(`output \`${spec.name}\` has ${column.nullCount} nulls but is declared without nulls`);
    }
    if (!column.dataType.equals(spec.dataType)) {
      if (!spec.dataType.sameLayout(column.dataType)) throw new Failure(`output \`${spec.name}\` is ${column.dataType}, the contract declares ${spec.dataType}`);
      column = column.retyped(spec.dataType);
    }
    return column;
  });
  const selection = output.selection;
  if (contract.filtersRows) {
    if (selection == null) throw new Failure('the contract filters but no selection was returned');
    if (!(selection instanceof Selection)) throw new Failure(`the selection is a ${describe(selection)}, not a Selection`);
    if (selection.length !== rows) throw new Failure(`selection has ${selection.length} rows, the batch ${rows}`);
    return { columns, selection: selection.toBytes() };
  }
  if (selection != null) throw new Failure('a selection was returned but the contract does not filter');
  return { columns, selection: null };
}

/**
 * An exception that is not a PluginError, as a failure message naming it.
 * @param {unknown} e
 */
export function describeUnexpected(e) {
  if (e instanceof Error) {
    const where = (e.stack ?? '').split('\n').find((l) => /:\d+:\d+/.test(l) && !l.includes(e.message));
    return `${e.name}: ${e.message}${where ? ` (${where.trim().replace(/^at /, 'at ')})` : ''}`;
  }
  return `thrown ${describe(e)}: ${String(e)}`;
}

/**
 * Calls `fn`, turning an unexpected exception into a `Failure`.
 * @template T
 * @param {() => T} fn
 * @returns {T}
 */
export function runReporting(fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PluginError) throw e;
    throw new Failure(describeUnexpected(e));
  }
}
