// Adapts a plugin class to the export componentize-js expects for the
// world's `wasmprep:plugin/transform` interface, and converts kit values to
// the shapes its generated bindings take:
//
// - records are objects with camelCase fields (`nullCount`, `dataType`);
// - variants are `{ tag, val }` with the WIT's kebab-case case names
//   (`{ tag: 'large-utf8' }`, `{ tag: 'invalid-input', val: {...} }`);
// - enums are their case names as strings (`'millisecond'`);
// - `option<T>` is the value or undefined;
// - `list<u8>` is a Uint8Array (copied into the host's memory once);
// - `result<T, error>` is returned as `{ tag: 'ok', val }` or
//   `{ tag: 'err', val }` (the bindings also take a bare value as ok, and a
//   thrown object's `payload` as err, but rethrow any other Error: a trap).
//
// The config arrives as an array of [key, value] pairs; columns as
// `{ len, nullCount, validity, offsets, values }` with Uint8Array buffers
// (each a fresh copy, so typed views over them are aligned).

import { Column, bitmapLen } from './column.js';
import { Failure, InvalidConfig, InvalidInput, PluginError } from './errors.js';
import { Instance, runReporting } from './plugin.js';
import { ColumnSpec, Contract, DataType, TimeUnit } from './types.js';

/** The world's export, under the name componentize-js looks it up by. */
export const EXPORT_NAME = 'transform';

const UNITS = {
  [TimeUnit.SECOND]: 'second',
  [TimeUnit.MILLISECOND]: 'millisecond',
  [TimeUnit.MICROSECOND]: 'microsecond',
  [TimeUnit.NANOSECOND]: 'nanosecond',
};

// Kit kind -> the WIT variant case.
const CASES = {
  bool: 'boolean',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  float32: 'float32',
  float64: 'float64',
  utf8: 'utf8',
  large_utf8: 'large-utf8',
  binary: 'binary',
  large_binary: 'large-binary',
  date32: 'date32',
};

/** @param {DataType} t */
export function dataTypeToWit(t) {
  if (t.kind === 'timestamp') {
    return { tag: 'timestamp', val: { unit: UNITS[/** @type {string} */ (t.unit)], timezone: t.timezone ?? undefined } };
  }
  if (t.kind === 'duration') return { tag: 'duration', val: UNITS[/** @type {string} */ (t.unit)] };
  return { tag: CASES[/** @type {keyof typeof CASES} */ (t.kind)] };
}

/** @param {ColumnSpec} spec */
export function specToWit(spec) {
  return { name: spec.name, dataType: dataTypeToWit(spec.dataType), nullable: spec.nullable };
}

/** @param {Contract} contract */
export function contractToWit(contract) {
  return {
    name: contract.name,
    version: contract.version,
    inputs: contract.inputs.map(specToWit),
    outputs: contract.outputs.map(specToWit),
    filters: contract.filtersRows,
  };
}

/** The first `size` bytes of `bytes` (a view, not a copy). @param {Uint8Array} bytes @param {number} size */
function exact(bytes, size) {
  if (bytes.length < size) throw new Failure(`buffer of ${bytes.length} bytes, ${size} needed`);
  return bytes.length === size ? bytes : bytes.subarray(0, size);
}

/** A kit column as the WIT's `column` record, buffers cut to their exact size. @param {Column} column */
export function columnToWit(column) {
  const t = column.dataType;
  const n = column.length;
  let size;
  let offsets;
  if (t.layout === 'bits') size = bitmapLen(n);
  else if (t.layout === 'fixed') size = n * t.width;
  else {
    size = column.binary().start(n);
    offsets = exact(/** @type {Uint8Array} */ (column.offsets), (n + 1) * t.width);
  }
  return {
    len: n,
    nullCount: column.nullCount,
    validity: column.validity === null ? undefined : column.validity.toBytes(),
    offsets,
    values: exact(column.values, size),
  };
}

/** A kit error as the WIT's `error` variant. @param {PluginError} e */
export function errorToWit(e) {
  if (e instanceof InvalidConfig) return { tag: 'invalid-config', val: e.message };
  if (e instanceof InvalidInput) {
    // The WIT's row is a u32 and its column a string: anything else is left out.
    const row = Number.isInteger(e.row) && /** @type {number} */ (e.row) >= 0 && /** @type {number} */ (e.row) < 2 ** 32 ? e.row : undefined;
    const column = e.column == null ? undefined : String(e.column);
    return { tag: 'invalid-input', val: { message: e.message, row, column } };
  }
  return { tag: 'failure', val: e.message };
}

/**
 * Runs `fn` and wraps what it returns or throws as a WIT result.
 * @param {() => unknown} fn
 */
function result(fn) {
  try {
    return { tag: 'ok', val: runReporting(fn) };
  } catch (e) {
    return { tag: 'err', val: errorToWit(/** @type {PluginError} */ (e)) };
  }
}

/**
 * The object componentize-js exports for the world's `transform` interface.
 *
 * End the plugin module with `export const transform = exportPlugin(MyPlugin);`.
 * @param {any} plugin a Plugin class (or an object with configure and process)
 * @returns {{ configure(config: Array<[string, string]>): any, process(columns: any[]): any, plugin: any }}
 */
export function exportPlugin(plugin) {
  /** @type {Instance | null} */
  let instance = null;
  return {
    plugin,
    configure(config) {
      return result(() => {
        instance = new Instance(plugin, config);
        return contractToWit(instance.contract);
      });
    },
    process(columns) {
      return result(() => {
        if (instance === null) throw new Failure('process was called before configure');
        const out = instance.process(columns);
        return { columns: out.columns.map(columnToWit), selection: out.selection ?? undefined };
      });
    },
  };
}
