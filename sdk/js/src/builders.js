// Builders that produce Arrow buffers: values, offsets and a validity bitmap.
//
//     const out = new Float64Builder(batch.length);
//     for (let row = 0; row < batch.length; row++) {
//       if (ok) out.append(x); else out.appendNull();
//     }
//     return new Output(out.finish());
//
// Values go into a typed array that grows geometrically, nulls into a
// bitmap with its null count, so `finish()` hands the host its buffers as
// they are. For the fastest path, fill a typed array yourself and wrap it:
// `columnFromArray(DataType.FLOAT64, values, validity)`.

import { Bitmap, Column, asBytes, bitmapLen, countSet, describe } from './column.js';
import { Failure } from './errors.js';
import { DataType, asDataType } from './types.js';

/** A validity bitmap built row by row, counting nulls. */
export class ValidityBuilder {
  /** @param {number} [capacity] rows to reserve */
  constructor(capacity = 0) {
    this.bits = new Uint8Array(Math.max(8, bitmapLen(capacity)));
    this.length = 0;
    this.nullCount = 0;
  }

  /** `rows` valid rows, to clear with `setNull`. @param {number} rows */
  static allValid(rows) {
    const v = new ValidityBuilder(rows);
    v.bits.fill(0xff);
    v.length = rows;
    return v;
  }

  /**
   * `rows` rows, valid where every one of `columns` is valid (their
   * bitmaps ANDed a byte at a time), to clear further with `setNull`.
   * @param {number} rows
   * @param {...{ validity: Bitmap | null }} columns
   */
  static validWhereAll(rows, ...columns) {
    const v = ValidityBuilder.allValid(rows);
    const n = bitmapLen(rows);
    let masked = false;
    for (const c of columns) {
      if (c.validity === null) continue;
      const bits = c.validity.bits;
      for (let i = 0; i < n; i++) v.bits[i] &= bits[i];
      masked = true;
    }
    if (masked) {
      v.nullCount = rows - countSet(v.bits, rows);
    }
    return v;
  }

  /** Whether `row` is valid so far. @param {number} row */
  valid(row) {
    return ((this.bits[row >>> 3] >>> (row & 7)) & 1) === 1;
  }

  /** @param {number} bytes */
  #reserve(bytes) {
    if (bytes <= this.bits.length) return;
    const grown = new Uint8Array(Math.max(bytes, this.bits.length * 2));
    grown.set(this.bits);
    this.bits = grown;
  }

  /** @param {boolean} valid */
  append(valid) {
    const n = this.length;
    if ((n & 7) === 0) this.#reserve((n >>> 3) + 1);
    if (valid) this.bits[n >>> 3] |= 1 << (n & 7);
    else {
      this.bits[n >>> 3] &= ~(1 << (n & 7));
      this.nullCount++;
    }
    this.length = n + 1;
  }

  /** Marks an already appended (or pre-sized) valid row null. @param {number} row */
  setNull(row) {
    if (!(row >= 0 && row < this.length)) throw new RangeError(`row ${row} out of ${this.length}`);
    const mask = 1 << (row & 7);
    if (this.bits[row >>> 3] & mask) {
      this.bits[row >>> 3] &= ~mask;
      this.nullCount++;
    }
  }

  /** The bitmap, or null when no row is null. */
  finish() {
    if (this.nullCount === 0) return null;
    const bytes = this.bits.slice(0, bitmapLen(this.length));
    if (this.length & 7) bytes[bytes.length - 1] &= (1 << (this.length & 7)) - 1;
    return new Bitmap(bytes, this.length);
  }
}

/**
 * What every column builder shares: `appendOption` and `extend` over its own
 * `append` and `appendNull`.
 */
export class Builder {
  /** Appends `value`, or a null when it is null or undefined. @param {any} value */
  appendOption(value) {
    if (value == null) this.appendNull();
    else this.append(value);
  }

