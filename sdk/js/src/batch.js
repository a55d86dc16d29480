// What `configure` and `process` receive and return: Config, Batch, Output.

import { Selection } from './builders.js';
import { Column, describe } from './column.js';
import { Failure, InvalidConfig } from './errors.js';

/**
 * The plugin's configuration: text keys and values.
 *
 * Scalars arrive as their text ("0.01", "true", "abc"); arrays and tables
 * as JSON text (`getJson`). Reading a key marks it used; after `configure`
 * the kit refuses keys never read, so a typo in a job file is an error
 * (`unknown key(s): outptu`), not a silent default.
 */
export class Config {
  /** @param {Iterable<[string, unknown]> | Record<string, unknown> | Map<string, unknown> | null} [pairs] */
  constructor(pairs = null) {
    /** @type {Map<string, string>} */
    this.entriesMap = new Map();
    /** @type {Set<string>} */
    this.used = new Set();
    const items = pairs == null ? [] : pairs instanceof Map || Symbol.iterator in Object(pairs) ? /** @type {Iterable<[string, unknown]>} */ (pairs) : Object.entries(pairs);
    for (const [key, value] of items) this.entriesMap.set(String(key), typeof value === 'string' ? value : text(value));
  }

  /** @param {string} key */
  has(key) {
    return this.entriesMap.has(key);
  }

  /**
   * The text of `key`, or `fallback` when absent.
   * @template T
   * @param {string} key
   * @param {T} [fallback]
   * @returns {string | T}
   */
  get(key, fallback = /** @type {T} */ (undefined)) {
    if (!this.entriesMap.has(key)) return fallback;
    this.used.add(key);
    return /** @type {string} */ (this.entriesMap.get(key));
  }

  /**
   * @template T
   * @param {string} key
   * @param {T} fallback
   * @param {string} kind
   * @param {(text: string) => any} parse
   */
  #parse(key, fallback, kind, parse) {
    const value = this.get(key);
    if (value === undefined) return fallback;
    const parsed = parse(value.trim());
    if (parsed === INVALID) throw new InvalidConfig(`\`${key}\` = ${JSON.stringify(value)} is not a valid ${kind}`);
    return parsed;
  }

  /** A number. @template T @param {string} key @param {T} [fallback] @returns {number | T} */
  getNumber(key, fallback = /** @type {T} */ (undefined)) {
    return this.#parse(key, fallback, 'number', (t) => (t !== '' && Number.isFinite(Number(t)) ? Number(t) : INVALID));
  }

  /** An integer (a safe one). @template T @param {string} key @param {T} [fallback] @returns {number | T} */
  getInt(key, fallback = /** @type {T} */ (undefined)) {
    return this.#parse(key, fallback, 'integer', (t) => (/^[+-]?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : INVALID));
  }

  /** `true` or `false`. @template T @param {string} key @param {T} [fallback] @returns {boolean | T} */
  getBool(key, fallback = /** @type {T} */ (undefined)) {
    return this.#parse(key, fallback, 'bool (true or false)', (t) => (t === 'true' ? true : t === 'false' ? false : INVALID));
  }

  /** An array or table (sent as JSON text). @template T @param {string} key @param {T} [fallback] @returns {any} */
  getJson(key, fallback = /** @type {T} */ (undefined)) {
    return this.#parse(key, fallback, 'JSON value', (t) => {
      try {
        return JSON.parse(t);
      } catch {
        return INVALID;
      }
    });
  }

  /** Every entry, for plugins that take free-form configuration; marks all used. @returns {Array<[string, string]>} */
  entries() {
    for (const k of this.entriesMap.keys()) this.used.add(k);
    return [...this.entriesMap.entries()];
  }

  /** Keys never read. */
  unknown() {
    return [...this.entriesMap.keys()].filter((k) => !this.used.has(k));
  }

  /** Throws InvalidConfig naming the keys never read. */
  finish() {
    const unknown = this.unknown();
    if (unknown.length) throw new InvalidConfig(`unknown key(s): ${unknown.join(', ')}`);
  }
}

const INVALID = Symbol('invalid');

/** How the host sends a non-text value (for tests written with JS values). @param {unknown} value */
function text(value) {
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/**
 * The input columns of one batch, as the contract declares them.
 * `batch.get('fare_amount')` is a `Column`; `batch.length` its number of rows.
 */
export class Batch {
  /** @param {string[]} names @param {Column[]} columns @param {number} [rows] */
  constructor(names, columns, rows = columns[0]?.length ?? 0) {
    this.names = names;
    this.columns = columns;
    this.length = rows;
  }

  /** @param {string} name */
  get(name) {
    const i = this.names.indexOf(name);
    if (i < 0) {
      const known = this.names.map((n) => `\`${n}\``).join(', ') || 'none';
      throw new Failure(`no input \`${name}\` in the batch (the contract declares ${known})`);
    }
    return this.columns[i];
  }

  /** @param {string} name */
  has(name) {
    return this.names.includes(name);
  }

  [Symbol.iterator]() {
    return this.columns[Symbol.iterator]();
  }
}

/**
 * What `process` returns: one column per declared output, in contract
 * order, and a `Selection` when the contract filters.
 *
 *     return new Output(ratio.finish());
 *     return new Output(a, b).select(keep);
 */
export class Output {
  /** @param {...Column} columns */
  constructor(...columns) {
    /** @type {Column[]} */
    this.columns = columns;
    /** @type {Selection | null} */
    this.selection = null;
  }

  /** Appends the next declared output column. @param {Column} column */
  column(column) {
    this.columns.push(column);
    return this;
  }

  /** Sets the rows to keep. @param {Selection} selection */
  select(selection) {
    this.selection = selection;
    return this;
  }
}

/**
 * What `process` may return: an Output, a Column, an array of columns, or
 * `{ columns, selection }`.
 * @param {unknown} value
 * @returns {Output}
 */
export function asOutput(value) {
  if (value instanceof Output) return value;
  if (value instanceof Column) return new Output(value);
  if (Array.isArray(value) && value.every((c) => c instanceof Column)) return new Output(...value);
  if (value !== null && typeof value === 'object' && Array.isArray(/** @type {any} */ (value).columns)) {
    const out = new Output(.../** @type {any} */ (value).columns);
    const s = /** @type {any} */ (value).selection;
    if (s != null) out.select(s);
    return out;
  }
  throw new Failure(`process returned ${describe(value)}, not an Output (or a Column, or an array of columns)`);
}

export { Selection };
