// Run a plugin under node, for node's test runner: no WebAssembly needed.
//
//     import { test } from 'node:test';
//     import assert from 'node:assert/strict';
//     import { Harness } from 'wasmprep-plugin/testing';
//     import { FarePerKm } from './app.js';
//
//     test('fare per km', () => {
//       const plugin = new Harness(FarePerKm);
//       const out = plugin.process({ fare_amount: [10, null], trip_distance: [2, 3] });
//       assert.deepEqual(out.get('fare_per_km'), [5, null]);
//     });
//
// Input arrays are converted to the types the contract declares (null is a
// null); the columns then cross the same glue the component uses (WIT
// shapes, fresh Uint8Array buffers), and outputs are checked against the
// contract exactly as in the component. Errors are thrown as the kit's
// InvalidConfig, InvalidInput and Failure.

import { columnFromArray } from './builders.js';
import { Column } from './column.js';
import { Failure } from './errors.js';
import { columnToWit } from './glue.js';
import * as log from './log.js';
import { Instance, runReporting } from './plugin.js';

/** A configured plugin, run natively. */
export class Harness {
  /**
   * `new Harness(MyPlugin, { output: 'x' })` configures it (throwing
   * InvalidConfig and friends as the component would report them).
   * @param {any} plugin a Plugin class or object
   * @param {any} [config] an object, a Map or [key, value] pairs
   */
  constructor(plugin, config = null) {
    log.takeCaptured();
    /** @type {Instance} */
    this.instance = runReporting(() => new Instance(plugin, config));
    /** @type {Array<[string, string]>} */
    this.logs = log.takeCaptured();
  }

  get contract() {
    return this.instance.contract;
  }

  /** The plugin object, to inspect its state. */
  get plugin() {
    return this.instance.plugin;
  }

  /**
   * Runs one batch: each input by name, as an array (null = null), a typed array or a Column.
   * @param {Record<string, any>} inputs
   */
  process(inputs) {
    const given = new Map(Object.entries(inputs ?? {}));
    const wire = this.contract.inputs.map((spec) => {
      if (!given.has(spec.name)) throw new TypeError(`no values for input \`${spec.name}\``);
      const value = given.get(spec.name);
      given.delete(spec.name);
      const column = value instanceof Column ? value : columnFromArray(spec.dataType, value);
      if (!spec.nullable && column.nullCount) throw new TypeError(`input \`${spec.name}\` is declared without nulls; the host would refuse this batch`);
      const w = columnToWit(column.dataType.equals(spec.dataType) ? column : column.retyped(spec.dataType));
      // As the host sends them: each buffer a fresh copy.
      return { ...w, validity: w.validity?.slice(), offsets: w.offsets?.slice(), values: w.values.slice() };
    });
    if (given.size) throw new TypeError(`not inputs of the contract: ${[...given.keys()].sort().join(', ')}`);
    const out = runReporting(() => this.instance.process(wire));
    this.logs.push(...log.takeCaptured());
    const rows = wire.length ? wire[0].len : 0;
    return new Result(this.contract, out.columns, out.selection, rows);
  }

  /** Messages logged since the last call (or since the harness was made), as [level, message]. */
  takeLogs() {
    const out = this.logs;
    this.logs = [];
    return out;
  }
}

/** What one `process` call returned, read back as JS values. */
export class Result {
  /**
   * @param {import('./types.js').Contract} contract
   * @param {Column[]} columns
   * @param {Uint8Array | null} selection
   * @param {number} rows
   */
  constructor(contract, columns, selection, rows) {
    this.rows = rows;
    /** @type {Map<string, Column>} */
    this.columns = new Map(contract.outputs.map((spec, i) => [spec.name, columns[i]]));
    this.selection = selection;
  }

  /** Every value of output `name` (kept or not), null for nulls. @param {string} name */
  get(name) {
    return this.column(name).toArray();
  }

  /** @param {string} name */
  column(name) {
    const c = this.columns.get(name);
    if (c === undefined) throw new Failure(`no output \`${name}\` (outputs: ${[...this.columns.keys()].join(', ')})`);
    return c;
  }

  /** Rows the selection keeps, or null when the contract does not filter. */
  get keptRows() {
    const s = this.selection;
    if (s === null) return null;
    const rows = [];
    for (let r = 0; r < this.rows; r++) if ((s[r >>> 3] >>> (r & 7)) & 1) rows.push(r);
    return rows;
  }

  /** Values of output `name` in the rows kept (all rows when not filtering). @param {string} name */
  kept(name) {
    const values = this.get(name);
    const rows = this.keptRows;
    return rows === null ? values : rows.map((r) => values[r]);
  }
}