  /** Appends every value, null as null. @param {Iterable<any>} values */
  extend(values) {
    for (const v of values) this.appendOption(v);
    return this;
  }
}

/** Builds a fixed-width column (integers, floats, date32, timestamp, duration). */
export class PrimitiveBuilder extends Builder {
  /** @param {DataType | string} dataType @param {number} [capacity] rows to reserve */
  constructor(dataType, capacity = 0) {
    super();
    this.dataType = asDataType(dataType);
    if (this.dataType.layout !== 'fixed') throw new Failure(`a ${this.dataType} column is not built with a PrimitiveBuilder`);
    const ArrayType = this.dataType.arrayType;
    this.values = new ArrayType(Math.max(16, capacity));
    this.length = 0;
    this.validity = new ValidityBuilder(capacity);
    this.big = this.dataType.isBigInt;
  }

  #grow() {
    const ArrayType = this.dataType.arrayType;
    const grown = new ArrayType(this.values.length * 2);
    grown.set(/** @type {any} */ (this.values));
    this.values = grown;
  }

  /** Appends a value: a number (a bigint or a safe integer for 64-bit types). @param {number | bigint} value */
  append(value) {
    if (this.length === this.values.length) this.#grow();
    this.values[this.length++] = this.big ? toBigInt(value, this.dataType) : Number(value);
    this.validity.append(true);
  }

  appendNull() {
    if (this.length === this.values.length) this.#grow();
    this.values[this.length++] = this.big ? 0n : 0;
    this.validity.append(false);
  }


  finish() {
    const bytes = new Uint8Array(this.values.buffer, 0, this.length * this.dataType.width);
    return new Column(this.dataType, this.length, bytes, null, this.validity.finish(), this.validity.nullCount);
  }
}

/** @param {unknown} value @param {DataType} t */
function toBigInt(value, t) {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw new Failure(`a ${t} value must be a bigint or an integer number, not ${typeof value === 'number' ? value : describe(value)}`);
}

/** @param {string} name @param {DataType} dataType */
function typed(name, dataType) {
  const cls = {
    [name]: class extends PrimitiveBuilder {
      /** @param {number} [capacity] */
      constructor(capacity = 0) {
        super(dataType, capacity);
      }
    },
  }[name];
  return cls;
}

export const Int8Builder = typed('Int8Builder', DataType.INT8);
export const Int16Builder = typed('Int16Builder', DataType.INT16);
export const Int32Builder = typed('Int32Builder', DataType.INT32);
export const Int64Builder = typed('Int64Builder', DataType.INT64);
export const UInt8Builder = typed('UInt8Builder', DataType.UINT8);
export const UInt16Builder = typed('UInt16Builder', DataType.UINT16);
export const UInt32Builder = typed('UInt32Builder', DataType.UINT32);
export const UInt64Builder = typed('UInt64Builder', DataType.UINT64);
export const Float32Builder = typed('Float32Builder', DataType.FLOAT32);
export const Float64Builder = typed('Float64Builder', DataType.FLOAT64);
/** Builds a date32 column (days since 1970-01-01). */
export const Date32Builder = typed('Date32Builder', DataType.DATE32);

/** Builds a timestamp column: int64 counts of `unit` since the epoch. */
export class TimestampBuilder extends PrimitiveBuilder {
  /** @param {string} unit @param {string | null} [timezone] @param {number} [capacity] */
  constructor(unit, timezone = null, capacity = 0) {
    super(DataType.timestamp(unit, timezone), capacity);
  }
}

/** Builds a duration column: int64 counts of `unit`. */
export class DurationBuilder extends PrimitiveBuilder {
  /** @param {string} unit @param {number} [capacity] */
  constructor(unit, capacity = 0) {
    super(DataType.duration(unit), capacity);
  }
}

/** Builds a bool column (values packed as bits). */
export class BoolBuilder extends Builder {
  /** @param {number} [capacity] */
  constructor(capacity = 0) {
    super();
    this.dataType = DataType.BOOL;
    this.bits = new ValidityBuilder(capacity);
    this.validity = new ValidityBuilder(capacity);
  }

