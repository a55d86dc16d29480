// Columns as Arrow buffers, read through typed-array views.
//
// A `Column` holds the buffers the host sent (or a builder made) as
// `Uint8Array`s: `values`, `offsets` for text and binary, `validity` (a
// `Bitmap`, or null when there are no nulls). Typed views are typed arrays
// over the same memory, so reading a float64 column costs no conversion:
//
//     const fares = batch.get('fare_amount').f64();   // Float64Array
//     for (let row = 0; row < fares.length; row++) {
//       if (batch.get('fare_amount').valid(row)) total += fares[row];
//     }

import { Failure } from './errors.js';
import { DataType } from './types.js';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('wasmprep-plugin reads Arrow buffers as native values: it needs a little-endian machine');
}

/** Bytes of a bitmap of `rows` bits. @param {number} rows */
export function bitmapLen(rows) {
  return (rows + 7) >>> 3;
}

/**
 * `buffer` as a Uint8Array over the same memory (a typed array, an ArrayBuffer, a DataView).
 * @param {ArrayBufferView | ArrayBuffer} buffer
 * @returns {Uint8Array}
 */
export function asBytes(buffer) {
  if (buffer instanceof Uint8Array) return buffer;
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  throw new Failure(`expected bytes (a Uint8Array, typed array or ArrayBuffer), got ${describe(buffer)}`);
}

/** @param {unknown} v */
export function describe(v) {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return v.constructor?.name ?? 'object';
}

/**
 * A typed view of `bytes[0 .. count * width)`, without a copy when the
 * bytes are aligned for `ArrayType` (they are for columns from the host),
 * else over an aligned copy.
 * @template {{ new (buffer: ArrayBufferLike, byteOffset: number, length: number): any, BYTES_PER_ELEMENT: number }} T
 * @param {Uint8Array} bytes
 * @param {T} ArrayType
 * @param {number} count
 * @returns {InstanceType<T>}
 */
export function typedView(bytes, ArrayType, count) {
  const size = count * ArrayType.BYTES_PER_ELEMENT;
  if (bytes.byteLength < size) throw new Failure(`${bytes.byteLength} bytes cannot hold ${count} ${ArrayType.name} values`);
  if (bytes.byteOffset % ArrayType.BYTES_PER_ELEMENT === 0) return new ArrayType(bytes.buffer, bytes.byteOffset, count);
  return new ArrayType(bytes.slice(0, size).buffer, 0, count);
}

/** Packed bits, least significant bit first (Arrow's validity and boolean layout). */
export class Bitmap {
  /** @param {ArrayBufferView | ArrayBuffer} bits @param {number} length */
  constructor(bits, length) {
    const bytes = asBytes(bits);
    if (bytes.length < bitmapLen(length)) throw new Failure(`bitmap of ${bytes.length} bytes is too short for ${length} rows`);
    this.bits = bytes;
    this.length = length;
  }

  /** A bitmap from truth values. @param {Iterable<unknown>} values */
  static fromBools(values) {
    const list = Array.from(values);
    const bits = new Uint8Array(bitmapLen(list.length));
    list.forEach((v, i) => {
      if (v) bits[i >>> 3] |= 1 << (i & 7);
    });
    return new Bitmap(bits, list.length);
  }

  /** Whether bit `row` is set. @param {number} row */
  get(row) {
    if (!(row >= 0 && row < this.length)) throw new RangeError(`row ${row} out of a bitmap of ${this.length}`);
    return ((this.bits[row >>> 3] >>> (row & 7)) & 1) === 1;
  }

  /** Number of bits set among the first `length`. */
  countSet() {
    let n = 0;
    const full = this.length >>> 3;
    for (let i = 0; i < full; i++) n += POPCOUNT[this.bits[i]];
    if (this.length & 7) n += POPCOUNT[this.bits[full] & ((1 << (this.length & 7)) - 1)];
    return n;
  }

  /** The bitmap's bytes, exactly ceil(length / 8) of them, bits past `length` cleared (a copy). */
  toBytes() {
    const out = this.bits.slice(0, bitmapLen(this.length));
    if (this.length & 7) out[out.length - 1] &= (1 << (this.length & 7)) - 1;
    return out;
  }