  get length() {
    return this.bits.length;
  }

  /** @param {boolean} value */
  append(value) {
    this.bits.append(Boolean(value));
    this.validity.append(true);
  }

  appendNull() {
    this.bits.append(false);
    this.validity.append(false);
  }


  finish() {
    const n = this.bits.length;
    const bytes = this.bits.bits.slice(0, bitmapLen(n));
    if (n & 7) bytes[bytes.length - 1] &= (1 << (n & 7)) - 1;
    return new Column(DataType.BOOL, n, bytes, null, this.validity.finish(), this.validity.nullCount);
  }
}

const ENCODER = new TextEncoder();

/** Builds a utf8, large_utf8, binary or large_binary column: offsets and bytes. */
export class BytesBuilder extends Builder {
  /** @param {DataType | string} dataType @param {number} [capacity] rows to reserve */
  constructor(dataType, capacity = 0) {
    super();
    this.dataType = asDataType(dataType);
    if (this.dataType.layout !== 'variable') throw new Failure(`a ${this.dataType} column is not built with a BytesBuilder`);
    this.large = this.dataType.width === 8;
    /** @type {number[]} */
    this.offsets = [0];
    this.data = new Uint8Array(Math.max(64, capacity * 8));
    this.size = 0;
    this.validity = new ValidityBuilder(capacity);
  }

  get length() {
    return this.offsets.length - 1;
  }

  /** @param {number} more */
  #reserve(more) {
    if (this.size + more <= this.data.length) return;
    const grown = new Uint8Array(Math.max(this.size + more, this.data.length * 2));
    grown.set(this.data.subarray(0, this.size));
    this.data = grown;
  }

  /** Appends text (encoded as UTF-8) or bytes. @param {string | ArrayBufferView | ArrayBuffer} value */
  append(value) {
    const bytes = typeof value === 'string' ? ENCODER.encode(value) : asBytes(value);
    this.#reserve(bytes.length);
    this.data.set(bytes, this.size);
    this.size += bytes.length;
    if (!this.large && this.size > 0x7fffffff) throw new Failure(`${this.dataType} column past 2 GiB: use the large_ type`);
    this.offsets.push(this.size);
    this.validity.append(true);
  }

  appendNull() {
    this.offsets.push(this.size);
    this.validity.append(false);
  }


  finish() {
    const offsets = this.large ? BigInt64Array.from(this.offsets, (o) => BigInt(o)) : Int32Array.from(this.offsets);
    return new Column(this.dataType, this.length, this.data.slice(0, this.size), offsets, this.validity.finish(), this.validity.nullCount);
  }
}

/** Builds a utf8 column (large_utf8 with `large = true`). */
export class Utf8Builder extends BytesBuilder {
  /** @param {number} [capacity] @param {boolean} [large] */
  constructor(capacity = 0, large = false) {
    super(large ? DataType.LARGE_UTF8 : DataType.UTF8, capacity);
  }
}

/** Builds a binary column (large_binary with `large = true`). */
export class BinaryBuilder extends BytesBuilder {
  /** @param {number} [capacity] @param {boolean} [large] */
  constructor(capacity = 0, large = false) {
    super(large ? DataType.LARGE_BINARY : DataType.BINARY, capacity);
  }
}

/**
 * A builder for any boundary type.
 * @param {DataType | string} dataType
 * @param {number} [capacity]
 * @returns {PrimitiveBuilder | BoolBuilder | BytesBuilder}
 */
export function builderFor(dataType, capacity = 0) {
  const t = asDataType(dataType);
  if (t.layout === 'bits') return new BoolBuilder(capacity);
  if (t.layout === 'variable') return new BytesBuilder(t, capacity);
  return new PrimitiveBuilder(t, capacity);
}

/**
 * A column from JS values, null for nulls (for tests and small columns).
 * @param {DataType | string} dataType
 * @param {Iterable<any>} values
 */
export function columnFromArray(dataType, values, validity = undefined) {
  const t = asDataType(dataType);
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) return columnFromTyped(t, values, validity);
  if (validity !== undefined) throw new Failure('columnFromArray takes a validity only with a typed array of values');
  return /** @type {any} */ (builderFor(t)).extend(values).finish();
}

/**
 * A fixed-width column over a filled typed array (no copy), with an optional
 * validity: a `Bitmap`, a `ValidityBuilder`, bitmap bytes, or null/undefined
 * when no row is null.
 * @param {DataType} t
 * @param {ArrayBufferView} values
 * @param {Bitmap | ValidityBuilder | ArrayBufferView | null | undefined} validity
 */
function columnFromTyped(t, values, validity) {
  if (t.layout !== 'fixed') throw new Failure(`a typed array builds fixed-width columns, not ${t}`);
  const ArrayType = t.arrayType;
  if (!(values instanceof ArrayType)) throw new Failure(`a ${t} column is made from a ${ArrayType.name}, not a ${describe(values)}`);
  const rows = /** @type {any} */ (values).length;
  let bitmap = null;
  let nulls = 0;
  if (validity instanceof ValidityBuilder) {
    if (validity.length !== rows) throw new Failure(`validity of ${validity.length} rows for ${rows} values`);
    bitmap = validity.finish();
    nulls = validity.nullCount;
  } else if (validity != null) {
    bitmap = validity instanceof Bitmap ? validity : new Bitmap(validity, rows);
    nulls = rows - bitmap.countSet();
  }
  return new Column(t, rows, asBytes(values), null, nulls ? bitmap : null, nulls);
}

/**
 * The rows to keep, for a contract that filters: a bitmap, 1 = keep.
 *
 *     Selection.fromFn(batch.length, (row) => fares[row] > 0)
 */
export class Selection {
  /** @param {number} rows @param {boolean} [keep] whether rows start kept */
  constructor(rows, keep = false) {
    this.bits = new Uint8Array(bitmapLen(rows));
    if (keep) this.bits.fill(0xff);
    this.length = rows;
  }

  /** @param {number} rows */
  static all(rows) {
    return new Selection(rows, true);
  }

  /** @param {number} rows */
  static none(rows) {
    return new Selection(rows, false);
  }

  /** Keeps the rows for which `keep(row)` is true. @param {number} rows @param {(row: number) => unknown} keep */
  static fromFn(rows, keep) {
    const s = new Selection(rows);
    for (let row = 0; row < rows; row++) if (keep(row)) s.keep(row);
    return s;
  }

  /** @param {Iterable<unknown>} values */
  static fromBools(values) {
    const list = Array.from(values);
    return Selection.fromFn(list.length, (row) => list[row]);
  }

  /** @param {number} row */
  #check(row) {
    if (!(row >= 0 && row < this.length)) throw new RangeError(`row ${row} out of a selection of ${this.length}`);
  }

  /** @param {number} row */
  keep(row) {
    this.#check(row);
    this.bits[row >>> 3] |= 1 << (row & 7);
  }

  /** @param {number} row */
  drop(row) {
    this.#check(row);
    this.bits[row >>> 3] &= ~(1 << (row & 7));
  }

  /** @param {number} row */
  get(row) {
    this.#check(row);
    return ((this.bits[row >>> 3] >>> (row & 7)) & 1) === 1;
  }

  /** Number of rows kept. */
  count() {
    return countSet(this.bits, this.length);
  }

  keptRows() {
    const rows = [];
    for (let row = 0; row < this.length; row++) if (this.get(row)) rows.push(row);
    return rows;
  }

  /** The bitmap, bits past `length` cleared (a copy). */
  toBytes() {
    return new Bitmap(this.bits, this.length).toBytes();
  }
}