  /** @returns {boolean[]} */
  toArray() {
    return Array.from({ length: this.length }, (_, i) => this.get(i));
  }

  *[Symbol.iterator]() {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }
}

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >>> 1];

/** Counts the set bits of `bits` among the first `length`. @param {Uint8Array} bits @param {number} length */
export function countSet(bits, length) {
  return new Bitmap(bits, length).countSet();
}

/**
 * One column of `length` rows: its type and its Arrow buffers.
 *
 * - `values`: the values buffer (Uint8Array);
 * - `offsets`: the offsets buffer of text and binary types, else null;
 * - `validity`: a `Bitmap` (1 = valid), or null when no row is null;
 * - `nullCount`: the number of nulls.
 */
export class Column {
  /**
   * @param {DataType} dataType
   * @param {number} length
   * @param {ArrayBufferView | ArrayBuffer} values
   * @param {ArrayBufferView | ArrayBuffer | null} [offsets]
   * @param {Bitmap | ArrayBufferView | ArrayBuffer | null} [validity]
   * @param {number | null} [nullCount]
   */
  constructor(dataType, length, values, offsets = null, validity = null, nullCount = null) {
    if (!(dataType instanceof DataType)) throw new Failure(`a column's type must be a DataType, not ${describe(dataType)}`);
    this.dataType = dataType;
    this.length = length;
    this.values = asBytes(values);
    this.offsets = offsets == null ? null : asBytes(offsets);
    let bitmap = validity == null ? null : validity instanceof Bitmap ? validity : new Bitmap(validity, length);
    if (nullCount == null) nullCount = bitmap === null ? 0 : length - bitmap.countSet();
    if (nullCount === 0) bitmap = null;
    else if (bitmap === null) throw new Failure(`a column with ${nullCount} nulls needs a validity bitmap`);
    this.validity = bitmap;
    this.nullCount = nullCount;
    this.#check();
  }

  #check() {
    const t = this.dataType;
    const n = this.length;
    let need = 0;
    if (t.layout === 'bits') need = bitmapLen(n);
    else if (t.layout === 'fixed') need = n * t.width;
    else if (this.offsets === null || this.offsets.length < (n + 1) * t.width) {
      throw new Failure(`${t} column of ${n} rows needs ${(n + 1) * t.width} bytes of offsets`);
    }
    if (this.values.length < need) throw new Failure(`${t} column of ${n} rows needs ${need} bytes of values, has ${this.values.length}`);
  }

  /** Whether `row` holds a value (is not null). @param {number} row */
  valid(row) {
    const v = this.validity;
    return v === null || ((v.bits[row >>> 3] >>> (row & 7)) & 1) === 1;
  }

  /** @param {number} row */
  isNull(row) {
    return !this.valid(row);
  }

  /** The same buffers read as `dataType`, which must have the same layout. @param {DataType} dataType */
  retyped(dataType) {
    if (!dataType.sameLayout(this.dataType)) throw new Failure(`a ${this.dataType} column cannot be read as ${dataType}`);
    return new Column(dataType, this.length, this.values, this.offsets, this.validity, this.nullCount);
  }

  /** The values as their typed array (fixed-width types), without a copy when aligned. */
  view() {
    const t = this.dataType;
    if (t.layout !== 'fixed') throw new Failure(`a ${t} column has no fixed-width values; use text(), binary() or bools()`);
    return typedView(this.values, t.arrayType, this.length);
  }

  /** @param {string[]} kinds */
  #typed(...kinds) {
    if (!kinds.includes(this.dataType.kind)) throw new Failure(`a ${this.dataType} column read as ${kinds.join(' or ')}`);
    return this.view();
  }

  /** @returns {Int8Array} */ i8() { return this.#typed('int8'); }
  /** @returns {Int16Array} */ i16() { return this.#typed('int16'); }
  /** int32 values (and date32's days since the epoch). @returns {Int32Array} */ i32() { return this.#typed('int32', 'date32'); }
  /** int64 values (and timestamps' and durations' counts of units). @returns {BigInt64Array} */ i64() { return this.#typed('int64', 'timestamp', 'duration'); }
  /** @returns {Uint8Array} */ u8() { return this.#typed('uint8'); }
  /** @returns {Uint16Array} */ u16() { return this.#typed('uint16'); }
  /** @returns {Uint32Array} */ u32() { return this.#typed('uint32'); }
  /** @returns {BigUint64Array} */ u64() { return this.#typed('uint64'); }
  /** @returns {Float32Array} */ f32() { return this.#typed('float32'); }
  /** @returns {Float64Array} */ f64() { return this.#typed('float64'); }

  /** A bool column's values as a bitmap (nulls read as whatever bit is stored). */
  bools() {
    if (this.dataType.kind !== 'bool') throw new Failure(`a ${this.dataType} column read as bool`);
    return new Bitmap(this.values, this.length);
  }

  /** Values of a binary (or text) column as Uint8Array slices. */
  binary() {
    if (this.dataType.layout !== 'variable') throw new Failure(`a ${this.dataType} column read as binary`);
    return new BinaryView(this);
  }

  /** Values of a utf8 column as strings. */
  text() {
    if (!this.dataType.isText) throw new Failure(`a ${this.dataType} column read as text`);
    return new TextView(this);
  }

  /**
   * The value at `row` as a JS value (null for a null): number, bigint
   * (64-bit integers, timestamps, durations), boolean, string or Uint8Array.
   * @param {number} row
   */
  get(row) {
    if (!(row >= 0 && row < this.length)) throw new RangeError(`row ${row} out of a column of ${this.length}`);
    if (!this.valid(row)) return null;
    const t = this.dataType;
    if (t.layout === 'bits') return this.bools().get(row);
    if (t.layout === 'variable') return t.isText ? this.text().get(row) : this.binary().get(row).slice();
    return this.view()[row];
  }

  /** Every value, null for nulls (a copy: for tests and small columns). */
  toArray() {
    return Array.from({ length: this.length }, (_, row) => this.get(row));
  }
}

const DECODER = makeDecoder();

function makeDecoder() {
  try {
    return new TextDecoder('utf-8', { fatal: true });
  } catch {
    return new TextDecoder('utf-8'); // an engine without `fatal`: invalid bytes read as U+FFFD
  }
}

/** The values of a variable-length column, row by row, without copying the bytes. */
export class BinaryView {
  /** @param {Column} column */
  constructor(column) {
    const t = column.dataType;
    /** @type {Int32Array | BigInt64Array} */
    this.offsets = typedView(/** @type {Uint8Array} */ (column.offsets), t.arrayType, column.length + 1);
    this.data = column.values;
    this.length = column.length;
    this.large = t.width === 8;
    if (Number(this.offsets[0]) !== 0 || Number(this.offsets[this.length]) > this.data.length) {
      throw new Failure(`offsets of a ${t} column do not fit its ${this.data.length} bytes of values`);
    }
  }

  /** @param {number} row */
  start(row) {
    return Number(this.offsets[row]);
  }

  /** The bytes of `row` (a view, not a copy). @param {number} row @returns {Uint8Array} */
  get(row) {
    if (!(row >= 0 && row < this.length)) throw new RangeError(`row ${row} out of a column of ${this.length}`);
    return this.data.subarray(Number(this.offsets[row]), Number(this.offsets[row + 1]));
  }

  *[Symbol.iterator]() {
    for (let row = 0; row < this.length; row++) yield this.get(row);
  }
}

/** The values of a utf8 column as strings (decoded when read). */
export class TextView extends BinaryView {
  /** @param {number} row @returns {string} */
  // @ts-ignore - returns a string where BinaryView returns bytes
  get(row) {
    try {
      return DECODER.decode(super.get(row));
    } catch (e) {
      if (e instanceof RangeError) throw e;
      throw new Failure(`row ${row} of a utf8 column is not valid UTF-8`);
    }
  }
}
